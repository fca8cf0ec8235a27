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
"""
from __future__ import annotations

import math

import torch

from .. import weights
from ..config import make_generator
from ..data.text import TextCorpus, decode
from ..divergences import get
from ..models.sequence import sample_sequences

__all__ = [
    "bigram_distribution", "bigram_js", "bigram_sampler", "reference_metrics", "snapshot_views",
    "text_metrics", "unigram_sampler", "vocabulary", "weighted_samples", "word_share",
]

_STRIP = ".,'"


def _codes(codes, num_categories: int, name: str = "codes") -> torch.Tensor:
    codes = torch.as_tensor(codes)
    if codes.dtype.is_floating_point or codes.ndim != 2 or codes.shape[0] == 0:
        raise ValueError(f"{name} must be integer indices of shape (N, L) with N >= 1; got {codes.dtype} "
                         f"{tuple(codes.shape)}")
    if codes.min() < 0 or codes.max() >= num_categories:
        raise ValueError(f"{name} must lie in 0..{num_categories - 1} (num_categories={num_categories})")
    return codes.long()


def bigram_distribution(codes, num_categories: int) -> torch.Tensor:
    """Frequencies of adjacent pairs (x_l, x_{l+1}) within each row: float64 (K, K) summing to 1."""
    codes = _codes(codes, num_categories)
    if codes.shape[1] < 2:
        raise ValueError("sequences must have length >= 2 to contain a bigram")
    pairs = (codes[:, :-1] * num_categories + codes[:, 1:]).flatten()         # (N·(L−1),)
    counts = torch.bincount(pairs, minlength=num_categories**2).double()
    return (counts / counts.sum()).view(num_categories, num_categories)


def bigram_js(samples, reference, num_categories: int) -> float:
    """JSD (nats) between the bigram distributions of ``samples`` and ``reference`` (both (N, L))."""
    p = bigram_distribution(samples, num_categories).flatten()
    q = bigram_distribution(reference, num_categories).flatten()
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
        raise ValueError("lines must be a list of strings (one per sequence), not a single str")
    tokens = [t for line in lines for t in _tokens(line) if len(t) >= min_length]
    if not tokens:
        return math.nan
    return sum(t in vocab for t in tokens) / len(tokens)


def text_metrics(samples, corpus: TextCorpus, vocab: set[str] | None = None) -> dict[str, float]:
    """``{"bigram_js": …, "word_share": …}`` for samples (N, L) against ``corpus.held_out`` / its words."""
    samples = _codes(samples, corpus.num_categories, "samples")
    vocab = vocabulary(corpus.text) if vocab is None else vocab
    return {"bigram_js": bigram_js(samples, corpus.held_out, corpus.num_categories),
            "word_share": word_share(decode(samples, corpus.alphabet), vocab)}


def unigram_sampler(train, num_categories: int, n: int, seed: int | torch.Generator = 0) -> torch.Tensor:
    """n sequences of independent characters drawn from the character frequencies of ``train``."""
    train = _codes(train, num_categories, "train")
    freq = torch.bincount(train.flatten(), minlength=num_categories).double()
    draws = torch.multinomial(freq / freq.sum(), n * train.shape[1], replacement=True,
                              generator=make_generator(seed))
    return draws.view(n, train.shape[1])


def bigram_sampler(train, num_categories: int, n: int, seed: int | torch.Generator = 0) -> torch.Tensor:
    """n sequences from the character-bigram Markov chain fitted on ``train`` (first-position start).

    A character never followed by another in ``train`` (a row of zero counts) continues from the
    unigram frequencies.
    """
    train = _codes(train, num_categories, "train")
    gen, K = make_generator(seed), num_categories
    unigram = torch.bincount(train.flatten(), minlength=K).double()
    counts = bigram_distribution(train, K) * (train.shape[0] * (train.shape[1] - 1))   # (K, K) counts
    counts[counts.sum(1) == 0] = unigram
    out = torch.empty(n, train.shape[1], dtype=torch.long)
    out[:, 0] = torch.multinomial(torch.bincount(train[:, 0], minlength=K).double(), n, True, generator=gen)
    for pos in range(1, train.shape[1]):
        out[:, pos] = torch.multinomial(counts[out[:, pos - 1]], 1, generator=gen).squeeze(1)
    return out


def reference_metrics(corpus: TextCorpus, n: int = 2000, seed: int = 0) -> dict[str, dict[str, float]]:
    """Metrics of the two reference samplers (and of the held-out text against itself, as a floor).

    ``"real text"`` compares ``n`` training windows with the held-out windows: the best a sampler
    of that many sequences can expect on bigram JS (finite-sample noise).
    """
    vocab, K = vocabulary(corpus.text), corpus.num_categories
    rows = {"unigram": unigram_sampler(corpus.train, K, n, seed),
            "bigram": bigram_sampler(corpus.train, K, n, seed),
            "real text": corpus.train[torch.randperm(len(corpus.train), generator=make_generator(seed))[:n]]}
    return {name: text_metrics(codes, corpus, vocab) for name, codes in rows.items()}


def snapshot_views(corpus: TextCorpus, n_show: int = 6, n_eval: int = 500, seed: int = 0):
    """A ``snapshot_fn`` for ``train_discrete``: at each snapshot, decoded samples and the two metrics.

    Returns ``fn(generator, critic) -> {"samples": [n_show str], "bigram_js", "word_share"}``; the shown
    samples use the same ``n_show`` noise vectors at every snapshot (so a slider shows how the text for
    a fixed z changes), the metrics ``n_eval`` fresh sequences (same seed each time).
    """
    vocab = vocabulary(corpus.text)

    def fn(generator, critic) -> dict:
        z = generator.noise(n_show, make_generator(seed))
        shown = decode(sample_sequences(generator, n_show, seed, z=z), corpus.alphabet)
        return {"samples": shown, **text_metrics(sample_sequences(generator, n_eval, seed + 1), corpus, vocab)}

    return fn


@torch.no_grad()
def weighted_samples(generator, critic, alphabet: str, m_samples: int = 20, seed: int = 0,
                     divergence: str = "gan") -> list[tuple[str, float, float]]:
    r"""The M samples drawn from $g(\cdot\mid z)$ for ONE z, with their log w and $\tilde w$, best first.

    $\tilde w^{(m)} = \mathrm{softmax}_m(\log w^{(m)})$ (bgan-math.md §2.8): the share of the BGAN update
    that pushes $g(\cdot\mid z)$ toward sample m. Returns ``[(text, log_w, w_tilde), ...]`` sorted by w̃.
    """
    gen = make_generator(seed)
    z = generator.noise(1, gen).expand(m_samples, -1)                          # the same z, M times
    x = sample_sequences(generator, m_samples, gen, z=z)                         # (M, L)
    one_hot = torch.nn.functional.one_hot(x, generator.num_categories).float()  # (M, L, K)
    log_w = get(divergence).log_weight(critic(one_hot))                          # (M,)
    w_tilde = weights.normalized(log_w, dim=0)
    rows = zip(decode(x, alphabet), log_w.tolist(), w_tilde.tolist())
    return sorted(rows, key=lambda row: -row[2])
