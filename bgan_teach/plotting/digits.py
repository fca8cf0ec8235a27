r"""Displays for generated digits: a sample grid, class-coverage bars and score curves, updated in place.

Each display draws its artists once in ``__init__`` (on a given axes) and :meth:`update` mutates them
(``set_data``, ``set_height``, ``set_xdata``); pair them with the snapshots of
:func:`bgan_teach.training.digits_recipe.train_digits`, whose ``extras`` already hold ``samples``,
``coverage``, ``confidence`` — a slider then only moves arrays into artists.
"""
from __future__ import annotations

import numpy as np
from matplotlib.patches import Rectangle

from .._checks import ArgumentTypeError, integer, positive_int
from . import style

__all__ = ["mosaic", "SampleGridDisplay", "CoverageDisplay", "ScoreCurvesDisplay", "DigitsTrainingDisplay",
           "sample_grids", "plot_ess_curves", "plot_bound_by_m"]

SIDE = 8


def mosaic(samples, rows: int, cols: int, gap: float = np.nan) -> np.ndarray:
    """Tile up to rows·cols images (N, 64) or (N, 8, 8) into one (9·rows − 1, 9·cols − 1) array.

    Missing images and the one-pixel gaps between tiles hold ``gap`` (NaN draws as the background).
    """
    rows, cols = positive_int(rows, "rows"), positive_int(cols, "cols")
    try:
        x = np.asarray(samples, dtype=float)
    except (TypeError, ValueError) as err:
        raise ArgumentTypeError(f"samples must be an array of numbers; got {type(samples).__name__}") from err
    if x.size % (SIDE * SIDE):
        raise ValueError(f"samples must hold 8x8 images, (N, 64) or (N, 8, 8); got shape {x.shape}")
    x = x.reshape(-1, SIDE, SIDE)[: rows * cols]
    out = np.full((rows * (SIDE + 1) - 1, cols * (SIDE + 1) - 1), gap)
    for i, img in enumerate(x):
        r, c = divmod(i, cols)
        out[r * (SIDE + 1): r * (SIDE + 1) + SIDE, c * (SIDE + 1): c * (SIDE + 1) + SIDE] = img
    return out


class SampleGridDisplay:
    """A rows×cols grid of 8×8 images with K grey levels, as ONE image artist (``image_``)."""

    def __init__(self, ax, num_categories: int = 2, rows: int = 8, cols: int = 8, title: str = ""):
        num_categories = integer(num_categories, "num_categories", minimum=2)
        rows, cols = positive_int(rows, "rows"), positive_int(cols, "cols")
        self.ax, self.rows, self.cols, self.title = ax, rows, cols, title
        blank = mosaic(np.zeros((0, 64)), rows, cols)
        self.image_ = ax.imshow(blank, cmap="gray_r", vmin=0, vmax=num_categories - 1, interpolation="nearest")
        self.image_.set_gid(style.PICTURE_GID)                         # a picture of samples, not a heatmap
        ax.set_facecolor("#d8e4f0")                                    # gaps and missing tiles
        ax.set(xticks=[], yticks=[])
        ax.set_title(title, fontsize=style.FONT["title"])

    def update(self, samples, title: str | None = None) -> None:
        """Show the first rows·cols ``samples`` (N, 64) in place."""
        self.image_.set_data(mosaic(samples, self.rows, self.cols))
        if title is not None:
            self.ax.set_title(title, fontsize=style.FONT["title"])


MISSING = "#f2b8b5"            # a class below the 5 % bar: pale, hatched


class CoverageDisplay:
    """Bars of the fraction of generated samples per digit class, with the 10 % (uniform) and 5 % (bar) lines."""

    def __init__(self, ax, title: str = "class coverage (held-out classifier)", legend: bool = True):
        self.ax = ax
        self.bars_ = ax.bar(np.arange(10), np.zeros(10), color=style.GENERATED)
        self.handles = [Rectangle((0, 0), 0, 0, color=style.GENERATED, label="generated samples"),
                        Rectangle((0, 0), 0, 0, facecolor=MISSING, hatch="//", label="class under 5 %"),
                        style.reference_line(ax, 0.1, "uniform 10 %", 1), style.reference_line(ax, 0.05, "bar 5 %", 0)]
        ax.set(xticks=range(10), ylim=(0, 0.5), xlabel="predicted digit", ylabel="fraction of samples")
        ax.set_title(title, fontsize=style.FONT["title"])
        if legend:
            style.legend(ax, "below", handles=self.handles, ncol=2)

    def update(self, coverage) -> None:
        coverage = np.asarray(coverage, dtype=float)
        for bar, height in zip(self.bars_, coverage):
            bar.set_height(height)
            bar.set_color(style.GENERATED if height >= 0.05 else MISSING)
            bar.set_hatch(None if height >= 0.05 else "//")
        self.ax.set_ylim(0, max(0.5, float(coverage.max()) * 1.1))


CLASSES, CONFIDENCE = "#3d5a80", "#c05621"     # the two scores (left and right axis)


