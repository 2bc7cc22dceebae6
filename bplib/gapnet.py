"""Two heads on one convolutional body: flatten + dense, or global average pooling + dense (S7).

    a0 (N,1,28,28) --conv W1,b1 5x5--> z1 (N,C1,24,24) --relu--> a1 --maxpool 2x2--> p1 (N,C1,12,12)
       --conv W2,b2 3x3--> z2 (N,C2,10,10) --relu--> a2
       --head: flatten (N, C2*100) or GAP (N, C2)--> h --dense W3,b3--> z3 (N,10), softmax cross-entropy

Notebook 03 trains both heads end to end on the same body, with the same optimiser, to compare
them fairly. Every step calls the core layer functions; only the wiring lives here.
"""

from __future__ import annotations

import numbers
import time
from typing import NamedTuple

import numpy as np

from ._checks import as_float_array, check_int, check_real
from .conv import conv2d_backward, conv2d_forward
from .layers import dense_backward, dense_forward, flatten, relu, relu_prime, softmax_cross_entropy, unflatten
from .net import minibatches
from .pool import global_avgpool_backward, global_avgpool_forward, maxpool2d_backward, maxpool2d_forward

__all__ = ["TwoConvNet", "HeadTrace", "fit"]

IMAGE = (1, 28, 28)
HEADS = ("gap", "flatten")


class HeadTrace(NamedTuple):
    """Every intermediate of TwoConvNet.forward, and the layer caches backward needs."""

    a0: np.ndarray  # (N, 1, 28, 28) the images
    z1: np.ndarray  # (N, C1, 24, 24)
    p1: np.ndarray  # (N, C1, 12, 12) relu(z1), max-pooled
    z2: np.ndarray  # (N, C2, 10, 10)
    a2: np.ndarray  # (N, C2, 10, 10) relu(z2): the last feature maps
    h: np.ndarray  # (N, C2*100) flattened, or (N, C2) averaged: what the head reads
    z3: np.ndarray  # (N, K) class scores (softmax is applied inside the loss)
    caches: tuple

    def __repr__(self) -> str:
        names = ("a0", "z1", "p1", "z2", "a2", "h", "z3")
        return "HeadTrace(" + ", ".join(f"{n}={getattr(self, n).shape}" for n in names) + ")"


