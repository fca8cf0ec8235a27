r"""2-D targets with exact log densities and known modes, for continuous BGAN and the boundary lab.

Every target is an isotropic Gaussian mixture

$$p(x) = \sum_{k=1}^{K} \pi_k\, \mathcal N(x;\, \mu_k, \sigma^2 I_2),\qquad
  \log p(x) = \mathrm{LSE}_k\Big(\log\pi_k - \tfrac{\|x-\mu_k\|^2}{2\sigma^2}\Big) - \log(2\pi\sigma^2),$$

so ``log_prob`` is exact (computed with ``logsumexp``, finite far from every centre), sampling is exact,
and the modes are known: the ring of 8 and the 5×5 grid (the toys of the authors' setups, docs/math.md §10.1,
and of GAN Lab) have one mode per centre. The spiral is a mixture of many small Gaussians along an
Archimedean spiral (a well-defined density, no discrete modes). :func:`from_points` turns any (N, 2) array a learner passes into
a target: a Gaussian kernel density estimate whose samples are the points plus N(0, σ²) jitter.

**Published presets** (:data:`PRESETS`, :func:`literature_ring`, :func:`literature_grid`): the two toys of the
mode-collapse literature as PacGAN's public code builds them (Lin et al. 2018, https://arxiv.org/abs/1712.04086,
github.com/fjxmlzn/PacGAN, ``synthetic_data_experiments/2D*_GAN&PacGAN/config.py``): 8 modes on the unit circle
with σ = 0.01, and 25 modes on $\{-4,-2,0,2,4\}^2$ with σ = 0.05, equal weights. The ring sampler published by
VEEGAN's first author (Srivastava et al. 2017, https://arxiv.org/abs/1705.07761; ``GAN_RING.py``) is
the same up to a rotation by −π/2, which changes no metric. The defaults of :func:`ring` and :func:`gaussian_grid`
(radius 2, σ = 0.05; spacing 1, σ = 0.1) are this project's easier teaching toys and stay as they are.
Ring angles are $2\pi k/n$, $k = 0..n-1$ (endpoint excluded): ``linspace(0, 2π, n)`` would put the last centre
on top of the first and leave $n - 1$ distinct modes.
"""
from __future__ import annotations

import inspect
import math

import torch

from .._checks import as_tensor, non_negative_float, positive_float, positive_int
from ..config import make_generator

__all__ = ["Toy2D", "ring", "gaussian_grid", "spiral", "from_points", "literature_ring", "literature_grid",
           "TARGETS", "PRESETS", "get_target"]


