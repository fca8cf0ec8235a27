r"""``BoundaryDisplay``: the critic's view of a 2-D GAN, drawn once and updated in place.

After scikit-learn's ``DecisionBoundaryDisplay`` (grid computed once; ``.plot(ax)`` returns ``self``) and
GAN Lab's layers. Artists, all mutated in place by :meth:`BoundaryDisplay.update`:

- ``image_``: the critic heatmap, $D = \sigma(V)$ on $[0, 1]$ or $\log w$ on $[-5, 5]$ (fixed colour range,
  :data:`~bgan_teach.plotting.style.CRITIC_CMAP`: pale blue where the critic judges "data", pale vermilion
  where it judges "generated"), with a labelled colorbar (``colorbar_``) drawn once;
- ``boundary_``: the decision boundary $w = 1$ ($\log w = 0$; $D = \tfrac12$ for GAN), a ``LineCollection``:
  where the critic judges $p = q$;
- ``real_``, ``fake_``: data and generated points (``set_offsets``), edged so they show on any colour;
- ``arrows_``: $-\nabla_x \ell_G$ on generated points, the direction the generator loss moves each sample
  (``set_offsets`` + ``set_UVC``), on one fixed length scale (:meth:`BoundaryView.arrow_vectors`); the
  title prints the largest $\|\nabla_x\ell_G\|$ of the frame. BGAN's arrows point to the boundary
  (`docs/math.md` §6.4), the non-saturating loss's arrows past it;
- ``manifold_``: the generator manifold, a square grid of noise (first two noise coordinates, the rest 0)
  pushed through $G$, one small grid per shown component when $G$ has a component code (``set_segments``);
- ``trails_``: sample trails, the paths of a few fixed-noise samples $G(z)$ through the recorded history,
  one segment per sample and step, fading into the past (:meth:`BoundaryDisplay.update_trails`, from
  positions the caller stacks out of the snapshots; ``set_segments`` + ``set_color``; empty when off).

The display only draws: a *state* (a plain dict of arrays) comes from
:class:`~bgan_teach.training.views.BoundaryView`, which the trainer calls at every snapshot
(``snapshot_fn=view.state``), so a history slider only mutates artists (no network evaluation while
scrubbing) and nothing here reaches back into the trainer.
"""
from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba
from matplotlib.lines import Line2D
from matplotlib.ticker import FormatStrFormatter

from .._checks import ArgumentTypeError, integer, positive_int
from ..training.views import RESPONSES, BoundaryView
from . import style

__all__ = ["BoundaryDisplay", "RESPONSES", "boundary_grid", "image_grid", "shared_colorbar", "trail_segments"]

TRAIL_ALPHA = (0.06, 0.85)        # opacity of a trail's oldest and newest segment


def trail_segments(paths, alpha=TRAIL_ALPHA) -> tuple[np.ndarray, np.ndarray]:
    r"""Segments and opacities of fading trails through ``paths`` (T, N, 2): N samples at T times, oldest first.

    Segment $(t, n)$ joins sample $n$ at times $t$ and $t+1$ ($t = 0, \dots, T-2$); returns segments
    (S, 2, 2) with $S = (T-1)N$, time-major, and opacities (S,) rising linearly in $t$ from ``alpha[0]``
    (the oldest step) to ``alpha[1]`` (the newest), so a trail fades into the past.
    """
    paths = np.asarray(paths, dtype=float)
    if paths.ndim != 3 or paths.shape[2] != 2:
        raise ValueError(f"paths must have shape (T, N, 2); got {paths.shape}")
    steps, n = paths.shape[:2]
    if steps < 2:
        return np.zeros((0, 2, 2)), np.zeros(0)
    segments = np.stack([paths[:-1], paths[1:]], axis=2)                      # (T-1, N, 2, 2)
    age = np.arange(steps - 1) / max(steps - 2, 1)                             # (T-1,): 0 oldest, 1 newest
    opacity = alpha[0] + (alpha[1] - alpha[0]) * age
    return segments.reshape(-1, 2, 2), np.repeat(opacity, n)


