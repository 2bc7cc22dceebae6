"""Exercises of notebook 01: the convolution layer (S1, S2)."""

from __future__ import annotations

import numpy as np

from ..conv import conv2d_forward
from . import exercise
from ._compare import compare_number
from ._lang import tr


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


def _whole_number(answer, what: str, fraction_hint: str | None = None):
    """(int value, None) for a whole number, or (None, hint); fraction_hint is the hint for a non-integer."""
    if np.ndim(answer) != 0:
        return None, tr(f"answer with one whole number ({what}), got something of shape {np.shape(answer)}",
                        f"请用一个整数作答（{what}），收到的却是形状为 {np.shape(answer)} 的数组")
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return None, tr(f"answer with one whole number ({what}), got {answer!r}",
                        f"请用一个整数作答（{what}），收到的是 {answer!r}")
    if not np.isfinite(value):
        return None, tr(f"answer with one whole number ({what}), got {answer!r}",
                        f"请用一个整数作答（{what}），收到的是 {answer!r}")
    if value != int(value):
        return None, fraction_hint or tr(
            f"{what} is a whole number: the window either fits or it does not, so round down (use //)",
            f"{what}是整数：窗口要么放得下，要么放不下，所以要向下取整（用 //）")
    return int(value), None


@exercise("01.output_size", inputs=_size_inputs)
def output_size(answer, H, K, stride, padding):
    """Output side Ho of a KxK convolution with this stride and padding on an HxH input."""
    z, _ = conv2d_forward(np.zeros((1, 1, H, H)), np.zeros((1, 1, K, K)), None, stride=stride, padding=padding)
    expected = z.shape[2]
    if isinstance(answer, (tuple, list)) and len(answer) == 2 and tuple(answer) == z.shape[2:]:
        return True, tr(f"the output is {z.shape[2]} x {z.shape[3]}", f"输出为 {z.shape[2]} x {z.shape[3]}")
    value, hint = _whole_number(answer, tr("the output side Ho", "输出边长 Ho"))
    if hint:
        return False, hint
    if value == expected:
        return True, tr(f"Ho = ({H} + 2*{padding} - {K}) // {stride} + 1 = {expected}",
                        f"Ho = ({H} + 2*{padding} - {K}) // {stride} + 1 = {expected}，正确")
    if value == expected - 1:
        return False, tr("one short: the window's first position counts too (the + 1), and the padding goes on both sides "
                         "(+ 2p, not + p)",
                         "少了一个：窗口的第一个位置也要算上（那个 + 1），而且两侧都有填充（+ 2p，不是 + p）")
    if value == (H - K) // stride + 1:
        return False, tr("you left out the padding: the window slides over the input with p zeros added on each side",
                         "漏掉了填充：窗口滑过的是每侧各补了 p 个零的输入")
    if value == H + 2 * padding - K + 1:
        return False, tr("that is the size for stride 1; with stride s the window jumps s cells, so divide by s (rounding down)",
                         "这是步幅为 1 时的尺寸；步幅为 s 时窗口每次跳 s 格，所以要除以 s（向下取整）")
    if value == expected + 1:
        return False, tr("one too many: the last window must fit entirely inside the padded input",
                         "多了一个：最后一个窗口必须完全落在填充后的输入之内")
    return False, tr("count the window positions: (H + 2p - K) // s jumps after the first position",
                     "数窗口的位置：第一个位置之后还能跳 (H + 2p - K) // s 次")


@exercise("01.param_count", inputs=_params_inputs)
def param_count(answer, in_channels, kernel_size, n_kernels):
    """Weights and biases of a convolution layer with n_kernels kernels of kernel_size x kernel_size on in_channels."""
    C, K, F = in_channels, kernel_size, n_kernels
    w, b = np.zeros((F, C, K, K)), np.zeros(F)
    conv2d_forward(np.zeros((1, C, K, K)), w, b)  # the arrays a real layer of this shape needs
    expected = w.size + b.size
    value, hint = _whole_number(answer, tr("the number of parameters", "参数个数"),
                                tr("a parameter count is a whole number: count the weights and biases, nothing gets divided",
                                   "参数个数是整数：数一数权重和偏置，不需要做任何除法"))
    if hint:
        return False, hint
    if value == expected:
        return True, tr(f"{F} kernels x ({C}*{K}*{K} weights + 1 bias) = {expected}",
                        f"{F} 个卷积核 x（{C}*{K}*{K} 个权重 + 1 个偏置）= {expected}")
    wrong = [
        (F * (K * K + 1), tr(f"each kernel is {C} deep (one {K}x{K} slice per input channel): count all its weights",
                             f"每个卷积核的深度是 {C}（每个输入通道一片 {K}x{K}）：要数上它的全部权重")),
        (w.size, tr("the weights are right; each kernel also has one bias", "权重数对了；每个卷积核还有一个偏置")),
        (F * (C * K * K + C), tr("one bias per kernel, not one per channel: the channel sums are added up first, then one b",
                                 "每个卷积核一个偏置，而不是每个通道一个：先把各通道的和加起来，再加一个 b")),
        (C * K * K + 1, tr(f"that is one kernel; the layer has {F} of them", f"这只是一个卷积核；这一层有 {F} 个")),
        (F * C * K * K * (K * K + 1), tr("multiply the number of kernels by the parameters of one kernel (weights + 1 bias)",
                                         "用卷积核个数乘以一个卷积核的参数个数（权重 + 1 个偏置）")),
    ]
    for candidate, message in wrong:
        if value == candidate:
            return False, message
    return False, tr("count the parameters of one kernel (depth x height x width weights, plus one bias), then multiply",
                     "先数一个卷积核的参数（深度 x 高 x 宽 个权重，再加一个偏置），然后相乘")


