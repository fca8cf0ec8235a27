r"""Continuous GAN training with the boundary-seeking generator loss (Hjelm et al. 2018, Sec. 3; bgan-math.md §4).

Critic: minimise the negative f-GAN bound (:func:`~bgan_teach.losses.discriminator_loss`), optionally
plus $\lambda\,\mathbb E_P\|\nabla_x V\|^2$ (:func:`~bgan_teach.losses.gradient_penalty`, as the authors'
PyTorch code). Generator, one of

| ``generator_loss`` | $\mathcal L_G$ (GAN divergence) | bgan-math.md |
|---|---|---|
| ``"boundary_seeking"`` | $\tfrac12\,\mathbb E_z[(\log w)^2] = \tfrac12 V^2$ | §4.2 |
| ``"boundary_seeking_log_z"`` | $\tfrac12\,\mathbb E_z[(\log w - \log Z)^2]$, $\log Z$ = EMA of $\log\hat\beta$ | §4.3 |
| ``"non_saturating"`` | $-\mathbb E_z[g_f(V)] = \mathrm{softplus}(-V)$ | §4.4 |
| ``"minimax"`` | $-\mathbb E_z[f^*(g_f(V))] = -\mathrm{softplus}(V)$ | §4.1 |

:class:`ContinuousGAN` is a small stateful stepper (``critic_step``, ``generator_step``, ``set_lr``,
``reset``, ``snapshot``) shared by :func:`train_continuous` and the boundary lab, so "train the critic one
step" and changing a learning rate without a reset are the same code as full training.
"""
from __future__ import annotations

import time

import torch

from .. import losses
from .._checks import as_tensor
from ..config import make_generator
from ..divergences import get as get_divergence
from ..models.continuous import MLPCritic, MLPGenerator
from ..weights import log_partition_global
from .common import (History, NonFiniteError, TrainResult, check_finite, positive_float, positive_int,
                     progress as progress_bar, take_snapshot, warn_stopped)
# generator_loss_gradient and optimise_q_on_grid are re-exported: notebook 05 imports them from here
from .fixed_critic import (GENERATOR_LOSSES, check_loss as _check_loss, generator_loss_gradient, generator_loss_of,
                           optimise_q_on_grid)

__all__ = ["GENERATOR_LOSSES", "DEFAULTS", "ContinuousGAN", "train_continuous", "generator_loss_gradient",
           "optimise_q_on_grid"]


# Defaults from sweeps on the ring of 8 (σ = 0.05; benchmarks/continuous.py): the learning rates
# (G 1e-4, critic 1e-3) and batch 256; a generator with 2-D Gaussian noise plus a 128-way component code
# (``components``), whose component offsets start spread like the data (``component_spread`` of the data's
# variance) and whose output starts with the data's mean and spread (``data_init``, ``skip``). Without the
# component code no setting we tried reached 8/8 modes with ≥ 80 % high-quality samples on every seed.
DEFAULTS = dict(batch_size=256, lr=1e-4, lr_critic=1e-3, critic_steps=1, noise_dim=2, hidden=128, layers=2,
                penalty=0.0, log_z_gamma=0.995, betas=(0.5, 0.999), data_init=True, critic_warmup=0, skip=True,
                components=128, component_spread=0.9)


def _check_data(data):
    if hasattr(data, "sample") and not isinstance(data, torch.Tensor):
        return data, 2 if not hasattr(data, "centers") else data.centers.shape[1]
    x = as_tensor(data, "data").float()
    if x.ndim != 2 or x.shape[0] < 2:
        raise ValueError(f"data must be a FloatTensor of shape (N, d) with N >= 2; got {tuple(x.shape)}")
    if not torch.isfinite(x).all():
        raise ValueError("data must be finite (no NaN or inf)")
    return x, x.shape[1]


