"""Tests for bgan_teach.models.digits: convolutional critic and generator for 8x8 categorical images."""
import pytest
import torch

from bgan_teach.models.categorical import check_generator, one_hot
from bgan_teach.models.digits import DigitConvCritic, DigitConvGenerator, from_image, to_image


@pytest.mark.parametrize("k", [2, 4, 17])
def test_critic_maps_one_hot_images_to_logits(k):
    """Check that the critic maps float (N, 64, K) to finite raw logits of shape (N,)."""
    torch.manual_seed(0)
    x = one_hot(torch.randint(0, k, (5, 64)), k)
    v = DigitConvCritic(k)(x)
    assert v.shape == (5,) and torch.isfinite(v).all()


def test_critic_gradient_flows_to_inputs_and_parameters():
    """Check that d V / d x (needed by the gradient penalty) and parameter gradients are non-zero."""
    torch.manual_seed(0)
    critic = DigitConvCritic(2)
    x = one_hot(torch.randint(0, 2, (4, 64)), 2).requires_grad_(True)
    critic(x).sum().backward()
    assert x.grad is not None and x.grad.abs().sum() > 0
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in critic.parameters())


def test_image_layout_is_row_major():
    """Check that position d = 8*row + col lands at pixel (row, col) and the round trip is exact."""
    x = torch.arange(64 * 3, dtype=torch.float32).view(1, 64, 3)
    img = to_image(x)
    assert img.shape == (1, 3, 8, 8)
    assert img[0, 2, 1, 5] == x[0, 8 * 1 + 5, 2]
    torch.testing.assert_close(from_image(img), x)


@pytest.mark.parametrize("k", [2, 4])
def test_generator_follows_protocol(k):
    """Check noise/forward/sample/sample_many/log_prob shapes and the protocol check of train_discrete."""
    torch.manual_seed(0)
    gen_module = DigitConvGenerator(k, noise_dim=8)
    check_generator(gen_module, 64, k)
    rng = torch.Generator().manual_seed(0)
    z = gen_module.noise(3, rng)
    assert z.shape == (3, 8) and 0 <= z.min() and z.max() < 1
    assert gen_module(z).shape == (3, 64, k)
    x = gen_module.sample_many(z, 5, rng)
    assert x.shape == (5, 3, 64) and x.dtype == torch.long and x.max() < k
    assert gen_module.sample(7, rng).shape == (7, 64)
    assert gen_module.log_prob(x, z).shape == (5, 3)


def test_generator_log_prob_matches_torch_distributions():
    """Check that log g(x|z) is the sum over pixels of Categorical(logits).log_prob (not a mean)."""
    torch.manual_seed(1)
    gen_module = DigitConvGenerator(3, noise_dim=4)
    z = gen_module.noise(2)
    x = gen_module.sample_many(z, 4)
    ref = torch.distributions.Categorical(logits=gen_module(z)).log_prob(x).sum(-1)   # (4, 2)
    torch.testing.assert_close(gen_module.log_prob(x, z), ref)


def test_generator_gradient_flows_through_log_prob():
    """Check that every generator parameter gets a gradient from log g(x|z)."""
    torch.manual_seed(2)
    gen_module = DigitConvGenerator(2, noise_dim=4)
    z = gen_module.noise(3)
    gen_module.log_prob(gen_module.sample_many(z, 2), z).sum().backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in gen_module.parameters())


def test_generator_sampling_is_reproducible():
    """Check that the same torch.Generator seed gives the same samples."""
    torch.manual_seed(3)
    gen_module = DigitConvGenerator(2)
    a = gen_module.sample(10, torch.Generator().manual_seed(5))
    b = gen_module.sample(10, torch.Generator().manual_seed(5))
    assert torch.equal(a, b)


@pytest.mark.parametrize("cls, kwargs, match", [
    (DigitConvCritic, {"num_categories": 1}, "num_categories"),
    (DigitConvCritic, {"channels": 0}, "channels"),
    (DigitConvGenerator, {"num_categories": 2.5}, "num_categories"),
    (DigitConvGenerator, {"noise_dim": 0}, "noise_dim"),
])
def test_bad_sizes_raise_value_error(cls, kwargs, match):
    """Check that invalid sizes raise ValueError naming the parameter."""
    with pytest.raises(ValueError, match=match):
        cls(**kwargs)


def test_critic_rejects_wrong_input_shape():
    """Check that the critic names the expected (N, 64, K) shape when given something else."""
    with pytest.raises(ValueError, match=r"\(N, 64, 2\)"):
        DigitConvCritic(2)(torch.zeros(3, 64, 4))
