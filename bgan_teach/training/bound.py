r"""Fit a critic by maximising the variational bound between two known discrete distributions.

For $P, Q$ on $K$ points and a critic with raw outputs $v(x)$ (Hjelm et al. 2018, the paper's f-divergence bound;
`docs/math.md` §2.2-2.3, §3.1-3.2):

$$D_f(P\,\|\,Q) \;\ge\; \mathbb{E}_{x\sim P}[g_f(v(x))] - \mathbb{E}_{x\sim Q}[f^*(g_f(v(x)))] ,$$

with equality at $v^*(x) = g_f^{-1}(f'(p(x)/q(x)))$, where the importance weight
$w = (f^*)'(g_f(v^*)) = p/q$ (Theorem 1). The critic is trained by stochastic gradient ascent on
the Monte Carlo bound (a batch of samples from $P$ and from $Q$ per step), exactly as a GAN critic is.
Because $P$ and $Q$ are tables, the bound with exact expectations is also recorded each step: it can
never exceed ``exact`` (Fenchel), which the notebooks use as a reference line.

Notebook 02 also uses a mixture model $q(x) = \sum_z h(z)\, g(x\mid z)$ on the same kind of support,
where "the M samples of one z" is concrete (`docs/math.md` §4.1-4.5).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch import nn

from .. import weights
from .._checks import as_tensor, in_interval, positive_float, positive_int, probability_vector, same_shape
from ..config import make_generator, seeded
from ..divergences import get
from ..models.table import CRITICS
from .common import History, NonFiniteError, Snapshot, check_finite, progress, warn_stopped

__all__ = [
    "CRITICS", "BoundResult", "fit_bound", "example_pair", "reweighting_view",
    "MixtureToy", "mixture_toy", "conditional_targets", "snis_estimates", "snis_bias",
]
F64 = torch.float64


def _make_critic(kind: str, k: int, seed: int) -> nn.Module:
    if kind not in CRITICS:
        raise ValueError(f"critic must be one of {list(CRITICS)}; got {kind!r}")
    with seeded(seed):
        return CRITICS[kind](k)


@dataclass
class BoundResult:
    """What :func:`fit_bound` returns.

    ``history`` has per step ``bound`` (the Monte Carlo batch estimate the critic ascends) and
    ``exact_bound`` (the same critic's bound with exact expectations, ``div.weighted_bound``).
    ``snapshots[i].extras["v"]`` holds the critic's raw outputs over the support, (K,), after
    ``snapshots[i].step`` updates. ``exact`` is $D_f(P\\|Q)$.
    """

    divergence: str
    p: torch.Tensor
    q: torch.Tensor
    critic: nn.Module
    history: History
    snapshots: list[Snapshot]
    exact: float
    config: dict[str, Any] = field(default_factory=dict)
    stopped: str | None = None
    seconds: float = 0.0

    @property
    def steps(self) -> np.ndarray:
        """The training step of every snapshot, (S,)."""
        return np.array([s.step for s in self.snapshots])

    @property
    def logits(self) -> torch.Tensor:
        """Raw critic outputs at every snapshot, (S, K)."""
        return torch.stack([s.extras["v"] for s in self.snapshots])

    @property
    def final_bound(self) -> float:
        """The trained critic's bound with exact expectations (≤ ``exact``)."""
        return float(get(self.divergence).weighted_bound(self.snapshots[-1].extras["v"], self.p, self.q))

    def estimate(self, last: float = 0.2) -> float:
        """Mean of the Monte Carlo bound over the last fraction ``last`` of the steps."""
        values = self.history["bound"]
        return float(values[-max(1, int(len(values) * last)):].mean())

    def view(self, index: int) -> dict[str, Any]:
        """:func:`reweighting_view` of snapshot ``index`` (p̃, β, ESS) plus its step."""
        out = reweighting_view(self.snapshots[index].extras["v"], self.q, self.divergence)
        return {**out, "step": self.snapshots[index].step}


def _check_pair(p, q) -> tuple[torch.Tensor, torch.Tensor]:
    p = probability_vector(p, "p").to(F64)
    q = probability_vector(q, "q").to(F64)
    same_shape(p, q, "p", "q")
    if p.ndim != 1:
        raise ValueError(f"p and q must be 1-D tables over the support; got shape {tuple(p.shape)}")
    if not bool((q > 0).all() and (p > 0).all()):
        raise ValueError("p and q must be positive on every support point (else the bound is infinite "
                         "or the optimal critic is ±inf)")
    return p, q


def fit_bound(p, q, divergence="gan", steps: int = 1000, lr: float = 0.05, batch_size: int = 256,
              seed: int = 0, snapshot_every: int = 50, critic: str = "table", progress: bool = False) -> BoundResult:
    r"""Train a critic by ascending the Monte Carlo bound $\frac1B\sum g_f(v(x_b)) - \frac1B\sum f^*(g_f(v(\tilde x_b)))$.

    ``x_b ~ P`` and ``x̃_b ~ Q`` are fresh each step (seeded). Adam, learning rate ``lr`` decayed by a
    cosine schedule to ``lr/20`` so that the last steps average out the Monte Carlo noise (a training
    choice of ours, not the paper's). ``critic``: ``"table"`` (one free logit per point, starting at 0:
    converges to $v^*$), ``"mlp"`` (position → logit) or ``"linear"`` (a restricted family: its best
    bound stays strictly below $D_f$ when $v^*$ is not linear). ``progress`` shows a ``tqdm`` bar.
    A NaN/inf bound or gradient stops training with a warning before the update; the history so far is kept
    (``result.stopped``) and the critic is the last finite one.
    """
    p, q = _check_pair(p, q)
    div = get(divergence)
    steps, batch_size = positive_int(steps, "steps"), positive_int(batch_size, "batch_size")
    snapshot_every, lr = positive_int(snapshot_every, "snapshot_every"), positive_float(lr, "lr")
    net = _make_critic(critic, len(p), seed)
    gen, opt = make_generator(seed), torch.optim.Adam(net.parameters(), lr=lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=steps, eta_min=lr / 20)
    history, snapshots, stopped, start = History(), [], None, time.perf_counter()
    try:
        for step in _progress(steps, progress, div.title):
            v = net()                                                        # (K,)
            x_real = torch.multinomial(p, batch_size, replacement=True, generator=gen)   # (B,)
            x_fake = torch.multinomial(q, batch_size, replacement=True, generator=gen)   # (B,)
            bound = div.bound(v[x_real], v[x_fake])
            exact_bound = div.weighted_bound(v.detach(), p, q)
            check_finite(step, bound=bound, exact_bound=exact_bound)
            history.append(step=step, bound=bound, exact_bound=exact_bound)
            if step % snapshot_every == 0:
                snapshots.append(_snapshot(step, net, v))
            opt.zero_grad()
            (-bound).backward()
            check_finite(step, critic_gradient=torch.cat([w.grad.flatten() for w in net.parameters()]))
            opt.step()                                                       # only a finite update is applied
            schedule.step()
        v = net()
        check_finite(steps, v=v)
        snapshots.append(_snapshot(steps, net, v))
    except NonFiniteError as err:
        stopped = warn_stopped(err)
        if not snapshots:                                                    # stopped at step 0: keep the start
            snapshots.append(_snapshot(0, net, net()))
    config = dict(divergence=div.name, steps=steps, lr=lr, batch_size=batch_size, seed=seed, critic=critic)
    return BoundResult(div.name, p, q, net, history, snapshots, float(div.exact(p, q)), config, stopped,
                       time.perf_counter() - start)


def _progress(steps: int, enabled: bool, title: str):
    return progress(steps, enabled, f"critic ({title})")


def _snapshot(step: int, net: nn.Module, v: torch.Tensor) -> Snapshot:
    state = {k: t.detach().clone() for k, t in net.state_dict().items()}
    return Snapshot(step, {}, state, {"v": v.detach().clone()})


def _bump(x: torch.Tensor, centre: float, width: float) -> torch.Tensor:
    return torch.exp(-0.5 * ((x - centre) / width) ** 2)


def _normalise(t: torch.Tensor) -> torch.Tensor:
    return t / t.sum(-1, keepdim=True)


def example_pair(k: int = 24) -> tuple[torch.Tensor, torch.Tensor]:
    """A two-bump data table P and a broad one-bump model Q on ``k`` points, both positive (float64)."""
    k = positive_int(k, "k", minimum=2)
    x = torch.linspace(0, 1, k, dtype=F64)
    p = _normalise(0.6 * _bump(x, 0.25, 0.08) + 0.4 * _bump(x, 0.7, 0.1) + 1e-3)
    q = _normalise(_bump(x, 0.5, 0.25) + 1e-3)
    return p, q


def reweighting_view(v, q, divergence) -> dict[str, Any]:
    r"""From raw outputs v over the support: $\log w$, $\tilde p = wq/\beta$, $\beta = \sum_x w q$, ESS.

    ``ess`` is the population effective sample size per drawn sample,
    $\beta^2 / \mathbb{E}_Q[w^2] \in (0, 1]$, computed in log space (1 means no reweighting needed).
    """
    v = as_tensor(v, "v").to(F64)
    q = probability_vector(q, "q").to(F64)
    log_w = get(divergence).log_weight(v)                                 # (K,)
    log_beta = torch.logsumexp(log_w + torch.log(q), -1)
    log_w2 = torch.logsumexp(2 * log_w + torch.log(q), -1)
    return {"log_w": log_w, "p_tilde": weights.reweighted_density(log_w, q), "beta": float(log_beta.exp()),
            "ess": float(torch.exp(2 * log_beta - log_w2))}


@dataclass
class MixtureToy:
    """$q(x) = \\sum_z h(z) g(x\\mid z)$ on K points, and a data table $p$. ``g`` is (Z, K)."""

    h: torch.Tensor
    g: torch.Tensor
    q: torch.Tensor
    p: torch.Tensor


def mixture_toy(k: int = 24, centres=(0.2, 0.5, 0.8), width: float = 0.09) -> MixtureToy:
    """A generator with Z = len(centres) noise values, g(·|z) a bump at each centre, h uniform.

    The data table P has two bumps placed between the generator's components.
    """
    k = positive_int(k, "k", minimum=2)
    width = positive_float(width, "width")
    if isinstance(centres, (str, bytes)) or not hasattr(centres, "__len__") or len(centres) < 1:
        raise ValueError(f"centres must be a non-empty sequence of numbers in [0, 1]; got {centres!r}")
    centres = [in_interval(c, "centres entry", 0.0, 1.0, "[]") for c in centres]
    x = torch.linspace(0, 1, k, dtype=F64)
    g = _normalise(torch.stack([_bump(x, c, width) for c in centres]) + 1e-4)          # (Z, K)
    h = torch.full((len(centres),), 1 / len(centres), dtype=F64)                         # (Z,)
    p = _normalise(0.8 * _bump(x, 0.3, 0.07) + 0.2 * _bump(x, 0.72, 0.06) + 1e-3)    # (K,)
    return MixtureToy(h, g, h @ g, p)


def conditional_targets(toy: MixtureToy, log_w) -> torch.Tensor:
    r"""Exact per-z targets $\tilde p(x\mid z) = w(x)\,g(x\mid z)/\alpha(z)$, (Z, K) (`docs/math.md` §4.1)."""
    log_w = as_tensor(log_w, "log_w").to(F64)
    return weights.reweighted_density(log_w.expand_as(toy.g), toy.g)


def snis_estimates(toy: MixtureToy, log_w, m: int, batch: int, seed: int = 0) -> dict[str, Any]:
    r"""Draw B noise values z and M samples x ~ g(·|z) each; normalise $\log w(x)$ per z and globally.

    Returns ``x`` (M, B), ``z`` (B,), ``per_z`` = softmax over the M samples of each z (columns sum
    to 1), ``global`` = softmax over all M·B samples, ``ess_z`` (B,) ∈ [1, M], ``ess_global`` ∈ [1, MB],
    and the weighted histograms ``hist_per_z`` (estimates $\sum_z h(z)\tilde p(x\mid z)$) and
    ``hist_global`` (estimates $p$), both (K,).
    """
    m, batch = positive_int(m, "m"), positive_int(batch, "batch")
    log_w = as_tensor(log_w, "log_w").to(F64)
    gen = make_generator(seed)
    z = torch.multinomial(toy.h, batch, replacement=True, generator=gen)                 # (B,)
    x = torch.multinomial(toy.g[z], m, replacement=True, generator=gen).T                # (M, B)
    per_z = weights.normalized(log_w[x], dim=0)                                          # (M, B)
    glob = weights.normalized_global(log_w[x])                                           # (M, B)
    k = toy.g.shape[-1]
    hist = lambda w: torch.zeros(k, dtype=F64).index_add_(0, x.flatten(), w.flatten())  # noqa: E731
    return {"x": x, "z": z, "per_z": per_z, "global": glob,
            "ess_z": weights.effective_sample_size(per_z, dim=0),
            "ess_global": float(weights.effective_sample_size(glob.flatten(), dim=0)),
            "hist_per_z": hist(per_z) / batch, "hist_global": hist(glob)}


def snis_bias(toy: MixtureToy, log_w, ms=(1, 2, 5, 20, 100), batch: int = 20000, seed: int = 0) -> dict[int, float]:
    r"""Total-variation distance between the average per-z SNIS histogram and its exact target, per M.

    Averaging over ``batch`` noise values approximates the estimator's expectation, so what remains
    is its bias (`docs/math.md` §4.5, pitfall §8.4): M = 1 gives $\tilde w \equiv 1$ and the histogram
    of plain samples from Q. Noise floor ≈ $\sqrt{K/(M\cdot\text{batch})}$.
    """
    target = toy.h @ conditional_targets(toy, log_w)                                     # (K,)
    return {int(m): float(0.5 * (snis_estimates(toy, log_w, m, batch, seed)["hist_per_z"] - target).abs().sum())
            for m in ms}
