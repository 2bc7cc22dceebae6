"""Exercises of notebook 10: the convolution matrix C and its transpose (S14)."""

from __future__ import annotations

import numpy as np

from ..conv import conv_output_size
from ..matrix import conv_matrix
from . import exercise
from ._compare import int_tuple
from ._lang import tr


def _shape_inputs():
    return {"w_shape": (4, 2, 3, 3), "input_hw": (6, 6), "stride": 1, "padding": 0}


def _nnz_inputs():
    return {"w_shape": (4, 2, 3, 3), "input_hw": (6, 6), "stride": 1, "padding": 1}


def _row_inputs():
    return {"input_hw": (5, 5), "kernel_size": 3, "stride": 2, "padding": 1, "row": 2}


def _matrix(w_shape, input_hw, stride, padding):
    """C for kernels with no zero weight (1, 2, 3, ...), so every tap is a nonzero entry."""
    w = np.arange(1.0, np.prod(w_shape) + 1).reshape(w_shape)
    return conv_matrix(w, input_hw, stride, padding)


@exercise("10.shape_C", inputs=_shape_inputs)
def shape_C(answer, w_shape, input_hw, stride, padding):
    """The shape of the convolution matrix, read off the matrix bplib builds."""
    expected = _matrix(w_shape, input_hw, stride, padding).shape
    got = int_tuple(answer)
    if got is None or len(got) != 2:
        return False, tr(f"answer with a tuple of two whole numbers (rows, columns), got {answer!r}",
                         f"请用两个整数组成的元组（行数, 列数）作答，收到的是 {answer!r}")
    if got == expected:
        return True, tr(f"C is {expected[0]} x {expected[1]}: one row per output number, one column per input number",
                        f"C 是 {expected[0]} x {expected[1]}：每个输出数一行，每个输入数一列")
    if got == expected[::-1]:
        return False, tr("that is the shape of C^T: C multiplies the flattened input, so its columns follow the input",
                         "这是 C^T 的形状：C 乘的是展平后的输入，所以它的列对应输入")
    F, C, KH, _ = w_shape
    H, W = input_hw
    if got[1] == H * W:
        return False, tr("the rows are right or close, but every input channel has its own H*W columns",
                         "行数对了或差不多，但每个输入通道都有自己的 H*W 列")
    if got[0] == conv_output_size(H, KH, stride, padding) * conv_output_size(W, KH, stride, padding):
        return False, tr("each of the F kernels makes its own output map: F*Ho*Wo rows",
                         "F 个卷积核各自产生一张输出特征图：共 F*Ho*Wo 行")
    return False, tr("rows: F*Ho*Wo output numbers, with Ho = H - KH + 1 here; columns: C*H*W input numbers",
                     "行：F*Ho*Wo 个输出数，这里 Ho = H - KH + 1；列：C*H*W 个输入数")


@exercise("10.nnz", inputs=_nnz_inputs)
def nnz(answer, w_shape, input_hw, stride, padding):
    """Nonzero entries of C, counted on the matrix itself."""
    M = _matrix(w_shape, input_hw, stride, padding)
    expected = int(np.count_nonzero(M))
    try:
        got = int(answer)
        if got != float(answer):
            raise ValueError
    except (TypeError, ValueError):
        return False, tr(f"answer with one whole number, got {answer!r}", f"请用一个整数作答，收到的是 {answer!r}")
    if got == expected:
        return True, tr(f"{expected} of the {M.size} entries are nonzero ({expected / M.size:.1%})",
                        f"{M.size} 个元素中有 {expected} 个非零（{expected / M.size:.1%}）")
    F, C, KH, KW = w_shape
    all_taps = M.shape[0] * C * KH * KW
    if got == all_taps:
        return False, tr("that counts every tap of every window; taps that land on the zero padding multiply zeros "
                         "and get no entry in C",
                         "这把每个窗口的每个抽头都算上了；落在零填充上的抽头乘的是零，在 C 中没有对应元素")
    if got == M.size:
        return False, tr("that is every entry of C; most of them are zero (each output sees only its window)",
                         "这是 C 的全部元素；其中大多数是零（每个输出只看到自己的窗口）")
    if got * F == expected or got * C == expected:
        return False, tr(
            "close: count over all F kernels and all C input channels",
            "接近了：要对全部 F 个卷积核和全部 C 个输入通道计数")
    return False, tr("count along one axis first: how many of the kernel's taps fall inside the input for each window position?",
                     "先沿一个轴数：对每个窗口位置，卷积核有多少个抽头落在输入之内？")


