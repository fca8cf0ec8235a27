r"""Notebook 04 (discrete BGAN on real digits): the small pieces its lesson needs, and the concept checks.

- :func:`critic_log_weights`: $M$ samples for each of $B$ noise vectors from a trained digits run, with the
  critic's $\log w$ (GAN case: $\log w = V$) and the generator's $\log g_\theta(x\mid z)$, both (M, B);
- :func:`study_value`: one number of :func:`~bgan_teach.training.estimator_study.estimator_study`'s rows;
- :func:`plot_estimator_study`: bias, variance, cosines and signal-to-noise against $M$, one line per
  estimator in the visual standard's method colours;
- :func:`plot_bound_and_scores`: the critic's bound estimate next to the classifier's scores over training,
  the picture behind "a lower bound estimate is not a better model";
- :func:`fresh_critic_bounds` and :func:`plot_fresh_critic`: one frozen generator judged by a new critic trained
  against it for more and more steps: the bound estimate is as much about the critic as about the generator;
- :data:`QUESTIONS` and :func:`ask`: the notebook's concept checks (tested in ``tests/test_lessons_04.py``).
"""
from __future__ import annotations

import copy
import math

import numpy as np
import torch
from matplotlib.ticker import NullLocator

from .._checks import integer, non_negative_float, positive_float, positive_int
from ..config import make_generator
from ..divergences import get
from ..metrics.digits import digit_data
from ..models.categorical import categorical_log_prob, one_hot, sample_categorical
from ..training.discrete import DiscreteGAN, sample_from
from ..plotting import style
from ..widgets.quiz import asker

__all__ = ["critic_log_weights", "study_value", "study_label", "STUDY_ORDER", "STUDY_METRICS", "plot_estimator_study",
           "plot_bound_and_scores", "gan_bound", "fresh_critic_bounds", "plot_fresh_critic", "QUESTIONS", "ask"]


@torch.no_grad()
def critic_log_weights(result, m: int = 20, batch: int = 8, seed: int | torch.Generator = 0) -> dict:
    r"""``m`` samples for each of ``batch`` noise vectors of a trained run, with their weights and likelihoods.

    ``result``: a :class:`~bgan_teach.training.common.TrainResult` of a discrete run with the GAN divergence
    (e.g. :func:`~bgan_teach.training.digits_recipe.train_digits`). Returns ``x`` (M, B, d) samples,
    ``log_w`` (M, B) $= V_\phi(x)$ (the GAN case, `docs/math.md` §3.3) and ``log_g`` (M, B)
    $= \log g_\theta(x\mid z) = \sum_{\text{positions}} \log\mathrm{softmax}(\ell)_{x}$, all float64 and detached.
    """
    m, batch = positive_int(m, "m"), positive_int(batch, "batch")
    if result.config.get("divergence", "gan") != "gan":
        raise ValueError(f"result must be a run with the GAN divergence (log w = V); got {result.config['divergence']!r}")
    gen = make_generator(seed)
    generator, critic = result.generator, result.critic
    k = generator.num_categories
    logits = generator(generator.noise(batch, gen))                                 # (B, d, K)
    x = sample_categorical(logits, m, gen)                                          # (M, B, d)
    v = critic(one_hot(x.flatten(0, 1), k)).view(m, batch)                          # (M, B)
    log_g = categorical_log_prob(logits, x)                                         # (M, B)
    return {"x": x, "log_w": v.double(), "log_g": log_g.double()}


def study_value(rows: list[dict], estimator: str, m: int, key: str) -> float:
    """The value of column ``key`` in the row of ``estimator`` at ``M = m`` (rows of ``estimator_study``)."""
    for row in rows:
        if row["estimator"] == estimator and row["m"] == m:
            if key not in row:
                raise ValueError(f"key must be one of {sorted(row)}; got {key!r}")
            return float(row[key])
    pairs = sorted({(r["estimator"], r["m"]) for r in rows})
    raise ValueError(f"no row for estimator {estimator!r} at m = {m}; rows hold {pairs}")


