"""State sequences that scatter an error map back: unpooling (S10-S11), full convolution (S13).

Pure NumPy; re-exported by bplib.steps, whose docstring describes the common interface.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ._checks import as_float_array, check_int, check_pair
from ._steps_base import Steps, _filled, _maps, fmt_number
from .conv import conv_input_size, dilate, rot180

__all__ = ["UnpoolState", "unpool_steps", "GatherState", "ScatterState", "FullConvState", "full_conv_steps"]


def _scatter_masked(shares, mask, out_shape, size, stride, offset=0):
    """Add shares (C, Ho, Wo, KH*KW) of the windows where mask (C, Ho, Wo) is True onto (C, H, W).

    offset shifts every window (padding); the loop runs over window slots, not pixels.
    """
    (KH, KW), (SH, SW) = size, stride
    C, Ho, Wo = mask.shape
    dx = np.zeros(out_shape)
    hits = np.zeros(out_shape, dtype=int)
    for u in range(KH):
        for v in range(KW):
            rows = slice(offset + u, offset + u + SH * (Ho - 1) + 1, SH)
            cols = slice(offset + v, offset + v + SW * (Wo - 1) + 1, SW)
            part = shares[..., u * KW + v] * mask
            dx[:, rows, cols] += part
            hits[:, rows, cols] += part != 0
    return dx, hits


# --- 2. unpooling (S10-S11) ---------------------------------------------------------------


class UnpoolState(NamedTuple):
    """Error cell dy[c, i, j] sent back through its pooling window (rows top.., cols left..)."""

    k: int
    mode: str  # "max", "avg" or "gap"
    c: int
    i: int
    j: int
    top: int
    left: int
    size: tuple  # (KH, KW); the whole map for "gap"
    window: np.ndarray  # (KH, KW) forward-pass input values in the window
    delta: float  # dy[c, i, j]
    share: np.ndarray  # (KH, KW) what this step adds to each cell of the window
    winner: tuple | None  # (u, v) in the window that gets delta ("max" only)
    ties: tuple  # every (u, v) holding the window's maximum ("max" only)
    dx_so_far: np.ndarray  # (C, H, W) the unpooled error so far
    hits: np.ndarray  # (C, H, W) how many windows have sent a nonzero share to each cell
    note: str

    @property
    def so_far(self) -> np.ndarray:
        return self.dx_so_far


def unpool_steps(x, dy, mode: str = "max", size=2, stride=None) -> Steps:
    """Each error cell travels back through its pooling window, one cell per step.

    x (H, W) or (C, H, W) the pooling layer's input (its maxima decide where "max" sends
    the error), dy (Ho, Wo) or (C, Ho, Wo) the error after pooling; for mode="gap", dy is
    one number per channel (C,). n_steps = C*Ho*Wo ("gap": C). The last dx_so_far equals
    maxpool2d_backward / avgpool2d_backward / global_avgpool_backward for one image.
    """
    fn = "unpool_steps"
    if mode not in ("max", "avg", "gap"):
        raise ValueError(f"{fn}: mode must be 'max', 'avg' or 'gap', got {mode!r}")
    x = _maps(x, "x", fn, "(C, H, W)")
    C, H, W = x.shape
    if mode == "gap":
        dy = as_float_array(dy, "dy", fn)
        if dy.size != C or dy.ndim > 1:
            raise ValueError(f"{fn}: for mode='gap' dy must hold one number per channel, shape ({C},), got dy.shape={dy.shape}")
        (KH, KW), (SH, SW), (Ho, Wo) = (H, W), (H, W), (1, 1)
        dy = dy.reshape(C, 1, 1)
    else:
        KH, KW = check_pair(size, "size", fn, 1)
        SH, SW = check_pair(stride if stride is not None else (KH, KW), "stride", fn, 1)
        if KH > H or KW > W:
            raise ValueError(f"{fn}: pool window {KH}x{KW} is larger than the input map {H}x{W} (x.shape={x.shape})")
        Ho, Wo = (H - KH) // SH + 1, (W - KW) // SW + 1
        dy = _maps(dy, "dy", fn, "(C, Ho, Wo)")
        if dy.shape != (C, Ho, Wo):
            raise ValueError(
                f"{fn}: dy.shape={dy.shape} does not match the pooling output {(C, Ho, Wo)} of x.shape={x.shape} "
                f"with a {KH}x{KW} window, stride {(SH, SW)}"
            )
    windows = sliding_window_view(x, (KH, KW), axis=(1, 2))[:, : SH * (Ho - 1) + 1 : SH, : SW * (Wo - 1) + 1 : SW]
    flat = windows.reshape(C, Ho, Wo, KH * KW)
    if mode == "max":
        arg = flat.argmax(axis=-1)  # the first maximum in row-major window order: PyTorch's tie rule
        shares = np.where(arg[..., None] == np.arange(KH * KW), dy[..., None], 0.0)
    else:
        shares = np.broadcast_to(dy[..., None] / (KH * KW), flat.shape)
    n = C * Ho * Wo

    def make(k):
        c, i, j = (int(t) for t in np.unravel_index(k, (C, Ho, Wo)))
        mask = (np.arange(n) <= k).reshape(C, Ho, Wo)
        dx, hits = _scatter_masked(shares, mask, (C, H, W), (KH, KW), (SH, SW))
        window, d = windows[c, i, j], float(dy[c, i, j])
        share = shares[c, i, j].reshape(KH, KW).copy()
        winner, ties = None, ()
        if mode == "max":
            winner = divmod(int(arg[c, i, j]), KW)
            ties = tuple(tuple(int(t) for t in ix) for ix in np.argwhere(window == window.max()))
            if len(ties) > 1:
                note = (f"tie: {len(ties)} cells hold the maximum {fmt_number(window.max())}; the first in row-major "
                        f"window order, {winner}, wins (as in PyTorch) and gets δ = {fmt_number(d)}")
            else:
                note = f"the maximum {fmt_number(window.max())} sits at {winner} of the window: it gets δ = {fmt_number(d)}"
        else:
            note = f"each of the {KH * KW} cells gets δ/{KH * KW} = {fmt_number(d)}/{KH * KW} = {fmt_number(d / (KH * KW))}"
        top, left = i * SH, j * SW
        again = int(((hits[c, top : top + KH, left : left + KW] > 1) & (share != 0)).sum())
        if again:
            note += f"; overlap: {again} cell(s) already held a share, and the shares add up"
        return UnpoolState(k, mode, c, i, j, top, left, (KH, KW), window.copy(), d, share, winner, ties, dx, hits, note)

    return Steps(fn, n, make, x=x, dy=dy, mode=mode, size=(KH, KW), stride=(SH, SW))


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
    H, W = conv_input_size((Ho, Wo), (KH, KW), s, p, None if input_hw is None else tuple(input_hw), fn, "input_hw")
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
