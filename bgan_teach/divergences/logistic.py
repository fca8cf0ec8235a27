r"""The two log-sigmoid rows of the f-divergence table: Jensen-Shannon (f-GAN's 2·JSD) and the original GAN.

Both have the activation $\log 2 - \mathrm{softplus}(-v)$ or $-\mathrm{softplus}(-v)$ and $\log w = v$
(Nowozin et al. 2016, Tables 1-2; docs/math.md §7.1); their $f$ is written without forming $u\log u$ for
$u > 1$, which would overflow long before $f$ does (docs/math.md §8.17).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from .base import LOG2, Divergence, _outside, _require_domain, _safe

__all__ = ["JensenShannon", "GAN"]


class JensenShannon(Divergence):
    """f-GAN's Jensen-Shannon row: D = 2·JSD(P, Q) (no factor ½)."""

    name, title = "js", "Jensen-Shannon (2·JSD)"
    f_latex = r"u\log u-(u+1)\log\frac{u+1}{2}"
    f_star_latex = r"-\log(2-e^t)"
    domain_latex, activation_latex = r"t<\log 2", r"\log 2-\log\left(1+e^{-v}\right)"
    t_star_latex, log_weight_latex = r"\log\frac{2p}{p+q}", r"v"
    domain = "t < log 2"

    def _f(self, u):
        finite = ~torch.isinf(u)
        s = _safe(u, finite, 1.0)
        return torch.where(finite, GAN._f(self, s) + (s + 1) * LOG2, u)     # f_GAN(u) + (u + 1) log 2; f(∞) = ∞

    def _f_prime(self, u):
        return GAN._f_prime(self, u) + LOG2

    def _f_star(self, t):
        inside = ~(t >= LOG2)
        safe = torch.where(inside, t, torch.zeros_like(t))
        return _outside(t, inside) - torch.log(2 - torch.exp(safe))

    def _weight(self, t):
        _require_domain(t, t < LOG2, self.name, self.domain)
        return torch.exp(t) / (2 - torch.exp(t))

    def _activation(self, v):
        return LOG2 - F.softplus(-v)

    def _conjugate_of_activation(self, v):
        return F.softplus(v) - LOG2

    def _log_weight(self, v):
        return v

    def _logit_from_log_weight(self, log_w):
        return log_w

    def _exact(self, p, q):
        m = (p + q) / 2
        return torch.xlogy(p, p) - torch.xlogy(p, m) + torch.xlogy(q, q) - torch.xlogy(q, m)


class GAN(Divergence):
    r"""The original GAN's divergence: D = 2·JSD − log 4. T = log σ(v), w = e^v = D/(1−D)."""

    name, title = "gan", "GAN (2·JSD − log 4)"
    f_latex = r"u\log u-(u+1)\log(u+1)"
    f_star_latex = r"-\log(1-e^t)"
    domain_latex, activation_latex = r"t<0", r"-\log\left(1+e^{-v}\right)"
    t_star_latex, log_weight_latex = r"\log\frac{p}{p+q}", r"v"
    domain = "t < 0"

    def _f(self, u):
        small = u <= 1                                            # NaN goes to the large branch: NaN out
        s, big = _safe(u, small, 0.0), _safe(u, ~small, 2.0)
        near = torch.xlogy(s, s) - torch.xlogy(s + 1, s + 1)
        far = -big * torch.log1p(1 / big) - torch.log1p(big)     # = u log(u/(u+1)) − log(u+1): u log u never formed
        far = torch.where(torch.isinf(big), -big, far)            # f(∞) = −∞ (f(u) ≈ −1 − log u)
        return torch.where(small, near, far)

    def _f_prime(self, u):
        small = u < 1
        s, big = _safe(u, small, 0.5), _safe(u, ~small, 2.0)
        return torch.where(small, torch.log(s) - torch.log1p(s), -torch.log1p(1 / big))   # f'(∞) = 0, not ∞ − ∞

    def _f_star(self, t):
        inside = ~(t >= 0)
        safe = torch.where(inside, t, -torch.ones_like(t))
        return _outside(t, inside) - torch.log(-torch.expm1(safe))

    def _weight(self, t):
        _require_domain(t, t < 0, self.name, self.domain)
        return -torch.exp(t) / torch.expm1(t)

    def _activation(self, v):
        return -F.softplus(-v)        # log σ(v), never log(sigmoid(v)) in two steps

    def _conjugate_of_activation(self, v):
        return F.softplus(v)          # −log(1 − σ(v))

    def _log_weight(self, v):
        return v                      # log D − log(1 − D) ≡ v

    def _logit_from_log_weight(self, log_w):
        return log_w

    def _exact(self, p, q):
        return JensenShannon._exact(self, p, q) - (p + q) * LOG2
