"""Convolution as a matrix: the article's sparse Toeplitz matrix C and its transpose.

For one image, conv2d_forward(x, w, 0) is a linear map from C*H*W numbers to F*Ho*Wo
numbers, so it is a matrix M with  M @ x[n].ravel() == z[n].ravel().  The backward pass
to the input is  M.T @ delta[n].ravel(): the "transposed convolution" is this transpose.
"""

from __future__ import annotations

import numpy as np

from ._checks import as_float_array, check_alloc, check_bool, check_hw, check_int, nbytes
from .conv import _out

__all__ = ["conv_matrix", "conv_matrix_indices"]


def _check_geometry(w_shape, input_hw, stride, padding, fn):
    """((F, C, KH, KW), (H, W), stride, padding, (Ho, Wo)) checked, or a clear error."""
    if isinstance(w_shape, np.ndarray) and w_shape.ndim == 1:
        w_shape = tuple(w_shape.tolist())
    if not isinstance(w_shape, (tuple, list)) or len(w_shape) != 4:
        raise TypeError(f"{fn}: w_shape must be a tuple (F, C, KH, KW) of four integers, got {w_shape!r}")
    F, C, KH, KW = (check_int(v, "w_shape", fn, 1) for v in w_shape)
    H, W = check_hw(input_hw, "input_hw", fn)
    s = check_int(stride, "stride", fn, 1)
    p = check_int(padding, "padding", fn, 0)
    if KH > H + 2 * p or KW > W + 2 * p:
        raise ValueError(f"{fn}: kernel {KH}x{KW} is larger than the padded input {H + 2 * p}x{W + 2 * p}")
    return (F, C, KH, KW), (H, W), s, p, (_out(H, KH, s, p), _out(W, KW, s, p))


def conv_matrix_indices(w_shape, input_hw, stride: int = 1, padding: int = 0):
    """Where each weight lands in the convolution matrix.

    w_shape (F, C, KH, KW), input_hw (H, W). Returns (rows, cols, widx) index arrays, one
    entry per tap inside the input: M[rows[k], cols[k]] = w.ravel()[widx[k]]. Taps that
    fall on the zero padding are left out (they multiply zeros).
    """
    return _indices(w_shape, input_hw, stride, padding, "conv_matrix_indices")


def _indices(w_shape, input_hw, stride, padding, fn):
    """conv_matrix_indices, with errors named after the public function fn."""
    (F, C, KH, KW), (H, W), s, p, (Ho, Wo) = _check_geometry(w_shape, input_hw, stride, padding, fn)
    # six index grids and their masks, one entry per tap of every window
    check_alloc(fn, nbytes((F, Ho, Wo, C, KH, KW), np.intp) * 10,
                f"the index grids of a {KH}x{KW} convolution matrix for w_shape={(F, C, KH, KW)}, input {H}x{W}")
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
    fn = "conv_matrix"
    w = as_float_array(w, "w", fn, ndim=4, nonempty=True)
    sparse = check_bool(sparse, "sparse", fn)
    (F, C, KH, KW), (H, W), s, p, (Ho, Wo) = _check_geometry(w.shape, input_hw, stride, padding, fn)
    shape = (F * Ho * Wo, C * H * W)
    if not sparse:
        check_alloc(fn, nbytes(shape, w.dtype), f"the dense {shape[0]} x {shape[1]} matrix (sparse=True stores only the taps)")
    rows, cols, widx = _indices(w.shape, (H, W), s, p, fn)
    if sparse:
        try:
            from scipy import sparse as sp
        except ImportError as e:  # pragma: no cover - depends on the environment
            raise ImportError("conv_matrix(sparse=True) needs SciPy: pip install scipy") from e
        return sp.csr_matrix((w.ravel()[widx], (rows, cols)), shape=shape)
    M = np.zeros(shape, dtype=w.dtype)
    M[rows, cols] = w.ravel()[widx]
    return M
