"""Drawing the explorers' states: the matrix C and Cᵀ (S14), flatten order (S5); receptive fields (S15) in viz_receptive.

Each ``draw_<name>(ax_or_fig, state, steps_or_layers, ...)`` returns a bplib.viz Drawing
(``.update(state)`` changes its artists in place, ``.png()`` renders a frame); the
explorers in bplib.explorers and the static figures in bplib.figures both call them.
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import ListedColormap, Normalize, to_rgb

from ._steps_base import fmt_number
from .viz import (
    ACCENT_COLOR,
    CMAPS,
    HIGHLIGHT_COLOR,
    INPUT_COLOR,
    KERNEL_COLOR,
    MIN_NUMBER_SIZE,
    NUMBER_SIZE,
    OUTPUT_COLOR,
    TITLE_SIZE,
    Drawing,
    MapPanel,
    check_drawable,
    grid,
    new_figure,
    sym_limit,
    text_colors,
    text_panel,
)
from .viz_receptive import MAX_LAYERS, draw_receptive_field
from .viz_text import NumberGrid

__all__ = ["LabelPanel", "draw_conv_matrix", "draw_receptive_field", "draw_flatten_order", "CHANNEL_COLORS",
           "MAX_MATRIX_SIDE", "MAX_LAYERS", "MAX_FLAT", "check_matrix"]

MAX_MATRIX_SIDE = 100  # rows or columns of a convolution matrix drawn
MAX_FLAT = 64  # cells of a flattened block (C*H*W)
CHANNEL_COLORS = [INPUT_COLOR, KERNEL_COLOR, OUTPUT_COLOR, ACCENT_COLOR]  # one per channel, up to MAX_CHANNELS


def _tint(color, amount: float = 0.5):
    """color mixed with white: light enough for black text."""
    return tuple(amount * np.array(to_rgb(color)) + (1 - amount))


class LabelPanel(MapPanel):
    """A MapPanel whose cells carry short labels (weight symbols, indices) instead of numbers.

    ``set_labels(strings)`` writes one label per cell (row-major; "" for none) in black or white,
    whichever contrasts with the cell. Labels are drawn when they fit (>= MIN_NUMBER_SIZE points).
    """

    def __init__(self, ax, shape, role, limit, title="", max_chars: int = 3, cmap=None, norm=None, static=False):
        super().__init__(ax, shape, role, limit, title, numbers=False, static=static)
        if cmap is not None:
            self.cmap, self.norm = cmap, norm
            self.image.set_cmap(cmap)
            self.image.set_norm(norm)
        _, cell_pt = self._number_size()
        size = min(NUMBER_SIZE + 3, cell_pt / (0.65 * max_chars + 0.6))  # bold digits are ~0.65 em wide
        self.labels = NumberGrid(ax, self.shape, size, cell_pt) if size >= MIN_NUMBER_SIZE else None

    @property
    def artists(self) -> list:
        return super().artists + (self.labels.patches if self.labels else [])

    def dynamic_artists(self) -> list:
        extra = self.labels.patches if self.labels and not self.static else []
        return super().dynamic_artists() + extra

    def set_labels(self, strings) -> None:
        if self.labels is not None:
            light = text_colors(self.cmap(self.norm(np.nan_to_num(self.values)))) == "#FFFFFF"
            self.labels.set(list(strings), light.ravel())

    def set_edge(self, color) -> None:
        for spine in self.ax.spines.values():
            spine.set_edgecolor(color)


def _panels(fig, cell, n: int, vertical: bool, make, wspace=0.15):
    """n panels side by side (or stacked) in one grid cell; make(ax, t) builds panel t."""
    sub = cell.subgridspec(n, 1, hspace=0.35) if vertical else cell.subgridspec(1, n, wspace=wspace)
    return [make(fig.add_subplot(sub[t, 0] if vertical else sub[0, t]), t) for t in range(n)]


def _box_of(mask2d):
    """(top, left, height, width) of the True cells of a 2-D mask, or None."""
    rr, cc = np.nonzero(mask2d)
    if not len(rr):
        return None
    return int(rr.min()), int(cc.min()), int(rr.max() - rr.min() + 1), int(cc.max() - cc.min() + 1)


# --- S14: the convolution matrix C and its transpose --------------------------------------------


def check_matrix(fn: str, steps) -> None:
    """ValueError if the convolution (its maps, kernels or matrix) is too large to show."""
    F, C, KH, KW = steps.w.shape
    check_drawable(fn, input_map=(1,) + tuple(steps.input_hw), kernel_kernel=(KH, KW), input_channels=C, output_channels=F)
    rows, cols = steps.matrix.shape
    if max(rows, cols) > MAX_MATRIX_SIDE:
        raise ValueError(f"{fn}: the convolution matrix C is {rows}x{cols}, too large to show; the limit is "
                         f"{MAX_MATRIX_SIDE} rows and columns (MAX_MATRIX_SIDE in bplib.viz_explorers)")


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

    def __init__(self, ax_or_fig, steps, transposed: bool = False):
        check_matrix("draw_conv_matrix", steps)
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
                    name = "kernel w" if F * C == 1 else f"w[{f}, {c}]"
                    kp = P[f"w{f}{c}"] = LabelPanel(fig.add_subplot(sub[f, c]), (KH, KW), "kernel", sym_limit(steps.w), name,
                                                    max_chars=max(map(len, steps.symbols)), static=True)
                    kp.update(steps.w[f, c])
                    n0 = ((f * C + c) * KH) * KW
                    kp.set_labels(steps.symbols[n0 : n0 + KH * KW])

            def make_x(ax, c):
                title = "input: column of C" if C == 1 else f"x[{c}]: column of C"
                lim = sym_limit(steps.w)
                p = LabelPanel(ax, (H, W), "input", lim, title, max_chars=len(str(C * H * W - 1)), cmap=CMAPS["kernel"],
                               norm=Normalize(-lim, lim))
                p.add_box("window", lw=4)
                return p

            def make_z(ax, f):
                title = "output: row of C" if F == 1 else f"z[{f}]: row of C"
                p = LabelPanel(ax, steps.output_shape[1:], "output", 1.0, title, max_chars=len(str(steps.n_steps - 1)))
                p.add_box("cell", lw=4)
                return p

            for c, p in enumerate(_panels(fig, gs[0, 1], C, False, make_x)):
                P[f"x{c}"] = p
            for f, p in enumerate(_panels(fig, gs[0, 2], F, False, make_z)):
                P[f"z{f}"] = p
            P["M"] = matrix_panel(fig.add_subplot(gs[1, :]), steps, False, f"C  ({R} × {K}): row k = output cell k, "
                                  "column = input pixel")
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
                P[f"d{f}"] = MapPanel(ax, steps.output_shape[1:], "error", lim_d, "error δ" if F == 1 else f"δ[{f}]",
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
            self.header.set_text(f"row {state.k} of C = output cell z{where}: {len(state.taps)} weights meet "
                                 f"{len(state.taps)} input pixels")
        else:
            P["M"].set_box("line", 0, state.k, P["M"].shape[0], 1)
            for f in range(F):
                P[f"d{f}"].boxes["cell"].set_visible(f == state.f)
                if f == state.f:
                    P[f"d{f}"].set_box("cell", state.i, state.j, 1, 1)
            for c in range(C):
                top = f"δ{where} · column {state.k}" if c == 0 else ""
                P[f"c{c}"].update(state.contribution[c], title=top)
                P[f"b{c}"].update(state.backflow_so_far[c], title="Cᵀδ so far" if c == 0 else "")
                for name in ("c", "b"):
                    P[f"{name}{c}"].boxes["window"].set_visible(box[c] is not None)
                    if box[c]:
                        P[f"{name}{c}"].set_box("window", *box[c])
            done = state.k == steps.n_steps - 1
            diff = float(np.max(np.abs(state.backflow_so_far - state.backflow)))
            self.note.set_text(f"column {state.k} of Cᵀ sends\nδ{where} = {fmt_number(state.delta)}\nto {len(state.taps)} "
                               "input pixels\n\n" + (f"done: Cᵀδ\n= conv_transpose2d(δ, w)\n= conv2d_backward's dx\n"
                                                     f"(max |diff| = {diff:.0e}) →" if done else "the shares add up,\n"
                                                     "cell by cell, to Cᵀδ:\nthe input gradient dx →"))
            self.header.set_text(f"Cᵀ: column {state.k} carries the error δ{where} back to the input")
        self.step_text.set_text(f"cell {state.k + 1} / {steps.n_steps}")


def draw_conv_matrix(ax_or_fig, state, steps, transposed: bool = False) -> ConvMatrixDrawing:
    """Draw conv_matrix_steps' state as C (or Cᵀ); returns the drawing (.update(state), .png()). None: a new Figure."""
    if ax_or_fig is None:
        ax_or_fig = new_figure(14, 8.2) if not transposed else new_figure(12.5, 8.6)
    drawing = ConvMatrixDrawing(ax_or_fig, steps, transposed)
    drawing.update(state)
    return drawing