class Toy2D:
    r"""Isotropic Gaussian mixture in 2-D: ``centers`` (K, 2), common ``sigma``, ``weights`` (K,) summing to 1.

    ``modes`` is a (M, 2) tensor of the modes that mode-coverage metrics count, or ``None``.
    """

    def __init__(self, centers, sigma: float, weights=None, modes="centers", name: str = "custom"):
        centers = as_tensor(centers, "centers", torch.float64).to(torch.float64)
        if centers.ndim != 2 or centers.shape[1] != 2 or centers.shape[0] == 0:
            raise ValueError(f"centers must have shape (K, 2) with K >= 1; got {tuple(centers.shape)}")
        if not torch.isfinite(centers).all():
            raise ValueError("centers must be finite (no NaN or inf)")
        sigma = positive_float(sigma, "sigma")
        if not isinstance(name, str):
            raise TypeError(f"name must be a str; got {type(name).__name__}")
        self.centers, self.sigma, self.name = centers, sigma, name
        k = centers.shape[0]
        weights = torch.full((k,), 1.0 / k, dtype=torch.float64) if weights is None else _weights(weights, k)
        self.weights = weights
        self.modes = centers.clone() if isinstance(modes, str) and modes == "centers" else _modes(modes)

    def sample(self, n: int, generator: torch.Generator | int = 0, dtype: torch.dtype = torch.float32) -> torch.Tensor:
        """n exact samples (n, 2) in ``dtype`` (float32 by default, for the networks): pick a component by
        ``weights``, add N(0, σ² I); drawn in float64 either way."""
        n, gen = positive_int(n, "n"), make_generator(generator, name="generator")
        if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
            raise TypeError(f"dtype must be a floating torch dtype; got {dtype!r}")
        k = torch.multinomial(self.weights, int(n), replacement=True, generator=gen)       # (n,)
        eps = torch.randn(int(n), 2, generator=gen, dtype=torch.float64)                   # (n, 2)
        return (self.centers[k] + self.sigma * eps).to(dtype)

    def log_prob(self, x) -> torch.Tensor:
        r"""Exact $\log p(x)$ for x (..., 2), in x's dtype (float64 inside)."""
        x = as_tensor(x, "x")
        if x.shape[-1] != 2:
            raise ValueError(f"x must have a last axis of size 2; got shape {tuple(x.shape)}")
        d2 = (x.to(torch.float64).unsqueeze(-2) - self.centers).pow(2).sum(-1)            # (..., K)
        log_comp = torch.log(self.weights) - d2 / (2 * self.sigma**2)
        out = torch.logsumexp(log_comp, -1) - math.log(2 * math.pi * self.sigma**2)
        return out.to(x.dtype)

    def extent(self, margin: float = 0.6) -> tuple[float, float, float, float]:
        """A square (xmin, xmax, ymin, ymax) around the centres, for plots."""
        margin = non_negative_float(margin, "margin")
        lo = float(self.centers.min()) - 3 * self.sigma - margin
        hi = float(self.centers.max()) + 3 * self.sigma + margin
        return (lo, hi, lo, hi)

    def __repr__(self) -> str:
        n_modes = "no" if self.modes is None else len(self.modes)
        return f"Toy2D({self.name!r}, K={len(self.centers)}, sigma={self.sigma}, {n_modes} modes)"


def _weights(weights, k: int) -> torch.Tensor:
    w = as_tensor(weights, "weights", torch.float64).to(torch.float64)
    if w.shape != (k,) or (w < 0).any() or not math.isclose(float(w.sum()), 1.0, abs_tol=1e-6):
        raise ValueError(f"weights must be {k} non-negative numbers summing to 1")
    return w


def _modes(modes):
    if modes is None:
        return None
    m = as_tensor(modes, "modes", torch.float64).to(torch.float64)
    if m.ndim != 2 or m.shape[1] != 2 or m.shape[0] == 0:
        raise ValueError(f"modes must have shape (M, 2) or be None; got {tuple(m.shape)}")
    if not torch.isfinite(m).all():
        raise ValueError("modes must be finite (no NaN or inf)")
    return m


def ring(n_modes: int = 8, radius: float = 2.0, sigma: float = 0.05) -> Toy2D:
    r"""``n_modes`` equal Gaussians evenly on a circle of ``radius`` (the standard ring of 8).

    Centres $\mu_k = r(\cos\theta_k, \sin\theta_k)$ with $\theta_k = 2\pi k/n$, $k = 0..n-1$: n distinct centres.
    """
    n_modes, radius, sigma = positive_int(n_modes, "n_modes"), positive_float(radius, "radius"), positive_float(sigma, "sigma")
    angle = 2 * math.pi * torch.arange(n_modes, dtype=torch.float64) / n_modes      # endpoint excluded
    centers = radius * torch.stack([torch.cos(angle), torch.sin(angle)], 1)    # (K, 2)
    return Toy2D(centers, sigma, name=f"ring of {n_modes}")


def gaussian_grid(side: int = 5, spacing: float = 1.0, sigma: float = 0.1) -> Toy2D:
    """``side``×``side`` equal Gaussians on a square lattice centred at 0 (5×5, spacing 1: corners at ±2)."""
    side, spacing, sigma = positive_int(side, "side"), positive_float(spacing, "spacing"), positive_float(sigma, "sigma")
    axis = (torch.arange(side, dtype=torch.float64) - (side - 1) / 2) * spacing
    xx, yy = torch.meshgrid(axis, axis, indexing="xy")
    return Toy2D(torch.stack([xx.flatten(), yy.flatten()], 1), sigma, name=f"{side}×{side} grid")


