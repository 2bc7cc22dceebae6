"""Exercises of notebook 05: the MLP's four equations (S8)."""

from __future__ import annotations

import numpy as np

from ..layers import dense_backward, dense_forward, sigmoid, sigmoid_prime, softmax_cross_entropy
from . import exercise
from ._compare import compare_array


def _mlp_inputs():
    rng = np.random.default_rng(505)
    return {
        "x": rng.standard_normal((1, 4)),
        "W1": rng.standard_normal((5, 4)),
        "b1": rng.standard_normal(5),
        "W2": rng.standard_normal((3, 5)),
        "b2": rng.standard_normal(3),
        "y": np.array([2]),
    }


@exercise("05.shape_dW2")
def shape_dW2(answer):
    """A layer maps 5 activations to 3 neurons: what shape is dC/dW2?"""
    expected = dense_backward(np.zeros((1, 3)), dense_forward(np.zeros((1, 5)), np.zeros((3, 5)), np.zeros(3))[1])[1].shape
    if tuple(np.atleast_1d(answer)) == expected:
        return True, f"dC/dW2 has the shape of W2, {expected}: one entry per weight"
    return False, "BP4 is an outer product delta2 (a1)^T: rows follow the layer's neurons, columns the inputs"


@exercise("05.delta2", inputs=_mlp_inputs)
def delta2(answer, x, W1, b1, W2, b2, y):
    """Softmax + cross-entropy output layer: delta2 = dC/dz2 for the single example."""
    z1, _ = dense_forward(x, W1, b1)
    z2, _ = dense_forward(sigmoid(z1), W2, b2)
    _, expected = softmax_cross_entropy(z2, y)
    ok, msg = compare_array(answer, expected, "delta2")
    if not ok and np.shape(answer) == expected.shape:
        msg += "; with softmax + cross-entropy, delta2 = a2 - onehot(y): no sigma' factor"
    return ok, msg


@exercise("05.delta1", inputs=_mlp_inputs)
def delta1(answer, x, W1, b1, W2, b2, y):
    """BP2: delta1 = (W2^T delta2) * sigma'(z1)."""
    z1, _ = dense_forward(x, W1, b1)
    z2, cache2 = dense_forward(sigmoid(z1), W2, b2)
    _, d2 = softmax_cross_entropy(z2, y)
    expected = dense_backward(d2, cache2)[0] * sigmoid_prime(z1)
    ok, msg = compare_array(answer, expected, "delta1")
    if not ok and np.shape(answer) == expected.shape:
        without = dense_backward(d2, cache2)[0]
        if compare_array(answer, without, "")[0]:
            msg += "; you have W2^T delta2, now multiply by sigma'(z1) element-wise"
        else:
            msg += "; BP2 is (W2^T delta2) times sigma'(z1), element by element"
    return ok, msg
