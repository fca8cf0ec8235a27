"""FrameCache on a WebAgg canvas (the protocol ipympl speaks) with a stand-in browser: stored frames, no redraws."""
import matplotlib

matplotlib.use("Agg")
import io  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.backends.backend_webagg_core import FigureCanvasWebAggCore, FigureManagerWebAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from PIL import Image  # noqa: E402

from bgan_teach.widgets.framecache import FrameCache, nearest_first  # noqa: E402


class Browser:
    """A stand-in for the browser side of a WebAgg canvas: keeps the frames it got, answers draw requests."""

    supports_binary = True

    def __init__(self):
        self.frames, self.events = [], []

    def send_binary(self, png):
        self.frames.append(png)

    def send_json(self, content):
        self.events.append(content)

    def answer(self, canvas) -> None:
        """What the frontend does with a "draw" event: ask the kernel to draw (once per pending event)."""
        pending = [e for e in self.events if e.get("type") == "draw"]
        self.events.clear()
        if pending:
            canvas.handle_event({"type": "draw"})


def _line_figure(canvas_cls):
    fig = Figure(figsize=(2.0, 1.5), dpi=96)
    canvas = canvas_cls(fig)
    ax = fig.add_subplot()
    (line,) = ax.plot([0, 1], [0, 0], lw=5, color="k")
    ax.set(ylim=(-0.5, 4.5), xticks=[], yticks=[])
    return fig, canvas, line


@pytest.fixture
def setup():
    fig, canvas, line = _line_figure(FigureCanvasWebAggCore)
    manager = FigureManagerWebAgg(canvas, 1)
    browser = Browser()
    manager.add_web_socket(browser)
    draws = []
    canvas.mpl_connect("draw_event", lambda e: draws.append(1))

    def apply(i):
        line.set_ydata([i, i])
        canvas.draw_idle()

    cache = FrameCache(fig, apply)
    browser.answer(canvas)                                   # the connection's first frame
    browser.frames.clear()
    return fig, canvas, browser, draws, cache


def _agg_pixels(i: int) -> np.ndarray:
    """Frame i drawn on a fresh Agg figure: the independent picture to compare with."""
    fig, canvas, line = _line_figure(FigureCanvasAgg)
    line.set_ydata([i, i])
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


def _png_pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def test_a_revisited_frame_is_sent_from_the_store_without_a_draw(setup):
    """Check that frame 0 shown again sends its stored PNG at once: no draw request, no render, same bytes."""
    fig, canvas, browser, draws, cache = setup
    assert cache.live()
    for i in (0, 1):
        assert cache.show(i) is False                       # first visit: drawn by the canvas, kept
        browser.answer(canvas)
    first_png, n_draws = browser.frames[0], len(draws)
    browser.frames.clear()
    assert cache.show(0) is True
    assert browser.events == [] or all(e.get("type") != "draw" for e in browser.events)
    assert len(draws) == n_draws and browser.frames == [first_png]
    np.testing.assert_array_equal(_png_pixels(first_png), _agg_pixels(0))      # the picture of frame 0
    assert (cache.hits, cache.misses) == (1, 2)


def test_the_next_own_frame_after_a_stored_one_is_whole(setup):
    """Check that after a stored frame the canvas' next frame is a full one (the browser's picture is not its diff base)."""
    fig, canvas, browser, draws, cache = setup
    for i in (0, 1, 0):
        cache.show(i)
        browser.answer(canvas)
    browser.frames.clear()
    cache.show(3)
    browser.answer(canvas)
    np.testing.assert_array_equal(_png_pixels(browser.frames[-1]), _agg_pixels(3))


def test_prefetch_renders_ahead_and_restores_the_shown_frame(setup):
    """Check that a frame rendered ahead is the true picture, is then sent without a draw, and the artists stay on the shown frame."""
    fig, canvas, browser, draws, cache = setup
    cache.show(4)
    browser.answer(canvas)
    cache._pending = [2]
    cache._render_next()
    assert cache.prefetched == 1 and browser.frames[-1] is not None
    line = fig.axes[0].lines[0]
    assert line.get_ydata()[0] == 4                          # back on the frame the learner sees
    browser.frames.clear()
    assert cache.show(2) is True
    np.testing.assert_array_equal(_png_pixels(browser.frames[0]), _agg_pixels(2))


def test_forget_and_a_new_pixel_ratio_are_misses(setup):
    """Check that forget() drops the pictures and a changed dpi (device pixel ratio) never sends an old size."""
    fig, canvas, browser, draws, cache = setup
    cache.show(1)
    browser.answer(canvas)
    cache.show(2)
    browser.answer(canvas)
    cache.forget()
    assert cache.show(1) is False
    browser.answer(canvas)
    fig.set_dpi(192)
    assert cache.show(1) is False


def test_other_canvases_just_draw():
    """Check that on a plain Agg canvas (inline figures, tests) the cache steps aside: every show applies and draws."""
    fig, canvas, line = _line_figure(FigureCanvasAgg)
    shown = []
    cache = FrameCache(fig, shown.append)
    assert not cache.live()
    assert cache.show(1) is False and cache.show(1) is False and shown == [1, 1]


def test_nearest_first_order():
    """Check the prefetch order: by distance from the shown index, lower index first on ties, the index itself left out."""
    assert nearest_first(3, 0, 6) == [2, 4, 1, 5, 0, 6]
    assert nearest_first(0, 0, 3) == [1, 2, 3]


def test_bgan_frame_cache_0_turns_it_off(setup, monkeypatch):
    """Check that BGAN_FRAME_CACHE=0 makes every move draw (the switch used to measure the cache's effect)."""
    fig, canvas, browser, draws, cache = setup
    cache.show(1)
    browser.answer(canvas)
    monkeypatch.setenv("BGAN_FRAME_CACHE", "0")
    assert not cache.live() and cache.show(1) is False
