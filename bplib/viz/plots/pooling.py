"""Pooling pictures (S3): one map and its max / average / L2 poolings, window by window.

    pool_all(a1, size, stride)              -> {"max": ..., "average": ..., "L2": ...} and the argmax
    draw_poolings(axes, a1, pooled, ...)    the map with its windows (and each window's winner), the pooled maps
    draw_pooling_window(axes, a1, pooled, k, ...)  window k outlined, the pooled maps filled in up to window k
    draw_pooled_channels(axes, a1, pooled)  each channel of a real feature map and its three poolings
    pooling_axes(fig)                       the 1 + 3 panel layout both drawings use

Every function takes the axes to draw on and returns the artists it drew.
"""

from __future__ import annotations

import numpy as np

from ..._checks import as_float_array, check_int
from ...pool import avgpool2d_forward, l2pool2d_forward, maxpool2d_forward
from ..catalogue import t
from ..palette import ACCENT_COLOR, CMAPS
from ..panels import MapPanel, check_drawable

__all__ = ["pool_all", "pooling_axes", "draw_poolings", "draw_pooling_window", "draw_pooled_channels"]

NAMES = ("max", "average", "L2")
POOLING_KEYS = {"max": "pool.max", "average": "pool.avg", "L2": "pool.l2"}  # "max pooling" ... in the catalogue


def _check_map(a1, size, stride, fn):
    a1 = as_float_array(a1, "a1", fn, ndim=2, nonempty=True)
    size = check_int(size, "size", fn, 1)
    stride = check_int(stride, "stride", fn, 1)
    if size > min(a1.shape):
        raise ValueError(f"{fn}: a {size}x{size} window does not fit in a1 of shape {a1.shape}")
    check_drawable(fn, a1_map=a1.shape)
    return a1, size, stride


def pool_all(a1, size: int = 2, stride: int = 2):
    """The three poolings of one map a1 (H, W) with size x size windows.

    Returns (pooled, winners): pooled maps {"max", "average", "L2"} each (Ho, Wo), and
    winners (Ho, Wo) the position u * size + v of each window's first maximum.
    """
    a1, size, stride = _check_map(a1, size, stride, "pool_all")
    x = a1[None, None]
    y_max, cache = maxpool2d_forward(x, size, stride)
    pooled = {"max": y_max[0, 0], "average": avgpool2d_forward(x, size, stride)[0][0, 0],
              "L2": l2pool2d_forward(x, size, stride)[0][0, 0]}
    return pooled, cache.arg[0, 0]


def pooling_axes(fig):
    """Four axes on fig: a wide one for the map, three for the pooled maps."""
    axes = fig.subplots(1, 4, gridspec_kw={"width_ratios": [2, 1, 1, 1], "wspace": 0.25})
    fig.subplots_adjust(left=0.02, right=0.98, top=0.86, bottom=0.03)
    return axes


def _limit(a1, pooled) -> float:
    return max(float(np.abs(a1).max()), *(float(np.abs(y).max()) for y in pooled.values())) or 1.0


def _check_pooled(pooled, fn):
    if not isinstance(pooled, dict) or set(pooled) != set(NAMES):
        raise ValueError(f"{fn}: pooled must be the dict from pool_all with keys {NAMES}, got {pooled!r:.80}")
    return {name: np.asarray(pooled[name], dtype=np.float64) for name in NAMES}


