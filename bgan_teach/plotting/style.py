r"""One visual standard for every figure of the six notebooks: one colour per meaning, readable text.

**Colours by meaning** (the same in every notebook and widget):

============================  =========================================================================
``DATA``                      real samples, the data distribution $p$ (bars, dots: blue, white-edged)
``GENERATED``                 model samples, the model $q$ (vermilion, black-edged dots)
``CRITIC_CMAP``               the critic's view of the plane, $D(x)$ or $\log w(x)$: pale blue where it
                              judges "data" ($w > 1$), pale vermilion where it judges "generated"
                              ($w < 1$), white at $w = 1$; pale, so that the dots on it stay visible
``PROB_CMAP``                 a probability table or density ($p$, $q$, a kernel density)
``BOUNDARY``                  the decision boundary $w = 1$ (solid black): where the critic judges $p = q$
``REFERENCE``                 reference levels: exact values, reference samplers, JS of imperfect models
                              (grey; several at once differ by line style, :data:`REFERENCE_STYLES`)
``TILDE``                     the reweighted estimate $\tilde p = wq/\beta$
``ARROW``                     gradient arrows $-\nabla_x\ell_G$ (black with a white edge)
:func:`method_color`          one colour (and line style) per generator loss / estimator: BGAN is the
                              same green in notebooks 03-06 (``"bgan"`` = ``"boundary_seeking"``)
:func:`divergence_color`      one colour per divergence; names always ``DIVERGENCES[name].title``
:func:`ordered_colors`        an ordered parameter (M = 1, 2, 5, 20): a sequential colour ramp
============================  =========================================================================

**Text at least 9 pt as shown.** A browser at 100 % zoom shows 96 CSS pixels per inch, and both an inline
PNG and an ipympl canvas put one figure pixel on one CSS pixel. A font of ``s`` points in a figure of
``dpi`` dots per inch therefore shows at ``s · dpi / 96`` points, times ``min(1, MAX_WIDTH_PX / width_px)``
when the figure is wider than the notebook column and the browser shrinks it (:func:`shown_points`).
Static figures are drawn at :data:`STATIC_DPI` = 100, widget figures at :data:`WIDGET_DPI` = 96; the
smallest font used is 9 pt, so every text shows at ≥ 9 pt. Figures are at most :data:`MAX_WIDTH_IN`
inches wide. ``tests/test_visual_standard.py`` checks every text artist of every display and widget.

**Layout.** Legends sit outside the data (:func:`legend`: right of the axes, or below it); count axes
(steps, modes, classes, M) get integer ticks (:func:`integer_axis`); every heatmap gets a labelled
colorbar, drawn once (:func:`colorbar`).
"""
from __future__ import annotations

import matplotlib as mpl
import numpy as np
from cycler import cycler
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.ticker import FormatStrFormatter, MaxNLocator

__all__ = ["DATA", "GENERATED", "GENERIC", "TILDE", "BOUNDARY", "REFERENCE", "REFERENCE_STYLES", "ARROW", "CRITIC_CMAP",
           "PROB_CMAP", "STATIC_DPI", "WIDGET_DPI", "SCREEN_DPI", "MIN_TEXT_PT", "MAX_WIDTH_PX", "MAX_WIDTH_IN",
           "FONT", "apply", "shown_points", "method_color", "method_style", "method_label", "divergence_color",
           "divergence_title", "ordered_colors", "legend", "integer_axis", "colorbar", "data_points",
           "generated_points", "reference_line"]

# --- colours by meaning ------------------------------------------------------------------------------
DATA = "#1f77b4"            # real samples / p
GENERATED = "#e8590c"       # model samples / q
TILDE = "#2b8a3e"           # p~ = w q / beta
BOUNDARY = "#000000"        # w = 1
REFERENCE = "#6b6b6b"       # exact values and reference levels
REFERENCE_STYLES = (":", "--", "-.", (0, (1, 3)), (0, (5, 2, 1, 2)))
ARROW = "#111111"
_PALE_GENERATED, _PALE_DATA = "#f7c3a3", "#a9cfee"
CRITIC_CMAP = LinearSegmentedColormap.from_list("bgan_critic", [_PALE_GENERATED, "#ffffff", _PALE_DATA])
PROB_CMAP = "viridis"
PICTURE_GID = "picture"     # images that are pictures (digit samples), not heatmaps: no colorbar