def spiral(n_centers: int = 100, turns: float = 1.5, radius: float = 2.0, sigma: float = 0.08) -> Toy2D:
    """Gaussians evenly in angle along r = radius·t/turns (t in turns); a density with no discrete modes."""
    n_centers, turns = positive_int(n_centers, "n_centers"), positive_float(turns, "turns")
    radius, sigma = positive_float(radius, "radius"), positive_float(sigma, "sigma")
    t = torch.linspace(0.15, 1.0, n_centers, dtype=torch.float64)
    angle = 2 * math.pi * turns * t
    centers = radius * t.unsqueeze(1) * torch.stack([torch.cos(angle), torch.sin(angle)], 1)
    return Toy2D(centers, sigma, modes=None, name="spiral")


def from_points(points, sigma: float | None = None, modes=None, name: str = "your points") -> Toy2D:
    r"""A target from any (N, 2) array: the Gaussian KDE $\frac1N\sum_i \mathcal N(x; x_i, \sigma^2 I)$.

    ``sigma=None`` uses Scott's rule $\hat s\,N^{-1/6}$ ($\hat s$ the mean per-axis standard deviation).
    ``modes`` (M, 2) enables mode coverage metrics; by default there are none.
    """
    pts = as_tensor(points, "points", torch.float64).to(torch.float64)
    if pts.ndim != 2 or pts.shape[1] != 2 or pts.shape[0] < 2:
        raise ValueError(f"points must have shape (N, 2) with N >= 2; got {tuple(pts.shape)}")
    if not torch.isfinite(pts).all():
        raise ValueError("points must be finite (no NaN or inf)")
    if sigma is None:
        spread = float(pts.std(0).mean())
        if not math.isfinite(spread):
            raise ValueError("points are too spread out for Scott's rule (their standard deviation overflows); "
                             "pass sigma=...")
        sigma = max(spread * pts.shape[0] ** (-1 / 6), 1e-3)
    return Toy2D(pts, sigma, modes=modes, name=name)


def literature_ring() -> Toy2D:
    """The published ring (VEEGAN, PacGAN): 8 equal Gaussians on the unit circle, σ = 0.01."""
    target = ring(n_modes=8, radius=1.0, sigma=0.01)
    target.name = "ring of 8 (VEEGAN/PacGAN: r = 1, σ = 0.01)"
    return target


def literature_grid() -> Toy2D:
    """The published grid (VEEGAN, PacGAN): 25 equal Gaussians on {−4, −2, 0, 2, 4}², σ = 0.05."""
    target = gaussian_grid(side=5, spacing=2.0, sigma=0.05)
    target.name = "5×5 grid (VEEGAN/PacGAN: {−4, …, 4}², σ = 0.05)"
    return target


TARGETS = {"ring": ring, "grid": gaussian_grid, "spiral": spiral}
PRESETS = {"literature_ring": literature_ring, "literature_grid": literature_grid}   # fixed, no arguments


def get_target(name: str | Toy2D, **kwargs) -> Toy2D:
    """A target by name (``"ring"``, ``"grid"``, ``"spiral"`` or a :data:`PRESETS` name); a :class:`Toy2D` passes."""
    if isinstance(name, Toy2D):
        return name
    if not isinstance(name, str):
        raise TypeError(f"target must be a name {list(TARGETS) + list(PRESETS)} or a Toy2D; got {type(name).__name__}")
    if name in PRESETS:
        if kwargs:
            raise ValueError(f"preset {name!r} takes no options; got {sorted(kwargs)} (use ring()/gaussian_grid())")
        return PRESETS[name]()
    if name not in TARGETS:
        raise ValueError(f"unknown target {name!r}; valid names are {list(TARGETS) + list(PRESETS)}")
    allowed = list(inspect.signature(TARGETS[name]).parameters)
    unknown = sorted(set(kwargs) - set(allowed))
    if unknown:
        raise ValueError(f"target {name!r} got unknown options {unknown}; allowed are {allowed}")
    return TARGETS[name](**kwargs)
