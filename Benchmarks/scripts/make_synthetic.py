#!/usr/bin/env python3
"""Writes seeded synthetic CSV data for the scaling benchmark: N rows of D columns drawn from a PPCA-like model.

    python3 Benchmarks/scripts/make_synthetic.py N D OUT.csv [--seed S]

x = W z + μ + ε with z ~ N(0, I₅), W (D × 5) with N(0, 1) entries scaled by 3, μ = 0, ε ~ N(0, 0.5² I): five strong
directions over an isotropic floor, so PPCA has a clear answer at every size. Header `x1,…,xD`; values with 6
significant digits. Same N, D and seed ⇒ the same bytes. The file is written once and reused (it is skipped when
it already exists).
"""
import argparse
import os

import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("n", type=int)
ap.add_argument("d", type=int)
ap.add_argument("out")
ap.add_argument("--seed", type=int, default=8)
a = ap.parse_args()
if not os.path.exists(a.out):
    rng = np.random.default_rng([a.seed, a.n, a.d])
    w = 3 * rng.standard_normal((a.d, 5))
    x = rng.standard_normal((a.n, 5)) @ w.T + 0.5 * rng.standard_normal((a.n, a.d))
    tmp = a.out + ".tmp"
    np.savetxt(tmp, x, fmt="%.6g", delimiter=",", header=",".join(f"x{j + 1}" for j in range(a.d)), comments="")
    os.replace(tmp, a.out)
