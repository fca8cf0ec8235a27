"""Oracle tests for training/bound.py: critic fitting by the variational bound, reweighting, SNIS toy.

Truth comes from closed forms (D_f, v* = g_f^{-1}(f'(p/q)), ESS = 1/(1 + χ²)), NumPy recomputation
and the Fenchel inequality (no critic's bound may exceed D_f). docs/math.md §2.2-2.3, §3.1-3.2, §4.1-4.3, §4.5, §9.2.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch

from bgan_teach.models.table import PositionMLPCritic

from bgan_teach.divergences import DIVERGENCES, get
from bgan_teach.training.bound import (
    conditional_targets, example_pair, fit_bound, mixture_toy, reweighting_view, snis_bias,
    snis_estimates,
)

torch.set_num_threads(1)
NAMES = sorted(DIVERGENCES)
F64 = torch.float64


@pytest.fixture(scope="module")
def pair():
    return example_pair(12)


@pytest.fixture(scope="module")
def fitted(pair):
    p, q = pair
    return {n: fit_bound(p, q, n, steps=400, lr=0.1, batch_size=256, seed=0, snapshot_every=100) for n in NAMES}


@pytest.mark.parametrize("name", NAMES)
def test_trained_bound_approaches_exact_from_below(name, fitted):
    """Check that the trained critic's exact-expectation bound is ≤ D_f(P‖Q) and within 1.5% of it."""
    res = fitted[name]
    exact = float(DIVERGENCES[name].exact(*example_pair(12)))
    assert res.exact == pytest.approx(exact, rel=1e-12)
    assert res.final_bound <= exact + 1e-12
    assert res.final_bound == pytest.approx(exact, rel=0.015, abs=2e-3)
    assert res.stopped is None


@pytest.mark.parametrize("name", NAMES)
def test_history_never_exceeds_exact_and_improves(name, fitted):
    """Check that every recorded exact-expectation bound obeys Fenchel (≤ D_f) and the last beats the first."""
    h = fitted[name].history
    assert (h["exact_bound"] <= fitted[name].exact + 1e-12).all()
    assert h["exact_bound"][-1] > h["exact_bound"][0]


@pytest.mark.parametrize("name", ["gan", "kl", "squared_hellinger"])
def test_table_critic_approaches_optimal_logit(name, fitted, pair):
    """Check that the table critic's logits approach v* = g_f^{-1}(f'(p/q)) where the data has mass."""
    p, q = pair
    v_star = get(name).optimal_logit(p, q)
    v = fitted[name].logits[-1]
    heavy = (p > 0.05) & (q > 0.05)
    assert (v - v_star)[heavy].abs().max() < 0.15


def test_exact_bound_matches_numpy_gan_formula(fitted, pair):
    """Check that the recorded exact bound equals Σ p log σ(v) + Σ q log(1 − σ(v)) recomputed in NumPy."""
    p, q = (t.numpy() for t in pair)
    res = fitted["gan"]
    for i in (0, 2, -1):
        v = res.snapshots[i].extras["v"].numpy()
        sig = 1 / (1 + np.exp(-v))
        ref = (p * np.log(sig)).sum() + (q * np.log(1 - sig)).sum()
        assert float(get("gan").weighted_bound(torch.from_numpy(v), *pair)) == pytest.approx(ref, rel=1e-10)
    step_rows = {int(s): i for i, s in enumerate(res.history["step"])}
    snap = res.snapshots[2]
    v = snap.extras["v"].numpy()
    sig = 1 / (1 + np.exp(-v))
    ref = (p * np.log(sig)).sum() + (q * np.log(1 - sig)).sum()
    assert res.history["exact_bound"][step_rows[snap.step]] == pytest.approx(ref, rel=1e-6)


def test_snapshots_cover_start_and_end(fitted, pair):
    """Check that snapshots are taken at 0, every snapshot_every steps and after the last update."""
    res = fitted["kl"]
    assert res.steps.tolist() == [0, 100, 200, 300, 400]
    assert res.logits.shape == (5, 12)
    assert torch.equal(res.logits[0], torch.zeros(12, dtype=F64))        # table starts at v = 0
    assert len(res.history) == 400
    assert torch.equal(res.logits[-1], res.critic().detach())


def test_same_seed_same_result_other_seed_differs(pair):
    """Check that fit_bound is reproducible for a seed and depends on it."""
    a = fit_bound(*pair, "js", steps=30, seed=3, snapshot_every=10)
    b = fit_bound(*pair, "js", steps=30, seed=3, snapshot_every=10)
    c = fit_bound(*pair, "js", steps=30, seed=4, snapshot_every=10)
    assert torch.equal(a.logits, b.logits)
    np.testing.assert_array_equal(a.history["bound"], b.history["bound"])
    assert not torch.equal(a.logits, c.logits)


