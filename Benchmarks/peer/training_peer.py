#!/usr/bin/env python3
"""PyTorch peer of Benchmarks/Sources/lvm-train-bench: the lessons' four trainings written as a PyTorch user would.

    python3 Benchmarks/peer/training_peer.py [--quick] [--runs R] [--threads N|default] [--digits PATH] [prefix ...]

CPU, torch.float64, nn.Linear layers, autograd for every gradient, torch.optim.Adam (β 0.9/0.999, ε 1e-8) with an
ExponentialLR schedule from the first to the final learning rate, the same architectures, steps, batches and
quadrature rules as lvm-lessons (see lvm-train-bench's header for the four trainings):

  vae-arc           encoder 2 → 32 → 2·1, decoder 1 → 16 → 2 (tanh, linear output, learned log σ²), 200 arc points,
                    3000 steps of 50 rows, S = 1, closed-form-KL reparameterised ELBO
  vae-digits        encoder 64 → 64 → 2·2, decoder 2 → 64 → 64 (16·sigmoid), 1198 digits, 1500 steps of 100, S = 1
  nonlinear-arc     decoder 1 → 16 → 2 by maximum likelihood under a 161-node trapezoid rule, 600 full-batch steps
  nonlinear-digits  decoder 2 → 64 → 64 (16·sigmoid) under Gauss–Hermite 20 × 20, 1000 steps of 200 rows

Minibatches: rows taken in the order of a permutation, reshuffled once every row has been used (torch.randperm), as
lvm-lessons does. The random numbers (numpy / torch generators) differ from lvm-lessons' xoshiro256**, so the trained
numbers differ; the amount of work does not. Only the training loop is timed; every run starts from the same seeded
model. Threads: `--threads 1` calls torch.set_num_threads(1) (one intra-op thread, like lvm-lessons' training loop);
`--threads default` leaves PyTorch's default (one per core). Clocks: time.perf_counter (wall), time.process_time (CPU
of every thread of the process), time.thread_time (the calling thread); medians over the runs after a warm-up run
of a tenth of the schedule.
One JSON line per training, the same fields as lvm-train-bench.
"""
import json
import math
import os
import sys
import time

import numpy as np
import torch
from torch import nn

DTYPE = torch.float64
HERE = os.path.dirname(os.path.abspath(__file__))


# ---------------------------------------------------------------------------------------------------------- models

class Decoder(nn.Module):
    """f(z) = g(W₂ᵀ tanh(W₁ᵀ z + b₁) + b₂), g = identity or s·sigmoid; p(x|z) = N(f(z), σ²I) with a learned log σ²."""

    def __init__(self, latent, hidden, out, noise_variance, pixel_max=None, gain=1.0, bias_scale=1.0,
                 output_scale=1.0, output_bias=None, generator=None):
        super().__init__()
        self.hidden = nn.Linear(latent, hidden, dtype=DTYPE)
        self.out = nn.Linear(hidden, out, dtype=DTYPE)
        self.pixel_max = pixel_max
        self.log_noise_variance = nn.Parameter(torch.tensor(math.log(noise_variance), dtype=DTYPE))
        with torch.no_grad():                      # the lessons' initial scales (not PyTorch's default uniform init)
            self.hidden.weight.normal_(0, gain / math.sqrt(latent), generator=generator)
            self.hidden.bias.normal_(0, bias_scale, generator=generator)
            self.out.weight.normal_(0, output_scale / math.sqrt(hidden), generator=generator)
            self.out.bias.copy_(torch.zeros(out, dtype=DTYPE) if output_bias is None else output_bias)

    def forward(self, z):
        p = self.out(torch.tanh(self.hidden(z)))
        return p if self.pixel_max is None else self.pixel_max * torch.sigmoid(p)


