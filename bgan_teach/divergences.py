r"""The f-divergence family as data: generator function, conjugate, activation, importance weight.

An f-divergence between a data distribution $P$ and a model $Q$ is

$$D_f(P\,\|\,Q) = \mathbb{E}_{x\sim Q}\Big[f\Big(\tfrac{p(x)}{q(x)}\Big)\Big]
   \;\ge\; \mathbb{E}_P[T(x)] - \mathbb{E}_Q[f^*(T(x))]$$

for any critic $T$ (Fenchel: $f^*(t) = \sup_u\, ut - f(u)$). The bound is tight at
$T^*(x) = f'(p(x)/q(x))$, and then (Hjelm et al. 2018, Sec. 2, Theorem 1)

$$w(x) := (f^*)'(T(x)) = \frac{p(x)}{q(x)} ,$$

the **importance weight** that BGAN uses to reweight generator samples.

A critic network outputs a raw value $v\in\mathbb{R}$; the f-GAN output activation $g_f$ maps it into
$\mathrm{dom} f^*$: $T = g_f(v)$ (Nowozin et al. 2016, Table 2). Every method that starts from $v$ is
written in closed form on $v$ (``softplus``, ``expm1``) so that logits of $\pm 10^4$ stay finite.

Convention (bgan-math.md §5): the f-GAN table signs. Some public code uses $v \mapsto -v$ for reverse KL
and Hellinger, which flips the weights; here $\log w = v$ for GAN, JS and reverse KL, $v-1$ for KL,
$2v$ for squared Hellinger, $v/2$ for Neyman, and $\log(1+v/2)$ for Pearson.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from ._checks import as_tensor, probability_vector, same_shape

LOG2 = math.log(2.0)

__all__ = ["Divergence", "DIVERGENCES", "get", "names"]


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


DIVERGENCES: dict[str, Divergence] = {
    d.name: d
    for d in (KL(), ReverseKL(), Pearson(), Neyman(), SquaredHellinger(), JensenShannon(), GAN())
}


def names() -> list[str]:
    """The valid divergence names, in table order."""
    return list(DIVERGENCES)


def get(name: str | Divergence) -> Divergence:
    """Look a divergence up by name (a :class:`Divergence` is passed through)."""
    if isinstance(name, Divergence):
        return name
    try:
        return DIVERGENCES[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown divergence {name!r}; valid names are {names()}") from None