class TwoConvNet:
    """conv 5x5 (C1) -> relu -> maxpool 2x2 -> conv 3x3 (C2) -> relu -> head -> dense K.

    channels = (C1, C2); head "gap" (global average pooling, W3 of shape (K, C2)) or
    "flatten" (W3 of shape (K, C2*10*10)). He-normal initialisation from
    np.random.default_rng(seed) for the convolutions, LeCun-normal for W3, zero biases;
    the same seed gives both heads the same body.
    """

    def __init__(self, channels=(8, 32), head: str = "gap", n_classes: int = 10, seed: int = 0, dtype=np.float32):
        fn = "TwoConvNet"
        if not isinstance(channels, (tuple, list)) or len(channels) != 2:
            raise TypeError(f"{fn}: channels must be a pair (C1, C2) of positive integers, got {channels!r}")
        C1, C2 = (check_int(c, "channels", fn, 1, 512) for c in channels)
        K = check_int(n_classes, "n_classes", fn, 2)
        if head not in HEADS:
            raise ValueError(f"{fn}: head must be one of {HEADS}, got {head!r}")
        if np.dtype(dtype) not in (np.dtype(np.float32), np.dtype(np.float64)):
            raise TypeError(f"{fn}: dtype must be np.float32 or np.float64, got {dtype!r}")
        self.dtype, self.head = np.dtype(dtype), head
        D = C2 if head == "gap" else C2 * 10 * 10
        rng = np.random.default_rng(seed)
        self.W1 = (rng.standard_normal((C1, 1, 5, 5)) * np.sqrt(2 / 25)).astype(self.dtype)
        self.b1 = np.zeros(C1, dtype=self.dtype)
        self.W2 = (rng.standard_normal((C2, C1, 3, 3)) * np.sqrt(2 / (9 * C1))).astype(self.dtype)
        self.b2 = np.zeros(C2, dtype=self.dtype)
        self.W3 = (rng.standard_normal((K, D)) * np.sqrt(1 / D)).astype(self.dtype)
        self.b3 = np.zeros(K, dtype=self.dtype)

    def __repr__(self) -> str:
        C1, C2, (K, D) = self.W1.shape[0], self.W2.shape[0], self.W3.shape
        head = f"GAP {D}" if self.head == "gap" else f"flatten {D}"
        return (f"TwoConvNet(1x28x28 -> conv {C1}@5x5 -> relu -> maxpool 2x2 -> conv {C2}@3x3 -> relu -> {head} "
                f"-> dense {K}, {self.dtype})")

    def params(self) -> dict:
        """The parameters by name ('W1', 'b1', 'W2', 'b2', 'W3', 'b3') -> the arrays themselves."""
        return {"W1": self.W1, "b1": self.b1, "W2": self.W2, "b2": self.b2, "W3": self.W3, "b3": self.b3}

    def n_params(self, part: str = "all") -> int:
        """Number of parameters of the 'body' (W1, b1, W2, b2), the 'head' (W3, b3) or 'all'."""
        names = {"body": ("W1", "b1", "W2", "b2"), "head": ("W3", "b3"), "all": tuple(self.params())}
        if part not in names:
            raise ValueError(f"TwoConvNet.n_params: part must be 'body', 'head' or 'all', got {part!r}")
        return sum(self.params()[n].size for n in names[part])

    def _check_x(self, x, fn: str) -> np.ndarray:
        x = as_float_array(x, "x", fn)
        if x.ndim != 4 or x.shape[1:] != IMAGE or x.shape[0] == 0:
            raise ValueError(f"{fn}: x.shape={x.shape}, expected (N, 1, 28, 28) with N >= 1")
        return x.astype(self.dtype, copy=False)

    def _check_y(self, y, N: int, fn: str) -> np.ndarray:
        y = np.asarray(y)
        if not np.issubdtype(y.dtype, np.integer):
            raise TypeError(f"{fn}: labels y must be integers, got dtype {y.dtype} (y.shape={y.shape})")
        if y.shape != (N,):
            raise ValueError(f"{fn}: y.shape={y.shape}, expected ({N},): one label per image")
        K = self.W3.shape[0]
        if y.min() < 0 or y.max() >= K:
            raise ValueError(f"{fn}: labels must be in [0, {K}), got min {y.min()}, max {y.max()}")
        return y

    def forward(self, x) -> HeadTrace:
        """x (N, 1, 28, 28) -> HeadTrace with every intermediate; z3 (N, K) are the class scores."""
        a0 = self._check_x(x, "TwoConvNet.forward")
        z1, c1 = conv2d_forward(a0, self.W1, self.b1)
        p1, cp = maxpool2d_forward(relu(z1), size=2, stride=2)
        z2, c2 = conv2d_forward(p1, self.W2, self.b2)
        a2 = relu(z2)
        if self.head == "gap":
            h, ch = global_avgpool_forward(a2)
        else:
            h, ch = flatten(a2), a2.shape
        z3, c3 = dense_forward(h, self.W3, self.b3)
        return HeadTrace(a0, z1, p1, z2, a2, h, z3, (c1, cp, c2, ch, c3))

    def loss(self, trace: HeadTrace, y) -> float:
        """Mean softmax cross-entropy of the trace's scores z3 against integer labels y (N,)."""
        y = self._check_y(y, trace.z3.shape[0], "TwoConvNet.loss")
        return softmax_cross_entropy(trace.z3, y)[0]

    def backward(self, trace: HeadTrace, y) -> dict:
        """Trace and labels y (N,) -> {'W1': dC/dW1, ...}: the gradients of the mean loss, same shapes as params()."""
        if not isinstance(trace, HeadTrace):
            raise TypeError(f"TwoConvNet.backward: trace must come from TwoConvNet.forward, got {type(trace).__name__}")
        y = self._check_y(y, trace.z3.shape[0], "TwoConvNet.backward")
        c1, cp, c2, ch, c3 = trace.caches
        _, dz3 = softmax_cross_entropy(trace.z3, y)  # (a3 - onehot) / N
        dh, dW3, db3 = dense_backward(dz3, c3)
        da2 = global_avgpool_backward(dh, ch) if self.head == "gap" else unflatten(dh, ch)
        dz2 = da2 * relu_prime(trace.z2)
        dp1, dW2, db2 = conv2d_backward(dz2, c2)
        dz1 = maxpool2d_backward(dp1, cp) * relu_prime(trace.z1)
        _, dW1, db1 = conv2d_backward(dz1, c1, need_dx=False)
        grads = {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2, "W3": dW3, "b3": db3}
        return {k: v.astype(self.dtype, copy=False) for k, v in grads.items()}

    def predict(self, x, batch_size: int = 500) -> np.ndarray:
        """x (N, 1, 28, 28) -> predicted classes (N,), batch_size images at a time."""
        x = self._check_x(x, "TwoConvNet.predict")
        B = check_int(batch_size, "batch_size", "TwoConvNet.predict", 1)
        return np.concatenate([self.forward(x[i : i + B]).z3.argmax(axis=1) for i in range(0, len(x), B)])

    def accuracy(self, x, y, batch_size: int = 500) -> float:
        """Fraction of the images x (N, 1, 28, 28) whose predicted class equals y (N,)."""
        x = self._check_x(x, "TwoConvNet.accuracy")
        y = self._check_y(y, x.shape[0], "TwoConvNet.accuracy")
        return float(np.mean(self.predict(x, batch_size) == y))


