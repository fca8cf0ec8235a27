"""Notebook 05's lesson pieces: concept checks, the small helpers, the stability-grid summary and its figures."""
from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from scipy import integrate, stats  # noqa: E402

from bgan_teach.data import ring  # noqa: E402
from bgan_teach.lessons import nb05  # noqa: E402
from bgan_teach.metrics.modes import (high_quality_fraction, mode_balance_kl, modes_covered,  # noqa: E402
                                      nearest_mode)
from bgan_teach.metrics.stability import heat_table, load_stability, passes_bar, stability_cells  # noqa: E402
from bgan_teach.plotting.continuous_study import plot_alternating_1d, plot_stability_grid  # noqa: E402
from bgan_teach.training import ContinuousGAN  # noqa: E402
from bgan_teach.training.fixed_critic import generator_loss_gradient  # noqa: E402
from scripts import load_script  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def _bench():
    return load_script("benchmarks/stability.py", "stability_bench")


# --- concept checks -------------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(nb05.QUESTIONS))
def test_concept_check_right_answer_says_right(name):
    """Check that each question builds and that picking its answer marks it correct, a wrong pick gives a reason."""
    quiz = nb05.ask(name)
    quiz.choice.value = nb05.QUESTIONS[name]["answer"]
    assert quiz.correct is True and "Right" in quiz.feedback.value
    wrong = next(i for i in range(len(quiz.options)) if i != quiz.answer)
    quiz.choice.value = wrong
    assert quiz.correct is False and quiz.feedback.value


def test_ask_rejects_an_unknown_name():
    """Check that an unknown question name raises a ValueError that lists the names."""
    with pytest.raises(ValueError, match="arrow_direction"):
        nb05.ask("nope")


def test_arrow_direction_numbers():
    """Check the numbers the arrow question quotes: -dl/dx at x = 2 is -1.28 (BGAN) and +0.1344 (non-saturating)."""
    x = torch.tensor([[2.0]], dtype=torch.float64)
    critic = nb05.linear_critic([0.8])
    assert -generator_loss_gradient(critic, x, "gan", "boundary_seeking")[0, 0] == pytest.approx(-1.28)
    assert -generator_loss_gradient(critic, x, "gan", "non_saturating")[0, 0] == pytest.approx(0.8 / (1 + math.exp(1.6)))
    assert 0.8 / (1 + math.exp(1.6)) == pytest.approx(0.1344, abs=5e-5)


def test_coverage_rules_question_numbers():
    """Check the coverage question: 2360 + 7 x 20 high-quality samples score 8 and 1 modes, balance KL 1.75 nats."""
    target = ring()
    counts = [2360] + [20] * 7
    x = torch.cat([target.modes[k].expand(n, 2) for k, n in enumerate(counts)])      # every sample on its mode
    assert len(x) == 2500 and high_quality_fraction(x, target) == 1.0
    assert modes_covered(x, target, rule="one_sample") == 8 and modes_covered(x, target) == 1
    h = np.array(counts) / 2500
    assert mode_balance_kl(x, target) == pytest.approx(float((h * np.log(8 * h)).sum()))
    assert mode_balance_kl(x, target) == pytest.approx(1.75, abs=0.005)


# --- helpers --------------------------------------------------------------------------------------
def test_linear_critic_matches_autograd_and_the_closed_form():
    """Check V(x) = a.x + b and that the BGAN gradient of ½V² in x is V a (the exercise's reference)."""
    a = torch.tensor([0.8, -0.6], dtype=torch.float64)
    critic = nb05.linear_critic(a, 0.5)
    x = torch.tensor([[2.0, -1.0], [0.1, 0.3]], dtype=torch.float64)
    v = critic(x)
    assert torch.allclose(v, torch.tensor([2.7, 0.4], dtype=torch.float64))
    grad = generator_loss_gradient(critic, x, "gan", "boundary_seeking")
    assert torch.allclose(grad, v[:, None] * a)
    assert critic(x.float()).dtype == torch.float32
    with pytest.raises(ValueError, match="a must be a vector"):
        nb05.linear_critic([[1.0, 2.0]])


def test_two_modes_data_and_density():
    """Check the 1-D data (shape, equal halves, seeded) and that the density integrates to 1 and matches scipy."""
    x = nb05.two_modes_1d(4000, seed=3)
    assert x.shape == (4000, 1) and x.dtype == torch.float32
    assert torch.equal(x, nb05.two_modes_1d(4000, seed=3)) and not torch.equal(x, nb05.two_modes_1d(4000, seed=4))
    assert (x[:2000] < 0).float().mean() > 0.99 and (x[2000:] > 0).float().mean() > 0.99
    assert float(x[:2000].mean()) == pytest.approx(-1.5, abs=0.03) and float(x[2000:].std()) == pytest.approx(0.25, rel=0.05)
    grid = np.linspace(-4, 4, 801)
    p = nb05.two_modes_density(grid).numpy()
    ref = 0.5 * stats.norm.pdf(grid, -1.5, 0.25) + 0.5 * stats.norm.pdf(grid, 1.5, 0.25)
    assert np.allclose(p, ref, rtol=1e-12, atol=1e-300)
    assert integrate.trapezoid(p, grid) == pytest.approx(1.0, abs=1e-6)
    with pytest.raises(ValueError, match="sigma"):
        nb05.two_modes_density(grid, sigma=0.0)


