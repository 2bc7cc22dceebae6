"""The exercise checkers of notebooks 04, 06 and 11: the right answer passes, typical wrong answers get their hint."""

import numpy as np
import pytest

import bplib as bp
from bplib.exercises import check, exercise_inputs, list_exercises


def test_registered():
    assert list_exercises("04") == ["04.rel_change", "04.shift_change", "04.smallest_change"]
    assert sorted(list_exercises("06")) == sorted(["06.delta4", "06.dW4", "06.flat_index", "06.shape_dW4"])
    assert list_exercises("11") == ["11.confusion", "11.most_confused", "11.no_sigma_prime", "11.recall"]


# --- notebook 04 -------------------------------------------------------------------------


def _norm(a):
    return np.linalg.norm(np.asarray(a, dtype=np.float64).ravel())


def test_04_rel_change():
    ex = exercise_inputs("04.rel_change")
    before, after = ex["W_before"], ex["W_after"]
    assert before.shape == (3, 1, 5, 5) and not np.array_equal(before, after)
    right = _norm(after - before) / _norm(before)
    assert 0.01 < right < 1
    assert check("04.rel_change", right)
    assert check("04.rel_change", np.float32(right))
    fb = check("04.rel_change", bp.rel_error(after, before))
    assert not fb and "bp.rel_error" in fb.message
    fb = check("04.rel_change", _norm(after - before) / _norm(after))
    assert not fb and "W_before" in fb.message
    fb = check("04.rel_change", _norm(after - before))
    assert not fb and "size of the change" in fb.message
    fb = check("04.rel_change", np.ones(3))
    assert not fb and "one number" in fb.message


def test_04_smallest_change():
    snaps = exercise_inputs("04.smallest_change")["snapshots"]
    assert snaps.shape == (6, 3, 1, 5, 5)
    changes = [_norm(snaps[e] - snaps[e - 1]) / _norm(snaps[e - 1]) for e in range(1, 6)]
    right = int(np.argmin(changes)) + 1
    assert check("04.smallest_change", right)
    fb = check("04.smallest_change", right - 1)
    assert not fb and "off by one" in fb.message
    fb = check("04.smallest_change", int(np.argmax(changes)) + 1)
    assert not fb and "largest" in fb.message
    assert not check("04.smallest_change", "epoch")


def test_04_shift_change():
    ex = exercise_inputs("04.shift_change")
    net = bp.ArticleNet(seed=0)
    for name in ("W1", "b1", "W4", "b4"):
        setattr(net, name, ex[name].astype(np.float32))
    images = ex["images"]
    shifted = np.zeros_like(images)
    shifted[..., 1:] = images[..., :-1]
    before, after = net.forward(images), net.forward(shifted)
    right = _norm(after.a2 - before.a2) / _norm(before.a2)
    assert check("04.shift_change", right)
    assert check("04.shift_change", _norm(after.a3 - before.a3) / _norm(before.a3)), "a3 is a2 flattened: the same change"
    fb = check("04.shift_change", _norm(after.a1 - before.a1) / _norm(before.a1))
    assert not fb and "a1" in fb.message
    left = np.zeros_like(images)
    left[..., :-1] = images[..., 1:]
    fb = check("04.shift_change", _norm(net.forward(left).a2 - before.a2) / _norm(before.a2))
    assert not fb and "left" in fb.message
    fb = check("04.shift_change", _norm(after.a2 - before.a2) / _norm(after.a2))
    assert not fb and "original" in fb.message


# --- notebook 06 -------------------------------------------------------------------------


def test_06_shape_dW4():
    assert check("06.shape_dW4", (10, 432))
    assert check("06.shape_dW4", bp.ArticleNet().W4.shape)
    fb = check("06.shape_dW4", (432, 10))
    assert not fb and "transposed" in fb.message
    assert not check("06.shape_dW4", (10,))
    assert not check("06.shape_dW4", "10 x 432")


