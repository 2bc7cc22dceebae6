"""Small arrays drawn as coloured cells with their numbers written in (kernels, gradients, error maps).

``draw_value_grid(ax, values)`` draws one array; ``draw_map_sum(axes, maps, titles)`` draws
several on a shared colour scale with ``+`` / ``=`` between them (partial errors and their
sum, notebook 09). Both return the artists they drew.
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Rectangle

from ...steps.base import fmt_number
from ..palette import GRADIENT_CMAP, HIGHLIGHT_COLOR, TEXT_COLOR
from ..panels import sym_limit

MAX_GRID_SIDE = 12  # more rows or columns than this and the numbers no longer fit a cell


def _check_grid(values, fn: str) -> np.ndarray:
    """values as a finite 2-D float array small enough to write its numbers in, else ValueError naming fn."""
    try:
        values = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{fn}: values should be a 2-D array of numbers ({e})") from None
    if values.ndim != 2:
        raise ValueError(f"{fn}: values should be 2-D (rows, columns), got shape {values.shape}")
    if max(values.shape) > MAX_GRID_SIDE or min(values.shape) == 0:
        raise ValueError(f"{fn}: values of shape {values.shape} cannot be written in cells; expected 1 to "
                         f"{MAX_GRID_SIDE} rows and columns")
    if not np.all(np.isfinite(values)):
        raise ValueError(f"{fn}: values of shape {values.shape} hold NaN or infinity; expected finite numbers")
    return values


def draw_value_grid(ax, values, cmap=GRADIENT_CMAP, limit=None, title=None, fontsize=13, blank_zeros=False,
                    box=None, ticks=True, fmt=None):
    """Draw a small 2-D array as cells coloured on a scale centred at 0, each with its number.

    values (H, W) with H, W <= 12; limit: the colour scale is (-limit, limit) (default: max |value|);
    blank_zeros writes "·" for exact zeros; box=(top, left, height, width) outlines a block of cells;
    fmt: a format string for the numbers ("{:g}"), default 3 significant digits.
    Returns {"image": AxesImage, "texts": [Text, ...] row by row, "box": Rectangle or None}.
    """
    values = _check_grid(values, "draw_value_grid")
    lim = sym_limit(values) if limit is None else float(limit)
    if not lim > 0:
        raise ValueError(f"draw_value_grid: limit should be a positive number, got {limit!r}")
    image = ax.imshow(values, cmap=cmap, vmin=-lim, vmax=lim)
    texts = []
    for (r, c), v in np.ndenumerate(values):
        label = "·" if blank_zeros and v == 0 else fmt_number(v) if fmt is None else fmt.format(v)
        texts.append(ax.text(c, r, label, ha="center", va="center", fontsize=fontsize, color=TEXT_COLOR))
    rect = None
    if box is not None:
        top, left, height, width = box
        rect = ax.add_patch(Rectangle((left - 0.5, top - 0.5), width, height, fill=False, ec=HIGHLIGHT_COLOR, lw=4))
    if title is not None:
        ax.set_title(title)
    ax.set_xticks(range(values.shape[1]) if ticks else [])
    ax.set_yticks(range(values.shape[0]) if ticks else [])
    return {"image": image, "texts": texts, "box": rect}


def draw_map_sum(axes, maps, titles, cmap=GRADIENT_CMAP, fontsize=13):
    """Draw maps on one shared colour scale, with "+" between them and "=" before the last one.

    axes: a sequence of n Axes in a row; maps: n arrays (H, W), each H, W <= 12; titles: n strings.
    Returns {"grids": [draw_value_grid's dict, ...], "operators": [Text, ...]} (n - 1 operators).
    """
    axes, maps, titles = list(axes), list(maps), list(titles)
    if not len(axes) == len(maps) == len(titles) or len(maps) < 2:
        raise ValueError(f"draw_map_sum: expected as many axes as maps and titles, at least 2; got {len(axes)} axes, "
                         f"{len(maps)} maps, {len(titles)} titles")
    checked = [_check_grid(m, "draw_map_sum") for m in maps]
    if len({m.shape for m in checked}) != 1:
        raise ValueError(f"draw_map_sum: the maps have different shapes {[m.shape for m in checked]}; expected one shape")
    lim = sym_limit(*checked)
    grids = [draw_value_grid(ax, m, cmap, lim, title, fontsize, ticks=k == 0)
             for k, (ax, m, title) in enumerate(zip(axes, checked, titles))]
    fig = axes[0].get_figure()
    operators = []
    for k, (left, right) in enumerate(zip(axes[:-1], axes[1:])):
        x = (left.get_position().x1 + right.get_position().x0) / 2
        y = (left.get_position().y0 + left.get_position().y1) / 2
        sign = "=" if k == len(axes) - 2 else "+"
        operators.append(fig.text(x, y, sign, fontsize=40, ha="center", va="center", color=TEXT_COLOR))
    return {"grids": grids, "operators": operators}
