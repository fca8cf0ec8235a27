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
# # 01 · f-divergences, the variational bound and the optimal critic
#
# **The chain** (this notebook in bold): **f-divergence → conjugate & bound → optimal critic** → importance weight
# $w$ → self-normalised $\tilde w$ → discrete estimator → boundary-seeking objective
#
# Every GAN critic, BGAN's included, estimates a **divergence** between the data distribution $P$ and the
# model $Q$. Boundary-Seeking GANs (Hjelm et al., ICLR 2018, [arXiv:1702.08431](https://arxiv.org/abs/1702.08431))
# start from the f-divergence family and its variational bound, as f-GAN set them up (Nowozin, Cseke and Tomioka,
# NIPS 2016, [arXiv:1606.00709](https://arxiv.org/abs/1606.00709)). This notebook builds the first three links:
#
# 1. the **f-divergence** $D_f(P\|Q)$;
# 2. the **convex conjugate** $f^*$, seen as a family of tangent lines, and the **variational lower bound** that a
#    critic maximises;
# 3. the **optimal critic** $T^* = f'(p/q)$, at which the bound is tight; notebook 02 turns it into importance weights.
#
# Everything runs on two known distributions over $K$ points, so every number has an exact answer to compare with.
# You will compute a conjugate, an optimal critic and the noise of a critic's estimate yourself (five exercises),
# and answer a few concept checks at the end. Full derivations: `docs/math.md` §2 and §7.

# %% [markdown]
# ### Notation (the same in all six notebooks; `docs/math.md` §1)
#
# | symbol | meaning | name in code |
# |---|---|---|
# | $P$, $p$ | data distribution and its density (or table) | `p` |
# | $h(z)$ | noise prior; the authors draw $z \sim \mathcal U[0,1)^{d_z}$ | `noise(n, generator)` |
# | $g_\theta(x\mid z)$ | conditional generator: a product of Bernoulli or categorical factors (discrete), a point mass at $G_\theta(z)$ (continuous) | `log_g` |
# | $Q_\theta$, $q_\theta$ | generator marginal $q_\theta(x) = \int h(z)\,g_\theta(x\mid z)\,dz$ | `q` |
# | $V = V_\phi(x)$ | raw critic output ("logit"); in the GAN case the discriminator's probability is $\sigma(V)$ | `v`, `v_fake` |
# | $T = g_f(V)$ | the f-GAN statistic: the critic output after the output activation $g_f$ | `activation(v)` |
# | $f$, $f^*$, $(f^*)'$ | generator function of the divergence, its convex conjugate, the conjugate's derivative | `f`, `f_star`, `weight` |
# | $w(x)$ | importance weight $(f^*)'(T(x))$ | `log_w` (always kept in log space) |
# | $\beta$ | global partition $\mathbb E_{Q_\theta}[w]$ | `log_partition_global` |
# | $\alpha(z)$ | per-$z$ partition $\mathbb E_{g_\theta(x\mid z)}[w]$ | `log_partition` |
# | $\tilde w$ | self-normalised weight | `normalized` |
# | $M$, $B$ | samples drawn per $z$; noise vectors per step (batch) | `samples_per_z`, `batch_size` |
# | $N$ | number of data rows (the training set) | `len(data)` |
# | $d$ | dimension of $x$: positions of a discrete $x$ (pixels, grid coordinates, characters), coordinates of a continuous $x$ | `num_positions`, `dim` |
# | $K$ | categories per position of a discrete $x$ (2 for binarised digits, 32 for the grid, ~30 characters) | `num_categories` |
# | $C$ | mixture components of the continuous generator's noise, $z = [\varepsilon, e_c]$, $c \in \{1..C\}$ | `components` |
# | $Z$ | number of latent codes of a small toy with enumerable $h(z)$ | `latent` |
# | $\sigma(V)$ | the discriminator's probability "real" in the GAN case (written $\sigma(V)$, never $D$, so that $D$ only appears in $D_f$) | `torch.sigmoid(v)` (plots only) |
# | $\tau$, $\sigma$, $\gamma$, $\lambda$ | Gumbel-softmax temperature; a Gaussian's standard deviation; an EMA rate; a penalty weight | `gumbel_tau`, `sigma`, `log_z_gamma`, `penalty` |
# | $\mathrm{sg}[\cdot]$ | stop-gradient (`detach`) | |
# | $\mathrm{LSE}_m$ | $\log\sum_m \exp$ over the $M$ axis | `torch.logsumexp(·, 0)` |
# | $\mathrm{softplus}(a)$ | $\log(1+e^a)$ | `F.softplus` |
#
# One symbol, one meaning: the critic's output is always $V$ (`v` in code), the dimension of $x$ always $d$,
# categories always $K$, samples per $z$ always $M$; a divergence is $D_f$ and nothing else is called $D$.
# Shapes: sample tensors are (M, B, …); log weights and log-likelihoods of samples are (M, B); the $M$ axis is dim 0.
#
# In this notebook $x$ is a single position ($d = 1$) taking one of $K = 24$ values, and a batch is $B$ samples of $P$
# and $B$ of $Q$. Every other term is defined where it is first used; the glossary (JSD, ESS, SNIS, REINFORCE,
# baseline, EMA, log-Z, MMD, policy gradient, …) is `docs/math.md` §1.1.

