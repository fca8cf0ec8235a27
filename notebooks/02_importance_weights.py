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
# Notebook 01 ended with the optimal critic $T^*(x) = f'(p(x)/q(x))$. BGAN's key step (Hjelm et al., ICLR 2018,
# Theorem 1) is to read the **density ratio** back out of a critic:
#
# $$w(x) = (f^*)'\big(T(x)\big), \qquad \text{and at } T = T^*:\quad w(x)\,q(x) = p(x).$$
#
# So a trained critic turns samples of the model $Q$ into (approximately) samples of the data $P$ by
# reweighting. This notebook shows
#
# 1. Theorem 1 exactly, for every divergence;
# 2. the numerical pitfalls of computing $w$ (log space; Pearson's negative weights);
# 3. $\tilde p = wq/\beta$ approaching $p$ while a critic trains (a slider scrubs the training);
# 4. **self-normalisation** over the $M$ samples of one noise vector $z$ (what BGAN does) versus over the whole batch,
#    with the effective sample size (ESS), and the bias of self-normalisation at small $M$.
#
# (Math reference: `docs/math.md` §3.1-3.3, §4.1-4.3, §4.5, §7.3, §8.)

# %% tags=["parameters"]
from bgan_teach import config

FAST = config.fast()
K = 24                                   # support size
DIVERGENCE = "gan"                       # the critic's divergence (try "kl", "squared_hellinger", ...)
STEPS = 100 if FAST else 1500            # critic updates
SNAPSHOT_EVERY = 10 if FAST else 25      # one slider position per this many steps
BATCH = 256                              # samples of P and of Q per critic step
M_VALUES = (1, 2, 5, 10, 20, 50)         # samples per z for the self-normalisation slider
B = 64                                   # noise vectors z per batch
BIAS_BATCH = 2000 if FAST else 20000     # z's averaged to measure the SNIS bias
SEED = 0

# %%
from bgan_teach.plotting import setup_backend

setup_backend()

import torch

from bgan_teach import divergences, weights
from bgan_teach.plotting import figure
from bgan_teach.plotting.densities import plot_conditionals, plot_snis_bias
from bgan_teach.plotting.fdiv import DensityDisplay
from bgan_teach.selfcheck import check
from bgan_teach.training.bound import conditional_targets, fit_bound, mixture_toy, snis_bias
from bgan_teach.widgets.fdiv import bound_scrubber, snis_lab

torch.set_num_threads(1)

# %% [markdown]
# ## 1. Theorem 1: with the optimal critic, $w\,q$ lies exactly on $p$
#
# At each point the optimal critic solves $\frac{\partial}{\partial T}\big(p\,T - q f^*(T)\big) = 0$, i.e.
#
# $$p(x) = q(x)\,(f^*)'\big(T^*(x)\big) = q(x)\, w(x) .$$
#
# The partition function $\beta = \mathbb{E}_Q[w] = \sum_x q(x)w(x)$ is then exactly 1. In terms of the raw critic
# output $v$ (`docs/math.md` §7.1): $\log w = v$ for GAN, JS and reverse KL, $v-1$ for KL, $2v$ for squared Hellinger,
# $v/2$ for Neyman. For the GAN, $D=\sigma(v)$ and $w = D/(1-D) = e^{v}$: **the log weight is the logit.**
#
# Our toy model $Q$ is a mixture of three bumps (we will use its structure in §4); the data $P$ has two bumps in between.

# %%
toy = mixture_toy(K)
div = divergences.get(DIVERGENCE)
v_star = div.optimal_logit(toy.p, toy.q)            # the optimal raw critic output, (K,)
w_star = torch.exp(div.log_weight(v_star))          # w = (f*)'(g_f(v*))

theorem = DensityDisplay(toy.p, toy.q, tilde_label="$w^* q$ (optimal critic)")
theorem.update(w_star * toy.q, f"β = Σ w*q = {float((w_star * toy.q).sum()):.6f}")
theorem.ax.figure

# %%
for name, d in divergences.DIVERGENCES.items():     # Theorem 1 holds for every row of the table
    w = torch.exp(d.log_weight(d.optimal_logit(toy.p, toy.q)))
    assert check(f"{name}: w* q = p", w * toy.q, toy.p, rtol=1e-10)

# %% [markdown]
# ## 2. Computing weights safely
#
# **Pitfall 1: never go through the sigmoid.** $\log w = \log D - \log(1-D)$ is mathematically $v$, but in float32
# $\sigma(17)$ rounds to exactly $1$, so $\log(1-D) = -\infty$ (the "G_loss is inf" reports of public BGAN ports).
# **Pitfall 2:** $e^{v}$ overflows float32 above $v\approx 88.7$. Keep $\log w$ and normalise with `logsumexp`/`softmax`.

