"""The static figures and GIFs behind figures/, from one registry: ``python -m bplib.figures``.

    registry.py  the table of every figure and animation, and the byte-stable writers
    diagrams.py  drawings that exist only as figures: the network, the backward pass, the MLP, the BP table
    maps.py      static maps: poolings, GAP vs flatten, conv matrix, receptive fields, dropout

Animations are drawn by the widgets' own bplib.viz functions from bplib.steps states.
"""

from .diagrams import BP2_GENERAL_NOTE, backward_pass_figure, bp_table_figure, mlp_figure, network_figure
from .maps import conv_matrix_figure, dropout_masks_figure, gap_vs_flatten_figure, poolings_figure, receptive_field_figure
from .registry import (
    ANIMATED,
    FIGURES,
    MAX_FRAMES,
    SEED,
    Animation,
    Figure,
    _frame,
    build,
    build_all,
    files,
    frame_steps,
    gif_of,
    main,
    png_of,
    save_figure,
)

__all__ = [
    "FIGURES", "ANIMATED", "SEED", "MAX_FRAMES", "Figure", "Animation", "build", "build_all", "files", "main",
    "frame_steps", "gif_of", "png_of", "save_figure", "_frame",
    "network_figure", "backward_pass_figure", "mlp_figure", "bp_table_figure", "BP2_GENERAL_NOTE",
    "poolings_figure", "gap_vs_flatten_figure", "conv_matrix_figure", "receptive_field_figure", "dropout_masks_figure",
]