# %% tags=["parameters"]
from bgan_teach import config

FAST = config.fast()            # BGAN_FAST=1 (CI) runs a short version
K = 24                          # support size: x takes K values
STEPS = 150 if FAST else 1500   # critic updates per divergence
BATCH = 256                     # B: samples from P and from Q per step
SEED = 0

# %%
from bgan_teach.plotting import setup_backend

setup_backend()

import torch
from IPython.display import Markdown

from bgan_teach import divergences
from bgan_teach.cache import run_many, start_workers
from bgan_teach.exercises import exercise
from bgan_teach.lessons.nb01 import ask, bound_variance, plot_bound_noise, variance_rows, variance_table
from bgan_teach.lessons.table import divergence_table
from bgan_teach.plotting import figure
from bgan_teach.plotting.densities import plot_pq
from bgan_teach.plotting.fdiv import plot_bound_results, results_table
from bgan_teach.selfcheck import check
from bgan_teach.training.bound import example_pair, fit_bound
from bgan_teach.widgets.fdiv import fenchel_lab

torch.set_num_threads(1)
start_workers()   # run_many's worker processes start now, in the background (bgan_teach.cache)

# %% [markdown]
# ## 1. The f-divergence
#
# For a convex $f:[0,\infty)\to\mathbb{R}$ with $f(1)=0$,
#
# $$D_f(P\,\|\,Q) \;=\; \sum_x q(x)\, f\!\Big(\frac{p(x)}{q(x)}\Big) \;=\; \mathbb{E}_{x\sim Q}\big[f(u(x))\big],\qquad u = p/q .$$
#
# **Why it is a divergence.** $f$ is convex, so Jensen's inequality moves the expectation inside:
# $D_f \ge f\big(\mathbb{E}_Q[p/q]\big) = f\big(\sum_x p(x)\big) = f(1) = 0$, with equality iff $p/q$ is constant, i.e. $P=Q$
# (for strictly convex $f$). Choosing $f$ chooses the divergence: $u\log u$ gives $\mathrm{KL}(P\|Q)$, $-\log u$ the
# reverse KL, $(u-1)^2$ Pearson's $\chi^2$, and $u\log u-(u+1)\log(u+1)$ the **GAN** divergence. That last one is the
# one member with $f(1) = -\log 4 \neq 0$: by the same Jensen step $D_{\mathrm{GAN}} \ge -\log 4$, and
# $D_{\mathrm{GAN}} = 2\,\mathrm{JSD} - \log 4$, where the Jensen-Shannon divergence
# $\mathrm{JSD} = \tfrac12\mathrm{KL}(P\|M) + \tfrac12\mathrm{KL}(Q\|M)$ compares both with their mixture
# $M = \tfrac12(P+Q)$ (here, and only here, $M$ is a distribution, not a sample count).
#
# Our two distributions: a two-bump "data" table $P$ and a broad one-bump "model" $Q$.
#
# *Figure: the blue bars are $p$, the orange line is $q$. Look at where they disagree: $q$ puts mass in the middle
# and at the edges where $p$ has almost none, and $p$ piles up on two bumps where $q$ is thin. The ratio $p/q$ ranges
# from about 0.1 to 2.9; those extremes decide which estimates below are noisy.*

# %%
p, q = example_pair(K)
fig, ax = figure("pq", figsize=(8, 2.8), layout="constrained")
plot_pq(ax, p, q)
fig

