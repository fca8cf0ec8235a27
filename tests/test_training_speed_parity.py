"""The trainers' fast paths give the same numbers as the plain reference computations (no timing here).

Speed figures live in benchmarks/plain_loop.py; these tests only check equality, bit for bit: the
sampler against ``torch.multinomial``, ``one_hot`` against ``F.one_hot``, the trainer's diagnostics
against :mod:`bgan_teach.weights`, the lazy ``History`` against ``float(t.item())``, the fused
finiteness check against the per-quantity one, and ``train_discrete`` against a plain loop.
"""
from __future__ import annotations

import math
import pickle

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn
from threads import one_thread  # noqa: F401  (autouse: one torch thread)

from bgan_teach import weights
from bgan_teach.models.categorical import FEW_CATEGORIES, one_hot, sample_categorical
from bgan_teach.training import train_discrete
from bgan_teach.training.common import History, NonFiniteError, check_finite
from bgan_teach.training.discrete import diagnostics


@pytest.mark.parametrize("k", range(2, FEW_CATEGORIES + 2))
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("scale", [0.3, 4.0, 60.0])
def test_sampler_draws_what_multinomial_draws(k, dtype, scale):
    """Check that sample_categorical equals torch.multinomial on softmax(logits), and leaves the same RNG state."""
    logits = torch.randn(7, 5, k, dtype=dtype, generator=torch.Generator().manual_seed(k)) * scale
    logits[0, 0, 0] = -1e4                                           # a category of probability exactly 0
    for m in (2, 3, 20):
        ours, ref = torch.Generator().manual_seed(11), torch.Generator().manual_seed(11)
        want = torch.multinomial(torch.softmax(logits, -1).reshape(-1, k), m, replacement=True, generator=ref)
        got = sample_categorical(logits, m, ours)                       # (m, B, D)
        assert torch.equal(got, want.view(7, 5, m).permute(2, 0, 1))
        assert torch.equal(torch.rand(4, generator=ours), torch.rand(4, generator=ref))


def test_sampler_rejects_nan_logits():
    """Check that NaN logits raise a ValueError naming logits on the inverse-CDF path too."""
    logits = torch.zeros(2, 3, 2)
    logits[1, 2, 0] = float("nan")
    with pytest.raises(ValueError, match="logits"):
        sample_categorical(logits, 5, torch.Generator().manual_seed(0))


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_one_hot_equals_torch_one_hot(dtype):
    """Check that one_hot gives exactly F.one_hot(x, K).to(dtype), in that dtype and shape."""
    x = torch.randint(5, (4, 3, 6), generator=torch.Generator().manual_seed(0))
    got = one_hot(x, 5, dtype)
    assert got.dtype == dtype and torch.equal(got, F.one_hot(x, 5).to(dtype))


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_diagnostics_equal_the_weights_module(dtype):
    """Check that the trainer's diagnostics equal weights' ESS and log-partition bit for bit."""
    log_w = torch.randn(20, 9, dtype=dtype, generator=torch.Generator().manual_seed(1)) * 3
    got = diagnostics(log_w)
    assert torch.equal(got["ess"], weights.effective_sample_size_from_log_weights(log_w).mean())
    assert torch.equal(got["log_alpha"], weights.log_partition(log_w).mean())
    assert torch.equal(got["var_log_w"], log_w.var())
    assert all(v.dtype == dtype for v in got.values())


def test_lazy_history_equals_item_conversion():
    """Check that tensors stored in History read back as float(t.item()), float64 kept, in every accessor."""
    h = History()
    third = torch.tensor(1.0, dtype=torch.float64) / 3
    f32 = torch.tensor(0.1, dtype=torch.float32)
    for step in range(1, 6):
        h.append(step=step, a=third * step, b=f32 * step, c=torch.tensor([1.0, 2.0, 4.0]) * step)
        h.annotate(seconds=0.5 * step, d=torch.tensor(step))
    want_a = [float((third * s).item()) for s in range(1, 6)]
    assert h["a"].tolist() == want_a and want_a[0] != float(np.float32(want_a[0]))   # float64 precision kept
    assert h["b"].tolist() == [float((f32 * s).item()) for s in range(1, 6)]
    assert h["c"].tolist() == [float((torch.tensor([1.0, 2.0, 4.0]) * s).mean()) for s in range(1, 6)]
    assert h.keys() == ["step", "a", "b", "c", "seconds", "d"] and len(h) == 5
    assert h.last() == {"step": 5.0, "a": want_a[-1], "b": h["b"][-1], "c": h["c"][-1], "seconds": 2.5, "d": 5.0}
    assert all(type(v) is float for row in h.rows for v in row.values())


