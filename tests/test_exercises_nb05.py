"""The exercise checkers of notebook 05: the right answer passes, typical wrong answers get their hint.

Expected answers come from routes the checkers do not take: finite differences of a cost written
here in plain NumPy, a loop over the chain rule's sum, and the network's architecture counted by hand.
"""

import numpy as np

import bplib as bp
from bplib.exercises import check, exercise_inputs, list_exercises


def test_registered():
    assert list_exercises("05") == ["05.delta1", "05.delta2", "05.fd_passes", "05.shape_dW2"]


def test_05_shape_dW2():
    assert check("05.shape_dW2", (3, 5))
    assert check("05.shape_dW2", [3, 5])
    assert check("05.shape_dW2", np.zeros((3, 5)).shape)
    fb = check("05.shape_dW2", (5, 3))
    assert not fb and "transposed" in fb.message
    assert not check("05.shape_dW2", (3,))
    assert not check("05.shape_dW2", "3 x 5")


def _plain(ex):
    """The exercise's network in plain NumPy: z1, a1, z2 and a cross-entropy cost of z2 (or of z1)."""
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    z1 = ex["x"] @ ex["W1"].T + ex["b1"]
    z2 = sig(z1) @ ex["W2"].T + ex["b2"]

    def ce_of_z2(z):
        s = z - z.max()
        return float(np.log(np.exp(s).sum()) - s[0, ex["y"][0]])

    def ce_of_z1(z):
        return ce_of_z2(sig(z) @ ex["W2"].T + ex["b2"])

    return sig, z1, z2, ce_of_z2, ce_of_z1


def test_05_delta2_right_answer_is_the_finite_difference_gradient():
    ex = exercise_inputs("05.delta2")
    _, _, z2, ce_of_z2, _ = _plain(ex)
    probe = z2.copy()
    assert check("05.delta2", bp.numerical_gradient(lambda: ce_of_z2(probe), probe))


def test_05_delta2_mistakes_get_their_hint():
    ex = exercise_inputs("05.delta2")
    sig, _, z2, _, _ = _plain(ex)
    a2 = np.exp(z2 - z2.max()) / np.exp(z2 - z2.max()).sum()
    onehot = np.eye(3)[ex["y"]]
    assert check("05.delta2", a2 - onehot)
    fb = check("05.delta2", a2)
    assert not fb and "subtract onehot" in fb.message
    fb = check("05.delta2", (a2 - onehot) * a2 * (1 - a2))
    assert not fb and "not element-wise" in fb.message
    fb = check("05.delta2", onehot - a2)
    assert not fb and "sign" in fb.message
    fb = check("05.delta2", sig(z2) - onehot)
    assert not fb and "softmax, not the sigmoid" in fb.message
    fb = check("05.delta2", (a2 - onehot).T)
    assert not fb and "shape" in fb.message


def test_05_delta1_right_answer_by_loop_and_by_finite_differences():
    ex = exercise_inputs("05.delta1")
    sig, z1, z2, _, ce_of_z1 = _plain(ex)
    a2 = np.exp(z2 - z2.max()) / np.exp(z2 - z2.max()).sum()
    d2 = a2 - np.eye(3)[ex["y"]]
    loop = np.zeros((1, 5))
    for j in range(5):  # delta1_j = (sum_k W2[k, j] delta2_k) sigma'(z1_j)
        loop[0, j] = sum(ex["W2"][k, j] * d2[0, k] for k in range(3)) * sig(z1[0, j]) * (1 - sig(z1[0, j]))
    assert check("05.delta1", loop)
    probe = z1.copy()
    assert check("05.delta1", bp.numerical_gradient(lambda: ce_of_z1(probe), probe))
    fb = check("05.delta1", d2 @ ex["W2"])
    assert not fb and "multiply by sigma'(z1)" in fb.message
    fb = check("05.delta1", (d2 @ ex["W2"]) * sig(z1))
    assert not fb and "not by sigma(z1)" in fb.message
    fb = check("05.delta1", -loop)
    assert not fb and "element by element" in fb.message


def test_05_fd_passes():
    # the article's network with 20 kernels, counted by hand: 20 kernels of 1x5x5 + 20 biases,
    # a 10 x (20*12*12) dense layer + 10 biases
    P = 20 * 1 * 5 * 5 + 20 + 10 * 20 * 12 * 12 + 10
    calls = []
    probe = np.zeros(7)
    bp.numerical_gradient(lambda: calls.append(1) or 0.0, probe)
    per_parameter = len(calls) / probe.size  # central differences: how many cost evaluations per parameter
    assert per_parameter == 2
    fb = check("05.fd_passes", int(per_parameter * P))
    assert fb and f"{P:,}" in fb.message
    assert check("05.fd_passes", np.int64(2 * P))
    fb = check("05.fd_passes", P)
    assert not fb and "twice per parameter" in fb.message
    fb = check("05.fd_passes", P + 1)
    assert not fb and "one-sided" in fb.message
    fb = check("05.fd_passes", 2 * (10 * 20 * 144 + 10))
    assert not fb and "missing" in fb.message
    fb = check("05.fd_passes", 2 * (3 * 26 + 10 * 3 * 144 + 10))
    assert not fb and "flattened layer" in fb.message
    fb = check("05.fd_passes", 2 * (20 * 26 + 10 * 3 * 144 + 10))
    assert not fb and "flattened layer" in fb.message
    assert not check("05.fd_passes", 2 * P + 0.5)
    assert not check("05.fd_passes", "lots")
