#!/usr/bin/env python3
"""Prints the Markdown table of section 50 (the lessons' trainings: lvm-lessons vs PyTorch) from JSON lines.

    python3 Benchmarks/scripts/training_table.py BENCH_OUT/training.jsonl [--load "LOAD AT START → AT END"]

The file holds, for each training, one line of lvm-train-bench (side "lvm-lessons") and the lines of
peer/training_peer.py (side "pytorch") with one thread and with PyTorch's default threads. The ratio the goal reads
is lvm-lessons / PyTorch with one thread, CPU time of the whole process on both sides (lvm-lessons' training loop
runs on one thread and splits its largest products over the cores, PyTorch with one intra-op thread does not split):
the work each side spends. The wall ratio against PyTorch's faster wall time (one thread or its default threads) is
printed beside it; on a machine shared with other work only the CPU times mean much.
"""
import json
import sys

rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
load = sys.argv[sys.argv.index("--load") + 1] if "--load" in sys.argv else None
names = list(dict.fromkeys(r["training"] for r in rows))
described = {
    "vae-arc": "VAE, arc (d = 1): enc 2→32→2, dec 1→16→2",
    "vae-digits": "VAE, digits (d = 2): enc 64→64→4, dec 2→64→64",
    "nonlinear-arc": "decoder by quadrature, arc: 1→16→2",
    "nonlinear-digits": "decoder by quadrature, digits: 2→64→64",
}


def find(name, side, one_thread=None):
    for r in rows:
        if r["training"] == name and r["side"] == side:
            if one_thread is None or (r.get("torch_threads") == 1) == one_thread:
                return r
    return None


def seconds(v):
    return f"{v:.2f} s" if v >= 0.995 else f"{v * 1e3:.0f} ms"


def sizes(r):
    s = f"{r['steps']:,} steps × {r['batch']} rows"
    if "nodes" in r:
        s += f" × {r['nodes']} nodes"
    return s


swift_any = next((r for r in rows if r["side"] == "lvm-lessons"), None)
torch_any = next((r for r in rows if r["side"] == "pytorch"), None)
runs = swift_any["runs"] if swift_any else (torch_any["runs"] if torch_any else 0)
print(f"## The lessons' trainings: lvm-lessons vs PyTorch (CPU, float64; median of {runs} runs)")
print()
print("| training | work | lvm-lessons wall | lvm-lessons CPU | PyTorch 1 thread wall | PyTorch 1 thread CPU | "
      "**CPU ratio** | PyTorch default threads wall | wall ratio | final objective (lvm-lessons / PyTorch) |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
ratios = {}
for name in names:
    s, one, many = find(name, "lvm-lessons"), find(name, "pytorch", True), find(name, "pytorch", False)
    if s is None:
        continue
    cells = [described.get(name, name), sizes(s), seconds(s["wall_s"]), seconds(s["cpu_s"])]
    if one:
        ratios[name] = s["cpu_s"] / one["cpu_s"]
        cells += [seconds(one["wall_s"]), seconds(one["cpu_s"]), f"**{ratios[name]:.2f}**"]
    else:
        cells += ["—", "—", "—"]
    cells.append(seconds(many["wall_s"]) + (f" ({many['runs']} run{'s' if many['runs'] > 1 else ''})") if many else "—")
    walls = [r["wall_s"] for r in (one, many) if r]
    cells.append(f"{s['wall_s'] / min(walls):.2f}" if walls else "—")
    cells.append(f"{s['final']:.3f} / {one['final']:.3f}" if one else f"{s['final']:.3f}")
    print("| " + " | ".join(cells) + " |")
print()
print("Only the training loop is timed (data read, models built before the clock starts; no evaluation callbacks). "
      "CPU: CPU time of the whole process over the loop (every thread). Ratios: lvm-lessons / PyTorch "
      "(< 1 means lvm-lessons is faster); the CPU ratio compares with PyTorch on one thread "
      "(`torch.set_num_threads(1)`), the wall ratio with the faster of PyTorch's two wall times. "
      "Final objective: the last minibatch's ELBO or log-likelihood per row, natural log (different random numbers on "
      "the two sides, the same model and work).")
if swift_any:
    print(f"lvm-lessons threads: {swift_any['threads']} (the quadrature marginal's X Fᵀ, RᵀX and log-sum-exp split "
          "by rows, bit-identical to one thread); everything else on the calling thread.")
if torch_any:
    many = next((r for r in rows if r["side"] == "pytorch" and r.get("torch_threads") != 1), None)
    print(f"PyTorch {torch_any['torch']} ({torch_any['cpu_capability']} kernels), torch.optim.Adam(fused=True), "
          f"ExponentialLR; default threads: {many['torch_threads'] if many else '—'}.")
if load:
    print(f"Machine load (1, 5, 15-minute load averages, {__import__('os').cpu_count()} cores) at the start → at the end "
          f"of the section: {load}.")
if ratios:
    worst = max(ratios.values())
    print()
    print(f"Goal: ≤ 1.0 × PyTorch's time for the same training — worst CPU ratio {worst:.2f} "
          f"({'met' if worst <= 1.0 else 'missed'}: " + ", ".join(f"{k} {v:.2f}" for k, v in ratios.items()) + ").")
