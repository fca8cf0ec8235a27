"""Continuous generator losses on raw logits: extreme values, the 1-D example, the log-Z variant."""
import math

import pytest
import torch

from bgan_teach import divergences, losses
from bgan_teach.training.continuous import ContinuousGAN
from bgan_teach.weights import log_partition_global

DTYPES = [torch.float32, torch.float64]
BOUNDARY = [
    lambda d, v: losses.boundary_seeking_loss(d, v),
    lambda d, v: losses.boundary_seeking_loss(d, v, log_z=torch.tensor(-3.0)),
]
CASES = [(loss, name) for loss in BOUNDARY for name in divergences.names()]
CASES += [(loss, name) for loss in (losses.non_saturating_loss, losses.minimax_loss) for name in ("gan", "js")]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("loss, name", CASES)
def test_generator_losses_finite_at_extreme_logits(dtype, loss, name):
    """Check that the losses and gradients are finite for logits of ±1e4 (boundary-seeking: every divergence;
    non-saturating and minimax: GAN and JS, whose losses are softplus terms; for e.g. reverse KL
    −g_f(−1e4) = e^{1e4} is genuinely infinite)."""
    v = torch.tensor([-1e4, -30.0, 0.0, 30.0, 1e4], dtype=dtype, requires_grad=True)
    value = loss(name, v)
    (grad,) = torch.autograd.grad(value, v)
    assert torch.isfinite(value) and torch.isfinite(grad).all()


@pytest.mark.parametrize("dtype", DTYPES)
def test_boundary_seeking_exact_at_extreme_logits(dtype):
    """Check that the GAN boundary-seeking loss is exactly ½V² even at V = ±1e4 (no sigmoid route)."""
    v = torch.tensor([1e4, -1e4], dtype=dtype)
    assert losses.boundary_seeking_loss("gan", v).item() == pytest.approx(0.5e8, rel=1e-6)


def test_sigmoid_route_is_wrong_in_float32():
    """Check the pitfall of docs/math.md §9.15: σ(17) == 1 in float32, the sigmoid route gives 110.17 at V = 15."""
    assert torch.sigmoid(torch.tensor(17.0)).item() == 1.0
    d = torch.sigmoid(torch.tensor(15.0))
    sigmoid_route = 0.5 * (torch.log(d) - torch.log(1 - d)) ** 2
    assert sigmoid_route.item() == pytest.approx(110.17, abs=0.01)
    assert losses.boundary_seeking_loss("gan", torch.tensor([15.0])).item() == 112.5


def _grad_wrt_x(loss_fn, x):
    x = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    (g,) = torch.autograd.grad(loss_fn("gan", (0.8 * x).view(1)), x)
    return g.item()


@pytest.mark.parametrize("x, bgan, ns", [(-2.0, -1.28, -0.6656), (0.0, 0.0, -0.4), (2.0, 1.28, -0.1344)])
def test_one_d_logistic_example_gradients(x, bgan, ns):
    """Check the numbers of docs/math.md §6.5 / §9.13 for D(x) = σ(0.8x) by autograd."""
    assert _grad_wrt_x(losses.boundary_seeking_loss, x) == pytest.approx(bgan, abs=1e-12)
    assert _grad_wrt_x(losses.non_saturating_loss, x) == pytest.approx(ns, abs=1e-4)
    assert _grad_wrt_x(losses.non_saturating_loss, x) == pytest.approx(-0.8 / (1 + math.exp(0.8 * x)))


def test_one_d_gradient_directions():
    """Check that BGAN's gradient is 0 only at the boundary and points back to it; NS's is negative everywhere."""
    xs = torch.linspace(-6, 6, 241, dtype=torch.float64)
    bgan = torch.tensor([_grad_wrt_x(losses.boundary_seeking_loss, float(x)) for x in xs], dtype=torch.float64)
    ns = torch.tensor([_grad_wrt_x(losses.non_saturating_loss, float(x)) for x in xs], dtype=torch.float64)
    assert (ns < 0).all()                                   # descent moves every x toward +inf
    assert (torch.sign(bgan) == torch.sign(xs)).all()       # descent moves x toward 0 from both sides
    torch.testing.assert_close(bgan, 0.64 * xs)


def test_log_z_variant_minimum_and_gradient():
    """Check that ½(V − log Z)² is minimised at V = log Z and that log Z gets no gradient."""
    log_z = torch.tensor(-1.5, requires_grad=True)
    v = torch.tensor([-1.5, 0.5], dtype=torch.float64, requires_grad=True)
    value = losses.boundary_seeking_loss("gan", v, log_z=log_z)
    assert value.item() == pytest.approx(0.5 * (0 + 4) / 2)
    (gv,) = torch.autograd.grad(value, v)
    torch.testing.assert_close(gv, torch.tensor([0.0, 1.0], dtype=torch.float64))
    assert not value.requires_grad or log_z.grad is None


def test_trainer_log_z_is_ema_of_log_beta():
    """Check that the trainer's log Z follows γ·old + (1−γ)·log β̂ with log β̂ = LSE(V) − log B."""
    gan = ContinuousGAN(torch.randn(64, 2), "gan", "boundary_seeking_log_z", seed=0, batch_size=16,
                        log_z_gamma=0.9)
    v1 = torch.tensor([0.1, -2.0, 3.0])
    gan.generator_loss_value(v1, update_log_z=True)
    first = torch.logsumexp(v1, 0) - math.log(3)
    torch.testing.assert_close(gan.log_z, first)
    v2 = torch.tensor([1.0, 1.0])
    gan.generator_loss_value(v2, update_log_z=True)
    torch.testing.assert_close(gan.log_z, 0.9 * first + 0.1 * log_partition_global(v2))


@pytest.mark.parametrize("name", divergences.names())
def test_boundary_seeking_zero_on_boundary(name):
    """Check that the boundary-seeking loss is 0 at each divergence's boundary logit (w = 1)."""
    v = torch.full((3,), divergences.get(name).boundary_logit, dtype=torch.float64)
    assert losses.boundary_seeking_loss(name, v).item() == pytest.approx(0.0, abs=1e-12)
