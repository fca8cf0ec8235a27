r"""Notebook 03 (discrete BGAN on the ring grid): the derivation of the estimator, checked by exact enumeration.

Everything here is for **one** noise vector $z$ with logits $\ell = \ell_\theta(z)$ of shape (d, K), so that
$g(x) = g_\theta(x\mid z) = \prod_j \mathrm{softmax}(\ell_j)_{x_j}$ can be enumerated over all $K^d$ cells (1024 on
the 32×32 grid). The critic enters as a fixed table of $\log w(x)$. The score of a categorical is closed-form,
$\nabla_{\ell_j}\log g(x) = e_{x_j} - \mathrm{softmax}(\ell_j)$, so each "score form" below is computed without
autograd and compared with autograd on the exact objective (`docs/math.md` §5.3-§5.6):

- :func:`per_z_target`: $\tilde p(x\mid z) = w(x)\,g(x\mid z)/\alpha(z)$, $\alpha(z) = \sum_x g(x\mid z)\,w(x)$;
- :func:`forward_kl_gradients`: $\nabla_\ell\mathrm{KL}(\tilde p_z\|g_z) = -\mathbb E_g[(w/\alpha)\nabla\log g]$,
  $\tilde p_z$ held fixed; :func:`score_identity`: $\mathbb E_g[\nabla\log g] = 0$;
- :func:`reverse_kl_gradients`: $\nabla_\ell\mathrm{KL}(g_z\|\tilde p_z) = -\mathbb E_g[(\log w-\log\alpha-1)\nabla\log g]$;
- :func:`mle_gradient`: $-\sum_x p(x)\nabla\log g(x)$, the maximum-likelihood gradient;
- :func:`sampled_bgan_gradient`: the mean of the estimator $-\sum_m\tilde w_m\nabla\log g(x^{(m)})$ over draws;
- :func:`first_order_gap` and :func:`first_order_check`: $M\tilde w_m \approx 1 + \delta_m$ and where it breaks;
- :func:`update_parts`: BGAN's update split into its zero-mean part and the part the weights carry;
- :func:`per_z_vs_global`: the bias and the variance side of per-z against global normalisation on the grid;
- :func:`entropy_curves`: the generator's marginal and conditional entropy at every snapshot of a run;
- :func:`flat_parameters`: a trainer's parameters as one vector (the one-step exercise compares two trainers).
"""
from __future__ import annotations

import math
from types import SimpleNamespace

import torch

from .._checks import as_tensor, positive_float, positive_int
from ..config import make_generator
from ..metrics.grid import MAX_CELLS
from ..training.common import History

__all__ = ["cells", "log_g_table", "score_vectors", "per_z_target", "forward_kl_gradients", "score_identity",
           "reverse_kl_gradients", "mle_gradient", "sampled_bgan_gradient", "first_order_gap", "first_order_check",
           "update_parts", "per_z_vs_global", "entropy_curves", "flat_parameters", "entropy_of", "first_steps"]
F64 = torch.float64


def _logits(logits) -> torch.Tensor:
    logits = as_tensor(logits, "logits", F64).detach().to(F64)
    if logits.ndim != 2 or logits.shape[1] < 2 or logits.shape[1] ** logits.shape[0] > MAX_CELLS:
        raise ValueError(f"logits must be one z's (d, K) table with K >= 2 and K^d <= {MAX_CELLS}; got shape "
                         f"{tuple(logits.shape)}")
    return logits


def _table(table, logits: torch.Tensor, name: str) -> torch.Tensor:
    """A (K,)*d or (K^d,) table as a flat float64 (K^d,) vector matching ``logits`` (d, K)."""
    d, k = logits.shape
    table = as_tensor(table, name, F64).detach().to(F64)
    if table.numel() != k**d or table.shape not in ((k,) * d, (k**d,)):
        raise ValueError(f"{name} must have shape {(k,) * d} (or ({k**d},)) to match logits {tuple(logits.shape)}; "
                         f"got {tuple(table.shape)}")
    return table.reshape(-1)


def cells(d: int, k: int) -> torch.Tensor:
    """Every cell of a (K,)*d table, row-major (the flat order of ``table.flatten()``): LongTensor (K^d, d)."""
    d, k = positive_int(d, "d"), positive_int(k, "k", 2)
    return torch.cartesian_prod(*[torch.arange(k)] * d).view(-1, d)


