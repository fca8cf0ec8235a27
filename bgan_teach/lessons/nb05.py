r"""Notebook 05 (continuous BGAN): the small pieces its lesson needs, and the concept checks.

- :func:`linear_critic`: a fixed critic $V(x) = a^\top x + b$ (any $d$), for gradients checked by hand;
- :func:`two_modes_1d` and :func:`two_modes_density`: a 1-D target with two modes, data and exact density,
  for a few alternating critic/generator steps next to the frozen-critic picture (`docs/math.md` §6.1);
- :func:`critic_on_grid`: a ``snapshot_fn`` that stores the critic's $V$ on a grid at every snapshot;
- :func:`share_near_modes`: the share of 1-D samples within $3\sigma$ of a mode;
- :func:`small_ring_sample`: twelve hand-placed points on the ring of 8, to count modes and high-quality
  samples by hand (the two coverage rules of :mod:`bgan_teach.metrics.modes`);
- :data:`QUESTIONS` and :func:`ask`: the notebook's concept checks (tested in ``tests/test_lessons_05.py``).
"""
from __future__ import annotations

import math

import torch

from .._checks import as_tensor, in_interval, positive_float, positive_int
from ..config import make_generator
from ..widgets.quiz import asker

__all__ = ["linear_critic", "two_modes_1d", "two_modes_density", "critic_on_grid", "share_near_modes",
           "small_ring_sample", "QUESTIONS", "ask"]

TWO_MODES = dict(centers=(-1.5, 1.5), sigma=0.25)          # the 1-D target of the alternating-updates section


def linear_critic(a, b: float = 0.0):
    r"""The fixed critic $V(x) = a^\top x + b$: a function (n, d) → (n,), with $d$ = ``len(a)``.

    The paper's 1-D example is ``linear_critic([0.8])`` (`docs/math.md` §6.5). In the GAN case
    $\log w = V$, so the boundary $w = 1$ is the line (plane) $a^\top x + b = 0$.
    """
    a = as_tensor(a, "a", torch.float64).to(torch.float64)
    if a.ndim != 1 or a.numel() == 0:
        raise ValueError(f"a must be a vector (d,) with d >= 1; got shape {tuple(a.shape)}")
    b = float(b)

    def critic(x: torch.Tensor) -> torch.Tensor:
        return x @ a.to(x.dtype) + b                                           # (n, d) @ (d,) → (n,)

    return critic


def two_modes_1d(n: int = 4000, seed: int | torch.Generator = 0, centers=TWO_MODES["centers"],
                 sigma: float = TWO_MODES["sigma"]) -> torch.Tensor:
    r"""``n`` data points (n, 1), float32: an equal mixture $\tfrac12\mathcal N(\mu_1, \sigma^2) + \tfrac12\mathcal N(\mu_2, \sigma^2)$.

    Half the points from each mode (first half at ``centers[0]``), so the two modes hold exactly equal mass.
    """
    n, sigma = positive_int(n, "n", 2), positive_float(sigma, "sigma")
    gen = make_generator(seed)
    mu = torch.tensor([float(c) for c in centers])                             # (C,)
    idx = torch.arange(n) * len(mu) // n                                        # (n,): equal blocks per mode
    return (mu[idx] + sigma * torch.randn(n, generator=gen))[:, None]          # (n, 1)


def two_modes_density(x, centers=TWO_MODES["centers"], sigma: float = TWO_MODES["sigma"]) -> torch.Tensor:
    r"""$p(x) = \frac1C\sum_c \mathcal N(x; \mu_c, \sigma^2)$ at points ``x`` (n,), float64."""
    x = as_tensor(x, "x", torch.float64).to(torch.float64).reshape(-1)          # (n,)
    sigma = positive_float(sigma, "sigma")
    mu = torch.tensor([float(c) for c in centers], dtype=torch.float64)         # (C,)
    z = (x[:, None] - mu[None, :]) / sigma                                       # (n, C)
    log_p = -0.5 * z.pow(2) - math.log(sigma * math.sqrt(2 * math.pi))
    return (torch.logsumexp(log_p, 1) - math.log(len(mu))).exp()                # (n,)


