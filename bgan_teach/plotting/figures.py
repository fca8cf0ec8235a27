"""Figure housekeeping shared by every display: backend choice and no pile-up on re-run."""
from __future__ import annotations

import sys

import matplotlib.pyplot as plt

from .. import config
from . import style

_FIGURES: dict[str, plt.Figure] = {}


def in_notebook() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


STATIC_NOTE = "bgan-teach: {why}; showing static figures instead (every slider still works: it redraws a picture)"
_NOTED: set[str] = set()


def _note(why: str) -> None:
    """Print the one-line fallback note, once per reason and process."""
    if why not in _NOTED:
        _NOTED.add(why)
        print(STATIC_NOTE.format(why=why))


def widget_problem() -> str | None:
    """Why live ipympl figures cannot be shown in this kernel, or None when they can.

    Detected: ipympl not importable; Google Colab without its custom widget manager (enabled here when
    possible, ``google.colab.output.enable_custom_widget_manager()``, which ipympl needs there).
    """
    try:
        import ipympl  # noqa: F401
    except ImportError:
        return "ipympl is not installed (for live figures: pip install ipympl, then restart the kernel)"
    if "google.colab" in sys.modules:
        try:
            from google.colab import output

            output.enable_custom_widget_manager()
        except Exception as err:                     # an older Colab: no third-party widgets
            return f"Colab's custom widget manager is not available ({type(err).__name__})"
    return None


def setup_backend() -> str:
    """Use ipympl (``%matplotlib widget``) in a notebook, inline when ``BGAN_STATIC=1`` or when live figures
    cannot be shown (:func:`widget_problem`, or the ``widget`` magic fails): then a one-line note says why.

    Returns the backend chosen (``"widget"`` or ``"inline"``). Outside a notebook nothing changes (tests use Agg).
    """
    if not in_notebook():
        return plt.get_backend()
    from IPython import get_ipython

    shell, problem = get_ipython(), None if config.static() else widget_problem()
    mode = "inline" if config.static() or problem else "widget"
    if problem:
        _note(problem)
    try:
        shell.run_line_magic("matplotlib", mode)
    except Exception as err:  # ipympl broken or no frontend for it: fall back to static figures
        if mode == "inline":
            raise
        _note(f"live figures failed to start ({type(err).__name__}: {err})")
        mode = "inline"
        shell.run_line_magic("matplotlib", mode)
    style.apply()
    return mode


def interactive() -> bool:
    """True when figures are live ipympl canvases (so widgets can redraw them in place)."""
    return "ipympl" in plt.get_backend().lower() or "widget" in plt.get_backend().lower()


def figure(key: str, **subplots_kw):
    """``plt.subplots(**subplots_kw)`` under ``plt.ioff()``, closing the figure made under the same key.

    Re-running a notebook cell therefore replaces its figure instead of piling up a new one. The figure
    gets the visual standard's fonts (:func:`bgan_teach.plotting.style.apply`) and is refused when wider
    than the notebook column (``style.MAX_WIDTH_IN`` at the static dpi), where the browser would shrink its text.
    """
    style.apply()
    subplots_kw.setdefault("layout", "constrained")       # widgets pass layout=None: one tight_layout, cheap redraws
    width = subplots_kw.get("figsize", plt.rcParams["figure.figsize"])[0] * subplots_kw.get("dpi", style.STATIC_DPI)
    if width > style.MAX_WIDTH_PX + 1e-9:
        raise ValueError(f"figsize width × dpi must be at most {style.MAX_WIDTH_PX} pixels (the notebook column); "
                         f"got {width:.0f} for figure {key!r}")
    old = _FIGURES.pop(key, None)
    if old is not None:
        plt.close(old)
    with plt.ioff():
        fig, axes = plt.subplots(**subplots_kw)
    if interactive():
        fig.canvas.header_visible = False
    _FIGURES[key] = fig
    return fig, axes


def settle_layout(fig) -> None:
    """Lay ``fig`` out once with constrained layout (legends outside the axes included), then freeze it.

    For widget figures: a layout engine left on would run again at every redraw of a slider move.
    """
    fig.set_layout_engine("constrained")
    fig.draw_without_rendering()
    fig.set_layout_engine("none")


def tight_layout(fig, passes: int = 3, rect=(0, 0, 1, 1)) -> None:
    """``fig.tight_layout()`` until the margins stop moving (at most ``passes`` times); nothing for a figure
    that has a layout engine (``layout="constrained"``), which lays itself out at every draw.

    Axes with a locked aspect (``imshow``) change shape after the first pass, which moves their titles;
    one pass alone can leave a two-line title cut off at the top.
    """
    if fig.get_layout_engine() is not None:
        return
    for _ in range(passes):
        before = tuple(vars(fig.subplotpars).values())
        fig.tight_layout(rect=rect)
        if tuple(vars(fig.subplotpars).values()) == before:
            break
