"""The exercise checkers of notebooks 03, 10 and 12: the right answer passes, typical wrong answers get their hint."""

import numpy as np

import bplib as bp
from bplib.exercises import check, exercise_inputs, list_exercises
from bplib.receptive import receptive_fields
from bplib.regularize import DropCache, drop_backward


def test_registered():
    assert list_exercises("03") == ["03.flat_index", "03.head_params", "03.nchw_shape"]
    assert list_exercises("10") == ["10.nnz", "10.row_pixels", "10.shape_C"]
    assert list_exercises("12") == ["12.drop_backward", "12.fc_share", "12.rf_size"]


# --- notebook 03 -------------------------------------------------------------------------


def test_03_flat_index():
    ex = exercise_inputs("03.flat_index")
    C, H, W = ex["C"], ex["H"], ex["W"]
    c, h, w = ex["chw"]
    right = int(np.ravel_multi_index((c, h, w), (C, H, W)))
    assert check("03.flat_index", right)
    assert check("03.flat_index", np.int64(right))
    assert check("03.flat_index", float(right))
    fb = check("03.flat_index", (h * W + w) * C + c)
    assert not fb and "NHWC" in fb.message
    fb = check("03.flat_index", c * H * W + w * H + h)
    assert not fb and "swapped" in fb.message
    fb = check("03.flat_index", right + 1)
    assert not fb and "off by one" in fb.message
    fb = check("03.flat_index", C * H * W + 5)
    assert not fb and "between 0 and" in fb.message
    assert not check("03.flat_index", [right, right])


def test_03_head_params():
    ex = exercise_inputs("03.head_params")
    C, H, W, K = ex["C"], ex["H"], ex["W"], ex["K"]
    right = (K * C * H * W + K, K * C + K)
    assert check("03.head_params", right)
    assert check("03.head_params", list(right))
    assert check("03.head_params", np.array(right))
    fb = check("03.head_params", right[::-1])
    assert not fb and "swapped" in fb.message
    fb = check("03.head_params", (K * C * H * W, K * C))
    assert not fb and fb.message.count("biases") == 2
    fb = check("03.head_params", (right[0], H * W * K + K))
    assert not fb and "C numbers" in fb.message
    fb = check("03.head_params", (right[0], 7))
    assert not fb and "GAP head" in fb.message and "flatten head" not in fb.message
    assert not check("03.head_params", right[0])


