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
from ._lang import tr


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
        return False, tr(f"answer with one number (pixels along one axis), got {answer!r}",
                         f"请用一个数作答（沿一个轴的像素数），收到的是 {answer!r}")
    if got == expected:
        return True, tr(f"a neuron after this stack sees {expected} x {expected} input pixels",
                        f"经过这一叠层之后，一个神经元的感受野是 {expected} x {expected} 个输入像素")
    if got == 1 + sum(layer.kernel - 1 for layer in layers):
        return False, tr("each layer adds (k - 1) steps of the jump j, and after a stride-2 layer one step is 2 input pixels",
                         "每一层增加 (k - 1) 个跨度 j，而经过步幅为 2 的层之后，一个跨度就是 2 个输入像素")
    if got == expected**2:
        return False, tr("that is the area; the question asks for the size along one axis", "这是面积；题目问的是沿一个轴的大小")
    if got == sum(layer.kernel for layer in layers):
        return False, tr("start from r = 1 (one pixel) and add (k - 1) * j per layer, not k",
                         "从 r = 1（一个像素）开始，每层加 (k - 1) * j，而不是 k")
    return False, tr("use r <- r + (k - 1) * j, j <- j * stride, starting from r = 1, j = 1",
                     "用 r <- r + (k - 1) * j，j <- j * stride，从 r = 1、j = 1 开始")


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
    ok, msg = compare_number(answer, expected, tr("the FC share", "全连接层的占比"), tol=1e-6)
    if ok:
        return True, tr(f"{fc:,} of {total:,} parameters ({expected:.1%}) are in the fully connected layers",
                        f"{total:,} 个参数中有 {fc:,} 个（{expected:.1%}）在全连接层里")
    try:
        got = float(answer)
    except (TypeError, ValueError):
        return False, msg
    weights = {k: p.size for k, p in params.items() if k.endswith(".W")}
    fc_w = sum(v for k, v in weights.items() if k.startswith("fc"))
    if abs(got - fc_w / sum(weights.values())) < 1e-9:
        return False, tr("close, but the biases count too: one per kernel and one per fully connected unit",
                         "接近了，但偏置也要算：每个卷积核一个，每个全连接单元一个")
    if abs(got - 100 * expected) < 1e-4:
        return False, tr("that looks like a percentage; answer as a fraction between 0 and 1",
                         "这看起来是百分数；请用 0 到 1 之间的比例作答")
    if abs(got - (1 - expected)) < 1e-9:
        return False, tr("that is the convolutions' share; the question asks for the fully connected layers",
                         "这是卷积层的占比；题目问的是全连接层")
    return False, (msg + tr("; after two 2x2 poolings a 28x28 map is 7x7, so flatten gives 16*7*7 numbers; "
                            "count weights and biases of every layer",
                            "；经过两次 2x2 池化，28x28 的特征图变成 7x7，所以展平后有 16*7*7 个数；"
                            "要数每一层的权重和偏置"))


@exercise("12.drop_backward", inputs=_drop_inputs)
def drop_backward_ex(answer, dy, mask, p):
    """dC/dx of a dropout layer: bplib's drop_backward with the forward pass's mask and scale."""
    expected = drop_backward(dy, DropCache(mask, 1.0 / (1.0 - p)))
    ok, msg = compare_array(answer, expected, "dC/dx")
    if ok or np.shape(answer) != expected.shape:
        return ok, msg
    a = np.asarray(answer, dtype=np.float64)
    if compare_array(a, dy * mask, "")[0]:
        return False, msg + tr("; the mask is right, but the forward pass also scaled the kept values by 1/(1 - p)",
                               "；掩码对了，但前向传播还把保留下来的值乘了 1/(1 - p)")
    if compare_array(a, dy * mask * (1 - p), "")[0]:
        return False, msg + tr("; the scale is 1/(1 - p), not (1 - p)", "；缩放因子是 1/(1 - p)，不是 (1 - p)")
    if compare_array(a, dy / (1 - p), "")[0]:
        return False, msg + tr("; dropped units (mask 0) pass no gradient back", "；被丢弃的单元（掩码为 0）不回传梯度")
    return False, msg + tr("; the backward pass multiplies dy by the same mask and scale as the forward pass",
                           "；反向传播把 dy 乘以与前向传播相同的掩码和缩放因子")
