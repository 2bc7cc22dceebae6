"""State sequences of the forward convolution (S1-S2) and of its weight gradient (S12)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .._checks import QUIET, check_alloc, check_int, check_pair, finite_result, nbytes
from ..conv import conv_output_size
from .base import Steps, _filled, _maps, _scalar

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
    check_alloc(fn, nbytes((C, H + 2 * p, W + 2 * p)) * 2 + nbytes((Ho, Wo)) * 4, f"padding x.shape={x.shape} by {p}")
    xp = np.pad(x, ((0, 0), (p, p), (p, p)))
    windows = sliding_window_view(xp, (KH, KW), axis=(1, 2))[:, : s * (Ho - 1) + 1 : s, : s * (Wo - 1) + 1 : s]
    check_alloc(fn, nbytes((C, Ho, Wo, KH, KW)) * 2, f"the {C}x{Ho}x{Wo}x{KH}x{KW} products of every step")
    with np.errstate(**QUIET):  # an overflow to inf is refused just below, not left as a warning
        products = windows * w[:, None, None]  # (C, Ho, Wo, KH, KW): every term of every sum
        channel_sums = products.sum(axis=(3, 4))  # (C, Ho, Wo)
        z = channel_sums.sum(axis=0) + b
    finite_result(fn, products, channel_sums, z)

    def make(k):
        i, j = divmod(k, Wo)
        return SlidingKernelState(
            k, i, j, i * s, j * s, windows[:, i, j].copy(), products[:, i, j].copy(),
            channel_sums[:, i, j].copy(), b, float(z[i, j]), _filled(z, k),
        )

    return Steps(fn, Ho * Wo, make, x=x, x_padded=xp, w=w, b=b, stride=s, padding=p, output=z, products=products)


# --- 3. the weight gradient: the pen on the paper (S12) -----------------------------------


class WeightGradState(NamedTuple):
    """dC/dW[f, c, u, v]: the pen fixed at kernel position (u, v); delta[f] slides over a0[c].

    As the kernel (the article's square of paper) visits every output cell (i, j), the pen
    stuck through it at (u, v) sits on a0[c, u + s*i, v + s*j]: its track is the footprint,
    and delta[f] laid on that track gives the products whose sum is dW[f, c, u, v].
    """

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
    stride: int = 1  # the pen's track takes every stride-th pixel of a0

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
    check_alloc(fn, nbytes((C, H + 2 * p, W + 2 * p)) + nbytes((F, C, KH, KW)) * 3, f"padding a0.shape={a0.shape} by {p}")
    a0p = np.pad(a0, ((0, 0), (p, p), (p, p)))
    # footprints[c, u, v] = the pen's track for kernel position (u, v): the a0 pixels under delta's cells
    footprints = sliding_window_view(a0p, (s * (Ho - 1) + 1, s * (Wo - 1) + 1), axis=(1, 2))[:, :KH, :KW, ::s, ::s]
    with np.errstate(**QUIET):  # an overflow to inf is refused just below; if dw is finite, so is every product
        dw = np.einsum("fij,cuvij->fcuv", delta, footprints)  # each entry: the sum of one products map
        db = delta.sum(axis=(1, 2))
        # the drawing's colour scale multiplies every delta with every pen track: those products must be finite too
        biggest = np.abs(delta).max(initial=0.0) * np.abs(a0).max(initial=0.0)
    finite_result(fn, dw, db, np.asarray(biggest))

    def make(k):
        f, c, u, v = np.unravel_index(k, (F, C, KH, KW))
        products = delta[f] * footprints[c, u, v]
        return WeightGradState(
            k, int(f), int(c), int(u), int(v), footprints[c, u, v].copy(), products,
            float(products.sum()), _filled(dw, k), db.copy(), s,
        )

    return Steps(fn, F * C * KH * KW, make, a0=a0, a0_padded=a0p, delta=delta, stride=s, padding=p,
                 kernel_size=(KH, KW), footprints=footprints, dw=dw, db=db)
