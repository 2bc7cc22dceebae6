"""Exercises of notebook 04: co-evolution of the convolution layer and the head (S6)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..data import load_mnist
from ..net import ArticleNet, train
from . import exercise
from ._compare import compare_number

# Short training runs on the first 640 training images: ten SGD steps per epoch, fast enough for instant feedback.
N_TRAIN = 640
BATCH = 64


@lru_cache(maxsize=1)
def _mnist():
    (x, y), (xv, _) = load_mnist()
    return x[:N_TRAIN], y[:N_TRAIN], xv[:50]


@lru_cache(maxsize=4)
def _run(seed: int, epochs: int):
    """ArticleNet(seed) trained epoch by epoch on the 640 images: the parameters after each epoch (0 = start)."""
    x, y, _ = _mnist()
    net = ArticleNet(seed=seed)
    snaps = [{k: v.copy() for k, v in net.params().items()}]
    for e in range(1, epochs + 1):
        train(net, x, y, epochs=1, batch_size=BATCH, lr=0.1, seed=e, progress=False)
        snaps.append({k: v.copy() for k, v in net.params().items()})
    return tuple(snaps)


def _norm(a) -> float:
    return float(np.sqrt(np.sum(np.square(np.asarray(a, dtype=np.float64)))))


def _relative_change(before, after) -> float:
    return _norm(np.asarray(after, dtype=np.float64) - before) / _norm(before)


def _rel_change_inputs():
    before, after = _run(4, 1)
    return {"W_before": before["W1"].copy(), "W_after": after["W1"].copy()}


def _smallest_change_inputs():
    return {"snapshots": np.array([s["W1"] for s in _run(40, 5)])}


def _shift_inputs():
    params = _run(4, 1)[-1]
    out = {k: v.copy() for k, v in params.items()}
    out["images"] = _mnist()[2].copy()
    return out


def _close(answer, expected) -> bool:
    return compare_number(answer, expected, "", tol=1e-4)[0]


@exercise("04.rel_change", inputs=_rel_change_inputs)
def rel_change(answer, W_before, W_after):
    """||W_after - W_before|| / ||W_before|| over all entries."""
    expected = _relative_change(W_before, W_after)
    if np.ndim(answer) != 0:
        return False, f"answer with one number for the whole W1, got an array of shape {np.shape(answer)}"
    if _close(answer, expected):
        return True, f"relative change = {float(answer):.4f}: the kernels moved by {expected:.1%} of their size in ten steps"
    if _close(answer, _norm(W_after - W_before) / (_norm(W_after) + _norm(W_before))):
        return False, "that is bp.rel_error, which divides by the sum of both norms; divide by the earlier snapshot's norm only"
    if _close(answer, _norm(W_after - W_before) / _norm(W_after)):
        return False, "divide by the size of the earlier snapshot, W_before, not the later one"
    if _close(answer, _norm(W_after - W_before)):
        return False, "that is the size of the change; relative change divides it by the size of W_before"
    if _close(answer, _norm(W_after - W_before) ** 2 / _norm(W_before) ** 2):
        return False, "take the square root of each sum of squares: the norm, not its square"
    return False, "a norm is the square root of the sum of squares of all entries: take it of W_after - W_before and of W_before"


@exercise("04.smallest_change", inputs=_smallest_change_inputs)
def smallest_change(answer, snapshots):
    """In which epoch (1..5) did the kernels change least, relative to their size?"""
    changes = [_relative_change(snapshots[e - 1], snapshots[e]) for e in range(1, len(snapshots))]
    expected = 1 + int(np.argmin(changes))
    try:
        value = int(answer)
    except (TypeError, ValueError):
        return False, f"answer with the epoch number, 1 to {len(changes)}, got {answer!r}"
    if value == expected:
        return True, f"epoch {expected}: its change, {changes[expected - 1]:.1%}, is the smallest of the {len(changes)}"
    if value == expected - 1:
        return False, "off by one: snapshots[0] is the start, so the change between snapshots e-1 and e happens in epoch e"
    if value == 1 + int(np.argmax(changes)):
        return False, "that is the epoch with the largest change; look for the smallest"
    return False, "compute the relative change between consecutive snapshots for each epoch, then pick the smallest"


@exercise("04.shift_change", inputs=_shift_inputs)
def shift_change(answer, W1, b1, W4, b4, images):
    """Relative change of a2 when the images move one pixel to the right (zero fill)."""
    net = ArticleNet(seed=0)
    for name, value in (("W1", W1), ("b1", b1), ("W4", W4), ("b4", b4)):
        net.params()[name][...] = value
    shifted = np.pad(images, ((0, 0), (0, 0), (0, 0), (1, 0)))[..., : images.shape[-1]]
    before, after = net.forward(images), net.forward(shifted)
    expected = _relative_change(before.a2, after.a2)
    if np.ndim(answer) != 0:
        return False, f"answer with one number for the whole batch, got an array of shape {np.shape(answer)}"
    if _close(answer, expected):
        a1_change = _relative_change(before.a1, after.a1)
        return True, f"a2 changes by {expected:.1%} (a1 by {a1_change:.1%}): pooling absorbed part of the shift"
    if _close(answer, _relative_change(before.a1, after.a1)):
        return False, "that is the change of a1, the map before pooling; measure a2, after max pooling"
    left = net.forward(np.pad(images, ((0, 0), (0, 0), (0, 0), (0, 1)))[..., 1:]).a2
    if _close(answer, _relative_change(before.a2, left)):
        return False, "that shifts the images to the left; move them one column to the right"
    if _close(answer, _norm(after.a2 - before.a2) / _norm(after.a2)):
        return False, "divide by the size of a2 of the original images, not of the shifted ones"
    return False, "put these parameters in a network, compute a2 of the images and of the shifted ones, then the relative change"
