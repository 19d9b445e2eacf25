#!/usr/bin/env python3
"""Independent reference for the PCA of the digits (Tests/ModelsTests/PCAReferenceTests.swift).

Regenerate from the repository root with:
    python3 Tests/ModelsTests/Fixtures/make_digits_pca.py > Tests/ModelsTests/Fixtures/digits_pca.json

Uses numpy.loadtxt to read Lessons/data/digits.csv and LAPACK's symmetric eigensolver (numpy.linalg.eigh), with
the same conventions as Models.PCA: covariance normalised by 1/N, eigenvalues descending, each eigenvector with
its entry of largest magnitude positive (the first such entry on a tie). The numpy version is recorded in the
output's "generator" field.
"""
import json
import sys

import numpy as np

x = np.loadtxt("Lessons/data/digits.csv", delimiter=",", skiprows=1)
n, d = x.shape
mean = x.mean(axis=0)
centred = x - mean
covariance = centred.T @ centred / n  # 1/N
eigenvalues, eigenvectors = np.linalg.eigh(covariance)
order = np.argsort(eigenvalues)[::-1]
eigenvalues = eigenvalues[order]
eigenvectors = eigenvectors[:, order]
for i in range(d):
    k = int(np.argmax(np.abs(eigenvectors[:, i])))
    if eigenvectors[k, i] < 0:
        eigenvectors[:, i] *= -1
# Cross-check with the SVD of the centred data: singular values² / N are the eigenvalues.
singular = np.linalg.svd(centred, compute_uv=False)
assert np.allclose(singular**2 / n, eigenvalues, rtol=0, atol=1e-9 * eigenvalues[0])

components = 12  # the leading components compared (all well separated: see "gaps")
gaps = [float(min(eigenvalues[i - 1] - eigenvalues[i] if i > 0 else np.inf, eigenvalues[i] - eigenvalues[i + 1]))
        for i in range(components)]
json.dump(
    {
        "source": "Lessons/data/digits.csv",
        "generator": "Tests/ModelsTests/Fixtures/make_digits_pca.py with numpy " + np.__version__,
        "n": n,
        "d": d,
        "mean": mean.tolist(),
        "eigenvalues": eigenvalues.tolist(),
        "components": eigenvectors[:, :components].T.tolist(),
        "gaps": gaps,
        "total_variance": float(np.trace(covariance)),
    },
    sys.stdout,
    indent=1,
)
print()
