r"""The :class:`Divergence` base class: one row of the f-divergence table, every method in closed form.

The table itself (seven rows) is in :mod:`bgan_teach.divergences.rows`; see :mod:`bgan_teach.divergences`.
"""
from __future__ import annotations

import math

import torch

from .._checks import as_tensor, non_empty, probability_vector, same_shape

LOG2 = math.log(2.0)

__all__ = ["Divergence", "LOG2"]


def _outside(t: torch.Tensor, inside: torch.Tensor) -> torch.Tensor:
    """+inf where ``t`` lies outside dom f* (the conjugate is +inf there), else 0."""
    return torch.where(inside, torch.zeros_like(t), torch.full_like(t, math.inf))


def _require_domain(t: torch.Tensor, inside: torch.Tensor, name: str, domain: str) -> None:
    """ValueError naming the first entry of ``t`` outside dom f* (NaN entries pass: NaN in, NaN out)."""
    outside = ~inside & ~torch.isnan(t)
    if bool(outside.any()):
        bad = t[outside].flatten()[0].item()
        raise ValueError(f"t must lie in dom f* = {domain} for {name}; got t = {bad:.6g}")


def _safe(x: torch.Tensor, keep: torch.Tensor, fill: float) -> torch.Tensor:
    """``x`` where ``keep``, else ``fill``: feed a branch of ``torch.where`` only the inputs it is defined on,
    so that the branch not taken has neither NaN values nor NaN gradients."""
    return torch.where(keep, x, torch.full_like(x, fill))


def _tables(p, q) -> tuple[torch.Tensor, torch.Tensor]:
    """Two probability tables of the same shape, in their common dtype (float64 if either is)."""
    p, q = probability_vector(p, "p"), probability_vector(q, "q")
    same_shape(p, q, "p", "q")
    dtype = torch.promote_types(p.dtype, q.dtype)
    return p.to(dtype), q.to(dtype)