def log_g_table(logits) -> torch.Tensor:
    r"""$\log g(x) = \sum_j \log\mathrm{softmax}(\ell_j)_{x_j}$ on every cell: (K^d,), differentiable in ``logits``."""
    d, k = logits.shape
    log_p = torch.log_softmax(logits, -1)                                        # (d, K)
    return log_p[torch.arange(d), cells(d, k)].sum(-1)                           # (K^d,)


def score_vectors(logits) -> torch.Tensor:
    r"""$\nabla_\ell\log g(x) = e_{x} - \mathrm{softmax}(\ell)$ per position, on every cell: (K^d, d, K), closed form."""
    logits = _logits(logits)
    d, k = logits.shape
    return torch.nn.functional.one_hot(cells(d, k), k).to(F64) - torch.softmax(logits, -1)


def per_z_target(logits, log_w) -> tuple[torch.Tensor, float]:
    r"""$(\tilde p(\cdot\mid z), \log\alpha(z))$: $\log\tilde p = \log w + \log g - \mathrm{LSE}_x(\log w + \log g)$. (K^d,), float."""
    logits = _logits(logits)
    joint = _table(log_w, logits, "log_w") + log_g_table(logits)                 # log w g, (K^d,)
    log_alpha = torch.logsumexp(joint, 0)                                        # log Σ_x g w
    return torch.exp(joint - log_alpha), float(log_alpha)


def forward_kl_gradients(logits, log_w) -> dict[str, torch.Tensor]:
    r"""$\nabla_\ell\mathrm{KL}(\tilde p_z\|g_z)$ two ways, (d, K) each: ``autograd`` (with $\tilde p_z$ detached) and
    ``score_form`` $= -\sum_x g(x)\,\frac{w(x)}{\alpha}\,\nabla\log g(x)$ (closed-form scores, no autograd)."""
    logits = _logits(logits)
    target, log_alpha = per_z_target(logits, log_w)
    ell = logits.clone().requires_grad_(True)
    kl = (torch.xlogy(target, target) - target * log_g_table(ell)).sum()
    (auto,) = torch.autograd.grad(kl, ell)
    g = log_g_table(logits).exp()                                                # (K^d,)
    ratio = torch.exp(_table(log_w, logits, "log_w") - log_alpha)                # w / α
    return {"autograd": auto, "score_form": -((g * ratio)[:, None, None] * score_vectors(logits)).sum(0)}


def score_identity(logits) -> torch.Tensor:
    r"""$\mathbb E_g[\nabla_\ell\log g] = \sum_x g(x)\,\nabla_\ell\log g(x)$ by enumeration: (d, K), zero up to rounding."""
    logits = _logits(logits)
    return (log_g_table(logits).exp()[:, None, None] * score_vectors(logits)).sum(0)


def reverse_kl_gradients(logits, log_w) -> dict[str, torch.Tensor]:
    r"""$\nabla_\ell\mathrm{KL}(g_z\|\tilde p_z)$, $\tilde p_z$ fixed: ``autograd`` and the REINFORCE ``score_form``
    $-\sum_x g\,(\log w - \log\alpha - 1)\,\nabla\log g$ (`docs/math.md` §5.6). (d, K) each."""
    logits = _logits(logits)
    target, log_alpha = per_z_target(logits, log_w)
    ell = logits.clone().requires_grad_(True)
    log_g = log_g_table(ell)
    (auto,) = torch.autograd.grad((log_g.exp() * (log_g - torch.log(target))).sum(), ell)
    reward = _table(log_w, logits, "log_w") - log_alpha - 1                      # (K^d,)
    g = log_g_table(logits).exp()
    return {"autograd": auto, "score_form": -((g * reward)[:, None, None] * score_vectors(logits)).sum(0)}


def mle_gradient(logits, p) -> torch.Tensor:
    r"""$\nabla_\ell\big(-\sum_x p(x)\log g(x)\big)$ by autograd: the maximum-likelihood gradient for one z. (d, K)."""
    logits = _logits(logits)
    p = _table(p, logits, "p")
    ell = logits.clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(-(p * log_g_table(ell)).sum(), ell)
    return grad


