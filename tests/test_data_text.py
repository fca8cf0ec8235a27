"""Tests for bgan_teach.data.text: cleaning, encode/decode round trip, windows, split, bad input."""
import pytest
import torch

from bgan_teach.data import text as T


def test_round_trip_every_character():
    """Check that decode(encode(s)) == s for a string using every alphabet character."""
    s = T.ALPHABET[::-1] + T.ALPHABET
    codes = T.encode(s)
    assert codes.dtype == torch.long and codes.shape == (len(s),)
    assert T.decode(codes) == s
    assert codes.tolist()[: len(T.ALPHABET)] == list(range(len(T.ALPHABET)))[::-1]


def test_decode_batch_gives_list():
    """Check that an (N, L) tensor decodes to N strings, one per row."""
    codes = torch.stack([T.encode("ab c"), T.encode("z.,'")])
    assert T.decode(codes) == ["ab c", "z.,'"]


def test_encode_rejects_unknown_characters():
    """Check that encode raises ValueError naming a character outside the alphabet."""
    with pytest.raises(ValueError, match="'A'"):
        T.encode("hello A")
    with pytest.raises(ValueError, match="must be a str"):
        T.encode(42)


def test_decode_rejects_out_of_range():
    """Check that decode raises ValueError for indices >= K and for float input."""
    with pytest.raises(ValueError, match="0..29"):
        T.decode(torch.tensor([0, 30]))
    with pytest.raises(ValueError, match="integer"):
        T.decode(torch.zeros(3))


def test_clean_text_documented_mapping():
    """Check that clean_text applies the documented mapping on a hand-made example."""
    raw = "Hello , World . . Don’t 'quote' it: yes! 3x_y (a)\n\nEnd"
    assert T.clean_text(raw) == "hello, world. don't quote it. yes. x y a end"
    assert set(T.clean_text("ÄÖÜ 12 ab")) <= set(T.ALPHABET)


def test_windows_start_at_words_and_do_not_overlap():
    """Check that windows have the given length, start at a word start and never overlap."""
    text = "the cat sat on the mat and the dog ran off"
    wins = T.text_sequences(text, 8)
    assert wins == ["the cat ", "sat on t", "mat and ", "the dog "]     # "the" was cut: skipped
    assert all(len(w) == 8 for w in wins)


def test_short_text_raises():
    """Check that text shorter than one sequence (after cleaning) raises a clear ValueError."""
    with pytest.raises(ValueError, match="shorter"):
        T.load_corpus("tiny text", length=16)
    with pytest.raises(ValueError, match="at least 2"):
        T.load_corpus("exactly sixteen!", length=16)


def test_bad_length_and_fraction():
    """Check that a bad length or held_out fraction raises ValueError naming the parameter."""
    with pytest.raises(ValueError, match="length"):
        T.text_sequences("some text here", 1)
    with pytest.raises(ValueError, match="held_out"):
        T.load_corpus("a b c d e f g h i j", length=4, held_out=1.0)


def test_own_string_and_file(tmp_path):
    """Check that a learner's string and a file give the same corpus, split without loss."""
    text = "It was the best of times, it was the worst of times. " * 20
    path = tmp_path / "mine.txt"
    path.write_text(text, encoding="utf-8")
    a, b = T.load_corpus(text, length=12, seed=3), T.load_corpus(path, length=12, seed=3)
    assert torch.equal(a.train, b.train) and torch.equal(a.held_out, b.held_out)
    assert T.load_corpus(str(path), length=12, seed=3).text == a.text
    windows = T.text_sequences(T.clean_text(text), 12)
    got = sorted(a.decode(torch.cat([a.train, a.held_out])))
    assert got == sorted(windows) and a.num_categories == 30 and a.length == 12


def test_missing_file_name_raises():
    """Check that a str naming a missing .txt file raises ValueError instead of being read as text."""
    with pytest.raises(ValueError, match="no file"):
        T.load_corpus("no_such_book.txt")


def test_split_is_seeded():
    """Check that the same seed gives the same split and another seed a different one."""
    text = " ".join("abcdefghij"[i % 10] * (1 + i % 7) for i in range(400))
    a, b, c = (T.load_corpus(text, length=10, seed=s) for s in (0, 0, 1))
    assert torch.equal(a.held_out, b.held_out) and not torch.equal(a.held_out, c.held_out)


def test_default_corpus():
    """Check that the built-in Python-docs corpus loads offline with the default sizes."""
    corpus = T.load_corpus()
    assert corpus.length == T.DEFAULT_LENGTH and corpus.num_categories == len(T.ALPHABET)
    assert len(corpus.train) > 10_000 and 0.05 < len(corpus.held_out) / len(corpus.train) < 0.15
    assert int(corpus.train.min()) >= 0 and int(corpus.train.max()) < corpus.num_categories
    assert (corpus.train[:, 0] != 0).all()        # windows start at a word, never at a space
    assert ">>>" not in T.python_docs_text()
