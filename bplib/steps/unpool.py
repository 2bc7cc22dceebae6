"""The state sequence of unpooling (S10-S11): each error cell scattered back to its window."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .._checks import as_float_array, check_pair
from .base import Steps, _maps, fmt_number


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
    if not isinstance(mode, str) or mode not in ("max", "avg", "gap"):
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
