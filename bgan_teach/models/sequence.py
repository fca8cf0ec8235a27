r"""Non-autoregressive sequence generator and 1-D convolutional critic for character-level text.

As in the paper's character-level experiment (Hjelm et al. 2018; its setup in the authors' code,
`docs/math.md` §10.1), the generator maps noise $z$ to all $L$ positions at once: $g_\theta(x\mid z) = \prod_{l=1}^{L}
\mathrm{Cat}(x_l;\ \mathrm{softmax}(\ell_l(z)))$ — positions are independent *given* z, so every
dependency between characters must come from z. The critic reads one-hot (or relaxed) sequences.

Protocol (what ``train_discrete`` expects): the generator has ``noise_dim``, ``num_positions`` (L),
``num_categories`` (K), ``noise(n, generator)`` and ``forward(z) -> (B, L, K)`` logits; the critic maps
float (N, L, K) → (N,) raw logits (log w = V in the GAN case).

NOTE(deviation): the authors' character-level script (rdevon/BGAN, ``BILLION-WORD/main.py``; its stored
revisions differ, `docs/math.md` §10.1) builds a generator Dense h·32 (BN) → residual blocks of Conv1d h, k5
(BN) → Conv1d 192 and a critic Conv1d h → residual blocks → Dense 1, with h = 512 and 5 blocks in the
revision we read. We default to a generator of
width 64 with 1 block and a critic of one Conv1d (width 128, kernel 5) → Dense, without batch norm (so
that a sample depends on its own z only, and train/eval modes agree), to train on a CPU in minutes;
``blocks``/``width`` give the deeper networks. The generator feeds $2z-1$ (centred, in $[-1, 1)$)
to its first layer: the same family of functions as feeding $z$, better conditioned at initialisation.
"""
from __future__ import annotations

import torch
from torch import nn

from .._checks import as_tensor, integer, positive_int, shape
from ..config import make_generator, seeded
from .categorical import _like_module

__all__ = ["SequenceGenerator", "SequenceCritic", "sample_sequences"]


def _check_int(value, name: str, minimum: int = 1) -> int:
    return integer(value, name, minimum=minimum)


class _Residual(nn.Module):
    """x + scale · conv(act(conv(act(x)))), kernel 5 with 'same' padding (WGAN-GP language model block)."""

    def __init__(self, width: int, act: nn.Module, scale: float = 0.3) -> None:
        super().__init__()
        self.body = nn.Sequential(act, nn.Conv1d(width, width, 5, padding=2), act,
                                  nn.Conv1d(width, width, 5, padding=2))
        self.scale = scale

    def forward(self, x):                                    # (N, C, L) -> (N, C, L)
        return x + self.scale * self.body(x)


class SequenceGenerator(nn.Module):
    """z ~ U[0,1)^noise_dim → Dense width·L → residual Conv1d blocks → per-position K logits (B, L, K)."""

    def __init__(self, num_positions: int, num_categories: int, noise_dim: int = 64, width: int = 64,
                 blocks: int = 1, seed: int = 0) -> None:
        super().__init__()
        self.num_positions = _check_int(num_positions, "num_positions", 2)
        self.num_categories = _check_int(num_categories, "num_categories", 2)
        self.noise_dim = _check_int(noise_dim, "noise_dim")
        self.width = _check_int(width, "width")
        _check_int(blocks, "blocks", 0)
        with seeded(seed):
            self.dense = nn.Linear(noise_dim, width * num_positions)
            self.blocks = nn.Sequential(*[_Residual(width, nn.ReLU()) for _ in range(blocks)])
            self.out = nn.Conv1d(width, num_categories, 1)

    def noise(self, n: int, generator: torch.Generator | int | None = None) -> torch.Tensor:
        """n noise vectors, Uniform[0, 1)^noise_dim as in the authors' code: (n, noise_dim).

        ``generator``: a ``torch.Generator``, a seed, or None for torch's global RNG.
        """
        gen = None if generator is None else make_generator(generator, name="generator")     # None: global RNG
        weight = self.dense.weight
        return torch.rand(_check_int(n, "n"), self.noise_dim, generator=gen, device=weight.device, dtype=weight.dtype)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        z = _like_module(shape(as_tensor(z, "z"), "z", (None, self.noise_dim), f"(B, noise_dim) = (B, {self.noise_dim})"),
                          self, "z")
        h = self.dense(2 * z - 1).view(z.shape[0], self.width, self.num_positions)   # (B, C, L)
        h = torch.relu(self.blocks(h))
        return self.out(h).transpose(1, 2)                                    # (B, L, K) logits


class SequenceCritic(nn.Module):
    """One-hot (N, L, K) → Conv1d k5 → residual Conv1d blocks (leaky ReLU 0.2) → Dense → (N,) logits."""

    def __init__(self, num_positions: int, num_categories: int, width: int = 128, blocks: int = 0,
                 seed: int = 1) -> None:
        super().__init__()
        self.num_positions = _check_int(num_positions, "num_positions", 2)
        self.num_categories = _check_int(num_categories, "num_categories", 2)
        _check_int(width, "width")
        _check_int(blocks, "blocks", 0)
        with seeded(seed):
            self.embed = nn.Conv1d(num_categories, width, 5, padding=2)        # 5-character windows
            self.blocks = nn.Sequential(*[_Residual(width, nn.LeakyReLU(0.2)) for _ in range(blocks)])
            self.head = nn.Linear(width * num_positions, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = as_tensor(x, "x")
        if x.ndim != 3 or x.shape[1:] != (self.num_positions, self.num_categories):
            raise ValueError(f"x must have shape (N, {self.num_positions}, {self.num_categories}) (one-hot); "
                             f"got {tuple(x.shape)}")
        x = _like_module(x, self, "x")
        h = self.blocks(self.embed(x.transpose(1, 2)))                        # (N, C, L)
        return self.head(nn.functional.leaky_relu(h, 0.2).flatten(1)).squeeze(-1)   # (N,)


@torch.no_grad()
def sample_sequences(generator: nn.Module, n: int, seed: int | torch.Generator = 0,
                     z: torch.Tensor | None = None) -> torch.Tensor:
    """Draw one sequence per z from g(x|z): LongTensor (n, L). ``z`` (n, noise_dim) overrides fresh noise."""
    if not isinstance(generator, nn.Module) or not hasattr(generator, "noise"):
        raise TypeError(f"generator must be a sequence generator module (with .noise); got {type(generator).__name__}")
    n, gen = positive_int(n, "n"), make_generator(seed)
    if z is None:
        z = generator.noise(n, gen)
    elif as_tensor(z, "z").shape[:1] != (n,):
        raise ValueError(f"z must hold n = {n} noise vectors, shape (n, noise_dim); got {tuple(as_tensor(z, 'z').shape)}")
    logits = generator(z)                                                     # (n, L, K)
    probs = torch.softmax(logits.double(), -1).flatten(0, 1)                  # (n·L, K)
    return torch.multinomial(probs, 1, generator=gen).view(logits.shape[:2])
