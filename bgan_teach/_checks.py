"""Input validation shared by all modules: clear ``ValueError`` messages naming the parameter."""
from __future__ import annotations

import torch


def as_tensor(x, name: str, dtype: torch.dtype | None = None) -> torch.Tensor:
    """Convert array-likes to a floating tensor; reject non-numeric input with a clear message."""
    if not isinstance(x, torch.Tensor):
        try:
            x = torch.as_tensor(x, dtype=dtype or torch.get_default_dtype())
        except (TypeError, ValueError, RuntimeError) as err:
            raise ValueError(f"{name} must be a tensor or array of numbers; got {type(x).__name__}") from err
    if not torch.is_floating_point(x):
        x = x.to(dtype or torch.get_default_dtype())
    return x


def same_shape(a: torch.Tensor, b: torch.Tensor, name_a: str, name_b: str) -> None:
    if a.shape != b.shape:
        raise ValueError(f"{name_a} and {name_b} must have the same shape; got {tuple(a.shape)} and {tuple(b.shape)}")


def probability_vector(p: torch.Tensor, name: str, atol: float = 1e-5) -> torch.Tensor:
    """Check that ``p`` is a probability table over its last axis (non-negative, sums to 1)."""
    p = as_tensor(p, name)
    if p.ndim == 0:
        raise ValueError(f"{name} must have at least one axis (the support); got a scalar")
    if torch.isnan(p).any():
        raise ValueError(f"{name} contains NaN")
    if (p < 0).any():
        raise ValueError(f"{name} must be non-negative; smallest entry is {p.min().item():.3g}")
    total = p.sum(-1)
    if not torch.allclose(total, torch.ones_like(total), atol=atol, rtol=0):
        raise ValueError(f"{name} must sum to 1 over its last axis; sums are {total.flatten()[:4].tolist()}")
    return p


def dim_in_range(x: torch.Tensor, dim: int, name: str) -> None:
    if x.ndim == 0 or not -x.ndim <= dim < x.ndim:
        raise ValueError(f"dim={dim} is out of range for {name} with shape {tuple(x.shape)}")
