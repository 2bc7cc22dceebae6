"""Drawing the flatten order (S5): which cell of (C, H, W) lands where in the vector."""

from __future__ import annotations

import numpy as np
from matplotlib.colors import ListedColormap, Normalize

from .catalogue import t
from .palette import (
    CHANNEL_COLORS,
    HIGHLIGHT_COLOR,
    TITLE_SIZE,
)
from .panels import (
    Drawing,
    LabelPanel,
    _panels,
    _tint,
    check_ax_or_fig,
    check_drawable,
    check_state,
    grid,
    new_figure,
    text_panel,
)

MAX_FLAT = 64  # cells of a flattened block (C*H*W)


def _check_layout(fn: str, layout) -> None:
    if not isinstance(layout, str) or layout not in ("NCHW", "NHWC"):
        raise ValueError(f"{fn}: layout must be 'NCHW' or 'NHWC', got {layout!r}")


def check_flatten(fn: str, shape) -> None:
    """ValueError naming fn if a (C, H, W) block is too large to label cell by cell."""
    C, H, W = shape
    check_drawable(fn, block_map=(H, W), block_channels=C)
    if C * H * W > MAX_FLAT or max(H, W) > 8:
        raise ValueError(f"{fn}: a {C}x{H}x{W} block has {C * H * W} cells, too many to label; the limit is "
                         f"{MAX_FLAT} cells and 8 per side (MAX_FLAT in bplib.viz.flatten)")


class FlattenOrderDrawing(Drawing):
    """The C×H×W block (each cell labelled with its flat index) above the flat vector, in one layout."""

    FN, KIND = "draw_flatten_order", "flatten_order_steps"

    def __init__(self, ax_or_fig, steps, layout: str = "NCHW"):
        _check_layout(self.FN, layout)
        self._check_init(ax_or_fig, steps)
        C, H, W = steps.shape
        check_flatten(self.FN, steps.shape)
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
            p = self.panels[f"c{c}"] = LabelPanel(ax, (H, W), "input", 1.0, t("flat.channel", c=c), max_chars=2, cmap=cmap,
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
                                          t("flat.vector", layout=layout, what=what), max_chars=2, cmap=cmap, norm=norm,
                                          static=True)
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
            self.header.set_text(t("flat.header", c=c, HW=H * W, h=h, W=W, w=w, k=k))
            self.note.set_text(t("flat.nchw_note", k=k, c=c, h=h, w=w))
        else:
            self.header.set_text(t("flat.nhwc_header", k=k, h2=h2, WC=W * C, w2=w2, C=C, c2=c2))
            same = t("flat.same_cell") if (c, h, w) == (c2, h2, w2) else t("flat.instead", c2=c2, h2=h2, w2=w2)
            self.note.set_text(t("flat.nhwc_note", k=k, c=c, h=h, w=w, same=same))
        self.step_text.set_text(f"k = {k} / {self.steps.n_steps - 1}")


def draw_flatten_order(ax_or_fig, state, steps, layout: str = "NCHW") -> FlattenOrderDrawing:
    """Draw flatten_order_steps' state in layout "NCHW" or "NHWC"; returns the drawing. None: a new Figure."""
    fn = FlattenOrderDrawing.FN
    _check_layout(fn, layout)
    check_ax_or_fig(fn, ax_or_fig)
    check_state(fn, state, steps, FlattenOrderDrawing.KIND)
    check_flatten(fn, steps.shape)
    if ax_or_fig is None:
        C, H, W = steps.shape
        rows = -(-C * H * W // (H * W if H * W <= 16 else 16))
        ax_or_fig = new_figure(14, 5.2 + 0.22 * max(H, 4) + 0.55 * rows)
    drawing = FlattenOrderDrawing(ax_or_fig, steps, layout)
    drawing.update(state)
    return drawing
