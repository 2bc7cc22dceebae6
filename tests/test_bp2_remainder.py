"""BP2 with a stride that does not fit: the rule must add r = (H + 2p - K) mod s rows (PyTorch's output_padding).

The short rule crop_p(conv_full(dilate_s(delta), rot180 W)) is r rows and columns too small; the complete rule pads r
zeros at the bottom and right of the dilated error first. Checked against finite differences, not against bplib's own
backward pass.
"""

import numpy as np
import pytest

import bplib as bp

CASES = [(H, K, s, p) for H in (5, 6, 7, 8) for K in (2, 3) for s in (1, 2, 3) for p in (0, 1) if H + 2 * p >= K]


def _complete_rule(delta, w, H, s, p):
    K = w.shape[-1]
    r = (H + 2 * p - K) % s
    dilated = np.pad(bp.dilate(delta, s), ((0, 0), (0, 0), (0, r), (0, r)))
    full = bp.conv_full(dilated, bp.rot180(w))
    return full[:, :, p : p + H, p : p + H]


@pytest.mark.parametrize("H, K, s, p", CASES)
def test_the_complete_rule_is_the_gradient(H, K, s, p):
    rng = np.random.default_rng(H * 1000 + K * 100 + s * 10 + p)
    x, w = rng.standard_normal((1, 2, H, H)), rng.standard_normal((3, 2, K, K))
    z, _ = bp.conv2d_forward(x, w, None, stride=s, padding=p)
    delta = rng.standard_normal(z.shape)
    numeric = bp.numerical_gradient(lambda: float(np.sum(delta * bp.conv2d_forward(x, w, None, stride=s, padding=p)[0])), x)
    got = _complete_rule(delta, w, H, s, p)
    assert got.shape == x.shape
    assert bp.rel_error(got, numeric) < 1e-8
    assert bp.rel_error(bp.bp2_full_conv(delta, w, stride=s, padding=p, output_hw=(H, H)), numeric) < 1e-8


@pytest.mark.parametrize("H, K, s, p", [c for c in CASES if (c[0] + 2 * c[3] - c[1]) % c[2]])
def test_the_short_rule_misses_r_rows(H, K, s, p):
    r = (H + 2 * p - K) % s
    Ho = (H + 2 * p - K) // s + 1
    short = bp.conv_full(bp.dilate(np.ones((1, 1, Ho, Ho)), s), np.ones((1, 1, K, K)))
    assert short.shape[-1] - 2 * p == H - r
