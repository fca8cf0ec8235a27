"""The twin lab: two runs from the same seed and noise on one set of controls, driven by .value and .click()."""
import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from bgan_teach.plotting import style  # noqa: E402
from bgan_teach.widgets.lab import boundary_lab, twin_lab  # noqa: E402
from bgan_teach.widgets.lab_parts import twin_sides  # noqa: E402

SMALL = dict(hidden=16, layers=1, batch_size=32)


def _params(module) -> torch.Tensor:
    return torch.cat([p.detach().flatten() for p in module.parameters()])


@pytest.fixture(scope="module")
def twin():
    return twin_lab(seed=0, steps_per_tick=3, figure_key="twin_fixture", **SMALL)


def test_twin_starts_identical(twin):
    """Check that both runs start from the same networks and draw the same first frame (same seed, same noise)."""
    a, b = twin.gans
    assert (a.generator_loss, b.generator_loss) == ("boundary_seeking", "non_saturating")
    assert torch.equal(_params(a.generator), _params(b.generator)) and torch.equal(_params(a.critic), _params(b.critic))
    first_a, first_b = a.snapshots[0].extras, b.snapshots[0].extras
    np.testing.assert_array_equal(first_a["x_fake"], first_b["x_fake"])
    np.testing.assert_array_equal(first_a["response"], first_b["response"])
    assert twin.controls["generator_loss"] not in _all_children(twin.box)        # each run has its own loss


def _all_children(box) -> list:
    out = []
    for child in getattr(box, "children", ()):
        out += [child, *_all_children(child)]
    return out


def test_buttons_advance_both_and_they_diverge_after_the_first_generator_step():
    """Check that one critic step keeps the twins identical and one generator step sets them apart."""
    lab = twin_lab(seed=0, **SMALL)
    a, b = lab.gans
    lab.controls["train_critic"].click()
    assert a.critic_steps_done == b.critic_steps_done == 1 and a.steps == b.steps == 0
    assert torch.equal(_params(a.critic), _params(b.critic)) and torch.equal(_params(a.generator), _params(b.generator))
    lab.controls["train_generator"].click()
    assert a.steps == b.steps == 1
    assert not torch.equal(_params(a.generator), _params(b.generator))
    assert not np.allclose(a.snapshots[-1].extras["x_fake"], b.snapshots[-1].extras["x_fake"])
    assert len(a.snapshots) == len(b.snapshots) == lab.controls["history"].max + 1 == 3


def test_each_twin_is_the_run_a_single_lab_makes(twin):
    """Check that after Play ticks each twin has exactly the weights of a single lab with its loss (same seed)."""
    twin.controls["play"].value += 1
    twin.controls["play"].value += 1
    for gan, loss in zip(twin.gans, ("boundary_seeking", "non_saturating")):
        single = boundary_lab(seed=0, generator_loss=loss, steps_per_tick=3, **SMALL)
        single.controls["play"].value += 1
        single.controls["play"].value += 1
        assert gan.steps == single.gan.steps == 6
        assert torch.equal(_params(gan.generator), _params(single.gan.generator))
        assert torch.equal(_params(gan.critic), _params(single.gan.critic))


def test_history_slider_shows_frame_i_of_both(twin):
    """Check that the shared history slider draws snapshot i of each run in its own panel."""
    hist = twin.controls["history"]
    for i in (0, hist.max // 2, hist.max):
        hist.value = i
        for gan, display in zip(twin.gans, twin.displays):
            np.testing.assert_array_equal(display.image_.get_array(), gan.snapshots[i].extras["response"])
            np.testing.assert_allclose(display.fake_.get_offsets(), gan.snapshots[i].extras["x_fake"][:, :2])
        steps = {g.snapshots[i].step for g in twin.gans}
        assert len(steps) == 1 and twin.readout.value.count(f"step <b>{steps.pop()}</b>") == 2


def test_shared_controls_reach_both_runs(twin):
    """Check that the learning-rate slider and reset act on both runs."""
    twin.controls["lr"].value = 3e-3
    assert all(g.opt_g.param_groups[0]["lr"] == pytest.approx(3e-3) for g in twin.gans)
    twin.controls["reset"].click()
    assert all(g.steps == 0 and len(g.snapshots) == 1 for g in twin.gans)
    assert not twin.output.outputs                                          # no callback raised


def test_noise_twin_gaussian_only_vs_components():
    """Check that pair=(0, 128) gives one Gaussian-only and one component generator, titled by their noise."""
    lab = twin_lab(pair=(0, 128), seed=0, **SMALL)
    assert [g.generator.components for g in lab.gans] == [0, 128]
    assert [d.title for d in lab.displays] == ["Gaussian only (paper)", "Gaussian + 128 components"]
    assert lab.controls["components"] not in _all_children(lab.box)
    assert lab.controls["generator_loss"] in _all_children(lab.box)
    lab.controls["generator_loss"].value = "non_saturating"                 # shared: both switch
    assert [g.generator_loss for g in lab.gans] == ["non_saturating"] * 2


@pytest.mark.parametrize("pair, match", [(("boundary_seeking",), "two runs"), (("bgan", "non_saturating"), "pair\\[0\\]"),
                                         ((0, 0), "must differ"), (({"lr": 1.0}, 0), "pair\\[0\\]"),
                                         ((1.5, 0), "pair\\[0\\]")])
def test_bad_pairs_raise_naming_pair(pair, match):
    """Check that a pair that is not two different runs' settings raises, naming pair and what is allowed."""
    with pytest.raises((ValueError, TypeError), match=match):
        twin_sides(pair)


def test_twin_figure_meets_the_visual_standard(twin):
    """Check that the twin figure is at the widget dpi, fits the column and shows every text at >= 9 pt."""
    fig = twin.fig
    fig.canvas.draw()
    width = fig.get_figwidth() * fig.dpi
    assert fig.dpi == style.WIDGET_DPI and width <= style.MAX_WIDTH_PX
    small = [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()
             and style.shown_points(t.get_fontsize(), fig.dpi, width) < style.MIN_TEXT_PT]
    assert not small
    renderer, box = fig.canvas.get_renderer(), fig.bbox
    cut = [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()
           and not box.contains(*t.get_window_extent(renderer).p1)]
    assert not cut                                                          # nothing runs off the figure
    assert all(d.colorbar_ is twin.displays[0].colorbar_ is not None for d in twin.displays)