# %%
exact = {name: float(div.exact(p, q)) for name, div in divergences.DIVERGENCES.items()}
for name, value in exact.items():
    print(f"{divergences.get(name).title:24s} D_f(P||Q) = {value: .4f}")

# %% [markdown]
# **Check the two claims in numbers**: every divergence with $f(1)=0$ is positive, and the GAN divergence is the
# Jensen-Shannon row (f-GAN's form, $2\,\mathrm{JSD}$) shifted by $-\log 4$.

# %%
print("smallest D_f among rows with f(1) = 0:", min(v for n, v in exact.items() if n != "gan"))
check("D_GAN = 2 JSD - log 4", exact["gan"], exact["js"] - torch.log(torch.tensor(4.0, dtype=torch.float64)));

# %% [markdown]
# ### Exercise 1 · KL by hand
#
# Compute $\mathrm{KL}(P\|Q) = \sum_x p(x)\log\frac{p(x)}{q(x)}$ from the tables `p` and `q` (both shape (K,)) and compare
# with the package's value.
#
# <details><summary>Hint</summary>
#
# This is the f-divergence with $f(u) = u\log u$: $\sum_x q\,\frac pq\log\frac pq = \sum_x p\log\frac pq$. One line:
# `(p * torch.log(p / q)).sum()`, a scalar tensor.
# </details>

# %%
### BEGIN EXERCISE kl_by_hand
my_kl = ...          # a scalar: sum over x of p log(p/q)
### END EXERCISE
exercise("kl_by_hand", my_kl, exact["kl"])

# %% [markdown]
# ## 2. The convex conjugate as tangent lines
#
# The conjugate of $f$ is
#
# $$f^*(t) \;=\; \sup_{u\in\mathrm{dom} f}\; \big(u\,t - f(u)\big).$$
#
# **Derivation of the picture.** The gap $ut - f(u)$ is concave in $u$, so it is largest where its derivative
# vanishes, $t - f'(u^*) = 0$: where the slope of $f$ equals $t$. So $f^*(t) = u^*t - f(u^*)$, and the line
#
# $$y = t\,u - f^*(t)$$
#
# passes through $(u^*, f(u^*))$ with slope $t$: it **touches** $f$ at $u^*$, and its **intercept** at $u=0$ is
# $-f^*(t)$. Because $f$ is convex, that tangent lies below $f$ everywhere, which is Fenchel's inequality
# $f(u) + f^*(t) \ge ut$. Differentiating $f^*(t) = u^*(t)\,t - f(u^*(t))$ in $t$ (the terms in $\frac{du^*}{dt}$ cancel
# because $f'(u^*) = t$) gives the slope of the conjugate,
#
# $$(f^*)'(t) = u^* = (f')^{-1}(t),$$
#
# the quantity BGAN will call the **importance weight** (notebook 02).
#
# *Figure (interactive): move the slope $t$ and switch divergence. Left: $f$ (black) and the red tangent of slope
# $t$; the red dot is where it touches, at $u^* = (f^*)'(t)$; the purple square is its intercept, $-f^*(t)$. Right: the
# conjugate $f^*$; the red dot is the same number $f^*(t)$, and the green segment's slope is $u^*$. What to see:
# raising $t$ slides the touching point to larger $u$ and lowers the intercept. At the start, $t = f'(1)$ touches at
# $u^*=1$: the point where $p=q$.*

# %%
fenchel = fenchel_lab("kl")
fenchel.box

# %% [markdown]
# ### Exercise 2 · a conjugate by brute force
#
# The supremum in $f^*(t)$ can be taken numerically: evaluate $ut - f(u)$ on a fine grid of $u$ and keep the largest
# value. Do it for **squared Hellinger**, $f(u) = (\sqrt u - 1)^2$, at $t = 0.5$, on the grid `u` below, and compare
# with the closed form $f^*(t) = \frac{t}{1-t} = 1$ from the table in §4.
#
# <details><summary>Hint</summary>
#
# `hellinger.f(u)` evaluates $f$ on the whole grid; `(u * t - hellinger.f(u)).max()` is the supremum over the grid (a
# scalar). The largest gap sits at $u^* = (1-t)^{-2} = 4$, well inside the grid.
# </details>

