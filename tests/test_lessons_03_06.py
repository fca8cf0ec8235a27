"""Notebooks 03 and 06: the derivation checks against independent truth (finite differences, closed forms, brute
force), the sweep that picks each estimator's learning rate, the lesson figures, the concept checks, the one-step
exercise, and the software facts the notebooks used to check in learner cells."""
from __future__ import annotations

import copy
import json
import math
from itertools import product

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
import torch
from scipy.spatial.distance import jensenshannon

from bgan_teach.data import reference_variants, ring_grid
from bgan_teach.data.text import load_corpus
from bgan_teach.lessons import nb03, nb03_views, nb06, sweep
from bgan_teach.metrics import exact_js, model_table
from bgan_teach.metrics.ngram import temper
from bgan_teach.metrics.text import diversity_metrics, distinct_n, text_metrics
from bgan_teach.models import CategoricalGenerator
from bgan_teach.models.categorical import categorical_log_prob, one_hot, sample_categorical
from bgan_teach.models.sequence import SequenceGenerator, sample_sequences
from bgan_teach.plotting import figure, style
from bgan_teach.training import train_discrete
from bgan_teach.training.discrete import DiscreteGAN

F64 = torch.float64


@pytest.fixture(scope="module")
def one_z():
    """Random logits of one z (d = 2, K = 5) and a random log w table (K, K), float64."""
    gen = torch.Generator().manual_seed(3)
    return torch.randn(2, 5, generator=gen, dtype=F64), 2 * torch.randn(5, 5, generator=gen, dtype=F64)


def _kl_forward(logits, log_w, target):
    """KL(target || g) by brute force over the cells, g = product of softmaxes of ``logits``."""
    p0, p1 = torch.softmax(logits[0], -1), torch.softmax(logits[1], -1)
    return sum(float(target[i, j]) * (math.log(float(target[i, j])) - math.log(float(p0[i] * p1[j])))
               for i, j in product(range(logits.shape[1]), repeat=2))


def _finite_difference(fn, logits, eps=1e-6):
    grad = torch.zeros_like(logits)
    for idx in product(*map(range, logits.shape)):
        up, down = logits.clone(), logits.clone()
        up[idx] += eps
        down[idx] -= eps
        grad[idx] = (fn(up) - fn(down)) / (2 * eps)
    return grad


# --- notebook 03: the derivation, against independent truth ----------------------------------------------------------
def test_per_z_target_matches_a_brute_force_product(one_z):
    """Check p~(x|z) = w g / α against a loop over the cells with numpy, and that it sums to 1."""
    logits, log_w = one_z
    target, log_alpha = nb03.per_z_target(logits, log_w)
    p0, p1 = torch.softmax(logits[0], -1).numpy(), torch.softmax(logits[1], -1).numpy()
    g = np.outer(p0, p1)
    alpha = (g * np.exp(log_w.numpy())).sum()
    np.testing.assert_allclose(target.view(5, 5).numpy(), g * np.exp(log_w.numpy()) / alpha, rtol=1e-12)
    assert log_alpha == pytest.approx(math.log(alpha), rel=1e-12) and float(target.sum()) == pytest.approx(1.0)


def test_forward_kl_gradient_matches_finite_differences(one_z):
    """Check both forms of ∇ KL(p~_z || g_z) (p~ held fixed) against central differences of the brute-force KL."""
    logits, log_w = one_z
    target = nb03.per_z_target(logits, log_w)[0].view(5, 5)
    fd = _finite_difference(lambda ell: _kl_forward(ell, log_w, target), logits)
    grads = nb03.forward_kl_gradients(logits, log_w)
    torch.testing.assert_close(grads["autograd"], fd, atol=1e-8, rtol=1e-6)
    torch.testing.assert_close(grads["score_form"], fd, atol=1e-8, rtol=1e-6)


