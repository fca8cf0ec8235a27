"""Glue for notebook 03: a snapshot slider over a grid training run, and a critic-sharpness slider for w̃.

Slider moves only move precomputed arrays into artists (no network is evaluated).
"""
from __future__ import annotations

import ipywidgets as W
import numpy as np

from ..plotting.discrete import GridTrainingDisplay, WeightBarsDisplay
from ..plotting import style
from ..plotting.figures import figure, settle_layout, tight_layout
from .panel import Lab, Panel, snapshot_lab

__all__ = ["grid_scrubber", "weight_bars_lab"]


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
