r"""Continuous-generator losses as data, like :data:`~bgan_teach.divergences.DIVERGENCES`.

Each row gives the **per-sample** loss $\ell(v)$ of a generated point from the critic's raw output $v$
(the mean over samples is the generator's objective), its LaTeX for the general $f$ and for the GAN case,
and whether it needs an estimate of $\log Z$. The trainer, the fixed-critic views and the lab all read
this one table (docs/math.md §6.1-§6.4):

| name | $\ell(v)$ | GAN case |
|---|---|---|
| ``boundary_seeking`` | $\tfrac12(\log w(v))^2$ | $\tfrac12 v^2$ |
| ``boundary_seeking_log_z`` | $\tfrac12(\log w(v) - \log Z)^2$ | $\tfrac12 (v - \log Z)^2$ |
| ``non_saturating`` | $-g_f(v)$ | $\mathrm{softplus}(-v) = -\log D$ |
| ``minimax`` | $-f^*(g_f(v))$ | $-\mathrm{softplus}(v) = \log(1 - D)$ |
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch

from ._checks import as_tensor, broadcasts_to, non_empty, table_entry
from .divergences import Divergence, get

__all__ = ["GeneratorLoss", "GENERATOR_LOSSES", "get_generator_loss", "generator_loss_names"]


@dataclass(frozen=True)
class GeneratorLoss:
    """One row of the generator-loss table. ``per_sample(div, v, log_z)`` → ℓ(v), same shape as ``v``."""

    name: str
    title: str
    latex: str              # the loss for a general f-divergence
    latex_gan: str          # per sample, GAN case
    needs_log_z: bool
    per_sample: Callable[[Divergence, torch.Tensor, torch.Tensor | None], torch.Tensor]

    def mean(self, divergence: str | Divergence, v_fake, log_z=None) -> torch.Tensor:
        """The generator objective: ℓ averaged over the samples (scalar); ``v_fake`` must be non-empty."""
        div = get(divergence)
        if self.needs_log_z and log_z is None:
            raise ValueError(f"generator_loss {self.name!r} needs log_z (an estimate of log Z); got None")
        v_fake = non_empty(as_tensor(v_fake, "v_fake"), "v_fake")
        return self.per_sample(div, v_fake, log_z).mean()


def _shifted(log_w: torch.Tensor, log_z) -> torch.Tensor:
    log_z = broadcasts_to(as_tensor(log_z, "log_z", log_w.dtype), log_w.shape, "log_z")
    return log_w - log_z.to(device=log_w.device, dtype=log_w.dtype).detach()


def _boundary_seeking(div, v, log_z=None):
    return 0.5 * div.log_weight(v).pow(2)                            # ½ (log w)², zero where w = 1


def _boundary_seeking_log_z(div, v, log_z):
    return 0.5 * _shifted(div.log_weight(v), log_z).pow(2)          # ½ (log w − log Z)², zero where w = Z


def _non_saturating(div, v, log_z=None):
    return -div.activation(v)                                        # −g_f(v); GAN: softplus(−v) = −log D


def _minimax(div, v, log_z=None):
    return -div.conjugate_of_activation(v)                           # −f*(g_f(v)); GAN: log(1 − D)


GENERATOR_LOSSES: dict[str, GeneratorLoss] = {row.name: row for row in (
    GeneratorLoss("boundary_seeking", "boundary-seeking (BGAN)",
                  r"\mathcal L_G=\tfrac12\,\mathbb E_z\big[(\log w(G(z)))^2\big]", r"\tfrac12 V^2", False,
                  _boundary_seeking),
    GeneratorLoss("boundary_seeking_log_z", "boundary-seeking with log Z",
                  r"\mathcal L_G=\tfrac12\,\mathbb E_z\big[(\log w(G(z))-\log Z)^2\big],\ "
                  r"\log Z=\mathrm{EMA}(\log\hat\beta)", r"\tfrac12 (V-\log Z)^2", True, _boundary_seeking_log_z),
    GeneratorLoss("non_saturating", "non-saturating", r"\mathcal L_G=-\mathbb E_z\big[g_f(V(G(z)))\big]",
                  r"\mathrm{softplus}(-V)=-\log D", False, _non_saturating),
    GeneratorLoss("minimax", "minimax", r"\mathcal L_G=-\mathbb E_z\big[f^*(g_f(V(G(z))))\big]",
                  r"-\mathrm{softplus}(V)=\log(1-D)", False, _minimax),
)}


def generator_loss_names() -> list[str]:
    """The valid generator-loss names, in table order."""
    return list(GENERATOR_LOSSES)


def get_generator_loss(name: str | GeneratorLoss) -> GeneratorLoss:
    """Look a generator loss up by name (a :class:`GeneratorLoss` is passed through)."""
    return table_entry(name, GENERATOR_LOSSES, "generator_loss", GeneratorLoss)