def test_share_near_modes_by_hand():
    """Check the within-3σ share on hand-placed points (3σ = 0.75 around ±1.5)."""
    x = torch.tensor([-1.5, -0.76, -0.74, 0.0, 2.2, 2.3])
    assert nb05.share_near_modes(x) == pytest.approx(3 / 6)       # -1.5, -0.76 (0.74 away), 2.2 (0.70 away)
    with pytest.raises(ValueError, match="at least one"):
        nb05.share_near_modes(torch.tensor([]))


def test_critic_on_grid_stores_the_critics_values():
    """Check that the snapshot function stores V on the grid, equal to calling the critic."""
    gan = ContinuousGAN(nb05.two_modes_1d(200), seed=0, batch_size=32, hidden=16, components=4)
    grid = torch.linspace(-3, 3, 7)[:, None]
    out = nb05.critic_on_grid(grid)(gan)["v"]
    with torch.no_grad():
        assert np.allclose(out, gan.critic(grid).double().numpy())
    with pytest.raises(ValueError, match="x_grid"):
        nb05.critic_on_grid(torch.zeros(5))


def test_small_ring_sample_counts():
    """Check the hand-count exercise: 9 of 12 high quality, 3 modes with >= 1 sample, 2 with >= 10 %."""
    target, x = ring(), nb05.small_ring_sample()
    k, d = nearest_mode(x, target.modes)
    assert x.shape == (12, 2)
    assert int((d <= 3 * target.sigma).sum()) == 9 and high_quality_fraction(x, target) == 0.75
    assert sorted(set(k[d <= 3 * target.sigma].tolist())) == [0, 2, 4]
    assert modes_covered(x, target, rule="one_sample") == 3 and modes_covered(x, target, threshold=0.1) == 2


# --- stability grid -------------------------------------------------------------------------------
def _run(loss="boundary_seeking", gen="components", lr=1e-4, k=1, seed=0, modes=8, hq=0.9, one=8, kl=0.1, stopped=None):
    return {"loss": loss, "generator": gen, "lr": lr, "critic_steps": k, "seed": seed, "modes_covered": modes,
            "modes_covered_one_sample": one, "n_modes": 8, "high_quality": hq, "mode_balance_kl": kl, "stopped": stopped}


def test_stability_cells_by_hand():
    """Check cell means, the bar count and the stop count against numbers worked out by hand."""
    runs = [_run(seed=0, modes=8, hq=0.9), _run(seed=1, modes=7, hq=0.95, one=8), _run(seed=2, modes=8, hq=0.7, kl=float("nan")),
            _run(loss="minimax", seed=0, modes=3, hq=0.2, one=5, stopped="NaN at step 5")]
    cells = stability_cells(runs)
    assert [(c["loss"], c["seeds"]) for c in cells] == [("boundary_seeking", 3), ("minimax", 1)]
    c = cells[0]
    assert c["mean_modes"] == pytest.approx(23 / 3) and c["min_modes"] == 7 and c["mean_modes_one_sample"] == 8
    assert c["mean_high_quality"] == pytest.approx(0.85) and c["mean_balance_kl"] == pytest.approx(0.1)
    assert c["passed"] == 1 and c["stopped"] == 0 and cells[1]["stopped"] == 1
    assert passes_bar(_run(modes=8, hq=0.8)) and not passes_bar(_run(modes=8, hq=0.79)) and not passes_bar(_run(modes=7))
    with pytest.raises(ValueError, match="lacks the keys"):
        stability_cells([{"loss": "minimax"}])
    with pytest.raises(ValueError, match="non-empty"):
        stability_cells([])


def test_heat_table_layout():
    """Check the markdown heat table: one row per loss x generator, one column per lr x critic steps."""
    runs = [_run(gen=g, lr=lr, k=k) for g in ("gaussian only", "components") for lr in (1e-4, 1e-2) for k in (1, 5)]
    text = heat_table(stability_cells(runs))
    lines = text.splitlines()
    assert len(lines) == 4 and "lr 1e-4, 1 critic step |" in lines[0] and "lr 1e-2, 5 critic steps" in lines[0]
    assert lines[2].startswith("| boundary_seeking | gaussian only | 8.0 · 90 % · 1/1")
    assert "8.0" in heat_table(stability_cells(runs), rule="one_sample")
    with pytest.raises(ValueError, match="rule"):
        heat_table(stability_cells(runs), rule="half")


