r"""Click your own 2-D data, see its density, then open the lab on it: ``picker = point_picker()``.

Glue only. The points become a target with :func:`~bgan_teach.data.from_points`: the Gaussian kernel
density $p(x) = \frac1N\sum_i \mathcal N(x; x_i, \sigma^2 I)$, drawn as a heatmap that the ``sigma`` slider
updates in place (``set_data``). Each clicked point also counts as a mode for the lab's metrics (up to
:data:`MAX_MODES` points). Left click adds a point, right click removes the nearest one (ipympl,
``%matplotlib widget``); with static figures (``BGAN_STATIC=1``) use ``picker.add(x, y)`` instead.
"""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import torch

from .._checks import positive_float
from ..data.toys2d import Toy2D, from_points
from ..plotting import style
from ..plotting.figures import figure, in_notebook, interactive
from .lab import BoundaryLab, view_extent

__all__ = ["PointPicker", "point_picker", "SMILEY", "MAX_MODES"]

MAX_MODES = 50                       # more points than this: no mode metrics (each would hold < 2 % of the mass)
_EYES = [(-0.9, 1.0), (0.9, 1.0)]
_MOUTH = [(1.6 * np.cos(a), -0.2 + 1.6 * np.sin(a)) for a in np.linspace(-0.85 * np.pi, -0.15 * np.pi, 7)]
SMILEY = np.array(_EYES + _MOUTH)    # (9, 2): the starting points, so the sliders have something to show


