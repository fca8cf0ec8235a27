"""Check that seeded short runs of every trainer reproduce their recorded histories exactly.

The recording (``tests/recorded/runs.json``) was made before the trainers were restructured; a
refactor that keeps the numbers passes, one that changes them fails here. ``tests/recorded/runs.py``
says how to re-record when a number changes on purpose.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from scripts import load_script
from threads import one_thread  # noqa: F401  (autouse: one torch thread)

HERE = Path(__file__).parent / "recorded"
runs = load_script("tests/recorded/runs.py", "recorded_runs")
RECORDED = json.loads((HERE / "runs.json").read_text())


def test_every_run_is_recorded():
    """Check that the recording and the list of runs agree (re-record after adding a run)."""
    assert sorted(RECORDED) == sorted(runs.RUNS)


@pytest.mark.parametrize("name", sorted(runs.RUNS))
def test_run_matches_recording(name):
    """Check that the run's history, snapshots and final parameters equal the recording."""
    got, want = json.loads(json.dumps(runs.RUNS[name]())), RECORDED[name]
    assert got["snapshot_steps"] == want["snapshot_steps"]
    assert got["stopped"] == want["stopped"]
    assert sorted(got["history"]) == sorted(want["history"])
    for key in want["history"]:
        assert got["history"][key] == want["history"][key], f"history[{key!r}] differs"
    assert got["extras"] == want["extras"]
    for part in ("generator", "critic"):
        assert got.get(part) == want.get(part), f"{part} parameters differ"
