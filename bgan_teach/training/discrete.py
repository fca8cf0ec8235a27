r"""Discrete BGAN: :class:`DiscreteGAN` (a stepper) and ``train_discrete`` on integer data (N, d) in [0, K).

:meth:`DiscreteGAN.step` is the paper's discrete algorithm (docs/math.md §5.4), one line per equation:
sample $M$ per $z$ → critic update → $\log w$ → $\tilde w$ → generator loss → backward. Estimators
(:data:`ESTIMATORS`, docs/math.md §5.3-§5.7): ``"bgan"`` (per-z $\tilde w$, the paper's), ``"bgan_global"``
(β normalisation), ``"reinforce"`` (reward $\log w$ minus an EMA of $\log\hat\alpha$), ``"reinforce_loo"``
(the leave-one-out baseline from the same M samples, Kool et al. 2019) and ``"gumbel_softmax"``
(straight-through relaxed samples fed to the critic, non-saturating generator loss $-g_f(V)$; fixed τ, or
an annealed schedule with the authors' start and floor, ``gumbel_anneal``; docs/math.md §5.7).

NOTE(deviation): the authors draw fresh z and samples for the generator step; ``step()`` reuses the
step's samples and the critic outputs computed **before** the critic update (simultaneous updates). This
halves the critic passes; it is valid because samples and weights carry no gradient. ``critic_step()`` and
``generator_step()`` alone each draw a fresh batch.

Your own networks: ``generator=`` any module following
:class:`~bgan_teach.models.categorical.DiscreteGenerator` (``noise_dim``, ``num_positions``,
``num_categories``, ``noise(n, generator)``, ``forward(z)`` → (n, d, K) logits) and ``critic=`` any module
mapping float (N, d, K) → (N,). They are trained in place.
"""
from __future__ import annotations

import copy
import math

import torch

from .. import weights
from .._checks import choice, positive_int
from ..config import make_generator, seeded
from ..divergences import get
from ..estimators import (discrete_generator_loss, gumbel_softmax, gumbel_temperature, reinforce_generator_loss,
                          reinforce_loo_generator_loss)
from ..losses import discriminator_loss, ema, gradient_penalty, non_saturating_loss
from ..metrics.grid import MAX_CELLS, critic_table, exact_js, exact_kl, model_table
from ..models.categorical import (CategoricalGenerator, OneHotCritic, categorical_log_prob, check_generator,
                                  one_hot, sample_categorical)
from .common import Stepper, TrainResult, check_finite, fit
from .discrete_checks import check_data, check_options, check_target, shape_defaults

__all__ = ["DEFAULTS", "ESTIMATORS", "DiscreteGAN", "train_discrete", "shape_defaults"]

# The defaults, in one place; the three ``None`` follow from the data's shape (d positions, K categories) by
# the rule in :func:`shape_defaults`. One set for every data set we tried (benchmarks/defaults.py): the 32×32
# ring bar, binarised and 4-level digits (all 10 classes), text, 5 well-separated binary prototypes.
DEFAULTS = dict(samples_per_z=20, batch_size=64, lr=1e-3, critic_lr=None, penalty=None, noise_dim=16, hidden=None,
                betas=(0.5, 0.999), gumbel_tau=1.0, gumbel_anneal=0.0, metric_every=10, metric_num_z=2048)
REINFORCE_GAMMA = 0.95     # EMA of log α̂ for the REINFORCE baseline (the authors' PyTorch code)


def _loss_bgan(gan, log_w, log_g):
    return discrete_generator_loss(log_w, log_g, "per_z")        # −mean_b Σ_m sg[w̃] log g, w̃ = softmax_m log w


def _loss_bgan_global(gan, log_w, log_g):
    return discrete_generator_loss(log_w, log_g, "global")       # w̃ normalised over all M·B samples (× B)


def _loss_reinforce(gan, log_w, log_g):
    log_alpha = weights.log_partition(log_w).mean()                # mean_b log α̂(z_b)
    gan.baseline = log_alpha if gan.baseline is None else gan.baseline
    loss = reinforce_generator_loss(log_w, log_g, gan.baseline)    # reward log w − baseline
    gan.baseline = ema(gan.baseline, log_alpha, REINFORCE_GAMMA)
    return loss


def _loss_reinforce_loo(gan, log_w, log_g):
    return reinforce_loo_generator_loss(log_w, log_g)              # baseline: mean reward of the other M − 1


