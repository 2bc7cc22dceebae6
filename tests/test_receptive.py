"""Receptive fields: the closed form agrees with tracing nonzero gradients (S15)."""

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from bplib.receptive import Layer, feature_sizes, receptive_fields, trace_receptive_field


@st.composite
def stacks(draw):
    layers = []
    for _ in range(draw(st.integers(1, 4))):
        if draw(st.booleans()):
            layers.append(Layer("conv", draw(st.integers(1, 5)), draw(st.integers(1, 2)), draw(st.integers(0, 2))))
        else:
            layers.append(Layer("pool", draw(st.integers(1, 3)), draw(st.integers(1, 3))))
    return layers


@given(stacks(), st.integers(12, 40), st.data())
def test_closed_form_equals_gradient_trace(layers, size, data):
    try:
        sizes = feature_sizes(layers, size)
    except ValueError:
        assume(False)
    depth = data.draw(st.integers(1, len(layers)))
    i = data.draw(st.integers(0, sizes[depth] - 1))
    j = data.draw(st.integers(0, sizes[depth] - 1))
    rf = receptive_fields(layers)[depth]
    mask = trace_receptive_field(layers, size, depth, (i, j))
    box = np.zeros_like(mask)  # the closed form's extent, clipped to the real (unpadded) input
    lo_i, lo_j = (rf.start + idx * rf.jump - (rf.size - 1) / 2 for idx in (i, j))
    assert lo_i == int(lo_i) and lo_j == int(lo_j)
    box[max(int(lo_i), 0):max(int(lo_i) + rf.size, 0), max(int(lo_j), 0):max(int(lo_j) + rf.size, 0)] = True
    if all(layer.kernel >= layer.stride for layer in layers[:depth]):
        assert np.array_equal(mask, box)  # exactly the rectangle (empty if the neuron sees only padding)
    else:
        assert not np.any(mask & ~box)  # a kernel smaller than its stride skips pixels: holes inside the extent


def test_article_network_and_a_deeper_stack():
    article = [Layer("conv", 5), Layer("pool", 2, 2)]
    assert [rf.size for rf in receptive_fields(article)] == [1, 5, 6]
    vgg_like = [Layer("conv", 3, 1, 1), Layer("conv", 3, 1, 1), Layer("pool", 2, 2)] * 3
    sizes = [rf.size for rf in receptive_fields(vgg_like)]
    # by hand: 3, 5, pool 6 (j=2), 10, 14, pool 16 (j=4), 24, 32, pool 36 (j=8)
    assert sizes[1:] == [3, 5, 6, 10, 14, 16, 24, 32, 36]
    assert feature_sizes(vgg_like, 32)[-1] == 4


def test_errors():
    with pytest.raises(ValueError, match="kind must be 'conv' or 'pool'"):
        receptive_fields([Layer("dense", 3)])
    with pytest.raises(ValueError, match=r"layer 2 \(conv 5x5\) does not fit a 4x4 map"):
        feature_sizes([Layer("pool", 2, 2), Layer("conv", 5)], 8)
    with pytest.raises(ValueError, match=r"outside the 4x4 map"):
        trace_receptive_field([Layer("pool", 2, 2)], 8, 1, (4, 0))
