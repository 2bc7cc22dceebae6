"""Exercises of notebook 02: pooling (S3)."""

from __future__ import annotations

import numpy as np

from ..pool import avgpool2d_forward, l2pool2d_forward, maxpool2d_forward
from . import exercise
from ._compare import compare_array, int_tuple
from ._lang import tr


def _shape_inputs():
    """A batch of 8 feature maps with 64 channels of 24x24, pooled 3x3 with stride 2 (overlapping windows)."""
    return {"x_shape": (8, 64, 24, 24), "size": 3, "stride": 2}


def _map_inputs():
    """One small feature map (4, 6) of whole numbers, pooled 2x2 with stride 2."""
    rng = np.random.default_rng(202)
    return {"x": rng.integers(0, 10, (4, 6)).astype(np.float64)}


@exercise("02.pooled_shape", inputs=_shape_inputs)
def pooled_shape(answer, x_shape, size, stride):
    """The NCHW shape after max pooling a batch of shape x_shape with a size x size window and this stride."""
    y, _ = maxpool2d_forward(np.zeros(x_shape), size, stride)
    expected = y.shape
    try:
        got = int_tuple(answer)  # None for 4.9: a shape is whole numbers, never truncated
        if got is None:
            raise ValueError(answer)
    except (TypeError, ValueError):
        return False, tr(f"answer with the shape as a tuple of whole numbers (N, C, Ho, Wo), got {answer!r}",
                         f"请用整数元组 (N, C, Ho, Wo) 给出形状，收到的是 {answer!r}")
    N, C, H, W = x_shape
    if got == expected:
        return True, tr(f"{expected}: every channel is pooled on its own, and ({H} - {size}) // {stride} + 1 = {expected[2]}",
                        f"{expected}：每个通道各自池化，且 ({H} - {size}) // {stride} + 1 = {expected[2]}")
    if len(got) != 4:
        if got == expected[1:]:
            return False, tr("keep the batch axis: the answer is a 4-D NCHW shape (N, C, Ho, Wo)",
                             "保留批量轴：答案是四维的 NCHW 形状 (N, C, Ho, Wo)")
        return False, tr("answer with the full NCHW shape, four numbers (N, C, Ho, Wo)",
                         "请给出完整的 NCHW 形状，四个数 (N, C, Ho, Wo)")
    if got[:2] != (N, C):
        return False, tr("pooling works on each channel of each image separately: N and C do not change",
                         "池化对每张图像的每个通道分别进行：N 和 C 不变")
    side = got[2]
    if side == H // stride:
        return False, tr(f"{H} // {stride} holds for windows of size {stride}; here the {size}x{size} window has to fit "
                         f"as well: ({H} - {size}) // {stride} + 1",
                         f"{H} // {stride} 只适用于大小为 {stride} 的窗口；这里 {size}x{size} 的窗口也必须放得下："
                         f"({H} - {size}) // {stride} + 1")
    if side == (H - size) // size + 1:
        return False, tr(f"the stride is {stride} here, not the window size: the windows overlap",
                         f"这里的步幅是 {stride}，不等于窗口大小：窗口之间有重叠")
    if side == H - size + 1:
        return False, tr(f"that is stride 1; with stride {stride} the window jumps {stride} cells at a time",
                         f"这是步幅为 1 的结果；步幅为 {stride} 时窗口每次跳 {stride} 格")
    if side == (H - size) // stride:
        return False, tr("one short: the window's first position counts too (+ 1)", "少了一个：窗口的第一个位置也要算上（+ 1）")
    return False, tr("along each side: (H - size) // stride + 1 window positions",
                     "每条边上有 (H - size) // stride + 1 个窗口位置")


def _as_map(answer):
    """A 2-D answer, also accepting (1, 1, Ho, Wo)."""
    a = np.asarray(answer, dtype=np.float64)
    if a.ndim == 4 and a.shape[:2] == (1, 1):
        a = a[0, 0]
    return a


# The pooling kinds a mistaken answer may match, by their name in Chinese hints.
_LABELS_ZH = {"max": "最大", "average": "平均", "L2": " L2 ", "min": "最小"}


def _pool_checker(kind: str):
    forward = {"max": maxpool2d_forward, "avg": avgpool2d_forward}[kind]

    def checker(answer, x):
        expected = forward(x[None, None], 2, 2)[0][0, 0]
        try:
            a = _as_map(answer)
        except (TypeError, ValueError):
            return False, tr(f"answer with an array of numbers of shape {expected.shape}",
                             f"请用形状为 {expected.shape} 的数值数组作答")
        if kind == "max":
            name = tr("the max-pooled map", "最大池化后的特征图")
        else:
            name = tr("the average-pooled map", "平均池化后的特征图")
        if a.shape != expected.shape:
            if a.shape == expected.shape[::-1]:
                return False, tr(f"shape {a.shape} is transposed: rows of windows first, {expected.shape}",
                                 f"形状 {a.shape} 转置了：应先排窗口的行，即 {expected.shape}")
            if a.shape == (x.shape[0] - 1, x.shape[1] - 1):
                return False, tr(f"with stride 2 the 2x2 windows do not overlap: a {x.shape} map gives {expected.shape}",
                                 f"步幅为 2 时 2x2 窗口互不重叠：{x.shape} 的特征图得到 {expected.shape}")
            return False, tr(f"2x2 windows with stride 2 halve each side: a {x.shape} map gives shape {expected.shape}",
                             f"步幅为 2 的 2x2 窗口把每条边减半：{x.shape} 的特征图得到形状 {expected.shape}")
        ok, msg = compare_array(a, expected, name)
        if ok:
            return True, tr(f"{name} is right: each 2x2 block became one number", f"{name}正确：每个 2x2 块变成了一个数")
        others = {
            "max": maxpool2d_forward(x[None, None], 2, 2)[0][0, 0],
            "average": avgpool2d_forward(x[None, None], 2, 2)[0][0, 0],
            "L2": l2pool2d_forward(x[None, None], 2, 2)[0][0, 0],
            "sum": 4 * avgpool2d_forward(x[None, None], 2, 2)[0][0, 0],
            "min": -maxpool2d_forward(-x[None, None], 2, 2)[0][0, 0],
        }
        if compare_array(a, x[::2, ::2], "")[0]:
            return False, tr(
                "that is the top-left cell of each window (x[::2, ::2]); pooling looks at all four cells of the window",
                "这是每个窗口左上角的格子（x[::2, ::2]）；池化要看窗口里全部四个格子")
        for label, value in others.items():
            if compare_array(a, value, "")[0]:
                if label == "sum":
                    return False, tr("that is the sum of each block; the average divides it by the 4 cells of the window",
                                     "这是每个块的和；平均值还要除以窗口的 4 个格子")
                wanted = tr("largest value", "最大值") if kind == "max" else tr("mean of the four values", "四个值的平均")
                return False, tr(f"that is {label} pooling; take the {wanted} of each 2x2 block",
                                 f"这是{_LABELS_ZH[label]}池化；每个 2x2 块应取{wanted}")
        return False, msg + tr("; output cell (m, n) pools rows 2m..2m+1 and columns 2n..2n+1 of the map",
                               "；输出格子 (m, n) 池化的是特征图的第 2m..2m+1 行、第 2n..2n+1 列")

    return checker


exercise("02.max_pool", inputs=_map_inputs)(_pool_checker("max"))
exercise("02.avg_pool", inputs=_map_inputs)(_pool_checker("avg"))
