"""The convolution layer: forward, backward, and the two ways to read its backward pass.

All image tensors are NCHW. "Convolution" here is cross-correlation (no kernel flip),
as in PyTorch and in the article's formula

    z[n, f, i, j] = sum_{c,u,v} w[f, c, u, v] * x[n, c, i*s + u - p, j*s + v - p] + b[f]

Output size along one axis: Ho = (H + 2p - KH) // s + 1.
"""

from __future__ import annotations

import threading
from typing import NamedTuple

import numpy as np

from ._checks import as_float_array, check_int

__all__ = [
    "ConvCache",
    "conv_output_size",
    "conv_input_size",
    "conv2d_forward",
    "conv2d_backward",
    "conv_transpose2d",
    "rot180",
    "dilate",
    "conv_full",
    "bp2_full_conv",
    "conv2d_forward_loops",
    "conv2d_backward_loops",
]


def conv_output_size(size: int, kernel: int, stride: int = 1, padding: int = 0) -> int:
    """Output length along one axis: (size + 2*padding - kernel) // stride + 1."""
    return (size + 2 * padding - kernel) // stride + 1


def conv_input_size(out_hw, kernel_hw, stride: int, padding: int, input_hw=None, fn="conv_input_size", name="input_hw"):
    """The input size (H, W) that a convolution maps to out_hw; input_hw checks or picks one.

    Default: H = (Ho - 1)*stride - 2*padding + KH. With stride > 1 several sizes give the
    same Ho; a given input_hw is checked to be one of them (ValueError otherwise).
    """
    (Ho, Wo), (KH, KW), s, p = out_hw, kernel_hw, stride, padding
    if input_hw is None:
        H, W = (Ho - 1) * s - 2 * p + KH, (Wo - 1) * s - 2 * p + KW
        if H < 1 or W < 1:
            raise ValueError(f"{fn}: padding {p} is too large for a {Ho}x{Wo} output of a {KH}x{KW} kernel")
        return H, W
    if not isinstance(input_hw, (tuple, list)) or len(input_hw) != 2:
        raise ValueError(f"{fn}: {name} must be a pair (H, W), got {input_hw!r}")
    H, W = (check_int(v, name, fn, 1) for v in input_hw)
    if (conv_output_size(H, KH, s, p), conv_output_size(W, KW, s, p)) != (Ho, Wo) or KH > H + 2 * p or KW > W + 2 * p:
        raise ValueError(
            f"{fn}: {name}={(H, W)} is not an input size that a {KH}x{KW} "
            f"convolution with stride {s}, padding {p} maps to {Ho}x{Wo}"
        )
    return H, W


class ConvCache(NamedTuple):
    """What conv2d_forward keeps for the backward pass."""

    x_shape: tuple  # (N, C, H, W) of the unpadded input
    xp: np.ndarray  # (N, C, H + 2p, W + 2p): the zero-padded input
    w: np.ndarray  # (F, C, KH, KW)
    stride: int
    padding: int

    def __repr__(self) -> str:
        return (
            f"ConvCache(x_shape={self.x_shape}, xp.shape={self.xp.shape}, "
            f"w.shape={self.w.shape}, stride={self.stride}, padding={self.padding})"
        )


def _check_conv(x, w, b, stride, padding, fn="conv2d_forward"):
    x = as_float_array(x, "x", fn, ndim=4)
    w = as_float_array(w, "w", fn, ndim=4)
    stride = check_int(stride, "stride", fn, 1)
    padding = check_int(padding, "padding", fn, 0)
    N, C, H, W = x.shape
    F, Cw, KH, KW = w.shape
    if Cw != C:
        raise ValueError(
            f"{fn}: kernel depth {Cw} != input channels {C} "
            f"(w.shape={w.shape}, x.shape={x.shape}); a kernel's depth must equal the "
            "number of input channels"
        )
    if KH > H + 2 * padding or KW > W + 2 * padding:
        raise ValueError(
            f"{fn}: kernel {KH}x{KW} is larger than the padded input "
            f"{H + 2 * padding}x{W + 2 * padding} (x.shape={x.shape}, w.shape={w.shape}, "
            f"padding={padding})"
        )
    if b is not None:
        b = as_float_array(b, "b", fn, ndim=1)
        if b.shape[0] != F:
            raise ValueError(
                f"{fn}: bias length {b.shape[0]} != number of kernels {F} "
                f"(b.shape={b.shape}, w.shape={w.shape})"
            )
    return x, w, b, stride, padding


