"""Load a repository script (``benchmarks/``, ``tools/``, ``tests/recorded/``) as a module, so tests can call its
functions. The scripts are not part of the package; each test file loads the ones it checks."""
from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def load_script(rel: str, name: str | None = None) -> ModuleType:
    """The script at ``ROOT / rel`` executed as a module named ``name`` (default: the file's stem)."""
    path = ROOT / rel
    spec = importlib.util.spec_from_file_location(name or path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
