r"""Character-level English text, offline: the prose of Python's own documentation topics.

The default corpus is the standard library's ``pydoc_data.topics.topics`` (the text ``help()`` shows;
79 topics, ~465k characters): nothing is downloaded. Code-like lines are dropped (fewer than 90%
letters, spaces and ordinary punctuation; doctest prompts; grammar rules), then :func:`clean_text`
folds the text onto a small alphabet (:data:`ALPHABET`: space, ``a``-``z`` and ``. , '``; K = 30);
windows of ``length`` characters become one categorical variable per position, as in the paper's
character-level experiment (Hjelm et al. 2018; in the authors' code, `docs/math.md` §10.1: 32 characters,
one-hot, generated in one shot).

**Mapping of other characters** (:func:`clean_text`, used for the built-in corpus and for your own
text): letters are lower-cased; typographic quotes ’ ‘ become ``'``; ``! ? ; :`` become ``.``; every
other character outside the alphabet (digits, brackets, ``_``, newlines, …) becomes a space; an
apostrophe not between two letters becomes a space; runs of spaces collapse to one; a run of
punctuation marks keeps its last one, attached to the preceding word (``"word , ."`` → ``"word."``).
:func:`encode` itself is strict: a character outside the alphabet raises ``ValueError`` naming it.

NOTE(deviation): the paper trains on the 1-billion-word corpus; the authors' script for it uses 192 symbols
and 32 characters (`docs/math.md` §10.1). We use a 30-symbol alphabet and 16 characters by default so that
a CPU trains it in minutes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import torch

from .._checks import ArgumentTypeError, in_interval, integer, seed as _seed
from ..config import make_generator

ALPHABET = " abcdefghijklmnopqrstuvwxyz.,'"
DEFAULT_LENGTH = 16

_FOLD = {"’": "'", "‘": "'", "!": ".", "?": ".", ";": ".", ":": "."}
_PROSE_MARKS = set(" ,.;:'’\"-")

__all__ = [
    "ALPHABET", "DEFAULT_LENGTH", "TextCorpus", "clean_text", "decode", "encode",
    "load_corpus", "python_docs_text", "text_sequences",
]


def _check_alphabet(alphabet: str) -> str:
    if not isinstance(alphabet, str):
        raise ArgumentTypeError(f"alphabet must be a str of distinct characters; got {type(alphabet).__name__}")
    if len(alphabet) < 2 or len(set(alphabet)) != len(alphabet):
        raise ValueError(f"alphabet must be a string of at least 2 distinct characters; got {alphabet!r}")
    if " " not in alphabet:
        raise ValueError("alphabet must contain the space ' ' (words are space-separated)")
    return alphabet


def clean_text(text: str, alphabet: str = ALPHABET) -> str:
    """Fold ``text`` onto ``alphabet`` with the documented mapping (module docstring); strip the ends."""
    if not isinstance(text, str):
        raise ArgumentTypeError(f"text must be a str; got {type(text).__name__}")
    alphabet = _check_alphabet(alphabet)
    allowed = set(alphabet)
    out = []
    for ch in text.lower():
        ch = _FOLD.get(ch, ch)
        out.append(ch if ch in allowed else " ")
    text = re.sub(r"(?<![a-z])'|'(?![a-z])", " ", "".join(out))   # quotes that are not apostrophes
    text = re.sub(" +", " ", text)
    text = re.sub(r" ?([.,])[ .,]*(?=[.,])", "", text)               # ". , ." -> keep the last mark
    return re.sub(r" ([.,])", r"\1", text).strip()


def encode(text: str, alphabet: str = ALPHABET) -> torch.Tensor:
    """Characters → indices into ``alphabet``: LongTensor (len(text),). Strict: unknown characters raise."""
    if not isinstance(text, str):
        raise ArgumentTypeError(f"text must be a str; got {type(text).__name__}")
    index = {ch: i for i, ch in enumerate(_check_alphabet(alphabet))}
    bad = sorted({ch for ch in text if ch not in index})
    if bad:
        raise ValueError(f"text has characters outside the alphabet {alphabet!r}: {bad[:10]}; "
                         "use clean_text(text) to map them (see bgan_teach.data.text)")
    return torch.tensor([index[ch] for ch in text], dtype=torch.long)


def decode(codes, alphabet: str = ALPHABET) -> str | list[str]:
    """Indices → text. A 1-D sequence gives a str, an (N, L) tensor a list of N strings."""
    try:
        codes = torch.as_tensor(codes)
    except (TypeError, ValueError, RuntimeError) as err:
        raise ArgumentTypeError(f"codes must be integer indices of shape (L,) or (N, L); got {type(codes).__name__}") from err
    if codes.dtype.is_floating_point or codes.dtype == torch.bool or codes.is_complex() or codes.ndim not in (1, 2):
        raise ValueError(f"codes must be integer indices of shape (L,) or (N, L); "
                         f"got {codes.dtype} {tuple(codes.shape)}")
    alphabet = _check_alphabet(alphabet)
    if codes.numel() and (codes.min() < 0 or codes.max() >= len(alphabet)):
        raise ValueError(f"codes must lie in 0..{len(alphabet) - 1} (the alphabet size K = {len(alphabet)})")
    if codes.ndim == 2:
        return ["".join(alphabet[i] for i in row) for row in codes.tolist()]
    return "".join(alphabet[i] for i in codes.tolist())


def _window_starts(text: str, length: int) -> list[int]:
    length = integer(length, "length", minimum=2)
    if len(text) < length:
        raise ValueError(f"text is shorter ({len(text)} characters after cleaning) than one sequence "
                         f"(length={length}); give more text or a smaller length")
    starts, start = [], 0
    while start + length <= len(text):
        starts.append(start)
        nxt = text.find(" ", start + length - 1)
        if nxt < 0:
            break
        start = nxt + 1
    return starts


def text_sequences(text: str, length: int = DEFAULT_LENGTH) -> list[str]:
    """Cut clean text into windows of ``length`` characters, each starting at the start of a word.

    Consecutive windows do not overlap: the next one starts at the first word start after the end of
    the previous one (so the last word of a window may be cut, the first never is).
    """
    if not isinstance(text, str):
        raise ArgumentTypeError(f"text must be a str; got {type(text).__name__}")
    return [text[s:s + length] for s in _window_starts(text, length)]


def _is_prose(line: str) -> bool:
    """A line of prose, not code: ≥ 90% letters, spaces and . , ; : ' " - and no prompt or grammar rule."""
    line = line.strip()
    if not line or ">>>" in line or "::=" in line:
        return False
    return sum(ch.isalpha() or ch in _PROSE_MARKS for ch in line) >= 0.9 * len(line)


