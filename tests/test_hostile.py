"""Issue 10, the known cases: nothing silent, nothing raw, nothing too large, nothing of the caller's changed.

Each test names one case of the issue. Expected numbers come from an independent route (the
loop twins, PyTorch, float64 arithmetic), never from the function under test.
"""

import gc
import tracemalloc

import numpy as np
import pytest
import torch

import bplib as bp
import bplib.steps  # noqa: F401 - bp.steps below
from bplib import _checks, conv
from bplib.pool import l2pool2d_backward, l2pool2d_forward
from bplib.receptive import Layer


@pytest.fixture
def limit(monkeypatch):
    """Set BPLIB_MAX_BYTES for one test: limit("64M")."""
    return lambda value: monkeypatch.setenv(_checks.ENV_LIMIT, value)


# --- bp2_full_conv shares conv_transpose2d's checks ----------------------------------------


@pytest.mark.parametrize("fn", [bp.bp2_full_conv, bp.conv_transpose2d])
def test_bp2_full_conv_refuses_an_output_hw_no_convolution_maps_to(fn):
    with pytest.raises(ValueError, match=r"output_hw=\(9, 9\) is not an input size"):
        fn(np.ones((1, 1, 2, 2)), np.ones((1, 1, 3, 3)), stride=2, output_hw=(9, 9))


@pytest.mark.parametrize("fn", [bp.bp2_full_conv, bp.conv_transpose2d])
def test_bp2_full_conv_refuses_padding_that_leaves_no_input(fn):
    with pytest.raises(ValueError, match=r"padding 2 is too large for a 1x1 output"):
        fn(np.ones((1, 1, 1, 1)), np.ones((1, 1, 1, 1)), padding=2)


@pytest.mark.parametrize("fn", [bp.bp2_full_conv, bp.conv_transpose2d])
def test_bp2_full_conv_output_hw_int_is_a_clear_error(fn):
    with pytest.raises((TypeError, ValueError), match=rf"{fn.__name__}: output_hw must be"):
        fn(np.ones((1, 1, 2, 2)), np.ones((1, 1, 3, 3)), stride=2, output_hw=6)


def test_bp2_full_conv_accepts_every_valid_output_hw_and_agrees_with_pytorch():
    rng = np.random.default_rng(0)
    d, w = rng.standard_normal((1, 2, 3, 3)), rng.standard_normal((2, 1, 3, 3))
    for extra in (0, 1):  # stride 2: H = 7 and H = 8 both map to Ho = 3
        H = 7 + extra
        got = bp.bp2_full_conv(d, w, stride=2, output_hw=(H, H))
        ref = torch.nn.functional.conv_transpose2d(torch.tensor(d), torch.tensor(w), stride=2, output_padding=extra)
        np.testing.assert_allclose(got, ref.numpy(), atol=1e-12)


def test_bp2_full_conv_names_itself_for_a_channel_mismatch():
    with pytest.raises(ValueError, match=r"bp2_full_conv: delta has 2 channels but w has 3 kernels"):
        bp.bp2_full_conv(np.ones((1, 2, 3, 3)), np.ones((3, 1, 2, 2)))


# --- conv2d_backward_loops checks dz ------------------------------------------------------


@pytest.mark.parametrize("dz_shape", [(1, 2, 2, 2), (1, 2, 5, 5), (1, 3, 3, 3), (2, 2, 3, 3)])
def test_conv2d_backward_loops_refuses_a_dz_of_the_wrong_shape(dz_shape):
    x, w = np.ones((1, 1, 5, 5)), np.ones((2, 1, 3, 3))
    with pytest.raises(ValueError, match=r"conv2d_backward_loops: dz.shape=.* does not match the forward output shape \(1, 2, 3, 3\)"):
        bp.conv2d_backward_loops(np.ones(dz_shape), x, w)


@pytest.mark.parametrize("dz, exc", [(np.ones((1, 2, 3, 3), dtype=int), TypeError), (np.full((1, 2, 3, 3), np.nan), ValueError)])
def test_conv2d_backward_loops_refuses_int_or_nan_dz(dz, exc):
    with pytest.raises(exc, match="conv2d_backward_loops: dz"):
        bp.conv2d_backward_loops(dz, np.ones((1, 1, 5, 5)), np.ones((2, 1, 3, 3)))


