"""Dropout, channel dropout, DropBlock: masks, scaling, gradients (S15)."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from oracle import check_op

import bplib.regularize as R


def _with_fixed_mask(forward_with_rng, seed):
    """The forward pass as a function of x alone (the same mask on every call), plus torch's twin."""
    mask_cache = {}

    def forward(x):
        y, cache = forward_with_rng(x, np.random.default_rng(seed))
        mask_cache["c"] = cache
        return y, cache

    def torch_forward(xt):
        c = mask_cache["c"]
        return xt * torch.tensor(c.mask) * c.scale

    return forward, torch_forward


@pytest.mark.parametrize(
    "make",
    [
        lambda x, rng: R.dropout_forward(x, 0.3, rng),
        lambda x, rng: R.channel_dropout_forward(x, 0.5, rng),
        lambda x, rng: R.dropblock_forward(x, 3, 0.2, rng),
    ],
    ids=["dropout", "channel", "dropblock"],
)
@given(seed=st.integers(0, 2**31))
def test_backward_against_torch_and_finite_differences(make, seed):
    rng = np.random.default_rng(seed)
    forward, torch_forward = _with_fixed_mask(make, seed)
    check_op(forward, R.drop_backward, torch_forward, [rng.standard_normal((2, 3, 7, 6))], rng)


def test_dropout_keeps_the_expected_value():
    x = np.ones((200, 200))
    y, cache = R.dropout_forward(x, 0.25, np.random.default_rng(0))
    assert abs(cache.mask.mean() - 0.75) < 0.01
    assert abs(y.mean() - 1.0) < 0.015
    assert set(np.unique(y)) == {0.0, 1 / 0.75}


def test_channel_dropout_drops_whole_maps():
    y, cache = R.channel_dropout_forward(np.ones((8, 16, 5, 5)), 0.5, np.random.default_rng(1))
    per_map = cache.mask.reshape(8, 16, -1)
    assert np.all(per_map.min(axis=2) == per_map.max(axis=2))  # each map all kept or all dropped
    assert 0 < cache.mask.mean() < 1


def test_dropblock_drops_whole_blocks_at_about_rate_p():
    k = 3
    mask = R.dropblock_mask((4, 16, 32, 32), k, 0.1, np.random.default_rng(2))
    dropped = mask == 0
    assert abs(dropped.mean() - 0.1) < 0.02
    # every dropped pixel lies inside a fully dropped k x k square
    full = np.zeros_like(dropped)
    for u in range(k):
        for v in range(k):
            full[:, :, u:u + 30, v:v + 30] |= np.all(
                [dropped[:, :, a:a + 30, b:b + 30] for a in range(k) for b in range(k)], axis=0)
    assert np.array_equal(full, dropped)


def test_dropblock_rescales_by_the_kept_fraction():
    x = np.ones((2, 2, 10, 10))
    y, cache = R.dropblock_forward(x, 2, 0.3, np.random.default_rng(3))
    assert np.isclose(y.sum(), x.sum())


def test_eval_mode_is_identity():
    x = np.random.default_rng(0).standard_normal((2, 3, 6, 6))
    for f in (lambda: R.dropout_forward(x, 0.5, np.random.default_rng(0), training=False),
              lambda: R.channel_dropout_forward(x, 0.5, np.random.default_rng(0), training=False),
              lambda: R.dropblock_forward(x, 3, 0.5, np.random.default_rng(0), training=False)):
        y, cache = f()
        np.testing.assert_array_equal(y, x)
        np.testing.assert_array_equal(R.drop_backward(np.ones_like(x), cache), np.ones_like(x))


def test_same_seed_same_mask():
    x = np.ones((2, 3, 8, 8))
    a = R.dropblock_forward(x, 3, 0.2, np.random.default_rng(7))[1].mask
    b = R.dropblock_forward(x, 3, 0.2, np.random.default_rng(7))[1].mask
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "call, exc, message",
    [
        (lambda: R.dropout_forward(np.ones(3), 1.0, np.random.default_rng()), ValueError, r"p must be a number in \[0, 1\), got p=1.0"),
        (lambda: R.dropout_forward(np.ones(3), -0.1, np.random.default_rng()), ValueError, r"\[0, 1\)"),
        (lambda: R.dropout_forward(np.ones(3), 0.5, 42), TypeError, r"rng must be a numpy Generator"),
        (lambda: R.channel_dropout_forward(np.ones((3, 3)), 0.5, np.random.default_rng()), ValueError, r"4-D"),
        (lambda: R.dropblock_forward(np.ones((1, 1, 4, 4)), 5, 0.1, np.random.default_rng()), ValueError,
         r"block_size 5 is larger than the map 4x4"),
        (lambda: R.drop_backward(np.ones((2, 2)), R.dropout_forward(np.ones((2, 3)), 0.5, np.random.default_rng())[1]),
         ValueError, r"dy.shape=\(2, 2\) != the forward shape \(2, 3\)"),
    ],
)
def test_clear_errors(call, exc, message):
    with pytest.raises(exc, match=message):
        call()
