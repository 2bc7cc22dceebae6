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

from ._checks import QUIET, as_float_array, check_alloc, check_bool, check_hw, check_int, finite_result, nbytes, private

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


def _out(size: int, kernel: int, stride: int, padding: int) -> int:
    """Output length along one axis, for sizes already checked."""
    return (size + 2 * padding - kernel) // stride + 1


def conv_output_size(size: int, kernel: int, stride: int = 1, padding: int = 0) -> int:
    """Output length along one axis: (size + 2*padding - kernel) // stride + 1.

    Integers size >= 1, kernel >= 1, stride >= 1, padding >= 0, with the kernel fitting
    the padded input (kernel <= size + 2*padding). Returns an int >= 1.
    """
    fn = "conv_output_size"
    size = check_int(size, "size", fn, 1)
    kernel = check_int(kernel, "kernel", fn, 1)
    stride = check_int(stride, "stride", fn, 1)
    padding = check_int(padding, "padding", fn, 0)
    if kernel > size + 2 * padding:
        raise ValueError(
            f"{fn}: kernel {kernel} is larger than the padded input {size + 2 * padding} "
            f"(size={size}, padding={padding}); no window fits"
        )
    return _out(size, kernel, stride, padding)


def conv_input_size(out_hw, kernel_hw, stride: int, padding: int, input_hw=None, fn="conv_input_size", name="input_hw"):
    """The input size (H, W) that a convolution maps to out_hw; input_hw checks or picks one.

    out_hw (Ho, Wo), kernel_hw (KH, KW). Default: H = (Ho - 1)*stride - 2*padding + KH. With
    stride > 1 several input sizes give the same Ho; a given input_hw is checked to be one
    of them (ValueError otherwise). Returns (H, W).
    """
    Ho, Wo = check_hw(out_hw, "out_hw", fn)
    KH, KW = check_hw(kernel_hw, "kernel_hw", fn)
    s = check_int(stride, "stride", fn, 1)
    p = check_int(padding, "padding", fn, 0)
    if input_hw is None:
        H, W = (Ho - 1) * s - 2 * p + KH, (Wo - 1) * s - 2 * p + KW
        if H < 1 or W < 1:
            raise ValueError(f"{fn}: padding {p} is too large for a {Ho}x{Wo} output of a {KH}x{KW} kernel")
        return H, W
    if isinstance(input_hw, np.ndarray):
        well_formed = input_hw.ndim == 1 and input_hw.size == 2
    else:  # never np.ndim(a tuple): that would build an array of whatever the tuple holds
        well_formed = isinstance(input_hw, (tuple, list)) and len(input_hw) == 2
    if not well_formed:
        shown = f"an array of shape {input_hw.shape}" if isinstance(input_hw, np.ndarray) else repr(input_hw)[:80]
        raise ValueError(f"{fn}: {name} must be a pair (H, W), got {shown}")
    H, W = check_hw(input_hw, name, fn)
    if KH > H + 2 * p or KW > W + 2 * p or (_out(H, KH, s, p), _out(W, KW, s, p)) != (Ho, Wo):
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
    x = as_float_array(x, "x", fn, ndim=4, nonempty=True)
    w = as_float_array(w, "w", fn, ndim=4, nonempty=True)
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
    _check_conv_alloc(fn, x.shape, w.shape, stride, padding, x.dtype)
    return x, w, b, stride, padding


def _check_conv_alloc(fn, x_shape, w_shape, s, p, dtype, backward=False):
    """Refuse a convolution whose padded input, output or largest im2col chunk would pass the limit."""
    N, C, H, W = x_shape
    F, _, KH, KW = w_shape
    Ho, Wo = _out(H, KH, s, p), _out(W, KW, s, p)
    per_image = C * KH * KW * Ho * Wo
    chunk = max(per_image, min(N * per_image, _CHUNK_ELEMS))
    total = nbytes((N, C, H + 2 * p, W + 2 * p), dtype) * (2 if backward else 1)  # padded input (and its gradient)
    total += nbytes((N, F, Ho, Wo), dtype) + nbytes((chunk,), dtype) * (2 if backward else 1)
    check_alloc(fn, total, f"a {KH}x{KW} convolution of x.shape={tuple(x_shape)} (stride {s}, padding {p})")


