"""Exercises of notebook 05: the MLP's four equations (S8)."""

from __future__ import annotations

import numpy as np

from ..layers import dense_backward, dense_forward, sigmoid, sigmoid_prime, softmax, softmax_cross_entropy
from ..net import ArticleNet
from . import exercise
from ._compare import compare_array, int_tuple
from ._compare import same_array as _same
from ._lang import tr


def _mlp_inputs():
    rng = np.random.default_rng(505)
    return {
        "x": rng.standard_normal((1, 4)),
        "W1": rng.standard_normal((5, 4)),
        "b1": rng.standard_normal(5),
        "W2": rng.standard_normal((3, 5)),
        "b2": rng.standard_normal(3),
        "y": np.array([2]),
    }


def _forward(x, W1, b1, W2, b2):
    z1, _ = dense_forward(x, W1, b1)
    z2, cache2 = dense_forward(sigmoid(z1), W2, b2)
    return z1, z2, cache2


@exercise("05.shape_dW2")
def shape_dW2(answer):
    """A layer maps 5 activations to 3 neurons: what shape is dC/dW2?"""
    expected = dense_backward(np.zeros((1, 3)), dense_forward(np.zeros((1, 5)), np.zeros((3, 5)), np.zeros(3))[1])[1].shape
    got = int_tuple(answer)
    if got == expected:
        return True, tr(f"dC/dW2 has the shape of W2, {expected}: one entry per weight",
                        f"dC/dW2 与 W2 形状相同，为 {expected}：每个权重对应一个元素")
    if got == expected[::-1]:
        return False, tr("that is transposed: BP4 is delta2 (a1)^T, so the rows follow the layer's 3 neurons, "
                         "the columns its 5 inputs",
                         "转置了：BP4 是 delta2 (a1)^T，所以行对应这一层的 3 个神经元，列对应它的 5 个输入")
    return False, tr("BP4 is an outer product delta2 (a1)^T: rows follow the layer's neurons, columns the inputs",
                     "BP4 是外积 delta2 (a1)^T：行对应这一层的神经元，列对应输入")


@exercise("05.delta2", inputs=_mlp_inputs)
def delta2(answer, x, W1, b1, W2, b2, y):
    """Softmax + cross-entropy output layer: delta2 = dC/dz2 for the single example."""
    _, z2, _ = _forward(x, W1, b1, W2, b2)
    _, expected = softmax_cross_entropy(z2, y)
    ok, msg = compare_array(answer, expected, "delta2")
    if ok or np.shape(answer) != expected.shape:
        return ok, msg
    a2, onehot = softmax(z2), np.eye(z2.shape[1])[y]
    if _same(answer, a2):
        return False, msg + tr("; that is a2 itself: the error compares the prediction with the target, subtract onehot(y)",
                               "；这是 a2 本身：误差要把预测和目标相比较，减去 onehot(y)")
    if _same(answer, (a2 - onehot) * a2 * (1 - a2)):
        return False, msg + tr("; that is BP1 element-wise with sigma' = a(1 - a), but softmax is not element-wise: with "
                               "cross-entropy the whole Jacobian collapses and no sigma' factor is left",
                               "；这是按元素套用 BP1、取 sigma' = a(1 - a)，但 softmax 不是按元素的函数："
                               "配上交叉熵，整个雅可比矩阵化简后不剩 sigma' 因子")
    if _same(answer, onehot - a2):
        return False, msg + tr("; check the sign: the error is prediction minus target", "；检查符号：误差是预测减目标")
    if _same(answer, sigmoid(z2) - onehot):
        return False, msg + tr("; the output activation here is softmax, not the sigmoid of the hidden layer",
                               "；这里输出层的激活函数是 softmax，不是隐藏层的 sigmoid")
    return False, msg + tr("; with softmax + cross-entropy, delta2 = a2 - onehot(y): no sigma' factor",
                           "；softmax 加交叉熵时，delta2 = a2 - onehot(y)：没有 sigma' 因子")


