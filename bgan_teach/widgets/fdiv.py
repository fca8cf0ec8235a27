"""Glue for notebooks 01-02: sliders and dropdowns wired to the displays in :mod:`plotting.fdiv`.

Every function returns a :class:`Lab` with ``.controls`` (dict of widgets), ``.display`` and ``.box``
(show it as a cell's last expression). Slider moves only mutate artists from precomputed data.
With ipympl the figure canvas sits in the box; with static figures (``BGAN_STATIC=1``) the box holds
an ``Output`` that re-displays the figure after each change.
"""
from __future__ import annotations


import ipywidgets as W

from ..divergences import get, names
from ..plotting.fdiv import BoundCurveDisplay, DensityDisplay, FenchelDisplay, SNISDisplay
from ..plotting import style
from ..plotting.figures import figure, settle_layout
from ..training.bound import conditional_targets, snis_estimates
from .panel import Lab, Panel

__all__ = ["Lab", "fenchel_lab", "bound_scrubber", "snis_lab"]


def fenchel_lab(divergence: str = "kl", key: str = "fenchel") -> Lab:
    """Divergence dropdown + slope slider t: the tangent of slope t touches f at u* = (f*)'(t)."""
    display = FenchelDisplay(divergence, key=key)
    lo, hi = display.t_range()
    dropdown = W.Dropdown(options=[(get(n).title, n) for n in names()], value=get(divergence).name,
                          description="divergence")
    slider = W.FloatSlider(value=display.t, min=lo, max=hi, step=(hi - lo) / 200, description="slope t",
                           readout_format=".3f", continuous_update=True)
    controls = {"divergence": dropdown, "t": slider}
    panel = Panel(controls, display.ax_f.figure)

    def new_divergence(name: str) -> None:
        display.set_divergence(name)
        lo, hi = display.t_range()
        with slider.hold_trait_notifications():
            slider.max, slider.min = max(hi, slider.min), lo
            slider.max, slider.step, slider.value = hi, (hi - lo) / 200, display.t

    panel.on(dropdown, new_divergence)
    panel.on(slider, display.update)
    panel.scrubbed_by(slider)
    panel.refresh()
    return Lab(controls, display, panel.box)


def bound_scrubber(result, key: str = "scrubber") -> Lab:
    """Snapshot slider over a :func:`~bgan_teach.training.bound.fit_bound` result.

    Redraws p̃ = wq/β against p and q, with β and the population ESS read out, and moves a marker
    on the bound curve. All views are computed once, here.
    """
    views = [result.view(i) for i in range(len(result.snapshots))]
    fig, (ax_d, ax_b) = figure(key, ncols=2, figsize=(10.2, 4.2), dpi=style.WIDGET_DPI, layout=None,
                               gridspec_kw={"width_ratios": [3, 2]})
    density, curve = DensityDisplay(result.p, result.q, ax_d), BoundCurveDisplay(result, ax_b, legend=False)
    fig.legend(*ax_b.get_legend_handles_labels(), loc="outside lower right", ncol=3, fontsize=style.FONT["legend"])
    settle_layout(fig)
    slider = W.IntSlider(value=0, min=0, max=len(views) - 1, description="snapshot", continuous_update=True)
    controls = {"step": slider}
    panel = Panel(controls, fig)

    def show(index: int) -> None:
        view = views[index]
        density.update(view["p_tilde"], f"step {view['step']}\nβ = {view['beta']:.3f}\nESS/N = {view['ess']:.3f}")
        curve.update(view["step"])

    show(0)
    panel.refresh()
    panel.on_snapshots(slider, show)
    return Lab(controls, {"density": density, "curve": curve, "views": views}, panel.box)


def snis_lab(toy, log_w, ms=(1, 2, 5, 10, 20, 50), batch: int = 64, seed: int = 0, per_z_target=None,
             start: int | None = None, key: str = "snis") -> Lab:
    """Slider over M (samples per z): per-z vs global self-normalised histograms with ESS readouts.

    ``per_z_target`` is the exact $\\sum_z h(z)\\tilde p(x|z)$ (K,) drawn as bars on the left (computed
    from ``toy`` and ``log_w`` when omitted); ``start`` is the initial M (default: the middle of ``ms``).
    """
    runs = {m: snis_estimates(toy, log_w, m, batch, seed) for m in ms}
    if per_z_target is None:
        per_z_target = toy.h @ conditional_targets(toy, log_w)
    display = SNISDisplay(per_z_target, toy.p, toy.q, key=key)
    start = ms[len(ms) // 2] if start is None else start
    slider = W.SelectionSlider(options=list(ms), value=start, description="M per z", continuous_update=True)
    controls = {"m": slider}
    panel = Panel(controls, display.axes[0].figure)

    def show(m: int) -> None:
        run = runs[m]
        display.update(run["hist_per_z"], run["hist_global"],
                       (f"mean ESS per z = {float(run['ess_z'].mean()):.2f} of M = {m}",
                        f"ESS = {run['ess_global']:.1f} of M·B = {m * batch}"))

    show(start)
    panel.refresh()
    panel.on(slider, show)
    panel.scrubbed_by(slider)
    return Lab(controls, {"display": display, "runs": runs}, panel.box)
