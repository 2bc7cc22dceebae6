"""Numerical gradients and the relative error used to compare gradients."""

from __future__ import annotations

import numpy as np

from ._checks import as_float_array

__all__ = ["numerical_gradient", "rel_error"]


def numerical_gradient(f, x, h: float = 1e-5):
    """Central differences: df/dx[i] ~ (f(x + h e_i) - f(x - h e_i)) / 2h for every i.

    f takes no argument and returns a scalar computed from x; x (any shape, float) is
    changed in place and restored. Returns an array shaped like x. Use float64: in float32
    the rounding error of f swamps the difference.
    """
    x = as_float_array(x, "x", "numerical_gradient")
    if not callable(f):
        raise TypeError(f"numerical_gradient: f must be callable, got {type(f).__name__}")
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    if not np.shares_memory(flat, x):
        raise ValueError("numerical_gradient: x must be contiguous so it can be nudged in place")
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        fp = float(f())
        flat[i] = old - h
        fm = float(f())
        flat[i] = old
        gflat[i] = (fp - fm) / (2 * h)
    return grad


def rel_error(a, b) -> float:
    """Norm-wise relative error ||a - b|| / (||a|| + ||b||); 0 when both are zero.

    Norm-wise rather than element-wise so that entries that are tiny by cancellation do
    not dominate the verdict.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"rel_error: shapes differ, a.shape={a.shape}, b.shape={b.shape}")
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if scale == 0 else float(np.linalg.norm(a - b) / scale)
