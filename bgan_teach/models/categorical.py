r"""Categorical generators and one-hot critics for discrete data (`docs/math.md` §5.4, steps 2-4 and 8).

A generator maps noise $z$ to logits $\ell(z)$ of shape (D positions, K categories) and defines

$$g_\theta(x\mid z) = \prod_{d=1}^{D} \mathrm{softmax}(\ell_d(z))_{x_d},\qquad
  \log g_\theta(x\mid z) = \sum_d \mathrm{log\_softmax}(\ell_d(z))_{x_d}$$

(a **sum** over positions, never a mean). The marginal $q_\theta(x) = \mathbb E_z[g_\theta(x\mid z)]$ is a
mixture: each z gives a product of D categoricals (one mode), diversity comes from z.

**The protocol** (:class:`DiscreteGenerator`, :class:`DiscreteCritic`): ``train_discrete`` accepts any
generator module with attributes ``noise_dim``, ``num_positions``, ``num_categories``, a method
``noise(n, generator)`` → (n, noise_dim) and ``forward(z)`` → logits (n, D, K); and any critic module
mapping a float tensor (N, D, K) (one-hot or relaxed probabilities) to raw logits (N,). The
module-level functions :func:`sample_categorical`, :func:`categorical_log_prob` and :func:`one_hot` work
on the logits of any such generator.
"""
from __future__ import annotations

from typing import Protocol, runtime_checkable

import torch
import torch.nn.functional as F
from torch import nn

from .._checks import ArgumentTypeError, as_tensor, choice, positive_int, shape
from ..config import make_generator

__all__ = [
    "DiscreteGenerator",
    "DiscreteCritic",
    "CategoricalGenerator",
    "OneHotCritic",
    "sample_categorical",
    "categorical_log_prob",
    "one_hot",
    "check_generator",
]


