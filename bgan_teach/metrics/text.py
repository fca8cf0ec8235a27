r"""How English-like are generated characters? Two numbers, and two samplers that need no GAN.

- **Bigram JS**: the Jensen-Shannon divergence (nats, in $[0, \log 2]$) between the distribution of
  adjacent character pairs in the samples and in held-out text,
  $\mathrm{JSD}(P, Q) = \tfrac12 \mathrm{KL}(P\|\tfrac{P+Q}{2}) + \tfrac12 \mathrm{KL}(Q\|\tfrac{P+Q}{2})$;
  pairs are counted within each sequence (never across two sequences). Lower is better.
- **Word share**: among the space-separated tokens of length ≥ 3 (after stripping ``. , '`` at their
  ends), the share that are words of the corpus vocabulary. The last token of every sequence is
  skipped, since the window may have cut it. Higher is better.

Reference samplers, seeded, fitted on the training windows: **unigram** (every character drawn
independently from the character frequencies) and **bigram** (a Markov chain: first character from
the first-position frequencies, then $P(x_{l+1}\mid x_l)$ counted in the training windows). A GAN
that beats the unigram sampler has learned something about English; the bigram chain is a strong
baseline for these two metrics, which only look at pairs and short words.

**Diversity** (both metrics above reward a sampler that repeats one good line): **distinct-n**, the share
of distinct character n-grams among all n-grams of the samples (Li et al. 2016, "A Diversity-Promoting
Objective Function for Neural Conversation Models", https://arxiv.org/abs/1510.03055, there over words),
and the **unique share**, distinct sequences / N. Both depend on N: compare them at equal N.

**Quality against diversity** (Caccia et al., "Language GANs Falling Short", ICLR 2020,
https://arxiv.org/abs/1811.02549): a maximum-likelihood language model sampled at temperature T,
$p_T(x\mid c) \propto p(x\mid c)^{1/T}$, traces a curve from greedy (T → 0: high quality, no diversity)
through the fitted model (T = 1) to flatter than it (T > 1); a GAN is one point to set against that
curve, not against the T = 1 point. :func:`ngram_sampler` is the character n-gram version of that baseline
(with :func:`fit_ngram` and :func:`temper` in :mod:`bgan_teach.metrics.ngram`, importable from here too)
and :func:`temperature_sweep` the curve. NOTE(deviation): Caccia et al. measure quality by BLEU and
diversity by Self-BLEU (or an LM score and a reverse LM score) with a neural LM; here quality is word share
and bigram JS, diversity distinct-n and unique share, and the LM is a count-based n-gram model.
"""
from __future__ import annotations

import math

import torch

from .. import weights
from .._checks import ArgumentTypeError, integer, positive_int, seed as _seed
from ..config import make_generator
from ..data.text import TextCorpus, decode
from ..divergences import get
from ..models.categorical import one_hot
from ..models.sequence import sample_sequences
from .ngram import NgramModel, _codes, fit_ngram, ngram_sampler, temper  # noqa: F401  (part of this module's API)

__all__ = [
    "NgramModel", "bigram_distribution", "bigram_js", "bigram_sampler", "distinct_n", "diversity_metrics",
    "fit_ngram", "ngram_sampler", "reference_metrics", "text_snapshot_fn", "temper", "temperature_sweep",
    "text_metrics", "unigram_sampler", "unique_share", "vocabulary", "weighted_samples", "word_share",
]

_STRIP = ".,'"


def bigram_distribution(codes, num_categories: int, name: str = "codes") -> torch.Tensor:
    """Frequencies of adjacent pairs (x_l, x_{l+1}) within each row: float64 (K, K) summing to 1."""
    codes = _codes(codes, num_categories, name)
    if codes.shape[1] < 2:
        raise ValueError(f"{name} must have length L >= 2 to contain a bigram; got shape {tuple(codes.shape)}")
    pairs = (codes[:, :-1] * num_categories + codes[:, 1:]).flatten()         # (N·(L−1),)
    counts = torch.bincount(pairs, minlength=num_categories**2).double()
    return (counts / counts.sum()).view(num_categories, num_categories)


def bigram_js(samples, reference, num_categories: int) -> float:
    """JSD (nats) between the bigram distributions of ``samples`` and ``reference`` (both (N, L))."""
    p = bigram_distribution(samples, num_categories, "samples").flatten()
    q = bigram_distribution(reference, num_categories, "reference").flatten()
    m = (p + q) / 2
    kl = lambda a: (torch.xlogy(a, a) - torch.xlogy(a, m)).sum()              # noqa: E731
    return float(0.5 * kl(p) + 0.5 * kl(q))


def _tokens(line: str) -> list[str]:
    """Complete tokens of one sequence: split on spaces, drop the (possibly cut) last one, strip marks."""
    return [t.strip(_STRIP) for t in line.split(" ")[:-1]]


