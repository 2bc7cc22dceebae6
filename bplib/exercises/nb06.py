"""Exercises of notebook 06: the article's network, forward pass and the output layer's backward pass (S9)."""

from __future__ import annotations

import numpy as np

from ..layers import dense_backward, dense_forward, flatten, softmax_cross_entropy
from ..net import ArticleNet
from . import exercise
from ._compare import compare_array, int_tuple
from ._compare import same_array as _same
from ._lang import tr

# The exercise asks where delta2[1, 11, 0] lands in delta3.
FLAT_CELL = (1, 11, 0)


def _head_inputs():
    """Five images' flattened features a3 (>= 0, as after ReLU and max pooling), the output layer and labels."""
    rng = np.random.default_rng(606)
    net = ArticleNet(seed=6, dtype=np.float64)
    return {
        "a3": np.maximum(rng.standard_normal((5, net.W4.shape[1])), 0.0),
        "W4": net.W4.copy(),
        "b4": 0.1 * rng.standard_normal(net.W4.shape[0]),
        "y": np.array([3, 0, 9, 3, 6]),
    }


@exercise("06.shape_dW4")
def shape_dW4(answer):
    """The shape of dC/dW4 in the article's network."""
    net = ArticleNet(dtype=np.float64)
    trace = net.forward(np.zeros((1, 1, 28, 28)))
    expected = net.backward(trace, np.array([0])).dW4.shape
    try:
        got = int_tuple(answer)  # None for 4.9: a shape is whole numbers, never truncated
        if got is None:
            raise ValueError(answer)
    except (TypeError, ValueError):
        return False, tr(f"answer with a tuple of integers, got {answer!r}", f"请用整数元组作答，收到的是 {answer!r}")
    if got == expected:
        return True, tr(f"dC/dW4 has the shape of W4, {expected}: one number per weight",
                        f"dC/dW4 与 W4 形状相同，为 {expected}：每个权重对应一个数")
    if got == expected[::-1]:
        return False, tr(
            "that is transposed: in delta4 (a3)^T the rows follow the output neurons, the columns the flattened inputs",
            "转置了：在 delta4 (a3)^T 中，行对应输出神经元，列对应展平后的输入")
    return False, tr("dC/dW4 = delta4 (a3)^T: count the output neurons (rows) and the flattened features a3 (columns)",
                     "dC/dW4 = delta4 (a3)^T：数一数输出神经元（行）和展平后的特征 a3（列）")


@exercise("06.delta4", inputs=_head_inputs)
def delta4(answer, a3, W4, b4, y):
    """delta4 = dC/dz4 of the mean cross-entropy over a batch of 5."""
    z4, _ = dense_forward(a3, W4, b4)
    _, expected = softmax_cross_entropy(z4, y)
    ok, msg = compare_array(answer, expected, "delta4")
    if ok or np.shape(answer) != expected.shape:
        return ok, msg
    if _same(answer, expected * len(y)):
        return False, msg + tr(
            "; that is a4 - y for each image, but C is the mean over the batch: what factor does the mean bring?",
            "；这是每张图像的 a4 - y，但 C 是整批的平均值：求平均会带来什么因子？")
    if _same(answer, expected / len(y)):
        return False, msg + tr("; the factor 1/N appears once, not twice", "；因子 1/N 只出现一次，不是两次")
    if _same(-np.asarray(answer), expected):
        return False, msg + tr("; check the sign: the error is prediction minus target", "；检查符号：误差是预测减目标")
    return False, msg + tr("; start from a4 = softmax(z4) with z4 = a3 W4^T + b4, then subtract the one-hot labels",
                           "；从 a4 = softmax(z4)（其中 z4 = a3 W4^T + b4）出发，再减去独热编码的标签")


@exercise("06.dW4", inputs=_head_inputs)
def dW4(answer, a3, W4, b4, y):
    """dC/dW4 of the mean cross-entropy over the batch: sum over images of delta4_n (a3_n)^T."""
    z4, cache = dense_forward(a3, W4, b4)
    _, d4 = softmax_cross_entropy(z4, y)
    expected = dense_backward(d4, cache)[1]
    if np.shape(answer) == expected.shape[::-1]:
        return False, tr(f"dW4 has shape {np.shape(answer)}, expected {expected.shape}: the rows follow the 10 output neurons",
                         f"dW4 的形状是 {np.shape(answer)}，应为 {expected.shape}：行对应 10 个输出神经元")
    ok, msg = compare_array(answer, expected, "dW4")
    if ok or np.shape(answer) != expected.shape:
        return ok, msg
    if _same(answer, expected * len(y)):
        return False, msg + tr("; the 1/N of the mean cost is missing (it lives in delta4)",
                               "；漏了平均代价的 1/N（它包含在 delta4 里）")
    if _same(answer, expected / len(y)):
        return False, msg + tr("; the weight gradient sums the per-image terms: the 1/N is already inside delta4",
                               "；权重梯度是把每张图像的项加起来：1/N 已经在 delta4 里了")
    return False, msg + tr("; BP4 for a batch: sum over the images of the outer products delta4_n (a3_n)^T",
                           "；一批数据的 BP4：对所有图像的外积 delta4_n (a3_n)^T 求和")


@exercise("06.flat_index")
def flat_index(answer):
    """Which flat index of delta3 holds delta2[1, 11, 0]?"""
    shape = (1, 3, 12, 12)
    marker = np.zeros(shape)
    marker[(0,) + FLAT_CELL] = 1.0
    expected = int(np.argmax(flatten(marker)[0]))
    try:
        value = int(answer)
    except (TypeError, ValueError):
        return False, tr(f"answer with one integer, got {answer!r}", f"请用一个整数作答，收到的是 {answer!r}")
    if value != answer:
        return False, tr(f"answer with one integer, got {answer!r}", f"请用一个整数作答，收到的是 {answer!r}")
    if value == expected:
        return True, tr(f"delta2{list(FLAT_CELL)} is entry {expected} of delta3: whole channels first, then rows, then columns",
                        f"delta2{list(FLAT_CELL)} 是 delta3 的第 {expected} 个元素：先是整个通道，再是行，最后是列")
    C, H, W = shape[1:]
    c, h, w = FLAT_CELL
    if value == c + h * C + w * C * H or value == w * C * H + h * C + c or value == c + w * C + h * C * W:
        return False, tr("that ordering lets the channel change fastest; flatten keeps each channel's 12 x 12 map in one piece",
                         "这种顺序让通道变化最快；展平时每个通道的 12 x 12 特征图是连在一起的")
    if value == c * H * W + w * H + h:
        return False, tr("rows and columns are swapped: within a channel, flatten reads row by row (row-major)",
                         "行和列弄反了：在一个通道内，展平是逐行读取的（行优先）")
    return False, tr("count the numbers that come before it: whole channels of 12 x 12, then whole rows of 12, then the column",
                     "数一数它前面有多少个数：先是若干个完整的 12 x 12 通道，再是若干个完整的 12 个数的行，最后是列")
