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
# # 05 · Continuous BGAN: seeking the decision boundary
#
# For continuous data the generator is trained with the **boundary-seeking** objective
# (Hjelm et al. 2018, the paper's continuous objective; `docs/math.md` §6.2):
#
# $$\mathcal L_G = \tfrac12\,\mathbb E_{z}\big[(\log w(G(z)))^2\big],\qquad
# \text{GAN case: } \log w = \log D - \log(1-D) = V \;\Rightarrow\; \mathcal L_G = \tfrac12 V^2 .$$
#
# $w(x) = p(x)/q_\theta(x)$ at the optimal critic, so the loss is zero exactly where the critic cannot tell
# data from model ($w = 1$, $D = \tfrac12$): the **decision boundary**. In this notebook:
#
# 1. the paper's 1-D example, with numbers you can check;
# 2. why the generator should *not* simply minimise the critic's lower bound;
# 3. why the loss must be computed from the logit $V$, never through $\sigma(V)$;
# 4. **the lab**: train a 2-D GAN step by step and watch samples seek the boundary;
# 5. a stability study: BGAN vs the non-saturating and minimax losses across seeds;
# 6. continuous 8×8 digits.

# %% tags=["parameters"]
from bgan_teach import config
FAST = config.fast()                      # BGAN_FAST=1: the short CI version
STEPS_DEMO = 150 if FAST else 1500        # side-by-side snapshots of BGAN and non-saturating
NOISE_STEPS = 100 if FAST else 3000      # Gaussian-only vs component-code generator
LAB_STEPS = 20 if FAST else 200           # steps the lab runs by itself before you take over
STUDY_SEEDS = (0, 1) if FAST else (0, 1, 2)
STUDY_STEPS = 60 if FAST else 1000
DIGIT_STEPS = 100 if FAST else 2000

# %%
from bgan_teach.plotting import setup_backend
setup_backend()
import torch
torch.set_num_threads(1)                  # tiny networks: one thread is as fast and plays well with others
import numpy as np
from bgan_teach import losses
from bgan_teach.cache import cached
from bgan_teach.selfcheck import check
from bgan_teach.plotting import figure, BoundaryDisplay, image_grid
from bgan_teach.plotting.boundary import boundary_grid
from bgan_teach.plotting.continuous import plot_fixed_critic, plot_loss_gradients_1d, plot_mode_study
from bgan_teach.training import train_continuous
from bgan_teach.training.fixed_critic import generator_loss_gradient, optimise_q_on_grid
from bgan_teach.data import ring, gaussian_grid, digits_continuous
from bgan_teach.metrics import mode_report
from bgan_teach.training import compare_losses, summarize

# %% [markdown]
# ## 1. The 1-D example: a fixed logistic critic
#
# The paper's first figure fixes the critic to a logistic regression with coefficient 0.8:
# $D(x) = \sigma(0.8x)$, so $V(x) = 0.8x$ and the boundary is $x = 0$ (data on the right, $D > \tfrac12$).
# Differentiate each generator loss with respect to a sample's position $x$ (`docs/math.md` §6.4-6.5):
#
# | loss | $\ell(x)$ | $\partial\ell/\partial x$ | at $x=-2,\,0,\,2$ |
# |---|---|---|---|
# | BGAN | $\tfrac12(0.8x)^2$ | $0.64\,x$ | $-1.28,\ 0,\ 1.28$ |
# | non-saturating | $\mathrm{softplus}(-0.8x) = -\log D$ | $-0.8\,\sigma(-0.8x)$ | $-0.6656,\ -0.4,\ -0.1344$ |
#
# Gradient descent moves a sample along $-\partial\ell/\partial x$. BGAN's gradient is zero **only** at the
# boundary and points back to it from both sides; the non-saturating gradient is negative everywhere, so it
# keeps pushing samples to $+\infty$, *past* the real data.

# %%
critic_1d = lambda x: 0.8 * x[:, 0]                                  # V(x) = 0.8 x
xs = torch.linspace(-5, 5, 201, dtype=torch.float64)[:, None]        # (201, 1)
grads = {name: generator_loss_gradient(critic_1d, xs, "gan", name)[:, 0]
         for name in ("boundary_seeking", "non_saturating")}
fig, ax = figure("nb05_1d", figsize=(8, 3), layout="constrained")
plot_loss_gradients_1d(ax, xs, grads); fig

