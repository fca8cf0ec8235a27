"""Glue for notebook 06: a snapshot slider over a text training run (samples + metric curves).

Slider moves only mutate artists from precomputed snapshot views; no network is evaluated.
"""
from __future__ import annotations

from ..plotting import style
from ..plotting.figures import figure, settle_layout
from ..plotting.text import TextTrainingDisplay
from .panel import Lab, snapshot_lab

__all__ = ["text_scrubber", "views_of"]


def views_of(result) -> list[dict]:
    """The snapshot views of a ``train_discrete`` result run with ``metrics.text.text_snapshot_fn``."""
    views = [dict(step=s.step, **s.extras) for s in result.snapshots]
    if not views or "samples" not in views[0]:
        raise ValueError("the result's snapshots carry no text views; train with "
                         "snapshot_fn=bgan_teach.metrics.text.text_snapshot_fn(corpus)")
    return views


def text_scrubber(views: list[dict], reference: dict | None = None, key: str = "text", title: str = "") -> Lab:
    """A slider over snapshot ``views`` (see :func:`views_of`) driving a :class:`TextTrainingDisplay`.

    ``reference``: :func:`bgan_teach.metrics.text.reference_metrics` output, drawn as horizontal lines.
    """
    fig, axes = figure(key, ncols=2, figsize=(10.2, 4.6), dpi=style.WIDGET_DPI, layout=None, gridspec_kw={"width_ratios": [1, 1.6]})
    display = TextTrainingDisplay(axes, views, reference, title)
    settle_layout(fig)
    return snapshot_lab(fig, len(views), display.update, display)
