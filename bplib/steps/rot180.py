"""The state sequence of rot180 (S13): the kernel turning, or flipped twice."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._checks import as_float_array, check_int
from ..conv import rot180
from .base import Steps

# --- 4. rot180 (S13) ----------------------------------------------------------------------


class Rot180State(NamedTuple):
    """Where each weight w[u, v] sits at this frame, and what the grid reads when aligned."""

    k: int
    mode: str  # "rotate" or "mirror"
    angle: float  # degrees turned so far (rotate mode)
    scale: tuple  # (row scale, col scale): -1 once that mirror flip is done
    pos: np.ndarray  # (KH, KW, 2) current (row, col) centre of weight w[u, v]
    labels: tuple  # labels[u][v]: the index label that w[u, v] carries
    grid: np.ndarray | None  # (KH, KW) the kernel as it reads on the grid, None mid-move
    phase: str

    @property
    def so_far(self):
        return self.grid


def rot180_steps(w, mode: str = "rotate", frames: int = 6) -> Steps:
    """The kernel turning 180 degrees, or flipped upside down and then left-right.

    w (KH, KW). mode="rotate": frames+1 steps, angle 0 .. 180; mode="mirror": 2*frames+1
    steps, the row flip then the column flip. The last grid equals rot180(w); weight
    w[u, v] ends at (KH-1-u, KW-1-v) and its label says so.
    """
    fn = "rot180_steps"
    w = as_float_array(w, "w", fn)
    if w.ndim != 2:
        raise ValueError(f"{fn}: w must be one 2-D kernel (KH, KW), got w.shape={w.shape}; pick one, e.g. w[0, 0]")
    if not isinstance(mode, str) or mode not in ("rotate", "mirror"):
        raise ValueError(f"{fn}: mode must be 'rotate' or 'mirror', got {mode!r}")
    frames = check_int(frames, "frames", fn, 1)
    KH, KW = w.shape
    uu, vv = np.meshgrid(np.arange(KH), np.arange(KW), indexing="ij")
    du, dv = uu - (KH - 1) / 2, vv - (KW - 1) / 2
    n = frames + 1 if mode == "rotate" else 2 * frames + 1

    def make(k):
        if mode == "rotate":
            angle, sr, sc = 180.0 * k / frames, 1.0, 1.0
            phase = f"turned {angle:.0f}° of 180°"
        else:
            angle = 0.0
            t1, t2 = min(k, frames) / frames, max(k - frames, 0) / frames
            sr, sc = float(np.cos(np.pi * t1)), float(np.cos(np.pi * t2))
            phase = "flip rows (upside down)" if k <= frames else "flip columns (left-right)"
        th = np.deg2rad(angle)
        # counter-clockwise on screen, where rows grow downwards
        r, q = du * sr, dv * sc
        pos = np.stack([r * np.cos(th) - q * np.sin(th) + (KH - 1) / 2, q * np.cos(th) + r * np.sin(th) + (KW - 1) / 2], axis=-1)
        pos = np.where(np.abs(pos - np.round(pos)) < 1e-9, np.round(pos), pos)
        aligned = np.allclose(pos, np.round(pos))
        grid = None
        if aligned:
            grid = np.empty_like(w)
            grid[pos[..., 0].astype(int), pos[..., 1].astype(int)] = w
        done = k == n - 1
        arrows = done and KW <= 3  # wider kernels: "(u,v)→(u',v')" no longer fits a cell; the header says it
        labels = tuple(
            tuple(f"({u},{v})→({KH - 1 - u},{KW - 1 - v})" if arrows else f"({u},{v})" for v in range(KW)) for u in range(KH)
        )
        return Rot180State(k, mode, angle, (sr, sc), pos, labels, grid, "rot180(W): done" if done else phase)

    return Steps(fn, n, make, w=w, mode=mode, frames=frames, flipped=rot180(w))
