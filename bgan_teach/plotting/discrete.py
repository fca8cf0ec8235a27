r"""Displays for discrete BGAN on grid toys (notebook 03), each drawn once and updated in place.

- :class:`TableDisplay`: a (K, K) probability table as a heatmap (target or generator marginal q).
- :class:`LogWeightDisplay`: the critic's $\log w(x)$ on every cell, with the boundary $w = 1$
  ($\log w = 0$) as a contour: where the critic judges $p = q$ (`docs/math.md` §3.4).
- :class:`CurveDisplay`: a training curve (exact JS) with reference lines and a moving step marker.
- :class:`GridTrainingDisplay`: the four together, driven by a snapshot index; every array comes from
  ``Snapshot.extras`` (``q``, ``log_w``, ``js``) precomputed by ``train_discrete``.
- :class:`WeightBarsDisplay`: the normalised weights $\tilde w_{mb}$ as bars, one panel per z, with ESS.

Tables are indexed ``[x-cell, y-cell]`` (position 0 horizontal), drawn with ``imshow(table.T, origin="lower")``.
Colours, fonts and legends follow :mod:`bgan_teach.plotting.style`; every heatmap has a labelled colorbar.
"""
from __future__ import annotations

import numpy as np
from matplotlib.ticker import FormatStrFormatter, LogLocator, NullLocator

from .._checks import ArgumentTypeError, positive_float, positive_int
from . import style
from .figures import tight_layout

__all__ = ["TableDisplay", "LogWeightDisplay", "CurveDisplay", "GridTrainingDisplay", "WeightBarsDisplay",
           "plot_js_curves", "plot_samples_per_z", "format_table"]


def _array(x, name: str = "values", ndim: int | None = None) -> np.ndarray:
    """``x`` (a tensor or array-like of numbers) as a float64 array, with ``ndim`` axes when given."""
    if hasattr(x, "detach"):
        x = x.detach().cpu().double().numpy()
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError) as err:
        raise ArgumentTypeError(f"{name} must be an array of numbers; got {type(x).__name__}") from err
    if ndim is not None and (arr.ndim != ndim or arr.size == 0):
        raise ValueError(f"{name} must be a non-empty {ndim}-D array; got shape {arr.shape}")
    return arr


class TableDisplay:
    """Heatmap of a probability table; the colour scale is fixed at ``vmax`` so frames compare.

    ``colorbar``: a label for a colorbar beside it (``None``: none, e.g. a panel that shares the next one's).
    """

    def __init__(self, ax, table, extent=None, title: str = "", vmax: float | None = None, cmap=style.PROB_CMAP,
                 colorbar: str | None = "probability"):
        table = _array(table, "table", 2)
        self.ax = ax
        self.image_ = ax.imshow(table.T, origin="lower", extent=extent, cmap=cmap, vmin=0,
                                vmax=vmax if vmax is not None else table.max(), interpolation="nearest")
        ax.set_title(title, fontsize=style.FONT["title"])
        ax.set(xticks=[], yticks=[])
        top = float(self.image_.get_clim()[1])
        self.colorbar_ = style.colorbar(self.image_, ax, colorbar, ticks=[0, top / 2, top]) if colorbar else None

    def update(self, table, title: str | None = None) -> None:
        self.image_.set_data(_array(table, "table", 2).T)
        if title is not None:
            self.ax.set_title(title, fontsize=style.FONT["title"])


LOG_W_LABEL = "critic log w(x)\nblue: w > 1, orange: w < 1"      # plain text: mathtext costs time at every redraw


class LogWeightDisplay:
    r"""$\log w$ heatmap on a symmetric range (blue: w > 1, the critic judges "more data than model";
    orange: w < 1) with the $w = 1$ contour and a labelled colorbar."""

    def __init__(self, ax, log_w, extent=None, limit: float = 4.0,
                 title: str = "critic log w\nblack line: w = 1 (judges p = q)"):
        self.ax, self.extent, self.contour_ = ax, extent, None
        limit = positive_float(limit, "limit")
        self.image_ = ax.imshow(_array(log_w, "log_w", 2).T, origin="lower", extent=extent, cmap=style.CRITIC_CMAP,
                                vmin=-limit, vmax=limit, interpolation="nearest")
        ax.set_title(title, fontsize=style.FONT["title"])
        ax.set(xticks=[], yticks=[])
        self.colorbar_ = style.colorbar(self.image_, ax, LOG_W_LABEL, ticks=[-limit, 0, limit])   # 3 labels: cheap
        self.update(log_w)

    def update(self, log_w) -> None:
        log_w = _array(log_w, "log_w", 2)
        self.image_.set_data(log_w.T)
        if self.contour_ is not None:
            self.contour_.remove()
            self.contour_ = None
        if log_w.min() < 0 < log_w.max():              # a boundary exists only if log w changes sign
            self.contour_ = self.ax.contour(log_w.T, levels=[0.0], colors=style.BOUNDARY, linewidths=1.5,
                                            extent=self.extent, origin="lower")


