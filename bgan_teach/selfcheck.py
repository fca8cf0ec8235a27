"""Learner self-checks for notebooks: compare your value with ours, print a verdict, never raise.

After nn-zero-to-hero's ``cmp``: exact / allclose / max difference. Whatever a learner passes (a
tensor, a list, a string typed by mistake, None), :func:`check` prints one line and returns a bool;
an argument it cannot read as numbers gets a line saying so, not a traceback.
"""
from __future__ import annotations

import numpy as np
import torch


def _array(x) -> np.ndarray:
    """``x`` as a float64 array; raises TypeError/ValueError when it does not hold real numbers."""
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu()
        x = x.double() if not x.is_complex() else x
        x = x.numpy()
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"a {type(x).__name__}, not numbers")
    try:
        arr = np.asarray(x)
    except ValueError:
        raise TypeError("a ragged sequence, not an array of numbers") from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"dtype {arr.dtype}, not real numbers")
    return arr.astype(float)


def _read(x, whose: str, name: str):
    try:
        return _array(x)
    except (TypeError, ValueError, RuntimeError, OverflowError) as err:
        text = repr(x) if len(repr(x)) <= 40 else repr(x)[:37] + "..."
        print(f"{name:<32s} | cannot compare: {whose} value {text} is {err}")
        return None


def _tolerance(value, default: float) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return default
    return value if value >= 0 else default


def check(name: str, mine, reference, rtol: float = 1e-5, atol: float = 1e-8) -> bool:
    """Print ``name | exact | close | max diff`` comparing ``mine`` with ``reference``; return closeness.

    Never raises: values that are not numbers, or shapes that differ, print a line saying so and
    return False. NaN in the same places counts as equal; a bad ``rtol``/``atol`` falls back to the default.
    """
    name = str(name)
    a, b = _read(mine, "your", name), _read(reference, "the expected", name)
    if a is None or b is None:
        return False
    if a.shape != b.shape:
        print(f"{name:<32s} | shape mismatch: yours {a.shape}, expected {b.shape}")
        return False
    rtol, atol = _tolerance(rtol, 1e-5), _tolerance(atol, 1e-8)
    exact = bool(np.array_equal(a, b, equal_nan=True))
    close = bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True))
    with np.errstate(invalid="ignore"):
        gap = np.abs(a - b)
    gap = gap[~np.isnan(gap)]
    diff = float(gap.max()) if gap.size else 0.0
    verdict = "ok" if close else "MISMATCH"
    print(f"{name:<32s} | exact: {exact!s:5} | close: {close!s:5} | max diff: {diff:.2e} | {verdict}")
    return close
