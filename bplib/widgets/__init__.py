"""What a teacher steps through: the five animations and the three explorers (ipywidgets).

Each widget only picks a step: the numbers come from bplib.steps, the picture from the
bplib.viz drawing of that state.

    base.py        StepWidget (Play, slider, ◀ ▶, caption, error output), GuardedCallbacks
    animations.py  sliding kernel, unpool scatter, weight gradient, rot180, full convolution
    explorers.py   conv matrix (S14), receptive field (S15), flatten order (S5)
    pooling.py     the pooling window sliding over a map (S3, notebook 02)
"""

from .animations import full_conv_widget, rot180_widget, sliding_kernel_widget, unpool_widget, weight_grad_widget
from .base import StepWidget
from .explorers import (
    ConvMatrixExplorer,
    FlattenOrderExplorer,
    ReceptiveFieldExplorer,
    conv_matrix_explorer,
    flatten_order_explorer,
    receptive_field_explorer,
)

__all__ = [
    "StepWidget",
    "sliding_kernel_widget", "unpool_widget", "weight_grad_widget", "rot180_widget", "full_conv_widget",
    "conv_matrix_explorer", "receptive_field_explorer", "flatten_order_explorer",
    "ConvMatrixExplorer", "ReceptiveFieldExplorer", "FlattenOrderExplorer",
]
