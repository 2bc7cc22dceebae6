"""The exercise checkers of notebooks 00, 01 and 02: the right answer passes, typical wrong answers get their hint."""

import numpy as np
import pytest

import bplib as bp
from bplib.exercises import check, exercise_inputs, list_exercises


def test_registered():
    assert list_exercises("00") == ["00.first_cell", "00.n_steps"]
    assert list_exercises("01") == ["01.output_size", "01.param_count", "01.z_cell"]
    assert list_exercises("02") == ["02.avg_pool", "02.max_pool", "02.pooled_shape"]


def test_feedback_prints_the_same_every_time():
    assert repr(check("00.n_steps", 25)) == repr(check("00.n_steps", 25))
    assert repr(check("00.n_steps", 9)).startswith("[00.n_steps] ✓ correct")


# --- notebook 00 -------------------------------------------------------------------------


def test_00_n_steps():
    ex = exercise_inputs("00.n_steps")
    H, K = ex["H"], ex["K"]
    right = (H - K + 1) ** 2
    assert right == 9
    assert check("00.n_steps", right)
    assert check("00.n_steps", np.int64(right))
    assert check("00.n_steps", float(right))
    fb = check("00.n_steps", H * H)
    assert not fb and "input pixels" in fb.message
    fb = check("00.n_steps", (H - K) ** 2)
    assert not fb and "positions, not the gaps" in fb.message
    fb = check("00.n_steps", H - K + 1)
    assert not fb and "one row" in fb.message
    fb = check("00.n_steps", [3, 3])
    assert not fb and "one number" in fb.message
    fb = check("00.n_steps", "nine")
    assert not fb and "one number" in fb.message


def test_00_n_steps_agrees_with_the_widget_steps():
    from bplib.steps import sliding_kernel_steps

    ex = exercise_inputs("00.n_steps")
    steps = sliding_kernel_steps(np.zeros((ex["H"], ex["H"])), np.zeros((ex["K"], ex["K"])))
    assert check("00.n_steps", steps.n_steps)


def test_00_first_cell():
    ex = exercise_inputs("00.first_cell")
    x, w, b = ex["x"], ex["w"], ex["b"]
    right = sum(w[u, v] * x[u, v] for u in range(3) for v in range(3)) + b
    assert check("00.first_cell", right)
    assert check("00.first_cell", bp.conv2d_forward_loops(x[None, None], w[None, None], np.array([b]))[0, 0, 0, 0])
    fb = check("00.first_cell", right - b)
    assert not fb and "bias" in fb.message
    fb = check("00.first_cell", np.sum(x[:3, :3] * w[::-1, ::-1]) + b)
    assert not fb and "not flipped" in fb.message
    fb = check("00.first_cell", np.sum(x[:3, :3]) + b)
    assert not fb and "multiply each pixel" in fb.message
    fb = check("00.first_cell", np.sum(x[1:4, 1:4] * w) + b)
    assert not fb and "top-left window" in fb.message
    fb = check("00.first_cell", np.sum(x[:3, :3] * w, axis=0))
    assert not fb and "one number" in fb.message
    fb = check("00.first_cell", 1000.0)
    assert not fb and "sum over u, v" in fb.message


# --- notebook 01 -------------------------------------------------------------------------


