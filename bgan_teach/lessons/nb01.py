r"""Notebook 01 (f-divergences, the bound, the optimal critic): the variance of the Monte Carlo bound and
the concept checks.

A critic is trained on the batch estimate of the variational bound (Nowozin et al. 2016, f-GAN;
`docs/math.md` §2.2),

$$\hat{\mathcal B} = \frac1B\sum_{i=1}^{B} T(x_i) - \frac1B\sum_{j=1}^{B} f^*\big(T(\tilde x_j)\big),\qquad
x_i\sim P,\ \tilde x_j\sim Q \text{ independent}.$$

For a fixed critic it is unbiased for the bound, and because the two sums are independent
(`docs/math.md` §2.4, ours)

$$\mathrm{Var}\,\hat{\mathcal B} = \frac{\mathrm{Var}_P[T] + \mathrm{Var}_Q[f^*(T)]}{B}.$$

:func:`bound_variance` computes both terms with exact sums over a discrete support;
:func:`variance_rows` does so at the optimal critic for every row and sets the measured spread of a
trained critic's batch estimates beside the prediction.
"""
from __future__ import annotations

import math

import numpy as np

from .._checks import as_tensor, in_interval, positive_int, same_shape
from ..divergences import DIVERGENCES, get
from ..plotting import style
from ..widgets.quiz import asker

__all__ = ["bound_variance", "variance_rows", "variance_table", "plot_bound_noise", "QUESTIONS", "ask"]


def bound_variance(divergence, p, q, v=None) -> dict[str, float]:
    r"""Per-sample variances of the two terms of the batch bound at critic output ``v`` (K,), exact sums.

    $\mathrm{Var}_P[T] = \sum_x p\,(T - \mathbb E_P T)^2$ with $T = g_f(V)$, and
    $\mathrm{Var}_Q[f^*(T)] = \sum_x q\,(f^*(T) - \mathbb E_Q f^*(T))^2$ (`docs/math.md` §2.4).
    ``v`` (the outputs $V$) defaults to the optimal critic $V^*$ (:meth:`Divergence.optimal_logit`), where
    $T = T^* = f'(p/q)$.
    Returns ``var_p``, ``var_q`` and ``total`` = their sum: the variance of $\hat{\mathcal B}$ is ``total / B``.
    """
    div = get(divergence)
    v_star = div.optimal_logit(p, q)                                    # checks p and q; (K,)
    p, q = (as_tensor(t, name, v_star.dtype).to(v_star.dtype) for t, name in ((p, "p"), (q, "q")))
    v = v_star if v is None else as_tensor(v, "v", v_star.dtype)
    same_shape(v, p, "v", "p")
    t, f_star = div.activation(v), div.conjugate_of_activation(v)      # (K,), (K,)
    var_p = (p * (t - (p * t).sum()) ** 2).sum()
    var_q = (q * (f_star - (q * f_star).sum()) ** 2).sum()
    return {"var_p": float(var_p), "var_q": float(var_q), "total": float(var_p + var_q)}


def _measured_sd(result, last: float) -> float:
    """Standard deviation of a :func:`~bgan_teach.training.bound.fit_bound` run's batch bounds over its last steps."""
    values = np.asarray(result.history["bound"], dtype=float)
    return float(values[-max(2, int(len(values) * last)):].std(ddof=1))


def variance_rows(p, q, batch_size: int, results=None, last: float = 0.2) -> list[dict]:
    r"""One row per divergence: both variance terms at $T^*$, the predicted standard deviation of a batch
    estimate $\sqrt{\text{total}/B}$ and, when ``results`` (name → ``fit_bound`` result trained on the same
    ``p``, ``q`` with batch size ``batch_size``) is given, the measured standard deviation of its batch
    estimates over the last fraction ``last`` of its steps (the critic is near $T^*$ and barely moves there)."""
    batch_size = positive_int(batch_size, "batch_size")
    last = in_interval(last, "last", 0.0, 1.0, "(]")
    rows = []
    for name in DIVERGENCES:
        terms = bound_variance(name, p, q)
        row = {"divergence": name, **terms, "sd_predicted": math.sqrt(terms["total"] / batch_size)}
        if results is not None and name in results:
            row["sd_measured"] = _measured_sd(results[name], last)
        rows.append(row)
    return rows


