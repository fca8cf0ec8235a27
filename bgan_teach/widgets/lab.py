r"""The decision-boundary lab: ``boundary_lab(seed=0)`` opens a GAN Lab-style view of continuous BGAN, and
``twin_lab()`` two runs side by side on one set of controls.

Glue only: :class:`~bgan_teach.training.continuous.ContinuousGAN` steppers do the steps, one
:class:`~bgan_teach.plotting.boundary.BoundaryDisplay` per run owns the artists. Every step stores a snapshot
(arrays for the display, see ``BoundaryView.state``), so the history slider redraws without evaluating a
network. Play is ipywidgets' ``Play`` (the browser ticks, each tick trains one chunk in the kernel: no
threads). Learning rates, critic steps, batch size and the generator loss change without a reset; target,
divergence, generator noise (component code or Gaussian only) and seed changes reset (same seed → same start).

**Twin lab** (after the side-by-side comparisons of GAN Lab and Diffusion Explorer): two runs from the same
seed, hence the same initial networks, the same data batches and the same noise, that differ in one setting
(``pair``: two generator losses by default, or Gaussian-only vs component noise). They share every control
and one history slider, so frame *i* shows both runs after the same steps: identical until the first
generator step, then apart by what the loss (or the noise) does. **Sample trails** (a checkbox): the paths
of 30 fixed-noise samples $G(z)$ through the recorded history, fading into the past, from the snapshots'
``x_fake`` (the fixed display noise).
"""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from .. import config
from .._checks import positive_int
from ..data.toys2d import TARGETS, Toy2D, get_target
from ..metrics.modes import high_quality_fraction, modes_covered
from ..plotting import style
from ..plotting.boundary import BoundaryDisplay, shared_colorbar
from ..plotting.figures import figure, in_notebook, interactive, setup_backend
from ..training.continuous import ContinuousGAN
from .framecache import FrameCache, nearest_first
from .frames import register_scrubber
from .lab_parts import (EXTENT, LEGEND, TRAILS_LEGEND, custom_key, loss_equation, make_controls, outside_share,
                        side_title, twin_sides, view_extent)

__all__ = ["BoundaryLab", "boundary_lab", "twin_lab", "loss_equation", "view_extent", "trail_paths", "EXTENT",
           "N_TRAILS", "TRAIL_LENGTH"]

MAX_SNAPSHOTS = 300
N_TRAILS = 30                    # samples with a trail: the first 30 of the fixed display noise
TRAIL_LENGTH = 60                # snapshots a trail reaches back


def trail_paths(snapshots, index: int, n: int = N_TRAILS, length: int = TRAIL_LENGTH) -> np.ndarray:
    """Positions (T, n, 2) of the first ``n`` fixed-noise samples in the snapshots up to ``index`` (at most ``length``)."""
    first = max(0, index - positive_int(length, "length") + 1)
    return np.stack([np.asarray(s.extras["x_fake"])[:n, :2] for s in snapshots[first:index + 1]])


