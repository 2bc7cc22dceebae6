"""Drawing the convolution as a matrix (S14): C and its transpose, with the error flowing back."""

from __future__ import annotations

import numpy as np
from matplotlib.colors import Normalize

from .._checks import check_bool
from ..steps.base import fmt_number
from .catalogue import t
from .palette import (
    CMAPS,
    HIGHLIGHT_COLOR,
    TITLE_SIZE,
)
from .panels import (
    Drawing,
    LabelPanel,
    MapPanel,
    _panels,
    check_ax_or_fig,
    check_drawable,
    check_state,
    check_steps,
    grid,
    new_figure,
    sym_limit,
    text_panel,
)

MAX_MATRIX_SIDE = 100  # rows or columns of a convolution matrix drawn


def _box_of(mask2d):
    """(top, left, height, width) of the True cells of a 2-D mask, or None."""
    rr, cc = np.nonzero(mask2d)
    if not len(rr):
        return None
    return int(rr.min()), int(cc.min()), int(rr.max() - rr.min() + 1), int(cc.max() - cc.min() + 1)


# --- S14: the convolution matrix C and its transpose --------------------------------------------


def check_matrix(fn: str, steps) -> None:
    """ValueError if steps are not conv_matrix_steps' or the convolution (its maps, kernels or matrix) is too large to show."""
    check_steps(fn, steps, "conv_matrix_steps")
    F, C, KH, KW = steps.w.shape
    check_drawable(fn, input_map=(1,) + tuple(steps.input_hw), kernel_kernel=(KH, KW), input_channels=C, output_channels=F)
    rows, cols = steps.matrix.shape
    if max(rows, cols) > MAX_MATRIX_SIDE:
        raise ValueError(f"{fn}: the convolution matrix C is {rows}x{cols}, too large to show; the limit is "
                         f"{MAX_MATRIX_SIDE} rows and columns (MAX_MATRIX_SIDE in bplib.viz.matrix)")


def matrix_panel(ax, steps, transposed: bool, title: str) -> LabelPanel:
    """C (or Cᵀ) as a grid: each nonzero entry coloured by its weight and labelled with its symbol."""
    M = steps.matrix.T if transposed else steps.matrix
    rows, cols, widx = steps.widx
    labels = np.full(steps.matrix.shape, "", dtype=object)
    labels[rows, cols] = np.array(steps.symbols, dtype=object)[widx]
    labels = labels.T if transposed else labels
    panel = LabelPanel(ax, M.shape, "kernel", sym_limit(steps.w), title, max_chars=max(map(len, steps.symbols)), static=True)
    panel.update(M)
    panel.set_labels(labels.ravel())
    H, W = steps.input_hw
    F, Ho, Wo = steps.output_shape
    lines = [(ax.axvline if not transposed else ax.axhline, c * H * W - 0.5) for c in range(1, steps.w.shape[1])]
    lines += [(ax.axhline if not transposed else ax.axvline, f * Ho * Wo - 0.5) for f in range(1, F)]
    for line, at in lines:  # channel blocks of the columns, output-map blocks of the rows
        line(at, color=HIGHLIGHT_COLOR, lw=1.5, ls=":")
    return panel


