r"""``train_discrete``: BGAN (and baselines) on any integer data (N, D) with values in [0, K).

One step (bgan-math.md §3.3), shapes in brackets:

1. real batch $x$ [B, D]; noise $z$ [B, d_z]; logits $\ell = G(z)$ [B, D, K];
2. $M$ samples per z, $x^{(m)}\sim g(\cdot\mid z_b)$ [M, B, D], drawn without gradient;
3. critic $V$ on one-hot inputs: $V_{real}$ [B], $V_{fake}$ [M, B]; $\log w = $ ``div.log_weight(V_fake)``;
4. critic step on $-\big(\mathbb E_P[g_f(V)] - \mathbb E_Q[f^*(g_f(V))]\big)$ (+ optional gradient penalty);
5. generator step on the chosen estimator (:mod:`bgan_teach.estimators`) with $\log g$ [M, B].

Estimators: ``"bgan"`` (per-z w̃, the paper's), ``"bgan_global"`` (β normalisation), ``"reinforce"``
(reward log w − EMA of log α̂) and ``"gumbel_softmax"`` (straight-through relaxed samples fed to the
critic, non-saturating generator loss −g_f(V), bgan-math.md §6.7).

NOTE(deviation): the authors draw fresh z and samples for the generator step; we reuse the step's
samples and the critic outputs computed **before** the critic update (simultaneous updates, as the
kklemon port). This halves the critic passes; it is valid because samples and weights are detached.

Plugging in your own networks: ``generator=`` any module following
:class:`~bgan_teach.models.categorical.DiscreteGenerator` (``noise_dim``, ``num_positions``,
``num_categories``, ``noise(n, generator)``, ``forward(z)`` → (n, D, K) logits) and ``critic=`` any
module mapping float (N, D, K) → (N,). They are trained in place.
"""
from __future__ import annotations

import math
import time

import torch

from .. import weights
from ..config import make_generator, seeded
from ..divergences import get, names
from ..estimators import discrete_generator_loss, gumbel_softmax, reinforce_generator_loss
from ..losses import discriminator_loss, ema, gradient_penalty, non_saturating_loss
from ..metrics.grid import MAX_CELLS, critic_table, exact_js, exact_kl, model_table
from ..models.categorical import (CategoricalGenerator, OneHotCritic, categorical_log_prob, check_generator,
                                  one_hot, sample_categorical)
from .common import (History, NonFiniteError, TrainResult, check_finite, positive_float, positive_int,
                     progress as progress_range, take_snapshot, warn_stopped)

__all__ = ["train_discrete", "ESTIMATORS"]

ESTIMATORS = ("bgan", "bgan_global", "reinforce", "gumbel_softmax")
REINFORCE_GAMMA = 0.95     # EMA of log α̂ for the REINFORCE baseline (cortex)


def _check_data(data, num_categories: int) -> torch.Tensor:
    num_categories = positive_int(num_categories, "num_categories", minimum=2)
    if not isinstance(data, torch.Tensor):
        try:
            data = torch.as_tensor(data)
        except (TypeError, ValueError, RuntimeError) as err:
            raise ValueError(f"data must be an integer array (N, D); got {type(data).__name__}") from err
    if data.dtype.is_floating_point or data.dtype.is_complex or data.dtype == torch.bool:
        raise ValueError(f"data must hold integer categories (e.g. a LongTensor); got dtype {data.dtype}")
    if data.ndim != 2 or data.shape[0] < 1 or data.shape[1] < 1:
        raise ValueError(f"data must have shape (N, D) with N, D >= 1; got {tuple(data.shape)}")
    if data.min() < 0 or data.max() >= num_categories:
        raise ValueError(f"data values must lie in [0, num_categories) = [0, {num_categories}); "
                         f"got min {int(data.min())}, max {int(data.max())}")
    return data.long()


def _check_choice(value, allowed, name: str) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {list(allowed)}; got {value!r}")