@exercise("05.delta1", inputs=_mlp_inputs)
def delta1(answer, x, W1, b1, W2, b2, y):
    """BP2: delta1 = (W2^T delta2) * sigma'(z1)."""
    z1, z2, cache2 = _forward(x, W1, b1, W2, b2)
    _, d2 = softmax_cross_entropy(z2, y)
    without = dense_backward(d2, cache2)[0]
    expected = without * sigmoid_prime(z1)
    ok, msg = compare_array(answer, expected, "delta1")
    if ok or np.shape(answer) != expected.shape:
        return ok, msg
    if _same(answer, without):
        return False, msg + tr("; you have W2^T delta2, now multiply by sigma'(z1) element-wise",
                               "；W2^T delta2 已经有了，现在再按元素乘以 sigma'(z1)")
    if _same(answer, without * sigmoid(z1)):
        return False, msg + tr("; multiply by the derivative sigma'(z1) = sigma(z1)(1 - sigma(z1)), not by sigma(z1)",
                               "；要乘以导数 sigma'(z1) = sigma(z1)(1 - sigma(z1))，而不是 sigma(z1)")
    return False, msg + tr("; BP2 is (W2^T delta2) times sigma'(z1), element by element",
                           "；BP2 是 (W2^T delta2) 与 sigma'(z1) 逐元素相乘")


# The exercise's network: the article's, with the 20 kernels of its S2 example instead of 3.
FD_CHANNELS = 20


def _article_parameters(channels: int = FD_CHANNELS) -> dict:
    """Parameter counts of bp.ArticleNet(channels=...) by name: {'W1': ..., 'b1': ..., 'W4': ..., 'b4': ...}."""
    return {name: int(p.size) for name, p in ArticleNet(channels=channels).params().items()}


@exercise("05.fd_passes")
def fd_passes(answer):
    """Forward passes needed to check every parameter of bp.ArticleNet(channels=20) by central differences."""
    sizes = _article_parameters()
    P = sum(sizes.values())
    got = int_tuple(answer)
    if got is None or len(got) != 1:
        return False, tr(f"answer with one whole number, got {answer!r}", f"请用一个整数作答，收到的是 {answer!r}")
    value = got[0]
    if value == 2 * P:
        return True, tr(
            f"2P = 2 x {P:,} = {2 * P:,} forward passes, against about one forward and one backward pass for backprop",
            f"2P = 2 x {P:,} = {2 * P:,} 次前向传播，而反向传播只需大约一次前向加一次反向")
    if value == P:
        return False, tr("that is one pass per parameter; central differences evaluate the cost twice per parameter (+h and -h)",
                         "这是每个参数一次传播；中心差分对每个参数要计算两次代价（+h 和 -h）")
    if value == P + 1:
        return False, tr("that counts one-sided differences (one base pass plus one per parameter); "
                         "central differences use +h and -h",
                         "这算的是单侧差分（一次基准传播，加上每个参数一次）；中心差分要用 +h 和 -h")
    small = sum(_article_parameters(3).values())
    if value in (2 * small, 2 * (small - sum(_article_parameters(3)[k] for k in ('W1', 'b1')) + 26 * FD_CHANNELS)):
        return False, tr(f"with {FD_CHANNELS} kernels the conv layer grows, and so does the flattened layer: "
                         f"{FD_CHANNELS} maps of 12 x 12 feed the dense layer",
                         f"有 {FD_CHANNELS} 个卷积核时，卷积层变大了，展平层也随之变大："
                         f"{FD_CHANNELS} 张 12 x 12 的特征图送入全连接层")
    if value in (2 * (sizes["W4"] + sizes["b4"]), 2 * (sizes["W1"] + sizes["W4"])):
        return False, tr("some parameters are missing: count every weight and every bias, of the convolution and the dense layer",
                         "漏了一些参数：卷积层和全连接层的每个权重、每个偏置都要算上")
    return False, tr("count the parameters P of W1, b1, W4 and b4 (net.params()), then the cost evaluations per parameter",
                     "先数出 W1、b1、W4 和 b4 的参数个数 P（net.params()），再数每个参数要计算几次代价")
