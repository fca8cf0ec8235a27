r"""The decision-boundary lab: one call, ``boundary_lab(seed=0)``, opens a GAN Lab-style view of continuous BGAN.

Glue only: a :class:`~bgan_teach.training.continuous.ContinuousGAN` does the steps, a
:class:`~bgan_teach.plotting.boundary.BoundaryDisplay` owns the artists. Every step stores a snapshot
(arrays for the display, see ``BoundaryView.state``), so the history slider redraws without
evaluating a network. Play is ipywidgets' ``Play`` (the browser ticks, each tick trains one chunk in the
kernel: no threads). Learning rates, critic steps, batch size and the generator loss change without a
reset; target, divergence, generator noise (component code or Gaussian only) and seed changes reset
(same seed → same start).
"""
from __future__ import annotations

import math

import ipywidgets as widgets
import numpy as np

from .. import config, divergences
from .._checks import positive_float, positive_int
from ..data.toys2d import PRESETS, TARGETS, Toy2D, get_target
from ..generator_losses import GENERATOR_LOSSES
from ..metrics.modes import high_quality_fraction, modes_covered
from ..plotting import style
from ..plotting.boundary import BoundaryDisplay
from ..plotting.figures import figure, in_notebook, interactive, setup_backend
from ..training.continuous import DEFAULTS, ContinuousGAN

__all__ = ["BoundaryLab", "boundary_lab", "loss_equation", "view_extent"]

EXTENT = (-3.0, 3.0, -3.0, 3.0)
BATCH_SIZES = [32, 64, 128, 256, 512]
MAX_SNAPSHOTS = 300
_LEGEND = (f"<span style='color:{style.DATA}'>●</span> data &nbsp; <span style='color:{style.GENERATED}'>●</span> "
           "generated &nbsp; heatmap: the critic's D(x) (blue: judged data, orange: judged generated) &nbsp; "
           "black line: w = 1 (the critic judges p = q) &nbsp; arrows: −∇ℓ<sub>G</sub> on one fixed scale "
           "(length L·g/(1+g), g = |∇ℓ<sub>G</sub>|; the title gives the largest g) &nbsp; grey: generator manifold")


def view_extent(target) -> tuple[float, float, float, float]:
    """The square the lab draws: (−3, 3)² when the target fits in it, else a square around the target."""
    lo_x, hi_x, lo_y, hi_y = target.extent()
    inside = EXTENT[0] <= lo_x and hi_x <= EXTENT[1] and EXTENT[2] <= lo_y and hi_y <= EXTENT[3]
    return EXTENT if inside else (lo_x, hi_x, lo_y, hi_y)


def _log_slider(value, description: str, style, layout) -> widgets.FloatLogSlider:
    """A learning-rate slider on 1e-5 … 10^-1.5, widened to include ``value`` (never clamped)."""
    exponent = math.log10(positive_float(value, description.replace("generator ", "").replace(" ", "_")))
    lo, hi = min(-5.0, math.floor(exponent * 4) / 4), max(-1.5, math.ceil(exponent * 4) / 4)
    return widgets.FloatLogSlider(value=value, base=10, min=lo, max=hi, step=0.25, description=description,
                                  style=style, layout=layout, continuous_update=False, readout_format=".1e")


def _custom_key(name: str) -> str:
    """A dropdown key for your own target that never shadows a built-in one."""
    return f"{name} (yours)" if name in TARGETS or name in PRESETS else name


def _noise_options(components: int) -> list[tuple[str, int]]:
    """Dropdown choices for the generator's noise: (label, number of components)."""
    choices = sorted({128, 16, 0, int(components)}, reverse=True)
    return [(f"Gaussian + {k} components" if k else "Gaussian only (paper)", k) for k in choices]


def _outside_share(points, extent) -> float:
    """Fraction of the points (n, 2) outside the drawn square ``extent``."""
    x = np.asarray(points)[:, :2]
    inside = (x[:, 0] >= extent[0]) & (x[:, 0] <= extent[1]) & (x[:, 1] >= extent[2]) & (x[:, 1] <= extent[3])
    return float(1 - inside.mean()) if len(x) else 0.0


def loss_equation(generator_loss: str, divergence: str = "gan") -> str:
    """HTML with LaTeX for the critic objective and the active generator loss (for ``HTMLMath``)."""
    div, row = divergences.get(divergence), GENERATOR_LOSSES[generator_loss]
    gan = f" (GAN: ${row.latex_gan}$ per sample)" if div.name == "gan" else ""
    return (f"<b>critic</b> ({div.title}): $\\max_\\phi\\ \\mathbb E_P[g_f(V)]-\\mathbb E_Q[f^*(g_f(V))]$, "
            f"$f^*(t)={div.f_star_latex}$<br><b>generator</b> ({generator_loss}): "
            f"${row.latex}${gan}<br>boundary: $w=1$ (black line)")


