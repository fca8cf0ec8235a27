# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 02 · From the critic to importance weights
#
# **The chain** (this notebook in bold): f-divergence → conjugate & bound → optimal critic → **importance weight $w$
# → self-normalised $\tilde w$** → discrete estimator → boundary-seeking objective
#
# Notebook 01 ended with the optimal critic $T^*(x) = f'(p(x)/q(x))$. BGAN's key step (Hjelm et al., ICLR 2018,
# [arXiv:1702.08431](https://arxiv.org/abs/1702.08431), **Theorem 1**) is to read the **density ratio** back out of a
# critic:
#
# $$w(x) = (f^*)'\big(T(x)\big), \qquad \text{and at } T = T^*:\quad w(x)\,q(x) = p(x).$$
#
# So a trained critic turns samples of the model $Q$ into (approximately) samples of the data $P$ by reweighting.
# This notebook shows
#
# 1. Theorem 1 exactly, for every divergence;
# 2. how to compute weights without overflow (log space; never through the sigmoid; Pearson's floor);
# 3. $\tilde p = wq/\beta$ approaching $p$ while a critic trains (a slider scrubs the training);
# 4. **self-normalisation** over the $M$ samples of one noise vector $z$ (what BGAN does) against over the whole
#    batch: a **bias-variance trade**, with the numbers on this notebook's own toy;
# 5. the bias of self-normalisation at small $M$.
#
# Notation as in notebook 01 (`docs/math.md` §1; glossary §1.1): the critic's raw output is $V$, $M$ samples per $z$,
# $B$ noise vectors per batch, $Z$ latent codes of a toy, and $x$ takes one of $K = 24$ values. Three exercises and a
# predict-then-run question along the way; concept checks at the end. Full derivations: `docs/math.md` §3-§4, §7.3, §8.

# %% tags=["parameters"]
from bgan_teach import config

FAST = config.fast()
K = 24                                   # support size: x takes K values
DIVERGENCE = "gan"                       # the critic's divergence (try "kl", "squared_hellinger", ...)
STEPS = 100 if FAST else 1500            # critic updates
SNAPSHOT_EVERY = 10 if FAST else 25      # one slider position per this many steps
BATCH = 256                              # samples of P and of Q per critic step
M_VALUES = (1, 2, 5, 10, 20, 50)         # samples per z for the self-normalisation slider
B = 64                                   # noise vectors z per batch
M_ESS = 20                               # samples per z for the ESS comparison (the authors use 10-20)
BIAS_BATCH = 2000 if FAST else 20000     # z's averaged to measure the SNIS bias
SEED = 0

# %%
from bgan_teach.plotting import setup_backend

setup_backend()

import torch

from bgan_teach import divergences, weights
from bgan_teach.cache import cached
from bgan_teach.exercises import exercise
from bgan_teach.lessons.nb02 import ask, ess_per_z_vs_global, per_z_vs_global
from bgan_teach.plotting import figure
from bgan_teach.plotting.densities import plot_conditionals, plot_snis_bias
from bgan_teach.plotting.fdiv import DensityDisplay
from bgan_teach.training.bound import conditional_targets, fit_bound, mixture_toy, snis_bias, snis_estimates
from bgan_teach.widgets.fdiv import bound_scrubber, snis_lab

torch.set_num_threads(1)

