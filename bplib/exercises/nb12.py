"""Exercises of notebook 12: receptive fields, the FC layers' parameter share, dropout's backward pass (S15)."""

from __future__ import annotations

import numpy as np

from ..conv import conv2d_forward
from ..layers import dense_forward, flatten
from ..pool import maxpool2d_forward
from ..receptive import Layer, receptive_fields
from ..regularize import DropCache, drop_backward
from . import exercise
from ._compare import compare_array, compare_number


def _rf_inputs():
    return {"layers": [Layer("conv", 3, 1, 1), Layer("conv", 3, 1, 1), Layer("pool", 2, 2),
                       Layer("conv", 3, 1, 1), Layer("conv", 3, 1, 1), Layer("pool", 2, 2), Layer("conv", 3, 1, 1)]}


def _share_inputs():
    return {"input_shape": (1, 28, 28), "conv_kernels": (8, 16), "kernel_size": 3, "padding": 1, "pool": 2,
            "hidden": 64, "classes": 10}


def _drop_inputs():
    rng = np.random.default_rng(1212)
    p = 0.25
    return {"dy": rng.standard_normal((2, 3, 4, 4)), "mask": (rng.random((2, 3, 4, 4)) >= p).astype(np.float64), "p": p}


@exercise("12.rf_size", inputs=_rf_inputs)
def rf_size(answer, layers):
    """Receptive field after the whole stack, by bplib's closed form."""
    expected = receptive_fields(layers)[-1].size
    try:
        got = float(answer)
    except (TypeError, ValueError):
        return False, f"answer with one number (pixels along one axis), got {answer!r}"
    if got == expected:
        return True, f"a neuron after this stack sees {expected} x {expected} input pixels"
    if got == 1 + sum(layer.kernel - 1 for layer in layers):
        return False, "each layer adds (k - 1) steps of the jump j, and after a stride-2 layer one step is 2 input pixels"
    if got == expected**2:
        return False, "that is the area; the question asks for the size along one axis"
    if got == sum(layer.kernel for layer in layers):
        return False, "start from r = 1 (one pixel) and add (k - 1) * j per layer, not k"
    return False, "use r <- r + (k - 1) * j, j <- j * stride, starting from r = 1, j = 1"


def _small_cnn(input_shape, conv_kernels, kernel_size, padding, pool, hidden, classes):
    """The exercise's network as real arrays, checked by a forward pass: {name: array}."""
    params, c_in = {}, input_shape[0]
    a = np.zeros((1,) + tuple(input_shape))
    for n, c_out in enumerate(conv_kernels, start=1):
        params[f"conv{n}.W"] = np.zeros((c_out, c_in, kernel_size, kernel_size))
        params[f"conv{n}.b"] = np.zeros(c_out)
        a = maxpool2d_forward(conv2d_forward(a, params[f"conv{n}.W"], params[f"conv{n}.b"], 1, padding)[0], pool, pool)[0]
        c_in = c_out
    a = flatten(a)
    for n, units in enumerate((hidden, classes), start=1):
        params[f"fc{n}.W"] = np.zeros((units, a.shape[1]))
        params[f"fc{n}.b"] = np.zeros(units)
        a = dense_forward(a, params[f"fc{n}.W"], params[f"fc{n}.b"])[0]
    return params


@exercise("12.fc_share", inputs=_share_inputs)
def fc_share(answer, **net):
    """Share of the parameters in the FC layers, counted on the network's real arrays."""
    params = _small_cnn(**net)
    fc = sum(p.size for k, p in params.items() if k.startswith("fc"))
    total = sum(p.size for p in params.values())
    expected = fc / total
    ok, msg = compare_number(answer, expected, "the FC share", tol=1e-6)
    if ok:
        return True, f"{fc:,} of {total:,} parameters ({expected:.1%}) are in the fully connected layers"
    try:
        got = float(answer)
    except (TypeError, ValueError):
        return False, msg
    weights = {k: p.size for k, p in params.items() if k.endswith(".W")}
    fc_w = sum(v for k, v in weights.items() if k.startswith("fc"))
    if abs(got - fc_w / sum(weights.values())) < 1e-9:
        return False, "close, but the biases count too: one per kernel and one per fully connected unit"
    if abs(got - 100 * expected) < 1e-4:
        return False, "that looks like a percentage; answer as a fraction between 0 and 1"
    if abs(got - (1 - expected)) < 1e-9:
        return False, "that is the convolutions' share; the question asks for the fully connected layers"
    return False, (msg + "; after two 2x2 poolings a 28x28 map is 7x7, so flatten gives 16*7*7 numbers; "
                   "count weights and biases of every layer")


@exercise("12.drop_backward", inputs=_drop_inputs)
def drop_backward_ex(answer, dy, mask, p):
    """dC/dx of a dropout layer: bplib's drop_backward with the forward pass's mask and scale."""
    expected = drop_backward(dy, DropCache(mask, 1.0 / (1.0 - p)))
    ok, msg = compare_array(answer, expected, "dC/dx")
    if ok or np.shape(answer) != expected.shape:
        return ok, msg
    a = np.asarray(answer, dtype=np.float64)
    if compare_array(a, dy * mask, "")[0]:
        return False, msg + "; the mask is right, but the forward pass also scaled the kept values by 1/(1 - p)"
    if compare_array(a, dy * mask * (1 - p), "")[0]:
        return False, msg + "; the scale is 1/(1 - p), not (1 - p)"
    if compare_array(a, dy / (1 - p), "")[0]:
        return False, msg + "; dropped units (mask 0) pass no gradient back"
    return False, msg + "; the backward pass multiplies dy by the same mask and scale as the forward pass"