def test_conv2d_backward_loops_matches_pytorch():
    rng = np.random.default_rng(1)
    x, w, dz = rng.standard_normal((2, 2, 6, 5)), rng.standard_normal((3, 2, 3, 2)), rng.standard_normal((2, 3, 2, 2))
    dx, dw, db = bp.conv2d_backward_loops(dz, x, w, stride=2, padding=0)
    xt, wt = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    torch.nn.functional.conv2d(xt, wt, stride=2).backward(torch.tensor(dz))
    np.testing.assert_allclose(dx, xt.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(dw, wt.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(db, dz.sum(axis=(0, 2, 3)), atol=1e-12)


# --- conv_output_size -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, exc, message",
    [
        ((3, 5), ValueError, r"conv_output_size: kernel 5 is larger than the padded input 3"),
        ((5, 3, 0), ValueError, r"conv_output_size: stride must be >= 1, got stride=0"),
        ((5.0, 3), TypeError, r"conv_output_size: size must be an integer"),
        ((5, 3, 1.5), TypeError, r"conv_output_size: stride must be an integer"),
        ((5, 3, 1, -1), ValueError, r"conv_output_size: padding must be >= 0"),
        ((0, 1), ValueError, r"conv_output_size: size must be >= 1"),
    ],
)
def test_conv_output_size_refuses_impossible_geometry(args, exc, message):
    with pytest.raises(exc, match=message):
        bp.conv_output_size(*args)


def test_conv_output_size_counts_window_positions():
    for size, k, s, p in [(28, 5, 1, 0), (28, 5, 2, 2), (7, 7, 3, 0), (1, 3, 1, 1)]:
        positions = len(range(0, size + 2 * p - k + 1, s))  # where the window can start, counted
        assert bp.conv_output_size(size, k, s, p) == positions
        assert type(bp.conv_output_size(size, k, s, p)) is int


# --- numerical_gradient -----------------------------------------------------------------------


def test_numerical_gradient_refuses_a_list_x():
    x = [1.0, 2.0]
    with pytest.raises(TypeError, match=r"numerical_gradient: x must be the NumPy array that f reads"):
        bp.numerical_gradient(lambda: sum(v * v for v in x), x)


def test_numerical_gradient_restores_x_when_f_raises():
    x = np.array([1.0, 2.0, 3.0])
    calls = []

    def f():
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("f broke")
        return float(np.sum(x**2))

    with pytest.raises(RuntimeError, match="f broke"):
        bp.numerical_gradient(f, x)
    np.testing.assert_array_equal(x, [1.0, 2.0, 3.0])


@pytest.mark.parametrize("h, exc", [(0, ValueError), (-1e-5, ValueError), (np.nan, ValueError), ("1e-5", TypeError)])
def test_numerical_gradient_refuses_a_bad_h(h, exc):
    with pytest.raises(exc, match=r"numerical_gradient: h"):
        bp.numerical_gradient(lambda: 0.0, np.zeros(2), h=h)


def test_numerical_gradient_h_that_vanishes_in_float16():
    with pytest.raises(ValueError, match=r"numerical_gradient: h=1e-09 is not representable"):
        bp.numerical_gradient(lambda: 0.0, np.zeros(2, dtype=np.float16), h=1e-9)


def test_numerical_gradient_accepts_fortran_order_and_views():
    a = np.asfortranarray(np.arange(6.0).reshape(2, 3))
    g = bp.numerical_gradient(lambda: float(np.sum(a**3)), a)
    np.testing.assert_allclose(g, 3 * a**2, rtol=1e-6)
    base = np.arange(12.0).reshape(3, 4)
    view = base[:, ::2]  # non-contiguous, and f reads the base array
    g = bp.numerical_gradient(lambda: float(np.sum(base**2)), view)
    np.testing.assert_allclose(g, 2 * view, rtol=1e-6)
    np.testing.assert_array_equal(base, np.arange(12.0).reshape(3, 4))


def test_numerical_gradient_refuses_read_only_x():
    x = np.zeros(3)
    x.flags.writeable = False
    with pytest.raises(ValueError, match=r"numerical_gradient: x is read-only"):
        bp.numerical_gradient(lambda: 0.0, x)


# --- ArticleNet.step ------------------------------------------------------------------------------


def _one_step_grads(net):
    x = np.random.default_rng(2).random((2, 1, 28, 28)).astype(net.dtype)
    return net.backward(net.forward(x), np.array([1, 7]))


@pytest.mark.parametrize("lr, exc", [(np.nan, ValueError), (np.inf, ValueError), (-0.1, ValueError), ("0.1", TypeError),
                                     (None, TypeError), (1e300, ValueError)])
def test_article_net_step_bad_lr_leaves_every_weight(lr, exc):
    net = bp.ArticleNet()
    grads = _one_step_grads(net)
    before = {k: v.copy() for k, v in net.params().items()}
    with pytest.raises(exc, match=r"ArticleNet.step: lr"):
        net.step(grads, lr)
    for k, v in net.params().items():
        np.testing.assert_array_equal(v, before[k])


def test_article_net_step_wrong_gradient_shape_is_not_half_applied():
    net = bp.ArticleNet()
    grads = _one_step_grads(net)
    grads.dW4 = np.ones((10, 431), dtype=np.float32)  # W1 and b1 come first: they must not move either
    before = {k: v.copy() for k, v in net.params().items()}
    with pytest.raises(ValueError, match=r"ArticleNet.step: grads.dW4.shape=\(10, 431\) != W4.shape=\(10, 432\)"):
        net.step(grads, 0.1)
    for k, v in net.params().items():
        np.testing.assert_array_equal(v, before[k])


def test_article_net_step_still_is_plain_sgd():
    net = bp.ArticleNet(dtype=np.float64)
    grads = _one_step_grads(net)
    expected = {k: v - 0.5 * g for (k, v), g in zip(net.params().items(), grads.params().values())}
    net.step(grads, 0.5)
    for k, v in net.params().items():
        np.testing.assert_allclose(v, expected[k], rtol=0, atol=0)


# --- zero-length kernels, zero kernels ------------------------------------------------------------


@pytest.mark.parametrize("w_shape", [(1, 1, 0, 3), (1, 1, 3, 0), (0, 1, 3, 3), (1, 0, 3, 3)])
@pytest.mark.parametrize("fn", [bp.conv2d_forward, bp.conv2d_forward_loops])
def test_kernel_with_a_zero_length_axis_or_zero_kernels_is_refused(fn, w_shape):
    x = np.ones((1, w_shape[1], 5, 5))
    with pytest.raises(ValueError, match=rf"{fn.__name__}: .*axis of length 0"):
        fn(x, np.ones(w_shape), None)


@pytest.mark.parametrize("fn", [bp.conv_transpose2d, bp.bp2_full_conv, bp.conv_full])
def test_transposed_convolutions_refuse_empty_kernels(fn):
    with pytest.raises(ValueError, match=rf"{fn.__name__}: .*axis of length 0"):
        fn(np.ones((1, 1, 3, 3)), np.ones((1, 1, 0, 2)))


# --- the allocation limit -------------------------------------------------------------------------


def test_padding_typo_is_refused_before_allocating():
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=r"conv2d_forward: .* would need .*GiB, more than the limit of 1 GiB"):
            bp.conv2d_forward(np.ones((1, 1, 5, 5)), np.ones((1, 1, 3, 3)), None, padding=10**4)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 << 20