def test_reverse_kl_gradient_matches_finite_differences(one_z):
    """Check ∇ KL(g_z || p~_z) (p~ fixed) and the REINFORCE form with reward log w − log α − 1 against differences."""
    logits, log_w = one_z
    target = nb03.per_z_target(logits, log_w)[0]

    def reverse(ell):
        g = nb03.log_g_table(ell).exp()
        return float((g * (torch.log(g) - torch.log(target))).sum())

    fd = _finite_difference(reverse, logits)
    grads = nb03.reverse_kl_gradients(logits, log_w)
    torch.testing.assert_close(grads["autograd"], fd, atol=1e-8, rtol=1e-6)
    torch.testing.assert_close(grads["score_form"], fd, atol=1e-8, rtol=1e-6)


def test_score_identity_and_closed_form_scores(one_z):
    """Check Σ_x g ∇log g = 0 and that the closed-form scores equal autograd of log g at every cell."""
    logits, _ = one_z
    assert nb03.score_identity(logits).abs().max() < 1e-15
    scores = nb03.score_vectors(logits)
    for cell in (0, 7, 24):
        ell = logits.clone().requires_grad_(True)
        (auto,) = torch.autograd.grad(nb03.log_g_table(ell)[cell], ell)
        torch.testing.assert_close(scores[cell], auto)


def test_mle_limit_is_the_marginal_closed_form(one_z):
    """Check that with one z and w = p/g the BGAN gradient is −(p_j − softmax ℓ_j), the ML gradient in closed form."""
    logits, _ = one_z
    p = torch.rand(5, 5, generator=torch.Generator().manual_seed(1), dtype=F64)
    p = p / p.sum()
    closed = -(torch.stack([p.sum(1), p.sum(0)]) - torch.softmax(logits, -1))       # (d, K)
    torch.testing.assert_close(nb03.mle_gradient(logits, p), closed)
    bgan = nb03.forward_kl_gradients(logits, torch.log(p).flatten() - nb03.log_g_table(logits))["score_form"]
    torch.testing.assert_close(bgan, closed)


def test_sampled_estimator_approaches_the_exact_gradient(one_z):
    """Check that the mean sampled BGAN gradient gets closer to the exact one as M grows (SNIS is consistent)."""
    logits, log_w = one_z
    exact = nb03.forward_kl_gradients(logits, log_w)["score_form"]
    err = [float((nb03.sampled_bgan_gradient(logits, log_w, m, draws=50, seed=0) - exact).norm() / exact.norm())
           for m in (2, 50, 2000)]
    assert err[0] > err[1] > err[2] and err[2] < 0.05


def test_sampled_estimator_at_m1_has_mean_zero(one_z):
    """Check that with M = 1 (w~ ≡ 1) the mean estimate over many draws is zero up to Monte Carlo noise."""
    logits, log_w = one_z
    est = nb03.sampled_bgan_gradient(logits, log_w, 1, draws=20000, seed=0)
    assert est.abs().max() < 0.02 and nb03.forward_kl_gradients(logits, log_w)["score_form"].abs().max() > 0.1


def test_first_order_identity_holds_to_second_order_and_breaks_for_large_spread(one_z):
    """Check M w~ − (1 + δ) is O(s²) (the docs' numbers at s = 0.1 and 1) and BGAN ≈ first order only for small spread."""
    small, tiny = nb03.first_order_gap(0.1, seed=0), nb03.first_order_gap(0.01, seed=0)
    assert 0.008 < small < 0.018 and tiny < small / 50
    assert 0.8 < nb03.first_order_gap(1.0, seed=0) < 1.2
    logits, log_w = one_z
    checks = [nb03.first_order_check(logits, log_w, m=10, spread=s, draws=2000, seed=0) for s in (0.05, 1.0, 3.0)]
    assert checks[0]["cosine"] > 0.999 and checks[0]["relative_difference"] < 0.1
    assert checks[0]["relative_difference"] < checks[1]["relative_difference"] < checks[2]["relative_difference"]
    with pytest.raises(ValueError, match="spread"):
        nb03.first_order_check(logits, log_w, spread=0.0)


