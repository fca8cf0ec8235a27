r"""The :class:`Divergence` base class: one row of the f-divergence table, every method in closed form.

The table itself (seven rows) is in :mod:`bgan_teach.divergences.rows`; see :mod:`bgan_teach.divergences`.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from .._checks import as_tensor, probability_vector, same_shape

LOG2 = math.log(2.0)

__all__ = ["Divergence", "LOG2"]


def _outside(t: torch.Tensor, inside: torch.Tensor) -> torch.Tensor:
    """+inf where ``t`` lies outside dom f* (the conjugate is +inf there), else 0."""
    return torch.where(inside, torch.zeros_like(t), torch.full_like(t, math.inf))


def _require_domain(t: torch.Tensor, inside: torch.Tensor, name: str, domain: str) -> None:
    if not bool(inside.all()):
        bad = t[~inside].flatten()[0].item()
        raise ValueError(f"t must lie in dom f* = {domain} for {name}; got t = {bad:.6g}")


class Divergence:
    """One row of the f-divergence table. Subclasses fill in the closed forms.

    Attributes: ``name`` (key in :data:`DIVERGENCES`), ``title`` (for plots), ``f_latex`` and
    ``f_star_latex`` (for notebooks), ``domain`` (dom f* in words), ``boundary_logit`` (the raw
    critic output where w = 1, i.e. the decision boundary).
    """

    name: str = ""
    title: str = ""
    f_latex: str = ""
    f_star_latex: str = ""
    domain: str = "R"
    boundary_logit: float = 0.0

    # --- functions of u = p/q ------------------------------------------------------------
    def f(self, u: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def f_prime(self, u: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    # --- functions of t in dom f* --------------------------------------------------------
    def f_star(self, t: torch.Tensor) -> torch.Tensor:
        """Convex conjugate f*(t) = sup_u (u t - f(u)); +inf outside dom f*."""
        raise NotImplementedError

    def weight(self, t: torch.Tensor) -> torch.Tensor:
        """Importance weight w = (f*)'(t). Raises ``ValueError`` for t outside dom f*."""
        raise NotImplementedError

    # --- functions of the raw critic output v ---------------------------------------------
    def activation(self, v: torch.Tensor) -> torch.Tensor:
        """f-GAN output activation T = g_f(v)."""
        raise NotImplementedError

    def conjugate_of_activation(self, v: torch.Tensor) -> torch.Tensor:
        """f*(g_f(v)) in closed form on v (the fake-sample term of the bound)."""
        raise NotImplementedError

    def log_weight(self, v: torch.Tensor) -> torch.Tensor:
        """log w = log (f*)'(g_f(v)), computed directly from v (never through a sigmoid)."""
        raise NotImplementedError

    def logit_from_log_weight(self, log_w: torch.Tensor) -> torch.Tensor:
        """Inverse of :meth:`log_weight`: the raw output v whose weight is exp(log_w).

        With ``log_w = log(p/q)`` this is the optimal critic v* (Theorem 1).
        """
        raise NotImplementedError

    # --- divergences between discrete tables -----------------------------------------------
    def _exact(self, p: torch.Tensor, q: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def exact(self, p, q) -> torch.Tensor:
        r"""D_f(P‖Q) = Σ_x q(x) f(p(x)/q(x)) for probability tables over the last axis.

        Where q(x) = 0 < p(x) the term is p(x)·lim_{u→∞} f(u)/u (inf for KL and Pearson).
        """
        p = probability_vector(p, "p")
        q = probability_vector(q, "q").to(p.dtype)
        same_shape(p, q, "p", "q")
        return self._exact(p, q).sum(-1)

    def bound(self, v_real, v_fake) -> torch.Tensor:
        r"""Variational lower bound $\mathbb{E}_P[g_f(v)] - \mathbb{E}_Q[f^*(g_f(v))]$ from raw outputs.

        ``v_real`` holds critic outputs on data samples, ``v_fake`` on model samples (any shapes;
        each is averaged over all its entries).
        """
        v_real = as_tensor(v_real, "v_real")
        v_fake = as_tensor(v_fake, "v_fake")
        if v_real.numel() == 0 or v_fake.numel() == 0:
            raise ValueError("v_real and v_fake must be non-empty")
        return self.activation(v_real).mean() - self.conjugate_of_activation(v_fake).mean()

    def weighted_bound(self, v, p, q) -> torch.Tensor:
        """The bound with exact expectations over a discrete support: Σ p g_f(v) − Σ q f*(g_f(v))."""
        p = probability_vector(p, "p")
        q = probability_vector(q, "q").to(p.dtype)
        v = as_tensor(v, "v").to(p.dtype)
        same_shape(p, q, "p", "q")
        same_shape(v, p, "v", "p")
        fake = torch.where(q > 0, q * self.conjugate_of_activation(v), torch.zeros_like(q))
        return (p * self.activation(v)).sum(-1) - fake.sum(-1)

    def optimal_logit(self, p, q) -> torch.Tensor:
        """v*(x) = g_f^{-1}(f'(p/q)): the raw critic output that makes the bound tight."""
        p = probability_vector(p, "p")
        q = probability_vector(q, "q").to(p.dtype)
        same_shape(p, q, "p", "q")
        return self.logit_from_log_weight(torch.log(p) - torch.log(q))

    def __repr__(self) -> str:
        return f"Divergence({self.name!r})"


