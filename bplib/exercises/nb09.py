"""Exercises of notebook 09: backpropagation through a convolution, rot180 and full convolution (S13)."""

from __future__ import annotations

from functools import partial

import numpy as np

from ..conv import conv_output_size, conv_transpose2d, dilate, rot180
from . import exercise
from ._compare import compare_array, compare_number, same_array

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
        return True, msg + ": rows reversed and columns reversed, the shape unchanged"
    if _same(answer, W.T) or _same(answer, W.T[::-1, ::-1]):
        return False, ("that is a transpose (u and v swapped, shape 3 x 2); rot180 turns the kernel in its plane "
                       "and keeps its shape")
    if _same(answer, np.rot90(W)) or _same(answer, np.rot90(W, -1)):
        return False, "that is a quarter turn (90°); rot180 is two quarter turns: the shape stays 2 x 3"
    if _same(answer, W[::-1]):
        return False, msg + "; you flipped it upside down; now also flip it left to right"
    if _same(answer, W[:, ::-1]):
        return False, msg + "; you flipped it left to right; now also flip it upside down"
    if _same(answer, W):
        return False, msg + "; that is W itself: reverse the order of the rows and of the columns"
    return False, msg + "; the weight at (u, v) goes to (KH - 1 - u, KW - 1 - v)"


def _dx_inputs():
    rng = np.random.default_rng(919)
    return {"delta": np.round(rng.standard_normal((3, 3)), 1), "W": np.round(rng.standard_normal((3, 3)), 1)}


@exercise("09.dx_entry", inputs=_dx_inputs)
def dx_entry(answer, delta, W):
    """dC/da[PIXEL] for a 3 x 3 convolution (stride 1, no padding) of a 5 x 5 input with error delta (3 x 3)."""
    dx = conv_transpose2d(delta[None, None], W[None, None])[0, 0]
    r, q = PIXEL
    if np.ndim(answer) != 0:
        return False, f"answer with one number, dC/da[{r}, {q}]; got an array of shape {np.shape(answer)}"
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return False, f"answer with one number, dC/da[{r}, {q}]; got {answer!r}"
    ok, _ = compare_number(value, dx[r, q], "", tol=1e-9)
    msg = f"dC/da[{r}, {q}] = {value:.4g}" + ("" if ok else " is not right")
    if ok:
        return True, msg + ": every output cell whose window covered the pixel, times the weight that touched it"
    unflipped = conv_transpose2d(delta[None, None], rot180(W)[None, None])[0, 0]
    if compare_number(value, unflipped[r, q], "", tol=1e-9)[0]:
        return False, msg + "; the kernel must be turned by 180°: output (m, n) touched a[1, 2] with W[1 - m, 2 - n]"
    transposed = conv_transpose2d(delta[None, None], rot180(W.T)[None, None])[0, 0]  # the window times W.T
    if compare_number(value, transposed[r, q], "", tol=1e-9)[0]:
        return False, msg + "; that uses W transposed; the flip is a 180° rotation, W[::-1, ::-1]"
    for (p, s), other in np.ndenumerate(dx):
        if compare_number(value, other, "", tol=1e-9)[0]:
            return False, msg + (f"; that is the entry at ({p}, {s}); pad delta by K - 1 = 2 before taking "
                                 f"the window at ({r}, {q})")
    return False, msg + "; sum delta[m, n] * W[1 - m, 2 - n] over the (m, n) where 0 <= 1 - m <= 2 and 0 <= 2 - n <= 2"


def _dilate_inputs():
    rng = np.random.default_rng(929)
    return {"delta": rng.integers(1, 10, size=(3, 3)).astype(float)}


@exercise("09.dilate", inputs=_dilate_inputs)
def dilated(answer, delta):
    """delta (3 x 3) dilated for stride 2: one zero between neighbouring entries -> 5 x 5."""
    expected = dilate(delta, STRIDE)
    ok, msg = compare_array(answer, expected, "the dilated map", tol=1e-12)
    if ok:
        n = expected.shape[0]
        return True, msg + f": {STRIDE - 1} zero between neighbours, (3 - 1) * {STRIDE} + 1 = {n} rows and columns"
    s = STRIDE
    if _same(answer, np.kron(delta, np.ones((s, s)))) or _same(answer, np.repeat(np.repeat(delta, s, 0), s, 1)):
        return False, msg + "; that copies each entry; dilation inserts zeros between the entries instead"
    trailing = np.zeros((3 * s, 3 * s))
    trailing[::s, ::s] = delta
    if _same(answer, trailing):
        return False, msg + "; no zeros after the last row and column: zeros go only BETWEEN neighbouring entries"
    if _same(answer, np.pad(expected, 1)) or _same(answer, np.pad(delta, 1)):
        return False, msg + "; dilation does not pad the border; zeros go only between neighbouring entries"
    return False, msg + f"; put delta[m, n] at ({s}m, {s}n) of a {expected.shape[0]} x {expected.shape[1]} map of zeros"


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
        return True, msg + (f": dilated, {r} row and column of zeros added at the bottom and right, fully convolved "
                            f"with rot180(W), cropped by {p}")
    full = conv_transpose2d(delta[None, None], W[None, None], s, 0, output_hw=(H + 2 * p, H + 2 * p))[0, 0]
    if a is not None and a.shape == (H - r, H - r) and _same(a, expected[: H - r, : H - r]):
        return False, (f"right numbers, but {r} row and column short: no window reads the last r = (H + 2p - K) mod s "
                       f"= {r} row(s) and column(s) of the padded input, so the full convolution stops short of them; "
                       "pad the dilated delta by r at the bottom and right before the full convolution, then crop p")
    if a is not None and a.shape == expected.shape and _same(a[r:, r:], expected[: H - r, : H - r]):
        return False, ("the missing row and column belong at the bottom and right (the rows no window reached), "
                       "not at the top and left")
    if a is not None and a.shape == full.shape and _same(a, full):
        return False, msg + f"; that is the gradient of the padded input: crop p = {p} on every side"
    if a is not None and a.shape == (H + 2 * p - r, H + 2 * p - r):
        return False, msg + f"; crop p = {p} on every side, and add the r = {r} missing row and column at the bottom and right"
    flipped = conv_transpose2d(delta[None, None], rot180(W)[None, None], s, p, output_hw=input_hw)[0, 0]
    if a is not None and _same(a, flipped):
        return False, msg + "; the kernel must be turned by 180° for the full convolution (rot180(W))"
    if a is not None and a.shape == (len(delta) + K - 1 - 2 * p,) * 2:
        return False, msg + f"; with stride {s} the error map is dilated first ({s - 1} zero between neighbours)"
    return False, msg + (f"; dilate delta by {s}, add r = (H + 2p - K) mod s = {r} zero row(s) and column(s) at the "
                         f"bottom and right, full-convolve with rot180(W), crop {p} on every side")
