"""Notebook sources: ``notebooks/NN_*.py`` (jupytext py:percent) is what you edit; the ``.ipynb`` is built.

    python tools/notebooks.py build           # every .py -> its stripped .ipynb (what `make notebooks` runs)
    python tools/notebooks.py check           # exit 1, naming the command, if any .ipynb differs from its .py
    python tools/notebooks.py pull NN.ipynb   # edited the .ipynb without jupytext? copy its cells back to the .py
    python tools/notebooks.py solved [DIR]    # copies with every exercise's solution filled in (default build/solved)

A built notebook has no outputs, cell ids ``nbNN-XX`` numbered by position (so a rebuild is a no-op)
and ``metadata.bgan_teach.generated_from`` naming its source. In JupyterLab, jupytext (in the
``notebooks`` extra; ``notebooks/jupytext.toml`` pairs the two formats) writes your edits of the
``.ipynb`` back to the ``.py`` on save; run ``make notebooks`` afterwards to re-strip the ``.ipynb``.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import jupytext
import nbformat

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
SOLUTIONS = NOTEBOOKS / "solutions"
EXERCISE = re.compile(r"^### BEGIN EXERCISE (\w+)\n(.*?)^### END EXERCISE\n", re.M | re.S)
COMMAND = "make notebooks"
FORMAT = "py:percent"
KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}


def sources() -> list[Path]:
    """The notebook sources ``NN_*.py`` in order."""
    return sorted(p for p in NOTEBOOKS.glob("[0-9][0-9]_*.py"))


def notebook_path(source: Path) -> Path:
    return source.with_suffix(".ipynb")


def build(source: Path) -> str:
    """The stripped ``.ipynb`` text built from ``source`` (deterministic: same source, same bytes)."""
    nb = jupytext.read(source, fmt=FORMAT)
    prefix = source.name[:2]
    for i, cell in enumerate(nb.cells):
        cell.id = f"nb{prefix}-{i:02d}"
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cell.metadata.pop("lines_to_next_cell", None)
    nb.metadata = nbformat.NotebookNode(
        kernelspec=KERNELSPEC, language_info={"name": "python"},
        jupytext={"formats": "ipynb,py:percent"},
        bgan_teach={"generated_from": source.name, "edit": f"edit {source.name}, then run `{COMMAND}`"})
    nb.nbformat, nb.nbformat_minor = 4, 5
    return nbformat.writes(nb) + "\n"


def write_source(notebook: Path, source: Path) -> None:
    """Write ``notebook``'s cells to ``source`` as py:percent (outputs dropped)."""
    nb = nbformat.read(notebook, as_version=4)
    nb.metadata = nbformat.NotebookNode(kernelspec=KERNELSPEC)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    text = jupytext.writes(nb, fmt=FORMAT)
    source.write_text(_without_version(text))


def _without_version(text: str) -> str:
    """Drop jupytext's version line from the header (it would change the source with every jupytext release)."""
    return "".join(line for line in text.splitlines(keepends=True) if "jupytext_version:" not in line)


def exercises(text: str) -> dict[str, str]:
    """The exercise blocks of a notebook source or a solutions file: name → body (between the markers)."""
    found: dict[str, str] = {}
    for m in EXERCISE.finditer(text):
        if m.group(1) in found:
            raise ValueError(f"exercise {m.group(1)!r} appears twice")
        found[m.group(1)] = m.group(2)
    return found


def solution_path(source: Path) -> Path:
    return SOLUTIONS / source.name


def solve(source: Path) -> str:
    """The source text of ``source`` with each exercise block replaced by its worked solution."""
    text, solutions = source.read_text(), exercises(solution_path(source).read_text()) \
        if solution_path(source).exists() else {}
    missing = sorted(set(exercises(text)) - set(solutions))
    if missing:
        raise ValueError(f"{source.name}: no solution for {missing} in {solution_path(source).relative_to(NOTEBOOKS)}")
    return EXERCISE.sub(lambda m: f"### BEGIN EXERCISE {m.group(1)}\n{solutions[m.group(1)]}### END EXERCISE\n",
                        text)


def build_solved(out: Path) -> list[Path]:
    """Write every notebook with its solutions filled in to ``out`` (as .ipynb); returns the paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for source in sources():
        tmp = out / source.name
        tmp.write_text(solve(source))
        path = out / notebook_path(source).name
        path.write_text(build(tmp))
        tmp.unlink()
        paths.append(path)
    return paths


def stale() -> list[str]:
    """Notebooks whose committed ``.ipynb`` differs from what their ``.py`` builds (or that lack one side)."""
    out = []
    for source in sources():
        path = notebook_path(source)
        if not path.exists() or path.read_text() != build(source):
            out.append(path.name)
    out += [p.name for p in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")) if not p.with_suffix(".py").exists()]
    return out


def main(argv: list[str]) -> int:
    cmd = argv[0] if argv else "build"
    if cmd == "build":
        for source in sources():
            text, path = build(source), notebook_path(source)
            if not path.exists() or path.read_text() != text:
                path.write_text(text)
                print(f"built {path.relative_to(NOTEBOOKS.parent)} from {source.name}")
        return 0
    if cmd == "check":
        bad = stale()
        if bad:
            print(f"out of date with their .py sources: {', '.join(bad)}; run `{COMMAND}`", file=sys.stderr)
        return 1 if bad else 0
    if cmd == "solved":
        out = Path(argv[1]) if len(argv) > 1 else NOTEBOOKS.parent / "build" / "solved"
        for path in build_solved(out):
            print(f"wrote {path}")
        return 0
    if cmd == "pull" and len(argv) == 2:
        notebook = (NOTEBOOKS / Path(argv[1]).name).with_suffix(".ipynb")
        write_source(notebook, notebook.with_suffix(".py"))
        print(f"wrote {notebook.with_suffix('.py').name} from {notebook.name}; now run `{COMMAND}`")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
