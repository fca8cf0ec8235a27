"""benchmarks/run_all.py: parsing other benchmarks' output and reading recorded latencies (no timing here)."""
from __future__ import annotations

import json
from scripts import load_script

run_all = load_script("benchmarks/run_all.py")


def test_parse_output_turns_name_value_lines_into_rows():
    """Check that "name: value" lines become rows, rules are dropped and other lines are kept as notes."""
    text = ("digits K=2 steps/s (B=64): 41.2 (threads=1)\n-----\nring JS<=0.05 within 30 s: 1/1 seeds\n"
            "plain header line\nsteps = 400\n")
    rows = run_all.parse_output("discrete", text)
    assert [(r["metric"], r["value"]) for r in rows] == [
        ("digits K=2 steps/s (B=64)", "41.2 (threads=1)"), ("ring JS<=0.05 within 30 s", "1/1 seeds"),
        ("plain header line", ""), ("steps", "400")]
    assert {r["section"] for r in rows} == {"discrete"}


def test_latency_rows_read_the_browser_tests_json(tmp_path, monkeypatch):
    """Check that in-browser latencies come from build/e2e/latency.json, and are n/a when it is absent."""
    monkeypatch.setattr(run_all, "BUILD", tmp_path)
    assert run_all.latency_rows()[0]["value"] == "n/a"
    (tmp_path / "e2e").mkdir()
    (tmp_path / "e2e" / "latency.json").write_text(json.dumps({"05_lab.ipynb": {
        "median_ms": 120.5, "moves": 12, "min_ms": 90.0, "max_ms": 300.0, "bar_ms": 250.0}}))
    (row,) = run_all.latency_rows()
    assert row["metric"] == "slider latency 05_lab" and row["value"] == "120.5 ms median"


def test_table_has_one_line_per_row():
    """Check that the printed table is markdown with a header and one line per row."""
    text = run_all.table([run_all.row("machine", "cores", 2), run_all.row("startup", "import", "1.0 s", "x")])
    lines = text.splitlines()
    assert lines[0].startswith("| section |") and len(lines) == 4 and lines[3] == "| startup | import | 1.0 s | x |"
