"""Exact grid metrics against enumeration, scipy and sample histograms."""
import math

import numpy as np
import pytest
import torch
from scipy.spatial.distance import jensenshannon
from scipy.special import rel_entr

from bgan_teach.config import seeded
from bgan_teach.data import ring_grid
from bgan_teach.models import CategoricalGenerator, OneHotCritic
from bgan_teach.metrics import critic_table, exact_js, exact_kl, first_below, grid_metrics, model_table
from bgan_teach.training.common import History


@pytest.fixture
def gen():
    with seeded(0):
        return CategoricalGenerator(2, 6, noise_dim=3, hidden=16)


def test_model_table_matches_per_z_enumeration(gen):
    """Check that the table equals the mean over the same z of outer(softmax_x, softmax_y)."""
    z = gen.noise(300, torch.Generator().manual_seed(1234))
    probs = torch.softmax(gen(z).double(), -1)
    ref = torch.einsum("bi,bj->ij", probs[:, 0], probs[:, 1]) / 300
    torch.testing.assert_close(model_table(gen, num_z=300, seed=1234, chunk=64), ref.detach())


def test_model_table_matches_sample_histogram(gen):
    """Check that the marginal q agrees with a histogram of 300k generator samples."""
    x = gen.sample(300_000, torch.Generator().manual_seed(5))
    hist = np.zeros((6, 6))
    np.add.at(hist, (x[:, 0].numpy(), x[:, 1].numpy()), 1)
    np.testing.assert_allclose(model_table(gen, num_z=20_000).numpy(), hist / len(x), atol=0.004)


def test_model_table_three_positions_sums_to_one():
    """Check the D = 3 product table shape, normalisation and one entry by hand."""
    with seeded(1):
        g3 = CategoricalGenerator(3, 4, noise_dim=2, hidden=8)
    q = model_table(g3, num_z=50, seed=0)
    assert q.shape == (4, 4, 4) and float(q.sum()) == pytest.approx(1.0)
    z = g3.noise(50, torch.Generator().manual_seed(0))
    p = torch.softmax(g3(z).double(), -1)
    assert float(q[1, 2, 3]) == pytest.approx(float((p[:, 0, 1] * p[:, 1, 2] * p[:, 2, 3]).mean().detach()))


def test_js_and_kl_match_scipy():
    """Check JS (nats, JSD) and KL(P‖Q) against scipy on random tables."""
    rng = np.random.default_rng(0)
    p, q = rng.random((5, 5)), rng.random((5, 5))
    p, q = p / p.sum(), q / q.sum()
    assert exact_js(p, q) == pytest.approx(jensenshannon(p.ravel(), q.ravel()) ** 2, rel=1e-9)
    assert exact_kl(p, q) == pytest.approx(rel_entr(p, q).sum(), rel=1e-9)
    assert exact_js(p, p) == pytest.approx(0.0, abs=1e-12)


def test_js_of_disjoint_tables_is_log2():
    """Check the upper bound log 2 for disjoint supports and KL = inf where q = 0 < p."""
    p, q = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    assert exact_js(p, q) == pytest.approx(math.log(2))
    assert exact_kl(p, q) == math.inf


def test_grid_metrics_and_shape_check(gen):
    """Check grid_metrics returns finite js/kl and rejects a wrong target shape."""
    target = ring_grid(6).probs()
    out = grid_metrics(gen, target, num_z=500)
    assert 0 < out["js"] < math.log(2) and math.isfinite(out["kl"])
    with pytest.raises(ValueError, match="target"):
        grid_metrics(gen, torch.ones(5, 5) / 25)


def test_metric_monte_carlo_error_is_small(gen):
    """Check that the z-averaged JS varies by < 0.002 across noise seeds at the default N_z."""
    target = ring_grid(6).probs()
    values = [grid_metrics(gen, target, seed=s)["js"] for s in range(5)]
    assert np.std(values) < 0.002


def test_critic_table_enumerates_cells():
    """Check that critic_table evaluates the critic on the one-hot of every cell, in table order."""
    with seeded(0):
        critic = OneHotCritic(2, 5, hidden=8)
    table = critic_table(critic, "kl", 2, 5)
    x = torch.nn.functional.one_hot(torch.tensor([[3, 1]]), 5).float()
    assert table.shape == (5, 5)
    assert float(table[3, 1]) == pytest.approx(float(critic(x).detach()) - 1.0, rel=1e-6)    # KL: log w = v − 1


def test_too_many_cells_raise(gen):
    """Check that tables with more than MAX_CELLS cells are refused."""
    big = CategoricalGenerator(64, 17, hidden=8)
    with pytest.raises(ValueError, match="cells"):
        model_table(big)


def test_first_below():
    """Check the first step/seconds below a threshold, skipping NaN rows, and None when never reached."""
    h = History()
    for step, js in enumerate([0.3, float("nan"), 0.04, 0.02], start=1):
        h.append(step=step, seconds=step * 0.5, js=js)
    assert first_below(h, 0.05) == {"step": 3, "seconds": 1.5}
    assert first_below(h, 0.01) == {"step": None, "seconds": None}