def test_03_nchw_shape():
    ex = exercise_inputs("03.nchw_shape")
    N, _, H, W = ex["x_shape"]
    F, k, pool = ex["kernels"], ex["kernel_size"], ex["pool"]
    Ho = (H - k + 1) // pool
    right = (N, F, Ho, (W - k + 1) // pool)
    assert check("03.nchw_shape", right)
    fb = check("03.nchw_shape", (N, Ho, Ho, F))
    assert not fb and "NHWC" in fb.message
    fb = check("03.nchw_shape", (N, F, H - k + 1, W - k + 1))
    assert not fb and "pooling" in fb.message
    fb = check("03.nchw_shape", (N, ex["x_shape"][1], Ho, Ho))
    assert not fb and "one channel per kernel" in fb.message
    fb = check("03.nchw_shape", (1, F, Ho, Ho))
    assert not fb and "batch" in fb.message
    assert not check("03.nchw_shape", (F, Ho, Ho))


# --- notebook 10 -------------------------------------------------------------------------


def _ones_matrix(ex):
    return bp.conv_matrix(np.ones(ex["w_shape"]), ex["input_hw"], ex["stride"], ex["padding"])


def test_10_shape_C():
    ex = exercise_inputs("10.shape_C")
    F, C, KH, KW = ex["w_shape"]
    H, W = ex["input_hw"]
    Ho, Wo = H - KH + 1, W - KW + 1
    right = (F * Ho * Wo, C * H * W)
    assert right == _ones_matrix(ex).shape
    assert check("10.shape_C", right)
    fb = check("10.shape_C", right[::-1])
    assert not fb and "C^T" in fb.message
    fb = check("10.shape_C", (F * Ho * Wo, H * W))
    assert not fb and "input channel" in fb.message
    fb = check("10.shape_C", (Ho * Wo, C * H * W))
    assert not fb and "F kernels" in fb.message
    assert not check("10.shape_C", (1, 2, 3))


def test_10_nnz():
    ex = exercise_inputs("10.nnz")
    assert ex["padding"] > 0, "the exercise is about taps on the padding"
    M = _ones_matrix(ex)
    right = int(np.count_nonzero(M))
    F, C, KH, KW = ex["w_shape"]
    # along one axis: taps per window position inside the input
    H = ex["input_hw"][0]
    p = ex["padding"]
    per_axis = sum(sum(0 <= i - p + u < H for u in range(KH)) for i in range(H + 2 * p - KH + 1))
    assert right == F * C * per_axis**2
    assert check("10.nnz", right)
    assert check("10.nnz", np.int64(right))
    fb = check("10.nnz", M.shape[0] * C * KH * KW)
    assert not fb and "padding" in fb.message
    fb = check("10.nnz", M.size)
    assert not fb and "every entry" in fb.message
    fb = check("10.nnz", right // F)
    assert not fb and "all F kernels" in fb.message
    assert not check("10.nnz", 2.5)


def test_10_row_pixels():
    ex = exercise_inputs("10.row_pixels")
    H, W = ex["input_hw"]
    k, s, p, row = ex["kernel_size"], ex["stride"], ex["padding"], ex["row"]
    Wo = (W + 2 * p - k) // s + 1
    i, j = divmod(row, Wo)
    right = [(h, w) for h in range(i * s - p, i * s - p + k) for w in range(j * s - p, j * s - p + k)
             if 0 <= h < H and 0 <= w < W]
    assert check("10.row_pixels", right)
    assert check("10.row_pixels", right[::-1]), "order does not matter"
    mask = np.zeros((H, W), dtype=bool)
    mask[tuple(np.array(right).T)] = True
    assert check("10.row_pixels", mask)
    fb = check("10.row_pixels", mask[:-1])
    assert not fb and "shape" in fb.message
    unclipped = [(h, w) for h in range(i * s - p, i * s - p + k) for w in range(j * s - p, j * s - p + k)]
    fb = check("10.row_pixels", unclipped)
    assert not fb and "padding" in fb.message
    no_padding = [(h, w) for h in range(i * s, i * s + k) for w in range(j * s, j * s + k) if h < H and w < W]
    fb = check("10.row_pixels", no_padding)
    assert not fb and "starts" in fb.message
    fb = check("10.row_pixels", [(0, 0)])
    assert not fb and "divmod" in fb.message
    assert not check("10.row_pixels", 7)


# --- notebook 12 -------------------------------------------------------------------------


def test_12_rf_size():
    layers = exercise_inputs("12.rf_size")["layers"]
    r, j = 1, 1
    for layer in layers:
        r, j = r + (layer.kernel - 1) * j, j * layer.stride
    assert r == receptive_fields(layers)[-1].size
    assert check("12.rf_size", r)
    assert check("12.rf_size", np.int64(r))
    fb = check("12.rf_size", 1 + sum(layer.kernel - 1 for layer in layers))
    assert not fb and "jump" in fb.message
    fb = check("12.rf_size", r * r)
    assert not fb and "area" in fb.message
    fb = check("12.rf_size", sum(layer.kernel for layer in layers))
    assert not fb and "r = 1" in fb.message


def test_12_fc_share():
    ex = exercise_inputs("12.fc_share")
    c1, c2 = ex["conv_kernels"]
    k, hidden, classes = ex["kernel_size"], ex["hidden"], ex["classes"]
    side = ex["input_shape"][1] // ex["pool"] // ex["pool"]
    conv = (c1 * ex["input_shape"][0] * k * k + c1) + (c2 * c1 * k * k + c2)
    fc = (c2 * side * side * hidden + hidden) + (hidden * classes + classes)
    right = fc / (fc + conv)
    assert check("12.fc_share", right)
    fc_w = c2 * side * side * hidden + hidden * classes
    conv_w = c1 * ex["input_shape"][0] * k * k + c2 * c1 * k * k
    fb = check("12.fc_share", fc_w / (fc_w + conv_w))
    assert not fb and "biases" in fb.message
    fb = check("12.fc_share", 100 * right)
    assert not fb and "percentage" in fb.message
    fb = check("12.fc_share", 1 - right)
    assert not fb and "convolutions' share" in fb.message
    fb = check("12.fc_share", 0.5)
    assert not fb and "7x7" in fb.message


def test_12_drop_backward():
    ex = exercise_inputs("12.drop_backward")
    dy, mask, p = ex["dy"], ex["mask"], ex["p"]
    assert 0 < mask.mean() < 1
    right = dy * mask / (1 - p)
    np.testing.assert_allclose(right, drop_backward(dy, DropCache(mask, 1 / (1 - p))))
    assert check("12.drop_backward", right)
    fb = check("12.drop_backward", dy * mask)
    assert not fb and "1/(1 - p)" in fb.message
    fb = check("12.drop_backward", dy * mask * (1 - p))
    assert not fb and "not (1 - p)" in fb.message
    fb = check("12.drop_backward", dy / (1 - p))
    assert not fb and "no gradient" in fb.message
    fb = check("12.drop_backward", right[0])
    assert not fb and "shape" in fb.message
