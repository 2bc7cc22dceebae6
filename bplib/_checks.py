"""Input validation shared by the public functions.

Every public function checks its arguments here, at the boundary, so a learner sees a
message that names the function, the argument and what was expected instead of a
traceback from deep inside NumPy. Three rules (issue 10):

- a bad argument is a ValueError or TypeError that names the function and the argument;
- a call that would allocate more than ``alloc_limit()`` bytes (default 1 GiB, set with
  the environment variable BPLIB_MAX_BYTES) is refused before anything is allocated;
- nothing the caller passed is changed, and a cache never aliases the caller's arrays.
"""

from __future__ import annotations

import math
import numbers
import os

import numpy as np

ENV_LIMIT = "BPLIB_MAX_BYTES"
DEFAULT_LIMIT = 1 << 30  # 1 GiB: a typo such as padding=10**4 must not push an 8 GB laptop into swap
MAX_INT = 2**31 - 1  # sizes, strides, paddings past this are typos (and overflow NumPy's index type)
_UNITS = {"": 1, "B": 1, "K": 1 << 10, "KB": 1 << 10, "KIB": 1 << 10, "M": 1 << 20, "MB": 1 << 20, "MIB": 1 << 20,
          "G": 1 << 30, "GB": 1 << 30, "GIB": 1 << 30}


class AllocationTooLarge(ValueError):
    """A call would allocate more than alloc_limit() bytes; raised before allocating."""


class OutOfRange(IndexError, ValueError):
    """An index (a step, a slider value) outside its range: an IndexError for sequences, a ValueError as an argument."""


def fmt_bytes(n) -> str:
    """1536 -> '1.5 KiB': a byte count people can read."""
    n = float(n)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if abs(n) < 1024 or unit == "PiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.3g} {unit}"
        n /= 1024
    return f"{n:.3g} PiB"  # pragma: no cover - the loop always returns


def alloc_limit() -> int:
    """The allocation limit in bytes: BPLIB_MAX_BYTES ("512M", "2GiB", "1000000") or 1 GiB.

    Read on every call, so a test or a notebook can change it with os.environ.
    """
    raw = os.environ.get(ENV_LIMIT, "").strip()
    if not raw:
        return DEFAULT_LIMIT
    text = raw.upper().replace(" ", "")
    digits = text.rstrip("KMGIB")
    unit = text[len(digits):]
    try:
        value = float(digits)
    except ValueError:
        value = math.nan
    if unit not in _UNITS or not math.isfinite(value) or value <= 0:
        raise ValueError(f"bplib: environment variable {ENV_LIMIT}={raw!r} is not a size such as 512M, 2GiB or 1000000")
    return int(value * _UNITS[unit])


def nbytes(shape, dtype=np.float64) -> int:
    """Bytes of an array of this shape and dtype, in exact Python integers (no overflow)."""
    return math.prod(int(s) for s in shape) * np.dtype(dtype).itemsize


def check_alloc(fn: str, n_bytes: int, what: str) -> None:
    """Refuse (AllocationTooLarge, a ValueError) a call that would allocate more than alloc_limit() bytes."""
    limit = alloc_limit()
    if n_bytes > limit:
        raise AllocationTooLarge(
            f"{fn}: {what} would need {fmt_bytes(n_bytes)}, more than the limit of {fmt_bytes(limit)}; "
            f"check the sizes (a typo such as padding=10**4?), or raise the limit with the environment variable "
            f"{ENV_LIMIT}"
        )


def as_float_array(x, name: str, fn: str, ndim: int | None = None, finite: bool = True, nonempty: bool = False):
    """Return ``x`` as a floating-point ndarray, or raise a clear TypeError/ValueError.

    Lists and numbers are converted; ``nonempty`` refuses an axis of length 0.
    """
    if not isinstance(x, np.ndarray):
        if isinstance(x, (list, tuple, numbers.Number)) and not isinstance(x, bool):
            try:
                x = np.asarray(x)
            except (ValueError, TypeError, OverflowError) as e:
                raise ValueError(f"{fn}: {name} is not a rectangular array of numbers ({e})") from None
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
    if x.size * x.itemsize > alloc_limit():  # a broadcast view can claim terabytes: even isfinite would allocate them
        check_alloc(fn, nbytes(x.shape, x.dtype), f"{name} of shape {x.shape} ({x.dtype})")
    if nonempty and 0 in x.shape:
        raise ValueError(f"{fn}: {name}.shape={x.shape} has an axis of length 0; expected at least 1 along every axis")
    if finite and not np.isfinite(x).all():
        bad = int(np.size(x) - np.count_nonzero(np.isfinite(x)))
        raise ValueError(
            f"{fn}: {name} contains {bad} NaN or inf value(s) ({name}.shape={x.shape}); "
            "they would silently poison every result downstream"
        )
    return x


