r"""Discrete generator-gradient estimators: BGAN (per-z, global), REINFORCE (EMA, leave-one-out baselines), Gumbel-softmax.

For a generator $g_\theta(x\mid z)$ over discrete $x$ we cannot backpropagate through samples. The
paper's discrete boundary-seeking estimator (Hjelm et al. 2018, https://arxiv.org/abs/1702.08431;
docs/math.md §5.3-5.4) instead draws $M$
samples $x^{(m)}\sim g_\theta(\cdot\mid z_b)$ for each of $B$ noise vectors, scores them with the
critic's importance weight $w = (f^*)'(T)$ and minimises

$$\mathcal L_G = -\frac1B\sum_b \sum_m \mathrm{sg}\big[\tilde w_{mb}\big]\,\log g_\theta(x^{(m)}\mid z_b),
\qquad \tilde w_{mb} = \mathrm{softmax}_m(\log w_{mb}).$$

Only $\log g_\theta$ carries gradient: samples and weights are constants (docs/math.md §8.12).
All inputs are (M, B): M samples per z on dim 0, B noise vectors on dim 1. ``log_w`` comes from
``divergence.log_weight(v)`` (finite for every divergence, Pearson included).
"""
from __future__ import annotations

import math

import torch

from ._checks import ArgumentTypeError, as_tensor, broadcasts_to, boolean, choice, integer, non_negative_float, positive_float
from .config import make_generator

__all__ = [
    "NORMALIZATIONS",
    "discrete_generator_loss",
    "normalized_weights",
    "reinforce_generator_loss",
    "leave_one_out_baseline",
    "reinforce_loo_generator_loss",
    "gumbel_noise",
    "gumbel_softmax",
    "gumbel_temperature",
]

NORMALIZATIONS = ("per_z", "global")


def _samples_by_z(log_w) -> torch.Tensor:
    """``log_w`` as a floating (M, B) tensor with M >= 1 samples per z and B >= 1 noise vectors."""
    log_w = as_tensor(log_w, "log_w")
    if log_w.ndim != 2 or 0 in log_w.shape:
        raise ValueError(f"log_w must have shape (M, B) with M >= 1 samples per z and B >= 1 noise vectors; "
                         f"got {tuple(log_w.shape)}")
    return log_w


def _pair(log_w, log_g) -> tuple[torch.Tensor, torch.Tensor]:
    log_w = _samples_by_z(log_w)
    log_g = as_tensor(log_g, "log_g")
    if log_w.shape != log_g.shape:
        raise ValueError(f"log_w and log_g must have the same shape (M, B); got {tuple(log_w.shape)} and {tuple(log_g.shape)}")
    return log_w.detach().to(log_g.dtype), log_g


def normalized_weights(log_w, normalization: str = "per_z") -> torch.Tensor:
    r"""Detached $\tilde w$ (M, B). ``"per_z"``: softmax over m, each column sums to 1.

    ``"global"`` (the ``use_beta`` option of the authors' PyTorch code, rdevon/cortex,
    https://github.com/rdevon/cortex; docs/math.md §4.4): softmax over all M·B entries, then
    multiplied by B, so the whole batch sums to B exactly as the per-z weights do. The loss then has
    the same scale under both options (a learning rate tuned for one suits the other).
    """
    choice(normalization, NORMALIZATIONS, "normalization")
    log_w = _samples_by_z(log_w).detach()
    if normalization == "per_z":
        return torch.softmax(log_w, dim=0)                               # (M, B), columns sum to 1
    batch = log_w.shape[-1]
    return torch.softmax(log_w.flatten(), 0).view_as(log_w) * batch     # (M, B), total sums to B


def discrete_generator_loss(log_w, log_g, normalization: str = "per_z") -> torch.Tensor:
    r"""BGAN generator loss $-\mathrm{mean}_b \sum_m \mathrm{sg}[\tilde w_{mb}] \log g_{mb}$ (scalar).

    ``log_w`` (M, B): log importance weights of the samples (detached here). ``log_g`` (M, B): log
    likelihood of each sample under its own z, **summed** over positions, with a graph to θ.
    ``normalization``: ``"per_z"`` (the paper's α estimator) or ``"global"`` (β; see
    :func:`normalized_weights`). With M = 1 and per-z weights, w̃ ≡ 1 and the expected gradient is
    $\mathbb E[\nabla\log g] = 0$: no signal (docs/math.md §4.5).
    """
    log_w, log_g = _pair(log_w, log_g)
    w_tilde = normalized_weights(log_w, normalization)          # (M, B), no gradient
    return -(w_tilde * log_g).sum(0).mean()


