"""Drawing the receptive-field explorer's state (S15): every layer's map, the neuron, its field two ways.

Used by bplib.widgets.receptive_field_explorer and by the figure receptive_field.png
(bplib.figures.maps).
"""

from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection

from ..receptive import receptive_fields
from ..steps.explorers import ReceptiveFieldState, receptive_field_state
from .catalogue import t
from .palette import ACCENT_COLOR, HIGHLIGHT_COLOR, TITLE_SIZE
from .panels import Drawing, MapPanel, _kind, _same, check_ax_or_fig, check_drawable, grid, new_figure, text_panel

__all__ = ["draw_receptive_field", "closed_form_text", "MAX_LAYERS"]

MAX_LAYERS = 5  # layers in a receptive-field stack


def _layer_name(layer) -> str:
    pad = f" p{layer.padding}" if layer.padding else ""
    kind = t(f"rf.kind_{layer.kind}") if layer.kind in ("conv", "pool") else layer.kind
    return f"{kind} {layer.kernel}×{layer.kernel} s{layer.stride}{pad}"


def _gridlines(ax, shape) -> LineCollection:
    """Thin lines between the cells of a map, so single pixels can be counted (drawn over the image)."""
    H, W = shape
    segs = [[(x, -0.5), (x, H - 0.5)] for x in np.arange(0.5, W - 1)] + [[(-0.5, y), (W - 0.5, y)] for y in np.arange(0.5, H - 1)]
    return ax.add_collection(LineCollection(segs, colors="#C8C8C8", linewidths=0.7, zorder=1))


def closed_form_text(layers, depth: int) -> str:
    """'r = 1 + (3−1)·1 + (2−1)·1 = 4' for the first depth layers: r ← r + (k−1)·j, j ← j·s."""
    rfs = receptive_fields(layers[:depth])
    terms = ["1"] + [f"({layer.kernel}−1)·{rf.jump}" for layer, rf in zip(layers[:depth], rfs)]
    return f"r = {' + '.join(terms)} = {rfs[-1].size}" + t("rf.jump", jump=rfs[-1].jump)


def check_receptive_state(fn: str, state) -> None:
    """state must be what receptive_field_state(...) returns, unchanged; else TypeError/ValueError naming fn.

    It is recomputed from its own layers, input size, depth and neuron and compared, so a changed or forged state is refused.
    """
    if not isinstance(state, ReceptiveFieldState):
        raise TypeError(f"{fn}: state must be a ReceptiveFieldState (what receptive_field_state(layers, input_size, depth, "
                        f"neuron) returns), got {_kind(state)}")
    try:
        size = state.sizes[0]
        if len(state.layers) > MAX_LAYERS:
            raise ValueError(f"{len(state.layers)} layers are too many to show; the limit is {MAX_LAYERS}")
        check_drawable(fn, input_map=(size, size))
        again = receptive_field_state(state.layers, size, state.depth, state.neuron)
    except (TypeError, ValueError, IndexError) as e:
        raise ValueError(f"{fn}: state is not a receptive_field_state(...) result ({e})") from None
    if not _same(tuple(state), tuple(again)):
        raise ValueError(f"{fn}: state was changed after receptive_field_state(...) made it; make it again")


class ReceptiveFieldDrawing(Drawing):
    """The input and every layer's map; the neuron, the cells that reach it, its field on the input (two ways)."""

    FN = "draw_receptive_field"

    def __init__(self, ax_or_fig, state):
        check_ax_or_fig(self.FN, ax_or_fig, allow_none=False)
        check_receptive_state(self.FN, state)
        layers, sizes = state.layers, state.sizes
        self.layers, self.sizes = layers, sizes
        L = len(layers)
        ratios = [1.8] + [max(0.6, 1.8 * (s / sizes[0]) ** 0.5) for s in sizes[1:]]
        fig, gs = grid(ax_or_fig, 2, L + 1, width_ratios=ratios, height_ratios=[3, 1.05], left=0.02, right=0.98, top=0.77,
                       bottom=0.02, hspace=0.12, wspace=0.3)
        super().__init__(fig)
        rfs = receptive_fields(layers)
        for level, size in enumerate(sizes):
            name = t("rf.input_size", size=size) if level == 0 else f"{_layer_name(layers[level - 1])}\n→ {size}×{size}"
            title = f"{name}\nr = {rfs[level].size}, j = {rfs[level].jump}"
            p = self.panels[f"m{level}"] = MapPanel(fig.add_subplot(gs[0, level]), (size, size), "input" if level == 0
                                                    else "output", 1.0, title, numbers=False)
            if size <= 24:
                self._extra_dynamic.append(_gridlines(p.ax, (size, size)))
            p.add_box("neuron", lw=4)
        self.panels["m0"].add_box("closed", HIGHLIGHT_COLOR, lw=5)
        self.panels["m0"].add_box("traced", ACCENT_COLOR, lw=3, ls="--")
        self.note = self.add_text(text_panel(fig, gs[1, :], size=TITLE_SIZE + 2))
        self.update(state)

    def check_state(self, state, fn: str | None = None) -> None:
        """Raise TypeError/ValueError (naming fn) unless state is a receptive_field_state of this drawing's stack."""
        fn = fn or "ReceptiveFieldDrawing.update"
        check_receptive_state(fn, state)
        if tuple(state.layers) != tuple(self.layers) or tuple(state.sizes) != tuple(self.sizes):
            raise ValueError(f"{fn}: state is for another stack of layers than this drawing shows; draw it anew "
                             "with draw_receptive_field")

    def _update(self, state) -> None:
        P = self.panels
        for level in range(len(self.sizes)):
            p = P[f"m{level}"]
            p.update(state.cone[level].astype(float) if level <= state.depth else np.zeros((self.sizes[level],) * 2))
            p.boxes["neuron"].set_visible(level == state.depth)
        i, j = state.neuron
        P[f"m{state.depth}"].set_box("neuron", i, j, 1, 1)
        t_, l_, b, r = state.closed_box
        P["m0"].set_box("closed", t_, l_, b - t_, r - l_)
        t2, l2, b2, r2 = state.traced_box
        P["m0"].set_box("traced", t2, l2, b2 - t2, r2 - l2)
        rf = state.closed_form
        clipped = "" if state.closed_form_size == (rf.size, rf.size) else \
            t("rf.clipped", h=state.closed_form_size[0], w=state.closed_form_size[1])
        holes = t("rf.holes", n=state.holes) if state.holes else ""
        verdict = t("rf.same") if state.agree else t("rf.differ")
        self.note.set_text(t("rf.note", closed=closed_form_text(state.layers, state.depth), t=t_, b=b - 1, l=l_, r=r - 1,
                             clipped=clipped, th=state.traced_size[0], tw=state.traced_size[1], holes=holes, verdict=verdict))
        self.header.set_text(t("rf.header", i=i, j=j, depth=state.depth, size=rf.size))
        self.step_text.set_text(t("rf.depth_step", depth=state.depth, n=len(self.layers)))


def draw_receptive_field(ax_or_fig, state) -> ReceptiveFieldDrawing:
    """Draw receptive_field_state's state (the stack is in the state); returns the drawing. None: a new Figure."""
    check_ax_or_fig(ReceptiveFieldDrawing.FN, ax_or_fig)
    check_receptive_state(ReceptiveFieldDrawing.FN, state)
    return ReceptiveFieldDrawing(new_figure(14, 6.4) if ax_or_fig is None else ax_or_fig, state)
