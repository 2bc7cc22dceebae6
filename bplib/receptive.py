"""Receptive fields (感受野): how much of the input one neuron sees, two ways (S15).

A stack of layers is a list of ``Layer(kind, kernel, stride, padding)`` with kind "conv"
or "pool". Along one axis, with r the receptive-field size and j the jump (the distance
in input pixels between neighbouring neurons), each layer does

    r <- r + (kernel - 1) * j,    j <- j * stride,    start <- start + ((kernel - 1) / 2 - padding) * j

(Dumoulin & Visin's arithmetic). ``trace_receptive_field`` finds the same region by
backpropagating a one-hot error through real bplib layers and looking where the input
gradient is nonzero.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._checks import check_alloc, check_hw, check_int, nbytes
from .conv import _out, conv2d_backward, conv2d_forward
from .pool import avgpool2d_backward, avgpool2d_forward

__all__ = ["Layer", "RF", "receptive_fields", "feature_sizes", "trace_receptive_field"]


class Layer(NamedTuple):
    """One layer of a stack: kind "conv" or "pool", square kernel, stride, padding."""

    kind: str
    kernel: int
    stride: int = 1
    padding: int = 0


class RF(NamedTuple):
    """Receptive field of a neuron at some depth: size r, jump j, centre of neuron 0 (start)."""

    size: int
    jump: int
    start: float


def _check_layers(layers, fn):
    """A list of Layer from Layers or tuples (kind, kernel[, stride[, padding]]), each checked."""
    if isinstance(layers, (str, bytes)) or not isinstance(layers, (list, tuple)):
        raise TypeError(f"{fn}: layers must be a list of Layer(kind, kernel, stride, padding), got {type(layers).__name__}")
    out = []
    for k, layer in enumerate(layers):
        if not isinstance(layer, Layer):
            if not isinstance(layer, (list, tuple)) or not 2 <= len(layer) <= 4:
                raise TypeError(
                    f"{fn}: layer {k} must be a Layer(kind, kernel, stride, padding) or a tuple of 2 to 4 items, got {layer!r}"
                )
            layer = Layer(*layer)
        if not isinstance(layer.kind, str) or layer.kind not in ("conv", "pool"):
            raise ValueError(f"{fn}: layer {k} kind must be 'conv' or 'pool', got {layer.kind!r}")
        check_int(layer.kernel, f"layer {k} kernel", fn, 1)
        check_int(layer.stride, f"layer {k} stride", fn, 1)
        check_int(layer.padding, f"layer {k} padding", fn, 0)
        if layer.kind == "pool" and layer.padding:
            raise ValueError(f"{fn}: layer {k}: bplib's pooling has no padding")
        out.append(layer)
    return out


def receptive_fields(layers) -> list:
    """Closed form: [RF at the input, after layer 1, ..., after layer L] along one axis."""
    layers = _check_layers(layers, "receptive_fields")
    r, j, start = 1, 1, 0.0
    out = [RF(r, j, start)]
    for layer in layers:
        start += ((layer.kernel - 1) / 2 - layer.padding) * j
        r += (layer.kernel - 1) * j
        j *= layer.stride
        out.append(RF(r, j, start))
    return out


def feature_sizes(layers, input_size: int) -> list:
    """Map size along one axis: [input, after layer 1, ...]; ValueError if a layer does not fit."""
    layers = _check_layers(layers, "feature_sizes")
    return _sizes(layers, input_size, "feature_sizes")


def _sizes(layers, input_size, fn):
    sizes = [check_int(input_size, "input_size", fn, 1)]
    for k, layer in enumerate(layers):
        if layer.kernel > sizes[-1] + 2 * layer.padding:
            raise ValueError(
                f"{fn}: layer {k + 1} ({layer.kind} {layer.kernel}x{layer.kernel}) does not fit a "
                f"{sizes[-1]}x{sizes[-1]} map (padding {layer.padding})"
            )
        sizes.append(_out(sizes[-1], layer.kernel, layer.stride, layer.padding))
    return sizes


def check_trace_alloc(fn: str, layers, sizes, times: int = 1) -> None:
    """Refuse a trace whose maps (each layer's map, its gradient and padded copy) would pass the limit."""
    per_trace = sum(nbytes((s + 2 * ly.padding, s + 2 * ly.padding)) for s, ly in zip(sizes, layers)) * 4
    check_alloc(fn, (per_trace + nbytes((sizes[0], sizes[0])) * 4) * times,
                f"tracing {len(layers)} layers over a {sizes[0]}x{sizes[0]} input")


def trace_receptive_field(layers, input_size: int, depth: int, neuron: tuple):
    """Which input pixels can change neuron (i, j) at ``depth``? (input_size, input_size) bool mask.

    Backpropagates a one-hot error from that neuron through conv layers with all-ones kernels
    and through *average* pooling (max pooling would route the gradient to one winner per
    window and hide the rest of the field). Nonzero input gradient = inside the field. The
    closed form gives the field's extent; when a layer's kernel is smaller than its stride,
    the traced field has holes inside that extent.
    """
    fn = "trace_receptive_field"
    layers = _check_layers(layers, fn)
    depth = check_int(depth, "depth", fn, 0)
    if depth > len(layers):
        raise ValueError(f"{fn}: depth {depth} > number of layers {len(layers)}")
    sizes = _sizes(layers, input_size, fn)
    if isinstance(neuron, np.ndarray) and neuron.ndim == 1:
        neuron = tuple(neuron.tolist())
    if not isinstance(neuron, (tuple, list)) or len(neuron) != 2:
        raise TypeError(f"{fn}: neuron must be a pair (i, j) of integers, got {neuron!r}")
    i, j = check_hw(neuron, "neuron", fn, 0)
    check_trace_alloc(fn, layers, sizes)
    if not (0 <= i < sizes[depth] and 0 <= j < sizes[depth]):
        raise ValueError(f"{fn}: neuron {neuron} is outside the {sizes[depth]}x{sizes[depth]} map at depth {depth}")
    a = np.ones((1, 1, input_size, input_size))
    caches = []
    for layer in layers[:depth]:
        if layer.kind == "conv":
            a, cache = conv2d_forward(a, np.ones((1, 1, layer.kernel, layer.kernel)), None, layer.stride, layer.padding)
        else:
            a, cache = avgpool2d_forward(a, layer.kernel, layer.stride)
        caches.append((layer.kind, cache))
    grad = np.zeros_like(a)
    grad[0, 0, i, j] = 1.0
    for kind, cache in reversed(caches):
        grad = conv2d_backward(grad, cache)[0] if kind == "conv" else avgpool2d_backward(grad, cache)
    return grad[0, 0] != 0
