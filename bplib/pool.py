"""Pooling layers and their backward passes (the article's "unpooling").

Each channel is pooled on its own, so the channel count never changes. A window of
size KH x KW moves with the given stride (default: the window size, so windows tile
the map); with a smaller stride windows overlap and the backward pass adds up what
each window sends back. Output size: Ho = (H - KH) // stride + 1.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._checks import QUIET, as_float_array, check_alloc, check_pair, finite_result, nbytes, private

__all__ = [
    "PoolCache",
    "maxpool2d_forward",
    "maxpool2d_backward",
    "avgpool2d_forward",
    "avgpool2d_backward",
    "l2pool2d_forward",
    "l2pool2d_backward",
    "global_avgpool_forward",
    "global_avgpool_backward",
]


class PoolCache(NamedTuple):
    """What a pooling forward pass keeps for its backward pass."""

    kind: str  # "max", "avg", "l2" or "gap"
    x_shape: tuple  # (N, C, H, W)
    size: tuple  # (KH, KW)
    stride: tuple  # (SH, SW)
    arg: np.ndarray | None  # max: flat index u*KW + v of the winner in each window
    x: np.ndarray | None  # l2: the input
    y: np.ndarray | None  # l2: the output

    def __repr__(self) -> str:
        extra = f", arg.shape={self.arg.shape}" if self.arg is not None else ""
        return (
            f"PoolCache(kind={self.kind!r}, x_shape={self.x_shape}, size={self.size}, "
            f"stride={self.stride}{extra})"
        )


def _setup(x, size, stride, fn):
    x = as_float_array(x, "x", fn, ndim=4, nonempty=True)
    KH, KW = check_pair(size, "size", fn, 1)
    SH, SW = check_pair(stride if stride is not None else (KH, KW), "stride", fn, 1)
    N, C, H, W = x.shape
    if KH > H or KW > W:
        raise ValueError(
            f"{fn}: pool window {KH}x{KW} is larger than the input map {H}x{W} (x.shape={x.shape})"
        )
    Ho, Wo = (H - KH) // SH + 1, (W - KW) // SW + 1
    # the window stack (avg, L2) and the backward pass's dx: refuse before allocating
    check_alloc(fn, nbytes((N, C, Ho, Wo, KH * KW), x.dtype) * 2 + nbytes(x.shape, x.dtype),
                f"{KH}x{KW} windows with stride ({SH}, {SW}) over x.shape={x.shape}")
    return x, (KH, KW), (SH, SW), (Ho, Wo)


def _window_stack(x, size, stride, out_hw):
    """(N, C, H, W) -> (N, C, Ho, Wo, KH*KW): every window's values in row-major order."""
    (KH, KW), (SH, SW), (Ho, Wo) = size, stride, out_hw
    N, C = x.shape[:2]
    out = np.empty((N, C, Ho, Wo, KH * KW), dtype=x.dtype)
    for u in range(KH):
        for v in range(KW):
            out[..., u * KW + v] = x[:, :, u : u + SH * (Ho - 1) + 1 : SH, v : v + SW * (Wo - 1) + 1 : SW]
    return out


def _scatter(parts, x_shape, size, stride, dtype):
    """Adjoint of _window_stack: add each window slot back to its pixel (sums overlaps)."""
    (KH, KW), (SH, SW) = size, stride
    Ho, Wo = parts.shape[2:4]
    dx = np.zeros(x_shape, dtype=dtype)
    for u in range(KH):
        for v in range(KW):
            dx[:, :, u : u + SH * (Ho - 1) + 1 : SH, v : v + SW * (Wo - 1) + 1 : SW] += parts[..., u * KW + v]
    return dx


