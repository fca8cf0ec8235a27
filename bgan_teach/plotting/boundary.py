r"""``BoundaryDisplay``: the critic's view of a 2-D GAN, drawn once and updated in place.

After scikit-learn's ``DecisionBoundaryDisplay`` (grid computed once; ``.plot(ax)`` returns ``self``) and
GAN Lab's layers. Artists, all mutated in place by :meth:`BoundaryDisplay.update`:

- ``image_``: the critic heatmap, $D = \sigma(V)$ on $[0, 1]$ or $\log w$ on $[-5, 5]$ (fixed colour range);
- ``boundary_``: the decision boundary $w = 1$ ($\log w = 0$; $D = \tfrac12$ for GAN), a ``LineCollection``;
- ``real_``, ``fake_``: data and generated points (``set_offsets``);
- ``arrows_``: $-\nabla_x \ell_G$ on generated points, the direction the generator loss moves each sample
  (``set_offsets`` + ``set_UVC``); BGAN's arrows point to the boundary (`docs/math.md` §6.4), the
  non-saturating loss's arrows past it;
- ``manifold_``: the generator manifold, a square grid of noise (first two noise coordinates, the rest 0)
  pushed through $G$, one small grid per shown component when $G$ has a component code (``set_segments``).

:meth:`compute` turns a :class:`~bgan_teach.training.continuous.ContinuousGAN` into a plain dict of
arrays (a *state*); pass it to the trainer as ``views=display.compute`` so snapshots store states and a
history slider only mutates artists (no network evaluation while scrubbing).
"""
from __future__ import annotations

import contourpy
import numpy as np
import torch
from matplotlib.collections import LineCollection

__all__ = ["BoundaryDisplay", "RESPONSES", "image_grid"]

RESPONSES = {"D": (0.0, 1.0, r"$D(x)=\sigma(V)$"), "log_w": (-5.0, 5.0, r"$\log w(x)$ (clipped)")}


def _device(module) -> torch.device:
    """Where a module's parameters live (CPU for a parameter-free function)."""
    params = getattr(module, "parameters", None)
    first = next(iter(params()), None) if callable(params) else None
    return first.device if first is not None else torch.device("cpu")


