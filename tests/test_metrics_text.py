"""Tests for bgan_teach.metrics.text: bigram JS, word share and the two reference samplers."""
import math
from types import SimpleNamespace

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


def test_text_snapshot_fn_uses_fixed_noise():
    """Check that snapshot views show the same samples for the same generator and carry both metrics."""
    corpus = load_corpus("the cat sat on the mat, and a dog sat on a log. " * 20, length=6)
    gen, critic = _tiny_models()
    fn = M.text_snapshot_fn(corpus, n_show=3, n_eval=30, seed=4)
    trainer = SimpleNamespace(generator=gen, critic=critic)          # what the hook reads from a trainer
    a, b = fn(trainer), fn(trainer)
    assert a == b and len(a["samples"]) == 3 and all(len(s) == 6 for s in a["samples"])
    assert 0 <= a["bigram_js"] <= math.log(2) + 1e-12 and set(a) == {"samples", "bigram_js", "word_share"}



def test_distinct_n_by_hand():
    """Check distinct-n on tiny rows: 'aab','aab' gives 2/6, 2/4, 1/2; 'abc','bca' distinct-2 is 3/4."""
    x = rows("aab", "aab")
    assert M.distinct_n(x, K, 1) == pytest.approx(2 / 6)
    assert M.distinct_n(x, K, 2) == pytest.approx(2 / 4)         # {aa, ab}
    assert M.distinct_n(x, K, 3) == pytest.approx(1 / 2)
    assert M.distinct_n(rows("abc", "bca"), K, 2) == pytest.approx(3 / 4)   # ab, bc, bc, ca; never across rows
    assert M.distinct_n(rows("ab", "ba"), K, 2) == 1.0               # 'b' + 'b' across the row break is no n-gram
    d = M.diversity_metrics(x, K, max_n=3)
    assert d == {"distinct_1": 2 / 6, "distinct_2": 2 / 4, "distinct_3": 1 / 2, "unique_share": 1 / 2}


def test_unique_share_of_repetition_is_one_over_n():
    """Check that N copies of one sample give unique share 1/N, and N different samples give 1."""
    assert M.unique_share(rows(*["the cat"] * 7)) == pytest.approx(1 / 7)
    assert M.unique_share(rows("the cat", "the cot", "the cat")) == pytest.approx(2 / 3)
    assert M.unique_share(rows("ab", "ba", "aa", "bb")) == 1.0


def test_fitted_bigram_is_the_counted_chain():
    """Check that order-2 counts equal the row-normalised bigram distribution and T = 1 leaves them unchanged."""
    corpus = load_corpus("the cat sat on the mat, and a dog sat on a log. " * 20, length=8)
    model = M.fit_ngram(corpus.train, K, order=2)
    joint = M.bigram_distribution(corpus.train, K)                             # (K, K)
    seen = joint.sum(1) > 0
    expected = joint[seen] / joint[seen].sum(1, keepdim=True)
    torch.testing.assert_close(model.log_probs[1].exp(), expected, rtol=0, atol=1e-12)
    assert torch.equal(model.keys[1], torch.nonzero(seen).squeeze(1))
    torch.testing.assert_close(M.temper(model.log_probs[1], 1.0).exp(), expected, rtol=0, atol=1e-12)
    first = torch.bincount(corpus.train[:, 0], minlength=K).double()
    torch.testing.assert_close(model.start.exp(), first / first.sum(), rtol=0, atol=1e-12)


def test_temperature_one_samples_reproduce_bigram_statistics():
    """Check that 20000 samples at T = 1 have the fitted transition frequencies (within 0.02) and first letters."""
    train = rows("abab", "abba", "baab", "aabb", "abab")
    x = M.ngram_sampler(train, K, 20000, order=2, temperature=1.0, seed=3)
    a, b = ALPHABET.index("a"), ALPHABET.index("b")
    fitted = M.fit_ngram(train, K, 2).log_probs[1].exp()                     # rows: contexts a, b
    got = M.bigram_distribution(x, K)[[a, b]][:, [a, b]]
    torch.testing.assert_close(got / got.sum(1, keepdim=True), fitted[:, [a, b]], rtol=0, atol=0.02)
    assert abs(float((x[:, 0] == a).double().mean()) - 0.8) < 0.02               # 4 of 5 rows start with "a"
    assert torch.equal(x, M.ngram_sampler(train, K, 20000, order=2, temperature=1.0, seed=3))


