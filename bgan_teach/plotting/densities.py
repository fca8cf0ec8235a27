r"""Static figures of distributions on K points (notebooks 01-02): $p$ against $q$, the per-z targets, SNIS bias.

Each function draws on a given axes in the visual standard (:mod:`bgan_teach.plotting.style`: $p$ in the
data colour, $q$ in the generated colour, reference guides in grey, legends outside the data) and
returns the axes.
"""
from __future__ import annotations

import numpy as np

from . import style

__all__ = ["plot_pq", "plot_conditionals", "plot_snis_bias"]


def _np(x) -> np.ndarray:
    return x.detach().cpu().double().numpy() if hasattr(x, "detach") else np.asarray(x, dtype=float)


def plot_pq(ax, p, q, p_label: str = "$p$ (data)", q_label: str = "$q$ (model)"):
    """Bars of ``p`` (K,) and the step line of ``q`` (K,) over the support points."""
    p, q = _np(p), _np(q)
    if p.ndim != 1 or p.shape != q.shape:
        raise ValueError(f"p and q must be 1-D tables of the same length; got shapes {p.shape} and {q.shape}")
    x = np.arange(len(p))
    ax.bar(x, p, width=0.8, color=style.DATA, alpha=0.4, label=p_label)
    ax.step(x, q, where="mid", color=style.GENERATED, lw=1.8, label=q_label)
    ax.set(xlabel="support point $x$", ylabel="probability", ylim=(0, 1.1 * max(p.max(), q.max())))
    style.integer_axis(ax.xaxis)
    style.legend(ax, "right")
    return ax


def plot_conditionals(ax, g, targets):
    r"""Dashed: $g(x\mid z)$ for each z; solid: the per-z targets $\tilde p(x\mid z) \propto w\,g$; one colour per z."""
    g, targets = _np(g), _np(targets)                                        # (Z, K) each
    if g.ndim != 2 or g.shape != targets.shape:
        raise ValueError(f"g and targets must be (Z, K) tables of the same shape; got {g.shape} and {targets.shape}")
    for z, color in enumerate(style.ordered_colors(len(g))):
        ax.plot(g[z], "--", lw=1.2, color=color, label=f"$g(x|z_{z})$")
        ax.plot(targets[z], "-", lw=2.2, color=color, label=f"$\\tilde p(x|z_{z}) \\propto w\\,g$")
    ax.set(xlabel="support point $x$", ylabel="probability")
    style.integer_axis(ax.xaxis)
    style.legend(ax, "right", ncol=1)
    return ax


def plot_snis_bias(ax, bias: dict):
    r"""Bias of self-normalisation against M (log-log) with a $c/M$ guide (c fitted in log space to M > 1).

    ``bias``: M → total-variation distance between the averaged estimate and its exact target. The guide
    has slope −1 on log-log axes: points that follow it shrink like $1/M$.
    """
    m = np.array(sorted(bias), dtype=float)
    values = np.array([bias[k] for k in sorted(bias)], dtype=float)
    if len(m) < 2 or (m < 1).any() or not np.isfinite(values).all():
        raise ValueError(f"bias must map at least two M >= 1 to finite values; got {bias!r}")
    ax.loglog(m, values, "o-", color=style.method_color("bgan"), label="measured bias (TV)")
    fit = (m > 1) & (values > 0)            # M = 1 ignores the critic: no 1/M regime there
    c = float(np.exp(np.mean(np.log(values[fit] * m[fit])))) if fit.any() else float(values[-1] * m[-1])
    ax.loglog(m, c / m, color=style.REFERENCE, ls=style.REFERENCE_STYLES[1], lw=1.2, label=f"$c/M$, c = {c:.2g}")
    ax.set_xticks(m, [f"{k:g}" for k in m])
    ax.minorticks_off()
    ax.set(xlabel="M (samples per z)", ylabel="TV(E[estimate], target)")
    style.legend(ax, "right")
    return ax
