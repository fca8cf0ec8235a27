"""2-D targets: exact log densities, samples, modes, custom points."""
import math

import numpy as np
import pytest
import torch
from torch import distributions as dist

from bgan_teach.data import from_points, gaussian_grid as grid, get_target, ring, spiral
from bgan_teach.data.toys2d import PRESETS, literature_grid, literature_ring


def _integral(target, lo=-3.5, hi=3.5, n=561):
    xs = torch.linspace(lo, hi, n, dtype=torch.float64)
    xx, yy = torch.meshgrid(xs, xs, indexing="ij")
    logp = target.log_prob(torch.stack([xx, yy], -1))
    return float(logp.exp().sum() * (xs[1] - xs[0]) ** 2)


@pytest.mark.parametrize("target", [ring(), ring(sigma=0.2), grid(), spiral(), from_points([[0, 0], [1, 1], [-1, 0.5]])])
def test_density_integrates_to_one(target):
    """Check that exp(log_prob) integrates to 1 on a fine grid (Riemann sum)."""
    assert _integral(target) == pytest.approx(1.0, abs=2e-3)


def test_log_prob_matches_torch_distributions():
    """Check log_prob against torch.distributions' MixtureSameFamily of isotropic normals."""
    t = ring(sigma=0.3)
    mix = dist.MixtureSameFamily(dist.Categorical(probs=t.weights),
                                 dist.Independent(dist.Normal(t.centers, t.sigma), 1))
    x = torch.randn(50, 2, dtype=torch.float64) * 2
    torch.testing.assert_close(t.log_prob(x), mix.log_prob(x))


def test_log_prob_finite_far_away():
    """Check that log_prob stays finite (logsumexp) far from every centre, in float32 too."""
    assert torch.isfinite(ring().log_prob(torch.tensor([[100.0, -100.0]]))).all()


def test_samples_match_modes():
    """Check that samples fall evenly on the 8 modes with the right spread."""
    t = ring()
    x = t.sample(40000, 0).double()
    d = torch.cdist(x, t.modes)
    k = d.argmin(1)
    counts = torch.bincount(k, minlength=8).double() / len(x)
    assert torch.allclose(counts, torch.full((8,), 1 / 8, dtype=torch.float64), atol=0.01)
    resid = x - t.modes[k]
    assert resid.std(0).numpy() == pytest.approx([0.05, 0.05], rel=0.03)


def test_ring_and_grid_geometry():
    """Check the ring's radius 2 and the 5×5 grid's 25 lattice points with spacing 1."""
    assert torch.allclose(ring().modes.norm(dim=1), torch.full((8,), 2.0, dtype=torch.float64))
    g = grid()
    assert g.modes.shape == (25, 2) and set(np.round(g.modes[:, 0].numpy(), 6)) == {-2.0, -1.0, 0.0, 1.0, 2.0}


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 12, 25])
def test_ring_has_n_distinct_evenly_spaced_centres(n):
    """Check that ring(n) has n distinct centres at angles 2πk/n (endpoint excluded), neighbours 2r·sin(π/n) apart."""
    t = ring(n_modes=n, radius=1.5)
    assert t.modes.shape == (n, 2) and len(torch.unique(t.modes.round(decimals=9), dim=0)) == n
    angles = torch.atan2(t.modes[:, 1], t.modes[:, 0]) % (2 * math.pi)
    expected = torch.arange(n, dtype=torch.float64) * 2 * math.pi / n
    assert torch.allclose(angles.sort().values, expected, atol=1e-9)
    if n > 1:
        d = torch.cdist(t.modes, t.modes) + torch.eye(n, dtype=torch.float64) * 99
        assert float(d.min()) == pytest.approx(2 * 1.5 * math.sin(math.pi / n), abs=1e-12)


def test_literature_presets_match_published_setup():
    """Check the published toys: 8 modes on the unit circle with σ 0.01; 25 on {−4,−2,0,2,4}² with σ 0.05."""
    r, g = literature_ring(), literature_grid()
    assert r.sigma == 0.01 and r.modes.shape == (8, 2)
    assert torch.allclose(r.modes.norm(dim=1), torch.ones(8, dtype=torch.float64))
    assert g.sigma == 0.05 and g.modes.shape == (25, 2)
    lattice = {(float(a), float(b)) for a in range(-4, 5, 2) for b in range(-4, 5, 2)}
    assert {tuple(p) for p in np.round(g.modes.numpy(), 9).tolist()} == lattice
    for t in (r, g):
        assert torch.allclose(t.weights, torch.full((len(t.modes),), 1 / len(t.modes), dtype=torch.float64))
    assert set(PRESETS) == {"literature_ring", "literature_grid"}
    assert torch.equal(get_target("literature_grid").centers, g.centers)


def test_defaults_unchanged():
    """Check that ring() and gaussian_grid() keep their teaching defaults (radius 2, σ .05; spacing 1, σ .1)."""
    assert ring().sigma == 0.05 and float(ring().modes.norm(dim=1).max()) == pytest.approx(2.0)
    assert grid().sigma == 0.1 and float(grid().modes.max()) == pytest.approx(2.0)


def test_sampling_deterministic():
    """Check that the same seed gives the same samples and another seed differs."""
    t = grid()
    assert torch.equal(t.sample(100, 3), t.sample(100, 3))
    assert not torch.equal(t.sample(100, 3), t.sample(100, 4))


def test_from_points_kde():
    """Check that a custom-points target is the KDE: log_prob at a lone point is −log(2πσ²N)+log(1+...)."""
    pts = np.array([[0.0, 0.0], [10.0, 10.0]])
    t = from_points(pts, sigma=0.5, modes=pts)
    expected = -math.log(2 * math.pi * 0.25) - math.log(2)
    assert t.log_prob(torch.zeros(1, 2, dtype=torch.float64)).item() == pytest.approx(expected, abs=1e-9)
    assert t.modes.shape == (2, 2) and t.sample(10, 0).shape == (10, 2)
    assert from_points(np.random.default_rng(0).normal(size=(100, 2))).sigma > 0   # Scott's rule


@pytest.mark.parametrize("call, match", [
    (lambda: ring(sigma=0.0), "sigma"),
    (lambda: from_points(np.zeros((5, 3))), "points"),
    (lambda: from_points([[0, 0], [1, float("nan")]]), "finite"),
    (lambda: ring().sample(0), "n must"),
    (lambda: ring().log_prob(torch.zeros(3, 3)), "last axis"),
    (lambda: get_target("moons"), "unknown target"),
    (lambda: get_target("literature_ring", sigma=0.1), "takes no options"),
    (lambda: ring(n_modes=0), "n_modes"),
    (lambda: ring(n_modes=2.5), "n_modes"),
    (lambda: ring(radius=-1.0), "radius"),
    (lambda: grid(side=0), "side"),
    (lambda: grid(spacing=float("inf")), "spacing"),
])
def test_bad_inputs(call, match):
    """Check that bad arguments raise ValueError naming the parameter."""
    with pytest.raises(ValueError, match=match):
        call()