def test_load_stability_errors(tmp_path):
    """Check that a missing results file names the command that makes it, and a malformed one is refused."""
    with pytest.raises(FileNotFoundError, match="benchmarks/stability.py"):
        load_stability(tmp_path / "none.json")
    (tmp_path / "bad.json").write_text("[1, 2]")
    with pytest.raises(ValueError, match="runs"):
        load_stability(tmp_path / "bad.json")


def test_benchmark_grid_is_the_108_runs():
    """Check that the benchmark's grid is 3 losses x 2 generators x 3 lrs x 2 critic steps x 3 seeds, each once."""
    bench = _bench()
    cells = bench.grid(bench.SEEDS)
    keys = {(c["loss"], c["generator"], c["lr"], c["critic_steps"], c["seed"]) for c in cells}
    assert len(cells) == len(keys) == 108
    assert {c["components"] for c in cells} == {0, 128}


@pytest.mark.skipif(not (ROOT / "benchmarks" / "results" / "stability.json").exists(), reason="no committed results")
def test_committed_results_cover_the_grid():
    """Check that the committed stability results hold every run of the grid once, judged on 2500 samples."""
    bench, data = _bench(), load_stability()
    expected = {(c["loss"], c["generator"], c["lr"], c["critic_steps"], c["seed"]) for c in bench.grid(bench.SEEDS)}
    got = [(r["loss"], r["generator"], r["lr"], r["critic_steps"], r["seed"]) for r in data["runs"]]
    assert len(got) == len(set(got)) and set(got) == expected
    assert data["meta"]["n_judged"] == 2500 and not data["meta"]["quick"]
    assert all(0 <= r["modes_covered"] <= r["modes_covered_one_sample"] <= 8 for r in data["runs"])


# --- figures --------------------------------------------------------------------------------------
def test_plot_stability_grid_draws_every_cell_with_a_colorbar():
    """Check one text per cell, colour = share of seeds passing the bar, and a labelled colorbar."""
    runs = [_run(gen=g, lr=lr, k=k, modes=8 if lr < 1e-3 else 2) for g in ("gaussian only", "components")
            for lr in (1e-4, 1e-2) for k in (1, 5)]
    fig, ax = plt.subplots(figsize=(8, 4))
    image = plot_stability_grid(ax, stability_cells(runs))
    texts = [t.get_text() for t in ax.texts]
    assert len(texts) == 8 and all("modes" in t and "HQ" in t for t in texts)
    assert np.array_equal(image.get_array(), np.array([[1, 1, 0, 0], [1, 1, 0, 0]]))   # only lr 1e-4 passes
    assert len(fig.axes) == 2 and "ring bar" in fig.axes[1].get_ylabel()
    plt.close(fig)


def test_plot_alternating_1d_one_panel_per_loss():
    """Check one panel per loss with a shared density scale, and an error when axes are missing."""
    x = torch.linspace(-4, 4, 81)
    runs = {name: {"v": -x.abs() + 1, "samples": torch.randn(200) + shift}
            for name, shift in (("boundary_seeking", 0.0), ("minimax", 2.0))}
    fig, axes = plt.subplots(1, 2)
    twins = plot_alternating_1d(axes, x, nb05.two_modes_density(x), runs)
    assert len(twins) == 2 and twins[0].get_ylim() == twins[1].get_ylim()
    assert axes[0].get_title() == "BGAN (boundary-seeking)"
    with pytest.raises(ValueError, match="one axes per loss"):
        plot_alternating_1d(axes[:1], x, nb05.two_modes_density(x), runs)
    plt.close(fig)


@pytest.mark.skipif(not (ROOT / "benchmarks" / "results" / "stability.json").exists(), reason="no committed results")
def test_stability_numbers_quoted_in_the_lesson_match_the_results():
    """Check the pass counts that the stability question and notebook 05 §7 quote against the committed grid."""
    runs = load_stability()["runs"]

    def passing(**where) -> int:
        return sum(passes_bar(r) for r in runs if all(r[k] == v for k, v in where.items()))

    assert passing(generator="components") == 44 and passing(generator="gaussian only") == 8
    assert [passing(loss=k) for k in ("non_saturating", "boundary_seeking", "minimax")] == [24, 16, 12]
    assert passing(critic_steps=1) == passing(critic_steps=5) == 26
    assert [passing(lr=lr) for lr in (1e-4, 1e-3, 1e-2)] == [12, 19, 21]
    table = {(loss, gen): passing(loss=loss, generator=gen) for loss in ("boundary_seeking", "non_saturating", "minimax")
             for gen in ("gaussian only", "components")}
    assert table == {("boundary_seeking", "gaussian only"): 0, ("boundary_seeking", "components"): 16,
                     ("non_saturating", "gaussian only"): 7, ("non_saturating", "components"): 17,
                     ("minimax", "gaussian only"): 1, ("minimax", "components"): 11}
    green = {(c["loss"], c["generator"]): 0 for c in stability_cells(runs)}
    for c in stability_cells(runs):
        green[(c["loss"], c["generator"])] += c["passed"] == c["seeds"]
    assert list(green.values()) == [0, 4, 2, 5, 0, 3]
