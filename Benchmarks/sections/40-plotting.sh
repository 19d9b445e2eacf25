#!/usr/bin/env bash
# Section: the Plotting benchmark figure (issue 3) rendered to PNG and SVG, thread CPU time of one core.
set -euo pipefail
echo "## Plotting: PlottingBenchmark.standardFigure() (500 points, 200 × 200 filled contours + contour lines, 20 ellipses)"
echo
"$BENCH_BIN/lvm-plot-bench" $BENCH_ARGS > "$BENCH_OUT/plotting.jsonl"
python3 - "$BENCH_OUT/plotting.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print("| format | scale | median (build + render) | fastest | calls | bytes | goal ≤ 150 ms |")
print("|---|---:|---:|---:|---:|---:|---|")
for r in rows:
    ok = "met" if r["median_s"] <= 0.150 else "missed"
    print(f"| {r['format'].upper()} | {r['scale']:g} | {r['median_s'] * 1e3:.1f} ms | {r['min_s'] * 1e3:.1f} ms | {r['repeats']} | {r['bytes']:,} | {ok} |")
print()
print("Each call builds the figure (including the 200 × 200 grid) and renders it once; thread CPU time, one core.")
PY
