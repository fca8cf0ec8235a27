"""Discrete generator estimators against exact enumeration on tiny problems (docs/math.md §9.7-9.10)."""
import itertools
import math

import pytest
import torch

from bgan_teach import estimators
from bgan_teach.models.categorical import categorical_log_prob, sample_categorical

D, K = 3, 2     # 3 binary positions: 8 outcomes


@pytest.fixture
def toy():
    """A non-product target p over {0,1}^3 and a product generator g with fixed logits (one z)."""
    gen = torch.Generator().manual_seed(0)
    p = torch.rand(K**D, generator=gen, dtype=torch.float64) + 0.2
    p = p / p.sum()
    logits = torch.randn(1, D, K, generator=gen, dtype=torch.float64)
    support = torch.tensor(list(itertools.product(range(K), repeat=D)))          # (8, D), row-major
    return p, logits, support


def _flat_index(x):
    """Row-major index of binary samples (..., D) into the 8-cell table."""
    return (x * torch.tensor([K ** (D - 1 - d) for d in range(D)])).sum(-1)


def _g_table(logits, support):
    return categorical_log_prob(logits, support.unsqueeze(1)).squeeze(1).exp()  # (8,)


def _mle_gradient(p, logits, support):
    """Closed form: d/dℓ Σ_x p(x) log g(x) = p_d(k) − softmax(ℓ_d)_k (marginals of p)."""
    onehot = torch.nn.functional.one_hot(support, K).double()                   # (8, D, K)
    marg = torch.einsum("x,xdk->dk", p, onehot)
    return marg - torch.softmax(logits[0], -1)


def _grad_of(loss_fn, logits):
    theta = logits.clone().requires_grad_(True)
    loss_fn(theta).backward()
    return theta.grad[0]


def test_perfect_critic_exact_reweighting_gives_mle_gradient(toy):
    """Check that with w = p/q and exact reweighting over the support, −∇L_G equals the MLE gradient."""
    p, logits, support = toy
    g = _g_table(logits, support)
    log_w = (p.log() - g.log()) + g.log()          # w·g, so the softmax over the support is p̃ = p exactly
    loss = lambda th: estimators.discrete_generator_loss(   # noqa: E731
        log_w.unsqueeze(1), categorical_log_prob(th, support.unsqueeze(1)))
    torch.testing.assert_close(-_grad_of(loss, logits), _mle_gradient(p, logits, support), rtol=1e-10, atol=1e-12)


def test_perfect_critic_large_m_matches_mle_gradient(toy):
    """Check that the sampled BGAN estimator with a perfect critic and M = 200 matches the MLE gradient."""
    p, logits, support = toy
    g = _g_table(logits, support)
    rng = torch.Generator().manual_seed(1)
    x = sample_categorical(logits.expand(2000, D, K), 200, rng)                  # (M, B, D), B copies of z
    log_w = (p.log() - g.log())[_flat_index(x)]                                  # (M, B): perfect critic
    loss = lambda th: estimators.discrete_generator_loss(   # noqa: E731
        log_w, categorical_log_prob(th.expand(2000, D, K), x))
    # bias at M = 200 is ~1e-3 (docs/math.md §9.9); MC std over 2000 columns ~3e-3
    torch.testing.assert_close(-_grad_of(loss, logits), _mle_gradient(p, logits, support), rtol=0, atol=0.015)


def test_m1_gives_no_signal(toy):
    """Check that with M = 1 the per-z weights are 1 whatever log w is, so the loss ignores the critic."""
    p, logits, _ = toy
    x = sample_categorical(logits.expand(50, D, K), 1, torch.Generator().manual_seed(2))
    grads = []
    for log_w in (torch.randn(1, 50, dtype=torch.float64), 100 * torch.randn(1, 50, dtype=torch.float64)):
        loss = lambda th: estimators.discrete_generator_loss(log_w, categorical_log_prob(th.expand(50, D, K), x))  # noqa: E731
        grads.append(_grad_of(loss, logits))
    torch.testing.assert_close(grads[0], grads[1])
    assert torch.equal(estimators.normalized_weights(torch.randn(1, 7)), torch.ones(1, 7))


