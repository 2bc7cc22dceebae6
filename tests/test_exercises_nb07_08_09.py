"""The exercise checkers of notebooks 07, 08 and 09: the right answer passes, typical wrong answers get their hint."""

import numpy as np

import bplib as bp
from bplib.exercises import check, exercise_inputs, list_exercises


def test_registered():
    assert list_exercises("07") == ["07.delta1_relu", "07.unpool_avg", "07.unpool_max"]
    assert list_exercises("08") == ["08.dW_entry", "08.db", "08.learn_kernel", "08.shape_dW"]
    assert list_exercises("09") == ["09.dilate", "09.dx_entry", "09.output_padding", "09.rot180"]


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


def _least_squares_kernel(x, y, K):
    """The kernel that maps x to y, by least squares over every window (an independent route: no gradient descent)."""
    N, _, H, W = x.shape
    Ho, Wo = H - K + 1, W - K + 1
    patches = np.array([x[n, 0, i : i + K, j : j + K].ravel() for n in range(N) for i in range(Ho) for j in range(Wo)])
    return np.linalg.lstsq(patches, y[:, 0].ravel(), rcond=None)[0].reshape(K, K)


def _descend(x, y, lr, steps):
    W = np.zeros((1, 1, 3, 3))
    for _ in range(steps):
        z, cache = bp.conv2d_forward(x, W, None)
        W = W - lr * bp.conv2d_backward((z - y) / z.size, cache, need_dx=False)[1]
    return W


def test_08_learn_kernel():
    ex = exercise_inputs("08.learn_kernel")
    x, y, K = ex["x"], ex["y"], ex["kernel_size"]
    assert "kernel" not in ex and "W" not in ex, "the learner sees the pairs, not the kernel"
    truth = _least_squares_kernel(x, y, K)
    assert np.allclose(y, bp.conv2d_forward(x, truth[None, None], None)[0], atol=1e-9), "the pairs determine the kernel"
    assert not np.allclose(bp.rot180(truth), truth) and not np.allclose(bp.rot180(truth), -truth), "a flip is visible"
    fb = check("08.learn_kernel", truth)
    assert fb and "hidden kernel" in fb.message
    assert check("08.learn_kernel", truth[None, None])
    learned = _descend(x, y, 0.5, 60)
    assert check("08.learn_kernel", learned), "the notebook's recipe (lr 0.5, 60 steps) recovers it"
    fb = check("08.learn_kernel", _descend(x, y, 5.0, 30))
    assert not fb and "diverged" in fb.message
    fb = check("08.learn_kernel", bp.rot180(truth))
    assert not fb and "rot180" in fb.message and "cross-correlation" in fb.message
    fb = check("08.learn_kernel", -truth)
    assert not fb and "minus" in fb.message
    fb = check("08.learn_kernel", truth.T)
    assert not fb and "swapped" in fb.message
    fb = check("08.learn_kernel", _descend(x, y, 0.05, 3))
    assert not fb and "not there yet" in fb.message
    fb = check("08.learn_kernel", np.zeros((3, 3)))
    assert not fb and "barely moved" in fb.message
    fb = check("08.learn_kernel", np.ones((2, 2)))
    assert not fb and "3 x 3" in fb.message


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


def test_09_output_padding():
    ex = exercise_inputs("09.output_padding")
    delta, W, (H, _), s, p = ex["delta"], ex["W"], ex["input_hw"], ex["stride"], ex["padding"]
    K = W.shape[0]
    r = (H + 2 * p - K) % s
    assert r == 1, "the exercise is about rows no window reads"
    # the chain rule, independent of bplib: output (m, n) read x[s*m + u - p, s*n + v - p] with W[u, v]
    right = np.zeros((H, H))
    for m in range(delta.shape[0]):
        for n in range(delta.shape[1]):
            for u in range(K):
                for v in range(K):
                    i, j = s * m + u - p, s * n + v - p
                    if 0 <= i < H and 0 <= j < H:
                        right[i, j] += delta[m, n] * W[u, v]
    fb = check("09.output_padding", right)
    assert fb and "bottom and right" in fb.message
    short = bp.conv_full(bp.dilate(delta, s)[None, None], bp.rot180(W)[None, None])[0, 0][p:-p, p:-p]
    assert short.shape == (H - r, H - r)
    fb = check("09.output_padding", short)
    assert not fb and "short" in fb.message and "bottom and right" in fb.message
    fb = check("09.output_padding", np.pad(short, ((r, 0), (r, 0))))
    assert not fb and "not at the top and left" in fb.message
    uncropped = np.zeros((H + 2 * p, H + 2 * p))  # the gradient of the padded input: no crop
    for m in range(delta.shape[0]):
        for n in range(delta.shape[1]):
            uncropped[s * m : s * m + K, s * n : s * n + K] += delta[m, n] * W
    assert np.allclose(uncropped[p:-p, p:-p], right)
    fb = check("09.output_padding", uncropped)
    assert not fb and f"crop p = {p}" in fb.message
    fb = check("09.output_padding", bp.conv_full(bp.dilate(delta, s)[None, None], bp.rot180(W)[None, None])[0, 0])
    assert not fb and "missing row" in fb.message
    unflipped = np.zeros((H, H))
    for m in range(delta.shape[0]):
        for n in range(delta.shape[1]):
            for u in range(K):
                for v in range(K):
                    i, j = s * m + u - p, s * n + v - p
                    if 0 <= i < H and 0 <= j < H:
                        unflipped[i, j] += delta[m, n] * W[K - 1 - u, K - 1 - v]
    fb = check("09.output_padding", unflipped)
    assert not fb and "180°" in fb.message
    fb = check("09.output_padding", right.T)
    assert not fb and "dilate delta" in fb.message