def _head(ex):
    z4 = ex["a3"] @ ex["W4"].T + ex["b4"]
    a4 = np.exp(z4 - z4.max(axis=1, keepdims=True))
    a4 /= a4.sum(axis=1, keepdims=True)
    return a4, np.eye(10)[ex["y"]], len(ex["y"])


def test_06_delta4():
    ex = exercise_inputs("06.delta4")
    assert ex["a3"].shape == (5, 432) and ex["W4"].shape == (10, 432) and ex["y"].shape == (5,)
    a4, onehot, N = _head(ex)
    assert check("06.delta4", (a4 - onehot) / N)
    fb = check("06.delta4", a4 - onehot)
    assert not fb and "mean" in fb.message
    fb = check("06.delta4", (a4 - onehot) / N**2)
    assert not fb and "once" in fb.message
    fb = check("06.delta4", (onehot - a4) / N)
    assert not fb and "sign" in fb.message
    fb = check("06.delta4", ((a4 - onehot) / N).T)
    assert not fb and "shape" in fb.message


def test_06_delta4_against_finite_differences():
    """The checker's expected answer is the true gradient of the mean loss (a route that does not use its code)."""
    ex = exercise_inputs("06.delta4")
    z4 = ex["a3"] @ ex["W4"].T + ex["b4"]

    def mean_ce():
        shifted = z4 - z4.max(axis=1, keepdims=True)
        return float(np.mean(np.log(np.exp(shifted).sum(axis=1)) - shifted[np.arange(len(ex["y"])), ex["y"]]))

    assert check("06.delta4", bp.numerical_gradient(mean_ce, z4))


def test_06_dW4():
    ex = exercise_inputs("06.delta4")
    a4, onehot, N = _head(ex)
    delta4 = (a4 - onehot) / N
    right = sum(np.outer(d, a) for d, a in zip(delta4, ex["a3"]))
    assert check("06.dW4", right)
    fb = check("06.dW4", right * N)
    assert not fb and "1/N" in fb.message
    fb = check("06.dW4", right / N)
    assert not fb and "sums" in fb.message
    fb = check("06.dW4", right.T)
    assert not fb and "rows" in fb.message


def test_06_flat_index():
    c, h, w = 1, 11, 0
    assert check("06.flat_index", c * 144 + h * 12 + w)
    assert check("06.flat_index", np.int64(276))
    fb = check("06.flat_index", c + h * 3 + w * 36)
    assert not fb and "channel change fastest" in fb.message
    fb = check("06.flat_index", c * 144 + w * 12 + h)
    assert not fb and "swapped" in fb.message
    assert not check("06.flat_index", 276.5)
    assert not check("06.flat_index", 0)


# --- notebook 11 -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def predictions():
    ex = exercise_inputs("11.confusion")
    assert ex["y_true"].shape == ex["y_pred"].shape == (2000,)
    cm = np.zeros((10, 10), dtype=int)
    for t, p in zip(ex["y_true"], ex["y_pred"]):
        cm[t, p] += 1
    return ex["y_true"], ex["y_pred"], cm


def test_11_inputs_come_from_a_partly_trained_network(predictions):
    y_true, y_pred, _ = predictions
    _, (_, y_test) = bp.load_mnist()
    np.testing.assert_array_equal(y_true, y_test)
    assert 0.5 < np.mean(y_true == y_pred) < 0.99  # a real classifier with real mistakes


def test_11_confusion(predictions):
    _, _, cm = predictions
    assert not np.array_equal(cm, cm.T)
    assert check("11.confusion", cm)
    fb = check("11.confusion", cm.T)
    assert not fb and "transposed" in fb.message
    fb = check("11.confusion", cm / cm.sum(axis=1, keepdims=True))
    assert not fb and "counts" in fb.message
    fb = check("11.confusion", cm[:9])
    assert not fb and "shape" in fb.message


