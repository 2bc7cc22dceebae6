"""Convolution as a matrix: M x == conv(x), M^T d == input gradient (S14)."""

import numpy as np
import scipy.sparse as sp
from hypothesis import given
from hypothesis import strategies as st
from strategies import conv_geometry

import bplib as bp


@given(conv_geometry(max_hw=7), st.integers(0, 2**31), st.booleans())
def test_matrix_is_the_convolution_and_its_transpose_the_backward(geom, seed, sparse):
    N, C, H, W, F, KH, KW, s, p = geom
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((N, C, H, W))
    w = rng.standard_normal((F, C, KH, KW))
    M = bp.conv_matrix(w, (H, W), stride=s, padding=p, sparse=sparse)
    z, cache = bp.conv2d_forward(x, w, None, stride=s, padding=p)
    assert M.shape == (z[0].size, x[0].size)
    d = rng.standard_normal(z.shape)
    dx = bp.conv2d_backward(d, cache)[0]
    for n in range(N):
        assert bp.rel_error(M @ x[n].ravel(), z[n].ravel()) < 1e-14
        assert bp.rel_error(M.T @ d[n].ravel(), dx[n].ravel()) < 1e-14
    if sparse:
        assert sp.issparse(M)


def test_matrix_is_sparse_toeplitz(rng):
    """Every row holds the same KH*KW weights, shifted: a banded (Toeplitz-like) pattern."""
    w = rng.standard_normal((1, 1, 3, 3))
    M = bp.conv_matrix(w, (5, 5))
    assert M.shape == (9, 25)
    assert np.count_nonzero(M) == 9 * 9
    np.testing.assert_array_equal(M[0].reshape(5, 5)[:3, :3], w[0, 0])
    np.testing.assert_array_equal(M[4].reshape(5, 5)[1:4, 1:4], w[0, 0])  # output (1,1) sees rows 1..3
