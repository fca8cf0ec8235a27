"""A NaN at a chosen step stops every trainer the same way: the message names the quantity and that step, the
history up to it is kept, the failing update is not applied and the returned networks are finite."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
from torch import nn

from bgan_teach.data import ring, ring_grid
from bgan_teach.divergences.rows import GAN
from bgan_teach.models.categorical import OneHotCritic
from bgan_teach.training import ContinuousGAN, fit_bound, train_discrete

FAIL_AT = 4


class NaNAfter(nn.Module):
    """Wraps a critic; its outputs become NaN from the ``fail_at``-th training step on (counted by ``tick``)."""

    def __init__(self, inner: nn.Module, calls_per_step: int, fail_at: int = FAIL_AT):
        super().__init__()
        self.inner, self.calls, self.limit = inner, 0, calls_per_step * (fail_at - 1)

    def forward(self, x):
        self.calls += 1
        v = self.inner(x)
        return v * float("nan") if self.calls > self.limit else v


def _finite(module: nn.Module) -> bool:
    return all(bool(torch.isfinite(p).all()) for p in module.parameters())


def _params(module: nn.Module) -> list[torch.Tensor]:
    return [p.detach().clone() for p in module.parameters()]


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return fn(*args, **kwargs)


def test_discrete_nan_critic_stops_before_the_update():
    """Check train_discrete: a NaN critic output at step 4 names critic_output and step 4, keeps 3 rows, and
    returns the networks exactly as a clean 3-step run leaves them (the failing update was not applied)."""
    grid = ring_grid(8)
    data = grid.sample(500, torch.Generator().manual_seed(0))
    kw = dict(samples_per_z=3, batch_size=8, noise_dim=4, hidden=8, seed=0, penalty=0.0, progress=False)
    clean = train_discrete(data, 8, steps=FAIL_AT - 1, critic=_critic(), **kw)
    critic = NaNAfter(_critic(), calls_per_step=2)                          # v_fake and v_real per step
    with pytest.warns(RuntimeWarning, match=f"critic_output became nan at step {FAIL_AT}"):
        res = train_discrete(data, 8, steps=10, critic=critic, **kw)
    assert res.stopped and len(res.history) == FAIL_AT - 1
    assert _finite(res.generator) and _finite(res.critic.inner)
    for a, b in zip(_params(res.generator), _params(clean.generator)):
        torch.testing.assert_close(a, b, rtol=0, atol=0)
    for a, b in zip(_params(res.critic.inner), _params(clean.critic)):
        torch.testing.assert_close(a, b, rtol=0, atol=0)


def _critic() -> OneHotCritic:
    """The same small one-hot critic every time (built under a fixed seed)."""
    from bgan_teach.config import seeded
    with seeded(7):
        return OneHotCritic(2, 8, hidden=8)


def test_discrete_nan_generator_logits_stop_with_a_message():
    """Check that NaN generator logits (lr far too large) stop with a message instead of a sampler crash."""
    grid = ring_grid(8)
    data = grid.sample(500, torch.Generator().manual_seed(0))
    res = _quiet(train_discrete, data, 8, steps=30, lr=1e30, samples_per_z=3, batch_size=8, noise_dim=4, hidden=8,
                 progress=False)
    assert res.stopped is not None and "became" in res.stopped and "at step" in res.stopped
    assert _finite(res.generator) and _finite(res.critic) and len(res.history) >= 1


def test_continuous_nan_critic_stops_before_the_update():
    """Check ContinuousGAN: a NaN critic output at step 4 names the loss and step 4, keeps 3 rows, and leaves
    finite networks equal to those of a clean 3-step run."""
    small = dict(batch_size=16, hidden=8, layers=1, components=0, data_init=False)
    clean = ContinuousGAN(ring(), seed=0, **small)
    clean.train(FAIL_AT - 1)
    gan = ContinuousGAN(ring(), seed=0, **small)
    gan.critic = NaNAfter(gan.critic, calls_per_step=3)      # critic step: real + fake; generator step: fake
    gan.opt_d = torch.optim.Adam(gan.critic.parameters(), lr=gan.options["critic_lr"], betas=gan.options["betas"])
    with pytest.warns(RuntimeWarning, match=f"became nan at step {FAIL_AT}"):
        message = gan.train(10)
    assert message and len(gan.history) == FAIL_AT - 1
    assert _finite(gan.generator) and _finite(gan.critic.inner)
    for a, b in zip(_params(gan.generator), _params(clean.generator)):
        torch.testing.assert_close(a, b, rtol=0, atol=0)
    for a, b in zip(_params(gan.critic.inner), _params(clean.critic)):
        torch.testing.assert_close(a, b, rtol=0, atol=0)


class NaNBoundAt(GAN):
    """The GAN row, except that its Monte Carlo bound is NaN from the ``fail_at``-th call on."""

    def __init__(self, fail_at: int):
        self.calls, self.fail_at = 0, fail_at

    def bound(self, v_real, v_fake):
        self.calls += 1
        value = super().bound(v_real, v_fake)
        return value * float("nan") if self.calls >= self.fail_at else value


P = torch.tensor([0.1, 0.4, 0.5], dtype=torch.float64)
Q = torch.tensor([0.3, 0.3, 0.4], dtype=torch.float64)


def test_fit_bound_nan_stops_before_the_update():
    """Check fit_bound: a NaN bound at step 3 (steps count from 0) names bound and step 3, keeps 3 rows, and the
    critic equals the clean run's after its first 3 updates."""
    clean = fit_bound(P, Q, "gan", steps=10, batch_size=16, seed=1, snapshot_every=1)
    with pytest.warns(RuntimeWarning, match="bound became nan at step 3"):
        res = fit_bound(P, Q, NaNBoundAt(4), steps=10, batch_size=16, seed=1, snapshot_every=1)
    assert len(res.history) == 3 and _finite(res.critic)
    after_three = clean.snapshots[3].extras["v"]                          # v after 3 updates of the clean run
    torch.testing.assert_close(res.critic.v.detach(), after_three, rtol=0, atol=0)
    assert np.isfinite(res.final_bound)


def test_fit_bound_stopped_at_step_zero_still_has_a_final_bound():
    """Check that a stop at step 0 keeps a snapshot of the start, so final_bound is a number, not IndexError."""
    with pytest.warns(RuntimeWarning, match="at step 0"):
        res = fit_bound(P, Q, NaNBoundAt(1), steps=5, batch_size=16, seed=1)
    assert len(res.history) == 0 and len(res.snapshots) == 1
    assert res.final_bound == pytest.approx(float(GAN().weighted_bound(torch.zeros(3, dtype=torch.float64), P, Q)))


def test_float64_bound_is_not_a_false_alarm():
    """Check that a float64 bound far below the float32 range (about -7e42) does not stop fitting: the finiteness
    check uses the value's own dtype."""
    from bgan_teach.training.common import check_finite
    check_finite(1, bound=torch.tensor(-7e42, dtype=torch.float64))
    with pytest.raises(FloatingPointError, match="bound became -inf at step 1"):
        check_finite(1, bound=torch.tensor(-7e42, dtype=torch.float64).float())