class PointPicker:
    """Points, a KDE heatmap, a ``sigma`` slider and buttons (undo, clear, open the lab). ``.box`` is the layout."""

    def __init__(self, points=None, sigma: float = 0.15, n_grid: int = 60, **lab_options):
        pts = SMILEY if points is None else np.asarray(points, dtype=float)
        if pts.ndim != 2 or pts.shape[1] != 2 or not np.isfinite(pts).all():
            raise ValueError(f"points must be a finite array of shape (N, 2); got shape {pts.shape}")
        sigma = positive_float(sigma, "sigma")
        self.points: list[tuple[float, float]] = [tuple(map(float, p)) for p in pts]
        self.lab_options, self.lab = lab_options, None
        self.extent = view_extent(Toy2D(pts, sigma)) if len(pts) else (-3.0, 3.0, -3.0, 3.0)   # follows the points
        xx, yy = np.meshgrid(np.linspace(*self.extent[:2], n_grid), np.linspace(*self.extent[2:], n_grid))
        self.grid = torch.from_numpy(np.stack([xx.ravel(), yy.ravel()], 1))          # (G², 2) float64
        self.fig, self.ax = figure("point_picker", figsize=(5.4, 4.7), dpi=style.WIDGET_DPI, layout=None)    # 518 × 451 px
        self.image_ = self.ax.imshow(np.zeros(xx.shape), extent=self.extent, origin="lower", cmap=style.PROB_CMAP,
                                     vmin=0.0, vmax=1.0, interpolation="bilinear")
        self.scatter_ = style.data_points(self.ax, s=36, label="your points")
        self.ax.set(xlim=self.extent[:2], ylim=self.extent[2:], aspect="equal", xticks=[], yticks=[])
        style.colorbar(self.image_, self.ax, "kernel density p(x)\n(÷ its maximum)")
        self.fig.subplots_adjust(0.01, 0.01, 0.86, 0.93)
        self.controls = {
            "sigma": widgets.FloatSlider(value=sigma, min=min(0.03, sigma), max=max(0.6, sigma), step=0.01,
                                         description="kernel σ",
                                         continuous_update=True, readout_format=".2f"),
            "undo": widgets.Button(description="undo last point"),
            "clear": widgets.Button(description="clear"),
            "open_lab": widgets.Button(description="open the lab on these points", button_style="success",
                                       layout=widgets.Layout(width="260px")),
        }
        self.readout, self.output, self.lab_output = widgets.HTML(), widgets.Output(), widgets.Output()
        c = self.controls
        c["sigma"].observe(lambda _: self.redraw(), "value")
        c["undo"].on_click(lambda _: self.undo())
        c["clear"].on_click(lambda _: self.clear())
        c["open_lab"].on_click(lambda _: self._open_lab_here())
        self.fig.canvas.mpl_connect("button_press_event", self.on_click)
        view = self.fig.canvas if interactive() else self.output
        panel = widgets.VBox([c["sigma"], widgets.HBox([c["undo"], c["clear"]]), c["open_lab"], self.readout])
        self.box = widgets.VBox([widgets.HBox([view, panel]), self.lab_output])
        self.redraw()

    # --- editing ------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.points)

    def add(self, x: float, y: float) -> None:
        """Add the point (x, y) and redraw; a point outside the canvas raises (it would be invisible)."""
        if not (np.isfinite(x) and np.isfinite(y)):
            raise ValueError(f"a point must be finite; got ({x}, {y})")
        lo_x, hi_x, lo_y, hi_y = self.extent
        if not (lo_x <= x <= hi_x and lo_y <= y <= hi_y):
            raise ValueError(f"point ({x}, {y}) lies outside the canvas [{lo_x:.3g}, {hi_x:.3g}] × "
                             f"[{lo_y:.3g}, {hi_y:.3g}]; start the picker with points there to move the canvas")
        self.points.append((float(x), float(y)))
        self.redraw()

    def remove_nearest(self, x: float, y: float, radius: float = 0.3) -> bool:
        """Remove the point nearest to (x, y) if it is within ``radius``; True if one was removed."""
        if not self.points:
            return False
        d = np.hypot(*(np.asarray(self.points) - [x, y]).T)                         # (N,)
        if d.min() > radius:
            return False
        del self.points[int(d.argmin())]
        self.redraw()
        return True

    def undo(self) -> None:
        if self.points:
            self.points.pop()
            self.redraw()

    def clear(self) -> None:
        self.points.clear()
        self.redraw()

    def on_click(self, event) -> None:
        """Matplotlib ``button_press_event``: left button adds a point, right button removes the nearest."""
        if event.inaxes is not self.ax or event.xdata is None:
            return
        if int(getattr(event, "button", 1)) == 3:
            self.remove_nearest(event.xdata, event.ydata)
        else:
            self.add(event.xdata, event.ydata)

    # --- the target -----------------------------------------------------------------------------
    def target(self, name: str = "my points") -> Toy2D:
        r"""The KDE target of the current points and ``sigma``; each point is a mode when N ≤ MAX_MODES."""
        if len(self.points) < 2:
            raise ValueError(f"need at least 2 points to make a target; have {len(self.points)}")
        pts = np.asarray(self.points)
        return from_points(pts, sigma=float(self.controls["sigma"].value),
                           modes=pts if len(pts) <= MAX_MODES else None, name=name)

    def open_lab(self, **options) -> BoundaryLab:
        """A :class:`~bgan_teach.widgets.lab.BoundaryLab` on :meth:`target` (``options`` go to the lab)."""
        self.lab = BoundaryLab(self.target(), figure_key="boundary_lab_picker", **{**self.lab_options, **options})
        return self.lab

    def _open_lab_here(self) -> None:
        with self.lab_output:
            self.lab_output.clear_output(wait=True)
            try:
                lab = self.open_lab()
            except ValueError as err:
                print(err)
                return
            if in_notebook():
                from IPython.display import display
                display(lab)

    # --- drawing ------------------------------------------------------------------------------
    def redraw(self) -> None:
        """Update the heatmap (KDE density scaled to its maximum), the points and the readout in place."""
        n, sigma = len(self.points), float(self.controls["sigma"].value)
        if n:
            density = Toy2D(np.asarray(self.points), sigma).log_prob(self.grid).exp()   # (G²,)
            density = (density / density.max()).view(self.image_.get_array().shape).numpy()
        else:
            density = np.zeros(self.image_.get_array().shape)
        self.image_.set_data(density)
        self.scatter_.set_offsets(np.asarray(self.points).reshape(-1, 2))
        self.ax.set_title(f"{n} points, kernel σ = {sigma:.2f}", fontsize=style.FONT["title"])
        how = ("left click: add a point, right click: remove the nearest" if interactive()
               else "static figure: add points with <code>picker.add(x, y)</code>")
        self.readout.value = (f"<b>{n}</b> points ({how}); the heatmap is the kernel density the GAN will "
                              f"learn{'' if n >= 2 else ' (add at least 2 points)'}")
        self._refresh()

    def _refresh(self) -> None:
        if interactive():
            self.fig.canvas.draw_idle()
        elif in_notebook():
            from IPython.display import display
            self.output.clear_output(wait=True)
            with self.output:
                display(self.fig)

    def _ipython_display_(self):
        from IPython.display import display
        display(self.box)


def point_picker(points=None, sigma: float = 0.15, **lab_options) -> PointPicker:
    """Open the point picker (display it by leaving it last in a cell); ``lab_options`` go to the lab."""
    return PointPicker(points, sigma, **lab_options)