@lru_cache(maxsize=1)
def python_docs_text() -> str:
    """The prose of ``pydoc_data.topics`` with code-like lines dropped (raw, before :func:`clean_text`)."""
    from pydoc_data.topics import topics

    lines = []
    for name in sorted(topics):
        lines += [ln for ln in topics[name].splitlines() if _is_prose(ln)]
    return "\n".join(lines)


def _names_file(source: str) -> bool:
    try:
        return "\n" not in source and len(source) < 1024 and Path(source).is_file()
    except OSError:                                  # e.g. a long line of text: not a file name
        return False


def _looks_like_path(source: str) -> bool:
    """One token with a path separator or a text-file extension (``data/corpus``, a name ending in .txt): a file."""
    return bool(re.fullmatch(r"\S+", source)) and ("/" in source or "\\" in source
                                                    or re.fullmatch(r"\S+\.(txt|md|rst|text)", source) is not None)


def _read_source(source) -> str:
    """The raw text of ``source``: None (the Python documentation prose), a path, or the text itself."""
    if source is None:
        return python_docs_text()
    if isinstance(source, str) and not _names_file(source) and not _looks_like_path(source):
        return source                                                      # the text itself
    if not isinstance(source, (str, Path)):
        raise ArgumentTypeError(f"source must be None, a path or a str of text; got {type(source).__name__}")
    path = Path(source)
    if not path.is_file():
        raise ValueError(f"source names no file: {str(source)!r} does not exist or is not a file "
                         "(pass the text itself as a str, or a path to a UTF-8 text file)")
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ValueError(f"source {str(source)!r} could not be read as UTF-8 text: {err}") from None


@dataclass
class TextCorpus:
    """Encoded windows of a text. ``train``/``held_out``: LongTensor (N, L) with values in 0..K−1."""

    train: torch.Tensor
    held_out: torch.Tensor
    alphabet: str = ALPHABET
    text: str = field(default="", repr=False)

    @property
    def num_categories(self) -> int:
        """K, the alphabet size."""
        return len(self.alphabet)

    @property
    def length(self) -> int:
        """L, the sequence length."""
        return self.train.shape[1]

    def decode(self, codes) -> str | list[str]:
        return decode(codes, self.alphabet)

    def encode(self, text: str) -> torch.Tensor:
        return encode(text, self.alphabet)


def load_corpus(source: str | Path | None = None, length: int = DEFAULT_LENGTH, held_out: float = 0.1,
                alphabet: str = ALPHABET, seed: int = 0) -> TextCorpus:
    """Clean, window, encode and split a text into train / held-out sequences (a seeded random split).

    ``source``: None (the Python documentation prose), a path to a UTF-8 text file (a
    :class:`~pathlib.Path`, or a str naming an existing file), or the text itself as a str.
    """
    held_out = in_interval(held_out, "held_out", 0.0, 1.0, "()")
    length, seed = integer(length, "length", minimum=2), _seed(seed)
    text = clean_text(_read_source(source), _check_alphabet(alphabet))
    starts = torch.tensor(_window_starts(text, length))
    if len(starts) < 2:
        raise ValueError(f"text gives only {len(starts)} sequence of length {length}; need at least 2 "
                         "(one to train on, one held out)")
    codes = encode(text, alphabet)[starts[:, None] + torch.arange(length)]     # (N, L)
    order = torch.randperm(len(starts), generator=make_generator(seed))
    n_held = min(max(1, round(held_out * len(starts))), len(starts) - 1)
    return TextCorpus(codes[order[n_held:]], codes[order[:n_held]], alphabet, text)
