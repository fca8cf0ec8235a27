"""Widget tests without a kernel (matplotlib Agg): setting ``.value`` must redraw the same artists."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from bgan_teach.divergences import DIVERGENCES, get  # noqa: E402
from bgan_teach.training.bound import conditional_targets, example_pair, fit_bound, mixture_toy  # noqa: E402
from bgan_teach.widgets.fdiv import bound_scrubber, fenchel_lab, snis_lab  # noqa: E402

torch.set_num_threads(1)
F64 = torch.float64


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_fenchel_slider_moves_tangent():
    """Check that moving the t slider moves the same tangent artist to the new slope."""
    lab = fenchel_lab("kl")
    tangent = lab.display.tangent
    before = np.array(tangent.get_data()).copy()
    lab.controls["t"].value = 0.5
    assert lab.display.tangent is tangent
    assert not np.allclose(before, np.array(tangent.get_data()))
    (u0, u1), (y0, y1) = tangent.get_data()
    assert (y1 - y0) / (u1 - u0) == pytest.approx(0.5)
    assert y0 == pytest.approx(-np.exp(0.5 - 1))                 # −f*(t) for KL


def test_dropdown_switches_divergence_and_slider_range():
    """Check that every divergence choice resets the slider to its range and to t = f'(1)."""
    lab = fenchel_lab("kl")
    slider = lab.controls["t"]
    for name in list(DIVERGENCES)[::-1] + ["neyman", "kl"]:
        lab.controls["divergence"].value = name
        lo, hi = lab.display.t_range()
        assert (slider.min, slider.max) == pytest.approx((lo, hi))
        assert slider.value == pytest.approx(float(get(name).f_prime(torch.tensor(1.0, dtype=F64))), abs=slider.step)
        assert lab.display.div.name == name
    lab.controls["divergence"].value = "gan"
    lab.controls["t"].value = -1.0
    assert lab.display.touch.get_data()[0][0] == pytest.approx(float(get("gan").weight(torch.tensor(-1.0))))


def test_static_box_holds_controls_and_output():
    """Check that without ipympl the box holds the controls, an Output for the static figure and a log."""
    lab = fenchel_lab("gan")
    row, out, log = lab.box.children
    assert list(row.children) == [lab.controls["divergence"], lab.controls["t"]]
    assert type(out).__name__ == "Output" and type(log).__name__ == "Output"


def test_callback_errors_propagate_outside_a_kernel():
    """Check that a failing callback raises in plain Python (in a kernel it is shown in the log)."""
    lab = fenchel_lab("kl")
    lab.display.tangent = None                                        # break the display on purpose
    with pytest.raises(AttributeError):
        lab.controls["t"].value = 0.3


def test_bound_scrubber_redraws_p_tilde():
    """Check that the snapshot slider shows that snapshot's p̃, β, step and moves the curve marker."""
    p, q = example_pair(10)
    result = fit_bound(p, q, "gan", steps=40, snapshot_every=10)
    lab = bound_scrubber(result)
    line = lab.display["density"].tilde
    np.testing.assert_allclose(line.get_ydata(), q.numpy())          # v = 0 at step 0: p̃ = q
    lab.controls["step"].value = 4
    view = result.view(4)
    assert lab.display["density"].tilde is line
    np.testing.assert_allclose(line.get_ydata(), view["p_tilde"].numpy())
    assert f"step {result.snapshots[4].step}" in lab.display["density"].text.get_text()
    assert f"{view['beta']:.3f}" in lab.display["density"].text.get_text()
    assert list(lab.display["curve"].marker.get_xdata()) == [40, 40]
    lab.controls["step"].value = 99                                  # clamps to the last snapshot
    assert lab.controls["step"].value == len(result.snapshots) - 1


def test_snis_lab_switches_m():
    """Check that the M slider swaps in that M's precomputed histograms and ESS readouts."""
    toy = mixture_toy(12)
    log_w = torch.log(toy.p / toy.q)
    lab = snis_lab(toy, log_w, ms=(1, 5, 20), batch=16, per_z_target=toy.h @ conditional_targets(toy, log_w))
    display = lab.display["display"]
    lines = list(display.lines)
    lab.controls["m"].value = 20
    run = lab.display["runs"][20]
    assert display.lines == lines
    np.testing.assert_allclose(lines[0].get_ydata(), run["hist_per_z"].numpy())
    np.testing.assert_allclose(lines[1].get_ydata(), run["hist_global"].numpy())
    assert "of M = 20" in display.texts[0].get_text() and "of M·B = 320" in display.texts[1].get_text()
    lab.controls["m"].value = 1
    assert "mean ESS per z = 1.00 of M = 1" in display.texts[0].get_text()
    default = snis_lab(toy, log_w, ms=(2, 3), batch=4)                # target computed when omitted
    bars = [b.get_height() for b in default.display["display"].axes[0].patches]
    np.testing.assert_allclose(bars, (toy.h @ conditional_targets(toy, log_w)).numpy())
    assert default.controls["m"].value == 3                            # starts mid-range


def test_panel_wires_values_and_shows_callback_errors():
    """Check Panel.on: the callback gets the new value then the panel refreshes; an error in a kernel lands in the log."""
    from ipywidgets import IntSlider

    from bgan_teach.plotting import figure
    from bgan_teach.widgets.panel import Panel

    fig, _ = figure("shared_test")
    slider = IntSlider(value=0, max=5)
    panel = Panel({"s": slider}, fig)
    seen, refreshed = [], []
    panel.refresh = lambda: refreshed.append(True)
    panel.on(slider, seen.append)
    slider.value = 3
    assert seen == [3] and refreshed == [True]
    assert panel.box.children[0].children[0] is slider and panel.log in panel.box.children
    panel.on(slider, lambda value: 1 / 0)                 # outside a kernel the error propagates (pytest sees it)
    with pytest.raises(ZeroDivisionError):
        slider.value = 4


def test_two_labs_with_different_keys_coexist():
    """Check that a second lab under another key leaves the first lab's figure open and working."""
    first, second = fenchel_lab("kl", key="a"), fenchel_lab("gan", key="b")
    assert plt.fignum_exists(first.display.ax_f.figure.number)
    assert first.display.ax_f.figure is not second.display.ax_f.figure
    first.controls["t"].value = 0.2
    assert first.display.t == pytest.approx(0.2) and second.display.div.name == "gan"