class ContinuousGAN:
    """Stepper over a generator/critic pair. ``data``: a FloatTensor (N, d) or a target with ``.sample(n, gen)``."""

    def __init__(self, data, divergence="gan", generator_loss: str = "boundary_seeking", *, seed: int = 0,
                 n_show: int = 512, device: str | torch.device = "cpu", **options):
        self.data, self.dim = _check_data(data)
        self.device = _check_device(device)
        self.divergence = get_divergence(divergence)
        self.generator_loss = _check_loss(generator_loss)
        unknown = set(options) - set(DEFAULTS)
        if unknown:
            raise ValueError(f"unknown options {sorted(unknown)}; valid options are {sorted(DEFAULTS)}")
        self.options = {**DEFAULTS, **options}
        _check_options(self.options)
        self.seed, self.n_show = positive_int(seed, "seed", 0), positive_int(n_show, "n_show")
        self.reset()

    # --- state --------------------------------------------------------------------------
    def reset(self) -> None:
        """Back to the initial weights, optimiser state, noise stream and empty history (same seed)."""
        o = self.options
        self.generator = MLPGenerator(o["noise_dim"], self.dim, o["hidden"], o["layers"], seed=self.seed,
                                      skip=o["skip"], components=o["components"])
        self.critic = MLPCritic(self.dim, o["hidden"], o["layers"], seed=self.seed + 10_000)
        if o["data_init"]:
            self._match_data_moments()
        # Networks live on ``device``; noise and data are drawn on the CPU (same seed, same numbers on any
        # device) and moved there; everything handed back (samples, gradients, snapshots' arrays) is on the CPU.
        self.generator.to(self.device)
        self.critic.to(self.device)
        self.opt_g = torch.optim.Adam(self.generator.parameters(), lr=o["lr"], betas=o["betas"])
        self.opt_d = torch.optim.Adam(self.critic.parameters(), lr=o["lr_critic"], betas=o["betas"])
        self.rng = make_generator(self.seed)
        self.z_show = self.generator.noise(self.n_show, make_generator(self.seed + 20_000)).to(self.device)
        self.history, self.snapshots = History(), []
        self.steps = self.critic_steps_done = 0
        self.log_z = None
        self._last_d: dict[str, float] = {}

    @torch.no_grad()
    def _match_data_moments(self) -> None:
        r"""Rescale G's output layer so that G(z) starts with the data's per-axis mean and spread.

        With components (and ``skip``, so that G starts affine: $G(\varepsilon, c) = A_\varepsilon\varepsilon
        + a_c + b$), the component offsets $a_c$ are redrawn with per-axis spread $\sqrt{s}\,\sigma_{data}$
        and mean 0, $A_\varepsilon$ gets the rest ($\sqrt{1-s}\,\sigma_{data}$ per axis) and $b$ the data's
        mean, $s$ = ``component_spread``: components start at different places across the data.

        NOTE(deviation): not in the paper. A freshly initialised MLP maps the noise to a tiny blob (or a
        line) near 0; BGAN's pull is local (it vanishes on the boundary, bgan-math.md §4.4), so samples that
        start in one spot tend to stay on the few modes nearest to it. Starting spread over the data
        (data-dependent initialisation, as in Salimans & Kingma 2016) lets every mode attract its share.
        """
        gen = make_generator(self.seed + 30_000)
        x_real = self.data.sample(1024, gen) if not isinstance(self.data, torch.Tensor) else \
            self.data[torch.randint(len(self.data), (1024,), generator=gen)]
        x_fake = self.generator(self.generator.noise(1024, gen))                         # (1024, d)
        scale = x_real.std(0) / x_fake.std(0).clamp_min(1e-6)                            # (d,)
        for layer in self.generator.output_layers():                                     # G(z) ↦ scale·G(z)
            layer.weight.mul_(scale.unsqueeze(1))
            layer.bias.mul_(scale)
        self.generator.output_layers()[0].bias.add_(x_real.mean(0) - scale * x_fake.mean(0))
        k, s, skip = self.generator.components, self.options["component_spread"], self.generator.skip
        if k and skip is not None and s > 0:
            # G is affine at the start (zero MLP output layer): G(ε, c) = A_ε ε + A_c + b. Per axis: offsets
            # A_c with mean 0 and spread √s·std_data, A_ε the rest √(1-s)·std_data, b the data's mean.
            d_z, std = self.generator.noise_dim, x_real.std(0).unsqueeze(1)            # std (d, 1)
            a_eps, a_c = skip.weight[:, :d_z], skip.weight[:, d_z:]                    # (d, d_z), (d, K)
            a_eps.mul_(std * (1 - s) ** 0.5 / a_eps.norm(dim=1, keepdim=True).clamp_min(1e-12))
            offsets = torch.randn(self.dim, k, generator=gen)                          # (d, K)
            offsets = (offsets - offsets.mean(1, keepdim=True)) / offsets.std(1, keepdim=True).clamp_min(1e-6)
            a_c.copy_(offsets * std * s ** 0.5)
            self.generator.output_layers()[0].bias.zero_()
            skip.bias.copy_(x_real.mean(0))                                            # E[ε] = 0, mean(A_c) = 0

    def set_lr(self, lr: float | None = None, lr_critic: float | None = None) -> None:
        """Change learning rates in place (training, weights and Adam moments are kept)."""
        for value, name, opt in ((lr, "lr", self.opt_g), (lr_critic, "lr_critic", self.opt_d)):
            if value is not None:
                self.options[name] = positive_float(value, name)
                for group in opt.param_groups:
                    group["lr"] = self.options[name]

    def set_options(self, **options) -> None:
        """Change ``batch_size``, ``critic_steps`` or ``penalty`` without a reset (others need :meth:`reset`)."""
        allowed = {"batch_size", "critic_steps", "penalty", "lr", "lr_critic"}
        if set(options) - allowed:
            raise ValueError(f"only {sorted(allowed)} change without a reset; got {sorted(options)}")
        self.set_lr(options.pop("lr", None), options.pop("lr_critic", None))
        _check_options({**self.options, **options})
        self.options.update(options)

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
    def critic_step(self) -> dict[str, float]:
        r"""One Adam step on $-\text{bound}(V(x_{real}), V(G(z))) + \lambda\,\mathbb E_P\|\nabla_x V\|^2$."""
        x_real = self.real_batch()
        with torch.no_grad():
            x_fake = self.fake_batch()
        v_real, v_fake = self.critic(x_real), self.critic(x_fake)                    # (B,), (B,)
        loss = losses.discriminator_loss(self.divergence, v_real, v_fake)
        total = loss + self.options["penalty"] * losses.gradient_penalty(self.critic, x_real) \
            if self.options["penalty"] > 0 else loss
        self.opt_d.zero_grad(set_to_none=True)
        total.backward()
        self.opt_d.step()
        self.critic_steps_done += 1
        self._last_d = {"loss_d": float(loss.detach()), "v_real": float(v_real.detach().mean()),
                        "v_fake": float(v_fake.detach().mean())}
        check_finite(self.steps, loss_d=loss)
        return dict(self._last_d)

    def generator_loss_value(self, v_fake: torch.Tensor, update_log_z: bool = False) -> torch.Tensor:
        """The active generator loss (scalar) on critic outputs ``v_fake`` of generated points."""
        name, div = self.generator_loss, self.divergence
        if name == "boundary_seeking_log_z" and (update_log_z or self.log_z is None):
            log_beta = log_partition_global(div.log_weight(v_fake.detach()))              # log β̂ of this batch
            self.log_z = losses.ema(self.log_z, log_beta, self.options["log_z_gamma"])
        return generator_loss_of(name, div, v_fake, self.log_z)

    def generator_step(self) -> dict[str, float]:
        """One Adam step on the generator loss; appends a history row (one row per generator step)."""
        v_fake = self.critic(self.fake_batch())                                        # (B,)
        loss = self.generator_loss_value(v_fake, update_log_z=True)
        self.opt_g.zero_grad(set_to_none=True)
        loss.backward()
        self.opt_g.step()
        self.steps += 1
        row = {"step": self.steps, **self._last_d, "loss_g": float(loss.detach()), "v_fake_g": float(v_fake.detach().mean())}
        if self.log_z is not None:
            row["log_z"] = float(self.log_z)
        self.history.append(**row)
        check_finite(self.steps, loss_g=loss, v_fake=v_fake.detach())
        return row

    def step(self) -> dict[str, float]:
        """``critic_steps`` critic updates (plus ``critic_warmup`` before the very first), then one generator update.

        NOTE(deviation): the warm-up is not in the paper; WGAN (Arjovsky et al. 2017) gives the critic 100
        steps per generator step at the start for the same reason: BGAN's pull is only as good as the critic.
        """
        warmup = self.options["critic_warmup"] if self.steps == 0 and self.critic_steps_done == 0 else 0
        for _ in range(self.options["critic_steps"] + warmup):
            self.critic_step()
        return self.generator_step()

    def train(self, steps: int, progress: bool = False, snapshot_every: int | None = None, views=None) -> str | None:
        """Run ``steps`` steps; snapshot every ``snapshot_every``; on NaN/inf stop, warn, return the message."""
        steps = positive_int(steps, "steps", 0)
        every = positive_int(snapshot_every, "snapshot_every") if snapshot_every else None
        for _ in progress_bar(steps, progress and steps > 0, "continuous GAN"):
            try:
                self.step()
            except NonFiniteError as err:
                return warn_stopped(err)
            if every and self.steps % every == 0:
                self.snapshot(views)
        return None

    # --- views --------------------------------------------------------------------------
    def sample(self, n: int | None = None) -> torch.Tensor:
        """Generated points on the fixed display noise (first n of ``n_show``), no gradient. (n, d)"""
        with torch.no_grad():
            return self.generator(self.z_show[:n] if n else self.z_show).cpu()

    def loss_gradient(self, x: torch.Tensor) -> torch.Tensor:
        r"""$\nabla_x \ell(x)$ (n, d) of the active generator loss under the current critic; see
        :func:`generator_loss_gradient`."""
        x = torch.as_tensor(x).to(self.device)
        return generator_loss_gradient(self.critic, x, self.divergence, self.generator_loss, self.log_z).cpu()

    def snapshot(self, views=None):
        """Store weights and ``x_fake`` (fixed noise) plus ``views(self)`` extras for instant scrubbing."""
        extras = {"x_fake": self.sample().numpy(), **(views(self) if views else {})}
        snap = take_snapshot(self.steps, self.generator, self.critic)
        snap.extras.update(extras)
        self.snapshots.append(snap)
        return snap


