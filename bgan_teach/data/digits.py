r"""scikit-learn's 8×8 digits (1797 images, values 0..16: 17 grey levels) in the encodings we train on.

Ships with scikit-learn: nothing is downloaded. Images are flattened row-major to 64 positions.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import torch

from .._checks import integer

NUM_LEVELS = 17  # grey levels 0..16 in load_digits


@lru_cache(maxsize=1)
def _raw() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits

    bunch = load_digits()
    return bunch.data.astype(np.int64), bunch.target.astype(np.int64)   # (1797, 64), (1797,)


def digit_labels() -> torch.Tensor:
    """Class labels 0..9, LongTensor (1797,)."""
    return torch.from_numpy(_raw()[1].copy())


def digits_binarized(threshold: int = 8) -> torch.Tensor:
    """Pixels ≥ ``threshold`` (of 16) → 1, else 0. LongTensor (1797, 64), K = 2."""
    threshold = integer(threshold, "threshold", 1, 16)
    return torch.from_numpy((_raw()[0] >= threshold).astype(np.int64))


def digits_quantized(levels: int = 4) -> torch.Tensor:
    """Grey levels 0..16 mapped evenly onto 0..levels−1. LongTensor (1797, 64), K = ``levels``.

    ``levels=17`` returns the raw data unchanged.
    """
    levels = integer(levels, "levels", 2, NUM_LEVELS)
    raw = _raw()[0]
    if levels == NUM_LEVELS:
        return torch.from_numpy(raw.copy())
    return torch.from_numpy(np.minimum(raw * levels // NUM_LEVELS, levels - 1))


def digits_continuous() -> torch.Tensor:
    """Pixels scaled to [−1, 1] as x/8 − 1. FloatTensor (1797, 64)."""
    return torch.from_numpy(_raw()[0] / 8.0 - 1.0).float()
