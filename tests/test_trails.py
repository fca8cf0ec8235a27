"""Sample trails: the paths of fixed-noise samples through the lab's history, fading into the past."""
import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402

from bgan_teach.plotting import style  # noqa: E402
from bgan_teach.plotting.boundary import TRAIL_ALPHA, trail_segments  # noqa: E402
from bgan_teach.widgets.lab import N_TRAILS, TRAIL_LENGTH, boundary_lab, trail_paths  # noqa: E402

SMALL = dict(hidden=16, layers=1, batch_size=32)


def test_segments_join_consecutive_positions_of_each_sample():
    """Check the segments of 2 samples at 3 times against the positions written out, and the opacity ramp."""
    paths = np.array([[[0, 0], [10, 10]], [[1, 0], [11, 10]], [[1, 1], [11, 11]]], dtype=float)   # (T=3, N=2, 2)
    segments, opacity = trail_segments(paths, alpha=(0.2, 0.8))
    expected = [[[0, 0], [1, 0]], [[10, 10], [11, 10]], [[1, 0], [1, 1]], [[11, 10], [11, 11]]]
    np.testing.assert_array_equal(segments, expected)
    np.testing.assert_allclose(opacity, [0.2, 0.2, 0.8, 0.8])
    empty, none = trail_segments(paths[:1])
    assert empty.shape == (0, 2, 2) and none.shape == (0,)
    with pytest.raises(ValueError, match="paths"):
        trail_segments(np.zeros((3, 2)))


def test_trail_paths_stack_the_snapshots_fixed_noise_points():
    """Check that trail_paths takes the first N points of x_fake of the snapshots up to index, at most `length` of them."""
    class Snap:
        def __init__(self, k):
            self.extras = {"x_fake": np.full((50, 2), float(k))}

    snaps = [Snap(k) for k in range(10)]
    paths = trail_paths(snaps, 6, n=30, length=4)
    assert paths.shape == (4, 30, 2)
    np.testing.assert_array_equal(paths[:, 0, 0], [3, 4, 5, 6])


@pytest.fixture(scope="module")
def lab():
    lab = boundary_lab(seed=0, steps_per_tick=2, figure_key="trails_lab", **SMALL)
    for _ in range(4):
        lab.controls["play"].value += 1
    return lab


def test_toggle_draws_the_history_of_30_fixed_samples_in_place(lab):
    """Check that the trails toggle draws one segment per sample and step along the snapshots' x_fake, in place."""
    trails = lab.display.trails_
    assert len(trails.get_segments()) == 0                                 # off by default
    lab.controls["trails"].value = True
    snaps = lab.gan.snapshots
    segments = np.asarray(trails.get_segments())
    assert segments.shape == ((len(snaps) - 1) * N_TRAILS, 2, 2) and lab.display.trails_ is trails
    first = segments[:N_TRAILS]                                            # snapshot 0 → 1, each sample
    np.testing.assert_allclose(first[:, 0], snaps[0].extras["x_fake"][:N_TRAILS, :2])
    np.testing.assert_allclose(first[:, 1], snaps[1].extras["x_fake"][:N_TRAILS, :2])
    colors = trails.get_colors()
    np.testing.assert_allclose(colors[:, :3], np.tile(to_rgba(style.GENERATED)[:3], (len(colors), 1)))
    assert colors[0, 3] == pytest.approx(TRAIL_ALPHA[0]) and colors[-1, 3] == pytest.approx(TRAIL_ALPHA[1])
    assert "sample trails" in lab.readout.value


def test_trails_follow_the_history_slider_and_turn_off(lab):
    """Check that the history slider shortens the trails to the frames recorded so far, and the toggle clears them."""
    lab.controls["trails"].value = True
    hist = lab.controls["history"]
    hist.value = 0
    assert len(lab.display.trails_.get_segments()) == 0                    # one position: no segment yet
    hist.value = 2
    assert len(lab.display.trails_.get_segments()) == 2 * N_TRAILS
    lab.controls["trails"].value = False
    assert len(lab.display.trails_.get_segments()) == 0 and "sample trails" not in lab.readout.value


def test_trails_reach_back_at_most_trail_length_snapshots(lab):
    """Check that a history longer than the trail length draws trails over the last trail_length snapshots only."""
    assert lab.trail_length == TRAIL_LENGTH
    lab.trail_length = 3
    lab.controls["trails"].value = True
    lab.controls["history"].value = lab.controls["history"].max            # 5 snapshots, trails over the last 3
    assert len(lab.gan.snapshots) == 5 and len(lab.display.trails_.get_segments()) == 2 * N_TRAILS
    lab.trail_length = TRAIL_LENGTH