# %%
gan = divergences.get("gan")
v = torch.tensor([5.0, 15.0, 17.0, 100.0])               # float32 critic logits
D = torch.sigmoid(v)
print("through the sigmoid:", torch.log(D) - torch.log(1 - D))
print("from the logit     :", gan.log_weight(v))
print("naive exp / sum    :", torch.exp(v) / torch.exp(v).sum())
print("weights.normalized :", weights.normalized(v))

# %% [markdown]
# **Pitfall 3 (Pearson $\chi^2$): negative weights.** $w = (f^*)'(t) = 1 + t/2$ is negative for $t<-2$ if $f^*$ is
# taken from the f-GAN table on all of $\mathbb{R}$. With $\mathrm{dom} f = [0,\infty)$ the exact conjugate is flat ($-1$)
# below $t=-2$ and the weight is $\max(0, 1+t/2)$: such a sample gets weight 0, and its log weight is clamped to the
# smallest positive float rather than $-\infty$ (`NOTE(deviation)` in `divergences.Pearson`). Normalising raw Pearson
# weights with a softmax is wrong: they are not log-linear in $v$.

# %%
pearson = divergences.get("pearson")
t = torch.tensor([-3.0, -2.0, 0.0, 2.0])
print("f-GAN extension 1 + t/2:", 1 + t / 2)
print("exact weight          :", pearson.weight(t))
print("log weight (finite)   :", pearson.log_weight(t))

# %% [markdown]
# ## 3. A trained critic: $\tilde p = w q/\beta$ approaches $p$
#
# A real critic is not optimal. Definition (paper, as in the authors' tutorial): for any critic,
#
# $$w(x) = (f^*)'\big(T(x)\big),\qquad \beta = \mathbb{E}_Q[w],\qquad \tilde p(x) = \frac{w(x)}{\beta}\,q(x)$$
#
# is the critic's **estimate of $p$**; $\beta$ makes it a distribution. We train a table critic from samples
# (as in notebook 01) and keep its outputs every few steps. Scrub the slider: at step 0 the critic outputs the
# boundary value everywhere ($w\equiv1$, so $\tilde p = q$); then $\tilde p$ moves onto $p$ and $\beta\to 1$.
# The readout **ESS/N** $=\beta^2/\mathbb{E}_Q[w^2]$ is the fraction of model samples that effectively count
# after reweighting: at the optimum it is $1/(1+\chi^2(P\|Q))$, far below 1 when $P$ and $Q$ differ a lot.

# %%
result = fit_bound(toy.p, toy.q, DIVERGENCE, steps=STEPS, batch_size=BATCH, seed=SEED,
                   snapshot_every=SNAPSHOT_EVERY, progress=not FAST)
scrubber = bound_scrubber(result)
scrubber.box

# %%
first, last = result.view(0), result.view(len(result.snapshots) - 1)
tv = lambda a, b: float(0.5 * (a - b).abs().sum())      # total variation distance
print(f"TV(p~, p): step 0 {tv(first['p_tilde'], toy.p):.3f}  ->  step {last['step']} {tv(last['p_tilde'], toy.p):.3f}")
print(f"beta at the end: {last['beta']:.3f}   (exactly 1 for the optimal critic)")
assert abs(float(last["p_tilde"].sum()) - 1) < 1e-12     # p~ is always a distribution
print("ok" if tv(last["p_tilde"], toy.p) < tv(first["p_tilde"], toy.p) else "p~ did not move towards p: train longer")

