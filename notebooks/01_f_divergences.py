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
# Every GAN critic, BGAN's included, estimates a **divergence** between the data distribution $P$ and the
# model $Q$. This notebook builds the chain that Boundary-Seeking GANs start from
# (Hjelm et al., ICLR 2018, the paper's f-divergence generalisation; Nowozin et al., *f-GAN*, 2016;
# both in `docs/references.md`):
#
# 1. the **f-divergence** $D_f(P\|Q)$;
# 2. the **convex conjugate** $f^*$, seen as a family of tangent lines;
# 3. the **variational lower bound** that a critic maximises;
# 4. the **optimal critic** $T^* = f'(p/q)$, which notebook 02 turns into importance weights.
#
# Everything runs on two known distributions on $K$ points, so every number has an exact answer to compare with.
# (Math reference: `docs/math.md` §2.1-2.3 and §7.)

# %% tags=["parameters"]
from bgan_teach import config

FAST = config.fast()            # BGAN_FAST=1 (CI) runs a short version
K = 24                          # support size
STEPS = 150 if FAST else 1500   # critic updates per divergence
BATCH = 256                     # samples from P and from Q per step
SEED = 0

# %%
from bgan_teach.plotting import setup_backend

setup_backend()

import torch
from IPython.display import Markdown

from bgan_teach import divergences
from bgan_teach.cache import cached
from bgan_teach.plotting import figure
from bgan_teach.plotting.densities import plot_pq
from bgan_teach.plotting.fdiv import plot_bound_results, results_table
from bgan_teach.selfcheck import check
from bgan_teach.training.bound import example_pair, fit_bound
from bgan_teach.widgets.fdiv import fenchel_lab

torch.set_num_threads(1)

# %% [markdown]
# ## 1. The f-divergence
#
# For a convex $f:\mathbb{R}_+\to\mathbb{R}$ with $f(1)=0$,
#
# $$D_f(P\,\|\,Q) \;=\; \sum_x q(x)\, f\!\Big(\frac{p(x)}{q(x)}\Big) \;=\; \mathbb{E}_{x\sim Q}\big[f(u(x))\big],\qquad u = p/q .$$
#
# Jensen's inequality gives $D_f \ge f\big(\mathbb{E}_Q[p/q]\big) = f(1) = 0$, with equality iff $P=Q$.
# Choosing $f$ chooses the divergence: $u\log u$ gives $\mathrm{KL}(P\|Q)$, $-\log u$ the reverse KL, $(u-1)^2$
# Pearson's $\chi^2$, and $u\log u-(u+1)\log(u+1)$ the **GAN** divergence $2\,\mathrm{JSD}-\log 4$ (the one
# member with $f(1)=-\log 4\neq 0$).
#
# Our two distributions: a two-bump "data" table $P$ and a broad one-bump "model" $Q$.

# %%
p, q = example_pair(K)
x = torch.arange(K)
fig, ax = figure("pq", figsize=(8, 2.8), layout="constrained")
plot_pq(ax, p, q)
fig

# %%
exact = {name: float(div.exact(p, q)) for name, div in divergences.DIVERGENCES.items()}
for name, value in exact.items():
    print(f"{divergences.get(name).title:24s} D_f(P||Q) = {value: .4f}")

# %% [markdown]
# **Self-check.** Compute $\mathrm{KL}(P\|Q)=\sum_x p\log(p/q)$ yourself (one line) and compare with the table.

# %%
my_kl = (p * torch.log(p / q)).sum()        # edit me
check("KL(P||Q) by hand", my_kl, exact["kl"]);

