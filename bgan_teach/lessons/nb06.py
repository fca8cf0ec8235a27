r"""Notebook 06 (character-level text): the quality-diversity plane, the "which string wins" question, concept checks.

- :func:`final_point`: a trained text generator as one point of the plane: bigram JS, word share (quality) and
  distinct-n, unique share (diversity) of the same ``n`` samples;
- :func:`real_text_point`: ``n`` training windows scored the same way: where a perfect sampler sits;
- :func:`plot_quality_diversity`: the n-gram baseline swept over temperature as curves (Caccia et al., "Language
  GANs Falling Short", ICLR 2020, https://arxiv.org/abs/1811.02549: compare curves, not points), the GAN runs
  as points in their method colours, real text as a reference point; two panels, two quality measures;
- :func:`best_string_check`: the predict-then-run question "which of these M strings of one z gets the largest
  $\tilde w$?", built from :func:`~bgan_teach.metrics.text.weighted_samples`' rows;
- :data:`QUESTIONS` and :func:`ask`: the closing concept checks (tested in ``tests/test_lessons_03_06.py``).
"""
from __future__ import annotations

import html

import numpy as np
import torch
from matplotlib.ticker import PercentFormatter

from .._checks import positive_int
from ..config import make_generator
from ..data.text import TextCorpus
from ..metrics.text import diversity_metrics, text_metrics, vocabulary
from ..models.sequence import sample_sequences
from ..plotting import style
from ..widgets.quiz import ConceptCheck, asker, concept_check

__all__ = ["final_point", "real_text_point", "plot_quality_diversity", "best_string_check", "QUESTIONS", "ask"]

QUALITY = {"word_share": "word share (higher is better)", "bigram_js": "bigram JS, nats (lower is better)"}


def _corpus(corpus) -> TextCorpus:
    if not isinstance(corpus, TextCorpus):
        raise TypeError(f"corpus must be a TextCorpus (from load_corpus); got {type(corpus).__name__}")
    return corpus


@torch.no_grad()
def final_point(generator, corpus, n: int = 2000, seed: int = 1) -> dict:
    """Quality and diversity of ``n`` samples of ``generator`` (drawn with ``seed``; seed 1 = what ``text_snapshot_fn``
    scores): ``bigram_js``, ``word_share``, ``distinct_1`` … ``distinct_4``, ``unique_share``."""
    corpus, n = _corpus(corpus), positive_int(n, "n")
    x = sample_sequences(generator, n, seed)                                     # (n, L)
    return {**text_metrics(x, corpus), **diversity_metrics(x, corpus.num_categories)}


def real_text_point(corpus, n: int = 2000, seed: int = 0) -> dict:
    """``n`` training windows (a seeded draw) scored like a sampler's output."""
    corpus, n = _corpus(corpus), positive_int(n, "n")
    x = corpus.train[torch.randperm(len(corpus.train), generator=make_generator(seed))[:n]]
    return {**text_metrics(x, corpus, vocabulary(corpus.text)), **diversity_metrics(x, corpus.num_categories)}


