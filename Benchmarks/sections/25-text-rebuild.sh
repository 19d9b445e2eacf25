#!/usr/bin/env bash
# Section: a text-only rebuild against a first build of the default report (issue: rebuilds in a blink after a text
# edit). The first build is `build --no-reuse` (every lesson computed, as into an empty --out); the rebuild edits one
# lesson text (appends a blank line to each text, so every page is made again) and builds into the same --out, where
# every lesson's inputs are unchanged and its results and figures are reused. Whole processes, median of BENCH_RUNS
# runs (default 5, 1 with --quick). The goal: rebuild ≤ 15 % of the first build.
set -euo pipefail
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
runs="${BENCH_RUNS:-5}"
[[ "${BENCH_ARGS:-}" == *--quick* ]] && runs="${BENCH_RUNS:-1}"
echo "Building lvm-lessons (release, the binary of make report)…" >&2
swift build --package-path "$ROOT" -c release --product lvm-lessons >&2
lvm="$(swift build --package-path "$ROOT" -c release --show-bin-path)/lvm-lessons"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r "$ROOT/Lessons" "$work/Lessons"
timeit=(python3 "$BENCH_DIR/scripts/time_command.py" --runs "$runs")
jsonl="$BENCH_OUT/text-rebuild.jsonl"
: > "$jsonl"
echo "Timing a first build and a text-only rebuild ($runs runs each)…" >&2
"${timeit[@]}" --label "first build (--no-reuse)" -- "$lvm" build --quiet --no-reuse --lessons "$work/Lessons" --out "$work/out" >> "$jsonl"
edit="for f in \"$work\"/Lessons/0*.md; do echo >> \"\$f\"; done; exec \"$lvm\" build --quiet --lessons \"$work/Lessons\" --out \"$work/out\""
"${timeit[@]}" --label "text-only rebuild" -- bash -c "$edit" >> "$jsonl"
python3 - "$jsonl" <<'PY'
import json, sys
first, rebuild = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print(f"## Text-only rebuild of the default report (median of {first['runs']} runs)")
print()
print("| build | wall | CPU |")
print("|---|---:|---:|")
for r in (first, rebuild):
    print(f"| {r['label']} | {r['wall_s']:.2f} s | {r['cpu_s']:.2f} s |")
ratio = rebuild["wall_s"] / first["wall_s"]
print()
print(f"Rebuild / first build (wall): {ratio:.1%} (goal ≤ 15 %). The rebuild reuses every lesson (same tool, seed, "
      "options and data) and makes every page from the edited texts.")
sys.exit(0 if ratio <= 0.15 else 1)
PY
