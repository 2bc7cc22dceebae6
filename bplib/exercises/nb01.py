"""Exercises of notebook 01: the convolution layer (S1, S2)."""

from __future__ import annotations

import numpy as np

from ..conv import conv2d_forward
from . import exercise
from ._compare import compare_number


def _size_inputs():
    """A 28x28 digit, a 5x5 kernel, stride 2, padding 2."""
    return {"H": 28, "K": 5, "stride": 2, "padding": 2}


def _params_inputs():
    """A layer on an RGB-like input: 16 kernels of 3x3."""
    return {"in_channels": 3, "kernel_size": 3, "n_kernels": 16}


def _cell_inputs():
    """Two input channels of 7x7, three 2-channel 3x3 kernels, stride 2: which window makes z[0, f, i, j]?"""
    rng = np.random.default_rng(1001)
    return {
        "x": rng.integers(-2, 4, (1, 2, 7, 7)).astype(np.float64),
        "w": rng.integers(-2, 3, (3, 2, 3, 3)).astype(np.float64),
        "b": np.array([0.5, -1.0, 2.0]),
        "stride": 2,
        "f": 1,
        "i": 2,
        "j": 1,
    }


def _whole_number(answer, what: str):
    """(int value, None) for a whole number, or (None, hint)."""
    if np.ndim(answer) != 0:
        return None, f"answer with one whole number ({what}), got something of shape {np.shape(answer)}"
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return None, f"answer with one whole number ({what}), got {answer!r}"
    if value != int(value):
        return None, f"{what} is a whole number: the window either fits or it does not, so round down (use //)"
    return int(value), None


@exercise("01.output_size", inputs=_size_inputs)
def output_size(answer, H, K, stride, padding):
    """Output side Ho of a KxK convolution with this stride and padding on an HxH input."""
    z, _ = conv2d_forward(np.zeros((1, 1, H, H)), np.zeros((1, 1, K, K)), None, stride=stride, padding=padding)
    expected = z.shape[2]
    if isinstance(answer, (tuple, list)) and len(answer) == 2 and tuple(answer) == z.shape[2:]:
        return True, f"the output is {z.shape[2]} x {z.shape[3]}"
    value, hint = _whole_number(answer, "the output side Ho")
    if hint:
        return False, hint
    if value == expected:
        return True, f"Ho = ({H} + 2*{padding} - {K}) // {stride} + 1 = {expected}"
    if value == expected - 1:
        return False, ("one short: the window's first position counts too (the + 1), and the padding goes on both sides "
                       "(+ 2p, not + p)")
    if value == (H - K) // stride + 1:
        return False, "you left out the padding: the window slides over the input with p zeros added on each side"
    if value == H + 2 * padding - K + 1:
        return False, "that is the size for stride 1; with stride s the window jumps s cells, so divide by s (rounding down)"
    if value == expected + 1:
        return False, "one too many: the last window must fit entirely inside the padded input"
    return False, "count the window positions: (H + 2p - K) // s jumps after the first position"


@exercise("01.param_count", inputs=_params_inputs)
def param_count(answer, in_channels, kernel_size, n_kernels):
    """Weights and biases of a convolution layer with n_kernels kernels of kernel_size x kernel_size on in_channels."""
    C, K, F = in_channels, kernel_size, n_kernels
    w, b = np.zeros((F, C, K, K)), np.zeros(F)
    conv2d_forward(np.zeros((1, C, K, K)), w, b)  # the arrays a real layer of this shape needs
    expected = w.size + b.size
    value, hint = _whole_number(answer, "the number of parameters")
    if hint:
        return False, hint
    if value == expected:
        return True, f"{F} kernels x ({C}*{K}*{K} weights + 1 bias) = {expected}"
    wrong = [
        (F * (K * K + 1), f"each kernel is {C} deep (one {K}x{K} slice per input channel): count all its weights"),
        (w.size, "the weights are right; each kernel also has one bias"),
        (F * (C * K * K + C), "one bias per kernel, not one per channel: the channel sums are added up first, then one b"),
        (C * K * K + 1, f"that is one kernel; the layer has {F} of them"),
        (F * C * K * K * (K * K + 1), "multiply the number of kernels by the parameters of one kernel (weights + 1 bias)"),
    ]
    for candidate, message in wrong:
        if value == candidate:
            return False, message
    return False, "count the parameters of one kernel (depth x height x width weights, plus one bias), then multiply"


@exercise("01.z_cell", inputs=_cell_inputs)
def z_cell(answer, x, w, b, stride, f, i, j):
    """z[0, f, i, j] of conv2d_forward(x, w, b, stride), computed from the window by hand."""
    z, _ = conv2d_forward(x, w, b, stride=stride)
    expected = float(z[0, f, i, j])
    K = w.shape[2]
    if np.ndim(answer) != 0:
        return False, f"answer with one number, z[0, {f}, {i}, {j}]; got something of shape {np.shape(answer)}"
    ok, _ = compare_number(answer, expected, "")
    if ok:
        return True, f"z[0, {f}, {i}, {j}] = {expected:g}"

    def window(r, c):
        return x[0, :, r : r + K, c : c + K]

    r, c = i * stride, j * stride
    wrong = [
        (expected - b[f], f"the products are right; add the bias of kernel {f}, b[{f}]"),
        (float(np.sum(window(i, j) * w[f]) + b[f]),
         f"with stride {stride}, output cell ({i}, {j}) reads the window that starts at row {i}*{stride}, column {j}*{stride}"),
        (float(np.sum(window(c, r) * w[f]) + b[f]) if max(c, r) + K <= x.shape[2] else np.nan,
         "rows and columns are swapped: i counts rows (the first spatial index), j counts columns"),
        (float(np.sum(window(r, c)[0] * w[f, 0]) + b[f]),
         "that is channel 0 only: a kernel is as deep as the input, so add the partial sums of every channel"),
        (float(np.sum(window(r, c) * w[f][:, ::-1, ::-1]) + b[f]),
         "no flip: like PyTorch and the article, the layer computes cross-correlation, w[f, c, u, v] * x[c, top+u, left+v]"),
        (float(np.sum(window(r, c) * w[0]) + b[0]), f"use kernel f = {f} (and its bias b[{f}]), not kernel 0"),
    ]
    for candidate, message in wrong:
        if np.isfinite(candidate) and compare_number(answer, candidate, "")[0]:
            return False, message
    return False, (f"z[0, {f}, {i}, {j}] = sum over c, u, v of w[{f}, c, u, v] * x[0, c, {i}*{stride} + u, {j}*{stride} + v], "
                   f"plus b[{f}]")