# %% [markdown]
# ## 1. Theorem 1: with the optimal critic, $w\,q$ lies exactly on $p$
#
# **Derivation.** Notebook 01 maximised the bound pointwise: at each $x$ the optimal critic solves
# $\frac{\partial}{\partial T}\big(p\,T - q f^*(T)\big) = p - q\,(f^*)'(T) = 0$. Read that condition the other way round:
#
# $$p(x) = q(x)\,(f^*)'\big(T^*(x)\big) = q(x)\, w(x) .$$
#
# That is the paper's Theorem 1: the slope of the conjugate at the optimal critic's output is the density ratio. Two
# consequences. The **partition function** $\beta = \mathbb{E}_Q[w] = \sum_x q(x)w(x) = \sum_x p(x)$ is exactly 1. And in
# terms of the raw output $V$ (the $\log w(V)$ column of notebook 01's table): $\log w = V$ for GAN, JS and reverse KL,
# $V-1$ for KL, $2V$ for squared Hellinger, $V/2$ for Neyman. For the GAN, $\sigma(V)$ is the discriminator's
# probability "real" and $w = \sigma(V)/(1-\sigma(V)) = e^{V}$: **the log weight is the logit.**
#
# Our toy model $Q$ is a mixture of three bumps (we will use its structure in §4); the data $P$ has two bumps between them.
#
# *Figure: blue bars $p$, orange line $q$, green dots $w^*q$ with the optimal critic. What to see: every green dot sits
# on top of its blue bar, although $q$ looks nothing like $p$: reweighting the model by $w^*$ gives the data exactly, and
# the readout says $\beta = 1$.*

# %%
toy = mixture_toy(K)
div = divergences.get(DIVERGENCE)
v_star = div.optimal_logit(toy.p, toy.q)            # the optimal raw critic output V*, (K,)
w_star = torch.exp(div.log_weight(v_star))          # w = (f*)'(g_f(V*)), (K,)

theorem = DensityDisplay(toy.p, toy.q, tilde_label="$w^* q$ (optimal critic)")
theorem.update(w_star * toy.q, f"β = Σ w*q = {float((w_star * toy.q).sum()):.6f}")
theorem.ax.figure

# %% [markdown]
# **Check Theorem 1 for every row of the table**: the largest error of $w^*q$ against $p$, the partition $\beta$, and the
# weight against the ratio $p/q$ at the point where $p/q$ is largest.

# %%
ratio = toy.p / toy.q
top = int(ratio.argmax())
for name, d in divergences.DIVERGENCES.items():
    w = torch.exp(d.log_weight(d.optimal_logit(toy.p, toy.q)))                       # (K,)
    print(f"{d.title:24s} max|w*q - p| = {float((w * toy.q - toy.p).abs().max()):.1e}   beta = {float((w * toy.q).sum()):.12f}"
          f"   w at x={top}: {float(w[top]):.6f} (p/q = {float(ratio[top]):.6f})")

# %% [markdown]
# ## 2. Computing weights safely
#
# **Pitfall 1: never go through the sigmoid.** $\log w = \log\sigma(V) - \log(1-\sigma(V))$ is mathematically $V$, but in
# float32 $\sigma(17)$ rounds to exactly $1$, so $\log(1-\sigma(V)) = -\infty$ (the "G_loss is inf" reports of public BGAN
# ports; `docs/math.md` §8.1). **Pitfall 2:** $e^{V}$ overflows float32 above $V\approx 88.7$, so the naive $e^V/\sum e^V$
# gives NaN. Keep $\log w$ and normalise with `logsumexp`/`softmax`.

# %%
gan = divergences.get("gan")
v = torch.tensor([5.0, 15.0, 17.0, 100.0])               # float32 critic logits
sig = torch.sigmoid(v)
print("through the sigmoid:", torch.log(sig) - torch.log(1 - sig))
print("from the logit     :", gan.log_weight(v))
print("naive exp / sum    :", torch.exp(v) / torch.exp(v).sum())
print("weights.normalized :", weights.normalized(v))