ESTIMATORS = {"bgan": _loss_bgan, "bgan_global": _loss_bgan_global, "reinforce": _loss_reinforce,
              "reinforce_loo": _loss_reinforce_loo,
              "gumbel_softmax": None}      # Gumbel-softmax differentiates through relaxed samples instead


def diagnostics(log_w: torch.Tensor) -> dict[str, torch.Tensor]:
    r"""mean_b ESS, var(log w) and mean_b log α̂ (docs/math.md §4.3 and §5.4), as 0-d tensors.

    $\mathrm{ESS}_b = \exp(2\,\mathrm{LSE}_m \log w - \mathrm{LSE}_m 2\log w)$ and
    $\log\hat\alpha_b = \mathrm{LSE}_m \log w - \log M$ share one $\mathrm{LSE}_m \log w$; the same
    operations as :func:`~bgan_teach.weights.effective_sample_size_from_log_weights` and
    :func:`~bgan_teach.weights.log_partition` (so the same numbers), without their input checks:
    ``log_w`` comes from critic outputs the trainer has just checked.
    """
    lse = torch.logsumexp(log_w, 0)                                               # (B,)
    return dict(ess=torch.exp(2 * lse - torch.logsumexp(2 * log_w, 0)).mean(),
                var_log_w=log_w.var() if log_w.numel() > 1 else torch.zeros(()),
                log_alpha=(lse - math.log(log_w.shape[0])).mean())


