"""Fixtures for the real-browser tests: one JupyterLab server and one chromium per session.

Skipped with a clear reason when chromium or playwright is missing; ``BGAN_REQUIRE_E2E=1`` (CI)
turns that skip into a failure. ``BGAN_E2E_NOTEBOOKS=DIR`` points the tests at another folder.
"""
from __future__ import annotations

import os
import shutil
import pytest

import labdriver


_SKIPPED: list[str] = []


def _require_or_skip(reason: str):
    if os.environ.get("BGAN_REQUIRE_E2E", "").strip() == "1":
        pytest.fail(f"browser tests required (BGAN_REQUIRE_E2E=1) but {reason}", pytrace=False)
    _SKIPPED.append(reason)
    pytest.skip(f"browser tests skipped: {reason}")


def pytest_terminal_summary(terminalreporter):
    """Say once, plainly, that the real-browser tests did not run, and why."""
    if _SKIPPED:
        terminalreporter.write_sep("=", "browser tests (tests/e2e) SKIPPED", yellow=True, bold=True)
        terminalreporter.write_line(f"{_SKIPPED[0]}; CI sets BGAN_REQUIRE_E2E=1 to make this a failure.")


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory):
    """A JupyterLab server on 127.0.0.1 (free port, isolated folders, token ''), killed by PID at the end."""
    reason = labdriver.unavailable()
    if reason:
        _require_or_skip(reason)
    server = labdriver.LabServer(labdriver.NOTEBOOK_DIR, tmp_path_factory.mktemp("jupyter")).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser(lab_server):
    """Debian's chromium driven by Playwright (system binary via executable_path; never downloaded)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=shutil.which("chromium"), headless=True,
                                     args=labdriver.FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def build_dir():
    labdriver.BUILD.mkdir(parents=True, exist_ok=True)
    return labdriver.BUILD
