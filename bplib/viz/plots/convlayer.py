"""Pictures of a convolution layer (S1, S2): local receptive fields, kernels and their feature maps, input channels.

    draw_receptive_windows(ax_in, ax_hidden, image, neurons, K)  a K x K window per hidden neuron, and the neuron
    draw_feature_maps(axes, image, kernels, maps)                 input, kernel and feature map, one row per kernel
    draw_channels(axes, x)                                        a small C-channel image as colours and numbers

Every function takes the axes to draw on and returns the artists it drew.
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Rectangle

from ..._checks import as_float_array, check_int
from ..catalogue import t
from ..palette import CMAPS, MAX_CHANNELS
from ..panels import text_colors

__all__ = ["draw_receptive_windows", "draw_feature_maps", "draw_channels"]


def _light_grid(ax, rows: int, cols: int, ticks) -> None:
    ax.set_xticks(ticks[1])
    ax.set_yticks(ticks[0])
    ax.set_xticks(np.arange(-0.5, cols, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, rows, 1), minor=True)
    ax.grid(which="minor", color="#E4E4E4", lw=0.6)
    ax.tick_params(which="minor", length=0)


def draw_receptive_windows(ax_in, ax_hidden, image, neurons: dict, K: int) -> list:
    """image (H, W); neurons: {(i, j): colour}: each hidden neuron (i, j) and its K x K window on the image.

    The first neuron's window is drawn solid, the others dashed; each neuron is labelled with an arrow on the
    (H - K + 1) x (W - K + 1) hidden layer. Returns the artists drawn.
    """
    fn = "draw_receptive_windows"
    image = as_float_array(image, "image", fn, ndim=2, nonempty=True)
    K = check_int(K, "K", fn, 1, min(image.shape))
    Ho, Wo = image.shape[0] - K + 1, image.shape[1] - K + 1
    for i, j in neurons:
        if not (0 <= i < Ho and 0 <= j < Wo):
            raise ValueError(f"{fn}: neuron ({i}, {j}) is outside the {Ho} x {Wo} hidden layer")
    artists = [ax_in.imshow(image, cmap=CMAPS["input"], vmin=-1, vmax=1),
               ax_hidden.imshow(np.zeros((Ho, Wo)), cmap=CMAPS["output"], vmin=-1, vmax=1)]
    ax_in.set_title(t("convlayer.input", h=image.shape[0], w=image.shape[1]))
    ax_hidden.set_title(t("convlayer.hidden", h=Ho, w=Wo))
    for n, ((i, j), colour) in enumerate(neurons.items()):
        artists.append(ax_in.add_patch(Rectangle((j - 0.5, i - 0.5), K, K, fill=False, ec=colour, lw=4,
                                                 ls="-" if n == 0 else "--")))
        artists.append(ax_hidden.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fc=colour, ec="black", lw=1.5)))
        artists.append(ax_hidden.annotate(t("convlayer.neuron", i=i, j=j), (j, i), xytext=(j + 3, i - 3 if n == 0 else i + 5),
                                          fontsize=16, color=colour, fontweight="bold",
                                          arrowprops={"arrowstyle": "->", "lw": 2, "color": colour}))
    i0, j0 = next(iter(neurons))
    _light_grid(ax_in, *image.shape, ([0, i0, image.shape[0] - 1], [0, j0, image.shape[1] - 1]))
    _light_grid(ax_hidden, Ho, Wo, ([0, i0, Ho - 1], [0, j0, Wo - 1]))
    return artists


def draw_feature_maps(axes, image, kernels, maps) -> list:
    """image (H, W), kernels (F, KH, KW), maps (F, Ho, Wo): one row of axes (input, kernel, map) per kernel.

    axes: an (F, 3) grid. Kernels share one colour scale; each map is centred on 0 with its own limit.
    Returns the images drawn.
    """
    fn = "draw_feature_maps"
    image = as_float_array(image, "image", fn, ndim=2, nonempty=True)
    kernels = as_float_array(kernels, "kernels", fn, ndim=3, nonempty=True)
    maps = as_float_array(maps, "maps", fn, ndim=3, nonempty=True)
    F = kernels.shape[0]
    axes = np.asarray(axes)
    if axes.shape != (F, 3) or maps.shape[0] != F:
        raise ValueError(f"{fn}: need an ({F}, 3) grid of axes and {F} maps for {F} kernels; "
                         f"got axes {axes.shape}, maps {maps.shape}")
    k_lim = float(np.abs(kernels).max()) or 1.0
    images = []
    for f in range(F):
        images.append(axes[f, 0].imshow(image, cmap=CMAPS["input"], vmin=-1, vmax=1))
        axes[f, 0].set_title(t("convlayer.input_x"))
        images.append(axes[f, 1].imshow(kernels[f], cmap=CMAPS["kernel"], vmin=-k_lim, vmax=k_lim))
        axes[f, 1].set_title(t("convlayer.kernel", f=f))
        lim = float(np.abs(maps[f]).max()) or 1.0
        images.append(axes[f, 2].imshow(maps[f], cmap=CMAPS["output"], vmin=-lim, vmax=lim))
        axes[f, 2].set_title(t("convlayer.feature_map", f=f, h=maps.shape[1], w=maps.shape[2]))
    for ax in axes.ravel():
        ax.set_xticks([])
        ax.set_yticks([])
    return images


def draw_channels(axes, x, names=None) -> list:
    """x (C, H, W) with values 0..vmax, C = 3: the colour picture on axes[0], each channel with its numbers after it.

    names: one name per channel (default: red, green, blue in the current language).

    Returns the artists drawn.
    """
    fn = "draw_channels"
    x = as_float_array(x, "x", fn, ndim=3, nonempty=True)
    C = x.shape[0]
    if names is None:
        names = [t(f"convlayer.{colour}") for colour in ("red", "green", "blue")]
    if C > MAX_CHANNELS or len(axes) != C + 1 or len(names) < C:
        raise ValueError(f"{fn}: need {C} + 1 axes and {C} names for x {x.shape} (at most {MAX_CHANNELS} channels)")
    top = float(np.abs(x).max()) or 1.0
    artists = []
    if C == 3:
        artists.append(axes[0].imshow(np.clip(x.transpose(1, 2, 0) / top, 0, 1)))  # (H, W, 3) in [0, 1]
        axes[0].set_title(t("convlayer.image"))
    for c, (ax, name) in enumerate(zip(axes[1:], names)):
        artists.append(ax.imshow(x[c], cmap=CMAPS["input"], vmin=-top, vmax=top))
        ink = text_colors(CMAPS["input"]((x[c] / top + 1) / 2))
        for (i, j), v in np.ndenumerate(x[c]):
            artists.append(ax.text(j, i, f"{v:.0f}", ha="center", va="center", fontsize=15, color=ink[i, j]))
        ax.set_title(t("convlayer.channel", c=c, name=name))
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    return artists
