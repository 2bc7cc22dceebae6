"""One helper that checks a forward/backward pair two independent ways.

1. Finite differences (bplib.numerical_gradient) on L = sum(forward(...) * G).
2. PyTorch autograd on the same numbers, in float64.

G is a random upstream gradient, so every output cell's contribution is weighted
differently and a transposed or misplaced gradient cannot cancel out.
"""

from __future__ import annotations

import numpy as np
import torch

import bplib as bp

FD_TOL = 1e-7
TORCH_TOL = 1e-10


def check_op(forward, backward, torch_forward, arrays, rng, fd=True, fd_tol=FD_TOL, torch_tol=TORCH_TOL):
    """forward(*arrays) -> (out, cache); backward(G, cache) -> one gradient per array.

    torch_forward(*tensors) -> out. Asserts forward and every gradient agree with PyTorch
    (< torch_tol) and, if fd, with central differences (< fd_tol). Returns the gradients.
    """
    arrays = [np.array(a, dtype=np.float64) for a in arrays]
    out, cache = forward(*arrays)
    G = rng.standard_normal(np.shape(out))
    grads = backward(G, cache)
    if not isinstance(grads, tuple):
        grads = (grads,)
    assert len(grads) == len(arrays), f"backward returned {len(grads)} gradients for {len(arrays)} inputs"

    tensors = [torch.tensor(a, requires_grad=True) for a in arrays]
    tout = torch_forward(*tensors)
    assert tuple(tout.shape) == np.shape(out), f"shape {np.shape(out)} != torch {tuple(tout.shape)}"
    (tout * torch.tensor(G)).sum().backward()
    err = bp.rel_error(out, tout.detach().numpy())
    assert err < torch_tol, f"forward differs from PyTorch: rel. error {err:.2e}"
    for k, (g, t) in enumerate(zip(grads, tensors)):
        assert g.shape == arrays[k].shape, f"gradient {k} shape {g.shape} != input shape {arrays[k].shape}"
        err = bp.rel_error(g, t.grad.numpy())
        assert err < torch_tol, f"gradient {k} differs from PyTorch autograd: rel. error {err:.2e}"

    if fd:
        for k, a in enumerate(arrays):
            num = bp.numerical_gradient(lambda: float(np.sum(forward(*arrays)[0] * G)), a)
            err = bp.rel_error(grads[k], num)
            assert err < fd_tol, f"gradient {k} differs from finite differences: rel. error {err:.2e}"
    return grads
