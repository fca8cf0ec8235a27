"""Drive a real JupyterLab in Debian's chromium (Python Playwright): server, Run All, sliders, pixels.

The browser is the system package
(``executable_path``), never a downloaded one; the server lives in isolated Jupyter folders and is
stopped by its PID only. Pure helpers (``notebooks``, ``summarise``, ``lab_env``) are unit-tested
without a browser in ``test_labdriver.py``.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BUILD = REPO / "build" / "e2e"
NOTEBOOK_DIR = Path(os.environ.get("BGAN_E2E_NOTEBOOKS", REPO / "notebooks"))  # override for trying the harness
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",  # closed network
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DROP_ENV = ("BGAN_STATIC", "MPLBACKEND", "JPY_SESSION_NAME", "IN_TEST")  # ipympl must be used
SETTINGS = {  # JupyterLab user settings: never write outputs back, keep every cell in the DOM
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings":
        {"windowingMode": "none", "autoStartDefaultKernel": True},   # no kernel dialog without kernelspec
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
}


def unavailable() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if shutil.which("chromium") is None:
        return "Debian's chromium is not installed (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install playwright; never `playwright install`)"
    return None


def notebooks(folder: Path) -> list[str]:
    """Names of the notebooks to test, sorted (checkpoints and hidden files excluded)."""
    return sorted(p.name for p in Path(folder).glob("*.ipynb") if not p.name.startswith("."))


def summarise(samples_ms: list[float]) -> dict:
    """Median / min / max / count of latency samples in milliseconds (None when empty)."""
    if not samples_ms:
        return {"median_ms": None, "min_ms": None, "max_ms": None, "moves": 0}
    return {"median_ms": round(statistics.median(samples_ms), 1), "min_ms": round(min(samples_ms), 1),
            "max_ms": round(max(samples_ms), 1), "moves": len(samples_ms)}


def record_latency(path: Path, notebook: str, entry: dict) -> dict:
    """Merge one notebook's latency entry into the JSON file at ``path``; return the whole table."""
    table = json.loads(path.read_text()) if path.exists() else {}
    table[notebook] = entry
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(table, indent=2, sort_keys=True) + "\n")
    return table


def drop_skipped_cells(path: Path) -> int:
    """Remove cells tagged ``skip-execution`` (nbclient/nbmake skip them; Run All would not)."""
    import nbformat

    try:
        nb = nbformat.read(path, as_version=4)
    except Exception:                  # not a readable notebook: leave it for the lab to report
        return 0
    keep = [c for c in nb.cells if "skip-execution" not in c.get("metadata", {}).get("tags", [])]
    dropped, nb.cells = len(nb.cells) - len(keep), keep
    if dropped:
        nbformat.write(nb, path)
    return dropped


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def lab_env(base_env: dict, jdir: Path) -> dict:
    """The server's environment: fast mode on, static mode off, isolated Jupyter folders, venv first."""
    env = {k: v for k, v in base_env.items() if k not in DROP_ENV}
    env.update(BGAN_FAST="1", JUPYTER_CONFIG_DIR=str(jdir / "config"), JUPYTER_RUNTIME_DIR=str(jdir / "runtime"),
               JUPYTER_DATA_DIR=str(jdir / "data"), IPYTHONDIR=str(jdir / "ipython"),
               PATH=os.pathsep.join([str(Path(sys.executable).parent), base_env.get("PATH", "")]))
    return env


def write_settings(settings_dir: Path) -> None:
    for rel, value in SETTINGS.items():
        path = settings_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))


class LabServer:
    """JupyterLab on 127.0.0.1 serving a copy of ``notebooks`` (so nothing is saved into the repo)."""

    def __init__(self, notebooks_dir: Path, jdir: Path):
        self.jdir, self.port = Path(jdir), free_port()
        self.root = self.jdir / "notebooks"
        # Only the notebooks: with their jupytext sources (NN_*.py, jupytext.toml) beside them, JupyterLab's
        # jupytext refuses to open a .ipynb that is newer than its .py ("... is more recent than ...").
        shutil.copytree(notebooks_dir, self.root,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "*.py", "jupytext.toml"))
        for path in self.root.glob("*.ipynb"):
            drop_skipped_cells(path)
        for sub in ("config", "runtime", "data", "ipython", "ws", "settings"):
            (self.jdir / sub).mkdir(parents=True, exist_ok=True)
        write_settings(self.jdir / "settings")
        self.base, self.proc = f"http://127.0.0.1:{self.port}", None

    def command(self) -> list[str]:
        return [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root",
                "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
                "--IdentityProvider.token=", "--ServerApp.password=", f"--ServerApp.root_dir={self.root}",
                f"--LabApp.workspaces_dir={self.jdir / 'ws'}", f"--LabApp.user_settings_dir={self.jdir / 'settings'}",
                "--LabApp.expose_app_in_browser=True"]

    def start(self, timeout: float = 90.0) -> "LabServer":
        self.log = open(self.jdir / "lab.log", "wb")
        self.proc = subprocess.Popen(self.command(), env=lab_env(dict(os.environ), self.jdir), cwd=self.root,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited ({self.proc.returncode}):\n{self.log_tail()}")
            try:
                urllib.request.urlopen(f"{self.base}/api/status", timeout=2).read()
                return self
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"jupyter lab not ready after {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, n: int = 3000) -> str:
        path = self.jdir / "lab.log"
        return path.read_text(errors="replace")[-n:] if path.exists() else ""

    def stop(self) -> None:
        """Stop our server by its PID (terminate, then kill); its kernels exit with it."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=15)
        self.log.close()