def test_per_z_vs_global_on_a_generator_with_known_conditionals():
    """Check TV and ESS numbers against brute force on a generator whose conditionals are two fixed tables."""
    class TwoCodes(torch.nn.Module):                    # z ∈ {0, 1} through the noise: logits chosen per code
        num_categories, num_positions, noise_dim = 3, 2, 1

        def __init__(self):
            super().__init__()
            self.table = torch.tensor([[[2.0, 0.0, -1.0], [0.0, 1.0, 0.0]], [[-1.0, 0.0, 2.0], [1.0, 0.0, -2.0]]], dtype=F64)

        def noise(self, n, generator=None):
            return (torch.arange(n) % 2).to(F64)[:, None]

        def forward(self, z):
            return self.table[z[:, 0].long()]

    gen = TwoCodes()
    g = torch.stack([torch.outer(*torch.softmax(gen.table[c], -1)) for c in (0, 1)]).flatten(1)   # (2, 9)
    q = g.mean(0)
    p = torch.rand(9, generator=torch.Generator().manual_seed(0), dtype=F64)
    p = p / p.sum()
    out = nb03.per_z_vs_global(gen, torch.log(p / q), p, num_z=2)
    w = p / q
    alpha = g @ w
    per_z = (g * w / alpha[:, None]).mean(0)
    assert out["tv_global"] < 1e-12
    assert out["tv_per_z"] == pytest.approx(float(0.5 * (per_z - p).abs().sum()), rel=1e-10) and out["tv_per_z"] > 0.01
    assert out["ess_per_z"] == pytest.approx(float((alpha**2 / (g @ w**2)).mean()), rel=1e-10)
    assert out["ess_global"] == pytest.approx(float(1 / (q @ w**2)), rel=1e-10)      # β = 1 at the optimal critic


@pytest.fixture(scope="module")
def tiny_run():
    grid = ring_grid(8)
    data = grid.sample(500, torch.Generator().manual_seed(0))
    return train_discrete(data, 8, steps=12, samples_per_z=3, batch_size=8, seed=0, target=grid.probs(),
                          snapshot_every=4, progress=False, metric_num_z=64), grid


def test_entropy_curves_read_the_snapshots(tiny_run):
    """Check H(q) from each snapshot's table, and the conditional entropy against Categorical.entropy at one snapshot."""
    result, grid = tiny_run
    curves = nb03.entropy_curves(result, num_z=32, seed=1)
    assert curves["step"].tolist() == [s.step for s in result.snapshots]
    for h, snap in zip(curves["marginal"], result.snapshots):
        q = np.asarray(snap.extras["q"]).ravel()
        assert float(h) == pytest.approx(float(-(q * np.log(q)).sum()), rel=1e-10)
    z = result.generator.noise(32, torch.Generator().manual_seed(1))
    logits = result.generator_at(len(result.snapshots) - 1)(z).double().detach()
    expected = torch.distributions.Categorical(logits=logits).entropy().sum(-1).mean()
    assert float(curves["conditional"][-1]) == pytest.approx(float(expected), rel=1e-10)
    assert nb03.entropy_of(grid.probs()) == pytest.approx(float(-(grid.probs() * grid.probs().log()).sum()))
    with pytest.raises(ValueError, match="target"):
        nb03.entropy_curves(train_discrete(torch.zeros(4, 2, dtype=torch.long), 8, steps=1, progress=False))