# %% [markdown]
# ## 2. The convex conjugate as tangent lines
#
# The conjugate of $f$ is
#
# $$f^*(t) \;=\; \sup_{u\in\mathrm{dom} f}\; \big(u\,t - f(u)\big).$$
#
# Picture the line of slope $t$ through the origin, $u\mapsto ut$. The gap $ut - f(u)$ is largest where the
# slopes agree, $f'(u^*) = t$; so $f^*(t) = u^*t - f(u^*)$ and the line
#
# $$y = t\,u - f^*(t)$$
#
# **touches** $f$ at $u^*$, and its **intercept** at $u=0$ is $-f^*(t)$. Because $f$ is convex, that tangent
# lies below $f$ everywhere (Fenchel-Young: $f(u) + f^*(t) \ge ut$). The touching point is also the slope of
# $f^*$ itself,
#
# $$u^* = (f^*)'(t) = (f')^{-1}(t),$$
#
# which is the quantity BGAN will call the **importance weight** (notebook 02).
#
# Move the slope $t$ and switch divergence: the purple square (intercept) is $-f^*(t)$, the red dot on the
# right is the same number plotted as $f^*(t)$, and the green segment's slope there is $u^*$. At the start,
# $t = f'(1)$ touches at $u^*=1$: the point where $p=q$.

# %%
fenchel = fenchel_lab("kl")
fenchel.box

# %% [markdown]
# **Check the picture numerically**: the conjugate of KL at $t$ is a supremum we can take on a fine grid
# of $u$; it must equal the closed form $e^{t-1}$ that the display uses.

# %%
t = 0.5
u = torch.linspace(1e-6, 20, 200_001, dtype=torch.float64)
kl = divergences.get("kl")
numeric = (u * t - kl.f(u)).max()
assert check("f*(0.5) for KL: grid sup vs closed form", numeric, kl.f_star(torch.tensor(t)), rtol=1e-6)

# %% [markdown]
# ## 3. The variational lower bound
#
# Since $f = f^{**}$, every $f(u)$ is itself a supremum over tangents: $f(u) = \sup_t\, \big(ut - f^*(t)\big)$.
# Put $u = p(x)/q(x)$, choose one $t = T(x)$ per point (a **critic**), and average over $Q$:
#
# $$D_f(P\|Q) = \sum_x q(x)\sup_t\Big(\tfrac{p(x)}{q(x)}t - f^*(t)\Big)
# \;\ge\; \sum_x p(x)\,T(x) - \sum_x q(x)\, f^*\big(T(x)\big)
# = \mathbb{E}_{P}[T] - \mathbb{E}_{Q}[f^*(T)] .$$
#
# Both expectations can be estimated **from samples alone**, which is what makes GAN training possible:
# the critic never needs $p$ or $q$, only draws from them. A network outputs a raw number $v$; the f-GAN
# output activation $g_f$ maps it into $\mathrm{dom} f^*$, $T=g_f(v)$ (GAN: $T=\log\sigma(v)$; KL: $T=v$).
#
# ## 4. The optimal critic
#
# Maximise pointwise: $\frac{\partial}{\partial T}\big(p\,T - q\,f^*(T)\big) = 0 \iff (f^*)'(T) = p/q$, so
#
# $$T^*(x) = f'\!\Big(\frac{p(x)}{q(x)}\Big), \qquad \text{and the bound is tight: } \mathbb{E}_P[T^*]-\mathbb{E}_Q[f^*(T^*)] = D_f(P\|Q).$$
#
# In the picture above: at each $x$ the optimal critic picks the tangent that touches $f$ at $u = p(x)/q(x)$.
# `div.optimal_logit(p, q)` returns the raw $v^*$ with $g_f(v^*) = T^*$; any other critic gives less.

# %%
for name, div in divergences.DIVERGENCES.items():
    v_star = div.optimal_logit(p, q)
    tight = check(f"{name}: bound at v* = D_f", div.weighted_bound(v_star, p, q), exact[name], rtol=1e-8, atol=1e-10)
    below = div.weighted_bound(v_star + 0.3 * torch.randn(K, dtype=v_star.dtype), p, q) <= exact[name]
    assert tight and below, name          # guaranteed by Theorem 1 and Fenchel's inequality