# %%
at = torch.tensor([[-2.0], [0.0], [2.0]], dtype=torch.float64)
check("BGAN dl/dx at -2, 0, 2", generator_loss_gradient(critic_1d, at, "gan", "boundary_seeking")[:, 0],
      [-1.28, 0.0, 1.28])
check("non-saturating dl/dx at -2, 0, 2", generator_loss_gradient(critic_1d, at, "gan", "non_saturating")[:, 0],
      [-0.6656, -0.4, -0.1344], atol=1e-4)
assert (grads["non_saturating"] < 0).all() and (torch.sign(grads["boundary_seeking"]) == torch.sign(xs[:, 0])).all()

# %% [markdown]
# ## 2. Why not simply minimise the critic's bound?
#
# The critic maximises $\mathbb E_P[g_f(V)] - \mathbb E_Q[f^*(g_f(V))]$. The "minimax" generator minimises
# the same bound. For a **fixed** critic that objective is linear in $Q$, so its minimum is a point mass on
# the critic's maximum (`docs/math.md` §6.1): all samples collapse onto the single most "real-looking" point,
# and the bound can get looser without the generator getting better. Below, $Q$ is a free distribution on a
# grid (softmax of free logits) and the critic is a fixed bumpy function; we run Adam on each loss.
# The boundary-seeking loss, by contrast, sends mass to the set $w = 1$ — where, for an optimal critic,
# the model already matches the data — rather than to one extreme point.

# %%
grid_x = torch.linspace(-4, 4, 161, dtype=torch.float64)
v_fixed = 2.0 * torch.exp(-(grid_x - 1.5) ** 2) + 1.2 * torch.exp(-(grid_x + 2) ** 2 / 0.5) - 1.0   # (161,)
q_path = {name: optimise_q_on_grid(v_fixed, name, steps=300) for name in ("minimax", "boundary_seeking")}
fig, axes = figure("nb05_collapse", ncols=len(q_path), figsize=(9.8, 3.8), layout="constrained")
plot_fixed_critic(axes, grid_x, v_fixed, {name: path[-1] for name, path in q_path.items()}, steps=300)
fig

# %%
q_final = q_path["minimax"][-1]
check("minimax: Q's mode is argmax V", float(grid_x[q_final.argmax()]), float(grid_x[v_fixed.argmax()]))
check("minimax: mass within 0.1 of argmax", float(q_final[(grid_x - grid_x[v_fixed.argmax()]).abs() <= 0.1].sum()) > 0.9, True)
check("BGAN: |V| under Q is small", float((q_path["boundary_seeking"][-1] * v_fixed.abs()).sum()) < 0.1, True)

# %% [markdown]
# ## 3. Numerics: always work with the logit
#
# Public BGAN code computes $\log D - \log(1 - D)$ from $D = \sigma(V)$. In float32, $\sigma(17)$ rounds to
# exactly 1, so $\log(1 - D) = -\infty$ and the loss is `inf` (the "G_loss is inf" reports); already at
# $V = 15$ the sigmoid route gives 110.17 instead of $\tfrac12 15^2 = 112.5$ (`docs/math.md` §8.1, §9.15).
# `bgan_teach.losses.boundary_seeking_loss` uses $\log w = V$ directly.

# %%
v = torch.tensor([5.0, 15.0, 17.0, 1e4])                                      # float32
d = torch.sigmoid(v)
sigmoid_route = 0.5 * (torch.log(d) - torch.log1p(-d)) ** 2
logit_route = torch.stack([losses.boundary_seeking_loss("gan", vi[None]) for vi in v])
for row in zip(v.tolist(), d.tolist(), sigmoid_route.tolist(), logit_route.tolist()):
    print("V = {:>8g}   D = {:.9f}   sigmoid route {:>12.6g}   logit route {:>12.6g}".format(*row))

# %%
check("sigma(17) == 1 in float32", float(torch.sigmoid(torch.tensor(17.0))), 1.0)
check("sigmoid route at V = 15", float(sigmoid_route[1]), 110.17, atol=0.01)
check("logit route at V = 15", float(logit_route[1]), 112.5)
assert torch.isfinite(logit_route).all()

# %% [markdown]
# ## 4. BGAN in 2-D: samples seek the boundary
#
# Eight Gaussians on a ring (radius 2, $\sigma = 0.05$). The heatmap is the critic's $D(x)$ (red: "real"),
# the black line the decision boundary $w = 1$, arrows show $-\nabla_x \ell_G$ on generated points
# (where the generator loss moves them), grey lines the generator manifold (a small square grid of noise pushed
# through $G$ for 16 of the generator's components; see the next subsection). Same seed, same settings; only the generator loss differs. BGAN's arrows shrink to zero on
# the boundary; the non-saturating arrows keep pointing past it.

