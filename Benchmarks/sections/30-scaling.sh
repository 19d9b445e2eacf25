#!/usr/bin/env bash
# Section: how PCA + PPCA scale with the data — `lvm-lessons build --lesson pca --lesson ppca --data FILE` against
# `peer/report_peer.py --part pca-ppca --data FILE` on seeded synthetic data (scripts/make_synthetic.py) with
# N = 10³, 10⁴, 10⁵ rows and D = 64, 256 columns. Median of BENCH_SCALING_RUNS runs (default 3; with --quick one run
# and N ≤ 10⁴). Writes BENCH_OUT/scaling.jsonl, the table, and the log-log plot BENCH_OUT/scaling.png.
set -euo pipefail
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
runs="${BENCH_SCALING_RUNS:-3}"
sizes=(1000 10000 100000)
if [[ "${BENCH_ARGS:-}" == *--quick* ]]; then runs="${BENCH_SCALING_RUNS:-1}"; sizes=(1000 10000); fi
"$BENCH_DIR/peer/ensure-deps.sh"
swift build --package-path "$ROOT" -c release --product lvm-lessons >&2
lvm="$(swift build --package-path "$ROOT" -c release --show-bin-path)/lvm-lessons"
data="$BENCH_OUT/data"
out="$BENCH_OUT/scaling"
mkdir -p "$data" "$out"
timeit=(python3 "$BENCH_DIR/scripts/time_command.py" --runs "$runs")
jsonl="$BENCH_OUT/scaling.jsonl"
: > "$jsonl"
for d in 64 256; do
    for n in "${sizes[@]}"; do
        file="$data/synthetic-${n}x${d}.csv"
        echo "Scaling: N = $n, D = $d ($runs runs each)…" >&2
        python3 "$BENCH_DIR/scripts/make_synthetic.py" "$n" "$d" "$file"
        "${timeit[@]}" --label "swift $n $d" -- "$lvm" build --quiet --lessons "$ROOT/Lessons" --lesson pca --lesson ppca \
            --data "$file" --out "$out/swift-${n}x${d}" >> "$jsonl"
        "${timeit[@]}" --label "peer $n $d" -- python3 "$BENCH_DIR/peer/report_peer.py" --quiet --lessons "$ROOT/Lessons" \
            --part pca-ppca --data "$file" --out "$out/peer-${n}x${d}" >> "$jsonl"
    done
done
python3 "$BENCH_DIR/scripts/scaling_table.py" "$jsonl" "$BENCH_OUT/scaling.png"