def variance_table(rows: list[dict]) -> str:
    """Markdown table of :func:`variance_rows`, largest total variance first."""
    measured = all("sd_measured" in r for r in rows)
    head = (r"| divergence | $\mathrm{Var}_P[T^*]$ | $\mathrm{Var}_Q[f^*(T^*)]$ | sum | "
            r"predicted sd of $\hat{\mathcal B}$ |" + (" measured sd |" if measured else ""))
    lines = [head, "|" + "---|" * (6 if measured else 5)]
    for r in sorted(rows, key=lambda r: -r["total"]):
        line = (f"| {get(r['divergence']).title} | {r['var_p']:.3f} | {r['var_q']:.3f} | {r['total']:.3f} "
                f"| {r['sd_predicted']:.4f} |")
        lines.append(line + (f" {r['sd_measured']:.4f} |" if measured else ""))
    return "\n".join(lines)


def plot_bound_noise(ax, rows: list[dict], batch_size: int):
    """Predicted standard deviation of one batch estimate per divergence (bars, each labelled with its value),
    measured ones as grey dots; ``rows`` from :func:`variance_rows`, noisiest on top."""
    from matplotlib.patches import Patch

    rows = sorted(rows, key=lambda r: r["total"])
    y, sd = np.arange(len(rows)), [r["sd_predicted"] for r in rows]
    ax.barh(y, sd, color=[style.divergence_color(r["divergence"]) for r in rows], alpha=0.8)
    for yi, value in zip(y, sd):
        ax.text(value + 0.035 * max(sd), yi, f"{value:.3f}", va="center", ha="left", fontsize=style.FONT["text"])
    handles = [Patch(color="0.6", label=r"predicted $\sqrt{(\mathrm{Var}_P[T^*] + \mathrm{Var}_Q[f^*(T^*)])/B}$")]
    if all("sd_measured" in r for r in rows):
        handles += ax.plot([r["sd_measured"] for r in rows], y, "o", color=style.REFERENCE, ms=6,
                           label="measured (trained critic, last 20 % of steps)")
    ax.set_yticks(y, [get(r["divergence"]).title for r in rows])
    ax.set(xlabel=f"standard deviation of one batch estimate (B = {batch_size})", xlim=(0, 1.15 * max(sd)))
    style.legend(ax, "below", handles=handles, ncol=1)
    return ax


