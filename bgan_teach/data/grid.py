r"""Discrete 2-D grid targets with exact probability tables (the toy of notebook 03).

A mixture of isotropic Gaussians $\sum_k \pi_k\,\mathcal N(\mu_k, \sigma^2 I)$ is quantised to a
$G\times G$ grid of cells on $[-a, a]^2$. Because each component is isotropic, its mass in a cell is a
product of two 1-D CDF differences,

$$P(\text{cell } (i, j)) \propto \sum_k \pi_k\,
  \big[\Phi(\tfrac{x_{i+1}-\mu_{k,1}}{\sigma}) - \Phi(\tfrac{x_i-\mu_{k,1}}{\sigma})\big]
  \big[\Phi(\tfrac{y_{j+1}-\mu_{k,2}}{\sigma}) - \Phi(\tfrac{y_j-\mu_{k,2}}{\sigma})\big],$$

normalised over the grid (the mass outside $[-3, 3]^2$, 5σ from the ring, is about $3\cdot10^{-7}$).
A point is encoded as D = 2 positions (column i = horizontal cell, row j = vertical cell) with
K = G categories, so ``probs()[i, j]`` is the probability of the sample ``(i, j)``.
"""
from __future__ import annotations

import math

import torch

from .._checks import as_tensor, integer, non_negative_float, positive_float
from ..config import make_generator

__all__ = ["RingGrid", "ring_grid", "reference_variants"]

MIN_MASS_ON_GRID = 1e-6      # below this share of the mixture on the grid, RingGrid refuses (the table is mostly tails)


def _cdf(t: torch.Tensor) -> torch.Tensor:
    return 0.5 * torch.erfc(-t / math.sqrt(2.0))


class RingGrid:
    r"""Ring of ``modes`` Gaussians (radius, σ) on a ``size``×``size`` grid over $[-\text{extent}, \text{extent}]^2$.

    ``weights``: relative mode masses (default equal; zeros drop modes). Mode k sits at angle
    $2\pi k / \text{modes}$. All tables are float64.
    """

    def __init__(self, size: int = 32, modes: int = 8, radius: float = 2.0, sigma: float = 0.2,
                 extent: float = 3.0, weights=None):
        self.size, self.modes = integer(size, "size", minimum=2), integer(modes, "modes", minimum=1)
        self.radius = non_negative_float(radius, "radius")
        self.sigma, self.extent = positive_float(sigma, "sigma"), positive_float(extent, "extent")
        self.weights = self._weights(weights)
        self._table = self._grid_table()

    def _weights(self, weights) -> torch.Tensor:
        if weights is None:
            return torch.full((self.modes,), 1.0 / self.modes, dtype=torch.float64)
        w = as_tensor(weights, "weights", torch.float64).to(torch.float64).flatten()
        if w.numel() != self.modes or (w < 0).any() or not torch.isfinite(w).all() or w.sum() <= 0:
            raise ValueError(f"weights must be {self.modes} non-negative finite numbers, not all zero; got {weights!r}")
        return w / w.sum()

    @property
    def num_positions(self) -> int:
        return 2

    @property
    def num_categories(self) -> int:
        return self.size

    def centers(self) -> torch.Tensor:
        """Mode centres (modes, 2)."""
        angle = 2 * math.pi * torch.arange(self.modes, dtype=torch.float64) / self.modes
        return self.radius * torch.stack([torch.cos(angle), torch.sin(angle)], 1)

    def edges(self) -> torch.Tensor:
        """Cell edges (size + 1,), shared by both axes."""
        return torch.linspace(-self.extent, self.extent, self.size + 1, dtype=torch.float64)

    def cell_centers(self) -> torch.Tensor:
        """Cell centres (size,) along either axis."""
        e = self.edges()
        return (e[1:] + e[:-1]) / 2

    def _grid_table(self) -> torch.Tensor:
        """The mixture's mass in each cell (size, size), normalised over the grid; ValueError if the grid holds
        (almost) none of it (e.g. every mode far outside [−extent, extent]²: the table would be 0/0)."""
        e, mu = self.edges(), self.centers()                                    # (G+1,), (modes, 2)
        cdf = _cdf((e[None, :, None] - mu[:, None, :]) / self.sigma)           # (modes, G+1, 2)
        mass = cdf[:, 1:] - cdf[:, :-1]                                         # (modes, G, 2)
        table = torch.einsum("k,ki,kj->ij", self.weights, mass[..., 0], mass[..., 1])
        total = float(table.sum())
        if not total >= MIN_MASS_ON_GRID:
            raise ValueError(f"the grid [-{self.extent:g}, {self.extent:g}]^2 holds {total:.2g} of the mixture's mass "
                             f"(less than {MIN_MASS_ON_GRID:g}): the modes at radius={self.radius:g} (sigma={self.sigma:g}) "
                             f"lie off the grid; use a larger extent or a smaller radius")
        return table / total

    def probs(self) -> torch.Tensor:
        """Exact table (size, size), entry [i, j] = P(x-cell i, y-cell j); sums to 1."""
        return self._table.clone()

    def sample(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """n exact draws from :meth:`probs`: LongTensor (n, 2) of (x-cell, y-cell)."""
        n = integer(n, "n", minimum=1)
        generator = None if generator is None else make_generator(generator, name="generator")
        flat = torch.multinomial(self._table.flatten(), n, replacement=True, generator=generator)
        return torch.stack([flat // self.size, flat % self.size], 1)

    def extent_box(self) -> list[float]:
        """[left, right, bottom, top] for ``imshow(table.T, origin="lower", extent=...)``."""
        return [-self.extent, self.extent, -self.extent, self.extent]

    def variant(self, **changes) -> "RingGrid":
        """A copy with some parameters changed (e.g. ``sigma=0.25``)."""
        params = dict(size=self.size, modes=self.modes, radius=self.radius, sigma=self.sigma,
                      extent=self.extent, weights=self.weights.clone())
        unknown = sorted(set(changes) - set(params))
        if unknown:
            raise ValueError(f"variant() got unknown parameters {unknown}; allowed are {sorted(params)}")
        params.update(changes)
        return RingGrid(**params)

    def __repr__(self) -> str:
        return f"RingGrid(size={self.size}, modes={self.modes}, radius={self.radius}, sigma={self.sigma})"


def ring_grid(size: int = 32, **kwargs) -> RingGrid:
    """The discrete ring toy of notebook 03: 8 Gaussians on a circle of radius 2, σ = 0.2, quantised on
    [−3, 3]² to size×size."""
    return RingGrid(size=size, **kwargs)


def reference_variants(grid: RingGrid) -> dict[str, RingGrid]:
    """Imperfect "generators" for reading a JS number: one mode dropped, modes 25 % wider, masses 3:1.

    "Masses 3:1": modes alternate between 3 and 1 relative mass (every other mode is 3× heavier).
    """
    if not isinstance(grid, RingGrid):
        raise TypeError(f"grid must be a RingGrid (e.g. ring_grid(32)); got {type(grid).__name__}")
    drop = grid.weights.clone()
    drop[0] = 0.0
    uneven = torch.tensor([3.0 if k % 2 == 0 else 1.0 for k in range(grid.modes)], dtype=torch.float64)
    return {
        "one mode dropped": grid.variant(weights=drop),
        "modes 25% wider": grid.variant(sigma=grid.sigma * 1.25),
        "unequal masses 3:1": grid.variant(weights=uneven * grid.weights),
    }

