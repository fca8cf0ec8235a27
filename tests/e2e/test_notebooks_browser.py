"""Every notebook in a real JupyterLab + chromium: Run All without errors; sliders move readout and pixels.

One server and one browser per session; one page per notebook (Run All once, then all checks).
Screenshots go to ``build/e2e/``; slider latencies to ``build/e2e/latency.json``.
"""
from __future__ import annotations

import os
import re

import pytest

import labdriver
import pagedriver as pd

pytestmark = pytest.mark.e2e

NOTEBOOKS = labdriver.notebooks(labdriver.NOTEBOOK_DIR) or ["(none)"]
# Notebooks timed in the browser (the 2-D lab and one discrete notebook); they must have a slider figure.
LATENCY = {"05_continuous_bgan.ipynb", "03_discrete_bgan.ipynb"}
LATENCY_MOVES = 12
PREFERRED = re.compile(r"history|snapshot|step", re.I)   # slider timed: first redrawing one with such a label
LATENCY_BAR_MS = float(os.environ.get("BGAN_E2E_LATENCY_BAR_MS", 250))  # the latency bar: 250 ms median on a 2-core CPU
# Timings are performance figures, not pass/fail unit tests (they depend on the machine's load): the bar
# is reported, and enforced only with BGAN_E2E_ENFORCE_LATENCY=1. Without it a redraw must still come
# within a sanity ceiling, so a slider that stopped redrawing in reasonable time fails.
ENFORCE_BAR = os.environ.get("BGAN_E2E_ENFORCE_LATENCY", "").strip() == "1"
SANITY_CEILING_MS = 5000.0
PIXEL_TIMEOUT_S = 30.0  # a slider that trains a chunk of steps per press may take a while


@pytest.fixture(scope="module", params=NOTEBOOKS)
def executed(request, lab_server, browser):
    """(page, name, final state, cache) after opening the notebook and Run All; kernel shut down afterwards."""
    name = request.param
    if name == "(none)":
        pytest.skip(f"no notebooks under {labdriver.NOTEBOOK_DIR}")
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    pd.open_notebook(page, lab_server.base, name)
    final = pd.run_all(page)
    yield page, name, final, {}
    page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")
    context.close()


def _stem(name: str) -> str:
    return name.removesuffix(".ipynb")


def test_run_all_shows_no_error(executed, build_dir):
    """Check that Run All executes every cell and no output shows an error, traceback or broken widget."""
    page, name, final, _ = executed
    page.screenshot(path=str(build_dir / f"{_stem(name)}_page.png"), full_page=True)
    assert not final["errors"], f"{name}: error outputs: {final['errors']}"
    assert not pd.dom_errors(page), f"{name}: error text in outputs: {pd.dom_errors(page)}"
    assert final["executed"] == final["n"], f"{name}: only {final['executed']}/{final['n']} cells ran"


def _aria(handle, name: str) -> float:
    return float(handle.get_attribute(name) or 0)


def _key_toward_middle(handle) -> str:
    return "ArrowLeft" if _aria(handle, "aria-valuenow") >= _aria(handle, "aria-valuemax") else "ArrowRight"


def _move_one(page, cell, slider, shots: str, pixel_timeout_s: float) -> tuple[bool, bool]:
    """Press one arrow key on ``slider``; return (readout changed, figure pixels changed)."""
    handle, readout = slider.locator(".noUi-handle").first, slider.locator(".widget-readout").first
    canvases = cell.locator(".jp-OutputArea " + pd.CANVAS)
    pixels = lambda: "".join(pd.canvas_signature(canvases.nth(k)) for k in range(canvases.count()))  # noqa: E731
    pd.wait_canvas_stable(canvases.first)
    text0, png0 = readout.inner_text(), pixels()
    cell.locator(".jp-OutputArea").first.screenshot(path=f"{shots}_before.png")
    handle.focus()
    page.keyboard.press(_key_toward_middle(handle))
    moved = pd.wait_until(lambda: readout.inner_text() != text0, 10)
    drew = pd.wait_redraw(page, lambda: pixels() != png0, pixel_timeout_s)
    cell.locator(".jp-OutputArea").first.screenshot(path=f"{shots}_after.png")
    return moved, drew