def _draw(logits: torch.Tensor, m: int, draws: int, gen: torch.Generator) -> torch.Tensor:
    """``draws`` × ``m`` samples of g(· | z) as flat cell indices (draws, m)."""
    d, k = logits.shape
    probs = log_g_table(logits).exp()
    return torch.multinomial(probs, draws * m, replacement=True, generator=gen).view(draws, m)


def sampled_bgan_gradient(logits, log_w, m: int, draws: int = 1, seed: int | torch.Generator = 0) -> torch.Tensor:
    r"""Mean over ``draws`` of $-\sum_{m}\tilde w_m\nabla_\ell\log g(x^{(m)})$, $x^{(m)}\sim g$, $\tilde w = \mathrm{softmax}_m\log w$. (d, K)."""
    logits = _logits(logits)
    m, draws = positive_int(m, "m"), positive_int(draws, "draws")
    log_w, idx = _table(log_w, logits, "log_w"), _draw(logits, m, draws, make_generator(seed))
    w_tilde = torch.softmax(log_w[idx], 1)                                       # (draws, M)
    scores = score_vectors(logits)[idx]                                          # (draws, M, d, K)
    return -(w_tilde[..., None, None] * scores).sum(1).mean(0)


def first_order_gap(spread: float, m: int = 10, draws: int = 2000, seed: int | torch.Generator = 0) -> float:
    r"""Mean over draws of $\max_m|M\tilde w_m - (1 + \delta_m)|$ for $\log w\sim\mathcal N(0, s^2)$ i.i.d., $s$ = ``spread``.

    $\delta_m = \log w_m - \mathrm{mean}_{m'}\log w_{m'}$; the gap is $O(s^2)$ for small $s$ (`docs/math.md` §5.6).
    """
    spread, m, draws = positive_float(spread, "spread"), positive_int(m, "m", 2), positive_int(draws, "draws")
    log_w = spread * torch.randn(draws, m, generator=make_generator(seed), dtype=F64)     # (draws, M)
    delta = log_w - log_w.mean(1, keepdim=True)
    return float((m * torch.softmax(log_w, 1) - (1 + delta)).abs().max(1).values.mean())


def first_order_check(logits, log_w, m: int = 10, spread: float = 1.0, draws: int = 4000,
                      seed: int | torch.Generator = 0) -> dict[str, float]:
    r"""BGAN against REINFORCE with the per-z mean baseline, on the same draws of one z.

    The critic's ``log_w`` is rescaled to $s\log w$ with $s$ chosen so that the standard deviation of $s\log w$
    under $g(\cdot\mid z)$ is ``spread`` (exact, by enumeration). ``bgan``: the mean over draws of
    $-\sum_m(\tilde w_m - \tfrac1M)\nabla\log g_m$ (BGAN's update without its zero-mean part
    $-\tfrac1M\sum_m\nabla\log g_m$); ``first_order``: the mean of $-\tfrac1M\sum_m\delta_m\nabla\log g_m$.
    Returns their ``cosine`` and ``relative_difference`` $\|a - b\|/\|a\|$, and ``max_gap``, the mean over draws
    of $\max_m|M\tilde w_m - (1 + \delta_m)|$.
    """
    logits, m = _logits(logits), positive_int(m, "m", 2)
    spread, draws = positive_float(spread, "spread"), positive_int(draws, "draws")
    log_w, g = _table(log_w, logits, "log_w"), log_g_table(logits).exp()
    sd = float(torch.sqrt(g @ (log_w - g @ log_w) ** 2))                        # std of log w under g
    if not sd > 0:
        raise ValueError("log_w must vary over the cells that g(. | z) can sample (its standard deviation is 0)")
    idx = _draw(logits, m, draws, make_generator(seed))
    lw = (spread / sd) * log_w[idx]                                              # (draws, M)
    delta = lw - lw.mean(1, keepdim=True)
    w_tilde = torch.softmax(lw, 1)
    scores = score_vectors(logits)[idx]                                          # (draws, M, d, K)
    a = -((w_tilde - 1 / m)[..., None, None] * scores).sum(1).mean(0).flatten()
    b = -((delta / m)[..., None, None] * scores).sum(1).mean(0).flatten()
    return {"cosine": float(torch.nn.functional.cosine_similarity(a, b, 0)),
            "relative_difference": float((a - b).norm() / a.norm()),
            "max_gap": float((m * w_tilde - (1 + delta)).abs().max(1).values.mean())}


