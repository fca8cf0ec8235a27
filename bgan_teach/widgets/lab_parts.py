"""The boundary lab's parts that hold no state: its controls, its texts, and the settings of twin runs.

Used by :mod:`bgan_teach.widgets.lab`. A *twin* lab trains two runs side by side from the same seed and the
same noise; :func:`twin_sides` turns a ``pair`` into the settings each run has of its own (the generator
loss, the generator's noise, or the divergence); every other setting is shared and has one control.
"""
from __future__ import annotations

import math

import ipywidgets as widgets
import numpy as np

from .. import divergences
from .._checks import positive_float, positive_int
from ..data.toys2d import PRESETS, TARGETS
from ..generator_losses import GENERATOR_LOSSES
from ..plotting import style
from ..training.continuous import DEFAULTS

__all__ = ["EXTENT", "BATCH_SIZES", "LEGEND", "SIDE_KEYS", "view_extent", "log_slider", "custom_key",
           "noise_options", "noise_label", "outside_share", "loss_equation", "twin_sides", "side_title",
           "make_controls"]

EXTENT = (-3.0, 3.0, -3.0, 3.0)
BATCH_SIZES = [32, 64, 128, 256, 512]
SIDE_KEYS = ("generator_loss", "components", "divergence")        # what a twin's two runs may set differently
LEGEND = (f"<span style='color:{style.DATA}'>●</span> data &nbsp; <span style='color:{style.GENERATED}'>●</span> "
          "generated &nbsp; heatmap: the critic's D(x) (blue: judged data, orange: judged generated) &nbsp; "
          "black line: w = 1 (the critic judges p = q) &nbsp; arrows: −∇ℓ<sub>G</sub> on one fixed scale "
          "(length L·g/(1+g), g = |∇ℓ<sub>G</sub>|; the title gives the largest g) &nbsp; grey: generator manifold")
TRAILS_LEGEND = (f" &nbsp; <span style='color:{style.GENERATED}'>∿</span> sample trails: the paths of 30 fixed z "
                 "through the recorded history (faint: long ago)")


def view_extent(target) -> tuple[float, float, float, float]:
    """The square the lab draws: (−3, 3)² when the target fits in it, else a square around the target."""
    lo_x, hi_x, lo_y, hi_y = target.extent()
    inside = EXTENT[0] <= lo_x and hi_x <= EXTENT[1] and EXTENT[2] <= lo_y and hi_y <= EXTENT[3]
    return EXTENT if inside else (lo_x, hi_x, lo_y, hi_y)


def log_slider(value, description: str, style_, layout) -> widgets.FloatLogSlider:
    """A learning-rate slider on 1e-5 … 10^-1.5, widened to include ``value`` (never clamped)."""
    exponent = math.log10(positive_float(value, description.replace("generator ", "").replace(" ", "_")))
    lo, hi = min(-5.0, math.floor(exponent * 4) / 4), max(-1.5, math.ceil(exponent * 4) / 4)
    return widgets.FloatLogSlider(value=value, base=10, min=lo, max=hi, step=0.25, description=description,
                                  style=style_, layout=layout, continuous_update=False, readout_format=".1e")


def custom_key(name: str) -> str:
    """A dropdown key for your own target that never shadows a built-in one."""
    return f"{name} (yours)" if name in TARGETS or name in PRESETS else name


def noise_label(components: int) -> str:
    """How the lab names a generator's noise: "Gaussian only (paper)" or "Gaussian + K components"."""
    return f"Gaussian + {components} components" if components else "Gaussian only (paper)"


def noise_options(components: int) -> list[tuple[str, int]]:
    """Dropdown choices for the generator's noise: (label, number of components)."""
    choices = sorted({128, 16, 0, int(components)}, reverse=True)
    return [(noise_label(k), k) for k in choices]


def outside_share(points, extent) -> float:
    """Fraction of the points (n, 2) outside the drawn square ``extent``."""
    x = np.asarray(points)[:, :2]
    inside = (x[:, 0] >= extent[0]) & (x[:, 0] <= extent[1]) & (x[:, 1] >= extent[2]) & (x[:, 1] <= extent[3])
    return float(1 - inside.mean()) if len(x) else 0.0


def loss_equation(generator_loss, divergence: str = "gan") -> str:
    """HTML with LaTeX for the critic objective and the generator loss (for ``HTMLMath``).

    ``generator_loss``: a name of ``GENERATOR_LOSSES``, or a list of names (a twin: one line each).
    """
    div = divergences.get(divergence)
    names = [generator_loss] if isinstance(generator_loss, str) else list(generator_loss)
    lines = []
    for name in names:
        row = GENERATOR_LOSSES[name]
        gan = f" (GAN: ${row.latex_gan}$ per sample)" if div.name == "gan" else ""
        lines.append(f"<b>generator</b> ({name}): ${row.latex}${gan}")
    return (f"<b>critic</b> ({div.title}): $\\max_\\phi\\ \\mathbb E_P[g_f(V)]-\\mathbb E_Q[f^*(g_f(V))]$, "
            f"$f^*(t)={div.f_star_latex}$<br>" + "<br>".join(lines) + "<br>boundary: $w=1$ (black line)")