def _check_target(target, d: int, k: int) -> torch.Tensor | None:
    if target is None:
        return None
    if k**d > MAX_CELLS:
        raise ValueError(f"target tables need K^D <= {MAX_CELLS} cells; got K^D = {k}^{d}")
    target = torch.as_tensor(target, dtype=torch.float64)
    if target.shape != (k,) * d:
        raise ValueError(f"target must be a probability table of shape {(k,) * d}; got {tuple(target.shape)}")
    if (target < 0).any() or abs(float(target.sum()) - 1) > 1e-6:
        raise ValueError("target must be non-negative and sum to 1")
    return target


def _build(cfg: dict, d: int, k: int, generator, critic, device):
    with seeded(cfg["seed"]):
        if generator is None:
            generator = CategoricalGenerator(d, k, noise_dim=cfg["noise_dim"], hidden=cfg["hidden"])
        if critic is None:
            critic = OneHotCritic(d, k, hidden=cfg["hidden"])
    check_generator(generator, d, k)
    return generator.to(device), critic.to(device)


class _Loop:
    """The state one training run carries between steps (networks, optimisers, rng, baseline)."""

    def __init__(self, data, k, cfg, generator, critic, device):
        self.data, self.k, self.cfg, self.div = data.to(device), k, cfg, get(cfg["divergence"])
        self.gen, self.critic = generator, critic
        self.opt_g = torch.optim.Adam(generator.parameters(), lr=cfg["lr"], betas=cfg["betas"])
        self.opt_d = torch.optim.Adam(critic.parameters(), lr=cfg["critic_lr"], betas=cfg["betas"])
        self.rng = make_generator(cfg["seed"], device)
        self.baseline = None

    def critic_update(self, step, real, v_fake) -> torch.Tensor:
        v_real = self.critic(real)                                               # (B,)
        loss_d = discriminator_loss(self.div, v_real, v_fake)
        if self.cfg["penalty"] > 0:
            loss_d = loss_d + self.cfg["penalty"] * gradient_penalty(self.critic, real)
        check_finite(step, critic_output=v_fake, loss_d=loss_d)
        self.opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        self.opt_d.step()
        return loss_d.detach()

    def generator_update(self, step, loss_g) -> torch.Tensor:
        check_finite(step, loss_g=loss_g)
        self.opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        self.opt_g.step()
        return loss_g.detach()

    def batch(self):
        cfg = self.cfg
        idx = torch.randint(len(self.data), (cfg["batch_size"],), generator=self.rng, device=self.data.device)
        real = one_hot(self.data[idx], self.k)                                   # (B, D, K)
        logits = self.gen(self.gen.noise(cfg["batch_size"], self.rng))           # (B, D, K)
        return real, logits

    def step(self, step: int) -> dict[str, torch.Tensor]:
        real, logits = self.batch()
        if self.cfg["estimator"] == "gumbel_softmax":
            return self.gumbel_step(step, real, logits)
        m, b = self.cfg["samples_per_z"], self.cfg["batch_size"]
        x_fake = sample_categorical(logits, m, self.rng)                         # (M, B, D)
        v_fake = self.critic(one_hot(x_fake, self.k).flatten(0, 1)).view(m, b)   # (M, B)
        log_w = self.div.log_weight(v_fake.detach())                             # (M, B)
        loss_d = self.critic_update(step, real, v_fake)
        log_g = categorical_log_prob(logits, x_fake)                             # (M, B), graph to θ
        loss_g = self.generator_update(step, self.generator_loss(log_w, log_g))
        return dict(loss_d=loss_d, loss_g=loss_g, **_diagnostics(log_w))

    def generator_loss(self, log_w, log_g) -> torch.Tensor:
        estimator = self.cfg["estimator"]
        if estimator == "reinforce":
            log_alpha = weights.log_partition(log_w).mean()
            self.baseline = log_alpha if self.baseline is None else self.baseline
            loss = reinforce_generator_loss(log_w, log_g, self.baseline)
            self.baseline = ema(self.baseline, log_alpha, REINFORCE_GAMMA)
            return loss
        return discrete_generator_loss(log_w, log_g, "global" if estimator == "bgan_global" else "per_z")

    def gumbel_step(self, step, real, logits) -> dict[str, torch.Tensor]:
        m, b = self.cfg["samples_per_z"], self.cfg["batch_size"]
        relaxed = gumbel_softmax(logits.expand(m, *logits.shape), self.cfg["gumbel_tau"], True, self.rng)
        relaxed = relaxed.flatten(0, 1)                                          # (M·B, D, K), one-hot values
        v_fake = self.critic(relaxed.detach())                                   # (M·B,)
        loss_d = self.critic_update(step, real, v_fake)
        loss_g = self.generator_update(step, non_saturating_loss(self.div, self.critic(relaxed)))
        return dict(loss_d=loss_d, loss_g=loss_g, **_diagnostics(self.div.log_weight(v_fake.detach()).view(m, b)))


