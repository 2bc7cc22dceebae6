"""conv2d forward/backward: PyTorch, finite differences, loops, transposed conv, full conv."""

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import given
from hypothesis import strategies as st
from oracle import check_op
from strategies import conv_geometry

import bplib as bp


def _arrays(geom, seed):
    N, C, H, W, F, KH, KW, s, p = geom
    rng = np.random.default_rng(seed)
    return rng, rng.standard_normal((N, C, H, W)), rng.standard_normal((F, C, KH, KW)), rng.standard_normal(F)


@given(conv_geometry(), st.integers(0, 2**31))
def test_conv2d_against_torch_and_finite_differences(geom, seed):
    s, p = geom[-2:]
    rng, x, w, b = _arrays(geom, seed)
    check_op(
        lambda x, w, b: bp.conv2d_forward(x, w, b, stride=s, padding=p),
        bp.conv2d_backward,
        lambda x, w, b: TF.conv2d(x, w, b, stride=s, padding=p),
        [x, w, b],
        rng,
    )


@given(conv_geometry(max_hw=6), st.integers(0, 2**31))
def test_loop_twins_equal_fast_path(geom, seed):
    s, p = geom[-2:]
    rng, x, w, b = _arrays(geom, seed)
    z, cache = bp.conv2d_forward(x, w, b, stride=s, padding=p)
    assert bp.rel_error(bp.conv2d_forward_loops(x, w, b, stride=s, padding=p), z) < 1e-14
    dz = rng.standard_normal(z.shape)
    for fast, loop in zip(bp.conv2d_backward(dz, cache), bp.conv2d_backward_loops(dz, x, w, stride=s, padding=p)):
        assert fast.shape == loop.shape
        assert bp.rel_error(fast, loop) < 1e-14


@given(conv_geometry(), st.integers(0, 2**31))
def test_transposed_conv_equals_input_gradient_and_full_conv(geom, seed):
    """The article's BP2, generalised: dx = conv_transpose2d(d) = crop(conv_full(dilate(d), rot180(w)))."""
    N, C, H, W, F, KH, KW, s, p = geom
    rng, x, w, b = _arrays(geom, seed)
    z, cache = bp.conv2d_forward(x, w, b, stride=s, padding=p)
    d = rng.standard_normal(z.shape)
    dx = bp.conv2d_backward(d, cache)[0]
    assert bp.rel_error(bp.conv_transpose2d(d, w, stride=s, padding=p, output_hw=(H, W)), dx) < 1e-13
    assert bp.rel_error(bp.bp2_full_conv(d, w, stride=s, padding=p, output_hw=(H, W)), dx) < 1e-13
    # and PyTorch's own transposed convolution, with output_padding for the size ambiguity
    Ho, Wo = z.shape[2:]
    op = (H + 2 * p - KH - s * (Ho - 1), W + 2 * p - KW - s * (Wo - 1))
    if op[0] < s and op[1] < s:  # torch requires output_padding < stride
        ref = TF.conv_transpose2d(torch.tensor(d), torch.tensor(w), stride=s, padding=p, output_padding=op)
        assert bp.rel_error(bp.conv_transpose2d(d, w, stride=s, padding=p, output_hw=(H, W)), ref.numpy()) < 1e-13


def test_article_bp2_stride1_no_padding_is_full_conv_with_rot180(rng):
    """Stride 1, no padding: exactly the article's formula, no dilation or cropping needed."""
    x = rng.standard_normal((2, 3, 8, 7))
    w = rng.standard_normal((4, 3, 3, 2))
    z, cache = bp.conv2d_forward(x, w, np.zeros(4))
    d = rng.standard_normal(z.shape)
    assert bp.rel_error(bp.conv_full(d, bp.rot180(w)), bp.conv2d_backward(d, cache)[0]) < 1e-14


