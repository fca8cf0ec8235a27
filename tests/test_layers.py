"""The layering rule, in one line: math → models, data → metrics → training → plotting → widgets → lessons.

A module may import modules of its own layer or of lower layers, never of a higher one. ``config``,
``_checks`` and ``selfcheck`` may be imported anywhere.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "bgan_teach"
LAYERS = {
    "divergences": 0, "weights": 0, "losses": 0, "estimators": 0, "generator_losses": 0,
    "models": 1, "data": 1,
    "metrics": 2,
    "training": 3,
    "plotting": 4,
    "widgets": 5,
    "lessons": 6,
}
ANYWHERE = {"config", "_checks", "selfcheck", "exercises", "cache", "__init__"}
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py" or p.parent != PACKAGE)


def _top(path: Path) -> str:
    """The package-level name a module belongs to (``training`` for training/discrete.py)."""
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def _imported(path: Path, where: Path | None = None) -> set[str]:
    """Package-level names imported by ``path`` (relative and absolute ``bgan_teach`` imports).

    ``where``: the module's path inside the package (default: where ``path`` lies).
    """
    tree, names = ast.parse(path.read_text()), set()
    rel = where or path.relative_to(PACKAGE)
    depth = len(rel.parts) - 1                                 # 0 for top-level modules, 1 inside a subpackage
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module and node.module.startswith("bgan_teach"):
                parts = node.module.split(".")[1:]
            elif node.level > 0:
                base = list(rel.parts[:-1])[: depth - (node.level - 1)]
                parts = base + (node.module.split(".") if node.module else [])
            else:
                continue
            if parts:
                names.add(parts[0])
            else:                                              # from .. import divergences, losses
                names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(a.name.split(".")[1] for a in node.names if a.name.startswith("bgan_teach."))
    return names


def test_every_module_has_a_layer():
    """Check that every package-level module or subpackage is placed in a layer (or allowed anywhere)."""
    tops = {_top(p) for p in MODULES}
    assert tops <= set(LAYERS) | ANYWHERE, f"place these in LAYERS: {sorted(tops - set(LAYERS) - ANYWHERE)}"


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(PACKAGE)) for p in MODULES])
def test_no_upward_import(path):
    """Check that the module imports nothing from a higher layer."""
    own = _top(path)
    if own in ANYWHERE:
        bad = {name for name in _imported(path) if name in LAYERS}
        assert not bad, f"{path.name} may be used anywhere, so it must not import layered modules: {bad}"
        return
    upward = {name for name in _imported(path) if LAYERS.get(name, -1) > LAYERS[own]}
    assert not upward, f"{path.relative_to(PACKAGE)} (layer {own}) imports higher layers: {sorted(upward)}"


def test_the_rule_can_fail(tmp_path):
    """Check that the import scanner sees relative and absolute upward imports (the test above can fail)."""
    sample = tmp_path / "x.py"
    sample.write_text("from ..training.continuous import train_continuous\nfrom .. import widgets\n"
                      "import bgan_teach.plotting.figures\nfrom .grid import exact_js\n")
    assert _imported(sample, Path("metrics/x.py")) == {"training", "widgets", "plotting", "metrics"}