# --- sizes -----------------------------------------------------------------------------------------
SCREEN_DPI = 96             # CSS pixels per inch at 100 % zoom
MIN_TEXT_PT = 9.0
MAX_WIDTH_PX = 1000         # the notebook column; a wider figure is shrunk by the browser
STATIC_DPI = 100
WIDGET_DPI = 96
MAX_WIDTH_IN = MAX_WIDTH_PX / STATIC_DPI
# curves without a meaning of their own (runs named "plain", "cured", ...): never DATA blue or GENERATED orange
GENERIC = ["#3d5a80", "#9c6644", "#6a994e", "#7b2cbf", "#b5838d", "#3a3a3a"]
FONT = {"tick": 9.0, "legend": 9.0, "text": 9.5, "label": 10.0, "title": 10.5}

RC = {"font.size": FONT["text"], "axes.titlesize": FONT["title"], "axes.labelsize": FONT["label"],
      "xtick.labelsize": FONT["tick"], "ytick.labelsize": FONT["tick"], "legend.fontsize": FONT["legend"],
      "legend.title_fontsize": FONT["legend"], "figure.titlesize": FONT["title"], "figure.dpi": STATIC_DPI,
      "legend.framealpha": 0.9, "axes.titlepad": 5.0,
      "axes.prop_cycle": cycler(color=GENERIC)}

# --- methods and divergences -----------------------------------------------------------------------
_METHODS = {   # name: (colour, line style, marker, label)
    "bgan": ("#2ca02c", "-", "o", "BGAN (per-z w̃)"),
    "bgan_global": ("#17becf", "--", "s", "BGAN, global w̃"),
    "boundary_seeking_log_z": ("#7fbf3f", "-.", "D", "BGAN with log Z"),
    "reinforce": ("#9467bd", "-", "^", "REINFORCE"),
    "reinforce_loo": ("#c49bd9", "--", "v", "REINFORCE, leave-one-out"),
    "gumbel_softmax": ("#8c564b", "-", "P", "Gumbel-softmax (ST)"),
    "non_saturating": ("#d62728", "-", "^", "non-saturating"),
    "minimax": ("#e377c2", "--", "v", "minimax"),
}
_ALIASES = {"boundary_seeking": "bgan", "bgan_per_z": "bgan", "per_z": "bgan", "global": "bgan_global",
            "boundary_seeking_log_z": "boundary_seeking_log_z", "ns": "non_saturating"}
_DIVERGENCE_COLORS = {"kl": "#9467bd", "reverse_kl": "#8c564b", "pearson": "#e377c2", "neyman": "#bcbd22",
                      "squared_hellinger": "#17becf", "js": "#d62728", "gan": "#2ca02c"}


def apply() -> None:
    """Set the standard's font sizes and the static dpi in ``matplotlib.rcParams`` (idempotent)."""
    mpl.rcParams.update(RC)


def shown_points(fontsize: float, dpi: float, width_px: float | None = None) -> float:
    r"""Font size as the learner sees it: $s \cdot \mathrm{dpi}/96 \cdot \min(1, 1000 / \text{width}_{px})$."""
    shrink = 1.0 if width_px is None else min(1.0, MAX_WIDTH_PX / width_px)
    return float(fontsize) * float(dpi) / SCREEN_DPI * shrink


def _method_key(name: str) -> str:
    key = str(name).strip().lower().replace("-", "_").replace(" ", "_")
    key = _ALIASES.get(key, key)
    if key not in _METHODS:
        raise ValueError(f"unknown method {name!r}; the standard has colours for {sorted(_METHODS)} "
                         f"(and the aliases {sorted(_ALIASES)})")
    return key


def method_color(name: str) -> str:
    """The one colour of a generator loss or estimator (``"bgan"`` and ``"boundary_seeking"`` share it)."""
    return _METHODS[_method_key(name)][0]


