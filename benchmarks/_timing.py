"""Shared timing helpers for the benchmarks: best-of-repeats, single-threaded BLAS."""

from __future__ import annotations

import os
import time
from contextlib import contextmanager


def best_ms(fn, repeats: int = 20, warmup: int = 3) -> float:
    """Median wall time of fn() in milliseconds over `repeats` runs after `warmup` runs."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    times.sort()
    return times[len(times) // 2]


def compare_ms(ours, theirs, repeats: int = 30, rounds: int = 5, warmup: int = 5) -> tuple[float, float]:
    """(ours ms, theirs ms): each timed in alternating rounds, keeping its fastest round's median.

    Alternating means a burst of load from another process on a small machine does not
    land on one side only.
    """
    t_ours, t_theirs = [], []
    for _ in range(rounds):
        t_ours.append(best_ms(ours, repeats, warmup))
        t_theirs.append(best_ms(theirs, repeats, warmup))
    return min(t_ours), min(t_theirs)


@contextmanager
def one_thread():
    """Run NumPy's BLAS and PyTorch on one thread each, so the ratio compares like with like."""
    import torch
    from threadpoolctl import threadpool_limits

    old = torch.get_num_threads()
    torch.set_num_threads(1)
    with threadpool_limits(limits=1):
        yield
    torch.set_num_threads(old)


def describe_machine() -> str:
    import numpy as np
    import torch

    return f"numpy {np.__version__}, torch {torch.__version__}, {os.cpu_count()} cores"
