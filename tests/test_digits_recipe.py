"""Smoke tests for bgan_teach.training.digits_recipe (seconds, not minutes)."""
import numpy as np
import pytest
import torch

from bgan_teach.models.digits import DigitConvCritic
from bgan_teach.training.digits_recipe import SETUPS, score_curves, train_digits

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def short_run():
    return train_digits(steps=6, snapshot_every=3, progress=False, samples_per_z=4, batch_size=8, score_samples=50)


def test_recipe_runs_and_records_scores_in_snapshots(short_run):
    """Check that a few steps produce snapshots at 0, 3, 6 with samples and classifier scores."""
    views = short_run.extras()
    assert [v["step"] for v in views] == [0, 3, 6]
    for view in views:
        assert view["samples"].shape == (50, 64)
        assert view["coverage"].shape == (10,) and view["coverage"].sum() == pytest.approx(1.0)
        assert 0.0 < view["confidence"] <= 1.0 and 0 <= view["classes_covered"] <= 10
        assert np.isfinite(view["bound"]) and view["bound"] <= 0.0
    assert len(short_run.history) == 6 and short_run.stopped is None


def test_recipe_uses_the_setup(short_run):
    """Check that the default setup's critic and penalty are the ones trained."""
    assert isinstance(short_run.critic, DigitConvCritic) == (SETUPS["cured"]["critic"] == "conv")
    assert short_run.config["penalty"] == SETUPS["cured"]["penalty"] and short_run.config["setup"] == "cured"


def test_score_curves_have_one_entry_per_snapshot(short_run):
    """Check that the per-snapshot curves line up with the snapshots."""
    curves = score_curves(short_run)
    np.testing.assert_array_equal(curves["step"], [0, 3, 6])
    assert all(len(v) == 3 for v in curves.values())


def test_recipe_is_reproducible():
    """Check that the same seed gives identical samples and losses on CPU."""
    runs = [train_digits(4, setup="plain", steps=3, snapshot_every=3, progress=False, samples_per_z=3,
                         batch_size=4, score_samples=20, seed=7) for _ in range(2)]
    np.testing.assert_array_equal(runs[0].extras()[-1]["samples"], runs[1].extras()[-1]["samples"])
    np.testing.assert_array_equal(runs[0].history["loss_g"], runs[1].history["loss_g"])


def test_recipe_rejects_unknown_setup():
    """Check that an unknown setup name raises ValueError listing the valid ones."""
    with pytest.raises(ValueError, match="setup"):
        train_digits(setup="magic", steps=1)
