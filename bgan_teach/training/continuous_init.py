r"""Data-dependent initialisation of the continuous generator: start with the data's mean and spread."""
from __future__ import annotations

import torch

from ..config import make_generator

__all__ = ["match_data_moments"]


def _real_sample(data, n: int, gen: torch.Generator) -> torch.Tensor:
    if isinstance(data, torch.Tensor):
        return data[torch.randint(len(data), (n,), generator=gen)]
    return data.sample(n, gen)


@torch.no_grad()
def match_data_moments(generator, data, component_spread: float, seed: int) -> None:
    r"""Rescale G's output layer so that G(z) starts with the data's per-axis mean and spread.

    With components (and ``skip``, so that G starts affine: $G(\varepsilon, c) = A_\varepsilon\varepsilon
    + a_c + b$), the component offsets $a_c$ are redrawn with per-axis spread $\sqrt{s}\,\sigma_{data}$
    and mean 0, $A_\varepsilon$ gets the rest ($\sqrt{1-s}\,\sigma_{data}$ per axis) and $b$ the data's
    mean, $s$ = ``component_spread``: components start at different places across the data.

    NOTE(deviation): not in the paper. A freshly initialised MLP maps the noise to a tiny blob (or a
    line) near 0; BGAN's pull is local (it vanishes on the boundary, docs/math.md §6.4), so samples that
    start in one spot tend to stay on the few modes nearest to it. Starting spread over the data
    (data-dependent initialisation, as in Salimans & Kingma 2016) lets every mode attract its share.
    """
    gen = make_generator(seed)
    x_real = _real_sample(data, 1024, gen)                                           # (1024, d)
    x_fake = generator(generator.noise(1024, gen))                                   # (1024, d)
    scale = x_real.std(0) / x_fake.std(0).clamp_min(1e-6)                            # (d,)
    for layer in generator.output_layers():                                          # G(z) ↦ scale·G(z)
        layer.weight.mul_(scale.unsqueeze(1))
        layer.bias.mul_(scale)
    generator.output_layers()[0].bias.add_(x_real.mean(0) - scale * x_fake.mean(0))
    k, s, skip = generator.components, component_spread, generator.skip
    if k and skip is not None and s > 0:
        # G is affine at the start (zero MLP output layer): G(ε, c) = A_ε ε + A_c + b. Per axis: offsets
        # A_c with mean 0 and spread √s·std_data, A_ε the rest √(1-s)·std_data, b the data's mean.
        d_z, std = generator.noise_dim, x_real.std(0).unsqueeze(1)                 # std (d, 1)
        a_eps, a_c = skip.weight[:, :d_z], skip.weight[:, d_z:]                    # (d, d_z), (d, K)
        a_eps.mul_(std * (1 - s) ** 0.5 / a_eps.norm(dim=1, keepdim=True).clamp_min(1e-12))
        offsets = torch.randn(generator.out_dim, k, generator=gen)                 # (d, K)
        offsets = (offsets - offsets.mean(1, keepdim=True)) / offsets.std(1, keepdim=True).clamp_min(1e-6)
        a_c.copy_(offsets * std * s ** 0.5)
        generator.output_layers()[0].bias.zero_()
        skip.bias.copy_(x_real.mean(0))                                            # E[ε] = 0, mean(A_c) = 0
