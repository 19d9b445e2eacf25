#!/usr/bin/env python3
"""numpy peer of Benchmarks/Sources/lvm-bench: the same kernels on the same shapes, one thread, one JSON line each.

    python3 Benchmarks/peer/kernels.py [--quick] [kernel-prefix ...]

Threading is pinned to one thread *before* numpy is imported (OpenBLAS reads these variables at load time), so the
comparison with the single-threaded Swift code is fair. OPENBLAS_CORETYPE is left alone: OpenBLAS picks its kernels
for this CPU as it would for any user. Timing: one warm-up call, then the median of repeats filling ~budget seconds
(at least 5, at most 201) — the same rule as lvm-bench. The clock is the calling thread's CPU time
(time.thread_time), as in lvm-bench, so time spent waiting for a core on a shared machine is not counted.
"""
import os

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = "1"

import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402


def median_time(budget, body):
    start = time.thread_time()
    body()
    first = max(time.thread_time() - start, 1e-7)
    repeats = min(201, max(5, int(budget / first)) | 1)
    times = []
    for _ in range(repeats):
        t0 = time.thread_time()
        body()
        times.append(time.thread_time() - t0)
    times.sort()
    return times[len(times) // 2], repeats


def report(kernel, size, result, flops=None):
    line = {"kernel": kernel, "size": size, "median_s": result[0], "repeats": result[1]}
    if flops is not None:
        line["flops"] = flops
    print(json.dumps(line), flush=True)


def main(argv):
    quick = "--quick" in argv
    filters = [a for a in argv if not a.startswith("--")]
    budget = 0.3 if quick else 1.5

    def wanted(kernel):
        return not filters or any(kernel.startswith(f) for f in filters)

    rng = np.random.default_rng(20261126)
    if wanted("multiply"):
        for n in (64, 256, 512):
            a = rng.standard_normal((n, n))
            b = rng.standard_normal((n, n))
            report("multiply", str(n), median_time(budget, lambda: a @ b), 2.0 * n ** 3)
    if wanted("eigh"):
        for n in (64, 128, 256, 512):
            b = rng.standard_normal((n, n))
            a = 0.5 * (b + b.T)
            report("eigh", str(n), median_time(budget, lambda: np.linalg.eigh(a)))
    if wanted("svd"):
        a = rng.standard_normal((1797, 64))
        report("svd", "1797x64", median_time(budget, lambda: np.linalg.svd(a, full_matrices=False)))
    if wanted("extra"):
        a = rng.standard_normal((64, 64))
        report("extra-svd", "64x64", median_time(budget, lambda: np.linalg.svd(a, full_matrices=False)))
        b = rng.standard_normal((1797, 64))
        report("extra-gram", "1797x64", median_time(budget, lambda: b.T @ b), 2.0 * 1797 * 64 * 64)


if __name__ == "__main__":
    main(sys.argv[1:])
