r"""Displays for notebooks 01-02: the Fenchel tangent picture, densities p, q, p̃, bound curves, SNIS.

Each display owns its matplotlib artists; ``update(...)`` mutates them in place (``set_data``,
``set_height``, ``set_text``) and calls ``draw_idle``. Math comes from :mod:`bgan_teach.divergences`
and :mod:`bgan_teach.training.bound`; nothing here computes more than a plotting grid.
"""
from __future__ import annotations

import numpy as np
import torch

from .._checks import in_interval, real
from ..divergences import get
from . import style
from .figures import figure, settle_layout, tight_layout

__all__ = ["FenchelDisplay", "DensityDisplay", "BoundCurveDisplay", "SNISDisplay", "plot_bound_results",
           "results_table"]

F64 = torch.float64
P_COLOR, Q_COLOR, TILDE_COLOR = style.DATA, style.GENERATED, style.TILDE


def _mathtext(latex: str) -> str:
    """The divergence table's LaTeX, restricted to what matplotlib's mathtext parses."""
    for old, new in ((r"\tfrac", r"\frac"), (r"\;", r"\ "), (r"\ge", r"\geq"), (r"\le ", r"\leq ")):
        latex = latex.replace(old, new)
    return latex


def _np(t) -> np.ndarray:
    return t.detach().cpu().numpy() if isinstance(t, torch.Tensor) else np.asarray(t, dtype=float)


class FenchelDisplay:
    r"""Left: $f(u)$ and the line of slope $t$ touching it, $y = tu - f^*(t)$, at $u^* = (f^*)'(t)$.

    Its intercept at $u = 0$ is $-f^*(t)$: the conjugate *is* the tangent's height (`docs/math.md` §2.2).
    Right: $f^*(t)$ with the point $t$; its slope there is $u^* = w$, the importance weight (`docs/math.md` §3.2).
    """

    def __init__(self, divergence="kl", t: float | None = None, axes=None, u_max: float = 4.0,
                 key: str = "fenchel") -> None:
        self.u_max = in_interval(u_max, "u_max", 0.2, float("inf"), "()")            # the tangents span u in [0.2, u_max]
        get(divergence)
        if axes is None:
            _, axes = figure(key, ncols=2, figsize=(9.6, 4.4), dpi=style.WIDGET_DPI, layout=None)
        self.ax_f, self.ax_star = axes
        self.u = torch.linspace(1e-3, u_max, 400, dtype=F64)
        (self.f_line,) = self.ax_f.plot([], [], color="k", lw=2, label="$f(u)$")
        (self.tangent,) = self.ax_f.plot([], [], color="tab:red", lw=1.5, label="line of slope $t$")
        (self.touch,) = self.ax_f.plot([], [], "o", color="tab:red", label="touches at $u^*=(f^*)'(t)$")
        (self.intercept,) = self.ax_f.plot([], [], "s", color="tab:purple", label="intercept $-f^*(t)$")
        (self.star_line,) = self.ax_star.plot([], [], color="k", lw=2, label="$f^*(t)$")
        (self.star_point,) = self.ax_star.plot([], [], "o", color="tab:red", label="$f^*$ at $t$")
        (self.star_slope,) = self.ax_star.plot([], [], color=style.TILDE, lw=2, label="its slope: $w=u^*$")
        self.text = self.ax_star.text(0.98, 0.03, "", transform=self.ax_star.transAxes, ha="right", va="bottom",
                                      fontsize=style.FONT["text"])   # f* is non-decreasing: the lower right stays empty
        for ax, xl in ((self.ax_f, "$u = p/q$"), (self.ax_star, "$t$")):
            ax.axvline(0, color="0.8", lw=0.8)
            ax.axhline(0, color="0.8", lw=0.8)
            ax.set_xlabel(xl)
        self.ax_f.set_ylabel("$f(u)$")
        self.ax_star.set_ylabel("$f^*(t)$")
        style.legend(self.ax_f, "below", ncol=2)
        style.legend(self.ax_star, "below", ncol=2)
        self.set_divergence(divergence, t)
        settle_layout(self.ax_f.figure)

    def t_range(self) -> tuple[float, float]:
        """Slopes of f between u = 0.2 and u = u_max: every such tangent touches the plotted curve."""
        lo, hi = self.div.f_prime(torch.tensor([0.2, self.u_max], dtype=F64)).tolist()
        return lo, hi

    def set_divergence(self, divergence, t: float | None = None) -> None:
        """Redraw f and f* for another divergence (same artists); ``t`` defaults to f'(1)."""
        self.div = get(divergence)
        t = None if t is None else real(t, "t")
        lo, hi = self.t_range()
        self.ts = torch.linspace(lo, hi, 400, dtype=F64)
        fu, fs = _np(self.div.f(self.u)), _np(self.div.f_star(self.ts))
        self.f_line.set_data(_np(self.u), fu)
        self.star_line.set_data(_np(self.ts), fs)
        shown = fu[_np(self.u) >= 0.2]
        ys = np.concatenate([shown, -fs])
        pad = 0.1 * (ys.max() - ys.min())
        self.ax_f.set(xlim=(-0.1, self.u_max), ylim=(ys.min() - pad, ys.max() + pad))
        self.ax_f.set_title(f"{self.div.title}:  $f(u) = {_mathtext(self.div.f_latex)}$", fontsize=style.FONT["title"])
        self.ax_star.set(xlim=(lo, hi), ylim=(fs.min() - pad, fs.max() + pad))
        self.ax_star.set_title(f"$f^*(t) = {_mathtext(self.div.f_star_latex)}$", fontsize=style.FONT["title"])
        self.update(float(self.div.f_prime(torch.tensor(1.0, dtype=F64))) if t is None else t)

    def update(self, t: float) -> None:
        """Move the tangent to slope ``t`` (must lie in dom f*)."""
        tt = torch.tensor(real(t, "t"), dtype=F64)
        fs, u_star = float(self.div.f_star(tt)), float(self.div.weight(tt))
        self.t, self.u_star, self.f_star_t = float(t), u_star, fs
        self.tangent.set_data([0, self.u_max], [-fs, self.t * self.u_max - fs])
        self.touch.set_data([u_star], [self.t * u_star - fs])
        self.intercept.set_data([0], [-fs])
        self.star_point.set_data([self.t], [fs])
        half = 0.1 * (self.ts[-1] - self.ts[0]).item()
        self.star_slope.set_data([self.t - half, self.t + half], [fs - u_star * half, fs + u_star * half])
        self.text.set_text(f"t = {self.t:.3f}\nu* = (f*)'(t) = {u_star:.3f}\n"
                           f"f*(t) = {fs:.3f}  (intercept {-fs:.3f})")
        self.ax_f.figure.canvas.draw_idle()


