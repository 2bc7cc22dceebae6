"""Drawing receptive fields for notebook 12 (S15): traced fields on a digit, and how the field grows with depth.

The interactive picture of one stack is bplib.viz.receptive (the explorer); these are the
static plots beside it. Each function takes an Axes and returns the artists it drew.
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Rectangle

from ...receptive import receptive_fields, trace_receptive_field
from ..catalogue import t
from ..palette import CMAPS, ERROR_COLOR, INPUT_COLOR, KERNEL_COLOR, OUTPUT_COLOR

__all__ = ["draw_traced_fields", "draw_field_growth"]

FIELD_COLORS = [KERNEL_COLOR, ERROR_COLOR, OUTPUT_COLOR, INPUT_COLOR]  # one per neuron drawn


def draw_traced_fields(ax, image, layers, neurons, names=None) -> list:
    """An input image with the traced receptive field of each neuron outlined, one colour per neuron.

    image (S, S); layers: a list of receptive.Layer; neurons: up to 4 pairs (depth, (i, j));
    names: one legend name per neuron (default "depth d", in the current language). The box is the extent of the pixels
    whose gradient is nonzero (trace_receptive_field). Returns [image, rectangle per neuron, legend].
    """
    fn = "draw_traced_fields"
    image = np.asarray(image)
    if image.ndim != 2 or image.shape[0] != image.shape[1]:
        raise ValueError(f"{fn}: image.shape={image.shape}, expected a square (S, S) image")
    neurons = list(neurons)
    if not 1 <= len(neurons) <= len(FIELD_COLORS):
        raise ValueError(f"{fn}: {len(neurons)} neurons, expected 1 to {len(FIELD_COLORS)} pairs (depth, (i, j))")
    names = [t("fields.depth", depth=depth) for depth, _ in neurons] if names is None else list(names)
    if len(names) != len(neurons):
        raise ValueError(f"{fn}: {len(names)} names for {len(neurons)} neurons; expected one name per neuron")
    artists = [ax.imshow(image, cmap=CMAPS["input"], vmin=-1, vmax=1)]
    for (depth, neuron), name, color in zip(neurons, names, FIELD_COLORS):
        mask = trace_receptive_field(layers, image.shape[0], depth, neuron)
        rows, cols = np.nonzero(mask.any(axis=1))[0], np.nonzero(mask.any(axis=0))[0]
        label = t("fields.box", name=name, neuron=tuple(int(v) for v in neuron), h=len(rows), w=len(cols))
        artists.append(ax.add_patch(Rectangle((cols.min() - 0.5, rows.min() - 0.5), len(cols), len(rows), fill=False,
                                              ec=color, lw=4, label=label)))
    artists.append(ax.legend(loc="lower center", bbox_to_anchor=(0.5, -0.22), ncol=1, fontsize=13))
    ax.set_xticks([])
    ax.set_yticks([])
    return artists


def draw_field_growth(ax, layers) -> list:
    """Receptive field r and jump j (input pixels) after each layer of a stack, pooling layers marked by dotted lines.

    layers: a list of receptive.Layer (L layers); the x-axis is the depth 0..L. Returns the two lines.
    """
    rfs = receptive_fields(layers)  # validates the layers
    depth = np.arange(len(rfs))
    lines = ax.plot(depth, [rf.size for rf in rfs], "o-", color=ERROR_COLOR, lw=3, ms=7, label=t("fields.r"))
    lines += ax.plot(depth, [rf.jump for rf in rfs], "s--", color=INPUT_COLOR, lw=2, ms=6, label=t("fields.j"))
    for d, layer in enumerate(layers, start=1):
        if layer.kind == "pool":
            ax.axvline(d, color="grey", ls=":", lw=1.5)
    ax.set_xticks(range(0, len(rfs), 2))
    ax.set_xlabel(t("fields.depth_axis"))
    ax.set_ylabel(t("fields.pixels"))
    ax.legend()
    ax.grid(alpha=0.3)
    return lines