def reinforce_generator_loss(log_w, log_g, baseline) -> torch.Tensor:
    r"""REINFORCE with reward $r = \log w - b$: $\mathcal L_G = -\mathrm{mean}_{m,b}\, \mathrm{sg}[r_{mb}]\,\log g_{mb}$.

    Its expectation is the gradient of $\mathrm{KL}(g_\theta(\cdot\mid z)\,\|\,\tilde p(\cdot\mid z))$
    (docs/math.md §5.6) when $b = \log\alpha(z) + 1$; any constant changes the variance only, since
    $\mathbb E_g[\nabla\log g] = 0$. ``baseline`` (scalar, or (B,)) is the trainer's EMA of
    $\log\hat\alpha$ (γ = 0.95, as in the authors' PyTorch code, rdevon/cortex). The REINFORCE constant
    used here is **0** (that code's choice; the authors' tutorial blog post (Hjelm & Jacob 2018,
    `docs/references.md` [hjelm2018blog]) writes +1, the derivation gives
    −1; all three have the same expectation).

    NOTE(deviation): rdevon/cortex sums over the M samples; we average over them (the Monte Carlo
    estimate of the expectation), so the step size does not grow with M.
    """
    log_w, log_g = _pair(log_w, log_g)
    baseline = as_tensor(baseline, "baseline", log_g.dtype).to(device=log_g.device, dtype=log_g.dtype).detach()
    broadcasts_to(baseline, log_w.shape, "baseline")                     # a scalar, (B,) or (M, B)
    reward = log_w - baseline                                   # (M, B), no gradient
    return -(reward * log_g).mean()


def _at_least_two_samples(log_w: torch.Tensor) -> int:
    if log_w.ndim != 2 or log_w.shape[0] < 2 or log_w.shape[1] < 1:
        raise ValueError(f"log_w must have shape (M, B) with M >= 2 samples per z on dim 0 for the leave-one-out "
                         f"baseline (with M = 1 there is no other sample) and B >= 1; got shape {tuple(log_w.shape)}")
    return log_w.shape[0]


def leave_one_out_baseline(log_w) -> torch.Tensor:
    r"""$b_{mb} = \frac{1}{M-1}\sum_{j\ne m} \log w_{jb}$: the mean reward of the *other* samples of z_b. (M, B) → (M, B)."""
    log_w = as_tensor(log_w, "log_w").detach()
    m = _at_least_two_samples(log_w)
    return (log_w.sum(0, keepdim=True) - log_w) / (m - 1)      # (M, B)


def reinforce_loo_generator_loss(log_w, log_g) -> torch.Tensor:
    r"""REINFORCE with the leave-one-out baseline (Kool, van Hoof, Welling 2019), reward $r = \log w$.

    Sample m of noise $z_b$ is scored against the mean reward of the other M − 1 samples of the same
    $z_b$, $b_{mb} = \frac1{M-1}\sum_{j\ne m} r_{jb}$, which simplifies to

    $$\mathcal L_G = -\frac1B\sum_b \frac1M\sum_m \mathrm{sg}[r_{mb} - b_{mb}]\,\log g_{mb}
                   = -\frac1B\sum_b \frac1{M-1}\sum_m \mathrm{sg}[r_{mb} - \bar r_b]\,\log g_{mb},
      \qquad \bar r_b = \frac1M\sum_m r_{mb}.$$

    $b_{mb}$ does not depend on $x^{(m)}$, so the estimator is unbiased; it has the scale of
    :func:`reinforce_generator_loss` (a mean over m and b), and the same expectation:
    $\mathbb E[\nabla\mathcal L_G] = -\nabla_\theta\,\mathbb E_{h(z)}\mathbb E_{g_\theta(x\mid z)}[\log w(x)]$
    with w held fixed, i.e. $\nabla_\theta\,\mathbb E_h\,\mathrm{KL}(g_\theta(\cdot\mid z)\,\|\,\tilde p(\cdot\mid z))$
    (docs/math.md §5.6), the reverse-KL direction. Needs M ≥ 2 samples per z (dim 0).
    Source: W. Kool, H. van Hoof, M. Welling, "Buy 4 REINFORCE Samples, Get a Baseline for Free!",
    ICLR 2019 workshop, https://openreview.net/forum?id=r1lgTGL5DE.
    """
    log_w, log_g = _pair(log_w, log_g)
    m = _at_least_two_samples(log_w)
    advantage = log_w - log_w.mean(0, keepdim=True)             # (M, B), r − r̄, no gradient
    return -(advantage * log_g).sum(0).mean() / (m - 1)


