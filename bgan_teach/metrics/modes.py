r"""Sample quality against a known 2-D target: modes covered, high-quality fraction, log density, MMD.

Conventions of the mode-collapse literature (Srivastava et al. 2017, VEEGAN; the ring-of-8 benchmark):
a sample is **high quality** when it lies within $3\sigma$ of some mode, and a mode is **covered** when at
least 1 % of all samples lie within $3\sigma$ of it. The critic-free two-sample statistic is the squared
maximum mean discrepancy with a Gaussian kernel $k(x,y) = e^{-\|x-y\|^2/(2h^2)}$ (unbiased U-statistic,
Gretton et al. 2012):

$$\widehat{\mathrm{MMD}}^2 = \tfrac{1}{n(n-1)}\sum_{i\ne j}k(x_i,x_j) + \tfrac{1}{m(m-1)}\sum_{i\ne j}k(y_i,y_j)
 - \tfrac{2}{nm}\sum_{i,j}k(x_i,y_j).$$
"""
from __future__ import annotations

import torch

from .._checks import as_tensor
from ..config import make_generator

__all__ = ["nearest_mode", "modes_covered", "high_quality_fraction", "mean_log_density", "mmd2", "mode_report"]


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
    dist = torch.cdist(x, m)                                  # (n, M)
    d, k = dist.min(1)
    return k, d


def _within(samples, target) -> tuple[torch.Tensor, torch.Tensor, int]:
    modes, sigma = _target_modes(target)
    k, d = nearest_mode(samples, modes)
    return k, d <= 3 * sigma, len(modes)


def modes_covered(samples, target, threshold: float = 0.01) -> int:
    """Number of modes with at least ``threshold`` (default 1 %) of all samples within 3σ of them."""
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1]; got {threshold}")
    k, close, n_modes = _within(samples, target)
    counts = torch.bincount(k[close], minlength=n_modes)     # (M,)
    return int((counts >= threshold * len(k)).sum())


def high_quality_fraction(samples, target) -> float:
    """Fraction of samples within 3σ of some mode."""
    _, close, _ = _within(samples, target)
    return float(close.double().mean())


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
    if not bandwidth > 0:
        raise ValueError(f"bandwidth must be positive; got {bandwidth}")
    n, m = len(x), len(y)
    kxx = (_kernel(x, x, bandwidth).sum() - n) / (n * (n - 1))   # diagonal k(x, x) = 1 removed
    kyy = (_kernel(y, y, bandwidth).sum() - m) / (m * (m - 1))
    return float(kxx + kyy - 2 * _kernel(x, y, bandwidth).mean())


def mode_report(samples, target, n_reference: int = 2000, seed: int = 0, bandwidth: float = 0.5) -> dict:
    """All four numbers at once (mode metrics only when the target has modes); MMD vs fresh target samples."""
    x = _points(samples, "samples")
    ref = target.sample(n_reference, make_generator(seed))
    out = {"mean_log_density": mean_log_density(x, target), "mmd2": mmd2(x[:n_reference], ref, bandwidth)}
    if getattr(target, "modes", None) is not None:
        out["modes_covered"] = modes_covered(x, target)
        out["n_modes"] = len(target.modes)
        out["high_quality"] = high_quality_fraction(x, target)
    return out
