"""Shared widget plumbing: a control row above a figure, value callbacks, and the ``Lab`` record.

Every widget callback runs through :meth:`Panel.on` (or the boundary lab's own guard), so an error in a
notebook shows its traceback under the figure instead of vanishing.

With ipympl the figure canvas sits in the box; with static figures (``BGAN_STATIC=1``) the box holds
an ``Output`` that re-displays the figure after each change. Snapshot sliders register themselves with
:func:`~bgan_teach.widgets.frames.register_scrubber`, so the offline tour can ship their frames.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import ipywidgets as W

from ..plotting.figures import in_notebook, interactive
from .framecache import FrameCache, nearest_first
from .frames import register_scrubber

__all__ = ["Lab", "Panel", "snapshot_lab"]


@dataclass
class Lab:
    """``controls``: name → widget; ``display``: the display object(s); ``box``: the widget to show."""

    controls: dict[str, W.Widget]
    display: Any
    box: W.Box


class Panel:
    """Controls above the figure (live canvas, or an ``Output`` re-showing a static figure) and a log.

    ``on(widget, callback)`` calls ``callback(new_value)`` then :meth:`refresh`. In a kernel a failing
    callback's traceback lands in ``log`` instead of vanishing; elsewhere (pytest) it propagates.
    """

    def __init__(self, controls: dict, fig) -> None:
        self.fig, self.log = fig, W.Output()
        self.out = None if interactive() else W.Output()
        self.view = fig.canvas if self.out is None else self.out           # the widget that shows the figure
        self.box = W.VBox([W.HBox(list(controls.values())), self.view, self.log])

    def refresh(self) -> None:
        if self.out is not None and in_notebook():
            from IPython.display import display

            with self.out:
                self.out.clear_output(wait=True)
                display(self.fig)

    def on(self, widget: W.Widget, callback: Callable[[Any], None]) -> None:
        @self.log.capture()
        def handler(change) -> None:
            callback(change["new"])
            self.refresh()

        widget.observe(handler, names="value")

    def on_snapshots(self, slider: W.IntSlider, show: Callable[[int], None]) -> FrameCache:
        """``on(slider, show)`` for a slider over recorded snapshots, through a :class:`FrameCache`: a frame seen
        (or rendered ahead in idle time) is sent without a redraw. ``show`` must already show ``slider.value``."""
        cache = FrameCache(self.fig, show)
        cache.current = slider.value
        self.on(slider, cache.show)
        self.scrubbed_by(slider)
        cache.prefetch([slider.value, *nearest_first(slider.value, slider.min, slider.max)])   # the shown one too
        return cache

    def scrubbed_by(self, slider: W.Widget) -> None:
        """Register ``slider`` as a slider that redraws this panel's figure (its frames go into the tour)."""
        register_scrubber(slider, self.fig, self.view)


def snapshot_lab(fig, n_snapshots: int, show: Callable[[int], None], display: Any) -> Lab:
    """A "snapshot" slider over ``n_snapshots`` recorded states, starting at the last: ``show(index)`` then refresh."""
    last = n_snapshots - 1
    slider = W.IntSlider(value=last, min=0, max=last, description="snapshot", continuous_update=True)
    controls = {"snapshot": slider}
    panel = Panel(controls, fig)
    panel.refresh()
    panel.frames = panel.on_snapshots(slider, show)
    return Lab(controls, display, panel.box)