class Divergence:
    r"""One row of the f-divergence table. Subclasses fill in the closed forms (``_f``, ``_f_star``, …).

    Attributes: ``name`` (key in :data:`DIVERGENCES`), ``title`` (for plots), ``f_latex`` and
    ``f_star_latex`` (for notebooks), ``domain`` (dom f* in words), ``boundary_logit`` (the raw
    critic output where w = 1, i.e. the decision boundary).

    Every public method accepts a tensor, a NumPy array, a list or a number (a bool, a string or
    another object raises ``TypeError`` naming the argument) and returns the input's floating dtype
    (float64 stays float64). NaN in gives NaN out; finite input never gives NaN. Where the exact value
    overflows the float range the answer is the correctly signed inf: e.g. KL's $f^*(g(v)) = e^{v-1}$
    and squared Hellinger's $e^v - 1$ at $v = 10^4$ are $+\infty$, Neyman's and reverse KL's
    $g(v) = 1 - e^{-v}$, $-e^{-v}$ at $v = -10^4$ are $-\infty$ (`docs/math.md` §8.17).
    """

    name: str = ""
    title: str = ""
    f_latex: str = ""
    f_star_latex: str = ""
    domain: str = "R"
    boundary_logit: float = 0.0

    # --- functions of u = p/q ------------------------------------------------------------
    def f(self, u) -> torch.Tensor:
        """The generator function f(u), u = p/q; +inf for u < 0 (outside dom f = [0, ∞), the convex convention)."""
        u = as_tensor(u, "u") + 0.0                            # −0.0 becomes +0.0 (1/u = +inf, not −inf)
        inside = ~(u < 0)
        return torch.where(inside, self._f(_safe(u, inside, 1.0)), torch.full_like(u, math.inf))

    def f_prime(self, u) -> torch.Tensor:
        """f'(u) for u ≥ 0 (−inf at u = 0 where f is steep there). Raises ``ValueError`` for u < 0."""
        u = as_tensor(u, "u") + 0.0
        if bool((u < 0).any()):
            raise ValueError(f"u must be >= 0 (u = p/q, dom f = [0, inf)); got u = {u[u < 0].flatten()[0].item():.6g}")
        return self._f_prime(u)

    # --- functions of t in dom f* --------------------------------------------------------
    def f_star(self, t) -> torch.Tensor:
        """Convex conjugate f*(t) = sup_u (u t − f(u)); +inf outside dom f*."""
        return self._f_star(as_tensor(t, "t"))

    def weight(self, t) -> torch.Tensor:
        """Importance weight w = (f*)'(t). Raises ``ValueError`` for t outside dom f*."""
        return self._weight(as_tensor(t, "t"))

    # --- functions of the raw critic output v ---------------------------------------------
    def activation(self, v) -> torch.Tensor:
        """f-GAN output activation T = g_f(v)."""
        return self._activation(as_tensor(v, "v"))

    def conjugate_of_activation(self, v) -> torch.Tensor:
        """f*(g_f(v)) in closed form on v (the fake-sample term of the bound)."""
        return self._conjugate_of_activation(as_tensor(v, "v"))

    def log_weight(self, v) -> torch.Tensor:
        """log w = log (f*)'(g_f(v)), computed directly from v (never through a sigmoid); finite for finite v."""
        return self._log_weight(as_tensor(v, "v"))

    def logit_from_log_weight(self, log_w) -> torch.Tensor:
        """Inverse of :meth:`log_weight`: the raw output v whose weight is exp(log_w).

        With ``log_w = log(p/q)`` this is the optimal critic v* (Theorem 1).
        """
        return self._logit_from_log_weight(as_tensor(log_w, "log_w"))

    # --- the closed forms, filled in by each row -------------------------------------------------
    def _f(self, u: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    _f_prime = _f_star = _weight = _activation = _conjugate_of_activation = _log_weight = _f
    _logit_from_log_weight = _exact = _f

    # --- divergences between discrete tables -----------------------------------------------
    def exact(self, p, q) -> torch.Tensor:
        r"""D_f(P‖Q) = Σ_x q(x) f(p(x)/q(x)) for probability tables over the last axis.

        Where q(x) = 0 < p(x) the term is p(x)·lim_{u→∞} f(u)/u (inf for KL and Pearson).
        """
        p, q = _tables(p, q)
        return self._exact(p, q).sum(-1)

    def bound(self, v_real, v_fake) -> torch.Tensor:
        r"""Variational lower bound $\mathbb{E}_P[g_f(v)] - \mathbb{E}_Q[f^*(g_f(v))]$ from raw outputs.

        ``v_real`` holds critic outputs on data samples, ``v_fake`` on model samples (any shapes;
        each is averaged over all its entries, so each must be non-empty).
        """
        v_real = non_empty(as_tensor(v_real, "v_real"), "v_real")
        v_fake = non_empty(as_tensor(v_fake, "v_fake"), "v_fake")
        return self._activation(v_real).mean() - self._conjugate_of_activation(v_fake).mean()

    def weighted_bound(self, v, p, q) -> torch.Tensor:
        """The bound with exact expectations over a discrete support: Σ p g_f(v) − Σ q f*(g_f(v)).

        Cells with p = 0 (q = 0) add nothing to the first (second) sum, whatever v is there.
        """
        p, q = _tables(p, q)
        v = as_tensor(v, "v", p.dtype)
        p, q, v = (x.to(torch.promote_types(p.dtype, v.dtype)) for x in (p, q, v))
        same_shape(v, p, "v", "p")
        real = torch.where(p > 0, p * self._activation(v), torch.zeros_like(p))
        fake = torch.where(q > 0, q * self._conjugate_of_activation(v), torch.zeros_like(q))
        return real.sum(-1) - fake.sum(-1)

    def optimal_logit(self, p, q) -> torch.Tensor:
        """v*(x) = g_f^{-1}(f'(p/q)): the raw critic output that makes the bound tight.

        A cell with p = q = 0 carries no mass and any v is optimal there; it gets log w = 0 (the boundary).
        """
        p, q = _tables(p, q)
        empty = (p == 0) & (q == 0)
        log_w = torch.where(empty, torch.zeros_like(p), torch.log(p) - torch.log(_safe(q, ~empty, 1.0)))
        return self._logit_from_log_weight(log_w)

    def __repr__(self) -> str:
        return f"Divergence({self.name!r})"
