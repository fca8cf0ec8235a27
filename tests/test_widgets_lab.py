"""The boundary lab's glue, driven in plain pytest by setting .value and calling .click()."""
import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from bgan_teach.widgets.lab import boundary_lab, loss_equation  # noqa: E402

SMALL = dict(hidden=16, layers=1)


@pytest.fixture(scope="module")
def lab():
    return boundary_lab(seed=0, steps_per_tick=3, **SMALL)


def _gen_params(lab):
    return torch.cat([p.detach().flatten() for p in lab.gan.generator.parameters()])


def test_layout_and_controls(lab):
    """Check the lab exposes .controls, .display and .box, and starts with one snapshot at step 0."""
    for key in ("target", "divergence", "generator_loss", "lr", "critic_lr", "critic_steps", "batch_size",
                "train_critic", "train_generator", "play", "reset", "history"):
        assert key in lab.controls
    assert lab.box.children and lab.display.image_ is not None
    assert "\\tfrac12" in lab.equation.value and "modes covered" in lab.readout.value


def test_step_buttons(lab):
    """Check that 'train critic one step' moves only the critic and 'train generator' one generator step."""
    g0, steps, critic = _gen_params(lab), lab.gan.steps, lab.gan.critic_steps_done
    lab.controls["train_critic"].click()
    assert lab.gan.critic_steps_done == critic + 1 and lab.gan.steps == steps
    assert torch.equal(_gen_params(lab), g0)
    lab.controls["train_generator"].click()
    assert lab.gan.steps == steps + 1 and not torch.equal(_gen_params(lab), g0)
    assert lab.controls["history"].value == lab.controls["history"].max == len(lab.gan.snapshots) - 1


def test_play_tick_trains_a_chunk_and_redraws_in_place(lab):
    """Check that one Play tick trains steps_per_tick steps and updates the same artists."""
    image, fake = lab.display.image_, lab.display.fake_
    before, steps = fake.get_offsets().copy(), lab.gan.steps
    lab.controls["play"].value += 1
    assert lab.gan.steps == steps + 3
    assert lab.display.image_ is image and lab.display.fake_ is fake
    assert not np.allclose(fake.get_offsets(), before)


def test_learning_rate_change_does_not_reset(lab):
    """Check that moving the lr sliders changes Adam's lr and keeps steps, weights and history."""
    steps, params, n_hist = lab.gan.steps, _gen_params(lab), len(lab.gan.history)
    lab.controls["lr"].value = 1e-2
    lab.controls["critic_lr"].value = 1e-4
    assert lab.gan.opt_g.param_groups[0]["lr"] == pytest.approx(1e-2)
    assert lab.gan.opt_d.param_groups[0]["lr"] == pytest.approx(1e-4)
    assert lab.gan.steps == steps and len(lab.gan.history) == n_hist and torch.equal(_gen_params(lab), params)
    lab.controls["critic_steps"].value = 2
    lab.controls["batch_size"].value = 32
    assert lab.gan.options["critic_steps"] == 2 and lab.gan.options["batch_size"] == 32


def test_history_slider_scrubs_snapshots(lab):
    """Check that the history slider shows stored snapshots exactly (heatmap and points of that step)."""
    hist = lab.controls["history"]
    hist.value = 0
    snap = lab.gan.snapshots[0].extras
    np.testing.assert_array_equal(lab.display.image_.get_array(), snap["response"])
    np.testing.assert_allclose(lab.display.fake_.get_offsets(), snap["x_fake"])
    assert "step <b>0</b>" in lab.readout.value
    hist.value = hist.max
    assert f"step <b>{lab.gan.steps}</b>" in lab.readout.value


def test_generator_loss_switch_keeps_training(lab):
    """Check that switching the generator loss keeps the weights and changes the equation."""
    steps = lab.gan.steps
    lab.controls["generator_loss"].value = "non_saturating"
    assert lab.gan.steps == steps and lab.gan.generator_loss == "non_saturating"
    assert "g_f" in lab.equation.value and "softplus" in lab.equation.value


def test_reset_restores_same_start(lab):
    """Check that reset returns to step 0 with the same initial weights (same seed)."""
    first = lab.gan.snapshots[0].generator_state
    lab.controls["reset"].click()
    assert lab.gan.steps == 0 and len(lab.gan.snapshots) == 1
    for key, value in first.items():
        assert torch.equal(lab.gan.generator.state_dict()[key], value)


def test_target_and_divergence_changes_reset(lab):
    """Check that choosing another target or divergence restarts on it (25 modes for the grid)."""
    lab.controls["play"].value += 1
    lab.controls["target"].value = "grid"
    assert lab.gan.steps == 0 and "/25" in lab.readout.value
    lab.controls["divergence"].value = "kl"
    assert lab.gan.divergence.name == "kl" and "e^{t-1}" in lab.equation.value
    lab.controls["target"].value = "spiral"
    assert "modes" not in lab.readout.value
    assert not lab.output.outputs                          # no callback raised


def test_generator_noise_dropdown_resets_with_that_generator():
    """Check that the noise dropdown rebuilds G with that many components (0: the paper's Gaussian noise)."""
    lab = boundary_lab(seed=0, **SMALL)
    c = lab.controls["components"]
    assert c.value == 128 and lab.gan.generator.components == 128 and 0 in dict(c.options).values()
    lab.controls["play"].value += 1
    c.value = 0
    assert lab.gan.steps == 0 and lab.gan.generator.components == 0 and lab.gan.generator.input_dim == 2
    assert len(lab.gan.snapshots) == 1 and len(lab.gan.snapshots[0].extras["manifold"]) == 22
    c.value = 16
    assert lab.gan.generator.components == 16 and not lab.output.outputs
    assert dict(boundary_lab(seed=0, components=5, **SMALL).controls["components"].options)["Gaussian + 5 components"] == 5


def test_loss_equation_for_each_loss():
    """Check that every loss has its own equation text."""
    texts = {loss_equation(name) for name in ("boundary_seeking", "boundary_seeking_log_z", "non_saturating",
                                              "minimax")}
    assert len(texts) == 4


def test_your_own_points_join_the_dropdown():
    """Check that a from_points target opens the lab on it and is listed in the target dropdown."""
    from bgan_teach.data import from_points

    mine = from_points(np.array([[0.0, 0.0], [1.0, 1.0], [-1.0, 1.0]]), sigma=0.1, modes=[[0, 0], [1, 1]],
                       name="mine")
    lab = boundary_lab(target=mine, hidden=8, layers=1)
    assert lab.controls["target"].value == "mine" and "mine" in lab.controls["target"].options
    assert lab.target is mine and "/2" in lab.readout.value


def test_train_every_records_a_history_to_scrub():
    """Check that train(steps, every=k) records one snapshot per k steps (the last one at `steps`) and shows the last."""
    lab = boundary_lab(seed=0, figure_key="lab_every", **SMALL)
    lab.train(7, every=3)
    assert [s.step for s in lab.gan.snapshots] == [0, 3, 6, 7]
    assert lab.controls["history"].value == lab.controls["history"].max == 3 and "step <b>7</b>" in lab.readout.value
    lab.train(2)
    assert [s.step for s in lab.gan.snapshots][-1] == 9 and len(lab.gan.snapshots) == 5
    with pytest.raises(ValueError, match="every"):
        lab.train(5, every=0)