def test_the_one_step_exercise_reproduces_the_library_step():
    """Check that the solution of the one-step exercise, written with the trainer's public pieces, equals step() bit for bit."""
    grid = ring_grid(8)
    data = grid.sample(500, torch.Generator().manual_seed(0))
    gan = DiscreteGAN(data, 8, seed=0, samples_per_z=4, batch_size=6)
    twin = copy.deepcopy(gan)
    assert torch.equal(nb03.flat_parameters(gan), nb03.flat_parameters(twin))
    twin.step()
    m, b = 4, 6
    x_real = gan.real_batch()
    logits = gan.generator_logits()
    x_fake = sample_categorical(logits, m, gan.rng)
    v_fake = gan.critic(one_hot(x_fake, 8).flatten(0, 1)).view(m, b)
    log_w = gan.divergence.log_weight(v_fake.detach())
    gan.update_critic(x_real, v_fake)
    log_g = categorical_log_prob(logits, x_fake)
    gan.update_generator(-(torch.softmax(log_w, 0) * log_g).sum(0).mean())
    assert torch.equal(nb03.flat_parameters(gan), nb03.flat_parameters(twin))
    with pytest.raises(TypeError, match="DiscreteGAN"):
        nb03.flat_parameters(object())


def test_nb03_rejects_bad_shapes(one_z):
    """Check that a log w table of the wrong shape and logits that are not (d, K) raise ValueErrors naming them."""
    logits, _ = one_z
    with pytest.raises(ValueError, match="log_w must have shape"):
        nb03.per_z_target(logits, torch.zeros(4, 4))
    with pytest.raises(ValueError, match="logits must be one z"):
        nb03.score_identity(torch.zeros(5))


# --- the sweep ---------------------------------------------------------------------------------------------------------
def test_ring_score_is_the_mean_of_the_last_finite_tenth():
    """Check ring_score on a hand-made history: NaN between metric steps, the last 10 % averaged."""
    js = np.full(100, np.nan)
    js[9::10] = np.arange(10, dtype=float)          # metric every 10 steps: values 0..9
    assert sweep.ring_score(js) == 9.0              # the last 10 steps hold one finite value
    assert sweep.ring_score(js, fraction=0.5) == pytest.approx(np.mean([5, 6, 7, 8, 9]))
    assert math.isnan(sweep.ring_score(np.full(10, np.nan)))
    with pytest.raises(ValueError, match="fraction"):
        sweep.ring_score(js, fraction=0.0)


def _runs():
    rows = []
    for setup, scores in {"a": {1e-3: (0.2, 0.4), 3e-3: (0.1, 0.2)}, "b": {1e-3: (0.3, 0.3), 3e-3: (0.01, None)}}.items():
        for lr, pair in scores.items():
            rows += [{"setup": setup, "lr": lr, "seed": s, "score": v} for s, v in zip((1, 2), pair)]
    return rows


def test_best_learning_rate_is_the_lowest_mean_and_never_one_with_a_nan_stop():
    """Check the per-setup pick (lowest mean over seeds), that a rate with a NaN stop loses, and the table's marks."""
    data = {"runs": _runs()}
    assert sweep.best_learning_rates(data) == {"a": 3e-3, "b": 1e-3}
    cells = {(c["setup"], c["lr"]): c for c in sweep.sweep_cells(data["runs"])}
    assert cells["a", 3e-3]["mean"] == pytest.approx(0.15) and cells["b", 3e-3]["stopped"] == 1
    table = sweep.sweep_table(data)
    assert "0.1500*" in table and "0.3000*" in table and "(1 NaN)" in table
    with pytest.raises(ValueError, match="no learning rate"):
        sweep.best_learning_rates({"runs": [{"setup": "c", "lr": 1e-3, "seed": 1, "score": None}]})


def test_load_sweep_checks_its_file(tmp_path):
    """Check that a missing file names the command that makes it and a run without a score is refused."""
    with pytest.raises(FileNotFoundError, match="estimator_sweep.py --only ring"):
        sweep.load_sweep("ring", tmp_path / "none.json")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"runs": [{"setup": "a", "lr": 1e-3, "seed": 1}]}))
    with pytest.raises(ValueError, match="score"):
        sweep.load_sweep("ring", bad)
    with pytest.raises(ValueError, match="'ring' or 'text'"):
        sweep.load_sweep("digits")


