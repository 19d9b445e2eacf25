#!/usr/bin/env bash
# Section: the lessons' four trainings — the VAE lesson's two VAEs (arc, digits) and the nonlinear lesson's two decoders
# trained by quadrature (arc, digits) — in lvm-lessons (lvm-train-bench, Models' public API) against PyTorch
# (peer/training_peer.py: CPU, float64, autograd, torch.optim.Adam), with the same architectures, steps, minibatches
# and quadrature rules. PyTorch runs twice, with one thread and with its default threads. Training loop only; median
# of BENCH_TRAINING_RUNS runs (default 5; with --quick one run of shorter schedules), PyTorch's default threads
# BENCH_TRAINING_DEFAULT_RUNS runs (default 1: on a machine shared with other work its OpenMP threads wait for each
# other's cores, and one run of the arc VAE can take a minute instead of four seconds). The trainings are interleaved
# (lvm-lessons, PyTorch 1 thread, PyTorch default, then the next training) so that a change in the machine's load
# hits both sides alike. Called by Benchmarks/run with BENCH_DIR, BENCH_BIN, BENCH_OUT, BENCH_ARGS.
set -euo pipefail
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
runs="${BENCH_TRAINING_RUNS:-5}"
[[ "${BENCH_ARGS:-}" == *--quick* ]] && runs="${BENCH_TRAINING_RUNS:-1}"
default_runs="${BENCH_TRAINING_DEFAULT_RUNS:-1}"
"$BENCH_DIR/peer/ensure-deps.sh" --torch
digits="$ROOT/Lessons/data/digits.csv"
jsonl="$BENCH_OUT/training.jsonl"
: > "$jsonl"
load_start="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
for training in vae-arc vae-digits nonlinear-arc nonlinear-digits; do
    echo "Training $training: lvm-lessons and PyTorch with 1 thread ($runs runs each), PyTorch with its default threads ($default_runs)…" >&2
    "$BENCH_BIN/lvm-train-bench" $BENCH_ARGS --runs "$runs" --digits "$digits" "$training" >> "$jsonl"
    python3 "$BENCH_DIR/peer/training_peer.py" $BENCH_ARGS --runs "$runs" --digits "$digits" --threads 1 "$training" >> "$jsonl"
    python3 "$BENCH_DIR/peer/training_peer.py" $BENCH_ARGS --runs "$default_runs" --digits "$digits" --threads default "$training" >> "$jsonl"
done
python3 "$BENCH_DIR/scripts/training_table.py" "$jsonl" \
    --load "$load_start → $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