class BoundaryDisplay:
    """Critic heatmap, w = 1 boundary, points, gradient arrows and manifold on a fixed square ``extent``."""

    def __init__(self, extent, n_grid: int = 60, response: str = "D", n_arrows: int = 64,
                 n_manifold: int = 11, arrow_length: float = 0.5, arrow_scale: float = 1.0):
        self.view = BoundaryView(extent, n_grid, response, n_arrows, n_manifold, arrow_length, arrow_scale)
        self.extent, self.response, self.n_arrows = self.view.extent, self.view.response, n_arrows
        self.ax_ = self.figure_ = self.colorbar_ = None

    # --- display: arrays → artists ---------------------------------------------------------
    def plot(self, ax=None, state: dict | None = None, x_real=None, title: str = "", legend: bool = True,
             colorbar: bool = True, marker_size: float = 10):
        """Create the artists on ``ax`` (a new figure if None); returns ``self``.

        ``legend=False`` saves ~a third of each redraw (text layout) for widgets that explain colours elsewhere;
        ``colorbar=False`` for small multiples that share one colorbar (:func:`shared_colorbar`);
        ``marker_size``: the dots' area in pt² (smaller in small multiples, so the data stay visible).
        """
        if ax is None:
            import matplotlib.pyplot as plt

            _, ax = plt.subplots(figsize=(5, 5))
        self.ax_, self.figure_, self.title = ax, ax.figure, title
        vmin, vmax, _ = RESPONSES[self.response]
        self.image_ = ax.imshow(np.full(self.view.xx.shape, (vmin + vmax) / 2), extent=self.extent, origin="lower",
                                vmin=vmin, vmax=vmax, cmap=style.CRITIC_CMAP, interpolation="nearest")
        self.manifold_ = ax.add_collection(LineCollection([], colors="0.45", linewidths=0.5, alpha=0.55))
        self.trails_ = ax.add_collection(LineCollection([], linewidths=1.4, capstyle="round", zorder=2.6))
        self.boundary_ = ax.add_collection(LineCollection([], colors=style.BOUNDARY, linewidths=2.0))
        self.real_ = style.data_points(ax, s=1.6 * marker_size)                 # larger, under the generated dots
        self.fake_ = style.generated_points(ax, s=marker_size)
        zeros = np.zeros(self.n_arrows)
        self.arrows_ = ax.quiver(zeros, zeros, zeros, zeros, angles="xy", scale_units="xy", scale=1.0,
                                 width=0.007, headwidth=3.5, headlength=4.0, headaxislength=3.5, minlength=0.0,
                                 color=style.ARROW, edgecolor="white", linewidth=0.5, zorder=5)
        ax.set(xlim=self.extent[:2], ylim=self.extent[2:], aspect="equal", xticks=[], yticks=[])
        self.colorbar_label = self.response_label()
        if colorbar:             # three labelled ticks: each tick label costs layout time at every redraw
            self.colorbar_ = style.colorbar(self.image_, ax, self.colorbar_label, ticks=[vmin, (vmin + vmax) / 2, vmax])
        if legend:
            style.legend(ax, "below", handles=self.legend_handles(), ncol=2)
        if x_real is not None:
            self.real_.set_offsets(np.asarray(x_real)[:, :2])
        if state is not None:
            self.update(state, draw=False)
        return self

    def response_label(self) -> str:
        """The colorbar label: what the heatmap shows and what its colours mean."""
        if self.response == "D":
            return "critic $D(x) = \\sigma(V(x))$\nblue: judged data, orange: judged generated"
        return "critic $\\log w(x)$ (clipped to ±5)\nblue: $w > 1$ (judged data), orange: $w < 1$"

    def legend_handles(self) -> list:
        """Proxy artists naming every layer (points, boundary, arrows, manifold)."""
        return [self.real_, self.fake_,
                Line2D([], [], color=style.BOUNDARY, lw=2.0, label="$w = 1$: critic judges $p = q$"),
                Line2D([], [], color=style.ARROW, lw=0, marker=r"$\rightarrow$", ms=12,
                       label="$-\\nabla_x \\ell_G$ (one fixed scale)"),
                Line2D([], [], color="0.45", lw=0.8, label="generator manifold")]

    def set_extent(self, extent) -> None:
        """Draw on another square ``extent`` (a new grid for the states; the artists are kept)."""
        if tuple(float(e) for e in extent) == self.extent:
            return
        v = self.view
        self.view = BoundaryView(extent, v.n_grid, v.response, v.n_arrows, v.n_manifold, v.arrow_length,
                                 v.arrow_scale)
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
        arrows = np.zeros((self.n_arrows, 2))                                   # (N, 2): the quiver's fixed size
        shown = min(self.n_arrows, len(state["arrows"]), len(x_fake))
        arrows[:shown] = np.asarray(state["arrows"])[:shown]                   # missing arrows: zero length
        at = np.zeros((self.n_arrows, 2))
        at[:shown] = x_fake[:shown]
        self.arrows_.set_offsets(at)
        self.arrows_.set_UVC(arrows[:, 0], arrows[:, 1])
        self.manifold_.set_segments(list(state["manifold"]))
        self.ax_.set_title(self.frame_title(state), fontsize=style.FONT["title"])
        if draw:
            self.figure_.canvas.draw_idle()


    def update_trails(self, paths=None) -> None:
        """Draw fading trails through ``paths`` (T, N, 2) (see :func:`trail_segments`); None clears them."""
        if self.ax_ is None:
            raise RuntimeError("call .plot(ax) before .update_trails(paths)")
        if paths is None:
            self.trails_.set_segments([])
            return
        segments, opacity = trail_segments(paths)
        colors = np.tile(to_rgba(style.GENERATED), (len(segments), 1))             # (S, 4)
        colors[:, 3] = opacity
        self.trails_.set_segments(segments)
        self.trails_.set_color(colors)

    def frame_title(self, state: dict) -> str:
        """``title`` on its own line, then ``step N`` and, when the state has it, the frame's largest |∇ℓ|."""
        text = f"step {state['step']}"
        if "max_grad" in state:
            text += f", max $\\|\\nabla_x \\ell_G\\|$ = {state['max_grad']:.3g}"
        return f"{self.title}\n{text}" if self.title else text


