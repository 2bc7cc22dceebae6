"""Helpers the exercise checkers share: compare an answer with the expected value.

A right answer is right in any reasonable form: a NumPy array of any float dtype, a list or
tuple, a NumPy scalar, an int for a whole number. The tolerance follows the answer's dtype
(a float32 answer carries float32 rounding), and an answer that is the expected value
rounded to a few digits gets "close: give more digits" instead of a hint about method.
Nothing here raises on a strange answer: it is (False, a message saying what was expected).
"""

from __future__ import annotations

import math
import numbers
import threading

import numpy as np

from ..gradcheck import rel_error
from ._lang import tr

# The least tolerance an answer of this dtype can meet (norm-wise relative error): its own rounding.
DTYPE_TOL = {np.dtype(np.float16): 2e-3, np.dtype(np.float32): 1e-5}

_probe = threading.local()  # what the first comparison of a check() found (see check() in __init__)


def start_probe() -> None:
    """Forget earlier comparisons: check() calls this before running a checker."""
    _probe.first = None


def first_comparison():
    """(ok, close) of the first compare_* call since start_probe(), or None."""
    return getattr(_probe, "first", None)


def _record(ok: bool, close: bool) -> None:
    if getattr(_probe, "first", "unset") is None:
        _probe.first = (ok, close)


def as_numbers(answer):
    """The answer as a float64 ndarray and the tolerance its dtype allows, or (None, None).

    Accepts arrays, lists, tuples, Python and NumPy numbers and objects with __array__
    (a CPU tensor); refuses strings, None, objects, generators, booleans.
    """
    if answer is None or isinstance(answer, (str, bytes, bool, np.bool_, dict, set)):
        return None, None
    if not isinstance(answer, (np.ndarray, np.generic, list, tuple, numbers.Number)) and not hasattr(answer, "__array__"):
        return None, None
    try:
        raw = np.asarray(answer)
        numeric = np.issubdtype(raw.dtype, np.integer) or np.issubdtype(raw.dtype, np.floating)
        if not (numeric or (raw.dtype == bool and raw.ndim > 0)):  # a boolean mask is 0/1; a lone True is not a number
            return None, None
        values = raw.astype(np.float64)
    except (TypeError, ValueError, OverflowError, RuntimeError):
        return None, None
    return values, DTYPE_TOL.get(raw.dtype, 0.0) or _upcast_tol(values)


def _upcast_tol(values: np.ndarray) -> float:
    """A float32 answer a checker already turned into float64 still gets float32's tolerance.

    Every entry exactly a float32 number, and not all of them short binary fractions such
    as 0.5 or 0.75 (those are exact in any dtype): the answer was computed in float32.
    """
    with np.errstate(all="ignore"):
        if values.size == 0 or not np.all(np.isfinite(values)) or not np.array_equal(values.astype(np.float32), values):
            return 0.0
        if np.all(values * 256 == np.round(values * 256)):
            return 0.0
    return DTYPE_TOL[np.dtype(np.float32)]


