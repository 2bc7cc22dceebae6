"""Exercises of notebook 10: the convolution matrix C and its transpose (S14)."""

from __future__ import annotations

import numpy as np

from ..conv import conv_output_size
from ..matrix import conv_matrix
from . import exercise
from ._compare import int_tuple


def _shape_inputs():
    return {"w_shape": (4, 2, 3, 3), "input_hw": (6, 6), "stride": 1, "padding": 0}


def _nnz_inputs():
    return {"w_shape": (4, 2, 3, 3), "input_hw": (6, 6), "stride": 1, "padding": 1}


def _row_inputs():
    return {"input_hw": (5, 5), "kernel_size": 3, "stride": 2, "padding": 1, "row": 2}


def _matrix(w_shape, input_hw, stride, padding):
    """C for kernels with no zero weight (1, 2, 3, ...), so every tap is a nonzero entry."""
    w = np.arange(1.0, np.prod(w_shape) + 1).reshape(w_shape)
    return conv_matrix(w, input_hw, stride, padding)


@exercise("10.shape_C", inputs=_shape_inputs)
def shape_C(answer, w_shape, input_hw, stride, padding):
    """The shape of the convolution matrix, read off the matrix bplib builds."""
    expected = _matrix(w_shape, input_hw, stride, padding).shape
    got = int_tuple(answer)
    if got is None or len(got) != 2:
        return False, f"answer with a tuple of two whole numbers (rows, columns), got {answer!r}"
    if got == expected:
        return True, f"C is {expected[0]} x {expected[1]}: one row per output number, one column per input number"
    if got == expected[::-1]:
        return False, "that is the shape of C^T: C multiplies the flattened input, so its columns follow the input"
    F, C, KH, _ = w_shape
    H, W = input_hw
    if got[1] == H * W:
        return False, "the rows are right or close, but every input channel has its own H*W columns"
    if got[0] == conv_output_size(H, KH, stride, padding) * conv_output_size(W, KH, stride, padding):
        return False, "each of the F kernels makes its own output map: F*Ho*Wo rows"
    return False, "rows: F*Ho*Wo output numbers, with Ho = H - KH + 1 here; columns: C*H*W input numbers"


@exercise("10.nnz", inputs=_nnz_inputs)
def nnz(answer, w_shape, input_hw, stride, padding):
    """Nonzero entries of C, counted on the matrix itself."""
    M = _matrix(w_shape, input_hw, stride, padding)
    expected = int(np.count_nonzero(M))
    try:
        got = int(answer)
        if got != float(answer):
            raise ValueError
    except (TypeError, ValueError):
        return False, f"answer with one whole number, got {answer!r}"
    if got == expected:
        return True, f"{expected} of the {M.size} entries are nonzero ({expected / M.size:.1%})"
    F, C, KH, KW = w_shape
    all_taps = M.shape[0] * C * KH * KW
    if got == all_taps:
        return False, ("that counts every tap of every window; taps that land on the zero padding multiply zeros "
                       "and get no entry in C")
    if got == M.size:
        return False, "that is every entry of C; most of them are zero (each output sees only its window)"
    if got * F == expected or got * C == expected:
        return False, "close: count over all F kernels and all C input channels"
    return False, "count along one axis first: how many of the kernel's taps fall inside the input for each window position?"


@exercise("10.row_pixels", inputs=_row_inputs)
def row_pixels(answer, input_hw, kernel_size, stride, padding, row):
    """The input pixels that row `row` of C touches: the nonzero columns of that row."""
    H, W = input_hw
    M = _matrix((1, 1, kernel_size, kernel_size), input_hw, stride, padding)
    expected_mask = M[row].reshape(H, W) != 0
    expected = set(zip(*np.nonzero(expected_mask)))
    expected = {(int(h), int(w)) for h, w in expected}
    a = np.asarray(answer)
    if a.dtype == bool:
        if a.shape != (H, W):
            return False, f"a boolean mask should have the input's shape {(H, W)}, got {a.shape}"
        got = {(int(h), int(w)) for h, w in zip(*np.nonzero(a))}
    else:
        try:
            got = {(int(h), int(w)) for h, w in answer}
        except (TypeError, ValueError):
            return False, f"answer with a list of (h, w) pairs or an {H}x{W} boolean mask, got {answer!r}"
    if got == expected:
        return True, f"row {row} touches {len(expected)} pixels: {sorted(expected)}"
    if any(not (0 <= h < H and 0 <= w < W) for h, w in got):
        return False, f"some of those pixels lie outside the {H}x{W} input: taps on the zero padding have no column in C"
    Wo = conv_output_size(W, kernel_size, stride, padding)
    i, j = divmod(row, Wo)
    k = kernel_size

    def window(top, left):
        return {(h, w) for h in range(top, top + k) for w in range(left, left + k) if 0 <= h < H and 0 <= w < W}

    if got == window(i * stride, j * stride):
        return False, f"row {row} is output ({i}, {j}); with padding {padding} its window starts {padding} pixel(s) up and left"
    Wo1 = conv_output_size(W, kernel_size, 1, padding)
    i1, j1 = divmod(row, Wo1)
    if got == window(i1 - padding, j1 - padding):
        return False, (f"with stride {stride}, row {row} is output ({i}, {j}), whose window starts at {stride} times that, "
                       "minus the padding")
    return False, (f"row {row} is output cell (i, j) = divmod({row}, Wo); its taps read pixels "
                   "(i*stride + u - padding, j*stride + v - padding), keeping those inside the input")
