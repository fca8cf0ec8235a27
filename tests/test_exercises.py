"""Exercises and concept checks: blanks never break Run All, every exercise has a worked solution, and the
notebooks with the solutions filled in run in fast mode with every exercise saying "correct"."""
from __future__ import annotations

import os
from pathlib import Path

import nbformat
import numpy as np
import pytest
import torch

from bgan_teach.exercises import exercise, verdict
from bgan_teach.widgets.quiz import asker, concept_check
from scripts import load_script

ROOT = Path(__file__).resolve().parents[1]
nbtool = load_script("tools/notebooks.py", "nbtool_ex")


def test_verdicts(capsys):
    """Check the three verdicts and that a wrong type or shape gets feedback instead of an error."""
    ref = torch.tensor([0.25, 0.75], dtype=torch.float64)
    assert verdict(..., ref)[0] == "not attempted"
    assert verdict(torch.tensor([0.25, 0.75]), ref)[0] == "correct"
    status, detail = verdict(np.array([0.3, 0.7]), ref)
    assert status == "not yet" and "0.05" in detail
    assert verdict("abc", ref)[0] == "not yet" and verdict([1.0, 2.0, 3.0], ref)[1].startswith("shape")
    assert verdict(torch.tensor([float("nan"), 0.75]), ref)[1].endswith("(your answer has NaN)")
    assert exercise("demo", ..., ref) == "not attempted"
    assert "not attempted yet" in capsys.readouterr().out


def test_solutions_mode_turns_a_wrong_answer_into_an_error(monkeypatch):
    """Check BGAN_SOLUTIONS=1 (CI with solutions filled in) raises on anything but a correct answer."""
    monkeypatch.setenv("BGAN_SOLUTIONS", "1")
    assert exercise("demo", 1.0, 1.0) == "correct"
    with pytest.raises(AssertionError, match="not attempted"):
        exercise("demo", ..., 1.0)


def test_concept_check_feedback_by_setting_value():
    """Check that picking the right option says so with the explanation, a wrong one gives its own reason."""
    quiz = concept_check("2 + 2?", ["3", "4", "5"], answer=1, explanation="Count.", why={0: "One short."})
    assert quiz.correct is None and quiz.feedback.value == ""
    quiz.choice.value = 0
    assert quiz.correct is False and "One short." in quiz.feedback.value
    quiz.choice.value = 2
    assert "Think again" in quiz.feedback.value
    quiz.choice.value = 1
    assert quiz.correct is True and "Count." in quiz.feedback.value
    assert "<details>" in quiz.reveal.value and "4" in quiz.reveal.value
    with pytest.raises(ValueError, match="answer"):
        concept_check("?", ["a", "b"], answer=2, explanation="")


def test_asker_builds_each_question_and_names_the_unknown():
    """Check that a lesson's ask(name) builds that question's widget and an unknown name lists the known ones."""
    ask = asker({"sum": dict(question="2 + 2?", options=["3", "4"], answer=1, explanation="Count.")})
    quiz = ask("sum")
    assert quiz.answer == 1 and "2 + 2?" in quiz.box.children[0].value
    with pytest.raises(ValueError, match=r"name must be one of \['sum'\]; got 'summ'"):
        ask("summ")


def test_exercise_blocks_and_solutions_match():
    """Check every notebook's exercise blocks have a solution (and no solution is orphaned), blanks are blanks."""
    for source in nbtool.sources():
        blanks = nbtool.exercises(source.read_text())
        path = nbtool.solution_path(source)
        solutions = nbtool.exercises(path.read_text()) if path.exists() else {}
        assert set(blanks) == set(solutions), f"{source.name}: exercises {sorted(blanks)} vs solutions {sorted(solutions)}"
        for name, body in blanks.items():
            assert "..." in body, f"{source.name}: exercise {name} must be blank (contain ...), not pre-solved"


def test_solve_replaces_only_the_blocks(tmp_path):
    """Check that solve() swaps each block's body for the solution and leaves everything else alone."""
    src = tmp_path / "99_demo.py"
    src.write_text("a = 1\n### BEGIN EXERCISE x\nb = ...\n### END EXERCISE\nc = 3\n")
    (tmp_path / "solutions").mkdir()
    (tmp_path / "solutions" / "99_demo.py").write_text("### BEGIN EXERCISE x\nb = 2\n### END EXERCISE\n")
    old = nbtool.SOLUTIONS
    nbtool.SOLUTIONS = tmp_path / "solutions"
    try:
        assert nbtool.solve(src) == "a = 1\n### BEGIN EXERCISE x\nb = 2\n### END EXERCISE\nc = 3\n"
    finally:
        nbtool.SOLUTIONS = old


def _execute(path: Path) -> nbformat.NotebookNode:
    from nbclient import NotebookClient
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    return nb


SOLVED = [s for s in nbtool.sources() if nbtool.exercises(s.read_text())]


@pytest.mark.skipif(not SOLVED, reason="no notebook has exercises yet")
@pytest.mark.parametrize("source", SOLVED, ids=[s.stem for s in SOLVED])
def test_solved_notebook_runs_and_every_exercise_is_correct(source, tmp_path, monkeypatch):
    """Check the notebook with its solutions filled in runs in fast mode and every exercise prints "correct"."""
    for key, value in {"BGAN_FAST": "1", "BGAN_STATIC": "1", "BGAN_SOLUTIONS": "1", "MPLBACKEND": "Agg"}.items():
        monkeypatch.setenv(key, value)
    path = tmp_path / source.with_suffix(".ipynb").name
    (tmp_path / source.name).write_text(nbtool.solve(source))
    path.write_text(nbtool.build(tmp_path / source.name))
    nb = _execute(path)
    text = "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    names = nbtool.exercises(source.read_text())
    for name in names:
        assert f"{name}: ✔ correct" in text, f"{source.name}: exercise {name} did not print correct"
    assert os.environ["BGAN_SOLUTIONS"] == "1"
