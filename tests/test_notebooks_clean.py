"""Committed notebooks carry no outputs, no execution counts and no widget state."""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_stripped(path):
    """Check that the notebook has no outputs, no execution counts and no widget state."""
    nb = nbformat.read(path, as_version=4)
    dirty = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and (c.outputs or c.execution_count is not None)]
    assert not dirty, f"{path.name}: strip outputs (cells {dirty})"
    assert "widgets" not in nb.metadata, f"{path.name}: strip metadata.widgets"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_has_fast_mode_parameters_cell(path):
    """Check that the first code cell is tagged 'parameters' and reads config.fast()."""
    nb = nbformat.read(path, as_version=4)
    first = next(c for c in nb.cells if c.cell_type == "code")
    assert "parameters" in first.metadata.get("tags", []), f"{path.name}: tag the first code cell 'parameters'"
    assert "config.fast()" in first.source


def test_notebooks_exist():
    """Check that the notebook series is present (at least notebooks 01 and 02)."""
    names = {p.name for p in NOTEBOOKS}
    assert {"01_f_divergences.ipynb", "02_importance_weights.ipynb"} <= names
