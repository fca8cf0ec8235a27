r"""Concept checks: a question, a few answers, instant feedback and a one-paragraph explanation.

``concept_check(question, options, answer, explanation)`` shows radio buttons; picking one says at once
whether it is right (and, for a wrong pick, that option's own reason when ``why`` gives one). The
explanation also sits in a collapsed "show the answer" block, which reads the same in the static tour
(no kernel). Tested in pytest by setting ``.value`` on the radio buttons.
"""
from __future__ import annotations

import html
from typing import Callable

import ipywidgets as W

__all__ = ["ConceptCheck", "concept_check", "asker"]


class ConceptCheck:
    """``.choice`` (RadioButtons), ``.feedback`` (HTML), ``.box`` (the layout). ``.correct`` after a pick."""

    def __init__(self, question: str, options: list[str], answer: int, explanation: str,
                 why: dict[int, str] | None = None):
        if not isinstance(options, (list, tuple)) or len(options) < 2:
            raise ValueError(f"options must be a list of at least 2 answers; got {options!r}")
        if isinstance(answer, bool) or not isinstance(answer, int) or not 0 <= answer < len(options):
            raise ValueError(f"answer must be the index of the right option, 0..{len(options) - 1}; got {answer!r}")
        self.options, self.answer, self.explanation, self.why = list(options), answer, explanation, dict(why or {})
        self.correct: bool | None = None
        self.question = W.HTMLMath(f"<b>{question}</b>")
        self.choice = W.RadioButtons(options=[(text, i) for i, text in enumerate(self.options)], value=None,
                                     layout=W.Layout(width="auto"))
        self.feedback = W.HTMLMath("")
        details = (f"<details><summary>show the answer</summary><p><b>{html.escape(self.options[answer])}</b>. "
                   f"{explanation}</p></details>")
        self.reveal = W.HTMLMath(details)
        self.choice.observe(lambda change: self.check(change["new"]), names="value")
        self.box = W.VBox([self.question, self.choice, self.feedback, self.reveal])

    def check(self, picked: int | None) -> None:
        """Feedback for the option at index ``picked`` (None: nothing picked yet)."""
        if picked is None:
            self.correct, self.feedback.value = None, ""
            return
        self.correct = picked == self.answer
        if self.correct:
            self.feedback.value = f"<span style='color:#1a7f37'>✔ Right.</span> {self.explanation}"
        else:
            reason = self.why.get(picked, "Think again about what the derivation says, then try another answer.")
            self.feedback.value = f"<span style='color:#b42318'>✘ Not this one.</span> {reason}"

    def _ipython_display_(self):
        from IPython.display import display
        display(self.box)


def concept_check(question: str, options: list[str], answer: int, explanation: str,
                  why: dict[int, str] | None = None) -> ConceptCheck:
    """A multiple-choice question with instant feedback (show it by leaving it last in a cell)."""
    return ConceptCheck(question, options, answer, explanation, why)


def asker(questions: dict[str, dict]) -> Callable[[str], ConceptCheck]:
    """``ask(name)`` for one lesson: the concept check ``questions[name]`` (keyword arguments of
    :func:`concept_check`) as a widget; an unknown name raises ``ValueError`` listing the names there are."""
    def ask(name: str) -> ConceptCheck:
        """The concept check ``name`` of this lesson's ``QUESTIONS`` as a widget (leave it last in a cell)."""
        if name not in questions:
            raise ValueError(f"name must be one of {list(questions)}; got {name!r}")
        return concept_check(**questions[name])

    return ask
