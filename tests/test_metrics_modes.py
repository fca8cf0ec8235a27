"""Mode metrics against hand-built samples and a brute-force MMD."""
import itertools

import numpy as np
import pytest
import torch

from bgan_teach.data import ring, spiral
from bgan_teach.metrics import high_quality_fraction, mean_log_density, mmd2, mode_report, modes_covered


def test_modes_counted_by_one_percent_rule():
    """Check that a mode counts only with >= 1 % of all samples within 3σ of it."""
    t = ring()                                            # σ = 0.05 → radius 0.15
    m = t.modes.float()
    x = torch.cat([m[0].repeat(90, 1), m[1].repeat(1, 1) + 0.1, m[2].repeat(9, 1) + 0.2])   # 0.2 > 3σ
    assert modes_covered(x, t) == 2                        # mode 1 has exactly 1 %; mode 2 all outside 3σ
    assert modes_covered(x, t, threshold=0.02) == 1
    assert high_quality_fraction(x, t) == pytest.approx(0.91)


def test_perfect_samples_cover_all_modes():
    """Check that samples from the target cover 8/8 with ~99.7 %·(2-D) quality (P(χ²₂ ≤ 9) = 0.9889)."""
    t = ring()
    x = t.sample(20000, 0)
    assert modes_covered(x, t) == 8
    assert high_quality_fraction(x, t) == pytest.approx(1 - np.exp(-4.5), abs=0.004)


def test_mean_log_density_is_target_log_prob():
    """Check that mean_log_density equals the mean of the target's log_prob."""
    t, x = ring(), torch.randn(30, 2)
    assert mean_log_density(x, t) == pytest.approx(float(t.log_prob(x.double()).mean()))


def test_mmd_matches_brute_force():
    """Check the unbiased MMD² against explicit double loops."""
    rng = np.random.default_rng(0)
    x, y, h = rng.normal(size=(7, 2)), rng.normal(1, 1, size=(5, 2)), 0.7
    k = lambda a, b: np.exp(-np.sum((a - b) ** 2) / (2 * h * h))  # noqa: E731
    kxx = np.mean([k(x[i], x[j]) for i, j in itertools.permutations(range(7), 2)])
    kyy = np.mean([k(y[i], y[j]) for i, j in itertools.permutations(range(5), 2)])
    kxy = np.mean([k(a, b) for a in x for b in y])
    assert mmd2(x, y, h) == pytest.approx(kxx + kyy - 2 * kxy, rel=1e-10)


def test_mmd_separates_distributions():
    """Check that MMD² is ~0 for two samples of the target and clearly positive for a shifted sample."""
    t = ring()
    same = mmd2(t.sample(1000, 1), t.sample(1000, 2))
    shifted = mmd2(t.sample(1000, 1), t.sample(1000, 2) + 0.5)
    assert abs(same) < 0.005 and shifted > 0.05


def test_report_and_no_modes():
    """Check mode_report's keys, and that mode metrics on a target without modes raise ValueError."""
    t = ring()
    rep = mode_report(t.sample(500, 0), t)
    assert set(rep) == {"mean_log_density", "mmd2", "modes_covered", "n_modes", "high_quality"}
    assert "modes_covered" not in mode_report(spiral().sample(100, 0), spiral())
    with pytest.raises(ValueError, match="no modes"):
        modes_covered(torch.zeros(3, 2), spiral())
    with pytest.raises(ValueError, match="threshold"):
        modes_covered(torch.zeros(3, 2), t, threshold=0)
