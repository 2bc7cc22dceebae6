"""Exercises of notebook 04: co-evolution of the convolution layer and the head (S6)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..data import load_mnist
from ..net import ArticleNet, train
from . import exercise
from ._compare import compare_number, whole_number
from ._lang import tr

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
        return False, tr(f"answer with one number for the whole W1, got an array of shape {np.shape(answer)}",
                         f"请对整个 W1 给出一个数，收到的却是形状为 {np.shape(answer)} 的数组")
    if _close(answer, expected):
        return True, tr(f"relative change = {float(answer):.4f}: the kernels moved by {expected:.1%} of their size in ten steps",
                        f"相对变化 = {float(answer):.4f}：十步之内卷积核移动了自身大小的 {expected:.1%}")
    if _close(answer, _norm(W_after - W_before) / (_norm(W_after) + _norm(W_before))):
        return False, tr(
            "that is bp.rel_error, which divides by the sum of both norms; divide by the earlier snapshot's norm only",
            "这是 bp.rel_error，它除以两个范数之和；这里只除以较早快照的范数")
    if _close(answer, _norm(W_after - W_before) / _norm(W_after)):
        return False, tr("divide by the size of the earlier snapshot, W_before, not the later one",
                         "要除以较早快照 W_before 的大小，而不是较晚的那个")
    if _close(answer, _norm(W_after - W_before)):
        return False, tr("that is the size of the change; relative change divides it by the size of W_before",
                         "这是变化量的大小；相对变化还要把它除以 W_before 的大小")
    if _close(answer, _norm(W_after - W_before) ** 2 / _norm(W_before) ** 2):
        return False, tr("take the square root of each sum of squares: the norm, not its square",
                         "每个平方和都要开平方根：用的是范数，不是范数的平方")
    return False, tr(
        "a norm is the square root of the sum of squares of all entries: take it of W_after - W_before and of W_before",
        "范数是所有元素平方和的平方根：分别对 W_after - W_before 和 W_before 求范数")


@exercise("04.smallest_change", inputs=_smallest_change_inputs)
def smallest_change(answer, snapshots):
    """In which epoch (1..5) did the kernels change least, relative to their size?"""
    changes = [_relative_change(snapshots[e - 1], snapshots[e]) for e in range(1, len(snapshots))]
    expected = 1 + int(np.argmin(changes))
    value = whole_number(answer)  # not int(answer): that would turn 4.9 into 4
    if value is None:
        return False, tr(f"answer with the epoch number, a whole number from 1 to {len(changes)}, got {answer!r}",
                         f"请用轮次编号作答，即 1 到 {len(changes)} 之间的整数，收到的是 {answer!r}")
    if value == expected:
        return True, tr(f"epoch {expected}: its change, {changes[expected - 1]:.1%}, is the smallest of the {len(changes)}",
                        f"第 {expected} 轮：它的变化 {changes[expected - 1]:.1%} 是 {len(changes)} 轮中最小的")
    if value == expected - 1:
        return False, tr("off by one: snapshots[0] is the start, so the change between snapshots e-1 and e happens in epoch e",
                         "差了一：snapshots[0] 是起点，所以快照 e-1 到 e 之间的变化发生在第 e 轮")
    if value == 1 + int(np.argmax(changes)):
        return False, tr("that is the epoch with the largest change; look for the smallest", "这是变化最大的一轮；要找最小的")
    return False, tr("compute the relative change between consecutive snapshots for each epoch, then pick the smallest",
                     "对每一轮计算相邻两个快照之间的相对变化，再挑出最小的")


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
        return False, tr(f"answer with one number for the whole batch, got an array of shape {np.shape(answer)}",
                         f"请对整批数据给出一个数，收到的却是形状为 {np.shape(answer)} 的数组")
    if _close(answer, expected):
        a1_change = _relative_change(before.a1, after.a1)
        return True, tr(f"a2 changes by {expected:.1%} (a1 by {a1_change:.1%}): pooling absorbed part of the shift",
                        f"a2 变化了 {expected:.1%}（a1 变化了 {a1_change:.1%}）：池化吸收了一部分平移")
    if _close(answer, _relative_change(before.a1, after.a1)):
        return False, tr("that is the change of a1, the map before pooling; measure a2, after max pooling",
                         "这是 a1（池化之前的特征图）的变化；要测的是最大池化之后的 a2")
    left = net.forward(np.pad(images, ((0, 0), (0, 0), (0, 0), (0, 1)))[..., 1:]).a2
    if _close(answer, _relative_change(before.a2, left)):
        return False, tr("that shifts the images to the left; move them one column to the right",
                         "这是把图像向左平移；应向右移动一列")
    if _close(answer, _norm(after.a2 - before.a2) / _norm(after.a2)):
        return False, tr("divide by the size of a2 of the original images, not of the shifted ones",
                         "要除以原图像的 a2 的大小，而不是平移后图像的")
    return False, tr(
        "put these parameters in a network, compute a2 of the images and of the shifted ones, then the relative change",
        "把这些参数放进网络，分别算出原图像和平移后图像的 a2，再求相对变化")
