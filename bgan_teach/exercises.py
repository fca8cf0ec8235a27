r"""Exercises in the notebooks: a blank for you to fill, feedback that never stops "Run All".

An exercise cell in a notebook source looks like this::

    ### BEGIN EXERCISE log_space_weights
    w_tilde = ...      # (M, B): replace the ... by your code
    ### END EXERCISE
    exercise("log_space_weights", w_tilde, weights.normalized(log_w))

:func:`exercise` prints one of three verdicts: **not attempted yet** (the answer is still ``...``),
**correct**, or **not yet** with how far off the answer is (largest absolute and relative difference, or
the shape/type that differs). It never raises, so a notebook with blanks runs top to bottom. The worked
solution of every exercise lives in ``notebooks/solutions/NN_*.py`` between the same markers;
``python tools/notebooks.py solved`` builds copies of the notebooks with the solutions filled in, and CI
runs those with ``BGAN_SOLUTIONS=1``, which makes a verdict other than "correct" an error.
"""
from __future__ import annotations

import os

import numpy as np
import torch

__all__ = ["exercise", "verdict", "NOT_ATTEMPTED", "solutions_mode"]

NOT_ATTEMPTED = Ellipsis          # what a blank holds: ``answer = ...``


def solutions_mode() -> bool:
    """True when the notebooks run with the solutions filled in (CI): a wrong answer must then fail."""
    return os.environ.get("BGAN_SOLUTIONS", "").strip().lower() in {"1", "true", "yes", "on"}


def _array(x) -> np.ndarray:
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().double().numpy()
    return np.asarray(x, dtype=float)


def verdict(answer, reference, rtol: float = 1e-5, atol: float = 1e-8) -> tuple[str, str]:
    """``(status, detail)`` with status ``"not attempted"``, ``"correct"`` or ``"not yet"``; never raises."""
    if answer is NOT_ATTEMPTED:
        return "not attempted", "replace the ... by your code, then run the cell again"
    try:
        a, b = _array(answer), _array(reference)
    except (TypeError, ValueError, RuntimeError) as err:
        return "not yet", f"your answer is not an array of numbers ({type(answer).__name__}: {err})"
    if a.shape != b.shape:
        return "not yet", f"shape {a.shape}, expected {b.shape}"
    if a.size == 0 or np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True):
        return "correct", ""
    diff = np.abs(a - b)
    worst = float(np.nanmax(diff)) if np.isfinite(diff).any() else float("inf")
    rel = worst / max(float(np.nanmax(np.abs(b))), 1e-300)
    nan = " (your answer has NaN)" if np.isnan(a).any() and not np.isnan(b).any() else ""
    return "not yet", f"largest difference {worst:.3g} ({100 * rel:.2g} % of the largest reference value){nan}"


def exercise(name: str, answer, reference, rtol: float = 1e-5, atol: float = 1e-8) -> str:
    """Print the verdict on exercise ``name`` and return its status; raises only in solutions mode."""
    status, detail = verdict(answer, reference, rtol, atol)
    mark = {"correct": "✔ correct", "not attempted": "… not attempted yet", "not yet": "✘ not yet"}[status]
    print(f"{name}: {mark}" + (f" — {detail}" if detail else ""))
    if solutions_mode() and status != "correct":
        raise AssertionError(f"exercise {name!r} with its solution filled in: {status} ({detail})")
    return status