# %%
hellinger = divergences.get("squared_hellinger")
t = 0.5
u = torch.linspace(0, 20, 200_001, dtype=torch.float64)      # (200001,) grid over dom f = [0, inf)
### BEGIN EXERCISE conjugate_on_a_grid
sup_on_grid = ...    # a scalar: the largest value of u*t - f(u) over the grid
### END EXERCISE
exercise("conjugate_on_a_grid", sup_on_grid, hellinger.f_star(torch.tensor(t, dtype=torch.float64)), rtol=1e-6)

# %% [markdown]
# **Check the slope identity $(f^*)'(t) = (f')^{-1}(t)$ for every row**: a central finite difference of $f^*$ must
# equal the package's weight $(f^*)'(t)$, and $f'$ at that point must give back $t$. We test at $t = g_f(0.3)$, a slope
# inside every row's $\mathrm{dom} f^*$.

# %%
h = 1e-6
for name, div in divergences.DIVERGENCES.items():
    t0 = div.activation(torch.tensor(0.3, dtype=torch.float64))
    slope = (div.f_star(t0 + h) - div.f_star(t0 - h)) / (2 * h)          # finite difference of f*
    u_star = div.weight(t0)                                              # (f*)'(t)
    print(f"{div.title:24s} (f*)'(t): {float(u_star):.6f} vs finite difference {float(slope):.6f};"
          f"  f'(u*) = {float(div.f_prime(u_star)):.6f} = t = {float(t0):.6f}")

# %% [markdown]
# ## 3. The variational lower bound
#
# Because $f$ is convex (and closed), it equals its double conjugate, $f = f^{**}$: every value $f(u)$ is the top of
# the tangents below it, $f(u) = \sup_t\, \big(ut - f^*(t)\big)$. Put $u = p(x)/q(x)$, choose one slope $t = T(x)$ per
# point (a **critic**), and average over $Q$:
#
# $$D_f(P\|Q) = \sum_x q(x)\sup_t\Big(\tfrac{p(x)}{q(x)}t - f^*(t)\Big)
# \;\ge\; \sum_x p(x)\,T(x) - \sum_x q(x)\, f^*\big(T(x)\big)
# = \mathbb{E}_{P}[T] - \mathbb{E}_{Q}[f^*(T)] .$$
#
# Both expectations can be estimated **from samples alone**, which is what makes GAN training possible: the critic
# never needs $p$ or $q$, only draws from them. A network outputs a raw number $V$; the f-GAN output activation $g_f$
# maps it into $\mathrm{dom} f^*$, $T=g_f(V)$ (GAN: $T=\log\sigma(V)$; KL: $T=V$), so any output is a valid critic.
#
# **Check the inequality**: 2000 random critics ($V$ drawn at random at every point) for every row; none may exceed $D_f$.

# %%
gen = torch.Generator().manual_seed(SEED)
v_random = 2 * torch.randn(2000, K, generator=gen, dtype=torch.float64)                   # (2000, K) random critics
for name, div in divergences.DIVERGENCES.items():
    bounds = div.weighted_bound(v_random, p.expand(2000, K), q.expand(2000, K))            # (2000,)
    print(f"{div.title:24s} best random critic {float(bounds.max()): .4f}  <=  D_f {exact[name]: .4f}")

# %% [markdown]
# ## 4. The optimal critic
#
# Which critic makes the bound tight? The bound is a sum over $x$ of $p(x)\,T - q(x)\,f^*(T)$, one term per point, so
# maximise each term on its own: $\frac{\partial}{\partial T}\big(p\,T - q\,f^*(T)\big) = p - q\,(f^*)'(T) = 0$, i.e.
# $(f^*)'(T^*) = p/q$, and by the slope identity of §2
#
# $$T^*(x) = f'\!\Big(\frac{p(x)}{q(x)}\Big), \qquad \mathbb{E}_P[T^*]-\mathbb{E}_Q[f^*(T^*)] = D_f(P\|Q).$$
#
# The equality holds because at $T^*$ each tangent touches $f$ exactly at $u = p(x)/q(x)$, so the "$\ge$" of §3 is an
# equality at every point. This variational representation and its tightness at $T^* = f'(p/q)$ are what f-GAN
# (Nowozin et al. 2016) builds GAN training on; BGAN takes them as its starting point. (The stationarity condition
# $(f^*)'(T^*) = p/q$, read the other way round, is the BGAN paper's **Theorem 1**, the subject of notebook 02.)
# `div.optimal_logit(p, q)` returns the raw $V^*$ with $g_f(V^*) = T^*$.
#
# ### Exercise 3 · the optimal KL critic and the bound at it
#
# For KL, $f(u) = u\log u$, $f'(u) = 1 + \log u$, and $f^*(t) = e^{t-1}$. Compute $T^*$ (shape (K,)) and then the bound
# at $T^*$ with exact sums over the support. It should equal $\mathrm{KL}(P\|Q)$.
#
# <details><summary>Hint</summary>
#
# `T_star = 1 + torch.log(p / q)` (or `kl.f_prime(p / q)`); the bound is
# `(p * T_star).sum() - (q * kl.f_star(T_star)).sum()`. Note that $f^*(T^*) = e^{\log(p/q)} = p/q$, so the second sum is
# $\sum_x q\,\frac pq = 1$.
# </details>

