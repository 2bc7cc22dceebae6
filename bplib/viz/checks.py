"""The drawing layer's argument checks: every public drawing refuses bad input here, before touching a figure.

Each ``check_*(fn, value, ...)`` names the calling function, the argument and what was expected,
and raises ValueError or TypeError (issue 10's rule); ``check_steps`` / ``check_state`` make sure a
drawing is given the state sequence and the state it was made for.
"""

from __future__ import annotations

import numbers

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import is_color_like
from matplotlib.figure import Figure, SubFigure
from matplotlib.gridspec import SubplotSpec

from .._checks import as_float_array, check_hw, check_real
from ..steps.base import Steps
from .palette import (
    MAX_CHANNELS,
    MAX_KERNEL,
    MAX_SIDE,
    ROLE_COLORS,
)

# --- checks at the drawing layer's boundary (issue 10): one helper per kind of argument ---------


MAX_PANEL_SIDE = 100  # rows or columns of any panel (the convolution matrix C is the largest drawn)
MAX_FIGURE_INCHES = 60  # a new figure's width or height (6000 pixels at DPI)
MAX_FONT_SIZE = 200.0  # points
MAX_VALUE = 1e12  # |values| a drawing can colour and print in a cell
MAX_TEXT = 2000  # characters of a title, label or caption
_GRID_KEYS = {"left", "right", "top", "bottom", "wspace", "hspace", "width_ratios", "height_ratios"}


def _kind(v) -> str:
    return type(v).__name__


def check_ax_or_fig(fn: str, ax_or_fig, allow_none: bool = True):
    """ax_or_fig as given if it is a matplotlib Axes (from a grid, still in its figure), Figure or SubFigure; else raise.

    allow_none: None (a new figure) is accepted. TypeError for another type, ValueError for a removed Axes.
    """
    if ax_or_fig is None and allow_none:
        return None
    if isinstance(ax_or_fig, Axes):
        parent = ax_or_fig.figure
        if parent is None or ax_or_fig not in parent.axes:
            raise ValueError(f"{fn}: ax_or_fig is an Axes that is no longer in a figure (removed, or already replaced "
                             "by a drawing's panels); pass a Figure, a SubFigure or an Axes of a grid")
        if ax_or_fig.get_subplotspec() is None:
            raise TypeError(f"{fn}: an Axes must come from a grid (fig.subplots / add_subplot) to be replaced by panels")
        return ax_or_fig
    if isinstance(ax_or_fig, (Figure, SubFigure)):
        return ax_or_fig
    none = " (or None for a new figure)" if allow_none else ""
    raise TypeError(f"{fn}: ax_or_fig: expected a matplotlib Axes, Figure or SubFigure, got {_kind(ax_or_fig)}{none}")


def check_axes(fn: str, ax, name: str = "ax"):
    """ax if it is a matplotlib Axes still in a figure; else TypeError/ValueError naming fn and the argument."""
    if not isinstance(ax, Axes):
        raise TypeError(f"{fn}: {name} must be a matplotlib Axes, got {_kind(ax)}")
    if ax.figure is None or ax not in ax.figure.axes:
        raise ValueError(f"{fn}: {name} is an Axes that is no longer in a figure (removed, or replaced by a drawing)")
    return ax


def check_figure(fn: str, fig, name: str = "fig", subfigure: bool = True):
    """fig if it is a matplotlib Figure (or, with subfigure, a SubFigure); else TypeError."""
    kinds = (Figure, SubFigure) if subfigure else (Figure,)
    if not isinstance(fig, kinds):
        what = "a matplotlib Figure or SubFigure" if subfigure else "a matplotlib Figure (not a SubFigure: save its root)"
        raise TypeError(f"{fn}: {name} must be {what}, got {_kind(fig)}")
    return fig


