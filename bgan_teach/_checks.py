"""Input validation shared by all modules: clear ``ValueError`` messages naming the parameter."""
from __future__ import annotations

import math

import numpy as np
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


# --- numbers and choices ----------------------------------------------------------------------------
def integer(value, name: str, minimum: int | None = None) -> int:
    """``value`` as an int (Python or NumPy integer, not a bool or a float) that is ``>= minimum``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer; got {value!r} ({type(value).__name__})")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


def positive_int(value, name: str, minimum: int = 1) -> int:
    """An integer ``>= minimum`` (default 1)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


def _real(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a number; got {value!r} ({type(value).__name__})")
    return float(value)


def positive_float(value, name: str) -> float:
    """A finite number ``> 0``."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not value > 0 or not math.isfinite(value):
        raise ValueError(f"{name} must be a positive finite number; got {value!r}")
    return float(value)


def non_negative_float(value, name: str) -> float:
    """A finite number ``>= 0``."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not 0 <= value < math.inf:
        raise ValueError(f"{name} must be a non-negative finite number; got {value!r}")
    return float(value)


def in_interval(value, name: str, low: float, high: float, closed: str = "[)") -> float:
    """A number in the interval from ``low`` to ``high``; ``closed`` says which ends belong ("[)", "[]", "()")."""
    x = _real(value, name)
    ok_low = x >= low if closed[0] == "[" else x > low
    ok_high = x <= high if closed[1] == "]" else x < high
    if not (ok_low and ok_high):
        raise ValueError(f"{name} must be in {closed[0]}{low}, {high}{closed[1]}; got {value!r}")
    return x


def boolean(value, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False; got {value!r}")
    return bool(value)


def choice(value, allowed, name: str):
    """``value`` if it is one of ``allowed`` (a sequence or a dict's keys), else ValueError listing them."""
    try:
        ok = value in allowed
    except TypeError:
        ok = False
    if not ok:
        raise ValueError(f"{name} must be one of {list(allowed)}; got {value!r}")
    return value


def table_entry(name, table: dict, param: str, row_type: type):
    """``table[name]``, or ``name`` itself when it is already a ``row_type``; else ValueError listing the names."""
    if isinstance(name, row_type):
        return name
    try:
        return table[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown {param} {name!r}; valid names are {list(table)}") from None
