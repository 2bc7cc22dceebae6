"""Exercises of notebook 05: the MLP's four equations (S8)."""

from __future__ import annotations

import numpy as np

from ..layers import dense_backward, dense_forward, sigmoid, sigmoid_prime, softmax, softmax_cross_entropy
from ..net import ArticleNet
from . import exercise
from ._compare import compare_array, int_tuple
from ._compare import same_array as _same


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


def _forward(x, W1, b1, W2, b2):
    z1, _ = dense_forward(x, W1, b1)
    z2, cache2 = dense_forward(sigmoid(z1), W2, b2)
    return z1, z2, cache2


@exercise("05.shape_dW2")
def shape_dW2(answer):
    """A layer maps 5 activations to 3 neurons: what shape is dC/dW2?"""
    expected = dense_backward(np.zeros((1, 3)), dense_forward(np.zeros((1, 5)), np.zeros((3, 5)), np.zeros(3))[1])[1].shape
    got = int_tuple(answer)
    if got == expected:
        return True, f"dC/dW2 has the shape of W2, {expected}: one entry per weight"
    if got == expected[::-1]:
        return False, ("that is transposed: BP4 is delta2 (a1)^T, so the rows follow the layer's 3 neurons, "
                       "the columns its 5 inputs")
    return False, "BP4 is an outer product delta2 (a1)^T: rows follow the layer's neurons, columns the inputs"


@exercise("05.delta2", inputs=_mlp_inputs)
def delta2(answer, x, W1, b1, W2, b2, y):
    """Softmax + cross-entropy output layer: delta2 = dC/dz2 for the single example."""
    _, z2, _ = _forward(x, W1, b1, W2, b2)
    _, expected = softmax_cross_entropy(z2, y)
    ok, msg = compare_array(answer, expected, "delta2")
    if ok or np.shape(answer) != expected.shape:
        return ok, msg
    a2, onehot = softmax(z2), np.eye(z2.shape[1])[y]
    if _same(answer, a2):
        return False, msg + "; that is a2 itself: the error compares the prediction with the target, subtract onehot(y)"
    if _same(answer, (a2 - onehot) * a2 * (1 - a2)):
        return False, msg + ("; that is BP1 element-wise with sigma' = a(1 - a), but softmax is not element-wise: with "
                             "cross-entropy the whole Jacobian collapses and no sigma' factor is left")
    if _same(answer, onehot - a2):
        return False, msg + "; check the sign: the error is prediction minus target"
    if _same(answer, sigmoid(z2) - onehot):
        return False, msg + "; the output activation here is softmax, not the sigmoid of the hidden layer"
    return False, msg + "; with softmax + cross-entropy, delta2 = a2 - onehot(y): no sigma' factor"


@exercise("05.delta1", inputs=_mlp_inputs)
def delta1(answer, x, W1, b1, W2, b2, y):
    """BP2: delta1 = (W2^T delta2) * sigma'(z1)."""
    z1, z2, cache2 = _forward(x, W1, b1, W2, b2)
    _, d2 = softmax_cross_entropy(z2, y)
    without = dense_backward(d2, cache2)[0]
    expected = without * sigmoid_prime(z1)
    ok, msg = compare_array(answer, expected, "delta1")
    if ok or np.shape(answer) != expected.shape:
        return ok, msg
    if _same(answer, without):
        return False, msg + "; you have W2^T delta2, now multiply by sigma'(z1) element-wise"
    if _same(answer, without * sigmoid(z1)):
        return False, msg + "; multiply by the derivative sigma'(z1) = sigma(z1)(1 - sigma(z1)), not by sigma(z1)"
    return False, msg + "; BP2 is (W2^T delta2) times sigma'(z1), element by element"


# The exercise's network: the article's, with the 20 kernels of its S2 example instead of 3.
FD_CHANNELS = 20


def _article_parameters(channels: int = FD_CHANNELS) -> dict:
    """Parameter counts of bp.ArticleNet(channels=...) by name: {'W1': ..., 'b1': ..., 'W4': ..., 'b4': ...}."""
    return {name: int(p.size) for name, p in ArticleNet(channels=channels).params().items()}


@exercise("05.fd_passes")
def fd_passes(answer):
    """Forward passes needed to check every parameter of bp.ArticleNet(channels=20) by central differences."""
    sizes = _article_parameters()
    P = sum(sizes.values())
    got = int_tuple(answer)
    if got is None or len(got) != 1:
        return False, f"answer with one whole number, got {answer!r}"
    value = got[0]
    if value == 2 * P:
        return True, f"2P = 2 x {P:,} = {2 * P:,} forward passes, against about one forward and one backward pass for backprop"
    if value == P:
        return False, "that is one pass per parameter; central differences evaluate the cost twice per parameter (+h and -h)"
    if value == P + 1:
        return False, ("that counts one-sided differences (one base pass plus one per parameter); "
                       "central differences use +h and -h")
    small = sum(_article_parameters(3).values())
    if value in (2 * small, 2 * (small - sum(_article_parameters(3)[k] for k in ('W1', 'b1')) + 26 * FD_CHANNELS)):
        return False, (f"with {FD_CHANNELS} kernels the conv layer grows, and so does the flattened layer: "
                       f"{FD_CHANNELS} maps of 12 x 12 feed the dense layer")
    if value in (2 * (sizes["W4"] + sizes["b4"]), 2 * (sizes["W1"] + sizes["W4"])):
        return False, "some parameters are missing: count every weight and every bias, of the convolution and the dense layer"
    return False, "count the parameters P of W1, b1, W4 and b4 (net.params()), then the cost evaluations per parameter"
