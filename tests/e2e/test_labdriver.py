"""Pure helpers of the browser harness, tested without a browser."""
from __future__ import annotations

import json
import statistics

import labdriver


def test_notebooks_are_globbed_sorted_without_hidden(tmp_path):
    """Check that notebook discovery globs *.ipynb, sorts by name and skips hidden files and other types."""
    for name in ["05_b.ipynb", "01_a.ipynb", ".hidden.ipynb", "notes.md"]:
        (tmp_path / name).write_text("{}")
    assert labdriver.notebooks(tmp_path) == ["01_a.ipynb", "05_b.ipynb"]


def test_summarise_matches_statistics_median():
    """Check that the latency summary gives the statistics-module median, extremes and count."""
    samples = [120.0, 80.0, 300.0, 95.0]
    got = labdriver.summarise(samples)
    assert got == {"median_ms": statistics.median(samples), "min_ms": 80.0, "max_ms": 300.0, "moves": 4}
    assert labdriver.summarise([])["median_ms"] is None


def test_record_latency_merges_entries(tmp_path):
    """Check that latency entries of different notebooks accumulate in one JSON file."""
    path = tmp_path / "e2e" / "latency.json"
    labdriver.record_latency(path, "a.ipynb", {"median_ms": 1.0})
    labdriver.record_latency(path, "b.ipynb", {"median_ms": 2.0})
    assert json.loads(path.read_text()) == {"a.ipynb": {"median_ms": 1.0}, "b.ipynb": {"median_ms": 2.0}}


def test_lab_env_unsets_static_and_isolates_jupyter(tmp_path):
    """Check that the server env drops BGAN_STATIC/MPLBACKEND, sets BGAN_FAST and isolated Jupyter dirs."""
    env = labdriver.lab_env({"BGAN_STATIC": "1", "MPLBACKEND": "Agg", "PATH": "/usr/bin"}, tmp_path)
    assert "BGAN_STATIC" not in env and "MPLBACKEND" not in env and env["BGAN_FAST"] == "1"
    assert env["JUPYTER_CONFIG_DIR"].startswith(str(tmp_path)) and env["JUPYTER_RUNTIME_DIR"].startswith(str(tmp_path))
    assert env["PATH"].endswith("/usr/bin") and env["PATH"] != "/usr/bin"   # the venv's bin comes first


def test_server_command_is_local_tokenless_and_isolated(tmp_path):
    """Check that the lab command binds 127.0.0.1 without port retries, token '' and isolated folders."""
    nbs = tmp_path / "src"
    nbs.mkdir()
    (nbs / "x.ipynb").write_text("{}")
    (nbs / "x.py").write_text("# jupytext source")
    (nbs / "jupytext.toml").write_text("formats = 'ipynb,py:percent'")
    server = labdriver.LabServer(nbs, tmp_path / "j")
    cmd = " ".join(server.command())
    for part in ["--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0", "--IdentityProvider.token=",
                 "--allow-root", f"--LabApp.workspaces_dir={tmp_path / 'j' / 'ws'}"]:
        assert part in cmd
    assert (server.root / "x.ipynb").exists()   # served from a copy: the repo's notebooks stay stripped
    assert not (server.root / "x.py").exists() and not (server.root / "jupytext.toml").exists()   # no pairing
    settings = tmp_path / "j" / "settings" / "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings"
    assert json.loads(settings.read_text()) == {"autosave": False}


def test_skip_execution_cells_are_dropped_from_the_served_copy(tmp_path):
    """Check that cells tagged skip-execution are removed (as nbmake skips them) and others kept in order."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    skipped = nbformat.v4.new_code_cell("long()")
    skipped.metadata["tags"] = ["skip-execution"]
    nb.cells = [nbformat.v4.new_code_cell("a = 1"), skipped, nbformat.v4.new_markdown_cell("b")]
    path = tmp_path / "n.ipynb"
    nbformat.write(nb, path)
    assert labdriver.drop_skipped_cells(path) == 1
    assert [c.source for c in nbformat.read(path, as_version=4).cells] == ["a = 1", "b"]
