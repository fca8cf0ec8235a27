"""The one validation layer: every public function checks its arguments here, before any work.

Every message names the parameter, what was given and what is allowed. A value of the wrong *kind*
(a float or a bool where an integer is needed, a string where a number is needed, a seed that is
neither an ``int`` nor a ``torch.Generator``) raises :class:`ArgumentTypeError`, which is a ``TypeError``
and also a ``ValueError`` (so code that caught ``ValueError`` for such input keeps working); a value of
the right kind but outside what is allowed (a negative size, an empty array, an unknown name) raises
``ValueError``.
"""
from __future__ import annotations

import math

import numpy as np
import torch

__all__ = [
    "ArgumentTypeError", "as_tensor", "non_empty", "shape", "broadcasts_to", "same_shape", "dim_in_range", "probability_vector",
    "integer", "positive_int", "real", "positive_float", "non_negative_float", "in_interval", "boolean",
    "choice", "table_entry", "seed",
]

SEED_RANGE = (-(2**63), 2**64 - 1)           # what torch.Generator.manual_seed accepts


class ArgumentTypeError(TypeError, ValueError):
    """An argument of the wrong type (a ``TypeError`` that is also a ``ValueError``)."""


def _brief(value) -> str:
    """``repr(value)``, cut to 60 characters."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _shown(value) -> str:
    return f"{_brief(value)} ({type(value).__name__})"


# --- tensors ------------------------------------------------------------------------------------------
def as_tensor(x, name: str, dtype: torch.dtype | None = None) -> torch.Tensor:
    """``x`` as a floating tensor: a float tensor or NumPy float array keeps its dtype (float64 stays
    float64); input without a floating dtype of its own (Python numbers and lists, integer arrays) becomes
    ``dtype`` (default: torch's default dtype), built directly in it (a Python float never passes through
    float32 on its way to float64). Booleans, complex numbers, strings and other objects raise
    :class:`ArgumentTypeError` naming ``name``.
    """
    if not isinstance(x, torch.Tensor):
        x = _from_array_like(x, name, dtype)
    if x.dtype == torch.bool:
        raise ArgumentTypeError(f"{name} must hold numbers, not booleans; got a bool tensor of shape {tuple(x.shape)}")
    if x.is_complex():
        raise ArgumentTypeError(f"{name} must hold real numbers; got dtype {x.dtype}")
    if not torch.is_floating_point(x):
        x = x.to(dtype or torch.get_default_dtype())
    return x


def _from_array_like(x, name: str, dtype: torch.dtype | None) -> torch.Tensor:
    """A tensor from a NumPy array or scalar (its dtype kept) or a Python number or (nested) list."""
    bad = ArgumentTypeError(f"{name} must be a tensor or array of numbers; got {_shown(x)}")
    if isinstance(x, (str, bytes)) or x is None:
        raise bad
    try:
        if isinstance(x, (np.ndarray, np.generic)):
            if np.asarray(x).dtype.kind not in "biufc":
                raise bad
            t = torch.as_tensor(np.asarray(x))
            if t.is_floating_point():
                return t                                              # a NumPy float array keeps its dtype
        else:
            t = torch.as_tensor(x)                                   # Python floats -> default dtype
            if dtype is not None and t.is_floating_point():
                t = torch.as_tensor(x, dtype=dtype)                  # no detour through float32
    except (TypeError, ValueError, RuntimeError) as err:
        raise bad from err
    return t.to(dtype) if dtype is not None and t.is_floating_point() else t


def non_empty(x: torch.Tensor, name: str) -> torch.Tensor:
    """``x`` if it has at least one entry (a mean over nothing is undefined), else ValueError."""
    if x.numel() == 0:
        raise ValueError(f"{name} must be non-empty (at least one entry); got shape {tuple(x.shape)}")
    return x


def shape(x: torch.Tensor, name: str, expected: tuple, labels: str = "") -> torch.Tensor:
    """``x`` if ``x.shape`` matches ``expected`` (ints must match, ``None`` is any size).

    ``labels`` names the axes in the message, e.g. ``"(N, D, K)"``.
    """
    ok = x.ndim == len(expected) and all(e is None or e == s for e, s in zip(expected, x.shape))
    if not ok:
        want = labels or "(" + ", ".join("any" if e is None else str(e) for e in expected) + ")"
        raise ValueError(f"{name} must have shape {want}; got {tuple(x.shape)}")
    return x


def broadcasts_to(x: torch.Tensor, target: tuple, name: str) -> torch.Tensor:
    """``x`` if it broadcasts to shape ``target`` without changing it (a scalar, or a matching shape)."""
    try:
        fits = torch.broadcast_shapes(x.shape, tuple(target)) == tuple(target)
    except RuntimeError:
        fits = False
    if not fits:
        raise ValueError(f"{name} must be a scalar or broadcast to shape {tuple(target)}; got shape {tuple(x.shape)}")
    return x


def same_shape(a: torch.Tensor, b: torch.Tensor, name_a: str, name_b: str) -> None:
    if a.shape != b.shape:
        raise ValueError(f"{name_a} and {name_b} must have the same shape; got {tuple(a.shape)} and {tuple(b.shape)}")


def dim_in_range(x: torch.Tensor, dim, name: str) -> None:
    integer(dim, "dim")
    if x.ndim == 0 or not -x.ndim <= dim < x.ndim:
        raise ValueError(f"dim={dim} is out of range for {name} with shape {tuple(x.shape)}")


def probability_vector(p, name: str, atol: float = 1e-5) -> torch.Tensor:
    """Check that ``p`` is a probability table over its last axis (non-negative, finite, sums to 1)."""
    p = as_tensor(p, name)
    if p.ndim == 0 or p.shape[-1] == 0:
        raise ValueError(f"{name} must have a non-empty last axis (the support); got shape {tuple(p.shape)}")
    if torch.isnan(p).any():
        raise ValueError(f"{name} contains NaN")
    if (p < 0).any():
        raise ValueError(f"{name} must be non-negative; smallest entry is {p.min().item():.3g}")
    if torch.isinf(p).any():
        raise ValueError(f"{name} must be finite; it contains inf")
    total = p.sum(-1)
    if not torch.allclose(total, torch.ones_like(total), atol=atol, rtol=0):
        raise ValueError(f"{name} must sum to 1 over its last axis; sums are {total.flatten()[:4].tolist()}")
    return p


# --- numbers ------------------------------------------------------------------------------------------
def _is_integer(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


INT64 = (-(2**63), 2**63 - 1)


def integer(value, name: str, minimum: int | None = None, maximum: int | None = None) -> int:
    """``value`` as an int (Python or NumPy integer, not a bool, float or string) in [minimum, maximum].

    Without a ``maximum`` the value must still fit in int64 (sizes and counts go to torch as int64).
    """
    allowed = ("" if minimum is None and maximum is None else f" in {minimum}..{maximum}"
               if minimum is not None and maximum is not None else f" >= {minimum}" if minimum is not None
               else f" <= {maximum}")
    if not _is_integer(value):
        raise ArgumentTypeError(f"{name} must be an integer{allowed}; got {_shown(value)}")
    if not INT64[0] <= value <= max(INT64[1], maximum or 0):
        raise ValueError(f"{name} must be an integer{allowed} that fits in int64; got {_brief(value)}")
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be an integer{allowed}; got {_brief(value)}")
    return int(value)


def positive_int(value, name: str, minimum: int = 1) -> int:
    """An integer ``>= minimum`` (default 1)."""
    return integer(value, name, minimum=minimum)


def real(value, name: str, finite: bool = True) -> float:
    """``value`` as a float: a Python or NumPy number (not a bool or string); finite unless ``finite=False``.

    NaN is always rejected.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ArgumentTypeError(f"{name} must be a number; got {_shown(value)}")
    try:
        x = float(value)
    except OverflowError:                                           # a Python int beyond the float range
        x = math.inf if value > 0 else -math.inf
    if math.isnan(x) or (finite and not math.isfinite(x)):
        raise ValueError(f"{name} must be a {'finite ' if finite else ''}number (not NaN{' or inf' if finite else ''}); "
                         f"got {_brief(value)}")
    return x


