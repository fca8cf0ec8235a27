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

The display only draws: a *state* (a plain dict of arrays) comes from
:class:`~bgan_teach.training.views.BoundaryView`, which the trainer calls at every snapshot
(``snapshot_fn=view.state``), so a history slider only mutates artists (no network evaluation while
scrubbing) and nothing here reaches back into the trainer.
"""
from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection

from .._checks import ArgumentTypeError, integer, positive_int
from ..training.views import RESPONSES, BoundaryView

__all__ = ["BoundaryDisplay", "RESPONSES", "image_grid"]


class BoundaryDisplay:
    """Critic heatmap, w = 1 boundary, points, gradient arrows and manifold on a fixed square ``extent``."""

    def __init__(self, extent, n_grid: int = 60, response: str = "D", n_arrows: int = 64,
                 n_manifold: int = 11, arrow_length: float = 0.5):
        self.view = BoundaryView(extent, n_grid, response, n_arrows, n_manifold, arrow_length)
        self.extent, self.response, self.n_arrows = self.view.extent, self.view.response, n_arrows
        self.ax_ = self.figure_ = None

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
        self.image_ = ax.imshow(np.full(self.view.xx.shape, (vmin + vmax) / 2), extent=self.extent, origin="lower",
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

    def set_extent(self, extent) -> None:
        """Draw on another square ``extent`` (a new grid for the states; the artists are kept)."""
        if tuple(float(e) for e in extent) == self.extent:
            return
        v = self.view
        self.view = BoundaryView(extent, v.n_grid, v.response, v.n_arrows, v.n_manifold, v.arrow_length)
        self.extent = self.view.extent
        if self.ax_ is not None:
            self.image_.set_extent(self.extent)
            self.ax_.set(xlim=self.extent[:2], ylim=self.extent[2:])

    def update(self, state: dict, draw: bool = True) -> None:
        """Mutate every artist from ``state`` (a ``BoundaryView.state`` dict or a snapshot's extras)."""
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
    ncol, pad = positive_int(ncol, "ncol"), integer(pad, "pad", minimum=0)
    if not isinstance(shape, (tuple, list)) or len(shape) != 2:
        raise ValueError(f"shape must be (h, w); got {shape!r}")
    shape = (positive_int(shape[0], "shape[0]"), positive_int(shape[1], "shape[1]"))
    try:
        x = np.asarray(x, dtype=float)
    except (TypeError, ValueError) as err:
        raise ArgumentTypeError(f"x must be an array of numbers; got {type(x).__name__}") from err
    if x.size % (shape[0] * shape[1]):
        raise ValueError(f"x must hold images of {shape[0]}x{shape[1]} = {shape[0] * shape[1]} values; got shape {x.shape}")
    x = x.reshape(-1, *shape)
    n, (h, w) = len(x), shape
    rows = -(-n // ncol)
    out = np.full((rows * (h + pad) + pad, ncol * (w + pad) + pad), -1.0)
    for i, img in enumerate(x):
        r, c = divmod(i, ncol)
        out[pad + r * (h + pad): pad + r * (h + pad) + h, pad + c * (w + pad): pad + c * (w + pad) + w] = img
    return out
