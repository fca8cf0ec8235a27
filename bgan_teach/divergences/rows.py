r"""The seven rows of the f-divergence table (Nowozin et al. 2016, Tables 1-2; docs/math.md §7.1).

Each class fills in the closed forms of :class:`~bgan_teach.divergences.base.Divergence`.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from .base import LOG2, Divergence, _outside, _require_domain

__all__ = ["KL", "ReverseKL", "Pearson", "Neyman", "SquaredHellinger", "JensenShannon", "GAN"]


class KL(Divergence):
    name, title = "kl", "Kullback-Leibler"
    f_latex, f_star_latex = r"u \log u", r"e^{t-1}"
    boundary_logit = 1.0

    def f(self, u):
        return torch.xlogy(u, u)

    def f_prime(self, u):
        return 1 + torch.log(u)

    def f_star(self, t):
        return torch.exp(t - 1)

    def weight(self, t):
        return torch.exp(t - 1)

    def activation(self, v):
        return v

    def conjugate_of_activation(self, v):
        return torch.exp(v - 1)

    def log_weight(self, v):
        return v - 1

    def logit_from_log_weight(self, log_w):
        return log_w + 1

    def _exact(self, p, q):
        return torch.xlogy(p, p) - torch.xlogy(p, q)


class ReverseKL(Divergence):
    name, title = "reverse_kl", "reverse KL"
    f_latex, f_star_latex = r"-\log u", r"-1-\log(-t)"
    domain = "t < 0"

    def f(self, u):
        return -torch.log(u)

    def f_prime(self, u):
        return -1 / u

    def f_star(self, t):
        inside = t < 0
        return _outside(t, inside) + (-1 - torch.log(torch.where(inside, -t, torch.ones_like(t))))

    def weight(self, t):
        _require_domain(t, t < 0, self.name, self.domain)
        return -1 / t

    def activation(self, v):
        return -torch.exp(-v)

    def conjugate_of_activation(self, v):
        return v - 1

    def log_weight(self, v):
        return v

    def logit_from_log_weight(self, log_w):
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

    def f(self, u):
        return (u - 1) ** 2

    def f_prime(self, u):
        return 2 * (u - 1)

    def f_star(self, t):
        return torch.where(t >= -2, t**2 / 4 + t, -torch.ones_like(t))

    def weight(self, t):
        return torch.clamp(1 + t / 2, min=0)

    def activation(self, v):
        return v

    def conjugate_of_activation(self, v):
        return self.f_star(v)

    def log_weight(self, v):
        tiny = torch.finfo(v.dtype).tiny
        return torch.log(torch.clamp(1 + v / 2, min=tiny))   # explicit floor, see class docstring

    def logit_from_log_weight(self, log_w):
        return 2 * torch.expm1(log_w)

    def _exact(self, p, q):
        safe_q = torch.where(q > 0, q, torch.ones_like(q))
        term = (p - q) ** 2 / safe_q
        return torch.where(q > 0, term, torch.where(p > 0, torch.full_like(p, math.inf), torch.zeros_like(p)))


class Neyman(Divergence):
    name, title = "neyman", "Neyman χ²"
    f_latex, f_star_latex = r"\frac{(1-u)^2}{u}", r"2-2\sqrt{1-t}"
    domain = "t <= 1"

    def f(self, u):
        return (1 - u) ** 2 / u

    def f_prime(self, u):
        return 1 - u.pow(-2)

    def f_star(self, t):
        inside = t <= 1
        return _outside(t, inside) + 2 - 2 * torch.sqrt(torch.clamp(1 - t, min=0))

    def weight(self, t):
        _require_domain(t, t <= 1, self.name, self.domain)
        return torch.rsqrt(1 - t)

    def activation(self, v):
        return -torch.expm1(-v)

    def conjugate_of_activation(self, v):
        return -2 * torch.expm1(-v / 2)

    def log_weight(self, v):
        return v / 2

    def logit_from_log_weight(self, log_w):
        return 2 * log_w

    def _exact(self, p, q):
        safe_p = torch.where(p > 0, p, torch.ones_like(p))
        term = (p - q) ** 2 / safe_p
        return torch.where(p > 0, term, torch.where(q > 0, torch.full_like(q, math.inf), torch.zeros_like(q)))


class SquaredHellinger(Divergence):
    name, title = "squared_hellinger", "squared Hellinger"
    f_latex, f_star_latex = r"(\sqrt{u}-1)^2", r"\frac{t}{1-t}"
    domain = "t < 1"

    def f(self, u):
        return (torch.sqrt(u) - 1) ** 2

    def f_prime(self, u):
        return 1 - torch.rsqrt(u)

    def f_star(self, t):
        inside = t < 1
        safe = torch.where(inside, t, torch.zeros_like(t))
        return _outside(t, inside) + safe / (1 - safe)

    def weight(self, t):
        _require_domain(t, t < 1, self.name, self.domain)
        return (1 - t).pow(-2)

    def activation(self, v):
        return -torch.expm1(-v)

    def conjugate_of_activation(self, v):
        return torch.expm1(v)

    def log_weight(self, v):
        return 2 * v

    def logit_from_log_weight(self, log_w):
        return log_w / 2

    def _exact(self, p, q):
        return (torch.sqrt(p) - torch.sqrt(q)) ** 2


class JensenShannon(Divergence):
    """f-GAN's Jensen-Shannon row: D = 2·JSD(P, Q) (no factor ½)."""

    name, title = "js", "Jensen-Shannon (2·JSD)"
    f_latex = r"u\log u-(u+1)\log\frac{u+1}{2}"
    f_star_latex = r"-\log(2-e^t)"
    domain = "t < log 2"

    def f(self, u):
        return torch.xlogy(u, u) - torch.xlogy(u + 1, (u + 1) / 2)

    def f_prime(self, u):
        return torch.log(2 * u) - torch.log1p(u)

    def f_star(self, t):
        inside = t < LOG2
        safe = torch.where(inside, t, torch.zeros_like(t))
        return _outside(t, inside) - torch.log(2 - torch.exp(safe))

    def weight(self, t):
        _require_domain(t, t < LOG2, self.name, self.domain)
        return torch.exp(t) / (2 - torch.exp(t))

    def activation(self, v):
        return LOG2 - F.softplus(-v)

    def conjugate_of_activation(self, v):
        return F.softplus(v) - LOG2

    def log_weight(self, v):
        return v

    def logit_from_log_weight(self, log_w):
        return log_w

    def _exact(self, p, q):
        m = (p + q) / 2
        return torch.xlogy(p, p) - torch.xlogy(p, m) + torch.xlogy(q, q) - torch.xlogy(q, m)