def _check_device(device) -> torch.device:
    try:
        return torch.device(device)
    except (RuntimeError, TypeError) as err:
        raise ValueError(f"device must be a torch device such as 'cpu' or 'cuda'; got {device!r}") from err


def _check_options(o: dict) -> None:
    for key in ("data_init", "skip"):
        if not isinstance(o[key], bool):
            raise ValueError(f"{key} must be True or False; got {o[key]!r}")
    for key in ("batch_size", "critic_steps", "noise_dim", "hidden", "layers"):
        positive_int(o[key], key)
    positive_int(o["components"], "components", 0)
    if isinstance(o["component_spread"], bool) or not isinstance(o["component_spread"], (int, float)) \
            or not 0 <= o["component_spread"] < 1:
        raise ValueError(f"component_spread must be a number in [0, 1); got {o['component_spread']!r}")
    positive_int(o["critic_warmup"], "critic_warmup", 0)
    positive_float(o["lr"], "lr")
    positive_float(o["lr_critic"], "lr_critic")
    if isinstance(o["penalty"], bool) or not isinstance(o["penalty"], (int, float)) or not o["penalty"] >= 0:
        raise ValueError(f"penalty must be a number >= 0; got {o['penalty']!r}")
    if not 0 <= o["log_z_gamma"] < 1:
        raise ValueError(f"log_z_gamma must be in [0, 1); got {o['log_z_gamma']!r}")


