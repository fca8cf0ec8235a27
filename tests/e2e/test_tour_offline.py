"""The rendered tour reads offline (tools/tour.py): LaTeX typeset by the local MathJax copy, and the snapshot
sliders scrub their precomputed frames, with every network request refused."""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
import tour  # noqa: E402


def test_tour_page_renders_latex_with_the_network_blocked(browser, tmp_path):
    """Check that an exported page loads MathJax from beside it and typesets, asking the network for nothing."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(r"BGAN: $$\mathcal L_G = \tfrac12\,\mathbb E_z\big[(\log w(G(z)))^2\big]$$")]
    settings = tour.mathjax_settings(tmp_path)
    assert settings, "jupyter-server-mathjax is part of the notebooks extra; it should be installed"
    (tmp_path / "page.html").write_text(tour.exporter(tmp_path).from_notebook_node(nb)[0], encoding="utf-8")
    refused: list[str] = []

    def offline(route):
        if route.request.url.startswith("file:"):
            return route.continue_()
        refused.append(route.request.url)
        return route.abort()

    context = browser.new_context()
    try:
        page = context.new_page()
        page.route("**/*", offline)
        page.goto((tmp_path / "page.html").as_uri())
        page.wait_for_selector(".MathJax_Display, .MathJax", state="attached", timeout=60_000)
        assert page.locator(".MathJax_Display, .MathJax").count() >= 1
        assert "\\mathcal" not in page.inner_text("body")               # typeset, not left as source
    finally:
        context.close()
    assert not refused, f"the page asked the network for {refused[:5]}"          # no MathJax, no require.js


LAB_CELLS = ["from bgan_teach.plotting import setup_backend\nsetup_backend()",
             "from bgan_teach.widgets import boundary_lab\nlab = boundary_lab(seed=0, hidden=16, layers=1, trails=True)\n"
             "for _ in range(6):\n    lab.train(3)\nlab"]


def _offline_page(browser, url: str):
    """A page on ``url`` whose every non-file request is refused; (context, page, refused URLs)."""
    refused: list[str] = []

    def offline(route):
        if route.request.url.startswith(("file:", "data:")):
            return route.continue_()
        refused.append(route.request.url)
        return route.abort()

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.route("**/*", offline)
    page.goto(url)
    return context, page, refused


def test_tour_history_scrubber_swaps_frames_offline(browser, tmp_path, monkeypatch):
    """Check that a tour page opened from disk, network refused, scrubs the lab's history: picture and readouts change."""
    for name in ("BGAN_STATIC", "MPLBACKEND"):
        monkeypatch.delenv(name, raising=False)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Lab"),
                                         *[nbformat.v4.new_code_cell(c) for c in LAB_CELLS]])
    nbformat.write(nb, tmp_path / "09_lab.ipynb")
    rows = tour.build([tmp_path / "09_lab.ipynb"], tmp_path / "tour", fast=True, timeout=300, frames=40)
    assert rows[0]["error"] is None and rows[0]["sliders"] == 1
    context, page, refused = _offline_page(browser, (tmp_path / "tour" / "09_lab.html").as_uri())
    try:
        scrub = page.locator("input.sw-scrub").first
        assert scrub.get_attribute("max") == "6" and scrub.get_attribute("value") == "6"   # 7 snapshots, at the last
        view = page.locator(".sw-view img").first
        readout = page.locator(".sw-live .sw-readout").first
        text = page.locator("[id^=sw-text-]").first
        src0, shot0, text0 = view.get_attribute("src"), view.screenshot(), text.inner_text()
        assert readout.inner_text() == "6" and "step 18" in text0
        scrub.focus()
        page.keyboard.press("Home")                                   # the first frame
        page.wait_for_function("el => el.textContent === '0'", arg=readout.element_handle(), timeout=5000)
        assert view.get_attribute("src") != src0 and view.screenshot() != shot0        # the picture changed
        assert "step 0" in text.inner_text() and "step 18" not in text.inner_text()   # the lab's readout followed
        page.keyboard.press("ArrowRight")
        page.wait_for_function("el => el.textContent === '1'", arg=readout.element_handle(), timeout=5000)
        assert "step 3" in text.inner_text()
    finally:
        context.close()
    assert not refused, f"the tour page asked the network for {refused[:5]}"
