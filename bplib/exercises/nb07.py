"""Exercises of notebook 07: unpooling, the pooling layer's backward pass (S10, S11)."""

from __future__ import annotations

import numpy as np

from ..layers import relu, relu_prime, sigmoid_prime
from ..pool import avgpool2d_backward, avgpool2d_forward, maxpool2d_backward, maxpool2d_forward
from . import exercise
from ._compare import compare_array
from ._compare import same_array as _same
from ._lang import tr


def _pool_inputs():
    """A ReLU output a1 (1, 2, 4, 4) with ties (a window of zeros, a window with two equal maxima) and delta2 (1, 2, 2, 2)."""
    rng = np.random.default_rng(707)
    a1 = np.round(np.maximum(rng.standard_normal((1, 2, 4, 4)), 0.0), 1)
    a1[0, 0, 0:2, 0:2] = 0.0  # blank background: four equal maxima
    a1[0, 1, 2:4, 2:4] = [[0.4, 0.9], [0.9, 0.2]]  # two positive maxima
    a1[0, 1, 0:2, 0:2] = [[0.3, 0.5], [1.2, 0.8]]  # one clear winner
    delta2 = np.round(rng.standard_normal((1, 2, 2, 2)), 2)
    return {"a1": a1, "delta2": delta2}


def _blocks(a, KH=2, KW=2) -> np.ndarray:
    """(N, C, h, w) -> (N, C, KH*h, KW*w): every cell copied into its window (non-overlapping windows)."""
    return np.repeat(np.repeat(a, KH, axis=2), KW, axis=3)


def _every_tied(a1, delta2):
    """The usual mistake: delta sent to every cell equal to its window's maximum."""
    return np.where(a1 == _blocks(maxpool2d_forward(a1, 2, 2)[0]), _blocks(delta2), 0.0)


def _last_max(a1, delta2):
    """delta sent to the LAST maximum in row-major window order (the mirror image of the convention)."""
    flipped = a1[..., ::-1, ::-1]  # reversing the map reverses each window's row-major order
    _, cache = maxpool2d_forward(flipped, 2, 2)
    return maxpool2d_backward(delta2[..., ::-1, ::-1], cache)[..., ::-1, ::-1]


@exercise("07.unpool_max", inputs=_pool_inputs)
def unpool_max(answer, a1, delta2):
    """dC/da1 through a 2 x 2 max pooling with stride 2, ties included."""
    _, cache = maxpool2d_forward(a1, size=2, stride=2)
    expected = maxpool2d_backward(delta2, cache)
    ok, msg = compare_array(answer, expected, "dC/da1", tol=1e-9)
    if ok:
        return True, msg + tr(": each delta sits on its window's first maximum, the other cells are 0",
                              "：每个 delta 都落在所在窗口的第一个最大值处，其余格子为 0")
    if np.shape(answer) != expected.shape:
        return False, msg + tr("; unpooling gives back the shape of the pooling input a1", "；反池化得到的是池化输入 a1 的形状")
    if _same(answer, _every_tied(a1, delta2)):
        return False, msg + tr("; some windows have several equal maxima (a window of zeros, two 0.9s): the error goes to "
                               "one cell only, the first maximum in row-major order (PyTorch's convention)",
                               "；有些窗口里有好几个相等的最大值（一个全零的窗口、两个 0.9）：误差只传给一个格子，"
                               "即按行优先顺序的第一个最大值（PyTorch 的约定）")
    if _same(answer, _last_max(a1, delta2)):
        return False, msg + tr("; at a tie the convention is the FIRST maximum in row-major order (top-left first), not the last",
                               "；并列时的约定是按行优先顺序（从左上开始）的第一个最大值，而不是最后一个")
    if _same(answer, _blocks(delta2)) or _same(answer, _blocks(delta2) / 4):
        return False, msg + tr(
            "; that spreads delta over the whole window; max pooling sends it to the maximum only, 0 elsewhere",
            "；这把 delta 铺满了整个窗口；最大池化只把它传给最大值处，其余为 0")
    return False, msg + tr(
        "; in each 2 x 2 window, put that window's delta on the cell holding the maximum of a1, 0 on the others",
        "；在每个 2 x 2 窗口中，把该窗口的 delta 放在 a1 最大值所在的格子上，其余格子为 0")