def critic_on_grid(x_grid):
    """A ``snapshot_fn`` for the trainers: stores ``{"v": V(x_grid)}`` (n,) as a NumPy array at each snapshot."""
    x_grid = as_tensor(x_grid, "x_grid")
    if x_grid.ndim != 2:
        raise ValueError(f"x_grid must have shape (n, d); got {tuple(x_grid.shape)}")

    def snapshot(gan) -> dict:
        with torch.no_grad():
            first = next(gan.critic.parameters())
            return {"v": gan.critic(x_grid.to(first.device, first.dtype)).cpu().double().numpy()}

    return snapshot


def share_near_modes(x, centers=TWO_MODES["centers"], sigma: float = TWO_MODES["sigma"]) -> float:
    r"""Share of 1-D samples ``x`` (n,) or (n, 1) within $3\sigma$ of their nearest mode (the high-quality rule)."""
    x = as_tensor(x, "x", torch.float64).to(torch.float64).reshape(-1)
    if x.numel() == 0:
        raise ValueError("x must hold at least one sample; got none")
    mu = torch.tensor([float(c) for c in centers], dtype=torch.float64)
    sigma = positive_float(sigma, "sigma")
    return float(((x[:, None] - mu[None, :]).abs().min(1).values <= 3 * sigma).double().mean())


def small_ring_sample(radius: float = 2.0, sigma: float = 0.05) -> torch.Tensor:
    r"""Twelve points (12, 2) near the ring of 8 (``ring()``: radius 2, σ = 0.05), placed by hand.

    Five within σ of mode 0 (angle 0), three within 2σ of mode 2 (90°), one 2.5σ along the ring from mode 4
    (180°), one on the ring halfway between modes 5 and 6 (15σ from both), one at the centre and one 4σ
    outside mode 6. So 9 of 12 are high quality (within 3σ), in modes 0, 2 and 4 with 5, 3 and 1 points.
    """
    radius, sigma = positive_float(radius, "radius"), in_interval(sigma, "sigma", 0.0, radius, "()")

    def at(k: float, dr: float = 0.0, dt: float = 0.0) -> list[float]:
        angle = 2 * math.pi * k / 8 + dt / radius
        return [(radius + dr) * math.cos(angle), (radius + dr) * math.sin(angle)]

    s = sigma
    points = [at(0, 0.5 * s), at(0, -0.8 * s), at(0, 0, 0.6 * s), at(0, 0.3 * s, -0.7 * s), at(0),
              at(2, 1.5 * s), at(2, 0, -1.8 * s), at(2, -1.2 * s, 1.0 * s),
              at(4, 0, 2.5 * s),
              at(5.5), [0.0, 0.0], at(6, 4.0 * s)]
    return torch.tensor(points, dtype=torch.float64)                            # (12, 2)


