r"""Precomputed frames of the snapshot sliders, so that a page without a kernel can still be scrubbed.

After matplotlib's ``Animation.to_jshtml`` and the static pages of explorable explanations: render each
frame once, ship the pictures, and let a small scrubber swap them. Every snapshot slider registers itself
here (:func:`register_scrubber`: the slider, its figure, the widget that shows the figure, and any text
widgets whose value follows the slider). After a notebook has run, ``tools/tour.py`` calls
:func:`tour_frames` in its kernel: each registered slider is moved through at most ``max_frames`` evenly
spaced values *through its own callbacks* (so a frame is exactly what a learner sees at that value), the
figure is rendered by Agg at its own dpi as PNG, and the pictures, the readouts and the texts are written
as JSON; ``tools/static_widgets.py`` turns them into an ``<input type=range>`` that swaps the picture.
The slider is put back where it was afterwards.
"""
from __future__ import annotations

import base64
import io
import json
import math
from dataclasses import dataclass
from pathlib import Path

import ipywidgets as W
import numpy as np

from .._checks import positive_int

__all__ = ["Scrubber", "register_scrubber", "scrubbers", "frame_values", "render_png", "scrubber_frames",
           "tour_frames", "MAX_FRAMES", "MAX_BYTES"]

MAX_FRAMES = 40                # frames per slider in the tour
MAX_BYTES = 2_500_000          # pictures per slider (bytes of PNG); fewer frames when one frame is large


@dataclass
class Scrubber:
    """A slider that redraws ``fig`` (shown by the widget ``view``) and sets the ``texts`` widgets' values."""

    slider: W.Widget
    fig: object
    view: W.Widget | None = None
    texts: tuple = ()

    def alive(self) -> bool:
        """False once the figure was closed (a re-run cell replaced it) or the slider was closed."""
        from matplotlib._pylab_helpers import Gcf

        managed = getattr(self.fig, "number", None) is not None                # made by pyplot
        open_ = not managed or any(m.canvas.figure is self.fig for m in Gcf.get_all_fig_managers())
        return open_ and getattr(self.slider, "comm", True) is not None


_REGISTRY: list[Scrubber] = []


def register_scrubber(slider: W.Widget, fig, view: W.Widget | None = None, texts=()) -> Scrubber:
    """Record that ``slider`` scrubs ``fig`` (replacing an earlier record of the same slider); closed ones are dropped."""
    if not isinstance(slider, W.ValueWidget):
        raise TypeError(f"slider must be an ipywidgets slider; got {type(slider).__name__}")
    entry = Scrubber(slider, fig, view, tuple(texts))
    _REGISTRY[:] = [s for s in _REGISTRY if s.slider is not slider and s.alive()] + [entry]
    return entry


def scrubbers() -> list[Scrubber]:
    """The registered sliders whose figures are still open, in the order they were made."""
    return [s for s in _REGISTRY if s.alive()]


def _label(slider: W.Widget, value) -> str:
    """The slider's readout for ``value``, as the browser shows it."""
    fmt = getattr(slider, "readout_format", None)
    if isinstance(slider, W.SelectionSlider):
        return str(slider.label)
    try:
        return format(value, fmt or "")
    except (TypeError, ValueError):
        return str(value)


def frame_values(slider: W.Widget, max_frames: int = MAX_FRAMES) -> list:
    """At most ``max_frames`` evenly spaced values of ``slider`` from its minimum to its maximum, its current value
    included (sorted). Integer sliders give distinct integers, selection sliders options, float sliders
    evenly spaced floats (in the exponent for a log slider)."""
    n = positive_int(max_frames, "max_frames", 2)
    if isinstance(slider, W.SelectionSlider):
        options = list(slider._options_values)
        index = sorted({int(round(i)) for i in np.linspace(0, len(options) - 1, min(n, len(options)))}
                       | {slider.index})
        return [options[i] for i in index]
    lo, hi = slider.min, slider.max
    if isinstance(slider, (W.IntSlider, W.BoundedIntText)):
        values = {int(round(v)) for v in np.linspace(lo, hi, min(n, hi - lo + 1))}
    elif isinstance(slider, W.FloatLogSlider):
        values = {float(slider.base ** e) for e in np.linspace(lo, hi, n)}
    else:
        values = {float(v) for v in np.linspace(lo, hi, n)}
    values.add(slider.value)
    return sorted(values)


def render_png(fig, palette: bool = True) -> bytes:
    """``fig`` as PNG at its own dpi and size (Agg): the canvas' picture.

    ``palette``: 256 colours chosen by median cut, no dithering (a third of the bytes of a full-colour PNG for
    these figures, with no visible change but faint bands in smooth gradients).
    """
    from PIL import Image

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi, bbox_inches=None)
    if not palette:
        return buf.getvalue()
    image = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    out = io.BytesIO()
    image.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(out, format="png")
    return out.getvalue()


def _model_id(widget) -> str | None:
    return getattr(widget, "model_id", None) if widget is not None else None


def _frame(scrub: Scrubber, value) -> tuple[bytes, str, list[str]]:
    """Move the slider to ``value`` (its callbacks redraw), then the picture, the readout and the texts."""
    scrub.slider.value = value
    return render_png(scrub.fig), _label(scrub.slider, scrub.slider.value), [str(t.value) for t in scrub.texts]


def scrubber_frames(scrub: Scrubber, max_frames: int = MAX_FRAMES, max_bytes: int = MAX_BYTES) -> dict:
    """Frames of one registered slider: ``{"slider", "view", "texts": {id: [...]}, "labels", "images", "start"}``.

    Starts with the current value (that picture's size sets how many frames fit in ``max_bytes``), then the
    others; the slider ends where it began. ``images`` are base64 PNGs; ``start`` is the current value's index.
    """
    slider = scrub.slider
    current = slider.value
    first = _frame(scrub, current)
    fit = max(2, min(positive_int(max_frames, "max_frames", 2), int(max_bytes // max(len(first[0]), 1))))
    values = frame_values(slider, fit)
    start = min(range(len(values)), key=lambda i: _distance(values[i], current, slider))
    frames = []
    try:
        for i, value in enumerate(values):
            frames.append(first if i == start else _frame(scrub, value))
    finally:
        slider.value = current                             # back where the learner left it
    return {"slider": _model_id(slider), "view": _model_id(scrub.view),
            "texts": {_model_id(t): [f[2][k] for f in frames] for k, t in enumerate(scrub.texts)},
            "labels": [f[1] for f in frames], "mime": "image/png",
            "images": [base64.b64encode(f[0]).decode("ascii") for f in frames], "start": start}


def _distance(a, b, slider) -> float:
    if isinstance(slider, W.SelectionSlider):
        return 0.0 if a == b else 1.0
    return abs(math.log(a) - math.log(b)) if isinstance(slider, W.FloatLogSlider) else abs(a - b)


def tour_frames(path, max_frames: int = MAX_FRAMES, max_bytes: int = MAX_BYTES) -> int:
    """Write the frames of every registered slider to ``path`` (JSON list, see :func:`scrubber_frames`).

    Returns how many sliders were written. Called by ``tools/tour.py`` in the kernel of a notebook that ran.
    """
    out = [scrubber_frames(s, max_frames, max_bytes) for s in scrubbers()]
    Path(path).write_text(json.dumps(out), encoding="utf-8")
    return len(out)