# --- The fast path ------------------------------------------------------------------------
# im2col + one matrix product per chunk of images. Chunks keep each im2col matrix about
# a megabyte, so it stays in cache between being written and being multiplied, and the
# scratch buffers are reused across calls: on many machines allocating (and first
# touching) fresh multi-megabyte temporaries costs more than the arithmetic.

_CHUNK_ELEMS = 1 << 18  # target size of one chunk's im2col matrix, in elements
_scratch = threading.local()


def _buffer(name: str, shape: tuple, dtype) -> np.ndarray:
    """A reusable scratch array (contents undefined) of this shape; never returned to callers."""
    pool = _scratch.__dict__.setdefault("pool", {})
    n = int(np.prod(shape))
    buf = pool.get((name, np.dtype(dtype)))
    if buf is None or buf.size < n:
        buf = pool[(name, np.dtype(dtype))] = np.empty(max(n, 1), dtype=dtype)
    return buf[:n].reshape(shape)


def _chunks(N: int, per_image: int):
    step = max(1, _CHUNK_ELEMS // max(per_image, 1))
    return [(n0, min(N, n0 + step)) for n0 in range(0, N, step)]


def _windows(xp: np.ndarray, KH: int, KW: int, Ho: int, Wo: int, s: int) -> np.ndarray:
    """im2col: (n, C, Hp, Wp) -> (C*KH*KW, n*Ho*Wo), one column per receptive field.

    Rows are (c, u, v), columns (n, i, j). The loop runs over the KH*KW kernel offsets,
    never over pixels: each step copies one strided slice of the whole chunk.
    """
    n, C = xp.shape[:2]
    xs = xp.transpose(1, 0, 2, 3)  # (C, n, Hp, Wp) view: keeps each copy's rows contiguous
    cols = _buffer("cols", (C, KH, KW, n, Ho, Wo), xp.dtype)
    for u in range(KH):
        for v in range(KW):
            cols[:, u, v] = xs[:, :, u : u + s * (Ho - 1) + 1 : s, v : v + s * (Wo - 1) + 1 : s]
    return cols.reshape(C * KH * KW, n * Ho * Wo)


def _col2im(dcols: np.ndarray, n, C, KH, KW, Ho, Wo, s, Hp, Wp) -> np.ndarray:
    """The adjoint of _windows: add every column back onto its receptive field.

    dcols (C*KH*KW, n*Ho*Wo) -> (C, n, Hp, Wp); overlapping windows add up.
    """
    dcols = dcols.reshape(C, KH, KW, n, Ho, Wo)
    dxs = _buffer("dxs", (C, n, Hp, Wp), dcols.dtype)
    dxs.fill(0)
    for u in range(KH):
        for v in range(KW):
            dxs[:, :, u : u + s * (Ho - 1) + 1 : s, v : v + s * (Wo - 1) + 1 : s] += dcols[:, u, v]
    return dxs


def _correlate(xp, w, s, Ho, Wo):
    """The fast path: xp (N, C, Hp, Wp) already padded, w (F, C, KH, KW) -> z (N, F, Ho, Wo), no bias."""
    N, C = xp.shape[:2]
    F, _, KH, KW = w.shape
    wm = w.reshape(F, -1)
    z = np.empty((N, F, Ho * Wo), dtype=xp.dtype)
    for n0, n1 in _chunks(N, C * KH * KW * Ho * Wo):
        cols = _windows(xp[n0:n1], KH, KW, Ho, Wo, s)
        zc = np.matmul(wm, cols, out=_buffer("zc", (F, cols.shape[1]), xp.dtype))
        z[n0:n1] = zc.reshape(F, n1 - n0, Ho * Wo).transpose(1, 0, 2)
    return z.reshape(N, F, Ho, Wo)


def conv2d_forward(x, w, b, stride: int = 1, padding: int = 0):
    """Convolution layer forward pass (cross-correlation, as in PyTorch).

    x (N, C, H, W), w (F, C, KH, KW), b (F,) -> z (N, F, Ho, Wo) with
    Ho = (H + 2*padding - KH) // stride + 1 (same for Wo).
    Returns (z, cache); all arithmetic in x.dtype.
    """
    x, w, b, s, p = _check_conv(x, w, b, stride, padding)
    w = w.astype(x.dtype, copy=False)
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    Ho, Wo = conv_output_size(H, KH, s, p), conv_output_size(W, KW, s, p)
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p))) if p else x
    z = _correlate(xp, w, s, Ho, Wo)
    if b is not None:
        z += b.astype(x.dtype, copy=False)[None, :, None, None]
    return z, ConvCache((N, C, H, W), xp, w, s, p)