def test_conv_transpose_default_size_and_bad_output_hw(rng):
    d = rng.standard_normal((1, 2, 3, 3))
    w = rng.standard_normal((2, 1, 3, 3))
    assert bp.conv_transpose2d(d, w, stride=2).shape == (1, 1, 7, 7)  # (3-1)*2 + 3
    assert bp.conv_transpose2d(d, w, stride=2, output_hw=(8, 8)).shape == (1, 1, 8, 8)
    with pytest.raises(ValueError, match="output_hw"):
        bp.conv_transpose2d(d, w, stride=2, output_hw=(9, 9))


def test_rot180_moves_index_u_v_to_opposite_corner():
    w = np.arange(2 * 3 * 4, dtype=float).reshape(1, 2, 3, 4)
    r = bp.rot180(w)
    for u in range(3):
        for v in range(4):
            assert r[0, 1, 2 - u, 3 - v] == w[0, 1, u, v]
    assert np.array_equal(bp.rot180(r), w)


def test_dilate_inserts_stride_minus_one_zeros():
    d = np.array([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(bp.dilate(d, 3), [[1, 0, 0, 2], [0, 0, 0, 0], [0, 0, 0, 0], [3, 0, 0, 4]])
    np.testing.assert_array_equal(bp.dilate(d, 1), d)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_conv_computes_in_input_dtype(dtype, rng):
    x = rng.standard_normal((2, 1, 10, 10)).astype(dtype)
    w = rng.standard_normal((3, 1, 5, 5))  # float64 weights are cast to the input dtype
    b = rng.standard_normal(3)
    z, cache = bp.conv2d_forward(x, w, b)
    assert z.dtype == dtype
    assert all(g.dtype == dtype for g in bp.conv2d_backward(z, cache))


def test_float32_close_to_float64(rng):
    x = rng.standard_normal((4, 2, 12, 12))
    w = rng.standard_normal((3, 2, 3, 3))
    b = rng.standard_normal(3)
    z64, c64 = bp.conv2d_forward(x, w, b, stride=2, padding=1)
    z32, c32 = bp.conv2d_forward(x.astype(np.float32), w, b, stride=2, padding=1)
    assert bp.rel_error(z32, z64) < 1e-6
    for g32, g64 in zip(bp.conv2d_backward(z32, c32), bp.conv2d_backward(z64, c64)):
        assert bp.rel_error(g32, g64) < 1e-6


def test_article_sizes(rng):
    """1x28x28 input, 3 kernels 5x5, stride 1 -> 3x24x24 (the article's S9 network)."""
    x = rng.random((5, 1, 28, 28))
    z, _ = bp.conv2d_forward(x, rng.standard_normal((3, 1, 5, 5)), np.zeros(3))
    assert z.shape == (5, 3, 24, 24)
    assert bp.conv_output_size(28, 5) == 24
    assert bp.conv_output_size(32, 3, stride=1, padding=1) == 32
    assert bp.conv_output_size(7, 3, stride=2, padding=1) == 4


def test_cache_prints_shapes(rng):
    _, cache = bp.conv2d_forward(rng.standard_normal((2, 1, 6, 6)), rng.standard_normal((3, 1, 5, 5)), np.zeros(3))
    assert repr(cache) == "ConvCache(x_shape=(2, 1, 6, 6), xp.shape=(2, 1, 6, 6), w.shape=(3, 1, 5, 5), stride=1, padding=0)"


def test_backward_can_skip_the_input_gradient(rng):
    x, w = rng.standard_normal((2, 1, 9, 9)), rng.standard_normal((3, 1, 5, 5))
    z, cache = bp.conv2d_forward(x, w, np.zeros(3))
    dz = rng.standard_normal(z.shape)
    dx_none, dw, db = bp.conv2d_backward(dz, cache, need_dx=False)
    assert dx_none is None
    _, dw_full, db_full = bp.conv2d_backward(dz, cache)
    np.testing.assert_array_equal(dw, dw_full)
    np.testing.assert_array_equal(db, db_full)
