#!/usr/bin/env python3
"""Times a whole command: median wall-clock and CPU (user + sys of the process and its children) over several runs.

    python3 Benchmarks/scripts/time_command.py --runs 5 --label NAME [--warmup] -- COMMAND ARG…

Prints one JSON line: {"label", "runs", "wall_s" (median), "cpu_s" (median), "wall_all", "cpu_all", "command"}.
Wall time is time.perf_counter around subprocess.run; CPU time is the increase of resource.getrusage(RUSAGE_CHILDREN)
(user + sys) over the run, which counts every thread of the command. stdout and stderr of the command are discarded;
a failing command stops the timing with its exit status and its stderr.
"""
import argparse
import json
import resource
import statistics
import subprocess
import sys
import time

ap = argparse.ArgumentParser()
ap.add_argument("--runs", type=int, default=5)
ap.add_argument("--label", required=True)
ap.add_argument("--warmup", action="store_true", help="one untimed run first (file cache, lazy loading)")
ap.add_argument("command", nargs=argparse.REMAINDER)
a = ap.parse_args()
cmd = a.command[1:] if a.command and a.command[0] == "--" else a.command


def once():
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        sys.stderr.write(p.stderr.decode(errors="replace"))
        sys.exit(f"time_command: {' '.join(cmd)} failed with status {p.returncode}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


if a.warmup:
    once()
walls, cpus = zip(*[once() for _ in range(a.runs)])
print(json.dumps({"label": a.label, "runs": a.runs, "wall_s": statistics.median(walls), "cpu_s": statistics.median(cpus),
                  "wall_all": [round(w, 3) for w in walls], "cpu_all": [round(c, 3) for c in cpus], "command": cmd}))
