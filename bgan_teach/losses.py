r"""Critic and continuous-generator losses, all computed from raw critic outputs (logits).

- Critic: maximise the f-GAN variational bound (Nowozin et al. 2016; Hjelm et al. 2018; `docs/math.md` §2.2),
  i.e. minimise $-\big(\mathbb{E}_P[g_f(v)] - \mathbb{E}_Q[f^*(g_f(v))]\big)$.
- Generator, continuous data (Hjelm et al. 2018, the paper's boundary-seeking objective; `docs/math.md` §6.2):
  $\mathcal{L}_G = \tfrac12\,\mathbb{E}_z\big[(\log w(G(z)))^2\big]$; GAN case $\tfrac12 v^2$,
  zero exactly on the decision boundary $w = 1$ ($D = \tfrac12$).

No function here goes through a sigmoid: float32 $\sigma(17)$ is exactly 1, so
$\log D - \log(1-D)$ becomes inf (pitfall `docs/math.md` §8.1), whereas $v$ itself is exact.
Discrete-generator estimators live in :mod:`bgan_teach.estimators`.
"""
from __future__ import annotations

import torch

from ._checks import as_tensor, broadcasts_to, in_interval, non_empty
from .divergences import Divergence, get

__all__ = [
    "discriminator_loss",
    "boundary_seeking_loss",
    "non_saturating_loss",
    "minimax_loss",
    "gradient_penalty",
    "ema",
]


def _fake(v_fake) -> torch.Tensor:
    """Critic outputs on generated samples: a non-empty floating tensor (the losses are means over them)."""
    return non_empty(as_tensor(v_fake, "v_fake"), "v_fake")


def discriminator_loss(divergence: str | Divergence, v_real, v_fake) -> torch.Tensor:
    r"""Negative variational bound $-\mathbb{E}_P[g_f(v)] + \mathbb{E}_Q[f^*(g_f(v))]$ (scalar).

    GAN case: mean softplus(−v_real) + mean softplus(v_fake), the BCE-with-logits loss of the
    authors' code with real and fake terms summed, not halved (`docs/math.md` §5.4 step 10).
    """
    return -get(divergence).bound(v_real, v_fake)


def boundary_seeking_loss(divergence: str | Divergence, v_fake, log_z=None) -> torch.Tensor:
    r"""$\tfrac12\,\mathrm{mean}\,(\log w(v) - \log Z)^2$ from raw critic outputs on generated samples.

    ``log_z=None`` gives the paper's form (GAN: $\tfrac12 v^2$). Passing ``log_z`` (a detached EMA
    of $\log\hat\beta$, see :func:`ema`) gives the authors' default continuous variant, whose target is
    the self-normalised boundary $w/\beta = 1$.

    NOTE(deviation): the authors' code uses mean $v^2$ without the ½; same minimiser, half the gradient.
    """
    div = get(divergence)
    v_fake = _fake(v_fake)
    log_w = div.log_weight(v_fake)
    if log_z is not None:
        log_z = broadcasts_to(as_tensor(log_z, "log_z", log_w.dtype), log_w.shape, "log_z")
        log_w = log_w - log_z.to(device=log_w.device, dtype=log_w.dtype).detach()
    return 0.5 * log_w.pow(2).mean()


def non_saturating_loss(divergence: str | Divergence, v_fake) -> torch.Tensor:
    r"""$-\mathrm{mean}\; g_f(v)$: the f-GAN "alternative" generator loss. GAN case: softplus(−v) = −log D.

    Its gradient never vanishes on the data side of the boundary: it pushes samples past it.
    """
    div = get(divergence)
    return -div.activation(_fake(v_fake)).mean()


def minimax_loss(divergence: str | Divergence, v_fake) -> torch.Tensor:
    r"""$-\mathrm{mean}\; f^*(g_f(v))$: the generator minimises the bound itself. GAN: log(1 − D) = −softplus(v).

    Saturates (zero gradient) where the critic confidently rejects samples; see `docs/math.md` §6.1 for
    why minimising the bound collapses samples onto the critic's maximum.
    """
    div = get(divergence)
    return -div.conjugate_of_activation(_fake(v_fake)).mean()


def gradient_penalty(critic, x: torch.Tensor) -> torch.Tensor:
    r"""$\mathbb{E}_x \|\nabla_x v(x)\|^2$ at the given points (a zero-centred penalty on the critic).

    The authors' PyTorch code (cortex, `docs/references.md`) regularises the critic with such a
    penalty (weight 5) to keep it from saturating; we use the plain squared-gradient form at real points (R1-style).
    ``x`` must be a floating tensor (one-hot or relaxed inputs for discrete data). Returns a scalar
    with a graph, so it can be added to the critic loss.
    """
    if not callable(critic):
        raise TypeError(f"critic must be a module or function mapping x to raw outputs; got {type(critic).__name__}")
    x = non_empty(as_tensor(x, "x"), "x")
    if x.ndim < 2:
        raise ValueError(f"x must have shape (N, ...) with a feature axis; got {tuple(x.shape)}")
    x = x.detach().requires_grad_(True)
    v = critic(x)
    (grad,) = torch.autograd.grad(v.sum(), x, create_graph=True)
    return grad.flatten(1).pow(2).sum(1).mean()


def ema(old: torch.Tensor | float | None, new: torch.Tensor | float, gamma: float) -> torch.Tensor:
    r"""Exponential moving average $\gamma\,\mathrm{old} + (1-\gamma)\,\mathrm{new}$, detached; ``old=None`` starts it."""
    gamma = in_interval(gamma, "gamma", 0.0, 1.0, "[)")
    new = as_tensor(new, "new").detach()
    if old is None:
        return new
    return gamma * as_tensor(old, "old").detach() + (1 - gamma) * new