# %% [markdown]
# **Self-normalisation.** BGAN draws $M$ samples $x^{(1..M)}$ for one noise vector $z$ and uses their weights relative
# to each other:
#
# $$\tilde w^{(m)} = \frac{w(x^{(m)})}{\sum_{m'} w(x^{(m')})} = \frac{e^{\log w^{(m)}}}{\sum_{m'} e^{\log w^{(m')}}}
# = \exp\!\Big(\log w^{(m)} - \mathrm{LSE}_{m'}\log w^{(m')}\Big) = \mathrm{softmax}_m(\log w).$$
#
# Subtracting the log-sum-exp first keeps every exponent $\le 0$: nothing overflows, and a constant added to every
# $\log w$ of a $z$ cancels. The **effective sample size** says how many of the $M$ samples carry the weight:
#
# $$\mathrm{ESS} = \frac{1}{\sum_m (\tilde w^{(m)})^2} = \frac{\big(\sum_m w^{(m)}\big)^2}{\sum_m (w^{(m)})^2}
# = \exp\!\big(2\,\mathrm{LSE}_m(\log w) - \mathrm{LSE}_m(2\log w)\big) \in [1, M],$$
#
# 1 when one sample takes all the weight, $M$ when the weights are equal (`docs/math.md` §4.2-4.3).
#
# The data for the two exercises: $M = 5$ samples for each of $B = 4$ noise vectors of the toy, with the log weights a
# very confident float32 critic gives them: the optimal ones plus 90 everywhere. The 90 changes no normalised weight, but
# $e^{\log w}$ is `inf` in float32.

# %%
draw = snis_estimates(toy, div.log_weight(v_star), m=5, batch=4, seed=SEED)     # x: (M, B) = (5, 4) sample indices
log_w = (div.log_weight(v_star)[draw["x"]] + 90).float()                         # (M, B), float32
print("log w =\n", log_w)
print("naive exp(log w) overflows:", bool(torch.isinf(torch.exp(log_w)).any()))

# %% [markdown]
# ### Exercise 1 · self-normalise in log space
#
# Compute $\tilde w$ (shape (M, B) = (5, 4); each column sums to 1) from `log_w` with `torch.logsumexp`, without ever
# forming $e^{\log w}$ of a raw log weight.
#
# <details><summary>Hint</summary>
#
# `torch.logsumexp(log_w, dim=0, keepdim=True)` has shape (1, B); subtract it from `log_w` and exponentiate:
# `torch.exp(log_w - torch.logsumexp(log_w, dim=0, keepdim=True))`. That is exactly `torch.softmax(log_w, dim=0)`.
# </details>

# %%
### BEGIN EXERCISE log_space_weights
w_tilde = ...        # (M, B): softmax over the M samples of each z, via logsumexp
### END EXERCISE
exercise("log_space_weights", w_tilde, weights.normalized(log_w, dim=0))

# %% [markdown]
# ### Exercise 2 · ESS straight from log weights
#
# Compute the ESS of each of the $B = 4$ noise vectors (shape (B,)) from `log_w` with the last form of the formula
# above, again without forming $e^{\log w}$.
#
# <details><summary>Hint</summary>
#
# `torch.exp(2 * torch.logsumexp(log_w, 0) - torch.logsumexp(2 * log_w, 0))`. Compare with `1 / (w ** 2).sum(0)` for
# the normalised weights of exercise 1: both forms agree.
# </details>

# %%
### BEGIN EXERCISE ess_from_log_weights
ess = ...            # (B,): one ESS per noise vector, each between 1 and M = 5
### END EXERCISE
exercise("ess_from_log_weights", ess, weights.effective_sample_size_from_log_weights(log_w, dim=0), rtol=1e-4)

# %% [markdown]
# **Pitfall 3 (Pearson $\chi^2$): negative weights.** $w = (f^*)'(t) = 1 + t/2$ is negative for $t<-2$ if $f^*$ is
# taken from the f-GAN table on all of $\mathbb{R}$. With $\mathrm{dom} f = [0,\infty)$ the exact conjugate is flat ($-1$)
# below $t=-2$ and the weight is $\max(0, 1+t/2)$: such a sample gets weight 0, and its log weight is clamped to the
# log of the smallest positive float rather than $-\infty$ (`NOTE(deviation)` in `divergences.Pearson`). Pearson's
# $\log w$ is not linear in $V$, so normalise its weights $w$ themselves, not a softmax of $V$.

# %%
pearson = divergences.get("pearson")
t = torch.tensor([-3.0, -2.0, 0.0, 2.0])
print("f-GAN extension 1 + t/2:", 1 + t / 2)
print("exact weight          :", pearson.weight(t))
print("log weight (finite)   :", pearson.log_weight(t))