def conv2d_backward(dz, cache: ConvCache, need_dx: bool = True):
    """Convolution layer backward pass.

    dz (N, F, Ho, Wo) = dC/dz. Returns (dx (N, C, H, W), dw (F, C, KH, KW), db (F,)):
    db sums the error map (the article's BP3), dw slides the error map over the input
    (BP4), dx is the transposed convolution of the error map (BP2). A first layer has no
    use for dx: need_dx=False skips it and returns dx=None.
    """
    if not isinstance(cache, ConvCache):
        raise TypeError(f"conv2d_backward: cache must be the ConvCache from conv2d_forward, got {type(cache).__name__}")
    N, C, H, W = cache.x_shape
    F, _, KH, KW = cache.w.shape
    s, p = cache.stride, cache.padding
    Ho, Wo = conv_output_size(H, KH, s, p), conv_output_size(W, KW, s, p)
    dz = as_float_array(dz, "dz", "conv2d_backward", ndim=4)
    if dz.shape != (N, F, Ho, Wo):
        raise ValueError(
            f"conv2d_backward: dz.shape={dz.shape} does not match the forward output "
            f"shape {(N, F, Ho, Wo)}"
        )
    dz = dz.astype(cache.xp.dtype, copy=False)
    db = dz.sum(axis=(0, 2, 3))
    dwT = np.zeros((C * KH * KW, F), dtype=dz.dtype)
    gather = need_dx and _gather_route(F, C, KH, KW, s, p)
    dx = np.empty((N, C, H, W), dtype=dz.dtype) if need_dx and not gather else None
    for n0, n1, d_f in _error_chunks(dz, C * KH * KW):
        # dw[f, k] = sum over (n, i, j) of dz[n, f, i, j] * cols[k, (n, i, j)]: the error
        # map slid over the input, as one matrix product per chunk (im2col is recomputed:
        # cheaper than keeping the whole im2col matrix from the forward pass)
        cols = _windows(cache.xp[n0:n1], KH, KW, Ho, Wo, s)
        dwT += np.matmul(cols, d_f.T, out=_buffer("dwc", dwT.shape, dz.dtype))
        if dx is not None:  # the same chunk of errors, while it is in cache
            _scatter_chunk(dx, n0, n1, d_f, cache.w, s, p, Ho, Wo)
    if gather:
        dx = _transpose_conv(dz, cache.w, s, p, (H, W))
    return dx, dwT.T.reshape(F, C, KH, KW).copy(), db


def _error_chunks(d, per_col: int):
    """Yield (n0, n1, d_f) with d_f (F, n*Ho*Wo) = the chunk's error maps, channel-major."""
    N, F, Ho, Wo = d.shape
    for n0, n1 in _chunks(N, per_col * Ho * Wo):
        d_f = _buffer("d_f", (F, n1 - n0, Ho * Wo), d.dtype)
        d_f[...] = d[n0:n1].reshape(n1 - n0, F, Ho * Wo).transpose(1, 0, 2)
        yield n0, n1, d_f.reshape(F, -1)


def _gather_route(F, C, KH, KW, s, p) -> bool:
    """Whether the input gradient is computed as a correlation (gather) rather than by col2im (scatter).

    Stride 1 with few error maps: the article's BP2 as it stands, a correlation of the
    zero-padded error map with the flipped kernels (channels swapped). Its im2col has
    F*KH*KW rows, so it beats scattering columns back when F <= C. Both routes give the
    same numbers (the tests draw shapes that take each).
    """
    return s == 1 and p <= min(KH, KW) - 1 and F <= C


