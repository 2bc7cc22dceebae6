"""The animations' state sequences: step k -> window, products, partial sums, map so far.

Pure NumPy, built on the core, no drawing (bplib.viz draws a state; bplib.widgets picks k).
Each ``*_steps`` function checks its input and returns a ``Steps`` sequence: ``len(seq)``
(also ``seq.n_steps``) steps, ``seq[k]`` (or ``seq.state(k)``) a NamedTuple whose
``so_far`` is the result assembled after step k. These are the article's sums taken one
term at a time (teaching code); the tests check that the last step equals the core's
``conv2d_forward`` / ``conv2d_backward`` / unpooling.

Input maps are kept 3-D (C, H, W) even for one channel. A computed map's cell that no
step has reached yet holds NaN; an accumulator that nothing has reached yet holds 0.

    conv.py       the sliding kernel (S1-S2), the weight gradient (S12)
    unpool.py     unpooling: max, average, global average (S10-S11)
    rot180.py     the kernel turning 180 degrees (S13)
    full_conv.py  the input gradient as a full convolution, gather and scatter (S13)
    explorers.py  the conv matrix (S14), receptive fields (S15), flatten order (S5)
    base.py       Steps, the sequence every module returns
"""

from .base import Steps, fmt_number
from .conv import SlidingKernelState, WeightGradState, sliding_kernel_steps, weight_grad_steps
from .explorers import (
    LAYOUTS,
    ConvMatrixState,
    FlattenOrderState,
    ReceptiveFieldState,
    conv_matrix_steps,
    flatten_order_steps,
    follow_neuron,
    receptive_field_state,
    weight_symbols,
)
from .full_conv import FullConvState, GatherState, ScatterState, full_conv_steps
from .rot180 import Rot180State, rot180_steps
from .unpool import UnpoolState, unpool_steps

__all__ = [
    "Steps", "fmt_number",
    "SlidingKernelState", "sliding_kernel_steps", "WeightGradState", "weight_grad_steps",
    "UnpoolState", "unpool_steps",
    "Rot180State", "rot180_steps",
    "GatherState", "ScatterState", "FullConvState", "full_conv_steps",
    "ConvMatrixState", "conv_matrix_steps", "weight_symbols",
    "ReceptiveFieldState", "receptive_field_state", "follow_neuron",
    "FlattenOrderState", "flatten_order_steps", "LAYOUTS",
]
