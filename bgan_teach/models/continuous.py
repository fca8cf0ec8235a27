r"""MLPs for continuous GANs: a generator $G_\theta: z \mapsto x$ and a critic $V_\phi: x \mapsto$ raw logit.

Sizes are parameters. The 2-D toys of the authors' code (`docs/math.md` §10.1) use a tanh MLP generator on Gaussian
noise and a one-hidden-layer critic; GAN Lab uses similar small MLPs. The critic returns the raw output
$V$ (no sigmoid): every loss in :mod:`bgan_teach.losses` works on $V$ directly.
"""
from __future__ import annotations

import torch
from torch import nn

from ..config import make_generator, seeded

__all__ = ["MLPGenerator", "MLPCritic", "mlp"]

_ACTIVATIONS = {"relu": nn.ReLU, "leaky_relu": lambda: nn.LeakyReLU(0.2), "tanh": nn.Tanh, "elu": nn.ELU}


def mlp(d_in: int, d_out: int, hidden: int, layers: int, activation: str = "relu") -> nn.Sequential:
    """``layers`` hidden layers of width ``hidden`` with ``activation``, then a linear output."""
    if activation not in _ACTIVATIONS:
        raise ValueError(f"activation must be one of {list(_ACTIVATIONS)}; got {activation!r}")
    for value, name in ((d_in, "d_in"), (d_out, "d_out"), (hidden, "hidden"), (layers, "layers")):
        if isinstance(value, bool) or not isinstance(value, int) or value < (0 if name == "layers" else 1):
            raise ValueError(f"{name} must be a positive integer; got {value!r}")
    mods, width = [], d_in
    for _ in range(layers):
        mods += [nn.Linear(width, hidden), _ACTIVATIONS[activation]()]
        width = hidden
    return nn.Sequential(*mods, nn.Linear(width, d_out))


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
        if isinstance(components, bool) or not isinstance(components, int) or components < 0:
            raise ValueError(f"components must be an integer >= 0 (0: Gaussian noise only); got {components!r}")
        self.noise_dim, self.out_dim, self.components = noise_dim, out_dim, components
        self.input_dim = noise_dim + components
        with seeded(seed):                               # same seed → same initial weights
            self.net = mlp(self.input_dim, out_dim, hidden, layers, activation)
            self.skip = nn.Linear(self.input_dim, out_dim) if skip else None
        if skip:
            nn.init.zeros_(self.net[-1].weight)
            nn.init.zeros_(self.net[-1].bias)

    def forward(self, z: torch.Tensor) -> torch.Tensor:   # (n, input_dim) -> (n, d)
        return self.net(z) if self.skip is None else self.net(z) + self.skip(z)

    def output_layers(self) -> list[nn.Linear]:
        """The layers whose weights and biases scale the output linearly (MLP output layer, skip)."""
        return [self.net[-1]] + ([self.skip] if self.skip is not None else [])

    def inputs(self, eps: torch.Tensor, component: torch.Tensor | None = None) -> torch.Tensor:
        """Noise vectors from Gaussian parts ``eps`` (n, d_z) and component indices ``component`` (n,)."""
        if not self.components:
            return eps
        onehot = nn.functional.one_hot(component, self.components).to(eps.dtype)     # (n, K)
        return torch.cat([eps, onehot], 1)                                            # (n, d_z + K)

    def noise(self, n: int, generator: torch.Generator | int = 0) -> torch.Tensor:
        """Noise (n, input_dim): standard normal, plus a uniformly drawn one-hot component when K > 0."""
        gen = make_generator(generator)
        eps = torch.randn(n, self.noise_dim, generator=gen)
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
        with seeded(seed):
            self.net = mlp(in_dim, 1, hidden, layers, activation)

    def forward(self, x: torch.Tensor) -> torch.Tensor:   # (n, d) -> (n,)
        return self.net(x).squeeze(-1)