def _exact_expected_gradient(p, logits, support, m):
    """E over all 8^M sample tuples of Σ_m w̃_m ∇log g(x_m), with w̃ from our normalized_weights."""
    g = _g_table(logits, support)
    tuples = torch.tensor(list(itertools.product(range(K**D), repeat=m))).T      # (M, 8^M) cell indices
    prob = g[tuples].prod(0)                                                     # (8^M,)
    w_tilde = estimators.normalized_weights((p.log() - g.log())[tuples])         # (M, 8^M)
    score = torch.nn.functional.one_hot(support, K).double() - torch.softmax(logits[0], -1)   # (8, D, K)
    return torch.einsum("c,mc,mcdk->dk", prob, w_tilde, score[tuples])


def test_snis_bias_exact_and_decreasing_in_m(toy):
    """Check by exact enumeration that M = 1 has zero expected signal and the bias shrinks as M grows."""
    p, logits, support = toy
    truth = _mle_gradient(p, logits, support)
    bias = [(_exact_expected_gradient(p, logits, support, m) - truth).abs().max().item() for m in (1, 2, 3, 4, 5)]
    assert _exact_expected_gradient(p, logits, support, 1).abs().max() < 1e-12
    assert bias[0] == pytest.approx(truth.abs().max().item(), rel=1e-9)
    assert all(b2 < b1 for b1, b2 in zip(bias, bias[1:])), bias


def test_only_log_g_carries_gradient():
    """Check that no gradient reaches log w (the critic) through the generator loss."""
    log_w = torch.randn(5, 4, requires_grad=True)
    log_g = torch.randn(5, 4, requires_grad=True)
    for norm in estimators.NORMALIZATIONS:
        estimators.discrete_generator_loss(log_w, log_g, norm).backward()
    estimators.reinforce_generator_loss(log_w, log_g, torch.tensor(0.3, requires_grad=True)).backward()
    estimators.reinforce_loo_generator_loss(log_w, log_g).backward()
    assert log_w.grad is None and log_g.grad is not None


def test_one_step_increases_weighted_log_likelihood(toy):
    """Check that one gradient-descent step on L_G raises Σ w̃ log g for the same samples (sign, pitfall 9)."""
    p, logits, support = toy
    x = sample_categorical(logits.expand(8, D, K), 10, torch.Generator().manual_seed(3))
    log_w = torch.randn(10, 8, dtype=torch.float64, generator=torch.Generator().manual_seed(4))
    w_tilde = estimators.normalized_weights(log_w)
    objective = lambda th: (w_tilde * categorical_log_prob(th.expand(8, D, K), x)).sum()  # noqa: E731
    grad = _grad_of(lambda th: estimators.discrete_generator_loss(log_w, categorical_log_prob(th.expand(8, D, K), x)), logits)
    assert objective(logits - 0.01 * grad) > objective(logits)


def test_global_normalisation_sums_to_batch_and_matches_per_z_for_one_z():
    """Check that global weights sum to B over the batch and equal per-z weights when B = 1."""
    log_w = torch.randn(6, 5, dtype=torch.float64)
    per_z = estimators.normalized_weights(log_w, "per_z")
    torch.testing.assert_close(per_z.sum(0), torch.ones(5, dtype=torch.float64))
    torch.testing.assert_close(estimators.normalized_weights(log_w, "global").sum(), torch.tensor(5.0, dtype=torch.float64))
    col = log_w[:, :1]
    torch.testing.assert_close(estimators.normalized_weights(col, "global"), estimators.normalized_weights(col))
    torch.testing.assert_close(estimators.normalized_weights(log_w + 3.0, "global"), estimators.normalized_weights(log_w, "global"))


def test_weights_finite_for_huge_logits():
    """Check that log weights of ±1e4 give finite weights and losses in float32."""
    log_w = torch.tensor([[1e4, -1e4], [0.0, 1e4]])
    log_g = torch.zeros(2, 2, requires_grad=True)
    for norm in estimators.NORMALIZATIONS:
        assert torch.isfinite(estimators.discrete_generator_loss(log_w, log_g, norm))