# --- The fast path ------------------------------------------------------------------------
# im2col + one matrix product per chunk of images. Chunks keep each im2col matrix about
# a megabyte, so it stays in cache between being written and being multiplied, and the
# scratch buffers are reused across calls: on many machines allocating (and first
# touching) fresh multi-megabyte temporaries costs more than the arithmetic.

_CHUNK_ELEMS = 1 << 18  # target size of one chunk's im2col matrix, in elements
SCRATCH_KEEP = 16 << 20  # bytes of scratch each thread keeps between calls; larger buffers are freed after use
_scratch = threading.local()


def _buffer(name: str, shape: tuple, dtype) -> np.ndarray:
    """A reusable scratch array (contents undefined) of this shape; never returned to callers.

    Buffers are kept for the next call only while the thread's total stays under
    SCRATCH_KEEP bytes: one huge convolution must not hold hundreds of MB forever.
    """
    pool = _scratch.__dict__.setdefault("pool", {})
    key = (name, np.dtype(dtype))
    n = int(np.prod(shape))
    buf = pool.get(key)
    if buf is not None and buf.size >= n:
        return buf[:n].reshape(shape)
    buf = np.empty(max(n, 1), dtype=dtype)
    pool.pop(key, None)
    if buf.nbytes + sum(b.nbytes for b in pool.values()) <= SCRATCH_KEEP:
        pool[key] = buf
    return buf[:n].reshape(shape)


def scratch_bytes() -> int:
    """Bytes of scratch buffers this thread keeps between convolutions (at most SCRATCH_KEEP)."""
    return sum(b.nbytes for b in _scratch.__dict__.get("pool", {}).values())


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
    x_in, w_in = x, w
    x, w, b, s, p = _check_conv(x, w, b, stride, padding)
    w = private(w.astype(x.dtype, copy=False), w_in)  # the cache keeps what this pass saw, not the caller's arrays
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    Ho, Wo = _out(H, KH, s, p), _out(W, KW, s, p)
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p))) if p else private(x, x_in)
    with np.errstate(**QUIET):
        z = _correlate(xp, w, s, Ho, Wo)
        if b is not None:
            z += b.astype(x.dtype, copy=False)[None, :, None, None]
    finite_result("conv2d_forward", z)
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
    need_dx = check_bool(need_dx, "need_dx", "conv2d_backward")
    N, C, H, W = cache.x_shape
    F, _, KH, KW = cache.w.shape
    s, p = cache.stride, cache.padding
    Ho, Wo = _out(H, KH, s, p), _out(W, KW, s, p)
    dz = as_float_array(dz, "dz", "conv2d_backward", ndim=4)
    if dz.shape != (N, F, Ho, Wo):
        raise ValueError(
            f"conv2d_backward: dz.shape={dz.shape} does not match the forward output "
            f"shape {(N, F, Ho, Wo)}"
        )
    _check_conv_alloc("conv2d_backward", cache.x_shape, cache.w.shape, s, p, cache.xp.dtype, backward=True)
    with np.errstate(**QUIET):
        dx, dw, db = _conv_backward(dz.astype(cache.xp.dtype, copy=False), cache, need_dx)
    finite_result("conv2d_backward", dx, dw, db)
    return dx, dw, db


def _conv_backward(dz, cache, need_dx):
    """conv2d_backward on checked arguments."""
    N, C, H, W = cache.x_shape
    F, _, KH, KW = cache.w.shape
    s, p = cache.stride, cache.padding
    Ho, Wo = dz.shape[2:]
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
    d, w, s, p, (H, W) = _check_transpose(d, w, stride, padding, output_hw, fn, "d")
    with np.errstate(**QUIET):
        out = _transpose_conv(d, w, s, p, (H, W))
    finite_result(fn, out)
    return out


