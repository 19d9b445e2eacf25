#!/usr/bin/env python3
"""Independent reference for Minka's Laplace evidence (Tests/ModelsTests/LatentDimensionCriteriaTests.swift).

Regenerate from the repository root with:
    python3 Tests/ModelsTests/Fixtures/make_minka_evidence.py > Tests/ModelsTests/Fixtures/minka_evidence.json

For each example data set (the digits, and without their near-constant columns; iris and wine, raw and standardised with the 1/N standard deviation as
scikit-learn's StandardScaler), scikit-learn's PCA(n_components='mle') gives the chosen q (`n_components_`), and
its private `_assess_dimension` the log evidence of every rank 1 … D − 1 on `explained_variance_` (the eigenvalues
of the 1/(N − 1) covariance, from the SVD). The scikit-learn and numpy versions are recorded in "generator".
"""
import json
import math

import numpy as np
import sklearn
from sklearn.decomposition import PCA
from sklearn.decomposition._pca import _assess_dimension
from sklearn.preprocessing import StandardScaler

sets = []
for name, path in [("digits", "Lessons/data/digits.csv"), ("iris", "Lessons/data/examples/iris.csv"),
                   ("wine", "Lessons/data/examples/wine.csv")]:
    raw = np.loadtxt(path, delimiter=",", skiprows=1)
    variants = [("raw", raw)]
    if name != "digits":
        variants.append(("standardised", StandardScaler().fit_transform(raw)))
    else:
        # The PPCA lesson's step 8 also drops the near-constant columns: the most frequent value fills >= 99 % of rows.
        share = np.array([np.unique(c, return_counts=True)[1].max() / len(c) for c in raw.T])
        variants.append(("without-near-constant", raw[:, share < 0.99]))
    for variant, x in variants:
        n, d = x.shape
        pca = PCA(n_components="mle", svd_solver="full").fit(x)
        spectrum = PCA(svd_solver="full").fit(x).explained_variance_
        evidence = [_assess_dimension(spectrum, k, n) for k in range(1, d)]
        sets.append({
            "name": name, "variant": variant, "path": path, "rows": n, "columns": d,
            "minka_q": int(pca.n_components_),
            "spectrum": [float(v) for v in spectrum],
            "log_evidence": [None if math.isinf(v) else float(v) for v in evidence],
        })
print(json.dumps({"generator": f"scikit-learn {sklearn.__version__}, numpy {np.__version__}", "sets": sets}, indent=1))
