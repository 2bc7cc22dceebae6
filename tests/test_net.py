"""ArticleNet (S9): the article's names and shapes, every gradient checked three ways.

1. Finite differences of the loss (float64), for both activations.
2. PyTorch autograd of the same network with the same weights (float64, < 1e-10),
   intermediates and deltas included (retain_grad).
3. The article's equations evaluated directly, by another route than backward().
"""

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from oracle import FD_TOL, TORCH_TOL

import bplib as bp

PARAMS = ("W1", "b1", "W4", "b4")


@pytest.fixture(scope="module")
def mnist():
    (x, y), _ = bp.load_mnist()
    return x, y


def torch_article_net(x, y, W1, b1, W4, b4, activation):
    """The same network in PyTorch: tensors in, {name: tensor} out (loss included), intermediates retaining grads."""
    z1 = TF.conv2d(x, W1, b1)
    a1 = torch.relu(z1) if activation == "relu" else torch.sigmoid(z1)
    a2 = TF.max_pool2d(a1, 2, 2)
    a3 = a2.flatten(1)
    z4 = TF.linear(a3, W4, b4)
    out = dict(z1=z1, a1=a1, a2=a2, a3=a3, z4=z4)
    for t in out.values():
        t.retain_grad()
    out["a4"] = torch.softmax(z4, dim=1)
    out["loss"] = TF.cross_entropy(z4, y)
    return out


def _net64(activation, rng=None, **kw):
    """A float64 net; with rng, nonzero biases too (so no z1 sits exactly on relu's kink)."""
    net = bp.ArticleNet(activation=activation, dtype=np.float64, **kw)
    if rng is not None:
        net.b1[...] = 0.1 * rng.standard_normal(net.b1.shape)
        net.b4[...] = 0.1 * rng.standard_normal(net.b4.shape)
    return net


def test_shapes_have_the_article_names(mnist):
    x, y = mnist
    net = bp.ArticleNet()
    assert (net.W1.shape, net.b1.shape, net.W4.shape, net.b4.shape) == ((3, 1, 5, 5), (3,), (10, 432), (10,))
    trace = net.forward(x[:5])
    want = dict(a0=(5, 1, 28, 28), z1=(5, 3, 24, 24), a1=(5, 3, 24, 24), a2=(5, 3, 12, 12), a3=(5, 432), z4=(5, 10), a4=(5, 10))
    assert {k: getattr(trace, k).shape for k in want} == want
    grads = net.backward(trace, y[:5])
    want = dict(delta4=(5, 10), dW4=(10, 432), db4=(10,), delta3=(5, 432), delta2=(5, 3, 12, 12), da1=(5, 3, 24, 24),
                delta1=(5, 3, 24, 24), dW1=(3, 1, 5, 5), db1=(3,))
    assert {k: getattr(grads, k).shape for k in want} == want
    np.testing.assert_allclose(trace.a4.sum(axis=1), 1, rtol=1e-6)


def test_repr_lists_names_and_shapes(mnist):
    x, y = mnist
    net = bp.ArticleNet()
    trace = net.forward(x[:2])
    text = repr(trace)
    for name in ("a0", "z1", "a1", "a2", "a3", "z4", "a4"):
        assert f"{name}: {getattr(trace, name).shape}" in text
    assert "N=2" in text and "relu" in text and "caches" not in text
    text = repr(net.backward(trace, y[:2]))
    for name, shape in (("delta4", (2, 10)), ("dW4", (10, 432)), ("delta2", (2, 3, 12, 12)), ("delta1", (2, 3, 24, 24)), ("db1", (3,))):
        assert f"{name}: {shape}" in text
    assert "conv 3@5x5" in repr(net) and "flatten 432" in repr(net)


@pytest.mark.parametrize("activation", ["relu", "sigmoid"])
def test_gradients_match_finite_differences(mnist, activation, rng):
    x, y = mnist
    x, y = x[:2].astype(np.float64), y[:2]
    net = _net64(activation, rng)
    grads = net.backward(net.forward(x), y)
    for name in PARAMS:
        num = bp.numerical_gradient(lambda: net.loss(net.forward(x), y), net.params()[name])
        err = bp.rel_error(getattr(grads, "d" + name), num)
        assert err < FD_TOL, f"d{name} ({activation}) differs from finite differences: rel. error {err:.2e}"


