"""Learner self-checks for notebooks: compare your value with ours, print a verdict, never raise.

After nn-zero-to-hero's ``cmp``: exact / allclose / max difference.
"""
from __future__ import annotations

import numpy as np
import torch


def _array(x) -> np.ndarray:
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu().double().numpy()
    return np.asarray(x, dtype=float)


def check(name: str, mine, reference, rtol: float = 1e-5, atol: float = 1e-8) -> bool:
    """Print ``name | exact | close | max diff`` comparing ``mine`` with ``reference``; return closeness."""
    a, b = _array(mine), _array(reference)
    if a.shape != b.shape:
        print(f"{name:<32s} | shape mismatch: yours {a.shape}, expected {b.shape}")
        return False
    exact = bool(np.array_equal(a, b))
    close = bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True))
    diff = float(np.nanmax(np.abs(a - b))) if a.size else 0.0
    verdict = "ok" if close else "MISMATCH"
    print(f"{name:<32s} | exact: {exact!s:5} | close: {close!s:5} | max diff: {diff:.2e} | {verdict}")
    return close