# --- S5: flatten order -----------------------------------------------------------------------


def check_flatten(fn: str, shape) -> None:
    C, H, W = shape
    check_drawable(fn, block_map=(H, W), block_channels=C)
    if C * H * W > MAX_FLAT or max(H, W) > 8:
        raise ValueError(f"{fn}: a {C}x{H}x{W} block has {C * H * W} cells, too many to label; the limit is "
                         f"{MAX_FLAT} cells and 8 per side (MAX_FLAT in bplib.viz_explorers)")


class FlattenOrderDrawing(Drawing):
    """The C×H×W block (each cell labelled with its flat index) above the flat vector, in one layout."""

    def __init__(self, ax_or_fig, steps, layout: str = "NCHW"):
        C, H, W = steps.shape
        check_flatten("draw_flatten_order", steps.shape)
        self.steps, self.layout = steps, layout
        n = C * H * W
        self.width = H * W if H * W <= 16 else min(n, 16)  # NCHW: one row per channel when it fits
        rows = -(-n // self.width)
        fig, gs = grid(ax_or_fig, 3, 1, height_ratios=[3.2, 0.25 + 0.6 * rows, 0.8], left=0.03, right=0.97, top=0.85,
                       bottom=0.02, hspace=0.35)
        super().__init__(fig)
        cmap = ListedColormap([_tint(CHANNEL_COLORS[c]) for c in range(C)]).with_extremes(bad=(1, 1, 1, 0))
        norm = Normalize(-0.5, C - 0.5)
        index = steps.index[layout]
        for c, ax in enumerate(_panels(fig, gs[0], C, False, lambda ax, t: ax, wspace=0.3)):
            p = self.panels[f"c{c}"] = LabelPanel(ax, (H, W), "input", 1.0, f"channel c = {c}", max_chars=2, cmap=cmap,
                                                  norm=norm, static=True)
            p.set_edge(CHANNEL_COLORS[c])
            p.update(np.full((H, W), c, dtype=float))
            p.set_labels(str(v) for v in index[c].ravel())
            p.add_box("expected", HIGHLIGHT_COLOR, lw=4, ls="--")
            p.add_box("holds", HIGHLIGHT_COLOR, lw=6)
        channel = np.full(rows * self.width, np.nan)
        channel[:n] = steps.holds[layout][:, 0]
        labels = [str(t) for t in range(n)] + [""] * (rows * self.width - n)
        what = "c·H·W + h·W + w" if layout == "NCHW" else "h·W·C + w·C + c"
        v = self.panels["v"] = LabelPanel(fig.add_subplot(gs[1]), (rows, self.width), "output", 1.0,
                                          f"the flat vector ({layout}): position k holds cell {what} = k, "
                                          "coloured by its channel", max_chars=2, cmap=cmap, norm=norm, static=True)
        v.update(channel.reshape(rows, self.width))
        v.set_labels(labels)
        v.set_edge(HIGHLIGHT_COLOR)
        v.add_box("k", HIGHLIGHT_COLOR, lw=6)
        self.note = self.add_text(text_panel(fig, gs[2], size=TITLE_SIZE + 2))
        self.update(steps.state(0))

    def _update(self, state) -> None:
        C, H, W = self.steps.shape
        k, (c, h, w), (c2, h2, w2) = state.flat_index, state.chw, state.nhwc_chw
        held = (c, h, w) if self.layout == "NCHW" else (c2, h2, w2)
        for ch in range(C):
            p = self.panels[f"c{ch}"]
            p.set_box("holds", held[1], held[2], 1, 1)
            p.set_box("expected", h, w, 1, 1)
            p.boxes["holds"].set_visible(ch == held[0])
            p.boxes["expected"].set_visible(self.layout == "NHWC" and ch == c and (c, h, w) != held)
        self.panels["v"].set_box("k", *divmod(k, self.width), 1, 1)
        if self.layout == "NCHW":
            self.header.set_text(f"flat index = c·H·W + h·W + w = {c}·{H * W} + {h}·{W} + {w} = {k}")
            self.note.set_text(f"flatten (C → H → W): position {k} holds channel {c} at (h, w) = ({h}, {w}); "
                               f"unflatten puts it back there\nthe classifier's weight column W⁴[:, {k}] learns "
                               f"what channel {c} at ({h}, {w}) means")
        else:
            self.header.set_text(f"NHWC: position {k} = h·W·C + w·C + c = {h2}·{W * C} + {w2}·{C} + {c2} "
                                 f"holds (c, h, w) = ({c2}, {h2}, {w2})")
            same = "the same cell, by luck" if (c, h, w) == (c2, h2, w2) else f"channel {c2} at ({h2}, {w2}) instead"
            self.note.set_text(f"W⁴[:, {k}] was trained for channel {c} at ({h}, {w}) (dashed) but now multiplies "
                               f"{same}\n(solid): the numbers are all there, their meaning is not; "
                               "transpose to (C, H, W) before flattening")
        self.step_text.set_text(f"k = {k} / {self.steps.n_steps - 1}")


def draw_flatten_order(ax_or_fig, state, steps, layout: str = "NCHW") -> FlattenOrderDrawing:
    """Draw flatten_order_steps' state in layout "NCHW" or "NHWC"; returns the drawing. None: a new Figure."""
    if layout not in ("NCHW", "NHWC"):
        raise ValueError(f"draw_flatten_order: layout must be 'NCHW' or 'NHWC', got {layout!r}")
    if ax_or_fig is None:
        C, H, W = steps.shape
        rows = -(-C * H * W // (H * W if H * W <= 16 else 16))
        ax_or_fig = new_figure(14, 5.2 + 0.22 * max(H, 4) + 0.55 * rows)
    drawing = FlattenOrderDrawing(ax_or_fig, steps, layout)
    drawing.update(state)
    return drawing

