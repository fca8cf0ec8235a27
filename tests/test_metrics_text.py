"""Tests for bgan_teach.metrics.text: bigram JS, word share and the two reference samplers."""
import math

import pytest
import torch
from scipy.spatial.distance import jensenshannon

from bgan_teach.data.text import ALPHABET, encode, load_corpus
from bgan_teach.metrics import text as M

K = len(ALPHABET)


def rows(*lines):
    return torch.stack([encode(s) for s in lines])


def test_bigram_distribution_counts_within_rows():
    """Check that bigrams are counted within each row only, on a hand-made pair of rows."""
    p = M.bigram_distribution(rows("aab", "ba "), K)
    a, b, sp = (ALPHABET.index(c) for c in "ab ")
    expected = {(a, a): 0.25, (a, b): 0.25, (b, a): 0.25, (a, sp): 0.25}
    assert p.shape == (K, K) and abs(float(p.sum()) - 1) < 1e-12
    for (i, j), value in expected.items():
        assert float(p[i, j]) == value
    assert float(p[b, b]) == 0.0            # the pair across rows ("b" then "b") is never counted


def test_bigram_js_closed_form():
    """Check bigram JS against a hand-derived value: P = {aa: ½, ab: ½}, Q = {aa: 1}."""
    got = M.bigram_js(rows("aab"), rows("aaa"), K)
    m_aa, m_ab = 0.75, 0.25
    expected = 0.5 * (0.5 * math.log(0.5 / m_aa) + 0.5 * math.log(0.5 / m_ab)) + 0.5 * math.log(1 / m_aa)
    assert got == pytest.approx(expected, abs=1e-12)


def test_bigram_js_extremes_and_scipy():
    """Check JS = 0 for equal texts, log 2 for disjoint bigrams, and agreement with scipy."""
    assert M.bigram_js(rows("abc"), rows("abc", "abc"), K) == pytest.approx(0.0, abs=1e-15)
    assert M.bigram_js(rows("aaa"), rows("bbb"), K) == pytest.approx(math.log(2), abs=1e-12)
    x, y = rows("the cat sat", "on the mat."), rows("a dog, a log", "dogs at sea.")
    p, q = (M.bigram_distribution(t, K).flatten().numpy() for t in (x, y))
    assert M.bigram_js(x, y, K) == pytest.approx(jensenshannon(p, q) ** 2, abs=1e-12)


def test_word_share_hand_made():
    """Check word share on hand-made lines: last token skipped, short tokens ignored, marks stripped."""
    vocab = M.vocabulary("the cat, the dog. on")
    assert vocab == {"the", "cat", "dog", "on"}
    assert M.word_share(["the cat sat", "dog xyz on "], vocab) == 0.75
    assert M.word_share(["cat, dog. zzz"], vocab) == 1.0
    assert math.isnan(M.word_share(["on a hill"], vocab))
    with pytest.raises(ValueError, match="list"):
        M.word_share("the cat sat", vocab)


def test_bad_codes_raise():
    """Check that out-of-range or float codes raise ValueError naming the parameter."""
    with pytest.raises(ValueError, match="num_categories"):
        M.bigram_distribution(torch.tensor([[0, K]]), K)
    with pytest.raises(ValueError, match="integer"):
        M.bigram_js(torch.zeros(2, 3), rows("abc"), K)


def test_bigram_sampler_reproduces_deterministic_chain():
    """Check that the bigram chain fitted on 'abcabc…' regenerates exactly that cycle, seeded."""
    train = rows("abcabcab", "bcabcabc", "cabcabca")
    out = M.bigram_sampler(train, K, 50, seed=1)
    for line in ["".join(ALPHABET[i] for i in r) for r in out.tolist()]:
        assert line in {"abcabcab", "bcabcabc", "cabcabca"}
    assert torch.equal(out, M.bigram_sampler(train, K, 50, seed=1))
    assert out.shape == (50, 8)


def test_unigram_sampler_frequencies():
    """Check that the unigram sampler matches the training character frequencies (3/4 a, 1/4 b)."""
    train = rows("aaab", "abaa")
    out = M.unigram_sampler(train, K, 4000, seed=0)
    share_a = float((out == ALPHABET.index("a")).double().mean())
    assert abs(share_a - 0.75) < 0.01 and set(out.unique().tolist()) == {ALPHABET.index(c) for c in "ab"}
    assert torch.equal(out, M.unigram_sampler(train, K, 4000, seed=0))


def test_reference_metrics_ordering():
    """Check on the real corpus: bigram chain beats unigram on both metrics; real text has word share 1."""
    corpus = load_corpus()
    ref = M.reference_metrics(corpus, n=1000, seed=0)
    assert ref["bigram"]["bigram_js"] < ref["unigram"]["bigram_js"]
    assert ref["bigram"]["word_share"] > ref["unigram"]["word_share"]
    assert ref["real text"]["word_share"] == 1.0
    assert ref["real text"]["bigram_js"] < ref["unigram"]["bigram_js"] / 10


def _tiny_models(length=6):
    from bgan_teach.models.sequence import SequenceCritic, SequenceGenerator

    return SequenceGenerator(length, K, noise_dim=3, width=8, seed=0), SequenceCritic(length, K, width=8, seed=1)


def test_weighted_samples_are_softmax_of_critic_logits():
    """Check that weighted_samples returns M samples of one z with w~ = softmax(critic logits), best first."""
    gen, critic = _tiny_models()
    rows = M.weighted_samples(gen, critic, ALPHABET, m_samples=7, seed=2)
    texts = [r[0] for r in rows]
    x = torch.nn.functional.one_hot(torch.stack([encode(t) for t in texts]), K).float()
    with torch.no_grad():
        v = critic(x)                                            # GAN: log w = V
    torch.testing.assert_close(torch.tensor([r[1] for r in rows]), v)
    torch.testing.assert_close(torch.tensor([r[2] for r in rows]), torch.softmax(v.double(), 0).float())
    assert [r[2] for r in rows] == sorted((r[2] for r in rows), reverse=True) and len(rows) == 7


def test_snapshot_views_use_fixed_noise():
    """Check that snapshot views show the same samples for the same generator and carry both metrics."""
    corpus = load_corpus("the cat sat on the mat, and a dog sat on a log. " * 20, length=6)
    gen, critic = _tiny_models()
    fn = M.snapshot_views(corpus, n_show=3, n_eval=30, seed=4)
    a, b = fn(gen, critic), fn(gen, critic)
    assert a == b and len(a["samples"]) == 3 and all(len(s) == 6 for s in a["samples"])
    assert 0 <= a["bigram_js"] <= math.log(2) + 1e-12 and set(a) == {"samples", "bigram_js", "word_share"}
