"""train(): mini-batch SGD step for step like PyTorch, the history it returns, and real accuracy."""

import numpy as np
import pytest
import torch
from matplotlib.figure import Figure
from test_net import torch_article_net

import bplib as bp

PARAMS = ("W1", "b1", "W4", "b4")


@pytest.fixture(scope="module")
def mnist():
    return bp.load_mnist()


@pytest.mark.parametrize("activation", ["relu", "sigmoid"])
def test_trajectory_matches_pytorch_sgd(mnist, activation):
    """Same initial weights, same batches in the same order, same lr: the same weights after 126 steps."""
    (x, y), _ = mnist
    x, y = x[:650].astype(np.float64), y[:650]  # 650 = 20 batches of 32 + one of 10
    epochs, batch_size, lr, seed = 6, 32, 0.1, 5
    net = bp.ArticleNet(activation=activation, seed=1, dtype=np.float64)
    params = {k: torch.tensor(v.copy(), requires_grad=True) for k, v in net.params().items()}
    history = bp.train(net, x, y, epochs=epochs, batch_size=batch_size, lr=lr, seed=seed, progress=False)

    opt = torch.optim.SGD(params.values(), lr=lr)
    rng = np.random.default_rng(seed)
    losses, train_acc = [], []
    for _ in range(epochs):
        correct = 0
        for idx in bp.minibatches(len(y), batch_size, rng):
            out = torch_article_net(torch.tensor(x[idx]), torch.tensor(y[idx]), *params.values(), activation)
            losses.append(out["loss"].item())
            correct += int((out["z4"].argmax(dim=1).numpy() == y[idx]).sum())
            opt.zero_grad()
            out["loss"].backward()
            opt.step()
        train_acc.append(correct / len(y))

    assert len(losses) == len(history.loss) == 126
    assert bp.rel_error(history.loss, losses) < 1e-10
    np.testing.assert_array_equal(history.train_acc, train_acc)
    for k in PARAMS:
        err = bp.rel_error(net.params()[k], params[k].detach().numpy())
        assert err < 1e-10, f"{k} drifted from PyTorch after 126 steps: rel. error {err:.2e}"
    assert history.loss[-21:].mean() < history.loss[:21].mean()  # and it learned something


def test_minibatches_cover_every_example_once():
    batches = bp.minibatches(103, 10, np.random.default_rng(0))
    assert [len(b) for b in batches] == [10] * 10 + [3]
    assert sorted(np.concatenate(batches).tolist()) == list(range(103))
    again = bp.minibatches(103, 10, np.random.default_rng(0))
    assert all(np.array_equal(a, b) for a, b in zip(batches, again))


def test_history_and_determinism(mnist):
    (x, y), (xv, yv) = mnist
    runs = []
    for seed in (0, 0, 1):
        net = bp.ArticleNet(seed=0)
        h = bp.train(net, x[:300], y[:300], epochs=3, batch_size=50, lr=0.1, seed=seed, progress=False, x_val=xv[:200], y_val=yv[:200])
        runs.append((net, h))
    (net, h), (net2, h2), (net3, h3) = runs
    assert h.loss.shape == (18,) and h.train_acc.shape == (3,) and h.val_acc.shape == (3,) and h.steps_per_epoch == 6
    assert np.all((0 <= h.train_acc) & (h.train_acc <= 1))
    assert h.val_acc[-1] == net.accuracy(xv[:200], yv[:200])  # measured after the last epoch
    np.testing.assert_array_equal(h.loss, h2.loss)  # the same seed: the same run
    for k in PARAMS:
        np.testing.assert_array_equal(net.params()[k], net2.params()[k])
    assert not np.array_equal(h.loss, h3.loss)  # another shuffle
    np.testing.assert_allclose(h.epoch_of_step[[0, 5, 17]], [1 / 6, 1, 3])
    text = repr(h)
    assert text.startswith("History(epochs=3, steps=18, loss ") and f"{h.val_acc[-1]:.3f}" in text
    no_val = bp.train(bp.ArticleNet(), x[:40], y[:40], epochs=1, batch_size=64, progress=False)
    assert no_val.val_acc.shape == (0,) and no_val.loss.shape == (1,) and "val_acc -" in repr(no_val)

    artists = h.plot(Figure().subplots())  # no pyplot: no backend or global state involved
    assert len(artists) == 2
    np.testing.assert_array_equal(artists[0].get_ydata(), h.loss)
    np.testing.assert_array_equal(artists[1].get_ydata(), h.val_acc)


def test_progress_bar_can_be_switched_off(mnist, capsys):
    (x, y), _ = mnist
    bp.train(bp.ArticleNet(), x[:64], y[:64], epochs=2, batch_size=32, progress=True)
    err = capsys.readouterr().err
    assert "train" in err and "4/4" in err
    bp.train(bp.ArticleNet(), x[:64], y[:64], epochs=2, batch_size=32, progress=False)
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""


@pytest.mark.slow
def test_default_net_learns_real_digits(mnist):
    """The course's claim: the default ArticleNet reaches >= 95% on the 2,000 held-out images in 10 epochs."""
    (x, y), (xv, yv) = mnist
    net = bp.ArticleNet()
    h = bp.train(net, x, y, epochs=10, batch_size=64, lr=0.1, seed=0, progress=False, x_val=xv, y_val=yv)
    assert net.accuracy(xv, yv) >= 0.95, repr(h)


X = np.zeros((4, 1, 28, 28), np.float32)
Y = np.array([0, 1, 2, 3])


@pytest.mark.parametrize(
    "kwargs, exc, message",
    [
        (dict(x=X[:, 0]), ValueError, r"^train: x.shape=\(4, 28, 28\), expected \(N, 1, 28, 28\)$"),
        (dict(y=Y[:3]), ValueError, r"train: y.shape=\(3,\), expected \(4,\)"),
        (dict(y=Y + 7), ValueError, r"train: labels must be in \[0, 10\), got min 7, max 10"),
        (dict(x=X[:0], y=Y[:0]), ValueError, r"train: empty batch"),
        (dict(x=(X * 255).astype(np.uint8)), TypeError, r"train: x must hold floating-point numbers, got dtype uint8"),
        (dict(x=np.where(np.arange(784).reshape(1, 1, 28, 28) == 9, np.nan, X)), ValueError, r"train: x contains 4 NaN or inf"),
        (dict(y=Y.astype(np.float32)), TypeError, r"train: labels y must be integers"),
        (dict(epochs=0), ValueError, r"epochs must be >= 1"),
        (dict(batch_size=0), ValueError, r"batch_size must be >= 1"),
        (dict(batch_size=2.0), TypeError, r"batch_size must be an integer"),
        (dict(lr=-0.1), ValueError, r"lr must be a positive number, got lr=-0.1"),
        (dict(lr="0.1"), ValueError, r"lr must be a positive number"),
        (dict(lr=float("nan")), ValueError, r"lr must be a positive number"),
        (dict(x_val=X), ValueError, r"give both x_val and y_val, or neither"),
        (dict(x_val=X, y_val=Y[:2]), ValueError, r"train: y_val.shape=\(2,\), expected \(4,\)"),  # y_val, not y
        (dict(net="net"), TypeError, r"net must be an ArticleNet, got str"),
    ],
)
def test_train_clear_errors(kwargs, exc, message):
    args = dict(net=bp.ArticleNet(), x=X, y=Y, progress=False) | kwargs
    with pytest.raises(exc, match=message):
        bp.train(**args)
