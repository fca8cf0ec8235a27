r"""The exact estimator study: bias, variance, cosine and SNR of every discrete generator-gradient estimator.

With a **fixed** critic and a support small enough to enumerate, every expectation is a finite sum: the true
gradient is exact, so each estimator's error is measured, not guessed (the authors' estimator-variance
experiment, docs/math.md §5.8, cannot separate bias from variance).

Problem (:func:`enumerable_problem`): h(z) uniform over Z codes, $g_\theta(x\mid z) = \prod_d
\mathrm{softmax}(\theta_{z,d})_{x_d}$ with a free table θ (Z, D, K), $q_\theta = \sum_z h(z)\,g_\theta(\cdot\mid z)$
on the N = K^D outcomes (row-major). Critic (:func:`optimal_critic`): $\log w = \log p - \log q_\theta$
(+ optional fixed noise); GAN case, so the logit is $V = \log w$. :func:`exact_gradients` (autograd on
enumerated objectives) gives the common **reference** $\nabla_\theta\mathrm{KL}(P\,\|\,Q_\theta)$, the
maximum-likelihood direction (docs/math.md §5.2), read by ``bias``, ``cosine``, ``cosine_draw``; and each
estimator's **own target**, read by ``bias_own`` (its M → ∞ limit, p̃ and w held fixed):

- ``bgan`` (per-z): $-\nabla\sum_z h(z)\sum_x \tilde p(x\mid z)\log g_\theta(x\mid z)$ with
  $\tilde p(\cdot\mid z)\propto w\,g(\cdot\mid z)$ (§5.3).
- ``bgan_global``: $-\nabla\sum_x \tilde p(x)\log q_\theta(x)$ with $\tilde p\propto w\,q$; the reference when
  w = p/q (§5.2).
- ``reinforce``, ``reinforce_loo``: $-\nabla\,\mathbb E_{q_\theta}[\log w]$, their exact expectation at every M;
  $\nabla\mathrm{KL}(Q_\theta\,\|\,P)$ when w = p/q (§5.6).
- ``gumbel_st*``: $\nabla\,\mathbb E_{q_\theta}[\mathrm{softplus}(-V)]$, the non-saturating objective whose gradient
  straight-through stands in for (§5.7): here ``bias_own`` is the relaxation bias.

One draw = one minibatch: B codes z ~ h, M samples x ~ g(·|z) each; all ``repeats`` draws are made at once
and θ is copied per repeat, so one backward pass gives every draw's gradient. ``variance`` = tr Cov,
``noise_floor`` = $\sqrt{\mathrm{tr\,Cov}/R}$ (what ``bias`` reads for an unbiased estimator), ``snr`` =
‖mean‖²/tr Cov (1/R when the mean is 0), ``cosine`` = cos(mean, reference), ``cosine_draw`` = mean of
cos(draw, reference).

NOTE(deviation): the REINFORCE baseline is the constant the trainer's EMA (γ = 0.95) settles around at a
fixed critic and θ, $\mathbb E[\mathrm{mean}_b\log\hat\alpha_M(z_b)]$, from an independent pilot draw (the
EMA's jitter is left out). The Gumbel critic is the table's multilinear extension, exact on one-hots
(the authors' critic is an MLP).
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from .._checks import seed as check_seed, positive_float, positive_int
from ..config import make_generator
from .enumerable import (EnumerableProblem, _check_critic, _check_problem, ema_limit_baseline, enumerable_problem,
                         exact_gradients, optimal_critic, per_z_expected_gradient, table_logit)
from ..estimators import (discrete_generator_loss, gumbel_softmax, gumbel_temperature, reinforce_generator_loss,
                          reinforce_loo_generator_loss)
from ..losses import non_saturating_loss
from ..models.categorical import categorical_log_prob, sample_categorical

__all__ = ["ESTIMATORS", "EnumerableProblem", "enumerable_problem", "optimal_critic", "table_logit",
           "exact_gradients", "per_z_expected_gradient", "ema_limit_baseline", "gradients_from_samples",
           "estimator_gradients", "summarize_gradients", "estimator_study", "format_table"]   # problem: .enumerable

ESTIMATORS = ("bgan", "bgan_global", "reinforce", "reinforce_loo", "gumbel_st", "gumbel_st_annealed")
SCORE_ESTIMATORS = ESTIMATORS[:4]
F64 = torch.float64


def _generator(value) -> torch.Generator:
    return make_generator(check_seed(value))


def _ints(values, name: str, minimum: int) -> tuple[int, ...]:
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__") or len(values) == 0:
        raise ValueError(f"{name} must be a non-empty sequence of integers >= {minimum}; got {values!r}")
    return tuple(positive_int(v, f"{name} entry", minimum) for v in values)


def _score_loss(estimator: str, log_w: torch.Tensor, log_g: torch.Tensor, baseline: float) -> torch.Tensor:
    """The package's loss on (M, R, B) inputs, scaled so its gradient w.r.t. repeat r's θ is draw r's gradient."""
    m, repeats, batch = log_w.shape
    if estimator == "bgan_global":      # global w̃ of one repeat = per-z w̃ of its M·B samples taken as one column
        column = lambda t: t.permute(0, 2, 1).reshape(m * batch, repeats)          # noqa: E731  (M·B, R)
        return repeats * discrete_generator_loss(column(log_w), column(log_g), "per_z")
    log_w, log_g = log_w.reshape(m, -1), log_g.reshape(m, -1)                       # (M, R·B)
    if estimator == "bgan":
        return repeats * discrete_generator_loss(log_w, log_g, "per_z")
    if estimator == "reinforce":
        return repeats * reinforce_generator_loss(log_w, log_g, baseline)
    return repeats * reinforce_loo_generator_loss(log_w, log_g)