@pytest.mark.parametrize("name", ["ring", "text"])
def test_committed_sweeps_cover_the_grid_and_pick_a_rate_for_every_setup(name):
    """Check the committed JSON: every setup × rate × seed of the grid, a finite pick for every setup."""
    data = sweep.load_sweep(name)
    setups = sweep.RING_ESTIMATORS if name == "ring" else sweep.TEXT_ESTIMATORS
    cells = {(r["setup"], r["lr"], r["seed"]) for r in data["runs"]}
    assert cells == set(product(setups, sweep.LEARNING_RATES, sweep.SWEEP_SEEDS))
    best = sweep.best_learning_rates(data)
    assert set(best) == set(setups) and all(lr in sweep.LEARNING_RATES for lr in best.values())
    assert data["meta"]["budget"]["steps"] == (sweep.RING if name == "ring" else sweep.TEXT)["steps"]


def test_sweep_setups_are_valid_trainer_options():
    """Check every setup of the sweep builds a DiscreteGAN (the keys are train_discrete options) with the intended τ."""
    data = torch.zeros(8, 2, dtype=torch.long)
    for name, kw in sweep.RING_ESTIMATORS.items():
        gan = DiscreteGAN(data, 4, seed=0, **kw)
        assert gan.options["critic_lr"] == pytest.approx(3 * gan.options["lr"])
    annealed = DiscreteGAN(data, 4, seed=0, **sweep.RING_ESTIMATORS["gumbel_annealed"])
    assert annealed.temperature() == 3.0
    annealed.steps = 1000
    assert annealed.temperature() == pytest.approx(3 * math.exp(-1.0))


# --- figures and concept checks ------------------------------------------------------------------------------------------
def test_plot_entropy_draws_each_run_and_the_references(tiny_run):
    """Check one line per run in both panels, the target and uniform levels in grey, legends outside the data."""
    result, grid = tiny_run
    curves = {"a": nb03.entropy_curves(result, num_z=8), "b": nb03.entropy_curves(result, num_z=8, seed=2)}
    fig, axes = figure("test-entropy", ncols=2, figsize=(9.8, 3.8))
    nb03_views.plot_entropy(axes, curves, 3.0, 4.0)
    assert [line.get_label() for line in axes[1].get_lines()] == ["a", "b"]
    greys = [line for line in axes[0].get_lines() if line.get_color() == style.REFERENCE]
    assert sorted(float(line.get_ydata()[0]) for line in greys) == [3.0, 4.0]
    assert all(ax.get_legend() is not None for ax in axes)


def test_plot_estimator_runs_uses_the_method_colours(tiny_run):
    """Check BGAN in its colour, the annealed Gumbel run in the Gumbel colour with its own line style, rates in labels."""
    result, _ = tiny_run
    fig, ax = figure("test-estimators", figsize=(9.4, 3.8))
    nb03_views.plot_estimator_runs(ax, {"bgan": result, "gumbel_softmax": result, "gumbel_annealed": result},
                                   lrs={"bgan": 1e-3})
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert lines["BGAN, per-z w̃ (lr 0.001)"].get_color() == style.method_color("bgan")
    fixed, annealed = lines["Gumbel-softmax ST, τ = 1"], lines["Gumbel-softmax ST, τ: 3 → annealed"]
    assert fixed.get_color() == annealed.get_color() == style.method_color("gumbel_softmax")
    assert fixed.get_linestyle() != annealed.get_linestyle() and ax.get_yscale() == "log"


@pytest.mark.parametrize("module", [nb03_views, nb06], ids=["nb03", "nb06"])
def test_concept_checks_accept_their_answer_and_reject_the_others(module):
    """Check each question says 'right' for its answer and gives an own reason for every other option."""
    for name, q in module.QUESTIONS.items():
        assert 3 <= len(q["options"]) <= 5
        quiz = module.ask(name)
        for option in range(len(quiz.options)):
            quiz.choice.value = option
            assert quiz.correct is (option == q["answer"])
            assert ("Right" in quiz.feedback.value) is (option == q["answer"])
        assert set(q["why"]) == set(range(len(q["options"]))) - {q["answer"]}
    with pytest.raises(ValueError, match="name must be one of"):
        module.ask("nope")