def test_temper_is_power_of_probabilities():
    """Check p_T ∝ p^(1/T) against numpy, -inf kept, and no nan at a tiny T (greedy, ties split evenly)."""
    p = torch.tensor([0.5, 0.3, 0.2, 0.0], dtype=torch.float64)
    for t in (0.25, 1.0, 3.0):
        q = (p.numpy() ** (1 / t)) / (p.numpy() ** (1 / t)).sum()
        torch.testing.assert_close(M.temper(torch.log(p), t).exp(), torch.from_numpy(q), rtol=0, atol=1e-12)
    tiny = M.temper(torch.log(torch.tensor([0.4, 0.4, 0.2, 0.0], dtype=torch.float64)), 1e-300)
    assert not torch.isnan(tiny).any() and tiny.exp().tolist() == [0.5, 0.5, 0.0, 0.0]
    assert M.temper(torch.log(p), 1e-6).exp().tolist() == [1.0, 0.0, 0.0, 0.0]


@pytest.mark.parametrize("bad", [0, 0.0, -1.0, float("inf"), float("nan"), "1", True])
def test_bad_temperature_raises(bad):
    """Check that a temperature that is not a finite number > 0 raises ValueError naming it."""
    with pytest.raises(ValueError, match="temperature"):
        M.ngram_sampler(rows("abab"), K, 3, temperature=bad)


def test_low_temperature_reduces_diversity():
    """Check on the real corpus: T → 0 is greedy (every sample the same sequence) and diversity grows with T."""
    corpus = load_corpus()
    rows_ = M.temperature_sweep(corpus, temperatures=(1e-4, 0.5, 1.0, 1.5), order=2, n=500, seed=0)
    greedy = M.ngram_sampler(corpus.train, K, 500, order=2, temperature=1e-4, seed=0)
    assert M.unique_share(greedy) == pytest.approx(1 / 500)       # most frequent first letter, then the arg max
    for key in ("distinct_2", "distinct_3", "distinct_4"):
        values = [r[key] for r in rows_]
        assert all(a < b for a, b in zip(values, values[1:])), (key, values)
    assert rows_[0]["unique_share"] == pytest.approx(1 / 500) and rows_[-1]["unique_share"] == 1.0
    assert [r["temperature"] for r in rows_] == [1e-4, 0.5, 1.0, 1.5]


def test_higher_order_reproduces_cycle_and_backs_off():
    """Check an order-3 model on 'abcabc…' regenerates the cycle, and unseen contexts use the longest seen suffix."""
    train = rows("abcabcab", "bcabcabc", "cabcabca")
    out = M.ngram_sampler(train, K, 30, order=3, seed=2)
    assert {"".join(ALPHABET[i] for i in r) for r in out.tolist()} <= {"abcabcab", "bcabcabc", "cabcabca"}
    model = M.fit_ngram(rows("xab", "yac"), K, order=3)
    ctx = torch.stack([encode("za"), encode("xa"), encode("qq")])                # (3, 2)
    got = model.next_log_probs(ctx).exp()                                       # (3, K)
    b, c = ALPHABET.index("b"), ALPHABET.index("c")
    assert got[0, b] == pytest.approx(0.5) and got[0, c] == pytest.approx(0.5)   # 'za' unseen → P(· | 'a')
    assert got[1, b] == pytest.approx(1.0)                                       # 'xa' seen → b
    unigram = torch.bincount(rows("xab", "yac").flatten(), minlength=K).double() / 6
    torch.testing.assert_close(got[2], unigram, rtol=0, atol=1e-12)              # 'qq' and 'q' unseen → unigram
    first_order = M.fit_ngram(rows("aaab", "abaa"), K, order=1)                # unigram_sampler's model
    assert first_order.log_probs[0].exp()[0, ALPHABET.index("a")] == pytest.approx(0.75)


def test_bad_ngram_arguments_raise():
    """Check that a bad order or n raises ValueError naming the parameter."""
    with pytest.raises(ValueError, match="order"):
        M.fit_ngram(rows("abc"), K, order=4)
    with pytest.raises(ValueError, match="order"):
        M.fit_ngram(rows("abc"), K, order=0)
    with pytest.raises(ValueError, match="n must be"):
        M.distinct_n(rows("abc"), K, 4)
    with pytest.raises(ValueError, match="max_n"):
        M.diversity_metrics(rows("abc"), K, max_n=0)
    with pytest.raises(ValueError, match="n must be an integer >= 1"):
        M.ngram_sampler(rows("abc"), K, 0)