def check_cell(fn: str, fig, gs_cell) -> None:
    """fig a Figure/SubFigure and gs_cell a SubplotSpec of one of fig's grids (fig.add_gridspec(...)[i, j]); else raise."""
    check_figure(fn, fig)
    if not isinstance(gs_cell, SubplotSpec):
        raise TypeError(f"{fn}: gs_cell must be a cell of a grid (a matplotlib SubplotSpec such as gs[0, 1]), "
                        f"got {_kind(gs_cell)}")
    owner = getattr(gs_cell.get_topmost_subplotspec().get_gridspec(), "figure", None)
    if owner is not None and owner is not fig:
        raise ValueError(f"{fn}: gs_cell belongs to a grid of another figure; make the grid with fig.add_gridspec(...)")


def check_text(fn: str, text, name: str) -> str:
    """text if it is a str of at most MAX_TEXT characters; else TypeError/ValueError."""
    if not isinstance(text, str):
        raise TypeError(f"{fn}: {name} must be a str, got {_kind(text)}")
    if len(text) > MAX_TEXT:
        raise ValueError(f"{fn}: {name} has {len(text)} characters; a drawing shows at most {MAX_TEXT}")
    return text


def check_role(fn: str, role) -> str:
    """role if it is one of ROLE_COLORS' keys ("input", "kernel", "output", "error"); else TypeError/ValueError."""
    if not isinstance(role, str):
        raise TypeError(f"{fn}: role must be a str, one of {sorted(ROLE_COLORS)}, got {_kind(role)}")
    if role not in ROLE_COLORS:
        raise ValueError(f"{fn}: role must be one of {sorted(ROLE_COLORS)}, got {role!r}")
    return role


def check_panel_shape(fn: str, shape, name: str = "shape", limit: int = MAX_PANEL_SIDE) -> tuple:
    """(rows, cols), two ints in 1..limit, from a pair; else TypeError/ValueError."""
    rows, cols = check_hw(shape, name, fn, 1)
    if max(rows, cols) > limit:
        raise ValueError(f"{fn}: {name}={(rows, cols)} is too large to show; at most {limit} rows and columns")
    return rows, cols


def check_color(fn: str, color, name: str = "color"):
    """color if matplotlib reads it as a colour ("#D55E00", "black", (r, g, b)); else ValueError."""
    if isinstance(color, np.ndarray) or not is_color_like(color):
        raise ValueError(f"{fn}: {name} must be a matplotlib colour such as '#D55E00' or 'black', got {color!r:.60}")
    return color


def check_size(fn: str, size, name: str = "size") -> float:
    """A font size in points, in (0, MAX_FONT_SIZE]."""
    return check_real(size, name, fn, 0.0, MAX_FONT_SIZE, low_open=True)


def _values(fn: str, values, name: str, nan: bool = True) -> np.ndarray:
    """values as a float ndarray (ints and bools converted); NaN allowed when nan, inf never, |v| <= MAX_VALUE."""
    if isinstance(values, (list, tuple)) or (isinstance(values, np.ndarray) and values.dtype.kind in "biu"):
        try:
            values = np.asarray(values, dtype=float)
        except (TypeError, ValueError, OverflowError) as e:
            raise ValueError(f"{fn}: {name} is not a rectangular array of numbers ({e})") from None
    values = as_float_array(values, name, fn, finite=False)
    finite = np.isfinite(values)
    if np.isinf(values).any() or (not nan and not finite.all()):
        raise ValueError(f"{fn}: {name} holds {'inf' if nan else 'NaN or inf'} ({name}.shape={values.shape}); "
                         "a drawing cannot colour it")
    biggest = float(np.abs(values[finite]).max()) if finite.any() else 0.0  # float: no cast of MAX_VALUE to float16
    if biggest > MAX_VALUE:
        raise ValueError(f"{fn}: {name} holds values up to {biggest:.3g}; a drawing shows "
                         f"|values| <= {MAX_VALUE:g} (scale them down)")
    return values


