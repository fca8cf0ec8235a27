r"""Critics on a finite support of K points, for fitting the variational bound between two tables.

Each maps nothing to the raw outputs $v(x_k)$ over the whole support, (K,), in float64: the support is
fixed, so the critic *is* its table of outputs (docs/math.md §2.2-§2.3).
"""
from __future__ import annotations

import torch
from torch import nn

from .._checks import positive_int

__all__ = ["TableCritic", "PositionMLPCritic", "PositionLinearCritic", "CRITICS"]
F64 = torch.float64


class TableCritic(nn.Module):
    """A free table of raw outputs, one per support point: $v(x_k) = \\theta_k$ (starts at 0)."""

    def __init__(self, k: int) -> None:
        super().__init__()
        self.v = nn.Parameter(torch.zeros(positive_int(k, "k"), dtype=F64))

    def forward(self) -> torch.Tensor:
        return self.v                                        # (K,)


class PositionMLPCritic(nn.Module):
    """A tiny MLP on the position $x_k \\in [-1, 1]$: neighbouring points share parameters."""

    def __init__(self, k: int, hidden: int = 32) -> None:
        super().__init__()
        k, hidden = positive_int(k, "k"), positive_int(hidden, "hidden")
        self.register_buffer("position", torch.linspace(-1, 1, k, dtype=F64)[:, None])   # (K, 1)
        self.net = nn.Sequential(nn.Linear(1, hidden), nn.Tanh(), nn.Linear(hidden, hidden), nn.Tanh(),
                                 nn.Linear(hidden, 1)).to(F64)

    def forward(self) -> torch.Tensor:
        return self.net(self.position).squeeze(-1)           # (K,)


class PositionLinearCritic(PositionMLPCritic):
    r"""$v(x_k) = a\,x_k + b$: a logistic-regression critic in the GAN case (too weak for two bumps)."""

    def __init__(self, k: int) -> None:
        super().__init__(k)
        self.net = nn.Linear(1, 1).to(F64)


CRITICS = {"table": TableCritic, "mlp": PositionMLPCritic, "linear": PositionLinearCritic}
