"""Notebook 04's lesson pieces: concept checks, the estimator-study helpers and figures, the digits facts the
notebook used to check in learner cells, and the facts its cells rely on (a run's snapshot equals a shorter run)."""
from __future__ import annotations

import math
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
import torch

from bgan_teach.lessons import nb04
from bgan_teach.metrics.digits import digit_data, digit_scores
from bgan_teach.models.categorical import CategoricalGenerator, OneHotCritic, one_hot
from bgan_teach.plotting import figure
from bgan_teach.training.digits_recipe import train_digits
from bgan_teach.training.estimator_study import enumerable_problem, estimator_study, optimal_critic


@pytest.mark.parametrize("name", list(nb04.QUESTIONS))
def test_concept_checks_accept_their_answer_and_reject_the_others(name):
    """Check that each question says 'right' for its answer and 'not this one' (with a reason) for every other option."""
    quiz = nb04.ask(name)
    answer = nb04.QUESTIONS[name]["answer"]
    for option in range(len(quiz.options)):
        quiz.choice.value = option
        assert quiz.correct is (option == answer)
        assert ("Right" in quiz.feedback.value) is (option == answer)
    assert len(nb04.QUESTIONS[name]["why"]) == len(quiz.options) - 1      # every wrong option has its own reason


def test_ask_rejects_an_unknown_question():
    """Check that an unknown question name raises a ValueError that lists the known ones."""
    with pytest.raises(ValueError, match="predict_m1"):
        nb04.ask("no such question")


@pytest.fixture(scope="module")
def small_rows():
    problem = enumerable_problem()
    return estimator_study(problem, optimal_critic(problem), m_values=(1, 2), repeats=4, batch=2, seed=0)


def test_study_value_reads_one_cell_and_names_what_is_missing(small_rows):
    """Check that study_value returns the row's number and raises, naming the rows, for a missing pair or column."""
    row = next(r for r in small_rows if r["estimator"] == "bgan_global" and r["m"] == 2)
    assert nb04.study_value(small_rows, "bgan_global", 2, "snr") == row["snr"]
    with pytest.raises(ValueError, match="no row for estimator 'reinforce_loo' at m = 1"):
        nb04.study_value(small_rows, "reinforce_loo", 1, "snr")
    with pytest.raises(ValueError, match="key must be one of"):
        nb04.study_value(small_rows, "bgan", 1, "nope")


def test_plot_estimator_study_draws_one_line_per_estimator_and_metric(small_rows):
    """Check one line per estimator in each panel, log axes where the metric is a scale, and the legend's labels."""
    fig, axes = figure("test-study", nrows=2, ncols=3, figsize=(9.8, 6.4))
    nb04.plot_estimator_study(axes, small_rows, legend_ax=axes[1, 2])
    names = list(dict.fromkeys(r["estimator"] for r in small_rows))
    flat = axes.ravel()
    for ax, key in zip(flat, ("bias_own", "variance", "cosine", "cosine_draw", "snr")):
        solid = [line for line in ax.get_lines() if line.get_linestyle() not in ("None", "none")
                 and line.get_label() in {nb04.study_label(n, next(r["tau"] for r in small_rows if r["estimator"] == n))[0]
                                          for n in names}]
        assert len(solid) == len(names)
        assert ax.get_xscale() == "log"
        assert ax.get_yscale() == ("log" if nb04.STUDY_METRICS[key][2] else "linear")
    labels = [t.get_text() for t in flat[5].get_legend().get_texts()]
    assert "BGAN, per-z w̃" in labels and "Gumbel-ST, τ = 3 (annealed: start)" in labels and len(labels) == len(names)
    with pytest.raises(ValueError, match="metrics must be names"):
        nb04.plot_estimator_study(axes, small_rows, metrics=("nope",))
    with pytest.raises(ValueError, match="rows must be a non-empty list"):
        nb04.plot_estimator_study(axes, [])


