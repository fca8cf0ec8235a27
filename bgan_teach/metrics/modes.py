r"""Sample quality against a known 2-D target: modes covered, high-quality fraction, mode balance, log density, MMD.

**High quality.** A sample is high quality when it lies within $3\sigma$ of its nearest mode,
$\|x - \mu_{k(x)}\| \le 3\sigma$ with $k(x) = \arg\min_k \|x - \mu_k\|$ (the convention of VEEGAN, Srivastava
et al. 2017, https://arxiv.org/abs/1705.07761; PacGAN, Lin et al. 2018, https://arxiv.org/abs/1712.04086;
GDPP, Elfeki et al. 2019, https://arxiv.org/abs/1812.00068). Let $c_k$ be the number of high-quality samples
whose nearest mode is $k$, out of $N$ samples in all.

**Two coverage rules** (:func:`modes_covered`, ``rule=``):

- ``"one_sample"`` (the rule of VEEGAN, PacGAN and GDPP): mode $k$ is covered when $c_k \ge 1$.
  With 2500 samples judged, as in those papers, 93 % of the samples in one mode still scores 8/8 on the ring
  as long as each other mode holds one high-quality sample.
- ``"fraction"`` (this project's default; stricter): mode $k$ is covered when $c_k \ge \tau N$, $\tau$ = 1 %.
  It is not from those papers.

Neither rule sees how evenly the mass is spread, so :func:`mode_balance_kl` adds

$$\mathrm{KL}(h\,\|\,\pi) = \sum_k h_k \log\frac{h_k}{\pi_k},\qquad h_k = \frac{c_k}{\sum_j c_j},$$

the KL divergence from the histogram $h$ of nearest modes of the high-quality samples to the target's mode
weights $\pi$ (nats). It is 0 exactly when $h = \pi$, grows as mass piles into few modes (all in one mode of
$M$ equal ones: $\log M$), and stays finite when modes are empty ($0 \log 0 = 0$): it measures balance,
while coverage is measured by the rules above. The other direction, $\mathrm{KL}(\pi\|h)$, is infinite as soon
as one mode is empty, which would mix the two questions. (PacGAN's public code logs a Jensen-Shannon
divergence of the same histogram against uniform weights; KL is chosen here for its closed form in simple
cases: $\log M - H(h)$ for equal weights.) With $N$ exact target samples it is not 0 but about
$(M-1)/(2N)$ (multinomial noise).

The critic-free two-sample statistic is the squared maximum mean discrepancy with a Gaussian kernel
$k(x,y) = e^{-\|x-y\|^2/(2h^2)}$ (unbiased U-statistic, Gretton et al. 2012):

$$\widehat{\mathrm{MMD}}^2 = \tfrac{1}{n(n-1)}\sum_{i\ne j}k(x_i,x_j) + \tfrac{1}{m(m-1)}\sum_{i\ne j}k(y_i,y_j)
 - \tfrac{2}{nm}\sum_{i,j}k(x_i,y_j).$$
"""
from __future__ import annotations

import math

import torch

from .._checks import as_tensor, choice, in_interval, positive_float, positive_int
from ..config import make_generator

__all__ = ["COVERAGE_RULES", "nearest_mode", "mode_counts", "modes_covered", "high_quality_fraction",
           "mode_balance_kl", "mean_log_density", "mmd2", "mode_report"]

COVERAGE_RULES = ("fraction", "one_sample")


def _points(x, name: str) -> torch.Tensor:
    x = as_tensor(x, name, torch.float64).to(torch.float64)
    if x.ndim != 2 or x.shape[0] == 0:
        raise ValueError(f"{name} must have shape (n, d) with n >= 1; got {tuple(x.shape)}")
    return x


def _target_modes(target):
    if getattr(target, "modes", None) is None:
        raise ValueError(f"target {target!r} has no modes; pass a target with modes (ring, grid, or modes=...)")
    return target.modes.to(torch.float64), float(target.sigma)


def nearest_mode(samples, modes) -> tuple[torch.Tensor, torch.Tensor]:
    """Index (n,) of the nearest mode for each sample and the distance (n,) to it."""
    x, m = _points(samples, "samples"), _points(modes, "modes")
    if x.shape[1] != m.shape[1]:
        raise ValueError(f"samples and modes must have the same dimension; got {tuple(x.shape)} and {tuple(m.shape)}")
    dist = torch.cdist(x, m)                                  # (n, M)
    d, k = dist.min(1)
    return k, d


def _within(samples, target) -> tuple[torch.Tensor, torch.Tensor, int]:
    # NOTE(deviation): "within 3σ" is ≤ 3σ here; PacGAN's public code uses < 3σ (a set of measure zero apart).
    modes, sigma = _target_modes(target)
    k, d = nearest_mode(samples, modes)
    return k, d <= 3 * sigma, len(modes)


def mode_counts(samples, target) -> torch.Tensor:
    r"""$c_k$: the number of high-quality samples (within 3σ) whose nearest mode is k; int64 (M,)."""
    k, close, n_modes = _within(samples, target)
    return torch.bincount(k[close], minlength=n_modes)       # (M,)