def _check_dy(dy, cache, fn, expected_kind):
    if not isinstance(cache, PoolCache) or cache.kind != expected_kind:
        raise TypeError(f"{fn}: cache must come from the matching {expected_kind}-pool forward pass")
    dy = as_float_array(dy, "dy", fn)
    N, C, H, W = cache.x_shape
    if expected_kind == "gap":
        want = (N, C)
    else:
        (KH, KW), (SH, SW) = cache.size, cache.stride
        want = (N, C, (H - KH) // SH + 1, (W - KW) // SW + 1)
    if dy.shape != want:
        raise ValueError(f"{fn}: dy.shape={dy.shape} does not match the forward output shape {want}")
    return dy


def maxpool2d_forward(x, size=2, stride=None):
    """Max pooling. x (N, C, H, W) -> y (N, C, Ho, Wo), cache.

    size and stride are ints or (rows, cols) pairs; stride defaults to size. Ties go to
    the first maximum in row-major window order, as in PyTorch.
    """
    x, size, stride, (Ho, Wo) = _setup(x, size, stride, "maxpool2d_forward")
    (KH, KW), (SH, SW) = size, stride
    y = arg = None
    for u in range(KH):  # one pass per window slot, in row-major order
        for v in range(KW):
            slot = x[:, :, u : u + SH * (Ho - 1) + 1 : SH, v : v + SW * (Wo - 1) + 1 : SW]
            if y is None:
                y, arg = slot.copy(), np.zeros(slot.shape, dtype=np.intp)
                continue
            wins = slot > y  # strictly greater: an equal value later in the window does not win
            np.copyto(y, slot, where=wins)
            arg[wins] = u * KW + v
    return y, PoolCache("max", x.shape, size, stride, arg, None, None)


def maxpool2d_backward(dy, cache: PoolCache):
    """Max unpooling: each dy cell goes to its window's argmax; overlaps add up.

    dy (N, C, Ho, Wo) -> dx (N, C, H, W).
    """
    dy = _check_dy(dy, cache, "maxpool2d_backward", "max")
    (KH, KW), (SH, SW) = cache.size, cache.stride
    Ho, Wo = dy.shape[2:]
    dx = np.zeros(cache.x_shape, dtype=dy.dtype)
    for u in range(KH):
        for v in range(KW):
            dx[:, :, u : u + SH * (Ho - 1) + 1 : SH, v : v + SW * (Wo - 1) + 1 : SW] += np.where(cache.arg == u * KW + v, dy, 0)
    return dx


def avgpool2d_forward(x, size=2, stride=None):
    """Average pooling. x (N, C, H, W) -> y (N, C, Ho, Wo), cache; stride defaults to size."""
    x, size, stride, out_hw = _setup(x, size, stride, "avgpool2d_forward")
    with np.errstate(**QUIET):
        y = _window_stack(x, size, stride, out_hw).mean(axis=-1)
    finite_result("avgpool2d_forward", y)
    return y, PoolCache("avg", x.shape, size, stride, None, None, None)


def avgpool2d_backward(dy, cache: PoolCache):
    """Average unpooling: each dy cell spreads dy/|R| over its window; overlaps add up.

    dy (N, C, Ho, Wo) -> dx (N, C, H, W).
    """
    dy = _check_dy(dy, cache, "avgpool2d_backward", "avg")
    KH, KW = cache.size
    parts = np.broadcast_to((dy / (KH * KW))[..., None], dy.shape + (KH * KW,))
    return _scatter(parts, cache.x_shape, cache.size, cache.stride, dy.dtype)


def l2pool2d_forward(x, size=2, stride=None):
    """L2 pooling: y = sqrt(sum of squares over the window). x (N, C, H, W) -> y, cache.

    Computed scaled, as a norm is: y = m * sqrt(sum((x / m)^2)) with m the window's largest
    |x|, so float16 inputs >= 256 do not overflow and float32 inputs of 1e-30 do not vanish.
    """
    x_in = x
    x, size, stride, out_hw = _setup(x, size, stride, "l2pool2d_forward")
    win = _window_stack(x, size, stride, out_hw)
    m = np.abs(win).max(axis=-1)
    scale = np.where(m > 0, m, 1).astype(x.dtype)
    with np.errstate(**QUIET):
        y = m * np.sqrt(np.square(win / scale[..., None]).sum(axis=-1))
    finite_result("l2pool2d_forward", y)
    return y, PoolCache("l2", x.shape, size, stride, None, private(x, x_in), y)


def l2pool2d_backward(dy, cache: PoolCache):
    """L2 unpooling: dy/dx = x / y inside the window; an all-zero window sends back 0.

    dy (N, C, Ho, Wo) -> dx (N, C, H, W).
    """
    dy = _check_dy(dy, cache, "l2pool2d_backward", "l2")
    y = cache.y
    win = _window_stack(cache.x, cache.size, cache.stride, y.shape[2:])
    # dy * (x / y), with x / y (<= 1 in size) formed first: no overflow or underflow on the way
    ratio = np.divide(win, y[..., None], out=np.zeros(win.shape, dtype=np.result_type(win, y)), where=y[..., None] > 0)
    return _scatter(ratio * dy[..., None], cache.x_shape, cache.size, cache.stride, dy.dtype)  # 0 where y == 0


def global_avgpool_forward(x):
    """Global average pooling (GAP): each H x W map -> its mean. x (N, C, H, W) -> y (N, C), cache."""
    x = as_float_array(x, "x", "global_avgpool_forward", ndim=4, nonempty=True)
    H, W = x.shape[2:]
    with np.errstate(**QUIET):
        y = x.mean(axis=(2, 3))
    finite_result("global_avgpool_forward", y)
    return y, PoolCache("gap", x.shape, (H, W), (H, W), None, None, None)


def global_avgpool_backward(dy, cache: PoolCache):
    """GAP backward: dy[n, c] / (H*W) spread uniformly over the whole map. -> (N, C, H, W)."""
    dy = _check_dy(dy, cache, "global_avgpool_backward", "gap")
    N, C, H, W = cache.x_shape
    return np.broadcast_to((dy / (H * W))[:, :, None, None], (N, C, H, W)).copy()