class DensityDisplay:
    r"""Bars of $p$ and $q$ over the support, and $\tilde p = wq/\beta$ as a line, with a readout."""

    def __init__(self, p, q, ax=None, tilde_label=r"$\tilde p = wq/\beta$", key: str = "density") -> None:
        if _np(p).ndim != 1 or _np(p).shape != _np(q).shape or not len(_np(p)):
            raise ValueError(f"p and q must be non-empty 1-D tables of the same length; got shapes "
                             f"{_np(p).shape} and {_np(q).shape}")
        if ax is None:
            _, ax = figure(key, figsize=(8.6, 3.4))
        self.ax, x = ax, np.arange(len(p))
        self.p_bars = ax.bar(x, _np(p), width=0.8, color=P_COLOR, alpha=0.35, label="$p$ (data)")
        (self.q_line,) = ax.step(x, _np(q), where="mid", color=Q_COLOR, lw=1.8, label="$q$ (model)")
        (self.tilde,) = ax.plot(x, _np(q), "o-", color=TILDE_COLOR, ms=4, label=tilde_label)
        self.text = ax.text(1.02, 0.0, "", transform=ax.transAxes, ha="left", va="bottom",
                            fontsize=style.FONT["text"])                 # beside the axes, under the legend
        top = max(_np(p).max(), _np(q).max())
        ax.set(xlabel="support point $x$", ylabel="probability", ylim=(0, 1.15 * top))
        style.integer_axis(ax.xaxis)
        style.legend(ax, "right")
        tight_layout(ax.figure)

    def update(self, p_tilde, readout: str = "") -> None:
        """Move the p̃ line (same artist) and replace the readout text."""
        self.tilde.set_ydata(_np(p_tilde))
        self.text.set_text(readout)
        self.ax.figure.canvas.draw_idle()


