"""bplib: a convolutional network's forward pass and backpropagation, in NumPy.

The core (this package's top level) needs only NumPy. Drawing and widgets live in
bplib.viz and bplib.widgets and import matplotlib / ipywidgets themselves.
"""

from .conv import (
    ConvCache,
    bp2_full_conv,
    conv2d_backward,
    conv2d_backward_loops,
    conv2d_forward,
    conv2d_forward_loops,
    conv_full,
    conv_output_size,
    conv_transpose2d,
    dilate,
    rot180,
)
from .data import load_mnist, mnist_split, read_idx
from .gradcheck import numerical_gradient, rel_error
from .lang import get_language, set_language
from .layers import (
    DenseCache,
    dense_backward,
    dense_forward,
    flatten,
    relu,
    relu_prime,
    sigmoid,
    sigmoid_prime,
    softmax,
    softmax_cross_entropy,
    unflatten,
)
from .matrix import conv_matrix, conv_matrix_indices
from .net import ArticleNet, Grads, History, Trace, minibatches, train
from .pool import (
    PoolCache,
    avgpool2d_backward,
    avgpool2d_forward,
    global_avgpool_backward,
    global_avgpool_forward,
    l2pool2d_backward,
    l2pool2d_forward,
    maxpool2d_backward,
    maxpool2d_forward,
)

__version__ = "0.1.0"

__all__ = [
    "ConvCache", "DenseCache", "PoolCache",
    "conv2d_forward", "conv2d_backward", "conv2d_forward_loops", "conv2d_backward_loops",
    "conv_transpose2d", "conv_full", "bp2_full_conv", "rot180", "dilate", "conv_output_size",
    "conv_matrix", "conv_matrix_indices",
    "maxpool2d_forward", "maxpool2d_backward", "avgpool2d_forward", "avgpool2d_backward",
    "l2pool2d_forward", "l2pool2d_backward", "global_avgpool_forward", "global_avgpool_backward",
    "flatten", "unflatten", "dense_forward", "dense_backward",
    "relu", "relu_prime", "sigmoid", "sigmoid_prime", "softmax", "softmax_cross_entropy",
    "numerical_gradient", "rel_error",
    "ArticleNet", "Trace", "Grads", "History", "train", "minibatches",
    "load_mnist", "mnist_split", "read_idx",
    "set_language", "get_language",
]
