"""The animations' state sequences, step by step, against the core (S1-S2, S10-S13).

The last step of each sequence must be the core's answer; every step in between must be
the article's sum taken so far.
"""

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import conv_geometry, pool_geometry

import bplib as bp
from bplib.steps import full_conv_steps, rot180_steps, sliding_kernel_steps, unpool_steps, weight_grad_steps


def _conv_arrays(geom, seed):
    N, C, H, W, F, KH, KW, s, p = geom
    rng = np.random.default_rng(seed)
    return rng, rng.standard_normal((C, H, W)), rng.standard_normal((F, C, KH, KW)), rng.standard_normal(F)


@given(conv_geometry(), st.integers(0, 2**31))
def test_sliding_kernel_ends_on_conv2d_forward(geom, seed):
    *_, s, p = geom
    rng, x, w, b = _conv_arrays(geom, seed)
    seq = sliding_kernel_steps(x, w[0], b[0], stride=s, padding=p)
    z = bp.conv2d_forward(x[None], w[:1], b[:1], stride=s, padding=p)[0][0, 0]
    assert len(seq) == z.size
    np.testing.assert_allclose(seq[-1].so_far, z, rtol=1e-12, atol=1e-12)
    k = int(rng.integers(len(seq)))
    state = seq[k]
    i, j = divmod(k, z.shape[1])
    assert (state.i, state.j) == (i, j)
    xp = np.pad(x, ((0, 0), (p, p), (p, p)))
    np.testing.assert_array_equal(state.window, xp[:, i * s : i * s + w.shape[2], j * s : j * s + w.shape[3]])
    np.testing.assert_allclose(state.products, state.window * w[0])
    np.testing.assert_allclose(state.channel_sums, state.products.sum(axis=(1, 2)))
    assert state.value == pytest.approx(z[i, j], abs=1e-12)
    filled = ~np.isnan(state.map_so_far)
    assert filled.ravel().tolist() == [n <= k for n in range(z.size)]
    np.testing.assert_allclose(state.map_so_far[filled], z[filled], atol=1e-12)


def test_sliding_kernel_multichannel_partial_sums(rng):
    """S2: a 3x3x3 kernel on a 3-channel input: one 2-D partial sum per channel, plus one bias."""
    x, w = rng.standard_normal((3, 5, 5)), rng.standard_normal((3, 3, 3))
    state = sliding_kernel_steps(x, w, 0.5)[4]  # output cell (1, 1)
    assert state.channel_sums.shape == (3,)
    for c in range(3):
        assert state.channel_sums[c] == pytest.approx(np.sum(x[c, 1:4, 1:4] * w[c]))
    assert state.value == pytest.approx(state.channel_sums.sum() + 0.5)


