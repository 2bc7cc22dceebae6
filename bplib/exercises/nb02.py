"""Exercises of notebook 02: pooling (S3)."""

from __future__ import annotations

import numpy as np

from ..pool import avgpool2d_forward, l2pool2d_forward, maxpool2d_forward
from . import exercise
from ._compare import compare_array


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
        got = tuple(int(s) for s in np.atleast_1d(answer))
    except (TypeError, ValueError):
        return False, f"answer with the shape as a tuple of whole numbers (N, C, Ho, Wo), got {answer!r}"
    N, C, H, W = x_shape
    if got == expected:
        return True, f"{expected}: every channel is pooled on its own, and ({H} - {size}) // {stride} + 1 = {expected[2]}"
    if len(got) != 4:
        if got == expected[1:]:
            return False, "keep the batch axis: the answer is a 4-D NCHW shape (N, C, Ho, Wo)"
        return False, "answer with the full NCHW shape, four numbers (N, C, Ho, Wo)"
    if got[:2] != (N, C):
        return False, "pooling works on each channel of each image separately: N and C do not change"
    side = got[2]
    if side == H // stride:
        return False, (f"{H} // {stride} holds for windows of size {stride}; here the {size}x{size} window has to fit "
                       f"as well: ({H} - {size}) // {stride} + 1")
    if side == (H - size) // size + 1:
        return False, f"the stride is {stride} here, not the window size: the windows overlap"
    if side == H - size + 1:
        return False, f"that is stride 1; with stride {stride} the window jumps {stride} cells at a time"
    if side == (H - size) // stride:
        return False, "one short: the window's first position counts too (+ 1)"
    return False, "along each side: (H - size) // stride + 1 window positions"


def _as_map(answer):
    """A 2-D answer, also accepting (1, 1, Ho, Wo)."""
    a = np.asarray(answer, dtype=np.float64)
    if a.ndim == 4 and a.shape[:2] == (1, 1):
        a = a[0, 0]
    return a


def _pool_checker(kind: str):
    forward = {"max": maxpool2d_forward, "avg": avgpool2d_forward}[kind]

    def checker(answer, x):
        expected = forward(x[None, None], 2, 2)[0][0, 0]
        try:
            a = _as_map(answer)
        except (TypeError, ValueError):
            return False, f"answer with an array of numbers of shape {expected.shape}"
        name = "the max-pooled map" if kind == "max" else "the average-pooled map"
        if a.shape != expected.shape:
            if a.shape == expected.shape[::-1]:
                return False, f"shape {a.shape} is transposed: rows of windows first, {expected.shape}"
            if a.shape == (x.shape[0] - 1, x.shape[1] - 1):
                return False, f"with stride 2 the 2x2 windows do not overlap: a {x.shape} map gives {expected.shape}"
            return False, f"2x2 windows with stride 2 halve each side: a {x.shape} map gives shape {expected.shape}"
        ok, msg = compare_array(a, expected, name)
        if ok:
            return True, f"{name} is right: each 2x2 block became one number"
        others = {
            "max": maxpool2d_forward(x[None, None], 2, 2)[0][0, 0],
            "average": avgpool2d_forward(x[None, None], 2, 2)[0][0, 0],
            "L2": l2pool2d_forward(x[None, None], 2, 2)[0][0, 0],
            "sum": 4 * avgpool2d_forward(x[None, None], 2, 2)[0][0, 0],
            "min": -maxpool2d_forward(-x[None, None], 2, 2)[0][0, 0],
        }
        if compare_array(a, x[::2, ::2], "")[0]:
            return False, "that is the top-left cell of each window (x[::2, ::2]); pooling looks at all four cells of the window"
        for label, value in others.items():
            if compare_array(a, value, "")[0]:
                if label == "sum":
                    return False, "that is the sum of each block; the average divides it by the 4 cells of the window"
                wanted = "largest value" if kind == "max" else "mean of the four values"
                return False, f"that is {label} pooling; take the {wanted} of each 2x2 block"
        return False, msg + "; output cell (m, n) pools rows 2m..2m+1 and columns 2n..2n+1 of the map"

    return checker


exercise("02.max_pool", inputs=_map_inputs)(_pool_checker("max"))
exercise("02.avg_pool", inputs=_map_inputs)(_pool_checker("avg"))
