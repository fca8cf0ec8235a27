"""Instant history sliders on live ipympl figures: send a frame's stored picture instead of drawing it again.

A slider move on an ipympl canvas costs a round trip (the kernel asks the browser to ask for a draw), an Agg
render of the whole figure and a PNG encoding of it. :class:`FrameCache` keeps the PNG of every frame it has
sent, keyed by the frame (a snapshot index and whatever else changes the picture); showing that frame again
mutates the artists as usual (so the figure stays true) but sends the stored PNG at once, as a full frame,
with no draw. In the kernel's idle time it also renders the frames nearest to the shown one ahead of the
learner (:meth:`FrameCache.prefetch`: one frame per idle moment, never while a cell runs or right after a
slider move), so the first visit of a frame is instant too.

It uses the WebAgg canvas protocol that ipympl implements (``get_diff_image``, ``set_image_mode``, a full
frame after ``_force_full``, ``manager.web_sockets[i].send_binary``); on any other canvas (inline figures,
Agg in tests before a frontend connected) it steps aside and every call simply draws.
"""
from __future__ import annotations

import contextlib
import io
import os
import time
from collections import OrderedDict
from typing import Callable, Hashable

import numpy as np

__all__ = ["FrameCache", "MAX_BYTES", "PREFETCH", "nearest_first"]

MAX_BYTES = 96_000_000           # stored pictures per figure (PNG bytes); the least recently shown go first
PREFETCH = 60                    # frames rendered ahead, nearest to the shown one first
IDLE_S = 0.3                     # a prefetch step waits this long after a cell or a slider move


def _kernel_loop():
    """The running asyncio loop of an IPython kernel, or None (tests, plain Python)."""
    import asyncio

    try:
        loop = asyncio.get_event_loop()
    except RuntimeError:
        return None
    return loop if loop.is_running() else None


def _execution_count() -> int | None:
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    return getattr(shell, "execution_count", None)


def nearest_first(index: int, lo: int, hi: int) -> list[int]:
    """The integers lo … hi ordered by distance from ``index`` (the lower one first on ties), ``index`` excluded."""
    return sorted((i for i in range(lo, hi + 1) if i != index), key=lambda i: (abs(i - index), i))


