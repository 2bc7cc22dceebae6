"""Drawing unpooling (S10-S11): each error cell scattered back to its window."""

from __future__ import annotations

import textwrap

import numpy as np

from ..steps.base import fmt_number
from .palette import ACCENT_COLOR, TITLE_SIZE
from .panels import Drawing, MapPanel, ZoomPanel, check_drawable, grid, sym_limit, text_panel

# --- 2. unpooling ---------------------------------------------------------------------------


def describe_unpool(state) -> str:
    """Where this step's error goes, in one line."""
    c, d = state.c, fmt_number(state.delta)
    if state.mode == "gap":
        return f"δ[{c}] = {d} → every cell of ∂C/∂a¹[{c}] gets {d}/{state.size[0] * state.size[1]}"
    src = f"δ²[{c}, {state.i}, {state.j}] = {d}"
    if state.mode == "max":
        u, v = state.winner
        return f"{src} → ∂C/∂a¹[{c}, {state.top + u}, {state.left + v}] (the window's maximum)"
    KH, KW = state.size
    return f"{src} → {d}/{KH * KW} to each cell of ∂C/∂a¹[{c}, {state.top}:{state.top + KH}, {state.left}:{state.left + KW}]"


class UnpoolDrawing(Drawing):
    """The forward input with the window, the error map, the unpooled error so far, close-ups."""

    def __init__(self, ax_or_fig, steps):
        x, dy = steps.x, steps.dy
        check_drawable("draw_unpool", input_map=x.shape, error_map=dy.shape, input_channels=x.shape[0])
        self.steps = steps
        fig, gs = grid(ax_or_fig, 2, 3, width_ratios=[1, 1, 1], left=0.02, right=0.98, top=0.86, bottom=0.02, hspace=0.25,
                       wspace=0.12)
        super().__init__(fig)
        P = self.panels
        KH, KW = steps.size
        H, W = x.shape[1:]
        final = steps.state(-1).dx_so_far
        lim_d = sym_limit(dy, final)
        P["x"] = MapPanel(fig.add_subplot(gs[0, 0]), (H, W), "input", sym_limit(x), "forward input a¹")
        P["x"].add_box("window")
        P["x"].add_box("winner", ACCENT_COLOR, lw=4)
        dy_shape = (1, dy.shape[0]) if steps.mode == "gap" else dy.shape[1:]
        P["dy"] = MapPanel(fig.add_subplot(gs[0, 1]), dy_shape, "error", lim_d, "error δ after pooling")
        P["dy"].add_box("cell")
        P["dx"] = MapPanel(fig.add_subplot(gs[0, 2]), (H, W), "error", lim_d, "∂C/∂a¹ = unpooled δ, so far")
        P["dx"].add_box("window")
        self.overlaps = P["dx"].ax.scatter([], [], s=60, marker="o", facecolors=ACCENT_COLOR, edgecolors="black", zorder=7)
        self._extra_dynamic.append(self.overlaps)
        if steps.mode == "gap":
            self.note = self.add_text(text_panel(fig, gs[1, 0:2], size=TITLE_SIZE + 2))
        else:
            P["xz"] = ZoomPanel(fig.add_subplot(gs[1, 0]), (H, W), (KH, KW), "input", sym_limit(x), "a¹")
            P["xz"].add_box("winner", ACCENT_COLOR, lw=6)
            self.ties = [P["xz"].add_box(f"tie{n}", ACCENT_COLOR, lw=3, ls="--") for n in range(KH * KW)]
            self.note = self.add_text(text_panel(fig, gs[1, 1], size=TITLE_SIZE + 1))
        P["dxz"] = ZoomPanel(fig.add_subplot(gs[1, 2]), (H, W), (KH, KW), "error", lim_d, "∂C/∂a¹")
        self.update(steps.state(0))

    def _update(self, state) -> None:
        P, c, (KH, KW) = self.panels, state.c, state.size
        P["x"].update(self.steps.x[c], title=f"forward input a¹[{c}]")
        P["x"].set_box("window", state.top, state.left, KH, KW)
        if state.mode == "gap":
            P["dy"].update(self.steps.dy[:, 0, 0][None], title="δ after GAP, one per channel")
            P["dy"].set_box("cell", 0, c, 1, 1)
        else:
            P["dy"].update(self.steps.dy[c], title=f"error δ²[{c}] after pooling")
            P["dy"].set_box("cell", state.i, state.j, 1, 1)
        P["dx"].update(state.dx_so_far[c], title=f"∂C/∂a¹[{c}] = unpooled δ, so far")
        P["dx"].set_box("window", state.top, state.left, KH, KW)
        rows, cols = np.nonzero(state.hits[c] > 1)
        self.overlaps.set_offsets(np.column_stack([cols, rows]) if len(rows) else np.zeros((0, 2)))
        P["dxz"].show(state.dx_so_far[c], state.top, state.left, KH, KW)
        if state.mode == "max":
            u, v = state.winner
            P["x"].set_box("winner", state.top + u, state.left + v, 1, 1)
            P["xz"].show(self.steps.x[c], state.top, state.left, KH, KW)
            r0, c0 = P["xz"].origin
            P["xz"].set_box("winner", state.top + u - r0, state.left + v - c0, 1, 1)
            for n, box in enumerate(self.ties):
                box.set_visible(len(state.ties) > 1 and n < len(state.ties))
                if box.get_visible():
                    tu, tv = state.ties[n]
                    P["xz"].set_box(f"tie{n}", state.top + tu - r0, state.left + tv - c0, 1, 1)
        elif state.mode == "avg":
            P["x"].boxes["winner"].set_visible(False)
            P["xz"].show(self.steps.x[c], state.top, state.left, KH, KW)
            P["xz"].boxes["winner"].set_visible(False)
        note = state.note.replace(", ", ",\u00a0")  # keep "(u, v)" on one line
        lines = textwrap.wrap(note, 28 if state.mode != "gap" else 60, break_on_hyphens=False)
        self.note.set_text("\n".join(lines).replace("\u00a0", " "))
        self.header.set_text(describe_unpool(state))
        self.step_text.set_text(f"step {state.k + 1} / {self.steps.n_steps}")


def draw_unpool(ax_or_fig, state, steps) -> UnpoolDrawing:
    """Draw unpool_steps' state; returns the drawing (.artists, .update(state)). None: a new Figure."""
    return UnpoolDrawing.draw(ax_or_fig, state, steps)