def test_article_net_channels_typo_is_refused_before_allocating():
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=r"ArticleNet: .* would need .*, more than the limit"):
            bp.ArticleNet(channels=10**6)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 << 20


def test_limit_is_settable_by_environment_variable(limit):
    x, w = np.ones((4, 3, 64, 64)), np.ones((8, 3, 3, 3))
    bp.conv2d_forward(x, w, None)  # well under the default 1 GiB
    limit("1M")
    with pytest.raises(ValueError, match=r"more than the limit of 1 MiB.*BPLIB_MAX_BYTES"):
        bp.conv2d_forward(x, w, None)
    limit("lots")
    with pytest.raises(ValueError, match=r"BPLIB_MAX_BYTES='lots' is not a size"):
        bp.conv2d_forward(x, w, None)


@pytest.mark.parametrize(
    "call",
    [
        lambda: bp.conv_matrix(np.ones((1, 1, 3, 3)), (200, 200)),
        lambda: bp.conv_matrix_indices((64, 64, 3, 3), (200, 200)),
        lambda: bp.maxpool2d_forward(np.ones((1, 1, 600, 600)), 300, 1),
        lambda: bp.dilate(np.ones((3, 3)), 10**5),
        lambda: bp.conv_transpose2d(np.ones((1, 1, 3, 3)), np.ones((1, 1, 3, 3)), stride=10**5),
        lambda: bp.minibatches(10**9, 10, np.random.default_rng(0)),
        lambda: bp.receptive.trace_receptive_field([Layer("conv", 3, 1, 10**5)], 5, 1, (0, 0)),
    ],
)
def test_large_calls_are_refused_under_a_small_limit(call, limit):
    limit("8M")
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=r"would need .* more than the limit of 8 MiB"):
            call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 << 20


