r"""Notebook 03's figures that the plotting layer lacks, and its concept checks.

- :func:`plot_entropy`: the generator's marginal entropy $H(q)$ and mean conditional entropy
  $\mathrm{mean}_z H(g(\cdot\mid z))$ over training (from :func:`~bgan_teach.lessons.nb03.entropy_curves`),
  with the target's entropy as a grey reference: the picture of "M = 1 collapses";
- :func:`plot_estimator_runs`: exact-JS curves of the equal-tuning comparison, one method colour per estimator
  (the annealed Gumbel-softmax in the Gumbel colour with its own line style), each label with its learning rate;
- :data:`QUESTIONS` and :func:`ask`: the concept checks (tested in ``tests/test_lessons_03_06.py``).
"""
from __future__ import annotations

import numpy as np

from ..plotting import style
from ..plotting.discrete import log_ticks, reference_lines
from ..widgets.quiz import asker
from .sweep import RING_LABELS

__all__ = ["plot_entropy", "plot_estimator_runs", "QUESTIONS", "ask"]


def plot_entropy(axes, curves: dict, target_entropy: float, max_entropy: float | None = None):
    """Two panels: marginal $H(q)$ (left, with $H(p)$ and the uniform maximum) and mean conditional entropy (right).

    ``curves``: run name → :func:`~bgan_teach.lessons.nb03.entropy_curves` output; runs are coloured by the
    ordered ramp (an ordered parameter such as M).
    """
    ax_q, ax_g = axes
    colors = dict(zip(curves, style.ordered_colors(len(curves))))
    for name, c in curves.items():
        kw = dict(color=colors[name], marker="o", ms=3, lw=1.6, label=name)
        ax_q.plot(c["step"], c["marginal"], **kw)
        ax_g.plot(c["step"], c["conditional"], **kw)
    refs = {"target p: H(p)": float(target_entropy)}
    if max_entropy is not None:
        refs["uniform table"] = float(max_entropy)
    reference_lines(ax_q, refs)
    ax_q.set(xlabel="step", ylabel="H(q), nats", title="marginal: entropy of the generator's table q")
    ax_g.set(xlabel="step", ylabel="mean over z of H(g(·|z)), nats", title="conditional: entropy of one z's samples")
    for ax in axes:
        style.integer_axis(ax.xaxis)
    style.legend(ax_q, "below", ncol=2)
    style.legend(ax_g, "below")
    return axes


def plot_estimator_runs(ax, runs: dict, references: dict | None = None, lrs: dict | None = None,
                        labels: dict | None = None):
    """Exact JS over steps for the equal-tuning comparison (setup name → TrainResult), log axis, grey references."""
    labels, lrs, levels = {**RING_LABELS, **(labels or {})}, dict(lrs or {}), list((references or {}).values())
    for name, result in runs.items():
        base = "gumbel_softmax" if name == "gumbel_annealed" else name
        kw = style.method_style(base)
        if name == "gumbel_annealed":
            kw.update(ls=":", marker="x")
        h = result.history
        keep = np.isfinite(h["js"])
        label = labels.get(name, name) + (f" (lr {lrs[name]:g})" if name in lrs else "")
        ax.plot(h["step"][keep], h["js"][keep], lw=1.6, label=label, **kw)
        levels += list(h["js"][keep])
    reference_lines(ax, references)
    ax.set(yscale="log", xlabel="step", ylabel="exact JS (nats)")
    levels = np.asarray(levels, dtype=float)
    if len(levels) and (levels > 0).all():
        log_ticks(ax, levels.min(), levels.max())
    style.integer_axis(ax.xaxis)
    style.legend(ax, "right")
    return ax


