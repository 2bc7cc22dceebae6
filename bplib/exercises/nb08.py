"""Exercises of notebook 08: the convolution layer's bias and weight gradients (S12), and a kernel learned with them."""

from __future__ import annotations

from functools import partial

import numpy as np

from ..conv import conv2d_backward, conv2d_forward, rot180
from ..gradcheck import rel_error
from . import exercise
from ._compare import compare_array, compare_number, same_array

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
        return True, msg + ": each bias collects every error of its map, in every image"
    per_image = delta.sum(axis=(2, 3))
    if _same(answer, per_image):
        return False, f"dC/db has shape {np.shape(answer)}, expected {expected.shape}: also sum over the {N} images of the batch"
    if np.ndim(answer) == 0 and compare_number(answer, float(expected.sum()), "", tol=1e-9)[0]:
        return False, f"that is one number for the whole layer; there is one bias per kernel, {F} in all: keep the kernel axis"
    if np.shape(answer) != expected.shape:
        return False, msg + "; one number per kernel: sum over every axis except the kernel axis (axis 1)"
    if _same(answer, delta.mean(axis=(0, 2, 3))) or _same(answer, delta.mean(axis=(2, 3)).sum(axis=0)):
        return False, msg + ("; the bias enters every cell with coefficient 1, so every cell adds its full error: "
                             "a sum, not a mean")
    if _same(answer, expected / N):
        return False, msg + "; the 1/N of a mean loss is already inside delta: just add up"
    return False, msg + "; sum delta over the batch (axis 0) and over the rows and columns (axes 2, 3)"


def _dw_entry_inputs():
    rng = np.random.default_rng(818)
    return {"a0": np.round(rng.standard_normal((6, 6)), 1), "delta": np.round(rng.standard_normal((4, 4)), 1)}


@exercise("08.dW_entry", inputs=_dw_entry_inputs)
def dW_entry(answer, a0, delta):
    """dC/dW[u, v] = sum_{i,j} delta[i, j] * a0[i + u, j + v] for (u, v) = PEN, a 3 x 3 kernel, stride 1."""
    dw = _conv_grads((1, 1) + a0.shape, (1, 1, 3, 3), delta[None, None], x=a0[None, None])[1][0, 0]
    u, v = PEN
    if np.ndim(answer) != 0:
        return False, f"answer with one number, dC/dW[{u}, {v}]; got an array of shape {np.shape(answer)}"
    try:
        float(answer)
    except (TypeError, ValueError):
        return False, f"answer with one number, dC/dW[{u}, {v}]; got {answer!r}"
    ok, _ = compare_number(answer, dw[u, v], "", tol=1e-9)
    msg = f"dC/dW[{u}, {v}] = {float(answer):.4g}" + ("" if ok else " is not right")
    if ok:
        return True, msg + f": delta laid on a0 with its top-left corner at ({u}, {v}), multiplied and summed"
    if compare_number(answer, dw[v, u], "", tol=1e-9)[0]:
        return False, msg + f"; rows and columns are swapped: u = {u} shifts the rows, v = {v} the columns: a0[i + {u}, j + {v}]"
    for (p, q), value in np.ndenumerate(dw):
        if compare_number(answer, value, "", tol=1e-9)[0]:
            return False, msg + f"; that is the entry for (u, v) = ({p}, {q}); the pen should sit at ({u}, {v})"
    return False, msg + (f"; sum over all (i, j) of delta[i, j] * a0[i + {u}, j + {v}]: "
                         f"the 4 x 4 square of a0 starting at ({u}, {v})")


@exercise("08.shape_dW")
def shape_dW(answer):
    """The shape of dC/dW for 16 kernels of 5 x 5 on 3 input channels of 32 x 32 (padding 2)."""
    C, H, F, K, p = LAYER["C"], LAYER["H"], LAYER["F"], LAYER["K"], LAYER["padding"]
    Ho = H + 2 * p - K + 1
    expected = _conv_grads((1, C, H, H), (F, C, K, K), np.zeros((1, F, Ho, Ho)), padding=p)[1].shape
    try:
        got = tuple(int(s) for s in np.atleast_1d(answer))
    except (TypeError, ValueError):
        return False, f"answer with a tuple of integers, got {answer!r}"
    if got == expected:
        return True, f"dC/dW has the shape of W, {expected}: one number per weight"
    if got == (F, K, K):
        return False, f"each kernel has a depth: one {K} x {K} slice per input channel ({C} of them)"
    if got == (C, F, K, K):
        return False, "the order is (kernels, input channels, rows, columns), as W itself: (F, C, KH, KW)"
    if K not in got[-2:]:
        return False, "one number per weight, not per pixel: the image size does not appear in the shape of W"
    return False, "dC/dW has the shape of W: (number of kernels, input channels, kernel rows, kernel columns)"


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
        return False, f"answer with the {K} x {K} kernel (or W of shape (1, 1, {K}, {K})), got shape {a.shape}"
    if not np.all(np.isfinite(a)) or np.abs(a).max() > 1e3 * np.abs(true).max():
        return False, ("the kernel blew up: gradient descent diverged. Step against the gradient, W -= lr * dW, "
                       "and if it still grows, make the learning rate smaller (or divide the cost by the number of cells)")
    z, _ = conv2d_forward(x, a[None, None], None)
    fit = f"it reproduces y with RMS error {np.sqrt(np.mean((z - y) ** 2)):.2g}"
    err = rel_error(a, true)
    if err < LEARN_TOL:
        order = max(-12, int(np.ceil(np.log10(err)))) if err > 0 else -12  # a power of ten: stable output
        return True, (f"the hidden kernel (a Sobel edge detector, perturbed), to a relative error below 1e{order}: "
                      "learned from the data alone, with conv2d_backward's dW")
    if rel_error(a, rot180(true)) < _NEAR:
        return False, ("you learned rot180 of it: conv here is cross-correlation (no flip), so predict with "
                       "bp.conv2d_forward, not a textbook convolution that turns the kernel by 180°")
    if rel_error(a, -true) < _NEAR:
        return False, ("that is minus the hidden kernel: check the signs of your error (z - y, the prediction minus "
                       "the target) and of your step (W -= lr * dW)")
    if rel_error(a, true.T) < _NEAR:
        return False, "rows and columns are swapped: W[u, v] multiplies x[i + u, j + v], u down the rows"
    if np.linalg.norm(a) < 0.05 * np.linalg.norm(true):
        return False, "the kernel has barely moved from zero: take more steps or a larger learning rate"
    cosine = float(np.sum(a * true) / (np.linalg.norm(a) * np.linalg.norm(true)))
    if err < 0.5 or cosine > 0.9:  # close, or pointing the right way and still too short
        return False, (f"on the way but not there yet (relative error {err:.1e}; {fit}): take more steps, "
                       "or a larger learning rate while the cost keeps falling")
    return False, (f"not the hidden kernel ({fit}). Predict z = conv2d_forward(x, W), take delta = dC/dz for your cost, "
                   "get dW from conv2d_backward and step W -= lr * dW; the cost should fall every step")
