#!/usr/bin/env python3
"""The Python peer of `lvm-lessons build`: the same fits and the same figures with numpy, scikit-learn and
matplotlib (Agg), written the way a competent Python user would write a one-off teaching script.

    python3 Benchmarks/peer/report_peer.py [--out DIR] [--part all|pca-ppca] [--data FILE.csv] [--seed N]
                                           [--scale S] [--lessons DIR] [--quiet]

--part all       the three lessons (PCA, PPCA, nonlinear LVM): matches `lvm-lessons build`
--part pca-ppca  the PCA and PPCA lessons only: matches `lvm-lessons build --lesson pca --lesson ppca`
--data FILE.csv  a CSV with a header row (as for `lvm-lessons build --data`): replaces the digits in PCA and PPCA

Writes OUT/LESSON/figures/NAME.png, OUT/LESSON/frames/NAME/NNN.png (PNG at `--scale` pixels per point, the figure
sizes in points of the Swift report), OUT/LESSON/results.json and a plain OUT/LESSON/index.html with the images.
See Benchmarks/peer/README.md for exactly what is matched and what is left out.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.patches import Ellipse  # noqa: E402
from scipy.special import logsumexp, ndtri  # noqa: E402  (scipy comes with scikit-learn)
from scipy.stats import multivariate_normal, norm  # noqa: E402
from sklearn.decomposition import PCA  # noqa: E402

LOG2PI = np.log(2 * np.pi)
# Figure sizes in points of lvm-lessons' report on the digits (main after 15:00 UTC, 26 Nov 2026), by LESSON/NAME
# (a slider's frames share its size). The lessons' own figure() calls give the panel layout; these sizes are applied
# before saving, so every PNG has the pixel size of lvm-lessons' PNG. Not applied with --data (sizes depend on it).
REPORT_SIZES = {
    "nonlinear/curve-data": (560, 345),
    "nonlinear/digits-latent-space": (460, 345),
    "nonlinear/digits-training": (460, 345),
    "nonlinear/elbo-gap": (640, 300),
    "nonlinear/grid-cost": (460, 345),
    "nonlinear/importance-sampling": (640, 300),
    "nonlinear/latent-manifold-decoder": (460, 490),
    "nonlinear/latent-manifold": (480, 820),
    "nonlinear/marginal-density": (640, 300),
    "nonlinear/mc-relative-error": (460, 345),
    "nonlinear/posterior-shapes": (640, 480),
    "nonlinear/quadrature-accuracy": (460, 345),
    "nonlinear/training-log-likelihood": (460, 345),
    "nonlinear/training": (620, 345),
    "nonlinear/untrained-decoder": (460, 345),
    "pca/angle-sweep": (460, 690),
    "pca/centring": (460, 690),
    "pca/data-overview": (640, 720),
    "pca/error-vs-q": (460, 345),
    "pca/mean-and-components": (640, 370),
    "pca/pc-projection": (460, 345),
    "pca/point-cloud": (460, 345),
    "pca/principal-axes": (460, 345),
    "pca/projection": (460, 345),
    "pca/reconstructions": (640, 530),
    "pca/scree": (460, 690),
    "pca/variance-vs-angle": (460, 345),
    "pca/what-pca-misses": (460, 345),
    "ppca/em-iterations": (600, 345),
    "ppca/em-log-likelihood": (640, 300),
    "ppca/generative-story": (640, 560),
    "ppca/linear-manifold": (460, 490),
    "ppca/marginal-density": (520, 380),
    "ppca/mc-marginal": (640, 540),
    "ppca/model-selection": (560, 380),
    "ppca/posterior-digits": (560, 420),
    "ppca/posterior-grid-check": (540, 345),
    "ppca/posterior-shrinkage": (620, 640),
    "ppca/ppca-samples": (560, 352),
    "ppca/rotational-ambiguity": (620, 380),
    "ppca/sigma-to-zero": (620, 680),
}

C = {"data": "#3b4a5a", "model": "#d95f02", "reference": "#222222", "projection": "#1b9e77",
     "posterior": "#7570b3", "samples": "#e7298a", "highlight": "#e6ab02"}


# ----------------------------------------------------------------------------------------------------------- output

class Site:
    """Collects figures and results of one lesson and writes them under OUT/LESSON/."""

    def __init__(self, out, slug, scale, sizes=None):
        self.dir = os.path.join(out, slug)
        self.slug = slug
        self.sizes = sizes if sizes is not None else {}
        self.scale = scale
        self.results = {}
        self.images = []
        os.makedirs(os.path.join(self.dir, "figures"), exist_ok=True)

    def resize(self, fig, name):
        size = self.sizes.get(f"{self.slug}/{name}")
        if size:
            fig.set_size_inches(size[0] / 72, size[1] / 72)

    def save(self, fig, name):
        self.resize(fig, name)
        path = os.path.join(self.dir, "figures", name + ".png")
        fig.savefig(path, dpi=72 * self.scale)
        plt.close(fig)
        self.images.append("figures/" + name + ".png")

    def frames(self, figures, name):
        folder = os.path.join(self.dir, "frames", name)
        os.makedirs(folder, exist_ok=True)
        width = max(3, len(str(len(figures))))
        for i, make in enumerate(figures):
            fig = make()
            self.resize(fig, name)
            fig.savefig(os.path.join(folder, f"{i + 1:0{width}d}.png"), dpi=72 * self.scale)
            if i == len(figures) - 1:
                fig.savefig(os.path.join(self.dir, "figures", name + ".png"), dpi=72 * self.scale)
            plt.close(fig)
        self.images.append("figures/" + name + ".png")

    def finish(self):
        with open(os.path.join(self.dir, "results.json"), "w") as f:
            json.dump(self.results, f, indent=1, default=float)
        with open(os.path.join(self.dir, "index.html"), "w") as f:
            f.write("<!doctype html><meta charset=utf-8><title>lesson</title>\n")
            f.writelines(f'<p><img src="{p}" width=460></p>\n' for p in self.images)


def figure(width=460, height=345, rows=1, cols=1, title=None):
    """A figure of width × height points, like the Swift Figure(width:height:)."""
    fig, axes = plt.subplots(rows, cols, figsize=(width / 72, height / 72), layout="constrained", squeeze=False)
    if title:
        fig.suptitle(title, fontsize=10)
    axes = axes.ravel()
    for ax in axes:
        ax.grid(True, alpha=0.3)
        ax.tick_params(labelsize=8)
    return fig, axes


def ellipse(ax, mean, cov, k=2, color=C["model"], ls="-", lw=1.5, label=None, fill=None):
    vals, vecs = np.linalg.eigh(np.asarray(cov))
    angle = np.degrees(np.arctan2(vecs[1, 1], vecs[0, 1]))
    w, h = 2 * k * np.sqrt(np.maximum(vals[::-1], 0))
    ax.add_patch(Ellipse(mean, w, h, angle=angle, fill=fill is not None, facecolor=fill, edgecolor=color,
                         ls=ls, lw=lw, label=label))


def image_grid(ax, images, shape, columns, captions=None, cmap="Greys", vrange=None):
    """Images tiled into one mosaic and drawn with one imshow (one axes, like the Swift imageGrid)."""
    images = np.asarray(images, dtype=float)
    n = len(images)
    rows = -(-n // columns)
    r, c = shape
    mosaic = np.full((rows * (r + 1) + 1, columns * (c + 1) + 1), np.nan)
    for i, img in enumerate(images):
        y, x = divmod(i, columns)
        tile = img.reshape(r, c)
        if vrange is None:  # each image its own symmetric range (diverging maps)
            m = np.abs(tile).max() or 1
            tile = tile / m
        mosaic[1 + y * (r + 1):1 + y * (r + 1) + r, 1 + x * (c + 1):1 + x * (c + 1) + c] = tile
    lo, hi = vrange if vrange is not None else (-1, 1)
    ax.imshow(mosaic, cmap=cmap, vmin=lo, vmax=hi, interpolation="nearest")
    if captions is not None:
        for i, text in enumerate(captions):
            y, x = divmod(i, columns)
            ax.text(1 + x * (c + 1) + c / 2 - 0.5, (y + 1) * (r + 1) + 0.1, text, ha="center", va="top", fontsize=6)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)


def load_csv(path):
    with open(path) as f:
        names = f.readline().strip().split(",")
    x = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    return names, x


def image_shape(names):
    if all(n.startswith("pixel_") for n in names):
        rows = 1 + max(int(n.split("_")[1]) for n in names)
        cols = 1 + max(int(n.split("_")[2]) for n in names)
        if rows * cols == len(names):
            return rows, cols
    return None


def toy_cloud(rng, n=200):
    t = np.radians(30)
    rot = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
    g = rng.standard_normal((n, 2)) * [2.0, 0.6]
    return np.array([3.0, 2.0]) + g @ rot.T


# ---------------------------------------------------------------------------------------------------- PPCA helpers

class PPCAModel:
    """x = W z + μ + ε, z ~ N(0, I_q), ε ~ N(0, σ²I); C = WWᵀ + σ²I."""

    def __init__(self, mean, w, sigma2):
        self.mean, self.w, self.sigma2 = np.asarray(mean, float), np.asarray(w, float), float(sigma2)

    @property
    def cov(self):
        return self.w @ self.w.T + self.sigma2 * np.eye(len(self.mean))

    def log_likelihoods(self, x):
        """Per row, through the Woodbury identity and the q × q matrix M = WᵀW + σ²I."""
        d, q = self.w.shape
        e = np.atleast_2d(x) - self.mean
        m = self.w.T @ self.w + self.sigma2 * np.eye(q)
        lm = np.linalg.cholesky(m)
        proj = np.linalg.solve(lm, self.w.T @ e.T)
        maha = ((e * e).sum(1) - (proj * proj).sum(0)) / self.sigma2
        logdet = (d - q) * np.log(self.sigma2) + 2 * np.log(np.diag(lm)).sum()
        return -0.5 * (d * LOG2PI + logdet + maha)

    def avg_ll_scatter(self, s):
        """(1/N) Σ log p(xₙ) from the 1/N scatter S, in O(D²q) with M = WᵀW + σ²I (PRML §12.2.1):
        log|C| = (D − q) log σ² + log|M|,  tr(C⁻¹S) = (tr S − tr(M⁻¹WᵀSW)) / σ²."""
        d, q = self.w.shape
        m = self.w.T @ self.w + self.sigma2 * np.eye(q)
        logdet = (d - q) * np.log(self.sigma2) + np.linalg.slogdet(m)[1]
        trace = (np.trace(s) - np.trace(np.linalg.solve(m, self.w.T @ s @ self.w))) / self.sigma2
        return -0.5 * (d * LOG2PI + logdet + trace)

    def posterior(self, x):
        q = self.w.shape[1]
        m = self.w.T @ self.w + self.sigma2 * np.eye(q)
        means = np.linalg.solve(m, self.w.T @ (np.atleast_2d(x) - self.mean).T).T
        return means, self.sigma2 * np.linalg.inv(m)

    def sample(self, n, rng):
        z = rng.standard_normal((n, self.w.shape[1]))
        return z @ self.w.T + self.mean + np.sqrt(self.sigma2) * rng.standard_normal((n, len(self.mean)))


class PPCAFit:
    """Closed-form ML PPCA (Tipping & Bishop 1999) from the eigendecomposition of the 1/N covariance."""

    def __init__(self, x):
        self.mean = x.mean(0)
        self.s = np.cov(x, rowvar=False, bias=True)
        vals, vecs = np.linalg.eigh(self.s)
        order = np.argsort(vals)[::-1]
        self.vals, self.vecs = np.maximum(vals[order], 0), vecs[:, order]
        sign = np.sign(self.vecs[np.abs(self.vecs).argmax(0), range(self.vecs.shape[1])])
        self.vecs *= np.where(sign == 0, 1, sign)

    def noise(self, q):
        return self.vals[q:].mean()

    def model(self, q, sigma2=None):
        s2 = self.noise(q) if sigma2 is None else sigma2
        if s2 <= 1e-12 * max(self.vals[0], 1e-300):
            return None
        return PPCAModel(self.mean, self.vecs[:, :q] * np.sqrt(np.maximum(self.vals[:q] - s2, 0)), s2)


def em_fit(x, w0, sigma2_0, max_iterations, tolerance, snapshots=()):
    """EM for PPCA on the 1/N scatter matrix S (Tipping & Bishop 1999, eqs. 29–30), the stopping rule of PPCA.fitEM."""
    mean, s = x.mean(0), np.cov(x, rowvar=False, bias=True)
    d, q = w0.shape
    model = PPCAModel(mean, w0, sigma2_0)
    lls, s2s, snaps = [model.avg_ll_scatter(s)], [sigma2_0], ([(0, model)] if 0 in snapshots else [])
    converged, it = False, 0
    while it < max_iterations:
        w, s2 = model.w, model.sigma2
        m = w.T @ w + s2 * np.eye(q)
        sw = s @ w
        minv_wtsw = np.linalg.solve(m, w.T @ sw)
        new_w = np.linalg.solve((s2 * np.eye(q) + minv_wtsw).T, sw.T).T
        new_s2 = (np.trace(s) - np.sum(np.linalg.solve(m, sw.T).T * new_w)) / d
        model = PPCAModel(mean, new_w, new_s2)
        it += 1
        ll = model.avg_ll_scatter(s)
        gain = ll - lls[-1]
        lls.append(ll)
        s2s.append(new_s2)
        if it in snapshots:
            snaps.append((it, model))
        threshold = tolerance * max(1, abs(ll))
        if gain <= threshold:
            prev = lls[-2] - lls[-3] if len(lls) >= 3 else np.inf
            rate = gain / prev if prev > 0 else 0
            remaining = gain * rate / (1 - rate) if 0 < rate < 1 else (np.inf if rate >= 1 else 0)
            if gain <= 0 or remaining <= threshold:
                converged = True
                break
    return model, it, converged, lls, s2s, snaps


def toy_limits(x):
    cx, cy = (x[:, 0].min() + x[:, 0].max()) / 2, (x[:, 1].min() + x[:, 1].max()) / 2
    half = max(np.ptp(x[:, 0]), np.ptp(x[:, 1])) / 2 * 1.1
    return (cx - half, cx + half), (cy - 0.8 * half, cy + 0.8 * half)


# ------------------------------------------------------------------------------------------------------ PCA lesson

def pca_lesson(site, x, names, labels, shape, user, rng, seed):
    r = site.results
    cloud = toy_cloud(rng)
    pca2 = PCA().fit(cloud)
    mean, comps, lam = pca2.mean_, pca2.components_, pca2.explained_variance_ * (len(cloud) - 1) / len(cloud)
    cov = np.cov(cloud, rowvar=False, bias=True)
    centred = cloud - mean
    r["toy"] = {"mean": mean.tolist(), "covariance": cov.tolist(), "eigenvalues": lam.tolist(),
                "covariance_unbiased": np.cov(cloud, rowvar=False).tolist()}

    fig, (ax,) = figure(title=f"200 points of a correlated 2-D Gaussian (seed {seed})")
    ax.scatter(cloud[:, 0], cloud[:, 1], s=6, c=C["data"], alpha=0.75, label="data")
    ax.set_aspect("equal"); ax.set_xlabel("x₁"); ax.set_ylabel("x₂"); ax.legend(loc="upper left")
    site.save(fig, "point-cloud")

    fig, axes = figure(460, 250, 1, 2)
    axes[0].scatter(cloud[:, 0], cloud[:, 1], s=4, c=C["data"], alpha=0.6)
    axes[0].scatter([mean[0]], [mean[1]], marker="x", c=C["highlight"], label="mean μ")
    axes[1].scatter(centred[:, 0], centred[:, 1], s=4, c=C["data"], alpha=0.6)
    axes[1].axhline(0, ls=":", c=C["reference"]); axes[1].axvline(0, ls=":", c=C["reference"])
    axes[1].scatter([0], [0], marker="x", c=C["highlight"], label="origin 0")
    for a, t in zip(axes, ["data x", "centred x − μ"]):
        a.set_aspect("equal"); a.set_title(t, fontsize=9); a.legend(loc="upper left", fontsize=7)
    site.save(fig, "centring")

    fig, (ax,) = figure(title="Principal axes of S: arrows √λᵢ uᵢ, ellipses at 1σ and 2σ")
    ax.scatter(cloud[:, 0], cloud[:, 1], s=4, c=C["data"], alpha=0.35, label="data")
    ellipse(ax, mean, cov, 1, label="1σ ellipse"); ellipse(ax, mean, cov, 2, ls="--", lw=1.2, label="2σ ellipse")
    for i in range(2):
        tip = mean + np.sqrt(lam[i]) * comps[i]
        ax.annotate("", tip, mean, arrowprops=dict(arrowstyle="->", lw=2, color=C["reference"]))
        ax.text(*tip, ["√λ₁ u₁", "√λ₂ u₂"][i], fontsize=11)
    ax.set_aspect("equal"); ax.legend(loc="lower right")
    site.save(fig, "principal-axes")

    scores = centred @ comps[0]
    recon = mean + np.outer(scores, comps[0])
    r["toy"]["mse_q1"] = float(((cloud - recon) ** 2).sum(1).mean())
    fig, (ax,) = figure(title="Projection onto u₁ (q = 1): each xₙ moves to x̂ₙ")
    reach = 3.6 * np.sqrt(lam[0])
    ax.plot(*np.array([mean - reach * comps[0], mean + reach * comps[0]]).T, c=C["reference"], lw=1.2, label="line μ + t u₁")
    ax.add_collection(LineCollection(np.stack([cloud, recon], 1), colors=C["projection"], lw=0.7, label="errors"))
    ax.scatter(cloud[:, 0], cloud[:, 1], s=4, c=C["data"], alpha=0.7, label="data xₙ")
    ax.scatter(recon[:, 0], recon[:, 1], s=4, c=C["projection"], alpha=0.9, label="x̂ₙ")
    ax.set_aspect("equal"); ax.legend(loc="upper left")
    site.save(fig, "projection")

    angles = np.arange(0, 180, 0.25)
    dirs = np.stack([np.cos(np.radians(angles)), np.sin(np.radians(angles))], 1)
    proj = centred @ dirs.T
    variances = (proj ** 2).mean(0)
    errors = (centred ** 2).sum(1).mean() - variances
    total = np.trace(cov)
    eig_angle = np.degrees(np.arctan2(comps[0, 1], comps[0, 0])) % 180
    r["toy"]["sweep"] = {"argmax_variance_degrees": float(angles[variances.argmax()]),
                         "argmin_error_degrees": float(angles[errors.argmin()])}
    fig, (ax,) = figure(title="Variance kept and error made by the line at angle θ")
    ax.axhline(total, ls=":", c=C["reference"], label="V + E = tr S")
    ax.plot(angles, variances, c=C["model"], lw=2, label="V(θ)")
    ax.plot(angles, errors, c=C["projection"], lw=2, label="E(θ)")
    ax.axvline(eig_angle, ls="--", c=C["reference"], label=f"angle of u₁ = {eig_angle:.1f}°")
    ax.scatter([angles[variances.argmax()], angles[errors.argmin()]], [variances.max(), errors.min()], c=C["highlight"])
    ax.set_xlim(0, 180); ax.set_ylim(0, 1.6 * total); ax.legend(loc="upper right")
    site.save(fig, "variance-vs-angle")

    h = 1.15 * np.abs(centred).max()

    def sweep_frame(theta):
        def make():
            u = np.array([np.cos(np.radians(theta)), np.sin(np.radians(theta))])
            t = centred @ u
            v, e = (t ** 2).mean(), total - (t ** 2).mean()
            fig, (left, right) = figure(460, 250, 1, 2)
            left.add_collection(LineCollection(np.stack([cloud, mean + np.outer(t, u)], 1), colors=C["projection"], lw=0.6))
            left.scatter(cloud[:, 0], cloud[:, 1], s=3, c=C["data"], alpha=0.6)
            left.plot(*np.array([mean - 2 * h * u, mean + 2 * h * u]).T, c=C["reference"], lw=1.4)
            left.set_xlim(mean[0] - h, mean[0] + h); left.set_ylim(mean[1] - h, mean[1] + h); left.set_aspect("equal")
            left.set_title(f"line at θ = {theta:.0f}°", fontsize=9)
            right.plot(angles, variances, c=C["model"], lw=1.6, label="V(θ)")
            right.plot(angles, errors, c=C["projection"], lw=1.6, label="E(θ)")
            right.axvline(theta, ls=":", c=C["reference"]); right.scatter([theta, theta], [v, e], c=C["highlight"])
            right.set_xlim(0, 180); right.set_ylim(0, 1.45 * total); right.legend(loc="upper right", fontsize=7)
            right.set_title(f"V = {v:.2f}, E = {e:.2f}", fontsize=9)
            return fig
        return make
    site.frames([sweep_frame(t) for t in np.arange(0, 180, 5.0)], "angle-sweep")

    l1, l2 = np.sqrt(lam)
    pts = np.array([mean + l1 * comps[0], mean + l1 * comps[0] + 4 * l2 * comps[1], mean + 8 * l1 * comps[0]])
    z = (pts - mean) @ comps[0]
    xhat = mean + np.outer(z, comps[0])
    r["toy"]["limits"] = {"log_density": multivariate_normal(mean, cov).logpdf(pts).tolist()}
    fig, (ax,) = figure(title="A and B share z; C is reconstructed exactly")
    ax.scatter(cloud[:, 0], cloud[:, 1], s=4, c=C["data"], alpha=0.3, label="data")
    ax.plot(*np.array([mean - 3 * l1 * comps[0], mean + 9 * l1 * comps[0]]).T, c=C["reference"], lw=1.2, label="principal line")
    ellipse(ax, mean, cov, 2, ls=":", lw=1, label="2σ ellipse of N(μ, S)")
    ax.plot([pts[1, 0], xhat[1, 0]], [pts[1, 1], xhat[1, 1]], ls="--", c=C["projection"], label="error of B")
    ax.scatter(pts[:, 0], pts[:, 1], c=C["highlight"], s=25, label="points A, B, C")
    for name, p in zip("ABC", pts):
        ax.text(p[0] + 0.4, p[1] + 0.4, name, fontsize=12)
    ax.set_aspect("equal"); ax.legend(loc="upper left")
    site.save(fig, "what-pca-misses")

    # Step 6: the data set (the digits or --data).
    n, d = x.shape
    pca = PCA().fit(x)
    lam = pca.explained_variance_ * (n - 1) / n          # 1/N eigenvalues
    ratio = pca.explained_variance_ratio_
    cum = np.cumsum(ratio)
    z = pca.transform(x)
    xc = x - pca.mean_
    residual = xc.copy()                                   # x − x̂ with q components, built up one at a time
    mses = [float((residual ** 2).sum(1).mean())]
    for q in range(d):
        residual -= np.outer(z[:, q], pca.components_[q])
        mses.append(float((residual ** 2).sum(1).mean()))
    discarded = [float(lam[q:].sum()) for q in range(d + 1)]
    r.update({"n": n, "d": d, "mean": pca.mean_.tolist(), "eigenvalues": lam.tolist(),
              "explained_variance_ratio": ratio.tolist(), "components": pca.components_.tolist(),
              "reconstruction_mse": mses, "discarded_eigenvalue_sum": discarded})
    vrange = (x.min(), x.max())

    if shape:
        fig, (ax,) = figure(460, 500, title="100 digits of the data set with their labels")
        caps = [str(l) for l in labels[:100]] if labels is not None else [f"row {i + 1}" for i in range(min(n, 100))]
        image_grid(ax, x[:100], shape, 10, caps, vrange=vrange)
    else:
        fig, (ax,) = figure(title=f"{names[0]} against {names[1]}")
        ax.scatter(x[:, 0], x[:, 1], s=4, c=C["data"], alpha=0.7)
    site.save(fig, "data-overview")

    fig, axes = figure(460, 260, 1, 2)
    shown = min(d, 40)
    axes[0].bar(np.arange(1, shown + 1), lam[:shown], width=0.8, color=C["data"]); axes[0].set_title("Eigenvalues (scree)", fontsize=9)
    q90 = int(np.searchsorted(cum, 0.9) + 1)
    axes[1].plot(np.arange(d + 1), np.r_[0, cum], c=C["model"], lw=1.8, label="kept share")
    axes[1].axhline(0.9, ls="--", c=C["reference"]); axes[1].axvline(q90, ls=":", c=C["reference"], label=f"90 % at q = {q90}")
    axes[1].scatter([q90], [cum[q90 - 1]], c=C["highlight"]); axes[1].set_ylim(0, 1.05); axes[1].legend(loc="lower right", fontsize=7)
    site.save(fig, "scree")

    fig, (ax,) = figure(460, 300, title="Reconstruction error against q")
    ax.plot(range(d + 1), discarded, c=C["reference"], label="sum of the discarded λᵢ")
    ax.scatter(range(d + 1), mses, s=6, c=C["projection"], label="MSE(q) (from the data)")
    ax.legend(loc="upper right")
    site.save(fig, "error-vs-q")

    if shape:
        fig, axes = figure(460, 270, 1, 2)
        image_grid(axes[0], [pca.mean_], shape, 1, vrange=vrange); axes[0].set_title("Mean digit μ", fontsize=9)
        k = min(16, d)
        image_grid(axes[1], pca.components_[:k], shape, 4, [f"u{i + 1}" for i in range(k)], cmap="RdBu_r")
        axes[1].set_title("Components u₁ … u₁₆", fontsize=9)
    else:
        fig, (ax,) = figure(460, max(240, min(560, 110 + 30 * d)))
        ax.barh(np.arange(d) - 0.2, pca.components_[0], height=0.35, color=C["model"], label="u₁")
        ax.barh(np.arange(d) + 0.2, pca.components_[1], height=0.35, color=C["projection"], label="u₂")
        ax.set_yticks(range(d), names if d <= 20 else None); ax.invert_yaxis(); ax.legend()
    site.save(fig, "mean-and-components")

    if labels is not None:
        chosen = [int(np.argmax(labels == k)) for k in range(5)]
    else:
        chosen = sorted({k * (n - 1) // 4 for k in range(5)})
    qs = [q for q in (1, 2, 5, 10, 20, 40) if q <= d]
    if shape:
        imgs, caps = [], []
        for k, row in enumerate(chosen):
            imgs.append(x[row]); caps.append("original")
            for q in qs:
                imgs.append(pca.mean_ + z[row, :q] @ pca.components_[:q]); caps.append(f"q = {q}")
        fig, (ax,) = figure(460, 90 + 62 * len(chosen), title="Reconstructions from the first q components")
        image_grid(ax, imgs, shape, len(qs) + 1, caps, vrange=vrange)
    else:
        fig, axes = figure(460, 250, 1, 3)
        for ax, row in zip(axes, chosen[:3]):
            for q, ls in ((1, "--"), (2, "-")):
                ax.plot(range(1, d + 1), pca.mean_ + z[row, :q] @ pca.components_[:q], ls=ls, c=C["projection"])
            ax.scatter(range(1, d + 1), x[row], s=6, c=C["data"])
    site.save(fig, "reconstructions")

    fig, (ax,) = figure(title="The data on the first two principal components")
    if labels is not None:
        for k in np.unique(labels):
            sel = labels == k
            ax.scatter(z[sel, 0], z[sel, 1], s=4, alpha=0.75, color=plt.cm.tab10(k % 10), label=str(k))
        ax.legend(loc="center left", bbox_to_anchor=(1, 0.5), fontsize=7)
    else:
        ax.scatter(z[:, 0], z[:, 1], s=5, alpha=0.7, c=C["data"])
    site.save(fig, "pc-projection")


# ----------------------------------------------------------------------------------------------------- PPCA lesson

def ppca_lesson(site, x, names, labels, shape, user, rng, q_main=2):
    r = site.results
    n, d = x.shape
    toy = toy_cloud(rng)
    qf = 2 if d >= 3 else 1

    # Step 1: the generative story.
    story = PPCAModel([1, 0.5], [[1.8], [0.9]], 0.3)
    w, mu = story.w[:, 0], story.mean
    fig, axes = figure(760, 300, 1, 3, "The generative story of PPCA (D = 2, q = 1)")
    zs = np.arange(-3.5, 3.5001, 0.02)
    axes[0].plot(zs, norm.pdf(zs), c=C["model"], label="p(z) = N(0, 1)")
    draws = rng.standard_normal(15)
    axes[0].scatter(draws, np.full(15, 0.01), marker="+", c=C["samples"], label="draws zₛ")
    axes[0].axvline(1.2, ls="--", c=C["highlight"]); axes[0].legend(loc="upper left", fontsize=7)
    centre = w * 1.2 + mu
    line = np.array([w * -3 + mu, w * 3 + mu])
    cond = centre + np.sqrt(0.3) * rng.standard_normal((40, 2))
    axes[1].plot(*line.T, ls=":", c=C["reference"]); axes[1].scatter(cond[:, 0], cond[:, 1], s=5, c=C["samples"])
    ellipse(axes[1], centre, 0.3 * np.eye(2), 2, color=C["highlight"])
    data = story.sample(300, rng)
    axes[2].plot(*line.T, ls=":", c=C["reference"]); axes[2].scatter(data[:, 0], data[:, 1], s=4, alpha=0.5, c=C["samples"])
    for k in (1, 2):
        ellipse(axes[2], mu, story.cov, k)
    for a in axes[1:]:
        a.set_xlim(-5, 7); a.set_ylim(-3.5, 4.5); a.set_aspect("equal")
    site.save(fig, "generative-story")

    # Step 2: Monte Carlo marginal at three points, S up to 10⁵, against the closed form.
    normal = np.array([-w[1], w[0]]) / np.linalg.norm(w)
    points = [mu, mu + 2 * w, mu + 1.5 * normal]
    checkpoints = np.array([m * 10 ** e for e in range(1, 6) for m in (1, 2, 5) if m * 10 ** e <= 100_000])
    fig, axes = figure(760, 290, 1, 3, "Monte Carlo p̂(x) vs the closed form N(x; μ, C)")
    mc = []
    for ax, p in zip(axes, points):
        exact = np.exp(story.log_likelihoods(p)[0])
        z = rng.standard_normal(100_000)
        f = multivariate_normal.pdf(p - (np.outer(z, w) + mu), mean=np.zeros(2), cov=0.3 * np.eye(2))
        csum, csq = np.cumsum(f)[checkpoints - 1], np.cumsum(f * f)[checkpoints - 1]
        est = csum / checkpoints
        se = np.sqrt(np.maximum(csq / checkpoints - est ** 2, 0) * checkpoints / (checkpoints - 1) / checkpoints)
        ax.fill_between(checkpoints, est - 2 * se, est + 2 * se, color=C["samples"], alpha=0.25, label="±2 SE")
        ax.plot(checkpoints, est, c=C["samples"], label="p̂(x)")
        ax.axhline(exact, ls="--", c=C["reference"], label="closed form")
        ax.set_xscale("log")
        mc.append({"closed_form": float(exact), "estimate": float(est[-1]), "standard_error": float(se[-1])})
    axes[0].legend(loc="upper right", fontsize=7)
    site.save(fig, "mc-marginal")
    r["marginal_mc"] = mc

    # Step 3: maximum likelihood (closed form), checked against a direct Gaussian log-density.
    toy_fit, main_fit = PPCAFit(toy), PPCAFit(x)
    toy_model, main_model = toy_fit.model(1), main_fit.model(q_main)
    checks = {}
    for key, data, model in (("toy", toy, toy_model), ("main", x, main_model)):
        fast = model.log_likelihoods(data).mean()
        direct = multivariate_normal(model.mean, model.cov).logpdf(data).mean()
        checks[key] = {"woodbury": float(fast), "cholesky": float(direct)}
    r["likelihood_check"] = checks
    main_ll = main_model.log_likelihoods(x).mean()
    scale = max(np.abs(x).max(), 1e-300)
    rescaled = PPCAFit(x / scale).model(q_main).log_likelihoods(x / scale).mean()
    sk = PCA(n_components=q_main).fit(x)                   # scikit-learn's PPCA score (1/(N−1) covariance)
    r.update({"sigma2": main_model.sigma2, "W": main_model.w.tolist(), "log_likelihood_per_sample": float(main_ll),
              "rescaled_shift": float(rescaled - main_ll), "sklearn_score": float(sk.score(x)),
              "sklearn_sigma2": float(sk.noise_variance_)})

    (xr, yr) = toy_limits(toy)
    gx, gy = np.meshgrid(np.linspace(*xr, 160), np.linspace(*yr, 160))
    dens = multivariate_normal(toy_model.mean, toy_model.cov).pdf(np.dstack([gx, gy]))
    logpeak = -0.5 * (2 * LOG2PI + np.linalg.slogdet(toy_model.cov)[1])
    levels = [np.exp(logpeak - 0.5 * k * k) for k in (3, 2, 1)]
    fig, (ax,) = figure(title="Fitted PPCA density over the 2-D example (q = 1, ML)")
    cs = ax.contourf(gx, gy, dens, levels=levels + [np.exp(logpeak)], cmap="viridis")
    fig.colorbar(cs, ax=ax, label="p(x)")
    ax.scatter(toy[:, 0], toy[:, 1], s=5, alpha=0.7, c=C["data"], label="data")
    ax.contour(gx, gy, dens, levels=levels, colors=C["model"], linewidths=1.2)
    tw = toy_model.w[:, 0]
    ax.annotate("", toy_model.mean + tw, toy_model.mean, arrowprops=dict(arrowstyle="->", color=C["reference"]))
    ax.set_xlim(xr); ax.set_ylim(yr); ax.set_aspect("equal"); ax.legend(loc="lower right")
    site.save(fig, "marginal-density")

    # Step 4: EM (the 2-D example with 23 snapshots; the main data from a random start).
    u1, u2 = toy_fit.vecs[:, 0], toy_fit.vecs[:, 1]
    tilt, start = np.radians(15), 0.5 * np.sqrt(toy_fit.vals[0])
    w0 = (start * (np.sin(tilt) * u1 + np.cos(tilt) * u2))[:, None]
    frame_its = [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 15, 20, 25, 30, 40, 50, 70, 100, 150, 200, 300, 500]
    toy_em = em_fit(toy, w0, toy_fit.vals[0], 500, 1e-14, frame_its)
    avg_var = main_fit.vals.sum() / d
    main_w0 = 0.1 * np.sqrt(avg_var) * rng.standard_normal((d, q_main))
    main_em = em_fit(x, main_w0, avg_var, 20000, 1e-14)
    r["em"] = {"iterations": main_em[1], "converged": main_em[2], "log_likelihood_per_sample": main_em[3][-1]}
    r["toy_em"] = {"iterations": toy_em[1], "converged": toy_em[2]}

    snaps = list(toy_em[5])
    if snaps[-1][0] != toy_em[1]:
        snaps.append((toy_em[1], toy_em[0]))

    def em_frame(it, model):
        def make():
            fig, (ax,) = figure(title=f"EM on the 2-D example, iteration {it}")
            ax.scatter(toy[:, 0], toy[:, 1], s=5, alpha=0.6, c=C["data"], label="data")
            ellipse(ax, toy_model.mean, toy_model.cov, 2, color=C["reference"], ls=":", label="closed-form ML, 2σ")
            for k in (1, 2):
                ellipse(ax, model.mean, model.cov, k, label="current p(x)" if k == 1 else None)
            u = model.w[:, 0] / max(np.linalg.norm(model.w[:, 0]), 1e-12)
            reach = 2 * (xr[1] - xr[0])
            ax.plot(*np.array([model.mean - reach * u, model.mean + reach * u]).T, ls="--", lw=1, c=C["model"])
            ax.text(xr[0] + 0.03 * (xr[1] - xr[0]), yr[1] - 0.06 * (yr[1] - yr[0]),
                    f"σ² = {model.sigma2:.4g}   ℓ = {toy_em[3][it]:.6g}", fontsize=10)
            ax.set_xlim(xr); ax.set_ylim(yr); ax.set_aspect("equal"); ax.legend(loc="lower right")
            return fig
        return make
    site.frames([em_frame(it, m) for it, m in snaps], "em-iterations")

    fig, axes = figure(720, 300, 1, 2, "EM: average log-likelihood per iteration")
    axes[0].plot(main_em[3], c=C["model"], label="ℓ after k EM iterations")
    axes[0].axhline(main_ll, ls="--", c=C["reference"], label="closed-form ML"); axes[0].legend(loc="lower right")
    for em, closed, ls in ((main_em, main_ll, "-"), (toy_em, toy_model.log_likelihoods(toy).mean(), "--")):
        gaps = closed - np.array(em[3])
        k = np.nonzero(gaps > 0)[0]
        axes[1].plot(k, gaps[k], ls=ls, c=C["model"])
    axes[1].set_yscale("log")
    site.save(fig, "em-log-likelihood")

    # Step 5: the posterior p(z|x) for every row; a grid check of Bayes' rule at one row (201 × 201).
    model_f = main_fit.model(qf)
    means, pcov = model_f.posterior(x)
    chosen = [int(np.argmax(labels == k)) for k in (0, 1, 4, 6, 7)] if labels is not None else [0, n // 5, 2 * n // 5, 3 * n // 5, 4 * n // 5]
    fig, (ax,) = figure(560, 420, title="Posterior means E[z|x], coloured by label")
    if qf == 2:
        if labels is not None:
            for k in range(10):
                sel = labels == k
                ax.scatter(means[sel, 0], means[sel, 1], s=4, alpha=0.55, color=plt.cm.tab10(k), label=str(k))
        else:
            ax.scatter(means[:, 0], means[:, 1], s=4, alpha=0.55, c=C["data"])
        for i, row in enumerate(chosen):
            ellipse(ax, means[row], pcov, 2, color=C["posterior"], lw=1.8, label="2σ posterior ellipse" if i == 0 else None)
        ax.scatter(means[chosen, 0], means[chosen, 1], marker="D", c=C["highlight"], label="chosen rows")
        ax.set_aspect("equal")
    else:
        ax.scatter(means[:, 0], means[:, 0], s=4)
    ax.legend(loc="center left", bbox_to_anchor=(1, 0.5), fontsize=7)
    site.save(fig, "posterior-digits")

    row = chosen[0]
    sd = np.sqrt(np.diag(pcov))
    axes_z = [np.linspace(means[row, k] - 7 * sd[k], means[row, k] + 7 * sd[k], 201) for k in range(qf)]
    fig, (ax,) = figure(title=f"Posterior of row {row}: Bayes' rule on a grid vs the closed form")
    if qf == 2:
        za, zb = np.meshgrid(*axes_z)
        zgrid = np.column_stack([za.ravel(), zb.ravel()])
        resid = x[row] - (zgrid @ model_f.w.T + model_f.mean)
        logp = -0.5 * (resid ** 2).sum(1) / model_f.sigma2 - 0.5 * (zgrid ** 2).sum(1)
        p = np.exp(logp - logp.max())
        p /= p.sum()
        grid_mean = p @ zgrid
        grid_cov = (zgrid - grid_mean).T @ ((zgrid - grid_mean) * p[:, None])
        dens = p.reshape(za.shape) / ((axes_z[0][1] - axes_z[0][0]) * (axes_z[1][1] - axes_z[1][0]))
        peak = 1 / (2 * np.pi * np.sqrt(np.linalg.det(pcov)))
        ax.contour(za, zb, dens, levels=[peak * np.exp(-0.5 * k * k) for k in (3, 2, 1)], colors=C["model"], linewidths=3)
        for k in (1, 2, 3):
            ellipse(ax, means[row], pcov, k, color=C["posterior"], ls="--", lw=1.2)
        ax.scatter(*grid_mean, marker="+", c=C["model"]); ax.scatter(*means[row], marker="x", c=C["posterior"])
        ax.set_aspect("equal")
        r["posterior"] = {"grid_max_mean_difference": float(np.abs(grid_mean - means[row]).max()),
                          "grid_max_covariance_difference": float(np.abs(grid_cov - pcov).max())}
    ax.legend(loc="upper right") if ax.get_legend_handles_labels()[0] else None
    site.save(fig, "posterior-grid-check")

    tmeans, tcov = toy_model.posterior(toy)
    fig, (ax, bx) = figure(760, 340, 1, 2, "Shrinkage: W E[z|x] + μ against the PCA projection (2-D example, q = 1)")
    score = (toy - toy_fit.mean) @ u1
    shrunk = (tmeans @ toy_model.w.T) @ u1
    bx.plot([score.min(), score.max()], [score.min(), score.max()], ls="--", c=C["highlight"], label="PCA: slope 1")
    bx.scatter(score, shrunk, marker="D", s=12, c=C["posterior"], label="PPCA")
    bx.set_xlabel("PCA score u₁ᵀ(x − μ)"); bx.set_ylabel("u₁ᵀ W E[z|x]"); bx.legend(loc="upper left")
    ax.scatter(toy[:, 0], toy[:, 1], s=4, alpha=0.35, c=C["data"])
    rows = np.arange(0, len(toy), 10)
    tproj = toy_fit.mean + np.outer((toy[rows] - toy_fit.mean) @ u1, u1)
    trec = tmeans[rows] @ toy_model.w.T + toy_model.mean
    ax.add_collection(LineCollection(np.stack([toy[rows], tproj], 1), colors=C["projection"], lw=0.6))
    ax.scatter(toy[rows, 0], toy[rows, 1], s=12, c=C["data"])
    ax.scatter(tproj[:, 0], tproj[:, 1], marker="s", s=20, c=C["projection"], label="PCA projection")
    ax.scatter(trec[:, 0], trec[:, 1], marker="D", s=20, c=C["posterior"], label="W E[z|x] + μ")
    ax.set_aspect("equal"); ax.legend(loc="lower right")
    site.save(fig, "posterior-shrinkage")

    # Step 6: σ² → 0, eight frames.
    factors = [1, 0.5, 0.25, 0.1, 0.05, 0.02, 0.01, 0.001]
    toy_rows = np.arange(0, len(toy), 20)
    limit = ((x[chosen] - main_fit.mean) @ main_fit.vecs[:, :qf]) / np.sqrt(main_fit.vals[:qf])

    def sigma_frame(fs):
        def make():
            fig, (left, right) = figure(760, 360, 1, 2, f"σ² → 0: σ² = {', '.join(f'{f:g}' for f in fs)} × σ²_ML")
            left.scatter(toy[:, 0], toy[:, 1], s=4, alpha=0.3, c=C["data"])
            for f in fs:
                tm = toy_fit.model(1, f * toy_model.sigma2)
                mm = main_fit.model(qf, f * main_fit.noise(qf))
                tz, _ = tm.posterior(toy)
                mz, mc_ = mm.posterior(x[chosen])
                p = toy_fit.mean + np.outer((toy[toy_rows] - toy_fit.mean) @ u1, u1)
                rec = tz[toy_rows] @ tm.w.T + tm.mean
                left.add_collection(LineCollection(np.stack([toy[toy_rows], p], 1), colors=C["projection"], lw=0.6))
                left.scatter(p[:, 0], p[:, 1], marker="s", s=20, c=C["projection"])
                left.scatter(rec[:, 0], rec[:, 1], marker="D", s=16, c=C["highlight"])
                for i in range(len(chosen)):
                    if qf == 2:
                        ellipse(right, mz[i], mc_, 2, color=C["posterior"], lw=1.6)
                    right.scatter(*mz[i, :2], marker="D", c=C["highlight"]); right.scatter(*limit[i, :2], marker="x", s=36, c=C["projection"])
            left.scatter(toy[toy_rows, 0], toy[toy_rows, 1], s=12, c=C["data"]); left.set_aspect("equal")
            right.autoscale_view()
            return fig
        return make
    site.frames([sigma_frame([f]) for f in factors] + [sigma_frame([1, 0.1, 0.001])], "sigma-to-zero")  # + the overview frame

    # Step 7: rotational ambiguity.
    a = np.radians(40)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]]) if qf == 2 else np.array([[-1.0]])
    wf, wr = model_f.w, model_f.w @ rot
    fig, (ax,) = figure(title="Rows of W and of WR")
    norms = np.linalg.norm(wf, axis=1)
    keep = norms > 0.05 * norms.max()
    ax.add_collection(LineCollection(np.stack([wf[keep, :2], wr[keep, :2]], 1), colors="0.6", lw=0.6))
    ax.scatter(wf[:, 0], wf[:, 1], s=8, c=C["model"], label="rows of W")
    ax.scatter(wr[:, 0], wr[:, 1], s=8, marker="^", c=C["posterior"], label="rows of WR")
    ax.set_aspect("equal"); ax.legend(loc="lower right")
    site.save(fig, "rotational-ambiguity")

    # Step 8: model selection over q = 1 … 40 on a seeded 2/3 split; held-out peak over all q < D.
    order = rng.permutation(n)
    ntrain = (2 * n) // 3
    train, held = x[order[:ntrain]], x[order[ntrain:]]
    fit = PPCAFit(train)
    qs, tr, ho = [], [], []
    for q in range(1, min(40, d - 1) + 1):
        m = fit.model(q)
        if m is None:
            continue
        qs.append(q); tr.append(m.log_likelihoods(train).mean()); ho.append(m.log_likelihoods(held).mean())
    best = qs[int(np.argmax(ho))]
    extended = [(q, m.log_likelihoods(held).mean()) for q in range(41, d) if (m := fit.model(q)) is not None]
    try:
        gauss = multivariate_normal(train.mean(0), np.cov(train, rowvar=False, bias=True))
        gauss_lines = (gauss.logpdf(train).mean(), gauss.logpdf(held).mean())
    except (np.linalg.LinAlgError, ValueError):
        gauss_lines = None                       # singular covariance (constant pixels): no full Gaussian
    fig, (ax,) = figure(560, 380, title="How many latent dimensions? Average log-likelihood against q")
    ax.plot(qs, tr, c=C["model"], label="PPCA, training rows"); ax.scatter(qs, tr, s=5, c=C["model"])
    ax.plot(qs, ho, ls="--", c=C["posterior"], label="PPCA, held-out rows"); ax.scatter(qs, ho, s=5, marker="s", c=C["posterior"])
    ax.axvline(best, ls=":", c=C["highlight"], label=f"best held-out q = {best}")
    if gauss_lines:
        ax.axhline(gauss_lines[0], c=C["reference"]); ax.axhline(gauss_lines[1], ls="--", c=C["reference"])
    ax.legend(loc="lower right")
    site.save(fig, "model-selection")
    constant = np.all(x == x[0], axis=0)
    cases = [toy] + ([x] if not constant.any() else ([x[:, ~constant]] if (~constant).sum() >= 2 else []))
    qd = []
    for data in cases:
        m = PPCAFit(data).model(data.shape[1] - 1)
        full = multivariate_normal(data.mean(0), np.cov(data, rowvar=False, bias=True))
        qd.append(float(abs(m.log_likelihoods(data).mean() - full.logpdf(data).mean())))
    r["model_selection"] = {"q": qs, "train": tr, "held_out": ho, "best_q": best,
                            "all_q_best_q": max(extended + [(best, max(ho))], key=lambda t: t[1])[0],
                            "q_equals_d_minus_1_differences": qd}

    # Step 9: generation — samples for q = 2, 10, 40, and the linear manifold on a 20 × 20 probit grid.
    gen_qs = sorted({q for q in (2, 10, 40) if 1 <= q < d}) or [1]
    models = [(q, main_fit.model(q)) for q in gen_qs if main_fit.model(q) is not None]
    if shape:
        fig, axes = figure(520, 90 * (len(models) + 1) + 40, len(models) + 1, 1, "Real rows and samples x ~ p(x) from PPCA")
        vr = (x.min(), x.max())
        image_grid(axes[0], x[rng.permutation(n)[:10]], shape, 10, vrange=vr)
        for ax, (q, m) in zip(axes[1:], models):
            image_grid(ax, m.sample(10, rng), shape, 10, vrange=vr)
    else:
        fig, axes = figure(max(460, 280 * len(models)), 320, 1, len(models))
        for ax, (q, m) in zip(axes, models):
            s = m.sample(min(n, 500), rng)
            ax.scatter(x[:, 0], x[:, 1], s=4, alpha=0.5, c=C["data"]); ax.scatter(s[:, 0], s[:, 1], s=4, marker="^", alpha=0.5, c=C["samples"])
    site.save(fig, "ppca-samples")
    u = (np.arange(20) + 0.5) / 20
    if shape and qf == 2:
        zg = np.array([[ndtri(u[c]), ndtri(u[19 - r_])] for r_ in range(20) for c in range(20)])
        fig, (ax,) = figure(460, 490, title="PPCA's linear manifold: Wz + μ on a 20 × 20 probit grid (q = 2)")
        image_grid(ax, zg @ model_f.w.T + model_f.mean, shape, 20, vrange=(x.min(), x.max()))
    else:
        fig, (ax,) = figure(title="PPCA's linear manifold Wz + μ, first two coordinates")
        ax.scatter(x[:, 0], x[:, 1], s=4, alpha=0.4, c=C["data"])
        if qf == 2:
            zg = np.array([[ndtri(u[c]), ndtri(u[19 - r_])] for r_ in range(20) for c in range(20)])
            dec = (zg @ model_f.w.T + model_f.mean).reshape(20, 20, d)
            ax.add_collection(LineCollection(np.concatenate([dec[:, :, :2], dec.transpose(1, 0, 2)[:, :, :2]]), colors=C["model"], lw=1))
        else:
            dec = ndtri(u)[:, None] @ model_f.w.T + model_f.mean
            ax.plot(dec[:, 0], dec[:, 1], c=C["model"]); ax.scatter(dec[:, 0], dec[:, 1], s=10, c=C["model"])
    site.save(fig, "linear-manifold")


# ------------------------------------------------------------------------------------------ nonlinear LVM lesson

class Decoder:
    """f(z) = g(tanh(z W₁ + b₁) W₂ + b₂); g = identity or 16·sigmoid. Parameters in one flat vector for Adam."""

    def __init__(self, q, h, d, rng, gain=1.0, out_scale=None, out_bias=None):
        self.shapes = [(q, h), (h,), (h, d), (d,)]
        w1 = gain * rng.standard_normal((q, h)) / np.sqrt(q)
        b1 = rng.standard_normal(h)
        w2 = rng.standard_normal((h, d)) / np.sqrt(h)
        b2 = np.zeros(d) if out_bias is None else np.asarray(out_bias)
        self.theta = np.concatenate([w1.ravel(), b1, w2.ravel(), b2])
        self.out_scale = out_scale

    def unpack(self, theta):
        parts, i = [], 0
        for s in self.shapes:
            k = int(np.prod(s))
            parts.append(theta[i:i + k].reshape(s))
            i += k
        return parts

    def forward(self, z, theta=None):
        w1, b1, w2, b2 = self.unpack(self.theta if theta is None else theta)
        hid = np.tanh(z @ w1 + b1)
        p = hid @ w2 + b2
        f = p if self.out_scale is None else self.out_scale / (1 + np.exp(-p))
        return f, hid

    def backward(self, z, hid, f, g, theta):
        w1, b1, w2, b2 = self.unpack(theta)
        gp = g if self.out_scale is None else g * f * (1 - f / self.out_scale)
        ga = (gp @ w2.T) * (1 - hid ** 2)
        return np.concatenate([(z.T @ ga).ravel(), ga.sum(0), (hid.T @ gp).ravel(), gp.sum(0)])


class LVM:
    """p(x) = ∫ N(x; f(z), σ²I) N(z; 0, I) dz, by quadrature Σₘ wₘ N(x; f(zₘ), σ²I)."""

    def __init__(self, decoder, sigma2):
        self.dec, self.log_s2 = decoder, np.log(sigma2)

    @property
    def sigma2(self):
        return np.exp(self.log_s2)

    def copy(self):
        other = LVM(self.dec, 1.0)
        other.dec = Decoder.__new__(Decoder)
        other.dec.__dict__.update(self.dec.__dict__)
        other.dec.theta = self.dec.theta.copy()
        other.log_s2 = self.log_s2
        return other

    def cond_log(self, x, f):
        """log N(xₙ; fₘ, σ²I) for all n, m and the squared distances."""
        d = x.shape[1]
        sq = np.maximum((x * x).sum(1)[:, None] - 2 * x @ f.T + (f * f).sum(1)[None, :], 0)
        return -0.5 * d * (LOG2PI + self.log_s2) - 0.5 * sq / self.sigma2, sq

    def marginal(self, x, nodes, logw):
        f, _ = self.dec.forward(nodes)
        a, _ = self.cond_log(x, f)
        a += logw
        lp = logsumexp(a, axis=1)
        return lp, np.exp(a - lp[:, None])

    def value_and_grad(self, x, nodes, logw, theta, log_s2):
        n, d = x.shape
        f, hid = self.dec.forward(nodes, theta)
        s2 = np.exp(log_s2)
        sq = np.maximum((x * x).sum(1)[:, None] - 2 * x @ f.T + (f * f).sum(1)[None, :], 0)
        a = -0.5 * d * (LOG2PI + log_s2) - 0.5 * sq / s2 + logw
        lp = logsumexp(a, axis=1)
        r = np.exp(a - lp[:, None])
        g = (r.T @ x - r.sum(0)[:, None] * f) / (n * s2)
        ds = (r * (sq / (2 * s2) - 0.5 * d)).sum() / n
        return lp.mean(), np.r_[self.dec.backward(nodes, hid, f, g, theta), ds]

    def train(self, x, nodes, logw, steps, lr, final_lr, rng, batch=None, observe=None):
        params = np.r_[self.dec.theta, self.log_s2]
        m, v = np.zeros_like(params), np.zeros_like(params)
        decay = (final_lr / lr) ** (1 / (steps - 1))
        order, cursor, trace = np.arange(len(x)), len(x), []
        if observe:
            observe(0, self)
        for step in range(1, steps + 1):
            if batch and batch < len(x):
                if cursor + batch > len(x):
                    rng.shuffle(order)
                    cursor = 0
                xb = x[order[cursor:cursor + batch]]
                cursor += batch
            else:
                xb = x
            value, grad = self.value_and_grad(xb, nodes, logw, params[:-1], params[-1])
            trace.append(value)
            m = 0.9 * m + 0.1 * (-grad)
            v = 0.999 * v + 0.001 * grad * grad
            params -= lr * (m / (1 - 0.9 ** step)) / (np.sqrt(v / (1 - 0.999 ** step)) + 1e-8)
            self.dec.theta, self.log_s2 = params[:-1].copy(), params[-1]
            lr *= decay
            if observe:
                observe(step, self)
        return trace


def trapezoid(half, k, dim):
    z = np.linspace(-half, half, k)
    w = np.full(k, z[1] - z[0]) * norm.pdf(z)
    w[[0, -1]] /= 2
    return tensor(z, w, dim)


def gauss_hermite(k, dim):
    z, w = np.polynomial.hermite_e.hermegauss(k)
    return tensor(z, w / w.sum(), dim)


def tensor(z, w, dim):
    if dim == 1:
        return z[:, None], np.log(w)
    za, zb = np.meshgrid(z, z, indexing="ij")
    wa, wb = np.meshgrid(w, w, indexing="ij")
    return np.column_stack([za.ravel(), zb.ravel()]), np.log((wa * wb).ravel())


def nonlinear_lesson(site, digits, labels, rng):
    r = site.results
    xlim, ylim = (-1.75, 1.75), (-1.5, 1.5)
    t = -0.75 * np.pi + 1.5 * np.pi * rng.random(200)
    x = np.column_stack([np.cos(t), np.sin(t)]) + 0.08 * rng.standard_normal((200, 2))
    ppca = PPCAFit(x).model(1)
    ppca_ll = ppca.log_likelihoods(x).mean()
    gxs, gys = np.linspace(*xlim, 140), np.linspace(*ylim, 140)
    gx, gy = np.meshgrid(gxs, gys)
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    fig, (ax,) = figure(560, 345, title="A noisy arc, and the best PPCA fit")
    ax.contour(gx, gy, ppca.log_likelihoods(grid).reshape(gx.shape), levels=[-5, -4, -3, -2, -1.5], colors=C["model"], linewidths=1.2)
    w = ppca.w[:, 0]
    ax.plot(*np.array([ppca.mean - 2.5 * w, ppca.mean + 2.5 * w]).T, ls="--", c=C["model"], label="PPCA line")
    ax.scatter(x[:, 0], x[:, 1], s=5, c=C["data"], label="data (N = 200)")
    ax.set_xlim(xlim); ax.set_ylim(ylim); ax.set_aspect("equal"); ax.legend(loc="center left", bbox_to_anchor=(1, 0.5))
    site.save(fig, "curve-data")

    untrained = LVM(Decoder(1, 16, 2, rng, gain=2), 0.25)
    zc = np.linspace(-3, 3, 301)[:, None]

    def curve(model, z=zc):
        return model.dec.forward(z)[0]

    fig, (ax,) = figure(title="An untrained decoder: the curve fθ(z) and samples of p(x)")
    ax.scatter(x[:, 0], x[:, 1], s=4, alpha=0.35, c=C["data"])
    zs = rng.standard_normal((300, 1))
    smp = curve(untrained, zs) + np.sqrt(untrained.sigma2) * rng.standard_normal((300, 2))
    ax.scatter(smp[:, 0], smp[:, 1], s=4, alpha=0.6, c=C["samples"])
    ax.plot(*curve(untrained).T, c=C["model"], lw=2)
    for zz in (-2, -1, 0, 1, 2):
        p = curve(untrained, np.array([[zz]]))[0]
        ax.scatter(*p, s=10, c=C["reference"]); ax.text(p[0] + 0.07, p[1] + 0.08, f"z = {zz}", fontsize=9)
    ax.set_aspect("equal")
    site.save(fig, "untrained-decoder")

    train_nodes, train_logw = trapezoid(4.0, 161, 1)
    ref_nodes, ref_logw = trapezoid(10.0, 8001, 1)
    frame_steps = sorted({0, 600} | {int(round((i / 11) ** 2 * 600)) for i in range(12)})
    frames = []
    trained = untrained.copy()
    trace = trained.train(x, train_nodes, train_logw, 600, 0.03, 0.003, rng,
                          observe=lambda s, m: frames.append((s, m.copy())) if s in frame_steps else None)
    final_train = trained.marginal(x, train_nodes, train_logw)[0].mean()
    final_ref = trained.marginal(x, ref_nodes, ref_logw)[0].mean()
    r["toy"] = {"log_likelihood_per_sample": float(final_ref), "training_rule": float(final_train),
                "noise_variance": float(trained.sigma2), "ppca": float(ppca_ll)}

    ref_un = untrained.marginal(x, ref_nodes, ref_logw)[0]
    ref_tr = trained.marginal(x, ref_nodes, ref_logw)[0]
    orders = [5, 10, 20, 40, 80, 160]
    acc = {"gh_untrained": [], "gh_trained": [], "uniform_trained": []}
    for k in orders:
        gh, un = gauss_hermite(k, 1), trapezoid(4.0, k, 1)
        acc["gh_untrained"].append(max(np.abs(untrained.marginal(x, *gh)[0] - ref_un).mean(), 1e-16))
        acc["gh_trained"].append(max(np.abs(trained.marginal(x, *gh)[0] - ref_tr).mean(), 1e-16))
        acc["uniform_trained"].append(max(np.abs(trained.marginal(x, *un)[0] - ref_tr).mean(), 1e-16))
    r["quadrature_accuracy"] = acc
    fig, (ax,) = figure(title="Quadrature error against the number of nodes")
    for key, c in zip(acc, (C["samples"], C["model"], C["posterior"])):
        ax.plot(orders, acc[key], c=c, label=key); ax.scatter(orders, acc[key], s=6, c=c)
    ax.set_xscale("log"); ax.set_yscale("log"); ax.legend(loc="lower left")
    site.save(fig, "quadrature-accuracy")

    fig, axes = figure(760, 330, 1, 2, "The marginal log p(x) = log ∫ p(x|z) p(z) dz by quadrature")
    for ax, model, name in zip(axes, (untrained, trained), ("untrained", "trained")):
        lp = np.maximum(model.marginal(grid, train_nodes, train_logw)[0], -8).reshape(gx.shape)
        cs = ax.contourf(gx, gy, lp, levels=[-8, -6, -4, -3, -2, -1, 0, 1, 2], cmap="viridis")
        fig.colorbar(cs, ax=ax, label="log p(x)")
        ax.plot(*curve(model).T, c="white", lw=1.2); ax.scatter(x[:, 0], x[:, 1], s=2, alpha=0.5, c=C["data"])
        ax.set_xlim(xlim); ax.set_ylim(ylim); ax.set_title(f"{name}: σ² = {model.sigma2:.2g}", fontsize=9)
    site.save(fig, "marginal-density")

    def training_frame(step, model):
        def make():
            fig, (ax,) = figure(title=f"Fitting the curve: Adam step {step} of 600")
            ax.scatter(x[:, 0], x[:, 1], s=4, alpha=0.6, c=C["data"])
            c = curve(model)
            tang = np.gradient(c, axis=0)
            nrm = np.column_stack([-tang[:, 1], tang[:, 0]]) / np.maximum(np.linalg.norm(tang, axis=1), 1e-12)[:, None]
            off = 2 * np.sqrt(model.sigma2) * nrm
            ax.plot(*(c + off).T, ls="--", lw=0.8, c=C["model"]); ax.plot(*(c - off).T, ls="--", lw=0.8, c=C["model"])
            ax.plot(*c.T, lw=2, c=C["model"])
            ll = trace[step] if step < len(trace) else final_train
            ax.text(-1.7, 1.4, f"(1/N) Σ log p(xₙ) = {ll:.3g},  σ² = {model.sigma2:.3g}", fontsize=9)
            ax.set_xlim(xlim); ax.set_ylim(ylim); ax.set_aspect("equal")
            return fig
        return make
    site.frames([training_frame(s, m) for s, m in frames], "training")

    fig, (ax,) = figure(title="Log-likelihood per sample while training")
    ax.plot(trace, c=C["model"], lw=1.8); ax.axhline(ppca_ll, ls="--", c=C["reference"])
    site.save(fig, "training-log-likelihood")

    # Steps 5–7: posteriors at three probes, Monte Carlo and importance sampling, ELBO gaps.
    model = trained
    zgrid = np.linspace(-5, 5, 2001)[:, None]
    resp = model.marginal(x, train_nodes, train_logw)[1]
    zmeans = resp @ train_nodes[:, 0]
    split = 0.5 * (zmeans.min() + zmeans.max())
    ends = curve(model, np.array([[zmeans.min()], [zmeans.max()]]))
    bx = 0.5 * (ends[0, 0] + ends[1, 0]) - 0.25
    zfine = np.linspace(-6, 6, 2401)[:, None]
    f_fine = curve(model, zfine)

    def log_joint(point, z, f=None):
        f = curve(model, z) if f is None else f
        return model.cond_log(np.atleast_2d(point), f)[0][0] + norm.logpdf(z[:, 0])

    def upper_mass(y):
        lj = log_joint([bx, y], zfine, f_fine)
        p = np.exp(lj - lj.max())
        return p[zfine[:, 0] > split].sum() / p.sum()
    lo, hi = sorted([ends[0, 1], ends[1, 1]])
    increasing = upper_mass(hi) > upper_mass(lo)
    for _ in range(50):
        mid = 0.5 * (lo + hi)
        if (upper_mass(mid) > 0.5) == increasing:
            hi = mid
        else:
            lo = mid
    probes = [np.array([1.12, 0.05]), np.array([bx, 0.5 * (lo + hi)]), np.array([0.0, 0.0])]

    def laplace(point, candidates):
        lj = log_joint(point, candidates)
        z = candidates[np.argmax(lj), 0]
        eps = 1e-4
        for _ in range(50):
            v = log_joint(point, np.array([[z - eps], [z], [z + eps]]))
            g, h = (v[2] - v[0]) / (2 * eps), (v[2] - 2 * v[1] + v[0]) / eps ** 2
            if h >= 0:
                break
            step = g / h
            z -= step
            if abs(step) < 1e-10:
                break
        v = log_joint(point, np.array([[z - eps], [z], [z + eps]]))
        h = (v[2] - 2 * v[1] + v[0]) / eps ** 2
        return z, 1 / np.sqrt(max(-h, 1e-12))

    cands = np.linspace(-5, 5, 201)[:, None]
    f_grid = curve(model, zgrid)
    pm, pc = ppca.posterior(np.array(probes))
    posts, laps, stats = [], [], []
    for p in probes:
        lj = log_joint(p, zgrid, f_grid)
        dens = np.exp(lj - lj.max())
        dens /= np.trapezoid(dens, zgrid[:, 0])
        posts.append(dens)
        laps.append(laplace(p, cands))
        h = zgrid[1, 0] - zgrid[0, 0]
        mean = (zgrid[:, 0] * dens).sum() * h
        stats.append((mean, np.sqrt(((zgrid[:, 0] - mean) ** 2 * dens).sum() * h)))
    fig, axes = figure(720, 540, 2, 2, "Posterior p(z|x) at three points")
    axes[0].scatter(x[:, 0], x[:, 1], s=3, alpha=0.4, c=C["data"]); axes[0].plot(*curve(model).T, lw=1.8, c=C["model"])
    for name, p in zip("ABC", probes):
        axes[0].scatter(*p, marker="D", c=C["highlight"]); axes[0].text(p[0] + 0.08, p[1] + 0.12, name, fontsize=11)
    axes[0].set_aspect("equal")
    for i, ax in enumerate(axes[1:]):
        ax.fill_between(zgrid[:, 0], 0, posts[i], color=C["posterior"], alpha=0.25)
        ax.plot(zgrid[:, 0], posts[i], lw=2, c=C["posterior"], label="p(z|x)")
        ax.plot(zgrid[:, 0], norm.pdf(zgrid[:, 0], *laps[i]), ls=":", c=C["model"], label="Laplace")
        ax.plot(zgrid[:, 0], norm.pdf(zgrid[:, 0], pm[i, 0], np.sqrt(pc[0, 0])), ls="--", c=C["reference"], label="PPCA")
        ax.set_xlim(-5, 5); ax.legend(loc="upper right", fontsize=7)
    site.save(fig, "posterior-shapes")

    probe = probes[0]
    log_px = model.marginal(np.atleast_2d(probe), ref_nodes, ref_logw)[0][0]
    prop_mean, prop_sd = laps[0][0], 1.2 * laps[0][1]

    def prior_sampling(s):
        z = rng.standard_normal((s, 1))
        return logsumexp(model.cond_log(np.atleast_2d(probe), curve(model, z))[0][0]) - np.log(s)

    def importance_sampling(s):
        z = prop_mean + prop_sd * rng.standard_normal((s, 1))
        return logsumexp(log_joint(probe, z) - norm.logpdf(z[:, 0], prop_mean, prop_sd)) - np.log(s)

    counts = [1, 3, 10, 30, 100, 300, 1000, 3000, 10000]
    naive, imp = [], []
    for s in counts:
        a = [np.exp(prior_sampling(s) - log_px) - 1 for _ in range(60)]
        b = [np.exp(importance_sampling(s) - log_px) - 1 for _ in range(60)]
        naive.append(max(np.sqrt(np.mean(np.square(a))), 1e-16)); imp.append(max(np.sqrt(np.mean(np.square(b))), 1e-16))
    cond = model.cond_log(np.atleast_2d(probe), f_grid)[0][0]
    rel_sd = np.sqrt(max((np.exp(2 * (cond - log_px) + norm.logpdf(zgrid[:, 0])) * (zgrid[1, 0] - zgrid[0, 0])).sum() - 1, 0))
    fig, (ax,) = figure(title="Relative error of Monte Carlo estimates of p(x)")
    ax.plot(counts, rel_sd / np.sqrt(counts), ls="--", lw=1, c=C["reference"])
    ax.plot(counts, naive, lw=1.8, c=C["samples"]); ax.scatter(counts, naive, s=6, c=C["samples"])
    ax.plot(counts, imp, lw=1.8, c=C["posterior"]); ax.scatter(counts, imp, s=6, c=C["posterior"])
    ax.set_xscale("log"); ax.set_yscale("log")
    site.save(fig, "mc-relative-error")

    fig, (ax,) = figure(title="Cost of a tensor grid: K^d evaluations")
    dims = np.arange(1, 13)
    for i, k in enumerate([5, 10, 20, 50]):
        ax.plot(dims, float(k) ** dims, lw=1.8, color=plt.cm.tab10(i)); ax.scatter(dims, float(k) ** dims, s=5, color=plt.cm.tab10(i))
    ax.axhline(1e9, ls=":", c=C["reference"]); ax.scatter([1, 2], [161, 400], marker="D", c=C["highlight"])
    ax.set_yscale("log")
    site.save(fig, "grid-cost")

    naive_strip = [np.exp(prior_sampling(100) - log_px) for _ in range(200)]
    is_strip = [np.exp(importance_sampling(100) - log_px) for _ in range(200)]
    fig, (ax, bx_) = figure(720, 320, 1, 2, "Importance sampling")
    ax.plot(zgrid[:, 0], norm.pdf(zgrid[:, 0]), ls="--", c=C["samples"]); ax.plot(zgrid[:, 0], posts[0], lw=2, c=C["posterior"])
    ax.plot(zgrid[:, 0], norm.pdf(zgrid[:, 0], prop_mean, prop_sd), ls=":", c=C["model"]); ax.set_xlim(-3, 3)
    jitter = 0.25 * (np.arange(200) % 21 / 10 - 1)
    bx_.scatter(1 + jitter, naive_strip, s=5, alpha=0.6, c=C["samples"]); bx_.scatter(2 + jitter, is_strip, s=5, alpha=0.6, c=C["posterior"])
    bx_.axhline(1, ls="--", c=C["reference"]); bx_.set_xlim(0.5, 2.5)
    site.save(fig, "importance-sampling")

    std_nodes, std_logw = trapezoid(8, 801, 1)
    std_w = np.exp(std_logw)
    examples, bars = [], []
    for i, (name, p) in enumerate(zip("ABC", probes)):
        lp = model.marginal(np.atleast_2d(p), ref_nodes, ref_logw)[0][0]
        zl, sl = laps[i]
        qs = [(zl, sl), (zl, 2 * sl), (zl + 2 * sl, sl), stats[i]]
        if name == "B":
            side = np.linspace(-5, split, 101) if zl > split else np.linspace(split, 5, 101)
            qs.insert(1, laplace(p, side[:, None]))
        for k, (qm, qsd) in enumerate(qs):
            zq = qm + qsd * std_nodes
            elbo = (std_w * (log_joint(p, zq) - norm.logpdf(zq[:, 0], qm, qsd))).sum()
            half = max(8, abs(qm) + 10 * qsd)
            kz = np.linspace(-half, half, int(np.ceil(2 * half / 0.0025)) + 1)
            lj = log_joint(p, kz[:, None])
            lq = norm.logpdf(kz, qm, qsd)
            post = lj - (logsumexp(lj) + np.log(kz[1] - kz[0]))
            kl = np.trapezoid(np.exp(lq) * (lq - post), kz)
            examples.append({"point": name, "log_px": float(lp), "elbo": float(elbo), "kl": float(kl)})
            if name == "B" and k != (3 if len(qs) == 5 else 2):
                bars.append((qm, qsd, elbo, kl, lp))
    r["elbo_gap_examples"] = examples
    fig, (ax, bx_) = figure(720, 320, 1, 2, "ELBO(q) = log p(x) − KL(q ‖ p(z|x))")
    ax.fill_between(zgrid[:, 0], 0, posts[1], color=C["posterior"], alpha=0.2); ax.plot(zgrid[:, 0], posts[1], lw=2, c=C["posterior"])
    for k, (qm, qsd, elbo, kl, lp) in enumerate(bars):
        ax.plot(zgrid[:, 0], norm.pdf(zgrid[:, 0], qm, qsd), ls="--", lw=1.4, color=plt.cm.tab10(k))
        bx_.plot([k + 1, k + 1], [elbo, elbo + kl], lw=3, color=plt.cm.tab10(k)); bx_.scatter([k + 1], [elbo], color=plt.cm.tab10(k))
        bx_.text(k + 1.1, elbo + 0.5 * kl, f"KL = {kl:.3g}", fontsize=9)
    if bars:
        bx_.axhline(bars[0][4], c=C["reference"])
    ax.set_xlim(-5, 5)
    site.save(fig, "elbo-gap")

    # Step 8: the digits — 2 → 64 → 64 decoder, 20 × 20 Gauss–Hermite nodes, 1000 Adam steps of 200 rows.
    xd = digits
    d = xd.shape[1]
    pm_ = np.clip(xd.mean(0) / 16, 0.01, 0.99)
    dmodel = LVM(Decoder(2, 64, d, rng, out_scale=16.0, out_bias=np.log(pm_ / (1 - pm_))), 20.0)
    nodes, logw = gauss_hermite(20, 2)
    fine_nodes, fine_logw = trapezoid(5.5, 75, 2)
    eval_steps, eval_values = [], []

    def observe(step, m):
        if step % 50 == 0 or step == 1000:
            eval_steps.append(step)
            eval_values.append(m.marginal(xd, nodes, logw)[0].mean())
    dmodel.train(xd, nodes, logw, 1000, 0.02, 0.002, rng, batch=200, observe=observe)
    ll_rule = dmodel.marginal(xd, nodes, logw)[0].mean()
    fine_lp, fine_r = dmodel.marginal(xd, fine_nodes, fine_logw)
    dppca = PPCAFit(xd).model(2)
    dppca_ll = dppca.log_likelihoods(xd).mean()
    r["digits"] = {"log_likelihood_per_sample": float(fine_lp.mean()), "training_rule": float(ll_rule),
                   "ppca_log_likelihood_per_sample": float(dppca_ll), "noise_variance": float(dmodel.sigma2),
                   "training_trace": eval_values}
    fig, (ax,) = figure(title="Digits: log-likelihood per image while training")
    ax.plot(eval_steps, eval_values, lw=1.8, c=C["model"]); ax.scatter(eval_steps, eval_values, s=6, c=C["model"])
    ax.axhline(dppca_ll, ls="--", c=C["reference"])
    site.save(fig, "digits-training")
    zm = fine_r @ fine_nodes
    fig, (ax,) = figure(title="Digits in the learned latent space: posterior means E[z|x]")
    for k in range(10):
        sel = labels == k
        ax.scatter(zm[sel, 0], zm[sel, 1], s=4, alpha=0.75, color=plt.cm.tab10(k), label=str(k))
    sq = [-1.96, 1.96, 1.96, -1.96, -1.96]
    ax.plot(sq, [-1.96, -1.96, 1.96, 1.96, -1.96], ls="--", lw=1, c=C["reference"])
    ax.set_aspect("equal"); ax.legend(loc="center left", bbox_to_anchor=(1, 0.5), fontsize=7)
    site.save(fig, "digits-latent-space")
    u = (np.arange(20) + 0.5) / 20
    zg = np.array([[ndtri(u[j]), ndtri(1 - u[i])] for i in range(20) for j in range(20)])
    fig, axes = figure(820, 450, 1, 2, "Latent manifolds: decoded images at z = Φ⁻¹(even grid on the unit square)")
    image_grid(axes[0], dmodel.dec.forward(zg)[0], (8, 8), 20, vrange=(0, 16))
    image_grid(axes[1], zg @ dppca.w.T + dppca.mean, (8, 8), 20, vrange=(0, 16))
    site.save(fig, "latent-manifold")
    fig, (ax,) = figure(460, 490, title="Nonlinear decoder (q = 2): fθ(z) at z = Φ⁻¹(u)")
    image_grid(ax, np.vstack([dmodel.dec.forward(z[None, :])[0] for z in zg]), (8, 8), 20, vrange=(0, 16))
    site.save(fig, "latent-manifold-decoder")


# ------------------------------------------------------------------------------------------------------------ main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default="output-peer")
    ap.add_argument("--part", choices=["all", "pca-ppca"], default="all")
    ap.add_argument("--data")
    ap.add_argument("--seed", type=int, default=1999)
    ap.add_argument("--scale", type=float, default=2.0)
    ap.add_argument("--latent-dim", type=int, default=2)
    ap.add_argument("--lessons", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Lessons"))
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()
    t0 = time.perf_counter()

    def say(msg):
        if not args.quiet:
            print(f"{time.perf_counter() - t0:7.2f} s  {msg}", file=sys.stderr)

    names, digits = load_csv(os.path.join(args.lessons, "data", "digits.csv"))
    digit_labels = np.loadtxt(os.path.join(args.lessons, "data", "digits_labels.csv"), skiprows=1, dtype=int)
    if args.data:
        names, x = load_csv(args.data)
        labels, user = None, True
    else:
        x, labels, user = digits, digit_labels, False
    shape = image_shape(names)
    say(f"data {x.shape[0]}×{x.shape[1]}")

    sizes = {} if args.data else REPORT_SIZES
    site = Site(args.out, "pca", args.scale, sizes)
    pca_lesson(site, x, names, labels, shape, user, np.random.default_rng(args.seed), args.seed)
    site.finish()
    say("pca")
    site = Site(args.out, "ppca", args.scale, sizes)
    ppca_lesson(site, x, names, labels, shape, user, np.random.default_rng(args.seed), args.latent_dim)
    site.finish()
    say("ppca")
    if args.part == "all":
        site = Site(args.out, "nonlinear", args.scale, sizes)
        nonlinear_lesson(site, digits, digit_labels, np.random.default_rng(args.seed))
        site.finish()
        say("nonlinear")


if __name__ == "__main__":
    main()