@exercise("01.z_cell", inputs=_cell_inputs)
def z_cell(answer, x, w, b, stride, f, i, j):
    """z[0, f, i, j] of conv2d_forward(x, w, b, stride), computed from the window by hand."""
    z, _ = conv2d_forward(x, w, b, stride=stride)
    expected = float(z[0, f, i, j])
    K = w.shape[2]
    if np.ndim(answer) != 0:
        return False, tr(f"answer with one number, z[0, {f}, {i}, {j}]; got something of shape {np.shape(answer)}",
                         f"请用一个数 z[0, {f}, {i}, {j}] 作答；收到的却是形状为 {np.shape(answer)} 的数组")
    ok, _ = compare_number(answer, expected, "")
    if ok:
        return True, tr(f"z[0, {f}, {i}, {j}] = {expected:g}", f"z[0, {f}, {i}, {j}] = {expected:g}，正确")

    def window(r, c):
        return x[0, :, r : r + K, c : c + K]

    r, c = i * stride, j * stride
    wrong = [
        (expected - b[f], tr(f"the products are right; add the bias of kernel {f}, b[{f}]",
                             f"乘积都对了；还要加上卷积核 {f} 的偏置 b[{f}]")),
        (float(np.sum(window(i, j) * w[f]) + b[f]),
         tr(f"with stride {stride}, output cell ({i}, {j}) reads the window that starts at row {i}*{stride}, column {j}*{stride}",
            f"步幅为 {stride} 时，输出格子 ({i}, {j}) 读取的窗口从第 {i}*{stride} 行、第 {j}*{stride} 列开始")),
        (float(np.sum(window(c, r) * w[f]) + b[f]) if max(c, r) + K <= x.shape[2] else np.nan,
         tr("rows and columns are swapped: i counts rows (the first spatial index), j counts columns",
            "行和列弄反了：i 数的是行（第一个空间下标），j 数的是列")),
        (float(np.sum(window(r, c)[0] * w[f, 0]) + b[f]),
         tr("that is channel 0 only: a kernel is as deep as the input, so add the partial sums of every channel",
            "这只算了通道 0：卷积核和输入一样深，要把每个通道的部分和都加起来")),
        (float(np.sum(window(r, c) * w[f][:, ::-1, ::-1]) + b[f]),
         tr("no flip: like PyTorch and the article, the layer computes cross-correlation, w[f, c, u, v] * x[c, top+u, left+v]",
            "不要翻转：和 PyTorch 及原文一样，这一层计算的是互相关，w[f, c, u, v] * x[c, top+u, left+v]")),
        (float(np.sum(window(r, c) * w[0]) + b[0]), tr(f"use kernel f = {f} (and its bias b[{f}]), not kernel 0",
                                                       f"要用卷积核 f = {f}（及其偏置 b[{f}]），而不是卷积核 0")),
    ]
    for candidate, message in wrong:
        if np.isfinite(candidate) and compare_number(answer, candidate, "")[0]:
            return False, message
    return False, tr(f"z[0, {f}, {i}, {j}] = sum over c, u, v of w[{f}, c, u, v] * x[0, c, {i}*{stride} + u, {j}*{stride} + v], "
                     f"plus b[{f}]",
                     f"z[0, {f}, {i}, {j}] = 对 c, u, v 求 w[{f}, c, u, v] * x[0, c, {i}*{stride} + u, {j}*{stride} + v] 的和，"
                     f"再加上 b[{f}]")
