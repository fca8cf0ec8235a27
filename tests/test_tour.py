"""tools/tour.py: the rendered tour's pages and index (no kernel needed)."""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import static_widgets as sw  # noqa: E402
import tour  # noqa: E402


def test_title_is_first_markdown_heading():
    """Check that a page's title is the first markdown heading, or the fallback when there is none."""
    nb = nbformat.v4.new_notebook()
    heading = nbformat.v4.new_markdown_cell("intro\n## 03 · Discrete BGAN\ntext")
    nb.cells = [nbformat.v4.new_code_cell("x = 1"), heading]
    assert tour.title_of(nb, "fallback") == "03 · Discrete BGAN"
    assert tour.title_of(nbformat.v4.new_notebook(), "fallback") == "fallback"


def test_index_links_every_page_and_flags_failures():
    """Check that the index links each page, shows run times and marks a failed notebook."""
    rows = [{"name": "01_a.ipynb", "title": "A", "page": "01_a.html", "seconds": 1.25, "error": None},
            {"name": "02_b.ipynb", "title": "B <x>", "page": "02_b.html", "seconds": 3.0, "error": "ValueError: boom"}]
    page = tour.index_html(rows, fast=False, total_s=4.3)
    assert "href='01_a.html'" in page and "href='02_b.html'" in page and "1.2 s" in page
    assert "FAILED: ValueError: boom" in page and "B &lt;x&gt;" in page and "full mode" in page


def test_exported_page_shows_frozen_figure_without_widget_manager():
    """Check that a frozen notebook exports to HTML with the figure's PNG and no widget-state script."""
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("fig.canvas")
    cell.outputs = [nbformat.v4.new_output("display_data", data={sw.VIEW: {"model_id": "c"}, "text/plain": "Canvas"})]
    nb.cells = [cell]
    nb.metadata["widgets"] = {sw.STATE: {"state": {"c": {"model_name": "MPLCanvasModel",
                                                         "state": {"_data_url": "QUJD"}}}}}
    sw.freeze(nb)
    page = HTMLExporter(template_name="lab").from_notebook_node(nb)[0]
    assert "data:image/png;base64,QUJD" in page
    assert "application/vnd.jupyter.widget-state+json" not in page


def test_mathjax_is_copied_beside_the_pages(tmp_path):
    """Check that the tour copies MathJax next to its pages and points the exporter at that copy (relative URL)."""
    settings = tour.mathjax_settings(tmp_path)
    assert settings["mathjax_url"].startswith("mathjax/MathJax.js?config=")
    assert (tmp_path / "mathjax" / "MathJax.js").is_file()
    config = settings["mathjax_url"].split("config=")[1].split(",")[0]
    assert (tmp_path / "mathjax" / "config" / f"{config}.js").is_file()
    page = HTMLExporter(template_name="lab", **settings).from_notebook_node(nbformat.v4.new_notebook())[0]
    assert 'src="mathjax/MathJax.js?config=' in page and "libs/mathjax" not in page


TINY = ["from bgan_teach.plotting import setup_backend, figure\nsetup_backend()",
        "from bgan_teach.widgets.panel import snapshot_lab\n"
        "fig, ax = figure('tiny', figsize=(3, 2), dpi=96, layout=None)\n"
        "(line,) = ax.plot([0, 1], [0, 0], lw=6)\nax.set(ylim=(-0.5, 9.5))\n"
        "def show(i):\n    line.set_ydata([i, i])\n    fig.canvas.draw_idle()\n"
        "show(9)\nlab = snapshot_lab(fig, 10, show, line)\nlab.box"]


def test_a_notebooks_snapshot_slider_is_live_in_its_page(tmp_path, monkeypatch):
    """Check that the tour runs a notebook, renders its snapshot slider's frames in the kernel and ships them live."""
    import json
    import re

    for name in ("BGAN_STATIC", "MPLBACKEND"):
        monkeypatch.delenv(name, raising=False)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Tiny"),
                                         *[nbformat.v4.new_code_cell(c) for c in TINY]])
    path = tmp_path / "09_tiny.ipynb"
    nbformat.write(nb, path)
    rows = tour.build([path], tmp_path / "tour", fast=True, timeout=120, frames=4)
    assert rows[0]["error"] is None and rows[0]["sliders"] == 1
    page = (tmp_path / "tour" / "09_tiny.html").read_text(encoding="utf-8")
    blob = json.loads(re.search(r"<script[^>]*id=.sw-frames-[0-9a-f]+.[^>]*>(.*?)</script>", page, re.S).group(1))
    assert blob["labels"] == ["0", "3", "6", "9"] and len(set(blob["images"])) == 4      # four different pictures
    assert re.search(f"id=.sw-view-{blob['view']}.", page)                          # the figure it swaps
    assert not list((tmp_path / "tour").glob(".*.frames.json"))                       # the helper file is removed
    timings = json.loads((tmp_path / "tour" / "timings.json").read_text())
    assert timings["notebooks"]["09_tiny.ipynb"]["sliders"] == 1 and timings["bytes"] == rows[0]["bytes"]
