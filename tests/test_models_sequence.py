"""Tests for bgan_teach.models.sequence: shapes, protocol, seeding, sampling frequencies, training smoke."""
import pytest
import torch

from bgan_teach.models.categorical import check_generator, one_hot
from bgan_teach.models.sequence import SequenceCritic, SequenceGenerator, sample_sequences


def test_generator_protocol_and_shapes():
    """Check that the generator follows train_discrete's protocol: sizes, noise in [0, 1), (B, L, K) logits."""
    gen = SequenceGenerator(12, 7, noise_dim=5, width=8, blocks=1)
    check_generator(gen, 12, 7)
    z = gen.noise(4, torch.Generator().manual_seed(0))
    assert z.shape == (4, 5) and float(z.min()) >= 0 and float(z.max()) < 1
    assert gen(z).shape == (4, 12, 7)
    assert torch.equal(gen.noise(3, 5), gen.noise(3, 5))


def test_critic_shapes_and_bad_input():
    """Check that the critic maps (N, L, K) to (N,) and rejects other shapes with ValueError."""
    critic = SequenceCritic(10, 6, width=8, blocks=1)
    assert critic(one_hot(torch.randint(0, 6, (5, 10)), 6)).shape == (5,)
    with pytest.raises(ValueError, match=r"\(N, 10, 6\)"):
        critic(torch.zeros(5, 6, 10))


@pytest.mark.parametrize("kwargs", [dict(num_positions=1), dict(num_categories=1), dict(width=0), dict(blocks=-1)])
def test_bad_sizes_raise(kwargs):
    """Check that invalid sizes raise ValueError naming the parameter."""
    args = dict(num_positions=8, num_categories=5, width=4, blocks=1) | kwargs
    name = next(iter(kwargs))
    with pytest.raises(ValueError, match=name):
        SequenceGenerator(**args)
    with pytest.raises(ValueError, match=name):
        SequenceCritic(**args)


def test_construction_is_seeded():
    """Check that the same seed builds identical weights and a different seed different ones."""
    a, b, c = SequenceGenerator(8, 5, seed=3), SequenceGenerator(8, 5, seed=3), SequenceGenerator(8, 5, seed=4)
    assert all(torch.equal(x, y) for x, y in zip(a.state_dict().values(), b.state_dict().values()))
    assert not torch.equal(a.dense.weight, c.dense.weight)


def test_critic_sees_every_position():
    """Check that the critic output depends on every position (gradient non-zero at each one)."""
    critic = SequenceCritic(9, 4, width=8, blocks=1)
    x = one_hot(torch.randint(0, 4, (3, 9)), 4).requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(x).sum(), x)
    assert (grad.abs().sum((0, 2)) > 0).all()


def test_sample_frequencies_match_softmax():
    """Check that sample_sequences draws each position from softmax(logits) (empirical vs exact)."""
    gen = SequenceGenerator(3, 4, noise_dim=2, width=4, blocks=0, seed=0)
    z = torch.full((20000, 2), 0.5)                       # one z repeated: a product of categoricals
    out = sample_sequences(gen, 20000, seed=1, z=z)
    probs = torch.softmax(gen(z[:1]).double(), -1)[0]      # (L, K)
    freq = torch.stack([torch.bincount(out[:, l], minlength=4) for l in range(3)]).double() / 20000
    assert out.shape == (20000, 3) and (freq - probs).abs().max() < 0.015
    assert torch.equal(out, sample_sequences(gen, 20000, seed=1, z=z))


def _tiny_run(seed):
    from bgan_teach.data.text import load_corpus
    from bgan_teach.metrics.text import text_snapshot_fn
    from bgan_teach.training.discrete import train_discrete

    corpus = load_corpus("the cat sat on the mat. " * 30, length=8, seed=0)
    gen = SequenceGenerator(8, corpus.num_categories, noise_dim=4, width=8, blocks=1, seed=seed)
    critic = SequenceCritic(8, corpus.num_categories, width=8, blocks=1, seed=seed + 1)
    return train_discrete(corpus.train, corpus.num_categories, samples_per_z=3, steps=4, batch_size=5,
                          seed=seed, progress=False, generator=gen, critic=critic, snapshot_every=2,
                          snapshot_fn=text_snapshot_fn(corpus, n_show=2, n_eval=20))


def test_training_smoke_and_determinism():
    """Check that train_discrete runs with the sequence models, gives text views, and is seeded."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)                 # tiny convolutions: extra threads only add overhead
    try:
        a, b = _tiny_run(0), _tiny_run(0)
    finally:
        torch.set_num_threads(threads)
    assert a.stopped is None and len(a.snapshots) == 3
    assert all(len(s.extras["samples"]) == 2 and len(s.extras["samples"][0]) == 8 for s in a.snapshots)
    for key in ("loss_d", "loss_g", "ess"):
        assert (a.history[key] == b.history[key]).all()
    assert all(torch.equal(x, y) for x, y in zip(a.generator.state_dict().values(), b.generator.state_dict().values()))
    assert a.snapshots[-1].extras == b.snapshots[-1].extras
    assert not torch.equal(a.generator.dense.weight, a.generator_at(0).dense.weight)   # it did train
