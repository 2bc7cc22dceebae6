"""conv2d_forward + conv2d_backward vs PyTorch, float32, one thread each.

    python -m benchmarks.conv

Prints, for each size, the median time of one forward+backward (input gradient
included) in bplib and in PyTorch, and their ratio (bplib / PyTorch). Target: <= 2.0.
"""

from __future__ import annotations

import numpy as np

import bplib as bp

from ._timing import compare_ms, describe_machine, one_thread

SIZES = {
    "article (N=64, 1x28x28, 3 kernels 5x5)": dict(N=64, C=1, H=28, W=28, F=3, K=5, padding=0),
    "larger (N=32, 16x32x32, 32 kernels 3x3, pad 1)": dict(N=32, C=16, H=32, W=32, F=32, K=3, padding=1),
}


def _pair(s: dict, rng):
    """The same forward+backward in bplib and in PyTorch, on the same float32 numbers."""
    import torch

    x = rng.standard_normal((s["N"], s["C"], s["H"], s["W"])).astype(np.float32)
    w = rng.standard_normal((s["F"], s["C"], s["K"], s["K"])).astype(np.float32)
    b = rng.standard_normal(s["F"]).astype(np.float32)
    p = s["padding"]

    def ours():
        z, cache = bp.conv2d_forward(x, w, b, padding=p)
        return bp.conv2d_backward(z, cache)  # upstream gradient = z, i.e. loss = |z|^2 / 2

    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))

    def theirs():
        z = torch.nn.functional.conv2d(xt, wt, bt, padding=p)
        return torch.autograd.grad(z, (xt, wt, bt), grad_outputs=z.detach())

    return ours, theirs


def run(repeats: int = 30) -> dict:
    rng = np.random.default_rng(0)
    results = {}
    with one_thread():
        for name, s in SIZES.items():
            ours, theirs = _pair(s, rng)
            err = max(bp.rel_error(a, r.numpy()) for a, r in zip(ours(), theirs()))
            t_ours, t_torch = compare_ms(ours, theirs, repeats)
            results[name] = (t_ours, t_torch, t_ours / t_torch, err)
    return results


def main() -> None:
    print(f"conv2d forward+backward, float32, one thread ({describe_machine()})")
    for name, (t_ours, t_torch, ratio, err) in run().items():
        print(f"  {name:48s} bplib {t_ours:7.2f} ms  torch {t_torch:7.2f} ms  ratio {ratio:5.2f}  (max rel. diff {err:.1e})")


if __name__ == "__main__":
    main()
