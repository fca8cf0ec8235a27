r"""Character n-gram models with temperature: the maximum-likelihood baseline of :mod:`bgan_teach.metrics.text`.

$p_T(x_l \mid c) \propto p(x_l \mid c)^{1/T}$ (Caccia et al., "Language GANs Falling Short", ICLR 2020,
https://arxiv.org/abs/1811.02549): greedy as T → 0, the fitted model at T = 1, flatter above. Counts are
taken within the rows of (N, L) integer codes; unseen contexts back off to their longest seen suffix, then
to the unigram. Everything here is re-exported by :mod:`bgan_teach.metrics.text`.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from .._checks import ArgumentTypeError, as_tensor, integer, positive_float, positive_int, seed as _seed
from ..config import make_generator

__all__ = ["NgramModel", "fit_ngram", "ngram_sampler", "temper"]


def _codes(codes, num_categories: int, name: str = "codes") -> torch.Tensor:
    num_categories = positive_int(num_categories, "num_categories")
    try:
        codes = torch.as_tensor(codes)
    except (TypeError, ValueError, RuntimeError) as err:
        raise ArgumentTypeError(f"{name} must be integer indices of shape (N, L); got {type(codes).__name__}") from err
    if codes.dtype.is_floating_point or codes.dtype == torch.bool or codes.is_complex():
        raise ArgumentTypeError(f"{name} must be integer indices of shape (N, L); got dtype {codes.dtype}")
    if codes.ndim != 2 or 0 in codes.shape:
        raise ValueError(f"{name} must be integer indices of shape (N, L) with N >= 1 and L >= 1; got {codes.dtype} "
                         f"{tuple(codes.shape)}")
    if codes.min() < 0 or codes.max() >= num_categories:
        raise ValueError(f"{name} must lie in 0..{num_categories - 1} (num_categories={num_categories})")
    return codes.long()


def temper(log_probs: torch.Tensor, temperature: float) -> torch.Tensor:
    r"""$\log p_T = \mathrm{log\_softmax}(\log p / T)$ over the last axis, for any T > 0 (no overflow).

    The row maximum is subtracted before dividing by T, so a tiny T gives 0 at the arg max and −inf (not
    nan) elsewhere: greedy, with ties kept equally likely. Entries of −inf (probability 0) stay −inf.
    """
    temperature = positive_float(temperature, "temperature (small values approach greedy decoding, 1 is the "
                                 "fitted model, > 1 is flatter)")
    log_probs = as_tensor(log_probs, "log_probs")
    shifted = log_probs - log_probs.max(-1, keepdim=True).values                 # max entry 0, others ≤ 0
    return torch.log_softmax(shifted / temperature, -1)


def _context_ids(codes: torch.Tensor, num_categories: int) -> torch.Tensor:
    """Base-K number of each row of codes (n, c): one int64 id per context of length c."""
    powers = num_categories ** torch.arange(codes.shape[1] - 1, -1, -1, dtype=torch.long)   # (c,)
    return (codes * powers).sum(1)


@dataclass(frozen=True)
class NgramModel:
    r"""Character n-gram counts turned into log probabilities, with back-off to shorter contexts.

    ``start`` (K,): $\log P(x_1)$ (first-position frequencies). ``keys[c]`` (C_c,): sorted ids of the contexts of
    length c seen in training; ``log_probs[c]`` (C_c, K): $\log P(x_l \mid x_{l-c..l-1})$ for them
    (``keys[0]`` = [0], ``log_probs[0]`` the unigram over all positions).
    """

    order: int
    num_categories: int
    start: torch.Tensor
    keys: tuple
    log_probs: tuple

    def next_log_probs(self, context: torch.Tensor, temperature: float = 1.0) -> torch.Tensor:
        """Tempered log P(next | context) (n, K) for contexts (n, c), c < order, from the longest seen suffix."""
        n, length = context.shape
        rows = self.log_probs[0].expand(n, -1).clone()                            # (n, K) unigram fallback
        found = torch.zeros(n, dtype=torch.bool)
        for c in range(min(length, self.order - 1), 0, -1):
            ids = _context_ids(context[:, length - c:], self.num_categories)      # (n,)
            keys = self.keys[c]
            at = torch.searchsorted(keys, ids).clamp(max=len(keys) - 1)
            hit = (keys[at] == ids) & ~found
            rows[hit] = self.log_probs[c][at[hit]]
            found |= hit
        return temper(rows, temperature)

    def sample(self, n: int, length: int, temperature: float = 1.0, seed: int | torch.Generator = 0) -> torch.Tensor:
        """n sequences (n, length) drawn position by position at ``temperature``; seeded."""
        n, length, seed = positive_int(n, "n"), positive_int(length, "length"), _seed(seed)
        temper(self.start, temperature)                                           # validate before any work
        gen = make_generator(seed)
        out = torch.empty(n, length, dtype=torch.long)
        first = self.start if self.order > 1 else self.log_probs[0][0]
        out[:, 0] = torch.multinomial(temper(first, temperature).exp().expand(n, -1), 1, generator=gen).squeeze(1)
        for pos in range(1, length):
            probs = self.next_log_probs(out[:, max(0, pos - self.order + 1):pos], temperature).exp()
            out[:, pos] = torch.multinomial(probs, 1, generator=gen).squeeze(1)
        return out


def fit_ngram(train, num_categories: int, order: int = 2) -> NgramModel:
    """Count character n-grams of ``order`` (1: unigram, 2: bigram, …) within the rows of ``train`` (N, L).

    At T = 1, order 2 is :func:`bigram_sampler`'s chain and order 1 :func:`unigram_sampler`'s model.
    """
    train = _codes(train, num_categories, "train")
    K, (_, L) = num_categories, train.shape
    order = integer(order, "order", 1, L)                                  # at most L, the sequence length
    if K ** (order - 1) >= 2**62:
        raise ValueError(f"order={order} is too large for num_categories={K} (context ids overflow int64)")
    start = torch.log(torch.bincount(train[:, 0], minlength=K).double())
    keys, log_probs = [], []
    for c in range(order):
        windows = train.unfold(1, c + 1, 1).reshape(-1, c + 1)                  # (N·(L−c), c+1)
        ids = _context_ids(windows[:, :c], K) if c else torch.zeros(len(windows), dtype=torch.long)
        uniq, row = torch.unique(ids, return_inverse=True)                       # sorted context ids
        counts = torch.zeros(len(uniq), K, dtype=torch.float64)
        counts.index_put_((row, windows[:, c]), torch.ones(len(row), dtype=torch.float64), accumulate=True)
        keys.append(uniq)
        log_probs.append(torch.log(counts) - torch.log(counts.sum(1, keepdim=True)))   # (C_c, K)
    return NgramModel(order, K, start - torch.logsumexp(start, 0), tuple(keys), tuple(log_probs))


def ngram_sampler(train, num_categories: int, n: int, order: int = 2, temperature: float = 1.0,
                  seed: int | torch.Generator = 0) -> torch.Tensor:
    r"""n sequences from the character n-gram model of ``train`` sampled at ``temperature``.

    $p_T(x_l \mid c) \propto p(x_l \mid c)^{1/T}$ at every position (the first from first-position
    frequencies); unseen contexts back off to their longest seen suffix, then to the unigram.
    """
    temper(torch.zeros(1), temperature)                                           # reject T ≤ 0 before fitting
    train = _codes(train, num_categories, "train")
    return fit_ngram(train, num_categories, order).sample(n, train.shape[1], temperature, seed)
