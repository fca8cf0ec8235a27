r"""Scores for generated 8×8 digits: a classifier trained on real digits judges the samples.

There is no exact likelihood for digits, so (like the Inception score, but smaller) we ask a fixed
classifier trained on **real** digits in the **same encoding** as the samples:

- **class coverage** — the histogram of predicted labels over samples; a model that covers the data
  puts about 10 % in every class, a collapsed one leaves classes empty;
- **mean confidence** — $\frac1N\sum_i \max_c \hat p(c\mid x_i)$; real held-out digits score about 0.90
  (binarised), blurry or invalid samples score less;
- **pixel-marginal error** — per pixel, the total-variation distance between the samples' and the
  data's distribution over the K categories, averaged over the 64 pixels:
  $\frac1{64}\sum_d \tfrac12\sum_k |\hat q_d(k) - p_d(k)|$ (0 when every pixel's marginal matches).

The classifier is a multinomial logistic regression (scikit-learn, fixed ``random_state``) on the
64 pixel values divided by K−1, fitted on 75 % of the 1797 digits (stratified split, seed 0); its
accuracy on the other 25 % is ``DigitClassifier.accuracy``. Classifiers are cached per K.
The project's digits quality bar is ``meets_bar``: every class holds ≥ 5 % of the samples and the mean
confidence is ≥ 0.8 (checked by ``benchmarks/digits.py`` and notebook 04).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch

from .._checks import ArgumentTypeError, in_interval, integer
from ..data.digits import NUM_LEVELS, digit_labels, digits_binarized, digits_quantized

NUM_CLASSES = 10
NUM_PIXELS = 64

__all__ = [
    "DigitClassifier",
    "digit_classifier",
    "digit_data",
    "class_coverage",
    "mean_confidence",
    "pixel_marginal_error",
    "digit_scores",
]


def _check_k(num_categories) -> int:
    return integer(num_categories, "num_categories (2 = binarised digits)", 2, NUM_LEVELS)


def digit_data(num_categories: int = 2) -> torch.Tensor:
    """The real digits in the encoding with K categories: K = 2 binarised (≥ 8 of 16), else quantised. (1797, 64)."""
    k = _check_k(num_categories)
    return digits_binarized() if k == 2 else digits_quantized(k)


def _as_samples(samples, num_categories: int) -> np.ndarray:
    """Validate samples: integers in [0, K), shape (N, 64) or (N, 8, 8). Returns int64 (N, 64)."""
    if isinstance(samples, torch.Tensor):
        samples = samples.detach().cpu().numpy()
    try:
        x = np.asarray(samples)
    except (TypeError, ValueError) as err:
        raise ArgumentTypeError(f"samples must be an integer array (N, 64); got a {type(samples).__name__} "
                                "that is not an array") from err
    if x.dtype.kind not in "iu":
        raise ValueError(f"samples must hold integer category indices (e.g. generator.sample(n)); got dtype {x.dtype}")
    if x.ndim == 3 and x.shape[1:] == (8, 8):
        x = x.reshape(len(x), NUM_PIXELS)
    if x.ndim != 2 or x.shape[1] != NUM_PIXELS or len(x) == 0:
        raise ValueError(f"samples must have shape (N, 64) or (N, 8, 8) with N >= 1; got {x.shape}")
    if x.min() < 0 or x.max() >= num_categories:
        raise ValueError(f"samples must lie in [0, {num_categories}) for num_categories={num_categories}; "
                         f"got values in [{x.min()}, {x.max()}]")
    return x.astype(np.int64)


@dataclass(frozen=True)
class DigitClassifier:
    """A fitted classifier for one encoding. ``accuracy`` and ``confidence`` are on held-out real digits."""

    num_categories: int
    model: object
    accuracy: float
    confidence: float

    def features(self, x: np.ndarray) -> np.ndarray:
        return x / (self.num_categories - 1.0)                  # (N, 64) in [0, 1]

    def predict_proba(self, samples) -> np.ndarray:
        """Class probabilities p̂(c | x), shape (N, 10)."""
        x = _as_samples(samples, self.num_categories)
        return self.model.predict_proba(self.features(x))


@lru_cache(maxsize=None)
def _fit(k: int) -> DigitClassifier:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split

    x, y = digit_data(k).numpy(), digit_labels().numpy()
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.25, random_state=0, stratify=y)
    model = LogisticRegression(C=1.0, max_iter=2000, random_state=0)
    model.fit(x_tr / (k - 1.0), y_tr)
    proba = model.predict_proba(x_te / (k - 1.0))               # (N_test, 10)
    accuracy = float((proba.argmax(1) == y_te).mean())
    return DigitClassifier(k, model, accuracy, float(proba.max(1).mean()))


def digit_classifier(num_categories: int = 2) -> DigitClassifier:
    """The cached classifier for samples with K = ``num_categories`` (fitted once, deterministic)."""
    return _fit(_check_k(num_categories))


def class_coverage(samples, num_categories: int = 2) -> np.ndarray:
    """Fraction of samples assigned to each digit 0..9 by the classifier (sums to 1). Shape (10,)."""
    labels = digit_classifier(num_categories).predict_proba(samples).argmax(1)
    return np.bincount(labels, minlength=NUM_CLASSES) / len(labels)


def mean_confidence(samples, num_categories: int = 2) -> float:
    r"""$\frac1N\sum_i \max_c \hat p(c\mid x_i)$: how digit-like the samples look to the classifier."""
    return float(digit_classifier(num_categories).predict_proba(samples).max(1).mean())


def _marginals(x: np.ndarray, k: int) -> np.ndarray:
    one_hot = np.eye(k)[x]                                      # (N, 64, K)
    return one_hot.mean(0)                                      # (64, K)


def pixel_marginal_error(samples, num_categories: int = 2) -> float:
    r"""$\frac1{64}\sum_d \tfrac12\sum_k |\hat q_d(k) - p_d(k)|$ between sample and data pixel marginals, in [0, 1]."""
    k = _check_k(num_categories)
    q = _marginals(_as_samples(samples, k), k)
    p = _marginals(digit_data(k).numpy(), k)
    return float(0.5 * np.abs(q - p).sum(1).mean())


def digit_scores(samples, num_categories: int = 2, min_fraction: float = 0.05) -> dict[str, float]:
    """All scores at once: ``coverage`` (10,), ``classes_covered`` (classes with ≥ ``min_fraction``),
    ``min_class_fraction``, ``confidence``, ``pixel_error``, and ``meets_bar`` (all 10 classes ≥ 5 %,
    confidence ≥ 0.8: the project's digits quality bar)."""
    min_fraction = in_interval(min_fraction, "min_fraction", 0.0, 1.0, "(]")
    proba = digit_classifier(num_categories).predict_proba(samples)   # validates the samples
    coverage = np.bincount(proba.argmax(1), minlength=NUM_CLASSES) / len(proba)
    confidence = float(proba.max(1).mean())
    covered = int((coverage >= min_fraction).sum())
    return {
        "coverage": coverage,
        "classes_covered": covered,
        "min_class_fraction": float(coverage.min()),
        "confidence": confidence,
        "pixel_error": pixel_marginal_error(samples, num_categories),
        "meets_bar": bool(covered == NUM_CLASSES and confidence >= 0.8),
    }
