#!/usr/bin/env python3
"""Independent reference for factor analysis (Tests/ModelsTests/FactorAnalysisTests.swift).

Regenerate from the repository root with:
    python3 Tests/ModelsTests/Fixtures/make_factor_analysis.py > Tests/ModelsTests/Fixtures/factor_analysis.json

A seeded data set (numpy's default_rng(7)): N = 400 rows of D = 6 columns from a 2-factor model with unequal
uniquenesses, rounded to 6 decimals so that the JSON holds exactly the rows the fit saw. scikit-learn's
FactorAnalysis(n_components=2, tol=1e-12, max_iter=100000, svd_method='lapack') is fitted to them; its `score(X)` is
the average log-likelihood per row (natural log, 1/N scatter), `score_samples(X)` the per-row values, and
`noise_variance_` the uniquenesses ψ. The scikit-learn and numpy versions are recorded in "generator".
"""
import json

import numpy as np
import sklearn
from sklearn.decomposition import FactorAnalysis

rng = np.random.default_rng(7)
n, d, q = 400, 6, 2
loading = rng.normal(size=(d, q)) * np.array([2.0, 1.0])
psi = np.array([0.05, 0.3, 1.0, 2.0, 0.5, 4.0])
z = rng.normal(size=(n, q))
x = z @ loading.T + rng.normal(size=(n, d)) * np.sqrt(psi) + np.array([1.0, -2.0, 0.0, 3.0, 0.5, -1.0])
x = np.round(x, 6)

fa = FactorAnalysis(n_components=q, tol=1e-12, max_iter=100000, svd_method="lapack").fit(x)
print(json.dumps({
    "generator": f"scikit-learn {sklearn.__version__}, numpy {np.__version__}",
    "latentDimension": q,
    "rows": x.tolist(),
    "averageLogLikelihood": float(fa.score(x)),
    "logLikelihoods": fa.score_samples(x).tolist(),
    "uniquenesses": fa.noise_variance_.tolist(),
    "iterations": int(fa.n_iter_),
}, indent=1))
