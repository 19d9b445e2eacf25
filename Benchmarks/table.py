#!/usr/bin/env python3
"""Joins the JSON lines of lvm-bench (Swift) and peer/kernels.py (numpy) into one side-by-side table.

    python3 Benchmarks/table.py SWIFT.jsonl NUMPY.jsonl

Columns: kernel, size, Swift median, numpy median, ratio Swift/numpy (< 1 means Swift is faster), and GFLOP/s of
each where a flop count is defined (multiply: 2n³). A missing numpy file or row shows as "n/a".
"""
import json
import sys


def load(path):
    rows = {}
    try:
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line.startswith("{"):
                    r = json.loads(line)
                    rows[(r["kernel"], r["size"])] = r
    except OSError:
        pass
    return rows


def duration(seconds):
    if seconds is None:
        return "n/a"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def main(swift_path, numpy_path):
    swift, numpy = load(swift_path), load(numpy_path)
    header = ["kernel", "size", "Swift median", "numpy median", "Swift/numpy", "Swift GFLOP/s", "numpy GFLOP/s"]
    table = []
    for key, s in swift.items():
        n = numpy.get(key)
        ts, tn = s["median_s"], (n or {}).get("median_s")
        flops = s.get("flops")
        table.append([
            key[0], key[1], duration(ts), duration(tn),
            f"{ts / tn:.2f}" if tn else "n/a",
            f"{flops / ts / 1e9:.1f}" if flops else "",
            f"{flops / tn / 1e9:.1f}" if flops and tn else "",
        ])
    widths = [max(len(str(r[i])) for r in [header] + table) for i in range(len(header))]
    line = lambda r: "| " + " | ".join(str(c).ljust(w) if i < 2 else str(c).rjust(w) for i, (c, w) in enumerate(zip(r, widths))) + " |"
    print(line(header))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in table:
        print(line(r))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
