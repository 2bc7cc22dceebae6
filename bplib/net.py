"""The article's network (S9), with the article's names, and mini-batch SGD to train it.

    a0 (N,1,28,28) --conv W1,b1--> z1 (N,3,24,24) --sigma--> a1 --maxpool 2x2--> a2 (N,3,12,12)
       --flatten--> a3 (N,432) --dense W4,b4--> z4 (N,10) --softmax--> a4, cross-entropy with y

Every step calls the core layer functions (conv.py, pool.py, layers.py); this module only
wires them together in the article's order and keeps the intermediates under its names.
"""

from __future__ import annotations

import numbers
import time
from dataclasses import dataclass, field, fields

import numpy as np

from ._checks import as_float_array, as_labels, check_alloc, check_int, check_real, nbytes
from .conv import conv2d_backward, conv2d_forward
from .layers import (
    dense_backward,
    dense_forward,
    flatten,
    relu,
    relu_prime,
    sigmoid,
    sigmoid_prime,
    softmax,
    softmax_cross_entropy,
    unflatten,
)
from .pool import maxpool2d_backward, maxpool2d_forward

__all__ = ["ArticleNet", "Trace", "Grads", "History", "train", "minibatches"]

IMAGE = (1, 28, 28)  # (C, H, W) of one input image
ACTIVATIONS = {"relu": (relu, relu_prime), "sigmoid": (sigmoid, sigmoid_prime)}


def _table(title: str, obj, notes: dict) -> str:
    """'title' then one line per array field: 'name: shape  note', sigma spelled as the activation."""
    rows = [title]
    for f in fields(obj):
        v = getattr(obj, f.name)
        if isinstance(v, np.ndarray):
            note = notes.get(f.name, "").replace("sigma", obj.activation)
            rows.append(f"  {f.name:>6}: {str(v.shape):18s} {note}".rstrip())
    return "\n".join(rows)


@dataclass(eq=False)
class Trace:
    """The forward pass of a batch of N images, every intermediate under the article's name."""

    a0: np.ndarray  # (N, 1, 28, 28) input images
    z1: np.ndarray  # (N, F, 24, 24) conv: W1 * a0 + b1
    a1: np.ndarray  # (N, F, 24, 24) sigma(z1)
    a2: np.ndarray  # (N, F, 12, 12) max-pool 2x2 of a1
    a3: np.ndarray  # (N, F*12*12) flatten(a2), channel -> row -> column
    z4: np.ndarray  # (N, K) W4 a3 + b4
    a4: np.ndarray  # (N, K) softmax(z4): class probabilities
    activation: str
    caches: tuple = field(repr=False)  # (ConvCache, PoolCache, DenseCache) for backward

    NOTES = {
        "a0": "input image", "z1": "conv: W1 * a0 + b1", "a1": "sigma(z1)", "a2": "max-pool 2x2 of a1",
        "a3": "flatten(a2)", "z4": "W4 a3 + b4", "a4": "softmax(z4)",
    }

    def __repr__(self) -> str:
        return _table(f"Trace (N={self.a0.shape[0]}, {self.activation}, {self.a0.dtype})", self, self.NOTES)


@dataclass(eq=False)
class Grads:
    """The backward pass: the errors delta and the parameter gradients of the mean loss."""

    delta4: np.ndarray  # (N, K)       dC/dz4 = (a4 - y) / N
    dW4: np.ndarray  # (K, D)          delta4^T a3, summed over the batch
    db4: np.ndarray  # (K,)            sum of delta4 over the batch
    delta3: np.ndarray  # (N, D)       (W4)^T delta4
    delta2: np.ndarray  # (N, F, P, P) delta3 reshaped like a2
    da1: np.ndarray  # (N, F, M, M)    unpool(delta2) = dC/da1: where the article stops
    delta1: np.ndarray  # (N, F, M, M) dC/dz1 = unpool(delta2) * sigma'(z1)
    dW1: np.ndarray  # (F, 1, K, K)    conv(a0, delta1)
    db1: np.ndarray  # (F,)            sum of delta1 over batch, rows and columns
    activation: str

    NOTES = {
        "delta4": "a4 - y (over N: mean loss)", "dW4": "delta4^T a3", "db4": "sum delta4",
        "delta3": "(W4)^T delta4", "delta2": "delta3 reshaped like a2", "da1": "unpool(delta2) = dC/da1",
        "delta1": "unpool(delta2) * sigma'(z1)", "dW1": "conv(a0, delta1)", "db1": "sum delta1",
    }

    def params(self) -> dict:
        """The parameter gradients under the parameters' names, as in ArticleNet.params(): {'W1': dW1, ...}."""
        return {"W1": self.dW1, "b1": self.db1, "W4": self.dW4, "b4": self.db4}

    def __repr__(self) -> str:
        return _table(f"Grads (N={self.delta4.shape[0]}, {self.activation}, {self.delta4.dtype})", self, self.NOTES)


