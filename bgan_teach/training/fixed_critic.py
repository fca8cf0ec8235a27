r"""Generator losses against a *fixed* critic: per-sample gradients and a free distribution (bgan-math.md §4).

The two views notebook 05 teaches with, before any training: where each generator loss moves a sample
(:func:`generator_loss_gradient`, the paper's 1-D example) and where it sends a free $Q$ on a grid
(:func:`optimise_q_on_grid`: minimax collapses onto the critic's maximum, BGAN goes to the boundary).
"""
from __future__ import annotations

import torch

from .. import losses
from .._checks import as_tensor
from ..divergences import get as get_divergence
from ..weights import log_partition_global
from .common import positive_float, positive_int

__all__ = ["GENERATOR_LOSSES", "check_loss", "generator_loss_of", "generator_loss_gradient", "optimise_q_on_grid"]

GENERATOR_LOSSES = ("boundary_seeking", "boundary_seeking_log_z", "non_saturating", "minimax")


def generator_loss_of(name: str, divergence, v_fake: torch.Tensor, log_z=None) -> torch.Tensor:
    """The generator loss ``name`` (scalar, mean over samples) on raw critic outputs ``v_fake`` (n,).

    ``log_z`` is used by ``"boundary_seeking_log_z"`` only (required there).
    """
    div = get_divergence(divergence)
    if check_loss(name) == "boundary_seeking_log_z":
        if log_z is None:
            raise ValueError("boundary_seeking_log_z needs log_z (an estimate of log Z)")
        return losses.boundary_seeking_loss(div, v_fake, log_z=log_z)
    return {"boundary_seeking": losses.boundary_seeking_loss, "non_saturating": losses.non_saturating_loss,
            "minimax": losses.minimax_loss}[name](div, v_fake)


def generator_loss_gradient(critic, x, divergence="gan", generator_loss: str = "boundary_seeking",
                            log_z=None) -> torch.Tensor:
    r"""$\nabla_x \ell(x)$ for each point (n, d): the gradient of each sample's own generator-loss term.

    ``critic`` is any function (n, d) → (n,) of raw outputs, e.g. the fixed logistic critic
    ``lambda x: 0.8 * x[:, 0]`` of the paper's 1-D example (bgan-math.md §4.5). The generator moves its
    samples along $-\nabla_x\ell$ (chain rule through $G$). BGAN: $V\nabla_xV$, zero on the boundary;
    non-saturating: $-\sigma(-V)\nabla_xV$ (GAN), never zero.
    """
    div, name = get_divergence(divergence), check_loss(generator_loss)
    x = as_tensor(x, "x").detach().clone().requires_grad_(True)
    v = critic(x)                                                                     # (n,)
    if name == "boundary_seeking_log_z" and log_z is None:
        log_z = log_partition_global(div.log_weight(v.detach()))                    # this batch's log β̂
    loss = generator_loss_of(name, div, v, log_z)
    (grad,) = torch.autograd.grad(loss * len(x), x)       # mean → sum: each sample's own gradient
    return grad


def check_loss(name: str) -> str:
    """``name`` if it is one of :data:`GENERATOR_LOSSES`, else ValueError."""
    if name not in GENERATOR_LOSSES:
        raise ValueError(f"generator_loss must be one of {list(GENERATOR_LOSSES)}; got {name!r}")
    return name


def optimise_q_on_grid(v, generator_loss: str = "minimax", divergence="gan", steps: int = 300,
                       lr: float = 0.1) -> torch.Tensor:
    r"""Minimise a generator loss over a *free* distribution $Q = \mathrm{softmax}(\eta)$ on a grid, critic fixed.

    ``v`` (K,): the critic's raw outputs at the K grid points. The loss is $\mathbb E_Q[\ell(V)]$, linear
    in $Q$, so its minimum is a point mass on $\arg\min_x \ell(V(x))$ (bgan-math.md §4.1, §10.14). For
    ``"minimax"`` ($\ell = -f^*(g_f(V))$, decreasing in V) that is the critic's maximum; for
    ``"boundary_seeking"`` ($\tfrac12(\log w)^2$) it is the boundary $w = 1$. Returns Q over steps (steps+1, K).
    """
    v = as_tensor(v, "v").detach()
    eta = torch.zeros_like(v, requires_grad=True)                                  # uniform start
    opt = torch.optim.Adam([eta], lr=positive_float(lr, "lr"))
    div, name = get_divergence(divergence), check_loss(generator_loss)
    ell = {"boundary_seeking": lambda u: 0.5 * div.log_weight(u) ** 2,
           "non_saturating": lambda u: -div.activation(u),
           "minimax": lambda u: -div.conjugate_of_activation(u)}[name.replace("_log_z", "")](v)   # (K,)
    history = [torch.softmax(eta, 0).detach().clone()]
    for _ in range(positive_int(steps, "steps", 0)):
        loss = (torch.softmax(eta, 0) * ell).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
        history.append(torch.softmax(eta, 0).detach().clone())
    return torch.stack(history)                                                     # (steps+1, K)