def test_mlp_critic_trains_and_is_seeded(pair):
    """Check that the MLP critic gets within 3% of D_GAN and that its init depends on the seed."""
    res = fit_bound(*pair, "gan", steps=600, lr=0.02, critic="mlp", seed=0, snapshot_every=600)
    assert isinstance(res.critic, PositionMLPCritic)
    assert res.final_bound <= res.exact + 1e-12
    assert res.final_bound == pytest.approx(res.exact, rel=0.03)
    other = fit_bound(*pair, "gan", steps=1, critic="mlp", seed=1)
    assert not torch.equal(other.logits[0], res.logits[0])


def test_nan_stops_with_warning_and_keeps_history(pair):
    """Check that an exploding KL critic stops with 'became … at step N' and keeps what it recorded."""
    with pytest.warns(RuntimeWarning, match=r"became -?inf at step \d+"):
        res = fit_bound(*pair, "kl", steps=50, lr=1e4, snapshot_every=1)
    assert res.stopped is not None and "became" in res.stopped
    assert 0 < len(res.history) < 50
    assert np.isfinite(res.history["bound"]).all()


@pytest.mark.parametrize("kwargs, match", [
    (dict(p=[0.5, 0.6], q=[0.5, 0.5]), "p must sum to 1"),
    (dict(p=[0.5, 0.5], q=[1.0, 0.0]), "positive"),
    (dict(p=[0.5, 0.5], q=[0.3, 0.3, 0.4]), "same shape"),
    (dict(p=[0.5, 0.5], q=[0.5, 0.5], divergence="tv"), "unknown divergence"),
    (dict(p=[0.5, 0.5], q=[0.5, 0.5], critic="cnn"), "critic must be one of"),
    (dict(p=[0.5, 0.5], q=[0.5, 0.5], steps=0), "steps must be"),
    (dict(p=[0.5, 0.5], q=[0.5, 0.5], lr=-1.0), "lr must be"),
])
def test_bad_input_raises_value_error(kwargs, match):
    """Check that invalid tables, names and settings raise ValueError naming the parameter."""
    with pytest.raises(ValueError, match=match):
        fit_bound(**kwargs)


@pytest.mark.parametrize("name", NAMES)
def test_reweighting_view_at_optimal_critic(name, pair):
    """Check that v* gives p̃ = p, β = 1 and ESS/N = 1/(1 + χ²(P‖Q)) (Theorem 1)."""
    p, q = pair
    view = reweighting_view(get(name).optimal_logit(p, q), q, name)
    torch.testing.assert_close(view["p_tilde"], p)
    assert view["beta"] == pytest.approx(1.0, rel=1e-10)
    chi2 = float(((p - q) ** 2 / q).sum())
    assert view["ess"] == pytest.approx(1 / (1 + chi2), rel=1e-10)


def test_reweighting_view_no_reweighting_at_boundary(pair):
    """Check that critic outputs on the boundary (w ≡ 1) give p̃ = q, β = 1, ESS/N = 1."""
    _, q = pair
    for name in ("gan", "kl"):
        view = reweighting_view(torch.full_like(q, get(name).boundary_logit), q, name)
        torch.testing.assert_close(view["p_tilde"], q)
        assert view["beta"] == pytest.approx(1.0) and view["ess"] == pytest.approx(1.0)


def test_reweighting_view_huge_logits_stay_finite(pair):
    """Check that logits of ±1e4 give finite β in log space (a point mass p̃), not inf/NaN weights."""
    _, q = pair
    v = torch.zeros_like(q)
    v[3], v[5] = 1e4, -1e4
    view = reweighting_view(v, q, "gan")
    assert torch.isfinite(view["p_tilde"]).all() and view["p_tilde"][3] == pytest.approx(1.0)
    assert view["ess"] == pytest.approx(q[3].item())


def test_mixture_toy_is_a_mixture():
    """Check that q = Σ_z h(z) g(·|z), every table is a positive distribution."""
    toy = mixture_toy(20)
    torch.testing.assert_close(toy.q, (toy.h[:, None] * toy.g).sum(0))
    for t in (toy.h, toy.q, toy.p, *toy.g):
        assert (t > 0).all() and float(t.sum()) == pytest.approx(1.0)


def test_conditional_targets_match_numpy():
    """Check p̃(x|z) = w g(x|z)/α(z) against NumPy, and that Σ_z h α(z) p̃(x|z) = w q."""
    toy = mixture_toy(16)
    log_w = torch.log(toy.p / toy.q)
    w, g, h = (t.numpy() for t in (log_w.exp(), toy.g, toy.h))
    ref = w * g / (w * g).sum(1, keepdims=True)
    target = conditional_targets(toy, log_w).numpy()
    np.testing.assert_allclose(target, ref, rtol=1e-12)
    alpha = (w * g).sum(1)
    np.testing.assert_allclose((h * alpha) @ target, w * toy.q.numpy(), rtol=1e-12)