# %%
target = ring()
display_ = BoundaryDisplay(target.extent(), n_grid=60, n_arrows=48, arrow_length=0.6)
runs = {name: cached(train_continuous)(target, generator_loss=name, steps=STEPS_DEMO, seed=0, progress=False,
                                       snapshot_every=max(1, STEPS_DEMO // 3), snapshot_fn=display_.view.state)
        for name in ("boundary_seeking", "non_saturating")}
fig, axes = figure("nb05_side_by_side", nrows=2, ncols=4, figsize=(9.8, 6.6), layout="constrained")
x_real = target.sample(400, 1)
boundary_grid(axes, {name: [s.extras for s in res.snapshots] for name, res in runs.items()}, target.extent(), x_real,
              n_grid=60, n_arrows=48)
fig

# %%
for name, res in runs.items():
    print(name, {k: round(v, 3) for k, v in mode_report(res.generator.sample(2000, 1), target).items()})
assert all(res.stopped is None for res in runs.values()), "training stopped on a NaN"

# %% [markdown]
# ### Why the generator first draws a component
#
# A continuous $G$ maps a **connected** noise space ($\mathbb R^{d_z}$) onto a connected set: the image of a
# connected set under a continuous map is connected. The ring's 8 modes are not connected (neighbours are
# 1.53 apart, 30 σ). So a generator fed only Gaussian noise must keep a thin **bridge** of samples between
# neighbouring modes; to get 80 % of its samples within $3\sigma$ of a mode it must become very steep between
# them, and while the bridges thin, BGAN pulls their samples to whichever boundary is nearest, so whole modes
# empty out. With Gaussian noise only, no setting we tried (learning rates, critic steps, batch sizes, noise
# dimensions, gradient penalty, spectral norm, the log-Z variant, a critic warm-up) reached 8/8 modes with
# ≥ 80 % high-quality samples on every seed: typically 4-7 modes and 56-76 % high quality after 3000-5000 steps.
#
# The trainer's default generator therefore draws a **component** $c \sim \mathrm{Uniform}\{1,\dots,K\}$ with
# $K = 128$ and feeds $z = [\varepsilon, e_c]$ ($\varepsilon \sim \mathcal N(0, I_2)$, $e_c$ one-hot) to the MLP:
# a mixture-of-Gaussians latent (DeLiGAN, Gurumurthy et al. 2017; Khayatkhoei et al. 2018 on disconnected
# manifolds). Each component settles on one mode and no bridge is needed. The components start spread like
# the data (90 % of its variance), so every mode has components near it from step 0. This is **not in the
# paper**, whose toys use 256-d Gaussian noise; `components=0` gives that generator back. $K$ need not match
# the number of modes: 128 components share 8 modes (or 25 on the grid). Below: BGAN with both generators,
# everything else equal.

# %%
by_noise = {k: cached(train_continuous)(target, steps=NOISE_STEPS, seed=0, components=k, progress=not FAST,
                                        snapshot_every=NOISE_STEPS, snapshot_fn=display_.view.state) for k in (0, 128)}
reports = {k: mode_report(res.generator.sample(2000, 1), target) for k, res in by_noise.items()}
fig, axes = figure("nb05_noise", ncols=2, figsize=(9.4, 5.6), layout="constrained")
boundary_grid(axes, {f"{k} components" if k else "Gaussian only (paper)": res.snapshots[-1].extras
                     for k, res in by_noise.items()}, target.extent(), x_real, n_grid=60, n_arrows=48)
for ax, k in zip(axes, by_noise):
    ax.set_xlabel(f"modes {reports[k]['modes_covered']}/8, high quality {100 * reports[k]['high_quality']:.0f}%")
fig

# %%
for k, rep in reports.items():
    print(f"components={k:<4d} modes {rep['modes_covered']}/8, high quality {100 * rep['high_quality']:.0f}%")
assert all(res.stopped is None for res in by_noise.values())
if not FAST:                                   # the full run: the ring bar (8/8 modes, >= 80 % high quality), seed 0
    check("128 components: all 8 modes covered", reports[128]["modes_covered"], 8)
    check("128 components: >= 80 % high quality", reports[128]["high_quality"] >= 0.8, True)

# %% [markdown]
# ### The lab
#
# One call opens the lab. **Dropdowns**: target (ring, 5×5 grid, spiral), divergence (the f-GAN table),
# generator loss, generator noise (128 components, 16 components, or Gaussian only as in the paper).
# **Sliders**: learning rates, critic steps per generator step, batch size (they change
# training *without* a reset). **Buttons**: *train critic one step* (watch the boundary move while the
# points stay), *train generator one step* (points slide along the arrows), *play/pause* (trains
# "steps per tick" steps per tick), *reset* (same seed, same start). The **history** slider scrubs every
# recorded step. Readouts: losses, mean critic outputs, modes covered (a mode counts when ≥ 1 % of samples
# are within $3\sigma$ of it) and the fraction of high-quality samples (within $3\sigma$ of a mode).
#
# Things to try: (a) switch the generator loss mid-training from `non_saturating` to `boundary_seeking` and
# watch the arrows turn around at the boundary; (b) press *train critic one step* ten times: the boundary
# wraps the generated points, then one generator step pulls them to it; (c) raise the generator learning
# rate to 1e-2 and see the points overshoot; (d) pick "Gaussian only (paper)" as the generator
# noise, press play and watch the bridges of orange points between modes, and modes emptying as they thin.

# %%
from bgan_teach.widgets import boundary_lab
lab = boundary_lab(target="ring", generator_loss="boundary_seeking", seed=0)
lab.train(LAB_STEPS)
lab

# %%
check("lab trained LAB_STEPS steps", lab.gan.steps, LAB_STEPS)
check("history slider at the last snapshot", lab.controls["history"].value, len(lab.gan.snapshots) - 1)

# %% [markdown]
# Train on **your own 2-D points**. Click them: in the picker below a left click adds a point, a right click
# removes the nearest one, the slider sets the kernel width $\sigma$, and the heatmap is the density the GAN
# will learn, the kernel density $p(x) = \frac1N\sum_i \mathcal N(x; x_i, \sigma^2 I)$ (each point also counts
# as a mode for the metrics). *Open the lab on these points* opens a second lab on them, below the picker.
# With static figures (`BGAN_STATIC=1`) add points with `picker.add(x, y)`.
#
# Or from code, with any `(N, 2)` array:
#
# ```python
# from bgan_teach.data import from_points
# mine = from_points(my_array, sigma=0.1, modes=None, name="mine")
# res = train_continuous(mine, steps=2000)            # or: train_continuous(torch.tensor(my_array).float())
# boundary_lab(target=mine)                           # "mine" joins the target dropdown
# ```

# %%
from bgan_teach.widgets import point_picker
picker = point_picker()                   # starts from a smiley: click to change it
picker.add(0.0, 0.1)                      # a nose: the same as a left click at (0, 0.1)
picker

# %%
mine = picker.target()
check("one mode per picked point", len(mine.modes), len(picker))
check("the target's kernel width is the slider's", mine.sigma, picker.controls["sigma"].value)


# %% [markdown]
# ## 5. Stability study: BGAN vs non-saturating vs minimax
#
# Same architecture, optimiser, learning rates and seeds for every loss (equal tuning); we count modes
# covered and the high-quality fraction on the ring of 8 and the 5×5 grid ($\sigma = 0.1$). The two cells below
# rerun a small version (3 seeds, 1000 steps, about a minute each). At 1000 steps BGAN is still
# catching up: we saw 7-8 of 8 ring modes and about 21 of 25 grid modes, against 8 and 25 for the
# non-saturating loss; `benchmarks/continuous.py --study` runs the full study (5 seeds, 3000 steps) and
# prints the table quoted here. Rerun with more `STUDY_SEEDS`/`STUDY_STEPS` to see the spread yourself.
#
# **What we measured** with the trainer's defaults (generator lr 1e-4, critic lr 1e-3, batch 256, the
# 128-component generator), seeds 0-4, 3000 steps, one thread on a 2-core machine:
#
# | target | BGAN | non-saturating | minimax |
# |---|---|---|---|
# | ring of 8: modes covered | 8, 8, 8, 8, 8 | 8, 8, 8, 8, 8 | 8, 8, 8, 8, 8 |
# | ring of 8: high-quality fraction | 98-100 % | 97-100 % | 76-85 % |
# | 5×5 grid: modes covered | 25, 24, 22, 23, 25 | 25 (all seeds) | 25 (all seeds) |
# | 5×5 grid: high-quality fraction | 93-99 % | 97-98 % | 95-99 % |
#
# BGAN keeps filling the grid's empty modes with more steps (seeds 0-4 at 8000 steps: 25, 25, 24, 24, 24),
# but under equal tuning it was **not** better than the non-saturating loss on these toys: on the ring the two
# are level, on the grid the non-saturating loss covers every mode sooner. The reason is visible in §1:
# BGAN's pull is local and stops at the boundary, so a mode with no samples near it exerts no pull until the
# critic's boundary reaches them, while the non-saturating loss keeps pushing samples up the critic towards
# unmatched data. Minimax covers the modes but leaves the most samples off them on the ring.
#
# With the paper's Gaussian-only generator (`components=0`, otherwise the same defaults; 1000 steps, seeds
# 0-4) the picture was different, and worse for all losses: all 8 ring modes in 3/5 runs for BGAN and for the
# non-saturating loss, 0/5 for minimax, with 23-37 % high-quality samples; on the grid 14.3, 18.0 and 19.0 of
# 25 modes on average (seeds 0-2). The generator's noise mattered more than the loss.

# %%
def report(rows):                              # one line per loss: the summary of the study's rows
    for loss, s in summarize(rows).items():
        print(f"  {loss:<18s} modes covered mean {s['mean_modes']:.1f} (min {s['min_modes']}), "
              f"all modes in {s['all_modes']}/{s['runs']} runs, high quality {100 * s['mean_high_quality']:.0f}%")

study = {"ring": cached(compare_losses)(ring(), seeds=STUDY_SEEDS, steps=STUDY_STEPS, progress=not FAST)}
report(study["ring"])

# %%
study["grid"] = cached(compare_losses)(gaussian_grid(), seeds=STUDY_SEEDS, steps=STUDY_STEPS, progress=not FAST)
report(study["grid"])

# %%
fig, axes = figure("nb05_study", ncols=2, figsize=(9.8, 3.4), layout="constrained")
plot_mode_study(axes, study)
fig

# %%
rows = study["ring"]
check("one run per loss and seed", len(rows), 3 * len(STUDY_SEEDS))
assert all(0 <= r["modes_covered"] <= r["n_modes"] and 0 <= r["high_quality"] <= 1 for r in rows)

# %% [markdown]
# ## 6. Continuous 8×8 digits
#
# The same trainer takes any FloatTensor `(N, d)`: here scikit-learn's 1797 digits scaled to $[-1, 1]$
# (`d = 64`). The generator samples the same fixed noise at every snapshot, so each row below follows the
# same 16 noise vectors through training.

# %%
digits = digits_continuous()                                         # (1797, 64)
res_digits = cached(train_continuous)(digits, steps=DIGIT_STEPS, seed=0, noise_dim=16, hidden=256, batch_size=128,
                                      critic_steps=1, lr=2e-4, critic_lr=2e-4, critic_warmup=0,
                                      snapshot_every=max(1, DIGIT_STEPS // 4), progress=not FAST)
snaps = res_digits.snapshots
fig, ax = figure("nb05_digits", figsize=(7, 1.9 * len(snaps)))
rows_img = np.concatenate([image_grid(s.extras["x_fake"][:16], ncol=16) for s in snaps])
ax.imshow(rows_img, cmap="gray_r", vmin=-1, vmax=1)
ax.set(xticks=[], yticks=[], ylabel="steps " + ", ".join(str(s.step) for s in snaps)); fig

# %%
check("digit samples have 64 pixels", res_digits.generator.sample(4).shape[1], 64)
assert res_digits.stopped is None and torch.isfinite(res_digits.generator.sample(100)).all()

# %% [markdown]
# ## Summary
#
# * BGAN's generator loss $\tfrac12(\log w)^2$ vanishes on the decision boundary and pulls samples back
#   to it from both sides; the non-saturating loss pushes them past it (§1, and the arrows in §4).
# * Minimising the critic's bound itself collapses a free $Q$ onto the critic's maximum (§2).
# * Compute everything from the logit $V$ (§3).
# * A continuous generator on connected noise must bridge separated modes; a component code removes the
#   bridges, and with it BGAN covers all 8 ring modes with ≥ 80 % high-quality samples on every seed we ran (§4).
# * How the losses compare is an empirical question: in our measurements (§5) BGAN matched the
#   non-saturating loss on the ring and was slower to cover every mode of the grid; both beat minimax
#   on sample quality on the ring.
