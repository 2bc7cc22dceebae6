"""Drawing rot180 (S13): the kernel turning, each weight carrying its index label to its new place."""

from __future__ import annotations

import numpy as np
from matplotlib.collections import PolyCollection
from matplotlib.patches import Rectangle

from ..steps.base import fmt_number
from .catalogue import t
from .palette import EMPTY_COLOR, HIGHLIGHT_COLOR, TITLE_SIZE
from .panels import Drawing, MapPanel, axes_points, check_drawable, grid, sym_limit, text_colors
from .text import NumberGrid, PathText

__all__ = ["draw_rot180", "describe_rot180", "phase_text"]

_CORNERS = np.array([[-0.5, -0.5], [-0.5, 0.5], [0.5, 0.5], [0.5, -0.5]])  # (row, col) offsets of a cell


def _done(state) -> bool:
    return state.phase.endswith("done")


def phase_text(state) -> str:
    """The state's phase in words: turned so far, which flip, or done."""
    if _done(state):
        return t("rot180.phase_done")
    if state.mode == "rotate":
        return t("rot180.phase_turned", angle=state.angle)
    return t("rot180.phase_rows" if state.phase.startswith("flip rows") else "rot180.phase_cols")


def describe_rot180(state) -> str:
    """The step in one line: how far the kernel has turned (or which flip), and where w[u, v] ends up."""
    KH, KW = state.pos.shape[:2]
    if _done(state):
        return t("rot180.done_describe", a=KH - 1, b=KW - 1)
    if state.mode == "rotate":
        return t("rot180.turning", angle=state.angle)
    return t("rot180.mirror", phase=phase_text(state))


class Rot180Drawing(Drawing):
    """W (with indices), the moving kernel over the empty slots, and rot180(W) once it lands."""

    FIGSIZE = (12, 5.6)
    FN, KIND = "draw_rot180", "rot180_steps"

    def __init__(self, ax_or_fig, steps):
        self._check_init(ax_or_fig, steps)
        w = steps.w
        check_drawable("draw_rot180", kernel_kernel=w.shape)
        self.steps = steps
        KH, KW = w.shape
        fig, gs = grid(ax_or_fig, 1, 3, width_ratios=[1, 1.45, 1], left=0.02, right=0.98, top=0.8, bottom=0.03, wspace=0.1)
        super().__init__(fig)
        lim = sym_limit(w)
        self.panels["w"] = MapPanel(fig.add_subplot(gs[0, 0]), (KH, KW), "kernel", lim, "W", numbers=True, static=True)
        self.panels["w"].update(w)
        self.panels["flip"] = MapPanel(fig.add_subplot(gs[0, 2]), (KH, KW), "kernel", lim, "bplib.rot180(W)", numbers=True)
        ax = self.ax = fig.add_subplot(gs[0, 1])
        R = np.hypot(KH, KW) / 2 + 0.15
        cu, cv = (KH - 1) / 2, (KW - 1) / 2
        ax.set_xlim(cv - R, cv + R)
        ax.set_ylim(cu + R, cu - R)
        ax.set_aspect("equal")
        ax.axis("off")
        self.title = self.add_text(PathText(ax, 0.5, 1.0, size=TITLE_SIZE, ha="center", va="bottom"))
        for u in range(KH):  # the empty slots the weights move between, with their indices
            for v in range(KW):
                ax.add_patch(Rectangle((v - 0.5, u - 0.5), 1, 1, fill=False, edgecolor=EMPTY_COLOR, linestyle="--", lw=1.5))
        self.colors = self.panels["w"].cmap(self.panels["w"].norm(w)).reshape(-1, 4)
        self.cells = ax.add_collection(PolyCollection([], facecolors=self.colors, edgecolors=HIGHLIGHT_COLOR, linewidths=2.5,
                                                      zorder=3))
        cell_pt = min(axes_points(ax)) / (2 * R)
        self.values = NumberGrid(ax, (KH, KW), min(18, cell_pt / 3.4), cell_pt)
        self.labels = NumberGrid(ax, (KH, KW), min(14, cell_pt / 5.5), cell_pt)
        self.light = text_colors(self.colors.reshape(KH, KW, 4)).ravel() == "#FFFFFF"
        self._extra_dynamic += [self.cells, *self.values.patches, *self.labels.patches]
        self.update(steps.state(0))

    def _update(self, state) -> None:
        KH, KW = self.steps.w.shape
        sr, sc = state.scale
        th = np.deg2rad(state.angle)
        r, q = _CORNERS[:, 0] * sr, _CORNERS[:, 1] * sc
        rows = state.pos[..., 0, None] + r * np.cos(th) - q * np.sin(th)  # (KH, KW, 4), as the centres turn
        cols = state.pos[..., 1, None] + q * np.cos(th) + r * np.sin(th)
        self.cells.set_verts(np.stack([cols, rows], axis=-1).reshape(-1, 4, 2))
        centres = state.pos[..., ::-1].reshape(-1, 2)  # (x, y) = (col, row)
        self.values.set([fmt_number(v) for v in self.steps.w.ravel()], self.light, centres - [0, 0.12])
        self.labels.set([lab for row in state.labels for lab in row], self.light, centres + [0, 0.3])
        if state.grid is not None and state.k == self.steps.n_steps - 1:
            self.panels["flip"].update(self.steps.flipped)
        else:
            self.panels["flip"].update(np.full((KH, KW), np.nan))
        aligned = "" if state.grid is None else (t("rot180.reads_w") if state.k == 0 else t("rot180.reads_flipped")
                                                 if state.mode == "mirror" and state.k < self.steps.n_steps - 1 else "")
        self.title.set_text(phase_text(state) + aligned)
        self.header.set_text(describe_rot180(state))
        self.step_text.set_text(t("panels.step", k=state.k + 1, n=self.steps.n_steps))


def draw_rot180(ax_or_fig, state, steps) -> Rot180Drawing:
    """Draw rot180_steps' state; returns the drawing (.artists, .update(state)). None: a new Figure."""
    return Rot180Drawing.draw(ax_or_fig, state, steps)