class DiscreteGAN(Stepper):
    """Discrete BGAN state: networks, optimisers, noise stream, history, snapshots. The twin of ``ContinuousGAN``.

    ``data``: integer (N, d) in [0, ``num_categories``). ``options``: keys of :data:`DEFAULTS`. ``target``:
    an exact table of shape (K,)*d, for exact JS/KL in the history and q / log w tables in snapshots.
    """

    def __init__(self, data, num_categories: int, divergence="gan", estimator: str = "bgan", *, seed: int = 0,
                 generator=None, critic=None, target=None, device: str | torch.device = "cpu", **options):
        self.data = check_data(data, num_categories)
        self.k, self.d = int(num_categories), self.data.shape[1]
        self.divergence, self.estimator = get(divergence), choice(estimator, ESTIMATORS, "estimator")
        self.options = check_options({**DEFAULTS, **options}, self.d, self.k, DEFAULTS)
        if estimator == "reinforce_loo" and self.options["samples_per_z"] < 2:
            raise ValueError("estimator 'reinforce_loo' needs samples_per_z >= 2 (the baseline of each sample "
                             f"is the mean reward of the other M - 1); got samples_per_z={self.options['samples_per_z']}")
        self.seed, self.device = positive_int(seed, "seed", 0), torch.device(device)
        self.target = check_target(target, self.d, self.k)
        self._given = [(m, None if m is None else copy.deepcopy(m.state_dict())) for m in (generator, critic)]
        self.name = f"discrete GAN ({estimator})"             # the progress bar: BGAN or a baseline estimator
        self.reset()

    def reset(self) -> None:
        """Back to the initial networks (or the given ones as they are), optimisers and noise stream."""
        o = self.options
        for module, state in self._given:
            if module is not None:
                module.load_state_dict(state)                     # your modules, back to how you gave them
        (generator, _), (critic, _) = self._given
        with seeded(self.seed):
            if generator is None:
                generator = CategoricalGenerator(self.d, self.k, noise_dim=o["noise_dim"], hidden=o["hidden"])
            if critic is None:
                critic = OneHotCritic(self.d, self.k, hidden=o["hidden"])
        check_generator(generator, self.d, self.k)
        self.generator, self.critic = generator.to(self.device), critic.to(self.device)
        self.opt_g = torch.optim.Adam(self.generator.parameters(), lr=o["lr"], betas=o["betas"])
        self.opt_d = torch.optim.Adam(self.critic.parameters(), lr=o["critic_lr"], betas=o["betas"])
        self.data, self.rng = self.data.to(self.device), make_generator(self.seed, self.device)
        self.baseline, self._last_d = None, {}
        self._clear()

    # --- batches and updates ---------------------------------------------------------------
    def real_batch(self) -> torch.Tensor:
        idx = torch.randint(len(self.data), (self.options["batch_size"],), generator=self.rng, device=self.device)
        return one_hot(self.data[idx], self.k)                                     # (B, d, K)

    def generator_logits(self) -> torch.Tensor:
        logits = self.generator(self.generator.noise(self.options["batch_size"], self.rng))   # (B, d, K)
        check_finite(self.steps + 1, generator_logits=logits)
        return logits

    def update_critic(self, x_real: torch.Tensor, v_fake: torch.Tensor) -> torch.Tensor:
        """One Adam step on −bound(V(x_real), v_fake) (+ penalty·E_P‖∇V‖²); checked before it is applied."""
        loss_d = discriminator_loss(self.divergence, self.critic(x_real), v_fake)
        if self.options["penalty"] > 0:
            loss_d = loss_d + self.options["penalty"] * gradient_penalty(self.critic, x_real)
        check_finite(self.steps + 1, critic_output=v_fake, loss_d=loss_d)
        self.opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        self.opt_d.step()
        return loss_d.detach()

    def update_generator(self, loss_g: torch.Tensor) -> torch.Tensor:
        check_finite(self.steps + 1, loss_g=loss_g)
        self.opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        self.opt_g.step()
        return loss_g.detach()

    # --- one step --------------------------------------------------------------------------
    def step(self) -> None:
        r"""One training step of discrete BGAN (docs/math.md §5.4); appends its row to ``self.history``."""
        m, b = self.options["samples_per_z"], self.options["batch_size"]
        x_real = self.real_batch()                                                 # (B, d, K) one-hot data
        logits = self.generator_logits()                                           # (B, d, K): g(x | z_b)
        if self.estimator == "gumbel_softmax":
            return self._gumbel_step(x_real, logits)
        x_fake = sample_categorical(logits, m, self.rng)                           # (M, B, d): M per z, no grad
        v_fake = self.critic(one_hot(x_fake, self.k).flatten(0, 1)).view(m, b)     # (M, B) raw critic outputs
        log_w = self.divergence.log_weight(v_fake.detach())                        # (M, B) log w = log (f*)'(T)
        loss_d = self.update_critic(x_real, v_fake)                                # critic: ascend the bound
        log_g = categorical_log_prob(logits, x_fake)                               # (M, B) log g(x^(m)|z_b), to θ
        loss_g = ESTIMATORS[self.estimator](self, log_w, log_g)                    # bgan: −mean_b Σ_m w̃ log g
        self.update_generator(loss_g)                                              # only log g carries θ
        self.record(loss_d=loss_d, loss_g=loss_g.detach(), **diagnostics(log_w))

    def _gumbel_step(self, x_real, logits) -> None:
        m, b = self.options["samples_per_z"], self.options["batch_size"]
        relaxed = gumbel_softmax(logits.expand(m, *logits.shape), self.temperature(), True, self.rng)
        relaxed = relaxed.flatten(0, 1)                                            # (M·B, d, K), one-hot values
        v_fake = self.critic(relaxed.detach())                                     # (M·B,)
        loss_d = self.update_critic(x_real, v_fake)
        loss_g = self.update_generator(non_saturating_loss(self.divergence, self.critic(relaxed)))
        self.record(loss_d=loss_d, loss_g=loss_g, **diagnostics(self.divergence.log_weight(v_fake.detach()).view(m, b)))

    def temperature(self) -> float:
        r"""Gumbel-softmax τ at this step: ``gumbel_tau``, or with ``gumbel_anneal`` = r > 0 the annealed
        schedule (the authors' floor 0.5; docs/math.md §5.7) $\max(\tau_0 e^{-r\,t}, 0.5)$ (:func:`~bgan_teach.estimators.gumbel_temperature`)."""
        tau, rate = self.options["gumbel_tau"], self.options["gumbel_anneal"]
        return gumbel_temperature(self.steps, start=tau, rate=rate) if rate > 0 else tau

    def critic_step(self) -> None:
        """One critic update alone, on a fresh batch; does not count as a step."""
        m, b = self.options["samples_per_z"], self.options["batch_size"]
        with torch.no_grad():
            x_fake = sample_categorical(self.generator_logits(), m, self.rng)       # (M, B, d)
        v_fake = self.critic(one_hot(x_fake, self.k).flatten(0, 1)).view(m, b)     # (M, B)
        self._last_d = {"loss_d": self.update_critic(self.real_batch(), v_fake)}

    def generator_step(self) -> None:
        """One generator update alone, on a fresh batch, against the current critic; counts as a step."""
        m, b = self.options["samples_per_z"], self.options["batch_size"]
        logits = self.generator_logits()                                           # (B, d, K)
        x_fake = sample_categorical(logits, m, self.rng)                           # (M, B, d)
        with torch.no_grad():
            log_w = self.divergence.log_weight(self.critic(one_hot(x_fake, self.k).flatten(0, 1)).view(m, b))
        estimator = ESTIMATORS[self.estimator] or _loss_bgan
        loss_g = self.update_generator(estimator(self, log_w, categorical_log_prob(logits, x_fake)))
        self.record(**self._last_d, loss_g=loss_g, **diagnostics(log_w))

    # --- what the loop records besides the step -----------------------------------------------
    def step_metrics(self, final: bool) -> dict[str, float]:
        """Exact JS and KL to the target every ``metric_every`` steps (and at steps 1 and the last)."""
        if self.target is None or not (final or self.steps == 1 or self.steps % self.options["metric_every"] == 0):
            return {}
        q = model_table(self.generator, num_z=self.options["metric_num_z"])
        return {"js": exact_js(self.target, q), "kl": exact_kl(self.target, q)}

    def snapshot_extras(self) -> dict:
        """With a target: the model table q, the critic's log w table and exact JS/KL (instant redraws)."""
        if self.target is None or self.k ** self.d > MAX_CELLS:
            return {}
        q = model_table(self.generator, num_z=self.options["metric_num_z"])
        return {"q": q.numpy(), "log_w": critic_table(self.critic, self.divergence, self.d, self.k).numpy(),
                "js": exact_js(self.target, q), "kl": exact_kl(self.target, q)}

    def sample(self, n: int, seed: int | torch.Generator = 0) -> torch.Tensor:
        """n samples (n, d) from the generator's marginal, drawn with ``seed``."""
        return sample_from(self.generator, n, seed)