class BoundCurveDisplay:
    """Batch estimate (running mean with a ±1 sd band), the critic's exact-expectation bound, ``exact`` (dashed)."""

    def __init__(self, result, ax=None, legend: bool = True, key: str = "bound_curve") -> None:
        if ax is None:
            _, ax = figure(key, figsize=(6, 3.2))
        self.ax, h = ax, result.history
        window = max(1, len(h) // 25)
        kernel = np.ones(window) / window
        smooth = np.convolve(h["bound"], kernel, mode="valid")                      # running mean
        spread = np.sqrt(np.maximum(np.convolve(h["bound"] ** 2, kernel, mode="valid") - smooth**2, 0))  # running sd
        steps = h["step"][window - 1:]
        ax.fill_between(steps, smooth - spread, smooth + spread, color="0.85", lw=0,
                        label="batch estimates: ±1 sd" if window > 1 else None)
        ax.plot(steps, smooth, color="0.35", lw=1, label=f"batch estimate ({window}-step mean)")
        ax.plot(h["step"], h["exact_bound"], color=style.divergence_color(result.divergence), lw=2,
                label="critic's bound (exact $\\mathbb{E}$)")
        style.reference_line(ax, result.exact, "$D_f(P\\|Q)$ exact", index=1)
        self.marker = ax.axvline(0, color="tab:red", lw=1, alpha=0.0)
        lo = min(np.nanpercentile(h["exact_bound"], 3), np.nanpercentile(smooth - spread, 3))
        hi = max(result.exact, np.nanmax(smooth + spread))
        pad = 0.1 * abs(hi - lo) + 1e-3
        critic = result.config.get("critic", "table")
        title = get(result.divergence).title + ("" if critic == "table" else f" · {critic} critic")
        ax.set(ylim=(lo - pad, hi + pad), xlabel="step", ylabel="bound (nats)", title=title)
        style.integer_axis(ax.xaxis)
        if legend:
            style.legend(ax, "below")

    def update(self, step: int) -> None:
        """Show a vertical marker at ``step`` (for the snapshot slider)."""
        self.marker.set_xdata([step, step])
        self.marker.set_alpha(1.0)
        self.ax.figure.canvas.draw_idle()


def plot_bound_results(results, key: str = "bound_results", ncols: int = 4):
    """Small multiples, one :class:`BoundCurveDisplay` per result, one legend under them. Returns (fig, displays)."""
    nrows = -(-len(results) // ncols)
    fig, axes = figure(key, nrows=nrows, ncols=ncols, figsize=(style.MAX_WIDTH_IN - 0.2, 2.5 * nrows + 0.6),
                       squeeze=False, layout="constrained")
    displays = [BoundCurveDisplay(r, ax, legend=False) for r, ax in zip(results, axes.flat)]
    for ax in axes.flat[len(results):]:
        ax.set_visible(False)
    for ax in axes[:, 1:].flat:
        ax.set_ylabel("")
    fig.legend(*axes.flat[0].get_legend_handles_labels(), loc="outside lower center", ncol=3,
               fontsize=style.FONT["legend"])
    return fig, displays


def results_table(results) -> str:
    """A Markdown table: divergence, exact $D_f$, the trained critic's bound, the batch estimate, gap."""
    rows = ["| divergence | exact $D_f(P\\Vert Q)$ | critic's bound (exact $\\mathbb{E}$) | batch estimate (last 20%) | gap |",
            "|---|---|---|---|---|"]
    for r in results:
        rows.append(f"| {get(r.divergence).title} | {r.exact:.4f} | {r.final_bound:.4f} | {r.estimate():.4f} "
                    f"| {r.exact - r.final_bound:.1e} |")
    return "\n".join(rows)


class SNISDisplay:
    r"""Per-z vs global self-normalisation: weighted sample histograms against their exact targets.

    Left: $\frac1B\sum_b\sum_m \tilde w_{mb}\,\delta_{x_{mb}}$ (softmax over the M samples of each z)
    against $\sum_z h(z)\tilde p(x\mid z)$. Right: the globally normalised histogram against $p$.
    """

    def __init__(self, per_z_target, p, q, axes=None, key: str = "snis") -> None:
        if axes is None:
            _, axes = figure(key, ncols=2, figsize=(9.6, 4.2), sharey=True, dpi=style.WIDGET_DPI, layout=None)
        self.axes, x = axes, np.arange(len(p))
        self.lines, self.texts = [], []
        titles = ("per z: softmax over the M samples of one z", "global: softmax over all M·B samples")
        targets = ((per_z_target, r"$\sum_z h(z)\,\tilde p(x|z)$"), (p, "$p$"))
        for ax, title, (target, label) in zip(axes, titles, targets):
            ax.bar(x, _np(target), width=0.8, color=P_COLOR, alpha=0.35, label=label + " (exact)")
            ax.step(x, _np(q), where="mid", color=Q_COLOR, lw=1.5, label="$q$ (model)")
            self.lines.append(ax.plot(x, np.zeros(len(x)), "o-", color=TILDE_COLOR, ms=3, label="weighted estimate")[0])
            self.texts.append(ax.text(0.99, 0.97, "", transform=ax.transAxes, ha="right", va="top",
                                      fontsize=style.FONT["text"]))
            ax.set_title(title, fontsize=style.FONT["title"])
            ax.set(xlabel="support point $x$")
            style.integer_axis(ax.xaxis)
            style.legend(ax, "below", ncol=2)
        axes[0].set_ylabel("probability")
        axes[0].set_ylim(0, 1.45 * float(max(_np(p).max(), _np(per_z_target).max(), _np(q).max())))
        settle_layout(axes[0].figure)

    def update(self, hist_per_z, hist_global, readouts=("", "")) -> None:
        """Replace both estimate lines and readouts in place."""
        for line, text, hist, readout in zip(self.lines, self.texts, (hist_per_z, hist_global), readouts):
            line.set_ydata(_np(hist))
            text.set_text(readout)
        self.axes[0].figure.canvas.draw_idle()