class ArticleNet:
    """1x28x28 -> conv (channels kernels k x k) -> relu/sigmoid -> max-pool 2x2 -> flatten -> dense -> softmax.

    Parameters W1 (F, 1, k, k), b1 (F,), W4 (n_classes, F*P*P), b4 (n_classes,) with
    P = (28 - k + 1) // 2; with the defaults W1 (3, 1, 5, 5) and W4 (10, 432). All
    arithmetic in dtype. Initialisation from np.random.default_rng(seed): W1 He/Kaiming
    normal, std sqrt(g/(k*k)) with g = 2 for relu, 1 for sigmoid; W4 LeCun normal, std
    sqrt(1/D) (it feeds softmax, not a relu); biases zero.
    """

    def __init__(self, channels=3, kernel_size=5, n_classes=10, activation="relu", seed=0, dtype=np.float32):
        fn = "ArticleNet"
        F = check_int(channels, "channels", fn, 1)
        k = check_int(kernel_size, "kernel_size", fn, 1)
        K = check_int(n_classes, "n_classes", fn, 2)
        if k > IMAGE[1] - 1:
            M = IMAGE[1] - k + 1
            raise ValueError(f"{fn}: kernel_size={k} leaves a {M}x{M} map, too small for 2x2 pooling")
        if activation not in ACTIVATIONS:
            raise ValueError(f"{fn}: activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}")
        try:
            self.dtype = np.dtype(dtype)
        except (TypeError, ValueError) as e:
            raise TypeError(f"{fn}: dtype must be a NumPy float type such as np.float32, got {dtype!r}") from e
        if not np.issubdtype(self.dtype, np.floating):
            raise TypeError(f"{fn}: dtype must be a floating-point type (np.float32 or np.float64), got {self.dtype}")
        self.activation = activation
        self.sigma, self.sigma_prime = ACTIVATIONS[activation]
        M = IMAGE[1] - k + 1  # conv output side
        P = M // 2  # pooled side
        D = F * P * P
        # W4 is drawn in float64 and then cast: refuse a typo such as channels=10**6 before drawing it
        check_alloc(fn, nbytes((K, D)) + nbytes((K, D), self.dtype) + nbytes((F, IMAGE[0], k, k)) * 2,
                    f"the parameters of {F} kernels {k}x{k} and a dense layer {K} x {D}")
        if isinstance(seed, (bool, np.bool_)) or not (seed is None or isinstance(seed, numbers.Integral)):
            raise TypeError(f"{fn}: seed must be an integer (or None), got {seed!r}")
        if seed is not None and seed < 0:
            raise ValueError(f"{fn}: seed must be >= 0, got seed={seed}")
        rng = np.random.default_rng(seed)
        gain = 2.0 if activation == "relu" else 1.0
        self.W1 = (rng.standard_normal((F, IMAGE[0], k, k)) * np.sqrt(gain / (IMAGE[0] * k * k))).astype(self.dtype)
        self.b1 = np.zeros(F, dtype=self.dtype)
        self.W4 = (rng.standard_normal((K, D)) * np.sqrt(1.0 / D)).astype(self.dtype)
        self.b4 = np.zeros(K, dtype=self.dtype)

    def __repr__(self) -> str:
        (F, _, k, _), (K, D) = self.W1.shape, self.W4.shape
        layers = f"conv {F}@{k}x{k} -> {self.activation} -> maxpool 2x2 -> flatten {D} -> dense {K} -> softmax"
        return f"ArticleNet(1x28x28 -> {layers}, {self.dtype})"

    def params(self) -> dict:
        """The parameters by name: {'W1', 'b1', 'W4', 'b4'} -> the arrays themselves (not copies)."""
        return {"W1": self.W1, "b1": self.b1, "W4": self.W4, "b4": self.b4}

    def _check_x(self, x, fn: str, name: str = "x") -> np.ndarray:
        x = as_float_array(x, name, fn, finite=False)
        if x.ndim != 4 or x.shape[1:] != IMAGE:
            raise ValueError(f"{fn}: {name}.shape={x.shape}, expected (N, {', '.join(map(str, IMAGE))})")
        if x.shape[0] == 0:
            raise ValueError(f"{fn}: empty batch, {name}.shape={x.shape}; expected at least one image (N >= 1)")
        return as_float_array(x.astype(self.dtype, copy=False), name, fn)  # now the NaN/inf check

    def _check_y(self, y, N: int, fn: str, name: str = "y") -> np.ndarray:
        y = as_labels(y, fn, name)
        if y.shape != (N,):
            raise ValueError(f"{fn}: {name}.shape={y.shape}, expected ({N},): one label per image")
        K = self.W4.shape[0]
        if y.min() < 0 or y.max() >= K:
            which = "labels" if name == "y" else f"labels {name}"
            raise ValueError(f"{fn}: {which} must be in [0, {K}), got min {y.min()}, max {y.max()}")
        return y

    def forward(self, x) -> Trace:
        """x (N, 1, 28, 28) -> Trace with z1, a1 (N, F, 24, 24), a2 (N, F, 12, 12), a3 (N, 432), z4, a4 (N, 10)."""
        a0 = self._check_x(x, "ArticleNet.forward")
        z1, conv_cache = conv2d_forward(a0, self.W1, self.b1)  # z1 = W1 * a0 + b1
        a1 = self.sigma(z1)  # a1 = sigma(z1)
        a2, pool_cache = maxpool2d_forward(a1, size=2, stride=2)  # a2 = max-pool(a1)
        a3 = flatten(a2)  # a3 = a2 flattened, channel -> row -> column
        z4, dense_cache = dense_forward(a3, self.W4, self.b4)  # z4 = W4 a3 + b4
        a4 = softmax(z4)  # a4 = softmax(z4)
        return Trace(a0, z1, a1, a2, a3, z4, a4, self.activation, (conv_cache, pool_cache, dense_cache))

    def loss(self, trace: Trace, y) -> float:
        """Mean cross-entropy C = -(1/N) sum_n log a4[n, y_n] for integer labels y (N,)."""
        if not isinstance(trace, Trace):
            raise TypeError(f"ArticleNet.loss: trace must be the Trace from ArticleNet.forward, got {type(trace).__name__}")
        y = self._check_y(y, trace.z4.shape[0], "ArticleNet.loss")
        return softmax_cross_entropy(trace.z4, y)[0]

    def backward(self, trace: Trace, y) -> Grads:
        """Trace of a batch and labels y (N,) -> Grads of the mean loss, by the article's equations."""
        if not isinstance(trace, Trace):
            raise TypeError(f"ArticleNet.backward: trace must be the Trace from ArticleNet.forward, got {type(trace).__name__}")
        N = trace.a4.shape[0]
        y = self._check_y(y, N, "ArticleNet.backward")
        conv_cache, pool_cache, dense_cache = trace.caches
        onehot = np.zeros_like(trace.a4)
        onehot[np.arange(N), y] = 1
        # BP1 with softmax + cross-entropy: delta4 = a4 - y; over N because C is the batch mean.
        delta4 = (trace.a4 - onehot) / trace.a4.dtype.type(N)
        # BP2: delta3 = (W4)^T delta4;  BP4: dC/dW4 = delta4 (a3)^T;  BP3: dC/db4 = delta4 (summed over the batch).
        delta3, dW4, db4 = dense_backward(delta4, dense_cache)
        # a3 is a2 flattened (no activation, sigma' = 1): delta2 is delta3 reshaped back to (N, F, 12, 12).
        delta2 = unflatten(delta3, trace.a2.shape)
        # Unpool: each delta2 cell goes to its window's argmax in the 24x24 map ...
        da1 = maxpool2d_backward(delta2, pool_cache)
        # ... and through the activation: delta1 = unpool(delta2) * sigma'(z1). The article omits sigma'.
        delta1 = da1 * self.sigma_prime(trace.z1)
        # BP4: dC/dW1 = conv(a0, delta1);  BP3: dC/db1 = sum of delta1 over the batch and the map.
        _, dW1, db1 = conv2d_backward(delta1, conv_cache, need_dx=False)  # a0 is the image: no gradient needed
        return Grads(delta4, dW4, db4, delta3, delta2, da1, delta1, dW1, db1, self.activation)

    def step(self, grads: Grads, lr: float) -> None:
        """One SGD step, in place: W <- W - lr * dC/dW for W1, b1, W4, b4.

        Everything is checked before any weight changes: a bad lr or a gradient of the
        wrong shape leaves the network as it was.
        """
        fn = "ArticleNet.step"
        if not isinstance(grads, Grads):
            raise TypeError(f"{fn}: grads must be the Grads from ArticleNet.backward, got {type(grads).__name__}")
        with np.errstate(over="ignore"):
            lr = self.dtype.type(check_real(lr, "lr", fn, 0.0))
        if not np.isfinite(lr):
            raise ValueError(f"{fn}: lr={lr} overflows {self.dtype}")
        updates = []
        for name, g in grads.params().items():
            W = getattr(self, name)
            g = as_float_array(g, f"grads.{'d' + name}", fn)
            if g.shape != W.shape:
                raise ValueError(f"{fn}: grads.d{name}.shape={g.shape} != {name}.shape={W.shape}")
            with np.errstate(over="ignore"):
                step = lr * g.astype(self.dtype, copy=False)
            if not np.isfinite(step).all():
                raise ValueError(f"{fn}: lr * grads.d{name} overflows {self.dtype} (lr={lr})")
            updates.append((W, step))
        for W, step in updates:  # only now: nothing is half applied
            W -= step

    def predict(self, x, batch_size: int = 500) -> np.ndarray:
        """x (N, 1, 28, 28) -> predicted classes (N,) int64, computed batch_size images at a time."""
        x = self._check_x(x, "ArticleNet.predict")
        B = check_int(batch_size, "batch_size", "ArticleNet.predict", 1)
        return self._predict(x, B)

    def _predict(self, x, B: int) -> np.ndarray:
        """predict() on an x already checked."""
        return np.concatenate([self.forward(x[i : i + B]).z4.argmax(axis=1) for i in range(0, len(x), B)])

    def accuracy(self, x, y, batch_size: int = 500) -> float:
        """Fraction of the images x (N, 1, 28, 28) whose predicted class equals y (N,)."""
        x = self._check_x(x, "ArticleNet.accuracy")
        y = self._check_y(y, x.shape[0], "ArticleNet.accuracy")
        B = check_int(batch_size, "batch_size", "ArticleNet.accuracy", 1)
        return float(np.mean(self._predict(x, B) == y))


