"""bgan_teach.widgets.frames: the registry of snapshot sliders and the frames the offline tour ships."""
import matplotlib

matplotlib.use("Agg")
import base64  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402

import ipywidgets as W  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from bgan_teach.plotting.figures import figure  # noqa: E402
from bgan_teach.widgets import frames  # noqa: E402
from bgan_teach.widgets.panel import snapshot_lab  # noqa: E402


def _pixels(b64: str) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(b64))).convert("RGB"))


def _line_lab(n: int = 5, key: str = "frames_line"):
    """A snapshot lab whose frame i draws a horizontal line at height i (a picture known per frame)."""
    fig, ax = figure(key, figsize=(3, 2), dpi=96, layout=None)
    (line,) = ax.plot([0, 1], [0, 0], lw=6, color="k")
    ax.set(xlim=(0, 1), ylim=(-0.5, n - 0.5), xticks=[], yticks=[])

    def show(i):
        line.set_ydata([i, i])
        fig.canvas.draw_idle()

    show(n - 1)
    return snapshot_lab(fig, n, show, line), fig


def test_int_slider_values_are_evenly_spaced_and_keep_the_current_value():
    """Check that an IntSlider gives distinct evenly spaced integers from min to max, plus its current value."""
    s = W.IntSlider(value=7, min=0, max=100)
    values = frames.frame_values(s, 5)
    assert values == [0, 7, 25, 50, 75, 100]
    assert frames.frame_values(W.IntSlider(value=2, min=0, max=3), 40) == [0, 1, 2, 3]


def test_selection_and_log_slider_values():
    """Check that a SelectionSlider gives its options by index and a log slider evenly spaced exponents."""
    s = W.SelectionSlider(options=[("one", 1), ("two", 2), ("five", 5), ("ten", 10)], value=2)
    assert frames.frame_values(s, 3) == [1, 2, 5, 10]              # indices 0, 2, 3 and the current 1
    log = W.FloatLogSlider(value=1e-3, base=10, min=-4, max=-2)
    np.testing.assert_allclose(frames.frame_values(log, 3), [1e-4, 1e-3, 1e-2])
    with pytest.raises(ValueError, match="max_frames"):
        frames.frame_values(s, 1)


def test_snapshot_lab_registers_and_frames_show_each_value():
    """Check that a snapshot slider's frames are the pictures at those values (line at height i) and it ends where it was."""
    lab, fig = _line_lab(5)
    entry = next(s for s in frames.scrubbers() if s.slider is lab.controls["snapshot"])
    out = frames.scrubber_frames(entry, max_frames=40)
    assert out["labels"] == ["0", "1", "2", "3", "4"] and out["start"] == 4
    assert lab.controls["snapshot"].value == 4                      # put back where it was
    height = fig.canvas.get_width_height()[1]
    rows = [np.flatnonzero(_pixels(b64)[:, 100].sum(axis=1) < 100) for b64 in out["images"]]   # dark rows
    centres = [r.mean() for r in rows]
    assert all(a > b for a, b in zip(centres, centres[1:]))          # the line rises frame by frame
    step = (centres[0] - centres[-1]) / 4
    np.testing.assert_allclose(np.diff(centres), -step, atol=1.5)   # by the same number of pixels each
    assert _pixels(out["images"][0]).shape[:2] == (height, fig.canvas.get_width_height()[0])
    plt.close(fig)


def test_frame_budget_limits_the_number_of_frames():
    """Check that a byte budget smaller than 40 frames keeps fewer frames, the first and last value included."""
    lab, fig = _line_lab(30, key="frames_budget")
    entry = next(s for s in frames.scrubbers() if s.slider is lab.controls["snapshot"])
    one = len(frames.render_png(fig))
    out = frames.scrubber_frames(entry, max_frames=40, max_bytes=6 * one)
    assert 6 <= len(out["images"]) <= 8 and out["labels"][0] == "0" and out["labels"][-1] == "29"
    plt.close(fig)


def test_closed_figures_leave_the_registry(tmp_path):
    """Check that a re-run cell (same figure key) replaces its slider in the registry and tour_frames writes JSON."""
    first, _ = _line_lab(3, key="frames_rerun")
    second, _ = _line_lab(3, key="frames_rerun")                    # closes the first figure
    sliders = [s.slider for s in frames.scrubbers()]
    assert second.controls["snapshot"] in sliders and first.controls["snapshot"] not in sliders
    path = tmp_path / "frames.json"
    n = frames.tour_frames(path, max_frames=3)
    written = json.loads(path.read_text())
    assert n == len(written) == len(frames.scrubbers())
    assert second.controls["snapshot"].model_id in {f["slider"] for f in written}


def test_texts_follow_the_slider():
    """Check that a registered text widget's value is stored for each frame (the lab's readout)."""
    fig, ax = figure("frames_text", figsize=(2, 2), dpi=96, layout=None)
    slider, text = W.IntSlider(value=2, min=0, max=2), W.HTML("<b>2</b>")     # the current value's text
    slider.observe(lambda ch: setattr(text, "value", f"<b>{ch['new']}</b>"), "value")
    entry = frames.register_scrubber(slider, fig, None, texts=(text,))
    out = frames.scrubber_frames(entry)
    assert out["texts"][text.model_id] == ["<b>0</b>", "<b>1</b>", "<b>2</b>"]
    with pytest.raises(TypeError, match="slider"):
        frames.register_scrubber("not a slider", fig)
    plt.close(fig)
