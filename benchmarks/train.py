"""One training step of the article's network: bplib vs PyTorch, float32, batch 64, one thread each.

    python -m benchmarks.train

A step is forward, mean cross-entropy, backward and the SGD update, on real MNIST batches
(the shipped data). Both sides start from the same weights and see the same batches in
the same order, so after timing they must still hold (nearly) the same weights: the
printed max rel. diff checks that the two ran the same computation. Target: ratio <= 1.5.
"""

from __future__ import annotations

import itertools

import numpy as np

import bplib as bp

from ._timing import compare_ms, describe_machine, one_thread

BATCH = 64
LR = 0.1


def _pair(n_batches: int = 16):
    """A bplib step and a PyTorch step of the same network, on the same batches and weights."""
    import torch
    import torch.nn.functional as F

    (x, y), _ = bp.load_mnist()
    batches = [(x[i : i + BATCH], y[i : i + BATCH]) for i in range(0, n_batches * BATCH, BATCH)]

    net = bp.ArticleNet(dtype=np.float32, seed=0)
    ours_iter = itertools.cycle(batches)

    def ours():
        xb, yb = next(ours_iter)
        trace = net.forward(xb)
        net.loss(trace, yb)
        net.step(net.backward(trace, yb), LR)

    params = {k: torch.tensor(v, requires_grad=True) for k, v in net.params().items()}
    opt = torch.optim.SGD(params.values(), lr=LR)
    torch_batches = [(torch.from_numpy(xb), torch.from_numpy(yb)) for xb, yb in batches]
    theirs_iter = itertools.cycle(torch_batches)

    def theirs():
        xb, yb = next(theirs_iter)
        a1 = torch.relu(F.conv2d(xb, params["W1"], params["b1"]))
        z4 = F.linear(F.max_pool2d(a1, 2).flatten(1), params["W4"], params["b4"])
        loss = F.cross_entropy(z4, yb)
        opt.zero_grad()
        loss.backward()
        opt.step()

    def max_rel_diff():
        return max(bp.rel_error(v, params[k].detach().numpy()) for k, v in net.params().items())

    return ours, theirs, max_rel_diff


def run(repeats: int = 40, rounds: int = 5) -> tuple[float, float, float, float]:
    """(bplib ms, torch ms, ratio, max rel. diff of the weights afterwards).

    The two are timed in alternating rounds and each keeps its fastest round's median, so
    a burst of load from another process on a small machine does not land on one side only.
    """
    with one_thread():
        ours, theirs, diff = _pair()
        t_ours, t_torch = compare_ms(ours, theirs, repeats, rounds)
    return t_ours, t_torch, t_ours / t_torch, diff()


def main() -> None:
    t_ours, t_torch, ratio, err = run()
    print(f"ArticleNet training step, batch {BATCH}, float32, one thread ({describe_machine()})")
    print(f"  bplib {t_ours:6.2f} ms/step  torch {t_torch:6.2f} ms/step  ratio {ratio:5.2f}")
    print(f"  (weights after the timed steps, bplib vs torch: max rel. diff {err:.1e})")


if __name__ == "__main__":
    main()