def fit(net: TwoConvNet, x, y, epochs: int = 3, batch_size: int = 64, lr: float = 0.1, momentum: float = 0.9,
        seed: int = 0) -> tuple:
    """Mini-batch SGD with momentum on x (N, 1, 28, 28), y (N,); batches shuffled by default_rng(seed).

    v <- momentum * v + dC/dθ;  θ <- θ - lr * v, for every parameter. Trains net in place.
    Returns (losses, seconds): the mean loss of each epoch (epochs,) and the wall time.
    """
    fn = "fit"
    if not isinstance(net, TwoConvNet):
        raise TypeError(f"{fn}: net must be a TwoConvNet, got {type(net).__name__}")
    x = net._check_x(x, fn)
    y = net._check_y(y, x.shape[0], fn)
    epochs = check_int(epochs, "epochs", fn, 1)
    batch_size = check_int(batch_size, "batch_size", fn, 1)
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not np.isfinite(lr) or lr <= 0:
        raise ValueError(f"{fn}: lr must be a positive number, got lr={lr}")
    momentum = check_real(momentum, "momentum", fn, 0.0, 0.999)
    rng = np.random.default_rng(seed)
    velocity = {k: np.zeros_like(p) for k, p in net.params().items()}
    lr_, mu = net.dtype.type(lr), net.dtype.type(momentum)
    losses = []
    t0 = time.perf_counter()
    for _ in range(epochs):
        epoch_losses = []
        for idx in minibatches(x.shape[0], batch_size, rng):
            trace = net.forward(x[idx])
            epoch_losses.append(net.loss(trace, y[idx]))
            for name, grad in net.backward(trace, y[idx]).items():
                velocity[name] *= mu
                velocity[name] += grad
                net.params()[name] -= lr_ * velocity[name]
        losses.append(float(np.mean(epoch_losses)))
    return np.array(losses), time.perf_counter() - t0
