r"""Figures for notebook 05's two studies: a few alternating updates in 1-D, and the stability grid on the ring.

:func:`plot_alternating_1d` draws, per generator loss, the critic $V$ that training left (left axis, as in
:func:`~bgan_teach.plotting.continuous.plot_fixed_critic`) over the data density and a histogram of the
generated samples (right axis). :func:`plot_stability_grid` draws the cells of
:func:`bgan_teach.metrics.stability.stability_cells` as a heat table: colour = mean modes covered
colour = the share of seeds that pass the ring bar, text = mean modes covered (≥ 1 % rule), the high-quality
percentage and the passing seeds. Neither function evaluates a network.
"""
from __future__ import annotations

import numpy as np
from matplotlib.colors import LinearSegmentedColormap

from . import style
from .continuous import plot_fixed_critic, zero_crossings

__all__ = ["STABILITY_CMAP", "plot_fixed_critic_losses", "plot_alternating_1d", "plot_stability_grid"]

# pale red (few modes) → pale yellow → pale green (every mode): black text stays readable on every cell
STABILITY_CMAP = LinearSegmentedColormap.from_list("bgan_stability", ["#eaa59b", "#f7f0c0", "#8fd19e"])


def _np(x) -> np.ndarray:
    return x.detach().cpu().double().numpy() if hasattr(x, "detach") else np.asarray(x, dtype=float)


def plot_fixed_critic_losses(axes, x, v, q_final: dict, steps: int | None = None):
    r""":func:`~bgan_teach.plotting.continuous.plot_fixed_critic` for a row of panels, with its legend under the
    whole figure (a legend anchored under the first of three narrow panels squeezes the constrained layout)."""
    twins = plot_fixed_critic(axes, x, v, q_final, steps)
    first = list(np.ravel(axes))[0]
    legend = first.get_legend()
    handles = list(legend.legend_handles) if legend is not None else []
    if legend is not None:
        legend.remove()
    first.figure.legend(handles=handles, labels=[h.get_label() for h in handles], loc="outside lower center",
                        ncol=3, fontsize=style.FONT["legend"])
    return twins


def plot_alternating_1d(axes, x, density, runs: dict, bins: int = 60):
    r"""One panel per generator loss: critic $V(x)$ (left axis), data density and generated histogram (right axis).

    ``x`` (n,): the grid; ``density`` (n,): the data density on it; ``runs``: loss name → ``{"v": (n,),
    "samples": (m,)}``, the critic on the grid and generated samples at the same step.
    """
    x, density = _np(x).ravel(), _np(density).ravel()
    axes = list(np.ravel(axes))
    if len(axes) < len(runs):
        raise ValueError(f"need one axes per loss: {len(runs)} losses, {len(axes)} axes")
    edges = np.linspace(x[0], x[-1], bins + 1)
    top = density.max()
    twins = []
    for ax, (name, run) in zip(axes, runs.items()):
        v, samples = _np(run["v"]).ravel(), _np(run["samples"]).ravel()
        ax_p = ax.twinx()
        ax_p.fill_between(x, 0, density, color=style.DATA, alpha=0.3, lw=0, label="data density $p$")
        hist, _ = np.histogram(samples, bins=edges, density=True)
        ax_p.stairs(hist, edges, color=style.GENERATED, lw=1.6, label="generated samples (histogram)")
        top = max(top, hist.max())
        ax_p.set_ylabel("density", color=style.REFERENCE)
        ax.plot(x, v, color="k", lw=1.8, label="critic $V(x)$ after training")
        ax.axhline(0, color="0.6", lw=0.6)
        for i, c in enumerate(zero_crossings(x, v)):
            ax.axvline(c, color=style.BOUNDARY, lw=1, ls=":", label="$V = 0$ ($w = 1$)" if i == 0 else None)
        ax.set_zorder(ax_p.get_zorder() + 1)                 # V drawn over the densities
        ax.patch.set_visible(False)
        ax.set(xlabel="$x$", ylabel="critic $V(x)$")
        ax.set_title(style.method_label(name), fontsize=style.FONT["title"], color=style.method_color(name))
        twins.append(ax_p)
    for ax_p in twins:
        ax_p.set_ylim(0, 1.1 * top)                          # one density scale for every panel
    handles = axes[0].get_legend_handles_labels()[0] + twins[0].get_legend_handles_labels()[0]
    axes[0].figure.legend(handles=handles, loc="outside lower center", ncol=4, fontsize=style.FONT["legend"])
    return twins


def _lr(x: float) -> str:
    return f"{x:.0e}".replace("e-0", "e-").replace("e+0", "e")


def plot_stability_grid(ax, cells: list[dict]):
    """The heat table: rows loss × generator, columns generator lr × critic steps (see the module docstring).

    Colour: the share of a cell's seeds whose run passes the ring bar (every mode under the ≥ 1 % rule and
    ≥ 80 % high-quality samples), so green means "works on every seed". Text: mean modes covered (≥ 1 % rule),
    mean high-quality percentage, and the passing seeds.
    """
    rows = list(dict.fromkeys((c["loss"], c["generator"]) for c in cells))
    cols = list(dict.fromkeys((c["lr"], c["critic_steps"]) for c in cells))
    by_key = {(c["loss"], c["generator"], c["lr"], c["critic_steps"]): c for c in cells}
    seeds = max(c["seeds"] for c in cells)
    values = np.full((len(rows), len(cols)), np.nan)
    for i, (loss, gen) in enumerate(rows):
        for j, (lr, k) in enumerate(cols):
            c = by_key.get((loss, gen, lr, k))
            if c is None:
                continue
            values[i, j] = c["passed"] / c["seeds"]
            ax.text(j, i, f"{c['mean_modes']:.1f} modes\n{100 * c['mean_high_quality']:.0f} % HQ\n"
                          f"bar {c['passed']}/{c['seeds']}", ha="center", va="center", fontsize=style.FONT["tick"])
    image = ax.imshow(values, cmap=STABILITY_CMAP, vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(len(cols)), [f"lr {_lr(lr)}\n{k} critic step{'s' * (k != 1)}" for lr, k in cols])
    ax.set_yticks(range(len(rows)), [f"{style.method_label(loss)}\n{gen}" for loss, gen in rows])
    ax.tick_params(length=0)
    ax.set_xlabel("generator learning rate, critic steps per generator step")
    for i in range(1, len(rows)):
        ax.axhline(i - 0.5, color="white", lw=1.5 if i % 2 else 5)          # a wider gap between losses
    for j in range(1, len(cols)):
        ax.axvline(j - 0.5, color="white", lw=1.5)
    bar = style.colorbar(image, ax, "seeds whose run passes the ring bar\n(8/8 modes at ≥ 1 %, ≥ 80 % high quality)",
                         ticks=[n / seeds for n in range(seeds + 1)])
    bar.set_ticklabels([f"{n}/{seeds}" for n in range(seeds + 1)])
    return image