# %%
kl = divergences.get("kl")
### BEGIN EXERCISE optimal_critic
T_star = ...         # (K,): f'(p/q) for KL
### END EXERCISE
exercise("optimal_critic", T_star, kl.activation(kl.optimal_logit(p, q)))
### BEGIN EXERCISE bound_at_optimum
bound_at_T_star = ...    # a scalar: sum_x p T* - sum_x q f*(T*)
### END EXERCISE
exercise("bound_at_optimum", bound_at_T_star, exact["kl"])

# %% [markdown]
# **Check for every row**: the bound at $V^*$ equals $D_f$ (exact sums), and moving $V$ away from $V^*$ at random
# lowers it.

# %%
noise = 0.3 * torch.randn(K, generator=gen, dtype=torch.float64)                       # (K,)
for name, div in divergences.DIVERGENCES.items():
    v_star = div.optimal_logit(p, q)                                                     # (K,)
    at_star, moved = float(div.weighted_bound(v_star, p, q)), float(div.weighted_bound(v_star + noise, p, q))
    print(f"{div.title:24s} bound at V* {at_star: .6f}  D_f {exact[name]: .6f}  |  at V* + noise {moved: .6f}")

# %% [markdown]
# ## 5. The f-divergence table
#
# Everything above, for every divergence the package implements, rendered from the rows of
# `divergences.DIVERGENCES` themselves (the f-GAN conventions; `docs/math.md` §7.1 adds checks and notes). Read a row
# left to right as the chain of this notebook: $f$, its conjugate $f^*$ and where that is finite, the activation that
# maps a network output $V$ into that domain, the optimal critic, the log importance weight of notebook 02 as a function
# of $V$, and the **boundary**: the output $V$ at which $w = 1$, i.e. where the critic judges $p = q$.
# Two things to notice: the boundary is at $V = 0$ for every row except KL (its activation $g_f(V) = V$ puts it at
# $V = 1$); and Pearson's conjugate is the exact one on $u \ge 0$, flat below $t = -2$, so its weight is never negative
# (notebook 02, pitfall 3).

# %%
Markdown(divergence_table())

# %% [markdown]
# ## 6. Training a critic from samples
#
# Now forget $p$ and $q$ and train a critic the way a GAN does: each step draws a batch $x_{1..B}\sim P$ and
# $\tilde x_{1..B}\sim Q$ and takes an Adam step **up** the Monte Carlo bound
#
# $$\widehat{\mathcal{B}}(V) = \frac1B\sum_b g_f\big(V(x_b)\big) - \frac1B\sum_b f^*\big(g_f(V(\tilde x_b))\big).$$
#
# The critic here is a free table of $K$ outputs, one per support point, so nothing limits it but noise; the learning
# rate decays (cosine) so the last steps average the noise out. Because we *do* know $p$ and $q$, we also record the
# same critic's bound with exact expectations.
#
# *Figure: one panel per divergence, each with its own vertical scale. The coloured curve is the critic's bound with
# exact expectations, the dashed line the true $D_f$. The batch estimates the critic actually climbs scatter so widely
# that, one per step, they fill each panel as a light grey band (one batch's standard deviation is larger than the
# whole range shown); the dark grey line is their running mean over 60 steps. What to see: the coloured curve rises to
# the dashed line and never crosses it (the inequality of §3), while the running mean of the batch estimates wanders
# above and below it. Every divergence sees the same seeded batches, which is why the dark grey lines have the same
# shape in every panel. How large the scatter is, row by row, is the subject of §7.*