def test_01_output_size():
    ex = exercise_inputs("01.output_size")
    H, K, s, p = ex["H"], ex["K"], ex["stride"], ex["padding"]
    right = (H + 2 * p - K) // s + 1
    assert right == bp.conv_output_size(H, K, s, p) == 14
    assert check("01.output_size", right)
    assert check("01.output_size", (right, right))
    fb = check("01.output_size", (H + 2 * p - K) / s + 1)
    assert not fb and "round down" in fb.message
    fb = check("01.output_size", (H + 2 * p - K) // s)
    assert not fb and "+ 1" in fb.message
    fb = check("01.output_size", (H + p - K) // s + 1)
    assert not fb and "both sides" in fb.message
    fb = check("01.output_size", (H - K) // s + 1)
    assert not fb and "left out the padding" in fb.message
    fb = check("01.output_size", H + 2 * p - K + 1)
    assert not fb and "stride 1" in fb.message
    fb = check("01.output_size", right + 1)
    assert not fb and "one too many" in fb.message
    assert not check("01.output_size", np.zeros((14, 14)))


def test_01_param_count():
    ex = exercise_inputs("01.param_count")
    C, K, F = ex["in_channels"], ex["kernel_size"], ex["n_kernels"]
    right = F * (C * K * K + 1)
    assert right == 448
    assert check("01.param_count", right)
    fb = check("01.param_count", F * (K * K + 1))
    assert not fb and "deep" in fb.message
    fb = check("01.param_count", F * C * K * K)
    assert not fb and "one bias" in fb.message
    fb = check("01.param_count", F * (C * K * K + C))
    assert not fb and "not one per channel" in fb.message
    fb = check("01.param_count", C * K * K + 1)
    assert not fb and "one kernel" in fb.message
    fb = check("01.param_count", 448.5)
    assert not fb and "whole number" in fb.message


def test_01_param_count_of_the_article_layer():
    """The count erratum 1 is about: 20 kernels of 5x5 on one channel."""
    w, b = np.zeros((20, 1, 5, 5)), np.zeros(20)
    assert w.size + b.size == 20 * (25 + 1) == 520 != 25 * 26


def _z_cell_by_loops(ex):
    x, w, b, s, f, i, j = (ex[k] for k in ("x", "w", "b", "stride", "f", "i", "j"))
    K = w.shape[2]
    total = sum(w[f, c, u, v] * x[0, c, i * s + u, j * s + v] for c in range(w.shape[1]) for u in range(K) for v in range(K))
    return total + b[f]


def test_01_z_cell():
    ex = exercise_inputs("01.z_cell")
    x, w, b, s, f, i, j = (ex[k] for k in ("x", "w", "b", "stride", "f", "i", "j"))
    right = _z_cell_by_loops(ex)
    assert right == bp.conv2d_forward_loops(x, w, b, stride=s)[0, f, i, j]
    assert check("01.z_cell", right)
    r, c = i * s, j * s
    win = x[0, :, r : r + 3, c : c + 3]
    fb = check("01.z_cell", right - b[f])
    assert not fb and "bias" in fb.message
    fb = check("01.z_cell", np.sum(x[0, :, i : i + 3, j : j + 3] * w[f]) + b[f])
    assert not fb and f"row {i}*{s}" in fb.message
    fb = check("01.z_cell", np.sum(x[0, :, c : c + 3, r : r + 3] * w[f]) + b[f])
    assert not fb and "swapped" in fb.message
    fb = check("01.z_cell", np.sum(win[0] * w[f, 0]) + b[f])
    assert not fb and "channel 0 only" in fb.message
    fb = check("01.z_cell", np.sum(win * w[f, :, ::-1, ::-1]) + b[f])
    assert not fb and "no flip" in fb.message
    fb = check("01.z_cell", np.sum(win * w[0]) + b[0])
    assert not fb and "not kernel 0" in fb.message
    fb = check("01.z_cell", bp.conv2d_forward(x, w, b, stride=s)[0][0, f])
    assert not fb and "one number" in fb.message


# --- notebook 02 -------------------------------------------------------------------------


def test_02_pooled_shape():
    ex = exercise_inputs("02.pooled_shape")
    N, C, H, W = ex["x_shape"]
    k, s = ex["size"], ex["stride"]
    right = (N, C, (H - k) // s + 1, (W - k) // s + 1)
    assert right == (8, 64, 11, 11)
    assert check("02.pooled_shape", right)
    assert check("02.pooled_shape", list(right))
    assert check("02.pooled_shape", np.array(right))
    fb = check("02.pooled_shape", (N, C, H // s, W // s))
    assert not fb and "has to fit" in fb.message
    fb = check("02.pooled_shape", (N, C, (H - k) // k + 1, (W - k) // k + 1))
    assert not fb and "overlap" in fb.message
    fb = check("02.pooled_shape", (N, C, H - k + 1, W - k + 1))
    assert not fb and "stride 1" in fb.message
    fb = check("02.pooled_shape", (N, C, (H - k) // s, (W - k) // s))
    assert not fb and "+ 1" in fb.message
    fb = check("02.pooled_shape", (N, 1, 11, 11))
    assert not fb and "N and C do not change" in fb.message
    fb = check("02.pooled_shape", (C, 11, 11))
    assert not fb and "batch axis" in fb.message
    fb = check("02.pooled_shape", "8x64x11x11")
    assert not fb and "tuple" in fb.message


def _blocks(x):
    """(H, W) -> (H/2, W/2, 4): every 2x2 block, by reshaping (a route that does not use bplib)."""
    H, W = x.shape
    return x.reshape(H // 2, 2, W // 2, 2).transpose(0, 2, 1, 3).reshape(H // 2, W // 2, 4)


@pytest.mark.parametrize("kind", ["max", "avg"])
def test_02_pool(kind):
    x = exercise_inputs(f"02.{kind}_pool")["x"]
    assert x.shape == (4, 6)
    blocks = _blocks(x)
    right, other = (blocks.max(-1), blocks.mean(-1)) if kind == "max" else (blocks.mean(-1), blocks.max(-1))
    exercise_id = f"02.{kind}_pool"
    assert check(exercise_id, right)
    assert check(exercise_id, right[None, None])
    fb = check(exercise_id, other)
    assert not fb and "pooling; take the" in fb.message
    fb = check(exercise_id, np.sqrt((blocks**2).sum(-1)))
    assert not fb and "L2 pooling" in fb.message
    fb = check(exercise_id, blocks.min(-1))
    assert not fb and "min pooling" in fb.message
    fb = check(exercise_id, right.T)
    assert not fb and "transposed" in fb.message
    fb = check(exercise_id, np.zeros((3, 5)))
    assert not fb and "do not overlap" in fb.message
    fb = check(exercise_id, right + 1)
    assert not fb and "rows 2m..2m+1" in fb.message
    fb = check(exercise_id, x[::2, ::2])  # the top-left cell of every window, not a pooling
    assert not fb and "top-left cell of each window" in fb.message
    fb = check(exercise_id, "block maxima")
    assert not fb


def test_02_avg_pool_sum_hint():
    x = exercise_inputs("02.avg_pool")["x"]
    fb = check("02.avg_pool", _blocks(x).sum(-1))
    assert not fb and "divides it by the 4 cells" in fb.message
