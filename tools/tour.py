"""`make tour`: execute every notebook in full mode into build/tour/ as HTML, with an index page.

    .venv/bin/python tools/tour.py            # full mode (minutes); BGAN_FAST / BGAN_STATIC are unset
    .venv/bin/python tools/tour.py --fast     # CI-sized runs, to check the tour itself in seconds

Figures are ipympl canvases (as in JupyterLab); their last picture and every widget's last state are
rendered as static HTML (tools/static_widgets.py), so the pages read offline, without a kernel. Every
snapshot slider (the lab's history, the grid, digits and text scrubbers, the p̃, M, slope and sharpness
sliders) stays live: after a notebook ran, one more cell in its kernel renders at most ``--frames`` evenly
spaced frames of each (bgan_teach.widgets.frames.tour_frames), and the page's slider swaps them.
Exit status 1 if any notebook failed (its page is still written, up to the failing cell).
"""
from __future__ import annotations

import argparse
import html
import json
import os
import shutil
import sys
import time
from pathlib import Path

import jinja2
import nbformat
from nbconvert import HTMLExporter

sys.path.insert(0, str(Path(__file__).resolve().parent))
import static_widgets  # noqa: E402
import nbexec  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
# Draw every open figure once more so ipympl stores its last picture (_data_url) in the widget state.
FINAL_DRAW = ("import matplotlib.pyplot as _plt\n"
              "for _n in _plt.get_fignums():\n    _plt.figure(_n).canvas.draw()")
# Render the frames of every registered snapshot slider into a JSON file (a failure is reported, not fatal).
FRAMES = ("try:\n    from bgan_teach.widgets.frames import tour_frames as _tour_frames\n"
          "    _tour_frames({path!r}, max_frames={frames})\n"
          "except Exception as _err:\n    print('tour: no frames:', repr(_err))")


def tour_env(fast: bool) -> None:
    """Full mode (unless ``fast``), live ipympl figures, and the venv's python as the kernel."""
    for name in ("BGAN_STATIC", "MPLBACKEND", "IN_TEST", "BGAN_FAST"):
        os.environ.pop(name, None)
    if fast:
        os.environ["BGAN_FAST"] = "1"
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])


def execute(path: Path, timeout: int, frames_file: Path | None = None,
            frames: int = 40) -> tuple[nbformat.NotebookNode, float, str | None]:
    """Run one notebook (in its own folder); return it, the seconds taken and the error, if any.

    With ``frames_file``, a helper cell writes the frames of its snapshot sliders there (see ``FRAMES``).
    """
    nb = nbformat.read(path, as_version=4)
    helpers = [FRAMES.format(path=str(frames_file), frames=frames)] if frames_file else []
    nb.cells += [nbformat.v4.new_code_cell(src) for src in [*helpers, FINAL_DRAW]]
    seconds, error = nbexec.execute(nb, path.parent, timeout, store_widget_state=True)
    for _ in range(len(helpers) + 1):
        cell = nb.cells.pop()                         # the helper cells are not part of the tour
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                print("".join(out.get("text", "")).rstrip(), flush=True)
    return nb, seconds, error


def read_frames(path: Path) -> list[dict]:
    """The frames a notebook's helper cell wrote (empty when it did not run), and the file removed."""
    if not path.exists():
        return []
    frames = json.loads(path.read_text(encoding="utf-8"))
    path.unlink()
    return frames