def _floating_dtype(dtype) -> torch.dtype:
    if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
        raise ArgumentTypeError(f"dtype must be a floating torch dtype (torch.float32, torch.float64, ...); got {dtype!r}")
    return dtype


def _shape(shape) -> tuple[int, ...]:
    shape = (shape,) if not isinstance(shape, (tuple, list, torch.Size)) else tuple(shape)
    return tuple(integer(s, "shape entry", minimum=0) for s in shape)


def gumbel_noise(shape, generator: torch.Generator | int | None = None, dtype=torch.float32,
                 device="cpu") -> torch.Tensor:
    r"""Standard Gumbel noise $-\log(-\log U)$, $U\sim\mathcal U(0,1)$, from an explicit generator.

    ``generator``: a ``torch.Generator``, an int seed, or None (torch's global RNG). ``dtype`` must be floating.
    """
    dtype, shape = _floating_dtype(dtype), _shape(shape)
    generator = None if generator is None else make_generator(generator, name="generator")
    tiny = torch.finfo(dtype).tiny
    u = torch.rand(shape, generator=generator, dtype=dtype, device=device).clamp_min(tiny)
    return -torch.log((-torch.log(u)).clamp_min(tiny))


def gumbel_softmax(logits: torch.Tensor, tau: float = 1.0, hard: bool = True,
                   generator: torch.Generator | None = None) -> torch.Tensor:
    r"""Relaxed one-hot samples $y = \mathrm{softmax}((\ell + G)/\tau)$ over the last axis.

    ``hard=True`` is the straight-through variant: the forward value is the exact one-hot of
    $\arg\max(\ell + G)$ (a true sample of the categorical), the backward pass uses the gradient of
    the relaxed $y$. Same maths as ``torch.nn.functional.gumbel_softmax``, which takes no
    ``torch.Generator`` (we need one for reproducibility). The Gumbel-softmax baseline of
    docs/math.md §5.7 (Jang, Gu, Poole 2017, https://arxiv.org/abs/1611.01144; Maddison, Mnih, Teh 2017,
    https://arxiv.org/abs/1611.00712).
    """
    tau, hard = positive_float(tau, "tau"), boolean(hard, "hard")
    logits = as_tensor(logits, "logits")
    if logits.ndim == 0 or logits.shape[-1] == 0:
        raise ValueError(f"logits must have a non-empty last axis (the categories); got shape {tuple(logits.shape)}")
    noise = gumbel_noise(logits.shape, generator, logits.dtype, logits.device)
    soft = torch.softmax((logits + noise) / tau, dim=-1)
    if not hard:
        return soft
    index = soft.argmax(-1, keepdim=True)
    one_hot = torch.zeros_like(soft).scatter_(-1, index, 1.0)
    return one_hot - soft.detach() + soft                      # value: one-hot; gradient: soft


def gumbel_temperature(step: int, start: float = 3.0, rate: float = 1e-3, floor: float = 0.5) -> float:
    r"""Annealed temperature $\tau = \max(\tau_0 e^{-\text{rate}\cdot\text{step}}, \tau_{\min})$.

    Start 3.0 and floor 0.5 as in the authors' Gumbel-softmax script (rdevon/BGAN,
    https://github.com/rdevon/BGAN, GUMB-MNIST/disc_mnist.py; docs/math.md §5.7, §10.1); the closed form
    is ours (the authors multiply τ by $e^{-\text{rate}\cdot\text{step}}$ every ``anneal_interval``
    steps instead). With the defaults the floor is reached at step ⌈ln 6 / rate⌉ = 1792.
    """
    step = integer(step, "step", minimum=0)
    start, rate, floor = positive_float(start, "start"), non_negative_float(rate, "rate"), positive_float(floor, "floor")
    return max(start * math.exp(-rate * step), floor)