def test_study_label_uses_the_method_colours():
    """Check that the study's labels carry the standard's method colours and tell the Gumbel temperatures apart."""
    from bgan_teach.plotting import style

    assert nb04.study_label("bgan")[1]["color"] == style.method_color("bgan")
    fixed, start = nb04.study_label("gumbel_st", 1.0), nb04.study_label("gumbel_st_annealed@0", 3.0)
    assert fixed[1]["color"] == start[1]["color"] == style.method_color("gumbel_softmax")
    assert fixed[1]["ls"] != start[1]["ls"] and "τ = 1 (fixed)" in fixed[0]
    with pytest.raises(ValueError, match="estimator must be"):
        nb04.study_label("adam")


def _toy_result(divergence: str = "gan"):
    torch.manual_seed(0)
    return SimpleNamespace(generator=CategoricalGenerator(6, 3, noise_dim=4, hidden=8),
                           critic=OneHotCritic(6, 3, hidden=8), config={"divergence": divergence})


def test_critic_log_weights_matches_an_independent_computation():
    """Check log w = V(one-hot x) and log g against torch.distributions.Categorical, shapes (M, B), same seed same draw."""
    result = _toy_result()
    out = nb04.critic_log_weights(result, m=5, batch=3, seed=7)
    assert out["x"].shape == (5, 3, 6) and out["log_w"].shape == (5, 3) and out["log_g"].shape == (5, 3)
    assert out["log_w"].dtype == torch.float64
    gen = torch.Generator().manual_seed(7)
    logits = result.generator(result.generator.noise(3, gen))                       # (B, d, K)
    expected_log_g = torch.distributions.Categorical(logits=logits).log_prob(out["x"]).sum(-1)   # (M, B)
    torch.testing.assert_close(out["log_g"], expected_log_g.double().detach())
    v = torch.stack([result.critic(one_hot(out["x"][m], 3)) for m in range(5)])      # (M, B)
    torch.testing.assert_close(out["log_w"], v.double().detach())
    again = nb04.critic_log_weights(result, m=5, batch=3, seed=7)
    assert torch.equal(again["x"], out["x"])


def test_critic_log_weights_refuses_a_non_gan_run():
    """Check that a run with another divergence (log w is not V there) is refused with the divergence named."""
    with pytest.raises(ValueError, match="'kl'"):
        nb04.critic_log_weights(_toy_result("kl"))


def test_plot_bound_and_scores_draws_every_run_on_three_panels():
    """Check one line per run in each of the three panels, the levels -log 4, 10 classes and 0.8, one figure legend."""
    curves = {name: {"step": np.array([0, 10]), "bound": np.array([-1.38, b]), "classes_covered": np.array([8, 10]),
                     "confidence": np.array([0.6, 0.8])} for name, b in (("plain", -0.4), ("cured", -1.2))}
    fig, axes = figure("test-bound", ncols=3, figsize=(9.8, 3.6))
    out = nb04.plot_bound_and_scores(axes, curves)
    for ax, level in zip(out, (-math.log(4), 10, 0.8)):
        assert [line.get_label() for line in ax.get_lines()][:2] == ["plain run", "cured run"]
        assert any(np.allclose(line.get_ydata(), level) for line in ax.get_lines()[2:])
        assert ax.get_legend() is None
    assert len(fig.legends) == 1 and len(fig.legends[0].get_texts()) == 5


def test_real_digits_are_the_yardstick():
    """Check real digits cover every class (coverage sums to 1), have pixel error 0 and meet the bar; coin flips do not."""
    real = digit_scores(digit_data(2), 2)
    assert real["coverage"].sum() == pytest.approx(1.0) and real["pixel_error"] == 0.0 and real["meets_bar"]
    flips = digit_scores(torch.randint(0, 2, (1000, 64), generator=torch.Generator().manual_seed(0)), 2)
    assert not flips["meets_bar"] and flips["confidence"] < 0.8


