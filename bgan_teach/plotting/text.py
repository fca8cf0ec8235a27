r"""Display for character-level text training: decoded samples at one snapshot, and the metric curves.

Built once from precomputed snapshot views (:func:`bgan_teach.metrics.text.text_snapshot_fn`: one dict
per snapshot with ``step``, ``samples`` (decoded strings for fixed z), ``bigram_js``, ``word_share``);
:meth:`TextTrainingDisplay.update` only mutates artists (``set_text``, ``set_xdata``).
"""
from __future__ import annotations

import numpy as np

__all__ = ["TextTrainingDisplay", "format_samples"]

_COLORS = {"bigram_js": "tab:blue", "word_share": "tab:orange"}
_STYLES = {"unigram": ":", "bigram": "--"}


def format_samples(samples: list[str]) -> str:
    """One sample per line between bars, so that leading and trailing spaces stay visible."""
    if isinstance(samples, str) or not all(isinstance(s, str) for s in samples):
        raise TypeError("samples must be a list of strings (one decoded sample each)")
    return "\n".join(f"|{s}|" for s in samples)


class TextTrainingDisplay:
    """Left: the samples of one snapshot as monospace text. Right: bigram JS (↓) and word share (↑)
    over training, the reference samplers as horizontal lines, and a marker at the shown step.
    """

    def __init__(self, axes, views: list[dict], reference: dict[str, dict[str, float]] | None = None,
                 title: str = ""):
        if not views:
            raise ValueError("views must be a non-empty list of snapshot views")
        self.ax_text, self.ax_js = axes
        self.views, self.title = views, title
        steps = np.array([v["step"] for v in views], dtype=float)
        self.ax_text.axis("off")
        self.text_ = self.ax_text.text(0.0, 1.0, "", va="top", ha="left", family="monospace", fontsize=12,
                                       transform=self.ax_text.transAxes)
        self.ax_share = self.ax_js.twinx()
        self.lines_ = {}
        for key, ax, label in (("bigram_js", self.ax_js, "bigram JS (nats, lower is better)"),
                               ("word_share", self.ax_share, "word share (higher is better)")):
            values = np.array([v[key] for v in views], dtype=float)
            (self.lines_[key],) = ax.plot(steps, values, "o-", ms=3, color=_COLORS[key], label=label)
            ax.set_ylabel(label, color=_COLORS[key], fontsize=8)
            for name, row in (reference or {}).items():
                if name in _STYLES:
                    ax.axhline(row[key], color=_COLORS[key], ls=_STYLES[name], lw=1, label=f"{name}: {row[key]:.3g}")
        self.ax_js.set_ylim(bottom=0)
        self.ax_share.set_ylim(bottom=0)
        self.ax_js.set_xlabel("training step")
        self.marker_ = self.ax_js.axvline(steps[0], color="k", lw=1)
        handles = self.ax_js.get_legend_handles_labels()[0] + self.ax_share.get_legend_handles_labels()[0]
        self.ax_js.legend(handles=handles, fontsize=7, loc="upper left", bbox_to_anchor=(1.15, 1.0))
        self.update(len(views) - 1, draw=False)

    def update(self, index: int, draw: bool = True) -> None:
        """Show snapshot ``index``: its samples, and the marker at its step."""
        view = self.views[index]
        self.text_.set_text(format_samples(view["samples"]))
        self.ax_text.set_title(f"{self.title} step {view['step']}: JS {view['bigram_js']:.3f}, "
                               f"words {view['word_share']:.1%}".strip(), fontsize=9, loc="left")
        self.marker_.set_xdata([view["step"], view["step"]])
        if draw:
            self.ax_js.figure.canvas.draw_idle()
