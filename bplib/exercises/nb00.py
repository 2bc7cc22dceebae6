"""Exercises of notebook 00: how to use this course (a first taste of S1)."""

from __future__ import annotations

import numpy as np

from ..conv import conv2d_forward
from . import exercise
from ._compare import compare_number
from ._lang import tr


def _steps_inputs():
    """The demo widget's geometry: a 3x3 kernel on a 5x5 input, stride 1, no padding."""
    return {"H": 5, "K": 3}


def _first_cell_inputs():
    """A small integer input x (5, 5), a kernel w (3, 3) and a bias b: numbers one can add up by hand."""
    rng = np.random.default_rng(2003)
    return {
        "x": rng.integers(0, 4, (5, 5)).astype(np.float64),
        "w": rng.integers(-1, 2, (3, 3)).astype(np.float64),
        "b": 0.5,
    }


def _one_number(answer, what: str):
    """(value, None) for a single number, or (None, hint) for anything else."""
    if np.ndim(answer) != 0:
        return None, tr(f"answer with one number ({what}), got something of shape {np.shape(answer)}",
                        f"请用一个数作答（{what}），收到的却是形状为 {np.shape(answer)} 的数组")
    try:
        return float(answer), None
    except (TypeError, ValueError):
        return None, tr(f"answer with one number ({what}), got {answer!r}", f"请用一个数作答（{what}），收到的是 {answer!r}")


@exercise("00.n_steps", inputs=_steps_inputs)
def n_steps(answer, H, K):
    """How many steps does the sliding kernel take (one per output cell) for a KxK kernel on an HxH input?"""
    z, _ = conv2d_forward(np.zeros((1, 1, H, H)), np.zeros((1, 1, K, K)), None)
    expected = z.shape[2] * z.shape[3]
    value, hint = _one_number(answer, tr("the number of steps", "步数"))
    if hint:
        return False, hint
    if value == expected:
        return True, tr(f"{expected} steps: the {K}x{K} window fits in {z.shape[3]} places along a row and {z.shape[2]} down",
                        f"{expected} 步：{K}x{K} 的窗口沿一行有 {z.shape[3]} 个位置，向下有 {z.shape[2]} 个位置")
    if value == H * H:
        return False, tr(f"that is the number of input pixels; the whole {K}x{K} window must stay inside the {H}x{H} input",
                         f"这是输入的像素个数；整个 {K}x{K} 窗口必须完全落在 {H}x{H} 的输入之内")
    if value == (H - K) ** 2:
        return False, tr("almost: count the positions, not the gaps; the window can start at column 0, 1, ... up to H - K",
                         "差一点：数的是位置，不是间隔；窗口的起始列可以是 0, 1, ……，一直到 H - K")
    if value == z.shape[3]:
        return False, tr("that is one row of positions; the window also moves down, row after row",
                         "这只是一行的位置数；窗口还会一行接一行地向下移动")
    return False, tr("one step per output cell: count where the whole window fits, along a row and down the columns",
                     "每个输出格子对应一步：数一数整个窗口能放下的位置，沿行方向和向下各数一遍")


@exercise("00.first_cell", inputs=_first_cell_inputs)
def first_cell(answer, x, w, b):
    """z[0, 0] = sum of the top-left KxK window of x times w, plus b."""
    K = w.shape[0]
    z, _ = conv2d_forward(x[None, None], w[None, None], np.array([b]))
    expected = float(z[0, 0, 0, 0])
    value, hint = _one_number(answer, "z[0, 0]")
    if hint:
        return False, hint
    if compare_number(value, expected, "")[0]:
        return True, tr(f"z[0, 0] = {expected:g}: nine products, one sum, one bias",
                        f"z[0, 0] = {expected:g}：九个乘积，求一次和，加一个偏置")
    wrong = [
        (expected - b, tr("you have the sum of the products; now add the bias b", "乘积之和已经对了；还要加上偏置 b")),
        (float(np.sum(x[:K, :K] * w[::-1, ::-1]) + b),
         tr("the kernel is not flipped here: multiply x[u, v] by w[u, v], the same (u, v)",
            "这里卷积核不翻转：x[u, v] 乘以同一位置 (u, v) 的 w[u, v]")),
        (float(np.sum(x[:K, :K]) + b), tr("multiply each pixel by the kernel weight on top of it before adding",
                                          "先把每个像素乘以覆盖在它上面的卷积核权重，再相加")),
        (float(np.sum(x[1 : K + 1, 1 : K + 1] * w) + b),
         tr(f"z[0, 0] uses the top-left window: rows 0..{K - 1}, columns 0..{K - 1}",
            f"z[0, 0] 用的是左上角的窗口：第 0..{K - 1} 行、第 0..{K - 1} 列")),
    ]
    for candidate, message in wrong:
        if compare_number(value, candidate, "")[0]:
            return False, message
    return False, tr(f"z[0, 0] = sum over u, v of w[u, v] * x[u, v] (u, v = 0..{K - 1}), plus b",
                     f"z[0, 0] = 对 u, v 求 w[u, v] * x[u, v] 的和（u, v = 0..{K - 1}），再加上 b")