def modes_covered(samples, target, threshold: float = 0.01, rule: str = "fraction") -> int:
    r"""Number of covered modes under ``rule`` (module docstring).

    ``"fraction"`` (default): $c_k \ge$ ``threshold`` $\cdot N$ (≥ 1 % of all samples within 3σ of mode k).
    ``"one_sample"``: $c_k \ge 1$, the rule of VEEGAN, PacGAN and GDPP (``threshold`` is not used).
    """
    choice(rule, COVERAGE_RULES, "rule")
    threshold = in_interval(threshold, "threshold", 0.0, 1.0, "(]")
    counts = mode_counts(samples, target)                    # (M,)
    if rule == "one_sample":
        return int((counts >= 1).sum())
    return int((counts >= threshold * len(_points(samples, "samples"))).sum())


def high_quality_fraction(samples, target) -> float:
    """Fraction of samples within 3σ of some mode."""
    _, close, _ = _within(samples, target)
    return float(close.double().mean())


def _mode_weights(target, weights) -> torch.Tensor:
    """π (M,): ``weights`` if given, else the mixture weights when the modes are the centres, else uniform."""
    modes, _ = _target_modes(target)
    n_modes = len(modes)
    if weights is None:
        centers = getattr(target, "centers", None)
        if centers is not None and centers.shape == modes.shape and torch.equal(centers.to(torch.float64), modes):
            return target.weights.to(torch.float64)
        return torch.full((n_modes,), 1.0 / n_modes, dtype=torch.float64)
    w = as_tensor(weights, "weights", torch.float64).to(torch.float64)
    if w.shape != (n_modes,) or (w < 0).any() or not math.isclose(float(w.sum()), 1.0, abs_tol=1e-6):
        raise ValueError(f"weights must be {n_modes} non-negative numbers summing to 1 (one per mode); "
                         f"got shape {tuple(w.shape)}")
    return w


def mode_balance_kl(samples, target, weights=None) -> float:
    r"""$\mathrm{KL}(h\,\|\,\pi)$ in nats: histogram of nearest modes of the high-quality samples vs mode weights.

    ``weights`` (M,) defaults to the target's mixture weights when its modes are its centres (uniform over
    the modes otherwise). 0 for a perfectly balanced sample; $\log M$ when every high-quality sample is in
    one of $M$ equal modes; empty modes contribute $0\log 0 = 0$. ``nan`` when no sample is high quality.
    """
    pi = _mode_weights(target, weights)                      # (M,)
    counts = mode_counts(samples, target).double()           # (M,)
    if counts.sum() == 0:
        return math.nan
    h = counts / counts.sum()                                # (M,)
    return float((torch.xlogy(h, h) - torch.xlogy(h, pi)).sum())


def mean_log_density(samples, target) -> float:
    r"""$\frac1n\sum_i \log p(x_i)$ under the target's exact density (higher = samples on the data)."""
    return float(target.log_prob(_points(samples, "samples")).mean())


def _kernel(a: torch.Tensor, b: torch.Tensor, h: float) -> torch.Tensor:
    d = torch.cdist(a, b, compute_mode="donot_use_mm_for_euclid_dist")       # exact, not |a|²+|b|²−2ab
    return torch.exp(-d.pow(2) / (2 * h * h))


def mmd2(x, y, bandwidth: float = 0.5) -> float:
    """Unbiased squared MMD between samples x (n, d) and y (m, d) with a Gaussian kernel of width ``bandwidth``."""
    x, y = _points(x, "x"), _points(y, "y")
    if x.shape[1] != y.shape[1] or len(x) < 2 or len(y) < 2:
        raise ValueError(f"x and y need the same dimension and >= 2 rows; got {tuple(x.shape)}, {tuple(y.shape)}")
    bandwidth = positive_float(bandwidth, "bandwidth")
    n, m = len(x), len(y)
    kxx = (_kernel(x, x, bandwidth).sum() - n) / (n * (n - 1))   # diagonal k(x, x) = 1 removed
    kyy = (_kernel(y, y, bandwidth).sum() - m) / (m * (m - 1))
    return float(kxx + kyy - 2 * _kernel(x, y, bandwidth).mean())


def mode_report(samples, target, n_reference: int = 2000, seed: int = 0, bandwidth: float = 0.5) -> dict:
    """Every number at once; MMD against ``n_reference`` fresh target samples.

    Keys: ``mean_log_density``, ``mmd2``, and when the target has modes: ``modes_covered`` (≥ 1 % rule),
    ``modes_covered_one_sample`` (≥ 1 high-quality sample: VEEGAN/PacGAN/GDPP), ``n_modes``,
    ``high_quality`` (fraction within 3σ) and ``mode_balance_kl`` (nats; :func:`mode_balance_kl`).
    """
    x = _points(samples, "samples")
    n_reference, bandwidth = positive_int(n_reference, "n_reference", 2), positive_float(bandwidth, "bandwidth")
    ref = target.sample(n_reference, make_generator(seed))
    out = {"mean_log_density": mean_log_density(x, target), "mmd2": mmd2(x[:n_reference], ref, bandwidth)}
    if getattr(target, "modes", None) is not None:
        out["modes_covered"] = modes_covered(x, target)
        out["modes_covered_one_sample"] = modes_covered(x, target, rule="one_sample")
        out["n_modes"] = len(target.modes)
        out["high_quality"] = high_quality_fraction(x, target)
        out["mode_balance_kl"] = mode_balance_kl(x, target)
    return out
