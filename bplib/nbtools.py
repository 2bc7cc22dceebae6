"""Small helpers for the notebooks: show a function's source, print shapes."""

from __future__ import annotations

import inspect


def show_source(fn) -> None:
    """Print the source of a bplib function, so a notebook can show the code it runs."""
    print(inspect.getsource(fn).rstrip())


def shapes(**arrays) -> None:
    """Print one line per array: ``name  shape  dtype``, aligned."""
    width = max((len(k) for k in arrays), default=0)
    for name, a in arrays.items():
        print(f"{name:<{width}}  {str(tuple(a.shape)):<18} {a.dtype}")


def _order(err: float) -> str:
    """'< 1e-11' for 8.2e-12: the next power of ten, so printed output stays stable across machines."""
    import math

    if err == 0:
        return "= 0"
    return f"< 1e{math.floor(math.log10(err)) + 1:+03d}".replace("e+0", "e+").replace("e-0", "e-")


def agree(name: str, got, expected, tol: float = 1e-7) -> None:
    """Print whether two arrays agree (norm-wise relative error) and raise if not within tol.

    The printed error is rounded up to a power of ten (``< 1e-11``), so the notebook's
    output does not change with the last bits of a BLAS. Returns None, so a cell that ends
    with agree(...) stores only the printed line (use bp.rel_error for the exact value).
    """
    from .gradcheck import rel_error

    err = rel_error(got, expected)
    if not err < tol:
        raise AssertionError(f"{name}: relative error {err:.2e} is not below {tol:g}")
    print(f"✓ {name}: relative error {_order(err)}")