# %% [markdown]
# ## 3. A trained critic: $\tilde p = w q/\beta$ approaches $p$
#
# A real critic is not optimal. For any critic the paper (and the authors' tutorial) defines
#
# $$w(x) = (f^*)'\big(T(x)\big),\qquad \beta = \mathbb{E}_Q[w],\qquad \tilde p(x) = \frac{w(x)}{\beta}\,q(x):$$
#
# the critic's **estimate of $p$**; $\beta$ makes it a distribution. We train a table critic from samples (as in notebook
# 01) and keep its outputs every few steps. The readout **ESS/N** $=\beta^2/\mathbb{E}_Q[w^2]$ is the ESS per drawn
# sample for the whole population: the fraction of model samples that effectively count after reweighting. At the optimum
# it is $1/(1+\chi^2(P\|Q))$, far below 1 when $P$ and $Q$ differ a lot. How far $\tilde p$ is from $p$ we measure by
# the **total-variation distance** $\mathrm{TV}(a, b) = \frac12\sum_x |a(x) - b(x)|$ (0 when equal, 1 when disjoint).
#
# *Figure (interactive): scrub the snapshot slider. Left: the green $\tilde p$ against the blue $p$ and orange $q$, with
# $\beta$ and ESS/N; right: the bound curve, with a red marker at the snapshot. What to see: at step 0 the critic outputs
# the boundary value everywhere ($w\equiv1$, so $\tilde p = q$ and ESS/N = 1); as the bound climbs, $\tilde p$ moves onto
# the two data bumps, $\beta$ settles near 1 and ESS/N falls: the better the critic sees the difference, the fewer model
# samples the reweighting keeps.*

# %%
result = cached(fit_bound)(toy.p, toy.q, DIVERGENCE, steps=STEPS, batch_size=BATCH, seed=SEED,
                           snapshot_every=SNAPSHOT_EVERY, progress=not FAST)
scrubber = bound_scrubber(result)
scrubber.box

# %%
first, last = result.view(0), result.view(len(result.snapshots) - 1)
tv = lambda a, b: float(0.5 * (a - b).abs().sum())      # total variation distance
chi2 = float(divergences.get("pearson").exact(toy.p, toy.q))
print(f"TV(p~, p): step 0 {tv(first['p_tilde'], toy.p):.3f}  ->  step {last['step']} {tv(last['p_tilde'], toy.p):.3f}")
print(f"beta at the end: {last['beta']:.3f}   (exactly 1 for the optimal critic)")
print(f"ESS/N at the end: {last['ess']:.3f}   (optimal critic: 1/(1 + chi2) = {1 / (1 + chi2):.3f})")

