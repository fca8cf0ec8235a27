"""`make bench`: one table of every performance figure bgan-teach tracks, with the machine's core count.

    .venv/bin/python benchmarks/run_all.py             # import time, each notebook in fast mode, sub-benchmarks
    .venv/bin/python benchmarks/run_all.py --quick     # no notebook runs; sub-benchmarks in their quick mode
    .venv/bin/python benchmarks/run_all.py --make-test # also time the whole `make test`

Rows come from: a fresh-interpreter ``import bgan_teach``; each notebook executed as CI does
(``BGAN_FAST=1 BGAN_STATIC=1``); full-mode notebook times from ``build/tour/timings.json`` (``make tour``);
trainer steps/s (also beside a plain loop of the same estimator, ``plain_loop.py``), time to the quality
bars and server-side slider redraws from the other scripts in ``benchmarks/`` (run as subprocesses;
missing ones are reported, not fatal); in-browser slider latency
from ``build/e2e/latency.json`` (written by the browser tests in ``tests/e2e``).
The table is printed and written to ``build/bench/report.md`` (and ``report.json``).
Timings on a shared machine vary: compare runs made on an otherwise idle machine.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BUILD = REPO / "build"
EXPECTED = ["discrete.py", "continuous.py", "digits.py", "estimators.py", "literature.py", "text_quality.py",
            "defaults.py", "digits_sweep.py", "estimator_sweep.py", "stability.py",
            "plain_loop.py"]   # missing ones are reported; any other benchmarks/*.py runs too
QUICK_ARGS = {"continuous.py": ["--seeds", "1"]}              # for scripts without a --quick flag
LINES = (re.compile(r"^\s*(.{2,100}?):\s+(.+?)\s*$"),             # "name: value" (first ': ')
         re.compile(r"^\s*([^=]{2,100}?)\s+=\s+(.+?)\s*$"))         # "name = value"


def row(section: str, metric: str, value, note: str = "") -> dict:
    return {"section": section, "metric": metric, "value": str(value), "note": note}


def timed(cmd: list[str], env: dict | None = None, timeout: float = 1800) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout)
    return time.perf_counter() - start, proc


def _import_seconds(module: str, repeats: int) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    runs = [float(timed([sys.executable, "-c", code])[1].stdout.strip() or "nan") for _ in range(repeats)]
    return statistics.median(runs)


def import_rows(repeats: int = 3) -> list[dict]:
    """Seconds to import the package (and its widgets) in a fresh interpreter, median of ``repeats``."""
    return [row("startup", f"import {m}", f"{_import_seconds(m, repeats):.2f} s", f"median of {repeats}")
            for m in ("bgan_teach", "bgan_teach.widgets")]


def notebook_env(fast: bool) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("BGAN_FAST", "BGAN_STATIC", "IN_TEST")}
    venv_first = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])  # kernel "python"
    env.update(BGAN_STATIC="1", MPLBACKEND="Agg", PATH=venv_first)
    return {**env, "BGAN_FAST": "1"} if fast else env


def run_notebook(path: Path, fast: bool) -> tuple[float, bool]:
    """Wall seconds to execute one notebook with nbclient (as nbmake does), and whether it passed."""
    code = ("import sys, nbformat; from nbclient import NotebookClient; nb = nbformat.read(sys.argv[1], 4); "
            "NotebookClient(nb, timeout=1800, kernel_name='python3', "
            "resources={'metadata': {'path': sys.argv[2]}}).execute()")
    seconds, proc = timed([sys.executable, "-c", code, str(path), str(path.parent)], notebook_env(fast), 3600)
    return seconds, proc.returncode == 0


def notebook_rows(run_fast: bool) -> list[dict]:
    rows, paths = [], sorted((REPO / "notebooks").glob("*.ipynb"))
    if not paths:
        return [row("notebooks", "notebooks/*.ipynb", "none yet")]
    for path in paths if run_fast else []:
        seconds, ok = run_notebook(path, fast=True)
        rows.append(row("notebooks", f"{path.stem} (fast)", f"{seconds:.1f} s", "ok" if ok else "FAILED"))
    tour = BUILD / "tour" / "timings.json"
    if tour.exists():
        data = json.loads(tour.read_text())
        for name, t in data.get("notebooks", {}).items():
            rows.append(row("notebooks", f"{Path(name).stem} ({data.get('mode')})", f"{t['seconds']:.1f} s",
                            ("ok" if t["ok"] else "FAILED") + " (make tour)"))
        rows.append(row("notebooks", f"make tour total ({data.get('mode')})", f"{data.get('total_s')} s"))
    else:
        rows.append(row("notebooks", "full-mode times", "n/a", "run `make tour` first"))
    return rows


def parse_output(section: str, text: str) -> list[dict]:
    """Every "name: value" line a sub-benchmark prints becomes a row; other lines are kept as notes."""
    rows = []
    for line in text.splitlines():
        if not line.strip() or set(line.strip()) <= set("-=|+ "):
            continue
        m = LINES[0].match(line) or LINES[1].match(line)
        rows.append(row(section, m.group(1), m.group(2)) if m else row(section, line.strip()[:100], ""))
    return rows


def sub_benchmark_rows(quick: bool, timeout: float) -> list[dict]:
    rows, found = [], {p.name for p in (REPO / "benchmarks").glob("*.py") if not p.name.startswith("_")}
    for name in sorted((set(EXPECTED) | found) - {"run_all.py"}):
        path = REPO / "benchmarks" / name
        if not path.exists():
            rows.append(row(path.stem, name, "missing", "script not in benchmarks/ yet"))
            continue
        quick_flag = (["--quick"] if "--quick" in path.read_text() else QUICK_ARGS.get(name, [])) if quick else []
        env = {**os.environ, **({"BGAN_BENCH_QUICK": "1"} if quick else {})}
        try:
            seconds, proc = timed([sys.executable, str(path), *quick_flag], env, timeout)
        except subprocess.TimeoutExpired:
            rows.append(row(path.stem, name, "timed out", f"> {timeout:.0f} s"))
            continue
        rows += parse_output(path.stem, proc.stdout)
        status = "ok" if proc.returncode == 0 else f"exit {proc.returncode}: {proc.stderr.strip()[-120:]}"
        rows.append(row(path.stem, f"{name} wall time", f"{seconds:.1f} s", status))
    return rows


def latency_rows() -> list[dict]:
    path = BUILD / "e2e" / "latency.json"
    if not path.exists():
        return [row("browser", "slider key press -> pixels", "n/a", "run the browser tests (tests/e2e) first")]
    return [row("browser", f"slider latency {Path(nb).stem}", f"{e['median_ms']} ms median",
                f"{e['moves']} moves, min {e['min_ms']} / max {e['max_ms']} ms, bar {e.get('bar_ms')} ms")
            for nb, e in sorted(json.loads(path.read_text()).items())]


def make_test_rows() -> list[dict]:
    seconds, proc = timed(["make", "test"], dict(os.environ), 7200)
    tail = (proc.stdout.strip().splitlines() or [""])[-1]
    return [row("suite", "make test wall time", f"{seconds:.0f} s", tail[:100])]


def machine_rows() -> list[dict]:
    import torch

    return [row("machine", "cores (os.cpu_count)", os.cpu_count()),
            row("machine", "torch threads", torch.get_num_threads(), f"torch {torch.__version__}"),
            row("machine", "python", platform.python_version(), platform.machine())]


def table(rows: list[dict]) -> str:
    out = ["| section | metric | value | note |", "|---|---|---|---|"]
    out += [f"| {r['section']} | {r['metric']} | {r['value']} | {r['note']} |".replace("\n", " ") for r in rows]
    return "\n".join(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="skip notebook runs; sub-benchmarks in quick mode")
    ap.add_argument("--make-test", action="store_true", help="also time the whole `make test` (minutes)")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds per sub-benchmark")
    ap.add_argument("--out", type=Path, default=BUILD / "bench")
    args = ap.parse_args(argv)
    start = time.perf_counter()
    rows = machine_rows() + import_rows() + notebook_rows(run_fast=not args.quick)
    rows += sub_benchmark_rows(args.quick, args.timeout) + latency_rows()
    rows += make_test_rows() if args.make_test else [row("suite", "make test wall time", "n/a", "--make-test")]
    rows.append(row("bench", "this report", f"{time.perf_counter() - start:.0f} s", "quick" if args.quick else "full"))
    text = table(rows)
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "report.md").write_text(text + "\n")
    (args.out / "report.json").write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
