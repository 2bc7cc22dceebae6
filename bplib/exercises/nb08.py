"""Exercises of notebook 08: the convolution layer's bias and weight gradients (S12), and a kernel learned with them."""

from __future__ import annotations

from functools import partial

import numpy as np

from ..conv import conv2d_backward, conv2d_forward, rot180
from ..gradcheck import rel_error
from . import exercise
from ._compare import compare_array, compare_number, int_tuple, same_array
from ._lang import tr

_same = partial(same_array, tol=1e-9)  # this notebook's answers are exact to 1e-9

PEN = (1, 2)  # the (u, v) of exercise 08.dW_entry
LAYER = {"C": 3, "H": 32, "F": 16, "K": 5, "padding": 2}  # exercise 08.shape_dW


def _conv_grads(x_shape, w_shape, delta, stride=1, padding=0, x=None):
    """conv2d_backward's (dx, dw, db) for the error delta of a convolution of these shapes (x zeros unless given)."""
    x = np.zeros(x_shape) if x is None else x
    _, cache = conv2d_forward(x, np.zeros(w_shape), None, stride=stride, padding=padding)
    return conv2d_backward(delta, cache)


def _db_inputs():
    rng = np.random.default_rng(808)
    return {"delta": np.round(rng.standard_normal((2, 3, 5, 5)), 2)}


@exercise("08.db", inputs=_db_inputs)
def db(answer, delta):
    """dC/db = the error maps summed over the batch and over each map's cells."""
    N, F, Ho, Wo = delta.shape
    expected = _conv_grads((N, 1, Ho + 2, Wo + 2), (F, 1, 3, 3), delta)[2]
    ok, msg = compare_array(answer, expected, "dC/db", tol=1e-9)
    if ok:
        return True, msg + tr(": each bias collects every error of its map, in every image",
                              "：每个偏置收集它那张特征图在每张图像中的全部误差")
    per_image = delta.sum(axis=(2, 3))
    if _same(answer, per_image):
        return False, tr(
            f"dC/db has shape {np.shape(answer)}, expected {expected.shape}: also sum over the {N} images of the batch",
            f"dC/db 的形状是 {np.shape(answer)}，应为 {expected.shape}：还要对这批的 {N} 张图像求和")
    if np.ndim(answer) == 0 and compare_number(answer, float(expected.sum()), "", tol=1e-9)[0]:
        return False, tr(
            f"that is one number for the whole layer; there is one bias per kernel, {F} in all: keep the kernel axis",
            f"这是整层只有一个数；每个卷积核有一个偏置，共 {F} 个：要保留卷积核那一轴")
    if np.shape(answer) != expected.shape:
        return False, msg + tr("; one number per kernel: sum over every axis except the kernel axis (axis 1)",
                               "；每个卷积核一个数：对除卷积核轴（axis 1）以外的所有轴求和")
    if _same(answer, delta.mean(axis=(0, 2, 3))) or _same(answer, delta.mean(axis=(2, 3)).sum(axis=0)):
        return False, msg + tr("; the bias enters every cell with coefficient 1, so every cell adds its full error: "
                               "a sum, not a mean",
                               "；偏置以系数 1 进入每个格子，所以每个格子都加上它的全部误差：是求和，不是求平均")
    if _same(answer, expected / N):
        return False, msg + tr("; the 1/N of a mean loss is already inside delta: just add up",
                               "；平均损失的 1/N 已经在 delta 里了：直接相加即可")
    return False, msg + tr("; sum delta over the batch (axis 0) and over the rows and columns (axes 2, 3)",
                           "；对 delta 在批量（axis 0）以及行和列（axes 2, 3）上求和")


def _dw_entry_inputs():
    rng = np.random.default_rng(818)
    return {"a0": np.round(rng.standard_normal((6, 6)), 1), "delta": np.round(rng.standard_normal((4, 4)), 1)}


