"""The 2-D lab and the twin lab in a real JupyterLab + chromium: buttons, the shared history slider, its latency.

A small notebook written into the server's folder builds a lab with 16 recorded snapshots and a twin lab;
the test clicks, presses arrow keys on the history slider and watches the canvas pixels. History-slider
latency (key press → changed pixels) goes to ``build/e2e/latency.json`` under ``lab: history`` and
``twin lab: history``.
"""
from __future__ import annotations

import os
import time

import nbformat
import pytest

import labdriver
import pagedriver as pd

pytestmark = pytest.mark.e2e

NAME = "e2e_labs.ipynb"
CELLS = [
    "from bgan_teach.plotting import setup_backend\nsetup_backend()",
    "from bgan_teach.widgets import boundary_lab\nlab = boundary_lab(seed=0, trails=True)\n"
    "for _ in range(15):\n    lab.train(5)\nlab",
    "from bgan_teach.widgets.lab import twin_lab\ntwin = twin_lab(seed=0)\nfor _ in range(15):\n    twin.train(5)\ntwin",
]
MOVES = 12
# A learner reads the output before scrubbing; meanwhile the kernel renders the history ahead in idle time
# (bgan_teach.widgets.framecache). The latency is timed after this pause.
SETTLE_S = float(os.environ.get("BGAN_E2E_SETTLE_S", 12))


@pytest.fixture(scope="module")
def labs_page(lab_server, browser):
    """The small notebook opened and run in JupyterLab; (page, index of the lab cell, of the twin cell)."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, lab_server.root / NAME)
    context = browser.new_context(viewport={"width": 1600, "height": 1200})
    page = context.new_page()
    pd.open_notebook(page, lab_server.base, NAME)
    final = pd.run_all(page)
    assert not final["errors"], final["errors"]
    time.sleep(SETTLE_S)
    yield page
    page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")
    context.close()


def _history(cell):
    slider = cell.locator(".jp-OutputArea " + pd.SLIDER).filter(has_text="history").first
    return slider, slider.locator(".noUi-handle").first, slider.locator(".widget-readout").first


def _canvas(cell):
    return cell.locator(".jp-OutputArea " + pd.CANVAS).first


def _time_history(page, cell, moves: int) -> list[float]:
    _, handle, _ = _history(cell)
    canvas, samples = _canvas(cell), []
    for _ in range(moves):
        pd.wait_canvas_stable(canvas, quiet_s=0.5)
        ms = pd.press_and_time(page, handle, canvas, "ArrowLeft", 30_000)
        if ms is not None:
            samples.append(ms)
    return samples


def _record(build_dir, name: str, samples: list[float]) -> dict:
    entry = {**labdriver.summarise(samples), "slider": "history", "cores": os.cpu_count(),
             "samples_ms": [round(s, 1) for s in samples]}
    labdriver.record_latency(build_dir / "latency.json", name, entry)
    print(f"\n{name}: key press -> changed pixels, median {entry['median_ms']} ms over {entry['moves']} moves "
          f"(min {entry['min_ms']}, max {entry['max_ms']})")
    return entry


def test_lab_history_slider_redraws_and_is_timed(labs_page, build_dir):
    """Check that the lab's history slider changes readout and pixels on every key press; record its latency."""
    cell = labs_page.locator(pd.CELLS).nth(1)
    _, _, readout = _history(cell)
    text0 = readout.inner_text()
    samples = _time_history(labs_page, cell, MOVES)
    assert readout.inner_text() != text0
    entry = _record(build_dir, "lab: history", samples)
    assert entry["moves"] == MOVES, f"only {entry['moves']}/{MOVES} key presses changed the picture"


def test_twin_lab_buttons_advance_both_runs_and_one_slider_scrubs_both(labs_page, build_dir):
    """Check the twin lab in the browser: one click trains both runs, the shared slider redraws, readouts agree."""
    cell = labs_page.locator(pd.CELLS).nth(2)
    canvas = _canvas(cell)
    text = cell.locator(".jp-OutputArea").first.inner_text()
    assert "BGAN (boundary-seeking)" in text and "non-saturating" in text and text.count("step 75") >= 2
    before = pd.wait_canvas_stable(canvas)
    cell.locator("button", has_text="train generator one step").first.click()
    assert pd.wait_until(lambda: pd.canvas_signature(canvas) != before, 30)
    assert pd.wait_until(lambda: cell.locator(".jp-OutputArea").first.inner_text().count("step 76") >= 2, 30)
    samples = _time_history(labs_page, cell, MOVES)
    entry = _record(build_dir, "twin lab: history", samples)
    assert entry["moves"] == MOVES, f"only {entry['moves']}/{MOVES} key presses changed the picture"
    steps = cell.locator(".jp-OutputArea").first.inner_text()
    assert steps.count(f"step {75 - 5 * (MOVES - 1)}") >= 2                  # frame i of both runs
