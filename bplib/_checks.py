"""Input validation shared by the public functions.

Every public function checks its arguments here, at the boundary, so a learner sees a
message that names the shapes and what was expected instead of a traceback from deep
inside NumPy.
"""

from __future__ import annotations

import numbers

import numpy as np


def as_float_array(x, name: str, fn: str, ndim: int | None = None, finite: bool = True):
    """Return ``x`` as a floating-point ndarray, or raise a clear TypeError/ValueError."""
    if not isinstance(x, np.ndarray):
        if isinstance(x, (list, tuple, numbers.Number)):
            x = np.asarray(x)
        else:
            raise TypeError(f"{fn}: {name} must be a NumPy array, got {type(x).__name__}")
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(
            f"{fn}: {name} must hold floating-point numbers, got dtype {x.dtype} "
            f"({name}.shape={x.shape}); convert with {name}.astype(np.float32) or np.float64"
        )
    if ndim is not None and x.ndim != ndim:
        layout = {4: " (N, C, H, W)", 2: " (N, D)", 1: ""}.get(ndim, "")
        raise ValueError(f"{fn}: {name} must be {ndim}-D{layout}, got {name}.shape={x.shape}")
    if finite and not np.isfinite(x).all():
        bad = int(np.size(x) - np.count_nonzero(np.isfinite(x)))
        raise ValueError(
            f"{fn}: {name} contains {bad} NaN or inf value(s) ({name}.shape={x.shape}); "
            "they would silently poison every result downstream"
        )
    return x


def check_int(value, name: str, fn: str, minimum: int) -> int:
    """Return ``value`` as an int >= minimum, or raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{fn}: {name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{fn}: {name} must be >= {minimum}, got {name}={value}")
    return int(value)


def check_pair(value, name: str, fn: str, minimum: int) -> tuple[int, int]:
    """Accept an int or a pair of ints (rows, cols), each >= minimum."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{fn}: {name} must be an int or a pair (rows, cols), got {value!r}")
        return (check_int(value[0], name, fn, minimum), check_int(value[1], name, fn, minimum))
    v = check_int(value, name, fn, minimum)
    return (v, v)
