"""Glue for notebook 04: one snapshot slider scrubbing one or more digit training runs side by side.

Slider moves only mutate artists from the precomputed snapshot views (no network is evaluated).
"""
from __future__ import annotations

from ..plotting.digits import DigitsTrainingDisplay
from ..plotting import style
from ..plotting.figures import figure, settle_layout
from .panel import Lab, snapshot_lab

__all__ = ["digits_scrubber"]


def digits_scrubber(runs: dict[str, list[dict]], num_categories: int = 2, key: str = "digits") -> Lab:
    """A snapshot slider over ``runs`` (name → snapshot views), one row of displays per run.

    Views come from ``result.extras()`` of :func:`bgan_teach.training.digits_recipe.train_digits`. Runs may have different
    lengths; the slider goes to the shortest. ``lab.display`` maps each name to its
    :class:`~bgan_teach.plotting.digits.DigitsTrainingDisplay`.
    """
    if not runs or any(len(views) == 0 for views in runs.values()):
        raise ValueError("runs must map at least one name to a non-empty list of snapshot views")
    height = 3.2 * len(runs) + 0.7                       # + one legend under all rows
    fig, axes = figure(key, nrows=len(runs), ncols=3, figsize=(10.2, height), squeeze=False,
                       dpi=style.WIDGET_DPI, layout=None, gridspec_kw={"width_ratios": [1, 1.15, 1.35]})
    displays = {name: DigitsTrainingDisplay(row, views, num_categories, title=name, legend=False)
                for (name, views), row in zip(runs.items(), axes)}
    fig.legend(handles=next(iter(displays.values())).legend_handles(), loc="outside lower center", ncol=4,
               fontsize=style.FONT["legend"])
    settle_layout(fig)
    n = min(len(views) for views in runs.values())

    def show(index: int) -> None:
        for display in displays.values():
            display.update(index, draw=False)
        fig.canvas.draw_idle()

    show(n - 1)
    return snapshot_lab(fig, n, show, displays)