def minibatches(n: int, batch_size: int, rng) -> list:
    """One epoch's batches: index arrays into n examples, shuffled by rng.permutation(n).

    The last batch is shorter when batch_size does not divide n (as PyTorch's DataLoader).
    """
    n = check_int(n, "n", "minibatches", 0)
    batch_size = check_int(batch_size, "batch_size", "minibatches", 1)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"minibatches: rng must be a numpy Generator (np.random.default_rng(seed)), got {type(rng).__name__}")
    check_alloc("minibatches", nbytes((n,), np.intp) * 2, f"a permutation of n={n} indices")
    order = rng.permutation(n)
    return [order[i : i + batch_size] for i in range(0, n, batch_size)]


@dataclass(eq=False)
class History:
    """What train() recorded: loss per step, accuracies per epoch, wall time."""

    loss: np.ndarray  # (steps,) mini-batch loss before each update
    train_acc: np.ndarray  # (epochs,) accuracy on the epoch's batches, measured before each update
    val_acc: np.ndarray  # (epochs,) held-out accuracy after each epoch (empty without x_val)
    steps_per_epoch: int
    seconds: float

    @property
    def epoch_of_step(self) -> np.ndarray:
        """(steps,) x-axis in epochs for plotting the loss: step k sits at (k + 1) / steps_per_epoch."""
        return (np.arange(len(self.loss)) + 1) / self.steps_per_epoch

    def __repr__(self) -> str:
        def arrow(a, fmt):
            return f"{a[0]:{fmt}} -> {a[-1]:{fmt}}" if len(a) else "-"

        return (
            f"History(epochs={len(self.train_acc)}, steps={len(self.loss)}, loss {arrow(self.loss, '.3f')}, "
            f"train_acc {arrow(self.train_acc, '.3f')}, val_acc {arrow(self.val_acc, '.3f')}, {self.seconds:.1f} s)"
        )

    def plot(self, ax):
        """Draw the loss per step against epochs on ax (and val_acc on a twin axis); return the artists."""
        artists = ax.plot(self.epoch_of_step, self.loss, lw=0.6, alpha=0.6, label="mini-batch loss")
        ax.set_xlabel("epoch")
        ax.set_ylabel("cross-entropy loss")
        if len(self.val_acc):
            ax2 = ax.twinx()
            artists += ax2.plot(np.arange(1, len(self.val_acc) + 1), self.val_acc, "o-", color="C1", label="held-out accuracy")
            ax2.set_ylabel("held-out accuracy")
        return artists