def _scatter_chunk(dx, n0, n1, d_f, w, s, p, Ho, Wo):
    """dx[n0:n1] = col2im(w^T d_f): each error column hands w-weighted copies back to its window."""
    F, C, KH, KW = w.shape
    H, W = dx.shape[2:]
    dcols = np.matmul(w.reshape(F, -1).T, d_f, out=_buffer("dcols", (C * KH * KW, d_f.shape[1]), d_f.dtype))
    # Rows/cols past the last window (when (H + 2p - KH) % s != 0) get no gradient.
    dxs = _col2im(dcols, n1 - n0, C, KH, KW, Ho, Wo, s, H + 2 * p, W + 2 * p)
    dx[n0:n1] = dxs[:, :, p : p + H, p : p + W].transpose(1, 0, 2, 3)


def _transpose_conv(d, w, s, p, hw):
    """d (N, F, Ho, Wo) -> (N, C, H, W): the input gradient, by gather or by scatter."""
    N, F, Ho, Wo = d.shape
    _, C, KH, KW = w.shape
    H, W = hw
    if _gather_route(F, C, KH, KW, s, p):
        qh, qw = KH - 1 - p, KW - 1 - p
        dp = np.pad(d, ((0, 0), (0, 0), (qh, qh), (qw, qw)))
        return _correlate(dp, np.ascontiguousarray(w[:, :, ::-1, ::-1].transpose(1, 0, 2, 3)), 1, H, W)
    dx = np.empty((N, C, H, W), dtype=d.dtype)
    for n0, n1, d_f in _error_chunks(d, C * KH * KW):
        _scatter_chunk(dx, n0, n1, d_f, w, s, p, Ho, Wo)
    return dx


def conv_transpose2d(d, w, stride: int = 1, padding: int = 0, output_hw=None):
    """Transposed convolution: the adjoint of conv2d_forward (without bias).

    d (N, F, Ho, Wo), w (F, C, KH, KW) -> (N, C, H, W), equal to conv2d_backward's dx.
    By default H = (Ho - 1)*stride - 2*padding + KH; with stride > 1 several input sizes
    give the same Ho, and output_hw=(H, W) picks one.
    """
    fn = "conv_transpose2d"
    d = as_float_array(d, "d", fn, ndim=4)
    w = as_float_array(w, "w", fn, ndim=4).astype(d.dtype, copy=False)
    s = check_int(stride, "stride", fn, 1)
    p = check_int(padding, "padding", fn, 0)
    N, F, Ho, Wo = d.shape
    Fw, C, KH, KW = w.shape
    if Fw != F:
        raise ValueError(
            f"{fn}: d has {F} channels but w has {Fw} kernels (d.shape={d.shape}, "
            f"w.shape={w.shape}); expected d.shape[1] == w.shape[0]"
        )
    H, W = conv_input_size((Ho, Wo), (KH, KW), s, p, output_hw, fn, "output_hw")
    return _transpose_conv(d, w, s, p, (H, W))


def rot180(w):
    """Rotate kernels by 180 degrees: flip the last two axes. (..., KH, KW) -> same shape."""
    w = np.asarray(w)
    if w.ndim < 2:
        raise ValueError(f"rot180: expected at least 2-D (..., KH, KW), got shape {w.shape}")
    return w[..., ::-1, ::-1].copy()


def dilate(d, stride: int):
    """Insert (stride - 1) zeros between the entries of the last two axes.

    d (..., Ho, Wo) -> (..., (Ho-1)*stride + 1, (Wo-1)*stride + 1). With this, a strided
    convolution's error map becomes a stride-1 error map.
    """
    d = np.asarray(d)
    s = check_int(stride, "stride", "dilate", 1)
    if d.ndim < 2:
        raise ValueError(f"dilate: expected at least 2-D (..., Ho, Wo), got shape {d.shape}")
    Ho, Wo = d.shape[-2:]
    out = np.zeros(d.shape[:-2] + ((Ho - 1) * s + 1, (Wo - 1) * s + 1), dtype=d.dtype)
    out[..., ::s, ::s] = d
    return out