# --- concept checks ---------------------------------------------------------------------------------------
QUESTIONS: dict[str, dict] = {
    "noisiest_bound": dict(
        question="Predict first. Every critic sits at its optimum $T^*$ and estimates its bound from B = 256 samples "
                 "of $P$ and 256 of $Q$ (this notebook's $p$ and $q$). Which divergence's batch estimate has the "
                 "largest standard deviation?",
        options=["Kullback-Leibler", "reverse KL", "Pearson χ²", "Neyman χ²", "squared Hellinger",
                 "GAN (2·JSD − log 4)"],
        answer=3,
        explanation="The variance is $(\\mathrm{Var}_P[T^*] + \\mathrm{Var}_Q[f^*(T^*)])/B$. Neyman's optimal critic "
                    "is $T^* = 1 - (q/p)^2$: where the data has almost no mass and the model has some, $q/p$ reaches "
                    "9 here, so $T^* \\approx -83$ at points that $P$ still draws now and then. Its $P$ term alone is "
                    "about 75, against 1.1 in total for KL and 0.28 for the GAN divergence. The next cells compute "
                    "every row.",
        why={0: "KL's noise is $\\mathrm{Var}_Q[p/q] = \\chi^2(P\\|Q)$ plus $\\mathrm{Var}_P[\\log(p/q)]$: about 1.1 "
                "here. Large, but several rows are larger.",
             1: "Reverse KL's $T^* = -q/p$ is heavy where $p \\ll q$ (its total is about 2.4). Which row has a "
                "higher power of $q/p$?",
             2: "Pearson's terms grow like $p/q$, which stays below 3 on this pair (total about 7). Look for a "
                "power of $q/p$, which reaches 9.",
             4: "Squared Hellinger's $T^* = 1 - \\sqrt{q/p}$ grows only like a square root: one of the quietest rows.",
             5: "The GAN divergence's terms grow only logarithmically in the ratio: the quietest row (with JS)."}),
    "batch_above": dict(
        question="In the training figure, some grey batch estimates lie above the dashed line $D_f(P\\|Q)$. "
                 "What does that tell you?",
        options=["The critic has found a bound larger than the divergence: the bound is not a bound.",
                 "Monte Carlo noise: a batch estimate is unbiased for the critic's bound but scatters around it; "
                 "the critic's bound with exact expectations (coloured) never crosses the line.",
                 "The sampler is broken.",
                 "The learning rate is too high."],
        answer=1,
        explanation="The inequality $\\mathbb E_P[T] - \\mathbb E_Q[f^*(T)] \\le D_f$ holds for exact expectations "
                    "(Fenchel's inequality at every $x$). A batch replaces them by averages of B draws, with standard "
                    "deviation $\\sqrt{(\\mathrm{Var}_P[T] + \\mathrm{Var}_Q[f^*(T)])/B}$, so near the optimum about "
                    "half of the batch estimates land above the line.",
        why={0: "With exact expectations no critic can exceed $D_f$: check the coloured curve.",
             2: "The estimate's mean is right; only its scatter crosses the line, as a sum of random draws does.",
             3: "The learning rate changes where the critic goes, not whether a batch average scatters."}),
    "tangent_at_one": dict(
        question="The tangent of slope $t = f'(1)$ touches $f$ at $u^* = 1$. What does a critic output "
                 "$T(x) = f'(1)$ say about the point $x$?",
        options=["$x$ is surely data.", "$x$ is surely generated.",
                 "The critic judges $p(x) = q(x)$: the weight is $w = (f^*)'(f'(1)) = 1$, the decision boundary.",
                 "Nothing: $f'(1)$ is just a constant."],
        answer=2,
        explanation="$u^* = (f^*)'(t)$ is the density ratio the critic implies; at $t = f'(1)$ it is 1, so the critic "
                    "sees no difference between data and model there. That is the boundary $w = 1$ that the "
                    "boundary-seeking generator aims for (GAN case: $V = 0$, $\\sigma(V) = 1/2$).",
        why={0: "A larger ratio $u^* > 1$ (a slope above $f'(1)$) would say 'more like the data'.",
             1: "A ratio $u^* < 1$ (a slope below $f'(1)$) would say 'more like the model'.",
             3: "It is the slope whose tangent touches at $u = p/q = 1$."}),
    "weaker_critic": dict(
        question="On the same $P$ and $Q$, a linear critic reaches a GAN bound of −1.38 and a table critic −1.22 "
                 "(both with exact expectations). Which number is closer to the true divergence?",
        options=["−1.38: lower is better.", "−1.22: every critic gives a lower bound, so the higher one is closer.",
                 "Neither can be compared with the divergence."],
        answer=1,
        explanation="$\\mathbb E_P[T] - \\mathbb E_Q[f^*(T)] \\le D_f$ for every critic, so each number is a lower bound "
                    "and the larger one is the tighter. A critic that cannot express $T^*$ (the linear one here) "
                    "reports a smaller value although the distributions did not get closer: a low bound can mean a "
                    "weak critic, not a good generator.",
        why={0: "A lower value of the bound can come from a weaker critic on the very same $P$ and $Q$.",
             2: "Both are lower bounds on the same $D_f$, so the larger is the closer."}),
    "conjugate_sup": dict(
        question="$f^*(t) = \\sup_u\\,(ut - f(u))$. At which $u$ is the supremum reached (for a smooth, strictly "
                 "convex $f$)?",
        options=["At $u = 1$ always.", "Where $f'(u) = t$, i.e. $u^* = (f')^{-1}(t) = (f^*)'(t)$.",
                 "Where $f(u) = 0$.", "At $u \\to \\infty$."],
        answer=1,
        explanation="The gap $ut - f(u)$ is concave in $u$; its derivative $t - f'(u)$ vanishes where the slopes agree. "
                    "The touching point is also the slope of $f^*$ at $t$ (Legendre duality), the quantity notebook 02 "
                    "calls the importance weight.",
        why={0: "Only for the one slope $t = f'(1)$.",
             2: "$f(u) = 0$ is where $f$ crosses zero, unrelated to the slope $t$.",
             3: "For slopes inside $\\mathrm{dom}\\, f^*$ the gap is bounded and reached at a finite $u$."}),
}


ask = asker(QUESTIONS)   # ask(name): the concept check QUESTIONS[name] as a widget (leave it last in a cell)