class BoundaryDisplay:
    """Critic heatmap, w = 1 boundary, points, gradient arrows and manifold on a fixed square ``extent``."""

    def __init__(self, extent, n_grid: int = 60, response: str = "D", n_arrows: int = 64,
                 n_manifold: int = 11, arrow_length: float = 0.5):
        if response not in RESPONSES:
            raise ValueError(f"response must be one of {list(RESPONSES)}; got {response!r}")
        if len(extent) != 4 or not (extent[0] < extent[1] and extent[2] < extent[3]):
            raise ValueError(f"extent must be (xmin, xmax, ymin, ymax) with min < max; got {extent!r}")
        if isinstance(n_grid, bool) or not isinstance(n_grid, int) or n_grid < 2:
            raise ValueError(f"n_grid must be an integer >= 2; got {n_grid!r}")
        self.extent, self.n_grid, self.response = tuple(float(e) for e in extent), n_grid, response
        self.n_arrows, self.n_manifold, self.arrow_length = n_arrows, n_manifold, arrow_length
        xs = np.linspace(self.extent[0], self.extent[1], n_grid)
        ys = np.linspace(self.extent[2], self.extent[3], n_grid)
        self.xx, self.yy = np.meshgrid(xs, ys)                                   # (G, G) each, row = y
        self.grid_points = torch.from_numpy(np.stack([self.xx.ravel(), self.yy.ravel()], 1)).float()
        self.ax_ = self.figure_ = None

    # --- compute: network → plain arrays ------------------------------------------------------
    @torch.no_grad()
    def critic_grid(self, critic, divergence) -> tuple[np.ndarray, np.ndarray]:
        """(log w, response) on the grid, each (G, G). D = σ(V) is only drawn, never logged."""
        v = critic(self.grid_points.to(_device(critic))).cpu().view(self.n_grid, self.n_grid)   # (G, G)
        log_w = divergence.log_weight(v).double().numpy()
        if self.response == "D":
            return log_w, torch.sigmoid(v).double().numpy()
        return log_w, np.clip(log_w, *RESPONSES["log_w"][:2])

    def boundary_segments(self, log_w: np.ndarray) -> list[np.ndarray]:
        """Polylines of the level set log w = 0 (w = 1) on the grid, each (P, 2)."""
        gen = contourpy.contour_generator(self.xx, self.yy, log_w, line_type="Separate")
        return [seg for seg in gen.lines(0.0) if len(seg) > 1]

    @torch.no_grad()
    def manifold_lines(self, generator) -> np.ndarray:
        """G applied to a square noise grid in the first two noise coordinates: (2L, P, 2) polylines.

        With a component code (``generator.components = K > 0``) each component has its own patch of
        the manifold: a smaller grid (5 lines of 11 points each way) for up to 16 evenly chosen components.
        """
        k = getattr(generator, "components", 0)
        n_lines, n_points, half = (self.n_manifold, 41, 2.5) if not k else (5, 11, 2.0)
        t, s = torch.linspace(-half, half, n_lines), torch.linspace(-half, half, n_points)
        a, b = torch.meshgrid(t, s, indexing="ij")                            # (L, P)
        eps = torch.zeros(2, n_lines, n_points, generator.noise_dim)
        eps[0, ..., 0], eps[0, ..., 1] = a, b
        if generator.noise_dim > 1:
            eps[1, ..., 0], eps[1, ..., 1] = b, a
        eps = eps.view(-1, generator.noise_dim)                                 # (2·L·P, d_z)
        dev = _device(generator)
        if not k:
            return generator(eps.to(dev)).cpu().view(2 * n_lines, n_points, -1)[..., :2].numpy()
        shown = torch.linspace(0, k - 1, min(k, 16)).round().long()            # (C,)
        comp = shown.repeat_interleave(len(eps))                               # (C·2·L·P,)
        z = generator.inputs(eps.repeat(len(shown), 1), comp).to(dev)
        return generator(z).cpu().view(len(shown) * 2 * n_lines, n_points, -1)[..., :2].numpy()

    def arrows(self, gan, x_fake: torch.Tensor) -> np.ndarray:
        r"""$-\nabla_x\ell_G$ at the first ``n_arrows`` points, scaled so the longest has ``arrow_length``."""
        g = -gan.loss_gradient(x_fake[: self.n_arrows]).double().numpy()             # (A, 2)
        longest = np.linalg.norm(g, axis=1).max(initial=0.0)
        return g * (self.arrow_length / longest) if longest > 0 else g

    def compute(self, gan) -> dict:
        """The state of a ``ContinuousGAN`` as arrays: everything :meth:`update` draws."""
        x_fake = gan.sample()
        log_w, response = self.critic_grid(gan.critic, gan.divergence)
        return {"step": gan.steps, "response": response, "boundary": self.boundary_segments(log_w),
                "x_fake": x_fake.numpy(), "arrows": self.arrows(gan, x_fake),
                "manifold": self.manifold_lines(gan.generator)}

    # --- display: arrays → artists ---------------------------------------------------------
    def plot(self, ax=None, state: dict | None = None, x_real=None, title: str = "", legend: bool = True):
        """Create the artists on ``ax`` (a new figure if None); returns ``self``.

        ``legend=False`` saves ~a third of each redraw (text layout) for widgets that explain colours elsewhere.
        """
        if ax is None:
            import matplotlib.pyplot as plt

            _, ax = plt.subplots(figsize=(5, 5))
        self.ax_, self.figure_, self.title = ax, ax.figure, title
        vmin, vmax, label = RESPONSES[self.response]
        self.image_ = ax.imshow(np.full(self.xx.shape, (vmin + vmax) / 2), extent=self.extent, origin="lower",
                                vmin=vmin, vmax=vmax, cmap="RdBu_r", interpolation="nearest")
        self.manifold_ = ax.add_collection(LineCollection([], colors="0.35", linewidths=0.4, alpha=0.6))
        self.boundary_ = ax.add_collection(LineCollection([], colors="k", linewidths=1.6))
        empty = np.zeros((0, 2))
        self.real_ = ax.scatter(*empty.T, s=4, c="tab:blue", alpha=0.5, label="data")
        self.fake_ = ax.scatter(*empty.T, s=4, c="tab:orange", alpha=0.7, label="generated")
        self.arrows_ = ax.quiver(np.zeros(self.n_arrows), np.zeros(self.n_arrows), np.zeros(self.n_arrows),
                                 np.zeros(self.n_arrows), angles="xy", scale_units="xy", scale=1.0,
                                 width=0.004, color="k")
        ax.set(xlim=self.extent[:2], ylim=self.extent[2:], aspect="equal", xticks=[], yticks=[])
        if legend:
            ax.legend(loc="upper right", fontsize=7, markerscale=3)
        self.colorbar_label = label
        if x_real is not None:
            self.real_.set_offsets(np.asarray(x_real)[:, :2])
        if state is not None:
            self.update(state, draw=False)
        return self

    def update(self, state: dict, draw: bool = True) -> None:
        """Mutate every artist from ``state`` (a :meth:`compute` dict or a snapshot's extras)."""
        if self.ax_ is None:
            raise RuntimeError("call .plot(ax) before .update(state)")
        self.image_.set_data(state["response"])
        self.boundary_.set_segments(state["boundary"])
        x_fake = np.asarray(state["x_fake"])[:, :2]
        self.fake_.set_offsets(x_fake)
        arrows = state["arrows"]
        self.arrows_.set_offsets(x_fake[: len(arrows)])
        self.arrows_.set_UVC(arrows[:, 0], arrows[:, 1])
        self.manifold_.set_segments(list(state["manifold"]))
        self.ax_.set_title(f"{self.title} step {state['step']}".strip(), fontsize=9)
        if draw:
            self.figure_.canvas.draw_idle()


def image_grid(x, ncol: int = 8, shape: tuple[int, int] = (8, 8), pad: int = 1) -> np.ndarray:
    """Tile flattened images x (n, h·w) in [−1, 1] into one (rows·(h+pad), ncol·(w+pad)) array for imshow."""
    x = np.asarray(x, dtype=float).reshape(-1, *shape)
    n, (h, w) = len(x), shape
    rows = -(-n // ncol)
    out = np.full((rows * (h + pad) + pad, ncol * (w + pad) + pad), -1.0)
    for i, img in enumerate(x):
        r, c = divmod(i, ncol)
        out[pad + r * (h + pad): pad + r * (h + pad) + h, pad + c * (w + pad): pad + c * (w + pad) + w] = img
    return out