def plot_quality_diversity(axes, curves: dict, points: dict, real: dict | None = None, diversity: str = "distinct_4",
                           quality=("word_share", "bigram_js")):
    r"""One panel per quality measure (x) against ``diversity`` (y).

    ``curves``: name → rows of :func:`~bgan_teach.metrics.text.temperature_sweep` (a line through the
    temperatures, the extreme ones and T = 1 labelled); ``points``: name → a :func:`final_point` dict (a marker
    in the method's colour when the name is an estimator, e.g. "BGAN"); ``real``: :func:`real_text_point`.
    """
    axes = list(np.ravel(axes))
    if len(axes) != len(quality) or not all(q in QUALITY for q in quality):
        raise ValueError(f"quality must name one measure of {list(QUALITY)} per axes; got {quality!r} for {len(axes)} axes")
    ramp = dict(zip(curves, [style.REFERENCE, "#3a3a3a"] + style.GENERIC))
    for ax, key in zip(axes, quality):
        for i, (name, rows) in enumerate(curves.items()):
            xs, ys = [r[key] for r in rows], [r[diversity] for r in rows]
            ax.plot(xs, ys, color=ramp[name], ls=style.REFERENCE_STYLES[i % 5], marker=".", ms=6, lw=1.4, label=name)
            for r in (rows[0], rows[-1], *[r for r in rows if r["temperature"] == 1.0]):
                ax.annotate(f"T={r['temperature']:g}", (r[key], r[diversity]), textcoords="offset points",
                            xytext=(4, 3), fontsize=style.FONT["tick"], color=ramp[name])
        for name, row in points.items():
            try:
                kw = {"color": style.method_color(name), "marker": style.method_style(name)["marker"]}
            except ValueError:
                kw = {"color": "#3d5a80", "marker": "o"}
            ax.plot([row[key]], [row[diversity]], ls="none", ms=9, mec="black", label=name, **kw)
        if real is not None:
            ax.plot([real[key]], [real[diversity]], ls="none", marker="*", ms=13, color=style.DATA, mec="white",
                    label="real text (training windows)")
        ax.set(xlabel=QUALITY[key], ylabel=f"{diversity.replace('_', '-')} (diversity)")
        if key == "word_share":
            ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    style.legend(axes[-1], "right")
    return axes


def best_string_check(rows: list, shuffle_seed: int = 0) -> ConceptCheck:
    r"""Predict-then-run: "which of these strings gets the largest $\tilde w$?" from ``weighted_samples`` rows.

    ``rows``: ``[(text, log_w, w_tilde), ...]`` for the M samples of one z. The options are the strings in a
    seeded random order (never sorted by weight); picking one reveals its $\tilde w$ and $\log w$.
    """
    if not isinstance(rows, (list, tuple)) or len(rows) < 2 or not all(len(r) == 3 for r in rows):
        raise ValueError("rows must be a list of at least 2 (text, log_w, w_tilde) triples (metrics.text.weighted_samples)")
    order = torch.randperm(len(rows), generator=make_generator(shuffle_seed)).tolist()
    shown = [rows[i] for i in order]
    answer = max(range(len(shown)), key=lambda i: shown[i][2])
    text, lw, wt = shown[answer]
    options = [f"|{html.escape(t)}|" for t, _, _ in shown]
    why = {i: (f"This one has w̃ = {w:.3f} (log w = {l:.2f}); the critic likes another string of this z more. "
               "Which of them looks most like a piece of English?") for i, (_, l, w) in enumerate(shown) if i != answer}
    explanation = (f"|{html.escape(text)}| takes w̃ = {wt:.3f} of this z's update (log w = {lw:.2f}). The critic scores "
                   "whole strings; within one z only the differences of log w matter (w̃ is a softmax over the M "
                   "samples), and one more nat of log w is a factor e ≈ 2.7 in weight.")
    return concept_check(f"Here are the {len(rows)} strings the generator drew for ONE noise vector z. Which one "
                         "gets the largest $\\tilde w$, i.e. the largest share of this z's BGAN update?",
                         options, answer, explanation, why)