@given(conv_geometry(), st.integers(0, 2**31))
def test_weight_grad_ends_on_conv2d_backward(geom, seed):
    *_, s, p = geom
    rng, x, w, b = _conv_arrays(geom, seed)
    z, cache = bp.conv2d_forward(x[None], w, b, stride=s, padding=p)
    delta = rng.standard_normal(z.shape)
    _, dw, db = bp.conv2d_backward(delta, cache)
    seq = weight_grad_steps(x, delta[0], w.shape[2:], stride=s, padding=p)
    assert len(seq) == dw.size
    np.testing.assert_allclose(seq[-1].so_far, dw, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(seq[-1].db, db, rtol=1e-12, atol=1e-12)
    state = seq[int(rng.integers(len(seq)))]
    assert state.value == pytest.approx(dw[state.f, state.c, state.u, state.v], abs=1e-12)
    # the pen fixed at (u, v): its track is every s-th pixel of the padded input from (u, v), under delta's cells
    Ho, Wo = delta.shape[2:]
    xp = np.pad(x, ((0, 0), (p, p), (p, p)))
    track = xp[state.c, state.u : state.u + s * Ho : s, state.v : state.v + s * Wo : s]
    np.testing.assert_array_equal(state.footprint, track)
    assert state.stride == s
    assert state.value == pytest.approx(state.products.sum())
    assert np.isnan(state.dw_so_far).sum() == dw.size - state.k - 1


@given(conv_geometry(), st.integers(0, 2**31))
def test_full_conv_both_views_end_on_the_input_gradient(geom, seed):
    N, C, H, W, F, KH, KW, s, p = geom
    rng, x, w, b = _conv_arrays(geom, seed)
    z, cache = bp.conv2d_forward(x[None], w, b, stride=s, padding=p)
    delta = rng.standard_normal(z.shape)
    dx = bp.conv2d_backward(delta, cache)[0][0]
    seq = full_conv_steps(delta[0], w, stride=s, padding=p, input_hw=(H, W))
    assert len(seq) == max(dx.size, delta.size)
    last = seq[-1]
    np.testing.assert_allclose(last.so_far, dx, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(last.scatter.dx_so_far, dx, rtol=1e-12, atol=1e-12)
    g = seq[int(rng.integers(len(seq)))].gather
    assert g.value == pytest.approx(dx[g.c, g.r, g.q], abs=1e-12)
    np.testing.assert_allclose(g.per_map, g.products.sum(axis=(1, 2)))
    np.testing.assert_array_equal(g.flipped, bp.rot180(w)[:, g.c])


def test_full_conv_views_advance_together_and_scatter_adds_copies_of_w(rng):
    delta, w = rng.standard_normal((2, 3, 3)), rng.standard_normal((2, 1, 3, 3))
    seq = full_conv_steps(delta, w)  # dx 5x5 = 25 gather steps, 18 scatter steps
    assert len(seq) == 25
    g_steps = [seq[k].gather.k for k in range(25)]
    s_steps = [seq[k].scatter.k for k in range(25)]
    assert g_steps == list(range(25))
    assert s_steps[0] == 0 and s_steps[-1] == 17 and all(0 <= b - a <= 1 for a, b in zip(s_steps, s_steps[1:]))
    first = seq[0].scatter
    expected = np.zeros((1, 5, 5))
    expected[:, :3, :3] = delta[0, 0, 0] * w[0]
    np.testing.assert_allclose(first.dx_so_far, expected)
    np.testing.assert_allclose(first.contribution, delta[0, 0, 0] * w[0])


def test_full_conv_article_case_is_conv_full_with_rot180(rng):
    """Stride 1, no padding: the padded map is delta with a K-1 border of zeros (S13)."""
    delta, w = rng.standard_normal((4, 4)), rng.standard_normal((3, 3))
    seq = full_conv_steps(delta, w)
    assert seq.padded.shape == (1, 8, 8)
    np.testing.assert_array_equal(seq.padded[0, 2:6, 2:6], delta)
    assert np.count_nonzero(seq.padded) == np.count_nonzero(delta)
    np.testing.assert_allclose(seq[-1].so_far, bp.conv_full(delta[None, None], bp.rot180(w[None, None]))[0])


def _pool(mode, x, size, stride, rng):
    if mode == "gap":
        y, cache = bp.global_avgpool_forward(x[None])
        dy = rng.standard_normal(y.shape)
        return dy[0], bp.global_avgpool_backward(dy, cache)[0]
    fwd, bwd = {"max": (bp.maxpool2d_forward, bp.maxpool2d_backward), "avg": (bp.avgpool2d_forward, bp.avgpool2d_backward)}[mode]
    y, cache = fwd(x[None], size, stride)
    dy = rng.standard_normal(y.shape)
    return dy[0], bwd(dy, cache)[0]


@given(pool_geometry(), st.sampled_from(["max", "avg", "gap"]), st.booleans(), st.integers(0, 2**31))
def test_unpool_ends_on_the_core_backward(geom, mode, with_ties, seed):
    N, C, H, W, size, stride = geom
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((C, H, W))
    if with_ties:  # after a ReLU many windows are all zeros: max pooling's ties (article note 5)
        x = np.maximum(x, 0)
    dy, dx = _pool(mode, x, size, stride, rng)
    seq = unpool_steps(x, dy, mode, size, stride)
    np.testing.assert_allclose(seq[-1].so_far, dx, rtol=1e-12, atol=1e-12)
    state = seq[int(rng.integers(len(seq)))]
    assert state.share.sum() == pytest.approx(state.delta)
    if mode == "max":
        u, v = state.winner
        assert state.window[u, v] == state.window.max()
        assert state.ties[0] == (u, v)  # the first maximum in row-major window order wins
        assert np.count_nonzero(state.share) <= 1


def test_unpool_tie_goes_to_the_first_maximum_and_says_why():
    x = np.zeros((4, 4))
    x[2, 3] = 1.0
    seq = unpool_steps(x, np.array([[1.0, 2.0], [3.0, 4.0]]))
    state = seq[0]
    assert state.winner == (0, 0) and state.ties == ((0, 0), (0, 1), (1, 0), (1, 1))
    assert "tie: 4 cells" in state.note and "(0, 0), wins" in state.note and "PyTorch" in state.note
    assert seq[3].winner == (0, 1) and seq[3].ties == ((0, 1),) and "tie" not in seq[3].note
    expected = np.zeros((1, 4, 4))
    expected[0, 0, 0], expected[0, 0, 2], expected[0, 2, 0], expected[0, 2, 3] = 1, 2, 3, 4
    np.testing.assert_array_equal(seq[-1].so_far, expected)


def test_unpool_overlapping_windows_accumulate_visibly():
    x = np.arange(25.0).reshape(5, 5)  # the max of every 3x3 window is its bottom-right cell
    seq = unpool_steps(x, np.ones((3, 3)), "avg", size=3, stride=1)
    assert "overlap" not in seq[0].note
    state = seq[1]  # the second window shares 6 cells with the first
    assert "overlap: 6 cell(s)" in state.note
    assert state.hits[0, 0:3, 1:3].tolist() == [[2, 2]] * 3
    np.testing.assert_allclose(state.dx_so_far[0, 0, 1], 2 / 9)


def test_unpool_gap_spreads_over_the_whole_map(rng):
    x = rng.standard_normal((2, 4, 6))
    seq = unpool_steps(x, np.array([2.4, -4.8]), "gap")
    assert len(seq) == 2 and seq[0].size == (4, 6)
    np.testing.assert_allclose(seq[0].dx_so_far, np.stack([np.full((4, 6), 0.1), np.zeros((4, 6))]))
    assert "24 cells gets δ/24" in seq[1].note


@pytest.mark.parametrize("shape", [(1, 1), (2, 2), (3, 3), (3, 5), (5, 5), (4, 1)])
@pytest.mark.parametrize("mode", ["rotate", "mirror"])
def test_rot180_moves_each_weight_to_the_opposite_corner(shape, mode, rng):
    w = rng.standard_normal(shape)
    seq = rot180_steps(w, mode, frames=4)
    assert len(seq) == (5 if mode == "rotate" else 9)
    np.testing.assert_array_equal(seq[0].grid, w)
    last = seq[-1]
    np.testing.assert_array_equal(last.grid, bp.rot180(w))
    KH, KW = shape
    for u in range(KH):
        for v in range(KW):
            np.testing.assert_allclose(last.pos[u, v], (KH - 1 - u, KW - 1 - v), atol=1e-12)
            # the label travels with the weight; it spells out the move where it fits a cell (KW <= 3)
            assert last.labels[u][v] == (f"({u},{v})→({KH - 1 - u},{KW - 1 - v})" if KW <= 3 else f"({u},{v})")
            assert seq[1].labels[u][v] == f"({u},{v})"
    if mode == "mirror":
        np.testing.assert_array_equal(seq[4].grid, w[::-1, :])  # the row flip alone
    if KH * KW > 1 and shape != (1, 1):
        assert seq[1].grid is None  # mid-turn the weights are off the grid


def test_steps_sequence_interface(rng):
    seq = sliding_kernel_steps(rng.standard_normal((4, 4)), rng.standard_normal((2, 2)))
    assert len(seq) == seq.n_steps == 9
    assert seq[-1].k == 8 and seq.state(-9).k == 0
    assert [s.k for s in seq] == list(range(9))
    with pytest.raises(IndexError, match="step 9 out of range; there are 9 steps"):
        seq.state(9)
    with pytest.raises(ValueError, match="k must be >= -9"):
        seq.state(-10)
    with pytest.raises(TypeError, match="k must be an integer"):
        seq.state(1.5)
    assert repr(seq) == "<sliding_kernel_steps: 9 steps>"


X = np.zeros((3, 8, 8))


@pytest.mark.parametrize(
    "call, exc, message",
    [
        (lambda: sliding_kernel_steps(X, np.zeros((2, 3, 3))), ValueError,
         r"kernel depth 2 != input channels 3 \(w.shape=\(2, 3, 3\), x.shape=\(3, 8, 8\)\)"),
        (lambda: sliding_kernel_steps(np.zeros((1, 3, 8, 8)), np.zeros((3, 3))), ValueError,
         r"x must be 2-D \(H, W\) or 3-D \(C, H, W\), got x.shape=\(1, 3, 8, 8\)"),
        (lambda: sliding_kernel_steps(np.zeros((4, 4)), np.zeros((5, 5))), ValueError, r"kernel 5x5 is larger than the padded input 4x4"),
        (lambda: sliding_kernel_steps(np.zeros((4, 4), int), np.zeros((2, 2))), TypeError, r"floating-point.*int64"),
        (lambda: sliding_kernel_steps(np.zeros((4, 4)), np.zeros((2, 2)), b="one"), TypeError, r"b must be one real number"),
        (lambda: sliding_kernel_steps(np.zeros((4, 4)), np.zeros((2, 2)), b=np.zeros(2)), TypeError, r"b must be one real number"),
        (lambda: sliding_kernel_steps(np.zeros((4, 4)), np.zeros((2, 2)), stride=0), ValueError, r"stride must be >= 1"),
        (lambda: weight_grad_steps(np.zeros((6, 6)), np.zeros((3, 3)), 3), ValueError,
         r"delta maps are 3x3 but a 3x3 kernel with stride 1, padding 0 on a0.shape=\(1, 6, 6\) gives 4x4"),
        (lambda: weight_grad_steps(np.zeros((6, 6)), np.zeros((4, 4)), (3, 3, 3)), ValueError, r"kernel_size must be an int or a pair"),
        (lambda: unpool_steps(np.zeros((6, 6)), np.zeros((2, 3))), ValueError,
         r"dy.shape=\(1, 2, 3\) does not match the pooling output \(1, 3, 3\) of x.shape=\(1, 6, 6\)"),
        (lambda: unpool_steps(np.zeros((6, 6)), np.zeros((3, 3)), mode="min"), ValueError, r"mode must be 'max', 'avg' or 'gap', got 'min'"),
        (lambda: unpool_steps(np.zeros((2, 6, 6)), np.zeros(3), mode="gap"), ValueError,
         r"for mode='gap' dy must hold one number per channel, shape \(2,\), got dy.shape=\(3,\)"),
        (lambda: unpool_steps(np.zeros((3, 3)), np.zeros((1, 1)), size=4), ValueError, r"pool window 4x4 is larger than the input map 3x3"),
        (lambda: rot180_steps(np.zeros((2, 3, 3))), ValueError, r"w must be one 2-D kernel \(KH, KW\), got w.shape=\(2, 3, 3\)"),
        (lambda: rot180_steps(np.zeros((3, 3)), mode="spin"), ValueError, r"mode must be 'rotate' or 'mirror'"),
        (lambda: rot180_steps(np.zeros((3, 3)), frames=0), ValueError, r"frames must be >= 1"),
        (lambda: full_conv_steps(np.zeros((2, 4, 4)), np.zeros((3, 1, 3, 3))), ValueError,
         r"delta has 2 error maps but w has 3 kernels \(delta.shape=\(2, 4, 4\), w.shape=\(3, 1, 3, 3\)\)"),
        (lambda: full_conv_steps(np.zeros((4, 4)), np.zeros((3, 3)), input_hw=(7, 7)), ValueError,
         r"input_hw=\(7, 7\) is not an input size that a 3x3 convolution with stride 1, padding 0 maps to 4x4"),
        (lambda: full_conv_steps(np.zeros((4, 4)), np.zeros((1, 1, 1, 3, 3))), ValueError, r"w must be \(KH, KW\), \(F, KH, KW\) or"),
        (lambda: full_conv_steps("delta", np.zeros((3, 3))), TypeError, r"delta must be a NumPy array, got str"),
    ],
)
def test_clear_errors(call, exc, message):
    with pytest.raises(exc, match=message):
        call()


def test_steps_import_only_numpy():
    code = "import sys, bplib.steps\nbad = [m for m in ('matplotlib', 'ipywidgets') if m in sys.modules]\nsys.exit(f'imported {bad}' if bad else 0)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr or result.stdout