QUESTIONS = {
    "predict_m1": dict(
        question="Predict before you run: with $M = 1$ sample per $z$, every $\\tilde w$ is exactly 1. What happens "
                 "to the generator over 3000 steps?",
        options=["nothing: the expected gradient is zero, so the parameters stay where they started",
                 "it spreads out: a zero-mean update is diffusion, so its entropy grows towards the uniform table",
                 "it collapses: each step raises the log-likelihood of what it just sampled, so its entropy falls",
                 "it learns the ring slowly: the critic still steers it, only with more noise"],
        answer=2,
        explanation="The update $-\\nabla\\log g(x\\mid z)$ at the generator's own sample has mean zero (the score "
                    "identity), but one step is not zero: it makes the sampled cell more likely, so the next draw "
                    "is more likely to land there again. The logits perform a zero-mean random walk, a random walk "
                    "spreads them apart, and spread-out logits are a peaked distribution: the entropy falls and the "
                    "JS to the target rises. The critic's opinion never enters ($\\tilde w \\equiv 1$).",
        why={0: "Zero in expectation is not zero per step: Adam takes a full-size step in a random direction every "
                "time, and the steps add up.",
             1: "Diffusion of the *logits* is not diffusion of the *samples*: logits that drift apart make the "
                "softmax peaked, so the samples concentrate.",
             3: "With $\\tilde w \\equiv 1$ the critic's output is multiplied by nothing: its gradient cannot reach "
                "the generator at all."}),
    "boundary": dict(
        question="On the critic's $\\log w$ heatmap the black line is $w = 1$. What does the critic judge there?",
        options=["that $p(x) = q_\\theta(x)$: the data and the model are equally likely at $x$",
                 "that the reweighted model $\\tilde p$ equals $q_\\theta$",
                 "that the generator has converged at $x$",
                 "that $x$ is a sample with the largest $\\tilde w$"],
        answer=0,
        explanation="$w(x) = p(x)/q_\\theta(x)$ for the optimal critic (Theorem 1), so $w = 1$ is where the critic "
                    "judges $p = q_\\theta$: its decision boundary (in the GAN case $\\sigma(V) = \\tfrac12$, $V = 0$). "
                    "$\\tilde p = wq/\\beta$ equals $q$ where $w = \\beta$, which is the same line only when "
                    "$\\beta = 1$ (`docs/math.md` §3.4).",
        why={1: "$\\tilde p(x) = w(x)q(x)/\\beta$ equals $q(x)$ where $w(x) = \\beta$; that is the $w = 1$ line only if "
                "the partition $\\beta$ happens to be 1.",
             2: "The line moves as the critic trains; it says where the critic cannot tell data from samples now.",
             3: "$\\tilde w$ is normalised within one z; the heatmap shows the unnormalised $\\log w$ of every cell."}),
    "forward_reverse": dict(
        question="Within one $z$, which divergence does the BGAN estimator descend, and which does REINFORCE with "
                 "reward $\\log w$ descend (target $\\tilde p_z \\propto w\\,g_z$ held fixed)?",
        options=["both descend $\\mathrm{KL}(\\tilde p_z\\,\\|\\,g_z)$; they differ only in variance",
                 "BGAN: $\\mathrm{KL}(\\tilde p_z\\,\\|\\,g_z)$ (forward, mass-covering); REINFORCE: "
                 "$\\mathrm{KL}(g_z\\,\\|\\,\\tilde p_z)$ (reverse, mode-seeking)",
                 "BGAN: $\\mathrm{KL}(g_z\\,\\|\\,\\tilde p_z)$; REINFORCE: $\\mathrm{KL}(\\tilde p_z\\,\\|\\,g_z)$",
                 "both descend the Jensen-Shannon divergence the critic estimates"],
        answer=1,
        explanation="BGAN weighs the score by $w/\\alpha$, the gradient of the forward KL from the reweighted "
                    "target; REINFORCE weighs it by $\\log w - \\log\\alpha - 1$, the gradient of the reverse KL "
                    "(both checked by enumeration in §3). To first order in the spread of $\\log w$ the two "
                    "updates agree ($M\\tilde w_m \\approx 1 + \\delta_m$), so an uncertain critic makes them nearly "
                    "the same; a confident one separates them.",
        why={0: "Their expected gradients differ: $w/\\alpha$ against $\\log w - \\log\\alpha - 1$; they agree only "
                "to first order in the spread of $\\log w$.",
             2: "The weight $w/\\alpha = \\tilde p_z/g_z$ comes from differentiating $-\\sum_x\\tilde p_z\\log g_z$: "
                "the forward direction.",
             3: "The critic estimates JS for the GAN divergence, but the generator's update is a KL to the critic's "
                "target $\\tilde p_z$."}),
    "per_z_global": dict(
        question="Per-z normalisation ($\\tilde w$ over the $M$ samples of each $z$) against global normalisation "
                 "(over all $M\\cdot B$ samples): which statement is right?",
        options=["per-z is better in every respect: lower variance and the same target",
                 "global is better in every respect: it targets $p$ itself",
                 "a trade: per-z has lower variance, but its target discards $\\alpha(z)$ and is not $p$ even with "
                 "the optimal critic; global targets $\\tilde p = wq/\\beta$ with noisier weights",
                 "they are the same estimator up to a constant factor B"],
        answer=2,
        explanation="Dividing each $z$'s weights by its own $\\alpha(z)$ gives every $z$ one full unit of weight, "
                    "however good its samples (lower variance, larger ESS), and keeps each $z$'s share $h(z)$ "
                    "fixed, so $\\sum_z h(z)\\tilde p(x\\mid z) \\ne p(x)$ in general. Global weights keep "
                    "$\\alpha(z)$ and target $wq/\\beta$ ($= p$ at the optimal critic), but one good sample "
                    "anywhere in the batch can take most of the weight (`docs/math.md` §4.4).",
        why={0: "The per-z target $\\sum_z h(z)\\tilde p(\\cdot\\mid z)$ differs from the global one: §6b measured it.",
             1: "Global normalisation pays with variance: its effective sample size is smaller.",
             3: "The factor B only matches the scales; which samples share the weight differs."}),
    "equal_tuning": dict(
        question="Why does each estimator get its own learning rate, chosen on seeds 1 and 2, before the comparison "
                 "on seed 0?",
        options=["Adam makes the gradient's scale irrelevant, so the rates do not matter anyway",
                 "the estimators differ in the noise of their gradients, so one shared rate partly measures which "
                 "estimator that rate suits; choosing on other seeds keeps the comparison from scoring its own "
                 "tuning runs",
                 "to make the comparison faster",
                 "because the critic's rate must be the same for all"],
        answer=1,
        explanation="With a shared rate a noisy estimator may be run too fast and a quiet one too slow; the table "
                    "would then rank tunings, not estimators. One small grid for all, the best rate per estimator, "
                    "and a seed the sweep never saw: that is what 'equal budget and equal tuning' means here (the "
                    "budget: the same steps, $M$ and $B$ for all).",
        why={0: "Adam normalises the scale, not the noise: how far a noisy step may go before it hurts still "
                "depends on the rate.",
             2: "The sweep costs more time, not less.",
             3: "Every run uses the trainer's rule critic rate = 3 × generator rate; that is part of the grid."}),
}


ask = asker(QUESTIONS)   # ask(name): the concept check QUESTIONS[name] as a widget (leave it last in a cell)
