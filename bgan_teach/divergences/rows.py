r"""The rows of the f-divergence table (Nowozin et al. 2016, Tables 1-2; docs/math.md §7.1).

Each class fills in the closed forms of :class:`~bgan_teach.divergences.base.Divergence`. Five rows are
defined here; the two log-sigmoid rows (Jensen-Shannon, GAN) in :mod:`bgan_teach.divergences.logistic`,
and all seven can be imported from this module.
"""
from __future__ import annotations

import math

import torch

from .._checks import as_tensor
from .base import LOG2, Divergence, _outside, _require_domain, _safe
from .logistic import GAN, JensenShannon  # noqa: F401  (the two log-sigmoid rows, defined in logistic.py)

__all__ = ["KL", "ReverseKL", "Pearson", "Neyman", "SquaredHellinger", "JensenShannon", "GAN"]


class KL(Divergence):
    name, title = "kl", "Kullback-Leibler"
    f_latex, f_star_latex = r"u \log u", r"e^{t-1}"
    domain_latex, activation_latex = r"\mathbb{R}", r"v"
    t_star_latex, log_weight_latex = r"1+\log\frac{p}{q}", r"v-1"
    boundary_logit = 1.0

    def _f(self, u):
        return torch.xlogy(u, u)

    def _f_prime(self, u):
        return 1 + torch.log(u)

    def _f_star(self, t):
        return torch.exp(t - 1)

    def _weight(self, t):
        return torch.exp(t - 1)

    def _activation(self, v):
        return v

    def _conjugate_of_activation(self, v):
        return torch.exp(v - 1)

    def _log_weight(self, v):
        return v - 1

    def _logit_from_log_weight(self, log_w):
        return log_w + 1

    def _exact(self, p, q):
        return torch.xlogy(p, p) - torch.xlogy(p, q)


class ReverseKL(Divergence):
    name, title = "reverse_kl", "reverse KL"
    f_latex, f_star_latex = r"-\log u", r"-1-\log(-t)"
    domain_latex, activation_latex = r"t<0", r"-e^{-v}"
    t_star_latex, log_weight_latex = r"-\frac{q}{p}", r"v"
    domain = "t < 0"

    def _f(self, u):
        return -torch.log(u)

    def _f_prime(self, u):
        return -1 / u

    def _f_star(self, t):
        inside = ~(t >= 0)                                      # NaN stays inside: NaN in, NaN out
        return _outside(t, inside) + (-1 - torch.log(_safe(-t, inside, 1.0)))

    def _weight(self, t):
        _require_domain(t, t < 0, self.name, self.domain)
        return -1 / t

    def _activation(self, v):
        return -torch.exp(-v)

    def _conjugate_of_activation(self, v):
        return v - 1

    def _log_weight(self, v):
        return v

    def _logit_from_log_weight(self, log_w):
        return log_w

    def _exact(self, p, q):
        return torch.xlogy(q, q) - torch.xlogy(q, p)


