#!/usr/bin/env bash
# Section: LinearAlgebra kernels vs numpy (one thread). Called by Benchmarks/run with the environment it sets:
#   BENCH_DIR (this package), BENCH_BIN (release products), BENCH_OUT (scratch directory), BENCH_ARGS (--quick …).
set -euo pipefail
echo "## LinearAlgebra kernels: Swift (pure, single-threaded) vs numpy $(python3 -c 'import numpy; print(numpy.__version__)' 2>/dev/null || echo '(missing)') with one thread"
echo
"$BENCH_BIN/lvm-bench" $BENCH_ARGS > "$BENCH_OUT/linear-algebra.swift.jsonl"
if python3 -c 'import numpy' 2>/dev/null; then
    python3 "$BENCH_DIR/peer/kernels.py" $BENCH_ARGS > "$BENCH_OUT/linear-algebra.numpy.jsonl"
else
    echo "(python3 with numpy not found: numpy column left empty)"
    : > "$BENCH_OUT/linear-algebra.numpy.jsonl"
fi
python3 "$BENCH_DIR/table.py" "$BENCH_OUT/linear-algebra.swift.jsonl" "$BENCH_OUT/linear-algebra.numpy.jsonl"
echo
echo "Inputs: seeded N(0,1) matrices (eigh: (B+Bᵀ)/2); median of ≥ 5 timed runs after a warm-up."
echo "Goals: multiply n=256 ≥ 8 GFLOP/s; eigh ratio ≤ 1.0 at n=64, ≤ 2.5 at n=256 and 512; svd 1797×64 ratio ≤ 2."