def train(net: ArticleNet, x, y, epochs=10, batch_size=64, lr=0.1, seed=0, progress=True, x_val=None, y_val=None) -> History:
    """Mini-batch SGD on x (N, 1, 28, 28), y (N,); batches reshuffled every epoch by default_rng(seed).

    Each step: trace = net.forward(xb); grads = net.backward(trace, yb); net.step(grads, lr).
    progress=True shows a tqdm bar. Returns a History; net is trained in place.
    """
    fn = "train"
    if not isinstance(net, ArticleNet):
        raise TypeError(f"{fn}: net must be an ArticleNet, got {type(net).__name__}")
    x = net._check_x(x, fn)  # once, up front: a bad array fails before the first step, not mid-epoch
    y = net._check_y(y, x.shape[0], fn)
    epochs = check_int(epochs, "epochs", fn, 1)
    batch_size = check_int(batch_size, "batch_size", fn, 1)
    try:
        lr_ok = not isinstance(lr, (bool, np.bool_)) and isinstance(lr, numbers.Real) and 0 < float(lr) < np.inf
    except OverflowError:  # an int like 10**400
        lr_ok = False
    if not lr_ok:
        raise ValueError(f"{fn}: lr must be a positive number, got lr={lr!r}")
    if (x_val is None) != (y_val is None):
        raise ValueError(f"{fn}: give both x_val and y_val, or neither")
    if x_val is not None:
        x_val = net._check_x(x_val, fn, "x_val")
        y_val = net._check_y(y_val, x_val.shape[0], fn, "y_val")
    if isinstance(seed, (bool, np.bool_)) or not (seed is None or isinstance(seed, numbers.Integral)) or (seed or 0) < 0:
        raise TypeError(f"{fn}: seed must be an integer >= 0 (or None), got {seed!r}")
    if not isinstance(progress, (bool, np.bool_)):
        raise TypeError(f"{fn}: progress must be True or False, got {progress!r}")
    rng = np.random.default_rng(seed)
    steps_per_epoch = -(-x.shape[0] // batch_size)
    bar = None
    if progress:
        from tqdm.auto import tqdm  # lazy: `import bplib` stays NumPy-only

        bar = tqdm(total=epochs * steps_per_epoch, desc="train", unit="step")
    losses, train_acc, val_acc = [], [], []
    t0 = time.perf_counter()
    try:
        for epoch in range(epochs):
            correct = 0
            for idx in minibatches(x.shape[0], batch_size, rng):
                trace = net.forward(x[idx])
                losses.append(net.loss(trace, y[idx]))
                correct += int(np.sum(trace.z4.argmax(axis=1) == y[idx]))
                net.step(net.backward(trace, y[idx]), lr)
                if bar is not None:
                    bar.update(1)
                    bar.set_postfix(epoch=epoch + 1, loss=f"{losses[-1]:.3f}", refresh=False)
            train_acc.append(correct / x.shape[0])
            if x_val is not None:
                val_acc.append(net.accuracy(x_val, y_val))
                if bar is not None:
                    bar.set_postfix(epoch=epoch + 1, loss=f"{losses[-1]:.3f}", val_acc=f"{val_acc[-1]:.3f}")
    finally:
        if bar is not None:
            bar.close()
    return History(np.array(losses), np.array(train_acc), np.array(val_acc), steps_per_epoch, time.perf_counter() - t0)
