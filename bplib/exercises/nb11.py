"""Exercises of notebook 11: judging a trained network (S9, S6), and the capstone: training without sigma' (erratum 2)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..conv import conv2d_forward
from ..data import load_mnist
from ..layers import dense_forward, flatten, relu, softmax
from ..net import ArticleNet, minibatches, train
from ..pool import maxpool2d_forward
from . import exercise
from ._compare import compare_array, compare_number, int_tuple
from ._lang import tr

BATCH = 64  # the notebook's batch size; the capstone's first batch is the first of bp.train(seed=0)

N_CLASSES = 10


@lru_cache(maxsize=1)
def _run():
    """The article's network trained four epochs on 2,000 training images; its held-out labels and predictions."""
    (x, y), (xv, yv) = load_mnist()
    net = ArticleNet(seed=11)
    train(net, x[:2000], y[:2000], epochs=4, batch_size=64, lr=0.1, seed=11, progress=False)
    return yv, net.predict(xv)


def _predictions():
    y_true, y_pred = _run()
    return {"y_true": y_true.copy(), "y_pred": y_pred.copy()}


def _confusion(y_true, y_pred) -> np.ndarray:
    """Rows: true class, columns: predicted class; counted with bincount on the pair index."""
    pairs = np.asarray(y_true) * N_CLASSES + np.asarray(y_pred)
    return np.bincount(pairs, minlength=N_CLASSES * N_CLASSES).reshape(N_CLASSES, N_CLASSES)


@exercise("11.confusion", inputs=_predictions)
def confusion(answer, y_true, y_pred):
    """The 10 x 10 confusion matrix, rows = true digit, columns = predicted digit."""
    expected = _confusion(y_true, y_pred)
    ok, msg = compare_array(answer, expected, tr("the confusion matrix", "混淆矩阵"), tol=1e-12)
    if ok:
        return True, tr(
            f"{msg}: {np.trace(expected)} correct on the diagonal, {expected.sum() - np.trace(expected)} mistakes off it",
            f"{msg}：对角线上 {np.trace(expected)} 个正确，对角线外 {expected.sum() - np.trace(expected)} 个错误")
    if np.shape(answer) == expected.shape:
        if compare_array(answer, expected.T, "", tol=1e-12)[0]:
            return False, msg + tr("; it is transposed: rows should be the true digits, columns the predictions",
                                   "；转置了：行应该是真实数字，列是预测")
        if compare_array(answer, expected / expected.sum(axis=1, keepdims=True), "", tol=1e-9)[0]:
            return False, msg + tr("; give the counts, not the fractions per row", "；要给出计数，而不是每行的比例")
        return False, msg + tr("; each image adds 1 to the cell (its true digit, its predicted digit)",
                               "；每张图像给格子（它的真实数字, 它的预测数字）加 1")
    return False, msg


@exercise("11.most_confused", inputs=_predictions)
def most_confused(answer, y_true, y_pred):
    """The (true, predicted) pair that occurs most often among the mistakes."""
    cm = _confusion(y_true, y_pred)
    mistakes = np.where(np.eye(N_CLASSES, dtype=bool), 0, cm)
    top = mistakes.max()
    best = {(int(t), int(p)) for t, p in zip(*np.nonzero(mistakes == top))}
    try:
        pair = int_tuple(answer)  # None for 3.4: digits are whole numbers, never truncated
        if pair is None:
            raise ValueError(answer)
    except (TypeError, ValueError):
        return False, tr(f"answer with a pair (true digit, predicted digit), got {answer!r}",
                         f"请用一对数（真实数字, 预测数字）作答，收到的是 {answer!r}")
    if len(pair) != 2:
        return False, tr(f"answer with a pair (true digit, predicted digit), got {answer!r}",
                         f"请用一对数（真实数字, 预测数字）作答，收到的是 {answer!r}")
    if pair in best:
        return True, tr(f"a true {pair[0]} called {pair[1]}: {top} times, the most frequent mistake",
                        f"真实的 {pair[0]} 被认成 {pair[1]}：{top} 次，最常见的错误")
    if pair[0] == pair[1]:
        return False, tr(
            "that is a diagonal cell, the correct answers; look off the diagonal",
            "这是对角线上的格子，即预测正确的；要看对角线之外")
    if pair[::-1] in best:
        return False, tr("the right two digits, in the wrong order: give (true digit, predicted digit)",
                         "两个数字对了，但顺序反了：应给出（真实数字, 预测数字）")
    return False, tr("in the confusion matrix, find the largest count that is not on the diagonal",
                     "在混淆矩阵中，找出不在对角线上的最大计数")


@exercise("11.recall", inputs=_predictions)
def recall(answer, y_true, y_pred):
    """Per-class recall: of the images of digit k, the fraction predicted as k."""
    cm = _confusion(y_true, y_pred)
    expected = np.diag(cm) / cm.sum(axis=1)
    ok, msg = compare_array(answer, expected, tr("recall", "召回率"), tol=1e-9)
    if ok or np.shape(answer) != expected.shape:
        return ok, msg
    if compare_array(answer, np.diag(cm) / cm.sum(axis=0), "", tol=1e-9)[0]:
        return False, msg + tr(
            "; that is precision (over the column sums: the images *called* k); recall divides by the row sums",
            "；这是精确率（除以列和：被*判为* k 的图像）；召回率要除以行和")
    if compare_array(answer, np.diag(cm), "", tol=1e-9)[0]:
        return False, msg + tr("; those are counts; divide each by the number of images of that digit",
                               "；这些是计数；每个还要除以该数字的图像数")
    return False, msg + tr("; for each digit: correct predictions of it over the number of images that are it",
                           "；对每个数字：预测正确的个数除以真实为该数字的图像数")


