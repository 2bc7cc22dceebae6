"""The checking tools themselves must be able to fail."""

import numpy as np
import pytest

import bplib as bp


def test_numerical_gradient_of_known_function(rng):
    x = rng.standard_normal((3, 4))
    g = bp.numerical_gradient(lambda: float(np.sum(np.sin(x) * x)), x)
    assert bp.rel_error(g, np.cos(x) * x + np.sin(x)) < 1e-9


def test_numerical_gradient_restores_x(rng):
    x = rng.standard_normal(5)
    before = x.copy()
    bp.numerical_gradient(lambda: float(np.sum(x**3)), x)
    np.testing.assert_array_equal(x, before)


def test_numerical_gradient_catches_a_wrong_gradient(rng):
    """A conv backward with a missing kernel flip is caught: the check can fail."""
    x = rng.standard_normal((1, 1, 6, 6))
    w = rng.standard_normal((1, 1, 3, 3))
    z, cache = bp.conv2d_forward(x, w, None)
    G = rng.standard_normal(z.shape)
    num = bp.numerical_gradient(lambda: float(np.sum(bp.conv2d_forward(x, w, None)[0] * G)), x)
    wrong = bp.conv_full(G, w)  # forgot rot180
    right = bp.conv_full(G, bp.rot180(w))
    assert bp.rel_error(right, num) < 1e-9
    assert bp.rel_error(wrong, num) > 0.1


def test_rel_error():
    assert bp.rel_error(np.zeros(3), np.zeros(3)) == 0.0
    assert bp.rel_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert np.isclose(bp.rel_error([1.0], [-1.0]), 1.0)
    with pytest.raises(ValueError, match="shapes differ"):
        bp.rel_error(np.zeros(3), np.zeros(4))
