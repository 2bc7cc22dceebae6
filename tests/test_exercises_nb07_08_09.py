"""The exercise checkers of notebooks 07, 08 and 09: the right answer passes, typical wrong answers get their hint."""

import numpy as np

import bplib as bp
from bplib.exercises import check, exercise_inputs, list_exercises


def test_registered():
    assert list_exercises("07") == ["07.delta1_relu", "07.unpool_avg", "07.unpool_max"]
    assert list_exercises("08") == ["08.dW_entry", "08.db", "08.shape_dW"]
    assert list_exercises("09") == ["09.dilate", "09.dx_entry", "09.rot180"]


# --- notebook 07: unpooling -----------------------------------------------------------------


def _windows(a):
    """(N, C, 4, 4) -> (N, C, 2, 2, 4): each 2 x 2 window's values in row-major order."""
    N, C, H, W = a.shape
    return a.reshape(N, C, H // 2, 2, W // 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(N, C, H // 2, W // 2, 4)


def _unwindows(w):
    N, C, h, v, _ = w.shape
    return w.reshape(N, C, h, v, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(N, C, 2 * h, 2 * v)


def _blocks(a):
    return np.repeat(np.repeat(a, 2, axis=2), 2, axis=3)


def test_07_inputs_have_ties():
    ex = exercise_inputs("07.unpool_max")
    wins = _windows(ex["a1"])
    n_max = (wins == wins.max(axis=-1, keepdims=True)).sum(axis=-1)
    assert ex["a1"].shape == (1, 2, 4, 4) and ex["delta2"].shape == (1, 2, 2, 2)
    assert (ex["a1"] >= 0).all(), "a ReLU output"
    assert n_max[0, 0, 0, 0] == 4, "a window of zeros"
    assert n_max[0, 1, 1, 1] == 2, "a window with two equal positive maxima"


def test_07_unpool_max():
    ex = exercise_inputs("07.unpool_max")
    a1, d2 = ex["a1"], ex["delta2"]
    wins = _windows(a1)
    first = np.argmax(wins, axis=-1)  # NumPy's argmax: the first maximum, independent of bplib
    right = _unwindows(np.where(np.arange(4) == first[..., None], d2[..., None], 0.0))
    fb = check("07.unpool_max", right)
    assert fb and "first maximum" in fb.message
    every = np.where(a1 == _blocks(wins.max(axis=-1)), _blocks(d2), 0.0)
    fb = check("07.unpool_max", every)
    assert not fb and "one cell only" in fb.message and "PyTorch" in fb.message
    last = 3 - np.argmax(wins[..., ::-1], axis=-1)
    fb = check("07.unpool_max", _unwindows(np.where(np.arange(4) == last[..., None], d2[..., None], 0.0)))
    assert not fb and "FIRST maximum" in fb.message
    fb = check("07.unpool_max", _blocks(d2))
    assert not fb and "maximum only" in fb.message
    fb = check("07.unpool_max", right[..., :2, :2])
    assert not fb and "shape of the pooling input" in fb.message
    fb = check("07.unpool_max", -right)
    assert not fb and "first maximum" not in fb.message and "maximum of a1" in fb.message
    assert not check("07.unpool_max", "δ")


def test_07_unpool_avg():
    ex = exercise_inputs("07.unpool_avg")
    d2 = ex["delta2"]
    fb = check("07.unpool_avg", _blocks(d2) / 4)
    assert fb and "delta / 4" in fb.message
    fb = check("07.unpool_avg", _blocks(d2))
    assert not fb and "divide by the window size" in fb.message
    fb = check("07.unpool_avg", bp.maxpool2d_backward(d2, bp.maxpool2d_forward(ex["a1"])[1]))
    assert not fb and "max-pooling rule" in fb.message
    fb = check("07.unpool_avg", d2 / 4)
    assert not fb and "shape" in fb.message


def test_07_delta1_relu():
    ex = exercise_inputs("07.delta1_relu")
    da1, z1 = ex["da1"], ex["z1"]
    assert np.any((da1 != 0) & (z1 <= 0)), "some winner has z1 <= 0, so sigma' matters"
    fb = check("07.delta1_relu", np.where(z1 > 0, da1, 0.0))
    assert fb and "relu'(z1)" in fb.message
    fb = check("07.delta1_relu", da1)
    assert not fb and "multiply by sigma'(z1)" in fb.message
    fb = check("07.delta1_relu", da1 * np.maximum(z1, 0))
    assert not fb and "not by relu(z1)" in fb.message
    s = 1 / (1 + np.exp(-z1))
    fb = check("07.delta1_relu", da1 * s * (1 - s))
    assert not fb and "ReLU" in fb.message


# --- notebook 08: the convolution layer's gradients ---------------------------------------------


def test_08_db():
    delta = exercise_inputs("08.db")["delta"]
    right = np.array([delta[:, f].sum() for f in range(delta.shape[1])])
    fb = check("08.db", right)
    assert fb and "every image" in fb.message
    fb = check("08.db", delta.mean(axis=(0, 2, 3)))
    assert not fb and "a sum, not a mean" in fb.message
    fb = check("08.db", delta.sum(axis=(2, 3)))
    assert not fb and "sum over the 2 images" in fb.message
    fb = check("08.db", delta.sum())
    assert not fb and "keep the kernel axis" in fb.message
    fb = check("08.db", right / 2)
    assert not fb and "already inside delta" in fb.message
    fb = check("08.db", delta.sum(axis=(0, 1)))
    assert not fb and "except the kernel axis" in fb.message


def test_08_dW_entry():
    ex = exercise_inputs("08.dW_entry")
    a0, delta = ex["a0"], ex["delta"]
    right = sum(delta[i, j] * a0[i + 1, j + 2] for i in range(4) for j in range(4))
    fb = check("08.dW_entry", right)
    assert fb and "top-left corner at (1, 2)" in fb.message
    fb = check("08.dW_entry", np.sum(delta * a0[2:6, 1:5]))
    assert not fb and "swapped" in fb.message
    fb = check("08.dW_entry", np.sum(delta * a0[0:4, 0:4]))
    assert not fb and "(u, v) = (0, 0)" in fb.message
    fb = check("08.dW_entry", np.sum(delta))
    assert not fb and "4 x 4 square" in fb.message
    fb = check("08.dW_entry", delta * a0[1:5, 2:6])
    assert not fb and "one number" in fb.message
    assert not check("08.dW_entry", "W")


def test_08_shape_dW():
    fb = check("08.shape_dW", (16, 3, 5, 5))
    assert fb and "one number per weight" in fb.message
    fb = check("08.shape_dW", (16, 5, 5))
    assert not fb and "depth" in fb.message
    fb = check("08.shape_dW", (3, 16, 5, 5))
    assert not fb and "(F, C, KH, KW)" in fb.message
    fb = check("08.shape_dW", (16, 3, 32, 32))
    assert not fb and "not per pixel" in fb.message
    assert not check("08.shape_dW", "sixteen")


# --- notebook 09: backpropagation through a convolution -------------------------------------------


def test_09_rot180():
    W = exercise_inputs("09.rot180")["W"]
    assert W.shape == (2, 3)
    fb = check("09.rot180", np.rot90(W, 2))
    assert fb and "shape unchanged" in fb.message
    fb = check("09.rot180", W.T)
    assert not fb and "transpose" in fb.message
    fb = check("09.rot180", np.rot90(W))
    assert not fb and "quarter turn" in fb.message
    fb = check("09.rot180", W[::-1])
    assert not fb and "also flip it left to right" in fb.message
    fb = check("09.rot180", W[:, ::-1])
    assert not fb and "also flip it upside down" in fb.message
    fb = check("09.rot180", W)
    assert not fb and "W itself" in fb.message


def test_09_dx_entry():
    ex = exercise_inputs("09.dx_entry")
    delta, W = ex["delta"], ex["W"]
    # the chain-rule sum, independent of bplib: output (m, n) touched a[1, 2] with W[1 - m, 2 - n]
    right = sum(delta[m, n] * W[1 - m, 2 - n] for m in range(3) for n in range(3) if 0 <= 1 - m < 3 and 0 <= 2 - n < 3)
    fb = check("09.dx_entry", right)
    assert fb and "weight that touched it" in fb.message
    padded = np.pad(delta, 2)
    fb = check("09.dx_entry", np.sum(padded[1:4, 2:5] * W))
    assert not fb and "turned by 180°" in fb.message
    fb = check("09.dx_entry", np.sum(padded[1:4, 2:5] * W.T))
    assert not fb and "transposed" in fb.message
    fb = check("09.dx_entry", np.sum(padded[2:5, 2:5] * W[::-1, ::-1]))
    assert not fb and "entry at (2, 2)" in fb.message
    fb = check("09.dx_entry", padded[1:4, 2:5] * W[::-1, ::-1])
    assert not fb and "one number" in fb.message


def test_09_dilate():
    delta = exercise_inputs("09.dilate")["delta"]
    right = np.zeros((5, 5))
    right[::2, ::2] = delta
    fb = check("09.dilate", right)
    assert fb and "5 rows and columns" in fb.message
    fb = check("09.dilate", np.kron(delta, np.ones((2, 2))))
    assert not fb and "inserts zeros" in fb.message
    trailing = np.zeros((6, 6))
    trailing[::2, ::2] = delta
    fb = check("09.dilate", trailing)
    assert not fb and "no zeros after the last" in fb.message
    fb = check("09.dilate", np.pad(right, 1))
    assert not fb and "does not pad" in fb.message
    fb = check("09.dilate", right.T)
    assert not fb and "of zeros" in fb.message
