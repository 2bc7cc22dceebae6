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
import inspect
import pkgutil
import warnings
from dataclasses import dataclass

import numpy as np

from . import _compare
from ._lang import tr

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
        if self.ok:
            return tr("✓ correct", "✓ 正确")
        return tr("✗ not yet", "✗ 还不对") if self.attempted else tr("… not attempted yet", "… 尚未作答")

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


class UnknownExercise(KeyError, ValueError):
    """No exercise has this id (a KeyError, and a ValueError: a bad argument)."""

    __str__ = Exception.__str__  # the message as written, not KeyError's quoted repr


def _unknown_message(exercise_id) -> str:
    """'no exercise '05.x'; known: ...', naming the same notebook's exercises first (every module loaded)."""
    _load_all()
    prefix = exercise_id.split(".", 1)[0] + "." if isinstance(exercise_id, str) else ""
    same = sorted(k for k in _REGISTRY if prefix and k.startswith(prefix))
    known = ", ".join(same or sorted(_REGISTRY)) or tr("none", "无")
    return tr(f"no exercise {exercise_id!r}; known: {known}", f"没有练习 {exercise_id!r}；已有的练习：{known}")


def _lookup(exercise_id: str):
    if not isinstance(exercise_id, str):
        raise TypeError(f"exercise id must be a string such as '05.delta1', got {exercise_id!r}")
    if exercise_id not in _REGISTRY:
        _load(exercise_id)
    if exercise_id not in _REGISTRY:
        raise UnknownExercise(_unknown_message(exercise_id))
    return _REGISTRY[exercise_id]


def exercise_inputs(exercise_id: str) -> dict:
    """The numbers an exercise works on (a fresh dict of fresh arrays each call)."""
    try:
        _lookup(exercise_id)
    except (TypeError, UnknownExercise) as e:
        raise type(e)(f"exercise_inputs: {e}") from None
    if exercise_id not in _INPUTS:
        raise UnknownExercise(f"exercise_inputs: exercise {exercise_id!r} takes no inputs")
    return _INPUTS[exercise_id]()


def _load(exercise_id: str) -> None:
    prefix = exercise_id.split(".", 1)[0]
    if not prefix.isdigit() or len(prefix) != 2:
        return  # not a notebook prefix: nothing to import (and no odd module names)
    try:
        importlib.import_module(f"{__name__}.nb{prefix}")
    except ModuleNotFoundError as e:
        if e.name != f"{__name__}.nb{prefix}":
            raise


def _load_all() -> None:
    """Import every notebook's module, so a list of the known ids is complete."""
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("nb"):
            importlib.import_module(f"{__name__}.{info.name}")


def _what_is_expected(fn) -> str:
    """The checker's docstring, first line: what the exercise asks for."""
    doc = inspect.getdoc(fn) or ""
    return doc.splitlines()[0].rstrip(".") if doc else tr("the answer the exercise describes", "练习所描述的答案")


def _plain(answer):
    """A generator or iterator becomes None (it is not an answer); an object with __array__ (a tensor) an ndarray."""
    if inspect.isgenerator(answer) or (hasattr(answer, "__next__") and not isinstance(answer, (np.ndarray, np.generic))):
        return None
    if not isinstance(answer, (np.ndarray, np.generic)) and hasattr(answer, "__array__"):
        try:
            return np.asarray(answer)
        except Exception:  # noqa: BLE001 - a tensor on another device, a broken object: keep it as given
            return answer
    return answer


def check(exercise_id: str, answer) -> Feedback:
    """Check ``answer`` for exercise ``exercise_id`` (e.g. "05.bp1"); returns a Feedback.

    Never raises: a wrong id, a strange answer or a checker that trips over it all give
    a ✗ with a message saying what was expected.
    """
    if not isinstance(exercise_id, str):
        shown = _compare._short(exercise_id)
        return Feedback(shown, False, tr(f"the exercise id is a string such as '05.delta1', got {shown}",
                                         f"练习编号应是字符串，例如 '05.delta1'，收到的是 {shown}"))
    try:
        fn = _lookup(exercise_id)
    except UnknownExercise as e:
        return Feedback(exercise_id, False, str(e) + tr("; copy the id from the exercise's cell", "；请从练习的单元格里复制编号"))
    if answer is Ellipsis:
        return Feedback(exercise_id, False, tr("replace the ... after answer = with your answer, then run the cell again",
                                               "把 answer = 后面的 ... 换成你的答案，再运行这个单元格"), attempted=False)
    if inspect.isgenerator(answer) or (hasattr(answer, "__next__") and not isinstance(answer, (np.ndarray, np.generic))):
        return Feedback(exercise_id, False, tr("that is a generator (or an iterator), not a value; wrap it in list(...) "
                                               f"or np.array(...). The exercise asks for: {_what_is_expected(fn)}",
                                               "这是一个生成器（或迭代器），不是一个值；请用 list(...) 或 np.array(...) 包起来。"
                                               f"练习要求（英文说明）：{_what_is_expected(fn)}"))
    answer = _plain(answer)
    _compare.start_probe()
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            if exercise_id in _INPUTS:
                ok, message = fn(answer, **_INPUTS[exercise_id]())
            else:
                ok, message = fn(answer)
        ok, message = bool(ok), str(message)
    except Exception as e:  # noqa: BLE001 - a learner's answer must never end in a traceback
        ok = False
        message = tr(f"that answer ({type(answer).__name__}) could not be checked ({type(e).__name__}: {e}); "
                     f"the exercise asks for: {_what_is_expected(fn)}",
                     f"这个答案（{type(answer).__name__}）无法检查（{type(e).__name__}: {e}）；"
                     f"练习要求（英文说明）：{_what_is_expected(fn)}")
    finally:
        first = _compare.first_comparison()
        _compare.start_probe()
        _compare._probe.first = "done"  # comparisons outside check() record nothing
    if not ok and first is not None and first[1]:  # the first comparison (with the expected value) found a rounding
        message = _compare._close_message("")
    return Feedback(exercise_id, ok, message)


def list_exercises(prefix: str = "") -> list:
    """Ids of the registered exercises whose notebook prefix matches (loads that module)."""
    if not isinstance(prefix, str):
        raise TypeError(f"list_exercises: prefix must be a string such as '05', got {prefix!r}")
    if prefix:
        _load(prefix + ".")
    return sorted(k for k in _REGISTRY if k.startswith(prefix))
