"""Error maps as pictures: a flat error vector coloured by channel, and one 2-D error map (S9, S10).

The same numbers twice: δ³ as the 432 entries of a flattened vector, and δ² (or an unpooled
map) as a 2-D map with the error colour map centred on 0.
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Rectangle

from ..catalogue import t
from ..palette import CHANNEL_COLORS, GRADIENT_CMAP, HIGHLIGHT_COLOR, TEXT_COLOR
from ..panels import sym_limit


def draw_flat_vector(ax, flat, n_channels: int, mark=None) -> dict:
    """Draw a flat vector as vertical bars, one colour per channel block of equal length.

    flat: (D,) with D = n_channels * block; mark: a flat index to outline, or None.
    Returns the artists: {"bars": [one LineCollection per channel], "labels": [Text], "zero": Line2D, "mark": [...]}.
    """
    flat = np.asarray(flat, dtype=np.float64)
    if flat.ndim != 1 or n_channels < 1 or n_channels > len(CHANNEL_COLORS) or flat.size % n_channels:
        raise ValueError(f"draw_flat_vector: flat of shape {flat.shape} must be 1-D and split into n_channels="
                         f"{n_channels} equal blocks (1 to {len(CHANNEL_COLORS)} channels)")
    if mark is not None and not 0 <= int(mark) < flat.size:
        raise ValueError(f"draw_flat_vector: mark={mark} is outside the {flat.size} entries")
    block, top = flat.size // n_channels, 1.3 * sym_limit(flat)
    artists = {"bars": [], "labels": [], "mark": []}
    for ch in range(n_channels):
        idx = np.arange(ch * block, (ch + 1) * block)
        artists["bars"].append(ax.vlines(idx, 0, flat[idx], color=CHANNEL_COLORS[ch], lw=1.4))
        label = t("errormaps.channel", ch=ch, first=ch * block, last=(ch + 1) * block - 1)
        artists["labels"].append(ax.text(ch * block + block / 2, 0.85 * top, label,
                                         ha="center", color=CHANNEL_COLORS[ch]))
    artists["zero"] = ax.axhline(0, color=TEXT_COLOR, lw=0.8)
    if mark is not None:
        k = int(mark)
        artists["mark"] = [ax.axvline(k, color=HIGHLIGHT_COLOR, lw=1, ls="--"),
                           ax.plot([k], [flat[k]], "o", color=HIGHLIGHT_COLOR, ms=7)[0],
                           ax.text(k + 4, -0.85 * top, t("errormaps.index", k=k), va="center")]
    ax.set_xlim(-4, flat.size + 4)
    ax.set_ylim(-top, top)
    return artists


def draw_error_map(ax, emap, limit=None, title: str = "", mark=None, title_color=TEXT_COLOR) -> dict:
    """Draw one 2-D error map (grey negative, white 0, vermillion positive) with symmetric colour limits.

    emap: (H, W); limit: the colour limit (default max |emap|); mark: an (h, w) cell to outline, or None.
    Returns the artists: {"image": AxesImage, "mark": Rectangle or None}.
    """
    emap = np.asarray(emap, dtype=np.float64)
    if emap.ndim != 2:
        raise ValueError(f"draw_error_map: emap must be 2-D (H, W), got shape {emap.shape}")
    lim = sym_limit(emap) if limit is None else float(limit)
    if not lim > 0:
        raise ValueError(f"draw_error_map: limit must be > 0, got {limit!r}")
    artists = {"image": ax.imshow(emap, cmap=GRADIENT_CMAP, vmin=-lim, vmax=lim), "mark": None}
    if mark is not None:
        h, w = mark
        if not (0 <= h < emap.shape[0] and 0 <= w < emap.shape[1]):
            raise ValueError(f"draw_error_map: mark={mark} is outside the map of shape {emap.shape}")
        artists["mark"] = ax.add_patch(Rectangle((w - 0.5, h - 0.5), 1, 1, fill=False, ec=HIGHLIGHT_COLOR, lw=2.5))
    ax.set_title(title, color=title_color)
    ax.set_xticks([])
    ax.set_yticks([])
    return artists
