#!/usr/bin/env bash
# Section: peak memory of a large --data build — `lvm-lessons build --lesson pca --lesson ppca --data FILE` on the
# seeded synthetic data of the scaling section with N = 10⁵ rows and D = 256 columns (a 219 MB CSV; 205 MB as
# doubles). Peak resident set size (ru_maxrss of the finished process, so every thread and every mapped page it
# touched), one run (memory does not vary between runs). The goal: ≤ 512 MiB. Skipped with --quick.
set -euo pipefail
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
if [[ "${BENCH_ARGS:-}" == *--quick* ]]; then echo "## Peak memory: skipped with --quick"; exit 0; fi
swift build --package-path "$ROOT" -c release --product lvm-lessons >&2
lvm="$(swift build --package-path "$ROOT" -c release --show-bin-path)/lvm-lessons"
"$BENCH_DIR/peer/ensure-deps.sh"
file="$BENCH_OUT/data/synthetic-100000x256.csv"
mkdir -p "$BENCH_OUT/data"
python3 "$BENCH_DIR/scripts/make_synthetic.py" 100000 256 "$file"
echo "Peak memory of build --data (N = 10⁵, D = 256)…" >&2
python3 - "$lvm" "$ROOT/Lessons" "$file" "$BENCH_OUT/memory" <<'PY'
import os, resource, subprocess, sys, time
lvm, lessons, data, out = sys.argv[1:]
start = time.monotonic()
subprocess.run([lvm, "build", "--quiet", "--no-reuse", "--lessons", lessons, "--lesson", "pca", "--lesson", "ppca",
                "--data", data, "--out", out], check=True)
wall = time.monotonic() - start
peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # Linux: kilobytes
size_mb = os.path.getsize(data) / 1e6
print("## Peak memory of a large --data build")
print()
print("| data | CSV | as doubles | wall | peak RSS | goal |")
print("|---|---:|---:|---:|---:|---:|")
print(f"| 10⁵ × 256 | {size_mb:.0f} MB | {100000 * 256 * 8 / 1e6:.0f} MB | {wall:.1f} s | {peak_mib:.0f} MiB | ≤ 512 MiB |")
if peak_mib > 512:
    print(f"\npeak {peak_mib:.0f} MiB is over the goal of 512 MiB", file=sys.stderr)
    sys.exit(1)
PY
