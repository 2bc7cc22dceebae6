"""What the three explorers show, as pure NumPy states (S5, S14, S15); no drawing.

- conv_matrix_steps: the convolution as the sparse Toeplitz matrix C; step k selects
  row k of C (output cell k in (f, i, j) order) and column k of Cᵀ (error cell k).
- receptive_field_state: the input region a neuron sees, by the closed form and by
  tracing nonzero gradients through real bplib layers.
- flatten_order_steps: flat index k of a (C, H, W) block, in NCHW and in NHWC order.

Every number comes from the core (conv_matrix, conv_matrix_indices, conv_transpose2d,
receptive_fields, trace_receptive_field, flatten); bplib.viz (matrix, receptive, flatten) draws a state and
bplib.widgets (explorers) picks it.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._checks import as_float_array, check_alloc, check_hw, check_int, check_pair, nbytes
from ..conv import _out, conv_transpose2d
from ..layers import flatten
from ..matrix import conv_matrix, conv_matrix_indices
from ..receptive import RF, _check_layers, _sizes, check_trace_alloc, receptive_fields, trace_receptive_field
from .base import Steps

__all__ = [
    "ConvMatrixState", "conv_matrix_steps", "weight_symbols",
    "ReceptiveFieldState", "receptive_field_state", "follow_neuron",
    "FlattenOrderState", "flatten_order_steps", "LAYOUTS",
]

LAYOUTS = ("NCHW", "NHWC")


# --- S14: convolution = a sparse Toeplitz matrix C; backward = Cᵀ --------------------------


def weight_symbols(n: int) -> list:
    """Names for n kernel weights in w.ravel() order: a, b, c, ... (w0, w1, ... past 26)."""
    n = check_int(n, "n", "weight_symbols", 0, maximum=10**5)  # a drawing labels at most a few hundred
    return [chr(ord("a") + t) for t in range(n)] if n <= 26 else [f"w{t}" for t in range(n)]


def conv_matrix_geometry(w, input_hw, stride, padding, fn="conv_matrix_geometry"):
    """w as (F, C, KH, KW) float, (H, W), stride, padding, checked (the kernel must fit); nothing large is built.

    w (F, C, KH, KW), (C, KH, KW) or (KH, KW); input_hw an int or a pair (H, W).
    """
    w = as_float_array(w, "w", fn, nonempty=True)
    if w.ndim in (2, 3):
        w = w.reshape((1,) * (4 - w.ndim) + w.shape)
    if w.ndim != 4:
        raise ValueError(f"{fn}: w must be (F, C, KH, KW), (C, KH, KW) or (KH, KW), got w.shape={w.shape}")
    H, W = check_pair(input_hw, "input_hw", fn, 1)
    s = check_int(stride, "stride", fn, 1)
    p = check_int(padding, "padding", fn, 0)
    KH, KW = w.shape[2:]
    if KH > H + 2 * p or KW > W + 2 * p:
        raise ValueError(f"{fn}: kernel {KH}x{KW} is larger than the padded input {H + 2 * p}x{W + 2 * p}")
    return w, (H, W), s, p


class ConvMatrixState(NamedTuple):
    """Output cell k = (f, i, j): row k of C, the input pixels it reads, the error it sends back."""

    k: int
    f: int
    i: int
    j: int
    row: np.ndarray  # (C*H*W,) row k of C = column k of Cᵀ
    window: np.ndarray  # (C, H, W) bool: the input pixels row k reads (taps on the padding left out)
    taps: tuple  # ((column of C, index into w.ravel()), ...) of row k, in (c, u, v) order
    delta: float  # the error delta[f, i, j] at this cell
    contribution: np.ndarray  # (C, H, W) = delta * row: what this error cell sends back through Cᵀ
    backflow_so_far: np.ndarray  # (C, H, W) Cᵀ delta over the error cells 0..k
    backflow: np.ndarray  # (C, H, W) Cᵀ delta, every cell: conv2d_backward's dx

    @property
    def so_far(self) -> np.ndarray:
        return self.backflow_so_far


def conv_matrix_steps(w, input_hw, stride: int = 1, padding: int = 0, delta=None) -> Steps:
    """Rows of the convolution matrix C, one output cell per step.

    w (F, C, KH, KW) (or (KH, KW), (C, KH, KW) for one kernel), input_hw (H, W), delta
    (F, Ho, Wo) the error arriving at the output (default: a fixed pattern round(cos(2.4 k), 1)).
    C = conv_matrix(w, input_hw, stride, padding) is (F*Ho*Wo, C*H*W); n_steps = F*Ho*Wo.
    The last backflow_so_far is Cᵀ delta = conv_transpose2d(delta, w) = conv2d_backward's dx.
    """
    fn = "conv_matrix_steps"
    w, (H, W), s, p = conv_matrix_geometry(w, input_hw, stride, padding, fn)
    F, C, KH, KW = w.shape
    Ho, Wo = _out(H, KH, s, p), _out(W, KW, s, p)
    # C, the running sums C^T delta over the error cells, and one row's product: all dense
    check_alloc(fn, nbytes((F * Ho * Wo, C * H * W), w.dtype) * 3,
                f"the dense convolution matrix C ({F * Ho * Wo} x {C * H * W}) and its running sums")
    M = conv_matrix(w, (H, W), s, p)
    rows, cols, widx = conv_matrix_indices(w.shape, (H, W), s, p)
    if delta is None:
        delta = np.round(np.cos(2.4 * np.arange(F * Ho * Wo)), 1).reshape(F, Ho, Wo)
    delta = as_float_array(delta, "delta", fn)
    if delta.ndim == 2:
        delta = delta[None]
    if delta.shape != (F, Ho, Wo):
        raise ValueError(
            f"{fn}: delta.shape={delta.shape} != the convolution's output {(F, Ho, Wo)} "
            f"(w.shape={w.shape}, input_hw={(H, W)}, stride {s}, padding {p})"
        )
    d = delta.ravel()
    backflow = conv_transpose2d(delta[None], w, s, p, (H, W))[0]
    so_far = np.cumsum(M * d[:, None], axis=0).reshape(-1, C, H, W)  # Cᵀ over error cells 0..k
    order = np.lexsort((cols, rows))  # taps of each row in column order = (c, h, w) order

    def make(k):
        f, i, j = (int(t) for t in np.unravel_index(k, (F, Ho, Wo)))
        mine = order[rows[order] == k]
        window = np.zeros(C * H * W, dtype=bool)
        window[cols[mine]] = True
        taps = tuple((int(c), int(n)) for c, n in zip(cols[mine], widx[mine]))
        return ConvMatrixState(k, f, i, j, M[k].copy(), window.reshape(C, H, W), taps, float(d[k]),
                               (d[k] * M[k]).reshape(C, H, W), so_far[k].copy(), backflow)

    return Steps(fn, F * Ho * Wo, make, w=w, input_hw=(H, W), stride=s, padding=p, delta=delta, matrix=M,
                 output_shape=(F, Ho, Wo), symbols=weight_symbols(w.size), widx=(rows, cols, widx))


# --- S15: receptive fields, closed form vs traced ----------------------------------------------


class ReceptiveFieldState(NamedTuple):
    """Neuron (i, j) at depth: the input region it sees, two ways. Boxes are (top, left, bottom, right), end excluded."""

    depth: int
    neuron: tuple
    layers: tuple
    sizes: tuple  # map side at each depth, input first
    closed_form: RF  # (size r, jump j, start) along one axis, from receptive_fields
    closed_box: tuple  # the closed-form region, clipped to the input
    closed_form_size: tuple  # (rows, cols) of closed_box
    field_mask: np.ndarray  # (S, S) bool: input pixels with a nonzero traced gradient
    traced_box: tuple  # bounding box of field_mask
    traced_size: tuple  # (rows, cols) of traced_box
    holes: int  # pixels inside traced_box that the neuron does not see (kernel < stride)
    cone: tuple  # cone[l] (sizes[l], sizes[l]) bool: the cells at depth l that reach the neuron

    @property
    def agree(self) -> bool:
        return self.closed_box == self.traced_box

    @property
    def so_far(self) -> np.ndarray:
        return self.field_mask


def receptive_field_state(layers, input_size: int, depth: int, neuron) -> ReceptiveFieldState:
    """The receptive field of neuron (i, j) at depth (0 = an input pixel) of a conv/pool stack.

    layers: Layer(kind, kernel, stride, padding) or tuples; input_size S (square input).
    Closed form (receptive_fields): rows i*j_d - Σ p_l*j_(l-1) .. + r - 1, clipped to the
    input. Traced (trace_receptive_field): the input pixels whose gradient is nonzero.
    """
    fn = "receptive_field_state"
    layers = tuple(_check_layers(layers, fn))
    S = check_int(input_size, "input_size", fn, 1)
    depth = check_int(depth, "depth", fn, 0)
    if depth > len(layers):
        raise ValueError(f"{fn}: depth {depth} > number of layers {len(layers)}")
    sizes = tuple(_sizes(layers, S, fn))
    i, j = check_hw(neuron, "neuron", fn, 0)
    if i >= sizes[depth] or j >= sizes[depth]:
        raise ValueError(f"{fn}: neuron {(i, j)} is outside the {sizes[depth]}x{sizes[depth]} map at depth {depth}")
    check_trace_alloc(fn, layers, sizes, times=depth + 1)  # the field, and the cone at every depth
    rf = receptive_fields(layers)[depth]
    first = int(round(rf.start - (rf.size - 1) / 2))  # where neuron 0's field begins (< 0 with padding)
    top, left = first + i * rf.jump, first + j * rf.jump
    closed = (max(top, 0), max(left, 0), min(top + rf.size, S), min(left + rf.size, S))
    mask = trace_receptive_field(layers, S, depth, (i, j))
    rr, cc = np.nonzero(mask)
    traced = (int(rr.min()), int(cc.min()), int(rr.max()) + 1, int(cc.max()) + 1)
    cone = tuple(trace_receptive_field(layers[l:], sizes[l], depth - l, (i, j)) for l in range(depth))
    one = np.zeros((sizes[depth], sizes[depth]), dtype=bool)
    one[i, j] = True
    holes = int(mask[traced[0] : traced[2], traced[1] : traced[3]].size - mask.sum())
    return ReceptiveFieldState(depth, (i, j), layers, sizes, rf, closed, (closed[2] - closed[0], closed[3] - closed[1]),
                               mask, traced, (traced[2] - traced[0], traced[3] - traced[1]), holes, cone + (one,))


def follow_neuron(layers, input_size: int, neuron, depth: int, new_depth: int) -> tuple:
    """The neuron at new_depth whose field is centred nearest to neuron's at depth (clipped to the map).

    layers as in receptive_field_state, input_size S, neuron (i, j) at depth. Returns (i, j) at new_depth.
    """
    fn = "follow_neuron"
    layers = _check_layers(layers, fn)
    rfs, sizes = receptive_fields(layers), _sizes(layers, input_size, fn)
    depth = check_int(depth, "depth", fn, 0, len(layers))
    new_depth = check_int(new_depth, "new_depth", fn, 0, len(layers))
    i, j = check_hw(neuron, "neuron", fn, 0)
    if i >= sizes[depth] or j >= sizes[depth]:
        raise ValueError(f"{fn}: neuron {(i, j)} is outside the {sizes[depth]}x{sizes[depth]} map at depth {depth}")
    old, new = rfs[depth], rfs[new_depth]
    centre = [old.start + v * old.jump for v in neuron]
    return tuple(int(np.clip(np.floor((c - new.start) / new.jump + 0.5), 0, sizes[new_depth] - 1)) for c in centre)


# --- S5: flatten order, NCHW vs NHWC -----------------------------------------------------------


class FlattenOrderState(NamedTuple):
    """Flat index k: the (c, h, w) it means in NCHW order, and what it holds when the block is NHWC."""

    flat_index: int
    chw: tuple  # (c, h, w) = unravel(k, (C, H, W)): what the classifier's column k was trained on
    nhwc_chw: tuple  # (c, h, w) that position k holds when the memory order is (H, W, C)

    @property
    def so_far(self) -> tuple:
        return self.chw


def flatten_order_steps(C: int, H: int, W: int) -> Steps:
    """One flat index per step, k = c*H*W + h*W + w (flatten's order), n_steps = C*H*W.

    steps.index[layout] (C, H, W) is the flat index each cell lands on in that layout:
    NCHW c*H*W + h*W + w (bplib.flatten), NHWC h*W*C + w*C + c (channels last);
    steps.holds[layout] (C*H*W, 3) is the (c, h, w) each flat position holds.
    """
    fn = "flatten_order_steps"
    C, H, W = (check_int(v, name, fn, 1) for v, name in ((C, "C"), (H, "H"), (W, "W")))
    check_alloc(fn, nbytes((C, H, W)) * 12, f"the flat indices of a {C}x{H}x{W} block")
    cells = np.arange(C * H * W, dtype=float).reshape(1, C, H, W)
    nchw = flatten(cells)[0].astype(int)  # the cell id c*H*W + h*W + w at each flat position
    nhwc = cells[0].transpose(1, 2, 0).ravel().astype(int)  # the same block stored channels last
    holds = {name: np.column_stack(np.unravel_index(ids, (C, H, W))) for name, ids in (("NCHW", nchw), ("NHWC", nhwc))}
    index = {}
    for name, ids in (("NCHW", nchw), ("NHWC", nhwc)):
        where = np.empty(C * H * W, dtype=int)
        where[ids] = np.arange(C * H * W)
        index[name] = where.reshape(C, H, W)

    def make(k):
        return FlattenOrderState(k, tuple(int(t) for t in holds["NCHW"][k]), tuple(int(t) for t in holds["NHWC"][k]))

    return Steps(fn, C * H * W, make, shape=(C, H, W), index=index, holds=holds)