class Encoder(nn.Module):
    """[m, log s] = W₂ᵀ tanh(W₁ᵀ x + b₁) + b₂, with the input standardisation (x − c)/r folded into the first layer."""

    def __init__(self, data, hidden, latent, centre, scale=1.0, generator=None):
        super().__init__()
        self.hidden = nn.Linear(data, hidden, dtype=DTYPE)
        self.out = nn.Linear(hidden, 2 * latent, dtype=DTYPE)
        with torch.no_grad():
            self.hidden.weight.normal_(0, 1 / math.sqrt(data) / scale, generator=generator)
            self.hidden.bias.normal_(0, 1, generator=generator)
            self.hidden.bias.sub_(self.hidden.weight @ centre)
            self.out.weight.normal_(0, 1 / math.sqrt(hidden), generator=generator)
            self.out.bias.zero_()

    def forward(self, x):
        return self.out(torch.tanh(self.hidden(x))).chunk(2, dim=1)        # m, log s


def gaussian_log_likelihood(x, f, log_variance):
    """log N(xₙ; fₙ, σ²I) row by row."""
    d = x.shape[1]
    return -0.5 * d * (math.log(2 * math.pi) + log_variance) - 0.5 * ((x - f) ** 2).sum(1) / log_variance.exp()


def negative_elbo(encoder, decoder, x, eps):
    """−(1/B) Σₙ [log p(xₙ|zₙ) − KL(q(z|xₙ) ‖ N(0, I))], zₙ = mₙ + sₙ ⊙ εₙ (S = 1)."""
    m, log_s = encoder(x)
    z = m + log_s.exp() * eps
    log_likelihood = gaussian_log_likelihood(x, decoder(z), decoder.log_noise_variance)
    kl = 0.5 * (m ** 2 + (2 * log_s).exp() - 1 - 2 * log_s).sum(1)
    return -(log_likelihood - kl).mean()


def negative_quadrature_log_likelihood(decoder, x, nodes, log_weights):
    """−(1/N) Σₙ log Σₘ wₘ N(xₙ; f(zₘ), σ²I), the N × M squared distances from one matrix product."""
    f = decoder(nodes)                                                              # (M, D)
    # ‖xₙ − fₘ‖² = ‖xₙ‖² + ‖fₘ‖² − 2 xₙ·fₘ: one addmm over the N × M grid, clamped at 0 against rounding
    squared = torch.addmm((x * x).sum(1, keepdim=True) + (f * f).sum(1), x, f.T, alpha=-2).clamp_min(0)   # (N, M)
    s = decoder.log_noise_variance
    offsets = log_weights - 0.5 * x.shape[1] * (math.log(2 * math.pi) + s)         # (M): scalars folded first
    return -torch.logsumexp(offsets - squared * (0.5 * torch.exp(-s)), dim=1).mean()


class Minibatches:
    """Rows in the order of a permutation, `batch` at a time, reshuffled once the rest would not fill a batch."""

    def __init__(self, rows, batch, generator):
        self.rows, self.batch, self.generator = rows, batch, generator
        self.order, self.cursor = None, rows

    def next(self):
        if self.batch is None or self.batch >= self.rows:
            return None
        if self.cursor + self.batch > self.rows:
            self.order = torch.randperm(self.rows, generator=self.generator)
            self.cursor = 0
        batch = self.order[self.cursor:self.cursor + self.batch]
        self.cursor += self.batch
        return batch


def adam(parameters, lr, final_lr, steps):
    # fused=True: one kernel per parameter tensor (PyTorch ≥ 2.4 on CPU); 2–3× faster here than the default for-loop
    # implementation on these small networks, and the same update
    optimiser = torch.optim.Adam(parameters, lr=lr, betas=(0.9, 0.999), eps=1e-8, fused=True)
    gamma = (final_lr / lr) ** (1 / (steps - 1)) if steps > 1 else 1.0
    return optimiser, torch.optim.lr_scheduler.ExponentialLR(optimiser, gamma=gamma)


# ------------------------------------------------------------------------------------------------------- trainings

