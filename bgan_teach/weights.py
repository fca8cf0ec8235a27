r"""Importance weights: self-normalisation, partition estimates and effective sample size.

For M samples $x^{(1..M)} \sim g_\theta(x\mid z)$ of the **same** noise $z$
(Hjelm et al. 2018, the paper's "lower-variance" conditional estimator; `docs/math.md` §4.2):

$$\tilde w^{(m)} = \frac{w(x^{(m)})}{\sum_{m'} w(x^{(m')})} = \mathrm{softmax}_m(\log w),\qquad
  \log\hat\alpha(z) = \mathrm{LSE}_m(\log w) - \log M .$$

Everything is computed from $\log w$ (the raw critic output in the GAN case), never from $e^{\log w}$,
which overflows float32 above ~88.7. Shapes: ``log_w`` is (M, B) by convention — M samples per z on
``dim=0`` — but any shape and any sample axis work.
"""
from __future__ import annotations

import math

import torch

from ._checks import as_tensor, dim_in_range, non_empty

__all__ = [
    "normalized",
    "log_normalized",
    "log_partition",
    "effective_sample_size",
    "effective_sample_size_from_log_weights",
    "normalized_global",
    "log_partition_global",
    "reweighted_density",
]


def _check_log_w(log_w, dim: int | None = None, normalising: bool = True) -> torch.Tensor:
    """``log_w`` as a non-empty floating tensor without NaN or +inf; when ``normalising``, with at least one
    weight > 0 along ``dim`` (anywhere if ``dim`` is None): normalising weights that are all zero is 0/0."""
    log_w = non_empty(as_tensor(log_w, "log_w"), "log_w")
    if dim is not None:
        dim_in_range(log_w, dim, "log_w")
    if torch.isnan(log_w).any() or (log_w == math.inf).any():
        raise ValueError("log_w must not contain NaN or +inf (use raw critic outputs, not exp/sigmoid)")
    all_zero = torch.isneginf(log_w).all() if dim is None else torch.isneginf(log_w).all(dim).any()
    if normalising and all_zero:
        where = "" if dim is None else f" along dim={dim}"
        raise ValueError(f"log_w is -inf everywhere{where} (every weight 0): the normalised weights are 0/0")
    return log_w


def log_normalized(log_w, dim: int = 0) -> torch.Tensor:
    r"""$\log\tilde w = \log w - \mathrm{LSE}_{dim}(\log w)$. Shape preserved."""
    log_w = _check_log_w(log_w, dim)
    return torch.log_softmax(log_w, dim=dim)


def normalized(log_w, dim: int = 0) -> torch.Tensor:
    r"""Self-normalised weights $\tilde w = \mathrm{softmax}_{dim}(\log w)$: they sum to 1 along ``dim``.

    ``dim`` is the sample axis (the M samples drawn from one z). Adding a constant to ``log_w``
    along ``dim`` leaves the result unchanged. Shapes: (M, B) -> (M, B).
    """
    log_w = _check_log_w(log_w, dim)
    return torch.softmax(log_w, dim=dim)


def log_partition(log_w, dim: int = 0) -> torch.Tensor:
    r"""Monte Carlo $\log\hat\alpha = \mathrm{LSE}_{dim}(\log w) - \log M$ (per-z partition). (M, B) -> (B,).

    A column whose weights are all 0 (log w = −inf) has $\log\hat\alpha = -\infty$, exactly.
    """
    log_w = _check_log_w(log_w, dim, normalising=False)
    return torch.logsumexp(log_w, dim=dim) - math.log(log_w.shape[dim])


def effective_sample_size(w_tilde, dim: int = 0) -> torch.Tensor:
    r"""$\mathrm{ESS} = 1 / \sum_m \tilde w_m^2 \in [1, M]$ for normalised weights. (M, B) -> (B,).

    1 when one sample carries all the weight, M when the weights are uniform.
    """
    w_tilde = non_empty(as_tensor(w_tilde, "w_tilde"), "w_tilde")
    dim_in_range(w_tilde, dim, "w_tilde")
    if not torch.isfinite(w_tilde).all() or (w_tilde < 0).any():
        raise ValueError("w_tilde must be non-negative and finite (normalised weights)")
    total = w_tilde.sum(dim)
    if not torch.allclose(total, torch.ones_like(total), atol=1e-4):
        raise ValueError(f"w_tilde must sum to 1 along dim={dim}; got sums like {total.flatten()[:3].tolist()}")
    return 1.0 / w_tilde.pow(2).sum(dim)


def effective_sample_size_from_log_weights(log_w, dim: int = 0) -> torch.Tensor:
    r"""ESS straight from unnormalised log weights: $\exp(2\,\mathrm{LSE}(\log w) - \mathrm{LSE}(2\log w))$."""
    log_w = _check_log_w(log_w, dim)
    return torch.exp(2 * torch.logsumexp(log_w, dim) - torch.logsumexp(2 * log_w, dim))


def normalized_global(log_w) -> torch.Tensor:
    r"""Global ("β") normalisation: $\tilde w = w / \sum_{\text{all } m,b} w$ over every entry.

    The ``use_beta`` option of the authors' PyTorch code (cortex, `docs/references.md`; `docs/math.md` §4.4):
    one partition $\hat\beta$ for the whole batch instead of one $\hat\alpha(z)$ per noise vector. The result sums to 1 over all entries.
    """
    log_w = _check_log_w(log_w)
    return torch.softmax(log_w.flatten(), dim=0).view_as(log_w)


def log_partition_global(log_w) -> torch.Tensor:
    r"""$\log\hat\beta = \mathrm{LSE}_{\text{all}}(\log w) - \log(\text{number of samples})$ (a scalar)."""
    log_w = _check_log_w(log_w, normalising=False)
    return torch.logsumexp(log_w.flatten(), dim=0) - math.log(log_w.numel())


def reweighted_density(log_w, q) -> torch.Tensor:
    r"""$\tilde p(x) = w(x)\,q(x) / \beta$ on a discrete support, with $\beta = \sum_x w(x) q(x)$.

    With the optimal critic $w = p/q$ this returns $p$ exactly (Theorem 1). Last axis = support.
    """
    log_w = _check_log_w(log_w)
    q = as_tensor(q, "q", log_w.dtype).to(log_w.dtype)
    if q.shape != log_w.shape:
        raise ValueError(f"log_w and q must have the same shape; got {tuple(log_w.shape)} and {tuple(q.shape)}")
    if not torch.isfinite(q).all() or (q < 0).any():
        raise ValueError("q must be non-negative and finite")
    log_mass = log_w + torch.log(q)                                       # log (w q), -inf where q = 0
    if torch.isneginf(log_mass).all(-1).any():
        raise ValueError("w·q is 0 on the whole support (q = 0 wherever w > 0): beta = 0, p~ is undefined")
    return torch.softmax(log_mass, dim=-1)
