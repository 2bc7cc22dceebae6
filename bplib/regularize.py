"""Dropout on a fully connected layer vs on conv feature maps (S15).

Three masks, one rule: the kept values are scaled by 1 / (fraction kept) during training
("inverted dropout"), so nothing changes at test time. The backward pass multiplies the
upstream gradient by the same mask and scale.

- dropout:          each element dropped on its own (fine for FC features);
- channel_dropout:  whole feature maps dropped (Dropout2d; Tompson et al., 2015);
- dropblock:        square blocks of a map dropped (Ghiasi et al., 2018), because a lone
                    dropped pixel's information leaks back in from its correlated neighbours.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._checks import QUIET, as_float_array, check_alloc, check_bool, check_int, finite_result, nbytes

__all__ = [
    "DropCache",
    "dropout_forward",
    "channel_dropout_forward",
    "dropblock_forward",
    "dropblock_mask",
    "drop_backward",
]


class DropCache(NamedTuple):
    """The mask (1 = kept) and the scale applied to the kept values."""

    mask: np.ndarray
    scale: float

    def __repr__(self) -> str:
        return f"DropCache(mask.shape={self.mask.shape}, kept={self.mask.mean():.3f}, scale={self.scale:.4g})"


def _check_p(p, fn):
    if isinstance(p, (bool, np.bool_)) or not isinstance(p, (int, float, np.integer, np.floating)):
        raise TypeError(f"{fn}: drop probability p must be a number in [0, 1), got p={p!r}")
    if not 0 <= p < 1:  # NaN fails this too
        raise ValueError(f"{fn}: drop probability p must be a number in [0, 1), got p={p!r}")
    return float(p)


def _check_rng(rng, fn):
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"{fn}: rng must be a numpy Generator (np.random.default_rng(seed)), got {type(rng).__name__}")
    return rng


def _apply(x, mask, scale, training, fn):
    """y = x * mask * scale in training; the identity (mask of ones, scale 1) at test time."""
    if not check_bool(training, "training", fn):
        return x.copy(), DropCache(np.ones(x.shape, dtype=x.dtype), 1.0)
    mask = np.broadcast_to(mask, x.shape).astype(x.dtype)
    with np.errstate(**QUIET):
        y = x * mask * x.dtype.type(scale)
    finite_result(fn, y)
    return y, DropCache(mask, float(scale))


def dropout_forward(x, p: float, rng, training: bool = True):
    """Element dropout. x (any shape) -> (y, cache); each element kept with probability 1 - p.

    Kept values are scaled by 1/(1 - p), so the expected value is unchanged (as in PyTorch).
    """
    fn = "dropout_forward"
    x = as_float_array(x, "x", fn)
    p, rng = _check_p(p, fn), _check_rng(rng, fn)
    check_bool(training, "training", fn)
    check_alloc(fn, nbytes(x.shape) * 3, f"the mask of x.shape={x.shape}")
    return _apply(x, rng.random(x.shape) >= p, 1 / (1 - p), training, fn)


def channel_dropout_forward(x, p: float, rng, training: bool = True):
    """Channel dropout. x (N, C, H, W) -> (y, cache); each whole map x[n, c] kept with prob. 1 - p."""
    fn = "channel_dropout_forward"
    x = as_float_array(x, "x", fn, ndim=4)
    p, rng = _check_p(p, fn), _check_rng(rng, fn)
    check_bool(training, "training", fn)
    check_alloc(fn, nbytes(x.shape) * 3, f"the mask of x.shape={x.shape}")
    return _apply(x, rng.random(x.shape[:2] + (1, 1)) >= p, 1 / (1 - p), training, fn)


def dropblock_mask(shape, block_size: int, p: float, rng):
    """A DropBlock keep-mask (N, C, H, W) of 0/1: squares of block_size x block_size set to 0.

    Block centres are drawn with rate gamma = p / block^2 * H*W / ((H - block + 1)(W - block + 1))
    (Ghiasi et al., 2018), inside the region where a whole block fits, so about a fraction p
    of the map is dropped.
    """
    fn = "dropblock_mask"
    if isinstance(shape, np.ndarray) and shape.ndim == 1:
        shape = tuple(shape.tolist())
    if not isinstance(shape, (tuple, list)) or len(shape) != 4:
        raise TypeError(f"{fn}: shape must be a tuple (N, C, H, W) of four integers, got {shape!r}")
    N, C, H, W = (check_int(v, "shape", fn, 1) for v in shape)
    k = check_int(block_size, "block_size", fn, 1)
    p, rng = _check_p(p, fn), _check_rng(rng, fn)
    if k > min(H, W):
        raise ValueError(f"{fn}: block_size {k} is larger than the map {H}x{W}")
    check_alloc(fn, nbytes((N, C, H, W)) * 3, f"a mask of shape {(N, C, H, W)}")
    gamma = p / k**2 * (H * W) / ((H - k + 1) * (W - k + 1))
    seeds = rng.random((N, C, H - k + 1, W - k + 1)) < gamma  # top-left corners of the blocks
    dropped = np.zeros((N, C, H, W), dtype=bool)
    for u in range(k):
        for v in range(k):
            dropped[:, :, u : u + H - k + 1, v : v + W - k + 1] |= seeds
    return (~dropped).astype(np.float64)


def dropblock_forward(x, block_size: int, p: float, rng, training: bool = True):
    """DropBlock. x (N, C, H, W) -> (y, cache); kept values rescaled by (mask size / kept count)."""
    fn = "dropblock_forward"
    x = as_float_array(x, "x", fn, ndim=4, nonempty=True)
    check_bool(training, "training", fn)
    mask = dropblock_mask(x.shape, block_size, p, rng)
    kept = mask.sum()
    return _apply(x, mask, mask.size / kept if kept else 0.0, training, fn)


def drop_backward(dy, cache: DropCache):
    """Backward of all three: dx = dy * mask * scale (dropped units get no gradient)."""
    if not isinstance(cache, DropCache):
        raise TypeError("drop_backward: cache must be the DropCache of a dropout forward pass")
    dy = as_float_array(dy, "dy", "drop_backward")
    if dy.shape != cache.mask.shape:
        raise ValueError(f"drop_backward: dy.shape={dy.shape} != the forward shape {cache.mask.shape}")
    return dy * cache.mask * dy.dtype.type(cache.scale)