_real = real


def positive_float(value, name: str) -> float:
    """A finite number ``> 0``."""
    x = real(value, name, finite=False)
    if not 0 < x < math.inf:
        raise ValueError(f"{name} must be a positive finite number; got {_brief(value)}")
    return x


def non_negative_float(value, name: str) -> float:
    """A finite number ``>= 0``."""
    x = real(value, name, finite=False)
    if not 0 <= x < math.inf:
        raise ValueError(f"{name} must be a non-negative finite number; got {_brief(value)}")
    return x


def in_interval(value, name: str, low: float, high: float, closed: str = "[)") -> float:
    """A number in the interval from ``low`` to ``high``; ``closed`` says which ends belong ("[)", "[]", "()")."""
    x = real(value, name, finite=False)
    ok_low = x >= low if closed[0] == "[" else x > low
    ok_high = x <= high if closed[1] == "]" else x < high
    if not (ok_low and ok_high):
        raise ValueError(f"{name} must be in {closed[0]}{low}, {high}{closed[1]}; got {_brief(value)}")
    return x


def boolean(value, name: str) -> bool:
    """``True`` or ``False`` (a NumPy bool too), nothing else (not 0/1, not a string)."""
    if not isinstance(value, (bool, np.bool_)):
        raise ArgumentTypeError(f"{name} must be True or False; got {_shown(value)}")
    return bool(value)


# --- names and seeds ------------------------------------------------------------------------------------
def choice(value, allowed, name: str):
    """``value`` if it is one of ``allowed`` (a sequence or a dict's keys), else ValueError listing them."""
    try:
        ok = value in allowed
    except TypeError:
        ok = False
    if not ok:
        raise ValueError(f"{name} must be one of {list(allowed)}; got {_brief(value)}")
    return value


def table_entry(name, table: dict, param: str, row_type: type):
    """``table[name]``, or ``name`` itself when it is already a ``row_type``; else ValueError listing the names."""
    if isinstance(name, row_type):
        return name
    try:
        return table[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown {param} {name!r}; valid names are {list(table)}") from None


def seed(value, name: str = "seed") -> int | torch.Generator:
    """A seed: an integer (Python or NumPy, not a bool, float or string) in torch's range, or a ``torch.Generator``.

    1.5, ``True`` and ``"0"`` raise :class:`ArgumentTypeError` instead of being truncated to another seed.
    """
    if isinstance(value, torch.Generator):
        return value
    if value is None or not _is_integer(value):
        raise ArgumentTypeError(f"{name} must be an int or a torch.Generator (reproducibility); got {_shown(value)}")
    return integer(value, name, *SEED_RANGE)
