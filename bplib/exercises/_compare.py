"""Helpers the exercise checkers share: compare an answer with the expected value."""

from __future__ import annotations

import numpy as np

from ..gradcheck import rel_error


def compare_array(answer, expected, name: str, tol: float = 1e-6):
    """(ok, message) for an array answer: shape first, then values (norm-wise rel. error)."""
    try:
        answer = np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError):
        return False, f"{name} should be an array of numbers, got {type(answer).__name__}"
    expected = np.asarray(expected, dtype=np.float64)
    if answer.shape != expected.shape:
        return False, f"{name} has shape {answer.shape}, expected {expected.shape}"
    err = rel_error(answer, expected)
    if err < tol:
        return True, f"{name} matches"
    return False, f"{name} has the right shape but the values differ (relative error {err:.1e})"


def compare_number(answer, expected, name: str, tol: float = 1e-9):
    """(ok, message) for a scalar answer."""
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return False, f"{name} should be a number, got {answer!r}"
    if abs(value - expected) <= tol * max(1.0, abs(expected)):
        return True, f"{name} = {answer}"
    return False, f"{name} = {answer} is not right"


def same_array(answer, expected, tol: float = 1e-6) -> bool:
    """Whether answer has expected's shape and values (for matching an answer to a known mistake)."""
    return np.shape(answer) == np.shape(expected) and compare_array(answer, expected, "", tol=tol)[0]


def int_tuple(answer):
    """The answer as a tuple of ints (from a tuple, list or array of whole numbers), or None."""
    try:
        values = np.atleast_1d(np.asarray(answer)).tolist()
    except (TypeError, ValueError):
        return None
    if not all(isinstance(v, (int, float)) and float(v) == int(v) for v in values):
        return None
    return tuple(int(v) for v in values)
