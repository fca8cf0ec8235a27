r"""Notebook 02 (importance weights, self-normalisation): per-z against global normalisation, both sides of
the trade, and the concept checks.

On a generator $q(x) = \sum_z h(z)\,g(x\mid z)$ with a critic's log weights $\log w(x)$
(`docs/math.md` §4.1, §4.4; ours):

- **per-z** self-normalisation estimates the conditional targets
  $\tilde p(x\mid z) = w(x)\,g(x\mid z)/\alpha(z)$, $\alpha(z) = \sum_x g(x\mid z)\,w(x)$, and keeps each $z$'s
  share $h(z)$: it estimates $\sum_z h(z)\,\tilde p(x\mid z)$, which is not $p$ even at the optimal critic;
- **global** self-normalisation estimates $\tilde p(x) = w(x)\,q(x)/\beta = \sum_z h(z)\,\frac{\alpha(z)}{\beta}
  \tilde p(x\mid z)$, which is $p$ at the optimal critic.

:func:`per_z_vs_global` gives the exact numbers of the bias side, :func:`ess_per_z_vs_global` the effective
sample sizes of the variance side, sampled and in the population limit.
"""
from __future__ import annotations

import torch

from .._checks import as_tensor, in_interval, positive_int
from ..training.bound import MixtureToy, conditional_targets, snis_estimates
from ..widgets.quiz import asker

__all__ = ["per_z_vs_global", "ess_per_z_vs_global", "QUESTIONS", "ask"]
F64 = torch.float64


def _toy(toy) -> MixtureToy:
    if not isinstance(toy, MixtureToy):
        raise TypeError(f"toy must be a MixtureToy (training.bound.mixture_toy()); got {type(toy).__name__}")
    return toy


def _log_w(toy: MixtureToy, log_w) -> torch.Tensor:
    log_w = as_tensor(log_w, "log_w", F64).to(F64)
    if log_w.shape != toy.q.shape:
        raise ValueError(f"log_w must have one entry per support point, shape {tuple(toy.q.shape)}; "
                         f"got {tuple(log_w.shape)}")
    return log_w


def per_z_vs_global(toy, log_w, split: float = 0.5) -> dict[str, torch.Tensor | float]:
    r"""The two targets and how far each is from $p$ (exact sums over the support; `docs/math.md` §4.4).

    Returns ``alpha`` (Z,) $= \sum_x g(x\mid z)\,w(x)$; ``per_z`` (K,) $= \sum_z h(z)\,\tilde p(x\mid z)$;
    ``global`` (K,) $= \sum_z h(z)\,\frac{\alpha(z)}{\beta}\,\tilde p(x\mid z)$ with $\beta = \sum_z h(z)\alpha(z)$;
    their total-variation distances to $p$, ``tv_per_z`` and ``tv_global``; and the mass left of position
    ``split`` (support points $x_k = k/(K-1)$ below it) under $p$, the per-z target, the global target and $q$.
    """
    toy, split = _toy(toy), in_interval(split, "split", 0.0, 1.0, "[]")
    log_w = _log_w(toy, log_w)
    targets = conditional_targets(toy, log_w)                                   # p~(x|z), (Z, K)
    alpha = (toy.g * log_w.exp()).sum(-1)                                       # (Z,)
    beta = (toy.h * alpha).sum()
    per_z, glob = toy.h @ targets, (toy.h * alpha / beta) @ targets             # (K,), (K,)
    tv = lambda a: float(0.5 * (a - toy.p).abs().sum())                         # noqa: E731
    left = torch.linspace(0, 1, len(toy.p), dtype=F64) < split                  # (K,)
    return {"alpha": alpha, "beta": float(beta), "per_z": per_z, "global": glob,
            "tv_per_z": tv(per_z), "tv_global": tv(glob),
            "left": {name: float(t[left].sum()) for name, t in
                     (("p", toy.p), ("per_z", per_z), ("global", glob), ("q", toy.q))}}


def ess_per_z_vs_global(toy, log_w, m: int, batch: int, seed: int = 0) -> dict[str, float]:
    r"""Effective sample sizes of per-z and global weights on the same $M\cdot B$ samples, as fractions of $M\cdot B$.

    Sampled (:func:`~bgan_teach.training.bound.snis_estimates`, seeded): ``per_z`` $= \sum_b \mathrm{ESS}(z_b)/(MB)$,
    each $\mathrm{ESS}(z_b) = 1/\sum_m \tilde w_{mb}^2 \le M$; ``global`` $= \mathrm{ESS}/(MB)$ over all $MB$ samples.
    Population limits ($M \to \infty$; `docs/math.md` §4.3): ``per_z_population`` $= \sum_z h(z)\,
    \alpha(z)^2/\mathbb E_{g(\cdot\mid z)}[w^2]$ and ``global_population`` $= \beta^2/\mathbb E_q[w^2]$.
    """
    toy = _toy(toy)
    log_w = _log_w(toy, log_w)
    m, batch = positive_int(m, "m"), positive_int(batch, "batch")
    run = snis_estimates(toy, log_w, m, batch, seed)
    n = m * batch
    log_g, log_q = torch.log(toy.g), torch.log(toy.q)                           # (Z, K), (K,)
    per_z_pop = torch.exp(2 * torch.logsumexp(log_g + log_w, -1) - torch.logsumexp(log_g + 2 * log_w, -1))   # (Z,)
    global_pop = torch.exp(2 * torch.logsumexp(log_q + log_w, -1) - torch.logsumexp(log_q + 2 * log_w, -1))
    return {"per_z": float(run["ess_z"].sum()) / n, "global": run["ess_global"] / n,
            "per_z_population": float((toy.h * per_z_pop).sum()), "global_population": float(global_pop),
            "m": m, "batch": batch}


