r"""Exact divergences between a target table and a categorical generator's marginal (grid toys).

A generator with latent noise has the marginal $q(x) = \mathbb E_z[g(x\mid z)]$, a mixture of products of
categoricals. Instead of counting samples we average the **exact** per-z tables over a fixed set of
$N_z$ noise draws,

$$\hat q(x) = \frac1{N_z}\sum_{n=1}^{N_z} \prod_d \mathrm{softmax}(\ell_d(z_n))_{x_d},$$

which is unbiased for $q$, has no empty cells, and has lower variance than a histogram of $N_z$
samples (equal to it only in the worst case where every conditional is a point mass). With a fixed
noise seed successive evaluations share their z (common random numbers), so curves over training are
smooth. Measured on trained 32×32 ring generators (conditionals nearly deterministic, ESS ≈ M): JS with
$N_z = 2048$ (the trainer's default) differed from $N_z = 40000$ by 0.001-0.002 nats; the default here,
4096, halves that variance. Read JS to two significant digits.
JS is $\mathrm{JSD}(P, Q) = \tfrac12\mathrm{KL}(P\|M) + \tfrac12\mathrm{KL}(Q\|M)$
in nats, in $[0, \log 2]$ (half the f-GAN "js" row); KL is $\mathrm{KL}(P\|Q)$.
"""
from __future__ import annotations

import math

import torch

from .._checks import ArgumentTypeError, as_tensor, positive_int, real
from ..config import make_generator
from ..divergences import get
from ..models.categorical import one_hot

__all__ = ["model_table", "critic_table", "exact_js", "exact_kl", "grid_metrics", "first_below", "js_summary", "MAX_CELLS"]

MAX_CELLS = 1 << 22


def _product_table(probs: torch.Tensor) -> torch.Tensor:
    """Per-z product tables: (B, D, K) → mean over B of ⊗_d probs[:, d] with shape (K,)*D."""
    table = probs[:, 0]                                                   # (B, K)
    for d in range(1, probs.shape[1]):
        table = (table.unsqueeze(-1) * probs[:, d].view(-1, *[1] * (table.ndim - 1), probs.shape[2]))
    return table.sum(0)


@torch.no_grad()
def model_table(generator, num_z: int = 4096, seed: int | torch.Generator = 1234, chunk: int = 1024) -> torch.Tensor:
    r"""$\hat q(x) = \mathrm{mean}_z \prod_d g(x_d\mid z)$: float64 table of shape (K,)*D, sums to 1.

    ``generator`` follows the protocol of :mod:`bgan_teach.models.categorical`. The noise comes from
    ``seed`` (fixed by default, so successive calls on a training run share their z).
    """
    for attr in ("num_categories", "num_positions", "noise"):
        if not hasattr(generator, attr):
            raise ArgumentTypeError(f"generator must follow the protocol of bgan_teach.models.categorical (it has no "
                                    f"{attr!r}); got {type(generator).__name__}")
    k, d = generator.num_categories, generator.num_positions
    if k**d > MAX_CELLS:
        raise ValueError(f"the table would have K^D = {k}^{d} cells (more than {MAX_CELLS}); use this for small grids only")
    num_z, chunk, rng = positive_int(num_z, "num_z"), positive_int(chunk, "chunk"), make_generator(seed)
    z = generator.noise(num_z, rng)
    total = torch.zeros((k,) * d, dtype=torch.float64, device=z.device)
    for start in range(0, num_z, chunk):
        probs = torch.softmax(generator(z[start:start + chunk]).double(), -1)      # (b, D, K)
        total += _product_table(probs)
    return (total / num_z).cpu()


def _flat(p, q) -> tuple[torch.Tensor, torch.Tensor]:
    """Both tables flattened in float64; ``q`` (a model table, maybe unnormalised) normalised to sum 1."""
    p = as_tensor(p, "p", torch.float64).to(torch.float64).flatten()
    q = as_tensor(q, "q", torch.float64).to(torch.float64).flatten()
    if p.shape != q.shape:
        raise ValueError(f"p (target) and q (model) tables must have the same number of cells; got {p.numel()} and {q.numel()}")
    if not torch.isfinite(q).all() or (q < 0).any() or not q.sum() > 0:
        raise ValueError("q must be a non-negative finite table with positive total mass (it is normalised here)")
    return p, q / q.sum()


def exact_js(p, q) -> float:
    r"""$\mathrm{JSD}(P, Q)$ in nats over all cells (any table shapes with equal size)."""
    p, q = _flat(p, q)
    return float(get("js").exact(p, q)) / 2


def exact_kl(p, q) -> float:
    r"""$\mathrm{KL}(P\,\|\,Q)$ in nats (inf where q = 0 < p)."""
    p, q = _flat(p, q)
    return float(get("kl").exact(p, q))


def grid_metrics(generator, target, num_z: int = 4096, seed: int = 1234) -> dict[str, float]:
    """``{"js": ..., "kl": ...}`` between the target table and the generator's marginal."""
    target = as_tensor(target, "target", torch.float64).to(torch.float64)
    q = model_table(generator, num_z=num_z, seed=seed)
    if target.shape != q.shape:
        raise ValueError(f"target must have shape {tuple(q.shape)} (K,)*D for this generator; got {tuple(target.shape)}")
    js, kl = exact_js(target, q), exact_kl(target, q)
    if not math.isfinite(js):  # pragma: no cover - guarded by softmax > 0
        raise FloatingPointError("JS is not finite")
    return {"js": js, "kl": kl}


@torch.no_grad()
def critic_table(critic, divergence, num_positions: int, num_categories: int) -> torch.Tensor:
    r"""$\log w(x)$ of the critic on **every** cell: float64 table (K,)*D (the log w heatmap; w = 1 at 0)."""
    div, k, d = get(divergence), positive_int(num_categories, "num_categories"), positive_int(num_positions, "num_positions")
    if k**d > MAX_CELLS:
        raise ValueError(f"the table would have K^D = {k}^{d} cells (more than {MAX_CELLS})")
    weight = next(critic.parameters())
    cells = torch.cartesian_prod(*[torch.arange(k, device=weight.device)] * d).view(-1, d)   # (K^D, D), row-major
    v = critic(one_hot(cells, k, weight.dtype))                                      # (K^D,), the critic's dtype
    return div.log_weight(v.double()).view((k,) * d).cpu()


def first_below(history, threshold: float, key: str = "js") -> dict[str, float | None]:
    """First recorded ``step`` and training ``seconds`` at which ``history[key] <= threshold`` (None if never)."""
    threshold = real(threshold, "threshold", finite=False)
    values = history[key]
    hits = [i for i, v in enumerate(values) if math.isfinite(v) and v <= threshold]
    if not hits:
        return {"step": None, "seconds": None}
    row = history.rows[hits[0]]
    return {"step": int(row["step"]), "seconds": float(row.get("seconds", math.nan))}


def js_summary(results: dict, thresholds=(0.05, 0.03)) -> list[dict]:
    """One row per named run: final exact JS, best JS, and the first step reaching each threshold."""
    rows = []
    for name, result in results.items():
        js = [v for v in result.history["js"] if math.isfinite(v)]
        row = {"run": name, "final JS": js[-1] if js else None, "best JS": min(js) if js else None}
        for t in thresholds:
            row[f"step JS≤{t}"] = first_below(result.history, t)["step"]
        row["stopped"] = "NaN" if result.stopped else ""
        rows.append(row)
    return rows