def study_label(estimator: str, tau: float = math.nan) -> tuple[str, dict]:
    """The legend label and ``plot`` keywords of one estimator of the study (Gumbel variants by τ)."""
    if estimator.startswith("gumbel_st"):
        kw = style.method_style("gumbel_softmax")
        annealed = estimator.startswith("gumbel_st_annealed")
        ls = {True: ":" if tau > 1.5 else "-.", False: "-"}[annealed]
        marker = {True: "x" if tau > 1.5 else "*", False: "P"}[annealed]
        when = (" (annealed: start)" if tau > 1.5 else " (annealed: floor)") if annealed else " (fixed)"
        return f"Gumbel-ST, τ = {tau:g}{when}", {**kw, "ls": ls, "marker": marker}
    labels = {"bgan": "BGAN, per-z w̃", "bgan_global": "BGAN, global w̃", "reinforce": "REINFORCE (EMA baseline)",
              "reinforce_loo": "REINFORCE, leave-one-out"}
    if estimator not in labels:
        raise ValueError(f"estimator must be a label of estimator_study's rows; got {estimator!r}")
    return labels[estimator], style.method_style(estimator)


STUDY_ORDER = ("bgan", "bgan_global", "reinforce", "reinforce_loo", "gumbel_st", "gumbel_st_annealed@0",
               "gumbel_st_annealed@2000")     # legend order: the score-function estimators, then Gumbel by τ
STUDY_METRICS = {   # column → (panel title, y label, log y)
    "bias_own": ("bias against its own target", "‖mean − own target‖", True),
    "variance": ("variance of one minibatch gradient", "tr Cov", True),
    "cosine": ("direction of the mean gradient", "cos(mean, ∇KL(P‖Q))", False),
    "cosine_draw": ("direction of one minibatch gradient", "mean cos(draw, ∇KL(P‖Q))", False),
    "snr": ("signal-to-noise ratio", "‖mean‖² / tr Cov", True),
}


def plot_estimator_study(axes, rows: list[dict], metrics=("bias_own", "variance", "cosine", "cosine_draw", "snr"),
                         legend_ax=None):
    r"""One panel per column of ``estimator_study`` rows against $M$ (log axis), one line per estimator.

    In the bias panel a hollow marker means the bias is within twice the noise floor
    $\sqrt{\mathrm{tr\,Cov}/R}$: not distinguishable from zero with these draws. ``legend_ax``: an axes
    to hold the legend alone (turned off), else the legend goes right of the last panel.
    """
    axes = list(np.ravel(axes))
    if not isinstance(rows, list) or not rows or not all(isinstance(r, dict) and "estimator" in r for r in rows):
        raise ValueError(f"rows must be a non-empty list of estimator_study rows; got {type(rows).__name__}")
    if len(axes) < len(metrics) or not all(k in STUDY_METRICS for k in metrics):
        raise ValueError(f"metrics must be names in {list(STUDY_METRICS)}, at most one per axes; got {metrics!r} "
                         f"for {len(axes)} axes")
    present = list(dict.fromkeys(r["estimator"] for r in rows))
    names = [n for n in STUDY_ORDER if n in present] + [n for n in present if n not in STUDY_ORDER]
    handles = []
    for name in names:
        mine = sorted((r for r in rows if r["estimator"] == name), key=lambda r: r["m"])
        label, kw = study_label(name, mine[0]["tau"])
        kw = {**kw, "markevery": None, "ms": 5}
        ms = [r["m"] for r in mine]
        for ax, key in zip(axes, metrics):
            values = [r[key] for r in mine]
            (line,) = ax.plot(ms, values, label=label, **kw)
            if key == "bias_own":
                noise = [r["bias_own"] <= 2 * r["noise_floor"] for r in mine]
                ax.plot([m for m, n in zip(ms, noise) if n], [v for v, n in zip(values, noise) if n], ls="none",
                        marker=kw["marker"], ms=7, mfc="white", mec=kw["color"], zorder=3)
        handles.append(line)
    for ax, key in zip(axes, metrics):
        title, ylabel, log_y = STUDY_METRICS[key]
        ax.set_xscale("log")
        if log_y:
            ax.set_yscale("log")
        else:
            ax.set_ylim(min(-0.05, ax.get_ylim()[0]), 1.05)
            ax.axhline(0.0, color=style.REFERENCE, lw=0.8)
        ms = sorted({r["m"] for r in rows})
        ax.set_xticks(ms, [str(m) for m in ms])
        ax.xaxis.set_minor_locator(NullLocator())
        ax.set(title=title, xlabel="samples per z, M", ylabel=ylabel)
    for ax in axes[len(metrics):]:
        ax.set_axis_off()
    if legend_ax is not None:
        legend_ax.set_axis_off()
        legend_ax.legend(handles=handles, loc="center", fontsize=style.FONT["legend"], frameon=False)
    else:
        style.legend(axes[len(metrics) - 1], "right", handles=handles)
    return axes