def _diagnostics(log_w: torch.Tensor) -> dict[str, torch.Tensor]:
    """mean_b ESS, var(log w) and mean_b log α̂ (bgan-math.md §2.9 and §3.3 step 12)."""
    return dict(ess=weights.effective_sample_size_from_log_weights(log_w).mean(),
                var_log_w=log_w.var() if log_w.numel() > 1 else torch.zeros(()),
                log_alpha=weights.log_partition(log_w).mean())


def _grid_extras(loop: _Loop, target) -> dict:
    """Per-snapshot arrays for instant slider redraws: model table q, critic log w table, exact JS/KL."""
    if loop.k ** loop.gen.num_positions > MAX_CELLS:
        return {}
    q = model_table(loop.gen, num_z=loop.cfg["metric_num_z"])
    extras = {"q": q.numpy(), "log_w": critic_table(loop.critic, loop.div, loop.gen.num_positions, loop.k).numpy()}
    if target is not None:
        extras.update(js=exact_js(target, q), kl=exact_kl(target, q))
    return extras


def _snapshot(loop: _Loop, step: int, target, snapshot_fn):
    extras = _grid_extras(loop, target) if target is not None else {}
    if snapshot_fn is not None:
        extras.update(snapshot_fn(loop.gen, loop.critic))
    return take_snapshot(step, loop.gen, loop.critic, **extras)


def _metrics(loop: _Loop, target) -> dict[str, float]:
    q = model_table(loop.gen, num_z=loop.cfg["metric_num_z"])
    return {"js": exact_js(target, q), "kl": exact_kl(target, q)}