class Pearson(Divergence):
    r"""Pearson χ². With dom f = [0, ∞) the exact conjugate is t²/4 + t for t ≥ −2 and −1 below.

    NOTE(deviation): f-GAN uses t²/4 + t on all of R (f extended to negative u). We keep the exact
    conjugate over u ≥ 0, whose derivative (the weight) is w = max(0, 1 + t/2): a critic output
    v ≤ −2 gives weight 0 — the sup is attained at u = 0 — instead of an invalid negative weight.
    In log space that is log 0 = −inf, which we clamp to log(smallest positive float) so that
    self-normalisation stays defined (a column of such samples gets uniform weights).
    """

    name, title = "pearson", "Pearson χ²"
    f_latex, f_star_latex = r"(u-1)^2", r"\tfrac{t^2}{4}+t \;(t\ge -2),\; -1 \;(t<-2)"
    domain_latex, activation_latex = r"\mathbb{R}", r"v"
    t_star_latex = r"2\left(\frac{p}{q}-1\right)"
    log_weight_latex = r"\log\left(1+\frac{v}{2}\right) \quad (v>-2)"

    def _f(self, u):
        return (u - 1) ** 2

    def _f_prime(self, u):
        return 2 * (u - 1)

    def _f_star(self, t):
        quadratic = ~(t < -2)
        s = _safe(t, quadratic, -2.0)              # below −2 the quadratic branch never sees t: zero gradient, even at −inf
        return torch.where(quadratic, (s / 2) ** 2 + s, -torch.ones_like(t))      # (t/2)² + t: t² never overflows

    def _weight(self, t):
        return torch.clamp(1 + t / 2, min=0)

    def _activation(self, v):
        return v

    def _conjugate_of_activation(self, v):
        return self._f_star(v)

    def _log_weight(self, v):
        tiny = torch.finfo(v.dtype).tiny
        return torch.log(torch.clamp(1 + v / 2, min=tiny))   # explicit floor, see class docstring

    def _logit_from_log_weight(self, log_w):
        return 2 * torch.expm1(log_w)

    def _exact(self, p, q):
        safe_q = torch.where(q > 0, q, torch.ones_like(q))
        term = (p - q) ** 2 / safe_q
        return torch.where(q > 0, term, torch.where(p > 0, torch.full_like(p, math.inf), torch.zeros_like(p)))


def _resolve_overflow(plain: torch.Tensor, log_a: torch.Tensor, log_b: torch.Tensor) -> torch.Tensor:
    r"""``plain`` = $-1 - S_P + S_Q$ where it is a number; where it is NaN because $S_P$ and $S_Q$ both
    overflowed (inf − inf), $-1 + (S_Q - S_P)$ from ``log_a`` = $\log S_P$ and ``log_b`` = $\log S_Q$
    (float64): $S_Q - S_P = \pm e^{\max(\log S_P, \log S_Q)}\,\bigl(1 - e^{-|\log S_Q - \log S_P|}\bigr)$,
    finite when the difference fits the float range, else the correctly signed inf ($-1$ at a tie).
    NaN inputs (NaN logs) stay NaN."""
    gap = log_b - log_a
    top = torch.maximum(log_a, log_b)
    magnitude = torch.exp(top + torch.log(-torch.expm1(-gap.abs())))           # |S_Q − S_P|, 0 at a tie
    value = (-1 + torch.sign(gap) * magnitude).to(plain.dtype)
    both = torch.isnan(plain) & ~torch.isnan(log_a) & ~torch.isnan(log_b)
    return torch.where(both, value, plain)