def update_parts(logits, log_w, m: int = 20, draws: int = 2000, seed: int | torch.Generator = 0) -> dict[str, float]:
    r"""BGAN's update for one z split into its zero-mean part and the part that carries the critic's signal.

    Per draw of $M$ samples: $u = -\sum_m\tilde w_m\nabla\log g_m = n + a$ with $n = -\tfrac1M\sum_m\nabla\log g_m$
    (mean zero: the score identity) and $a = -\sum_m(\tilde w_m - \tfrac1M)\nabla\log g_m$. Returns the
    root-mean-square norms ``rms_zero_mean`` of $n$ and ``rms_weighted`` of $a$, the norm ``signal`` of the mean
    update, and the signal-to-noise ratios $\|\bar u\|^2/\mathrm{tr\,Cov}(u)$ (``snr_bgan``) and
    $\|\bar a\|^2/\mathrm{tr\,Cov}(a)$ (``snr_without_zero_mean_part``: what a baseline that removes $n$ would give).
    """
    logits, m, draws = _logits(logits), positive_int(m, "m", 2), positive_int(draws, "draws", 2)
    idx = _draw(logits, m, draws, make_generator(seed))
    w_tilde = torch.softmax(_table(log_w, logits, "log_w")[idx], 1)              # (draws, M)
    scores = score_vectors(logits)[idx].flatten(2)                               # (draws, M, d·K)
    n = -scores.mean(1)                                                          # (draws, d·K)
    a = -((w_tilde - 1 / m)[..., None] * scores).sum(1)
    u = n + a
    snr = lambda v: float(v.mean(0).pow(2).sum() / v.var(0).sum())               # noqa: E731
    return {"rms_zero_mean": float(n.pow(2).sum(1).mean().sqrt()), "rms_weighted": float(a.pow(2).sum(1).mean().sqrt()),
            "signal": float(u.mean(0).norm()), "snr_bgan": snr(u), "snr_without_zero_mean_part": snr(a)}


@torch.no_grad()
def per_z_vs_global(generator, log_w, p, num_z: int = 2048, seed: int | torch.Generator = 1234) -> dict[str, float]:
    r"""Both sides of the trade on a grid, exact per z, Monte Carlo over ``num_z`` noise vectors (`docs/math.md` §4.4).

    Bias: TV of the per-z target $\mathrm{mean}_z\,\tilde p(\cdot\mid z)$ and of the global one
    $\mathrm{mean}_z\,\frac{\alpha(z)}{\beta}\tilde p(\cdot\mid z) = wq/\beta$ to $p$. Variance: the ESS per sample
    in the population limit, $\mathrm{mean}_z\,\alpha(z)^2/\mathbb E_{g_z}[w^2]$ (per z) against
    $\beta^2/\mathbb E_q[w^2]$ (global). Also the smallest and largest $\alpha(z)/\beta$.
    """
    num_z = positive_int(num_z, "num_z")
    k, d = generator.num_categories, generator.num_positions
    z = generator.noise(num_z, make_generator(seed))
    log_probs = torch.log_softmax(generator(z).double(), -1)                    # (Z, d, K)
    idx = cells(d, k)                                                            # (K^d, d)
    log_g = log_probs[:, torch.arange(d), idx].sum(-1)                           # (Z, K^d)
    logits0 = torch.zeros(d, k, dtype=F64)
    log_w, p = _table(log_w, logits0, "log_w"), _table(p, logits0, "p")
    g, w = log_g.exp(), log_w.exp()
    alpha, second = g @ w, g @ (w * w)                                           # (Z,), (Z,)
    beta = alpha.mean()
    per_z = (g * w / alpha[:, None]).mean(0)                                     # mean_z p~(x|z)
    glob = (g * w).mean(0) / beta                                                # w q / β
    q = g.mean(0)
    tv = lambda a: float(0.5 * (a - p).abs().sum())                              # noqa: E731
    return {"tv_per_z": tv(per_z), "tv_global": tv(glob), "alpha_min": float(alpha.min() / beta),
            "alpha_max": float(alpha.max() / beta), "ess_per_z": float((alpha**2 / second).mean()),
            "ess_global": float(beta**2 / (q @ (w * w)))}


