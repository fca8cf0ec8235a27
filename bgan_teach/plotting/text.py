r"""Display for character-level text training: decoded samples at one snapshot, and the metric curves.

Built once from precomputed snapshot views (:func:`bgan_teach.metrics.text.text_snapshot_fn`: one dict
per snapshot with ``step``, ``samples`` (decoded strings for fixed z), ``bigram_js``, ``word_share``);
:meth:`TextTrainingDisplay.update` only mutates artists (``set_text``, ``set_xdata``).
"""
from __future__ import annotations

import numpy as np
from matplotlib.ticker import PercentFormatter

from . import style

__all__ = ["TextTrainingDisplay", "format_samples", "plot_metric_curves"]

METRIC_COLORS = {"bigram_js": "#1b4f72", "word_share": "#b9770e"}     # left and right axis
METRIC_LABELS = {"bigram_js": "bigram JS (nats, lower is better)", "word_share": "word share (higher is better)"}
REFERENCE_ORDER = {"unigram": 0, "bigram": 1}
METRIC_NAMES = {"bigram_js": "bigram JS", "word_share": "word share"}


def format_samples(samples: list[str]) -> str:
    """One sample per line between bars, so that leading and trailing spaces stay visible."""
    if isinstance(samples, str) or not all(isinstance(s, str) for s in samples):
        raise TypeError("samples must be a list of strings (one decoded sample each)")
    return "\n".join(f"|{s}|" for s in samples)


def _percent(ax, top: float = 1.0) -> None:
    """Tick labels in %: whole percent from 10 % up, else one decimal."""
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0 if top >= 0.1 else 1))


class TextTrainingDisplay:
    """Left: the samples of one snapshot as monospace text. Right: bigram JS (↓, left axis) and word share
    (↑, right axis, in %) over training, the reference samplers as grey lines, and a marker at the shown step.
    """

    def __init__(self, axes, views: list[dict], reference: dict[str, dict[str, float]] | None = None,
                 title: str = ""):
        if not views:
            raise ValueError("views must be a non-empty list of snapshot views")
        self.ax_text, self.ax_js = axes
        self.views, self.title = views, title
        steps = np.array([v["step"] for v in views], dtype=float)
        self.ax_text.axis("off")
        self.text_ = self.ax_text.text(0.0, 1.0, "", va="top", ha="left", family="monospace", fontsize=11,
                                       transform=self.ax_text.transAxes)
        self.ax_share = self.ax_js.twinx()
        self.lines_, handles = {}, []
        for key, ax, style_ in (("bigram_js", self.ax_js, "o-"), ("word_share", self.ax_share, "s--")):
            values = np.array([v[key] for v in views], dtype=float)
            (self.lines_[key],) = ax.plot(steps, values, style_, ms=4, color=METRIC_COLORS[key], label=METRIC_LABELS[key])
            ax.set_ylabel(METRIC_LABELS[key], color=METRIC_COLORS[key])
            handles.append(self.lines_[key])
            for name, row in (reference or {}).items():
                if name in REFERENCE_ORDER:
                    value = f"{row[key]:.0%}" if key == "word_share" else f"{row[key]:.3g}"
                    handles.append(style.reference_line(ax, row[key], f"{name} sampler, {METRIC_NAMES[key]}: {value}",
                                                        (2 if key == "word_share" else 0) + 2 * REFERENCE_ORDER[name]))
        self.ax_js.set_ylim(bottom=0)
        self.ax_share.set_ylim(bottom=0)
        _percent(self.ax_share, self.ax_share.get_ylim()[1])
        self.ax_js.set_xlabel("training step")
        style.integer_axis(self.ax_js.xaxis)
        self.marker_ = self.ax_js.axvline(steps[0], color="k", lw=1, label="shown step")
        style.legend(self.ax_js, "below", handles=handles + [self.marker_], ncol=2)
        self.update(len(views) - 1, draw=False)

    def update(self, index: int, draw: bool = True) -> None:
        """Show snapshot ``index``: its samples, and the marker at its step."""
        view = self.views[index]
        self.text_.set_text(format_samples(view["samples"]))
        self.ax_text.set_title(f"{self.title} step {view['step']}: JS {view['bigram_js']:.3f}, "
                               f"words {view['word_share']:.1%}".strip(), fontsize=style.FONT["title"], loc="left")
        self.marker_.set_xdata([view["step"], view["step"]])
        if draw:
            self.ax_js.figure.canvas.draw_idle()


def plot_metric_curves(ax, runs: dict[str, list[dict]], reference: dict | None = None, key: str = "bigram_js"):
    """One metric (``key`` of the snapshot views) over training for several runs (name → views), each in its
    method's colour, with the reference samplers as grey lines; word share is shown in %."""
    for name, views in runs.items():
        kw = {"color": style.method_color(name), "marker": "o", "ms": 4} if _is_method(name) else {"marker": "o"}
        ax.plot([v["step"] for v in views], [v[key] for v in views], label=name, **kw)
    for name, row in (reference or {}).items():
        if name in REFERENCE_ORDER:
            value = f"{row[key]:.0%}" if key == "word_share" else f"{row[key]:.3g}"
            style.reference_line(ax, row[key], f"{name} sampler: {value}", REFERENCE_ORDER[name])
    ax.set(xlabel="training step", ylabel=METRIC_LABELS[key], ylim=(0, None))
    if key == "word_share":
        _percent(ax, ax.get_ylim()[1])
    style.integer_axis(ax.xaxis)
    style.legend(ax, "right")
    return ax


def _is_method(name: str) -> bool:
    try:
        style.method_color(name)
    except ValueError:
        return False
    return True