def test_conv_matrix_explorer_says_too_large_before_building_the_matrix():
    from bplib.widgets.explorers import conv_matrix_explorer

    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=r"conv_matrix_explorer: the convolution matrix C is 9604x10000, too large to show"):
            conv_matrix_explorer(np.ones((3, 3)), (100, 100))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 << 20


# --- train blames the right argument ----------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"x_val": np.zeros((3, 1, 28, 27), np.float32), "y_val": np.zeros(3, int)}, r"train: x_val.shape=\(3, 1, 28, 27\)"),
        ({"x_val": np.zeros((3, 1, 28, 28), np.float32), "y_val": np.zeros(4, int)}, r"train: y_val.shape=\(4,\), expected \(3,\)"),
        ({"x_val": np.zeros((3, 1, 28, 28), np.float32), "y_val": np.array([0, 1, 10])}, r"train: labels y_val must be in"),
        ({"x_val": np.full((3, 1, 28, 28), np.nan, np.float32), "y_val": np.zeros(3, int)}, r"train: x_val contains"),
        ({"x_val": np.zeros((3, 1, 28, 28), np.float32), "y_val": np.zeros(3)}, r"train: labels y_val must be integers"),
    ],
)
def test_train_blames_x_val_and_y_val_not_x_and_y(kwargs, message):
    net = bp.ArticleNet()
    x, y = np.zeros((4, 1, 28, 28), np.float32), np.zeros(4, int)
    with pytest.raises((TypeError, ValueError), match=message):
        bp.train(net, x, y, epochs=1, progress=False, **kwargs)


# --- the receptive-field explorer ---------------------------------------------------------------------


def test_receptive_field_explorer_sliders_hold_large_kernels_and_strides():
    from bplib.widgets.explorers import receptive_field_explorer

    e = receptive_field_explorer([Layer("conv", 9, 1, 0), Layer("pool", 2, 4)], 32)
    assert [k.value for k in e.kernels] == [9, 2] and [s.value for s in e.strides] == [1, 4]
    assert e.layers == (Layer("conv", 9, 1, 0), Layer("pool", 2, 4, 0))
    e.strides[0].value = 2  # an edit rebuilds the stack from the sliders: it must keep kernel 9 and stride 4
    assert e.layers == (Layer("conv", 9, 2, 0), Layer("pool", 2, 4, 0))
    assert e.closed_form == bp.receptive.receptive_fields(e.layers)[e.depth]


def test_receptive_field_explorer_select_checks_before_moving():
    from bplib.widgets.explorers import receptive_field_explorer

    e = receptive_field_explorer([Layer("conv", 3), Layer("pool", 2, 2)], 12)
    depth, neuron = e.depth, e.neuron
    with pytest.raises(ValueError, match=r"neuron \(10, 0\) out of range: the map at depth 1 is 10x10"):
        e.select(1, (10, 0))
    assert (e.depth, e.neuron) == (depth, neuron)
    with pytest.raises(TypeError, match=r"neuron must be a pair"):
        e.select(0, 3)
    assert (e.depth, e.neuron) == (depth, neuron)
    e.select(1, (9, 0))
    assert (e.depth, e.neuron) == (1, (9, 0))


# --- the cache keeps what the forward pass saw --------------------------------------------------------


