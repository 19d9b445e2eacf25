#!/usr/bin/env python3
"""Table and log-log plot of section 30 (PCA + PPCA on synthetic N × D data) from the JSON lines of time_command.py.

    python3 Benchmarks/scripts/scaling_table.py BENCH_OUT/scaling.jsonl BENCH_OUT/scaling.png

Labels are "swift N D" and "peer N D". The plot shows median wall time against N (log-log), one line per tool and D,
and the slope of each line between the two largest N.
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
t = {}
for r in rows:
    tool, n, d = r["label"].split()
    t[(tool, int(n), int(d))] = r
ns = sorted({k[1] for k in t})
ds = sorted({k[2] for k in t})
print(f"## Scaling: PCA + PPCA lessons on synthetic N × D data (median of {rows[0]['runs']} runs)")
print()
print("| N | D | lvm-lessons wall | lvm-lessons CPU | peer wall | peer CPU | wall ratio |")
print("|---:|---:|---:|---:|---:|---:|---:|")
for d in ds:
    for n in ns:
        s, p = t.get(("swift", n, d)), t.get(("peer", n, d))
        if not s or not p:
            continue
        print(f"| {n:,} | {d} | {s['wall_s']:.2f} s | {s['cpu_s']:.2f} s | {p['wall_s']:.2f} s | {p['cpu_s']:.2f} s | "
              f"{s['wall_s'] / p['wall_s']:.2f} |")
print()
fig, ax = plt.subplots(figsize=(460 / 72, 345 / 72), layout="constrained")
for tool, name, colour in (("swift", "lvm-lessons", "#d95f02"), ("peer", "Python peer", "#3b4a5a")):
    for d, style in zip(ds, ("-", "--")):
        pts = [(n, t[(tool, n, d)]["wall_s"]) for n in ns if (tool, n, d) in t]
        if not pts:
            continue
        ax.plot(*zip(*pts), style, marker="o", color=colour, label=f"{name}, D = {d}")
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("N, rows of the data")
ax.set_ylabel("median wall time of the whole process (s)")
ax.set_title("PCA + PPCA lessons with --data: time against N")
ax.grid(True, which="both", alpha=0.3)
ax.legend()
fig.savefig(sys.argv[2], dpi=144)
print(f"Log-log plot: {sys.argv[2]}. Data: seeded synthetic CSV (5 strong directions + isotropic noise, "
      "Benchmarks/scripts/make_synthetic.py), generated once into Benchmarks/output/data/.")
if ("swift", 100000, 64) in t:
    print(f"Goal: PCA + PPCA on N = 10⁵, D = 64 in ≤ 2 s — {t[('swift', 100000, 64)]['wall_s']:.2f} s (wall).")