# %%
CAPACITY = {f"gan, {kind} critic": dict(divergence="gan", critic=kind, lr=lr)       # for the figure after the next
            for kind, lr in (("mlp", 0.02), ("linear", 0.05))}
fits = run_many(fit_bound, {name: dict(divergence=name) for name in divergences.names()} | CAPACITY,   # side by side
                p, q, steps=STEPS, batch_size=BATCH, seed=SEED)
results = {name: fits[name] for name in divergences.names()}
fig, _ = plot_bound_results(list(results.values()))
fig

# %%
for name, res in results.items():
    print(f"{divergences.get(name).title:24s} D_f {res.exact: .4f}   trained critic's bound {res.final_bound: .4f}"
          f"   gap {res.exact - res.final_bound:.1e}")

# %% [markdown]
# **What we saw** (full mode, 1500 steps, seed 0): every trained table critic ends within $2\times10^{-3}$ of $D_f$
# from below (KL 0.3096 vs 0.3099, Neyman 1.4333 vs 1.4346, GAN −1.2234 vs −1.2233), and no exact-expectation bound ever
# passes the dashed line. The grey batch estimates do pass it, often: a batch average is an estimate, not a bound. Fast
# mode trains only 150 steps, so its gaps are larger.
#
# ## 7. How noisy is the batch estimate?
#
# **Derivation.** For a fixed critic the two sums of $\widehat{\mathcal B}$ are averages of $B$ independent draws each,
# and the $P$ draws are independent of the $Q$ draws, so their variances add:
#
# $$\mathrm{Var}\,\widehat{\mathcal B} = \frac{\mathrm{Var}_P[T] + \mathrm{Var}_Q[f^*(T)]}{B}.$$
#
# Both terms count. At the optimal critic, $T^* = f'(p/q)$ and $f^*(T^*) = \frac pq T^* - f(\frac pq)$, so which term is
# large depends on how $f'$ grows where $p/q$ is extreme: KL's $f^*(T^*) = p/q$ makes $\mathrm{Var}_Q[f^*(T^*)]$ equal
# to $\chi^2(P\|Q)$, while rows whose $T^*$ is a power of $q/p$ blow up the $P$ term at points where the data has
# little mass and the model a lot. (`docs/math.md` §2.4; on its two-point example the per-sample variance is 0.190 for
# the GAN divergence and 1.043 for KL.)
#
# Before you compute it, predict.

# %%
ask("noisiest_bound")

# %% [markdown]
# ### Exercise 4 · the variance of the KL estimate
#
# Compute the per-sample variance $\mathrm{Var}_P[T^*] + \mathrm{Var}_Q[f^*(T^*)]$ for KL with exact sums over the
# support, where $\mathrm{Var}_P[a] = \sum_x p\,(a - \sum_x p\,a)^2$.
#
# <details><summary>Hint</summary>
#
# With `T = 1 + torch.log(p / q)` and `F = p / q` (that is $f^*(T^*)$ for KL):
# `(p * (T - (p * T).sum())**2).sum() + (q * (F - (q * F).sum())**2).sum()`. The second term is
# $\chi^2(P\|Q) = \sum_x (p - q)^2/q$, which you can compute as a check.
# </details>

# %%
### BEGIN EXERCISE bound_variance_kl
var_kl = ...         # a scalar: Var_P[T*] + Var_Q[f*(T*)] for KL
### END EXERCISE
exercise("bound_variance_kl", var_kl, bound_variance("kl", p, q)["total"])

# %% [markdown]
# **The numbers for every row**, largest first: both terms at $T^*$, the predicted standard deviation
# $\sqrt{\text{sum}/B}$ of one batch estimate, and the standard deviation we measured on the trained critics of §6 over
# their last 20 % of steps (where the critic is close to $T^*$ and barely moves).

# %%
noise_rows = variance_rows(p, q, BATCH, results)
Markdown(variance_table(noise_rows))

# %% [markdown]
# *Figure: the same numbers on one scale, so the rows can be compared (the panels of §6 each had their own scale).
# Bars: the predicted standard deviation of one batch estimate; grey dots: the measured one. What to see: the dots sit
# at the ends of the bars, and the bars span a factor of about 20, from the GAN and JS rows to Neyman's.*

# %%
fig, ax = figure("bound_noise", figsize=(8, 3.6), layout="constrained")
plot_bound_noise(ax, noise_rows, BATCH)
fig

