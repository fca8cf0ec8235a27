"""Page-level actions in a JupyterLab tab: open a notebook, Run All, find errors, move sliders, time redraws.

The lab is started with ``--LabApp.expose_app_in_browser=True`` so the page can read the notebook model
(``window.jupyterapp``) for execution counts and error outputs; every action a learner takes (menu
clicks, key presses) goes through the real UI.
"""
from __future__ import annotations

import os
import time

CELLS = ".jp-Notebook .jp-Cell"
CANVAS = ".jupyter-matplotlib-canvas-div canvas"
SLIDER = ".widget-slider"

# State of the current notebook: counts of cells, executed / running cells, error outputs, kernel status.
JS_STATE = """() => {
  const nb = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  if (!nb || !nb.content || !nb.sessionContext) return null;
  const code = nb.content.widgets.filter(c => c.model.type === 'code'
                                          && c.model.sharedModel.getSource().trim() !== '');
  const prompt = c => (c.node.querySelector('.jp-InputPrompt') || {}).textContent || '';
  const errors = [];
  nb.content.widgets.forEach((c, i) => {
    if (c.model.type !== 'code' || (c.model.getMetadata('tags') || []).includes('raises-exception')) return;
    for (const o of c.model.outputs.toJSON())
      if (o.output_type === 'error') errors.push(`cell ${i}: ${o.ename}: ${o.evalue}`);
  });
  const kernel = nb.sessionContext.session && nb.sessionContext.session.kernel;
  return {n: code.length, executed: code.filter(c => c.model.executionCount !== null).length,
          running: code.filter(c => prompt(c).includes('*')).length, errors,
          status: kernel ? kernel.status : 'none'};
}"""

# Error text shown in output areas (tracebacks captured by Output widgets, widgets that failed to render).
JS_DOM_ERRORS = """() => Array.from(document.querySelectorAll('.jp-OutputArea-output'))
  .map(e => e.innerText).filter(t => /Traceback \\(most recent call last\\)|Error displaying widget/.test(t))
  .map(t => t.slice(0, 400))"""

# Watch a canvas: resolve with (time of the next keydown -> first frame whose pixels differ), in ms.
JS_WATCH = """([canvas, timeoutMs]) => {
  const ctx = canvas.getContext('2d');
  const grab = () => new Uint32Array(ctx.getImageData(0, 0, canvas.width, canvas.height).data.buffer);
  const base = grab();
  let t0 = null;
  const onKey = e => { if (t0 === null) t0 = performance.now(); };
  document.addEventListener('keydown', onKey, true);
  window.__bganWatch = new Promise(resolve => {
    const tick = () => {
      const now = performance.now();
      if (t0 !== null) {
        const cur = grab();
        let changed = cur.length !== base.length;
        for (let i = 0; !changed && i < cur.length; i++) changed = cur[i] !== base[i];
        if (changed || now - t0 > timeoutMs) {
          document.removeEventListener('keydown', onKey, true);
          return resolve(changed ? now - t0 : null);
        }
      }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  return true;
}"""


def state(page) -> dict | None:
    return page.evaluate(JS_STATE)


def open_notebook(page, base: str, name: str, timeout_ms: int = 120_000) -> None:
    """Open ``name`` in a fresh workspace and wait for the status bar to show the kernel idle."""
    page.goto(f"{base}/lab/tree/{name}?reset")
    page.wait_for_function("document.body.innerText.includes('| Idle')", timeout=timeout_ms)
    page.wait_for_function("window.jupyterapp && window.jupyterapp.shell.currentWidget"
                           " && window.jupyterapp.shell.currentWidget.content", timeout=timeout_ms)
    page.evaluate("() => window.jupyterapp.shell.collapseLeft()")   # room for wide figures


def click_run_all(page) -> None:
    """Run menu -> Run All Cells, as a learner would."""
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()


def started(page, timeout_s: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        s = state(page)
        if s and (s["running"] or s["executed"] or s["status"] == "busy"):
            return True
        time.sleep(0.2)
    return False


def run_all(page, timeout_s: float = float(os.environ.get("BGAN_E2E_RUN_TIMEOUT", 1200))) -> dict:
    """Run All (retried once if no cell starts) and wait until every cell ran or one failed, kernel idle."""
    click_run_all(page)
    if not started(page):
        page.keyboard.press("Escape")
        click_run_all(page)
    deadline, stable, s = time.monotonic() + timeout_s, 0, None
    while time.monotonic() < deadline:
        s = state(page)
        done = s and s["status"] == "idle" and not s["running"] and (s["executed"] == s["n"] or s["errors"])
        stable = stable + 1 if done else 0
        if stable >= 3:                     # idle for three polls in a row (≈ 0.75 s)
            return s
        time.sleep(0.25)
    raise TimeoutError(f"Run All did not finish in {timeout_s:.0f} s; last state {s}")


def dom_errors(page) -> list[str]:
    return page.evaluate(JS_DOM_ERRORS)


def slider_cells(page) -> list[int]:
    """Indices of cells whose outputs hold both a visible slider and an ipympl canvas."""
    return page.evaluate("""([cells, slider, canvas]) => Array.from(document.querySelectorAll(cells))
      .map((c, i) => [i, c.querySelector('.jp-OutputArea ' + slider), c.querySelector('.jp-OutputArea ' + canvas)])
      .filter(([i, s, k]) => s && k && s.offsetParent !== null).map(([i]) => i)""", [CELLS, SLIDER, CANVAS])


def canvas_signature(canvas) -> str:
    """A cheap fingerprint of the canvas pixels (its PNG data URL)."""
    return canvas.evaluate("c => c.toDataURL()")


def wait_canvas_stable(canvas, quiet_s: float = 1.0, timeout_s: float = 30.0) -> str:
    """Wait until the canvas pixels stop changing for ``quiet_s`` (the first draw has landed)."""
    deadline, sig, since = time.monotonic() + timeout_s, canvas_signature(canvas), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.2)
        cur = canvas_signature(canvas)
        if cur != sig:
            sig, since = cur, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            return sig
    return sig


def wait_until(predicate, timeout_s: float, interval_s: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval_s)
    return predicate()


def wait_redraw(page, changed, timeout_s: float, idle_s: float = 2.0) -> bool:
    """Wait for ``changed()``; give up early once the kernel has stayed idle for ``idle_s`` without it.

    A slider that only sets a hyper-parameter never redraws; one that trains keeps the kernel busy.
    """
    deadline, idle_since = time.monotonic() + timeout_s, None
    while time.monotonic() < deadline:
        if changed():
            return True
        s = state(page)
        idle_since = (idle_since or time.monotonic()) if s and s["status"] == "idle" else None
        if idle_since is not None and time.monotonic() - idle_since >= idle_s:
            return changed()
        time.sleep(0.1)
    return changed()


def press_and_time(page, handle, canvas, key: str, timeout_ms: float = 20_000) -> float | None:
    """Press ``key`` on the focused slider handle; ms from keydown to the first changed canvas frame."""
    page.evaluate(JS_WATCH, [canvas.element_handle(), timeout_ms])
    handle.focus()
    page.keyboard.press(key)
    return page.evaluate("() => window.__bganWatch")