def test_the_article_needs_sigma_prime_in_delta1(mnist, rng):
    """Stopping at unpool(delta2), as the article does, gives a wrong dW1; times sigma'(z1) it is right."""
    x, y = mnist
    x, y = x[:2].astype(np.float64), y[:2]
    net = _net64("sigmoid", rng)
    trace = net.forward(x)
    grads = net.backward(trace, y)
    num = bp.numerical_gradient(lambda: net.loss(net.forward(x), y), net.W1)
    _, dW1_article, _ = bp.conv2d_backward(grads.da1, trace.caches[0])
    assert bp.rel_error(dW1_article, num) > 0.1
    assert bp.rel_error(grads.dW1, num) < FD_TOL


CONFIGS = [
    dict(activation="relu"),
    dict(activation="sigmoid"),
    dict(activation="relu", channels=4, kernel_size=4, n_classes=7),  # 25x25 map: pooling drops the last row/column
    dict(activation="sigmoid", channels=2, kernel_size=3, n_classes=3),
]


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: "-".join(f"{v}" for v in c.values()))
@pytest.mark.parametrize("biases", ["init", "random"])
def test_matches_pytorch_autograd(mnist, config, biases, rng):
    x, y = mnist
    K = config.get("n_classes", 10)
    keep = y < K
    x, y = x[keep][:6].astype(np.float64), y[keep][:6]
    net = _net64(rng=rng if biases == "random" else None, **config)
    trace = net.forward(x)
    grads = net.backward(trace, y)
    params = {k: torch.tensor(v, requires_grad=True) for k, v in net.params().items()}
    out = torch_article_net(torch.tensor(x), torch.tensor(y), *params.values(), config["activation"])
    out["loss"].backward()
    pairs = [(getattr(trace, k), out[k]) for k in ("z1", "a1", "a2", "a3", "z4", "a4")]
    pairs += [(net.loss(trace, y), out["loss"])]
    pairs += [(getattr(grads, "d" + k), params[k].grad) for k in PARAMS]
    pairs += [(grads.delta4, out["z4"].grad), (grads.delta3, out["a3"].grad), (grads.delta2, out["a2"].grad),
              (grads.da1, out["a1"].grad), (grads.delta1, out["z1"].grad)]
    for k, (ours, theirs) in enumerate(pairs):
        err = bp.rel_error(ours, theirs.detach().numpy())
        assert err < TORCH_TOL, f"pair {k} differs from PyTorch: rel. error {err:.2e}"


def test_backward_is_the_articles_equations(mnist, rng):
    """Each delta and gradient recomputed straight from the article's formulas."""
    x, y = mnist
    x, y = x[10:14].astype(np.float64), y[10:14]
    net = _net64("relu", rng)
    t = net.forward(x)
    g = net.backward(t, y)
    N = len(y)
    onehot = np.eye(10)[y]
    e = np.exp(t.z4 - t.z4.max(axis=1, keepdims=True))
    np.testing.assert_allclose(g.delta4, (e / e.sum(axis=1, keepdims=True) - onehot) / N, atol=1e-15)  # delta4 = a4 - y
    np.testing.assert_allclose(g.dW4, np.einsum("nk,nd->kd", g.delta4, t.a3), atol=1e-15)  # delta4 (a3)^T
    np.testing.assert_allclose(g.db4, g.delta4.sum(axis=0), atol=1e-15)
    np.testing.assert_allclose(g.delta3, np.einsum("kd,nk->nd", net.W4, g.delta4), atol=1e-15)  # (W4)^T delta4
    np.testing.assert_array_equal(g.delta2.reshape(N, -1), g.delta3)  # reshape only
    # unpool: each window's four cells sum back to its delta2, and only a window's max may receive anything
    np.testing.assert_allclose(g.da1.reshape(N, 3, 12, 2, 12, 2).sum(axis=(3, 5)), g.delta2, atol=1e-15)
    window_max = t.a1.reshape(N, 3, 12, 2, 12, 2).max(axis=(3, 5))
    is_max = t.a1 == np.repeat(np.repeat(window_max, 2, axis=2), 2, axis=3)
    assert not np.any(g.da1[~is_max])
    np.testing.assert_array_equal(g.delta1, g.da1 * (t.z1 > 0))  # unpool(delta2) * relu'(z1)
    # dC/dW1 = conv(a0, delta1): the error map slid over the input, computed as a forward convolution
    a0_as_batch = np.ascontiguousarray(t.a0.transpose(1, 0, 2, 3))  # (1, N, 28, 28)
    delta1_as_kernels = np.ascontiguousarray(g.delta1.transpose(1, 0, 2, 3))  # (3, N, 24, 24)
    dW1, _ = bp.conv2d_forward(a0_as_batch, delta1_as_kernels, None)  # (1, 3, 5, 5)
    np.testing.assert_allclose(g.dW1, dW1.transpose(1, 0, 2, 3), atol=1e-14)
    np.testing.assert_allclose(g.db1, g.delta1.sum(axis=(0, 2, 3)), atol=1e-15)
    assert net.loss(t, y) == pytest.approx(-np.mean(np.log(t.a4[np.arange(N), y])), rel=1e-12)