def vocabulary(text: str) -> set[str]:
    """The words of a clean text: space-separated tokens with ``. , '`` stripped from their ends."""
    return {w for w in (t.strip(_STRIP) for t in text.split(" ")) if w}


def word_share(lines: list[str], vocab: set[str], min_length: int = 3) -> float:
    """Share of tokens with ≥ ``min_length`` characters that are in ``vocab`` (nan if there are none)."""
    if isinstance(lines, str):
        raise ArgumentTypeError("lines must be a list of strings (one per sequence), not a single str")
    if not all(isinstance(line, str) for line in lines):
        raise ArgumentTypeError("lines must be a list of strings (one per sequence)")
    min_length = positive_int(min_length, "min_length")
    tokens = [t for line in lines for t in _tokens(line) if len(t) >= min_length]
    if not tokens:
        return math.nan
    return sum(t in vocab for t in tokens) / len(tokens)


def text_metrics(samples, corpus: TextCorpus, vocab: set[str] | None = None) -> dict[str, float]:
    """``{"bigram_js": …, "word_share": …}`` for samples (N, L) against ``corpus.held_out`` / its words."""
    if not isinstance(corpus, TextCorpus):
        raise ArgumentTypeError(f"corpus must be a TextCorpus (from load_corpus); got {type(corpus).__name__}")
    samples = _codes(samples, corpus.num_categories, "samples")
    vocab = vocabulary(corpus.text) if vocab is None else vocab
    return {"bigram_js": bigram_js(samples, corpus.held_out, corpus.num_categories),
            "word_share": word_share(decode(samples, corpus.alphabet), vocab)}


def unigram_sampler(train, num_categories: int, n: int, seed: int | torch.Generator = 0) -> torch.Tensor:
    """n sequences of independent characters drawn from the character frequencies of ``train``."""
    train, n, seed = _codes(train, num_categories, "train"), positive_int(n, "n"), _seed(seed)
    freq = torch.bincount(train.flatten(), minlength=num_categories).double()
    draws = torch.multinomial(freq / freq.sum(), n * train.shape[1], replacement=True,
                              generator=make_generator(seed))
    return draws.view(n, train.shape[1])


def bigram_sampler(train, num_categories: int, n: int, seed: int | torch.Generator = 0) -> torch.Tensor:
    """n sequences from the character-bigram Markov chain fitted on ``train`` (first-position start).

    A character never followed by another in ``train`` (a row of zero counts) continues from the
    unigram frequencies.
    """
    train, n = _codes(train, num_categories, "train"), positive_int(n, "n")
    gen, K = make_generator(seed), num_categories
    unigram = torch.bincount(train.flatten(), minlength=K).double()
    counts = bigram_distribution(train, K) * (train.shape[0] * (train.shape[1] - 1))   # (K, K) counts
    counts[counts.sum(1) == 0] = unigram
    out = torch.empty(n, train.shape[1], dtype=torch.long)
    out[:, 0] = torch.multinomial(torch.bincount(train[:, 0], minlength=K).double(), n, True, generator=gen)
    for pos in range(1, train.shape[1]):
        out[:, pos] = torch.multinomial(counts[out[:, pos - 1]], 1, generator=gen).squeeze(1)
    return out


def distinct_n(samples, num_categories: int, n: int = 1) -> float:
    r"""Share of distinct character n-grams among all n-grams within the rows of ``samples`` (N, L).

    $\text{distinct-}n = |\{\text{distinct } n\text{-grams}\}| \,/\, (N(L - n + 1))$; n-grams never cross rows.
    """
    samples = _codes(samples, num_categories, "samples")
    n = integer(n, "n", 1, samples.shape[1])                      # at most L, the sequence length
    grams = samples.unfold(1, n, 1).reshape(-1, n)                            # (N·(L−n+1), n)
    return len(torch.unique(grams, dim=0)) / len(grams)


def unique_share(samples) -> float:
    """Distinct rows of ``samples`` (N, L) divided by N: 1/N when every sample is the same sequence."""
    try:
        samples = torch.as_tensor(samples)
    except (TypeError, ValueError, RuntimeError) as err:
        raise ArgumentTypeError(f"samples must be an array (N, L); got {type(samples).__name__}") from err
    if samples.ndim != 2 or 0 in samples.shape:
        raise ValueError(f"samples must have shape (N, L) with N >= 1 and L >= 1; got {tuple(samples.shape)}")
    return len(torch.unique(samples, dim=0)) / len(samples)


def diversity_metrics(samples, num_categories: int, max_n: int = 4) -> dict[str, float]:
    """``{"distinct_1": …, …, "distinct_<max_n>": …, "unique_share": …}`` for samples (N, L)."""
    samples = _codes(samples, num_categories, "samples")
    max_n = integer(max_n, "max_n", 1, samples.shape[1])
    out = {f"distinct_{k}": distinct_n(samples, num_categories, k) for k in range(1, max_n + 1)}
    return {**out, "unique_share": unique_share(samples)}


