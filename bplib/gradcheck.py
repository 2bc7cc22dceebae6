"""Numerical gradients and the relative error used to compare gradients."""

from __future__ import annotations

import numbers

import numpy as np

from ._checks import as_float_array, check_alloc, check_real, nbytes

__all__ = ["numerical_gradient", "rel_error"]


def numerical_gradient(f, x, h: float = 1e-5):
    """Central differences: df/dx[i] ~ (f(x + h e_i) - f(x - h e_i)) / 2h for every i.

    f takes no argument and returns a real number computed from x; x (a writable float
    ndarray, any shape and memory order) is nudged in place one entry at a time and always
    restored, even when f raises. Returns an array shaped like x. Use float64: in float32
    the rounding error of f swamps the difference.
    """
    fn = "numerical_gradient"
    if not callable(f):
        raise TypeError(f"{fn}: f must be callable, got {type(f).__name__}")
    if not isinstance(x, np.ndarray):
        raise TypeError(
            f"{fn}: x must be the NumPy array that f reads (it is nudged in place), got {type(x).__name__}; "
            "a list would be copied and f would never see the nudges"
        )
    x = as_float_array(x, "x", fn)
    if not x.flags.writeable:
        raise ValueError(f"{fn}: x is read-only (x.shape={x.shape}); it must be writable so it can be nudged in place")
    h = check_real(h, "h", fn, 0.0, low_open=True)
    step = x.dtype.type(h)
    if step == 0 or not np.isfinite(step):
        raise ValueError(f"{fn}: h={h!r} is not representable in x's dtype {x.dtype}; use a larger h or float64")
    grad = np.zeros(x.shape, dtype=x.dtype)
    for i in np.ndindex(x.shape):  # works for any memory order: x itself is indexed, never a reshaped copy
        old = x[i]
        try:
            x[i] = old + step
            fp = _value(f, fn)
            x[i] = old - step
            fm = _value(f, fn)
        finally:
            x[i] = old
        grad[i] = (fp - fm) / (2 * step)
    return grad


def _value(f, fn: str) -> float:
    """f() as a finite float, or a clear error (f's own exceptions pass through unchanged)."""
    v = f()
    if isinstance(v, np.ndarray) and v.size == 1:
        v = v.reshape(())[()]
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Real):
        raise TypeError(f"{fn}: f() must return one real number, got {type(v).__name__}")
    v = float(v)
    if not np.isfinite(v):
        raise ValueError(f"{fn}: f() returned {v} with x nudged by h; the difference quotient would be NaN (is h too large?)")
    return v


def rel_error(a, b) -> float:
    """Norm-wise relative error ||a - b|| / (||a|| + ||b||); 0 when both are zero.

    Norm-wise rather than element-wise so that entries that are tiny by cancellation do
    not dominate the verdict.
    """
    a, b = (_as_float64(v, name) for v, name in ((a, "a"), (b, "b")))
    if a.shape != b.shape:
        raise ValueError(f"rel_error: shapes differ, a.shape={a.shape}, b.shape={b.shape}")
    m = max(float(np.max(np.abs(a), initial=0.0)), float(np.max(np.abs(b), initial=0.0)))
    if m == 0:
        return 0.0
    a, b = a / m, b / m  # scaled first, as a norm is computed: 1e200 does not overflow, 1e-200 does not vanish
    return float(np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b)))


def _as_float64(v, name: str) -> np.ndarray:
    """An array of real numbers as float64, or a clear error naming rel_error."""
    if not isinstance(v, (np.ndarray, list, tuple, numbers.Real)) or isinstance(v, (bool, np.bool_)):
        raise TypeError(f"rel_error: {name} must be an array of numbers, got {type(v).__name__}")
    try:
        a = np.asarray(v)
    except (TypeError, ValueError, OverflowError) as e:
        raise TypeError(f"rel_error: {name} must be an array of real numbers ({e})") from None
    if not (np.issubdtype(a.dtype, np.integer) or np.issubdtype(a.dtype, np.floating)):
        raise TypeError(f"rel_error: {name} must be an array of real numbers, got dtype {a.dtype}")
    check_alloc("rel_error", nbytes(a.shape) * 3, f"{name} of shape {a.shape} in float64")
    a = a.astype(np.float64)
    if not np.isfinite(a).all():
        raise ValueError(f"rel_error: {name} contains NaN or inf ({name}.shape={a.shape}); no relative error is meaningful")
    return a
