r"""Generator losses against a *fixed* critic: per-sample gradients and a free distribution (docs/math.md §6.1-§6.5).

The two views notebook 05 teaches with, before any training: where each generator loss moves a sample
(:func:`generator_loss_gradient`, the paper's 1-D example) and where it sends a free $Q$ on a grid
(:func:`optimise_q_on_grid`: minimax collapses onto the critic's maximum, BGAN goes to the boundary).
"""
from __future__ import annotations

import torch

from .._checks import as_tensor, positive_float, positive_int
from ..divergences import get as get_divergence
from ..generator_losses import GENERATOR_LOSSES, get_generator_loss
from ..weights import log_partition_global

__all__ = ["GENERATOR_LOSSES", "generator_loss_gradient", "optimise_q_on_grid"]


def generator_loss_gradient(critic, x, divergence="gan", generator_loss: str = "boundary_seeking",
                            log_z=None) -> torch.Tensor:
    r"""$\nabla_x \ell(x)$ for each point (n, d): the gradient of each sample's own generator-loss term.

    ``critic`` is any function (n, d) → (n,) of raw outputs, e.g. the fixed logistic critic
    ``lambda x: 0.8 * x[:, 0]`` of the paper's 1-D example (docs/math.md §6.5). The generator moves its
    samples along $-\nabla_x\ell$ (chain rule through $G$). BGAN: $V\nabla_xV$, zero on the boundary;
    non-saturating: $-\sigma(-V)\nabla_xV$ (GAN), never zero. For the log-Z loss, ``log_z=None`` uses this
    batch's $\log\hat\beta$.
    """
    div, row = get_divergence(divergence), get_generator_loss(generator_loss)
    x = as_tensor(x, "x").detach().clone().requires_grad_(True)
    v = critic(x)                                                                     # (n,)
    if row.needs_log_z and log_z is None:
        log_z = log_partition_global(div.log_weight(v.detach()))                    # this batch's log β̂
    (grad,) = torch.autograd.grad(row.per_sample(div, v, log_z).sum(), x)         # each sample's own gradient
    return grad


def optimise_q_on_grid(v, generator_loss: str = "minimax", divergence="gan", steps: int = 300,
                       lr: float = 0.1, log_z: float = 0.0) -> torch.Tensor:
    r"""Minimise a generator loss over a *free* distribution $Q = \mathrm{softmax}(\eta)$ on a grid, critic fixed.

    ``v`` (K,): the critic's raw outputs at the K grid points. The loss is $\mathbb E_Q[\ell(V)]$, linear
    in $Q$, so its minimum is a point mass on $\arg\min_x \ell(V(x))$ (docs/math.md §6.1, §9.14). For
    ``"minimax"`` ($\ell = -f^*(g_f(V))$, decreasing in V) and ``"non_saturating"`` that is the critic's
    maximum; for ``"boundary_seeking"`` ($\tfrac12(\log w)^2$) it is the level set $w = 1$ (``log_z`` is the
    fixed $\log Z$ of the log-Z loss). Returns Q over steps (steps+1, K).
    """
    v = as_tensor(v, "v").detach()
    eta = torch.zeros_like(v, requires_grad=True)                                  # uniform start
    opt = torch.optim.Adam([eta], lr=positive_float(lr, "lr"))
    div, row = get_divergence(divergence), get_generator_loss(generator_loss)
    ell = row.per_sample(div, v, torch.as_tensor(log_z, dtype=v.dtype))            # (K,)
    history = [torch.softmax(eta, 0).detach().clone()]
    for _ in range(positive_int(steps, "steps", 0)):
        loss = (torch.softmax(eta, 0) * ell).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
        history.append(torch.softmax(eta, 0).detach().clone())
    return torch.stack(history)                                                     # (steps+1, K)