def sample_from(generator, n: int, seed: int | torch.Generator = 0) -> torch.Tensor:
    """n samples (n, d) from any generator following the protocol (noise → logits → one draw per position)."""
    rng = make_generator(seed)
    with torch.no_grad():
        return sample_categorical(generator(generator.noise(positive_int(n, "n"), rng)), None, rng)


def train_discrete(data, num_categories: int, divergence="gan", estimator: str = "bgan",
                   samples_per_z: int = DEFAULTS["samples_per_z"], steps: int = 2000,
                   batch_size: int = DEFAULTS["batch_size"], lr: float = DEFAULTS["lr"], seed: int = 0,
                   snapshot_every: int | None = None, progress: bool = True, *, generator=None, critic=None,
                   target=None, snapshot_fn=None, time_limit: float | None = None, device: str = "cpu",
                   **options) -> TrainResult:
    r"""Train a discrete generator with BGAN (or a baseline) on integer data (N, d) in [0, K); a ``TrainResult``.

    ``divergence``: a name in :data:`bgan_teach.DIVERGENCES` or a ``Divergence``. ``estimator``: a key of
    :data:`ESTIMATORS`. ``samples_per_z`` = M (M = 1 is allowed, to show it gives no signal). ``lr`` and
    ``critic_lr``: Adam rates; ``critic_lr``, ``penalty`` and ``hidden`` default from the data's shape
    (:func:`shape_defaults`: 3·lr, 0.2/K, a width from d·K); other ``options`` (``penalty``, ``noise_dim``, ``hidden``,
    ``betas``, ``gumbel_tau``, ``gumbel_anneal``, ``metric_every``, ``metric_num_z``) default to :data:`DEFAULTS`.
    ``generator`` / ``critic``: your own modules (protocol in :mod:`bgan_teach.models.categorical`),
    otherwise MLPs built under ``seed``. ``target``: exact table (K,)*d; then the history gets exact ``js`` /
    ``kl`` every ``metric_every`` steps (NaN in between) and snapshots carry ``q``, ``log_w``, ``js``.
    ``snapshot_fn(trainer) -> dict`` adds your own extras to every snapshot; ``snapshot_every`` defaults to
    steps // 20 (snapshot 0 is the untrained model, the last step always has one). ``time_limit`` (seconds
    of training, metrics excluded) stops early.

    History per step: ``step``, ``loss_d``, ``loss_g``, ``ess`` (mean_b, in [1, M]), ``var_log_w``,
    ``log_alpha``, ``seconds``. Same seed → same result on CPU. A NaN/inf stops training with a warning;
    ``result.stopped`` says where, the history is kept and the networks are the last finite ones.
    """
    options.update(samples_per_z=samples_per_z, batch_size=batch_size, lr=lr)
    gan = DiscreteGAN(data, num_categories, divergence, estimator, seed=seed, generator=generator, critic=critic,
                      target=target, device=device, **options)
    config = dict(gan.options, divergence=gan.divergence.name, estimator=estimator, seed=gan.seed,
                  num_categories=gan.k, num_positions=gan.d)
    return fit(gan, steps, snapshot_every, snapshot_fn, progress, time_limit, config)
