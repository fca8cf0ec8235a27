"""train_discrete: determinism, bad inputs, NaN stop, every divergence and estimator, snapshots, protocol."""
import numpy as np
import pytest
import torch
from torch import nn

from bgan_teach.data import ring_grid
from bgan_teach.divergences import names
from bgan_teach.metrics import grid_metrics
from bgan_teach.training import ESTIMATORS, train_discrete

torch.set_num_threads(1)
SMALL = dict(steps=30, batch_size=16, samples_per_z=5, hidden=16, noise_dim=4, progress=False)


@pytest.fixture(scope="module")
def grid():
    g = ring_grid(8)
    return g, g.sample(2000, torch.Generator().manual_seed(0))


def test_same_seed_same_result(grid):
    """Check that two runs with the same seed give identical histories and weights; another seed differs."""
    g, data = grid
    a = train_discrete(data, 8, seed=3, **SMALL)
    b = train_discrete(data, 8, seed=3, **SMALL)
    c = train_discrete(data, 8, seed=4, **SMALL)
    np.testing.assert_array_equal(a.history["loss_g"], b.history["loss_g"])
    for key, value in a.generator.state_dict().items():
        assert torch.equal(value, b.generator.state_dict()[key])
    assert not np.array_equal(a.history["loss_g"], c.history["loss_g"])


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_every_estimator_runs_and_logs(grid, estimator):
    """Check that each estimator trains, logs both losses, ESS in [1, M], var(log w) and exact JS."""
    g, data = grid
    r = train_discrete(data, 8, estimator=estimator, target=g.probs(), metric_every=10, **SMALL)
    h = r.history
    assert r.stopped is None and len(h) == 30
    for key in ("loss_d", "loss_g", "ess", "var_log_w", "log_alpha", "seconds", "js", "kl"):
        assert key in h.keys()
    assert np.all((h["ess"] >= 1 - 1e-5) & (h["ess"] <= 5 + 1e-5))
    assert np.isfinite(h["js"]).sum() == 4          # steps 1, 10, 20, 30
    assert np.all(np.diff(h["seconds"]) >= 0)


def test_m1_has_ess_one(grid):
    """Check that M = 1 is allowed and has ESS exactly 1 (no signal, for the notebook's experiment)."""
    _, data = grid
    r = train_discrete(data, 8, **dict(SMALL, samples_per_z=1, steps=5))
    np.testing.assert_allclose(r.history["ess"], 1.0)


def test_snapshots_hold_tables_and_restore_models(grid):
    """Check snapshot steps, per-snapshot tables, and that generator_at(i) reproduces the stored JS."""
    g, data = grid
    r = train_discrete(data, 8, target=g.probs(), snapshot_every=10, metric_num_z=256, **SMALL)
    assert [s.step for s in r.snapshots] == [0, 10, 20, 30]
    snap = r.snapshots[1]
    assert snap.extras["q"].shape == (8, 8) and snap.extras["log_w"].shape == (8, 8)
    np.testing.assert_allclose(snap.extras["q"].sum(), 1.0)
    again = grid_metrics(r.generator_at(1), g.probs(), num_z=256)["js"]
    assert again == pytest.approx(snap.extras["js"], rel=1e-9)
    assert r.snapshots[-1].extras["js"] == pytest.approx(r.history["js"][-1], rel=1e-9)


def test_snapshot_fn_adds_extras(grid):
    """Check that a user snapshot_fn's dict lands in every snapshot's extras."""
    _, data = grid
    r = train_discrete(data, 8, snapshot_every=15, snapshot_fn=lambda trainer: {"tag": 1}, **SMALL)
    assert all(s.extras["tag"] == 1 for s in r.snapshots)


class TinyGenerator(nn.Module):
    """A learner's own generator: a lookup table of logits per noise sign (follows the protocol)."""

    noise_dim, num_positions, num_categories = 1, 2, 8

    def __init__(self):
        super().__init__()
        self.table = nn.Parameter(torch.zeros(2, 2, 8))

    def noise(self, n, generator=None):
        return torch.randn(n, 1, generator=generator)

    def forward(self, z):
        return self.table[(z[:, 0] > 0).long()]


