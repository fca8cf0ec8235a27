r"""Convolutional networks for 8×8 digit images as 64 categorical pixels (K grey levels).

Both follow the protocol of :mod:`bgan_teach.models.categorical`, so ``train_discrete`` accepts them:

- :class:`DigitConvCritic`: float one-hot (N, 64, K) → image (N, K, 8, 8) → two 3×3 convolutions
  (the second with stride 2) → one logit $V$ (N,). A scaled-down version of the authors' MNIST
  discriminator (Conv 64 → Conv 128, stride 2, leaky ReLU 0.2, no batch norm; `docs/math.md` §10.1).
  Weight sharing across positions lets it judge strokes anywhere in the image, which an MLP
  critic must learn 64 times.
- :class:`DigitConvGenerator`: $z\sim\mathcal U[0,1)^{d_z}$ → dense → (C, 4, 4) → transposed conv
  (stride 2) → 3×3 conv → per-pixel logits (N, 64, K); a small version of the authors' DCGAN generator.

Pixels are flattened row-major (position d = 8·row + column), as in :mod:`bgan_teach.data.digits`.
"""
from __future__ import annotations

import torch
from torch import nn

from .._checks import as_tensor, positive_int, shape
from .categorical import CategoricalSampling, _like_module, _noise, _rng

SIDE = 8
NUM_PIXELS = SIDE * SIDE

__all__ = ["DigitConvCritic", "DigitConvGenerator", "to_image", "from_image"]


def _check(**sizes) -> None:
    for name, value in sizes.items():
        positive_int(value, name, 2 if name == "num_categories" else 1)


def to_image(x: torch.Tensor) -> torch.Tensor:
    """(N, 64, K) per-pixel vectors → (N, K, 8, 8) channels-first images."""
    x = as_tensor(x, "x")
    if x.ndim != 3 or x.shape[1] != NUM_PIXELS:
        raise ValueError(f"x must have shape (N, 64, K); got {tuple(x.shape)}")
    return x.transpose(1, 2).reshape(len(x), x.shape[2], SIDE, SIDE)


def from_image(x: torch.Tensor) -> torch.Tensor:
    """(N, K, 8, 8) → (N, 64, K): the inverse of :func:`to_image`."""
    x = shape(as_tensor(x, "x"), "x", (None, None, SIDE, SIDE), "(N, K, 8, 8)")
    return x.flatten(2).transpose(1, 2)


class DigitConvCritic(nn.Module):
    """Conv critic for 8×8 images with K categories per pixel: float (N, 64, K) → raw logits V (N,)."""

    def __init__(self, num_categories: int = 2, channels: int = 32, hidden: int = 128, slope: float = 0.2):
        super().__init__()
        _check(num_categories=num_categories, channels=channels, hidden=hidden)
        self.num_positions, self.num_categories = NUM_PIXELS, num_categories
        c = channels
        self.net = nn.Sequential(
            nn.Conv2d(num_categories, c, 3, padding=1), nn.LeakyReLU(slope),          # (N, c, 8, 8)
            nn.Conv2d(c, 2 * c, 3, stride=2, padding=1), nn.LeakyReLU(slope),         # (N, 2c, 4, 4)
            nn.Flatten(), nn.Linear(2 * c * 16, hidden), nn.LeakyReLU(slope),
            nn.Linear(hidden, 1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = shape(as_tensor(x, "x"), "x", (None, NUM_PIXELS, self.num_categories), f"(N, 64, {self.num_categories})")
        return self.net(to_image(_like_module(x, self, "x"))).squeeze(-1)                                    # (N,)


class DigitConvGenerator(CategoricalSampling, nn.Module):
    r"""Noise $z\sim\mathcal U[0,1)^{d_z}$ → per-pixel logits (N, 64, K) through a small deconvolution stack."""

    def __init__(self, num_categories: int = 2, noise_dim: int = 64, channels: int = 64, slope: float = 0.2):
        super().__init__()
        _check(num_categories=num_categories, noise_dim=noise_dim, channels=channels)
        self.num_positions, self.num_categories, self.noise_dim = NUM_PIXELS, num_categories, noise_dim
        c = channels
        self.dense = nn.Sequential(nn.Linear(noise_dim, 256), nn.LeakyReLU(slope),
                                   nn.Linear(256, c * 16), nn.LeakyReLU(slope))
        self.conv = nn.Sequential(
            nn.ConvTranspose2d(c, c // 2, 4, stride=2, padding=1), nn.LeakyReLU(slope),   # (N, c/2, 8, 8)
            nn.Conv2d(c // 2, num_categories, 3, padding=1),                              # (N, K, 8, 8)
        )
        self.channels = c

    def noise(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """z ~ Uniform[0, 1)^noise_dim, shape (n, noise_dim), as in the authors' code (in the weights' dtype)."""
        n, generator, weight = positive_int(n, "n"), _rng(generator), next(self.parameters())
        return torch.rand(n, self.noise_dim, generator=generator, device=weight.device, dtype=weight.dtype)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        z = _noise(self, z)
        h = self.dense(z).view(len(z), self.channels, 4, 4)                         # (N, c, 4, 4)
        return from_image(self.conv(h))                                             # (N, 64, K)
