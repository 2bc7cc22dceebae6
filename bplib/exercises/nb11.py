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
from ._compare import compare_array, compare_number

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
    ok, msg = compare_array(answer, expected, "the confusion matrix", tol=1e-12)
    if ok:
        return True, f"{msg}: {np.trace(expected)} correct on the diagonal, {expected.sum() - np.trace(expected)} mistakes off it"
    if np.shape(answer) == expected.shape:
        if compare_array(answer, expected.T, "", tol=1e-12)[0]:
            return False, msg + "; it is transposed: rows should be the true digits, columns the predictions"
        if compare_array(answer, expected / expected.sum(axis=1, keepdims=True), "", tol=1e-9)[0]:
            return False, msg + "; give the counts, not the fractions per row"
        return False, msg + "; each image adds 1 to the cell (its true digit, its predicted digit)"
    return False, msg


@exercise("11.most_confused", inputs=_predictions)
def most_confused(answer, y_true, y_pred):
    """The (true, predicted) pair that occurs most often among the mistakes."""
    cm = _confusion(y_true, y_pred)
    mistakes = np.where(np.eye(N_CLASSES, dtype=bool), 0, cm)
    top = mistakes.max()
    best = {(int(t), int(p)) for t, p in zip(*np.nonzero(mistakes == top))}
    try:
        pair = tuple(int(v) for v in answer)
    except (TypeError, ValueError):
        return False, f"answer with a pair (true digit, predicted digit), got {answer!r}"
    if len(pair) != 2:
        return False, f"answer with a pair (true digit, predicted digit), got {answer!r}"
    if pair in best:
        return True, f"a true {pair[0]} called {pair[1]}: {top} times, the most frequent mistake"
    if pair[0] == pair[1]:
        return False, "that is a diagonal cell, the correct answers; look off the diagonal"
    if pair[::-1] in best:
        return False, "the right two digits, in the wrong order: give (true digit, predicted digit)"
    return False, "in the confusion matrix, find the largest count that is not on the diagonal"


@exercise("11.recall", inputs=_predictions)
def recall(answer, y_true, y_pred):
    """Per-class recall: of the images of digit k, the fraction predicted as k."""
    cm = _confusion(y_true, y_pred)
    expected = np.diag(cm) / cm.sum(axis=1)
    ok, msg = compare_array(answer, expected, "recall", tol=1e-9)
    if ok or np.shape(answer) != expected.shape:
        return ok, msg
    if compare_array(answer, np.diag(cm) / cm.sum(axis=0), "", tol=1e-9)[0]:
        return False, msg + "; that is precision (over the column sums: the images *called* k); recall divides by the row sums"
    if compare_array(answer, np.diag(cm), "", tol=1e-9)[0]:
        return False, msg + "; those are counts; divide each by the number of images of that digit"
    return False, msg + "; for each digit: correct predictions of it over the number of images that are it"


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
        return False, f"answer with one number, a fraction between 0 and 1; got an array of shape {np.shape(answer)}"
    ok, msg = compare_number(answer, expected, "the switched-off fraction", tol=1e-5)
    if ok:
        return True, (f"{expected:.1%} of |dC/da1| sits on cells with z1 <= 0: that is the error the article's delta1 "
                      f"lets through and the true delta1 stops ({windows:.1%} of the pooling windows are entirely off)")
    try:
        got = float(answer)
    except (TypeError, ValueError):
        return False, msg
    near = lambda v, tol=1e-5: abs(got - v) <= tol * max(1.0, abs(v))  # noqa: E731
    if near(0.0, 1e-9):
        return False, ("0: delta1 already has sigma' applied, so nothing is left on the cells with z1 <= 0; "
                       "take the error before sigma', grads.da1 = unpool(delta2)")
    if near(1 - expected):
        return False, "that is the share sigma' lets through (z1 > 0); the question asks for the share it switches off"
    if near(100 * expected, 1e-5):
        return False, "that looks like a percentage; answer as a fraction between 0 and 1"
    if near(cells):
        return False, ("that is the fraction of cells with z1 <= 0; most cells receive no error at all (only each "
                       "window's maximum does), so weigh each cell by |dC/da1|")
    if near(windows, 1e-6):
        return False, "that counts the windows that are off; weigh each by the size of its error |dC/da1|"
    if near(signed):
        return False, "use absolute values: positive and negative errors cancel in a plain sum"
    return False, (msg + "; sum |dC/da1| over the cells where z1 <= 0 and divide by the sum of |dC/da1| over all cells "
                   "(a fresh ArticleNet(seed=0), the batch's images and labels)")
