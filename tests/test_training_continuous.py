"""ContinuousGAN stepper and train_continuous: determinism, controls, bad inputs, NaN stops."""
import warnings

import pytest
import torch

from bgan_teach.divergences import get

from bgan_teach.data import ring
from bgan_teach.training import ContinuousGAN, train_continuous

SMALL = dict(batch_size=16, hidden=16, layers=1)



def _rows(history):
    """History rows without the wall-clock column (which differs between runs)."""
    return [{k: v for k, v in row.items() if k != "seconds"} for row in history.rows]

def _params(module):
    return torch.cat([p.detach().flatten() for p in module.parameters()])


def test_same_seed_same_result():
    """Check that the same seed gives identical histories and weights; another seed differs."""
    a = train_continuous(ring(), steps=15, seed=3, progress=False, **SMALL)
    b = train_continuous(ring(), steps=15, seed=3, progress=False, **SMALL)
    c = train_continuous(ring(), steps=15, seed=4, progress=False, **SMALL)
    assert _rows(a.history) == _rows(b.history)
    assert torch.equal(_params(a.generator), _params(b.generator))
    assert not torch.equal(_params(a.generator), _params(c.generator))


@pytest.mark.parametrize("loss", ["boundary_seeking", "boundary_seeking_log_z", "non_saturating", "minimax"])
def test_tensor_data_and_every_loss(loss):
    """Check that any (N, d) FloatTensor trains with each generator loss and samples have shape (n, d)."""
    data = torch.randn(100, 5)
    res = train_continuous(data, generator_loss=loss, steps=6, snapshot_every=3, progress=False, **SMALL)
    assert res.generator.sample(7).shape == (7, 5)
    assert [s.step for s in res.snapshots] == [0, 3, 6]
    assert len(res.history) == 6 and res.stopped is None
    assert res.snapshots[-1].extras["x_fake"].shape == (512, 5)


def test_critic_and_generator_steps_touch_only_their_network():
    """Check that critic_step changes only the critic and generator_step only the generator."""
    gan = ContinuousGAN(ring(), seed=0, **SMALL)
    g0, d0 = _params(gan.generator), _params(gan.critic)
    gan.critic_step()
    assert torch.equal(_params(gan.generator), g0) and not torch.equal(_params(gan.critic), d0)
    d1 = _params(gan.critic)
    gan.generator_step()
    assert not torch.equal(_params(gan.generator), g0) and torch.equal(_params(gan.critic), d1)
    assert gan.steps == 1 and gan.critic_steps_done == 1 and len(gan.history) == 1


def test_set_lr_keeps_training_and_reset_restores_start():
    """Check that set_lr changes Adam's lr without touching weights or history; reset restores step 0."""
    gan = ContinuousGAN(ring(), seed=0, **SMALL)
    start = _params(gan.generator)
    gan.train(3)
    trained = _params(gan.generator)
    gan.set_lr(lr=0.05, critic_lr=0.02)
    assert gan.opt_g.param_groups[0]["lr"] == 0.05 and gan.opt_d.param_groups[0]["lr"] == 0.02
    assert torch.equal(_params(gan.generator), trained) and gan.steps == 3 and len(gan.history) == 3
    gan.reset()
    assert torch.equal(_params(gan.generator), start) and gan.steps == 0 and len(gan.history) == 0


def test_critic_steps_option():
    """Check that critic_steps=k runs k critic updates per generator update."""
    gan = ContinuousGAN(ring(), seed=0, critic_steps=3, **SMALL)
    gan.train(2)
    assert gan.critic_steps_done == 6 and gan.steps == 2


def test_critic_warmup_only_before_first_generator_step():
    """Check that critic_warmup adds critic updates before the first generator step only."""
    gan = ContinuousGAN(ring(), seed=0, critic_steps=2, critic_warmup=7, **SMALL)
    gan.step()
    assert gan.critic_steps_done == 9
    gan.step()
    assert gan.critic_steps_done == 11


def test_skip_generator_starts_affine():
    """Check that with skip=True a fresh generator is exactly affine in z (a Gaussian), and trains away from it."""
    from bgan_teach.models import MLPGenerator

    g = MLPGenerator(noise_dim=3, out_dim=2, hidden=8, skip=True)
    z = torch.randn(5, 3)
    zero = g(torch.zeros(1, 3))
    torch.testing.assert_close(g(2 * z) - zero, 2 * (g(z) - zero))
    gan = ContinuousGAN(ring(), seed=0, **SMALL)
    gan.train(3)
    assert gan.generator.net[-1].weight.abs().sum() > 0