def _decimals(values: np.ndarray):
    """(decimals, significant digits) the answer was written with, at most 8 decimals; None if not short."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return None
    for d in range(0, 9):
        if np.all(np.round(finite, d) == finite):
            sig = max(len(f"{abs(v):.{d}f}".replace(".", "").lstrip("0")) for v in finite.tolist())
            return d, sig
    return None


def rounded_version(values: np.ndarray, expected: np.ndarray) -> bool:
    """Whether values is expected rounded to the decimals (or significant digits) it was written with."""
    if values.shape != expected.shape or values.size == 0 or not np.all(np.isfinite(expected)):
        return False
    found = _decimals(values)
    if found is None:
        return False
    d, sig = found
    if (sig < 2 and d == 0) or np.array_equal(values, expected):
        return False  # "5" for 5.3 is not a rounding, it is a different number
    if np.allclose(np.round(expected, d), values, rtol=0, atol=1e-12):
        return True
    with np.errstate(all="ignore"):
        mags = np.floor(np.log10(np.abs(np.where(expected == 0, 1, expected))))
        step = 10.0 ** (mags - (sig - 1))
        return bool(np.allclose(np.round(expected / step) * step, values, rtol=1e-9, atol=1e-12))


def _close_message(name: str) -> str:
    what = f"{name} " if name else ""
    return tr(f"close: {what}looks rounded; give more digits (use the value Python computed, "
              "not a copy of its printed digits)",
              f"很接近：{what}像是四舍五入过的；请给出更多位数（直接用 Python 算出的值，不要抄打印出来的数字）")


def compare_array(answer, expected, name: str, tol: float = 1e-6, _record_it: bool = True):
    """(ok, message) for an array answer: shape first, then values (norm-wise rel. error).

    tol is for a float64 answer; a float32 / float16 answer gets at least its dtype's rounding.
    """
    expected = np.asarray(expected, dtype=np.float64)
    values, dtype_tol = as_numbers(answer)
    if values is None:
        if _record_it:
            _record(False, False)
        shape = f" of shape {expected.shape}" if expected.ndim else ""
        shape_zh = f"形状为 {expected.shape} 的" if expected.ndim else ""
        return False, tr(f"{name or 'the answer'} should be an array of numbers{shape}, got {type(answer).__name__}",
                         f"{name or '答案'}应是一个{shape_zh}数值数组，收到的是 {type(answer).__name__}")
    if values.shape != expected.shape:
        if _record_it:
            _record(False, False)
        return False, tr(f"{name} has shape {values.shape}, expected {expected.shape}",
                         f"{name} 的形状是 {values.shape}，应为 {expected.shape}")
    if not np.all(np.isfinite(values)):
        if _record_it:
            _record(False, False)
        return False, tr(f"{name} contains NaN or inf; every entry should be a finite number",
                         f"{name} 含有 NaN 或 inf；每个元素都应是有限的数")
    with np.errstate(all="ignore"):
        err = rel_error(values, expected)
    if err < max(tol, dtype_tol):
        if _record_it:
            _record(True, False)
        return True, tr(f"{name} matches", f"{name} 正确")
    close = rounded_version(values, expected)
    if _record_it:
        _record(False, close)
    if close:
        return False, _close_message(name)
    return False, tr(f"{name} has the right shape but the values differ (relative error {err:.1e})",
                     f"{name} 的形状对了，但数值不同（相对误差 {err:.1e}）")


def compare_number(answer, expected, name: str, tol: float = 1e-9):
    """(ok, message) for a scalar answer (a Python or NumPy number, or a one-element array)."""
    values, dtype_tol = as_numbers(answer)
    if values is None or values.size != 1:
        _record(False, False)
        return False, tr(f"{name or 'the answer'} should be one number, got {_short(answer)}",
                         f"{name or '答案'}应是一个数，收到的是 {_short(answer)}")
    value = float(values.reshape(-1)[0])
    expected = float(expected)
    if not math.isfinite(value):
        _record(False, False)
        return False, tr(f"{name or 'the answer'} should be a finite number, got {value}",
                         f"{name or '答案'}应是一个有限的数，收到的是 {value}")
    if abs(value - expected) <= max(tol, dtype_tol) * max(1.0, abs(expected)):
        _record(True, False)
        return True, f"{name} = {answer}"
    close = rounded_version(np.array([value]), np.array([expected]))
    _record(False, close)
    if close:
        return False, _close_message(name)
    return False, tr(f"{name} = {answer} is not right", f"{name} = {answer} 不对")


def _short(answer) -> str:
    """A short printable form of an answer (never a 1000-line repr)."""
    try:
        text = repr(answer.item() if isinstance(answer, (np.generic, np.ndarray)) and np.size(answer) == 1 else answer)
    except Exception:  # noqa: BLE001 - a learner's object may have any __repr__
        text = tr(f"a {type(answer).__name__}", f"一个 {type(answer).__name__}")
    return text if len(text) <= 60 else text[:57] + "..."


def same_array(answer, expected, tol: float = 1e-6) -> bool:
    """Whether answer has expected's shape and values (for matching an answer to a known mistake)."""
    if not _safe_shape(answer) or np.shape(answer) != np.shape(expected):
        return False
    return compare_array(answer, expected, "", tol=tol, _record_it=False)[0]


def _safe_shape(answer) -> bool:
    try:
        np.shape(answer)
        return True
    except Exception:  # noqa: BLE001 - ragged lists and odd objects have no shape
        return False


def whole_number(answer):
    """The answer as an int if it is one whole number (int, integral float, 0-d or 1-element array), else None."""
    values, _ = as_numbers(answer)
    if values is None or values.size != 1:
        return None
    v = float(values.reshape(-1)[0])
    if not math.isfinite(v) or v != int(v):
        return None
    return int(v)


def int_tuple(answer):
    """The answer as a tuple of ints (from a tuple, list or array of whole numbers), or None."""
    values, _ = as_numbers(answer)
    if values is None or values.ndim > 1 or not np.all(np.isfinite(values)):
        return None
    values = np.atleast_1d(values)
    if not np.all(values == np.round(values)):
        return None
    return tuple(int(v) for v in values.tolist())