# %% [markdown]
# **What we saw** (full mode, seed 0, $B = 256$): the prediction matches the measured scatter to within 2 % for every
# row (Neyman predicted 0.625, measured 0.613; KL 0.0647 and 0.0642; GAN 0.0329 and 0.0325). The noisiest row by far is
# **Neyman χ²** (per-sample variance 99.8, three quarters of it from $\mathrm{Var}_P[T^*] = 74.8$: $T^* = 1 - (q/p)^2$
# reaches −83 where $q/p \approx 9$), then Pearson (7.1), **reverse KL** (2.4, also mostly its $P$ term, $T^* = -q/p$),
# KL (1.07), squared Hellinger (0.32), and the GAN and Jensen-Shannon rows (0.28, identical: their $T^*$ differ by the
# constant $\log 2$). So the noisy estimates are those whose $T^*$ or $f^*(T^*)$ grows like a power of the density ratio,
# in either direction; rows that grow like its logarithm are quiet. (Fast mode trains 150 steps: its critics have not yet
# reached the extreme values of $T^*$, so its measured column is smaller than the prediction.)
#
# ### The bound is only as good as the critic family
#
# The table critic can represent $V^*$ exactly. A real critic is a network that shares parameters between points. A
# tiny MLP on the position still gets close; a **linear** critic $V(x) = a x + b$ (logistic regression, in the GAN case)
# cannot express "data on both sides, model in the middle", and its best bound stays clearly below $D_f$.
#
# *Figure: the same panels for the GAN divergence with three critic families. What to see: the table and MLP curves
# reach the dashed line; the linear critic's curve levels off below it, near the floor $-\log 4 \approx -1.386$ that a
# critic reaches by saying nothing.*

# %%
capacity = [results["gan"]] + [fits[name] for name in CAPACITY]        # trained beside the seven fits above
fig, _ = plot_bound_results(capacity, key="capacity", ncols=3)
for res in capacity:
    print(f"{res.config['critic']:7s} critic: bound {res.final_bound: .4f}  vs  D_GAN {res.exact: .4f}")
fig

# %% [markdown]
# **What we saw** (full mode, seed 0): table critic −1.2234, MLP −1.2244, linear −1.3769, against
# $D_{\mathrm{GAN}} = -1.2233$. The linear critic recovers only 0.009 of the 0.163 nats that separate $D_{\mathrm{GAN}}$
# from its floor. A loose bound **underestimates** the divergence: a lower value can mean a weaker critic rather than
# closer distributions, and the weights it implies are wrong (notebook 02).
#
# The final table (table critic, every divergence): the exact value, the trained critic's bound with exact
# expectations, and the batch estimate a real GAN critic would report, averaged over the last 20 % of steps. For a
# fixed critic that average is unbiased; a single batch is off by the standard deviations of §7, and the 300-step
# average by about $1/\sqrt{300}$ of that. In the full-mode run every row's average lands a little *below* its
# critic's bound (KL 0.3065 against 0.3096, GAN −1.2251 against −1.2234: about one standard error each). That they all
# err the same way is the shared batches again: the rows see the same draws, so they share the same Monte Carlo error.

# %%
Markdown(results_table(results.values()))

# %% [markdown]
# ## Summary
#
# * $D_f(P\|Q) = \mathbb E_Q[f(p/q)] \ge f(1)$ by Jensen; the f-GAN bound $\mathbb E_P[T] - \mathbb E_Q[f^*(T)]$ holds
#   for every critic by Fenchel's inequality and is tight at $T^* = f'(p/q)$ (Nowozin et al. 2016).
# * The conjugate's slope $(f^*)'(t) = (f')^{-1}(t)$ is the density ratio a critic output implies: notebook 02 reads
#   it as BGAN's importance weight (Theorem 1).
# * A batch estimate of the bound has variance $(\mathrm{Var}_P[T] + \mathrm{Var}_Q[f^*(T)])/B$; on this pair Neyman,
#   Pearson and reverse KL are the noisy rows, GAN and JS the quiet ones.
# * A weak critic gives a low bound: the bound measures the critic as much as the distributions.
#
# ## Concept checks

# %%
ask("batch_above")

# %%
ask("tangent_at_one")

# %%
ask("weaker_critic")

# %%
ask("conjugate_sup")
