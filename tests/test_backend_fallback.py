"""setup_backend(): live ipympl figures where they can be shown, static figures with a one-line note elsewhere."""
import os
import sys
import types

import matplotlib
import matplotlib.pyplot as plt
import nbformat
import pytest
from nbclient import NotebookClient

from bgan_teach.plotting import figures


class Shell:
    """A stand-in IPython shell that records %matplotlib calls (and can refuse the widget backend)."""

    kernel = object()

    def __init__(self, widget_fails: bool = False):
        self.calls, self.widget_fails = [], widget_fails

    def run_line_magic(self, magic, mode):
        self.calls.append((magic, mode))
        if mode == "widget" and self.widget_fails:
            raise ImportError("No module named 'ipympl.backend_nbagg'")


@pytest.fixture
def shell(monkeypatch):
    """A notebook-like environment: in_notebook() is True and get_ipython() returns a recording shell."""
    import IPython

    backend = matplotlib.get_backend()
    try:
        import ipympl  # noqa: F401  (imported before get_ipython is replaced: it registers a hook at import)
    except ImportError:
        pass
    sh = Shell()
    monkeypatch.setattr(IPython, "get_ipython", lambda: sh)
    monkeypatch.setattr(figures, "in_notebook", lambda: True)
    monkeypatch.setattr(figures, "_NOTED", set())
    monkeypatch.delenv("BGAN_STATIC", raising=False)
    yield sh
    monkeypatch.undo()                   # the real get_ipython first: switch_backend asks it for a shell
    plt.switch_backend(backend)          # importing ipympl.backend_nbagg switches pyplot's backend: undo it


def test_without_ipympl_static_figures_and_one_note(shell, monkeypatch, capsys):
    """Check that a kernel without ipympl gets inline figures, never tries the widget backend, and prints one note once."""
    monkeypatch.setitem(sys.modules, "ipympl", None)                 # import ipympl raises ImportError
    assert figures.setup_backend() == "inline"
    assert figures.setup_backend() == "inline"
    assert shell.calls == [("matplotlib", "inline")] * 2
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1 and "ipympl is not installed" in lines[0] and "static figures" in lines[0]


def test_with_ipympl_live_figures_and_no_note(shell, capsys):
    """Check that with ipympl importable the widget backend is chosen and nothing is printed."""
    pytest.importorskip("ipympl")
    assert figures.setup_backend() == "widget"
    assert shell.calls == [("matplotlib", "widget")] and capsys.readouterr().out == ""


def test_a_failing_widget_backend_falls_back_with_a_note(shell, capsys):
    """Check that when %matplotlib widget fails (no frontend support) the inline backend follows, with a note."""
    pytest.importorskip("ipympl")
    shell.widget_fails = True
    assert figures.setup_backend() == "inline"
    assert shell.calls == [("matplotlib", "widget"), ("matplotlib", "inline")]
    assert "live figures failed to start (ImportError" in capsys.readouterr().out


def test_bgan_static_forces_static_without_a_note(shell, monkeypatch, capsys):
    """Check that BGAN_STATIC=1 picks inline figures silently (it is the learner's own choice)."""
    monkeypatch.setenv("BGAN_STATIC", "1")
    assert figures.setup_backend() == "inline" and capsys.readouterr().out == ""


def test_colab_gets_its_custom_widget_manager(shell, monkeypatch):
    """Check that in Google Colab setup_backend enables the custom widget manager ipympl needs there."""
    pytest.importorskip("ipympl")
    enabled = []
    output = types.SimpleNamespace(enable_custom_widget_manager=lambda: enabled.append(True))
    colab = types.ModuleType("google.colab")
    colab.output = output
    google = types.ModuleType("google")
    google.colab = colab
    monkeypatch.setitem(sys.modules, "google", google)
    monkeypatch.setitem(sys.modules, "google.colab", colab)
    monkeypatch.setitem(sys.modules, "google.colab.output", output)
    assert figures.setup_backend() == "widget" and enabled == [True]


def test_a_real_kernel_without_ipympl_shows_sliders_on_static_figures(tmp_path):
    """Check in a real kernel with ipympl hidden: the note, inline figures, and a slider redrawing a static picture."""
    cells = ["import sys\nsys.modules['ipympl'] = None                 # as if ipympl were not installed",
             "from bgan_teach.plotting import setup_backend\nprint('backend', setup_backend())",
             "from bgan_teach.widgets import fenchel_lab\nlab = fenchel_lab('kl')\nlab.box",
             "lab.controls['t'].value = lab.controls['t'].max\nprint('static view', type(lab.box.children[1]).__name__)"]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    NotebookClient(nb, timeout=120, kernel_name="python3", store_widget_state=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute(env=_kernel_env(dict(os.environ)))
    text = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "stream")
    assert "ipympl is not installed" in text and "backend inline" in text and "static view Output" in text
    models = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    pictures = [o for m in models.values() if m["model_name"] == "OutputModel"
                for o in m["state"].get("outputs", []) if "image/png" in o.get("data", {})]
    assert pictures, "the static figure is shown inside the widget's Output"


def _kernel_env(env: dict) -> dict:
    """The kernel's environment: no BGAN_STATIC (the fallback must come from the missing ipympl), no MPLBACKEND."""
    return {k: v for k, v in env.items() if k not in ("BGAN_STATIC", "MPLBACKEND")}