def test_best_string_check_has_the_largest_weight_as_its_answer():
    """Check the predict-then-run question: shuffled options, the answer is the max w~, wrong picks tell their w~."""
    rows = [("the cat is here", 2.0, 0.6), ("xqz q qzx", -1.0, 0.05), ("in the file", 1.0, 0.3), ("a  b", -2.0, 0.05)]
    quiz = nb06.best_string_check(rows, shuffle_seed=0)
    assert sorted(quiz.options) == sorted(f"|{t}|" for t, _, _ in rows)
    assert quiz.options[quiz.answer] == "|the cat is here|"
    wrong = next(i for i in range(len(rows)) if i != quiz.answer)
    quiz.choice.value = wrong
    assert quiz.correct is False and "w̃ = " in quiz.feedback.value
    quiz.choice.value = quiz.answer
    assert quiz.correct is True and "0.600" in quiz.feedback.value
    with pytest.raises(ValueError, match="rows must be"):
        nb06.best_string_check([("a", 1.0, 1.0)])


# --- notebook 06 pieces ---------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def corpus():
    return load_corpus(length=16, seed=0)


def test_final_point_scores_the_samples_text_snapshot_fn_scores(corpus):
    """Check final_point = text_metrics + diversity_metrics of sample_sequences(generator, n, seed 1)."""
    gen = SequenceGenerator(16, corpus.num_categories, seed=0)
    point = nb06.final_point(gen, corpus, n=50)
    x = sample_sequences(gen, 50, 1)
    assert point == {**text_metrics(x, corpus), **diversity_metrics(x, corpus.num_categories)}
    real = nb06.real_text_point(corpus, n=50)
    assert real["bigram_js"] < point["bigram_js"] and real["word_share"] > 0.9


def test_exercise_references_of_notebook_06(corpus):
    """Check the worked answers of distinct-2 (11 of 18 pairs) and of the tempered distribution."""
    codes = torch.stack([corpus.encode(s) for s in ["the cat", "the hat", "a cat. "]])
    assert distinct_n(codes, corpus.num_categories, 2) == pytest.approx(11 / 18)
    log_p = torch.log(torch.tensor([0.7, 0.2, 0.1, 0.0], dtype=F64))
    expected = torch.log(torch.tensor([0.49, 0.04, 0.01, 0.0], dtype=F64) / 0.54)
    torch.testing.assert_close(temper(log_p, 0.5), expected)
    torch.testing.assert_close(torch.log_softmax(log_p / 0.5, -1), expected)


def test_plot_quality_diversity_draws_curves_points_and_real_text():
    """Check one line per curve and per point in each panel, word share in percent, the legend outside."""
    rows = [{"temperature": t, "word_share": 0.1 * t, "bigram_js": 0.05 / t, "distinct_4": 0.2 * t} for t in (0.5, 1.0, 2.0)]
    point = {"word_share": 0.1, "bigram_js": 0.06, "distinct_4": 0.3}
    fig, axes = figure("test-qd", ncols=2, figsize=(9.8, 4.0))
    nb06.plot_quality_diversity(axes, {"order 2": rows}, {"BGAN": point, "REINFORCE": point}, point)
    for ax in axes:
        labels = [line.get_label() for line in ax.get_lines()]
        assert labels == ["order 2", "BGAN", "REINFORCE", "real text (training windows)"]
    assert axes[0].get_lines()[1].get_color() == style.method_color("bgan")
    assert "%" in axes[0].xaxis.get_major_formatter()(0.1, 0)
    with pytest.raises(ValueError, match="quality must name"):
        nb06.plot_quality_diversity(axes[:1], {}, {})