class BoundaryLab:
    """The lab. ``.controls`` (dict of widgets), ``.display`` (BoundaryDisplay), ``.box`` (the layout), ``.gan``.

    ``twin``: a ``pair`` for :func:`~bgan_teach.widgets.lab_parts.twin_sides` (two runs side by side; then
    ``.gans`` and ``.displays`` hold both, ``.gan`` and ``.display`` the first). ``trails``: start with the
    sample trails on.
    """

    def __init__(self, target="ring", divergence: str = "gan", generator_loss: str = "boundary_seeking",
                 seed: int = 0, steps_per_tick: int = 20, figure_key: str = "boundary_lab", twin=None,
                 trails: bool = False, **options):
        self.seed, self.options = positive_int(seed, "seed", 0), options
        steps_per_tick = positive_int(steps_per_tick, "steps_per_tick")
        self.sides = [{}] if twin is None else twin_sides(twin)
        self.trail_length = TRAIL_LENGTH                  # snapshots a sample trail reaches back
        if in_notebook() and not interactive() and not config.static():
            setup_backend()                            # live figures without a setup_backend() call first
        self.custom = {custom_key(target.name): target} if isinstance(target, Toy2D) else {}   # your own points
        target = next(iter(self.custom)) if isinstance(target, Toy2D) else target
        self.controls = make_controls(target, divergence, generator_loss, steps_per_tick, options,
                                      list(TARGETS) + list(self.custom), trails)
        self.fig, self.displays = self._figure(figure_key)
        self.display = self.displays[0]
        self.frames, self._serial = FrameCache(self.fig, self._draw_frame), 0   # instant history moves
        self.readout, self.equation, self.output = widgets.HTML(), widgets.HTMLMath(), widgets.Output()
        self._wire()
        self._new_gan()
        self.view = self.fig.canvas if interactive() else self.output
        self.box = self._layout()
        register_scrubber(self.controls["history"], self.fig, self.view, texts=(self.readout,))

    # --- layout -------------------------------------------------------------------------------
    def _figure(self, key: str):
        """One heatmap (6.0 × 5.4 in = 576 × 518 px at 96 dpi), or two side by side with one colorbar."""
        n = len(self.sides)
        size = (6.0, 5.4) if n == 1 else (10.0, 5.3)                  # twin: 960 × 509 px
        fig, axes = figure(key, ncols=n, figsize=size, dpi=style.WIDGET_DPI, layout=None, squeeze=False)
        displays = [BoundaryDisplay(EXTENT, n_grid=50, n_arrows=48, arrow_length=0.5) for _ in range(n)]
        for display, ax, side in zip(displays, axes[0], self.sides):
            display.plot(ax, legend=False, colorbar=n == 1, title=side_title(side, self._shared()) if n > 1 else "")
        if n == 1:
            fig.subplots_adjust(0.01, 0.01, 0.86, 0.89)
        else:
            fig.subplots_adjust(0.01, 0.01, 0.925, 0.86, wspace=0.04)
            shared_colorbar(displays, axes[0])
        return fig, displays

    def _layout(self) -> widgets.Box:
        c = self.controls
        own = {k for side in self.sides for k in side}                  # settings each run has of its own
        buttons = widgets.HBox([c["train_critic"], c["train_generator"], c["reset"]])
        play = widgets.HBox([c["play"], c["steps_per_tick"]])
        choices = [c[k] for k in ("target", "divergence", "generator_loss", "components") if k not in own]
        sliders = [c[k] for k in ("lr", "critic_lr", "critic_steps", "batch_size")]
        if len(self.sides) == 1:
            panel = widgets.VBox([*choices, *sliders, buttons, play, c["trails"], c["history"], self.readout,
                                  self.equation])
            return widgets.HBox([self.view, panel])
        grid = widgets.HBox([widgets.VBox([*choices, c["trails"]]), widgets.VBox(sliders)])
        return widgets.VBox([self.view, c["history"], buttons, play, grid, self.readout, self.equation])

    def _shared(self) -> dict:
        c = self.controls
        return {k: c[k].value for k in ("target", "divergence", "generator_loss", "components")}

    # --- wiring -------------------------------------------------------------------------------
    def _wire(self) -> None:
        c, on = self.controls, self._guard
        for name in ("target", "divergence", "components"):
            c[name].observe(on(lambda _: self._new_gan()), "value")
        c["generator_loss"].observe(on(self._set_loss), "value")
        for name in ("lr", "critic_lr", "critic_steps", "batch_size"):
            c[name].observe(on(lambda ch, n=name: [g.set_options(**{n: ch["new"]}) for g in self.gans]), "value")
        c["train_critic"].on_click(on(lambda _: self._advance("critic_step")))
        c["train_generator"].on_click(on(lambda _: self._advance("generator_step")))
        c["reset"].on_click(on(lambda _: self._new_gan()))
        c["play"].observe(on(lambda _: self.train(c["steps_per_tick"].value)), "value")
        c["trails"].observe(on(lambda _: self.show(c["history"].value)), "value")
        c["history"].observe(on(lambda ch: self.show(ch["new"])), "value")

    def _guard(self, fn):
        """Run callbacks inside the Output widget so their errors are shown, not swallowed."""
        def wrapped(*args):
            with self.output:
                fn(*args)
        return wrapped

    # --- actions ------------------------------------------------------------------------------
    @property
    def gan(self) -> ContinuousGAN:
        """The (first) run."""
        return self.gans[0]

    def _settings(self, side: dict) -> tuple[str, str, dict]:
        """(divergence, generator loss, options) of one run: the shared controls, then the run's own settings."""
        c, shared = self.controls, self._shared()
        own = {k: (v if v is not None else shared[k]) for k, v in side.items()}
        opts = {**self.options, "lr": c["lr"].value, "critic_lr": c["critic_lr"].value,
                "critic_steps": c["critic_steps"].value, "batch_size": c["batch_size"].value,
                "components": own.get("components", shared["components"])}
        return own.get("divergence", shared["divergence"]), own.get("generator_loss", shared["generator_loss"]), opts

    def _new_gan(self) -> None:
        c = self.controls
        self.target = self.custom.get(c["target"].value) or get_target(c["target"].value)
        self.gans = []
        for side, display in zip(self.sides, self.displays):
            divergence, loss, opts = self._settings(side)
            self.gans.append(ContinuousGAN(self.target, divergence, loss, seed=self.seed, n_show=256, **opts))
            display.set_extent(view_extent(self.target))                 # the view follows the target
            display.real_.set_offsets(self.target.sample(256, self.seed + 1).numpy())
        self.stopped = [None] * len(self.gans)
        self.frames.forget()
        self._record()

    def _set_loss(self, change) -> None:
        for gan, side, display in zip(self.gans, self.sides, self.displays):
            if side.get("generator_loss") is None:                      # a run with its own loss keeps it
                gan.set_generator_loss(change["new"])                   # validated by the trainer
                gan.snapshots[-1].extras.update(display.view.state(gan))   # arrows of the new loss
        self.frames.forget()
        self._sync_history()

    def _advance(self, action: str) -> None:
        for gan in self.gans:
            getattr(gan, action)()
        self._record()

    def train(self, steps: int, every: int | None = None) -> None:
        """Train ``steps`` generator steps (each after ``critic_steps`` critic steps) on every run and record a
        snapshot at the end, or every ``every`` steps (a history to scrub, and trails to draw); redraw once."""
        steps = positive_int(steps, "steps", 0)
        chunk = steps if every is None else positive_int(every, "every")
        done, stopped = 0, [None] * len(self.gans)
        while not any(stopped):
            n = min(chunk, steps - done)
            stopped = [gan.train(n) for gan in self.gans]
            done += n
            if done >= steps or any(stopped):
                break
            self._record(stopped, show=False)
        self._record(stopped)

    def _views(self, gan, display) -> dict:
        state = display.view.state(gan)
        if self.target.modes is not None:
            state["modes"] = (modes_covered(state["x_fake"], self.target), len(self.target.modes),
                              high_quality_fraction(state["x_fake"], self.target))
        state["row"], state["serial"] = gan.history.last(), self._serial      # serial: names the frame
        return state

    def _record(self, stopped: list | None = None, show: bool = True) -> None:
        for gan, display in zip(self.gans, self.displays):
            gan.snapshot(lambda g, d=display: self._views(g, d))
            if len(gan.snapshots) > MAX_SNAPSHOTS:        # keep the first, thin the rest by half
                gan.snapshots[1:-1] = gan.snapshots[2:-1:2]
        self._serial += 1
        self.stopped = stopped or [None] * len(self.gans)
        if show:
            self._sync_history()

    def _sync_history(self) -> None:
        hist, last = self.controls["history"], len(self.gan.snapshots) - 1
        with hist.hold_trait_notifications():
            hist.max = last
        if hist.value != last:
            hist.value = last                               # fires show(last)
        else:
            self.show(last)

    def show(self, index: int) -> None:
        """Draw snapshot ``index`` of every run (mutates artists only) and refresh the readouts."""
        self.readout.value = self._readout_html(index)
        self.equation.value = loss_equation([g.generator_loss for g in self.gans] if len(self.gans) > 1
                                            else self.gan.generator_loss, self.gan.divergence.name)
        self.frames.show(self._frame_key(index))       # a frame already sent (or rendered ahead): no redraw
        self._refresh()
        if index == len(self.gan.snapshots) - 1:       # after training: render the history ahead, nearest first
            self.frames.prefetch([self._frame_key(i) for i in [index, *nearest_first(index, 0, index)]])

    def _frame_key(self, index: int) -> tuple:
        """What the picture of frame ``index`` depends on: its snapshots (by serial) and the trails drawn."""
        serials = tuple(g.snapshots[index].extras["serial"] for g in self.gans)
        first = max(0, index - self.trail_length + 1)
        trails = (self.gan.snapshots[first].extras["serial"], index - first) if self.controls["trails"].value else None
        return index, serials, trails

    def _draw_frame(self, key: tuple) -> None:
        """Mutate every run's artists to frame ``key`` (see :meth:`_frame_key`), then ask for a redraw."""
        index, _, trails = key
        for gan, display in zip(self.gans, self.displays):
            display.update(gan.snapshots[index].extras, draw=False)
            display.update_trails(trail_paths(gan.snapshots, index, length=self.trail_length) if trails else None)
        self.fig.canvas.draw_idle()

    # --- readouts -----------------------------------------------------------------------------
    def _readout_html(self, index: int) -> str:
        legend = LEGEND + (TRAILS_LEGEND if self.controls["trails"].value else "")
        lines = [self._run_line(gan, display, gan.snapshots[index].extras, stopped)
                 for gan, display, stopped in zip(self.gans, self.displays, self.stopped)]
        return "<br>".join([legend, *lines])

    def _run_line(self, gan, display, extras: dict, stopped) -> str:
        row = extras.get("row", {})
        name = f"<b>{display.title}</b>: " if len(self.gans) > 1 else ""
        parts = [f"{name}step <b>{extras['step']}</b> (critic steps {gan.critic_steps_done})"]
        parts += [f"{k} {row[k]:.4g}" for k in ("loss_d", "loss_g", "v_real", "v_fake") if k in row]
        if "modes" in extras:
            covered, total, hq = extras["modes"]
            parts.append(f"modes covered <b>{covered}/{total}</b>, high quality {100 * hq:.0f}%")
        outside = outside_share(extras["x_fake"], display.extent)
        if outside > 0:
            parts.append(f"<span style='color:#b35900'>{100 * outside:.0f}% of the generated points lie outside "
                         f"the view</span>")
        if stopped:
            parts.append(f"<span style='color:red'>{stopped}</span>")
        return (", " if len(self.gans) > 1 else "<br>").join(parts)

    def _refresh(self) -> None:
        if interactive() or not in_notebook():
            return                                            # ipympl: draw_idle already queued
        from IPython.display import display
        self.output.clear_output(wait=True)
        with self.output:
            display(self.fig)

    def _ipython_display_(self):
        from IPython.display import display
        display(self.box)