@runtime_checkable
class DiscreteGenerator(Protocol):
    """What ``train_discrete`` needs from a generator: sizes, ``noise`` and ``forward`` → (n, D, K) logits."""

    noise_dim: int
    num_positions: int
    num_categories: int

    def noise(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor: ...

    def __call__(self, z: torch.Tensor) -> torch.Tensor: ...


@runtime_checkable
class DiscreteCritic(Protocol):
    """What ``train_discrete`` needs from a critic: float (N, D, K) → raw logits (N,)."""

    def __call__(self, x: torch.Tensor) -> torch.Tensor: ...


def check_generator(module, num_positions: int, num_categories: int) -> None:
    """Raise ``ValueError`` unless ``module`` follows the generator protocol with these sizes."""
    for attr in ("noise_dim", "num_positions", "num_categories", "noise"):
        if not hasattr(module, attr):
            raise ValueError(f"generator must have attribute {attr!r} (see bgan_teach.models.categorical)")
    if (module.num_positions, module.num_categories) != (num_positions, num_categories):
        raise ValueError(
            f"generator has (num_positions, num_categories) = ({module.num_positions}, {module.num_categories}); "
            f"the data need ({num_positions}, {num_categories})")


def one_hot(x: torch.Tensor, num_categories: int, dtype=torch.float32) -> torch.Tensor:
    """LongTensor (..., D) → float one-hot (..., D, K).

    Rows of the identity picked by index: the same 0/1 values as ``F.one_hot(x, K).to(dtype)``, written
    once in ``dtype`` (about 3× faster on the trainer's (M·B, D) samples than building int64 and casting).
    """
    x, k = _indices(x), positive_int(num_categories, "num_categories")
    if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
        raise ArgumentTypeError(f"dtype must be a floating torch dtype; got {dtype!r}")
    try:
        return F.embedding(x, torch.eye(k, dtype=dtype, device=x.device))
    except (IndexError, RuntimeError):
        raise _out_of_range(x, k) from None


def _indices(x, name: str = "x") -> torch.Tensor:
    """``x`` as an integer tensor of category indices (not bool, not float); the range is checked by the caller."""
    if not isinstance(x, torch.Tensor):
        try:
            x = torch.as_tensor(x)
        except (TypeError, ValueError, RuntimeError) as err:
            raise ArgumentTypeError(f"{name} must be integer category indices; got {type(x).__name__}") from err
    if x.dtype == torch.bool or x.is_floating_point() or x.is_complex():
        raise ArgumentTypeError(f"{name} must hold integer category indices (e.g. generator.sample(n)); got dtype {x.dtype}")
    return x


def _out_of_range(x: torch.Tensor, k: int, name: str = "x") -> ValueError:
    return ValueError(f"{name} must lie in 0..{k - 1} for num_categories={k}; got values in "
                      f"{x.min().item()}..{x.max().item()}")


def _logits(logits) -> torch.Tensor:
    """Generator logits: a floating (B, D, K) tensor with K >= 1 (NaN is caught where the sampler meets it)."""
    logits = shape(as_tensor(logits, "logits"), "logits", (None, None, None), "(B, D, K)")
    if logits.shape[-1] == 0:
        raise ValueError(f"logits must have K >= 1 categories on the last axis; got shape {tuple(logits.shape)}")
    return logits


def _rng(generator) -> torch.Generator | None:
    """None (torch's global RNG), or a ``torch.Generator`` from a generator or an int seed."""
    return None if generator is None else make_generator(generator, name="generator")


FEW_CATEGORIES = 4        # up to this K, sample_categorical inverts the CDF itself (faster than multinomial)


def sample_categorical(logits: torch.Tensor, m: int | None = None,
                       generator: torch.Generator | int | None = None) -> torch.Tensor:
    r"""Draw from logits (B, D, K) without gradient: (B, D) if ``m`` is None, else (m, B, D).

    ``torch.multinomial(softmax(logits), m, replacement=True)`` on the B·D rows. On the CPU, for
    $K \le$ ``FEW_CATEGORIES`` and $m \ge 2$, the same draws are made without it (:func:`_inverse_cdf`):
    the same uniforms from ``generator`` in the same order, compared with the same float cumulative
    sums, so the samples (and the generator's state afterwards) equal multinomial's bit for bit,
    at about half the cost for K = 2 (tests/test_training_speed_parity.py checks the equality).
    NaN or +inf logits raise ``ValueError`` (a diverged generator), before any draw.
    """
    logits, generator = _logits(logits), _rng(generator)
    m = None if m is None else positive_int(m, "m")
    batch, positions, k = logits.shape
    with torch.no_grad():
        probs = torch.softmax(logits.detach(), -1).reshape(-1, k)       # (B·D, K)
        if m is not None and m >= 2 and k <= FEW_CATEGORIES and probs.device.type == "cpu":
            draws = _inverse_cdf(probs, m, generator)                   # (B·D, m)
        elif probs.numel() == 0:
            draws = torch.zeros(0, 1 if m is None else m, dtype=torch.long, device=probs.device)
        else:
            try:
                draws = torch.multinomial(probs, 1 if m is None else m, replacement=True, generator=generator)
            except RuntimeError:                                        # torch: "invalid multinomial distribution"
                raise ValueError("logits must be finite: their softmax has NaN entries (a NaN or +inf logit, "
                                 "or every logit of a position -inf)") from None
    if m is None:
        return draws.view(batch, positions)
    return draws.view(batch, positions, m).permute(2, 0, 1).contiguous()       # (m, B, D)


def _inverse_cdf(probs: torch.Tensor, m: int, generator: torch.Generator | None) -> torch.Tensor:
    r"""m draws per row of probs (N, K) by inverting the CDF, exactly as ATen's CPU multinomial kernel does.

    That kernel (with replacement, m ≥ 2) accumulates $c_j = \sum_{i\le j} p_i$ in the probabilities'
    dtype, divides by $c_{K-1}$, draws $u\sim\mathcal U[0,1)$ in float64, row by row and m per row,
    and returns the first $j$ with $c_j \ge u$, i.e. $\#\{j < K-1 : c_j < u\}$. (N, K) → (N, m).
    """
    cumulative = [probs[:, 0]]                                          # (N,) each, summed left to right
    for j in range(1, probs.shape[1]):
        cumulative.append(cumulative[-1] + probs[:, j])
    total = cumulative[-1]
    if not bool((torch.isfinite(total) & (total > 0)).all()):
        raise ValueError("logits must be finite: their softmax has NaN entries (a NaN or +inf logit)")
    u = torch.rand(probs.shape[0], m, dtype=torch.float64, generator=generator)     # (N, m)
    draws = (u > (cumulative[0] / total).unsqueeze(1)).long()
    for c in cumulative[1:-1]:
        draws += u > (c / total).unsqueeze(1)
    return draws


def categorical_log_prob(logits: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    r"""$\log g(x\mid z) = \sum_d \mathrm{log\_softmax}(\ell_d)_{x_d}$. logits (B, D, K), x (..., B, D) → (..., B)."""
    logits, x = _logits(logits), _indices(x)
    if x.shape[-2:] != logits.shape[:2]:
        raise ValueError(f"x must have shape (..., B, D) = (..., {logits.shape[0]}, {logits.shape[1]}) to match logits "
                         f"(B, D, K) = {tuple(logits.shape)}; got {tuple(x.shape)}")
    log_p = torch.log_softmax(logits, -1)                                        # (B, D, K)
    log_p = log_p.expand(*x.shape, log_p.shape[-1])                             # (..., B, D, K)
    try:
        return log_p.gather(-1, x.long().unsqueeze(-1)).squeeze(-1).sum(-1)
    except (IndexError, RuntimeError):
        raise _out_of_range(x, logits.shape[-1]) from None


NOISES = ("uniform", "normal")


def _mlp(sizes: list[int], slope: float = 0.2) -> nn.Sequential:
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(nn.LeakyReLU(slope))
    return nn.Sequential(*layers)


def _check_sizes(**sizes) -> None:
    for name, value in sizes.items():
        positive_int(value, name, 2 if name == "num_categories" else 1)


def _noise(module, z) -> torch.Tensor:
    """Noise z (B, noise_dim) for ``module``, in the dtype of its weights."""
    z = shape(as_tensor(z, "z"), "z", (None, module.noise_dim), f"(B, noise_dim) = (B, {module.noise_dim})")
    return _like_module(z, module, "z")


def _like_module(x: torch.Tensor, module: nn.Module, name: str) -> torch.Tensor:
    """``x`` if its dtype is that of ``module``'s weights, else a ValueError saying how to match them."""
    weight = next(module.parameters(), None)
    if weight is not None and x.dtype != weight.dtype:
        raise ValueError(f"{name} has dtype {x.dtype} but the module's weights are {weight.dtype}; "
                         f"convert one of them ({name}.to({weight.dtype}) or module.to({x.dtype}))")
    return x


class CategoricalSampling:
    """``log_prob``, ``sample_many`` and ``sample`` for any module with ``forward(z)`` → (B, D, K) logits
    and ``noise(n, generator)``: mix it into your own generator to get the whole protocol."""

    def log_prob(self, x: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        """log g(x | z) summed over positions; x (..., B, D), z (B, noise_dim) → (..., B)."""
        return categorical_log_prob(self(_noise(self, z)), x)

    def sample_many(self, z: torch.Tensor, m: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """M samples for each of the B noise vectors, no gradient: LongTensor (m, B, D)."""
        m = positive_int(m, "m")
        with torch.no_grad():
            return sample_categorical(self(_noise(self, z)), m, generator)

    def sample(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """n samples from the marginal q(x) (fresh z each): LongTensor (n, D)."""
        n, generator = positive_int(n, "n"), _rng(generator)
        with torch.no_grad():
            return sample_categorical(self(self.noise(n, generator)), None, generator)


class CategoricalGenerator(CategoricalSampling, nn.Module):
    r"""MLP noise → logits (B, D, K), with $z\sim\mathcal N(0, I_{d_z})$ by default.

    NOTE(deviation): the authors draw $z\sim\mathcal U[0,1)^{d_z}$ (`docs/math.md` §10.1; ``noise="uniform"``).
    With a small MLP, uniform noise (variance 1/12) leaves the logits almost independent of z at
    initialisation, so every conditional starts as the same product of marginals; on the ring grid it
    stalled at JS ≈ 0.21 for 1500 steps where N(0, I) reached ≈ 0.06-0.09.
    """

    def __init__(self, num_positions: int, num_categories: int, noise_dim: int = 16,
                 hidden: int = 128, layers: int = 2, noise: str = "normal"):
        super().__init__()
        self.noise_kind = choice(noise, NOISES, "noise")
        _check_sizes(num_positions=num_positions, num_categories=num_categories, noise_dim=noise_dim,
                     hidden=hidden, layers=layers)
        self.num_positions, self.num_categories, self.noise_dim = num_positions, num_categories, noise_dim
        self.net = _mlp([noise_dim] + [hidden] * layers + [num_positions * num_categories])

    def noise(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """z ~ N(0, I) (or Uniform[0, 1) with ``noise="uniform"``), shape (n, noise_dim), on the module's device."""
        n, generator = positive_int(n, "n"), _rng(generator)
        weight = next(self.parameters())                 # z in the weights' dtype: a .double() model gets float64 z
        draw = torch.randn if self.noise_kind == "normal" else torch.rand
        return draw(n, self.noise_dim, generator=generator, device=weight.device, dtype=weight.dtype)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(_noise(self, z)).view(-1, self.num_positions, self.num_categories)        # (B, D, K)


class OneHotCritic(nn.Module):
    """MLP critic: float (N, D, K) one-hot (or relaxed probabilities) → raw logits V (N,)."""

    def __init__(self, num_positions: int, num_categories: int, hidden: int = 128, layers: int = 2):
        super().__init__()
        _check_sizes(num_positions=num_positions, num_categories=num_categories, hidden=hidden, layers=layers)
        self.num_positions, self.num_categories = num_positions, num_categories
        self.net = _mlp([num_positions * num_categories] + [hidden] * layers + [1])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        d, k = self.num_positions, self.num_categories
        x = shape(as_tensor(x, "x"), "x", (None, d, k), f"(N, D, K) = (N, {d}, {k}) (one-hot or relaxed)")
        return self.net(_like_module(x, self, "x").flatten(1)).squeeze(-1)          # (N,)
