"""Mode metrics against hand-built samples and a brute-force MMD."""
import itertools
import math

import numpy as np
import pytest
import torch
from scipy.stats import entropy

from bgan_teach.data import Toy2D, ring, spiral
from bgan_teach.metrics import high_quality_fraction, mean_log_density, mmd2, mode_report, modes_covered
from bgan_teach.metrics.modes import mode_balance_kl, mode_counts


def _on_modes(target, counts, offset=0.0):
    """counts[k] points at mode k (shifted by ``offset`` along x): a sample with known nearest modes."""
    m = target.modes
    x = torch.cat([m[k].repeat(int(c), 1) for k, c in enumerate(counts) if c])
    return x + torch.tensor([offset, 0.0], dtype=torch.float64)


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


def test_93_percent_in_one_mode_two_rules_and_balance_by_hand():
    """Check 2325/2500 samples in one mode: both rules say 8/8 at 25 per other mode; KL(h||π) by hand."""
    t = ring()
    x = _on_modes(t, [2325] + [25] * 7, offset=0.1)               # 0.1 < 3σ = 0.15: all high quality
    assert modes_covered(x, t) == 8 and modes_covered(x, t, rule="one_sample") == 8
    kl = 0.93 * math.log(0.93 / (1 / 8)) + 7 * 0.01 * math.log(0.01 / (1 / 8))
    assert mode_balance_kl(x, t) == pytest.approx(kl, abs=1e-12)
    y = _on_modes(t, [2326] + [25] * 6 + [24])                    # mode 7: 24 samples < 1 % of 2500
    assert modes_covered(y, t) == 7 and modes_covered(y, t, rule="one_sample") == 8
    z = _on_modes(t, [2493] + [1] * 7)                            # one sample per other mode
    assert modes_covered(z, t) == 1 and modes_covered(z, t, rule="one_sample") == 8


def test_low_quality_samples_cover_nothing():
    """Check that samples beyond 3σ of their nearest mode count under neither rule, and balance is nan."""
    t = ring()
    x = _on_modes(t, [10] * 8, offset=0.2)                        # 0.2 > 3σ
    assert modes_covered(x, t, rule="one_sample") == 0 and modes_covered(x, t) == 0
    assert torch.equal(mode_counts(x, t), torch.zeros(8, dtype=torch.long))
    assert math.isnan(mode_balance_kl(x, t))
    mixed = torch.cat([x, _on_modes(t, [1, 0, 0, 0, 0, 0, 0, 3])])
    assert mode_counts(mixed, t).tolist() == [1, 0, 0, 0, 0, 0, 0, 3]


def test_balance_zero_when_balanced_and_grows_with_pile_up():
    """Check KL(h||π) = 0 for equal counts, rises monotonically as mass piles into one mode, ends at log 8."""
    t = ring()
    assert mode_balance_kl(_on_modes(t, [10] * 8), t) == pytest.approx(0.0, abs=1e-15)
    kls = [mode_balance_kl(_on_modes(t, [10 + 7 * j] + [10 - j] * 7), t) for j in range(11)]
    assert all(a < b for a, b in zip(kls, kls[1:]))
    assert kls[-1] == pytest.approx(math.log(8), abs=1e-12)         # j = 10: every sample in mode 0


def test_balance_finite_with_empty_modes():
    """Check that empty histogram bins give a finite KL: half and half on 2 of 8 equal modes is log 4."""
    t = ring()
    assert mode_balance_kl(_on_modes(t, [5, 0, 0, 5, 0, 0, 0, 0]), t) == pytest.approx(math.log(4), abs=1e-12)


def test_balance_uses_mixture_weights_like_scipy():
    """Check KL(h||π) against scipy.stats.entropy(h, π) for a target with unequal weights (and given weights)."""
    w = torch.tensor([0.5, 0.3, 0.2], dtype=torch.float64)
    t = Toy2D([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]], 0.05, weights=w)
    counts = [7, 2, 11]
    assert mode_balance_kl(_on_modes(t, counts), t) == pytest.approx(entropy(counts, w.numpy()), abs=1e-12)
    assert mode_balance_kl(_on_modes(t, [5, 3, 2]), t) == pytest.approx(0.0, abs=1e-15)
    uniform = [1 / 3] * 3
    assert mode_balance_kl(_on_modes(t, counts), t, weights=uniform) == pytest.approx(
        entropy(counts, uniform), abs=1e-12)


def test_target_samples_score_well_under_both_rules():
    """Check that 2500 exact samples of the ring cover 8/8 under both rules with balance KL near (M−1)/(2N)."""
    t = ring()
    x = t.sample(2500, 0)
    assert modes_covered(x, t) == 8 and modes_covered(x, t, rule="one_sample") == 8
    assert mode_balance_kl(x, t) < 10 * 7 / (2 * 2500)


def test_report_and_no_modes():
    """Check mode_report's keys, and that mode metrics on a target without modes raise ValueError."""
    t = ring()
    rep = mode_report(t.sample(500, 0), t)
    assert set(rep) == {"mean_log_density", "mmd2", "modes_covered", "modes_covered_one_sample", "n_modes",
                        "high_quality", "mode_balance_kl"}
    assert "modes_covered" not in mode_report(spiral().sample(100, 0), spiral())
    with pytest.raises(ValueError, match="no modes"):
        modes_covered(torch.zeros(3, 2), spiral())
    with pytest.raises(ValueError, match="threshold"):
        modes_covered(torch.zeros(3, 2), t, threshold=0)
    with pytest.raises(ValueError, match="rule must be one of"):
        modes_covered(torch.zeros(3, 2), t, rule="veegan")
    with pytest.raises(ValueError, match="weights must be 8"):
        mode_balance_kl(torch.zeros(3, 2), t, weights=[0.5, 0.5])