def _side(value, position: int) -> dict:
    """One run's own settings from one element of a twin ``pair``."""
    if isinstance(value, str):
        if value not in GENERATOR_LOSSES:
            raise ValueError(f"pair[{position}] must be a generator loss {sorted(GENERATOR_LOSSES)}, a number of "
                             f"noise components (0: Gaussian only) or a dict of {list(SIDE_KEYS)}; got {value!r}")
        return {"generator_loss": value}
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return {"components": positive_int(int(value), f"pair[{position}]", 0)}
    if isinstance(value, dict):
        unknown = set(value) - set(SIDE_KEYS)
        if unknown or not value:
            raise ValueError(f"pair[{position}] as a dict may set {list(SIDE_KEYS)}; got keys {sorted(value)}")
        out = dict(value)
        if "generator_loss" in out:
            _side(out["generator_loss"], position)
        if "components" in out:
            out["components"] = positive_int(out["components"], f"pair[{position}]['components']", 0)
        if "divergence" in out:
            out["divergence"] = divergences.get(out["divergence"]).name
        return out
    raise TypeError(f"pair[{position}] must be a generator loss name, an int or a dict; got {type(value).__name__}")


def twin_sides(pair) -> list[dict]:
    """The settings each of a twin's two runs has of its own, from ``pair``.

    ``("boundary_seeking", "non_saturating")``: two generator losses; ``(0, 128)``: Gaussian-only noise vs a
    128-component code; or two dicts of :data:`SIDE_KEYS`. The two runs must differ in something.
    """
    if not isinstance(pair, (tuple, list)) or len(pair) != 2:
        raise ValueError(f"pair must hold two runs' settings, e.g. ('boundary_seeking', 'non_saturating'); got {pair!r}")
    sides = [_side(value, i) for i, value in enumerate(pair)]
    if sides[0] == sides[1]:
        raise ValueError(f"the two runs of pair must differ; got {pair!r} twice the same")
    keys = set(sides[0]) | set(sides[1])
    for key in keys:                                  # a key set on one side only: the other side's default
        for side in sides:
            side.setdefault(key, None)
    return sides


def side_title(side: dict, shared: dict) -> str:
    """A run's title: what is its own (``side``), named as the legends name it."""
    parts = []
    if side.get("generator_loss") is not None:
        parts.append(style.method_label(side["generator_loss"]))
    if side.get("divergence") is not None:
        parts.append(style.divergence_title(side["divergence"]))
    if side.get("components") is not None:
        parts.append(noise_label(side["components"]))
    return ", ".join(parts) or style.method_label(shared["generator_loss"])


def make_controls(target, divergence, generator_loss, steps_per_tick, options: dict, targets: list,
                  trails: bool) -> dict:
    """Every control of the lab, built from the starting values (a value outside a default range widens it)."""
    st, lay = {"description_width": "120px"}, widgets.Layout(width="360px")
    critic_steps = positive_int(options.get("critic_steps", DEFAULTS["critic_steps"]), "critic_steps")
    batch = positive_int(options.get("batch_size", DEFAULTS["batch_size"]), "batch_size")
    components = options.get("components", DEFAULTS["components"])
    return {
        "target": widgets.Dropdown(options=targets, value=target, description="target", style=st),
        "divergence": widgets.Dropdown(options=divergences.names(), value=divergence, description="divergence",
                                       style=st),
        "generator_loss": widgets.Dropdown(options=list(GENERATOR_LOSSES), value=generator_loss,
                                           description="generator loss", style=st),
        "components": widgets.Dropdown(options=noise_options(components), value=components,
                                       description="generator noise", style=st, layout=lay),
        "lr": log_slider(options.get("lr", DEFAULTS["lr"]), "generator lr", st, lay),
        "critic_lr": log_slider(options.get("critic_lr", DEFAULTS["critic_lr"]), "critic lr", st, lay),
        "critic_steps": widgets.IntSlider(value=critic_steps, min=1, max=max(10, critic_steps),
                                          description="critic steps / G step", style=st, layout=lay,
                                          continuous_update=False),
        "batch_size": widgets.SelectionSlider(options=sorted({*BATCH_SIZES, batch}), value=batch,
                                              description="batch size", style=st, layout=lay),
        "train_critic": widgets.Button(description="train critic one step"),
        "train_generator": widgets.Button(description="train generator one step"),
        "reset": widgets.Button(description="reset", button_style="warning"),
        "play": widgets.Play(value=0, min=0, max=10**9, interval=150, description="play/pause"),
        "steps_per_tick": widgets.IntSlider(value=positive_int(steps_per_tick, "steps_per_tick"), min=1,
                                            max=max(200, steps_per_tick), description="steps per tick", style=st,
                                            continuous_update=False),
        "trails": widgets.Checkbox(value=bool(trails), description="sample trails (30 fixed z)", indent=False),
        "history": widgets.IntSlider(value=0, min=0, max=0, description="history", style=st, layout=lay),
    }
