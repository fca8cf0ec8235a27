"""`make figures`: execute every notebook with static figures and save each figure it shows as a PNG.

    .venv/bin/python tools/figures.py                  # fast mode (BGAN_FAST=1), every notebook
    .venv/bin/python tools/figures.py 03 05            # only notebooks whose name starts with 03 or 05
    .venv/bin/python tools/figures.py --full           # full mode (minutes per notebook)

Figures land in ``build/figures/NN_name/NN-XX.png``, numbered in the order the notebook shows them (a figure
that a widget re-shows unchanged is saved once), and the list is printed with the id of the cell that showed
each one (``nbNN-XX``, as in the built notebook) and its ``figure(key)``. The executed notebook, with its text
outputs and per-cell timings, is saved beside them as ``build/figures/NN_name/executed.ipynb``. The PNGs are the
bytes the notebook displays (``BGAN_STATIC=1``, the inline backend), so what you look at is what a learner
sees at 100 % zoom. For reviewers: open them one by one and read each figure as a learner would.
Exit status 1 if any notebook failed (its figures up to the failing cell are still written).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
import nbexec  # noqa: E402

REPO = Path(__file__).resolve().parents[1]

# Runs first, inside the kernel: every PNG that IPython renders for a matplotlib Figure (a cell's last
# expression, display(fig), a static widget panel re-showing its figure) is also written to OUT.
HOOK = r'''
import base64 as _b64, hashlib as _hl, json as _json, pathlib as _pl
import IPython.core.formatters as _fmt
_BGAN_FIG = {"out": _pl.Path(%(out)r), "prefix": %(prefix)r, "n": 0, "cell": -1, "last": {}, "index": []}

def _bgan_pre(info=None):
    _BGAN_FIG["cell"] += 1

def _bgan_key(fig):
    try:
        from bgan_teach.plotting.figures import _FIGURES
    except ImportError:
        return ""
    return next((k for k, f in _FIGURES.items() if f is fig), "")

def _bgan_save(fig, data):
    digest = _hl.sha1(data).hexdigest()
    if _BGAN_FIG["last"].get(id(fig)) == digest:
        return                                            # the same picture shown again
    _BGAN_FIG["last"][id(fig)] = digest
    _BGAN_FIG["n"] += 1
    name = "%%s-%%02d.png" %% (_BGAN_FIG["prefix"], _BGAN_FIG["n"])
    (_BGAN_FIG["out"] / name).write_bytes(data)
    w, h = fig.get_size_inches()
    _BGAN_FIG["index"].append({"file": name, "cell": _BGAN_FIG["cell"], "key": _bgan_key(fig),
                               "inches": [round(w, 2), round(h, 2)], "dpi": fig.dpi})
    (_BGAN_FIG["out"] / "index.json").write_text(_json.dumps(_BGAN_FIG["index"], indent=1))

_bgan_call = _fmt.PNGFormatter.__call__

def _bgan_png(self, obj):
    data = _bgan_call(self, obj)                          # bytes, or base64 text (IPython >= 8)
    if isinstance(data, (bytes, str)) and data and type(obj).__name__ == "Figure":
        _bgan_save(obj, data if isinstance(data, bytes) else _b64.b64decode(data))
    return data

_fmt.PNGFormatter.__call__ = _bgan_png
get_ipython().events.register("pre_run_cell", _bgan_pre)
'''


def figures_env(full: bool) -> None:
    """Static (inline) figures, fast mode unless ``full``, the venv's python as the kernel."""
    for name in ("MPLBACKEND", "IN_TEST", "BGAN_FAST"):
        os.environ.pop(name, None)
    os.environ["BGAN_STATIC"] = "1"
    if not full:
        os.environ["BGAN_FAST"] = "1"
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])


def run(path: Path, out: Path, timeout: int) -> tuple[list[dict], float, str | None]:
    """Execute ``path`` with the hook; return the saved figures' index, seconds taken and the error, if any."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(HOOK % {"out": str(out), "prefix": path.name[:2]}))
    seconds, error = nbexec.execute(nb, path.parent, timeout)
    path_index = out / "index.json"
    index = json.loads(path_index.read_text()) if path_index.exists() else []
    code = [cell for cell in nb.cells[1:] if cell.cell_type == "code"]        # the hook cell is not counted
    for row in index:                                     # the kernel counts code cells; name them by cell id
        row["cell_id"] = code[row["cell"]].get("id", "") if 0 <= row["cell"] < len(code) else ""
    path_index.write_text(json.dumps(index, indent=1))
    nb.cells.pop(0)                                       # the executed notebook (text outputs, cell timings)
    nbformat.write(nb, out / "executed.ipynb")
    return index, seconds, error


def select(names: list[str]) -> list[Path]:
    """The notebooks whose file name starts with one of ``names`` (all of them when empty)."""
    paths = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    chosen = [p for p in paths if not names or any(p.name.startswith(n) for n in names)]
    if names and not chosen:
        raise SystemExit(f"no notebook starts with {names}; have {[p.name for p in paths]}")
    return chosen


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebooks", nargs="*", help="name prefixes, e.g. 03 05_continuous (default: all)")
    ap.add_argument("--full", action="store_true", help="full mode (BGAN_FAST unset): minutes per notebook")
    ap.add_argument("--out", type=Path, default=REPO / "build" / "figures")
    ap.add_argument("--timeout", type=int, default=1800, help="seconds per cell")
    args = ap.parse_args(argv)
    figures_env(args.full)
    failed = False
    for path in select(args.notebooks):
        print(f"figures: running {path.name} ({'full' if args.full else 'fast'} mode) ...", flush=True)
        folder = (args.out / path.stem).resolve()
        index, seconds, error = run(path, folder, args.timeout)
        for row in index:
            w, h = row["inches"]
            print(f"  {(folder / row['file']).relative_to(REPO) if folder.is_relative_to(REPO) else folder / row['file']}"
                  f"   cell {row['cell_id'] or row['cell']}, figure {row['key'] or '(no key)'!r}, {w}x{h} in at "
                  f"{row['dpi']:g} dpi")
        print(f"figures: {path.name}: {len(index)} figures in {seconds:.0f} s"
              f"{'' if not error else ', FAILED: ' + error}", flush=True)
        failed = failed or error is not None
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
