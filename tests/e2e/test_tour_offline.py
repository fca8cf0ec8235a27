"""The rendered tour typesets LaTeX with the local MathJax copy: no network needed (tools/tour.py)."""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
import tour  # noqa: E402


def test_tour_page_renders_latex_with_the_network_blocked(browser, tmp_path):
    """Check that an exported page loads MathJax from beside it and typesets, with every http(s) request refused."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(r"BGAN: $$\mathcal L_G = \tfrac12\,\mathbb E_z\big[(\log w(G(z)))^2\big]$$")]
    settings = tour.mathjax_settings(tmp_path)
    assert settings, "jupyter-server-mathjax is part of the notebooks extra; it should be installed"
    (tmp_path / "page.html").write_text(HTMLExporter(template_name="lab", **settings).from_notebook_node(nb)[0],
                                        encoding="utf-8")
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
    assert not [u for u in refused if "mathjax" in u.lower()], refused
