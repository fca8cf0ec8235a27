r"""Continuous BGAN: :class:`ContinuousGAN` (a stepper) and ``train_continuous`` (docs/math.md §6).

Critic: minimise the negative f-GAN bound (:func:`~bgan_teach.losses.discriminator_loss`), optionally
plus $\lambda\,\mathbb E_P\|\nabla_x V\|^2$ (:func:`~bgan_teach.losses.gradient_penalty`). Generator: a row of
:data:`~bgan_teach.generator_losses.GENERATOR_LOSSES` — ``"boundary_seeking"`` ($\tfrac12(\log w)^2$, the
paper's; GAN case $\tfrac12 V^2$), ``"boundary_seeking_log_z"`` ($\tfrac12(\log w - \log Z)^2$, $\log Z$ an
EMA of $\log\hat\beta$), ``"non_saturating"`` ($-g_f(V)$) or ``"minimax"`` ($-f^*(g_f(V))$).

:class:`ContinuousGAN` is the stepper (``critic_step``, ``generator_step``, ``step``, ``train``,
``snapshot``, ``set_lr``, ``set_options``, ``set_generator_loss``, ``reset``) shared by
:func:`train_continuous` and the boundary lab, so "train the critic one step" and changing a learning rate
without a reset are the same code as full training. The twin of
:class:`~bgan_teach.training.discrete.DiscreteGAN`.
"""
from __future__ import annotations

import torch

from .. import losses
from .._checks import as_tensor, boolean, in_interval, non_negative_float, positive_float, positive_int
from ..config import make_generator
from ..divergences import get as get_divergence
from ..generator_losses import GENERATOR_LOSSES, get_generator_loss
from ..models.continuous import MLPCritic, MLPGenerator
from ..weights import log_partition_global
from .common import Stepper, TrainResult, check_finite, fit
from .continuous_init import match_data_moments
from .fixed_critic import generator_loss_gradient

__all__ = ["GENERATOR_LOSSES", "DEFAULTS", "ContinuousGAN", "train_continuous"]

# The defaults, in one place. From sweeps on the ring of 8 (σ = 0.05; benchmarks/continuous.py): learning
# rates G 1e-4, critic 1e-3, batch 256; a generator with 2-D Gaussian noise plus a 128-way component code
# (``components``), whose component offsets start spread like the data (``component_spread`` of the data's
# variance) and whose output starts with the data's mean and spread (``data_init``, ``skip``). Without the
# component code no setting we tried reached 8/8 modes with ≥ 80 % high-quality samples on every seed.
DEFAULTS = dict(batch_size=256, lr=1e-4, critic_lr=1e-3, critic_steps=1, noise_dim=2, hidden=128, layers=2,
                penalty=0.0, log_z_gamma=0.995, betas=(0.5, 0.999), data_init=True, critic_warmup=0, skip=True,
                components=128, component_spread=0.9)
LIVE_OPTIONS = ("batch_size", "critic_steps", "penalty", "lr", "critic_lr")   # change without a reset


