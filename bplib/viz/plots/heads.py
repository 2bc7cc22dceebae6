"""Pictures of the classifier's tail (S5, S7): the flatten index map, a head's weights as maps, shift curves.

    draw_flatten_index_map(fig, index_map)          each channel's flat indices, and the flat vector below
    draw_class_templates(axes, templates, classes)  rows of a flatten head's W, folded back to (C, H, W)
    plot_shift_curves(ax_change, ax_acc, shifts, change, accuracy)   features and accuracy against a shift

Every function takes what to draw on and returns the artists it drew.
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Rectangle

from ..._checks import as_float_array
from ..catalogue import t
from ..palette import CHANNEL_COLORS, CMAPS, ERROR_COLOR, INPUT_COLOR, KERNEL_COLOR, MAX_CHANNELS, OUTPUT_COLOR

__all__ = ["draw_flatten_index_map", "draw_class_templates", "plot_shift_curves"]

CURVE_STYLES = [(ERROR_COLOR, "o-"), (OUTPUT_COLOR, "s-"), (KERNEL_COLOR, "^--"), (INPUT_COLOR, "D:")]


def draw_flatten_index_map(fig, index_map) -> list:
    """index_map (C, H, W) of whole numbers: one panel per channel with its numbers, the flat vector below.

    Each channel has its own frame colour, and each cell of the flat vector the colour of the channel it came
    from. Returns the artists drawn.
    """
    fn = "draw_flatten_index_map"
    index_map = np.asarray(index_map)
    if index_map.ndim != 3 or not np.issubdtype(index_map.dtype, np.integer):
        raise ValueError(f"{fn}: index_map must be a (C, H, W) array of integers, got {index_map.dtype} {index_map.shape}")
    C, H, W = index_map.shape
    if C > MAX_CHANNELS or H * W > 64:
        raise ValueError(f"{fn}: index_map {index_map.shape} is too large to read: at most {MAX_CHANNELS} channels of "
                         f"64 cells")
    grid = fig.add_gridspec(2, C, height_ratios=[3, 1], hspace=0.45)
    top = max(int(index_map.max()), 1)
    artists = []
    for c in range(C):
        ax = fig.add_subplot(grid[0, c])
        artists.append(ax.imshow(index_map[c], cmap=CMAPS["output"], vmin=-top, vmax=top))
        for (h, w), v in np.ndenumerate(index_map[c]):
            artists.append(ax.text(w, h, str(v), ha="center", va="center", fontsize=18, fontweight="bold"))
        for spine in ax.spines.values():
            spine.set_edgecolor(CHANNEL_COLORS[c])
            spine.set_linewidth(5)
        ax.set_xticks(range(W))
        ax.set_yticks(range(H))
        ax.set_xlabel(t("heads.column"))
        ax.set_ylabel(t("heads.row"))
        ax.set_title(t("heads.channel_c", c=c), color=CHANNEL_COLORS[c])
    ax = fig.add_subplot(grid[1, :])
    flat = index_map.ravel()
    for k, v in enumerate(flat):
        artists.append(ax.add_patch(Rectangle((k, 0), 1, 1, facecolor=CHANNEL_COLORS[k // (H * W)], edgecolor="white")))
        artists.append(ax.text(k + 0.5, 0.5, str(v), ha="center", va="center", fontsize=12, color="white",
                               fontweight="bold"))
    ax.set_xlim(0, len(flat))
    ax.set_ylim(0, 1)
    ax.axis("off")
    ax.set_title(t("heads.flatten", parts=" | ".join(t("heads.channel", c=c) for c in range(C))))
    return artists


def draw_class_templates(axes, templates, classes) -> list:
    """templates (K, C, H, W): W's rows folded back; one row of axes per class in classes, one column per channel.

    axes: a (len(classes), C) grid. One colour scale, centred on 0, for every panel. Returns the images drawn.
    """
    fn = "draw_class_templates"
    templates = as_float_array(templates, "templates", fn, ndim=4, nonempty=True)
    classes = [int(j) for j in classes]
    axes = np.asarray(axes).reshape(len(classes), -1)
    C = templates.shape[1]
    if axes.shape[1] != C:
        raise ValueError(f"{fn}: axes must be a ({len(classes)}, {C}) grid for templates {templates.shape}; got {axes.shape}")
    if any(not 0 <= j < templates.shape[0] for j in classes):
        raise ValueError(f"{fn}: classes {classes} must lie in 0 .. {templates.shape[0] - 1}")
    limit = float(np.abs(templates[classes]).max()) or 1.0
    images = []
    for row, j in enumerate(classes):
        for c in range(C):
            ax = axes[row, c]
            images.append(ax.imshow(templates[j, c], cmap=CMAPS["kernel"], vmin=-limit, vmax=limit))
            ax.set_xticks([])
            ax.set_yticks([])
            if row == 0:
                ax.set_title(t("heads.channel", c=c))
            if c == 0:
                ax.set_ylabel(t("heads.class", j=j), fontsize=16)
    return images


def plot_shift_curves(ax_change, ax_accuracy, shifts, change: dict, accuracy: dict, chance: float = 0.1) -> list:
    """Relative feature change (label -> one value per shift) on ax_change, accuracy (label -> values) on ax_accuracy.

    shifts: the input shifts in pixels. Up to four curves per panel, each with its own colour and marker.
    Returns the lines drawn.
    """
    fn = "plot_shift_curves"
    shifts = list(shifts)
    for name, curves in (("change", change), ("accuracy", accuracy)):
        if not isinstance(curves, dict) or not 1 <= len(curves) <= len(CURVE_STYLES):
            raise ValueError(f"{fn}: {name} must be a dict of 1 to {len(CURVE_STYLES)} curves, got {curves!r:.60}")
        for label, values in curves.items():
            if len(values) != len(shifts):
                raise ValueError(f"{fn}: {name}[{label!r}] has {len(values)} values for {len(shifts)} shifts")
    lines = []
    for ax, curves in ((ax_change, change), (ax_accuracy, accuracy)):
        for (label, values), (colour, style) in zip(curves.items(), CURVE_STYLES):
            lines += ax.plot(shifts, values, style, color=colour, lw=3, ms=9, label=label)
        ax.set_xlabel(t("heads.shift_axis"))
        ax.set_xticks(shifts)
        ax.grid(alpha=0.3)
    lines.append(ax_accuracy.axhline(chance, color="grey", ls=":", lw=2, label=t("heads.chance")))
    ax_change.set_ylabel(t("heads.relative_change"))
    ax_change.set_title(t("heads.change_title"))
    ax_change.legend()
    ax_accuracy.set_ylabel(t("heads.accuracy"))
    ax_accuracy.set_ylim(0, 1)
    ax_accuracy.set_title(t("heads.accuracy_title"))
    ax_accuracy.legend(fontsize=12)
    return lines