def conv_full(d, k):
    """Full convolution (cross-correlation over d zero-padded by K-1 on every side).

    d (N, F, Ho, Wo), k (F, C, KH, KW) -> (N, C, Ho + KH - 1, Wo + KW - 1), summed over F:
    out[n, c] = sum_f corr(pad(d[n, f], K-1), k[f, c]). With k = rot180(w) this is the
    article's conv_full(delta, rot180(W)).
    """
    fn = "conv_full"
    d = as_float_array(d, "d", fn, ndim=4)
    k = as_float_array(k, "k", fn, ndim=4)
    if k.shape[0] != d.shape[1]:
        raise ValueError(
            f"{fn}: d has {d.shape[1]} channels but k has {k.shape[0]} kernels "
            f"(d.shape={d.shape}, k.shape={k.shape})"
        )
    KH, KW = k.shape[2:]
    dp = np.pad(d, ((0, 0), (0, 0), (KH - 1, KH - 1), (KW - 1, KW - 1)))
    out, _ = conv2d_forward(dp, k.transpose(1, 0, 2, 3), None)
    return out


def bp2_full_conv(delta, w, stride: int = 1, padding: int = 0, output_hw=None):
    """The article's BP2, generalised: dC/da = crop(conv_full(dilate(delta), rot180(w))).

    delta (N, F, Ho, Wo), w (F, C, KH, KW) -> (N, C, H, W). Dilate by the stride, full
    convolution with the flipped kernels, crop the padding; rows that no window reached
    (when (H + 2p - KH) % stride != 0) get zeros. Equals conv_transpose2d.
    """
    fn = "bp2_full_conv"
    delta = as_float_array(delta, "delta", fn, ndim=4)
    w = as_float_array(w, "w", fn, ndim=4)
    s = check_int(stride, "stride", fn, 1)
    p = check_int(padding, "padding", fn, 0)
    N, F, Ho, Wo = delta.shape
    _, C, KH, KW = w.shape
    full = conv_full(dilate(delta, s), rot180(w))  # covers rows 0 .. s*(Ho-1)+KH-1 of the padded input
    if output_hw is None:
        H, W = (Ho - 1) * s - 2 * p + KH, (Wo - 1) * s - 2 * p + KW
    else:
        H, W = output_hw
    padded = np.zeros((N, C, max(H + 2 * p, full.shape[2]), max(W + 2 * p, full.shape[3])), full.dtype)
    padded[:, :, : full.shape[2], : full.shape[3]] = full
    return padded[:, :, p : p + H, p : p + W]


# --- Teaching twins: the article's sums as plain loops -----------------------------------


def conv2d_forward_loops(x, w, b, stride: int = 1, padding: int = 0):
    """conv2d_forward written as the article's sums, one output cell at a time.

    Slow on purpose: it reads like z[n,f,i,j] = sum_{c,u,v} w[f,c,u,v] * x[n,c,i*s+u,j*s+v] + b[f].
    Returns z (N, F, Ho, Wo) only.
    """
    x, w, b, s, p = _check_conv(x, w, b, stride, padding, fn="conv2d_forward_loops")
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    Ho, Wo = conv_output_size(H, KH, s, p), conv_output_size(W, KW, s, p)
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    z = np.zeros((N, F, Ho, Wo), dtype=x.dtype)
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    total = 0.0
                    for c in range(C):
                        for u in range(KH):
                            for v in range(KW):
                                total += w[f, c, u, v] * xp[n, c, i * s + u, j * s + v]
                    z[n, f, i, j] = total + (b[f] if b is not None else 0.0)
    return z


def conv2d_backward_loops(dz, x, w, stride: int = 1, padding: int = 0):
    """conv2d_backward as the article's chain-rule sums (slow on purpose).

    dz (N, F, Ho, Wo), x (N, C, H, W), w (F, C, KH, KW) -> (dx, dw, db):
    db[f] = sum delta;  dw[f,c,u,v] = sum_{n,i,j} delta[n,f,i,j] * x[n,c,i*s+u,j*s+v];
    dx: every output cell hands delta * w back to each input pixel its window touched.
    """
    x, w, _, s, p = _check_conv(x, w, None, stride, padding, fn="conv2d_backward_loops")
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    db = np.zeros(F, dtype=x.dtype)
    Ho, Wo = dz.shape[2:]
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    delta = dz[n, f, i, j]
                    db[f] += delta
                    for c in range(C):
                        for u in range(KH):
                            for v in range(KW):
                                dw[f, c, u, v] += delta * xp[n, c, i * s + u, j * s + v]
                                dxp[n, c, i * s + u, j * s + v] += delta * w[f, c, u, v]
    return dxp[:, :, p : p + H, p : p + W], dw, db
