"""Glue for notebook 03: a snapshot slider over a grid training run (or two side by side), and a critic-sharpness
slider for w̃.

Slider moves only move precomputed arrays into artists (no network is evaluated).
"""
from __future__ import annotations

import ipywidgets as W
import numpy as np

from ..plotting.discrete import GridTrainingDisplay, LogWeightDisplay, TableDisplay, WeightBarsDisplay, plot_js_curves
from ..plotting import style
from ..plotting.figures import figure, settle_layout, tight_layout
from .panel import Lab, Panel, snapshot_lab

__all__ = ["grid_scrubber", "grid_twin_scrubber", "weight_bars_lab"]


def grid_scrubber(result, target, extent=None, references: dict | None = None, key: str = "grid_scrubber") -> Lab:
    """Slider over ``result.snapshots`` (from ``train_discrete(..., target=...)``): q, log w, JS marker.

    ``lab.display`` is the :class:`~bgan_teach.plotting.discrete.GridTrainingDisplay`.
    """
    # the widget dpi (96: one figure pixel per CSS pixel, so 9 pt text shows at 9 pt); 9.4 × 5.2 in = 902 × 499 px:
    # the three tables on top, the JS curve under them with its legend beside it
    fig, axes = figure(key, nrows=2, ncols=3, figsize=(9.4, 5.2), dpi=style.WIDGET_DPI, layout=None,
                       gridspec_kw={"height_ratios": [1.5, 1]})
    grid = axes[1, 0].get_gridspec()
    for ax in axes[1]:
        ax.remove()
    ax_curve = fig.add_subplot(grid[1, :])
    display = GridTrainingDisplay([*axes[0], ax_curve], target, result, extent, references)
    tight_layout(fig)                   # (constrained layout fails on the removed cells of this grid)

    def show(index: int) -> None:
        display.update(index)
        fig.canvas.draw_idle()

    show(len(result.snapshots) - 1)
    return snapshot_lab(fig, len(result.snapshots), show, display)


def _run_label(name: str) -> str:
    try:
        return style.method_label(name)
    except ValueError:
        return str(name)


def grid_twin_scrubber(runs: dict, target, extent=None, references: dict | None = None,
                       key: str = "grid_twin_scrubber") -> Lab:
    """One snapshot slider over two grid runs side by side (e.g. ``{"bgan": ..., "bgan_global": ...}``, the same
    seed and budget): each run's q over its critic's log w with w = 1, the target, and both exact-JS curves with
    a marker at the shown step. Frame i shows snapshot i of both. ``lab.display``: {name: (q, log w) displays}.
    """
    if not isinstance(runs, dict) or len(runs) != 2:
        raise ValueError(f"runs must map two names to train_discrete results; got {type(runs).__name__} "
                         f"with {len(runs) if hasattr(runs, '__len__') else '?'} entries")
    for name, result in runs.items():
        if not result.snapshots or "q" not in result.snapshots[0].extras:
            raise ValueError(f"runs[{name!r}] must come from train_discrete(..., target=...) (snapshots with q, log_w)")
    n = min(len(r.snapshots) for r in runs.values())
    target = np.asarray(target, dtype=float)
    # 9.6 × 6.6 in = 922 × 634 px at the widget dpi: a column per run (q on top, log w below), then p and the curves
    fig, axes = figure(key, nrows=2, ncols=3, figsize=(9.6, 6.6), dpi=style.WIDGET_DPI, layout="constrained")
    vmax = float(target.max())
    displays = {}
    for col, (name, result) in enumerate(runs.items()):
        first = result.snapshots[0].extras
        displays[name] = (TableDisplay(axes[0, col], first["q"], extent, _run_label(name), vmax, colorbar=None),
                          LogWeightDisplay(axes[1, col], first["log_w"], extent, title="its critic's log w\n"
                                                                                        "black line: w = 1"))
    TableDisplay(axes[0, 2], target, extent, "target p (exact)", vmax, colorbar="probability (p and q)")
    curves = plot_js_curves(axes[1, 2], runs, references)
    curves.get_legend().remove()
    marker = curves.axvline(0, color="k", lw=1, label="shown step")
    fig.legend(*curves.get_legend_handles_labels(), loc="outside lower center", ncol=3, fontsize=style.FONT["legend"])
    settle_layout(fig)

    def show(index: int) -> None:
        for name, (q, log_w) in displays.items():
            snap = runs[name].snapshots[index]
            q.update(snap.extras["q"], f"{_run_label(name)}: q, step {snap.step}\nJS = {snap.extras.get('js', np.nan):.4f}")
            log_w.update(snap.extras["log_w"])
        marker.set_xdata([runs[next(iter(runs))].snapshots[index].step] * 2)
        fig.canvas.draw_idle()

    show(n - 1)
    return snapshot_lab(fig, n, show, displays)


def weight_bars_lab(log_w, num_z: int = 4, key: str = "weight_bars") -> Lab:
    r"""Bars of w̃ = softmax_m(s · log w) for the first ``num_z`` columns of ``log_w`` (M, B).

    The slider s ("critic sharpness") scales log w: s = 0 is a critic that cannot tell samples apart
    (w̃ uniform, ESS = M); large s is a confident critic (w̃ one-hot, ESS → 1, pitfall `docs/math.md` §8.3).
    """
    log_w = np.asarray(log_w, dtype=float)
    if log_w.ndim != 2 or log_w.shape[1] < 1:
        raise ValueError(f"log_w must have shape (M, B); got {log_w.shape}")
    num_z = min(num_z, log_w.shape[1])
    fig, axes = figure(key, ncols=num_z, figsize=(min(10.2, 2.6 * num_z), 2.9), sharey=True, squeeze=False,
                       dpi=style.WIDGET_DPI, layout=None)
    display = WeightBarsDisplay(axes[0], log_w)
    settle_layout(fig)
    slider = W.FloatSlider(value=1.0, min=0.0, max=5.0, step=0.1, description="sharpness s", continuous_update=True)

    def show(scale: float) -> None:
        display.update(scale * log_w)
        fig.canvas.draw_idle()

    controls = {"sharpness": slider}
    panel = Panel(controls, fig)
    panel.refresh()
    panel.on(slider, show)
    panel.scrubbed_by(slider)
    return Lab(controls, display, panel.box)
