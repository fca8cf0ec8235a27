r"""MLPs for continuous GANs: a generator $G_\theta: z \mapsto x$ and a critic $V_\phi: x \mapsto$ raw logit.

Sizes are parameters. The 2-D toys of the authors' code (`docs/math.md` §10.1) use a tanh MLP generator on Gaussian
noise and a one-hidden-layer critic; GAN Lab uses similar small MLPs. The critic returns the raw output
$V$ (no sigmoid): every loss in :mod:`bgan_teach.losses` works on $V$ directly.
"""
from __future__ import annotations

import torch
from torch import nn

from .._checks import as_tensor, boolean, choice, integer, positive_int
from ..config import make_generator, seeded

__all__ = ["MLPGenerator", "MLPCritic", "mlp"]

_ACTIVATIONS = {"relu": nn.ReLU, "leaky_relu": lambda: nn.LeakyReLU(0.2), "tanh": nn.Tanh, "elu": nn.ELU}


def mlp(d_in: int, d_out: int, hidden: int, layers: int, activation: str = "relu") -> nn.Sequential:
    """``layers`` hidden layers of width ``hidden`` with ``activation``, then a linear output."""
    choice(activation, _ACTIVATIONS, "activation")
    d_in, d_out, hidden = positive_int(d_in, "d_in"), positive_int(d_out, "d_out"), positive_int(hidden, "hidden")
    layers = integer(layers, "layers", minimum=0)
    mods, width = [], d_in
    for _ in range(layers):
        mods += [nn.Linear(width, hidden), _ACTIVATIONS[activation]()]
        width = hidden
    return nn.Sequential(*mods, nn.Linear(width, d_out))


def _weights_dtype(module: nn.Module) -> torch.dtype:
    return next(module.parameters()).dtype


def _last_axis(x, name: str, size: int, module: nn.Module) -> torch.Tensor:
    """``x`` as a floating tensor (..., size) in the dtype of ``module``'s weights; else a ValueError saying why."""
    x = as_tensor(x, name)
    if x.ndim == 0 or x.shape[-1] != size:
        raise ValueError(f"{name} must have shape (n, {size}) (last axis {size}); got {tuple(x.shape)}")
    if x.dtype != _weights_dtype(module):
        raise ValueError(f"{name} has dtype {x.dtype} but the module's weights are {_weights_dtype(module)}; "
                         f"convert one of them ({name}.to({_weights_dtype(module)}) or module.to({x.dtype}))")
    return x


class MLPGenerator(nn.Module):
    r"""$x = G_\theta(z)$ on noise $z$; ``sample(n, generator)`` draws (n, d) points.

    Noise: $\varepsilon \sim \mathcal N(0, I_{d_z})$, and with ``components = K > 0`` also a component
    $c \sim \mathrm{Uniform}\{1..K\}$ fed as a one-hot, so $z = [\varepsilon, e_c]$ has ``input_dim``
    $= d_z + K$ coordinates (a mixture-of-Gaussians latent, as in DeLiGAN, Gurumurthy et al. 2017;
    `docs/references.md`).

    NOTE(deviation): the paper's toys use Gaussian noise only. A continuous $G$ maps a connected noise
    space onto a connected set, so between well-separated modes it must leave "bridges" of samples
    (Khayatkhoei et al. 2018, `docs/references.md`); with the ring's $\sigma = 0.05$ those bridges alone cost the 80 %
    high-quality bar. With a component code each component can settle on one mode, bridges cost nothing.

    ``skip=True``: $G(z) = Az + b + \mathrm{MLP}(z)$ with the MLP's output layer initialised to zero, so
    training starts from a Gaussian (spread evenly in every direction) rather than from the random,
    lopsided warp of a fresh MLP; the columns of $A$ that meet the one-hot are the component offsets.
    NOTE(deviation): the paper's toys use a plain tanh MLP.
    """

    def __init__(self, noise_dim: int = 2, out_dim: int = 2, hidden: int = 128, layers: int = 2,
                 activation: str = "relu", seed: int = 0, skip: bool = False, components: int = 0):
        super().__init__()
        components = integer(components, "components (0: Gaussian noise only)", minimum=0)
        noise_dim, out_dim, skip = positive_int(noise_dim, "noise_dim"), positive_int(out_dim, "out_dim"), boolean(skip, "skip")
        self.noise_dim, self.out_dim, self.components = noise_dim, out_dim, components
        self.input_dim = noise_dim + components
        with seeded(seed):                               # same seed → same initial weights
            self.net = mlp(self.input_dim, out_dim, hidden, layers, activation)
            self.skip = nn.Linear(self.input_dim, out_dim) if skip else None
        if skip:
            nn.init.zeros_(self.net[-1].weight)
            nn.init.zeros_(self.net[-1].bias)

    def forward(self, z: torch.Tensor) -> torch.Tensor:   # (..., input_dim) -> (..., d)
        z = _last_axis(z, "z", self.input_dim, self)
        return self.net(z) if self.skip is None else self.net(z) + self.skip(z)

    def output_layers(self) -> list[nn.Linear]:
        """The layers whose weights and biases scale the output linearly (MLP output layer, skip)."""
        return [self.net[-1]] + ([self.skip] if self.skip is not None else [])

    def inputs(self, eps: torch.Tensor, component: torch.Tensor | None = None) -> torch.Tensor:
        """Noise vectors from Gaussian parts ``eps`` (n, d_z) and component indices ``component`` (n,)."""
        eps = _last_axis(eps, "eps", self.noise_dim, self)
        if not self.components:
            return eps
        if not isinstance(component, torch.Tensor) or component.is_floating_point() or component.dtype == torch.bool \
                or component.shape != eps.shape[:-1]:
            raise ValueError(f"component must be an integer tensor of shape {tuple(eps.shape[:-1])} (one index per "
                             f"noise vector, in 0..{self.components - 1}); got {component!r:.60}")
        if component.numel() and (component.min() < 0 or component.max() >= self.components):
            raise ValueError(f"component must lie in 0..{self.components - 1}")
        onehot = nn.functional.one_hot(component, self.components).to(eps.dtype)     # (n, K)
        return torch.cat([eps, onehot], 1)                                            # (n, d_z + K)

    def noise(self, n: int, generator: torch.Generator | int = 0) -> torch.Tensor:
        """Noise (n, input_dim): standard normal, plus a uniformly drawn one-hot component when K > 0."""
        n, gen = positive_int(n, "n"), make_generator(generator, name="generator")
        eps = torch.randn(n, self.noise_dim, generator=gen, dtype=_weights_dtype(self))   # float64 for a .double() G
        component = torch.randint(self.components, (n,), generator=gen) if self.components else None
        return self.inputs(eps, component)

    @torch.no_grad()
    def sample(self, n: int, generator: torch.Generator | int = 0) -> torch.Tensor:
        """n generated points (n, d), no gradient."""
        return self(self.noise(n, generator))


class MLPCritic(nn.Module):
    r"""$V_\phi(x)$: raw critic output (logit), shape (n,). GAN case: $D = \sigma(V)$, $\log w = V$."""

    def __init__(self, in_dim: int = 2, hidden: int = 128, layers: int = 2, activation: str = "relu",
                 seed: int = 1):
        super().__init__()
        self.in_dim = positive_int(in_dim, "in_dim")
        with seeded(seed):
            self.net = mlp(in_dim, 1, hidden, layers, activation)

    def forward(self, x: torch.Tensor) -> torch.Tensor:   # (..., d) -> (...,)
        return self.net(_last_axis(x, "x", self.in_dim, self)).squeeze(-1)