def log_ticks(ax, lo: float, hi: float) -> None:
    """Labelled log ticks at 1, 2, 5 × 10^k over at most 1.5 decades, 1, 3 × 10^k up to 3, else 10^k; no minor ticks."""
    decades = np.log10(hi / lo) if lo > 0 and hi > lo else 1.0
    subs = (1.0, 2.0, 5.0) if decades <= 1.5 else (1.0, 3.0) if decades <= 3 else (1.0,)
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=subs))
    ax.yaxis.set_major_formatter(FormatStrFormatter("%g"))
    ax.yaxis.set_minor_locator(NullLocator())


def reference_lines(ax, references: dict | None) -> list:
    """Reference levels (name → value) as grey lines, one line style each (never a run's colour)."""
    return [style.reference_line(ax, level, f"{name}: {level:.3g}", i)
            for i, (name, level) in enumerate((references or {}).items())]


class CurveDisplay:
    """A curve over steps (NaN entries skipped) with horizontal reference lines and a step marker."""

    def __init__(self, ax, steps, values, label: str = "exact JS (nats)", references: dict | None = None,
                 log: bool = True, legend: str = "below"):
        steps, values = _array(steps), _array(values)
        keep = np.isfinite(values)
        self.ax = ax
        (self.line_,) = ax.plot(steps[keep], values[keep], lw=1.8, color=style.method_color("bgan"), label=label)
        reference_lines(ax, references)
        self.marker_ = ax.axvline(steps[0] if len(steps) else 0, color="k", lw=1, label="shown step")
        levels = np.concatenate([values[keep], list((references or {}).values())])
        if log and keep.any() and (levels > 0).all():
            ax.set_yscale("log")
            log_ticks(ax, levels.min(), levels.max())
        ax.set(xlabel="step", ylabel=label)
        style.integer_axis(ax.xaxis)
        style.legend(ax, legend)

    def update(self, step: float) -> None:
        self.marker_.set_xdata([step, step])


class GridTrainingDisplay:
    """Target | generator q | critic log w with w = 1 | exact-JS curve, scrubbed by snapshot index."""

    def __init__(self, axes, target, result, extent=None, references: dict | None = None):
        if not result.snapshots or "q" not in result.snapshots[0].extras:
            raise ValueError("result must come from train_discrete(..., target=...) so snapshots hold q and log_w")
        target = _array(target)
        self.snapshots = result.snapshots
        vmax = float(target.max())
        self.target = TableDisplay(axes[0], target, extent, "target p (exact)", vmax, colorbar=None)
        first = self.snapshots[0].extras
        self.model = TableDisplay(axes[1], first["q"], extent, "", vmax, colorbar="probability (p and q)")
        self.critic = LogWeightDisplay(axes[2], first["log_w"], extent)
        h = result.history
        self.curve = (CurveDisplay(axes[3], h["step"], h["js"], references=references, legend="right")
                      if "js" in h.keys() else None)
        self.update(0)

    def update(self, index: int) -> None:
        snap = self.snapshots[index]
        self.model.update(snap.extras["q"], f"generator q, step {snap.step}\nJS = {snap.extras.get('js', np.nan):.4f}")
        self.critic.update(snap.extras["log_w"])
        if self.curve is not None:
            self.curve.update(snap.step)


class WeightBarsDisplay:
    r"""Bars of $\tilde w_{m}$ for each of the first few z (one axes per z); titles give ESS = 1/Σ w̃²."""

    def __init__(self, axes, log_w):
        self.axes = list(np.atleast_1d(axes))
        w = self._normalised(log_w)
        m = w.shape[0]
        self.bars_ = [ax.bar(np.arange(m), w[:, b], color=style.TILDE) for b, ax in enumerate(self.axes)]
        for b, ax in enumerate(self.axes):
            style.reference_line(ax, 1 / m, f"uniform $1/M$ = 1/{m}", 1)
            ax.set(ylim=(0, 1), xticks=[], xlabel=f"the {m} samples of z{b}")
        self.axes[0].set_ylabel(r"$\tilde w$ (sums to 1 per z)")
        self.update(log_w)

    def _normalised(self, log_w) -> np.ndarray:
        log_w = _array(log_w, "log_w", 2)[:, : len(self.axes)]         # (M, n_z)
        w = np.exp(log_w - log_w.max(0, keepdims=True))
        return w / w.sum(0, keepdims=True)

    def update(self, log_w) -> np.ndarray:
        """Set bar heights from log w (M, B); returns the ESS of each shown z."""
        w = self._normalised(log_w)
        ess = 1 / (w**2).sum(0)
        for b, (bars, ax) in enumerate(zip(self.bars_, self.axes)):
            for bar, height in zip(bars, w[:, b]):
                bar.set_height(height)
            ax.set_title(f"z{b}: ESS = {ess[b]:.1f}", fontsize=style.FONT["title"])
        return ess


