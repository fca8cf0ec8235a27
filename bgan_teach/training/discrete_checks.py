"""What ``DiscreteGAN`` checks before any work, and the defaults that follow from the data's shape."""
from __future__ import annotations

import math

import torch

from .._checks import non_negative_float, positive_float, positive_int
from ..metrics.grid import MAX_CELLS

__all__ = ["shape_defaults", "check_data", "check_options", "check_target"]


def check_data(data, num_categories) -> torch.Tensor:
    num_categories = positive_int(num_categories, "num_categories", minimum=2)
    if not isinstance(data, torch.Tensor):
        try:
            data = torch.as_tensor(data)
        except (TypeError, ValueError, RuntimeError) as err:
            raise ValueError(f"data must be an integer array (N, d); got {type(data).__name__}") from err
    if data.dtype.is_floating_point or data.dtype.is_complex or data.dtype == torch.bool:
        raise ValueError(f"data must hold integer categories (e.g. a LongTensor); got dtype {data.dtype}")
    if data.ndim != 2 or data.shape[0] < 1 or data.shape[1] < 1:
        raise ValueError(f"data must have shape (N, d) with N, d >= 1; got {tuple(data.shape)}")
    if data.min() < 0 or data.max() >= num_categories:
        raise ValueError(f"data values must lie in [0, num_categories) = [0, {num_categories}); "
                         f"got min {int(data.min())}, max {int(data.max())}")
    return data.long()


def shape_defaults(d: int, k: int, lr: float) -> dict:
    r"""The defaults that depend on the data's shape: d positions, K categories, generator rate ``lr``.

    - ``critic_lr`` = 3·lr: the critic a little faster than the generator;
    - ``penalty`` = 0.2 / K: the critic's gradient penalty $\lambda\,\mathbb E_P\|\nabla_x V\|^2$ sums the K
      one-hot slopes of every position, so dividing by K keeps its strength per position the same
      (0.1 for binary data, the digits cure's value; 0.00625 on the 32-category ring);
    - ``hidden`` = $\min(512, \max(128, 2^{\lceil\log_2(dK/2)\rceil}))$: the generator's last hidden layer is
      never narrower than half its d·K outputs (128 for the ring and the digits, 256 for 16 characters).

    NOTE(deviation): the authors train discrete BGAN with Adam 1e-4 for both networks and no penalty (their
    Theano code) or a penalty of 5 (their PyTorch code); with those our small MLPs lose modes on most data sets
    (benchmarks/defaults.py measures both).
    """
    return {"critic_lr": 3 * lr, "penalty": 0.2 / k, "hidden": min(512, max(128, 2 ** math.ceil(math.log2(d * k / 2))))}


def check_options(o: dict, d: int, k: int, allowed) -> dict:
    """Every option checked (``allowed``: the keys of the trainer's DEFAULTS), the shape defaults filled in."""
    unknown = set(o) - set(allowed)
    if unknown:
        raise ValueError(f"unknown options {sorted(unknown)}; valid options are {sorted(allowed)}")
    o["lr"] = positive_float(o["lr"], "lr")
    o.update({key: value for key, value in shape_defaults(d, k, o["lr"]).items() if o[key] is None})
    for key in ("samples_per_z", "batch_size", "noise_dim", "hidden", "metric_every", "metric_num_z"):
        o[key] = positive_int(o[key], key)
    o["gumbel_tau"] = positive_float(o["gumbel_tau"], "gumbel_tau")
    o["critic_lr"] = positive_float(o["critic_lr"], "critic_lr")
    o["penalty"], o["betas"] = non_negative_float(o["penalty"], "penalty"), tuple(o["betas"])
    o["gumbel_anneal"] = non_negative_float(o["gumbel_anneal"], "gumbel_anneal")
    return o


def check_target(target, d: int, k: int) -> torch.Tensor | None:
    if target is None:
        return None
    if k**d > MAX_CELLS:
        raise ValueError(f"target tables need K^d <= {MAX_CELLS} cells; got K^d = {k}^{d}")
    target = torch.as_tensor(target, dtype=torch.float64)
    if target.shape != (k,) * d:
        raise ValueError(f"target must be a probability table of shape {(k,) * d}; got {tuple(target.shape)}")
    if (target < 0).any() or abs(float(target.sum()) - 1) > 1e-6:
        raise ValueError("target must be non-negative and sum to 1")
    return target