@pytest.mark.parametrize("padding", [0, 1])
def test_conv2d_forward_cache_does_not_alias_the_callers_arrays(padding):
    rng = np.random.default_rng(3)
    x, w, dz = rng.standard_normal((2, 2, 6, 6)), rng.standard_normal((3, 2, 3, 3)), None
    z, cache = bp.conv2d_forward(x, w, None, padding=padding)
    dz = rng.standard_normal(z.shape)
    expected = bp.conv2d_backward_loops(dz, x, w, padding=padding)
    x += 100.0  # the learner edits x and w between the passes
    w *= -1.0
    dx, dw, db = bp.conv2d_backward(dz, cache)
    for got, want in zip((dx, dw, db), expected):
        np.testing.assert_allclose(got, want, atol=1e-12)


def test_dense_and_l2_caches_do_not_alias_the_callers_arrays():
    rng = np.random.default_rng(4)
    a, W, b = rng.standard_normal((3, 4)), rng.standard_normal((2, 4)), np.zeros(2)
    z, cache = bp.dense_forward(a, W, b)
    dz = np.ones_like(z)
    a_saved, W_saved = a.copy(), W.copy()
    a[:] = 0.0
    W[:] = 0.0
    da, dW, _ = bp.dense_backward(dz, cache)
    np.testing.assert_allclose(da, dz @ W_saved)
    np.testing.assert_allclose(dW, dz.T @ a_saved)
    x = rng.standard_normal((1, 1, 4, 4))
    y, pc = l2pool2d_forward(x, 2)
    x_saved = x.copy()
    x[:] = 5.0
    dx = l2pool2d_backward(np.ones_like(y), pc)
    ref = torch.tensor(x_saved, requires_grad=True)
    torch.nn.functional.lp_pool2d(ref, 2, 2).sum().backward()
    np.testing.assert_allclose(dx, ref.grad.numpy(), rtol=1e-10)


# --- scratch buffers ------------------------------------------------------------------------------------


def test_scratch_buffers_are_bounded_after_a_large_convolution():
    x, w = np.ones((1, 64, 96, 96)), np.ones((64, 64, 3, 3))  # one image's im2col is ~40 MB
    z, cache = bp.conv2d_forward(x, w, None)
    bp.conv2d_backward(z, cache)
    del z, cache
    gc.collect()
    assert conv.scratch_bytes() <= conv.SCRATCH_KEEP


# --- L2 pooling, scaled ----------------------------------------------------------------------------------


def test_l2_pooling_does_not_overflow_in_float16():
    x = np.full((1, 1, 2, 2), 200.0, dtype=np.float16)
    y, cache = l2pool2d_forward(x, 2)
    assert y.dtype == np.float16 and np.isfinite(y).all()
    np.testing.assert_allclose(float(y[0, 0, 0, 0]), 400.0, rtol=1e-3)  # sqrt(4 * 200^2), in float64 by hand
    dx = l2pool2d_backward(np.ones_like(y), cache)
    np.testing.assert_allclose(dx.astype(float), 0.5, rtol=1e-3)  # x / y = 200 / 400


def test_l2_pooling_does_not_underflow_in_float32():
    x = np.array([[[[1e-30, 2e-30], [2e-30, 4e-30]]]], dtype=np.float32)
    y, cache = l2pool2d_forward(x, 2)
    expected = np.sqrt(np.sum(x.astype(np.float64) ** 2))
    np.testing.assert_allclose(float(y[0, 0, 0, 0]), expected, rtol=1e-6)
    dx = l2pool2d_backward(np.ones_like(y), cache)
    np.testing.assert_allclose(dx[0, 0], x[0, 0].astype(np.float64) / expected, rtol=1e-5)
    assert np.all(dx != 0)


def test_limit_parsing_and_error_classes(limit):
    for text, expected in [("512M", 512 << 20), ("2GiB", 2 << 30), ("1000000", 10**6), ("1.5g", int(1.5 * (1 << 30)))]:
        limit(text)
        assert _checks.alloc_limit() == expected
    assert issubclass(_checks.AllocationTooLarge, ValueError)
    assert issubclass(_checks.OutOfRange, IndexError) and issubclass(_checks.OutOfRange, ValueError)
    with pytest.raises(ValueError, match="out of range"):  # an IndexError for iteration, a ValueError as an argument
        bp.steps.flatten_order_steps(1, 2, 2).state(4)