def title_of(nb, fallback: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return fallback


def index_html(rows: list[dict], fast: bool, total_s: float) -> str:
    items = "".join(
        f"<tr><td><a href='{html.escape(r['page'])}'>{html.escape(r['title'])}</a></td>"
        f"<td>{html.escape(r['name'])}</td><td>{r['seconds']:.1f} s</td>"
        f"<td>{r.get('sliders', 0)}</td><td>{r.get('bytes', 0) / 1e6:.1f} MB</td>"
        f"<td>{'ok' if not r['error'] else 'FAILED: ' + html.escape(r['error'])}</td></tr>" for r in rows)
    mode = "fast (BGAN_FAST=1)" if fast else "full"
    return (f"<!doctype html><meta charset='utf-8'><title>bgan-teach tour</title>"
            f"<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}td{{padding:4px 12px}}</style>"
            f"<h1>bgan-teach: a rendered tour</h1><p>Every notebook executed in {mode} mode on "
            f"{os.cpu_count()} cores in {total_s:.0f} s. Snapshot sliders (history, snapshot, M, slope, sharpness) "
            f"scrub precomputed frames, without a kernel or a network; the other widgets are shown in their "
            f"last state. Open the notebooks in JupyterLab (<code>make lab</code>) to train and change "
            f"everything.</p><table><tr><th>notebook</th><th>file</th><th>run time</th><th>live sliders</th>"
            f"<th>page size</th><th>status</th></tr>{items}</table>")


def write_index(out: Path, rows: list[dict], fast: bool, total_s: float) -> None:
    """index.html and timings.json (read by benchmarks/run_all.py) for the pages written so far."""
    (out / "index.html").write_text(index_html(rows, fast, total_s), encoding="utf-8")
    timings = {"mode": "fast" if fast else "full", "cores": os.cpu_count(), "total_s": round(total_s, 1),
               "bytes": sum(r.get("bytes", 0) for r in rows),
               "notebooks": {r["name"]: {"seconds": round(r["seconds"], 1), "ok": not r["error"],
                                         "sliders": r.get("sliders", 0), "bytes": r.get("bytes", 0)} for r in rows}}
    (out / "timings.json").write_text(json.dumps(timings, indent=2) + "\n")


def mathjax_settings(out: Path) -> dict:
    """Copy MathJax 2.7 (the ``jupyter-server-mathjax`` package) beside the pages so their LaTeX renders offline.

    Returns the exporter's ``mathjax_url``; without the package: ``{}`` (nbconvert's CDN default) and a warning.
    """
    try:
        import jupyter_server_mathjax
    except ImportError:
        print("tour: jupyter-server-mathjax is not installed; pages load MathJax from a CDN", flush=True)
        return {}
    shutil.copytree(Path(jupyter_server_mathjax.__file__).parent / "static", out / "mathjax", dirs_exist_ok=True)
    return {"mathjax_url": "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"}


# The lab template loads require.js from a CDN in every page; the tour's pages need no JavaScript library.
NO_REQUIRE = jinja2.DictLoader({"tour.html.j2": "{%- extends 'index.html.j2' -%}\n"
                                "{% block html_head_js_requirejs %}{% endblock html_head_js_requirejs %}"})


def exporter(out: Path) -> HTMLExporter:
    """nbconvert's lab template with MathJax from beside the pages and without require.js: no request leaves the disk."""
    return HTMLExporter(template_name="lab", extra_loaders=[NO_REQUIRE], template_file="tour.html.j2",
                        **mathjax_settings(out))


def build(paths: list[Path], out: Path, fast: bool, timeout: int, frames: int = 40) -> list[dict]:
    out.mkdir(parents=True, exist_ok=True)
    exporter_ = exporter(out)
    rows, start = [], time.perf_counter()
    for path in paths:
        print(f"tour: running {path.name} ...", flush=True)
        frames_file = (out / f".{path.stem}.frames.json").resolve()
        nb, seconds, error = execute(path, timeout, frames_file if frames else None, frames)
        live = read_frames(frames_file)
        static_widgets.freeze(nb, live)
        page = path.with_suffix(".html").name
        text = exporter_.from_notebook_node(nb)[0]
        (out / page).write_text(text, encoding="utf-8")
        rows.append({"name": path.name, "title": title_of(nb, path.stem), "page": page, "seconds": seconds,
                     "error": error, "sliders": len(live), "bytes": len(text.encode("utf-8"))})
        print(f"tour: {path.name}: {seconds:.1f} s, {len(live)} live sliders, {rows[-1]['bytes'] / 1e6:.1f} MB "
              f"{'ok' if not error else 'FAILED: ' + error}", flush=True)
        write_index(out, rows, fast, time.perf_counter() - start)   # after each page: usable if stopped
    write_index(out, rows, fast, time.perf_counter() - start)
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/*.ipynb")
    ap.add_argument("--out", type=Path, default=REPO / "build" / "tour")
    ap.add_argument("--fast", action="store_true", help="BGAN_FAST=1 (seconds, for checking the tour)")
    ap.add_argument("--timeout", type=int, default=1800, help="seconds per cell")
    ap.add_argument("--frames", type=int, default=40, help="frames per snapshot slider (0: frozen sliders)")
    args = ap.parse_args(argv)
    tour_env(args.fast)
    paths = [p.resolve() for p in args.notebooks] or sorted((REPO / "notebooks").glob("*.ipynb"))
    start = time.perf_counter()
    rows = build(paths, args.out, args.fast, args.timeout, args.frames)
    size = sum(r["bytes"] for r in rows) + sum(f.stat().st_size for f in (args.out / "mathjax").rglob("*")
                                               if f.is_file())
    print(f"tour: {len(rows)} notebooks in {time.perf_counter() - start:.1f} s, {size / 1e6:.1f} MB with MathJax "
          f"-> {args.out / 'index.html'}")
    return 1 if any(r["error"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