class GAN(Divergence):
    r"""The original GAN's divergence: D = 2·JSD − log 4. T = log σ(v), w = e^v = D/(1−D)."""

    name, title = "gan", "GAN (2·JSD − log 4)"
    f_latex = r"u\log u-(u+1)\log(u+1)"
    f_star_latex = r"-\log(1-e^t)"
    domain = "t < 0"

    def f(self, u):
        return torch.xlogy(u, u) - torch.xlogy(u + 1, u + 1)

    def f_prime(self, u):
        return torch.log(u) - torch.log1p(u)

    def f_star(self, t):
        inside = t < 0
        safe = torch.where(inside, t, -torch.ones_like(t))
        return _outside(t, inside) - torch.log(-torch.expm1(safe))

    def weight(self, t):
        _require_domain(t, t < 0, self.name, self.domain)
        return -torch.exp(t) / torch.expm1(t)

    def activation(self, v):
        return -F.softplus(-v)        # log σ(v), never log(sigmoid(v)) in two steps

    def conjugate_of_activation(self, v):
        return F.softplus(v)          # −log(1 − σ(v))

    def log_weight(self, v):
        return v                      # log D − log(1 − D) ≡ v

    def logit_from_log_weight(self, log_w):
        return log_w

    def _exact(self, p, q):
        return JensenShannon._exact(self, p, q) - (p + q) * LOG2