def shared_colorbar(displays: list[BoundaryDisplay], axes) -> object:
    """One colorbar for small multiples of the same response (``plot(..., colorbar=False)`` each)."""
    first = displays[0]
    axes = list(np.ravel(axes))
    vmin, vmax, _ = RESPONSES[first.response]
    bar = first.figure_.colorbar(first.image_, ax=axes, fraction=0.03, pad=0.02, shrink=0.9,
                                 ticks=[vmin, (vmin + vmax) / 2, vmax], format=FormatStrFormatter("%.3g"))
    bar.set_label(first.response_label(), fontsize=style.FONT["tick"])
    bar.ax.tick_params(labelsize=style.FONT["tick"])
    for d in displays:
        d.colorbar_ = bar
    return bar


def _row_title(name: str) -> str:
    try:
        return style.method_label(name)
    except ValueError:
        return str(name)


def boundary_grid(axes, panels: dict, extent, x_real=None, **display_kw) -> list[BoundaryDisplay]:
    """Small multiples of :class:`BoundaryDisplay` with one shared colorbar and one legend under the figure.

    ``panels``: title → a list of states (one row of ``axes`` per title, one panel per state), or
    title → one state (one panel each, along ``axes`` in order). The arrows keep the scale their states
    were computed with. Returns the displays in drawing order.
    """
    axes = np.asarray(axes, dtype=object)
    if all(isinstance(v, dict) for v in panels.values()):
        flat = list(axes.ravel())
        cells = [(ax, name, state) for ax, (name, state) in zip(flat, panels.items())]
        unused = flat[len(cells):]
    else:
        axes = np.atleast_2d(axes)
        if axes.shape[0] < len(panels):
            raise ValueError(f"need one row of axes per title: {len(panels)} titles, {axes.shape[0]} rows")
        cells = [(ax, name, st) for row, (name, states) in zip(axes, panels.items()) for ax, st in zip(row, states)]
        unused = [ax for ax in axes.ravel() if ax not in {c[0] for c in cells}]
    size = 10 if len(cells) <= 2 else 5
    displays = [BoundaryDisplay(extent, **display_kw).plot(ax, state, x_real, title=_row_title(name), legend=False,
                                                           colorbar=False, marker_size=size)
                for ax, name, state in cells]
    for ax in unused:
        ax.set_visible(False)
    shared_colorbar(displays, [c[0] for c in cells])
    first = displays[0]
    first.figure_.legend(handles=first.legend_handles(), loc="outside lower center", ncol=3,
                         fontsize=style.FONT["legend"])
    return displays


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