QUESTIONS: dict[str, dict] = {
    "arrow_direction": dict(
        question="Predict first. The critic is fixed, $V(x) = 0.8x$ (data on the right, boundary at $x = 0$). "
                 "A generated sample sits at $x = +2$: on the data side, past the boundary. Which way does one "
                 "gradient-descent step move it under BGAN ($\\tfrac12V^2$) and under the non-saturating loss "
                 "($\\mathrm{softplus}(-V)$)?",
        options=["both to the right, further into the data side",
                 "BGAN to the left, back to the boundary; non-saturating to the right, further out",
                 "both to the left, back to the boundary",
                 "BGAN does not move it (it is already on the data side); non-saturating to the right"],
        answer=1,
        explanation="A sample moves along $-\\partial\\ell/\\partial x = -\\frac{\\partial\\ell}{\\partial V}\\cdot 0.8$. "
                    "BGAN: $\\partial\\ell/\\partial V = V = 1.6 > 0$, so it moves left, by $-1.28$ per unit step, "
                    "back to $V = 0$. Non-saturating: $\\partial\\ell/\\partial V = -\\sigma(-V) < 0$ for every "
                    "$V$, so it moves right ($+0.1344$), past the data and on toward $+\\infty$.",
        why={0: "That is the non-saturating loss only: BGAN's gradient $V\\,\\nabla_x V$ changes sign at the boundary.",
             2: "The non-saturating gradient $-\\sigma(-V)\\,\\nabla_x V$ never changes sign: it always points up the critic.",
             3: "BGAN's loss is zero only on the boundary $V = 0$, not on the whole data side; at $V = 1.6$ it pulls back."}),
    "fixed_critic_optimum": dict(
        question="The critic is frozen and $Q$ is a free distribution on a grid that minimises "
                 "$\\mathbb E_Q[\\ell(V(x))]$. Where does $Q$ end under the boundary-seeking loss $\\tfrac12V^2$?",
        options=["spread like the data, since BGAN seeks the boundary where $p = q$",
                 "on the critic's maximum, like minimax",
                 "on the grid points where $V$ is closest to 0: a point mass on (a few) zero crossings of $V$",
                 "nowhere: the loss has no minimum"],
        answer=2,
        explanation="$\\mathbb E_Q[\\ell]$ is linear in $Q$, so its minimum puts all mass on $\\arg\\min_x \\ell(V(x))$. "
                    "For $\\tfrac12V^2$ that is where $V = 0$: in §2 the grid points next to two of the four zero "
                    "crossings took almost all the mass. Every generator loss has such a degenerate optimum against a "
                    "frozen critic (minimax and non-saturating: $\\arg\\max V$); only alternating updates, where the "
                    "critic answers, make the generator match the data.",
        why={0: "The critic's boundary is where $p = q$ only for the optimal critic of the current $Q$; a frozen "
                "critic is not updated when $Q$ moves.",
             1: "That is where minimax and non-saturating go (their loss decreases in $V$); $\\tfrac12V^2$ is smallest at $V = 0$.",
             3: "$\\tfrac12V^2 \\ge 0$ and it reaches 0 wherever $V = 0$."}),
    "log_z_target": dict(
        question="The log-Z variant drives $\\log w$ toward $\\log Z$, an EMA of $\\log\\hat\\beta$, instead of toward 0. "
                 "What does it target?",
        options=["nothing new: $\\log Z$ only speeds training up",
                 "the self-normalised boundary: $\\tilde p = wq/\\beta$ equals $q$ where $w = \\beta$",
                 "the critic's maximum, where $w$ is largest",
                 "a value that keeps $e^{V}$ from overflowing"],
        answer=1,
        explanation="With $\\tilde p(x) = w(x)\\,q(x)/\\beta$, the generator needs no reweighting at $x$ when "
                    "$w(x) = \\beta$, i.e. $\\log w = \\log\\beta$. At the optimal critic $\\beta = 1$ and the two "
                    "targets agree; for an imperfect critic $\\beta \\ne 1$ and the plain loss aims at $w = 1$, "
                    "which is not where $\\tilde p = q$. $\\log Z$ estimates $\\log\\beta$ from batches "
                    "($\\log\\hat\\beta = \\mathrm{LSE}_b V_b - \\log B$), smoothed by an EMA ($\\gamma = 0.995$, "
                    "the authors' continuous default).",
        why={0: "It changes the target of every sample, not the step size.",
             2: "That is the minimax / non-saturating direction; the log-Z loss is still a squared distance to a level.",
             3: "Overflow is avoided by staying in log space (logsumexp), not by changing the target."}),
    "equal_weights": dict(
        question="What single idea do the discrete estimator and the continuous loss $\\tfrac12(\\log w)^2$ share?",
        options=["both push samples toward the critic's maximum",
                 "both drive the generator to where the importance weights are equal: $\\tilde w_m = 1/M$ "
                 "within a $z$, $w = 1$ at every continuous sample",
                 "both minimise the critic's lower bound",
                 "both need gradients through the samples"],
        answer=1,
        explanation="Discrete: the update $-\\sum_m \\tilde w_m \\nabla\\log g(x_m\\mid z)$ has mean zero exactly "
                    "when the weights are equal, by the score identity $\\mathbb E_g[\\nabla\\log g] = 0$. "
                    "Continuous: $\\tfrac12(\\log w)^2$ and its gradient vanish exactly when $w = 1$ at every "
                    "sample. Either way the generator stops where its samples need no reweighting, which at the "
                    "optimal critic means $q_\\theta = p$ (`docs/math.md` §6.6).",
        why={0: "That is the minimax and non-saturating behaviour (§1, §2).",
             2: "Minimising the bound is the minimax loss; the paper argues against it (§2).",
             3: "The discrete estimator is a policy gradient: it needs $\\nabla\\log g$, not gradients through samples."}),
    "stability_grid": dict(
        question="In the stability grid of §7 (ring of 8, 2000 steps, 108 runs), which single choice changed the "
                 "number of runs that pass the ring bar the most?",
        options=["the generator loss: BGAN instead of the non-saturating loss",
                 "the generator's noise: a component code ($C = 128$) instead of Gaussian noise only",
                 "five critic steps per generator step instead of one",
                 "the generator's learning rate: $10^{-4}$ instead of $10^{-2}$"],
        answer=1,
        explanation="With the component code 44 of 54 runs pass, with Gaussian noise only 8 of 54. By loss: "
                    "non-saturating 24 of 36, BGAN 16, minimax 12, so BGAN's claimed stability did not show as "
                    "more passing settings here. Critic steps: 26 of 54 pass with one and with five. Learning "
                    "rate: 12 of 36 at $10^{-4}$, 19 at $10^{-3}$, 21 at $10^{-2}$ (2000 steps favour larger "
                    "steps).",
        why={0: "Fewer runs pass with BGAN (16 of 36) than with the non-saturating loss (24 of 36).",
             2: "26 of 54 runs pass with one critic step and 26 of 54 with five.",
             3: "The small learning rate passes least often (12 of 36, against 21 at $10^{-2}$): at 2000 steps "
                "it has not finished."}),
    "coverage_rules": dict(
        question="2500 samples on the ring of 8 are judged. 2360 are high quality in mode 1, 20 in each of the other "
                 "7 modes, none elsewhere. How many modes are covered under the ≥ 1 high-quality sample rule "
                 "(VEEGAN, PacGAN, GDPP) and under the ≥ 1 % rule, and which number shows the imbalance?",
        options=["8 and 8; no number shows it",
                 "8 and 1; the balance KL (about 1.75 nats, against 0 for an even spread) shows it",
                 "1 and 1; both rules show it",
                 "8 and 8; the high-quality fraction shows it"],
        answer=1,
        explanation="Each mode has ≥ 1 high-quality sample, so the published rule scores 8/8. The ≥ 1 % rule needs "
                    "25 samples (1 % of 2500) per mode: only mode 1 has them, so it scores 1. Every sample is high "
                    "quality (100 %), so the high-quality fraction sees nothing. The balance "
                    "$\\mathrm{KL}(h\\,\\|\\,\\pi) = 0.944\\log(8\\cdot0.944) + 7\\cdot0.008\\log(8\\cdot0.008) "
                    "\\approx 1.75$ nats (the maximum, all in one mode, is $\\log 8 = 2.08$).",
        why={0: "20 samples are 0.8 % of 2500: below the 1 % threshold.",
             2: "One high-quality sample is enough for the published rule.",
             3: "All 2500 samples are within 3σ of a mode: the high-quality fraction is 100 %."}),
}


ask = asker(QUESTIONS)   # ask(name): the concept check QUESTIONS[name] as a widget (leave it last in a cell)