def train_discrete(data, num_categories: int, divergence: str = "gan", estimator: str = "bgan",
                   samples_per_z: int = 20, steps: int = 2000, batch_size: int = 64, lr: float = 3e-4,
                   seed: int = 0, snapshot_every: int | None = None, progress: bool = True, *,
                   generator=None, critic=None, critic_lr: float | None = None, penalty: float = 0.0,
                   noise_dim: int = 16, hidden: int = 128, target=None, metric_every: int = 10,
                   metric_num_z: int = 2048, gumbel_tau: float = 1.0, betas=(0.5, 0.999),
                   snapshot_fn=None, time_limit: float | None = None, device: str = "cpu") -> TrainResult:
    r"""Train a discrete generator with BGAN (or a baseline) on integer data (N, D) in [0, K).

    ``data``: LongTensor / integer array (N, D), a learner's own data works. ``num_categories`` = K.
    ``divergence``: any name in :data:`bgan_teach.DIVERGENCES`. ``estimator``: one of
    :data:`ESTIMATORS`. ``samples_per_z`` = M (M = 1 is allowed, to show it gives no signal).
    ``lr`` / ``critic_lr`` (default 10·lr): Adam rates (β = ``betas``); the defaults 3e-4 / 3e-3 were
    tuned on the 32×32 ring (a critic ten times faster than the generator, as in issue 3's plain setup). ``penalty``: weight of the
    squared-gradient penalty on the critic at real points (cortex uses 5). ``generator`` / ``critic``:
    your own modules (protocol in :mod:`bgan_teach.models.categorical`); otherwise MLPs with
    ``noise_dim`` and ``hidden``, built under ``seed``. ``target``: exact table (K,)*D; then the
    history gets exact ``js`` / ``kl`` every ``metric_every`` steps (NaN in between; averaged over
    ``metric_num_z`` fixed noise vectors, see :mod:`bgan_teach.metrics.grid`) and snapshots carry
    ``q``, ``log_w``, ``js``. ``snapshot_fn(generator, critic) -> dict`` adds your own extras.
    ``snapshot_every`` defaults to steps // 20; snapshot 0 is the untrained model. ``time_limit``
    (seconds of training, metrics excluded) stops early; the last step then gets a snapshot too.

    History per step: ``step``, ``loss_d``, ``loss_g``, ``ess`` (mean_b, in [1, M]), ``var_log_w``,
    ``log_alpha``, ``seconds`` (training time, metrics excluded). Same seed → same result on CPU.
    A NaN/inf stops training with a warning; ``result.stopped`` says where, the history is kept.
    """
    data = _check_data(data, num_categories)
    _check_choice(divergence, names(), "divergence")
    _check_choice(estimator, ESTIMATORS, "estimator")
    d, k = data.shape[1], int(num_categories)
    steps = positive_int(steps, "steps")
    cfg = dict(divergence=divergence, estimator=estimator, seed=int(seed), lr=positive_float(lr, "lr"),
               samples_per_z=positive_int(samples_per_z, "samples_per_z"),
               batch_size=positive_int(batch_size, "batch_size"), steps=steps,
               critic_lr=positive_float(10 * lr if critic_lr is None else critic_lr, "critic_lr"),
               penalty=_non_negative(penalty, "penalty"), noise_dim=positive_int(noise_dim, "noise_dim"),
               hidden=positive_int(hidden, "hidden"), metric_every=positive_int(metric_every, "metric_every"),
               metric_num_z=positive_int(metric_num_z, "metric_num_z"),
               gumbel_tau=positive_float(gumbel_tau, "gumbel_tau"), betas=tuple(betas),
               time_limit=math.inf if time_limit is None else positive_float(time_limit, "time_limit"))
    every = positive_int(snapshot_every if snapshot_every is not None else max(1, steps // 20), "snapshot_every")
    target = _check_target(target, d, k)
    loop = _Loop(data, k, cfg, *_build(cfg, d, k, generator, critic, device), device)
    return _run(loop, target, every, snapshot_fn, progress)


def _run(loop: _Loop, target, every: int, snapshot_fn, show: bool) -> TrainResult:
    history, snapshots, stopped, elapsed = History(), [_snapshot(loop, 0, target, snapshot_fn)], None, 0.0
    try:
        for i in progress_range(loop.cfg["steps"], show, f"BGAN ({loop.cfg['estimator']})"):
            start = time.perf_counter()
            row = loop.step(i + 1)
            elapsed += time.perf_counter() - start
            if target is not None and ((i + 1) % loop.cfg["metric_every"] == 0 or i == 0
                                       or i + 1 == loop.cfg["steps"] or elapsed >= loop.cfg["time_limit"]):
                row.update(_metrics(loop, target))
            history.append(step=i + 1, seconds=elapsed, **row)
            out_of_time = elapsed >= loop.cfg["time_limit"]
            if (i + 1) % every == 0 or i + 1 == loop.cfg["steps"] or out_of_time:
                snapshots.append(_snapshot(loop, i + 1, target, snapshot_fn))
            if out_of_time:
                break
    except NonFiniteError as err:
        stopped = warn_stopped(err)
    config = dict(loop.cfg, num_categories=loop.k, num_positions=loop.gen.num_positions, snapshot_every=every)
    return TrainResult(loop.gen, loop.critic, history, snapshots, config, stopped, elapsed)


def _non_negative(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < math.inf:
        raise ValueError(f"{name} must be a non-negative finite number; got {value!r}")
    return float(value)