def test_lazy_history_last_then_more_rows_and_pickle():
    """Check that last() before later appends, a resolve at RESOLVE_EVERY rows and pickling all keep the values."""
    h = History()
    values = torch.linspace(0, 1, History.RESOLVE_EVERY + 7, dtype=torch.float64)
    for i, v in enumerate(values):
        h.append(step=i, v=v)
        if i == 3:
            assert h.last()["v"] == float(values[3])
    h.annotate(extra=torch.tensor(2.5))
    again = pickle.loads(pickle.dumps(h))
    assert again["v"].tolist() == values.tolist() == h["v"].tolist()
    assert again.last()["extra"] == 2.5 and np.isnan(again["extra"][:-1]).all()
    with pytest.raises(KeyError, match="recorded"):
        h["nope"]


def test_fused_check_finite_names_the_first_bad_quantity():
    """Check that the fused check still names the first non-finite quantity and the step, in order."""
    check_finite(3, a=torch.ones(4), b=torch.tensor(2.0), c=1.5)
    with pytest.raises(NonFiniteError, match=r"b became nan at step 7"):
        check_finite(7, a=torch.ones(3), b=torch.tensor([1.0, float("nan")]), c=torch.tensor(float("inf")))
    with pytest.raises(NonFiniteError, match=r"c became -inf at step 2"):
        check_finite(2, a=torch.ones(3), c=-math.inf)


def test_fused_check_finite_passes_an_overflowing_sum_of_finite_entries():
    """Check that finite entries whose sum overflows float32 are not reported (the per-quantity path decides)."""
    big = torch.full((4,), 3e38)                            # finite, but 4 · 3e38 overflows float32
    assert not torch.isfinite(big.sum())
    check_finite(1, big=big, other=torch.tensor(1.0))


def _mlp(sizes):
    layers = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers += [nn.Linear(a, b)] + ([nn.LeakyReLU(0.2)] if i < len(sizes) - 2 else [])
    return nn.Sequential(*layers)


def _plain_bgan(data, k, steps, b, m, noise, hidden, lr, critic_lr, seed):
    """The reference path: per-z BGAN on the GAN divergence in plain torch (the trainer's order of draws)."""
    n, d = data.shape
    torch.manual_seed(seed)
    gen, critic = _mlp([noise, hidden, hidden, d * k]), _mlp([d * k, hidden, hidden, 1])
    opt_g = torch.optim.Adam(gen.parameters(), lr=lr, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(critic.parameters(), lr=critic_lr, betas=(0.5, 0.999))
    rng, rows = torch.Generator().manual_seed(seed), []
    for _ in range(steps):
        x_real = F.one_hot(data[torch.randint(n, (b,), generator=rng)], k).float()           # (B, d, K)
        logits = gen(torch.randn(b, noise, generator=rng)).view(b, d, k)                     # (B, d, K)
        probs = torch.softmax(logits.detach(), -1).reshape(-1, k)
        x_fake = torch.multinomial(probs, m, True, generator=rng).view(b, d, m).permute(2, 0, 1)   # (M, B, d)
        v_fake = critic(F.one_hot(x_fake, k).float().flatten(0, 1).flatten(1)).view(m, b)   # (M, B)
        v_real = critic(x_real.flatten(1)).squeeze(-1)
        loss_d = F.softplus(-v_real).mean() + F.softplus(v_fake).mean()
        opt_d.zero_grad()
        loss_d.backward()
        opt_d.step()
        log_w = v_fake.detach()
        log_p = torch.log_softmax(logits, -1)
        log_g = log_p.expand(m, *log_p.shape).gather(-1, x_fake.unsqueeze(-1)).squeeze(-1).sum(-1)   # (M, B)
        loss_g = -(torch.softmax(log_w, 0) * log_g).sum(0).mean()
        opt_g.zero_grad()
        loss_g.backward()
        opt_g.step()
        lse = torch.logsumexp(log_w, 0)
        rows.append({"loss_d": loss_d.item(), "loss_g": loss_g.item(),
                     "ess": torch.exp(2 * lse - torch.logsumexp(2 * log_w, 0)).mean().item(),
                     "log_alpha": (lse - math.log(m)).mean().item(), "var_log_w": log_w.var().item()})
    return gen, critic, rows


@pytest.mark.parametrize("k", [2, 3, 6])
def test_train_discrete_equals_a_plain_loop(k):
    """Check that train_discrete's history and final weights equal a plain per-z BGAN loop's, bit for bit."""
    data = torch.randint(k, (50, 6), generator=torch.Generator().manual_seed(k))
    cfg = dict(steps=12, b=8, m=5, noise=4, hidden=16, lr=1e-3, critic_lr=3e-3, seed=2)
    gen, critic, rows = _plain_bgan(data, k, **cfg)
    res = train_discrete(data, k, steps=cfg["steps"], batch_size=cfg["b"], samples_per_z=cfg["m"],
                         noise_dim=cfg["noise"], hidden=cfg["hidden"], lr=cfg["lr"], critic_lr=cfg["critic_lr"],
                         seed=cfg["seed"], penalty=0.0, progress=False)
    for key in rows[0]:
        assert res.history[key].tolist() == [row[key] for row in rows], key
    for ours, ref in ((res.generator.net, gen), (res.critic.net, critic)):
        assert all(torch.equal(a, b) for a, b in zip(ours.parameters(), ref.parameters()))