class ContinuousGAN(Stepper):
    """Continuous GAN state. ``data``: a FloatTensor (N, d) or a target with ``.sample(n, generator)``.

    ``options``: keys of :data:`DEFAULTS`. ``n_show`` fixed noise vectors give the points that snapshots
    and the lab draw (the same z at every step). ``device`` holds the networks; noise and data are drawn
    on the CPU (same seed, same numbers on any device) and everything handed back is on the CPU.
    """

    name = "continuous GAN"

    def __init__(self, data, divergence="gan", generator_loss: str = "boundary_seeking", *, seed: int = 0,
                 n_show: int = 512, device: str | torch.device = "cpu", **options):
        self.data, self.dim = _check_data(data)
        self.dtype = self.data.dtype if isinstance(self.data, torch.Tensor) else torch.float32
        self.device = _check_device(device)
        self.divergence = get_divergence(divergence)
        self.generator_loss = get_generator_loss(generator_loss).name
        unknown = set(options) - set(DEFAULTS)
        if unknown:
            raise ValueError(f"unknown options {sorted(unknown)}; valid options are {sorted(DEFAULTS)}")
        self.options = _check_options({**DEFAULTS, **options})
        self.seed, self.n_show = positive_int(seed, "seed", 0), positive_int(n_show, "n_show")
        self.reset()

    # --- state --------------------------------------------------------------------------
    def reset(self) -> None:
        """Back to the initial weights, optimiser state, noise stream and empty history (same seed)."""
        o = self.options
        self.generator = MLPGenerator(o["noise_dim"], self.dim, o["hidden"], o["layers"], seed=self.seed,
                                      skip=o["skip"], components=o["components"])
        self.critic = MLPCritic(self.dim, o["hidden"], o["layers"], seed=self.seed + 10_000)
        self.generator.to(self.dtype)                      # float64 data: float64 networks, end to end
        self.critic.to(self.dtype)
        if o["data_init"]:
            match_data_moments(self.generator, self.data, o["component_spread"], seed=self.seed + 30_000)
        self.generator.to(self.device)
        self.critic.to(self.device)
        self.opt_g = torch.optim.Adam(self.generator.parameters(), lr=o["lr"], betas=o["betas"])
        self.opt_d = torch.optim.Adam(self.critic.parameters(), lr=o["critic_lr"], betas=o["betas"])
        self.rng = make_generator(self.seed)
        self.z_show = self.generator.noise(self.n_show, make_generator(self.seed + 20_000)).to(self.device)
        self.critic_steps_done, self.log_z, self._last_d = 0, None, {}
        self._clear()

    def set_lr(self, lr: float | None = None, critic_lr: float | None = None) -> None:
        """Change learning rates in place (training, weights and Adam moments are kept)."""
        for value, name, opt in ((lr, "lr", self.opt_g), (critic_lr, "critic_lr", self.opt_d)):
            if value is not None:
                self.options[name] = positive_float(value, name)
                for group in opt.param_groups:
                    group["lr"] = self.options[name]

    def set_options(self, **options) -> None:
        """Change any of :data:`LIVE_OPTIONS` without a reset (the others need a new ``ContinuousGAN``)."""
        if set(options) - set(LIVE_OPTIONS):
            raise ValueError(f"only {sorted(LIVE_OPTIONS)} change without a reset; got {sorted(options)}")
        checked = _check_options({**self.options, **options})
        self.set_lr(options.pop("lr", None), options.pop("critic_lr", None))
        self.options.update({key: checked[key] for key in options})

    def set_generator_loss(self, name: str) -> None:
        """Switch the generator loss (a name of ``GENERATOR_LOSSES``) without a reset; log Z restarts."""
        self.generator_loss, self.log_z = get_generator_loss(name).name, None

    # --- batches --------------------------------------------------------------------------
    def real_batch(self, n: int | None = None) -> torch.Tensor:
        n = n or self.options["batch_size"]
        if isinstance(self.data, torch.Tensor):
            idx = torch.randint(len(self.data), (n,), generator=self.rng)
            return self.data[idx].to(self.device)                             # (B, d)
        return self.data.sample(n, self.rng).to(self.device)

    def fake_batch(self, n: int | None = None) -> torch.Tensor:
        z = self.generator.noise(n or self.options["batch_size"], self.rng).to(self.device)
        return self.generator(z)                                                   # (B, d)

    # --- one update each -------------------------------------------------------------------
    def critic_step(self) -> None:
        r"""One Adam step on $-\text{bound}(V(x_{real}), V(G(z))) + \lambda\,\mathbb E_P\|\nabla_x V\|^2$."""
        x_real = self.real_batch()
        with torch.no_grad():
            x_fake = self.fake_batch()
        v_real, v_fake = self.critic(x_real), self.critic(x_fake)                    # (B,), (B,)
        loss = losses.discriminator_loss(self.divergence, v_real, v_fake)
        total = loss + self.options["penalty"] * losses.gradient_penalty(self.critic, x_real) \
            if self.options["penalty"] > 0 else loss
        check_finite(self.steps + 1, loss_d=total)                                  # before the update
        self.opt_d.zero_grad(set_to_none=True)
        total.backward()
        self.opt_d.step()
        self.critic_steps_done += 1
        self._last_d = {"loss_d": loss.detach(), "v_real": v_real.detach().mean(),    # 0-d tensors: the
                        "v_fake": v_fake.detach().mean()}                          # history converts them

    def generator_loss_value(self, v_fake: torch.Tensor, update_log_z: bool = False) -> torch.Tensor:
        """The active generator loss (scalar) on critic outputs ``v_fake`` of generated points."""
        row = GENERATOR_LOSSES[self.generator_loss]
        if row.needs_log_z and (update_log_z or self.log_z is None):
            log_beta = log_partition_global(self.divergence.log_weight(v_fake.detach()))     # log β̂ of this batch
            self.log_z = losses.ema(self.log_z, log_beta, self.options["log_z_gamma"])
        return row.mean(self.divergence, v_fake, self.log_z)

    def generator_step(self) -> None:
        """One Adam step on the generator loss; counts as a step (appends a history row)."""
        v_fake = self.critic(self.fake_batch())                                        # (B,)
        loss = self.generator_loss_value(v_fake, update_log_z=True)
        check_finite(self.steps + 1, loss_g=loss, v_fake=v_fake)                      # before the update
        self.opt_g.zero_grad(set_to_none=True)
        loss.backward()
        self.opt_g.step()
        row = {**self._last_d, "loss_g": loss.detach(), "v_fake_g": v_fake.detach().mean()}
        if self.log_z is not None:
            row["log_z"] = self.log_z
        self.record(**row)

    def step(self) -> None:
        """``critic_steps`` critic updates (plus ``critic_warmup`` before the very first), then one generator update.

        NOTE(deviation): the warm-up is not in the paper; WGAN (Arjovsky et al. 2017) gives the critic 100
        steps per generator step at the start for the same reason: BGAN's pull is only as good as the critic.
        """
        warmup = self.options["critic_warmup"] if self.steps == 0 and self.critic_steps_done == 0 else 0
        for _ in range(self.options["critic_steps"] + warmup):
            self.critic_step()
        self.generator_step()

    # --- views --------------------------------------------------------------------------
    def sample(self, n: int | None = None, seed: int | torch.Generator | None = None) -> torch.Tensor:
        """Generated points (n, d), no gradient: on the fixed display noise (first n of ``n_show``), or on
        fresh noise drawn with ``seed`` when one is given."""
        with torch.no_grad():
            if seed is not None:
                return self.generator(self.generator.noise(positive_int(n, "n"), make_generator(seed))
                                      .to(self.device)).cpu()
            return self.generator(self.z_show[:n] if n else self.z_show).cpu()

    def loss_gradient(self, x: torch.Tensor) -> torch.Tensor:
        r"""$\nabla_x \ell(x)$ (n, d) of the active generator loss under the current critic; see
        :func:`~bgan_teach.training.fixed_critic.generator_loss_gradient`."""
        first = next(iter(getattr(self.critic, "parameters", lambda: iter(()))()), None)
        dtype = first.dtype if first is not None else self.dtype           # the critic's own precision
        x = as_tensor(x, "x").to(self.device, dtype)
        return generator_loss_gradient(self.critic, x, self.divergence, self.generator_loss, self.log_z).cpu()

    def snapshot_extras(self) -> dict:
        """Every snapshot stores ``x_fake``: the generated points of the fixed display noise."""
        return {"x_fake": self.sample().numpy()}