# --- concept checks ---------------------------------------------------------------------------------------
QUESTIONS: dict[str, dict] = {
    "per_z_sums_to_p": dict(
        question="Predict first. The critic is optimal, $w = p/q$. Does $\\sum_z h(z)\\,\\tilde p(x\\mid z)$, what the "
                 "per-z normalised samples estimate, equal $p$ on this toy?",
        options=["Yes: with the optimal critic every estimate of $p$ is exact.",
                 "No: each $z$ keeps its share $h(z)$; the factor $\\alpha(z)/\\beta$ that would move mass between "
                 "the $z$'s is divided out.",
                 "Only when $M$ is large enough."],
        answer=1,
        explanation="$\\tilde p(x) = w q/\\beta = \\sum_z h(z)\\,\\frac{\\alpha(z)}{\\beta}\\,\\tilde p(x\\mid z)$. Per-z "
                    "normalisation divides each $z$'s weights by its own $\\alpha(z)$, so it estimates the same mixture "
                    "with the weights $\\alpha(z)/\\beta$ replaced by 1. On this toy $\\alpha = (1.78, 0.78, 0.44)$: "
                    "the left conditional should carry 0.59 of the mass, per-z normalisation keeps it at 1/3.",
        why={0: "The global estimate is exact at the optimal critic; the per-z one reweights only within each $z$.",
             2: "$M \\to \\infty$ removes the SNIS bias of §5; the per-z target itself stays what it is."}),
    "m_equals_one": dict(
        question="What are the per-z self-normalised weights when $M = 1$?",
        options=["The importance weights $w$ themselves.", "All exactly 1, whatever the critic says.",
                 "$1/B$ each.", "Undefined."],
        answer=1,
        explanation="$\\tilde w = w/\\sum_{m'} w$ over a single sample is $w/w = 1$. The per-z estimate is then a plain "
                    "histogram of $Q$, and BGAN's generator update $\\sum_m \\tilde w\\,\\nabla\\log g$ has mean "
                    "$\\mathbb E[\\nabla\\log g] = 0$: no signal. Use $M \\ge 2$ (the authors use 10-20).",
        why={0: "Self-normalisation divides by the sum over the $M$ samples of one $z$: here that is $w$ itself.",
             2: "Per-z weights sum to 1 within each $z$, not over the batch.",
             3: "One positive weight divided by itself is 1."}),
    "sigmoid_route": dict(
        question="A float32 GAN critic outputs $V = 17$. What does $\\log\\sigma(V) - \\log(1 - \\sigma(V))$ give, "
                 "computed as written?",
        options=["17", "$+\\infty$, because $\\sigma(17)$ rounds to exactly 1 in float32", "0", "NaN"],
        answer=1,
        explanation="$\\sigma(17) = 1/(1 + e^{-17})$, and $e^{-17} \\approx 4\\times 10^{-8}$ is less than half the "
                    "float32 spacing above 1 ($1.2\\times 10^{-7}$), so $1 + e^{-17}$ rounds to 1, $\\sigma(17)$ comes out "
                    "exactly 1.0 and $\\log(1 - 1) = -\\infty$. The log weight is the logit itself, $\\log w = V$: use "
                    "it directly.",
        why={0: "Mathematically yes, but not through the sigmoid in float32.",
             2: "The two logs do not cancel: one of them is infinite.",
             3: "$\\log\\sigma(17) \\approx 0$ is finite; only the second term is infinite."}),
    "ess_meaning": dict(
        question="With $M\\cdot B = 1280$ samples, per-z weights give a total ESS of about 570 and global weights "
                 "about 420. What does that mean?",
        options=["Per-z weights are spread more evenly, so more samples count; but they estimate a different "
                 "target (the per-z one), which is not $p$.",
                 "Per-z normalisation is simply better: more effective samples and the same target.",
                 "Global normalisation is broken."],
        answer=0,
        explanation="ESS $= 1/\\sum\\tilde w^2$ measures how evenly the weight is spread. Dividing by each $z$'s own "
                    "$\\alpha(z)$ removes the spread between the $z$'s, which raises ESS, and removes exactly the "
                    "information that would move mass between them. Lower variance, a biased target: a trade.",
        why={1: "The targets differ: per-z estimates $\\sum_z h(z)\\tilde p(x\\mid z)$, TV 0.22 from $p$ on this toy.",
             2: "Its target is $p$ at the optimal critic; its weights vary more because good and bad $z$'s compete."}),
    "pearson_floor": dict(
        question="Pearson χ² with the exact conjugate: what weight does a critic output $t = -3$ get?",
        options=["$1 + t/2 = -0.5$", "0 (its log weight is the log of the smallest positive float)", "1", "$+\\infty$"],
        answer=1,
        explanation="With $\\mathrm{dom} f = [0, \\infty)$ the conjugate is flat ($-1$) below $t = -2$, so its slope, the "
                    "weight, is $\\max(0, 1 + t/2) = 0$. The package keeps $\\log w$ finite by clamping it at the log of "
                    "the smallest positive float, so a softmax over such samples stays defined.",
        why={0: "A negative number is not a weight: that is f-GAN's extension of $f$ to $u < 0$.",
             2: "Weight 1 is the boundary, at $t = 0$.",
             3: "The weight is bounded here; it is the slope of a flat piece of $f^*$."}),
}


ask = asker(QUESTIONS)   # ask(name): the concept check QUESTIONS[name] as a widget (leave it last in a cell)
