"""The lab and the picker never clamp or substitute what they were given: ranges widen, bad values raise,
the view follows the target, and your own target never hides a built-in one."""
import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from bgan_teach.data import from_points, ring  # noqa: E402
from bgan_teach.widgets.lab import EXTENT, BoundaryLab, view_extent  # noqa: E402
from bgan_teach.widgets.picker import PointPicker  # noqa: E402

SMALL = dict(hidden=8, layers=1, batch_size=32, components=0)


@pytest.mark.parametrize("option, value", [("lr", 1.0), ("critic_lr", 0.5), ("lr", 1e-7), ("critic_steps", 20),
                                           ("batch_size", 1000)])
def test_out_of_range_values_widen_the_slider(option, value):
    """Check that a value beyond a slider's default range is kept (the range widens) and reaches the trainer."""
    lab = BoundaryLab(**{**SMALL, option: value})
    assert lab.controls[option].value == pytest.approx(value)
    assert lab.gan.options[option] == pytest.approx(value)


def test_steps_per_tick_widens_and_zero_raises():
    """Check steps_per_tick=500 is kept and steps_per_tick=0 raises naming it."""
    assert BoundaryLab(steps_per_tick=500, **SMALL).controls["steps_per_tick"].value == 500
    with pytest.raises(ValueError, match="steps_per_tick"):
        BoundaryLab(steps_per_tick=0, **SMALL)


@pytest.mark.parametrize("option, value", [("lr", -1.0), ("critic_lr", 0.0), ("critic_steps", 0), ("seed", 1.5),
                                           ("seed", True), ("batch_size", 2.5)])
def test_invalid_values_raise_naming_the_parameter(option, value):
    """Check that values no slider could hold raise ValueError naming the parameter (never a clamp)."""
    kwargs = {**SMALL, option: value}
    with pytest.raises(ValueError, match=option):
        BoundaryLab(**kwargs)


def test_view_follows_a_far_target_and_built_ins_keep_the_default():
    """Check the lab draws a target around (100, 100) where it is, and the ring in the usual (-3, 3) square."""
    assert view_extent(ring()) == EXTENT
    far = from_points(np.random.default_rng(0).normal(100, 1, (30, 2)), sigma=0.2, name="far")
    lab = BoundaryLab(far, **SMALL)
    x0, x1, y0, y1 = lab.display.extent
    assert x0 < 97 and x1 > 103 and y0 < 97 and y1 > 103
    assert lab.display.ax_.get_xlim() == pytest.approx((x0, x1))
    real = lab.display.real_.get_offsets()
    assert ((real[:, 0] > x0) & (real[:, 0] < x1)).all()
    assert "outside the view" not in lab.readout.value        # data_init starts the generator on the data
    cold = BoundaryLab(far, data_init=False, **SMALL)          # a generator that starts near 0 is out of view
    assert "100% of the generated points lie outside the view" in cold.readout.value


def test_your_target_named_like_a_built_in_does_not_hide_it():
    """Check a custom target called "ring" joins the dropdown as "ring (yours)" and the built-in ring stays."""
    mine = from_points(np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.0]]), sigma=0.2, name="ring")
    lab = BoundaryLab(mine, **SMALL)
    options = list(lab.controls["target"].options)
    assert "ring" in options and "ring (yours)" in options and lab.controls["target"].value == "ring (yours)"
    assert lab.target is mine
    lab.controls["target"].value = "ring"
    assert lab.target is not mine and len(lab.target.modes) == 8


@pytest.mark.parametrize("sigma", [0, -1, float("nan"), "0.1"])
def test_picker_rejects_bad_sigma(sigma):
    """Check point_picker(sigma=0 / -1 / nan / a string) raises naming sigma instead of clamping to 0.03."""
    with pytest.raises(ValueError, match="sigma"):
        PointPicker(sigma=sigma)


def test_picker_keeps_a_small_sigma_and_refuses_points_off_the_canvas():
    """Check sigma=0.01 is kept (slider widened) and a point off the canvas raises instead of hiding in the target."""
    picker = PointPicker(sigma=0.01)
    assert picker.controls["sigma"].value == pytest.approx(0.01)
    with pytest.raises(ValueError, match="outside the canvas"):
        picker.add(100.0, 100.0)
    assert len(picker) == 9
    far = PointPicker(points=[[100.0, 100.0], [101.0, 100.0]])
    far.add(100.5, 100.5)                                      # the canvas follows points given at the start
    assert len(far) == 3