class Neyman(Divergence):
    r"""Neyman χ². Its activation $1 - e^{-v}$ and conjugate $2 - 2e^{-v/2}$ both tend to $-\infty$ as
    $v \to -\infty$, so the bound $\mathbb E_P[g] - \mathbb E_Q[f^*(g)] = -1 - S_P + S_Q$, with
    $S_P = \mathbb E_P[e^{-v}]$ and $S_Q = 2\,\mathbb E_Q[e^{-v/2}]$, would be inf − inf = NaN at logits
    of −1e4. :meth:`bound` and :meth:`weighted_bound` then work from $\log S_P$ and $\log S_Q$ (log-sum-exp
    in float64): the exact value where it fits the float range, else the correctly signed inf
    (`docs/math.md` §8.17); elsewhere their values are unchanged.
    """

    name, title = "neyman", "Neyman χ²"
    f_latex, f_star_latex = r"\frac{(1-u)^2}{u}", r"2-2\sqrt{1-t}"
    domain_latex, activation_latex = r"t\le 1", r"1-e^{-v}"
    t_star_latex, log_weight_latex = r"1-\left(\frac{q}{p}\right)^{2}", r"\frac{v}{2}"
    domain = "t <= 1"

    def _f(self, u):
        finite = ~torch.isinf(u)
        s = _safe(u, finite, 1.0)
        return torch.where(finite, (1 - s) * ((1 - s) / s), u)    # (1−u)·((1−u)/u): no overflow of (1−u)², f(∞) = ∞

    def _f_prime(self, u):
        return 1 - u.pow(-2)

    def _f_star(self, t):
        inside = ~(t > 1)
        return _outside(t, inside) + 2 - 2 * torch.sqrt(torch.clamp(1 - t, min=0))

    def _weight(self, t):
        _require_domain(t, t <= 1, self.name, self.domain)
        return torch.rsqrt(1 - t)

    def _activation(self, v):
        return -torch.expm1(-v)

    def _conjugate_of_activation(self, v):
        return -2 * torch.expm1(-v / 2)

    def _log_weight(self, v):
        return v / 2

    def _logit_from_log_weight(self, log_w):
        return 2 * log_w

    def bound(self, v_real, v_fake) -> torch.Tensor:
        plain = super().bound(v_real, v_fake)
        v_real, v_fake = as_tensor(v_real, "v_real").double().flatten(), as_tensor(v_fake, "v_fake").double().flatten()
        log_a = torch.logsumexp(-v_real, 0) - math.log(v_real.numel())             # log S_P = log E_P[e^{−v}]
        log_b = LOG2 + torch.logsumexp(-v_fake / 2, 0) - math.log(v_fake.numel())  # log S_Q = log 2 E_Q[e^{−v/2}]
        return _resolve_overflow(plain, log_a, log_b)

    def weighted_bound(self, v, p, q) -> torch.Tensor:
        plain = super().weighted_bound(v, p, q)
        v = as_tensor(v, "v").double()
        p, q = as_tensor(p, "p").double(), as_tensor(q, "q").double()
        log_a = torch.logsumexp(torch.where(p > 0, torch.log(p) - v, -math.inf), -1)           # log Σ p e^{−v}
        log_b = LOG2 + torch.logsumexp(torch.where(q > 0, torch.log(q) - v / 2, -math.inf), -1)  # log 2 Σ q e^{−v/2}
        return _resolve_overflow(plain, log_a, log_b)

    def _exact(self, p, q):
        safe_p = torch.where(p > 0, p, torch.ones_like(p))
        term = (p - q) ** 2 / safe_p
        return torch.where(p > 0, term, torch.where(q > 0, torch.full_like(q, math.inf), torch.zeros_like(q)))


class SquaredHellinger(Divergence):
    name, title = "squared_hellinger", "squared Hellinger"
    f_latex, f_star_latex = r"(\sqrt{u}-1)^2", r"\frac{t}{1-t}"
    domain_latex, activation_latex = r"t<1", r"1-e^{-v}"
    t_star_latex, log_weight_latex = r"1-\sqrt{\frac{q}{p}}", r"2v"
    domain = "t < 1"

    def _f(self, u):
        return (torch.sqrt(u) - 1) ** 2

    def _f_prime(self, u):
        return 1 - torch.rsqrt(u)

    def _f_star(self, t):
        inside, far = ~(t >= 1), t < -1
        near = _safe(t, inside & ~far, 0.0)                       # t/(1−t) on [−1, 1)
        low = _safe(t, far, -2.0)                                 # −1 + 1/(1−t) below −1: −1 at t = −∞, not −∞/∞
        return _outside(t, inside) + torch.where(far, -1 + 1 / (1 - low), near / (1 - near))

    def _weight(self, t):
        _require_domain(t, t < 1, self.name, self.domain)
        return (1 - t).pow(-2)

    def _activation(self, v):
        return -torch.expm1(-v)

    def _conjugate_of_activation(self, v):
        return torch.expm1(v)

    def _log_weight(self, v):
        return 2 * v

    def _logit_from_log_weight(self, log_w):
        return log_w / 2

    def _exact(self, p, q):
        return (torch.sqrt(p) - torch.sqrt(q)) ** 2