def boundary_lab(target="ring", divergence: str = "gan", generator_loss: str = "boundary_seeking",
                 seed: int = 0, **options) -> BoundaryLab:
    """Open the lab (display it by leaving it last in a cell). ``options`` go to ``ContinuousGAN``.

    ``target``: ``"ring"``, ``"grid"``, ``"spiral"`` or your own :class:`~bgan_teach.data.Toy2D`
    (e.g. ``data.from_points(points)``), which joins the dropdown. ``trails=True`` starts with the sample trails.
    """
    return BoundaryLab(target, divergence, generator_loss, seed=seed, **options)


def twin_lab(pair=("boundary_seeking", "non_saturating"), target="ring", divergence: str = "gan",
             seed: int = 0, figure_key: str = "twin_lab", **options) -> BoundaryLab:
    """Two runs from the same seed and noise side by side, on one history slider and one set of controls.

    ``pair``: two generator losses (default: BGAN's boundary-seeking loss vs the non-saturating loss), two
    numbers of noise components (``(0, 128)``: Gaussian only, as in the paper, vs a 128-way component code), or
    two dicts of ``generator_loss`` / ``components`` / ``divergence``. ``options`` go to both runs.
    """
    loss = options.pop("generator_loss", "boundary_seeking")
    return BoundaryLab(target, divergence, loss, seed=seed, figure_key=figure_key, twin=pair, **options)