QUESTIONS = {
    "curve_not_point": dict(
        question="A text GAN has higher word share than the n-gram model sampled at temperature T = 1, but lower "
                 "distinct-4. Has it beaten the baseline?",
        options=["yes: word share is the quality measure, and it is higher",
                 "not yet: lowering the n-gram model's temperature also buys word share with diversity; compare the "
                 "GAN point with the whole temperature curve, not with its T = 1 point",
                 "no: a GAN can never beat a maximum-likelihood model",
                 "yes, if its bigram JS is also lower than the unigram sampler's"],
        answer=1,
        explanation="Sampling temperature trades quality against diversity for any likelihood model: at T < 1 it "
                    "samples more probable text (more real words, fewer distinct n-grams). A GAN that sits *below* "
                    "the curve (less diverse at the same quality) has only found another point of that trade; one "
                    "*above* it is better. That is Caccia et al.'s point (ICLR 2020).",
        why={0: "Higher quality at lower diversity is what a lower temperature gives the baseline too.",
             2: "Whether a GAN sits above or below the curve is an empirical question; here we measure it.",
             3: "Beating the unigram sampler is a low bar; the question is the trade-off against the n-gram curve."}),
    "word_share_gaming": dict(
        question="A sampler outputs the same correct English line every time. Which of our measures catches it?",
        options=["word share", "bigram JS alone", "distinct-n and the unique share", "none of them"],
        answer=2,
        explanation="Its word share is perfect and its bigram JS can even be moderate, but distinct-n (distinct "
                    "character n-grams / all n-grams) and the unique share (distinct samples / N) collapse to "
                    "almost nothing. Quality measures reward repetition; diversity measures punish it.",
        why={0: "Every token of a real line is a word: word share is 100 %.",
             1: "Bigram JS compares pair frequencies with held-out text; one line has a skewed but not absurd "
                "bigram histogram, so it can look acceptable.",
             3: "Distinct-n and the unique share fall to their minimum, 1/N for the unique share."}),
    "one_shot": dict(
        question="Why does the bigram Markov chain beat the one-shot generator on bigram JS so easily?",
        options=["the chain was trained longer",
                 "the chain samples each character given the previous one, so pair statistics are built in; the "
                 "one-shot generator draws all positions independently given z, so every agreement between "
                 "neighbours must be carried by z",
                 "the critic cannot see pairs of characters",
                 "bigram JS is computed on the chain's own training data"],
        answer=1,
        explanation="$g_\\theta(x\\mid z) = \\prod_l\\mathrm{softmax}(\\ell_l(z))_{x_l}$: given $z$, the 16 characters "
                    "are independent. A *q* followed by *u* can only come from a $z$ whose logits put *q* and *u* at "
                    "neighbouring positions together. The chain has $P(x_{l+1}\\mid x_l)$ by construction, so it "
                    "matches the pair statistics up to sampling noise.",
        why={0: "The chain is not trained at all: it counts pairs once.",
             2: "The critic's convolutions see windows of 5 characters; it judges pairs well.",
             3: "Both are scored against held-out windows, which neither saw."}),
    "loo_baseline": dict(
        question="REINFORCE-LOO scores sample $m$ of a $z$ against the mean reward of the other $M-1$ samples of the "
                 "same $z$. What does that buy over an EMA baseline?",
        options=["an unbiased baseline per $z$, from samples already drawn, with no moving average to lag behind",
                 "a lower bias: the EMA baseline makes REINFORCE biased",
                 "the same update as BGAN",
                 "nothing: every baseline gives the same variance"],
        answer=0,
        explanation="Any baseline that does not depend on sample $m$ leaves the expected gradient unchanged (score "
                    "identity); the leave-one-out mean is such a baseline, adapted to each $z$, and costs nothing "
                    "since the $M$ samples are drawn anyway (Kool et al. 2019). An EMA of $\\log\\hat\\alpha$ is one "
                    "number for all $z$ and lags behind a moving critic.",
        why={1: "A baseline independent of the sample is unbiased; the EMA one is too. LOO reduces variance.",
             2: "BGAN weighs samples by $\\tilde w$ (forward KL); LOO REINFORCE by $\\log w$ minus a baseline "
                "(reverse KL). They agree only to first order in the spread of $\\log w$ (notebook 03).",
             3: "A baseline close to each sample's expected reward cancels more of the reward's variance."}),
}


ask = asker(QUESTIONS)   # ask(name): the concept check QUESTIONS[name] as a widget (leave it last in a cell)