# %% [markdown]
# **What we saw** (full mode, 1500 steps, seed 0): the total-variation distance from $\tilde p$ to $p$ fell from 0.507
# (step 0, $\tilde p = q$) to 0.014, $\beta$ ended at 0.996 and ESS/N at 0.338, against 0.336 for the optimal critic.
# After 100 steps (fast mode) the critic is still on its way: $\tilde p$ is visibly between $q$ and $p$.
#
# ## 4. Self-normalisation: per noise vector $z$, or over the whole batch?
#
# In practice neither $q$ nor $\beta$ is known: the generator is $q(x)=\sum_z h(z)\,g(x\mid z)$ with noise $z\sim h$, and
# only samples are available. Our toy has exactly that structure: $Z=3$ noise values, each with its own conditional bump
# $g(\cdot\mid z)$, $h(z) = 1/3$. BGAN draws $M$ samples $x^{(1..M)}\sim g(\cdot\mid z)$ for each of $B$ noise vectors and
# **self-normalises** the weights: it divides them by their own sum instead of by the unknown $\beta$. Estimating an
# expectation under $\tilde p$ this way is **self-normalised importance sampling** (SNIS). There are two ways to choose
# the sum:
#
# $$\textbf{per } z:\quad \tilde w^{(m)} = \frac{w(x^{(m)})}{\sum_{m'} w(x^{(m')})} = \mathrm{softmax}_m(\log w)
# \qquad\text{(weights.normalized, dim = the M axis)}$$
#
# $$\textbf{global:}\quad \tilde w^{(m,b)} = \frac{w(x^{(m,b)})}{\sum_{m',b'} w(x^{(m',b')})}
# \qquad\text{(weights.normalized\_global, the "}\beta\text{" option of the authors' PyTorch code, cortex)}$$
#
# **What each one estimates** (`docs/math.md` §4.1, §4.4). Within one $z$, $\sum_{m'} w(x^{(m')})/M$ estimates
# $\alpha(z) = \mathbb{E}_{g(\cdot|z)}[w]$, so per-$z$ weighted samples estimate the **conditional target**
#
# $$\tilde p(x\mid z) = \frac{w(x)\,g(x\mid z)}{\alpha(z)},$$
#
# and with each $z$ drawn with probability $h(z)$, the per-$z$ histogram estimates $\sum_z h(z)\,\tilde p(x\mid z)$. The
# global sum estimates $\beta$, so global weights estimate $\tilde p = wq/\beta$. Compare the two by writing $\tilde p$
# with the same conditional targets:
#
# $$\tilde p(x) = \frac{w(x)\sum_z h(z)\,g(x\mid z)}{\beta} = \sum_z h(z)\,\frac{\alpha(z)}{\beta}\;\tilde p(x\mid z).$$
#
# Per-$z$ normalisation replaces $\alpha(z)/\beta$ by 1: it **discards $\alpha(z)$**, the critic's verdict on how good
# each $z$ is as a whole, and keeps every $z$'s share $h(z)$ fixed. It reshapes each bump but cannot move mass between
# bumps.
#
# ### Predict, then run
#
# The critic is optimal, $w = p/q$, so $\tilde p = p$ exactly. Does the per-$z$ target add up to $p$ as well?

# %%
ask("per_z_sums_to_p")

# %% [markdown]
# ### Exercise 3 · the per-$z$ target table
#
# Compute the table $\tilde p(x\mid z) = w(x)\,g(x\mid z)/\alpha(z)$, shape (Z, K) = (3, 24), from the optimal critic's log
# weights `log_w_star` (K,) and the conditionals `toy.g` (Z, K), with $\alpha(z) = \sum_x g(x\mid z)\,w(x)$. Each row must
# sum to 1.
#
# <details><summary>Hint</summary>
#
# Broadcasting does the work: `toy.g * torch.exp(log_w_star)` is (Z, K); divide by its row sums
# (`.sum(-1, keepdim=True)`, which are the $\alpha(z)$). In log space: `torch.softmax(torch.log(toy.g) + log_w_star, dim=-1)`.
# </details>

# %%
log_w_star = div.log_weight(v_star)                 # the optimal critic's log weights log(p/q), (K,)
### BEGIN EXERCISE per_z_targets
my_targets = ...     # (Z, K): w g(x|z) / alpha(z), each row sums to 1
### END EXERCISE
exercise("per_z_targets", my_targets, conditional_targets(toy, log_w_star))

# %% [markdown]
# **The answer, in numbers.** The exact per-$z$ target against $p$, and the global target $\sum_z h(z)\frac{\alpha(z)}{\beta}
# \tilde p(x\mid z)$ for comparison.

# %%
trade = per_z_vs_global(toy, log_w_star)
print("alpha(z)                  :", [round(a, 3) for a in trade["alpha"].tolist()], f"  (beta = {trade['beta']:.3f})")
print(f"TV(sum_z h p~(x|z), p)    : {trade['tv_per_z']:.3f}")
print(f"TV(global target, p)      : {trade['tv_global']:.1e}")
left = trade["left"]
print(f"mass left of x = 0.5      : p {left['p']:.3f}  per-z target {left['per_z']:.3f}  q {left['q']:.3f}")
print(f"weight the left z needs   : h alpha / beta = {float(toy.h[0] * trade['alpha'][0] / trade['beta']):.3f}"
      f"  (per-z keeps h = {float(toy.h[0]):.3f})")

