"""Drawing unpooling (S10-S11): each error cell scattered back to its window."""

from __future__ import annotations

import re
import textwrap

import numpy as np

from ..steps.base import fmt_number
from .catalogue import t
from .palette import ACCENT_COLOR, TITLE_SIZE
from .panels import Drawing, MapPanel, ZoomPanel, check_drawable, grid, sym_limit, text_panel

# --- 2. unpooling ---------------------------------------------------------------------------


def describe_unpool(state) -> str:
    """Where this step's error goes, in one line."""
    c, d = state.c, fmt_number(state.delta)
    if state.mode == "gap":
        return t("unpool.gap", c=c, d=d, n=state.size[0] * state.size[1])
    src = f"δ²[{c}, {state.i}, {state.j}] = {d}"
    if state.mode == "max":
        u, v = state.winner
        return t("unpool.max", src=src, c=c, r=state.top + u, q=state.left + v)
    KH, KW = state.size
    return t("unpool.avg", src=src, d=d, n=KH * KW, c=c, rows=f"{state.top}:{state.top + KH}",
             cols=f"{state.left}:{state.left + KW}")


def unpool_note(state) -> str:
    """What this step does, in words: where the maximum sits (ties), or the equal shares; and any overlap."""
    d = fmt_number(state.delta)
    if state.mode == "max":
        m = fmt_number(state.window.max())
        if len(state.ties) > 1:
            note = t("unpool.note_tie", n=len(state.ties), m=m, winner=state.winner, d=d)
        else:
            note = t("unpool.note_max", m=m, winner=state.winner, d=d)
    else:
        KH, KW = state.size
        note = t("unpool.note_avg", n=KH * KW, d=d, share=fmt_number(state.delta / (KH * KW)))
    KH, KW = state.size
    hits = state.hits[state.c, state.top : state.top + KH, state.left : state.left + KW]
    again = int(((hits > 1) & (state.share != 0)).sum())
    if again:
        note += t("unpool.note_overlap", n=again)
    return note


class UnpoolDrawing(Drawing):
    """The forward input with the window, the error map, the unpooled error so far, close-ups."""

    FN, KIND = "draw_unpool", "unpool_steps"

    def __init__(self, ax_or_fig, steps):
        self._check_init(ax_or_fig, steps)
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
        P["x"] = MapPanel(fig.add_subplot(gs[0, 0]), (H, W), "input", sym_limit(x), t("unpool.forward_input"))
        P["x"].add_box("window")
        P["x"].add_box("winner", ACCENT_COLOR, lw=4)
        dy_shape = (1, dy.shape[0]) if steps.mode == "gap" else dy.shape[1:]
        P["dy"] = MapPanel(fig.add_subplot(gs[0, 1]), dy_shape, "error", lim_d, t("unpool.error_after"))
        P["dy"].add_box("cell")
        P["dx"] = MapPanel(fig.add_subplot(gs[0, 2]), (H, W), "error", lim_d, t("unpool.dx_so_far"))
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
        P["x"].update(self.steps.x[c], title=t("unpool.forward_input_c", c=c))
        P["x"].set_box("window", state.top, state.left, KH, KW)
        if state.mode == "gap":
            P["dy"].update(self.steps.dy[:, 0, 0][None], title=t("unpool.after_gap"))
            P["dy"].set_box("cell", 0, c, 1, 1)
        else:
            P["dy"].update(self.steps.dy[c], title=t("unpool.error_after_c", c=c))
            P["dy"].set_box("cell", state.i, state.j, 1, 1)
        P["dx"].update(state.dx_so_far[c], title=t("unpool.dx_so_far_c", c=c))
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
        self.note.set_text(_wrap(unpool_note(state), 28 if state.mode != "gap" else 60))
        self.header.set_text(describe_unpool(state))
        self.step_text.set_text(t("panels.step", k=state.k + 1, n=self.steps.n_steps))


def _wrap(note: str, width: int) -> str:
    """note in lines of at most width characters (a Chinese character counts as two), "(u, v)" kept on one line."""
    if not any(ord(ch) > 0x2E80 for ch in note):
        note = note.replace(", ", ",\u00a0")
        return "\n".join(textwrap.wrap(note, width, break_on_hyphens=False)).replace("\u00a0", " ")
    # Chinese has no spaces: a line may break before any Chinese character (not before closing punctuation)
    # or at a space; numbers, symbols and "(u, v)" stay whole
    tokens = re.findall(r"[=→] [^ \u2e80-\uffff]+|\([^()]*\)|[\u2e80-\uffff]|[^ \u2e80-\uffff(]+|\(| +", note)
    lines, line, used = [], "", 0
    for tok in tokens:
        w = sum(2 if ord(ch) > 0x2E80 else 1 for ch in tok)
        if used + w > width and line.strip() and not tok.isspace() and tok not in "，。；：）、":
            lines.append(line.rstrip())
            line, used = "", 0
        if not (tok.isspace() and not line):
            line, used = line + tok, used + w
    return "\n".join([*lines, line.rstrip()])


def draw_unpool(ax_or_fig, state, steps) -> UnpoolDrawing:
    """Draw unpool_steps' state; returns the drawing (.artists, .update(state)). None: a new Figure."""
    return UnpoolDrawing.draw(ax_or_fig, state, steps)
