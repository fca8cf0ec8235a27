"""Tests for bgan_teach.plotting.digits and bgan_teach.widgets.digits (Agg backend, no kernel)."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from bgan_teach.plotting import style  # noqa: E402
from bgan_teach.plotting.digits import MISSING, CoverageDisplay, SampleGridDisplay, mosaic  # noqa: E402
from bgan_teach.widgets.digits import digits_scrubber  # noqa: E402


def _views(n, seed):
    rng = np.random.default_rng(seed)
    views = []
    for i in range(n):
        cov = rng.dirichlet(np.ones(10))
        views.append(dict(step=100 * i, samples=rng.integers(0, 2, (64, 64)), coverage=cov,
                          classes_covered=int((cov >= 0.05).sum()), confidence=float(rng.uniform(0.5, 1))))
    return views


def test_mosaic_places_images_row_major_with_gaps():
    """Check that image i lands at tile (i // cols, i % cols) and gaps / missing tiles are NaN."""
    imgs = np.arange(3 * 64).reshape(3, 64)
    m = mosaic(imgs, rows=2, cols=2)
    assert m.shape == (17, 17)
    np.testing.assert_array_equal(m[0:8, 9:17], imgs[1].reshape(8, 8))
    np.testing.assert_array_equal(m[9:17, 0:8], imgs[2].reshape(8, 8))
    assert np.isnan(m[8]).all() and np.isnan(m[9:17, 9:17]).all()


def test_sample_grid_updates_the_same_image_artist():
    """Check that update() mutates the one image artist in place with the new samples."""
    fig, ax = plt.subplots()
    grid = SampleGridDisplay(ax, 4, rows=2, cols=2)
    image = grid.image_
    samples = np.full((4, 64), 3)
    grid.update(samples, "t")
    assert grid.image_ is image and len(ax.images) == 1
    np.testing.assert_array_equal(image.get_array()[:8, :8], 3)
    plt.close(fig)


def test_coverage_bars_change_height_and_flag_rare_classes():
    """Check that bars take the coverage heights and classes under 5 % are pale and hatched, the rest generated-coloured."""
    fig, ax = plt.subplots()
    display = CoverageDisplay(ax)
    bars = list(display.bars_)
    cov = np.array([0.5, 0.01] + [0.06125] * 8)
    display.update(cov)
    assert list(display.bars_) == bars
    np.testing.assert_allclose([b.get_height() for b in bars], cov)
    assert bars[1].get_facecolor()[:3] == pytest.approx(matplotlib.colors.to_rgb(MISSING)) and bars[1].get_hatch()
    assert bars[0].get_facecolor()[:3] == pytest.approx(matplotlib.colors.to_rgb(style.GENERATED))
    assert not bars[0].get_hatch()
    plt.close(fig)


def test_scrubber_slider_updates_all_rows_in_place():
    """Check that moving the snapshot slider redraws every run's grid, bars and marker in place."""
    runs = {"plain": _views(3, 0), "cured": _views(4, 1)}
    lab = digits_scrubber(runs, 2, key="test-scrubber")
    slider = lab.controls["snapshot"]
    assert slider.max == 2 and slider.value == 2
    cured = lab.display["cured"]
    image, bars, marker = cured.grid.image_, list(cured.coverage.bars_), cured.curves.marker_
    slider.value = 0
    assert cured.grid.image_ is image and list(cured.coverage.bars_) == bars and cured.curves.marker_ is marker
    np.testing.assert_array_equal(image.get_array()[:8, :8], runs["cured"][0]["samples"][0].reshape(8, 8))
    np.testing.assert_allclose([b.get_height() for b in bars], runs["cured"][0]["coverage"])
    assert marker.get_xdata()[0] == 0
    slider.value = 1
    assert marker.get_xdata()[0] == 100
    assert lab.display["plain"].curves.marker_.get_xdata()[0] == 100


def test_scrubber_rejects_empty_runs():
    """Check that an empty run list or a run without views raises ValueError."""
    with pytest.raises(ValueError, match="runs"):
        digits_scrubber({})
    with pytest.raises(ValueError, match="runs"):
        digits_scrubber({"a": []})


def test_sample_grid_rejects_bad_k():
    """Check that K < 2 raises ValueError naming num_categories."""
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="num_categories"):
        SampleGridDisplay(ax, 1)
    plt.close(fig)