def test_component_noise_is_one_hot_and_uniform():
    """Check the component code: noise is [ε, one-hot], every component drawn about equally often."""
    from bgan_teach.models import MLPGenerator

    g = MLPGenerator(noise_dim=2, out_dim=2, hidden=8, components=8)
    z = g.noise(8000, 0)
    assert z.shape == (8000, 10) and g.input_dim == 10
    onehot = z[:, 2:]
    assert torch.equal(onehot.sum(1), torch.ones(8000)) and set(onehot.unique().tolist()) == {0.0, 1.0}
    counts = onehot.sum(0)                                 # binomial(8000, 1/8): mean 1000, sd ≈ 30
    assert ((counts - 1000).abs() < 150).all()
    assert torch.equal(g.noise(5, 3), g.noise(5, 3))
    assert MLPGenerator(noise_dim=2, components=0).noise(4, 0).shape == (4, 2)
    with pytest.raises(ValueError, match="components"):
        MLPGenerator(components=-1)


@pytest.mark.parametrize("spread", [0.5, 0.9])
def test_component_spread_splits_the_data_variance(spread):
    """Check that at the start (G affine in z) component means spread with `spread` of the data's variance
    and each component's own spread carries the rest; the mixture keeps the data's moments."""
    gen = torch.Generator().manual_seed(0)
    std = torch.tensor([2.0, 0.5])
    data = torch.randn(4000, 2, generator=gen) * std + torch.tensor([1.0, -1.0])
    gan = ContinuousGAN(data, seed=0, components=64, component_spread=spread, **SMALL)
    g = gan.generator
    d_z = g.noise_dim
    with torch.no_grad():
        means = g(g.inputs(torch.zeros(64, d_z), torch.arange(64)))                 # (64, 2) component means
        own = g(g.inputs(torch.randn(20000, d_z, generator=gen), torch.zeros(20000, dtype=torch.long)))
    data_std = data.std(0)
    torch.testing.assert_close(means.std(0), data_std * spread ** 0.5, rtol=0.1, atol=0)
    torch.testing.assert_close(own.std(0), data_std * (1 - spread) ** 0.5, rtol=0.15, atol=0)
    assert ((means.mean(0) - data.mean(0)).abs() <= 0.15 * data_std).all()     # data_init uses 1024 samples


def test_data_init_matches_moments():
    """Check that data_init starts G(z) with the data's per-axis mean and standard deviation."""
    gen = torch.Generator().manual_seed(0)
    std, mean = torch.tensor([3.0, 0.5]), torch.tensor([1.0, -2.0])
    data = torch.randn(2000, 2, generator=gen) * std + mean
    gan = ContinuousGAN(data, seed=0, **SMALL)
    x = gan.fake_batch(20000).detach()
    # data_init estimates from 1024 samples each: ~3 % error on a std, ~0.04 std on a mean
    torch.testing.assert_close(x.std(0), std, rtol=0.1, atol=0)
    assert ((x.mean(0) - mean).abs() <= 0.15 * std).all()


def test_loss_gradient_matches_finite_differences():
    """Check loss_gradient (per-sample ∇x of the generator loss) against central differences."""
    gan = ContinuousGAN(ring(), seed=0, **SMALL)
    gan.critic.double()
    x = torch.randn(4, 2, dtype=torch.float64)
    grad = gan.loss_gradient(x)
    eps = 1e-6
    for i in range(4):
        for j in range(2):
            e = torch.zeros_like(x)
            e[i, j] = eps
            f = lambda y: 0.5 * gan.critic(y[i:i + 1]).pow(2).sum()  # noqa: E731  (½V², GAN)
            assert grad[i, j].item() == pytest.approx(((f(x + e) - f(x - e)) / (2 * eps)).item(), rel=1e-5, abs=1e-9)


def test_nan_stops_and_keeps_history():
    """Check that a NaN stops training with a warning naming quantity and step, keeping the history."""
    gan = ContinuousGAN(ring(), seed=0, **SMALL)
    gan.train(3)
    with torch.no_grad():
        gan.critic.net[-1].bias.fill_(float("nan"))
    with pytest.warns(RuntimeWarning, match="became nan at step 4"):   # the step whose update would fail
        message = gan.train(5)
    assert "nan" in message and len(gan.history) == 3