@exercise("10.row_pixels", inputs=_row_inputs)
def row_pixels(answer, input_hw, kernel_size, stride, padding, row):
    """The input pixels that row `row` of C touches: the nonzero columns of that row."""
    H, W = input_hw
    M = _matrix((1, 1, kernel_size, kernel_size), input_hw, stride, padding)
    expected_mask = M[row].reshape(H, W) != 0
    expected = set(zip(*np.nonzero(expected_mask)))
    expected = {(int(h), int(w)) for h, w in expected}
    a = np.asarray(answer)
    if a.dtype == bool:
        if a.shape != (H, W):
            return False, tr(f"a boolean mask should have the input's shape {(H, W)}, got {a.shape}",
                             f"布尔掩码应与输入形状 {(H, W)} 相同，收到的是 {a.shape}")
        got = {(int(h), int(w)) for h, w in zip(*np.nonzero(a))}
    else:
        try:
            pairs = [int_tuple(pair) for pair in answer]  # None for 2.5: pixel indices are whole numbers
            if any(p is None or len(p) != 2 for p in pairs):
                raise ValueError(answer)
            got = set(pairs)
        except (TypeError, ValueError):
            return False, tr(f"answer with a list of (h, w) pairs or an {H}x{W} boolean mask, got {answer!r}",
                             f"请用 (h, w) 对的列表或 {H}x{W} 的布尔掩码作答，收到的是 {answer!r}")
    if got == expected:
        return True, tr(f"row {row} touches {len(expected)} pixels: {sorted(expected)}",
                        f"第 {row} 行碰到 {len(expected)} 个像素：{sorted(expected)}")
    if any(not (0 <= h < H and 0 <= w < W) for h, w in got):
        return False, tr(f"some of those pixels lie outside the {H}x{W} input: taps on the zero padding have no column in C",
                         f"其中有些像素在 {H}x{W} 的输入之外：落在零填充上的抽头在 C 中没有对应的列")
    Wo = conv_output_size(W, kernel_size, stride, padding)
    i, j = divmod(row, Wo)
    k = kernel_size

    def window(top, left):
        return {(h, w) for h in range(top, top + k) for w in range(left, left + k) if 0 <= h < H and 0 <= w < W}

    if got == window(i * stride, j * stride):
        return False, tr(
            f"row {row} is output ({i}, {j}); with padding {padding} its window starts {padding} pixel(s) up and left",
            f"第 {row} 行是输出 ({i}, {j})；填充为 {padding} 时，它的窗口从向上、向左各 {padding} 个像素处开始")
    Wo1 = conv_output_size(W, kernel_size, 1, padding)
    i1, j1 = divmod(row, Wo1)
    if got == window(i1 - padding, j1 - padding):
        return False, tr(f"with stride {stride}, row {row} is output ({i}, {j}), whose window starts at {stride} times that, "
                         "minus the padding",
                         f"步幅为 {stride} 时，第 {row} 行是输出 ({i}, {j})，它的窗口起点是该位置的 {stride} 倍，再减去填充")
    return False, tr(f"row {row} is output cell (i, j) = divmod({row}, Wo); its taps read pixels "
                     "(i*stride + u - padding, j*stride + v - padding), keeping those inside the input",
                     f"第 {row} 行是输出格子 (i, j) = divmod({row}, Wo)；它的抽头读取像素 "
                     "(i*stride + u - padding, j*stride + v - padding)，只保留落在输入之内的")