def draw_poolings(axes, a1, pooled, winners=None, size: int = 2, stride: int = 2) -> list:
    """a1 (H, W) with every window outlined (and each window's winner, if winners is given), and the pooled maps.

    axes: four Axes (pooling_axes). pooled: {"max", "average", "L2"} -> (Ho, Wo). Returns the artists drawn.
    """
    fn = "draw_poolings"
    a1, size, stride = _check_map(a1, size, stride, fn)
    pooled = _check_pooled(pooled, fn)
    limit = _limit(a1, pooled)
    panel = MapPanel(axes[0], a1.shape, "input", limit, t("pooling.map", h=a1.shape[0], w=a1.shape[1]), numbers=True)
    panel.update(a1)
    artists = list(panel.artists)
    Ho, Wo = pooled["max"].shape
    for name, ax in zip(NAMES, axes[1:]):
        title = t("pooling.pooled", pooling=t(POOLING_KEYS[name]), h=Ho, w=Wo)
        out = MapPanel(ax, (Ho, Wo), "output", limit, title, numbers=True)
        out.update(pooled[name])
        artists += out.artists
    for m in range(Ho):
        for n in range(Wo):
            top, left = m * stride, n * stride
            box = axes[0].add_patch(_rect(left - 0.5, top - 0.5, size, size, "black", 2.5))
            artists.append(box)
            if winners is not None:
                u, v = divmod(int(winners[m, n]), size)
                artists.append(axes[0].add_patch(_rect(left + v - 0.42, top + u - 0.42, 0.84, 0.84, ACCENT_COLOR, 4)))
    return artists


def _rect(x, y, w, h, color, lw):
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), w, h, fill=False, edgecolor=color, linewidth=lw, zorder=5)


def draw_pooling_window(axes, a1, pooled, k: int, size: int = 2, stride: int = 2) -> list:
    """Window k (row-major) outlined on a1 (H, W); the pooled maps filled in up to window k, cell k outlined.

    axes: four Axes (pooling_axes). Cells after window k stay empty (hatched). Returns the artists drawn.
    """
    fn = "draw_pooling_window"
    a1, size, stride = _check_map(a1, size, stride, fn)
    pooled = _check_pooled(pooled, fn)
    Ho, Wo = pooled["max"].shape
    k = check_int(k, "k", fn, 0, Ho * Wo - 1)
    m, n = divmod(k, Wo)
    limit = _limit(a1, pooled)
    top, left = m * stride, n * stride
    panel = MapPanel(axes[0], a1.shape, "input", limit,
                     t("pooling.window", m=m, n=n, top=top, bottom=top + size - 1, left=left, right=left + size - 1),
                     numbers=True)
    panel.update(a1)
    panel.add_box("window", lw=5)
    panel.set_box("window", top, left, size, size)
    artists = list(panel.artists)
    for name, ax in zip(NAMES, axes[1:]):
        so_far = pooled[name].copy()
        so_far.reshape(-1)[k + 1:] = np.nan  # windows not reached yet stay empty (hatched)
        title = t("pooling.value", name=t(f"pooling.{name}"), value=pooled[name][m, n])
        out = MapPanel(ax, (Ho, Wo), "output", limit, title, numbers=True)
        out.update(so_far)
        out.add_box("cell", lw=5)
        out.set_box("cell", m, n, 1, 1)
        artists += out.artists
    return artists


def draw_pooled_channels(axes, a1, pooled) -> list:
    """Each channel of a1 (C, H, W) in a row, beside its pooled maps {"max", "average", "L2"} -> (C, Ho, Wo).

    axes: a (C, 4) array of Axes. Each panel is coloured up to its own maximum. Returns the images drawn.
    """
    fn = "draw_pooled_channels"
    a1 = as_float_array(a1, "a1", fn, ndim=3, nonempty=True)
    pooled = _check_pooled(pooled, fn)
    axes = np.asarray(axes)
    if axes.shape != (a1.shape[0], 4):
        raise ValueError(f"{fn}: axes must be a ({a1.shape[0]}, 4) grid, one row per channel of a1 {a1.shape}; "
                         f"got {axes.shape}")
    images = []
    for c in range(a1.shape[0]):
        maps = {"a¹": a1[c], **{name: pooled[name][c] for name in NAMES}}
        for ax, (name, values) in zip(axes[c], maps.items()):
            top = float(values.max()) or 1.0
            images.append(ax.imshow(values, cmap=CMAPS["input" if name == "a¹" else "output"], vmin=-top, vmax=top))
            h, w = values.shape
            ax.set_title(t("pooling.channel", c=c, h=h, w=w, top=top) if name == "a¹" else
                         t("pooling.channel_pooled", pooling=t(POOLING_KEYS[name]), h=h, w=w, top=top))
            ax.set_xticks([])
            ax.set_yticks([])
    return images