def method_style(name: str) -> dict:
    """``plot`` keywords (colour, line style, marker) of a method, so overlapping curves stay apart."""
    color, ls, marker, _ = _METHODS[_method_key(name)]
    return {"color": color, "ls": ls, "marker": marker, "markevery": 0.1, "ms": 4}


_LABELS = {"boundary_seeking": "BGAN (boundary-seeking)"}      # the continuous loss: same colour, own words


def method_label(name: str) -> str:
    """The legend label of a method."""
    key = str(name).strip().lower().replace("-", "_").replace(" ", "_")
    return _LABELS.get(key) or _METHODS[_method_key(name)][3]


def divergence_color(name: str) -> str:
    """The one colour of a divergence (``DIVERGENCES`` key)."""
    from ..divergences import get

    return _DIVERGENCE_COLORS[get(name).name]


def divergence_title(name: str) -> str:
    """A divergence's name as written everywhere: ``DIVERGENCES[name].title``."""
    from ..divergences import get

    return get(name).title


def ordered_colors(n: int) -> list:
    """``n`` colours of a sequential ramp (light to dark) for an ordered parameter such as M."""
    return [mpl.colormaps["viridis"](x) for x in np.linspace(0.85, 0.05, n)] if n > 1 else ["#31688e"]


# --- artists -------------------------------------------------------------------------------------------
def legend(ax, where: str = "right", handles=None, ncol: int = 1, **kw):
    """A legend outside the data: right of the axes (``"right"``) or under the x label (``"below"``)."""
    if where == "right":
        place = {"loc": "upper left", "bbox_to_anchor": (1.02, 1.0), "borderaxespad": 0.0}
    elif where == "below":
        place = {"loc": "upper center", "bbox_to_anchor": (0.5, -0.22), "borderaxespad": 0.0}
    else:
        raise ValueError(f"where must be 'right' or 'below'; got {where!r}")
    if handles is not None:
        kw["handles"] = handles
    return ax.legend(ncol=ncol, fontsize=FONT["legend"], **{**place, **kw})


def integer_axis(axis, nbins: int = 5) -> None:
    """Integer ticks on a count axis (steps, modes, classes, samples per z); at most ``nbins`` + 1 of them,
    so that four-digit step labels do not run into each other on a narrow panel."""
    axis.set_major_locator(MaxNLocator(nbins=nbins, integer=True, steps=[1, 2, 5, 10]))


def colorbar(image, ax, label: str, ticks=None):
    """A labelled colorbar beside ``ax`` for ``image`` (drawn once; later ``set_data`` keeps it)."""
    bar = ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.03, ticks=ticks,
                             format=None if ticks is None else FormatStrFormatter("%.3g"))
    bar.set_label(label, fontsize=FONT["tick"])
    bar.ax.tick_params(labelsize=FONT["tick"])
    return bar


def data_points(ax, points=None, s: float = 14, **kw):
    """Data samples: blue dots with a white edge (they stay visible on any heatmap)."""
    points = np.zeros((0, 2)) if points is None else np.asarray(points)[:, :2]
    return ax.scatter(points[:, 0], points[:, 1], s=s, c=DATA, edgecolors="white", linewidths=0.6,
                      label=kw.pop("label", "data"), zorder=3, **kw)


def generated_points(ax, points=None, s: float = 14, **kw):
    """Generated samples: vermilion dots with a black edge, over the data (draw them smaller than the data dots,
    so that a generated point on a data cluster shows as an orange dot inside a blue patch)."""
    points = np.zeros((0, 2)) if points is None else np.asarray(points)[:, :2]
    return ax.scatter(points[:, 0], points[:, 1], s=s, c=GENERATED, edgecolors="black", linewidths=0.5,
                      label=kw.pop("label", "generated"), zorder=4, **kw)


def reference_line(ax, level: float, label: str, index: int = 0, **kw):
    """A horizontal reference level: grey, line style by ``index`` (several references stay apart)."""
    return ax.axhline(level, color=REFERENCE, lw=1.2, ls=REFERENCE_STYLES[index % len(REFERENCE_STYLES)],
                      label=label, **kw)