def _check_transpose(d, w, stride, padding, output_hw, fn, name):
    """The checks conv_transpose2d and bp2_full_conv share: (d, w in d's dtype, stride, padding, (H, W))."""
    d = as_float_array(d, name, fn, ndim=4, nonempty=True)
    w = as_float_array(w, "w", fn, ndim=4, nonempty=True).astype(d.dtype, copy=False)
    s = check_int(stride, "stride", fn, 1)
    p = check_int(padding, "padding", fn, 0)
    N, F, Ho, Wo = d.shape
    Fw, C, KH, KW = w.shape
    if Fw != F:
        raise ValueError(
            f"{fn}: {name} has {F} channels but w has {Fw} kernels ({name}.shape={d.shape}, "
            f"w.shape={w.shape}); expected {name}.shape[1] == w.shape[0]"
        )
    if output_hw is not None and not isinstance(output_hw, (tuple, list, np.ndarray)):
        raise TypeError(f"{fn}: output_hw must be None or a pair (H, W), got {output_hw!r}")
    H, W = conv_input_size((Ho, Wo), (KH, KW), s, p, output_hw, fn, "output_hw")
    _check_conv_alloc(fn, (N, C, H, W), w.shape, s, p, d.dtype, backward=True)
    # the gather route pads d by up to K - 1 on each side; the dilated map of bp2_full_conv is as large
    check_alloc(fn, nbytes((N, F, (Ho - 1) * s + 2 * KH - 1, (Wo - 1) * s + 2 * KW - 1), d.dtype) * 2,
                f"the padded, dilated error map of {name}.shape={d.shape} (stride {s})")
    return d, w, s, p, (H, W)


def rot180(w):
    """Rotate kernels by 180 degrees: flip the last two axes. (..., KH, KW) -> same shape."""
    w = _numeric(w, "w", "rot180")
    if w.ndim < 2:
        raise ValueError(f"rot180: expected at least 2-D (..., KH, KW), got shape {w.shape}")
    return w[..., ::-1, ::-1].copy()


def _numeric(a, name: str, fn: str) -> np.ndarray:
    """An array of numbers (bool, int or float, as given), or a clear TypeError/ValueError."""
    if not isinstance(a, np.ndarray):
        if not isinstance(a, (list, tuple)):
            raise TypeError(f"{fn}: {name} must be a NumPy array, got {type(a).__name__}")
        try:
            a = np.asarray(a)
        except (ValueError, TypeError, OverflowError) as e:
            raise ValueError(f"{fn}: {name} is not a rectangular array of numbers ({e})") from None
    if not (np.issubdtype(a.dtype, np.number) or a.dtype == bool) or np.issubdtype(a.dtype, np.timedelta64):
        raise TypeError(f"{fn}: {name} must hold numbers, got dtype {a.dtype} ({name}.shape={a.shape})")
    check_alloc(fn, nbytes(a.shape, a.dtype), f"a copy of {name} (shape {a.shape})")
    return a