def train_vae(encoder, decoder, x, steps, batch, lr, final_lr, seed):
    generator = torch.Generator().manual_seed(seed)
    optimiser, schedule = adam(list(encoder.parameters()) + list(decoder.parameters()), lr, final_lr, steps)
    batches = Minibatches(x.shape[0], batch, generator)
    latent = decoder.hidden.in_features
    value = None
    for _ in range(steps):
        rows = batches.next()
        xb = x if rows is None else x[rows]
        eps = torch.randn(xb.shape[0], latent, dtype=DTYPE, generator=generator)
        loss = negative_elbo(encoder, decoder, xb, eps)
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
        schedule.step()
        value = loss.item()
    return -value


def train_by_quadrature(decoder, x, nodes, log_weights, steps, batch, lr, final_lr, seed):
    generator = torch.Generator().manual_seed(seed)
    optimiser, schedule = adam(decoder.parameters(), lr, final_lr, steps)
    batches = Minibatches(x.shape[0], batch, generator)
    value = None
    for _ in range(steps):
        rows = batches.next()
        xb = x if rows is None else x[rows]
        loss = negative_quadrature_log_likelihood(decoder, xb, nodes, log_weights)
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
        schedule.step()
        value = loss.item()
    return -value


# ------------------------------------------------------------------------------------------------ data and rules

def noisy_arc(rows, noise, rng):
    t = -0.75 * math.pi + 1.5 * math.pi * rng.random(rows)
    return np.stack([np.cos(t), np.sin(t)], axis=1) + noise * rng.standard_normal((rows, 2))


def log_normal_density(z):
    return -0.5 * z * z - 0.5 * math.log(2 * math.pi)


def trapezoid_rule(half_width, points):
    z = np.linspace(-half_width, half_width, points)
    h = z[1] - z[0]
    log_w = math.log(h) + log_normal_density(z)
    log_w[[0, -1]] += math.log(0.5)
    return z[:, None], log_w


def gauss_hermite_rule(order, dimension):
    """Probabilists' Gauss–Hermite, a tensor grid; weights normalised so that Σ w g(z) ≈ E_{N(0,I)}[g]."""
    z, w = np.polynomial.hermite_e.hermegauss(order)
    w = w / w.sum()
    grids = np.meshgrid(*([z] * dimension), indexing="ij")
    weights = np.meshgrid(*([w] * dimension), indexing="ij")
    nodes = np.stack([g.ravel() for g in grids], axis=1)
    log_w = sum(np.log(g.ravel()) for g in weights)
    return nodes, log_w


def logit_means(x, pixel_max):
    p = np.clip(x.mean(0) / pixel_max, 0.01, 0.99)
    return np.log(p / (1 - p))


# ---------------------------------------------------------------------------------------------------------- timing