def train_continuous(data, divergence="gan", generator_loss: str = "boundary_seeking", steps: int = 3000,
                     batch_size: int | None = None, lr: float | None = None, critic_steps: int | None = None,
                     seed: int = 0, snapshot_every: int | None = None, progress: bool = True,
                     views=None, device: str | torch.device = "cpu", **options) -> TrainResult:
    r"""Train a continuous GAN on ``data`` (FloatTensor (N, d) or a 2-D target) and return a ``TrainResult``.

    ``lr`` is the generator's learning rate (``lr_critic=`` the critic's); other options (``noise_dim``,
    ``components``, ``component_spread``, ``hidden``, ``layers``, ``penalty``, ``log_z_gamma``, ``betas``)
    default to :data:`DEFAULTS`; ``components=0`` gives the paper's Gaussian-noise generator.
    ``snapshot_every=None`` takes about 20 snapshots (always one at step 0 and one at the end).
    ``device`` (e.g. ``"cuda"``) holds the networks (noise and data are drawn on the CPU, results come back there).
    Same seed → same result on CPU. NaN/inf stops training with a warning; the history is kept.
    """
    for key, value in (("batch_size", batch_size), ("lr", lr), ("critic_steps", critic_steps)):
        if value is not None:
            options[key] = value
    gan = ContinuousGAN(data, divergence, generator_loss, seed=seed, device=device, **options)
    steps = positive_int(steps, "steps", 0)
    every = snapshot_every or max(1, steps // 20)
    start = time.perf_counter()
    gan.snapshot(views)
    stopped = gan.train(steps, progress=progress, snapshot_every=every, views=views)
    if gan.snapshots[-1].step != gan.steps:
        gan.snapshot(views)
    config = {"divergence": gan.divergence.name, "generator_loss": generator_loss, "steps": steps,
              "seed": seed, **gan.options}
    return TrainResult(gan.generator, gan.critic, gan.history, gan.snapshots, config, stopped,
                       time.perf_counter() - start)