def _reverse_kl_fd(p, logits, support) -> torch.Tensor:
    """Central finite differences of KL(g_θ‖p) with respect to the logits of the one z, (D, K)."""
    def reverse_kl(th):
        gt = _g_table(th, support)
        return (gt * (gt.log() - p.log())).sum()

    fd = torch.zeros(D, K, dtype=torch.float64)
    for d, k in itertools.product(range(D), range(K)):
        e = torch.zeros_like(logits)
        e[0, d, k] = 1e-5
        fd[d, k] = (reverse_kl(logits + e) - reverse_kl(logits - e)) / 2e-5
    return fd


def test_reinforce_matches_reverse_kl_gradient(toy):
    """Check that E[∇ REINFORCE loss] = ∇ KL(g‖p) (finite differences), for two baselines."""
    p, logits, support = toy
    g = _g_table(logits, support)

    fd = _reverse_kl_fd(p, logits, support)
    x = sample_categorical(logits, 400_000, torch.Generator().manual_seed(5))        # (M, 1, D)
    log_w = (p.log() - g.log())[_flat_index(x)]
    for baseline in (0.0, -0.7):
        grad = _grad_of(lambda th: estimators.reinforce_generator_loss(log_w, categorical_log_prob(th, x), baseline), logits)
        torch.testing.assert_close(grad, fd, rtol=0, atol=0.01)


def test_reinforce_loo_equals_explicit_leave_one_out_formula():
    """Check that the LOO loss and its gradient equal −mean_{m,b} (r_m − mean of the other r_j) log g_m."""
    gen = torch.Generator().manual_seed(8)
    log_w = torch.randn(5, 4, generator=gen, dtype=torch.float64)
    log_g = torch.randn(5, 4, generator=gen, dtype=torch.float64, requires_grad=True)
    baseline = torch.zeros_like(log_w)
    for m, b in itertools.product(range(5), range(4)):
        baseline[m, b] = sum(log_w[j, b] for j in range(5) if j != m) / 4
    explicit = -((log_w - baseline) * log_g).mean()
    loss = estimators.reinforce_loo_generator_loss(log_w, log_g)
    torch.testing.assert_close(loss, explicit, rtol=1e-12, atol=1e-14)
    torch.testing.assert_close(torch.autograd.grad(loss, log_g)[0], torch.autograd.grad(explicit, log_g)[0],
                               rtol=1e-12, atol=1e-14)
    torch.testing.assert_close(estimators.leave_one_out_baseline(log_w), baseline, rtol=1e-12, atol=1e-14)


def _loo_expectation(logits, support, log_w_table, m):
    """Exact E[∇ LOO loss]: Σ over all 8^M sample tuples of P(tuple)·(gradient for that tuple)."""
    cells = torch.tensor(list(itertools.product(range(K**D), repeat=m))).T      # (M, C) cell indices
    n = cells.shape[1]
    prob = _g_table(logits, support)[cells].prod(0)                              # (C,)
    theta = logits.expand(n, D, K).clone().requires_grad_(True)                  # one copy per tuple
    log_g = categorical_log_prob(theta, support[cells])                          # (M, C)
    (n * estimators.reinforce_loo_generator_loss(log_w_table[cells], log_g)).backward()
    return torch.einsum("c,cdk->dk", prob, theta.grad)                          # (D, K)


