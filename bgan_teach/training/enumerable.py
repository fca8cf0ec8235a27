r"""Exact-truth problems for the estimator study: a generator whose whole support can be enumerated.

h(z) uniform over Z codes, $g_\theta(x\mid z) = \prod_d \mathrm{softmax}(\theta_{z,d})_{x_d}$ with a free table
θ (Z, D, K), $q_\theta = \sum_z h(z)\,g_\theta(\cdot\mid z)$ on the N = K^D outcomes (row-major), a target p,
and a fixed critic $\log w$ over the outcomes. Every expectation is a finite sum, so the gradients of
:func:`exact_gradients` are exact (autograd on enumerated objectives; docs/math.md §5.2-§5.7).
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from .. import weights
from .._checks import seed as check_seed, non_negative_float, positive_float, positive_int, probability_vector
from ..config import make_generator
from ..models.categorical import sample_categorical

__all__ = ["EnumerableProblem", "enumerable_problem", "optimal_critic", "table_logit", "exact_gradients",
           "per_z_expected_gradient", "ema_limit_baseline", "MAX_TUPLES"]

F64 = torch.float64
MAX_TUPLES = 2**20            # per_z_expected_gradient enumerates N^M tuples per z


def _generator(value) -> torch.Generator:
    return make_generator(check_seed(value))


@dataclass(frozen=True)
class EnumerableProblem:
    """h (Z,), generator logits ``theta`` (Z, D, K) and a target ``p`` over the K^D outcomes, all float64."""

    h: torch.Tensor
    theta: torch.Tensor
    p: torch.Tensor

    def __post_init__(self):
        theta = self.theta
        if not (isinstance(theta, torch.Tensor) and theta.ndim == 3 and theta.shape[-1] >= 2
                and theta.is_floating_point() and bool(torch.isfinite(theta).all())):
            raise ValueError("theta must be a finite float tensor (Z, D, K) with K >= 2; "
                             f"got {getattr(theta, 'shape', theta)!r}")
        z, d, k = self.theta.shape
        if k**d > 4096:
            raise ValueError(f"K^D = {k}^{d} outcomes is too many to enumerate (at most 4096)")
        for name, t, n in (("h", self.h, z), ("p", self.p, k**d)):
            probability_vector(t, name)
            if t.shape != (n,) or not bool((t > 0).all()):
                raise ValueError(f"{name} must be a positive table of shape ({n},); got shape {tuple(t.shape)}")
        for name in ("h", "theta", "p"):
            object.__setattr__(self, name, getattr(self, name).detach().to(F64))

    @property
    def support(self) -> torch.Tensor:
        """Every outcome, LongTensor (N, D), row-major."""
        _, d, k = self.theta.shape
        digits = torch.arange(k**d)[:, None] // k ** torch.arange(d - 1, -1, -1)
        return digits % k                                                            # (N, D)

    def flat_index(self, x: torch.Tensor) -> torch.Tensor:
        """Row-major outcome index of samples (..., D) → (...)."""
        _, d, k = self.theta.shape
        return (x * k ** torch.arange(d - 1, -1, -1)).sum(-1)

    def log_g(self, theta: torch.Tensor | None = None) -> torch.Tensor:
        r"""$\log g_\theta(x\mid z) = \sum_d \mathrm{log\_softmax}(\theta_{z,d})_{x_d}$ for every z and x: (Z, N)."""
        lp = torch.log_softmax(self.theta if theta is None else theta, -1)           # (Z, D, K)
        return lp[:, torch.arange(lp.shape[1]), self.support].sum(-1)                # (Z, N)

    def log_q(self, theta: torch.Tensor | None = None) -> torch.Tensor:
        r"""$\log q_\theta(x) = \mathrm{LSE}_z(\log h(z) + \log g_\theta(x\mid z))$: (N,)."""
        return torch.logsumexp(self.h.log()[:, None] + self.log_g(theta), 0)


def enumerable_problem(latent: int = 3, positions: int = 3, categories: int = 4, seed: int = 0,
                       spread: float = 1.0, target_spread: float = 1.5) -> EnumerableProblem:
    """A random problem: θ ~ N(0, spread²) and a non-product target p = softmax(target_spread · N(0, I_N))."""
    latent, positions = positive_int(latent, "latent", 1), positive_int(positions, "positions", 1)
    categories = positive_int(categories, "categories", 2)
    spread, target_spread = positive_float(spread, "spread"), positive_float(target_spread, "target_spread")
    gen = make_generator(seed)
    theta = spread * torch.randn(latent, positions, categories, generator=gen, dtype=F64)   # (Z, D, K)
    p = torch.softmax(target_spread * torch.randn(categories**positions, generator=gen, dtype=F64), 0)
    return EnumerableProblem(torch.full((latent,), 1 / latent, dtype=F64), theta, p)


def _check_problem(problem) -> EnumerableProblem:
    if not isinstance(problem, EnumerableProblem):
        raise ValueError(f"problem must be an EnumerableProblem; got {type(problem).__name__}")
    return problem


def _check_critic(problem: EnumerableProblem, log_w) -> torch.Tensor:
    _check_problem(problem)
    if not isinstance(log_w, torch.Tensor) or log_w.shape != problem.p.shape or not bool(torch.isfinite(log_w).all()):
        raise ValueError(f"critic (log w) must be a finite tensor of shape {tuple(problem.p.shape)}; "
                         f"got {getattr(log_w, 'shape', type(log_w).__name__)}")
    return log_w.detach().to(F64)


def optimal_critic(problem: EnumerableProblem, noise: float = 0.0, seed: int = 0) -> torch.Tensor:
    r"""$\log w(x) = \log p(x) - \log q_\theta(x) + \sigma\varepsilon(x)$, ε ~ N(0, 1) fixed by ``seed``: (N,)."""
    noise = non_negative_float(noise, "noise")
    _check_problem(problem)
    eps = torch.randn(problem.p.shape, generator=make_generator(seed), dtype=F64)
    return problem.p.log() - problem.log_q() + noise * eps


def table_logit(log_w: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    r"""Multilinear table critic $V(y) = \sum_x V(x)\prod_d y_{d,x_d}$; y (..., D, K) one-hot or relaxed → (...)."""
    d, k = y.shape[-2:]
    v = y[..., d - 1, :] @ log_w.view(k ** (d - 1), k).T                            # (..., K^(D−1))
    for position in range(d - 2, -1, -1):                                           # contract D−2, …, 0
        v = (v.view(*v.shape[:-1], -1, k) @ y[..., position, :, None]).squeeze(-1)  # (..., K^position)
    return v.squeeze(-1)                                                            # (...)


def _gradient(objective, theta: torch.Tensor) -> torch.Tensor:
    theta = theta.detach().clone().requires_grad_(True)
    return torch.autograd.grad(objective(theta), theta)[0]


def exact_gradients(problem: EnumerableProblem, critic: torch.Tensor) -> dict[str, torch.Tensor]:
    """The common ``reference`` and every estimator's own target (module table), each (Z, D, K), by autograd."""
    log_w = _check_critic(problem, critic)
    h, p = problem.h, problem.p
    p_z = torch.softmax(log_w + problem.log_g(), -1)                              # (Z, N) p̃(x|z), fixed
    p_tilde = torch.softmax(log_w + problem.log_q(), -1)                          # (N,) p̃ = wq/β, fixed
    own = {"reference": lambda th: (p * (p.log() - problem.log_q(th))).sum(),
           "bgan": lambda th: -(h[:, None] * p_z * problem.log_g(th)).sum(),
           "bgan_global": lambda th: -(p_tilde * problem.log_q(th)).sum(),
           "reinforce": lambda th: -(problem.log_q(th).exp() * log_w).sum(),
           "gumbel_st": lambda th: (problem.log_q(th).exp() * F.softplus(-log_w)).sum()}
    out = {name: _gradient(f, problem.theta) for name, f in own.items()}
    return {**out, "reinforce_loo": out["reinforce"]}                          # same expectation