def test_sigmoid_delta1_uses_sigma_prime(mnist):
    x, y = mnist
    net = bp.ArticleNet(activation="sigmoid", dtype=np.float64)
    t = net.forward(x[:3].astype(np.float64))
    g = net.backward(t, y[:3])
    s = 1 / (1 + np.exp(-t.z1))
    np.testing.assert_allclose(t.a1, s, rtol=1e-14)
    np.testing.assert_allclose(g.delta1, g.da1 * s * (1 - s), rtol=1e-12, atol=1e-18)


def test_seed_dtype_and_initialisation():
    a, b, c = bp.ArticleNet(seed=0), bp.ArticleNet(seed=0), bp.ArticleNet(seed=1)
    for k in PARAMS:
        np.testing.assert_array_equal(a.params()[k], b.params()[k])
        assert a.params()[k].dtype == np.float32
    assert not np.array_equal(a.W1, c.W1) and not np.array_equal(a.W4, c.W4)
    d = bp.ArticleNet(seed=0, dtype=np.float64)
    assert d.W1.dtype == np.float64
    np.testing.assert_array_equal(d.W1.astype(np.float32), a.W1)  # same draw, rounded
    assert not a.b1.any() and not a.b4.any()
    # He normal for the conv kernels (gain 2 for relu, 1 for sigmoid), LeCun normal for W4
    wide = bp.ArticleNet(channels=400, seed=3, dtype=np.float64)
    assert wide.W1.std() == pytest.approx(np.sqrt(2 / 25), rel=0.05)
    assert wide.W4.std() == pytest.approx(np.sqrt(1 / wide.W4.shape[1]), rel=0.05)
    assert bp.ArticleNet(channels=400, activation="sigmoid").W1.std() == pytest.approx(np.sqrt(1 / 25), rel=0.05)


def test_float32_end_to_end(mnist):
    x, y = mnist
    net = bp.ArticleNet()
    trace = net.forward(x[:4].astype(np.float64))  # float64 input is cast to the net's dtype
    grads = net.backward(trace, y[:4])
    for obj in (trace, grads):
        for k, v in vars(obj).items():
            if isinstance(v, np.ndarray):
                assert v.dtype == np.float32, f"{k} is {v.dtype}"
    net.step(grads, 0.1)
    assert all(p.dtype == np.float32 for p in net.params().values())


def test_step_is_plain_sgd_in_place(mnist):
    x, y = mnist
    net = bp.ArticleNet(dtype=np.float64)
    params = net.params()
    before = {k: v.copy() for k, v in params.items()}
    grads = net.backward(net.forward(x[:8]), y[:8])
    net.step(grads, 0.25)
    for k in PARAMS:
        assert params[k] is getattr(net, k)  # updated in place: params() stays valid
        np.testing.assert_array_equal(params[k], before[k] - 0.25 * getattr(grads, "d" + k))
    # the same update written generically, parameter by parameter
    assert list(grads.params()) == list(params) == list(PARAMS)
    for name, p in before.items():
        p -= 0.25 * grads.params()[name]
        np.testing.assert_array_equal(p, params[name])


