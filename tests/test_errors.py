"""Bad input gets a clear error that names the shapes and what was expected."""

import numpy as np
import pytest

import bplib as bp

X = np.zeros((2, 1, 28, 28))
W = np.zeros((3, 1, 5, 5))
B = np.zeros(3)


@pytest.mark.parametrize(
    "call, exc, message",
    [
        (lambda: bp.conv2d_forward(X, np.zeros((3, 2, 5, 5)), B), ValueError,
         r"kernel depth 2 != input channels 1 \(w.shape=\(3, 2, 5, 5\), x.shape=\(2, 1, 28, 28\)\)"),
        (lambda: bp.conv2d_forward(np.zeros((1, 28, 28)), W, B), ValueError, r"x must be 4-D \(N, C, H, W\), got x.shape=\(1, 28, 28\)"),
        (lambda: bp.conv2d_forward(X, np.zeros((3, 5, 5)), B), ValueError, r"w must be 4-D"),
        (lambda: bp.conv2d_forward(np.zeros((1, 1, 4, 4)), W, B), ValueError, r"kernel 5x5 is larger than the padded input 4x4"),
        (lambda: bp.conv2d_forward(np.zeros((1, 1, 4, 4)), W, B, padding=1), None, None),
        (lambda: bp.conv2d_forward(X, W, np.zeros(4)), ValueError, r"bias length 4 != number of kernels 3"),
        (lambda: bp.conv2d_forward(X, W, B, stride=0), ValueError, r"stride must be >= 1, got stride=0"),
        (lambda: bp.conv2d_forward(X, W, B, padding=-1), ValueError, r"padding must be >= 0, got padding=-1"),
        (lambda: bp.conv2d_forward(X, W, B, stride=1.5), TypeError, r"stride must be an integer"),
        (lambda: bp.conv2d_forward(X.astype(np.uint8), W, B), TypeError, r"floating-point.*uint8.*astype"),
        (lambda: bp.conv2d_forward([[1, 2]], W, B), TypeError, r"floating-point"),
        (lambda: bp.conv2d_forward("image", W, B), TypeError, r"NumPy array, got str"),
        (lambda: bp.conv2d_backward(np.zeros((2, 3, 23, 23)), bp.conv2d_forward(X, W, B)[1]), ValueError,
         r"dz.shape=\(2, 3, 23, 23\) does not match the forward output shape \(2, 3, 24, 24\)"),
        (lambda: bp.conv2d_backward(np.zeros((2, 3, 24, 24)), None), TypeError, r"ConvCache"),
        (lambda: bp.conv_transpose2d(np.zeros((1, 2, 3, 3)), W), ValueError, r"d has 2 channels but w has 3 kernels"),
        (lambda: bp.maxpool2d_forward(X, 0), ValueError, r"size must be >= 1, got size=0"),
        (lambda: bp.maxpool2d_forward(X, 29), ValueError, r"pool window 29x29 is larger than the input map 28x28"),
        (lambda: bp.avgpool2d_forward(X, 2, stride=0), ValueError, r"stride must be >= 1"),
        (lambda: bp.l2pool2d_forward(X, (2, 2, 2)), ValueError, r"int or a pair"),
        (lambda: bp.maxpool2d_forward(np.zeros((28, 28)), 2), ValueError, r"x must be 4-D"),
        (lambda: bp.maxpool2d_backward(np.zeros((2, 1, 13, 14)), bp.maxpool2d_forward(X, 2)[1]), ValueError,
         r"dy.shape=\(2, 1, 13, 14\) does not match the forward output shape \(2, 1, 14, 14\)"),
        (lambda: bp.global_avgpool_forward(np.zeros((3, 4))), ValueError, r"4-D"),
        (lambda: bp.softmax_cross_entropy(np.zeros((2, 10)), np.array([1, 10])), ValueError, r"labels must be in \[0, 10\), got min 1, max 10"),
        (lambda: bp.softmax_cross_entropy(np.zeros((2, 10)), np.array([-1, 3])), ValueError, r"labels must be in \[0, 10\)"),
        (lambda: bp.softmax_cross_entropy(np.zeros((2, 10)), np.array([1, 2, 3])), ValueError, r"y.shape=\(3,\) != \(2,\)"),
        (lambda: bp.softmax_cross_entropy(np.zeros((2, 10)), np.array([1.0, 2.0])), TypeError, r"labels y must be integers"),
        (lambda: bp.softmax_cross_entropy(np.zeros((0, 10)), np.array([], int)), ValueError, r"empty batch"),
        (lambda: bp.dense_forward(np.zeros((2, 432)), np.zeros((10, 431)), np.zeros(10)), ValueError,
         r"W expects 431 inputs but a has 432 features"),
        (lambda: bp.dense_forward(np.zeros((2, 4)), np.zeros((10, 4)), np.zeros(9)), ValueError, r"bias length 9 != W.shape\[0\]=10"),
        (lambda: bp.numerical_gradient(3, np.zeros(2)), TypeError, r"f must be callable"),
        (lambda: bp.conv_matrix(W, (4, 4)), ValueError, r"kernel 5x5 is larger than the padded input 4x4"),
        (lambda: bp.rot180(np.zeros(3)), ValueError, r"at least 2-D"),
    ],
)
def test_clear_errors(call, exc, message):
    if exc is None:
        call()  # the boundary case that must be accepted
        return
    with pytest.raises(exc, match=message):
        call()


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize(
    "call",
    [
        lambda x: bp.conv2d_forward(x, W, B),
        lambda x: bp.conv2d_forward(X, x[:3, :1, :5, :5].repeat(3, 0)[:3], B),
        lambda x: bp.maxpool2d_forward(x, 2),
        lambda x: bp.avgpool2d_forward(x, 2),
        lambda x: bp.l2pool2d_forward(x, 2),
        lambda x: bp.global_avgpool_forward(x),
        lambda x: bp.softmax_cross_entropy(x.reshape(2, -1)[:, :10], np.array([0, 1])),
        lambda x: bp.dense_forward(x.reshape(2, -1), np.zeros((3, 784)), np.zeros(3)),
    ],
)
def test_nan_and_inf_are_refused(call, bad):
    x = np.zeros((2, 1, 28, 28))
    x[0, 0, 0, 0] = bad
    with pytest.raises(ValueError, match=r"NaN or inf"):
        call(x)


def test_nan_in_upstream_gradient_is_refused():
    _, cache = bp.conv2d_forward(X, W, B)
    dz = np.zeros((2, 3, 24, 24))
    dz[1, 2, 3, 4] = np.nan
    with pytest.raises(ValueError, match=r"dz contains 1 NaN"):
        bp.conv2d_backward(dz, cache)
