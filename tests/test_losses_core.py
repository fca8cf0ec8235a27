"""Tests of the critic loss and the shared loss helpers (docs/math.md §5.4 step 10, §9.4-9.5)."""
from __future__ import annotations


import pytest
import torch

from bgan_teach import losses
from bgan_teach.divergences import DIVERGENCES

F64 = torch.float64


def test_gan_discriminator_loss_is_bce_with_logits_summed():
    """Check the GAN critic loss equals BCE-with-logits on reals plus on fakes (not halved)."""
    gen = torch.Generator().manual_seed(0)
    v_real, v_fake = torch.randn(7, generator=gen, dtype=F64), torch.randn(5, generator=gen, dtype=F64)
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    expected = bce(v_real, torch.ones_like(v_real)) + bce(v_fake, torch.zeros_like(v_fake))
    torch.testing.assert_close(losses.discriminator_loss("gan", v_real, v_fake), expected)


def test_optimal_discriminator_logit_is_log_ratio():
    """Check argmin_v [p softplus(−v) + q softplus(v)] = log(p/q) by gradient descent (docs/math.md §9.5)."""
    p, q = torch.tensor([0.5, 0.5], dtype=F64), torch.tensor([0.8, 0.2], dtype=F64)
    v = torch.zeros(2, dtype=F64, requires_grad=True)
    opt = torch.optim.LBFGS([v], max_iter=200, tolerance_grad=1e-12, tolerance_change=1e-14)

    def closure():
        opt.zero_grad()
        loss = -DIVERGENCES["gan"].weighted_bound(v, p, q)
        loss.backward()
        return loss

    opt.step(closure)
    torch.testing.assert_close(v.detach(), torch.log(p / q), atol=1e-6, rtol=0)


@pytest.mark.parametrize("name", sorted(DIVERGENCES))
def test_discriminator_loss_is_negative_bound(name):
    """Check discriminator_loss == −bound for every divergence."""
    v_real, v_fake = torch.tensor([0.3, -0.2], dtype=F64), torch.tensor([0.1, -0.5, 0.4], dtype=F64)
    torch.testing.assert_close(losses.discriminator_loss(name, v_real, v_fake), -DIVERGENCES[name].bound(v_real, v_fake))


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_generator_losses_finite_at_extreme_logits(dtype):
    """Check boundary-seeking, non-saturating and minimax losses are finite at ±1e4."""
    v = torch.tensor([-1e4, 1e4], dtype=dtype, requires_grad=True)
    for fn in (losses.boundary_seeking_loss, losses.non_saturating_loss, losses.minimax_loss):
        out = fn("gan", v)
        (grad,) = torch.autograd.grad(out, v)
        assert torch.isfinite(out) and torch.isfinite(grad).all(), fn.__name__
    assert losses.boundary_seeking_loss("gan", v).item() == pytest.approx(0.5 * 1e8, rel=1e-6)


def test_boundary_seeking_with_log_z():
    """Check the log-Z variant ½ mean (v − log Z)² and that log Z carries no gradient."""
    v = torch.tensor([0.5, 1.5], dtype=F64, requires_grad=True)
    log_z = torch.tensor(1.0, dtype=F64, requires_grad=True)
    out = losses.boundary_seeking_loss("gan", v, log_z=log_z)
    assert out.item() == pytest.approx(0.5 * (0.25 + 0.25) / 2)
    out.backward()
    assert log_z.grad is None


def test_one_d_gradients_match_paper_example():
    """Check the 1-D logistic example: BGAN gradient 0.64x, non-saturating −0.8σ(−0.8x) (docs/math.md §9.13)."""
    x = torch.tensor([-2.0, 0.0, 2.0], dtype=F64, requires_grad=True)
    (g_bgan,) = torch.autograd.grad(losses.boundary_seeking_loss("gan", 0.8 * x) * 3, x)
    (g_ns,) = torch.autograd.grad(losses.non_saturating_loss("gan", 0.8 * x) * 3, x)
    torch.testing.assert_close(g_bgan, torch.tensor([-1.28, 0.0, 1.28], dtype=F64))
    torch.testing.assert_close(g_ns, torch.tensor([-0.6656, -0.4, -0.1344], dtype=F64), atol=1e-4, rtol=0)


def test_sigmoid_route_overflows_but_logit_route_is_exact():
    """Check the float32 pitfall: σ(17) == 1, the sigmoid-route loss at V=15 is 110.17 vs 112.5 (docs/math.md §9.15)."""
    v = torch.tensor(15.0)
    d = torch.sigmoid(v)
    sigmoid_route = 0.5 * (torch.log(d) - torch.log(1 - d)) ** 2
    assert torch.sigmoid(torch.tensor(17.0)).item() == 1.0
    assert sigmoid_route.item() == pytest.approx(110.17, abs=0.01)
    assert losses.boundary_seeking_loss("gan", v).item() == pytest.approx(112.5)


def test_gradient_penalty_of_linear_critic():
    """Check the penalty of v(x) = a·x is ‖a‖² everywhere."""
    lin = torch.nn.Linear(3, 1, bias=True).double()
    critic = lambda x: lin(x).squeeze(-1)  # noqa: E731
    x = torch.randn(5, 3, dtype=F64)
    expected = lin.weight.pow(2).sum()
    torch.testing.assert_close(losses.gradient_penalty(critic, x), expected)


def test_ema():
    """Check the moving average and its argument check."""
    assert losses.ema(None, 2.0, 0.9).item() == 2.0
    assert losses.ema(torch.tensor(1.0), 2.0, 0.75).item() == pytest.approx(1.25)
    with pytest.raises(ValueError, match="gamma"):
        losses.ema(1.0, 2.0, 1.5)


def test_unknown_divergence_in_loss():
    """Check that losses reject an unknown divergence name with the valid list."""
    with pytest.raises(ValueError, match="valid names"):
        losses.boundary_seeking_loss("wgan", torch.zeros(2))
