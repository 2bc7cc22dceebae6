"""Exercises of notebook 03: NCHW, the flatten order, flatten head vs GAP head (S4, S5, S7)."""

from __future__ import annotations

import numpy as np

from ..conv import conv2d_forward
from ..layers import dense_forward, flatten
from ..pool import global_avgpool_forward, maxpool2d_forward
from . import exercise
from ._compare import int_tuple
from ._lang import tr


def _flat_inputs():
    return {"C": 16, "H": 5, "W": 5, "chw": (2, 3, 4)}


def _head_inputs():
    return {"C": 128, "H": 4, "W": 4, "K": 100}


def _shape_inputs():
    return {"x_shape": (16, 3, 32, 32), "kernels": 6, "kernel_size": 5, "stride": 1, "padding": 0, "pool": 2}


def _as_int(answer):
    """The answer as an int, or None if it is not a single whole number."""
    try:
        value = np.asarray(answer)
        if value.size != 1 or not float(value) == int(value):
            return None
        return int(value)
    except (TypeError, ValueError):
        return None


@exercise("03.flat_index", inputs=_flat_inputs)
def flat_index(answer, C, H, W, chw):
    """Where does a2[c, h, w] land in flatten(a2)? Found by flattening a one-hot array."""
    probe = np.zeros((1, C, H, W))
    probe[(0, *chw)] = 1.0
    expected = int(np.flatnonzero(flatten(probe))[0])
    got = _as_int(answer)
    if got is None:
        return False, tr(f"answer with one whole number (a flat index from 0 to {C * H * W - 1}), got {answer!r}",
                         f"请用一个整数作答（0 到 {C * H * W - 1} 之间的展平下标），收到的是 {answer!r}")
    if got == expected:
        return True, tr(f"{tuple(chw)} lands at flat index {expected}", f"{tuple(chw)} 展平后位于下标 {expected}")
    c, h, w = chw
    if got == (h * W + w) * C + c:
        return False, tr(
            "that is the position in NHWC order (channel fastest); flatten here reads channel, then row, then column",
            "这是按 NHWC 顺序（通道变化最快）的位置；这里的展平先按通道、再按行、最后按列读取")
    if got == c * H * W + w * H + h:
        return False, tr("rows and columns are swapped: within a channel the column w moves fastest",
                         "行和列弄反了：在一个通道内，列 w 变化最快")
    if got == expected + 1 or got == expected - 1:
        return False, tr("off by one: flat indices start at 0, like NumPy's", "差了一：展平下标和 NumPy 一样从 0 开始")
    if not 0 <= got < C * H * W:
        return False, tr(f"a flat index of a {C}x{H}x{W} array lies between 0 and {C * H * W - 1}",
                         f"{C}x{H}x{W} 数组的展平下标在 0 到 {C * H * W - 1} 之间")
    return False, tr("each channel is a block of H*W numbers, each row a block of W numbers inside it",
                     "每个通道是连续的 H*W 个数，其中每一行又是连续的 W 个数")


_HEADS_ZH = {"flatten head": "展平头", "GAP head": "GAP 头"}


@exercise("03.head_params", inputs=_head_inputs)
def head_params(answer, C, H, W, K):
    """(flatten head, GAP head) parameter counts, read off the arrays of two real heads."""
    rng = np.random.default_rng(303)
    maps = rng.standard_normal((2, C, H, W))
    flat_head = (np.zeros((K, C * H * W)), np.zeros(K))
    gap_head = (np.zeros((K, C)), np.zeros(K))
    dense_forward(flatten(maps), *flat_head)  # the heads really fit the maps
    dense_forward(global_avgpool_forward(maps)[0], *gap_head)
    expected = (sum(p.size for p in flat_head), sum(p.size for p in gap_head))
    got = int_tuple(answer)
    if got is None or len(got) != 2:
        return False, tr(f"answer with a tuple of two whole numbers (flatten_head, gap_head), got {answer!r}",
                         f"请用两个整数组成的元组 (flatten_head, gap_head) 作答，收到的是 {answer!r}")
    if got == expected:
        return True, tr(
            f"flatten head {expected[0]:,} parameters, GAP head {expected[1]:,}: {expected[0] / expected[1]:.0f}x fewer",
            f"展平头 {expected[0]:,} 个参数，GAP 头 {expected[1]:,} 个：参数少到约 1/{expected[0] / expected[1]:.0f}")
    if got == expected[::-1]:
        return False, tr("the two numbers are swapped: the flatten head is the larger one", "两个数弄反了：展平头的参数更多")
    hints = []
    for name, g, e in (("flatten head", got[0], expected[0]), ("GAP head", got[1], expected[1])):
        if g == e:
            continue
        if g == e - K:
            hints.append(tr(f"the {name} count is missing the {K} biases", f"{_HEADS_ZH[name]}的参数个数漏了 {K} 个偏置"))
        elif name == "GAP head" and g == H * W * K + K:
            hints.append(tr("GAP averages over H and W and keeps the channels: it gives C numbers",
                            "GAP 在 H 和 W 上求平均、保留通道：它输出 C 个数"))
        else:
            hints.append(tr(
                f"the {name} count is not right: its weight matrix has one row per class, one column per input number",
                f"{_HEADS_ZH[name]}的参数个数不对：它的权重矩阵每个类别一行，每个输入数一列"))
    return False, tr("; ", "；").join(hints)


@exercise("03.nchw_shape", inputs=_shape_inputs)
def nchw_shape(answer, x_shape, kernels, kernel_size, stride, padding, pool):
    """The NCHW shape after conv + max pool, found by running both layers on zeros."""
    x = np.zeros(x_shape)
    w = np.zeros((kernels, x_shape[1], kernel_size, kernel_size))
    z, _ = conv2d_forward(x, w, np.zeros(kernels), stride, padding)
    a, _ = maxpool2d_forward(z, size=pool, stride=pool)
    expected = a.shape
    got = int_tuple(answer)
    if got is None or len(got) != 4:
        return False, tr(f"answer with a tuple of four whole numbers (N, C, H, W), got {answer!r}",
                         f"请用四个整数组成的元组 (N, C, H, W) 作答，收到的是 {answer!r}")
    if got == expected:
        return True, tr(f"after the pooling the batch is {expected}", f"池化之后这批数据的形状是 {expected}")
    N, Cz, Hz, Wz = expected
    if got == (N, Hz, Wz, Cz):
        return False, tr("that is NHWC (channels last); in NCHW the channel axis comes second",
                         "这是 NHWC（通道在最后）；NCHW 中通道轴排第二")
    if got == z.shape:
        return False, tr("that is the shape after the convolution; the 2x2 pooling halves H and W",
                         "这是卷积之后的形状；2x2 池化还会把 H 和 W 减半")
    if got[1] == x_shape[1]:
        return False, tr("the convolution's output has one channel per kernel, not per input channel",
                         "卷积的输出每个卷积核一个通道，而不是每个输入通道一个")
    if got[0] != N:
        return False, tr("the batch axis N does not change through a layer", "批量轴 N 经过一层后不变")
    return False, tr("a kernel of size k fits H - k + 1 times along an axis (stride 1, no padding); then 2x2 pooling halves that",
                     "大小为 k 的卷积核沿一个轴能放 H - k + 1 次（步幅 1，无填充）；然后 2x2 池化再减半")