def _same(a, b) -> bool:
    """a and b hold the same numbers: arrays by value (NaN equal to NaN), tuples element by element."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)) or a.shape != b.shape or a.dtype.kind != b.dtype.kind:
            return False
        return bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
    if isinstance(a, tuple) or isinstance(b, tuple):
        return isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, float) and isinstance(b, float) and a != a and b != b:
        return True
    try:
        return bool(type(a) is type(b) and a == b)
    except (TypeError, ValueError):
        return False


def _state_types() -> dict:
    """{steps name: (the state class its steps return, the field holding k)}."""
    from ..steps import (
        ConvMatrixState,
        FlattenOrderState,
        FullConvState,
        Rot180State,
        SlidingKernelState,
        UnpoolState,
        WeightGradState,
    )

    return {"sliding_kernel_steps": (SlidingKernelState, "k"), "weight_grad_steps": (WeightGradState, "k"),
            "unpool_steps": (UnpoolState, "k"), "rot180_steps": (Rot180State, "k"), "full_conv_steps": (FullConvState, "k"),
            "conv_matrix_steps": (ConvMatrixState, "k"), "flatten_order_steps": (FlattenOrderState, "flat_index")}


def check_steps(fn: str, steps, kind: str) -> None:
    """steps must be a sequence made by the function kind (e.g. "unpool_steps") with numbers a drawing can show."""
    if not isinstance(steps, Steps):
        raise TypeError(f"{fn}: steps must be the sequence bplib.steps.{kind}(...) returns, got {_kind(steps)}")
    if steps.name != kind:
        raise ValueError(f"{fn}: steps come from {steps.name}, but {fn} draws the steps of {kind}")
    if steps.n_steps < 1:
        raise ValueError(f"{fn}: steps has no step to draw")
    for name, value in vars(steps).items():
        if isinstance(value, np.ndarray) and value.dtype.kind == "f":
            _values(fn, value, f"steps.{name}")


def check_state(fn: str, state, steps, kind: str, scan: bool = True) -> None:
    """state must be one step of steps, a sequence made by kind; else TypeError/ValueError naming fn.

    A state of another kind, a state of another sequence of the same kind, or a changed state is refused
    (it is compared with steps[k], recomputed). scan: check steps too (check_steps).
    """
    if scan:
        check_steps(fn, steps, kind)
    state_type, field = _state_types()[kind]
    if not isinstance(state, state_type):
        raise TypeError(f"{fn}: state must be a {state_type.__name__}, a step of the steps drawn (steps[k]), "
                        f"got {_kind(state)}")
    k = getattr(state, field)
    if isinstance(k, (bool, np.bool_)) or not isinstance(k, numbers.Integral) or not 0 <= k < steps.n_steps:
        raise ValueError(f"{fn}: state.{field}={k!r} is not a step of these steps (0 .. {steps.n_steps - 1})")
    if not _same(tuple(state), tuple(steps.state(int(k)))):
        raise ValueError(f"{fn}: state is not step {k} of these steps: it comes from another sequence (other inputs), "
                         f"or was changed; pass steps[{k}] of the steps you draw")


def check_drawable(fn: str, **shapes) -> None:
    """Raise ValueError naming the limit if a map, kernel or channel count is too large to show.

    Keywords end in _map (a (..., H, W) shape), _kernel ((..., KH, KW)) or _channels (an int).
    """
    for name, value in shapes.items():
        if name.endswith("_channels"):
            if value > MAX_CHANNELS:
                raise ValueError(f"{fn}: {value} {name[:-9]} channels are too many to show; the limit is {MAX_CHANNELS}")
            continue
        side = max(value[-2:])
        limit = MAX_KERNEL if name.endswith("_kernel") else MAX_SIDE
        if side > limit:
            what = name.rsplit("_", 1)[0]
            raise ValueError(
                f"{fn}: {what} of shape {tuple(value)} is too large to show; the size limit is "
                f"{limit}x{limit} per map (MAX_{'KERNEL' if limit == MAX_KERNEL else 'SIDE'} in bplib.viz)"
            )