def _check_cell(page, i: int, stem: str, build_dir) -> tuple[list[str], list[int]]:
    """Move every visible, movable slider of cell ``i``: (problems, [(index, label)] of sliders that redrew)."""
    cell, problems, drawing = page.locator(pd.CELLS).nth(i), [], []
    sliders = cell.locator(".jp-OutputArea " + pd.SLIDER)
    for j in range(sliders.count()):
        slider = sliders.nth(j)
        handle = slider.locator(".noUi-handle").first
        if not slider.is_visible() or _aria(handle, "aria-valuemin") == _aria(handle, "aria-valuemax"):
            continue                                  # hidden, or nothing to scrub yet
        label = slider.locator(".widget-label").first.inner_text().strip() or f"slider {j}"
        moved, drew = _move_one(page, cell, slider, str(build_dir / f"{stem}_cell{i}_slider{j}"), PIXEL_TIMEOUT_S)
        problems += [] if moved else [f"cell {i} {label!r}: readout unchanged"]
        drawing += [(j, label)] if drew else []
        print(f"  {stem} cell {i} slider {label!r}: readout {'changed' if moved else 'SAME'}, "
              f"figure {'redrawn' if drew else 'not redrawn'}")
    return problems + ([] if drawing else [f"cell {i}: no slider changed the figure's pixels"]), drawing


def _slider_report(page, name: str, build_dir, cache: dict) -> dict:
    """Per slider cell: which sliders redraw; computed once per notebook page (cached)."""
    if "sliders" not in cache:
        cache["sliders"] = {i: _check_cell(page, i, _stem(name), build_dir) for i in pd.slider_cells(page)}
    return cache["sliders"]


def test_sliders_move_readout_and_pixels(executed, build_dir):
    """Check that sliders next to a figure change their readout and (one per cell at least) the figure's pixels."""
    page, name, final, cache = executed
    if final["errors"]:
        pytest.skip("notebook failed; see test_run_all_shows_no_error")
    report = _slider_report(page, name, build_dir, cache)
    if not report:
        assert name not in LATENCY, f"{name}: expected a slider next to an ipympl figure, found none"
        pytest.skip(f"{name}: no slider next to a figure")
    problems = [p for cell_problems, _ in report.values() for p in cell_problems]
    assert not problems, f"{name}: " + "; ".join(problems)


def _time_moves(page, cell, j: int, moves: int) -> list[float]:
    slider = cell.locator(".jp-OutputArea " + pd.SLIDER).nth(j)
    handle, canvas = slider.locator(".noUi-handle").first, cell.locator(".jp-OutputArea " + pd.CANVAS).first
    samples = []
    for _ in range(moves):
        pd.wait_canvas_stable(canvas, quiet_s=0.5)
        ms = pd.press_and_time(page, handle, canvas, _key_toward_middle(handle), PIXEL_TIMEOUT_S * 1000)
        if ms is not None:
            samples.append(ms)
    return samples


def test_slider_latency(executed, build_dir):
    """Check that slider key presses redraw the figure; record the median latency (bar 250 ms, reported)."""
    page, name, final, cache = executed
    if name not in LATENCY and os.environ.get("BGAN_E2E_LATENCY_ALL") != "1":
        pytest.skip(f"{name}: latency is timed for {sorted(LATENCY)} only")
    assert not final["errors"], f"{name}: notebook failed"
    report = _slider_report(page, name, build_dir, cache)
    drawing = [(i, j, label) for i, (_, js) in report.items() for j, label in js]
    assert drawing, f"{name}: no slider that redraws a figure"
    scrubbers = [d for d in drawing if PREFERRED.search(d[2])]      # a history / snapshot slider if any
    i, j, label = (scrubbers or drawing)[0]
    samples = _time_moves(page, page.locator(pd.CELLS).nth(i), j, LATENCY_MOVES)
    entry = {**labdriver.summarise(samples), "cell": i, "slider": label, "samples_ms": [round(s, 1) for s in samples],
             "cores": os.cpu_count(), "bar_ms": LATENCY_BAR_MS}
    labdriver.record_latency(build_dir / "latency.json", name, entry)
    print(f"\n{name}: slider key press -> changed pixels, median {entry['median_ms']} ms over "
          f"{entry['moves']} moves (min {entry['min_ms']}, max {entry['max_ms']}; {os.cpu_count()} cores)")
    assert entry["moves"] >= 10, f"{name}: only {entry['moves']}/{LATENCY_MOVES} moves changed the figure"
    verdict = "within" if entry["median_ms"] <= LATENCY_BAR_MS else "OVER"
    print(f"{name}: {verdict} the {LATENCY_BAR_MS:.0f} ms bar")
    limit = LATENCY_BAR_MS if ENFORCE_BAR else SANITY_CEILING_MS
    assert entry["median_ms"] <= limit, f"{name}: median latency {entry['median_ms']} ms > {limit} ms"