class ScoreCurvesDisplay:
    """Classes covered (≥ 5 %, left axis, integer) and mean confidence (right axis) over training, with a
    movable step marker."""

    def __init__(self, ax, steps, classes_covered, confidence, title: str = "scores over training",
                 legend: bool = True):
        self.ax = ax
        steps = np.asarray(steps)
        self.ax_conf = ax.twinx()
        (self.classes_line_,) = ax.plot(steps, classes_covered, "o-", ms=4, color=CLASSES,
                                        label="classes ≥ 5 % (left)")
        (self.confidence_line_,) = self.ax_conf.plot(steps, confidence, "s--", ms=4, color=CONFIDENCE,
                                                     label="mean confidence (right)")
        bar = style.reference_line(self.ax_conf, 0.8, "confidence bar 0.8", 0)
        self.marker_ = ax.axvline(steps[0] if len(steps) else 0, color="k", lw=1, label="shown step")
        ax.set(ylim=(0, 10.5), xlabel="step")
        ax.set_ylabel("classes covered", color=CLASSES)
        self.ax_conf.set_ylim(0, 1.05)
        self.ax_conf.set_ylabel("mean confidence", color=CONFIDENCE)
        style.integer_axis(ax.yaxis)
        style.integer_axis(ax.xaxis)
        ax.set_title(title, fontsize=style.FONT["title"])
        self.handles = [self.classes_line_, self.confidence_line_, bar, self.marker_]
        if legend:
            style.legend(ax, "below", handles=self.handles, ncol=2)

    def update(self, step) -> None:
        self.marker_.set_xdata([step, step])


class DigitsTrainingDisplay:
    """Sample grid + coverage bars + score curves for one training run's snapshot views.

    ``views``: list of dicts with ``step``, ``samples`` (N, 64), ``coverage`` (10,), ``confidence``,
    ``classes_covered`` (e.g. from ``result.extras()`` of :func:`bgan_teach.training.digits_recipe.train_digits`).
    """

    def __init__(self, axes, views: list[dict], num_categories: int = 2, title: str = "", legend: bool = True):
        if not views:
            raise ValueError("views must hold at least one snapshot view")
        ax_grid, ax_cov, ax_curve = axes
        self.views, self.title = views, title
        self.grid = SampleGridDisplay(ax_grid, num_categories)
        self.coverage = CoverageDisplay(ax_cov, legend=legend)
        self.curves = ScoreCurvesDisplay(ax_curve, [v["step"] for v in views], [v["classes_covered"] for v in views],
                                         [v["confidence"] for v in views], legend=legend)
        self.figure = ax_grid.figure
        self.update(0, draw=False)

    def legend_handles(self) -> list:
        """Every legend entry of the three panels (for one legend under several runs)."""
        return self.coverage.handles + self.curves.handles

    def update(self, index: int, draw: bool = True) -> None:
        view = self.views[index]
        self.grid.update(view["samples"], f"{self.title} step {view['step']}\n"
                                          f"{view['classes_covered']} classes, conf {view['confidence']:.2f}".strip())
        self.coverage.update(view["coverage"])
        self.curves.update(view["step"])
        if draw:
            self.figure.canvas.draw_idle()


def sample_grids(axes, samples: dict, num_categories: int = 2, rows: int = 4, cols: int = 4) -> list:
    """One small :class:`SampleGridDisplay` per name (name → samples (N, 64)); divergence names get their title."""
    from ..divergences import DIVERGENCES

    axes = list(np.ravel(axes))
    shown = [SampleGridDisplay(ax, num_categories, rows, cols,
                               title=style.divergence_title(name) if name in DIVERGENCES else str(name))
             for ax, name in zip(axes, samples)]
    for display, x in zip(shown, samples.values()):
        display.update(x)
    for ax in axes[len(samples):]:
        ax.set_visible(False)
    return shown


def plot_ess_curves(ax, runs: dict, samples_per_z: int):
    """Running mean of the mean ESS per z (name → TrainResult), with the ceiling ``M`` as a grey line."""
    for i, (name, run) in enumerate(runs.items()):
        ess = np.asarray(run.history["ess"], dtype=float)
        window = max(1, len(ess) // 50)
        ax.plot(run.history["step"][window - 1:], np.convolve(ess, np.ones(window) / window, "valid"),
                color=style.ordered_colors(max(2, len(runs)))[i], lw=1.8, label=f"{name} ({window}-step mean)")
    style.reference_line(ax, samples_per_z, f"M = {samples_per_z} (all samples count)", 1)
    ax.set(xlabel="step", ylabel="mean ESS per z", ylim=(0, samples_per_z * 1.1))
    style.integer_axis(ax.xaxis)
    style.legend(ax, "right")
    return ax


def plot_bound_by_m(axes, curves: dict, labels: dict, level: float = -np.log(4)):
    r"""Estimated bound over training, one panel per normalisation, one colour per M (light: small M).

    ``curves``: (M, estimator) → :func:`~bgan_teach.training.digits_recipe.score_curves` output;
    ``labels``: estimator → panel title; ``level``: the bound's floor (GAN: $-\log 4$, where $p = q$).
    """
    axes = list(np.ravel(axes))
    ms = sorted({m for m, _ in curves})
    colors = dict(zip(ms, style.ordered_colors(len(ms))))
    for ax, (est, title) in zip(axes, labels.items()):
        for m in ms:
            c = curves[(m, est)]
            ax.plot(c["step"], c["bound"], "o-", ms=4, color=colors[m], label=f"M = {m}")
        style.reference_line(ax, level, f"{level:.3f} (p = q)", 1)
        ax.set(title=title, xlabel="step")
        style.integer_axis(ax.xaxis)
    axes[0].set_ylabel("estimated 2·JSD − log 4")
    style.legend(axes[-1], "right")
    return axes