@exercise("08.dW_entry", inputs=_dw_entry_inputs)
def dW_entry(answer, a0, delta):
    """dC/dW[u, v] = sum_{i,j} delta[i, j] * a0[i + u, j + v] for (u, v) = PEN, a 3 x 3 kernel, stride 1."""
    dw = _conv_grads((1, 1) + a0.shape, (1, 1, 3, 3), delta[None, None], x=a0[None, None])[1][0, 0]
    u, v = PEN
    if np.ndim(answer) != 0:
        return False, tr(f"answer with one number, dC/dW[{u}, {v}]; got an array of shape {np.shape(answer)}",
                         f"请用一个数 dC/dW[{u}, {v}] 作答；收到的却是形状为 {np.shape(answer)} 的数组")
    try:
        float(answer)
    except (TypeError, ValueError):
        return False, tr(f"answer with one number, dC/dW[{u}, {v}]; got {answer!r}",
                         f"请用一个数 dC/dW[{u}, {v}] 作答；收到的是 {answer!r}")
    ok, _ = compare_number(answer, dw[u, v], "", tol=1e-9)
    msg = f"dC/dW[{u}, {v}] = {float(answer):.4g}" + ("" if ok else tr(" is not right", " 不对"))
    if ok:
        return True, msg + tr(f": delta laid on a0 with its top-left corner at ({u}, {v}), multiplied and summed",
                              f"：把 delta 放在 a0 上、左上角对准 ({u}, {v})，逐个相乘再求和")
    if compare_number(answer, dw[v, u], "", tol=1e-9)[0]:
        return False, msg + tr(
            f"; rows and columns are swapped: u = {u} shifts the rows, v = {v} the columns: a0[i + {u}, j + {v}]",
            f"；行和列弄反了：u = {u} 平移的是行，v = {v} 平移的是列：a0[i + {u}, j + {v}]")
    for (p, q), value in np.ndenumerate(dw):
        if compare_number(answer, value, "", tol=1e-9)[0]:
            return False, msg + tr(f"; that is the entry for (u, v) = ({p}, {q}); the pen should sit at ({u}, {v})",
                                   f"；这是 (u, v) = ({p}, {q}) 的元素；笔尖应该在 ({u}, {v})")
    return False, msg + tr(f"; sum over all (i, j) of delta[i, j] * a0[i + {u}, j + {v}]: "
                           f"the 4 x 4 square of a0 starting at ({u}, {v})",
                           f"；对所有 (i, j) 求 delta[i, j] * a0[i + {u}, j + {v}] 的和："
                           f"即 a0 中从 ({u}, {v}) 开始的 4 x 4 方块")


@exercise("08.shape_dW")
def shape_dW(answer):
    """The shape of dC/dW for 16 kernels of 5 x 5 on 3 input channels of 32 x 32 (padding 2)."""
    C, H, F, K, p = LAYER["C"], LAYER["H"], LAYER["F"], LAYER["K"], LAYER["padding"]
    Ho = H + 2 * p - K + 1
    expected = _conv_grads((1, C, H, H), (F, C, K, K), np.zeros((1, F, Ho, Ho)), padding=p)[1].shape
    try:
        got = int_tuple(answer)  # None for 4.9: a shape is whole numbers, never truncated
        if got is None:
            raise ValueError(answer)
    except (TypeError, ValueError):
        return False, tr(f"answer with a tuple of integers, got {answer!r}", f"请用整数元组作答，收到的是 {answer!r}")
    if got == expected:
        return True, tr(f"dC/dW has the shape of W, {expected}: one number per weight",
                        f"dC/dW 与 W 形状相同，为 {expected}：每个权重对应一个数")
    if got == (F, K, K):
        return False, tr(f"each kernel has a depth: one {K} x {K} slice per input channel ({C} of them)",
                         f"每个卷积核都有深度：每个输入通道一片 {K} x {K}（共 {C} 片）")
    if got == (C, F, K, K):
        return False, tr("the order is (kernels, input channels, rows, columns), as W itself: (F, C, KH, KW)",
                         "顺序是（卷积核、输入通道、行、列），和 W 本身一样：(F, C, KH, KW)")
    if K not in got[-2:]:
        return False, tr("one number per weight, not per pixel: the image size does not appear in the shape of W",
                         "每个权重一个数，而不是每个像素一个：图像尺寸不会出现在 W 的形状里")
    return False, tr("dC/dW has the shape of W: (number of kernels, input channels, kernel rows, kernel columns)",
                     "dC/dW 与 W 形状相同：（卷积核个数、输入通道数、卷积核行数、卷积核列数）")


LEARN = {"N": 16, "H": 10, "K": 3}  # exercise 08.learn_kernel: 16 input/output pairs of 10 x 10 images, a 3 x 3 kernel
LEARN_TOL = 1e-2  # relative error (norm-wise) the recovered kernel must reach
_NEAR = 0.05  # an answer this close to a known mistake is that mistake


def _hidden_kernel():
    """The kernel 08.learn_kernel hides: a Sobel edge detector, perturbed (fixed seed) so no symmetry hides a flip."""
    rng = np.random.default_rng(8080)
    sobel = np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]])
    return np.round(sobel + 0.3 * rng.standard_normal((3, 3)), 1)


