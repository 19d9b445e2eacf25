#!/usr/bin/env python3
"""Reference eigenvalues of the digits covariance, computed once with numpy (LAPACK dsyevd) for LinearAlgebraTests.

Run from the package root:
    python3 Tests/LinearAlgebraTests/Fixtures/make_digits_covariance_eigenvalues.py \
        > Tests/LinearAlgebraTests/Fixtures/digits_covariance_eigenvalues.json

Convention: S = (1/N) sum_n (x_n - mean)(x_n - mean)^T  (maximum likelihood, N = 1797), eigenvalues descending.
"""
import json
import platform
import sys

import numpy as np

x = np.loadtxt("Lessons/data/digits.csv", delimiter=",", skiprows=1)
assert x.shape == (1797, 64), x.shape
s = np.cov(x, rowvar=False, bias=True)          # bias=True: 1/N
eigenvalues = np.sort(np.linalg.eigvalsh(s))[::-1]
json.dump({
    "description": "eigenvalues of the 1/N covariance of Lessons/data/digits.csv (1797 x 64), descending",
    "command": "python3 Tests/LinearAlgebraTests/Fixtures/make_digits_covariance_eigenvalues.py"
               " > Tests/LinearAlgebraTests/Fixtures/digits_covariance_eigenvalues.json",
    "normalization": "1/N",
    "numpy": np.__version__,
    "python": platform.python_version(),
    "rows": int(x.shape[0]),
    "columns": int(x.shape[1]),
    "eigenvalues": [float(v) for v in eigenvalues],
}, sys.stdout, indent=1)
sys.stdout.write("\n")
