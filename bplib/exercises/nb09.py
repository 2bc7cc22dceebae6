"""Exercises of notebook 09: backpropagation through a convolution, rot180 and full convolution (S13)."""

from __future__ import annotations

from functools import partial

import numpy as np

from ..conv import conv_output_size, conv_transpose2d, dilate, rot180
from . import exercise
from ._compare import compare_array, compare_number, same_array
from ._lang import tr

_same = partial(same_array, tol=1e-9)  # this notebook's answers are exact to 1e-9

PIXEL = (1, 2)  # the input cell of exercise 09.dx_entry
STRIDE = 2  # exercise 09.dilate
REMAINDER = {"H": 8, "K": 3, "stride": 2, "padding": 1}  # exercise 09.output_padding: (8 + 2 - 3) mod 2 = 1


def _kernel_inputs():
    rng = np.random.default_rng(909)
    return {"W": rng.integers(-9, 10, size=(2, 3)).astype(float)}


@exercise("09.rot180", inputs=_kernel_inputs)
def rot180_kernel(answer, W):
    """rot180(W) for a 2 x 3 kernel: the weight at (u, v) moves to (KH-1-u, KW-1-v)."""
    expected = rot180(W)
    ok, msg = compare_array(answer, expected, "rot180(W)", tol=1e-12)
    if ok:
        return True, msg + tr(": rows reversed and columns reversed, the shape unchanged", "：行倒序、列也倒序，形状不变")
    if _same(answer, W.T) or _same(answer, W.T[::-1, ::-1]):
        return False, tr("that is a transpose (u and v swapped, shape 3 x 2); rot180 turns the kernel in its plane "
                         "and keeps its shape",
                         "这是转置（u 和 v 互换，形状变成 3 x 2）；rot180 是把卷积核在平面内旋转，形状保持不变")
    if _same(answer, np.rot90(W)) or _same(answer, np.rot90(W, -1)):
        return False, tr("that is a quarter turn (90°); rot180 is two quarter turns: the shape stays 2 x 3",
                         "这是转了四分之一圈（90°）；rot180 是转两个四分之一圈：形状仍是 2 x 3")
    if _same(answer, W[::-1]):
        return False, msg + tr("; you flipped it upside down; now also flip it left to right", "；你做了上下翻转；还要再左右翻转")
    if _same(answer, W[:, ::-1]):
        return False, msg + tr("; you flipped it left to right; now also flip it upside down", "；你做了左右翻转；还要再上下翻转")
    if _same(answer, W):
        return False, msg + tr("; that is W itself: reverse the order of the rows and of the columns",
                               "；这就是 W 本身：要把行的顺序和列的顺序都倒过来")
    return False, msg + tr("; the weight at (u, v) goes to (KH - 1 - u, KW - 1 - v)",
                           "；位于 (u, v) 的权重移到 (KH - 1 - u, KW - 1 - v)")


def _dx_inputs():
    rng = np.random.default_rng(919)
    return {"delta": np.round(rng.standard_normal((3, 3)), 1), "W": np.round(rng.standard_normal((3, 3)), 1)}