def test_train_continuous_nan_result():
    """Check that train_continuous returns the partial history and the stop message on NaN."""
    data = torch.full((10, 2), 3e38)                        # finite, but the critic overflows on it
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = train_continuous(data, steps=5, progress=False, data_init=False, **SMALL)
    assert res.stopped is not None and "at step" in res.stopped and len(res.history) < 5


@pytest.mark.parametrize("kwargs, match", [
    (dict(generator_loss="wgan"), "generator_loss"),
    (dict(divergence="tv"), "unknown divergence"),
    (dict(steps=-1), "steps"),
    (dict(batch_size=0), "batch_size"),
    (dict(lr=0.0), "lr"),
    (dict(critic_steps=1.5), "critic_steps"),
    (dict(penalty=-1.0), "penalty"),
    (dict(momentum=0.9), "unknown options"),
    (dict(components=-2), "components"),
    (dict(component_spread=1.0), "component_spread"),
])
def test_bad_arguments(kwargs, match):
    """Check that bad arguments raise ValueError naming the parameter."""
    with pytest.raises(ValueError, match=match):
        train_continuous(ring(), progress=False, **{"steps": 1, **kwargs})


def test_device_option_cpu_matches_default_and_returns_cpu_tensors():
    """Check device='cpu' gives the default's result, views come back on the CPU, a bad device raises."""
    a = train_continuous(ring(), steps=5, seed=1, progress=False, **SMALL)
    b = train_continuous(ring(), steps=5, seed=1, progress=False, device=torch.device("cpu"), **SMALL)
    assert _rows(a.history) == _rows(b.history)
    gan = ContinuousGAN(ring(), seed=0, device="cpu", **SMALL)
    assert gan.sample(4).device.type == "cpu" and gan.loss_gradient(torch.zeros(3, 2)).shape == (3, 2)
    with pytest.raises(ValueError, match="device"):
        ContinuousGAN(ring(), device="not-a-device")


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device here")
def test_cuda_trains_and_hands_back_cpu_arrays():
    """Check training on CUDA: networks there, samples, gradients and snapshots back on the CPU."""
    res = train_continuous(ring(), steps=5, seed=0, progress=False, device="cuda", **SMALL)
    assert next(res.generator.parameters()).is_cuda
    assert all(v.device.type == "cpu" for v in res.snapshots[-1].generator_state.values())
    gan = ContinuousGAN(ring(), seed=0, device="cuda", **SMALL)
    gan.train(2)
    assert gan.sample(4).device.type == "cpu" and gan.loss_gradient(torch.zeros(3, 2)).device.type == "cpu"


@pytest.mark.parametrize("data, match", [(torch.zeros(5), "shape"), (torch.tensor([[0.0, float("nan")]] * 3), "finite"),
                                         ("abc", "data must")])
def test_bad_data(data, match):
    """Check that data of the wrong shape or with NaN raises ValueError."""
    with pytest.raises(ValueError, match=match):
        ContinuousGAN(data)


def test_generator_loss_table_matches_closed_forms_and_needs_log_z():
    """Check every GENERATOR_LOSSES row against its GAN closed form (½V², softplus(-V), -softplus(V), ½(V-logZ)²)."""
    from bgan_teach.generator_losses import GENERATOR_LOSSES, get_generator_loss

    v = torch.tensor([-3.0, 0.0, 2.0], dtype=torch.float64)
    sp, div = torch.nn.functional.softplus, get("gan")
    log_z = torch.tensor(0.5, dtype=torch.float64)
    expected = {"boundary_seeking": 0.5 * v**2, "non_saturating": sp(-v), "minimax": -sp(v),
                "boundary_seeking_log_z": 0.5 * (v - 0.5) ** 2}
    assert sorted(GENERATOR_LOSSES) == sorted(expected)
    for name, want in expected.items():
        row = GENERATOR_LOSSES[name]
        torch.testing.assert_close(row.per_sample(div, v, log_z), want)
        torch.testing.assert_close(row.mean(div, v, log_z), want.mean())
        assert row.per_sample(div, v, log_z).dtype == torch.float64
    with pytest.raises(ValueError, match="log_z"):
        GENERATOR_LOSSES["boundary_seeking_log_z"].mean(div, v)
    with pytest.raises(ValueError, match="generator_loss"):
        get_generator_loss("wgan")
