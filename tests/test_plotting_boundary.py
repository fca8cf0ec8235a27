"""BoundaryDisplay: grid recomputed independently, artists updated in place."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

from bgan_teach.data import ring  # noqa: E402
from bgan_teach.divergences import get  # noqa: E402
from bgan_teach.plotting.boundary import BoundaryDisplay  # noqa: E402
from bgan_teach.training import ContinuousGAN  # noqa: E402

EXTENT = (-3.0, 3.0, -2.0, 2.0)


class Linear(nn.Module):
    """V(x) = a·x + b, so the boundary V = 0 is a known straight line."""

    def __init__(self, a=(1.0, -0.5), b=0.3):
        super().__init__()
        self.a, self.b = nn.Parameter(torch.tensor(a), requires_grad=False), b     # a parameter: the trainer reads its dtype

    def forward(self, x):
        return x @ self.a + self.b


@pytest.fixture
def gan():
    g = ContinuousGAN(ring(), seed=0, batch_size=16, hidden=16, layers=1, n_show=80)
    g.critic = Linear()
    return g


def test_grid_and_response_recomputed_independently():
    """Check the D(x) heatmap against σ(a·x + b) evaluated on an independently built grid."""
    disp = BoundaryDisplay(EXTENT, n_grid=7)
    log_w, d = disp.view.critic_grid(Linear(), get("gan"))
    xs, ys = np.linspace(-3, 3, 7), np.linspace(-2, 2, 7)
    expected_v = np.array([[1.0 * x - 0.5 * y + 0.3 for x in xs] for y in ys])      # row = y
    np.testing.assert_allclose(log_w, expected_v, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(d, 1 / (1 + np.exp(-expected_v)), rtol=1e-6)
    _, lw = BoundaryDisplay(EXTENT, n_grid=7, response="log_w").view.critic_grid(Linear((9.0, 0.0), 0.0), get("kl"))
    assert lw.max() == 5.0 and lw.min() == -5.0                                    # clipped colour range


def test_boundary_segments_lie_on_w_equal_one():
    """Check that the w = 1 contour of a linear critic lies on the line a·x + b = 0 (KL: V = 1)."""
    disp = BoundaryDisplay(EXTENT, n_grid=30)
    for name, b in (("gan", 0.3), ("kl", 1.3)):
        log_w, _ = disp.view.critic_grid(Linear(b=b), get(name))
        pts = np.concatenate(disp.view.boundary_segments(log_w))
        v = pts @ np.array([1.0, -0.5]) + b
        np.testing.assert_allclose(v, get(name).boundary_logit, atol=1e-6)


def test_bgan_arrows_point_to_boundary_ns_past_it(gan):
    """Check that BGAN arrows point toward V = 0 from both sides and non-saturating arrows always up V."""
    x = torch.tensor([[-2.0, 0.0], [2.0, 0.0]])                                     # V = -1.7 and 2.3
    disp = BoundaryDisplay(EXTENT, n_arrows=2)
    a = torch.tensor([1.0, -0.5]).numpy()
    bgan, _ = disp.view.arrows(gan, x)
    assert bgan[0] @ a > 0 and bgan[1] @ a < 0
    gan.set_generator_loss("non_saturating")
    ns, _ = disp.view.arrows(gan, x)
    assert (ns @ a > 0).all()


@pytest.mark.parametrize("loss", ["boundary_seeking", "non_saturating"])
def test_arrow_lengths_follow_one_fixed_scale(gan, loss):
    """Check arrow lengths against L·(g/s)/(1 + g/s) with g = |∇ℓ| in closed form (BGAN |V|·|a|, NS σ(−V)|a|)."""
    gan.set_generator_loss(loss)
    x = torch.tensor([[-2.0, 0.0], [2.0, 0.0], [0.5, 0.5], [-0.2, 1.0]])
    disp = BoundaryDisplay(EXTENT, n_arrows=4, arrow_length=0.4, arrow_scale=2.0)
    v = x.double().numpy() @ np.array([1.0, -0.5]) + 0.3                            # (4,)
    g = np.abs(v) * np.hypot(1.0, 0.5) if loss == "boundary_seeking" else np.hypot(1.0, 0.5) / (1 + np.exp(v))
    arrows, max_grad = disp.view.arrows(gan, x)
    np.testing.assert_allclose(np.linalg.norm(arrows, axis=1), 0.4 * (g / 2.0) / (1 + g / 2.0), rtol=1e-5)
    assert max_grad == pytest.approx(g.max(), rel=1e-5)


def test_arrow_scale_is_the_same_in_every_frame(gan):
    """Check that a critic with 10× the slope draws longer arrows (no per-frame rescaling) and a larger max |∇ℓ|."""
    disp = BoundaryDisplay(EXTENT, n_grid=10, n_arrows=16)
    weak = disp.view.state(gan)
    gan.critic = Linear((10.0, -5.0), 3.0)
    strong = disp.view.state(gan)
    assert weak["arrow_scale"] == strong["arrow_scale"] == 1.0
    assert strong["max_grad"] > 10 * weak["max_grad"]
    longest = lambda s: np.linalg.norm(s["arrows"], axis=1).max()   # noqa: E731
    assert longest(weak) < longest(strong) < disp.view.arrow_length


def test_update_mutates_the_same_artists(gan):
    """Check that update() changes data on the same artist objects (no new artists)."""
    disp = BoundaryDisplay(EXTENT, n_grid=20, n_arrows=16)
    fig, ax = plt.subplots()
    disp.plot(ax, disp.view.state(gan), x_real=ring().sample(50, 0))
    artists = (disp.image_, disp.boundary_, disp.fake_, disp.arrows_, disp.manifold_)
    n_children = len(ax.get_children())
    before = disp.image_.get_array().copy(), disp.fake_.get_offsets().copy()
    gan.critic = Linear((-1.0, 2.0), -0.4)
    gan.generator.net[-1].bias.data += 1.0
    disp.update(disp.view.state(gan))
    fig.canvas.draw()
    assert (disp.image_, disp.boundary_, disp.fake_, disp.arrows_, disp.manifold_) == artists
    assert len(ax.get_children()) == n_children
    assert not np.allclose(disp.image_.get_array(), before[0])
    np.testing.assert_allclose(disp.fake_.get_offsets(), before[1] + 1.0, rtol=1e-5, atol=1e-5)
    assert "step 0" in ax.get_title()
    plt.close(fig)


def test_manifold_is_generator_of_noise_grid():
    """Check that manifold lines are G applied to the square noise grid (first two coordinates)."""
    gan = ContinuousGAN(ring(), seed=0, batch_size=16, hidden=16, layers=1, n_show=80, components=0)
    disp = BoundaryDisplay(EXTENT, n_manifold=3)
    lines = disp.view.manifold_lines(gan.generator)
    z = torch.tensor([[-2.5, -2.5], [0.0, 2.5]])                                    # line 0 point 0; line 1 point 40
    with torch.no_grad():
        x = gan.generator(z).numpy()
    np.testing.assert_allclose(lines[0, 0], x[0], rtol=1e-5)
    np.testing.assert_allclose(lines[1, 40], x[1], rtol=1e-5)


def test_manifold_with_components_has_one_patch_per_shown_component(gan):
    """Check the component case: 16 of 128 components, each a 5×11 grid both ways, G of [ε, one-hot]."""
    g = gan.generator
    assert g.components == 128
    lines = BoundaryDisplay(EXTENT).view.manifold_lines(g)
    assert lines.shape == (16 * 2 * 5, 11, 2)
    last = torch.cat([torch.tensor([[2.0, 2.0]]), torch.nn.functional.one_hot(torch.tensor([127]), 128).float()], 1)
    first = torch.cat([torch.tensor([[-2.0, -2.0]]), torch.nn.functional.one_hot(torch.tensor([0]), 128).float()], 1)
    with torch.no_grad():
        np.testing.assert_allclose(lines[0, 0], g(first)[0].numpy(), rtol=1e-5)
        np.testing.assert_allclose(lines[-1, -1], g(last)[0].numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("kwargs, match", [(dict(response="p"), "response"), (dict(n_grid=1), "n_grid"),
                                           (dict(extent=(1, 0, 0, 1)), "extent")])
def test_bad_arguments(kwargs, match):
    """Check that bad display arguments raise ValueError."""
    with pytest.raises(ValueError, match=match):
        BoundaryDisplay(**{"extent": EXTENT, **kwargs})


def test_update_before_plot():
    """Check that update() before plot() explains what to do."""
    with pytest.raises(RuntimeError, match="plot"):
        BoundaryDisplay(EXTENT).update({})
