"""TwoConvNet (notebook 03's fair flatten-vs-GAP comparison): gradients by finite differences and PyTorch, training, errors."""

import numpy as np
import pytest
import torch

from bplib.gapnet import TwoConvNet, fit


def _batch(n=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((n, 1, 28, 28)), rng.integers(0, 10, n)


@pytest.mark.parametrize("head", ["gap", "flatten"])
def test_gradients_match_finite_differences(head):
    net = TwoConvNet((2, 3), head=head, seed=1, dtype=np.float64)
    x, y = _batch()
    for p in net.params().values():  # nonzero biases, so a wrong bias gradient cannot hide
        p += 0.05
    grads = net.backward(net.forward(x), y)
    rng = np.random.default_rng(2)
    h = 1e-6
    for name, p in net.params().items():
        flat, g = p.reshape(-1), grads[name].reshape(-1)
        for i in rng.choice(flat.size, size=min(12, flat.size), replace=False):
            old = flat[i]
            flat[i] = old + h
            up = net.loss(net.forward(x), y)
            flat[i] = old - h
            down = net.loss(net.forward(x), y)
            flat[i] = old
            numeric = (up - down) / (2 * h)
            assert g[i] == pytest.approx(numeric, rel=1e-5, abs=1e-8), f"{head}: d{name}[{i}]"


@pytest.mark.parametrize("head", ["gap", "flatten"])
def test_forward_and_backward_match_pytorch(head):
    net = TwoConvNet((3, 4), head=head, seed=3, dtype=np.float64)
    x, y = _batch(4, seed=5)
    trace = net.forward(x)
    grads = net.backward(trace, y)
    t = {k: torch.tensor(v, requires_grad=True) for k, v in net.params().items()}
    a = torch.relu(torch.nn.functional.conv2d(torch.tensor(x), t["W1"], t["b1"]))
    a = torch.nn.functional.max_pool2d(a, 2)
    a = torch.relu(torch.nn.functional.conv2d(a, t["W2"], t["b2"]))
    h = a.mean(dim=(2, 3)) if head == "gap" else a.flatten(1)
    z = h @ t["W3"].T + t["b3"]
    loss = torch.nn.functional.cross_entropy(z, torch.tensor(y))
    loss.backward()
    np.testing.assert_allclose(trace.z3, z.detach().numpy(), rtol=1e-10, atol=1e-12)
    assert net.loss(trace, y) == pytest.approx(loss.item(), rel=1e-12)
    for name, value in t.items():
        np.testing.assert_allclose(grads[name], value.grad.numpy(), rtol=1e-8, atol=1e-12, err_msg=name)


def test_shapes_and_parameter_counts():
    gap, flat = TwoConvNet((8, 32), head="gap"), TwoConvNet((8, 32), head="flatten")
    x, _ = _batch(2)
    tg, tf = gap.forward(x), flat.forward(x)
    assert tg.a2.shape == (2, 32, 10, 10) and tg.h.shape == (2, 32) and tf.h.shape == (2, 3200)
    body = 8 * 25 + 8 + 32 * 8 * 9 + 32
    assert gap.n_params("body") == flat.n_params("body") == body
    assert gap.n_params("head") == 10 * 32 + 10 and flat.n_params("head") == 10 * 3200 + 10
    assert gap.n_params() == body + 330
    np.testing.assert_array_equal(gap.W1, flat.W1)  # the same seed gives both heads the same body
    np.testing.assert_array_equal(gap.W2, flat.W2)
    np.testing.assert_allclose(tg.h, tg.a2.mean(axis=(2, 3)), rtol=1e-6)


def test_fit_lowers_the_loss_and_is_repeatable():
    x, y = _batch(64, seed=7)
    runs = []
    for _ in range(2):
        net = TwoConvNet((2, 4), head="gap", seed=0, dtype=np.float64)
        losses, seconds = fit(net, x, y, epochs=4, batch_size=16, lr=0.05, seed=1)
        runs.append((losses, net.W3.copy()))
        assert losses.shape == (4,) and seconds >= 0
    assert runs[0][0][-1] < runs[0][0][0]
    np.testing.assert_array_equal(runs[0][1], runs[1][1])


def test_errors_name_the_problem():
    with pytest.raises(ValueError, match="head must be one of"):
        TwoConvNet(head="mean")
    with pytest.raises(TypeError, match="channels must be a pair"):
        TwoConvNet(channels=8)
    net = TwoConvNet((2, 2))
    with pytest.raises(ValueError, match=r"expected \(N, 1, 28, 28\)"):
        net.forward(np.zeros((2, 28, 28), dtype=np.float32))
    with pytest.raises(ValueError, match="one label per image"):
        fit(net, np.zeros((4, 1, 28, 28), dtype=np.float32), np.zeros(3, dtype=int))
    with pytest.raises(ValueError, match="lr must be a positive number"):
        fit(net, np.zeros((4, 1, 28, 28), dtype=np.float32), np.zeros(4, dtype=int), lr=0)
    with pytest.raises(ValueError, match="part must be"):
        net.n_params("tail")