@torch.no_grad()
def entropy_curves(result, num_z: int = 512, seed: int | torch.Generator = 7) -> dict[str, torch.Tensor]:
    r"""Per snapshot of a grid run: ``step``, the marginal entropy $H(q)$ (nats, from the snapshot's table $q$) and
    the mean conditional entropy $\mathrm{mean}_z H(g_\theta(\cdot\mid z)) = \mathrm{mean}_z\sum_j H(\mathrm{softmax}\,\ell_j(z))$
    over ``num_z`` fixed noise vectors. float64 (S,) each."""
    if not result.snapshots or "q" not in result.snapshots[0].extras:
        raise ValueError("result must come from train_discrete(..., target=...) so that snapshots hold q")
    z = result.generator.noise(positive_int(num_z, "num_z"), make_generator(seed))
    marginal, conditional = [], []
    for i, snap in enumerate(result.snapshots):
        q = torch.as_tensor(snap.extras["q"], dtype=F64).flatten()
        marginal.append(float(-torch.xlogy(q, q).sum()))
        log_p = torch.log_softmax(result.generator_at(i)(z).double(), -1)        # (Z, d, K)
        conditional.append(float(-(log_p.exp() * log_p).sum((1, 2)).mean()))
    return {"step": torch.tensor([float(s.step) for s in result.snapshots], dtype=F64),
            "marginal": torch.tensor(marginal, dtype=F64), "conditional": torch.tensor(conditional, dtype=F64)}


def flat_parameters(trainer) -> torch.Tensor:
    """The generator's and the critic's parameters of a trainer (``DiscreteGAN``), detached, as one float64 vector."""
    for attr in ("generator", "critic"):
        if not isinstance(getattr(trainer, attr, None), torch.nn.Module):
            raise TypeError(f"trainer must have torch modules .generator and .critic (a DiscreteGAN); got "
                            f"{type(trainer).__name__}")
    params = [t.detach().reshape(-1).to(F64) for m in (trainer.generator, trainer.critic) for t in m.parameters()]
    return torch.cat(params)


def entropy_of(table) -> float:
    """$H(p) = -\\sum p\\log p$ in nats of a probability table (any shape)."""
    p = as_tensor(table, "table", F64).to(F64).flatten()
    if (p < 0).any() or not math.isclose(float(p.sum()), 1.0, abs_tol=1e-6):
        raise ValueError("table must be non-negative and sum to 1")
    return float(-torch.xlogy(p, p).sum())


def first_steps(run, steps: int) -> SimpleNamespace:
    """What a run of only ``steps`` steps would have recorded, read off a longer run with the same settings.

    The trainers draw every random number of step t from the run's own generator in the same order whatever the
    total number of steps, and metrics and snapshots draw none of them, so the first ``steps`` rows of a long
    run's history are the history of the short run (``tests/test_lessons_03_06.py`` checks it). Returns
    ``.history`` (a History of those rows) and ``.stopped`` (the long run's message if it stopped by then):
    what ``js_summary`` and ``plot_js_curves`` read. The networks are not included: they are the long run's.
    A short run also records its metrics at its last step, so with a target ``steps`` must be a step at which the
    long run recorded them (a multiple of its ``metric_every``, 10 by default); another ``steps`` is refused.
    """
    steps = positive_int(steps, "steps")
    if steps > len(run.history) and not run.stopped:
        raise ValueError(f"steps must be at most the run's {len(run.history)} steps; got {steps}")
    if "js" in run.history.keys() and steps <= len(run.history) and not math.isfinite(run.history["js"][steps - 1]):
        every = getattr(run, "config", {}).get("metric_every", "metric_every")
        raise ValueError(f"steps must be a step at which the run recorded its metrics (a multiple of {every}); "
                         f"got {steps}: a run of {steps} steps would record them at its last step, this one did not")
    history = History()
    for row in run.history.rows[:steps]:
        history.append(**row)
    stopped = run.stopped if len(run.history) <= steps else None        # a NaN stop within the first steps
    return SimpleNamespace(history=history, stopped=stopped)