def plot_bound_and_scores(axes, curves: dict, level: float = -math.log(4)):
    r"""Critic's bound estimate, classes covered and mean confidence over training, one line per run.

    ``curves``: run name → :func:`~bgan_teach.training.digits_recipe.score_curves` output; ``level``: the
    bound's value where the critic judges $p = q$ (GAN: $-\log 4$). Three axes; one legend under the figure.
    """
    ax_bound, ax_classes, ax_conf = list(np.ravel(axes))[:3]
    handles = []
    for i, (name, c) in enumerate(curves.items()):
        kw = dict(color=style.GENERIC[i % len(style.GENERIC)], marker="os^D"[i % 4], ms=4, lw=1.6, label=f"{name} run")
        handles += ax_bound.plot(c["step"], c["bound"], **kw)
        ax_classes.plot(c["step"], c["classes_covered"], **kw)
        ax_conf.plot(c["step"], c["confidence"], **kw)
    handles += [style.reference_line(ax_bound, level, f"{level:.3f}: the critic judges p = q (left)", 1),
                style.reference_line(ax_classes, 10, "all 10 classes (middle)", 2),
                style.reference_line(ax_conf, 0.8, "confidence bar 0.8 (right)", 0)]
    ax_bound.set(title="critic's estimate of 2·JSD − log 4", ylabel="bound estimate")
    ax_classes.set(title="classes ≥ 5 % (classifier)", ylabel="classes", ylim=(0, 10.5))
    ax_conf.set(title="mean confidence (classifier)", ylabel="confidence", ylim=(0.4, 1.0))
    style.integer_axis(ax_classes.yaxis)
    for ax in (ax_bound, ax_classes, ax_conf):
        ax.set_xlabel("step")
        style.integer_axis(ax.xaxis, nbins=4)
    ax_bound.figure.legend(handles=handles, loc="outside lower center", ncol=3, fontsize=style.FONT["legend"])
    return ax_bound, ax_classes, ax_conf


@torch.no_grad()
def gan_bound(critic, samples: torch.Tensor, num_categories: int) -> float:
    r"""The critic's GAN bound $\mathbb E_P[-\mathrm{softplus}(-V)] - \mathbb E_Q[\mathrm{softplus}(V)]$ on all real
    digits (``digit_data(K)``) against ``samples`` (N, 64): its estimate of $2\,\mathrm{JSD} - \log 4$."""
    v_real = critic(one_hot(digit_data(num_categories), num_categories))            # (1797,)
    v_fake = critic(one_hot(samples, num_categories))                               # (N,)
    return float(get("gan").bound(v_real, v_fake))


def fresh_critic_bounds(generator, checkpoints=(0, 30, 100, 300), penalty: float = 0.0, critic_lr: float = 3e-3,
                        hidden: int = 128, seed: int = 0, num_samples: int = 1000) -> dict[int, float]:
    r"""A new critic trained against a **frozen** digits ``generator``: its bound estimate after each checkpoint.

    ``generator``: a trained generator (e.g. ``result.generator`` of
    :func:`~bgan_teach.training.digits_recipe.train_digits`); it is copied and never changes.
    The critic is an MLP of ``hidden`` units trained with the GAN loss (Adam ``critic_lr``, optional gradient
    ``penalty``) on fresh minibatches of real digits and $M\cdot B$ = 20·64 samples per step
    (:meth:`~bgan_teach.training.discrete.DiscreteGAN.critic_step`). The bound
    (:func:`gan_bound`) is taken on ``num_samples`` samples drawn once (seed 1234, as the recipe's snapshots).
    Returns checkpoint step → bound estimate.
    """
    points = sorted({integer(c, "checkpoints entry", 0) for c in checkpoints})
    if not points:
        raise ValueError(f"checkpoints must hold at least one step count >= 0; got {checkpoints!r}")
    penalty, critic_lr = non_negative_float(penalty, "penalty"), positive_float(critic_lr, "critic_lr")
    k = generator.num_categories
    generator = copy.deepcopy(generator).requires_grad_(False)                      # frozen
    gan = DiscreteGAN(digit_data(k), k, "gan", seed=seed, generator=generator, hidden=positive_int(hidden, "hidden"),
                      critic_lr=critic_lr, penalty=penalty, samples_per_z=20, batch_size=64, lr=1e-3)
    samples = sample_from(generator, positive_int(num_samples, "num_samples"), 1234)   # (N, 64)
    out, done = {}, 0
    for point in points:
        for _ in range(point - done):
            gan.critic_step()
        done, out[point] = point, gan_bound(gan.critic, samples, k)
    return out