def _check_data(data):
    if hasattr(data, "sample") and not isinstance(data, torch.Tensor):
        return data, 2 if not hasattr(data, "centers") else data.centers.shape[1]
    x = as_tensor(data, "data")
    x = x if x.dtype == torch.float64 else x.float()                    # float64 stays float64
    if x.ndim != 2 or x.shape[0] < 2:
        raise ValueError(f"data must be a FloatTensor of shape (N, d) with N >= 2; got {tuple(x.shape)}")
    if not torch.isfinite(x).all():
        raise ValueError("data must be finite (no NaN or inf)")
    return x, x.shape[1]


def _check_device(device) -> torch.device:
    try:
        return torch.device(device)
    except (RuntimeError, TypeError) as err:
        raise ValueError(f"device must be a torch device such as 'cpu' or 'cuda'; got {device!r}") from err


def _check_options(o: dict) -> dict:
    for key in ("data_init", "skip"):
        boolean(o[key], key)
    for key in ("batch_size", "critic_steps", "noise_dim", "hidden", "layers"):
        positive_int(o[key], key)
    positive_int(o["components"], "components", 0)
    in_interval(o["component_spread"], "component_spread", 0, 1, "[)")
    positive_int(o["critic_warmup"], "critic_warmup", 0)
    positive_float(o["lr"], "lr")
    positive_float(o["critic_lr"], "critic_lr")
    non_negative_float(o["penalty"], "penalty")
    in_interval(o["log_z_gamma"], "log_z_gamma", 0, 1, "[)")
    return o


def train_continuous(data, divergence="gan", generator_loss: str = "boundary_seeking", steps: int = 3000,
                     batch_size: int | None = None, lr: float | None = None, critic_steps: int | None = None,
                     seed: int = 0, snapshot_every: int | None = None, progress: bool = True, *,
                     snapshot_fn=None, time_limit: float | None = None, device: str | torch.device = "cpu",
                     **options) -> TrainResult:
    r"""Train a continuous GAN on ``data`` (FloatTensor (N, d) or a 2-D target) and return a ``TrainResult``.

    ``lr`` is the generator's learning rate (``critic_lr=`` the critic's); other options (``noise_dim``,
    ``components``, ``component_spread``, ``hidden``, ``layers``, ``penalty``, ``log_z_gamma``, ``betas``, …)
    default to :data:`DEFAULTS`; ``components=0`` gives the paper's Gaussian-noise generator.
    ``snapshot_every=None`` takes about 20 snapshots (always one at step 0 and one at the end);
    ``snapshot_fn(trainer) -> dict`` adds your own extras to each. ``time_limit`` (seconds of training)
    stops early. ``device`` (e.g. ``"cuda"``) holds the networks (noise and data are drawn on the CPU,
    results come back there). History per step: ``step``, ``loss_d``, ``v_real``, ``v_fake``, ``loss_g``,
    ``v_fake_g`` (``log_z`` for the log-Z loss), ``seconds``. Same seed → same result on CPU. NaN/inf stops
    training with a warning; the history is kept and the networks are the last finite ones.
    """
    for key, value in (("batch_size", batch_size), ("lr", lr), ("critic_steps", critic_steps)):
        if value is not None:
            options[key] = value
    gan = ContinuousGAN(data, divergence, generator_loss, seed=seed, device=device, **options)
    config = {"divergence": gan.divergence.name, "generator_loss": gan.generator_loss, "seed": seed, **gan.options}
    return fit(gan, steps, snapshot_every, snapshot_fn, progress, time_limit, config)
