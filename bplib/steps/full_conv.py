"""The state sequence of the full-convolution backprop (S13): gather and scatter, one answer."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .._checks import as_float_array, check_alloc, check_int, nbytes
from ..conv import conv_input_size, dilate, rot180
from .base import Steps, _filled, _maps
from .unpool import _scatter_masked

# --- 5. the full-convolution backprop (S13): two views, one answer ------------------------


class GatherState(NamedTuple):
    """dx[c, r, q] as the flipped kernels slide over the zero-padded (and dilated) error maps."""

    k: int
    c: int
    r: int
    q: int
    top: int  # window rows top .. top+KH-1 of steps.padded
    left: int
    windows: np.ndarray  # (F, KH, KW) padded-delta values under the flipped kernels
    flipped: np.ndarray  # (F, KH, KW) rot180(w)[:, c]
    products: np.ndarray  # (F, KH, KW)
    per_map: np.ndarray  # (F,) one partial sum per output channel (error map)
    value: float  # per_map.sum() = dx[c, r, q]
    dx_so_far: np.ndarray  # (C, H, W); NaN where not computed yet


class ScatterState(NamedTuple):
    """Error cell delta[f, i, j] adds delta * w[f] onto the input gradient at (top, left)."""

    k: int
    f: int
    i: int
    j: int
    top: int  # in dx coordinates; negative or past the edge where padding crops the copy
    left: int
    delta: float
    contribution: np.ndarray  # (C, KH, KW) = delta * w[f]
    dx_so_far: np.ndarray  # (C, H, W)


class FullConvState(NamedTuple):
    """Both views at step k; they finish together with the same dx."""

    k: int
    gather: GatherState
    scatter: ScatterState

    @property
    def so_far(self) -> np.ndarray:
        return self.gather.dx_so_far


def full_conv_steps(delta, w, stride: int = 1, padding: int = 0, input_hw=None) -> Steps:
    """The input gradient of a convolution built two ways: gather (BP2) and scatter.

    delta (Ho, Wo) or (F, Ho, Wo) = dC/dz, w (KH, KW), (F, KH, KW) or (F, C, KH, KW).
    Gather: dx[c] = crop_p(conv_full(dilate_s(delta), rot180(w)))[c], one cell per step;
    scatter: each delta[f, i, j] adds delta * w[f] at (i*s - p, j*s - p), one per step.
    input_hw (H, W) defaults to ((Ho-1)*s - 2p + KH, ...). n_steps = max(C*H*W, F*Ho*Wo):
    both views advance in proportion and end on conv2d_backward's dx for one image.
    """
    fn = "full_conv_steps"
    delta = _maps(delta, "delta", fn, "(F, Ho, Wo)")
    w = as_float_array(w, "w", fn)
    if w.ndim in (2, 3):
        w = w.reshape((-1, 1) + w.shape[-2:])
    if w.ndim != 4:
        raise ValueError(f"{fn}: w must be (KH, KW), (F, KH, KW) or (F, C, KH, KW), got w.shape={w.shape}")
    s = check_int(stride, "stride", fn, 1)
    p = check_int(padding, "padding", fn, 0)
    F, Ho, Wo = delta.shape
    _, C, KH, KW = w.shape
    if w.shape[0] != F:
        raise ValueError(
            f"{fn}: delta has {F} error maps but w has {w.shape[0]} kernels (delta.shape={delta.shape}, w.shape={w.shape})"
        )
    H, W = conv_input_size((Ho, Wo), (KH, KW), s, p, input_hw, fn, "input_hw")
    check_alloc(fn, nbytes((C, F, H + 2 * p + KH, W + 2 * p + KW)) * 3, f"the gather and scatter maps of a {H}x{W} input")
    flipped = rot180(w)
    d = dilate(delta, s)  # (F, (Ho-1)*s+1, (Wo-1)*s+1)
    Hfull, Wfull = d.shape[1] + KH - 1, d.shape[2] + KW - 1  # the full convolution's size
    # pad by K-1 (the full convolution), plus zeros below/right for input rows no window reached
    padded = np.pad(d, ((0, 0), (KH - 1, KH - 1 + max(0, H + p - Hfull)), (KW - 1, KW - 1 + max(0, W + p - Wfull))))
    win = sliding_window_view(padded, (KH, KW), axis=(1, 2))[:, p : p + H, p : p + W]  # (F, H, W, KH, KW)
    per_map = np.einsum("fhwuv,fcuv->cfhw", win, flipped)
    gathered = per_map.sum(axis=1)  # (C, H, W)
    n_g, n_s = C * H * W, F * Ho * Wo
    n = max(n_g, n_s)
    Hq, Wq = max(H + 2 * p, Hfull), max(W + 2 * p, Wfull)  # the padded input, as far as any window reaches

    def make(k):
        kg, ks = ((k + 1) * n_g + n - 1) // n - 1, ((k + 1) * n_s + n - 1) // n - 1
        c, r, q = (int(t) for t in np.unravel_index(kg, (C, H, W)))
        products = win[:, r, q] * flipped[:, c]
        gather = GatherState(kg, c, r, q, r + p, q + p, win[:, r, q].copy(), flipped[:, c].copy(), products,
                             per_map[c, :, r, q].copy(), float(gathered[c, r, q]), _filled(gathered, kg))
        f, i, j = (int(t) for t in np.unravel_index(ks, (F, Ho, Wo)))
        mask = (np.arange(n_s) <= ks).reshape(F, Ho, Wo)
        # each masked delta cell hands delta * w[f, :, u, v] to the pixel under tap (u, v)
        shares = np.einsum("fij,fcuv->cijuv", delta * mask, w).reshape(C, Ho, Wo, KH * KW)
        full, _ = _scatter_masked(shares, np.ones((C, Ho, Wo), bool), (C, Hq, Wq), (KH, KW), (s, s))
        scatter = ScatterState(ks, f, i, j, i * s - p, j * s - p, float(delta[f, i, j]), delta[f, i, j] * w[f],
                               full[:, p : p + H, p : p + W].copy())
        return FullConvState(k, gather, scatter)

    return Steps(fn, n, make, delta=delta, w=w, flipped=flipped, padded=padded, stride=s, padding=p,
                 input_hw=(H, W), output=gathered)
