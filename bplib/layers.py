"""Fully connected layer, flatten, activations, softmax and cross-entropy.

The dense layer follows the article's convention: W has shape (out, in) and a column
vector z = W a + b; on a batch of row vectors that is z = a @ W.T + b.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._checks import QUIET, as_float_array, as_labels, check_int, finite_result, private

__all__ = [
    "DenseCache",
    "flatten",
    "unflatten",
    "dense_forward",
    "dense_backward",
    "relu",
    "relu_prime",
    "sigmoid",
    "sigmoid_prime",
    "softmax",
    "softmax_cross_entropy",
]


def flatten(x):
    """(N, C, H, W) -> (N, C*H*W), channel -> row -> column (row-major over C, H, W).

    Flat index of (c, h, w) is c*H*W + h*W + w.
    """
    x = as_float_array(x, "x", "flatten", ndim=4, finite=False)
    N, C, H, W = x.shape
    return x.reshape(N, C * H * W)  # not (N, -1): that cannot infer -1 when N == 0


def unflatten(v, shape):
    """(N, C*H*W) -> (N, C, H, W): the inverse of flatten. shape is (C, H, W) or (N, C, H, W)."""
    fn = "unflatten"
    v = as_float_array(v, "v", fn, ndim=2, finite=False)
    if isinstance(shape, np.ndarray) and shape.ndim == 1:
        shape = tuple(shape.tolist())
    if not isinstance(shape, (tuple, list)) or len(shape) not in (3, 4):
        raise TypeError(f"{fn}: shape must be a tuple (C, H, W) or (N, C, H, W) of integers, got {shape!r}")
    shape = tuple(check_int(s, "shape", fn, 0) for s in shape)
    if len(shape) == 4:
        if shape[0] != v.shape[0]:
            raise ValueError(f"unflatten: batch {shape[0]} != v.shape[0]={v.shape[0]} (v.shape={v.shape})")
        shape = shape[1:]
    if len(shape) != 3 or int(np.prod(shape)) != v.shape[1]:
        raise ValueError(
            f"unflatten: cannot reshape v.shape={v.shape} to (N,)+{shape}; expected shape "
            f"(C, H, W) with C*H*W == {v.shape[1]}"
        )
    return v.reshape((v.shape[0],) + shape)


class DenseCache(NamedTuple):
    """What dense_forward keeps: the input a and the weights W."""

    a: np.ndarray
    W: np.ndarray

    def __repr__(self) -> str:
        return f"DenseCache(a.shape={self.a.shape}, W.shape={self.W.shape})"


def dense_forward(a, W, b):
    """Fully connected layer. a (N, D), W (K, D), b (K,) -> z = a @ W.T + b (N, K), cache."""
    fn = "dense_forward"
    a_in, W_in = a, W
    a = as_float_array(a, "a", fn, ndim=2)
    W = as_float_array(W, "W", fn, ndim=2)
    b = as_float_array(b, "b", fn, ndim=1)
    if W.shape[1] != a.shape[1]:
        raise ValueError(
            f"{fn}: W expects {W.shape[1]} inputs but a has {a.shape[1]} features "
            f"(W.shape={W.shape}, a.shape={a.shape}); W must be (out, in)"
        )
    if b.shape[0] != W.shape[0]:
        raise ValueError(f"{fn}: bias length {b.shape[0]} != W.shape[0]={W.shape[0]} (b.shape={b.shape}, W.shape={W.shape})")
    W = W.astype(a.dtype, copy=False)
    with np.errstate(**QUIET):
        z = a @ W.T + b.astype(a.dtype, copy=False)
    finite_result(fn, z)
    return z, DenseCache(private(a, a_in), private(W, W_in))  # the backward pass uses what this pass saw


def dense_backward(dz, cache: DenseCache):
    """dz (N, K) -> (da (N, D), dW (K, D), db (K,)): da = dz W, dW = dz^T a, db = sum dz."""
    if not isinstance(cache, DenseCache):
        raise TypeError("dense_backward: cache must be the DenseCache from dense_forward")
    dz = as_float_array(dz, "dz", "dense_backward", ndim=2)
    if dz.shape != (cache.a.shape[0], cache.W.shape[0]):
        raise ValueError(
            f"dense_backward: dz.shape={dz.shape} does not match the forward output shape "
            f"{(cache.a.shape[0], cache.W.shape[0])}"
        )
    dz = dz.astype(cache.a.dtype, copy=False)
    with np.errstate(**QUIET):  # an overflow is refused below, not just warned about
        da, dW, db = dz @ cache.W, dz.T @ cache.a, dz.sum(axis=0)
    finite_result("dense_backward", da, dW, db)
    return da, dW, db


def relu(z):
    """max(z, 0), element-wise."""
    z = as_float_array(z, "z", "relu", finite=False)
    return np.maximum(z, 0)


def relu_prime(z):
    """1 where z > 0, else 0 (PyTorch's choice at exactly 0)."""
    z = as_float_array(z, "z", "relu_prime", finite=False)
    return (z > 0).astype(z.dtype)


def sigmoid(z):
    """1 / (1 + exp(-z)), computed without overflow for large |z|."""
    z = as_float_array(z, "z", "sigmoid", finite=False)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_prime(z):
    """sigma'(z) = sigma(z) * (1 - sigma(z))."""
    s = sigmoid(as_float_array(z, "z", "sigmoid_prime", finite=False))
    return s * (1 - s)


def softmax(z):
    """Softmax over the last axis, shifted by the max so huge logits do not overflow."""
    z = as_float_array(z, "z", "softmax", nonempty=True)
    if z.ndim == 0:
        raise ValueError(f"softmax: z must have at least one axis (the classes), got a scalar {z!r}")
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def softmax_cross_entropy(logits, y):
    """Mean cross-entropy of softmax(logits) against integer labels, and its gradient.

    logits (N, K), y (N,) integers in [0, K). Returns (loss, dlogits) with
    dlogits = (softmax(logits) - onehot(y)) / N: the article's delta4 = a4 - y, divided by
    N because the loss is the batch mean.
    """
    fn = "softmax_cross_entropy"
    logits = as_float_array(logits, "logits", fn, ndim=2)
    N, K = logits.shape
    if N == 0:
        raise ValueError(f"{fn}: empty batch (logits.shape={logits.shape})")
    if K == 0:
        raise ValueError(f"{fn}: no classes (logits.shape={logits.shape}); expected at least one column")
    y = as_labels(y, fn)
    if y.shape != (N,):
        raise ValueError(f"{fn}: labels y.shape={y.shape} != ({N},) (one label per row of logits.shape={logits.shape})")
    if y.min() < 0 or y.max() >= K:
        raise ValueError(f"{fn}: labels must be in [0, {K}), got min {y.min()}, max {y.max()}")
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_z = np.log(np.exp(shifted).sum(axis=1))
    rows = np.arange(N)
    loss = float(np.mean(log_z - shifted[rows, y]))
    dlogits = np.exp(shifted - log_z[:, None])
    dlogits[rows, y] -= 1
    return loss, dlogits / logits.dtype.type(N)
