"""Drawing a state: the palette, the primitives, and one module per drawing family.

Every drawing is ``draw_<name>(ax_or_fig, state, steps)``: it returns a ``Drawing`` whose
artists were drawn once and whose ``update(state)`` changes them in place; a widget
(bplib.widgets) and a static figure (bplib.figures) call the same function with the same
state, so they cannot disagree. Imports matplotlib, never ipywidgets.

    palette.py    colours (one per role), colour maps, type sizes, what fits on a slide
    panels.py     MapPanel, ZoomPanel, LabelPanel, Drawing, new_figure, grid, png_bytes
    checks.py     the argument checks every public drawing runs before touching a figure
    text.py       fast text as paths (PathText, NumberGrid)
    conv.py       the sliding kernel (S1-S2), the weight gradient (S12)
    unpool.py     unpooling (S10-S11)
    rot180.py     rot180 (S13)
    full_conv.py  BP2 as a full convolution, gather and scatter (S13)
    matrix.py     the convolution matrix C and Cᵀ (S14)
    receptive.py  receptive fields (S15)
    flatten.py    the flatten order (S5)
    catalogue.py  every word drawn, in English and Chinese (t(key)); fonts/ the bundled CJK subset

plots/ holds the notebooks' static plots (each ``draw_*(ax, ...)`` returning its artists), one
module per topic, from the legend of notebook 00 to the dropout masks of notebook 12.

The palette and primitives are importable from here (``from bplib.viz import CMAPS``);
the drawing functions too (``bplib.viz.draw_unpool``), imported on first use.
"""

from .palette import (
    ACCENT_COLOR,
    CHANNEL_COLORS,
    CMAPS,
    DPI,
    EMPTY_COLOR,
    ERROR_COLOR,
    GRADIENT_CMAP,
    HEADER_SIZE,
    HIGHLIGHT_COLOR,
    INPUT_COLOR,
    KERNEL_COLOR,
    MAX_CHANNELS,
    MAX_KERNEL,
    MAX_SIDE,
    MIN_NUMBER_SIZE,
    NEGATIVE_COLOR,
    NUMBER_SIZE,
    OUTPUT_COLOR,
    ROLE_COLORS,
    TEXT_COLOR,
    TITLE_SIZE,
    ZOOM_SIDE,
    role_cmap,
)
from .panels import (
    Drawing,
    LabelPanel,
    MapPanel,
    ZoomPanel,
    axes_points,
    check_drawable,
    grid,
    new_figure,
    operator_text,
    png_bytes,
    sym_limit,
    text_colors,
    text_panel,
)

__all__ = [
    "ACCENT_COLOR", "CHANNEL_COLORS", "CMAPS", "DPI", "EMPTY_COLOR", "ERROR_COLOR", "GRADIENT_CMAP", "HEADER_SIZE",
    "HIGHLIGHT_COLOR", "INPUT_COLOR", "KERNEL_COLOR", "MAX_CHANNELS", "MAX_KERNEL", "MAX_SIDE", "MIN_NUMBER_SIZE",
    "NEGATIVE_COLOR", "NUMBER_SIZE", "OUTPUT_COLOR", "ROLE_COLORS", "TEXT_COLOR", "TITLE_SIZE", "ZOOM_SIDE",
    "role_cmap",
    "Drawing", "LabelPanel", "MapPanel", "ZoomPanel", "axes_points", "check_drawable", "grid", "new_figure",
    "operator_text", "png_bytes", "sym_limit", "text_colors", "text_panel",
    "draw_sliding_kernel", "draw_weight_grad", "draw_unpool", "draw_rot180", "draw_full_conv",
    "draw_conv_matrix", "draw_receptive_field", "draw_flatten_order",
]

_DRAWERS = {
    "draw_sliding_kernel": "conv", "draw_weight_grad": "conv", "draw_unpool": "unpool",
    "draw_full_conv": "full_conv", "draw_rot180": "rot180", "draw_conv_matrix": "matrix",
    "draw_receptive_field": "receptive", "draw_flatten_order": "flatten",
}


def __getattr__(name):  # bplib.viz.draw_<name>, imported on first use
    if name in _DRAWERS:
        import importlib

        return getattr(importlib.import_module(f"bplib.viz.{_DRAWERS[name]}"), name)
    raise AttributeError(f"module 'bplib.viz' has no attribute {name!r}")