@lru_cache(maxsize=1)
def _first_batch_arrays():
    """The first mini-batch of bp.train(net, x_train, y_train, batch_size=64, seed=0): its images and labels."""
    (x, y), _ = load_mnist()
    idx = minibatches(len(x), BATCH, np.random.default_rng(0))[0]
    return x[idx], y[idx]


def _first_batch():
    """Fresh copies of the capstone's first batch: {"x": (64, 1, 28, 28) float32, "y": (64,) int, "seed": 0}."""
    x, y = _first_batch_arrays()
    return {"x": x.copy(), "y": y.copy(), "seed": 0}


def _switched_off(x, y, seed):
    """The fraction of |dC/da1| that sigma'(z1) removes, by pooling windows (no unpooling, no ArticleNet.backward).

    A max-pool window passes its error delta2 to its largest a1; with ReLU that cell has z1 > 0 unless the
    whole window has z1 <= 0. So sigma' switches off exactly the windows that are entirely inactive.
    Returns (mass fraction, fraction of windows off, fraction of cells off, signed fraction).
    """
    net = ArticleNet(seed=seed)  # only for its initial weights
    z1 = conv2d_forward(x, net.W1, net.b1)[0].astype(np.float64)
    a2 = maxpool2d_forward(relu(z1), 2, 2)[0]
    z4 = dense_forward(flatten(a2), net.W4.astype(np.float64), net.b4.astype(np.float64))[0]
    N = len(y)
    delta4 = softmax(z4)
    delta4[np.arange(N), y] -= 1
    delta2 = (delta4 / N @ net.W4.astype(np.float64)).reshape(a2.shape)
    Nn, F, M, _ = z1.shape
    off = z1.reshape(Nn, F, M // 2, 2, M // 2, 2).max(axis=(3, 5)) <= 0  # (N, F, 12, 12): whole window inactive
    mass = np.abs(delta2)[off].sum() / np.abs(delta2).sum()
    return mass, off.mean(), (z1 <= 0).mean(), delta2[off].sum() / delta2.sum()


@exercise("11.no_sigma_prime", inputs=_first_batch)
def no_sigma_prime(answer, x, y, seed):
    """The share of the first batch's |dC/da1| on cells with z1 <= 0: what leaving sigma' out lets through wrongly."""
    expected, windows, cells, signed = _switched_off(x, y, seed)
    if np.ndim(answer) != 0:
        return False, tr(f"answer with one number, a fraction between 0 and 1; got an array of shape {np.shape(answer)}",
                         f"请用一个数作答，即 0 到 1 之间的比例；收到的却是形状为 {np.shape(answer)} 的数组")
    ok, msg = compare_number(answer, expected, tr("the switched-off fraction", "被关掉的比例"), tol=1e-5)
    if ok:
        return True, tr(f"{expected:.1%} of |dC/da1| sits on cells with z1 <= 0: that is the error the article's delta1 "
                        f"lets through and the true delta1 stops ({windows:.1%} of the pooling windows are entirely off)",
                        f"|dC/da1| 的 {expected:.1%} 落在 z1 <= 0 的格子上：这部分误差被原文的 delta1 放了过去，"
                        f"而真正的 delta1 会把它挡住（{windows:.1%} 的池化窗口完全关闭）")
    try:
        got = float(answer)
    except (TypeError, ValueError):
        return False, msg
    near = lambda v, tol=1e-5: abs(got - v) <= tol * max(1.0, abs(v))  # noqa: E731
    if near(0.0, 1e-9):
        return False, tr("0: delta1 already has sigma' applied, so nothing is left on the cells with z1 <= 0; "
                         "take the error before sigma', grads.da1 = unpool(delta2)",
                         "0：delta1 已经乘过 sigma'，所以 z1 <= 0 的格子上什么也没剩下；"
                         "要取乘 sigma' 之前的误差，grads.da1 = unpool(delta2)")
    if near(1 - expected):
        return False, tr("that is the share sigma' lets through (z1 > 0); the question asks for the share it switches off",
                         "这是 sigma' 放行的部分（z1 > 0）；题目问的是它关掉的部分")
    if near(100 * expected, 1e-5):
        return False, tr("that looks like a percentage; answer as a fraction between 0 and 1",
                         "这看起来是百分数；请用 0 到 1 之间的比例作答")
    if near(cells):
        return False, tr("that is the fraction of cells with z1 <= 0; most cells receive no error at all (only each "
                         "window's maximum does), so weigh each cell by |dC/da1|",
                         "这是 z1 <= 0 的格子所占的比例；大多数格子根本收不到误差（只有每个窗口的最大值处才有），"
                         "所以要用 |dC/da1| 给每个格子加权")
    if near(windows, 1e-6):
        return False, tr("that counts the windows that are off; weigh each by the size of its error |dC/da1|",
                         "这数的是关闭的窗口；要用每个窗口误差 |dC/da1| 的大小来加权")
    if near(signed):
        return False, tr("use absolute values: positive and negative errors cancel in a plain sum",
                         "要用绝对值：直接求和时正负误差会相互抵消")
    return False, (msg + tr("; sum |dC/da1| over the cells where z1 <= 0 and divide by the sum of |dC/da1| over all cells "
                            "(a fresh ArticleNet(seed=0), the batch's images and labels)",
                            "；对 z1 <= 0 的格子求 |dC/da1| 之和，再除以所有格子上 |dC/da1| 之和"
                            "（用新建的 ArticleNet(seed=0)、这批数据的图像和标签）"))