class ConvMatrixDrawing(Drawing):
    """Mode C: the kernel, the input with row k's window, the output cell, the matrix C with row k.

    Mode Cᵀ: the matrix Cᵀ with column k, the error δ, what δ[k] sends back, and Cᵀδ so far.
    """

    FN, KIND = "draw_conv_matrix", "conv_matrix_steps"

    def __init__(self, ax_or_fig, steps, transposed: bool = False):
        transposed = check_bool(transposed, "transposed", self.FN)
        check_ax_or_fig(self.FN, ax_or_fig, allow_none=False)
        check_matrix(self.FN, steps)
        self.steps, self.transposed = steps, transposed
        F, C, KH, KW = steps.w.shape
        H, W = steps.input_hw
        if not transposed:
            R, K = steps.matrix.shape
            fig, gs = grid(ax_or_fig, 2, 3, height_ratios=[1.3, max(0.9, min(2.6, 3.9 * R / K))], width_ratios=[1, C, F],
                           left=0.03, right=0.97, top=0.88, bottom=0.03, hspace=0.35, wspace=0.25)
            super().__init__(fig)
            P = self.panels
            sub = gs[0, 0].subgridspec(F, C, hspace=0.4, wspace=0.2)
            for f in range(F):
                for c in range(C):
                    name = t("matrix.kernel") if F * C == 1 else f"w[{f}, {c}]"
                    kp = P[f"w{f}{c}"] = LabelPanel(fig.add_subplot(sub[f, c]), (KH, KW), "kernel", sym_limit(steps.w), name,
                                                    max_chars=max(map(len, steps.symbols)), static=True)
                    kp.update(steps.w[f, c])
                    n0 = ((f * C + c) * KH) * KW
                    kp.set_labels(steps.symbols[n0 : n0 + KH * KW])

            def make_x(ax, c):
                title = t("matrix.input_col") if C == 1 else t("matrix.x_col", c=c)
                lim = sym_limit(steps.w)
                p = LabelPanel(ax, (H, W), "input", lim, title, max_chars=len(str(C * H * W - 1)), cmap=CMAPS["kernel"],
                               norm=Normalize(-lim, lim))
                p.add_box("window", lw=4)
                return p

            def make_z(ax, f):
                title = t("matrix.output_row") if F == 1 else t("matrix.z_row", f=f)
                p = LabelPanel(ax, steps.output_shape[1:], "output", 1.0, title, max_chars=len(str(steps.n_steps - 1)))
                p.add_box("cell", lw=4)
                return p

            for c, p in enumerate(_panels(fig, gs[0, 1], C, False, make_x)):
                P[f"x{c}"] = p
            for f, p in enumerate(_panels(fig, gs[0, 2], F, False, make_z)):
                P[f"z{f}"] = p
            P["M"] = matrix_panel(fig.add_subplot(gs[1, :]), steps, False, t("matrix.C_title", R=R, K=K))
            P["M"].add_box("line", lw=4)
        else:
            K, R = steps.matrix.T.shape
            # Cᵀ tall on the left; δ → δ[k]·column k (top), the note and Cᵀδ so far (bottom)
            fig, gs = grid(ax_or_fig, 2, 3, width_ratios=[max(0.7, min(2.2, 2.6 * R / K)), 1.2, 1.2], left=0.02,
                           right=0.98, top=0.87, bottom=0.02, hspace=0.3, wspace=0.15)
            super().__init__(fig)
            P = self.panels
            P["M"] = matrix_panel(fig.add_subplot(gs[:, 0]), steps, True, f"Cᵀ ({K} × {R})")
            P["M"].add_box("line", lw=4)
            lim_d, lim_b = sym_limit(steps.delta), sym_limit(steps.matrix.T @ steps.delta.ravel(),
                                                              np.abs(steps.matrix) * np.abs(steps.delta).max())
            for f, ax in enumerate(_panels(fig, gs[0, 1], F, False, lambda ax, t: ax)):
                P[f"d{f}"] = MapPanel(ax, steps.output_shape[1:], "error", lim_d, t("matrix.error") if F == 1 else f"δ[{f}]",
                                      static=True)  # numbers when they fit
                P[f"d{f}"].update(steps.delta[f])
                P[f"d{f}"].add_box("cell", lw=4)
            for c, ax in enumerate(_panels(fig, gs[0, 2], C, False, lambda ax, t: ax)):
                P[f"c{c}"] = MapPanel(ax, (H, W), "error", lim_b, "")
                P[f"c{c}"].add_box("window", lw=4)
            for c, ax in enumerate(_panels(fig, gs[1, 2], C, False, lambda ax, t: ax)):
                P[f"b{c}"] = MapPanel(ax, (H, W), "error", lim_b, "")
                P[f"b{c}"].add_box("window", lw=4)
            self.note = self.add_text(text_panel(fig, gs[1, 1], size=TITLE_SIZE + 1))
        self.update(steps.state(0))

    def _update(self, state) -> None:
        P, steps = self.panels, self.steps
        F, C, KH, KW = steps.w.shape
        H, W = steps.input_hw
        where = f"[{state.f}, {state.i}, {state.j}]"
        box = [_box_of(state.window[c]) for c in range(C)]
        if not self.transposed:
            P["M"].set_box("line", state.k, 0, 1, P["M"].shape[1])
            for c in range(C):
                P[f"x{c}"].update(np.where(state.window[c], state.row.reshape(C, H, W)[c], 0.0))
                P[f"x{c}"].set_labels(str(c * H * W + t) for t in range(H * W))
                P[f"x{c}"].boxes["window"].set_visible(box[c] is not None)
                if box[c]:
                    P[f"x{c}"].set_box("window", *box[c])
            for f in range(F):
                one = np.zeros(steps.output_shape[1:])
                if f == state.f:
                    one[state.i, state.j] = 1.0
                P[f"z{f}"].update(one)
                Ho, Wo = one.shape
                P[f"z{f}"].set_labels(str(f * Ho * Wo + t) for t in range(Ho * Wo))
                P[f"z{f}"].boxes["cell"].set_visible(f == state.f)
                if f == state.f:
                    P[f"z{f}"].set_box("cell", state.i, state.j, 1, 1)
            self.header.set_text(t("matrix.row_header", k=state.k, where=where, n=len(state.taps)))
        else:
            P["M"].set_box("line", 0, state.k, P["M"].shape[0], 1)
            for f in range(F):
                P[f"d{f}"].boxes["cell"].set_visible(f == state.f)
                if f == state.f:
                    P[f"d{f}"].set_box("cell", state.i, state.j, 1, 1)
            for c in range(C):
                top = t("matrix.contribution", where=where, k=state.k) if c == 0 else ""
                P[f"c{c}"].update(state.contribution[c], title=top)
                P[f"b{c}"].update(state.backflow_so_far[c], title=t("matrix.backflow") if c == 0 else "")
                for name in ("c", "b"):
                    P[f"{name}{c}"].boxes["window"].set_visible(box[c] is not None)
                    if box[c]:
                        P[f"{name}{c}"].set_box("window", *box[c])
            done = state.k == steps.n_steps - 1
            diff = float(np.max(np.abs(state.backflow_so_far - state.backflow)))
            self.note.set_text(t("matrix.note", k=state.k, where=where, d=fmt_number(state.delta), n=len(state.taps))
                               + (t("matrix.note_done", diff=f"{diff:.0e}") if done else t("matrix.note_running")))
            self.header.set_text(t("matrix.T_header", k=state.k, where=where))
        self.step_text.set_text(t("matrix.cell_step", k=state.k + 1, n=steps.n_steps))


def draw_conv_matrix(ax_or_fig, state, steps, transposed: bool = False) -> ConvMatrixDrawing:
    """Draw conv_matrix_steps' state as C (or Cᵀ); returns the drawing (.update(state), .png()). None: a new Figure."""
    fn = ConvMatrixDrawing.FN
    transposed = check_bool(transposed, "transposed", fn)
    check_ax_or_fig(fn, ax_or_fig)
    check_state(fn, state, steps, ConvMatrixDrawing.KIND)
    check_matrix(fn, steps)
    if ax_or_fig is None:
        ax_or_fig = new_figure(14, 8.2) if not transposed else new_figure(12.5, 8.6)
    drawing = ConvMatrixDrawing(ax_or_fig, steps, transposed)
    drawing.update(state)
    return drawing


# --- S5: flatten order -----------------------------------------------------------------------