def test_snis_weights_are_normalised_and_ess_bounded():
    """Check that per-z columns and the global table sum to 1 and ESS lies in [1, M] and [1, M·B]."""
    toy = mixture_toy(16)
    run = snis_estimates(toy, torch.log(toy.p / toy.q), m=7, batch=9, seed=1)
    torch.testing.assert_close(run["per_z"].sum(0), torch.ones(9, dtype=F64))
    assert float(run["global"].sum()) == pytest.approx(1.0)
    assert ((run["ess_z"] >= 1 - 1e-9) & (run["ess_z"] <= 7 + 1e-9)).all()
    assert 1 <= run["ess_global"] <= 63
    assert float(run["hist_per_z"].sum()) == pytest.approx(1.0) and float(run["hist_global"].sum()) == pytest.approx(1.0)
    assert run["x"].shape == (7, 9) and run["z"].shape == (9,)


def test_snis_samples_come_from_their_z():
    """Check that the samples in the columns of each z follow g(·|z) (TV < 0.05 over ~4000 samples)."""
    toy = mixture_toy(16)
    run = snis_estimates(toy, torch.zeros(16, dtype=F64), m=400, batch=30, seed=2)
    for z in range(len(toy.h)):
        xs = run["x"][:, run["z"] == z].flatten()
        hist = torch.bincount(xs, minlength=16).to(F64) / len(xs)
        assert 0.5 * (hist - toy.g[z]).abs().sum() < 0.05


def test_m_equal_one_gives_unit_weights_and_plain_histogram():
    """Check that M = 1 gives w̃ ≡ 1 per z, so the per-z histogram is the plain sample histogram."""
    toy = mixture_toy(16)
    run = snis_estimates(toy, torch.log(toy.p / toy.q), m=1, batch=500, seed=0)
    assert torch.equal(run["per_z"], torch.ones(1, 500, dtype=F64))
    plain = torch.bincount(run["x"].flatten(), minlength=16).to(F64) / 500
    torch.testing.assert_close(run["hist_per_z"], plain)


def test_estimates_converge_to_their_targets():
    """Check that global SNIS estimates p and per-z SNIS estimates Σ_z h p̃(x|z) at large M·B."""
    toy = mixture_toy(16)
    log_w = torch.log(toy.p / toy.q)
    run = snis_estimates(toy, log_w, m=200, batch=400, seed=0)
    per_z_target = toy.h @ conditional_targets(toy, log_w)
    assert 0.5 * (run["hist_global"] - toy.p).abs().sum() < 0.03
    assert 0.5 * (run["hist_per_z"] - per_z_target).abs().sum() < 0.03
    assert 0.5 * (per_z_target - toy.p).abs().sum() > 0.05           # the two targets really differ


def test_snis_bias_shrinks_with_m():
    """Check that the per-z SNIS bias decreases with M, is TV(q, target) at M = 1 and small at M = 100."""
    toy = mixture_toy(16)
    log_w = torch.log(toy.p / toy.q)
    bias = snis_bias(toy, log_w, ms=(1, 2, 5, 20, 100), batch=20000, seed=0)
    values = [bias[m] for m in (1, 2, 5, 20, 100)]
    assert all(a > b for a, b in zip(values, values[1:]))
    target = toy.h @ conditional_targets(toy, log_w)
    assert bias[1] == pytest.approx(float(0.5 * (toy.q - target).abs().sum()), abs=0.02)
    assert bias[100] < 0.02


def test_linear_critic_reaches_best_linear_bound(pair):
    """Check that the linear critic attains the best linear GAN bound found by scipy, strictly below D_f."""
    from scipy.optimize import minimize

    p, q = (t.numpy() for t in pair)
    x = np.linspace(-1, 1, len(p))

    def neg_bound(ab):                                   # −(Σ p log σ(v) + Σ q log(1 − σ(v))), v = a x + b
        v = ab[0] * x + ab[1]
        return (p * np.logaddexp(0, -v)).sum() + (q * np.logaddexp(0, v)).sum()

    best = -minimize(neg_bound, np.zeros(2), method="BFGS").fun
    res = fit_bound(*pair, "gan", steps=800, lr=0.05, critic="linear", seed=0, snapshot_every=800)
    assert res.final_bound == pytest.approx(best, abs=2e-3)
    assert res.final_bound <= best + 1e-9
    assert best < res.exact - 0.01                        # a restricted critic gives a looser bound
