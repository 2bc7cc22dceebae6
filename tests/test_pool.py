"""Pooling and unpooling: PyTorch, finite differences, overlaps, ties (S3, S10, S11)."""

import numpy as np
import pytest
import torch.nn.functional as TF
from hypothesis import given
from hypothesis import strategies as st
from oracle import check_op
from strategies import pool_geometry

import bplib as bp


def _distinct(rng, shape):
    """Values at least 1/size apart, so a finite-difference step never swaps a window's max."""
    n = int(np.prod(shape))
    return (rng.permutation(n) / n + 0.1).reshape(shape)


def _torch_stride(size, stride):
    return size if stride is None else stride


@given(pool_geometry(), st.integers(0, 2**31))
def test_maxpool(geom, seed):
    N, C, H, W, size, stride = geom
    rng = np.random.default_rng(seed)
    check_op(
        lambda x: bp.maxpool2d_forward(x, size, stride),
        bp.maxpool2d_backward,
        lambda x: TF.max_pool2d(x, size, _torch_stride(size, stride)),
        [_distinct(rng, (N, C, H, W))],
        rng,
    )


@given(pool_geometry(), st.integers(0, 2**31))
def test_maxpool_ties_follow_pytorch(geom, seed):
    """Many ties (values from {0, 1, 2}, as after a ReLU): only PyTorch can judge, not FD."""
    N, C, H, W, size, stride = geom
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 3, (N, C, H, W)).astype(float)
    check_op(
        lambda x: bp.maxpool2d_forward(x, size, stride),
        bp.maxpool2d_backward,
        lambda x: TF.max_pool2d(x, size, _torch_stride(size, stride)),
        [x],
        rng,
        fd=False,
    )


def test_maxpool_all_zero_window_sends_gradient_to_first_cell():
    x = np.zeros((1, 1, 2, 2))
    y, cache = bp.maxpool2d_forward(x, 2)
    np.testing.assert_array_equal(bp.maxpool2d_backward(np.full((1, 1, 1, 1), 5.0), cache)[0, 0], [[5, 0], [0, 0]])


@given(pool_geometry(), st.integers(0, 2**31))
def test_avgpool(geom, seed):
    N, C, H, W, size, stride = geom
    rng = np.random.default_rng(seed)
    check_op(
        lambda x: bp.avgpool2d_forward(x, size, stride),
        bp.avgpool2d_backward,
        lambda x: TF.avg_pool2d(x, size, _torch_stride(size, stride)),
        [rng.standard_normal((N, C, H, W))],
        rng,
    )


@given(pool_geometry(), st.integers(0, 2**31))
def test_l2pool(geom, seed):
    N, C, H, W, size, stride = geom
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((N, C, H, W))
    x += np.sign(x) * 0.1  # keep every window's norm away from 0, where sqrt has no derivative
    check_op(
        lambda x: bp.l2pool2d_forward(x, size, stride),
        bp.l2pool2d_backward,
        lambda x: TF.lp_pool2d(x, 2, size, _torch_stride(size, stride)),
        [x],
        rng,
    )


def test_l2pool_zero_window_sends_back_zero():
    y, cache = bp.l2pool2d_forward(np.zeros((1, 1, 2, 2)), 2)
    assert y[0, 0, 0, 0] == 0
    np.testing.assert_array_equal(bp.l2pool2d_backward(np.ones((1, 1, 1, 1)), cache), np.zeros((1, 1, 2, 2)))


@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 7), st.integers(1, 7), st.integers(0, 2**31))
def test_global_avgpool(N, C, H, W, seed):
    rng = np.random.default_rng(seed)
    check_op(
        bp.global_avgpool_forward,
        bp.global_avgpool_backward,
        lambda x: x.mean(dim=(2, 3)),
        [rng.standard_normal((N, C, H, W))],
        rng,
    )


def test_article_unpool_patterns(rng):
    """S10: 24x24 -> 12x12; max unpool puts delta at the argmax, avg spreads delta/4."""
    a1 = _distinct(rng, (1, 3, 24, 24))
    a2, mc = bp.maxpool2d_forward(a1, 2)
    assert a2.shape == (1, 3, 12, 12)
    delta2 = rng.standard_normal(a2.shape)
    up = bp.maxpool2d_backward(delta2, mc)
    blocks = up.reshape(1, 3, 12, 2, 12, 2)
    assert np.array_equal((blocks != 0).sum(axis=(3, 5)), np.ones((1, 3, 12, 12), int))
    np.testing.assert_allclose(blocks.sum(axis=(3, 5)), delta2)
    _, ac = bp.avgpool2d_forward(a1, 2)
    np.testing.assert_allclose(bp.avgpool2d_backward(delta2, ac), np.repeat(np.repeat(delta2 / 4, 2, 2), 2, 3))
    _, gc = bp.global_avgpool_forward(a1)
    g = bp.global_avgpool_backward(np.ones((1, 3)), gc)
    np.testing.assert_allclose(g, np.full((1, 3, 24, 24), 1 / 576))


def test_overlapping_windows_accumulate():
    """3x3 windows with stride 1 on a 4x4 map: the centre pixels belong to 4 windows."""
    x = np.ones((1, 1, 4, 4))
    _, cache = bp.avgpool2d_forward(x, 3, 1)
    dx = bp.avgpool2d_backward(np.ones((1, 1, 2, 2)), cache)
    np.testing.assert_allclose(dx[0, 0] * 9, [[1, 2, 2, 1], [2, 4, 4, 2], [2, 4, 4, 2], [1, 2, 2, 1]])


def test_pool_cache_prints_meaningfully(rng):
    _, cache = bp.maxpool2d_forward(rng.standard_normal((2, 3, 4, 4)))
    assert repr(cache) == "PoolCache(kind='max', x_shape=(2, 3, 4, 4), size=(2, 2), stride=(2, 2), arg.shape=(2, 3, 2, 2))"


def test_backward_rejects_a_cache_of_another_pool(rng):
    _, cache = bp.avgpool2d_forward(rng.standard_normal((1, 1, 4, 4)))
    with pytest.raises(TypeError, match="max-pool"):
        bp.maxpool2d_backward(np.ones((1, 1, 2, 2)), cache)