# %% [markdown]
# ## 5. Training a critic from samples
#
# Now forget $p$ and $q$ and train a critic the way a GAN does: each step draws a batch $x_{1..B}\sim P$ and
# $\tilde x_{1..B}\sim Q$ and takes an Adam step **up** the Monte Carlo bound
#
# $$\widehat{\mathcal{B}}(v) = \frac1B\sum_b g_f\big(v(x_b)\big) - \frac1B\sum_b f^*\big(g_f(v(\tilde x_b))\big).$$
#
# The critic here is a free table of $K$ logits, one per support point, so nothing limits it but noise; the
# learning rate decays (cosine) so the last steps average the noise out. Because we *do* know $p$ and $q$, we
# also record the same critic's bound with exact expectations (blue) and the true $D_f$ (dashed). The blue
# curve can never cross the dashed line: that is the inequality of §3. The grey batch estimates wiggle
# *together* across panels because every divergence sees the same seeded batches: their noise comes from
# the samples, not from the divergence.

# %%
results = {name: cached(fit_bound)(p, q, name, steps=STEPS, batch_size=BATCH, seed=SEED, progress=not FAST)
           for name in divergences.names()}
fig, _ = plot_bound_results(list(results.values()))
fig

# %%
for name, res in results.items():     # Fenchel: no critic beats the divergence
    assert res.stopped is None and res.final_bound <= res.exact + 1e-12, name
    close = abs(res.final_bound - res.exact) <= 0.02 * abs(res.exact) + 2e-3
    print(f"{name:18s} gap {res.exact - res.final_bound:.2e}  {'ok' if close else 'not converged yet (more STEPS?)'}")

# %% [markdown]
# ### The bound is only as good as the critic family
#
# The table critic can represent $v^*$ exactly. A real critic is a network that shares parameters between
# points. A tiny MLP on the position still gets close; a **linear** critic $v(x) = a x + b$ (logistic
# regression, in the GAN case) cannot express "data on both sides, model in the middle", and its best bound
# stays clearly below $D_f$. A loose bound *underestimates* the divergence, and the weights it implies are wrong
# (notebook 02).

# %%
capacity = [results["gan"]] + [cached(fit_bound)(p, q, "gan", steps=STEPS, lr=lr, batch_size=BATCH, seed=SEED,
                                                 critic=kind, progress=not FAST)
                                for kind, lr in (("mlp", 0.02), ("linear", 0.05))]
fig, _ = plot_bound_results(capacity, key="capacity", ncols=3)
for res in capacity:
    print(f"{res.config['critic']:7s} critic: bound {res.final_bound: .4f}  vs  D_GAN {res.exact: .4f}")
fig

# %% [markdown]
# The final table (table critic, every divergence): the exact value, the trained critic's bound, and the noisy batch estimate a real GAN
# critic would report (averaged over the last 20% of steps). Divergences with heavy-tailed conjugates
# (Neyman, Pearson, KL) give noisier batch estimates: $f^*$ grows fast where the critic is confident.

# %%
Markdown(results_table(results.values()))

# %% [markdown]
# ## Your turn
#
# Take the two-point example of `docs/math.md` §9.6: $P=(0.5, 0.5)$, $Q=(0.8, 0.2)$. For the GAN divergence,
# $T = \log\sigma(v)$ and $f'(u) = \log\frac{u}{1+u}$, so the optimal raw output is $v^* = \log(p/q)$.
# Write $v^*$ yourself; the bound at your $v^*$ should equal $2\,\mathrm{JSD}-\log 4 = -1.284951$.

# %%
P2 = torch.tensor([0.5, 0.5], dtype=torch.float64)
Q2 = torch.tensor([0.8, 0.2], dtype=torch.float64)
gan = divergences.get("gan")

my_v_star = torch.log(P2 / Q2)                 # edit me
check("v* (GAN)", my_v_star, gan.optimal_logit(P2, Q2))
check("bound at your v*", gan.weighted_bound(my_v_star, P2, Q2), torch.tensor(-1.284951), atol=1e-6);
