"""Grid scrubber and weight-bar widgets, driven by setting .value in plain pytest (Agg)."""
import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from bgan_teach.data import ring_grid  # noqa: E402
from bgan_teach.plotting.discrete import format_table  # noqa: E402
from bgan_teach.training import train_discrete  # noqa: E402
from bgan_teach.widgets import grid_scrubber, weight_bars_lab  # noqa: E402


@pytest.fixture(scope="module")
def run():
    g = ring_grid(8)
    data = g.sample(1000, torch.Generator().manual_seed(0))
    r = train_discrete(data, 8, steps=40, batch_size=16, samples_per_z=5, hidden=16, noise_dim=4,
                       target=g.probs(), snapshot_every=10, metric_every=5, metric_num_z=256, progress=False)
    return g, r


def test_scrubber_moves_artists_in_place(run):
    """Check that moving the snapshot slider changes the q image, log w image and marker, same artists."""
    g, r = run
    lab = grid_scrubber(r, g.probs(), g.extent_box(), references={"one mode dropped": 0.045})
    d = lab.display
    q_img, w_img, marker = d.model.image_, d.critic.image_, d.curve.marker_
    lab.controls["snapshot"].value = 0
    q0, w0 = q_img.get_array().copy(), w_img.get_array().copy()
    assert marker.get_xdata()[0] == 0
    lab.controls["snapshot"].value = 4
    assert d.model.image_ is q_img and d.critic.image_ is w_img and d.curve.marker_ is marker
    assert not np.allclose(q_img.get_array(), q0) and not np.allclose(w_img.get_array(), w0)
    np.testing.assert_allclose(q_img.get_array(), r.snapshots[4].extras["q"].T)
    assert marker.get_xdata()[0] == 40
    assert "step 40" in d.model.ax.get_title()


def test_js_curve_labels_one_two_five_and_no_minor_ticks(run):
    """Check the log-scale JS axis: no minor ticks, plain-number labels at 1, 2, 5 × 10^k within its range."""
    g, r = run
    ax = grid_scrubber(r, g.probs(), g.extent_box()).display.curve.ax
    assert ax.get_yscale() == "log" and len(ax.yaxis.get_minorticklocs()) == 0
    ax.figure.canvas.draw()
    lo, hi = ax.get_ylim()
    ticks = [t for t in ax.get_yticks() if lo <= t <= hi]
    if hi / lo >= 5:                  # a narrower range falls back to linear ticks (matplotlib's LogLocator)
        assert ticks and all(round(t / 10 ** np.floor(np.log10(t)), 6) in (1.0, 2.0, 5.0) for t in ticks)
    labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert labels and all("10^" not in s and "e" not in s for s in labels)


@pytest.mark.parametrize("lo, hi, mantissas", [(0.03, 0.9, [1, 2, 5]), (0.005, 0.9, [1, 3]), (1e-4, 0.9, [1])])
def test_log_ticks_thin_out_over_wide_ranges(lo, hi, mantissas):
    """Check that log ticks are 1-2-5 up to 1.5 decades, 1-3 up to 3 decades and 1 beyond (labels never crowd)."""
    import matplotlib.pyplot as plt

    from bgan_teach.plotting.discrete import log_ticks

    fig, ax = plt.subplots()
    ax.set_yscale("log")
    ax.set_ylim(lo, hi)
    log_ticks(ax, lo, hi)
    fig.canvas.draw()
    ticks = [t for t in ax.get_yticks() if lo <= t <= hi]
    assert ticks and {round(t / 10 ** np.floor(np.log10(t) + 1e-9)) for t in ticks} <= set(mantissas)
    assert len(ticks) <= 7
    plt.close(fig)


def test_scrubber_needs_target_snapshots():
    """Check that a run without target tables is refused with a clear message."""
    data = ring_grid(8).sample(100, torch.Generator().manual_seed(0))
    r = train_discrete(data, 8, steps=2, batch_size=4, samples_per_z=2, hidden=8, progress=False)
    with pytest.raises(ValueError, match="target"):
        grid_scrubber(r, ring_grid(8).probs())


def test_weight_bars_follow_sharpness():
    """Check that sharpness 0 gives uniform bars (ESS = M) and a large value concentrates them."""
    log_w = torch.randn(6, 3, generator=torch.Generator().manual_seed(0)).numpy() * 2
    lab = weight_bars_lab(log_w, num_z=3)
    bars = lab.display.bars_[0]
    lab.controls["sharpness"].value = 0.0
    assert lab.display.bars_[0] is bars
    np.testing.assert_allclose([b.get_height() for b in bars], 1 / 6)
    assert "ESS = 6.0" in lab.display.axes[0].get_title()
    lab.controls["sharpness"].value = 5.0
    heights = np.array([b.get_height() for b in bars])
    assert heights.max() > 0.8 and heights.sum() == pytest.approx(1.0)


def test_weight_bars_reject_bad_shape():
    """Check that a 1-D log w is refused."""
    with pytest.raises(ValueError, match="log_w"):
        weight_bars_lab(np.zeros(5))


def test_format_table():
    """Check the text table's header, rounding and missing values."""
    text = format_table([{"name": "gan", "js": 0.012345, "step": None}], digits=3)
    lines = text.splitlines()
    assert lines[0].split() == ["name", "js", "step"] and lines[2].split() == ["gan", "0.012", "—"]


def test_scrubber_titles_fit_inside_the_figure(run):
    """Check that the two-line generator title is not cut off at the top (tight_layout needs a second pass)."""
    g, r = run
    d = grid_scrubber(r, g.probs(), g.extent_box()).display
    fig = d.model.ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    for ax in (d.target.ax, d.model.ax, d.critic.ax):
        assert ax.title.get_window_extent(renderer).y1 <= fig.bbox.height