@pytest.mark.parametrize("m", [2, 3])
def test_reinforce_loo_unbiased_by_exact_enumeration(toy, m):
    """Check that over all M-tuples E[∇ LOO loss] = ∇KL(g‖p) (optimal critic, finite differences) and
    −∇E_g[log w] (any fixed critic, autograd on the enumerated objective)."""
    p, logits, support = toy

    fd = _reverse_kl_fd(p, logits, support)
    optimal = p.log() - _g_table(logits, support).log()
    torch.testing.assert_close(_loo_expectation(logits, support, optimal, m), fd, rtol=0, atol=1e-8)
    noisy = optimal + torch.randn(K**D, generator=torch.Generator().manual_seed(9), dtype=torch.float64)
    truth = _grad_of(lambda th: -(_g_table(th, support) * noisy).sum(), logits)
    torch.testing.assert_close(_loo_expectation(logits, support, noisy, m), truth, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_reinforce_loo_keeps_dtype_and_shapes(dtype):
    """Check that the LOO loss is a scalar of the input dtype and its gradient has log_g's shape (M, B)."""
    log_w = torch.randn(4, 3, dtype=dtype)
    log_g = torch.randn(4, 3, dtype=dtype, requires_grad=True)
    loss = estimators.reinforce_loo_generator_loss(log_w, log_g)
    assert loss.shape == () and loss.dtype == dtype
    loss.backward()
    assert log_g.grad.shape == (4, 3) and log_g.grad.dtype == dtype
    assert estimators.leave_one_out_baseline(log_w).dtype == dtype


def test_reinforce_loo_rejects_one_sample_per_z():
    """Check that M = 1 (no other sample to average) and non-(M, B) shapes raise a ValueError naming log_w."""
    with pytest.raises(ValueError, match=r"log_w must have shape \(M, B\) with M >= 2.*got shape \(1, 3\)"):
        estimators.reinforce_loo_generator_loss(torch.zeros(1, 3), torch.zeros(1, 3))
    with pytest.raises(ValueError, match="M >= 2"):
        estimators.leave_one_out_baseline(torch.zeros(1, 3))
    with pytest.raises(ValueError, match="log_w"):
        estimators.reinforce_loo_generator_loss(torch.zeros(3), torch.zeros(3))


def test_gumbel_softmax_hard_is_an_exact_categorical_sample():
    """Check that hard Gumbel-softmax values are one-hot, their frequencies match softmax, and gradients flow."""
    logits = torch.tensor([[0.5, -1.0, 1.5]], requires_grad=True)
    y = estimators.gumbel_softmax(logits.expand(200_000, 3), tau=0.7, hard=True,
                                  generator=torch.Generator().manual_seed(6))
    assert torch.equal(y.detach().sum(-1), torch.ones(200_000))
    assert set(y.detach().unique().tolist()) == {0.0, 1.0}
    freq = y.detach().mean(0)
    torch.testing.assert_close(freq, torch.softmax(logits.detach()[0], -1), rtol=0, atol=0.005)
    (y[:, 0] * 1.0).sum().backward()
    assert logits.grad is not None and logits.grad.abs().sum() > 0


def test_gumbel_softmax_reproducible_and_soft_sums_to_one():
    """Check that the same generator seed gives the same relaxed sample and soft samples are distributions."""
    logits = torch.randn(4, 3, 5)
    a = estimators.gumbel_softmax(logits, 2.0, False, torch.Generator().manual_seed(7))
    b = estimators.gumbel_softmax(logits, 2.0, False, torch.Generator().manual_seed(7))
    assert torch.equal(a, b)
    torch.testing.assert_close(a.sum(-1), torch.ones(4, 3))


def test_gumbel_temperature_schedule():
    """Check the annealing τ = max(3·e^{−rate·step}, 0.5)."""
    assert estimators.gumbel_temperature(0) == 3.0
    assert estimators.gumbel_temperature(1000, rate=1e-3) == pytest.approx(3 * math.exp(-1))
    assert estimators.gumbel_temperature(10**6) == 0.5


@pytest.mark.parametrize("bad", [
    dict(log_w=torch.zeros(3), log_g=torch.zeros(3)),
    dict(log_w=torch.zeros(3, 2), log_g=torch.zeros(2, 3)),
])
def test_bad_shapes_raise(bad):
    """Check that mismatched or non-(M, B) shapes raise ValueError."""
    with pytest.raises(ValueError, match="log_w"):
        estimators.discrete_generator_loss(**bad)


def test_bad_normalization_and_tau_raise():
    """Check that an unknown normalisation or a non-positive temperature raise ValueError."""
    with pytest.raises(ValueError, match="normalization"):
        estimators.discrete_generator_loss(torch.zeros(2, 2), torch.zeros(2, 2), "beta")
    with pytest.raises(ValueError, match="tau"):
        estimators.gumbel_softmax(torch.zeros(2, 3), tau=0.0)