def test_predict_and_accuracy(mnist):
    x, y = mnist
    net = bp.ArticleNet()
    pred = net.predict(x[:50], batch_size=7)
    np.testing.assert_array_equal(pred, net.forward(x[:50]).a4.argmax(axis=1))
    assert pred.dtype == np.int64
    assert net.accuracy(x[:50], y[:50], batch_size=16) == pytest.approx(np.mean(pred == y[:50]))


X = np.zeros((2, 1, 28, 28), np.float32)
Y = np.array([3, 7])


def _nan_image():
    x = X.copy()
    x[1, 0, 5, 5] = np.nan
    return x


@pytest.mark.parametrize(
    "call, exc, message",
    [
        (lambda n: n.forward(np.zeros((2, 28, 28), np.float32)), ValueError, r"^ArticleNet.forward: x.shape=\(2, 28, 28\), expected \(N, 1, 28, 28\)$"),
        (lambda n: n.forward(np.zeros((2, 3, 28, 28), np.float32)), ValueError, r"x.shape=\(2, 3, 28, 28\), expected \(N, 1, 28, 28\)"),
        (lambda n: n.forward(np.zeros((2, 1, 32, 32), np.float32)), ValueError, r"x.shape=\(2, 1, 32, 32\), expected \(N, 1, 28, 28\)"),
        (lambda n: n.forward(np.zeros((0, 1, 28, 28), np.float32)), ValueError, r"empty batch, x.shape=\(0, 1, 28, 28\)"),
        (lambda n: n.forward(X.astype(np.uint8)), TypeError, r"x must hold floating-point numbers, got dtype uint8"),
        (lambda n: n.forward("digits"), TypeError, r"x must be a NumPy array, got str"),
        (lambda n: n.forward(_nan_image()), ValueError, r"ArticleNet.forward: x contains 1 NaN or inf"),
        (lambda n: n.backward(n.forward(X), np.array([3, 10])), ValueError, r"ArticleNet.backward: labels must be in \[0, 10\), got min 3, max 10"),
        (lambda n: n.backward(n.forward(X), np.array([-1, 2])), ValueError, r"labels must be in \[0, 10\)"),
        (lambda n: n.backward(n.forward(X), np.array([3.0, 7.0])), TypeError, r"labels y must be integers, got dtype float64"),
        (lambda n: n.backward(n.forward(X), np.array([3, 7, 1])), ValueError, r"y.shape=\(3,\), expected \(2,\)"),
        (lambda n: n.backward(None, Y), TypeError, r"trace must be the Trace from ArticleNet.forward"),
        (lambda n: n.loss(n.forward(X), np.array([1])), ValueError, r"ArticleNet.loss: y.shape=\(1,\), expected \(2,\)"),
        (lambda n: n.accuracy(X, np.array([1, 2, 3])), ValueError, r"ArticleNet.accuracy: y.shape=\(3,\), expected \(2,\)"),
        (lambda n: n.predict(X[:, 0]), ValueError, r"ArticleNet.predict: x.shape=\(2, 28, 28\)"),
        (lambda n: n.predict(X, batch_size=0), ValueError, r"batch_size must be >= 1"),
        (lambda n: bp.ArticleNet(activation="tanh"), ValueError, r"activation must be one of \['relu', 'sigmoid'\], got 'tanh'"),
        (lambda n: bp.ArticleNet(channels=0), ValueError, r"channels must be >= 1, got channels=0"),
        (lambda n: bp.ArticleNet(kernel_size=28), ValueError, r"kernel_size=28 leaves a 1x1 map, too small for 2x2 pooling"),
        (lambda n: bp.ArticleNet(kernel_size=2.5), TypeError, r"kernel_size must be an integer"),
        (lambda n: bp.ArticleNet(n_classes=1), ValueError, r"n_classes must be >= 2"),
        (lambda n: bp.ArticleNet(dtype=np.int32), TypeError, r"dtype must be a floating-point type"),
        (lambda n: bp.ArticleNet(dtype="nonsense"), TypeError, r"dtype must be a NumPy float type"),
    ],
)
def test_clear_errors(call, exc, message):
    with pytest.raises(exc, match=message):
        call(bp.ArticleNet())