def temperature_sweep(corpus: TextCorpus, temperatures=(0.3, 0.5, 0.7, 0.85, 1.0, 1.2, 1.5), order: int = 2,
                      n: int = 2000, seed: int = 0, max_n: int = 4) -> list[dict[str, float]]:
    """The quality-diversity curve of the n-gram baseline: one row per temperature (same seed each).

    Rows: ``temperature``, ``bigram_js``, ``word_share`` (:func:`text_metrics`) and ``distinct_1`` …
    ``distinct_<max_n>``, ``unique_share`` (:func:`diversity_metrics`).
    """
    for t in temperatures:
        temper(torch.zeros(1), t)
    n, seed, max_n = positive_int(n, "n"), integer(seed, "seed"), positive_int(max_n, "max_n")
    K, vocab = corpus.num_categories, vocabulary(corpus.text)
    model = fit_ngram(corpus.train, K, order)
    rows = []
    for t in temperatures:
        x = model.sample(n, corpus.length, t, seed)                              # (n, L)
        rows.append({"temperature": float(t), **text_metrics(x, corpus, vocab), **diversity_metrics(x, K, max_n)})
    return rows


def reference_metrics(corpus: TextCorpus, n: int = 2000, seed: int = 0) -> dict[str, dict[str, float]]:
    """Metrics of the two reference samplers (and of the held-out text against itself, as a floor).

    ``"real text"`` compares ``n`` training windows with the held-out windows: the best a sampler
    of that many sequences can expect on bigram JS (finite-sample noise).
    """
    if not isinstance(corpus, TextCorpus):
        raise ArgumentTypeError(f"corpus must be a TextCorpus (from load_corpus); got {type(corpus).__name__}")
    n, seed = positive_int(n, "n"), _seed(seed)
    vocab, K = vocabulary(corpus.text), corpus.num_categories
    rows = {"unigram": unigram_sampler(corpus.train, K, n, seed),
            "bigram": bigram_sampler(corpus.train, K, n, seed),
            "real text": corpus.train[torch.randperm(len(corpus.train), generator=make_generator(seed))[:n]]}
    return {name: text_metrics(codes, corpus, vocab) for name, codes in rows.items()}


def text_snapshot_fn(corpus: TextCorpus, n_show: int = 6, n_eval: int = 500, seed: int = 0):
    """A ``snapshot_fn`` for ``train_discrete``: at each snapshot, decoded samples and the two metrics.

    Returns ``fn(trainer) -> {"samples": [n_show str], "bigram_js", "word_share"}``; the shown
    samples use the same ``n_show`` noise vectors at every snapshot (so a slider shows how the text for
    a fixed z changes), the metrics ``n_eval`` fresh sequences (same seed each time).
    """
    if not isinstance(corpus, TextCorpus):
        raise ArgumentTypeError(f"corpus must be a TextCorpus (from load_corpus); got {type(corpus).__name__}")
    n_show, n_eval, seed = positive_int(n_show, "n_show"), positive_int(n_eval, "n_eval"), integer(seed, "seed")
    vocab = vocabulary(corpus.text)

    def fn(trainer) -> dict:
        generator = trainer.generator
        z = generator.noise(n_show, make_generator(seed))
        shown = decode(sample_sequences(generator, n_show, seed, z=z), corpus.alphabet)
        return {"samples": shown, **text_metrics(sample_sequences(generator, n_eval, seed + 1), corpus, vocab)}

    return fn


@torch.no_grad()
def weighted_samples(generator, critic, alphabet: str, m_samples: int = 20, seed: int = 0,
                     divergence: str = "gan") -> list[tuple[str, float, float]]:
    r"""The M samples drawn from $g(\cdot\mid z)$ for ONE z, with their log w and $\tilde w$, best first.

    $\tilde w^{(m)} = \mathrm{softmax}_m(\log w^{(m)})$ (docs/math.md §4.2): the share of the BGAN update
    that pushes $g(\cdot\mid z)$ toward sample m. Returns ``[(text, log_w, w_tilde), ...]`` sorted by w̃.
    """
    div, m_samples, gen = get(divergence), positive_int(m_samples, "m_samples"), make_generator(seed)
    z = generator.noise(1, gen).expand(m_samples, -1)                          # the same z, M times
    x = sample_sequences(generator, m_samples, gen, z=z)                         # (M, L)
    dtype = next(critic.parameters()).dtype                                      # float64 for a .double() critic
    log_w = div.log_weight(critic(one_hot(x, generator.num_categories, dtype)))   # (M,)
    w_tilde = weights.normalized(log_w, dim=0)
    rows = zip(decode(x, alphabet), log_w.tolist(), w_tilde.tolist())
    return sorted(rows, key=lambda row: -row[2])