class FrameCache:
    """Stored pictures of one figure's frames; ``show(key, apply)`` sends a stored one or draws and stores it.

    ``apply(key)`` must mutate the figure's artists to frame ``key`` (it may call ``draw_idle``; on a stored
    frame that call is swallowed). Call :meth:`forget` whenever something other than ``key`` changed the
    picture of a frame (a new run, a changed view).
    """

    def __init__(self, fig, apply: Callable[[Hashable], None], max_bytes: int = MAX_BYTES):
        self.fig, self.canvas, self.apply, self.max_bytes = fig, fig.canvas, apply, max_bytes
        self.store: OrderedDict = OrderedDict()
        self.bytes, self.hits, self.misses, self.prefetched, self.broken = 0, 0, 0, 0, None
        self.key = None                 # the shown frame's full key, while a browser is attached (captures go there)
        self.current = None             # the frame the artists show
        self._pending: list = []
        self._timer, self._count, self._touched, self._waits = None, None, 0.0, 0
        if self._speaks_webagg():
            original = self.canvas.get_diff_image

            def capturing():                               # the canvas' own frame encoding, kept for later
                png = original()
                if png is not None and self.key is not None and self.canvas._current_image_mode == "full":
                    self._keep(self.key, png)
                return png

            self.canvas.get_diff_image = capturing

    # --- state --------------------------------------------------------------------------------
    def _speaks_webagg(self) -> bool:
        return all(hasattr(self.canvas, a) for a in ("get_diff_image", "set_image_mode", "_force_full"))

    def live(self) -> bool:
        """True when the figure is a WebAgg/ipympl canvas with a browser attached (else the cache steps aside).

        ``BGAN_FRAME_CACHE=0`` turns the cache off (every move redraws), e.g. to measure what it saves.
        """
        manager = getattr(self.canvas, "manager", None)
        return (self._speaks_webagg() and self.broken is None and bool(getattr(manager, "web_sockets", None))
                and not getattr(self.canvas, "syncing_data_url", False)
                and os.environ.get("BGAN_FRAME_CACHE", "1").strip() != "0")

    def _full_key(self, key) -> tuple:
        """``key`` plus the canvas size in pixels: a new device-pixel ratio or a resize never shows a stale size."""
        return (key, float(self.fig.dpi), tuple(int(v) for v in self.fig.bbox.size))

    def _keep(self, full_key, png: bytes) -> None:
        old = self.store.pop(full_key, None)
        self.store[full_key] = png
        self.bytes += len(png) - (len(old) if old else 0)
        while self.bytes > self.max_bytes and len(self.store) > 1:
            _, dropped = self.store.popitem(last=False)
            self.bytes -= len(dropped)

    def forget(self) -> None:
        """Drop every stored picture (the frames' pictures changed)."""
        self.store.clear()
        self.bytes, self.key, self._pending = 0, None, []

    @contextlib.contextmanager
    def _quiet(self):
        """``draw_idle`` does nothing inside (the picture is sent, or rendered here, without a browser round trip)."""
        self.canvas.draw_idle = lambda *args, **kwargs: None
        try:
            yield
        finally:
            del self.canvas.draw_idle

    # --- showing ------------------------------------------------------------------------------
    def show(self, key) -> bool:
        """Bring the figure to frame ``key``; True when its stored picture was sent (no draw)."""
        self._touched, self.current = time.monotonic(), key
        if not self.live():
            self.key = None
            self.apply(key)
            return False
        full = self.key = self._full_key(key)
        png = self.store.get(full)
        if png is None:
            self.misses += 1
            self.canvas._force_full = True                 # the next draw is sent whole, and kept
            self.apply(key)
            return False
        self.hits += 1
        self.store.move_to_end(full)
        with self._quiet():
            self.apply(key)
        self._send(png)
        self._schedule(IDLE_S)                             # frames still to render ahead, if any
        return True

    def _send(self, png: bytes) -> None:
        """Send ``png`` as a full frame; the canvas' next own frame is full too (its diff base is not this one)."""
        self.canvas.set_image_mode("full")
        self.canvas._force_full = True
        for socket in self.canvas.manager.web_sockets:
            socket.send_binary(png)

    # --- rendering ahead ----------------------------------------------------------------------
    def prefetch(self, keys: list) -> None:
        """Render the frames ``keys`` (nearest first) in the kernel's idle time, at most :data:`PREFETCH` of them."""
        self._pending = list(keys)[:PREFETCH]
        self._schedule(IDLE_S)

    def _schedule(self, delay: float) -> None:
        if self._timer is not None or not self._pending or not self._speaks_webagg():
            return                                         # inline / Agg figures: nothing to send ahead
        loop = _kernel_loop()
        if loop is None:
            return
        self._count = _execution_count()
        self._timer = loop.call_later(delay, self._step)

    def _step(self) -> None:
        self._timer = None
        busy = _execution_count() != self._count or time.monotonic() - self._touched < IDLE_S
        if not busy and not self.live():                   # not shown in a browser (yet): look again later
            self._waits += 1
            return self._schedule(1.0) if self._waits < 120 and self.broken is None else None
        if busy:
            return self._schedule(IDLE_S)
        try:
            self._render_next()
        except Exception as err:                           # never break the widget: stop rendering ahead
            self.broken, self._pending = repr(err), []
            return
        self._schedule(0.01)

    def _render_next(self) -> None:
        """Render the first pending frame not stored yet with Agg (no message sent), then restore the shown frame."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from PIL import Image

        while self._pending:
            key = self._pending.pop(0)
            full = self._full_key(key)
            if full in self.store or self.current is None:
                continue
            shown, self.key = self.key, None               # no capture while the artists show another frame
            try:
                with self._quiet():
                    self.apply(key)
                    FigureCanvasAgg.draw(self.canvas)
                    buf = io.BytesIO()
                    Image.fromarray(np.asarray(self.canvas.get_renderer().buffer_rgba())).save(buf, format="png")
                    self._keep(full, buf.getvalue())
                    self.prefetched += 1
            finally:
                with self._quiet():
                    self.apply(self.current)                # the artists show the learner's frame again
                self.key = shown
            return
