"""Hypothesis strategies for random layer geometries."""

from __future__ import annotations

from hypothesis import strategies as st


@st.composite
def conv_geometry(draw, max_hw=9):
    """(N, C, H, W, F, KH, KW, stride, padding) with the kernel fitting the padded input."""
    N = draw(st.integers(1, 2))
    C = draw(st.integers(1, 3))
    F = draw(st.integers(1, 3))
    H = draw(st.integers(1, max_hw))
    W = draw(st.integers(1, max_hw))
    p = draw(st.integers(0, 2))
    KH = draw(st.integers(1, min(5, H + 2 * p)))
    KW = draw(st.integers(1, min(5, W + 2 * p)))
    s = draw(st.integers(1, 3))
    return N, C, H, W, F, KH, KW, s, p


@st.composite
def pool_geometry(draw, max_hw=9):
    """(N, C, H, W, (KH, KW), stride-or-None); windows may overlap or leave a remainder."""
    N = draw(st.integers(1, 2))
    C = draw(st.integers(1, 3))
    H = draw(st.integers(1, max_hw))
    W = draw(st.integers(1, max_hw))
    KH = draw(st.integers(1, min(4, H)))
    KW = draw(st.integers(1, min(4, W)))
    stride = draw(st.one_of(st.none(), st.tuples(st.integers(1, 3), st.integers(1, 3))))
    return N, C, H, W, (KH, KW), stride
