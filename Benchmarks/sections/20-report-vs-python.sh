#!/usr/bin/env bash
# Section: the whole default report, and the PCA + PPCA lessons alone, against the Python peer (numpy + scikit-learn
# + matplotlib, peer/report_peer.py). Whole processes as a user runs them; median of BENCH_RUNS runs (default 5,
# 1 with --quick). Called by Benchmarks/run with BENCH_DIR, BENCH_OUT, BENCH_ARGS in the environment.
set -euo pipefail
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
runs="${BENCH_RUNS:-5}"
[[ "${BENCH_ARGS:-}" == *--quick* ]] && runs="${BENCH_RUNS:-1}"
"$BENCH_DIR/peer/ensure-deps.sh"
echo "Building lvm-lessons (release, the binary of make report)…" >&2
swift build --package-path "$ROOT" -c release --product lvm-lessons >&2
lvm="$(swift build --package-path "$ROOT" -c release --show-bin-path)/lvm-lessons"
peer=(python3 "$BENCH_DIR/peer/report_peer.py" --quiet --lessons "$ROOT/Lessons")
out="$BENCH_OUT/report"
mkdir -p "$out"
timeit=(python3 "$BENCH_DIR/scripts/time_command.py" --runs "$runs")
jsonl="$BENCH_OUT/report.jsonl"
: > "$jsonl"
echo "Timing the whole report ($runs runs each)…" >&2
# The peer computes the PCA, PPCA and nonlinear lessons: the first pair compares that same work.
"${timeit[@]}" --label "lvm-lessons build --lesson pca --lesson ppca --lesson nonlinear" -- "$lvm" build --quiet --no-reuse --lessons "$ROOT/Lessons" --lesson pca --lesson ppca --lesson nonlinear --out "$out/swift-all" >> "$jsonl"
"${timeit[@]}" --label "peer (all lessons)" -- "${peer[@]}" --out "$out/peer-all" >> "$jsonl"
echo "Timing the PCA + PPCA lessons ($runs runs each)…" >&2
"${timeit[@]}" --label "lvm-lessons build --lesson pca --lesson ppca" -- "$lvm" build --quiet --no-reuse --lessons "$ROOT/Lessons" --lesson pca --lesson ppca --out "$out/swift-pca-ppca" >> "$jsonl"
"${timeit[@]}" --label "peer --part pca-ppca" -- "${peer[@]}" --part pca-ppca --out "$out/peer-pca-ppca" >> "$jsonl"
echo "Timing the full default build and the linear-family lesson alone ($runs runs each)…" >&2
"${timeit[@]}" --label "lvm-lessons build (every lesson)" -- "$lvm" build --quiet --no-reuse --lessons "$ROOT/Lessons" --out "$out/swift-default" >> "$jsonl"
"${timeit[@]}" --label "lvm-lessons build --lesson linear-family" -- "$lvm" build --quiet --no-reuse --lessons "$ROOT/Lessons" --lesson linear-family --out "$out/swift-linear-family" >> "$jsonl"
python3 "$BENCH_DIR/scripts/report_table.py" "$jsonl"
