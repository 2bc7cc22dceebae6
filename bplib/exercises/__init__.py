"""Exercises with instant feedback: ``check("05.bp1", answer)``.

Each notebook's exercises live in a module ``bplib/exercises/nbXX.py`` that registers
checkers with ``@exercise("XX.name", inputs=make_inputs)``. ``exercise_inputs("XX.name")``
hands the learner the exercise's numbers (a dict, the same every time); the checker gets
the answer and the same inputs, computes the expected answer by its own route through
bplib and returns ``(ok, message)``. A wrong answer gets a hint, never the solution. The
result prints the same way every run, so nbval can compare it.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

__all__ = ["check", "exercise", "exercise_inputs", "Feedback", "list_exercises"]

_REGISTRY: dict = {}
_INPUTS: dict = {}


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer: prints as a one-line ✓ / ✗ with a hint."""

    exercise_id: str
    ok: bool
    message: str
    attempted: bool = True  # False while the answer is still the stub's `...`

    def __bool__(self) -> bool:
        return self.ok

    @property
    def mark(self) -> str:
        return "✓ correct" if self.ok else ("✗ not yet" if self.attempted else "… not attempted yet")

    def __repr__(self) -> str:
        return f"[{self.exercise_id}] {self.mark}: {self.message}"

    def _repr_html_(self) -> str:
        colour = "#006d2c" if self.ok else ("#a50f15" if self.attempted else "#4d4d4d")
        mark = self.mark
        return (
            f'<div style="font-size:1.25em;padding:6px 10px;border-left:6px solid {colour};">'
            f"<b style='color:{colour}'>[{self.exercise_id}] {mark}</b>: {self.message}</div>"
        )


def exercise(exercise_id: str, inputs=None):
    """Register a checker under ``exercise_id``.

    Without ``inputs`` the checker is ``fn(answer) -> (ok, message)``; with ``inputs`` (a
    function returning a dict of the exercise's numbers) it is ``fn(answer, **inputs())``.
    """

    def register(fn):
        if exercise_id in _REGISTRY:
            raise ValueError(f"exercise {exercise_id!r} is registered twice")
        _REGISTRY[exercise_id] = fn
        if inputs is not None:
            _INPUTS[exercise_id] = inputs
        return fn

    return register


def _lookup(exercise_id: str):
    if exercise_id not in _REGISTRY:
        _load(exercise_id)
    if exercise_id not in _REGISTRY:
        known = ", ".join(sorted(_REGISTRY)) or "none loaded"
        raise KeyError(f"no exercise {exercise_id!r}; known: {known}")
    return _REGISTRY[exercise_id]


def exercise_inputs(exercise_id: str) -> dict:
    """The numbers an exercise works on (a fresh dict of fresh arrays each call)."""
    _lookup(exercise_id)
    if exercise_id not in _INPUTS:
        raise KeyError(f"exercise {exercise_id!r} takes no inputs")
    return _INPUTS[exercise_id]()


def _load(exercise_id: str) -> None:
    prefix = exercise_id.split(".", 1)[0]
    try:
        importlib.import_module(f"{__name__}.nb{prefix}")
    except ModuleNotFoundError as e:
        if e.name != f"{__name__}.nb{prefix}":
            raise


def check(exercise_id: str, answer) -> Feedback:
    """Check ``answer`` for exercise ``exercise_id`` (e.g. "05.bp1"); returns a Feedback."""
    fn = _lookup(exercise_id)
    if answer is Ellipsis:
        return Feedback(exercise_id, False, "replace the ... after answer = with your answer, then run the cell again",
                        attempted=False)
    try:
        if exercise_id in _INPUTS:
            ok, message = fn(answer, **_INPUTS[exercise_id]())
        else:
            ok, message = fn(answer)
    except (TypeError, ValueError, IndexError) as e:
        ok, message = False, f"that answer could not be checked ({type(e).__name__}: {e})"
    return Feedback(exercise_id, bool(ok), message)


def list_exercises(prefix: str = "") -> list:
    """Ids of the registered exercises whose notebook prefix matches (loads that module)."""
    if prefix:
        _load(prefix + ".")
    return sorted(k for k in _REGISTRY if k.startswith(prefix))