def plot_samples_per_z(axes, p, extent, centres, x_m, w_tilde) -> list:
    r"""One panel per z: the target $p$ in grey, the M samples of that z as generated-colour dots sized ∝ $\tilde w$.

    ``centres`` (K,): cell centres; ``x_m`` (M, B, 2) sampled cells; ``w_tilde`` (M, B). One colorbar for $p$.
    """
    axes = list(np.ravel(axes))
    centres, x_m, w = _array(centres), np.asarray(x_m), _array(w_tilde, "w_tilde", 2)
    tables = []
    for b, ax in enumerate(axes):
        tables.append(TableDisplay(ax, p, extent, f"z{b}: its {w.shape[0]} samples", cmap="Greys",
                                   colorbar=None if b < len(axes) - 1 else "target probability p"))
        ax.scatter(centres[x_m[:, b, 0]], centres[x_m[:, b, 1]], s=400 * w[:, b] + 6, c=style.GENERATED,
                   edgecolors="k", linewidths=0.6, alpha=0.85, label="a sample of this z, area ∝ $\\tilde w$")
    axes[0].figure.legend(handles=axes[0].collections[:1], loc="outside lower center", fontsize=style.FONT["legend"])
    return tables


def run_styles(names) -> dict[str, dict]:
    """``plot`` keywords per run name: a method's or a divergence's own style, else an ordered colour ramp."""
    from ..divergences import DIVERGENCES

    names = list(names)
    ramp = dict(zip(names, style.ordered_colors(len(names))))
    out = {}
    for i, name in enumerate(names):
        if name in DIVERGENCES:
            out[name] = {"color": style.divergence_color(name), "label": style.divergence_title(name),
                         "ls": ("-", "--", "-.")[i % 3]}
            continue
        try:
            out[name] = {**style.method_style(name), "label": style.method_label(name)}
        except ValueError:
            out[name] = {"color": ramp[name], "label": name, "marker": "os^Dv"[i % 5], "markevery": 0.1, "ms": 4}
    return out


def overlapping(results: dict, name: str, x: str = "step", tol: float = 0.02) -> str | None:
    """The first earlier run whose JS curve lies within a factor ``1 ± tol`` of ``name``'s at every step."""
    h = results[name].history
    for other in results:
        if other == name:
            return None
        g = results[other].history
        if len(g) == len(h) and np.array_equal(g[x], h[x]):
            a, b = np.asarray(h["js"], dtype=float), np.asarray(g["js"], dtype=float)
            keep = np.isfinite(a) & np.isfinite(b) & (a > 0) & (b > 0)
            if keep.any() and np.abs(np.log(a[keep] / b[keep])).max() < tol:
                return other
    return None


def plot_js_curves(ax, results: dict, references: dict | None = None, x: str = "step", title: str = ""):
    """Exact-JS curves of several runs (name → TrainResult) on one log-scale axes, with grey reference lines.

    Runs named after an estimator, a generator loss or a divergence get the standard's colour for it; line
    styles and markers differ, so curves that lie on top of each other still show both.
    """
    levels, styles = list((references or {}).values()), run_styles(results)
    for name, kw in styles.items():
        h, kw = results[name].history, dict(kw)
        keep = np.isfinite(h["js"])
        twin = overlapping(results, name, x)
        label = kw.pop("label") + (f"\n(on top of {styles[twin]['label']})" if twin else "")
        ax.plot(h[x][keep], h["js"][keep], lw=1.6, label=label, **kw)
        levels += list(h["js"][keep])
    reference_lines(ax, references)
    ax.set(yscale="log", xlabel="training seconds" if x == "seconds" else "step", ylabel="exact JS (nats)")
    levels = np.asarray(levels, dtype=float)
    if len(levels) and (levels > 0).all():
        log_ticks(ax, levels.min(), levels.max())
    if x != "seconds":
        style.integer_axis(ax.xaxis)
    ax.set_title(title, fontsize=style.FONT["title"])
    style.legend(ax, "right")
    tight_layout(ax.figure)
    return ax


def format_table(rows: list[dict], columns: list[str] | None = None, digits: int = 4) -> str:
    """Plain-text table of dict rows (numbers rounded; None shown as '—')."""
    if not isinstance(rows, (list, tuple)) or not rows or not all(isinstance(r, dict) for r in rows):
        raise ValueError("rows must be a non-empty list of dicts (one per table row)")
    digits = positive_int(digits, "digits", minimum=0)
    columns = columns or list(rows[0])
    cell = lambda v: "—" if v is None else (f"{v:.{digits}f}" if isinstance(v, float) else str(v))  # noqa: E731
    body = [[cell(row.get(c)) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in body)) for i, c in enumerate(columns)]
    line = lambda vals: "  ".join(v.rjust(w) for v, w in zip(vals, widths))  # noqa: E731
    return "\n".join([line(columns), line(["-" * w for w in widths])] + [line(r) for r in body])