@exercise("09.dx_entry", inputs=_dx_inputs)
def dx_entry(answer, delta, W):
    """dC/da[PIXEL] for a 3 x 3 convolution (stride 1, no padding) of a 5 x 5 input with error delta (3 x 3)."""
    dx = conv_transpose2d(delta[None, None], W[None, None])[0, 0]
    r, q = PIXEL
    if np.ndim(answer) != 0:
        return False, tr(f"answer with one number, dC/da[{r}, {q}]; got an array of shape {np.shape(answer)}",
                         f"请用一个数 dC/da[{r}, {q}] 作答；收到的却是形状为 {np.shape(answer)} 的数组")
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return False, tr(f"answer with one number, dC/da[{r}, {q}]; got {answer!r}",
                         f"请用一个数 dC/da[{r}, {q}] 作答；收到的是 {answer!r}")
    ok, _ = compare_number(value, dx[r, q], "", tol=1e-9)
    msg = f"dC/da[{r}, {q}] = {value:.4g}" + ("" if ok else tr(" is not right", " 不对"))
    if ok:
        return True, msg + tr(": every output cell whose window covered the pixel, times the weight that touched it",
                              "：所有窗口覆盖了这个像素的输出格子，各自乘以碰到它的那个权重")
    unflipped = conv_transpose2d(delta[None, None], rot180(W)[None, None])[0, 0]
    if compare_number(value, unflipped[r, q], "", tol=1e-9)[0]:
        return False, msg + tr("; the kernel must be turned by 180°: output (m, n) touched a[1, 2] with W[1 - m, 2 - n]",
                               "；卷积核必须旋转 180°：输出 (m, n) 是用 W[1 - m, 2 - n] 碰到 a[1, 2] 的")
    transposed = conv_transpose2d(delta[None, None], rot180(W.T)[None, None])[0, 0]  # the window times W.T
    if compare_number(value, transposed[r, q], "", tol=1e-9)[0]:
        return False, msg + tr("; that uses W transposed; the flip is a 180° rotation, W[::-1, ::-1]",
                               "；这用的是转置的 W；翻转是旋转 180°，即 W[::-1, ::-1]")
    for (p, s), other in np.ndenumerate(dx):
        if compare_number(value, other, "", tol=1e-9)[0]:
            return False, msg + tr(f"; that is the entry at ({p}, {s}); pad delta by K - 1 = 2 before taking "
                                   f"the window at ({r}, {q})",
                                   f"；这是位于 ({p}, {s}) 的元素；先给 delta 填充 K - 1 = 2 圈，再取 ({r}, {q}) 处的窗口")
    return False, msg + tr("; sum delta[m, n] * W[1 - m, 2 - n] over the (m, n) where 0 <= 1 - m <= 2 and 0 <= 2 - n <= 2",
                           "；在满足 0 <= 1 - m <= 2 且 0 <= 2 - n <= 2 的 (m, n) 上对 delta[m, n] * W[1 - m, 2 - n] 求和")


def _dilate_inputs():
    rng = np.random.default_rng(929)
    return {"delta": rng.integers(1, 10, size=(3, 3)).astype(float)}


@exercise("09.dilate", inputs=_dilate_inputs)
def dilated(answer, delta):
    """delta (3 x 3) dilated for stride 2: one zero between neighbouring entries -> 5 x 5."""
    expected = dilate(delta, STRIDE)
    ok, msg = compare_array(answer, expected, tr("the dilated map", "膨胀后的图"), tol=1e-12)
    if ok:
        n = expected.shape[0]
        return True, msg + tr(f": {STRIDE - 1} zero between neighbours, (3 - 1) * {STRIDE} + 1 = {n} rows and columns",
                              f"：相邻元素之间插入 {STRIDE - 1} 个零，共 (3 - 1) * {STRIDE} + 1 = {n} 行 {n} 列")
    s = STRIDE
    if _same(answer, np.kron(delta, np.ones((s, s)))) or _same(answer, np.repeat(np.repeat(delta, s, 0), s, 1)):
        return False, msg + tr("; that copies each entry; dilation inserts zeros between the entries instead",
                               "；这是把每个元素复制了；膨胀是在元素之间插入零")
    trailing = np.zeros((3 * s, 3 * s))
    trailing[::s, ::s] = delta
    if _same(answer, trailing):
        return False, msg + tr("; no zeros after the last row and column: zeros go only BETWEEN neighbouring entries",
                               "；最后一行和最后一列之后不补零：零只插在相邻元素之间")
    if _same(answer, np.pad(expected, 1)) or _same(answer, np.pad(delta, 1)):
        return False, msg + tr("; dilation does not pad the border; zeros go only between neighbouring entries",
                               "；膨胀不在边界上填充；零只插在相邻元素之间")
    return False, msg + tr(f"; put delta[m, n] at ({s}m, {s}n) of a {expected.shape[0]} x {expected.shape[1]} map of zeros",
                           f"；把 delta[m, n] 放到一张 {expected.shape[0]} x {expected.shape[1]} 全零图的 ({s}m, {s}n) 处")


def _remainder_inputs():
    rng = np.random.default_rng(939)
    H, K, s, p = REMAINDER["H"], REMAINDER["K"], REMAINDER["stride"], REMAINDER["padding"]
    Ho = conv_output_size(H, K, s, p)
    return {"delta": np.round(rng.standard_normal((Ho, Ho)), 1), "W": np.round(rng.standard_normal((K, K)), 1),
            "input_hw": (H, H), "stride": s, "padding": p}


