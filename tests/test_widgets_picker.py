"""The point picker's glue, driven in plain pytest: clicks as matplotlib events, sliders by .value."""
import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from matplotlib.backend_bases import MouseEvent  # noqa: E402

from bgan_teach.widgets.picker import MAX_MODES, SMILEY, point_picker  # noqa: E402

SMALL = dict(hidden=8, layers=1)


def _click(picker, x, y, button=1):
    """Send a real button_press_event at data coordinates (x, y) through the canvas callbacks."""
    px, py = picker.ax.transData.transform((x, y))
    event = MouseEvent("button_press_event", picker.fig.canvas, px, py, button=button)
    picker.fig.canvas.callbacks.process("button_press_event", event)


def test_starts_with_the_smiley_and_draws_its_density():
    """Check the start: the smiley's points, a KDE heatmap scaled to max 1, and a readout."""
    p = point_picker()
    assert len(p) == len(SMILEY) and np.allclose(p.scatter_.get_offsets(), SMILEY)
    img = np.asarray(p.image_.get_array())
    assert img.max() == pytest.approx(1.0) and img.min() >= 0
    assert f"<b>{len(SMILEY)}</b> points" in p.readout.value


def test_density_is_the_kde_of_the_points():
    """Check the heatmap against the KDE computed independently (scipy-free: numpy Gaussians)."""
    pts = np.array([[0.0, 0.0], [1.0, 0.5]])
    p = point_picker(pts, sigma=0.3, n_grid=20)
    g = p.grid.numpy()                                                       # (400, 2)
    d2 = ((g[:, None, :] - pts[None]) ** 2).sum(-1)                          # (400, 2)
    kde = np.exp(-d2 / (2 * 0.3**2)).mean(1)
    np.testing.assert_allclose(np.asarray(p.image_.get_array()).ravel(), kde / kde.max(), rtol=1e-6, atol=1e-9)


def test_clicks_add_and_remove_points_in_place():
    """Check that a left click adds a point where clicked, a right click removes the nearest, artists are reused."""
    p = point_picker(np.zeros((0, 2)).reshape(0, 2))
    image, scatter = p.image_, p.scatter_
    _click(p, 1.0, -0.5)
    _click(p, -2.0, 2.0)
    assert len(p) == 2 and np.allclose(p.points[0], (1.0, -0.5), atol=0.05)
    _click(p, 1.1, -0.45, button=3)
    assert len(p) == 1 and np.allclose(p.points[0], (-2.0, 2.0), atol=0.05)
    _click(p, 0.0, 0.0, button=3)                                            # nothing within 0.3: no change
    assert len(p) == 1
    assert p.image_ is image and p.scatter_ is scatter and list(p.ax.images) == [image]


def test_sigma_slider_changes_the_heatmap_and_target():
    """Check that the sigma slider redraws the density and sets the target's bandwidth."""
    p = point_picker()
    before = np.asarray(p.image_.get_array()).copy()
    p.controls["sigma"].value = 0.4
    assert not np.allclose(np.asarray(p.image_.get_array()), before)
    t = p.target()
    assert t.sigma == pytest.approx(0.4) and torch.allclose(t.modes, torch.as_tensor(SMILEY, dtype=torch.float64))


def test_undo_clear_and_too_few_points():
    """Check undo and clear, and that a target needs two points (ValueError; the button prints it)."""
    p = point_picker(**SMALL)
    p.controls["undo"].click()
    assert len(p) == len(SMILEY) - 1
    p.controls["clear"].click()
    assert len(p) == 0 and "add at least 2 points" in p.readout.value
    with pytest.raises(ValueError, match="at least 2 points"):
        p.target()
    p.controls["open_lab"].click()
    assert p.lab is None


def test_open_lab_trains_on_the_points():
    """Check that 'open the lab' builds a lab on the KDE target with one mode per point, and it trains."""
    p = point_picker(sigma=0.2, **SMALL)
    p.controls["open_lab"].click()
    lab = p.lab
    assert lab is not None and lab.controls["target"].value == "my points"
    assert torch.allclose(lab.target.centers, torch.as_tensor(SMILEY, dtype=torch.float64))
    lab.train(3)
    assert lab.gan.steps == 3 and f"/{len(SMILEY)}" in lab.readout.value


def test_many_points_have_no_mode_metrics_and_bad_points_raise():
    """Check that more than MAX_MODES points give a target without modes; bad input raises ValueError."""
    pts = np.random.default_rng(0).uniform(-2, 2, (MAX_MODES + 1, 2))
    assert point_picker(pts).target().modes is None
    with pytest.raises(ValueError, match="points"):
        point_picker(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="finite"):
        point_picker().add(float("nan"), 0.0)