def test_a_runs_snapshot_equals_a_shorter_run():
    """Check that a run's snapshot at step s equals a run of s steps with the same seed (notebook 04 §4 reuses it)."""
    kw = dict(setup="cured", seed=0, score_samples=50, progress=False, hidden=16, noise_dim=4, samples_per_z=4,
              batch_size=8)
    long = train_digits(2, steps=12, snapshot_every=6, **kw).extras()
    short = train_digits(2, steps=6, snapshot_every=6, **kw).extras()
    at6 = next(v for v in long if v["step"] == 6)
    assert np.array_equal(at6["samples"], short[-1]["samples"]) and at6["confidence"] == short[-1]["confidence"]


def test_js_and_gan_runs_are_the_same_run():
    """Check that JS and GAN give identical generator updates and samples, their critic losses differing by log 4."""
    kw = dict(setup="cured", steps=8, seed=0, snapshot_every=8, score_samples=50, progress=False, hidden=16,
              noise_dim=4, samples_per_z=4, batch_size=8)
    gan, js = train_digits(2, divergence="gan", **kw), train_digits(2, divergence="js", **kw)
    assert np.array_equal(np.asarray(gan.history["loss_g"]), np.asarray(js.history["loss_g"]))
    np.testing.assert_allclose(np.asarray(gan.history["loss_d"]) - np.asarray(js.history["loss_d"]), math.log(4),
                               rtol=0, atol=1e-5)
    assert np.array_equal(gan.extras()[-1]["samples"], js.extras()[-1]["samples"])


def test_gan_bound_is_the_softplus_formula():
    """Check gan_bound against E_P[-softplus(-V)] - E_Q[softplus(V)] written out, and -log 4 for a critic V = 0."""
    critic = OneHotCritic(64, 2, hidden=8)
    samples = torch.randint(0, 2, (30, 64), generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        v_real, v_fake = critic(one_hot(digit_data(2), 2)), critic(one_hot(samples, 2))
    expected = float(-torch.nn.functional.softplus(-v_real).mean() - torch.nn.functional.softplus(v_fake).mean())
    assert nb04.gan_bound(critic, samples, 2) == pytest.approx(expected, rel=1e-6)
    zero = lambda x: torch.zeros(x.shape[0])          # noqa: E731  a critic that says V = 0 everywhere
    assert nb04.gan_bound(zero, samples, 2) == pytest.approx(-math.log(4))


def test_a_fresh_critic_learns_against_a_frozen_generator():
    """Check that a new critic's bound rises above -log 4 on noise-like samples while the generator stays as it was."""
    torch.manual_seed(0)
    generator = CategoricalGenerator(64, 2, noise_dim=4, hidden=8)
    before = [p.detach().clone() for p in generator.parameters()]
    bounds = nb04.fresh_critic_bounds(generator, checkpoints=(40, 0), hidden=16, critic_lr=1e-2, num_samples=200)
    assert list(bounds) == [0, 40]
    assert bounds[0] == pytest.approx(-math.log(4), abs=0.05) and bounds[40] > bounds[0] + 0.2
    assert all(torch.equal(a, b) for a, b in zip(before, generator.parameters()))
    with pytest.raises(ValueError, match="checkpoints"):
        nb04.fresh_critic_bounds(generator, checkpoints=())


def test_the_notebooks_cured_setup_is_the_trainers_default_on_binarised_digits():
    """Check that train_digits' cured setup with notebook 04's networks makes the same updates as train_discrete's defaults."""
    from bgan_teach.training import train_discrete

    small = dict(hidden=128, noise_dim=16, batch_size=64, betas=(0.5, 0.999), critic_lr=3e-3)   # notebook 04's SMALL
    ours = train_digits(2, setup="cured", steps=6, snapshot_every=6, progress=False, score_samples=50, **small)
    default = train_discrete(digit_data(2), 2, steps=6, progress=False)
    assert np.array_equal(np.asarray(ours.history["loss_g"]), np.asarray(default.history["loss_g"]))
    assert np.array_equal(np.asarray(ours.history["loss_d"]), np.asarray(default.history["loss_d"]))