def _theta_copies(problem: EnumerableProblem, repeats: int) -> torch.Tensor:
    return problem.theta.expand(repeats, *problem.theta.shape).clone().requires_grad_(True)   # (R, Z, D, K)


def gradients_from_samples(problem: EnumerableProblem, critic: torch.Tensor, z: torch.Tensor, x: torch.Tensor,
                           estimator: str, baseline: float = 0.0) -> torch.Tensor:
    """Each draw's gradient of a score-function estimator's loss; z (R, B), x (M, R, B, D) → (R, Z, D, K)."""
    log_w = _check_critic(problem, critic)
    if estimator not in SCORE_ESTIMATORS:
        raise ValueError(f"estimator must be one of {list(SCORE_ESTIMATORS)}; got {estimator!r}")
    shapes_ok = z.ndim == 2 and x.shape[1:] == (*z.shape, problem.theta.shape[1])
    if z.dtype != torch.long or x.dtype != torch.long or not shapes_ok:
        raise ValueError(f"z must be a LongTensor (R, B) and x one (M, R, B, D); got {tuple(z.shape)} {z.dtype} "
                         f"and {tuple(x.shape)} {x.dtype}")
    theta = _theta_copies(problem, z.shape[0])
    logits = theta[torch.arange(z.shape[0])[:, None], z]                            # (R, B, D, K)
    log_g = categorical_log_prob(logits.flatten(0, 1), x.flatten(1, 2)).view(x.shape[:3])   # (M, R, B)
    loss = _score_loss(estimator, log_w[problem.flat_index(x)], log_g, baseline)
    return torch.autograd.grad(loss, theta)[0]


def _draw_samples(problem, m: int, repeats: int, batch: int, gen) -> tuple[torch.Tensor, torch.Tensor]:
    z = torch.multinomial(problem.h, repeats * batch, replacement=True, generator=gen).view(repeats, batch)
    x = sample_categorical(problem.theta[z.flatten()], m, gen)                     # (M, R·B, D)
    return z, x.view(m, repeats, batch, -1)                                         # (R, B), (M, R, B, D)


def _gumbel_gradients(problem, log_w, m: int, repeats: int, batch: int, tau: float, gen) -> torch.Tensor:
    z = torch.multinomial(problem.h, repeats * batch, replacement=True, generator=gen).view(repeats, batch)
    theta = _theta_copies(problem, repeats)
    logits = theta[torch.arange(repeats)[:, None], z]                              # (R, B, D, K)
    y = gumbel_softmax(logits.expand(m, *logits.shape), tau, hard=True, generator=gen)   # (M, R, B, D, K)
    loss = repeats * non_saturating_loss("gan", table_logit(log_w, y))             # softplus(−V), mean
    return torch.autograd.grad(loss, theta)[0]


def estimator_gradients(problem: EnumerableProblem, critic: torch.Tensor, estimator: str, m: int,
                        repeats: int = 400, batch: int = 8, seed=0, tau: float = 1.0) -> torch.Tensor:
    """``repeats`` independent minibatch gradients of one estimator, (R, Z, D, K); ``gumbel_st`` at temperature ``tau``."""
    log_w = _check_critic(problem, critic)
    if estimator not in ESTIMATORS[:5]:
        raise ValueError(f"estimator must be one of {list(ESTIMATORS[:5])}; got {estimator!r}")
    m, repeats, batch = positive_int(m, "m", 1), positive_int(repeats, "repeats", 2), positive_int(batch, "batch", 1)
    if estimator == "reinforce_loo" and m < 2:
        raise ValueError("m must be >= 2 for reinforce_loo (the leave-one-out baseline needs another sample); got 1")
    tau, gen = positive_float(tau, "tau"), _generator(seed)
    if estimator == "gumbel_st":
        return _gumbel_gradients(problem, log_w, m, repeats, batch, tau, gen)
    baseline = ema_limit_baseline(problem, log_w, m, gen) if estimator == "reinforce" else 0.0
    return gradients_from_samples(problem, log_w, *_draw_samples(problem, m, repeats, batch, gen), estimator, baseline)


