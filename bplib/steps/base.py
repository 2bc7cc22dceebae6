"""The base of the state sequences (see bplib.steps): a sequence class and input helpers."""

from __future__ import annotations

import numbers

import numpy as np

from .._checks import OutOfRange, as_float_array, check_int


class Steps:
    """A sequence of states: ``len(seq)``, ``seq[k]`` (negative k counts from the end)."""

    def __init__(self, name: str, n_steps: int, make_state, **inputs):
        self.name = name
        self.n_steps = int(n_steps)
        self._make_state = make_state
        self.__dict__.update(inputs)  # the checked inputs (x, w, stride, ...), for drawing

    def __len__(self) -> int:
        return self.n_steps

    def state(self, k):
        """The state after step k, 0 <= k < n_steps (or -n_steps <= k < 0)."""
        k = check_int(k, "k", f"{self.name}.state", -self.n_steps)
        if k >= self.n_steps:
            raise OutOfRange(f"{self.name}: step {k} out of range; there are {self.n_steps} steps (0 .. {self.n_steps - 1})")
        return self._make_state(k % self.n_steps)

    __getitem__ = state

    def __iter__(self):
        return (self.state(k) for k in range(self.n_steps))

    def __repr__(self) -> str:
        return f"<{self.name}: {self.n_steps} steps>"


def _maps(a, name: str, fn: str, layout: str) -> np.ndarray:
    """(H, W) or (C, H, W) -> float (C, H, W)."""
    a = as_float_array(a, name, fn)
    if a.ndim == 2:
        return a[None]
    if a.ndim != 3:
        raise ValueError(f"{fn}: {name} must be 2-D (H, W) or 3-D {layout}, got {name}.shape={a.shape}")
    return a


def _filled(values: np.ndarray, k: int) -> np.ndarray:
    """A copy of values with every cell after flat index k (row-major) set to NaN."""
    out = np.array(values, dtype=float)
    out.reshape(-1)[k + 1 :] = np.nan
    return out


def _scalar(b, name: str, fn: str) -> float:
    """One real number (a Python number or a one-element array) -> float."""
    a = np.asarray(b) if isinstance(b, (numbers.Real, np.ndarray)) else None
    if a is None or a.size != 1 or not (np.issubdtype(a.dtype, np.floating) or np.issubdtype(a.dtype, np.integer)):
        raise TypeError(f"{fn}: {name} must be one real number, got {b!r}")
    value = float(a.reshape(()))
    if not np.isfinite(value):
        raise ValueError(f"{fn}: {name} must be finite, got {value}")
    return value


def fmt_number(v) -> str:
    """A cell's number as shown in captions and on the maps: 3 significant digits, no "-0"."""
    if isinstance(v, np.ndarray) and v.size == 1:
        v = v.reshape(())[()]
    if isinstance(v, (str, bytes)) or not isinstance(v, numbers.Real):
        raise TypeError(f"fmt_number: v must be one real number, got {v!r}")
    try:
        v = float(v)
    except OverflowError:
        v = float("inf") if v > 0 else float("-inf")
    if not np.isfinite(v):
        return ""
    a = abs(v)
    if a == 0:
        return "0"
    if a < 0.005:  # would round to 0.00: keep one significant digit instead, e.g. 1e-3 (fits a 5-character cell)
        mantissa, exponent = f"{v:.0e}".split("e")
        return f"{mantissa}e{int(exponent)}"
    text = f"{v:.0f}" if a >= 99.5 else f"{v:.1f}" if a >= 9.95 else f"{v:.2f}"
    return "0" if text.strip("-0.") == "" else text
