"""The animations' state sequences: step k -> window, products, partial sums, map so far.

Pure NumPy, no drawing. Each ``*_steps`` function checks its input and returns a
sequence: ``len(seq)`` (also ``seq.n_steps``) steps, ``seq[k]`` (or ``seq.state(k)``) a
NamedTuple whose ``so_far`` is the result assembled after step k. These are the
article's sums taken one term at a time (teaching code); the tests check that the last
step equals the core's ``conv2d_forward`` / ``conv2d_backward`` / unpooling.

Input maps are kept 3-D (C, H, W) even for one channel. A computed map's cell that no
step has reached yet holds NaN; an accumulator that nothing has reached yet holds 0.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ._checks import as_float_array, check_int, check_pair
from ._steps_base import Steps, _filled, _maps, _scalar
from .conv import conv_output_size, rot180
from .steps_backward import FullConvState, UnpoolState, full_conv_steps, unpool_steps

__all__ = [
    "Steps",
    "SlidingKernelState",
    "sliding_kernel_steps",
    "WeightGradState",
    "weight_grad_steps",
    "Rot180State",
    "rot180_steps",
    "UnpoolState",
    "unpool_steps",
    "FullConvState",
    "full_conv_steps",
]


# --- 1. the sliding kernel (S1-S2) --------------------------------------------------------


class SlidingKernelState(NamedTuple):
    """Output cell (i, j) of a one-kernel convolution; rows/cols of the window in the padded input."""

    k: int
    i: int
    j: int
    top: int  # window rows top .. top+KH-1 of the padded input
    left: int
    window: np.ndarray  # (C, KH, KW) input values under the kernel
    products: np.ndarray  # (C, KH, KW) = w * window
    channel_sums: np.ndarray  # (C,) one 2-D partial sum per input channel
    bias: float
    value: float  # channel_sums.sum() + bias = z[i, j]
    map_so_far: np.ndarray  # (Ho, Wo); NaN where the kernel has not been yet

    @property
    def so_far(self) -> np.ndarray:
        return self.map_so_far


def sliding_kernel_steps(x, w, b=0.0, stride: int = 1, padding: int = 0) -> Steps:
    """One kernel slides over the (padded) input, one output cell per step.

    x (H, W) or (C, H, W), w (KH, KW) or (C, KH, KW) with kernel depth C, b a number.
    n_steps = Ho*Wo, cells in row-major order; the last map_so_far equals
    conv2d_forward(x[None], w[None], [b], stride, padding)[0][0, 0].
    """
    fn = "sliding_kernel_steps"
    x = _maps(x, "x", fn, "(C, H, W)")
    w = _maps(w, "w", fn, "(C, KH, KW)")
    s = check_int(stride, "stride", fn, 1)
    p = check_int(padding, "padding", fn, 0)
    b = _scalar(b, "b", fn)
    C, H, W = x.shape
    if w.shape[0] != C:
        raise ValueError(
            f"{fn}: kernel depth {w.shape[0]} != input channels {C} (w.shape={w.shape}, x.shape={x.shape}); "
            "a kernel's depth must equal the number of input channels"
        )
    KH, KW = w.shape[1:]
    if KH > H + 2 * p or KW > W + 2 * p:
        raise ValueError(f"{fn}: kernel {KH}x{KW} is larger than the padded input {H + 2 * p}x{W + 2 * p} (x.shape={x.shape})")
    Ho, Wo = conv_output_size(H, KH, s, p), conv_output_size(W, KW, s, p)
    xp = np.pad(x, ((0, 0), (p, p), (p, p)))
    windows = sliding_window_view(xp, (KH, KW), axis=(1, 2))[:, : s * (Ho - 1) + 1 : s, : s * (Wo - 1) + 1 : s]
    products = windows * w[:, None, None]  # (C, Ho, Wo, KH, KW): every term of every sum
    channel_sums = products.sum(axis=(3, 4))  # (C, Ho, Wo)
    z = channel_sums.sum(axis=0) + b

    def make(k):
        i, j = divmod(k, Wo)
        return SlidingKernelState(
            k, i, j, i * s, j * s, windows[:, i, j].copy(), products[:, i, j].copy(),
            channel_sums[:, i, j].copy(), b, float(z[i, j]), _filled(z, k),
        )

    return Steps(fn, Ho * Wo, make, x=x, x_padded=xp, w=w, b=b, stride=s, padding=p, output=z, products=products)


# --- 3. the weight gradient: the pen on the paper (S12) -----------------------------------


class WeightGradState(NamedTuple):
    """dC/dW[f, c, u, v]: the error map delta[f] laid on a0[c] at offset (u, v)."""

    k: int
    f: int
    c: int
    u: int
    v: int
    footprint: np.ndarray  # (Ho, Wo) the a0 values under delta: a0p[c, u + i*s, v + j*s]
    products: np.ndarray  # (Ho, Wo) = delta[f] * footprint
    value: float  # products.sum() = dW[f, c, u, v]
    dw_so_far: np.ndarray  # (F, C, KH, KW); NaN where not computed yet
    db: np.ndarray  # (F,) the bias gradient: the sum of each error map

    @property
    def so_far(self) -> np.ndarray:
        return self.dw_so_far


def weight_grad_steps(a0, delta, kernel_size, stride: int = 1, padding: int = 0) -> Steps:
    """The error map slides over the input; one kernel weight's gradient per step.

    a0 (H, W) or (C, H, W) the layer input, delta (Ho, Wo) or (F, Ho, Wo) = dC/dz,
    kernel_size KH or (KH, KW). n_steps = F*C*KH*KW in (f, c, u, v) order; the last
    dw_so_far and db equal conv2d_backward's dw, db for one image.
    """
    fn = "weight_grad_steps"
    a0 = _maps(a0, "a0", fn, "(C, H, W)")
    delta = _maps(delta, "delta", fn, "(F, Ho, Wo)")
    KH, KW = check_pair(kernel_size, "kernel_size", fn, 1)
    s = check_int(stride, "stride", fn, 1)
    p = check_int(padding, "padding", fn, 0)
    C, H, W = a0.shape
    F, Ho, Wo = delta.shape
    if KH > H + 2 * p or KW > W + 2 * p:
        raise ValueError(f"{fn}: kernel {KH}x{KW} is larger than the padded input {H + 2 * p}x{W + 2 * p} (a0.shape={a0.shape})")
    want = (conv_output_size(H, KH, s, p), conv_output_size(W, KW, s, p))
    if (Ho, Wo) != want:
        raise ValueError(
            f"{fn}: delta maps are {Ho}x{Wo} but a {KH}x{KW} kernel with stride {s}, padding {p} on "
            f"a0.shape={a0.shape} gives {want[0]}x{want[1]} (delta.shape={delta.shape})"
        )
    a0p = np.pad(a0, ((0, 0), (p, p), (p, p)))
    # footprints[c, u, v] = the a0 pixels that delta's cells sit on when the pen is at (u, v)
    footprints = sliding_window_view(a0p, (s * (Ho - 1) + 1, s * (Wo - 1) + 1), axis=(1, 2))[:, :KH, :KW, ::s, ::s]
    dw = np.einsum("fij,cuvij->fcuv", delta, footprints)  # each entry: the sum of one products map
    db = delta.sum(axis=(1, 2))

    def make(k):
        f, c, u, v = np.unravel_index(k, (F, C, KH, KW))
        products = delta[f] * footprints[c, u, v]
        return WeightGradState(
            k, int(f), int(c), int(u), int(v), footprints[c, u, v].copy(), products,
            float(products.sum()), _filled(dw, k), db.copy(),
        )

    return Steps(fn, F * C * KH * KW, make, a0=a0, a0_padded=a0p, delta=delta, stride=s, padding=p,
                 kernel_size=(KH, KW), footprints=footprints, dw=dw, db=db)


# --- 4. rot180 (S13) ----------------------------------------------------------------------


class Rot180State(NamedTuple):
    """Where each weight w[u, v] sits at this frame, and what the grid reads when aligned."""

    k: int
    mode: str  # "rotate" or "mirror"
    angle: float  # degrees turned so far (rotate mode)
    scale: tuple  # (row scale, col scale): -1 once that mirror flip is done
    pos: np.ndarray  # (KH, KW, 2) current (row, col) centre of weight w[u, v]
    labels: tuple  # labels[u][v]: the index label that w[u, v] carries
    grid: np.ndarray | None  # (KH, KW) the kernel as it reads on the grid, None mid-move
    phase: str

    @property
    def so_far(self):
        return self.grid


def rot180_steps(w, mode: str = "rotate", frames: int = 6) -> Steps:
    """The kernel turning 180 degrees, or flipped upside down and then left-right.

    w (KH, KW). mode="rotate": frames+1 steps, angle 0 .. 180; mode="mirror": 2*frames+1
    steps, the row flip then the column flip. The last grid equals rot180(w); weight
    w[u, v] ends at (KH-1-u, KW-1-v) and its label says so.
    """
    fn = "rot180_steps"
    w = as_float_array(w, "w", fn)
    if w.ndim != 2:
        raise ValueError(f"{fn}: w must be one 2-D kernel (KH, KW), got w.shape={w.shape}; pick one, e.g. w[0, 0]")
    if mode not in ("rotate", "mirror"):
        raise ValueError(f"{fn}: mode must be 'rotate' or 'mirror', got {mode!r}")
    frames = check_int(frames, "frames", fn, 1)
    KH, KW = w.shape
    uu, vv = np.meshgrid(np.arange(KH), np.arange(KW), indexing="ij")
    du, dv = uu - (KH - 1) / 2, vv - (KW - 1) / 2
    n = frames + 1 if mode == "rotate" else 2 * frames + 1

    def make(k):
        if mode == "rotate":
            angle, sr, sc = 180.0 * k / frames, 1.0, 1.0
            phase = f"turned {angle:.0f}° of 180°"
        else:
            angle = 0.0
            t1, t2 = min(k, frames) / frames, max(k - frames, 0) / frames
            sr, sc = float(np.cos(np.pi * t1)), float(np.cos(np.pi * t2))
            phase = "flip rows (upside down)" if k <= frames else "flip columns (left-right)"
        th = np.deg2rad(angle)
        # counter-clockwise on screen, where rows grow downwards
        r, q = du * sr, dv * sc
        pos = np.stack([r * np.cos(th) - q * np.sin(th) + (KH - 1) / 2, q * np.cos(th) + r * np.sin(th) + (KW - 1) / 2], axis=-1)
        pos = np.where(np.abs(pos - np.round(pos)) < 1e-9, np.round(pos), pos)
        aligned = np.allclose(pos, np.round(pos))
        grid = None
        if aligned:
            grid = np.empty_like(w)
            grid[pos[..., 0].astype(int), pos[..., 1].astype(int)] = w
        done = k == n - 1
        arrows = done and KW <= 3  # wider kernels: "(u,v)→(u',v')" no longer fits a cell; the header says it
        labels = tuple(
            tuple(f"({u},{v})→({KH - 1 - u},{KW - 1 - v})" if arrows else f"({u},{v})" for v in range(KW)) for u in range(KH)
        )
        return Rot180State(k, mode, angle, (sr, sc), pos, labels, grid, "rot180(W): done" if done else phase)

    return Steps(fn, n, make, w=w, mode=mode, frames=frames, flipped=rot180(w))