# %% [markdown]
# ## 4. Self-normalisation: per noise vector $z$, or over the whole batch?
#
# In practice neither $q$ nor $\beta$ is known: the generator is $q(x)=\sum_z h(z)\,g(x\mid z)$ with noise $z\sim h$,
# and only samples are available. Our toy has exactly that structure: $Z=3$ noise values, each with its own
# conditional bump $g(\cdot\mid z)$ (dashed below). BGAN draws $M$ samples $x^{(1..M)}\sim g(\cdot\mid z)$ for each of
# $B$ noise vectors and **self-normalises** the weights (`docs/math.md` §4.2):
#
# $$\textbf{per } z:\quad \tilde w^{(m)} = \frac{w(x^{(m)})}{\sum_{m'} w(x^{(m')})} = \mathrm{softmax}_m(\log w)
# \qquad\text{(weights.normalized, dim = the M axis)}$$
#
# $$\textbf{global:}\quad \tilde w^{(m,b)} = \frac{w(x^{(m,b)})}{\sum_{m',b'} w(x^{(m',b')})}
# \qquad\text{(weights.normalized\_global, the "}\beta\text{" option of the authors' PyTorch code)}$$
#
# They estimate different things. Globally normalised samples estimate $\tilde p = wq/\beta \approx p$: mass may move
# between noise values. Per-$z$ normalised samples estimate the **conditional targets**
# $\tilde p(x\mid z) = w(x)\,g(x\mid z)/\alpha(z)$, $\alpha(z)=\mathbb{E}_{g(\cdot|z)}[w]$: each $z$ keeps its share $h(z)$
# and is only reshaped within its own bump (solid lines below). That is the BGAN generator's target for $g(\cdot\mid z)$;
# it needs only the $M$ samples of one $z$, and its weights vary less. ESS is measured relative to $M$ per $z$, and
# relative to $M\cdot B$ globally.

# %%
log_w = last["log_w"]                                       # the trained critic's log weights, (K,)
targets = conditional_targets(toy, log_w)                      # p~(x|z), (Z, K)
fig, ax = figure("conditionals", figsize=(8.6, 3.0), layout="constrained")
plot_conditionals(ax, toy.g, targets)
fig

# %% [markdown]
# Slide $M$. Left: the per-$z$ weighted histogram (averaged over the $B$ noise vectors) against
# $\sum_z h(z)\tilde p(x\mid z)$. Right: the globally weighted histogram against $p$. At $M=1$ every per-$z$ weight
# is exactly 1, so the left estimate is just a histogram of $Q$.

# %%
snis = snis_lab(toy, log_w, ms=M_VALUES, batch=B, seed=SEED, per_z_target=toy.h @ targets)
snis.box

# %% [markdown]
# **Self-normalisation is biased for finite $M$** (`docs/math.md` §4.5, pitfalls §8.4 and §8.15): the normaliser
# $\sum_{m'} w(x^{(m')})$ is itself random. Averaging the per-$z$ histogram over many noise vectors leaves only the
# bias, shown here as the total-variation distance to the exact target. It shrinks roughly like $1/M$. At $M=1$,
# $\tilde w\equiv 1$: the estimate ignores the critic, and BGAN's generator gradient
# $\mathbb{E}[\sum_m \tilde w\,\nabla\log g] = \mathbb{E}[\nabla \log g] = 0$ carries **no signal**. The authors use $M=10$-$20$.

# %%
bias = snis_bias(toy, log_w, ms=(1, 2, 5, 20, 100), batch=BIAS_BATCH, seed=SEED)
for m, value in bias.items():
    print(f"M = {m:3d}   bias (TV) = {value:.4f}")
fig, ax = figure("snis_bias", figsize=(6.6, 3.2), layout="constrained")
plot_snis_bias(ax, bias)
fig

# %%
one = snis.display["runs"][1]["per_z"]
assert torch.equal(one, torch.ones_like(one))        # M = 1: every self-normalised weight is exactly 1
print("ok" if bias[100] < bias[1] else "mismatch: bias should shrink with M")

# %% [markdown]
# ## Your turn
#
# Two points, $P=(0.5, 0.5)$, $Q=(0.8, 0.2)$ (`docs/math.md` §9.6). With the optimal GAN critic $v^* = \log(p/q)$,
# draw the three samples $x = (0, 0, 1)$ from $Q$. Compute their self-normalised weights $\tilde w = w/\sum w$
# with $w = e^{v^*}$ yourself, and then their ESS $= 1/\sum\tilde w^2$. Expected: $(1/6, 1/6, 2/3)$ and ESS $= 2$.

# %%
P2 = torch.tensor([0.5, 0.5], dtype=torch.float64)
Q2 = torch.tensor([0.8, 0.2], dtype=torch.float64)
v_star2 = divergences.get("gan").optimal_logit(P2, Q2)
samples = torch.tensor([0, 0, 1])

my_w_tilde = torch.exp(v_star2[samples]) / torch.exp(v_star2[samples]).sum()    # edit me
my_ess = 1 / (my_w_tilde ** 2).sum()                                              # edit me
check("w~ for samples (0, 0, 1)", my_w_tilde, weights.normalized(v_star2[samples]))
check("... equals (1/6, 1/6, 2/3)", my_w_tilde, torch.tensor([1 / 6, 1 / 6, 2 / 3], dtype=torch.float64))
check("ESS", my_ess, weights.effective_sample_size(weights.normalized(v_star2[samples])));
