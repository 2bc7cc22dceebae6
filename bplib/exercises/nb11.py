"""Exercises of notebook 11: training the article's network on MNIST and judging the result (S9, S6)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..data import load_mnist
from ..net import ArticleNet, train
from . import exercise
from ._compare import compare_array, compare_number

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


@exercise("11.accuracy", inputs=_predictions)
def accuracy(answer, y_true, y_pred):
    """The fraction of correct predictions."""
    cm = _confusion(y_true, y_pred)
    expected = np.trace(cm) / cm.sum()
    if np.ndim(answer) != 0:
        return False, f"answer with one number, got an array of shape {np.shape(answer)}"
    ok, _ = compare_number(answer, expected, "accuracy", tol=1e-9)
    if ok:
        return True, f"accuracy = {expected:.4f}: {np.trace(cm)} of {cm.sum()} correct"
    if compare_number(answer, np.trace(cm), "", tol=1e-9)[0]:
        return False, "that is the number of correct predictions; divide by the number of images to get a fraction"
    if compare_number(answer, 100 * expected, "", tol=1e-9)[0]:
        return False, "that is a percentage; give the fraction, between 0 and 1"
    if compare_number(answer, 1 - expected, "", tol=1e-9)[0]:
        return False, "that is the error rate, the fraction of wrong predictions"
    return False, "count the images whose prediction equals the label, then divide by the number of images"


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