def test_own_networks_follow_the_protocol(grid):
    """Check that user modules for generator and critic are trained in place."""
    _, data = grid
    gen, critic = TinyGenerator(), nn.Sequential(nn.Flatten(), nn.Linear(16, 1), nn.Flatten(0))
    r = train_discrete(data, 8, generator=gen, critic=critic, **SMALL)
    assert r.generator is gen and r.critic is critic and gen.table.abs().sum() > 0


class NanCritic(nn.Module):
    """Returns NaN from its 7th call on."""

    def __init__(self):
        super().__init__()
        self.lin, self.calls = nn.Linear(16, 1), 0

    def forward(self, x):
        self.calls += 1
        v = self.lin(x.flatten(1)).squeeze(-1)
        return v * float("nan") if self.calls >= 7 else v


def test_nan_stops_with_warning_and_keeps_history(grid):
    """Check that a NaN critic output stops training with a named warning and the earlier history kept."""
    _, data = grid
    with pytest.warns(RuntimeWarning, match=r"critic_output became nan at step 4"):
        r = train_discrete(data, 8, critic=NanCritic(), penalty=0.0, **SMALL)   # no penalty: 2 critic calls per step
    assert "step 4" in r.stopped and len(r.history) == 3
    assert np.isfinite(r.history["loss_g"]).all()


def test_time_limit_stops_early_with_final_snapshot_and_metric(grid):
    """Check that time_limit ends training early, with a snapshot and an exact JS at the last step."""
    g, data = grid
    r = train_discrete(data, 8, **dict(SMALL, steps=10**6), time_limit=0.3, target=g.probs(), metric_every=10**5)
    n = len(r.history)
    assert 1 <= n < 10**6 and r.snapshots[-1].step == n
    assert np.isfinite(r.history["js"][-1]) and r.history["seconds"][-1] >= 0.3


def test_numpy_and_list_data_accepted():
    """Check that integer numpy arrays work as data (a learner's own array)."""
    data = np.random.default_rng(0).integers(0, 3, size=(100, 4))
    r = train_discrete(data, 3, **SMALL)
    assert r.generator.sample(5).shape == (5, 4)


@pytest.mark.parametrize("kwargs, match", [
    (dict(data=np.zeros((10, 2))), "integer"),
    (dict(data=np.zeros(10, dtype=int)), "shape"),
    (dict(data=np.full((10, 2), 8)), r"\[0, 8\)"),
    (dict(data=np.full((10, 2), -1)), r"\[0, 8\)"),
    (dict(num_categories=1), "num_categories"),
    (dict(divergence="tv"), "divergence"),
    (dict(estimator="gumbel"), "estimator"),
    (dict(steps=-1), "steps"),
    (dict(samples_per_z=0), "samples_per_z"),
    (dict(batch_size=2.5), "batch_size"),
    (dict(lr=-1.0), "lr"),
    (dict(critic_lr=0.0), "critic_lr"),
    (dict(penalty=-1.0), "penalty"),
    (dict(time_limit=0), "time_limit"),
    (dict(target=np.ones((4, 4)) / 16), "target"),
    (dict(target=np.ones((8, 8))), "target"),
    (dict(data=np.zeros((10, 3), dtype=int), generator=TinyGenerator()), "num_positions"),
])
def test_bad_inputs_raise(kwargs, match):
    """Check that bad arguments raise ValueError naming the parameter."""
    args = dict(data=np.zeros((10, 2), dtype=int), num_categories=8, **SMALL)
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        train_discrete(**args)


@pytest.mark.slow
@pytest.mark.parametrize("divergence", names())
def test_every_divergence_trains_without_nan_and_improves(grid, divergence):
    """Check that every divergence trains 2000 steps on the grid without NaN and ends below the initial JS.

    A gradient penalty (weight 1) keeps the Neyman critic finite: its bound is unbounded below where
    p = 0 < q (Neyman χ² is infinite there), and without it the run drifts off the ring.
    """
    g, data = grid
    r = train_discrete(data, 8, divergence=divergence, steps=2000, batch_size=16, samples_per_z=5, hidden=32,
                       penalty=1.0, target=g.probs(), metric_every=500, metric_num_z=512, progress=False)
    assert r.stopped is None
    js = r.history["js"][np.isfinite(r.history["js"])]
    assert np.isfinite(r.history["loss_g"]).all() and js[-1] < js[0]