def summarize_gradients(grads: torch.Tensor, reference: torch.Tensor, own: torch.Tensor) -> dict[str, float]:
    """bias, bias_own, noise_floor, variance (tr Cov), cosine, cosine_draw, snr of draws (R, ...)."""
    g = grads.flatten(1)                                                            # (R, P)
    ref, own = reference.flatten(), own.flatten()
    mean, variance = g.mean(0), float(g.var(0).sum())                              # (P,), tr Cov
    return {"bias": float((mean - ref).norm()), "bias_own": float((mean - own).norm()),
            "noise_floor": math.sqrt(variance / g.shape[0]), "variance": variance,
            "cosine": float(F.cosine_similarity(mean, ref, 0)),
            "cosine_draw": float(F.cosine_similarity(g, ref[None], 1).mean()),
            "snr": float(mean.pow(2).sum()) / variance}


def _variants(estimators, tau: float, anneal_steps) -> list[tuple[str, str, float]]:
    """(label, kind, τ) for each requested estimator; the annealed Gumbel-ST gives one per step."""
    out = []
    for name in estimators:
        if name == "gumbel_st_annealed":
            out += [(f"gumbel_st_annealed@{s}", "gumbel_st", gumbel_temperature(s)) for s in anneal_steps]
        else:
            out.append((name, name, tau if name == "gumbel_st" else math.nan))
    return out


def _check_study(estimators, anneal_steps) -> tuple[tuple[str, ...], tuple[int, ...]]:
    names = tuple(estimators) if isinstance(estimators, (list, tuple)) else ()
    if not names or not all(isinstance(e, str) and e in ESTIMATORS for e in names):
        raise ValueError(f"estimators must be a non-empty list or tuple of names in {list(ESTIMATORS)}; "
                         f"got {estimators!r}")
    return names, _ints(anneal_steps, "anneal_steps", 0)


def estimator_study(problem: EnumerableProblem | None = None, critic: torch.Tensor | None = None,
                    estimators=ESTIMATORS, m_values=(1, 2, 5, 20, 100), repeats: int = 400, batch: int = 8,
                    seed=0, tau: float = 1.0, anneal_steps=(0, 2000)) -> list[dict]:
    """One row per (estimator, M): the module's columns plus ``estimator``, ``m``, ``tau`` (NaN if unused).

    Defaults: :func:`enumerable_problem` (Z = 3, D = 3, K = 4: 64 outcomes) and its :func:`optimal_critic`.
    The four score-function estimators share each M's samples; every Gumbel variant draws its own. Each M's
    random streams are fixed by ``seed`` whatever else is requested. ``reinforce_loo`` has no row at M = 1.
    ``gumbel_st`` uses ``tau``; ``gumbel_st_annealed`` gives a row per step in ``anneal_steps``
    (τ = ``gumbel_temperature(step)``: 3.0 at step 0, the floor 0.5 from step 1792).
    """
    estimators, anneal_steps = _check_study(estimators, anneal_steps)
    m_values, repeats, batch = _ints(m_values, "m_values", 1), positive_int(repeats, "repeats", 2), positive_int(batch, "batch", 1)
    tau, master = positive_float(tau, "tau"), _generator(seed)
    problem = enumerable_problem() if problem is None else _check_problem(problem)
    log_w = _check_critic(problem, optimal_critic(problem) if critic is None else critic)
    targets, rows = exact_gradients(problem, log_w), []
    variants = _variants(estimators, tau, anneal_steps)
    gumbel_labels = [v[0] for v in _variants(ESTIMATORS[4:], tau, anneal_steps)]
    for m in m_values:                      # streams per M: pilot, shared samples, one per Gumbel variant
        streams = torch.randint(2**62, (2 + len(gumbel_labels),), generator=master).tolist()
        baseline = ema_limit_baseline(problem, log_w, m, streams[0])
        samples = _draw_samples(problem, m, repeats, batch, make_generator(streams[1]))
        gumbel_stream = dict(zip(gumbel_labels, streams[2:]))
        for label, kind, t in variants:
            if kind == "reinforce_loo" and m == 1:
                continue
            if kind == "gumbel_st":
                grads = _gumbel_gradients(problem, log_w, m, repeats, batch, t, make_generator(gumbel_stream[label]))
            else:
                grads = gradients_from_samples(problem, log_w, *samples, kind, baseline)
            rows.append({"estimator": label, "m": m, "tau": t,
                         **summarize_gradients(grads, targets["reference"], targets[kind])})
    return rows


def format_table(rows: list[dict]) -> str:
    """A fixed-width text table of :func:`estimator_study` rows."""
    head = (f"{'estimator':<24} {'M':>4} {'tau':>5} {'bias':>9} {'bias_own':>9} {'floor':>9} {'variance':>10} "
            f"{'cos(mean)':>9} {'cos(draw)':>9} {'SNR':>9}")
    lines = [head, "-" * len(head)]
    for r in rows:
        tau = "" if math.isnan(r["tau"]) else f"{r['tau']:.2f}"
        lines.append(f"{r['estimator']:<24} {r['m']:>4} {tau:>5} {r['bias']:>9.4f} {r['bias_own']:>9.4f} "
                     f"{r['noise_floor']:>9.4f} {r['variance']:>10.4g} {r['cosine']:>9.3f} "
                     f"{r['cosine_draw']:>9.3f} {r['snr']:>9.3g}")
    return "\n".join(lines)