def median(v):
    s = sorted(v)
    n = len(s)
    return s[n // 2] if n % 2 else 0.5 * (s[n // 2 - 1] + s[n // 2])


def bench(name, runs, threads, build, train, steps, **sizes):
    """`build()` makes the seeded initial state (not timed); `train(state, steps)` runs the loop and returns its last
    value. The warm-up (kernels loaded, allocator and caches warm) is a tenth of the schedule."""
    train(build(), max(1, steps // 10))                                          # warm-up
    walls, cpus, thread_cpus, final = [], [], [], None
    for _ in range(runs):
        state = build()
        w0, c0, t0 = time.perf_counter(), time.process_time(), time.thread_time()
        final = train(state, steps)
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
        thread_cpus.append(time.thread_time() - t0)
    line = {"training": name, "side": "pytorch", "threads": threads, "wall_s": median(walls), "cpu_s": median(cpus),
            "thread_cpu_s": median(thread_cpus), "runs": runs, "steps": steps, **sizes, "final": final,
            "torch": torch.__version__, "torch_threads": torch.get_num_threads(),
            "cpu_capability": torch.backends.cpu.get_cpu_capability()}
    print(json.dumps(line), flush=True)


def main(argv):
    quick = "--quick" in argv

    def option(name, default):
        return argv[argv.index(name) + 1] if name in argv and argv.index(name) + 1 < len(argv) else default

    runs = int(option("--runs", 1 if quick else 5))
    threads = option("--threads", "1")
    digits_path = option("--digits", os.path.join(HERE, "..", "..", "Lessons", "data", "digits.csv"))
    values = {option(o, None) for o in ("--runs", "--threads", "--digits")}
    filters = [a for a in argv if not a.startswith("--") and a not in values]

    def wanted(name):
        return not filters or any(name.startswith(f) for f in filters)

    if threads != "default":
        torch.set_num_threads(int(threads))
    threads_label = f"torch.set_num_threads({threads})" if threads != "default" else f"default ({torch.get_num_threads()})"
    torch.manual_seed(0)

    rng = np.random.default_rng(1)
    arc = torch.tensor(noisy_arc(200, 0.08, rng), dtype=DTYPE)
    digits = None
    if wanted("vae-digits") or wanted("nonlinear-digits"):
        all_digits = np.loadtxt(digits_path, delimiter=",", skiprows=1)              # (1797, 64)
        order = np.random.default_rng(2).permutation(all_digits.shape[0])
        training = np.sort(order[:(2 * all_digits.shape[0]) // 3])
        digits = torch.tensor(all_digits[training], dtype=DTYPE)                     # (1198, 64)

    if wanted("vae-arc"):
        steps = 600 if quick else 3000

        def build():
            g = torch.Generator().manual_seed(3)
            decoder = Decoder(1, 16, 2, 0.25, gain=2.0, generator=g)
            encoder = Encoder(2, 32, 1, centre=arc.mean(0), generator=g)
            return encoder, decoder

        bench("vae-arc", runs, threads_label, build,
              lambda s, n: train_vae(s[0], s[1], arc, n, 50, 0.01, 0.001, seed=4),
              steps=steps, batch=50, parameters=sum(p.numel() for m in build() for p in m.parameters()))

    if wanted("vae-digits"):
        steps = 200 if quick else 1500
        x = digits
        spread = math.sqrt(float(x.var(0, unbiased=False).sum()) / x.shape[1])
        bias = torch.tensor(logit_means(x.numpy(), 16.0), dtype=DTYPE)

        def build():
            g = torch.Generator().manual_seed(5)
            decoder = Decoder(2, 64, 64, 20.0, pixel_max=16.0, output_bias=bias, generator=g)
            encoder = Encoder(64, 64, 2, centre=x.mean(0), scale=spread, generator=g)
            return encoder, decoder

        bench("vae-digits", runs, threads_label, build,
              lambda s, n: train_vae(s[0], s[1], x, n, 100, 0.01, 0.001, seed=6),
              steps=steps, batch=100, parameters=sum(p.numel() for m in build() for p in m.parameters()))

    if wanted("nonlinear-arc"):
        steps = 200 if quick else 600
        nodes, log_w = (torch.tensor(a, dtype=DTYPE) for a in trapezoid_rule(4.0, 161))

        def build():
            return Decoder(1, 16, 2, 0.25, gain=2.0, generator=torch.Generator().manual_seed(7))

        bench("nonlinear-arc", runs, threads_label, build,
              lambda d, n: train_by_quadrature(d, arc, nodes, log_w, n, None, 0.03, 0.003, seed=8),
              steps=steps, batch=arc.shape[0], nodes=nodes.shape[0], parameters=sum(p.numel() for p in build().parameters()))

    if wanted("nonlinear-digits"):
        steps = 150 if quick else 1000
        x = digits
        nodes, log_w = (torch.tensor(a, dtype=DTYPE) for a in gauss_hermite_rule(12 if quick else 20, 2))
        bias = torch.tensor(logit_means(x.numpy(), 16.0), dtype=DTYPE)

        def build():
            return Decoder(2, 64, 64, 20.0, pixel_max=16.0, output_bias=bias, generator=torch.Generator().manual_seed(9))

        bench("nonlinear-digits", runs, threads_label, build,
              lambda d, n: train_by_quadrature(d, x, nodes, log_w, n, 200, 0.02, 0.002, seed=10),
              steps=steps, batch=200, nodes=nodes.shape[0], parameters=sum(p.numel() for p in build().parameters()))


if __name__ == "__main__":
    main(sys.argv[1:])
