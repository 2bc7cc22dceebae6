"""A kernel learned by gradient descent, drawn as it converges (notebook 08's capstone exercise).

``draw_kernel_history(axes, history, losses)`` draws a few snapshots of the kernel, each a
numbered grid on one colour scale, and the cost per step on a log scale in the last Axes.
"""

from __future__ import annotations

import numpy as np

from ..catalogue import t
from ..palette import CMAPS, ERROR_COLOR
from ..panels import sym_limit
from .grids import draw_value_grid


def snapshot_steps(n_steps: int, n_shown: int) -> list:
    """n_shown steps out of 0 .. n_steps, spaced evenly on a log scale (0 and n_steps always included).

    n_steps, n_shown ints >= 1 -> a sorted list of distinct step numbers (fewer if n_steps is small).
    """
    if int(n_steps) != n_steps or n_steps < 1 or int(n_shown) != n_shown or n_shown < 2:
        raise ValueError(f"snapshot_steps: expected whole numbers n_steps >= 1 and n_shown >= 2, "
                         f"got n_steps={n_steps!r}, n_shown={n_shown!r}")
    inner = np.geomspace(1, n_steps, int(n_shown) - 1)
    return sorted({0, *(int(round(s)) for s in inner)})


def draw_kernel_history(axes, history, losses, steps=None, fontsize=12):
    """Draw kernel snapshots from gradient descent and the cost curve.

    axes: k + 1 Axes (k snapshots, then the curve); history (T + 1, KH, KW): the kernel before
    step 0 and after each of T steps; losses (T,) or (T + 1,): losses[t] is the cost of history[t]
    (all > 0 for the log scale); steps: the k step numbers to show (default: snapshot_steps(T, k)).
    Returns {"grids": [draw_value_grid's dict, ...], "curve": Line2D, "markers": [Line2D, ...]}.
    """
    axes = list(axes)
    history = np.asarray(history, dtype=float)
    losses = np.asarray(losses, dtype=float)
    if history.ndim != 3 or history.shape[0] < 2:
        raise ValueError(f"draw_kernel_history: history should be (T + 1, KH, KW) with T >= 1, got shape {history.shape}")
    T = history.shape[0] - 1
    if losses.ndim != 1 or len(losses) not in (T, T + 1):
        raise ValueError(f"draw_kernel_history: losses should be ({T},) or ({T + 1},) for history {history.shape}, "
                         f"got shape {losses.shape}")
    if not np.all(np.isfinite(losses)) or np.any(losses <= 0):
        raise ValueError("draw_kernel_history: losses should be finite and positive (they go on a log scale)")
    if len(axes) < 2:
        raise ValueError(f"draw_kernel_history: expected at least 2 axes (snapshots, then the curve), got {len(axes)}")
    steps = snapshot_steps(T, len(axes) - 1) if steps is None else [int(s) for s in steps]
    if len(steps) > len(axes) - 1 or any(not 0 <= s <= T for s in steps):
        raise ValueError(f"draw_kernel_history: steps {steps} should be at most {len(axes) - 1} numbers in 0..{T}")
    for ax in axes[len(steps):-1]:
        ax.set_axis_off()
    lim = sym_limit(history[steps])
    grids = [draw_value_grid(ax, history[s], CMAPS["kernel"], lim, t("learning.step_k", s=s), fontsize, ticks=False)
             for ax, s in zip(axes, steps)]
    ax = axes[-1]
    x = np.arange(len(losses))  # losses[x] is the cost of history[x]
    (curve,) = ax.semilogy(x, losses, color=ERROR_COLOR, lw=3)
    markers = [ax.axvline(s, color="0.6", lw=1, ls="--") for s in steps]
    ax.set_xlabel(t("learning.step"))
    ax.set_title(t("learning.cost"))
    return {"grids": grids, "curve": curve, "markers": markers}
