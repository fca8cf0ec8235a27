"""Each notebook has one hand-edited source, ``notebooks/NN_*.py`` (jupytext py:percent); the ``.ipynb`` is built."""
from __future__ import annotations

from pathlib import Path

import nbformat
from scripts import load_script

ROOT = Path(__file__).resolve().parents[1]
nbtool = load_script("tools/notebooks.py", "nbtool")


def test_every_notebook_has_a_source_and_vice_versa():
    """Check that notebooks/NN_*.ipynb and notebooks/NN_*.py come in pairs (six of them)."""
    built = {p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}
    sources = {p.stem for p in nbtool.sources()}
    assert built == sources and len(sources) == 6


def test_notebooks_equal_what_their_sources_build():
    """Check that every committed .ipynb is byte-for-byte what its .py builds (else: run `make notebooks`)."""
    stale = nbtool.stale()
    assert not stale, f"out of date with their .py sources: {stale}; run `make notebooks`"


def test_build_is_deterministic_and_says_where_it_comes_from(tmp_path):
    """Check that a rebuild gives the same bytes, stable cell ids, and metadata naming the source."""
    source = nbtool.sources()[0]
    first, second = nbtool.build(source), nbtool.build(source)
    assert first == second
    nb = nbformat.reads(first, as_version=4)
    assert nb.metadata["bgan_teach"]["generated_from"] == source.name
    assert [c.id for c in nb.cells] == [f"nb{source.name[:2]}-{i:02d}" for i in range(len(nb.cells))]


def test_pull_round_trips(tmp_path):
    """Check that writing a built notebook back to py:percent gives a source that builds the same notebook."""
    source = nbtool.sources()[1]
    notebook = tmp_path / source.with_suffix(".ipynb").name
    notebook.write_text(nbtool.build(source))
    copy = tmp_path / source.name
    nbtool.write_source(notebook, copy)
    assert nbtool.build(copy).replace(copy.name, source.name) == nbtool.build(source)


def test_no_builder_scripts_left():
    """Check that no tools/build_nb*.py generator competes with the .py sources."""
    assert not list((ROOT / "tools").glob("build_nb*.py"))