# --- facts the notebooks used to check in learner cells ---------------------------------------------------------------------
def test_ring_target_and_its_training_sample():
    """Check the 32×32 target sums to 1 and the 20 000-sample histogram is within 0.01 of it on every cell."""
    grid = ring_grid(32)
    p = grid.probs()
    data = grid.sample(20_000, torch.Generator().manual_seed(0))
    counts = torch.zeros(32, 32, dtype=F64).index_put_((data[:, 0], data[:, 1]), torch.ones(len(data), dtype=F64),
                                                      accumulate=True)
    assert float(p.sum()) == pytest.approx(1.0, abs=1e-12)
    assert float((counts / len(data) - p).abs().max()) < 0.01


def test_reference_levels_agree_with_scipy():
    """Check the exact JS of each imperfect model against scipy's Jensen-Shannon distance squared."""
    grid = ring_grid(32)
    p = grid.probs()
    for variant in reference_variants(grid).values():
        expected = jensenshannon(p.flatten().numpy(), variant.probs().flatten().numpy()) ** 2
        assert exact_js(p, variant.probs()) == pytest.approx(expected, rel=1e-6)


def test_m1_run_has_unit_ess_and_snapshots_hold_fresh_tables(tiny_run):
    """Check M = 1 gives ESS exactly 1 every step, and a snapshot's q equals a fresh model_table of its generator."""
    result, grid = tiny_run
    data = grid.sample(300, torch.Generator().manual_seed(1))
    m1 = train_discrete(data, 8, steps=5, samples_per_z=1, batch_size=8, seed=0, progress=False)
    assert np.array_equal(m1.history["ess"], np.ones(5))
    last = result.snapshots[-1].extras["q"]
    np.testing.assert_allclose(last, model_table(result.generator, num_z=result.config["metric_num_z"]).numpy())
    assert isinstance(CategoricalGenerator(2, 8), torch.nn.Module)


def test_js_and_gan_ring_runs_are_the_same_run():
    """Check that on the ring, with a penalty, JS and GAN give the same generator updates and exact-JS curve, their
    critic losses differing by log 4 (notebook 03 §6d trains the GAN run and shows it for both)."""
    grid = ring_grid(8)
    data = grid.sample(500, torch.Generator().manual_seed(0))
    kw = dict(steps=12, samples_per_z=3, batch_size=8, seed=0, target=grid.probs(), penalty=0.1, snapshot_every=6,
              progress=False, metric_num_z=64, metric_every=2)
    gan, js = train_discrete(data, 8, divergence="gan", **kw), train_discrete(data, 8, divergence="js", **kw)
    assert np.array_equal(gan.history["loss_g"], js.history["loss_g"])
    assert np.array_equal(gan.history["js"], js.history["js"], equal_nan=True)
    np.testing.assert_allclose(gan.history["loss_d"] - js.history["loss_d"], math.log(4), rtol=0, atol=1e-5)
    assert all(torch.equal(a, b) for a, b in zip(gan.generator.parameters(), js.generator.parameters()))


def test_first_steps_of_a_long_run_is_the_short_run():
    """Check that the first 12 steps of a 30-step ring run have the 12-step run's history (every quantity but the
    wall-clock seconds) and js_summary, as notebook 03 §6a/§6b use; a longer request than the run is refused."""
    grid = ring_grid(8)
    data = grid.sample(500, torch.Generator().manual_seed(0))
    kw = dict(samples_per_z=3, batch_size=8, seed=0, target=grid.probs(), progress=False, metric_num_z=64,
              metric_every=4)
    long, short = train_discrete(data, 8, steps=30, **kw), train_discrete(data, 8, steps=12, **kw)
    head = nb03.first_steps(long, 12)
    assert head.history.keys() == short.history.keys() and head.stopped is None
    for key in set(short.history.keys()) - {"seconds"}:
        assert np.array_equal(head.history[key], short.history[key], equal_nan=True), key
    from bgan_teach.metrics import js_summary
    assert js_summary({"a": head}) == js_summary({"a": short})
    with pytest.raises(ValueError, match="at most"):
        nb03.first_steps(short, 13)
    with pytest.raises(ValueError, match="recorded its metrics"):
        nb03.first_steps(long, 13)                 # metric_every=4: step 13 has no JS, a 13-step run would
