"""The course's palette and type sizes (Okabe-Ito, colour-blind safe; large type for a projector).

Each role has its own colour, and every value map uses a two-sided colour map centred on 0
(grey below, white at 0, the role's colour above) with symmetric limits, so a sign reads the
same in every panel. Gradients and errors use the ERROR colour.
"""

from __future__ import annotations

from matplotlib.colors import LinearSegmentedColormap

# --- the palette (Okabe & Ito, "Color Universal Design") ----------------------------------
INPUT_COLOR = "#0072B2"  # blue: the layer's input x, a0, a1
KERNEL_COLOR = "#E69F00"  # orange: weights, kernels
OUTPUT_COLOR = "#009E73"  # bluish green: z, products that sum into it
ERROR_COLOR = "#D55E00"  # vermillion: delta, every gradient
HIGHLIGHT_COLOR = "#000000"  # black: the current window or cell
ACCENT_COLOR = "#CC79A7"  # reddish purple: the winner of a max window, overlaps
NEGATIVE_COLOR = "#4D4D4D"  # dark grey: the negative end of every value map
TEXT_COLOR = "#000000"
EMPTY_COLOR = "#B0B0B0"  # hatching on cells that no step has reached yet
ROLE_COLORS = {"input": INPUT_COLOR, "kernel": KERNEL_COLOR, "output": OUTPUT_COLOR, "error": ERROR_COLOR}


def role_cmap(role: str) -> LinearSegmentedColormap:
    """Grey (negative) -> white (0) -> the role's colour (positive); NaN transparent. 257 levels: 0 is exactly white.

    role: one of ROLE_COLORS ("input", "kernel", "output", "error"); returns the colour map.
    """
    if not isinstance(role, str):
        raise TypeError(f"role_cmap: role must be a str, one of {sorted(ROLE_COLORS)}, got {type(role).__name__}")
    if role not in ROLE_COLORS:
        raise ValueError(f"role_cmap: role must be one of {sorted(ROLE_COLORS)}, got {role!r}")
    cmap = LinearSegmentedColormap.from_list(f"bplib_{role}", [NEGATIVE_COLOR, "#FFFFFF", ROLE_COLORS[role]], N=257)
    return cmap.with_extremes(bad=(0, 0, 0, 0))


CMAPS = {role: role_cmap(role) for role in ROLE_COLORS}
GRADIENT_CMAP = CMAPS["error"]  # diverging, centred on 0 with symmetric limits

# --- type and size (a projector at the back of a classroom) -------------------------------
DPI = 100
HEADER_SIZE = 20  # the equation line at the top of a figure, in points
TITLE_SIZE = 16  # panel titles
NUMBER_SIZE = 17  # the largest number in a cell
MIN_NUMBER_SIZE = 11  # smaller than this and a map shows colours only, with a numbered zoom
ZOOM_SIDE = 5  # a zoom inset shows at most this many rows and columns

# --- what fits on a slide: larger inputs get a ValueError, not a frozen kernel ------------
MAX_SIDE = 40  # rows or columns of any map drawn (a 28x28 input padded by up to 6)
MAX_KERNEL = 7
MAX_CHANNELS = 4
CHANNEL_COLORS = [INPUT_COLOR, KERNEL_COLOR, OUTPUT_COLOR, ACCENT_COLOR]  # one per channel, up to MAX_CHANNELS