def _learn_inputs():
    rng = np.random.default_rng(888)
    N, H, K = LEARN["N"], LEARN["H"], LEARN["K"]
    x = np.round(rng.standard_normal((N, 1, H, H)), 2)
    y, _ = conv2d_forward(x, _hidden_kernel()[None, None], None)
    return {"x": x, "y": y, "kernel_size": K}


@exercise("08.learn_kernel", inputs=_learn_inputs)
def learn_kernel(answer, x, y, kernel_size):
    """The kernel recovered from (x, y) by gradient descent, compared with the hidden one (relative error < LEARN_TOL)."""
    K = kernel_size
    true = _hidden_kernel()
    a = np.asarray(answer, dtype=np.float64)
    if a.shape == (1, 1, K, K):
        a = a[0, 0]
    if a.shape != (K, K):
        return False, tr(f"answer with the {K} x {K} kernel (or W of shape (1, 1, {K}, {K})), got shape {a.shape}",
                         f"请用 {K} x {K} 的卷积核（或形状为 (1, 1, {K}, {K}) 的 W）作答，收到的形状是 {a.shape}")
    if not np.all(np.isfinite(a)) or np.abs(a).max() > 1e3 * np.abs(true).max():
        return False, tr("the kernel blew up: gradient descent diverged. Step against the gradient, W -= lr * dW, "
                         "and if it still grows, make the learning rate smaller (or divide the cost by the number of cells)",
                         "卷积核爆炸了：梯度下降发散了。沿梯度的反方向走，W -= lr * dW；"
                         "如果它还在变大，就把学习率调小（或把代价除以格子数）")
    z, _ = conv2d_forward(x, a[None, None], None)
    fit = tr(f"it reproduces y with RMS error {np.sqrt(np.mean((z - y) ** 2)):.2g}",
             f"它重现 y 的均方根误差为 {np.sqrt(np.mean((z - y) ** 2)):.2g}")
    err = rel_error(a, true)
    if err < LEARN_TOL:
        order = max(-12, int(np.ceil(np.log10(err)))) if err > 0 else -12  # a power of ten: stable output
        return True, tr(f"the hidden kernel (a Sobel edge detector, perturbed), to a relative error below 1e{order}: "
                        "learned from the data alone, with conv2d_backward's dW",
                        f"正是隐藏的卷积核（加了扰动的 Sobel 边缘检测器），相对误差低于 1e{order}："
                        "只靠数据、用 conv2d_backward 的 dW 学出来的")
    if rel_error(a, rot180(true)) < _NEAR:
        return False, tr("you learned rot180 of it: conv here is cross-correlation (no flip), so predict with "
                         "bp.conv2d_forward, not a textbook convolution that turns the kernel by 180°",
                         "你学到的是它的 rot180：这里的卷积是互相关（不翻转），所以要用 bp.conv2d_forward 来预测，"
                         "而不是把卷积核转 180° 的教科书式卷积")
    if rel_error(a, -true) < _NEAR:
        return False, tr("that is minus the hidden kernel: check the signs of your error (z - y, the prediction minus "
                         "the target) and of your step (W -= lr * dW)",
                         "这是隐藏卷积核的相反数：检查误差的符号（z - y，预测减目标）和更新步的符号（W -= lr * dW）")
    if rel_error(a, true.T) < _NEAR:
        return False, tr("rows and columns are swapped: W[u, v] multiplies x[i + u, j + v], u down the rows",
                         "行和列弄反了：W[u, v] 乘的是 x[i + u, j + v]，u 沿行向下")
    if np.linalg.norm(a) < 0.05 * np.linalg.norm(true):
        return False, tr("the kernel has barely moved from zero: take more steps or a larger learning rate",
                         "卷积核几乎没有离开零：多走几步，或者用更大的学习率")
    cosine = float(np.sum(a * true) / (np.linalg.norm(a) * np.linalg.norm(true)))
    if err < 0.5 or cosine > 0.9:  # close, or pointing the right way and still too short
        return False, tr(f"on the way but not there yet (relative error {err:.1e}; {fit}): take more steps, "
                         "or a larger learning rate while the cost keeps falling",
                         f"方向对了，但还没到（相对误差 {err:.1e}；{fit}）：多走几步，"
                         "或者在代价仍在下降时用更大的学习率")
    return False, tr(f"not the hidden kernel ({fit}). Predict z = conv2d_forward(x, W), take delta = dC/dz for your cost, "
                     "get dW from conv2d_backward and step W -= lr * dW; the cost should fall every step",
                     f"不是隐藏的卷积核（{fit}）。用 z = conv2d_forward(x, W) 做预测，按你的代价取 delta = dC/dz，"
                     "用 conv2d_backward 得到 dW，再走一步 W -= lr * dW；代价应该每一步都下降")