# %% [markdown]
# *Figure: one colour per noise value $z$. Dashed: the conditional $g(x\mid z)$; solid: its per-$z$ target
# $\tilde p(x\mid z)\propto w\,g$ with the optimal critic. What to see: each solid curve is its dashed bump reweighted,
# so it can only put mass where its own $g(\cdot\mid z)$ has some. The left one moves onto the data peak near $x = 7$,
# the right one onto the peak near $x = 17$, and the middle one, which sits between the data bumps, splits: most of it
# goes to its tail facing the larger data bump (peak at $x = 8$), a little to $x = 15$. And each solid curve still
# carries exactly $h(z) = 1/3$ of the mass, whatever the data would need.*

# %%
targets = conditional_targets(toy, log_w_star)      # p~(x|z), (Z, K)
fig, ax = figure("conditionals", figsize=(8.6, 3.0), layout="constrained")
plot_conditionals(ax, toy.g, targets)
fig

# %% [markdown]
# **What we saw** (exact sums, the same in every mode): $\alpha(z) = 1.784, 0.777, 0.439$ (mean $\beta = 1$). The per-$z$
# target is **0.221 in total variation away from $p$** even with the optimal critic, while the global target is $p$ to
# $10^{-16}$. The data puts 0.820 of its mass left of $x = 0.5$, the model 0.500, and the per-$z$ target only 0.624: the
# left conditional would need weight $h\,\alpha/\beta = 0.595$ instead of $1/3$. A BGAN generator trained on per-$z$
# targets gets to $p$ only through what its conditionals share (overlapping bumps, shared parameters), not through
# the targets themselves.
#
# **The other side of the trade: variance.** Global weights let good and bad $z$'s compete for one unit of weight, so
# the weight concentrates on fewer samples. The ESS, summed over the $B$ noise vectors for per-$z$ weights, counts the
# samples that effectively carry weight; both are out of the same $M\cdot B$ samples.

# %%
ess_trade = ess_per_z_vs_global(toy, log_w_star, m=M_ESS, batch=B, seed=SEED)
n = M_ESS * B
print(f"M = {M_ESS}, B = {B}: {n} samples")
print(f"  per-z  weights: total ESS {ess_trade['per_z'] * n:6.1f}  ({ess_trade['per_z']:.3f} of the samples;"
      f" population limit {ess_trade['per_z_population']:.3f})")
print(f"  global weights: ESS       {ess_trade['global'] * n:6.1f}  ({ess_trade['global']:.3f} of the samples;"
      f" population limit {ess_trade['global_population']:.3f})")

# %% [markdown]
# **What we saw** (seed 0; $M = 20$, $B = 64$ in both modes): per-$z$ weights keep an ESS of 573 of the 1280 samples
# (0.448; population limit 0.437), global weights 420 (0.328; limit 0.336, which is $1/(1+\chi^2(P\|Q))$). So per-$z$
# normalisation buys about a third more effective samples, and pays with a target that is 0.22 away from $p$. Neither is
# free: that is a **bias-variance trade**, not a free variance reduction. (ESS measures how evenly the weights are
# spread; the variance of the generator's gradient itself, per-$z$ against global, is measured exactly by
# `bgan_teach.training.estimator_study`.)
#
# ### Both estimates, sample by sample
#
# *Figure (interactive): slide $M$, the number of samples per $z$ ($B = 64$ noise vectors). Left: the per-$z$ weighted
# histogram (green) against its exact target $\sum_z h(z)\tilde p(x\mid z)$ (blue bars); right: the globally weighted
# histogram against $p$. What to see: each estimate converges to its **own** target as $M$ grows, and the two targets
# differ (compare the left bumps' heights). At $M=1$ every per-$z$ weight is exactly 1, so the left estimate is just a
# histogram of $Q$. The ESS readouts are out of different totals: divide them. At $M = 10$, per-$z$ weights keep
# 4.69 of 10 samples per $z$ (0.47), global weights 217.5 of 640 (0.34).*