def plot_fresh_critic(ax, curves: dict, own: dict, level: float = -math.log(4)):
    r"""Bound estimate against the fresh critic's training steps, one line per generator (run name → checkpoint →
    bound), each run's own critic as a dotted level in its colour (``own``: run name → bound)."""
    for i, (name, c) in enumerate(curves.items()):
        color = style.GENERIC[i % len(style.GENERIC)]
        steps = list(c)
        ax.plot(steps, list(c.values()), marker="os^D"[i % 4], ms=5, lw=1.6, color=color,
                label=f"{name} generator, new critic")
        if name in own:
            ax.axhline(own[name], color=color, ls=":", lw=1.6, label=f"{name}: its own critic at the end")
    style.reference_line(ax, level, f"{level:.3f}: the critic judges p = q", 1)
    ax.set_xticks(sorted({s for c in curves.values() for s in c}))
    ax.set(xlabel="steps of the new critic (generator frozen)", ylabel="bound estimate",
           title="the same samples, judged by a new critic")
    style.legend(ax, "right")
    return ax


QUESTIONS: dict[str, dict] = {
    "predict_m1": dict(
        question="Predict first. The critic is fixed and optimal, $M = 1$ sample per $z$, $B = 8$ noise codes per "
                 "minibatch. Whose single-minibatch gradient points most nearly along the maximum-likelihood "
                 "direction $\\nabla_\\theta\\mathrm{KL}(P\\,\\|\\,Q_\\theta)$ (highest mean per-draw cosine)?",
        options=["BGAN with per-z weights", "BGAN with global weights", "REINFORCE (EMA baseline)",
                 "Gumbel-softmax straight-through"],
        answer=3,
        explanation="At $M = 1$ the score-function estimators see one sample per $z$: per-z BGAN has "
                    "$\\tilde w \\equiv 1$ and its expected gradient is exactly zero; global BGAN and REINFORCE "
                    "are noisy, because one sample's $\\nabla\\log g$ says little. Gumbel-ST differentiates the "
                    "critic through a relaxed sample, so each draw carries the critic's slope: the smallest "
                    "variance by far. Its bias (it follows a different objective) does not matter yet, because "
                    "the others' noise is larger.",
        why={0: "With one sample, $\\tilde w = 1$ whatever the critic says: its expectation is "
                "$\\mathbb E[\\nabla\\log g] = 0$, pure noise.",
             1: "Global weights do carry the critic's signal at $M = 1$, but a score-function gradient from eight "
                "samples is very noisy.",
             2: "REINFORCE is unbiased for its own target at every $M$, but at $M = 1$ its variance is large."}),
    "predict_m100": dict(
        question="Predict first. Same study, now $M = 100$ samples per $z$. Whose single-minibatch gradient points "
                 "most nearly along $\\nabla_\\theta\\mathrm{KL}(P\\,\\|\\,Q_\\theta)$?",
        options=["BGAN with global weights", "REINFORCE, leave-one-out", "Gumbel-softmax straight-through",
                 "all about the same"],
        answer=0,
        explanation="As $M$ grows every estimator's noise shrinks, and what is left is the gap between the "
                    "estimator's own target and the maximum-likelihood gradient. With the optimal critic "
                    "($w = p/q$) the globally normalised weights target $\\tilde p = p$ itself, so global BGAN "
                    "converges to $\\nabla\\mathrm{KL}(P\\,\\|\\,Q_\\theta)$. REINFORCE follows the reverse KL "
                    "(a different direction, cosine about 0.85), Gumbel-ST a relaxed non-saturating objective "
                    "whose bias does not shrink with $M$, and per-z BGAN a target that discards $\\alpha(z)$ "
                    "(close, but not equal).",
        why={1: "Leave-one-out is an excellent baseline, but it estimates the gradient of the reverse KL: its "
                "mean points about 30° away from the maximum-likelihood direction however many samples it gets.",
             2: "Gumbel-ST's bias is fixed by the relaxation and τ, not by M: more samples only average its "
                "noise away, and its cosine stays near 0.8.",
             3: "Their noise shrinks alike, but their targets differ: the cosines at large M separate."}),
    "bound_reading": dict(
        question="During training the critic's estimate of $2\\,\\mathrm{JSD} - \\log 4$ falls from $-0.5$ to "
                 "$-1.3$ (the floor is $-\\log 4 \\approx -1.386$). What does that tell you on its own?",
        options=["the generator got much better: it is close to the data",
                 "nothing certain about the generator: a weaker critic reports a lower bound too; look at "
                 "coverage and confidence",
                 "the critic overfits the training digits",
                 "the generator has collapsed onto one digit"],
        answer=1,
        explanation="The estimate is a lower bound on $2\\,\\mathrm{JSD} - \\log 4$: a high value certifies that "
                    "the critic can tell data from samples (the distributions differ at least that much, up to "
                    "sampling noise), but a low value certifies nothing, because an untrained, slow or strongly "
                    "regularised critic reports a low value too. The untrained critic of step 0 sits at $-1.38$ "
                    "while the samples are noise. What does tell: the held-out classifier's coverage of the 10 "
                    "classes and its confidence.",
        why={0: "The bound can only say the distributions differ; it cannot say they agree. An untrained critic "
                "reports $\\approx -\\log 4$ for pure noise.",
             2: "Overfitting would make the critic separate the training digits more easily, which raises the "
                "estimate, not lowers it.",
             3: "A collapsed generator is easy to tell from the data: a good critic's estimate would go up."}),
    "penalty_cure": dict(
        question="Why does a small gradient penalty on the critic stop the plain setup's collapse?",
        options=["it makes the critic output exactly $V = 0$, so every sample gets the same weight",
                 "it keeps the critic's $\\log w$ of one $z$'s $M$ samples within a few nats of each other, so "
                 "$\\tilde w$ stays spread (ESS near $M$) while still ranking the samples",
                 "it adds noise to the generator's gradient, which helps exploration",
                 "it changes the divergence the critic estimates from JSD to Wasserstein"],
        answer=1,
        explanation="Without it the critic separates data from samples by many nats; then within one $z$ one "
                    "sample takes almost all of $\\tilde w$ (ESS falls from 20 towards 4), each $z$ is pulled "
                    "towards the single sample the critic likes best, and the $z$'s pile onto a few digits. A "
                    "penalty on $\\|\\nabla_x V\\|^2$ at real digits makes $V$ change slowly between neighbouring "
                    "images, so the $M$ samples of one $z$ get comparable weights and the generator's update "
                    "is an average over several of them.",
        why={0: "Equal weights would carry no signal at all (the score identity); the cured critic still ranks "
                "the samples.",
             2: "The penalty acts on the critic's input gradient; the generator's estimator is unchanged.",
             3: "The critic still minimises the GAN cross-entropy; the penalty regularises it, it does not change "
                "the divergence."}),
    "gumbel_bias": dict(
        question="In the exact study, what happens to Gumbel-softmax straight-through's bias against its own "
                 "target as $M$ grows from 1 to 100, and as τ grows from 0.5 to 3?",
        options=["it shrinks like 1/M; τ does not matter",
                 "it stays put as M grows; it grows with τ",
                 "it shrinks with M and with τ",
                 "it is zero: straight-through is unbiased"],
        answer=1,
        explanation="More samples average the straight-through noise away but not its bias: the backward pass "
                    "is the gradient of a relaxed function, not of the expectation the forward pass evaluates. "
                    "The relaxation is closer to the one-hot samples at small τ, so the bias is smaller there "
                    "(at the price of more variance); the annealed schedule starts at τ = 3, where the bias is "
                    "largest.",
        why={0: "Only an estimator that converges to its target as M grows has a bias that shrinks with M; "
                "per-z BGAN's self-normalisation bias does, straight-through's relaxation bias does not.",
             2: "A larger τ makes the relaxed sample smoother and further from the one-hot sample the critic "
                "judges: more bias, less variance.",
             3: "Straight-through uses the hard sample forward and the relaxed sample backward: two different "
                "functions, hence biased."}),
}


ask = asker(QUESTIONS)   # ask(name): the concept check QUESTIONS[name] as a widget (leave it last in a cell)
