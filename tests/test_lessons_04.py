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
    """Check one line per run in each of the three panels and the reference levels -log 4, 10 classes and 0.8."""
    curves = {name: {"step": np.array([0, 10]), "bound": np.array([-1.38, b]), "classes_covered": np.array([8, 10]),
                     "confidence": np.array([0.6, 0.8])} for name, b in (("plain", -0.4), ("cured", -1.2))}
    fig, axes = figure("test-bound", ncols=3, figsize=(9.8, 3.6))
    out = nb04.plot_bound_and_scores(axes, curves)
    for ax, level in zip(out, (-math.log(4), 10, 0.8)):
        assert [line.get_label() for line in ax.get_lines()][:2] == ["plain", "cured"]
        assert any(np.allclose(line.get_ydata(), level) for line in ax.get_lines()[2:])


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