# %%
snis = snis_lab(toy, log_w_star, ms=M_VALUES, batch=B, seed=SEED, per_z_target=trade["per_z"])
snis.box

# %% [markdown]
# ## 5. Self-normalisation is biased for finite $M$
#
# $\tilde w$ divides by $\sum_{m'} w(x^{(m')})$, which is itself random, so the expectation of a ratio is not the ratio
# of the expectations: SNIS is **biased** at finite $M$, and the bias vanishes as $M\to\infty$, asymptotically like
# $1/M$ (`docs/math.md` §4.5, pitfalls §8.4 and §8.15). Averaging the per-$z$ histogram over many noise vectors leaves
# only the bias, measured here as the total-variation distance to the exact per-$z$ target. At $M=1$, $\tilde w\equiv 1$:
# the estimate ignores the critic, and BGAN's generator update $\mathbb{E}[\sum_m \tilde w\,\nabla\log g] =
# \mathbb{E}[\nabla \log g] = 0$ carries **no signal**. The authors use $M = 10$-$20$.
#
# *Figure (log-log axes): the measured bias for each $M$ (dots) and a $c/M$ guide (dashed grey, slope −1, fitted to
# $M > 1$). What to see: from $M = 2$ on the dots follow the guide, the bias shrinking tenfold when $M$ grows tenfold;
# $M = 1$ lies below the guide's line: there the estimate ignores the critic, and its "bias" is simply how far $q$ is
# from the target.*

# %%
bias = snis_bias(toy, log_w_star, ms=(1, 2, 5, 20, 100), batch=BIAS_BATCH, seed=SEED)
for m, value in bias.items():
    print(f"M = {m:3d}   bias (TV) = {value:.4f}   M x bias = {m * value:.3f}")
fig, ax = figure("snis_bias", figsize=(6.6, 3.2), layout="constrained")
plot_snis_bias(ax, bias)
fig

# %%
one = snis.display["runs"][1]["per_z"]
print("M = 1: every self-normalised weight is exactly 1:", bool(torch.equal(one, torch.ones_like(one))))

# %% [markdown]
# **What we saw** (full mode, 20 000 noise vectors, seed 0): bias 0.456, 0.306, 0.133, 0.032, 0.007 for
# $M$ = 1, 2, 5, 20, 100; $M\times$bias stays between 0.6 and 0.7 from $M = 5$ on, so the bias falls like $1/M$ there. At
# $M = 100$ part of what is left is the Monte Carlo floor of the measurement itself, about $\sqrt{K/(M\cdot B)} = 0.0035$.
# Fast mode averages only 2 000 noise vectors, so its small-bias values sit on a higher floor. At $M = 1$ the "bias" is
# simply $\mathrm{TV}(q, \text{target})$: the critic is ignored.
#
# ## Summary
#
# * Theorem 1: the conjugate's slope at the optimal critic is the density ratio, $w^* = (f^*)'(T^*) = p/q$, so
#   $w^* q = p$ and $\beta = 1$; in the GAN case $\log w = V$.
# * Compute in log space: $\log w$ from $V$ directly, $\tilde w = \mathrm{softmax}(\log w)$, ESS from log-sum-exps;
#   Pearson's weight is clamped at 0.
# * A critic's $\tilde p = wq/\beta$ is its estimate of $p$; it approaches $p$ as the critic trains.
# * Per-$z$ normalisation (BGAN's) targets $\sum_z h(z)\,\tilde p(x\mid z)$, which is not $p$ even with the optimal
#   critic (TV 0.221 here); global normalisation targets $\tilde p$ but spreads its weight over fewer samples (ESS
#   0.33 against 0.45 of the samples). A bias-variance trade.
# * SNIS is biased like $1/M$; $M = 1$ carries no signal.
#
# Next: notebook 03 turns the per-$z$ weights into the discrete BGAN generator update.
#
# ## Concept checks

# %%
ask("m_equals_one")

# %%
ask("sigmoid_route")

# %%
ask("ess_meaning")

# %%
ask("pearson_floor")
