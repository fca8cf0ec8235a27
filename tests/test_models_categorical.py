"""Categorical generator and one-hot critic against torch.distributions."""
import pytest
import torch

from bgan_teach.config import seeded
from bgan_teach.models import CategoricalGenerator, DiscreteCritic, DiscreteGenerator, OneHotCritic
from bgan_teach.models.categorical import categorical_log_prob, check_generator, one_hot, sample_categorical


@pytest.fixture
def gen():
    with seeded(0):
        return CategoricalGenerator(5, 3, noise_dim=4, hidden=16)


def test_forward_shape_and_protocol(gen):
    """Check that forward gives logits (B, D, K) and both modules satisfy the exported protocols."""
    z = gen.noise(7, torch.Generator().manual_seed(0))
    assert z.shape == (7, 4) and gen(z).shape == (7, 5, 3)
    critic = OneHotCritic(5, 3, hidden=8)
    assert isinstance(gen, DiscreteGenerator) and isinstance(critic, DiscreteCritic)
    assert critic(one_hot(torch.zeros(9, 5, dtype=torch.long), 3)).shape == (9,)


def test_log_prob_matches_torch_distributions(gen):
    """Check that log_prob equals Categorical(logits).log_prob summed over positions, also for (M, B, D) samples."""
    z = gen.noise(6, torch.Generator().manual_seed(1))
    x = gen.sample_many(z, 4, torch.Generator().manual_seed(2))                  # (4, 6, 5)
    ref = torch.distributions.Categorical(logits=gen(z)).log_prob(x).sum(-1)     # (4, 6)
    torch.testing.assert_close(gen.log_prob(x, z), ref)
    torch.testing.assert_close(gen.log_prob(x[0], z), ref[0])


def test_log_prob_has_gradient_and_sums_not_averages(gen):
    """Check that log_prob carries gradient and sums the per-position terms (pitfall: averaging)."""
    logits = torch.zeros(1, 5, 3, requires_grad=True)
    x = torch.zeros(1, 5, dtype=torch.long)
    lp = categorical_log_prob(logits, x)
    torch.testing.assert_close(lp, torch.tensor([5 * torch.log(torch.tensor(1 / 3)).item()]))
    lp.sum().backward()
    assert logits.grad.abs().sum() > 0


def test_sample_many_shapes_range_and_no_grad(gen):
    """Check sample_many gives LongTensor (M, B, D) in [0, K) without gradient, and sample gives (n, D)."""
    z = gen.noise(3, torch.Generator().manual_seed(0))
    x = gen.sample_many(z, 11, torch.Generator().manual_seed(0))
    assert x.shape == (11, 3, 5) and x.dtype == torch.long and not x.requires_grad
    assert 0 <= x.min() and x.max() < 3
    s = gen.sample(8, torch.Generator().manual_seed(0))
    assert s.shape == (8, 5) and s.dtype == torch.long


def test_sample_frequencies_match_softmax():
    """Check that sample_categorical's frequencies per position match softmax(logits) (each column its own z)."""
    logits = torch.tensor([[[2.0, 0.0, -1.0], [0.0, 0.0, 0.0]]])
    x = sample_categorical(logits, 100_000, torch.Generator().manual_seed(3))      # (M, 1, 2)
    freq = one_hot(x, 3).mean(0)[0]                                                # (2, 3)
    torch.testing.assert_close(freq, torch.softmax(logits[0], -1), rtol=0, atol=0.006)


def test_sampling_is_reproducible(gen):
    """Check that the same torch.Generator seed gives the same samples."""
    a = gen.sample(20, torch.Generator().manual_seed(9))
    b = gen.sample(20, torch.Generator().manual_seed(9))
    assert torch.equal(a, b)


def test_sizes_are_parameters():
    """Check that hidden, layers and noise settings change the module."""
    small = CategoricalGenerator(4, 2, noise_dim=3, hidden=8, layers=1)
    big = CategoricalGenerator(4, 2, noise_dim=3, hidden=32, layers=3)
    count = lambda m: sum(p.numel() for p in m.parameters())  # noqa: E731
    assert count(small) < count(big)
    normal = CategoricalGenerator(4, 2)
    assert (normal.noise(1000, torch.Generator().manual_seed(0)) < 0).any()
    assert (CategoricalGenerator(4, 2, noise="uniform").noise(1000, torch.Generator().manual_seed(0)) >= 0).all()


@pytest.mark.parametrize("kwargs", [dict(num_positions=0, num_categories=3), dict(num_positions=2, num_categories=1),
                                    dict(num_positions=2, num_categories=3, hidden=0),
                                    dict(num_positions=2, num_categories=3, noise="cauchy")])
def test_bad_sizes_raise(kwargs):
    """Check that invalid sizes or noise kinds raise ValueError."""
    with pytest.raises(ValueError):
        CategoricalGenerator(**kwargs)


def test_check_generator_rejects_mismatch(gen):
    """Check that the protocol check names a size mismatch and a missing attribute."""
    with pytest.raises(ValueError, match="num_positions"):
        check_generator(gen, 4, 3)
    with pytest.raises(ValueError, match="noise_dim"):
        check_generator(torch.nn.Linear(2, 2), 5, 3)
