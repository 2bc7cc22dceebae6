"""Convolution as a matrix: the article's sparse Toeplitz matrix C and its transpose.

For one image, conv2d_forward(x, w, 0) is a linear map from C*H*W numbers to F*Ho*Wo
numbers, so it is a matrix M with  M @ x[n].ravel() == z[n].ravel().  The backward pass
to the input is  M.T @ delta[n].ravel(): the "transposed convolution" is this transpose.
"""

from __future__ import annotations

import numpy as np

from ._checks import as_float_array, check_int
from .conv import conv_output_size

__all__ = ["conv_matrix", "conv_matrix_indices"]


def conv_matrix_indices(w_shape, input_hw, stride: int = 1, padding: int = 0):
    """Where each weight lands in the convolution matrix.

    Returns (rows, cols, widx) index arrays: M[rows[k], cols[k]] = w.ravel()[widx[k]].
    Taps that fall on the zero padding are left out (they multiply zeros).
    """
    fn = "conv_matrix"
    F, C, KH, KW = (int(v) for v in w_shape)
    H, W = (check_int(v, "input_hw", fn, 1) for v in input_hw)
    s = check_int(stride, "stride", fn, 1)
    p = check_int(padding, "padding", fn, 0)
    if KH > H + 2 * p or KW > W + 2 * p:
        raise ValueError(f"{fn}: kernel {KH}x{KW} is larger than the padded input {H + 2 * p}x{W + 2 * p}")
    Ho, Wo = conv_output_size(H, KH, s, p), conv_output_size(W, KW, s, p)
    f, i, j, c, u, v = np.meshgrid(
        np.arange(F), np.arange(Ho), np.arange(Wo), np.arange(C), np.arange(KH), np.arange(KW),
        indexing="ij",
    )
    r, q = i * s + u - p, j * s + v - p  # input pixel under tap (u, v) of window (i, j)
    inside = (r >= 0) & (r < H) & (q >= 0) & (q < W)
    rows = ((f * Ho + i) * Wo + j)[inside]
    cols = ((c * H + r) * W + q)[inside]
    widx = (((f * C + c) * KH + u) * KW + v)[inside]
    return rows, cols, widx


def conv_matrix(w, input_hw, stride: int = 1, padding: int = 0, sparse: bool = False):
    """The matrix M (F*Ho*Wo, C*H*W) of a convolution with kernels w (F, C, KH, KW).

    Rows are output cells in (f, i, j) order, columns input pixels in (c, h, w) order, so
    M @ x[n].ravel() == conv2d_forward(x, w, 0)[0][n].ravel() and M.T @ d[n].ravel() is
    the input gradient. Dense ndarray by default; sparse=True gives a scipy.sparse CSR
    matrix (needs SciPy).
    """
    w = as_float_array(w, "w", "conv_matrix", ndim=4)
    H, W = input_hw
    rows, cols, widx = conv_matrix_indices(w.shape, (H, W), stride, padding)
    F, C, KH, KW = w.shape
    shape = (F * conv_output_size(H, KH, stride, padding) * conv_output_size(W, KW, stride, padding), C * H * W)
    if sparse:
        try:
            from scipy import sparse as sp
        except ImportError as e:  # pragma: no cover - depends on the environment
            raise ImportError("conv_matrix(sparse=True) needs SciPy: pip install scipy") from e
        return sp.csr_matrix((w.ravel()[widx], (rows, cols)), shape=shape)
    M = np.zeros(shape, dtype=w.dtype)
    M[rows, cols] = w.ravel()[widx]
    return M
