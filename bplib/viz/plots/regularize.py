"""Drawing dropout on feature maps (S15, notebook 12): how correlated neighbours are, and which values each method drops."""

from __future__ import annotations

import numpy as np
from matplotlib.colors import ListedColormap

from ...regularize import DropCache
from ..catalogue import t
from ..palette import CMAPS, ERROR_COLOR, INPUT_COLOR

__all__ = ["draw_correlation", "draw_drop_masks"]


def draw_correlation(ax, distances, rho) -> list:
    """The correlation of two activations against their distance in pixels, with the zero line.

    distances (D,), rho (D,). Returns [the curve, the zero line].
    """
    distances, rho = np.asarray(distances, dtype=float), np.asarray(rho, dtype=float)
    if distances.ndim != 1 or distances.shape != rho.shape or len(distances) == 0:
        raise ValueError(f"draw_correlation: distances.shape={distances.shape}, rho.shape={rho.shape}; "
                         "expected two equal (D,) arrays, D >= 1")
    curve = ax.plot(distances, rho, "o-", color=INPUT_COLOR, lw=3, ms=9)
    zero = ax.axhline(0, color="grey", lw=1)
    ax.set_xlabel(t("regularize.distance"))
    ax.set_ylabel(t("regularize.correlation"))
    ax.grid(alpha=0.3)
    return curve + [zero]


def draw_drop_masks(axes, columns) -> list:
    """One row per channel, one column per method: the maps after dropping, the dropped cells tinted.

    columns: [(title, y (1, C, H, W), cache or None)], cache the DropCache of the forward pass
    (None: the maps before dropout, nothing tinted); axes (C, len(columns)). Each row (channel)
    has one colour scale over its columns. Returns the images drawn.
    """
    fn = "draw_drop_masks"
    columns = list(columns)
    if not columns:
        raise ValueError(f"{fn}: columns is empty; expected [(title, y (1, C, H, W), cache or None), ...]")
    shape = np.shape(columns[0][1])
    for title, y, cache in columns:
        if np.ndim(y) != 4 or np.shape(y) != shape or shape[0] != 1:
            raise ValueError(f"{fn}: column {title!r} has y.shape={np.shape(y)}; expected (1, C, H, W) like the first, {shape}")
        if cache is not None and (not isinstance(cache, DropCache) or np.shape(cache.mask) != shape):
            raise ValueError(f"{fn}: column {title!r}: cache must be the DropCache of a forward pass on a {shape} array")
    C = shape[1]
    axes = np.asarray(axes, dtype=object)
    if axes.shape != (C, len(columns)):
        raise ValueError(f"{fn}: axes of shape {axes.shape}, expected ({C}, {len(columns)}): "
                         "one row per channel, one column per method")
    dropped_cmap = ListedColormap([ERROR_COLOR])
    images = []
    for c in range(C):
        limit = max(max(float(np.abs(y[0, c]).max()) for _, y, _ in columns), 1e-12)  # one colour scale per row
        for col, (title, y, cache) in enumerate(columns):
            ax = axes[c, col]
            images.append(ax.imshow(y[0, c], cmap=CMAPS["output"], vmin=-limit, vmax=limit))
            if cache is not None:  # the dropped cells, from the mask itself
                dropped = np.ma.masked_where(cache.mask[0, c] != 0, np.ones(shape[2:]))
                images.append(ax.imshow(dropped, cmap=dropped_cmap, alpha=0.4))
            ax.set_xticks([])
            ax.set_yticks([])
            if c == 0:
                ax.set_title(title)
            if col == 0:
                ax.set_ylabel(t("regularize.channel", c=c), fontsize=16)
    return images
