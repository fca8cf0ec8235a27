"""Execute a notebook in a fresh kernel with nbclient: the one way ``tools/figures.py`` and ``tools/tour.py`` run them."""
from __future__ import annotations

import re
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def execute(nb: nbformat.NotebookNode, folder: Path, timeout: int, **client_options) -> tuple[float, str | None]:
    """Run ``nb`` in place with ``folder`` as the kernel's working directory; return the seconds taken and the last
    line of the error (ANSI colours removed, at most 300 characters), or None when every cell ran."""
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(folder)}}, **client_options)
    start, error = time.perf_counter(), None
    try:
        client.execute()
    except CellExecutionError as exc:
        error = re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).strip().splitlines()[-1][:300]
    return time.perf_counter() - start, error
