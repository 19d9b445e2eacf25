#!/usr/bin/env bash
# Section: LinearAlgebra kernels vs numpy (one thread). Called by Benchmarks/run with the environment it sets:
#   BENCH_DIR (this package), BENCH_BIN (release products), BENCH_OUT (scratch directory), BENCH_ARGS (--quick …).
set -euo pipefail
echo "## LinearAlgebra kernels: Swift (pure, single-threaded) vs numpy $(python3 -c 'import numpy; print(numpy.__version__)' 2>/dev/null || echo '(missing)') with one thread"
echo
echo "Swift built for: ${BENCH_TARGET:-default target}"
echo
"$BENCH_BIN/lvm-bench" $BENCH_ARGS > "$BENCH_OUT/linear-algebra.swift.jsonl"
if command -v python3 >/dev/null && python3 -c 'import numpy' 2>/dev/null; then
    python3 "$BENCH_DIR/peer/kernels.py" $BENCH_ARGS > "$BENCH_OUT/linear-algebra.numpy.jsonl"
else
    echo "(python3 with numpy not found: numpy column left empty)"
    : > "$BENCH_OUT/linear-algebra.numpy.jsonl"
fi
if command -v python3 >/dev/null; then
    python3 "$BENCH_DIR/table.py" "$BENCH_OUT/linear-algebra.swift.jsonl" "$BENCH_OUT/linear-algebra.numpy.jsonl"
else
    echo "(python3 not found: raw Swift timings follow)"
    cat "$BENCH_OUT/linear-algebra.swift.jsonl"
fi
echo
echo "Inputs: seeded N(0,1) matrices (eigh: (B+Bᵀ)/2). Times: median thread CPU time of ≥ 5 runs after a warm-up."
echo "Goals: multiply n=256 ≥ 8 GFLOP/s; eigh ratio ≤ 1.0 at n=64, ≤ 2.5 at n=256 and 512; svd 1797×64 ratio ≤ 2."