def dilate(d, stride: int):
    """Insert (stride - 1) zeros between the entries of the last two axes.

    d (..., Ho, Wo) -> (..., (Ho-1)*stride + 1, (Wo-1)*stride + 1). With this, a strided
    convolution's error map becomes a stride-1 error map.
    """
    d = _numeric(d, "d", "dilate")
    s = check_int(stride, "stride", "dilate", 1)
    if d.ndim < 2:
        raise ValueError(f"dilate: expected at least 2-D (..., Ho, Wo), got shape {d.shape}")
    Ho, Wo = d.shape[-2:]
    if Ho == 0 or Wo == 0:
        raise ValueError(f"dilate: d.shape={d.shape} has an empty map; expected Ho, Wo >= 1")
    check_alloc("dilate", nbytes(d.shape[:-2] + ((Ho - 1) * s + 1, (Wo - 1) * s + 1), d.dtype),
                f"dilating d.shape={d.shape} by stride {s}")
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
    d = as_float_array(d, "d", fn, ndim=4, nonempty=True)
    k = as_float_array(k, "k", fn, ndim=4, nonempty=True)
    if k.shape[0] != d.shape[1]:
        raise ValueError(
            f"{fn}: d has {d.shape[1]} channels but k has {k.shape[0]} kernels "
            f"(d.shape={d.shape}, k.shape={k.shape})"
        )
    N, F, Ho, Wo = d.shape
    KH, KW = k.shape[2:]
    _check_conv_alloc(fn, (N, F, Ho + 2 * (KH - 1), Wo + 2 * (KW - 1)), (k.shape[1], F, KH, KW), 1, 0, d.dtype)
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
    delta, w, s, p, (H, W) = _check_transpose(delta, w, stride, padding, output_hw, fn, "delta")
    N, F, Ho, Wo = delta.shape
    _, C, KH, KW = w.shape
    full = conv_full(dilate(delta, s), rot180(w))  # covers rows 0 .. s*(Ho-1)+KH-1 of the padded input
    padded = np.zeros((N, C, max(H + 2 * p, full.shape[2]), max(W + 2 * p, full.shape[3])), full.dtype)
    padded[:, :, : full.shape[2], : full.shape[3]] = full
    return padded[:, :, p : p + H, p : p + W].copy()


# --- Teaching twins: the article's sums as plain loops -----------------------------------


def _check_sums(fn, dtype, terms, *factors_and_bias):
    """Refuse inputs whose sums of products could overflow dtype, before the loops run (they stay plain loops).

    Each argument after terms is a pair (a, b) of arrays whose products are summed, or a bias (or None).
    """
    bound = 0.0
    for item in factors_and_bias:
        if isinstance(item, tuple):
            a, b = item
            bound = max(bound, float(np.max(np.abs(a), initial=0.0)) * float(np.max(np.abs(b), initial=0.0)) * terms)
        elif item is not None:
            bound += float(np.max(np.abs(item), initial=0.0))
    if not bound < float(np.finfo(dtype).max):
        raise ValueError(f"{fn}: the sums would overflow {np.dtype(dtype)} (up to {bound:.3g}); the inputs are too large in size")


def conv2d_forward_loops(x, w, b, stride: int = 1, padding: int = 0):
    """conv2d_forward written as the article's sums, one output cell at a time.

    Slow on purpose: it reads like z[n,f,i,j] = sum_{c,u,v} w[f,c,u,v] * x[n,c,i*s+u,j*s+v] + b[f].
    Returns z (N, F, Ho, Wo) only.
    """
    x, w, b, s, p = _check_conv(x, w, b, stride, padding, fn="conv2d_forward_loops")
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    Ho, Wo = _out(H, KH, s, p), _out(W, KW, s, p)
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    _check_sums("conv2d_forward_loops", x.dtype, C * KH * KW, (w, x), b)
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
    fn = "conv2d_backward_loops"
    x, w, _, s, p = _check_conv(x, w, None, stride, padding, fn=fn)
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    Ho, Wo = _out(H, KH, s, p), _out(W, KW, s, p)
    dz = as_float_array(dz, "dz", fn, ndim=4)
    if dz.shape != (N, F, Ho, Wo):
        raise ValueError(
            f"{fn}: dz.shape={dz.shape} does not match the forward output shape {(N, F, Ho, Wo)} "
            f"(x.shape={x.shape}, w.shape={w.shape}, stride {s}, padding {p})"
        )
    w = w.astype(x.dtype, copy=False)
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    db = np.zeros(F, dtype=x.dtype)
    _check_sums(fn, x.dtype, N * F * Ho * Wo * C * KH * KW, (dz, x), (dz, w))
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
    return dxp[:, :, p : p + H, p : p + W].copy(), dw, db
