"""Tests of self-normalised importance weights (docs/math.md §4.2-4.3, §9.6, §9.11)."""
from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from bgan_teach import weights
from bgan_teach.divergences import DIVERGENCES

F64 = torch.float64
finite = st.floats(min_value=-1e4, max_value=1e4, allow_nan=False, allow_infinity=False)
log_w_arrays = arrays("float64", st.tuples(st.integers(1, 12), st.integers(1, 5)), elements=finite)


@settings(max_examples=60, deadline=None)
@given(log_w=log_w_arrays, shift=st.floats(-1e3, 1e3))
def test_normalized_sums_to_one_and_is_shift_invariant(log_w, shift):
    """Check that w̃ sums to 1 per column and is unchanged by adding a constant to log w."""
    lw = torch.from_numpy(log_w)
    w = weights.normalized(lw, dim=0)
    assert torch.isfinite(w).all() and (w >= 0).all()
    torch.testing.assert_close(w.sum(0), torch.ones(lw.shape[1], dtype=F64))
    torch.testing.assert_close(weights.normalized(lw + shift, dim=0), w, atol=1e-12, rtol=1e-9)


@settings(max_examples=60, deadline=None)
@given(log_w=log_w_arrays)
def test_ess_lies_between_one_and_m(log_w):
    """Check that 1 ≤ ESS ≤ M, and the log-space ESS agrees with 1/Σ w̃²."""
    lw = torch.from_numpy(log_w)
    m = lw.shape[0]
    ess = weights.effective_sample_size(weights.normalized(lw, dim=0), dim=0)
    assert (ess >= 1 - 1e-9).all() and (ess <= m + 1e-9).all()
    torch.testing.assert_close(weights.effective_sample_size_from_log_weights(lw, dim=0), ess)


def test_ess_bounds_are_reached():
    """Check ESS = 1 for one-hot weights and M for uniform weights."""
    one_hot = torch.tensor([[1.0], [0.0], [0.0], [0.0]], dtype=F64)
    uniform = torch.full((4, 1), 0.25, dtype=F64)
    assert weights.effective_sample_size(one_hot).item() == pytest.approx(1.0)
    assert weights.effective_sample_size(uniform).item() == pytest.approx(4.0)


def test_two_point_sample_weights():
    """Check w̃ = (1/6, 1/6, 2/3) for the sample (0, 0, 1) of docs/math.md §9.6."""
    p = torch.tensor([0.5, 0.5], dtype=F64)
    q = torch.tensor([0.8, 0.2], dtype=F64)
    log_w_star = torch.log(p / q)
    sample = torch.tensor([0, 0, 1])
    w = weights.normalized(log_w_star[sample])
    torch.testing.assert_close(w, torch.tensor([1 / 6, 1 / 6, 2 / 3], dtype=F64))


def test_log_partition_is_log_mean_weight():
    """Check log α̂ = log mean_m w against a direct float64 computation."""
    gen = torch.Generator().manual_seed(0)
    lw = torch.randn(6, 3, generator=gen, dtype=F64)
    torch.testing.assert_close(weights.log_partition(lw, dim=0), torch.log(lw.exp().mean(0)))
    torch.testing.assert_close(weights.log_partition(lw.T, dim=1), torch.log(lw.exp().mean(0)))


def test_log_normalized_matches_paper_form():
    """Check log w̃ = log w − log α̂ − log M (the authors' spelling, docs/math.md §4.2)."""
    lw = torch.tensor([[0.3, -2.0], [1.5, 0.0], [-0.7, 4.0]], dtype=F64)
    m = lw.shape[0]
    expected = lw - weights.log_partition(lw, dim=0) - math.log(m)
    torch.testing.assert_close(weights.log_normalized(lw, dim=0), expected)


def test_global_normalisation():
    """Check that global weights sum to 1 over all entries and equal w / Σ w."""
    lw = torch.tensor([[0.0, 1.0], [2.0, -1.0]], dtype=F64)
    w = weights.normalized_global(lw)
    torch.testing.assert_close(w.sum(), torch.tensor(1.0, dtype=F64))
    torch.testing.assert_close(w, lw.exp() / lw.exp().sum())
    assert weights.log_partition_global(lw).item() == pytest.approx(math.log(lw.exp().mean().item()))


def test_extreme_log_weights_are_finite():
    """Check normalisation of log w = ±1e4 in float32 (no overflow of e^{log w})."""
    lw = torch.tensor([[1e4, -1e4], [1e4 - 1.0, -1e4 + 2.0]], dtype=torch.float32)
    w = weights.normalized(lw)
    assert torch.isfinite(w).all()
    torch.testing.assert_close(w.sum(0), torch.ones(2))
    assert torch.isfinite(weights.log_partition(lw)).all()
    assert torch.isfinite(weights.effective_sample_size_from_log_weights(lw)).all()


def test_weight_invariances_across_divergences():
    """Check GAN, JS, reverse KL and KL give identical w̃; Hellinger softmax(2v); Neyman softmax(v/2)."""
    v = torch.tensor([[0.2, -1.0], [1.3, 0.5], [-0.4, 2.0]], dtype=F64)
    ref = torch.softmax(v, 0)
    for name in ("gan", "js", "reverse_kl", "kl"):
        torch.testing.assert_close(weights.normalized(DIVERGENCES[name].log_weight(v)), ref)
    torch.testing.assert_close(weights.normalized(DIVERGENCES["squared_hellinger"].log_weight(v)), torch.softmax(2 * v, 0))
    torch.testing.assert_close(weights.normalized(DIVERGENCES["neyman"].log_weight(v)), torch.softmax(v / 2, 0))


def test_reweighted_density_recovers_p_with_optimal_critic():
    """Check p̃ = w q / β equals p exactly when w = p/q (Theorem 1), for every divergence's v*."""
    p = torch.tensor([0.1, 0.2, 0.3, 0.4], dtype=F64)
    q = torch.tensor([0.4, 0.3, 0.2, 0.1], dtype=F64)
    for div in DIVERGENCES.values():
        log_w = div.log_weight(div.optimal_logit(p, q))
        torch.testing.assert_close(weights.reweighted_density(log_w, q), p)


def test_normalized_gradcheck():
    """Check gradients of the normalised weights against finite differences (float64)."""
    lw = torch.tensor([[0.1, -0.3], [0.7, 0.2], [-1.1, 0.4]], dtype=F64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda x: weights.normalized(x, dim=0), (lw,))
    assert torch.autograd.gradcheck(lambda x: weights.log_partition(x, dim=0), (lw,))


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: weights.normalized(torch.tensor([0.0, float("nan")])), "NaN"),
        (lambda: weights.normalized(torch.tensor([0.0, float("inf")])), "NaN or \\+inf"),
        (lambda: weights.normalized(torch.zeros(3, 2), dim=2), "dim=2 is out of range"),
        (lambda: weights.effective_sample_size(torch.tensor([0.5, 0.7])), "sum to 1"),
        (lambda: weights.effective_sample_size(torch.tensor([1.5, -0.5])), "non-negative"),
        (lambda: weights.reweighted_density(torch.zeros(3), torch.ones(2) / 2), "same shape"),
    ],
)
def test_bad_input_raises_value_error(call, match):
    """Check that bad weights input raises ValueError with a clear message."""
    with pytest.raises(ValueError, match=match):
        call()