def test_11_most_confused(predictions):
    _, _, cm = predictions
    off = cm - np.diag(np.diag(cm))
    t, p = np.unravel_index(off.argmax(), off.shape)
    assert (off == off.max()).sum() == 1, "the exercise has one answer"
    assert check("11.most_confused", (int(t), int(p)))
    assert check("11.most_confused", np.array([t, p]))
    fb = check("11.most_confused", (int(p), int(t)))
    assert not fb and "wrong order" in fb.message
    d = int(np.argmax(np.diag(cm)))
    fb = check("11.most_confused", (d, d))
    assert not fb and "diagonal" in fb.message
    assert not check("11.most_confused", 3)


def test_11_recall(predictions):
    _, _, cm = predictions
    right = np.array([cm[k, k] / cm[k].sum() for k in range(10)])
    assert check("11.recall", right)
    fb = check("11.recall", np.array([cm[k, k] / cm[:, k].sum() for k in range(10)]))
    assert not fb and "precision" in fb.message
    fb = check("11.recall", np.diag(cm))
    assert not fb and "counts" in fb.message
    fb = check("11.recall", right[:5])
    assert not fb and "shape" in fb.message


@pytest.fixture(scope="module")
def first_batch_torch():
    """dC/da1 and z1 of the capstone's first batch by PyTorch autograd (float64), independent of bplib's backward."""
    import torch
    import torch.nn.functional as tF

    ex = exercise_inputs("11.no_sigma_prime")
    (x_train, y_train), _ = bp.load_mnist()
    idx = np.random.default_rng(0).permutation(len(x_train))[:64]  # bp.train(seed=0)'s first batch, by hand
    np.testing.assert_array_equal(ex["x"], x_train[idx])
    np.testing.assert_array_equal(ex["y"], y_train[idx])
    net = bp.ArticleNet(seed=ex["seed"])
    t = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in net.params().items()}
    z1 = tF.conv2d(torch.tensor(ex["x"], dtype=torch.float64), t["W1"], t["b1"])
    a1 = torch.relu(z1)
    a1.retain_grad()
    z4 = tF.max_pool2d(a1, 2).flatten(1) @ t["W4"].T + t["b4"]
    tF.cross_entropy(z4, torch.tensor(ex["y"])).backward()  # the mean loss, as bp.train's
    return ex, a1.grad.numpy(), z1.detach().numpy()


def test_11_no_sigma_prime(first_batch_torch):
    ex, da1, z1 = first_batch_torch
    off = z1 <= 0
    right = np.abs(da1)[off].sum() / np.abs(da1).sum()
    assert 0.3 < right < 0.7, "a real share: about half the windows of the first batch are entirely inactive"
    assert check("11.no_sigma_prime", right)
    # the notebook's route: bplib's own backward pass, in float32
    net = bp.ArticleNet(seed=0)
    trace = net.forward(ex["x"])
    grads = net.backward(trace, ex["y"])
    assert check("11.no_sigma_prime", np.abs(grads.da1)[trace.z1 <= 0].sum() / np.abs(grads.da1).sum())
    delta1 = da1 * (z1 > 0)  # after sigma': nothing left where z1 <= 0
    fb = check("11.no_sigma_prime", np.abs(delta1)[off].sum() / np.abs(delta1).sum())
    assert not fb and "grads.da1" in fb.message
    fb = check("11.no_sigma_prime", off.mean())
    assert not fb and "weigh each cell" in fb.message
    fb = check("11.no_sigma_prime", 1 - right)
    assert not fb and "lets through" in fb.message
    fb = check("11.no_sigma_prime", 100 * right)
    assert not fb and "percentage" in fb.message
    fb = check("11.no_sigma_prime", da1[off].sum() / da1.sum())
    assert not fb and "absolute values" in fb.message
    windows = off.reshape(64, 3, 12, 2, 12, 2).all(axis=(3, 5)).mean()
    fb = check("11.no_sigma_prime", windows)
    assert not fb and "counts the windows" in fb.message
    fb = check("11.no_sigma_prime", np.array([right, right]))
    assert not fb and "one number" in fb.message