def per_z_expected_gradient(problem: EnumerableProblem, critic: torch.Tensor, m: int) -> torch.Tensor:
    r"""Exact $\mathbb E[\nabla\mathcal L_G]$ of per-z BGAN at finite M, a sum over all N^M tuples per z: (Z, D, K).

    $$\mathbb E = -\sum_z h(z)\sum_{x^{1..M}}\prod_m g(x^m\mid z)\sum_m \tilde w_m\,\nabla\log g_\theta(x^m\mid z),
    \qquad \tilde w = \mathrm{softmax}_m(\log w(x^m)).$$
    """
    log_w, m = _check_critic(problem, critic), positive_int(m, "m", 1)
    n = problem.p.numel()
    if n**m > MAX_TUPLES:
        raise ValueError(f"m = {m} needs N^m = {n}^{m} tuples per z; at most {MAX_TUPLES} are enumerated")
    cells = torch.cartesian_prod(*[torch.arange(n)] * m).view(-1, m).T                 # (M, N^M)
    log_g0 = problem.log_g()                                                        # (Z, N)
    prob = log_g0[:, cells].sum(1).exp()                                            # (Z, N^M)
    w_tilde = torch.softmax(log_w[cells], 0)                                        # (M, N^M)
    objective = lambda th: -(problem.h[:, None, None] * prob[:, None] * w_tilde    # noqa: E731
                             * problem.log_g(th)[:, cells]).sum()
    return _gradient(objective, problem.theta)


def ema_limit_baseline(problem: EnumerableProblem, critic: torch.Tensor, m: int, seed=0, pilot: int = 4096) -> float:
    r"""$\mathbb E[\mathrm{mean}_b\,\log\hat\alpha_M(z_b)]$ from ``pilot`` fresh z: where the trainer's EMA settles."""
    log_w, m, pilot = _check_critic(problem, critic), positive_int(m, "m", 1), positive_int(pilot, "pilot", 1)
    gen = _generator(seed)
    z = torch.multinomial(problem.h, pilot, replacement=True, generator=gen)        # (pilot,)
    x = sample_categorical(problem.theta[z], m, gen)                                # (M, pilot, D)
    return float(weights.log_partition(log_w[problem.flat_index(x)]).mean())


