"""The derivative of a pooling layer, ∂a²[m, n]/∂a¹, as a grid of numbers with its window outlined (S11)."""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Rectangle

from ..catalogue import t
from ..palette import ACCENT_COLOR, CMAPS, EMPTY_COLOR, GRADIENT_CMAP, TEXT_COLOR

FRACTIONS = {0.0: "0", 1.0: "1", 0.25: "¼", 0.5: "½"}


def _grid_text(ax, values, labels, strong) -> list:
    return [ax.text(j, i, labels[i][j], ha="center", va="center", fontsize=20 if strong[i, j] else 15,
                    fontweight="bold" if strong[i, j] else "normal", color=TEXT_COLOR if strong[i, j] else EMPTY_COLOR)
            for i in range(values.shape[0]) for j in range(values.shape[1])]


def draw_value_grid(ax, values, title: str | None = None) -> dict:
    """Draw a small 2-D map with each value written in its cell (input colours).

    values: (H, W), at most 8 x 8; title (default: "a¹ (the input)" in the current language).
    Returns the artists: {"image": AxesImage, "texts": [Text]}.
    """
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 2 or max(values.shape) > 8:
        raise ValueError(f"draw_value_grid: values must be a 2-D map of at most 8 x 8, got shape {values.shape}")
    lim = max(float(np.abs(values).max()), 1e-12)
    image = ax.imshow(values, cmap=CMAPS["input"], vmin=-lim, vmax=lim)
    labels = [[f"{v:.1f}" for v in row] for row in values]
    texts = _grid_text(ax, values, labels, np.ones(values.shape, dtype=bool))
    ax.set_title(t("pool_derivative.input") if title is None else title)
    ax.set_xticks(range(values.shape[1]))
    ax.set_yticks(range(values.shape[0]))
    return {"image": image, "texts": texts}


def draw_derivative_pattern(ax, pattern, window, title: str = "") -> dict:
    """Draw one measured derivative ∂a²[m, n]/∂a¹ as numbers (0, 1, ¼ ...), its pooling window outlined.

    pattern: (H, W), at most 8 x 8; window: (top, left, KH, KW) inside the map.
    Returns the artists: {"image": AxesImage, "texts": [Text], "window": Rectangle}.
    """
    pattern = np.round(np.asarray(pattern, dtype=np.float64), 6) + 0.0
    if pattern.ndim != 2 or max(pattern.shape) > 8:
        raise ValueError(f"draw_derivative_pattern: pattern must be a 2-D map of at most 8 x 8, got shape {pattern.shape}")
    top, left, KH, KW = (int(v) for v in window)
    if top < 0 or left < 0 or KH < 1 or KW < 1 or top + KH > pattern.shape[0] or left + KW > pattern.shape[1]:
        raise ValueError(f"draw_derivative_pattern: window {tuple(window)} (top, left, KH, KW) does not fit the map "
                         f"of shape {pattern.shape}")
    image = ax.imshow(pattern, cmap=GRADIENT_CMAP, vmin=-1, vmax=1)
    labels = [[FRACTIONS.get(v, f"{v:g}") for v in row] for row in pattern]
    texts = _grid_text(ax, pattern, labels, pattern != 0)
    rect = ax.add_patch(Rectangle((left - 0.5, top - 0.5), KW, KH, fill=False, ec=ACCENT_COLOR, lw=4))
    ax.set_title(title)
    ax.set_xticks(range(pattern.shape[1]))
    ax.set_yticks(range(pattern.shape[0]))
    return {"image": image, "texts": texts, "window": rect}
