"""Dense layer, flatten, activations, softmax + cross-entropy (S5, S8, S9)."""

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import given
from hypothesis import strategies as st
from oracle import check_op

import bplib as bp


@given(st.integers(1, 4), st.integers(1, 6), st.integers(1, 5), st.integers(0, 2**31))
def test_dense(N, D, K, seed):
    rng = np.random.default_rng(seed)
    check_op(
        bp.dense_forward,
        bp.dense_backward,
        lambda a, W, b: a @ W.T + b,
        [rng.standard_normal((N, D)), rng.standard_normal((K, D)), rng.standard_normal(K)],
        rng,
    )


def _pointwise(fn, prime):
    return (lambda z: (fn(z), z)), (lambda g, z: g * prime(z))


@given(st.integers(0, 2**31))
def test_sigmoid_and_derivative(seed):
    rng = np.random.default_rng(seed)
    fwd, bwd = _pointwise(bp.sigmoid, bp.sigmoid_prime)
    check_op(fwd, bwd, torch.sigmoid, [rng.standard_normal((3, 4)) * 4], rng)


@given(st.integers(0, 2**31))
def test_relu_and_derivative_away_from_zero(seed):
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((3, 4))
    z += np.sign(z) * 0.01  # finite differences need a step that does not cross the kink
    fwd, bwd = _pointwise(bp.relu, bp.relu_prime)
    check_op(fwd, bwd, torch.relu, [z], rng)


def test_relu_tie_at_zero_matches_pytorch():
    """At exactly 0, ReLU has no derivative; PyTorch (and bplib) use 0."""
    z = np.array([-1.0, 0.0, 0.0, 2.0])
    zt = torch.tensor(z, requires_grad=True)
    torch.relu(zt).sum().backward()
    np.testing.assert_array_equal(bp.relu_prime(z), zt.grad.numpy())


def test_sigmoid_is_stable_for_huge_inputs():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s = bp.sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    np.testing.assert_array_equal(s, [0.0, 0.5, 1.0])


@given(st.integers(1, 5), st.integers(2, 10), st.integers(0, 2**31))
def test_softmax_cross_entropy(N, K, seed):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, K, N)

    def fwd(logits):
        loss, dlogits = bp.softmax_cross_entropy(logits, y)
        return np.array(loss), dlogits

    check_op(fwd, lambda g, dlogits: g * dlogits, lambda z: TF.cross_entropy(z, torch.tensor(y)), [rng.standard_normal((N, K))], rng)


def test_softmax_matches_torch_and_is_stable(rng):
    z = rng.standard_normal((4, 10)) * 5
    np.testing.assert_allclose(bp.softmax(z), torch.softmax(torch.tensor(z), 1).numpy(), rtol=1e-13)
    huge = np.array([[1000.0, 0.0, -1000.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        p = bp.softmax(huge)
        loss, d = bp.softmax_cross_entropy(huge, np.array([2]))
    np.testing.assert_allclose(p, [[1, 0, 0]])
    assert np.isclose(loss, 2000.0)
    ref = TF.cross_entropy(torch.tensor(huge), torch.tensor([2]))
    assert np.isclose(loss, ref.item())
    np.testing.assert_allclose(d, [[1, 0, -1]])


def test_delta4_is_a4_minus_y_over_n(rng):
    """Erratum 3/4: with the batch-mean loss, delta4 = (a4 - onehot(y)) / N."""
    z4 = rng.standard_normal((6, 10))
    y = rng.integers(0, 10, 6)
    _, delta4 = bp.softmax_cross_entropy(z4, y)
    np.testing.assert_allclose(delta4, (bp.softmax(z4) - np.eye(10)[y]) / 6, rtol=1e-13)


def test_flatten_order_is_channel_row_column(rng):
    C, H, W = 3, 12, 12
    x = rng.standard_normal((2, C, H, W))
    v = bp.flatten(x)
    assert v.shape == (2, 432)
    for c, h, w in [(0, 0, 0), (1, 0, 0), (2, 11, 11), (1, 3, 7)]:
        assert v[1, c * H * W + h * W + w] == x[1, c, h, w]
    np.testing.assert_array_equal(bp.unflatten(v, (C, H, W)), x)
    np.testing.assert_array_equal(bp.unflatten(v, x.shape), x)
    np.testing.assert_array_equal(v, torch.flatten(torch.tensor(x), 1).numpy())


def test_unflatten_rejects_wrong_size(rng):
    with pytest.raises(ValueError, match=r"C\*H\*W == 432"):
        bp.unflatten(rng.standard_normal((2, 432)), (3, 12, 11))


def test_dense_cache_prints_shapes(rng):
    _, cache = bp.dense_forward(rng.standard_normal((2, 432)), rng.standard_normal((10, 432)), np.zeros(10))
    assert repr(cache) == "DenseCache(a.shape=(2, 432), W.shape=(10, 432))"
