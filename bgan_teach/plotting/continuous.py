r"""Static figures for continuous BGAN (notebook 05): 1-D gradients, a free Q against a fixed critic, the loss study.

Each function draws arrays it is given (from :mod:`bgan_teach.training.fixed_critic` and
:func:`bgan_teach.training.compare_losses`) in the visual standard (:mod:`bgan_teach.plotting.style`):
one colour per generator loss, the boundary $w = 1$ in black, legends outside the data, integer axes for
counts. None of them evaluates a network.
"""
from __future__ import annotations

import numpy as np

from . import style

__all__ = ["plot_loss_gradients_1d", "plot_fixed_critic", "plot_mode_study", "zero_crossings"]


def _np(x) -> np.ndarray:
    return x.detach().cpu().double().numpy() if hasattr(x, "detach") else np.asarray(x, dtype=float)


def plot_loss_gradients_1d(ax, xs, grads: dict, boundary: float = 0.0):
    r"""$-\partial\ell/\partial x$ of each generator loss (name → (n,)) along ``xs`` (n,), boundary as a line."""
    xs = _np(xs).ravel()
    for name, g in grads.items():
        ax.plot(xs, -_np(g), lw=2, color=style.method_color(name), ls=style.method_style(name)["ls"],
                label=style.method_label(name))
    ax.axvline(boundary, color=style.BOUNDARY, lw=1.2, ls="--", label="boundary $w = 1$ ($D = 1/2$)")
    ax.axhline(0, color="0.6", lw=0.6)
    ax.set(xlabel="$x$", ylabel="$-\\partial \\ell_G / \\partial x$\n(where a sample moves)")
    style.legend(ax, "right")
    return ax


def zero_crossings(x, v) -> np.ndarray:
    """The points where the grid function ``v`` (n,) on ``x`` (n,) changes sign, linearly interpolated."""
    x, v = _np(x), _np(v)
    i = np.nonzero(np.sign(v[:-1]) * np.sign(v[1:]) < 0)[0]
    return x[i] - v[i] * (x[i + 1] - x[i]) / (v[i + 1] - v[i])


def plot_fixed_critic(axes, x, v, q_final: dict, steps: int | None = None):
    r"""One panel per generator loss: the fixed critic $V(x)$ (left axis) and the free $Q$ it reached (right axis).

    ``q_final``: loss name → Q (n,) on the grid ``x`` (n,). $V$ and $Q$ get their own y-axes, so the zero
    crossings of $V$ (dotted: $V = 0$, the boundary $w = 1$ for the GAN) stay visible under a tall, narrow $Q$.
    """
    x, v = _np(x), _np(v)
    axes = list(np.ravel(axes))
    if len(axes) < len(q_final):
        raise ValueError(f"need one axes per loss: {len(q_final)} losses, {len(axes)} axes")
    crossings = zero_crossings(x, v)
    twins = []
    for ax, (name, q) in zip(axes, q_final.items()):
        ax_q = ax.twinx()
        q = _np(q)
        ax_q.fill_between(x, 0, q, color=style.GENERATED, alpha=0.45, lw=0)
        ax_q.plot(x, q, color=style.GENERATED, lw=1.2, label="$Q$" + (f" after {steps} Adam steps" if steps else ""))
        ax_q.set_ylim(0, 1.1 * max(q.max(), 1e-12))
        ax_q.set_ylabel("$Q(x)$ (probability)", color=style.GENERATED)
        ax.plot(x, v, color="k", lw=1.8, label="fixed critic $V(x)$")
        ax.axhline(0, color="0.6", lw=0.6)
        for i, c in enumerate(crossings):
            ax.axvline(c, color=style.BOUNDARY, lw=1, ls=":", label="$V = 0$ ($w = 1$)" if i == 0 else None)
        ax.set_zorder(ax_q.get_zorder() + 1)                 # V drawn over Q
        ax.patch.set_visible(False)
        ax.set(xlabel="$x$", ylabel="critic $V(x)$")
        ax.set_title(style.method_label(name), fontsize=style.FONT["title"], color=style.method_color(name))
        twins.append(ax_q)
    handles = axes[0].get_legend_handles_labels()[0] + twins[0].get_legend_handles_labels()[0]
    style.legend(axes[0], "below", handles=handles, ncol=3, bbox_to_anchor=(0.0, -0.25), loc="upper left")
    return twins


def plot_mode_study(axes, study: dict):
    r"""Modes covered (integer x) against the high-quality fraction, one marker per run, per target.

    ``study``: target name → rows of :func:`~bgan_teach.training.compare_losses`. Runs of one loss sit side by
    side around their integer mode count (a small fixed offset per loss, never random), so equal results do
    not hide each other.
    """
    axes = list(np.ravel(axes))
    for ax, (name, rows) in zip(axes, study.items()):
        losses = list(dict.fromkeys(r["loss"] for r in rows))
        n_modes = max(r["n_modes"] for r in rows)
        for i, loss in enumerate(losses):
            mine = [r for r in rows if r["loss"] == loss]
            offset = 0.22 * (i - (len(losses) - 1) / 2)                           # loss i: its own column
            spread = 0.06 * (np.arange(len(mine)) - (len(mine) - 1) / 2)         # runs of one loss: side by side
            kw = style.method_style(loss)
            ax.scatter(np.array([r["modes_covered"] for r in mine]) + offset + spread,
                       [r["high_quality"] for r in mine], s=42, color=kw["color"], marker=kw["marker"],
                       edgecolors="k", linewidths=0.5, label=style.method_label(loss), zorder=3)
        for m in range(n_modes + 1):
            ax.axvline(m, color="0.92", lw=0.8, zorder=0)
        ax.set(title=f"{name} ({n_modes} modes)", xlabel="modes covered (one marker per seed)",
               ylabel="high-quality fraction", xlim=(-0.6, n_modes + 0.6), ylim=(-0.05, 1.05))
        style.integer_axis(ax.xaxis)
    style.legend(axes[-1], "right")
    return axes
