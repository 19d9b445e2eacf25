#!/usr/bin/env python3
"""Prints the Markdown table of section 20 (whole report vs the Python peer) from the JSON lines of time_command.py.

    python3 Benchmarks/scripts/report_table.py BENCH_OUT/report.jsonl

Rows come in pairs (lvm-lessons, then the peer doing the same work); the ratio is lvm-lessons / peer (< 1: faster).
"""
import json
import os
import platform
import sys

rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]


def blas_threads():
    try:
        import numpy  # noqa: F401
        from threadpoolctl import threadpool_info
        return ", ".join(f"{i['internal_api']} {i['version']} with {i['num_threads']} threads" for i in threadpool_info())
    except Exception as e:  # noqa: BLE001
        return f"unknown ({e})"


def versions():
    out = []
    for name in ("numpy", "sklearn", "matplotlib"):
        try:
            out.append(f"{name} {__import__(name).__version__}")
        except ImportError:
            out.append(f"{name} missing")
    return ", ".join(out)


print(f"## Whole report: lvm-lessons vs the Python peer (median of {rows[0]['runs']} runs)")
print()
print("| work | lvm-lessons wall | peer wall | wall ratio | lvm-lessons CPU | peer CPU | CPU ratio |")
print("|---|---:|---:|---:|---:|---:|---:|")
names = ["PCA, PPCA and nonlinear lessons (the peer's three)", "PCA + PPCA lessons"]
pairs, singles = rows[:4], rows[4:]
ratios = []
for name, (s, p) in zip(names, zip(pairs[0::2], pairs[1::2])):
    ratios.append(s["wall_s"] / p["wall_s"])
    print(f"| {name} | {s['wall_s']:.2f} s | {p['wall_s']:.2f} s | {s['wall_s'] / p['wall_s']:.2f} | "
          f"{s['cpu_s']:.2f} s | {p['cpu_s']:.2f} s | {s['cpu_s'] / p['cpu_s']:.2f} |")
print()
print("Wall: time.perf_counter around the whole process; CPU: user + sys of the process and its threads "
      "(getrusage of children). Ratio = lvm-lessons / peer (< 1 means lvm-lessons is faster).")
print(f"Threads: lvm-lessons uses all {os.cpu_count()} cores — figures rendered concurrently (a lesson's figures while the "
      f"next lesson computes), large matrix products and the quadrature marginals split by rows (bit-identical to one "
      f"thread), the rest of the numerics on one thread; the peer runs {platform.python_implementation()} "
      f"{platform.python_version()} with {versions()}, BLAS as installed: {blas_threads()} "
      f"(OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}, "
      f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}).")
for s in singles:
    print(f"| {s['label']} (no peer) | {s['wall_s']:.2f} s | | | {s['cpu_s']:.2f} s | | |")
print()
full = next((s for s in singles if "every lesson" in s["label"]), rows[0])
lesson = next((s for s in singles if "linear-family" in s["label"]), None)
print(f"Goal: the peer's three lessons ≤ 0.5 × the peer's time — {ratios[0]:.2f} (wall); "
      f"full default build ≤ 15 s — {full['wall_s']:.1f} s"
      + (f"; the linear-family lesson ≤ 5 s — {lesson['wall_s']:.1f} s (whole process, its figures included)." if lesson else "."))