@exercise("09.output_padding", inputs=_remainder_inputs)
def output_padding(answer, delta, W, input_hw, stride, padding):
    """dC/da (H x H) of a strided, padded convolution whose windows miss the last r = (H + 2p - K) mod s rows."""
    H, s, p, K = input_hw[0], stride, padding, W.shape[0]
    r = (H + 2 * p - K) % s
    expected = conv_transpose2d(delta[None, None], W[None, None], s, p, output_hw=input_hw)[0, 0]
    a = np.asarray(answer, dtype=np.float64) if not isinstance(answer, str) else None
    if a is not None and a.shape == (1, 1) + expected.shape:
        a = a[0, 0]
    ok, msg = compare_array(a if a is not None else answer, expected, "dC/da", tol=1e-9)
    if ok:
        return True, msg + tr(f": dilated, {r} row and column of zeros added at the bottom and right, fully convolved "
                              f"with rot180(W), cropped by {p}",
                              f"：先膨胀，在底部和右侧补 {r} 行 {r} 列零，与 rot180(W) 做全卷积，再裁掉 {p} 圈")
    full = conv_transpose2d(delta[None, None], W[None, None], s, 0, output_hw=(H + 2 * p, H + 2 * p))[0, 0]
    if a is not None and a.shape == (H - r, H - r) and _same(a, expected[: H - r, : H - r]):
        return False, tr(f"right numbers, but {r} row and column short: no window reads the last r = (H + 2p - K) mod s "
                         f"= {r} row(s) and column(s) of the padded input, so the full convolution stops short of them; "
                         "pad the dilated delta by r at the bottom and right before the full convolution, then crop p",
                         f"数值是对的，但少了 {r} 行 {r} 列：填充后输入的最后 r = (H + 2p - K) mod s = {r} 行和列"
                         "没有被任何窗口读到，所以全卷积到不了那里；"
                         "做全卷积之前，先在膨胀后的 delta 底部和右侧补 r 圈零，然后再裁掉 p")
    if a is not None and a.shape == expected.shape and _same(a[r:, r:], expected[: H - r, : H - r]):
        return False, tr("the missing row and column belong at the bottom and right (the rows no window reached), "
                         "not at the top and left",
                         "缺的那一行和一列应该在底部和右侧（没有窗口到达的那几行），而不是顶部和左侧")
    if a is not None and a.shape == full.shape and _same(a, full):
        return False, msg + tr(f"; that is the gradient of the padded input: crop p = {p} on every side",
                               f"；这是填充后输入的梯度：四周各裁掉 p = {p}")
    if a is not None and a.shape == (H + 2 * p - r, H + 2 * p - r):
        return False, msg + tr(
            f"; crop p = {p} on every side, and add the r = {r} missing row and column at the bottom and right",
            f"；四周各裁掉 p = {p}，并在底部和右侧补上缺的 r = {r} 行和列")
    flipped = conv_transpose2d(delta[None, None], rot180(W)[None, None], s, p, output_hw=input_hw)[0, 0]
    if a is not None and _same(a, flipped):
        return False, msg + tr("; the kernel must be turned by 180° for the full convolution (rot180(W))",
                               "；做全卷积时卷积核必须旋转 180°（rot180(W)）")
    if a is not None and a.shape == (len(delta) + K - 1 - 2 * p,) * 2:
        return False, msg + tr(f"; with stride {s} the error map is dilated first ({s - 1} zero between neighbours)",
                               f"；步幅为 {s} 时，要先把误差图膨胀（相邻元素之间插 {s - 1} 个零）")
    return False, msg + tr(f"; dilate delta by {s}, add r = (H + 2p - K) mod s = {r} zero row(s) and column(s) at the "
                           f"bottom and right, full-convolve with rot180(W), crop {p} on every side",
                           f"；按步幅 {s} 膨胀 delta，在底部和右侧补 r = (H + 2p - K) mod s = {r} 行和列的零，"
                           f"与 rot180(W) 做全卷积，再四周各裁掉 {p}")