def check_int(value, name: str, fn: str, minimum: int, maximum: int = MAX_INT) -> int:
    """Return ``value`` as an int in [minimum, maximum], or raise."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{fn}: {name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{fn}: {name} must be >= {minimum}, got {name}={value}")
    if value > maximum:
        shown = value if value < 10**12 else f"a {len(str(int(value)))}-digit number"
        raise ValueError(f"{fn}: {name} must be <= {maximum}, got {name}={shown}")
    return int(value)


def check_pair(value, name: str, fn: str, minimum: int) -> tuple[int, int]:
    """Accept an int or a pair of ints (rows, cols), each >= minimum."""
    if isinstance(value, np.ndarray) and value.ndim == 1:
        value = tuple(value.tolist())
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{fn}: {name} must be an int or a pair (rows, cols), got {value!r}")
        return (check_int(value[0], name, fn, minimum), check_int(value[1], name, fn, minimum))
    v = check_int(value, name, fn, minimum)
    return (v, v)


def check_hw(value, name: str, fn: str, minimum: int = 1) -> tuple[int, int]:
    """A pair (H, W) of ints >= minimum (a tuple, list or 1-D array of two), or raise."""
    if isinstance(value, np.ndarray) and value.ndim == 1:
        value = tuple(value.tolist())
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(f"{fn}: {name} must be a pair (H, W) of integers, got {value!r}")
    return check_int(value[0], name, fn, minimum), check_int(value[1], name, fn, minimum)


def check_real(value, name: str, fn: str, low: float = -math.inf, high: float = math.inf, low_open: bool = False) -> float:
    """A finite real number in [low, high] ((low, high] with low_open), as float, or raise."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{fn}: {name} must be a real number, got {value!r}")
    try:
        v = float(value)
    except OverflowError:
        v = math.inf
    if not math.isfinite(v) or v < low or v > high or (low_open and v == low):
        lo = "(" if low_open else "["
        raise ValueError(f"{fn}: {name} must be a finite number in {lo}{low:g}, {high:g}], got {name}={value!r}")
    return v


def as_labels(y, fn: str, name: str = "y") -> np.ndarray:
    """Class labels y as an integer ndarray; TypeError / ValueError naming fn and name otherwise (shape is the caller's)."""
    if not isinstance(y, (np.ndarray, list, tuple)):
        raise TypeError(f"{fn}: labels {name} must be an array of integers, got {type(y).__name__}")
    try:
        y = np.asarray(y)
    except (ValueError, TypeError, OverflowError) as e:
        raise ValueError(f"{fn}: labels {name} are not a 1-D array of integers ({e})") from None
    if not np.issubdtype(y.dtype, np.integer):
        raise TypeError(f"{fn}: labels {name} must be integers, got dtype {y.dtype} ({name}.shape={y.shape})")
    return y


def check_bool(value, name: str, fn: str) -> bool:
    """True or False (NumPy bools too), or raise TypeError."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{fn}: {name} must be True or False, got {value!r}")
    return bool(value)


def private(arr: np.ndarray, *originals) -> np.ndarray:
    """arr, copied if it shares memory with one of the caller's arrays (so a cache sees what the forward pass saw)."""
    for o in originals:
        if isinstance(o, np.ndarray) and np.may_share_memory(arr, o):
            return arr.copy()
    return arr


def finite_result(fn: str, *arrays) -> None:
    """Refuse a result that overflowed to inf (or NaN) although every input was finite.

    Call it on the outputs of arithmetic done under np.errstate(over="ignore", invalid="ignore"):
    a silent inf would poison everything downstream, a warning scrolls away.
    """
    for a in arrays:
        if a is not None and not np.isfinite(a).all():
            big = np.finfo(a.dtype).max if np.issubdtype(a.dtype, np.floating) else None
            raise ValueError(
                f"{fn}: the result overflows {a.dtype} (largest finite value {big:.3g}); the inputs are too large "
                "in size: scale them down"
            )


QUIET = {"over": "ignore", "invalid": "ignore"}  # np.errstate(**QUIET) around arithmetic that finite_result checks
