r"""The f-divergence family as data: generator function, conjugate, activation, importance weight.

An f-divergence between a data distribution $P$ and a model $Q$ is

$$D_f(P\,\|\,Q) = \mathbb{E}_{x\sim Q}\Big[f\Big(\tfrac{p(x)}{q(x)}\Big)\Big]
   \;\ge\; \mathbb{E}_P[T(x)] - \mathbb{E}_Q[f^*(T(x))]$$

for any critic $T$ (Fenchel: $f^*(t) = \sup_u\, ut - f(u)$). The bound is tight at
$T^*(x) = f'(p(x)/q(x))$, and then (Theorem 1 of Hjelm et al. 2018; `docs/math.md` §3.1)

$$w(x) := (f^*)'(T(x)) = \frac{p(x)}{q(x)} ,$$

the **importance weight** that BGAN uses to reweight generator samples.

A critic network outputs a raw value $v\in\mathbb{R}$; the f-GAN output activation $g_f$ maps it into
$\mathrm{dom} f^*$: $T = g_f(v)$ (Nowozin et al. 2016, Table 2). Every method that starts from $v$ is
written in closed form on $v$ (``softplus``, ``expm1``): log weights stay finite at logits of $\pm 10^4$,
and every method is finite wherever its exact value is. Where the exact value overflows the float range
the answer is the correctly signed inf, e.g. KL's $f^*(g(v)) = e^{v-1}$ at $v = 10^4$ is $+\infty$ and
Neyman's bound at $v = -10^4$ is $-\infty$ (`docs/math.md` §8.17).

Convention (`docs/math.md` §7.1-7.2): the f-GAN table signs. Some public code uses $v \mapsto -v$ for reverse KL
and Hellinger, which flips the weights; here $\log w = v$ for GAN, JS and reverse KL, $v-1$ for KL,
$2v$ for squared Hellinger, $v/2$ for Neyman, and $\log(1+v/2)$ for Pearson.
"""
from __future__ import annotations

from .._checks import table_entry
from .base import LOG2, Divergence
from .rows import GAN, KL, JensenShannon, Neyman, Pearson, ReverseKL, SquaredHellinger

__all__ = ["Divergence", "DIVERGENCES", "get", "names", "LOG2"]

DIVERGENCES: dict[str, Divergence] = {
    d.name: d
    for d in (KL(), ReverseKL(), Pearson(), Neyman(), SquaredHellinger(), JensenShannon(), GAN())
}


def names() -> list[str]:
    """The valid divergence names, in table order."""
    return list(DIVERGENCES)


def get(name: str | Divergence) -> Divergence:
    """Look a divergence up by name (a :class:`Divergence` is passed through)."""
    return table_entry(name, DIVERGENCES, "divergence", Divergence)