class BoundaryLab:
    """The lab. ``.controls`` (dict of widgets), ``.display`` (BoundaryDisplay), ``.box`` (the layout), ``.gan``."""

    def __init__(self, target="ring", divergence: str = "gan", generator_loss: str = "boundary_seeking",
                 seed: int = 0, steps_per_tick: int = 20, figure_key: str = "boundary_lab", **options):
        self.seed, self.options = positive_int(seed, "seed", 0), options
        steps_per_tick = positive_int(steps_per_tick, "steps_per_tick")
        if in_notebook() and not interactive() and not config.static():
            setup_backend()                            # live figures without a setup_backend() call first
        self.custom = {_custom_key(target.name): target} if isinstance(target, Toy2D) else {}   # your own points
        target = next(iter(self.custom)) if isinstance(target, Toy2D) else target
        self.display = BoundaryDisplay(EXTENT, n_grid=50, n_arrows=48, arrow_length=0.5)
        # 96 dpi: one figure pixel per CSS pixel, so 9 pt text shows at 9 pt; 6.0 × 5.4 in = 576 × 518 px
        self.fig, ax = figure(figure_key, figsize=(6.0, 5.4), dpi=style.WIDGET_DPI, layout=None)
        self.display.plot(ax, legend=False)
        self.fig.subplots_adjust(0.01, 0.01, 0.86, 0.89)
        self.controls = self._make_controls(target, divergence, generator_loss, steps_per_tick)
        self.readout = widgets.HTML()
        self.equation = widgets.HTMLMath()
        self.output = widgets.Output()
        self._wire()
        self._new_gan()
        view = self.fig.canvas if interactive() else self.output
        c = self.controls
        buttons = widgets.HBox([c["train_critic"], c["train_generator"], c["reset"]])
        play = widgets.HBox([c["play"], c["steps_per_tick"]])
        panel = widgets.VBox([c["target"], c["divergence"], c["generator_loss"], c["components"], c["lr"], c["critic_lr"],
                              c["critic_steps"], c["batch_size"], buttons, play, c["history"],
                              self.readout, self.equation])
        self.box = widgets.HBox([view, panel])

    # --- widgets ----------------------------------------------------------------------------
    def _make_controls(self, target, divergence, generator_loss, steps_per_tick) -> dict:
        gan = dict(self.options)
        style, lay = {"description_width": "120px"}, widgets.Layout(width="360px")
        critic_steps = positive_int(gan.get("critic_steps", DEFAULTS["critic_steps"]), "critic_steps")
        batch = positive_int(gan.get("batch_size", DEFAULTS["batch_size"]), "batch_size")
        return {
            "target": widgets.Dropdown(options=list(TARGETS) + list(self.custom), value=target,
                                       description="target", style=style),
            "divergence": widgets.Dropdown(options=divergences.names(), value=divergence,
                                           description="divergence", style=style),
            "generator_loss": widgets.Dropdown(options=list(GENERATOR_LOSSES), value=generator_loss,
                                               description="generator loss", style=style),
            "components": widgets.Dropdown(options=_noise_options(gan.get("components", DEFAULTS["components"])),
                                           value=gan.get("components", DEFAULTS["components"]),
                                           description="generator noise", style=style, layout=lay),
            "lr": _log_slider(gan.get("lr", DEFAULTS["lr"]), "generator lr", style, lay),
            "critic_lr": _log_slider(gan.get("critic_lr", DEFAULTS["critic_lr"]), "critic lr", style, lay),
            "critic_steps": widgets.IntSlider(value=critic_steps, min=1, max=max(10, critic_steps),
                                              description="critic steps / G step", style=style,
                                              layout=lay, continuous_update=False),
            "batch_size": widgets.SelectionSlider(options=sorted({*BATCH_SIZES, batch}), value=batch,
                                                  description="batch size", style=style, layout=lay),
            "train_critic": widgets.Button(description="train critic one step"),
            "train_generator": widgets.Button(description="train generator one step"),
            "reset": widgets.Button(description="reset", button_style="warning"),
            "play": widgets.Play(value=0, min=0, max=10**9, interval=150, description="play/pause"),
            "steps_per_tick": widgets.IntSlider(value=steps_per_tick, min=1, max=max(200, steps_per_tick),
                                                description="steps per tick",
                                                style=style, continuous_update=False),
            "history": widgets.IntSlider(value=0, min=0, max=0, description="history", style=style, layout=lay),
        }

    def _wire(self) -> None:
        c, on = self.controls, self._guard
        for name in ("target", "divergence", "components"):
            c[name].observe(on(lambda _: self._new_gan()), "value")
        c["generator_loss"].observe(on(self._set_loss), "value")
        for name in ("lr", "critic_lr", "critic_steps", "batch_size"):
            c[name].observe(on(lambda ch, n=name: self.gan.set_options(**{n: ch["new"]})), "value")
        c["train_critic"].on_click(on(lambda _: self._advance(self.gan.critic_step)))
        c["train_generator"].on_click(on(lambda _: self._advance(self.gan.generator_step)))
        c["reset"].on_click(on(lambda _: self._new_gan()))
        c["play"].observe(on(lambda _: self.train(c["steps_per_tick"].value)), "value")
        c["history"].observe(on(lambda ch: self.show(ch["new"])), "value")

    def _guard(self, fn):
        """Run callbacks inside the Output widget so their errors are shown, not swallowed."""
        def wrapped(*args):
            with self.output:
                fn(*args)
        return wrapped

    # --- actions ------------------------------------------------------------------------------
    def _new_gan(self) -> None:
        c = self.controls
        self.target = self.custom.get(c["target"].value) or get_target(c["target"].value)
        opts = {**self.options, "lr": c["lr"].value, "critic_lr": c["critic_lr"].value,
                "critic_steps": c["critic_steps"].value, "batch_size": c["batch_size"].value,
                "components": c["components"].value}
        self.gan = ContinuousGAN(self.target, c["divergence"].value, c["generator_loss"].value,
                                 seed=self.seed, n_show=256, **opts)
        self.display.set_extent(view_extent(self.target))                  # the view follows the target
        self.display.real_.set_offsets(self.target.sample(256, self.seed + 1).numpy())
        self.gan.snapshots = []
        self._record()

    def _set_loss(self, change) -> None:
        self.gan.set_generator_loss(change["new"])                              # validated by the trainer
        self.gan.snapshots[-1].extras.update(self.display.view.state(self.gan))  # arrows of the new loss
        self._sync_history()

    def _advance(self, action) -> None:
        action()
        self._record()

    def train(self, steps: int) -> None:
        """Train ``steps`` generator steps (each after ``critic_steps`` critic steps), then record and redraw."""
        stopped = self.gan.train(steps)
        self._record(stopped)

    def _views(self, gan) -> dict:
        state = self.display.view.state(gan)
        if self.target.modes is not None:
            state["modes"] = (modes_covered(state["x_fake"], self.target), len(self.target.modes),
                              high_quality_fraction(state["x_fake"], self.target))
        state["row"] = gan.history.last()
        return state

    def _record(self, stopped: str | None = None) -> None:
        self.gan.snapshot(self._views)
        if len(self.gan.snapshots) > MAX_SNAPSHOTS:       # keep the first, thin the rest by half
            self.gan.snapshots[1:-1] = self.gan.snapshots[2:-1:2]
        self.stopped = stopped
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
        """Draw snapshot ``index`` (mutates artists only) and refresh the readouts."""
        extras = self.gan.snapshots[index].extras
        self.display.update(extras)
        self.readout.value = self._readout_html(extras)
        self.equation.value = loss_equation(self.gan.generator_loss, self.gan.divergence.name)
        self._refresh()

    def _readout_html(self, extras: dict) -> str:
        row = extras.get("row", {})
        parts = [_LEGEND, f"step <b>{extras['step']}</b> (critic steps {self.gan.critic_steps_done})"]
        parts += [f"{k} {row[k]:.4g}" for k in ("loss_d", "loss_g", "v_real", "v_fake") if k in row]
        if "modes" in extras:
            covered, total, hq = extras["modes"]
            parts.append(f"modes covered <b>{covered}/{total}</b>, high quality {100 * hq:.0f}%")
        outside = _outside_share(extras["x_fake"], self.display.extent)
        if outside > 0:
            parts.append(f"<span style='color:#b35900'>{100 * outside:.0f}% of the generated points lie outside "
                         f"the view</span>")
        if self.stopped:
            parts.append(f"<span style='color:red'>{self.stopped}</span>")
        return "<br>".join(parts)

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
    (e.g. ``data.from_points(points)``), which joins the dropdown.
    """
    return BoundaryLab(target, divergence, generator_loss, seed=seed, **options)