@exercise("07.unpool_avg", inputs=_pool_inputs)
def unpool_avg(answer, a1, delta2):
    """dC/da1 through a 2 x 2 average pooling with stride 2."""
    _, cache = avgpool2d_forward(a1, size=2, stride=2)
    expected = avgpool2d_backward(delta2, cache)
    ok, msg = compare_array(answer, expected, "dC/da1", tol=1e-9)
    if ok:
        return True, msg + tr(
            ": every cell of a window gets delta / |R| = delta / 4",
            "：窗口里每个格子都得到 delta / |R| = delta / 4")
    if np.shape(answer) != expected.shape:
        return False, msg + tr("; unpooling gives back the shape of the pooling input a1", "；反池化得到的是池化输入 a1 的形状")
    if _same(answer, _blocks(delta2)):
        return False, msg + tr(
            "; each cell contributed 1/|R| of the average, so it gets 1/|R| of delta: divide by the window size",
            "；每个格子对平均值贡献了 1/|R|，所以它得到 delta 的 1/|R|：要除以窗口大小")
    _, max_cache = maxpool2d_forward(a1, 2, 2)
    if _same(answer, maxpool2d_backward(delta2, max_cache)):
        return False, msg + tr("; that is the max-pooling rule; an average uses every cell of the window equally",
                               "；这是最大池化的规则；平均值对窗口里每个格子一视同仁")
    return False, msg + tr("; copy each delta into its 2 x 2 window, divided by the number of cells in the window",
                           "；把每个 delta 复制到它的 2 x 2 窗口里，再除以窗口的格子数")


def _relu_layer_inputs():
    """z1 (1, 2, 4, 4) of a ReLU conv layer and da1 = unpool(delta2) through its 2 x 2 max pooling."""
    rng = np.random.default_rng(717)
    z1 = np.round(rng.standard_normal((1, 2, 4, 4)), 2)
    z1[0, 0, 2:4, 0:2] = [[-0.6, -0.2], [-1.1, -0.4]]  # an all-negative window: its winner has relu' = 0
    a1, cache = maxpool2d_forward(relu(z1), 2, 2)
    delta2 = np.round(rng.standard_normal(a1.shape), 2)
    return {"da1": maxpool2d_backward(delta2, cache), "z1": z1}


@exercise("07.delta1_relu", inputs=_relu_layer_inputs)
def delta1_relu(answer, da1, z1):
    """delta1 = dC/dz1 = da1 * relu'(z1)."""
    expected = da1 * relu_prime(z1)
    ok, msg = compare_array(answer, expected, "delta1", tol=1e-9)
    if ok:
        return True, msg + tr(": unpool(delta2) * relu'(z1); errors of cells with z1 <= 0 are switched off",
                              "：unpool(delta2) * relu'(z1)；z1 <= 0 的格子的误差被关掉了")
    if np.shape(answer) != expected.shape:
        return ok, msg
    if _same(answer, da1):
        return False, msg + tr("; that is dC/da1 = unpool(delta2); the layer's activation is still to be crossed: "
                               "multiply by sigma'(z1)",
                               "；这是 dC/da1 = unpool(delta2)；还要穿过这一层的激活函数：乘以 sigma'(z1)")
    if _same(answer, da1 * relu(z1)):
        return False, msg + tr("; multiply by the derivative relu'(z1) (1 where z1 > 0, else 0), not by relu(z1)",
                               "；要乘以导数 relu'(z1)（z1 > 0 处为 1，否则为 0），而不是 relu(z1)")
    if _same(answer, da1 * sigmoid_prime(z1)):
        return False, msg + tr(
            "; this layer's activation is ReLU, so sigma' is relu'",
            "；这一层的激活函数是 ReLU，所以 sigma' 就是 relu'")
    return False, msg + tr("; delta1 = da1 * sigma'(z1), element by element, with sigma = ReLU",
                           "；delta1 = da1 * sigma'(z1)，逐元素相乘，其中 sigma = ReLU")
