"""Ring-of-Gaussians grid targets against scipy's normal CDF and Monte Carlo quantisation."""
import numpy as np
import pytest
import torch
from scipy.stats import norm

from bgan_teach.data import RingGrid, reference_variants, ring_grid
from bgan_teach.metrics import exact_js


def test_probs_sum_to_one_and_shape():
    """Check that the table is (G, G), non-negative and sums to 1."""
    p = ring_grid(16).probs()
    assert p.shape == (16, 16) and (p >= 0).all()
    assert float(p.sum()) == pytest.approx(1.0, abs=1e-12)


def test_cell_mass_matches_scipy_cdf():
    """Check one cell's mass against an independent scipy computation of the mixture."""
    grid = ring_grid(32)
    edges = np.linspace(-3, 3, 33)
    angles = 2 * np.pi * np.arange(8) / 8
    mx = np.diff(norm.cdf(edges[None, :], 2 * np.cos(angles)[:, None], 0.2), axis=1)    # (8, 32)
    my = np.diff(norm.cdf(edges[None, :], 2 * np.sin(angles)[:, None], 0.2), axis=1)
    table = np.einsum("ki,kj->ij", mx, my) / 8
    assert 0 < 1 - table.sum() < 1e-6                     # the ring's mass outside [-3, 3]^2 is tiny
    np.testing.assert_allclose(grid.probs().numpy(), table / table.sum(), rtol=1e-9, atol=1e-300)


def test_probs_match_quantised_continuous_samples():
    """Check the table against a histogram of quantised continuous draws from the mixture."""
    rng = np.random.default_rng(0)
    n = 400_000
    k = rng.integers(0, 8, n)
    angle = 2 * np.pi * k / 8
    pts = np.stack([2 * np.cos(angle), 2 * np.sin(angle)], 1) + 0.2 * rng.standard_normal((n, 2))
    cells = np.clip(((pts + 3) / 6 * 8).astype(int), 0, 7)
    hist = np.zeros((8, 8))
    np.add.at(hist, (cells[:, 0], cells[:, 1]), 1)
    np.testing.assert_allclose(ring_grid(8).probs().numpy(), hist / n, atol=0.003)


def test_sample_matches_probs_and_is_reproducible():
    """Check that samples are (n, 2) in [0, G), follow the table, and repeat with the same seed."""
    grid = ring_grid(8)
    x = grid.sample(200_000, torch.Generator().manual_seed(1))
    assert x.shape == (200_000, 2) and x.dtype == torch.long and x.min() >= 0 and x.max() < 8
    hist = torch.zeros(8, 8, dtype=torch.float64).index_put_((x[:, 0], x[:, 1]), torch.ones(len(x), dtype=torch.float64), accumulate=True)
    np.testing.assert_allclose(hist.numpy() / len(x), grid.probs().numpy(), atol=0.003)
    assert torch.equal(x[:50], grid.sample(50, torch.Generator().manual_seed(1)))


def test_encoding_first_position_is_horizontal():
    """Check that position 0 indexes the horizontal axis: the mode at angle 0 sits at large x-cell, middle y-cell."""
    p = RingGrid(size=32, modes=1).probs()
    i, j = np.unravel_index(int(p.argmax()), p.shape)
    assert i > 24 and 14 <= j <= 17


def test_reference_levels_are_close_to_the_recorded_values():
    """Check that the exact JS of the three reference variants of the 32×32 ring is 0.045, 0.021, 0.034
    (the yardsticks notebook 03 draws beside the training curve)."""
    grid = ring_grid(32)
    levels = {name: exact_js(grid.probs(), v.probs()) for name, v in reference_variants(grid).items()}
    assert levels["one mode dropped"] == pytest.approx(0.045, abs=0.001)
    assert levels["modes 25% wider"] == pytest.approx(0.021, abs=0.001)
    assert levels["unequal masses 3:1"] == pytest.approx(0.034, abs=0.001)


def test_drop_one_mode_zeroes_its_region():
    """Check that a zero weight removes a mode's mass."""
    grid = ring_grid(32)
    dropped = reference_variants(grid)["one mode dropped"].probs()
    assert float(dropped[27:, 13:19].sum()) < 1e-6 < float(grid.probs()[27:, 13:19].sum())


@pytest.mark.parametrize("kwargs", [dict(size=1), dict(modes=0), dict(sigma=0.0), dict(sigma=float("nan")),
                                    dict(weights=[1, 2]), dict(weights=[-1] + [1] * 7), dict(extent=-1.0)])
def test_bad_parameters_raise(kwargs):
    """Check that invalid grid parameters raise ValueError."""
    with pytest.raises(ValueError):
        RingGrid(**kwargs)


def test_bad_sample_size_raises():
    """Check that a non-positive sample size raises ValueError."""
    with pytest.raises(ValueError, match="n must"):
        ring_grid(8).sample(0)
