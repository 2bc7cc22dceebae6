"""Three explorers a teacher drives live: the convolution matrix (S14), receptive fields (S15), flatten order (S5).

Like the animations, each shows a PNG drawn by bplib.viz (matrix, receptive, flatten) from a state computed
by bplib.steps.explorers, a caption in large type, Play + slider + ◀ ▶ where there is a
sequence, and an output area that keeps any error. What is shown is also in Python:

    e = conv_matrix_explorer(w, (5, 5)); e                  # display it
    e.selected = 4; e.row, e.window; e.transposed = True; e.backflow
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np

from .._checks import OutOfRange, check_hw, check_int
from ..conv import _out
from ..receptive import Layer, _check_layers, feature_sizes
from ..steps.base import fmt_number
from ..steps.explorers import conv_matrix_geometry, conv_matrix_steps, flatten_order_steps, follow_neuron, receptive_field_state
from ..viz.catalogue import t
from ..viz.flatten import check_flatten, draw_flatten_order
from ..viz.matrix import MAX_MATRIX_SIDE, check_matrix, draw_conv_matrix
from ..viz.palette import ERROR_COLOR
from ..viz.panels import check_drawable
from ..viz.receptive import MAX_LAYERS, draw_receptive_field
from .base import BUTTON_STYLE, CAPTION_STYLE, GuardedCallbacks, link_play

__all__ = ["conv_matrix_explorer", "receptive_field_explorer", "flatten_order_explorer",
           "ConvMatrixExplorer", "ReceptiveFieldExplorer", "FlattenOrderExplorer"]

# ToggleButtons and slider labels have no font-size style: large type for the projector comes from CSS.
_CSS = ("<style>.bplib-explorer .widget-label, .bplib-explorer .widget-readout, .bplib-explorer .widget-toggle-button"
        " {font-size: 20px !important;} .bplib-explorer .widget-toggle-button {font-weight: bold; height: 36px;}</style>")


class Explorer(GuardedCallbacks):
    """The parts every explorer shares: picture, caption, output area, guarded callbacks."""

    def __init__(self):
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="100%"))
        self.caption = widgets.HTML()
        self.output = widgets.Output()  # tracebacks from callbacks, never swallowed
        self.errors: list[str] = []
        self.drawing = None

    def _box(self, rows) -> widgets.VBox:
        box = widgets.VBox([widgets.HTML(_CSS), *rows, self.image, self.caption, self.output])
        box.add_class("bplib-explorer")
        return box

    def _repr_mimebundle_(self, **kwargs):
        return self.box._repr_mimebundle_(**kwargs)

    def _sequence(self, n: int, description: str, interval: int, value: int = 0):
        """Play, ◀, a slider over 0..n-1, ▶; Play drives the slider in the browser (jslink)."""
        self.play = widgets.Play(value=value, min=0, max=n - 1, step=1, interval=interval, description="Play",
                                 layout=widgets.Layout(width="150px"))
        self.slider = widgets.IntSlider(value=value, min=0, max=n - 1, description=description,
                                        layout=widgets.Layout(width="420px"), style={"description_width": "initial"})
        self.link = link_play(self.play, self.slider, self._guarded)  # jslink, and a kernel path where it is missing
        self.prev = widgets.Button(description="◀", tooltip="previous", layout=widgets.Layout(width="64px"), style=BUTTON_STYLE)
        self.next = widgets.Button(description="▶", tooltip="next", layout=widgets.Layout(width="64px"), style=BUTTON_STYLE)
        self.prev.on_click(lambda _: self._guarded(self._move, -1))
        self.next.on_click(lambda _: self._guarded(self._move, 1))
        return widgets.HBox([self.play, self.prev, self.slider, self.next])

    def _move(self, delta: int) -> None:
        self.slider.value = min(max(self.slider.value + delta, self.slider.min), self.slider.max)

    def _toggle(self, options) -> widgets.ToggleButtons:
        return widgets.ToggleButtons(options=options, value=options[0], style={"button_width": "110px", "font_weight": "bold"})

    def _show_drawing(self, drawing) -> None:
        self.drawing = drawing
        self.image.value = drawing.png()
        self.image.layout.max_width = f"{drawing.fig.canvas.get_width_height()[0]}px"

    def _set_caption(self, text: str, color: str = "#000") -> None:
        body = html.escape(text).replace("\n", "<br>")
        self.caption.value = f'<div style="{CAPTION_STYLE}; color:{color}">{body}</div>'


def _check_slider(slider, value, name: str) -> int:
    """value as an int inside the slider's range, or TypeError / OutOfRange (an IndexError and a ValueError)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if not slider.min <= value <= slider.max:
        raise OutOfRange(f"{name} {value} out of range {slider.min} .. {slider.max}")
    return int(value)


def _set_slider(slider, value: int, name: str) -> None:
    slider.value = _check_slider(slider, value, name)


# --- S14: the convolution matrix ----------------------------------------------------------


class ConvMatrixExplorer(Explorer):
    """C row by row (output cells in (f, i, j) order) and, toggled, Cᵀ carrying δ back. See conv_matrix_explorer."""

    def __init__(self, w, input_hw, stride: int = 1, padding: int = 0, delta=None, interval: int = 900):
        super().__init__()
        fn = "conv_matrix_explorer"
        w4, (H, W), s, p = conv_matrix_geometry(w, input_hw, stride, padding, fn)
        F, C, KH, KW = w4.shape
        rows, cols = F * _out(H, KH, s, p) * _out(W, KW, s, p), C * H * W
        if max(rows, cols) > MAX_MATRIX_SIDE:  # said before C (rows x cols numbers) is built
            raise ValueError(f"{fn}: the convolution matrix C is {rows}x{cols}, too large to show; the limit is "
                             f"{MAX_MATRIX_SIDE} rows and columns (MAX_MATRIX_SIDE in bplib.viz.matrix)")
        check_int(interval, "interval", fn, 1)
        self.steps = conv_matrix_steps(w, input_hw, stride, padding, delta)
        check_matrix("conv_matrix_explorer", self.steps)  # a clear ValueError before any widget exists
        self._drawings = {}
        self._state = self.steps.state(0)
        seq = self._sequence(self.steps.n_steps, t("matrix.slider"), interval)
        self.toggle = self._toggle(["C", "Cᵀ"])
        self.slider.observe(lambda ch: self._guarded(self._show), names="value")
        self.toggle.observe(lambda ch: self._guarded(self._show), names="value")
        self.box = self._box([widgets.HBox([seq, self.toggle])])
        self._show()

    @property
    def selected(self) -> int:
        """The output cell k (= row k of C, column k of Cᵀ); setting it moves the slider."""
        return self._state.k

    @selected.setter
    def selected(self, k) -> None:
        _set_slider(self.slider, k, "selected")

    @property
    def transposed(self) -> bool:
        """True when Cᵀ is shown; setting it flips the toggle."""
        return self.toggle.value == "Cᵀ"

    @transposed.setter
    def transposed(self, value: bool) -> None:
        self.toggle.value = "Cᵀ" if value else "C"

    state = property(lambda self: self._state, doc="The ConvMatrixState shown.")
    matrix = property(lambda self: self.steps.matrix, doc="C, dense (F*Ho*Wo, C*H*W).")
    row = property(lambda self: self._state.row, doc="Row `selected` of C, (C*H*W,).")
    window = property(lambda self: self._state.window, doc="(C, H, W) bool: the input pixels that row reads.")
    backflow = property(lambda self: self._state.backflow, doc="Cᵀ δ shaped like the input (C, H, W): conv2d_backward's dx.")

    def _show(self) -> None:
        state = self.steps.state(self.slider.value)
        key = self.transposed
        if key not in self._drawings:
            self._drawings[key] = draw_conv_matrix(None, state, self.steps, transposed=key)
        drawing = self._drawings[key]
        drawing.update(state)
        self._state = state
        self._show_drawing(drawing)
        self._set_caption(self.describe())

    def describe(self) -> str:
        """The caption: row k of C as a sum, or where column k of Cᵀ sends δ[k]."""
        s = self._state
        where = f"[{s.f}, {s.i}, {s.j}]"
        if not self.transposed:
            terms = " + ".join(f"{self.steps.symbols[n]}·x[{col}]" for col, n in s.taps)
            return t("matrix.caption_row", k=s.k, where=where, terms=terms, n=len(s.taps))
        diff = float(np.max(np.abs(s.backflow.ravel() - self.matrix.T @ self.steps.delta.ravel())))
        terms = ", ".join(t("matrix.caption_gets", col=col, sym=self.steps.symbols[n]) for col, n in s.taps)
        return t("matrix.caption_col", k=s.k, where=where, d=fmt_number(s.delta), terms=terms, diff=f"{diff:.0e}")


def conv_matrix_explorer(w, input_hw, stride: int = 1, padding: int = 0, delta=None, interval: int = 900) -> ConvMatrixExplorer:
    """The convolution as its sparse Toeplitz matrix C, one output cell at a time; toggle Cᵀ for the backward pass (S14).

    w (F, C, KH, KW) (or (KH, KW), (C, KH, KW)), input_hw (H, W), delta (F, Ho, Wo) the error
    sent back through Cᵀ (default: a fixed pattern). State: .selected, .transposed, .row,
    .window, .matrix, .backflow. ValueError if C has more than 100 rows or columns.
    """
    return ConvMatrixExplorer(w, input_hw, stride, padding, delta, interval)


# --- S15: receptive fields ----------------------------------------------------------------


def _kind(kind: str) -> str:
    """A layer kind ("conv", "pool") in the current language."""
    return t(f"rf.kind_{kind}") if kind in ("conv", "pool") else kind


class ReceptiveFieldExplorer(Explorer):
    """A conv/pool stack; a neuron at some depth and the input region it sees. See receptive_field_explorer."""

    def __init__(self, layers, input_size: int, interval: int = 1200):
        super().__init__()
        check_int(interval, "interval", "receptive_field_explorer", 1)
        self._layers = self._check(layers, input_size)
        self.input_size = input_size
        sizes = feature_sizes(self._layers, input_size)
        L = len(self._layers)
        seq = self._sequence(L + 1, t("rf.depth"), interval, value=L)
        self.row = widgets.IntSlider(value=sizes[L] // 2, min=0, max=sizes[L] - 1, description=t("rf.row"),
                                     layout=widgets.Layout(width="360px"), style={"description_width": "initial"})
        self.col = widgets.IntSlider(value=sizes[L] // 2, min=0, max=sizes[L] - 1, description=t("rf.col"),
                                     layout=widgets.Layout(width="360px"), style={"description_width": "initial"})
        self.kernels, self.strides, rows = [], [], []
        for n, layer in enumerate(self._layers):  # a slider's max grows to the layer's value: it never clamps it
            self.kernels.append(widgets.IntSlider(value=layer.kernel, min=1, max=max(7, layer.kernel),
                                                  description=t("rf.kernel_slider", n=n + 1, kind=_kind(layer.kind)),
                                                  layout=widgets.Layout(width="330px"), style={"description_width": "initial"}))
            self.strides.append(widgets.IntSlider(value=layer.stride, min=1, max=max(3, layer.stride), description=t("rf.stride"),
                                                  layout=widgets.Layout(width="240px"), style={"description_width": "initial"}))
            rows.append(widgets.HBox([self.kernels[-1], self.strides[-1]]))
        self.problem = ""  # why the last edit of the stack was refused
        self._busy = False
        self._depth = L
        self.slider.observe(lambda ch: self._guarded(self._depth_changed, ch["old"], ch["new"]), names="value")
        for s in (self.row, self.col):
            s.observe(lambda ch: self._guarded(self._show), names="value")
        for s in self.kernels + self.strides:
            s.observe(lambda ch: self._guarded(self._layers_changed), names="value")
        self.box = self._box([seq, widgets.HBox([self.row, self.col]), widgets.VBox(rows)])
        self._show()

    @staticmethod
    def _check(layers, input_size):
        check_int(input_size, "input_size", "receptive_field_explorer", 1)
        layers = tuple(_check_layers(layers, "receptive_field_explorer"))
        if not 1 <= len(layers) <= MAX_LAYERS:
            raise ValueError(f"receptive_field_explorer: {len(layers)} layers; show 1 to {MAX_LAYERS}")
        check_drawable("receptive_field_explorer", input_map=(input_size, input_size))
        feature_sizes(layers, input_size)  # ValueError if a layer does not fit
        return layers

    depth = property(lambda self: self._state.depth, doc="The depth of the neuron shown (0 = the input).")
    neuron = property(lambda self: self._state.neuron, doc="(i, j) of the neuron at that depth.")
    layers = property(lambda self: self._layers, doc="The stack shown, a tuple of Layer.")
    field_mask = property(lambda self: self._state.field_mask, doc="(S, S) bool: the traced receptive field.")
    closed_form = property(lambda self: self._state.closed_form, doc="RF(size, jump, start) by the closed form.")
    traced_size = property(lambda self: self._state.traced_size, doc="(rows, cols) of the traced field's extent.")
    state = property(lambda self: self._state, doc="The ReceptiveFieldState shown.")

    def select(self, depth: int, neuron) -> None:
        """Show neuron (i, j) at depth: moves the sliders, redraws once.

        depth and neuron are both checked before anything moves (TypeError, or OutOfRange, a ValueError).
        """
        depth = _check_slider(self.slider, depth, "depth")
        i, j = check_hw(neuron, "neuron", "ReceptiveFieldExplorer.select", 0)
        size = feature_sizes(self._layers, self.input_size)[depth]
        if i >= size or j >= size:
            raise OutOfRange(f"neuron {(i, j)} out of range: the map at depth {depth} is {size}x{size}")
        neuron = (i, j)
        _set_slider(self.slider, depth, "depth")
        self._busy = True
        try:
            _set_slider(self.row, neuron[0], "neuron row")
            _set_slider(self.col, neuron[1], "neuron col")
        finally:
            self._busy = False
        self._show()

    def _set_neuron(self, i: int, j: int, size: int) -> None:
        self._busy = True
        try:
            for s, v in ((self.row, i), (self.col, j)):
                s.max = max(size - 1, s.min)
                s.value = v
        finally:
            self._busy = False

    def _depth_changed(self, old: int, new: int) -> None:
        i, j = follow_neuron(self._layers, self.input_size, (self.row.value, self.col.value), self._depth, new)
        self._set_neuron(i, j, feature_sizes(self._layers, self.input_size)[new])
        self._show()

    def _layers_changed(self) -> None:
        if self._busy:
            return
        layers = tuple(Layer(ly.kind, k.value, s.value, ly.padding) for ly, k, s in zip(self._layers, self.kernels, self.strides))
        try:
            sizes = feature_sizes(layers, self.input_size)
        except ValueError as e:  # an edit that does not fit: say so, keep the last stack
            self.problem = str(e).replace("feature_sizes: ", "")
            self.output.append_stdout(t("rf.not_changed", problem=self.problem))
            self._set_caption(t("rf.does_not_fit", problem=self.problem), ERROR_COLOR)
            return
        self.problem, self._layers = "", layers
        self.drawing = None  # the maps change size: a new drawing
        d = self.slider.value
        self._set_neuron(min(self.row.value, sizes[d] - 1), min(self.col.value, sizes[d] - 1), sizes[d])
        self._show()

    def _show(self) -> None:
        if self._busy:
            return
        d = self.slider.value
        self._state = receptive_field_state(self._layers, self.input_size, d, (self.row.value, self.col.value))
        self._depth = d
        if self.drawing is None:
            self.drawing = draw_receptive_field(None, self._state)
        else:
            self.drawing.update(self._state)
        self._show_drawing(self.drawing)
        self._set_caption(self.describe())

    def describe(self) -> str:
        s, rf = self._state, self._state.closed_form
        verdict = t("rf.agree") if s.agree else t("rf.disagree")
        extent = "" if s.closed_form_size == (rf.size, rf.size) else \
            t("rf.inside", h=s.closed_form_size[0], w=s.closed_form_size[1])
        return t("rf.caption", neuron=s.neuron, depth=s.depth, r=rf.size, jump=rf.jump, extent=extent, th=s.traced_size[0],
                 tw=s.traced_size[1], verdict=verdict)


def receptive_field_explorer(layers, input_size: int, interval: int = 1200) -> ReceptiveFieldExplorer:
    """Which input pixels a neuron sees, by the closed form and by tracing gradients (S15).

    layers: up to 5 Layer(kind, kernel, stride, padding) or tuples ("conv"/"pool"); input_size
    S <= 40 (square input). Sliders: depth (with Play), the neuron's row and column, each
    layer's kernel and stride. State: .depth, .neuron, .layers, .field_mask, .closed_form,
    .traced_size.
    """
    return ReceptiveFieldExplorer(layers, input_size, interval)


# --- S5: flatten order --------------------------------------------------------------------


class FlattenOrderExplorer(Explorer):
    """A C×H×W block and its flat vector, NCHW or NHWC. See flatten_order_explorer."""

    def __init__(self, C: int, H: int, W: int, interval: int = 700):
        super().__init__()
        check_int(interval, "interval", "flatten_order_explorer", 1)
        self.steps = flatten_order_steps(C, H, W)
        check_flatten("flatten_order_explorer", self.steps.shape)
        self._drawings = {}
        seq = self._sequence(self.steps.n_steps, t("flat.slider"), interval)
        self.toggle = self._toggle(["NCHW", "NHWC"])
        self.slider.observe(lambda ch: self._guarded(self._show), names="value")
        self.toggle.observe(lambda ch: self._guarded(self._show), names="value")
        self.box = self._box([widgets.HBox([seq, self.toggle])])
        self._show()

    @property
    def flat_index(self) -> int:
        """The flat index k shown; setting it moves the slider."""
        return self._state.flat_index

    @flat_index.setter
    def flat_index(self, k) -> None:
        _set_slider(self.slider, k, "flat_index")

    @property
    def layout(self) -> str:
        """"NCHW" or "NHWC"; setting it flips the toggle."""
        return self.toggle.value

    @layout.setter
    def layout(self, value: str) -> None:
        if value not in ("NCHW", "NHWC"):
            raise ValueError(f"layout must be 'NCHW' or 'NHWC', got {value!r}")
        self.toggle.value = value

    state = property(lambda self: self._state, doc="The FlattenOrderState shown.")
    chw = property(lambda self: self._state.chw, doc="(c, h, w) that flat index means in NCHW (flatten's) order.")
    nhwc_chw = property(lambda self: self._state.nhwc_chw, doc="(c, h, w) that flat index holds when the block is NHWC.")

    def _show(self) -> None:
        state = self.steps.state(self.slider.value)
        if self.layout not in self._drawings:
            self._drawings[self.layout] = draw_flatten_order(None, state, self.steps, self.layout)
        drawing = self._drawings[self.layout]
        drawing.update(state)
        self._state = state
        self._show_drawing(drawing)
        self._set_caption(self.describe())

    def describe(self) -> str:
        (_, H, W), s = self.steps.shape, self._state
        (c, h, w), (c2, h2, w2) = s.chw, s.nhwc_chw
        line = t("flat.caption", k=s.flat_index, c=c, HW=H * W, h=h, W=W, w=w)
        if self.layout == "NCHW":
            return line
        if (c, h, w) != (c2, h2, w2):
            return t("flat.caption_wrong", line=line, c2=c2, h2=h2, w2=w2, k=s.flat_index)
        return t("flat.caption_same", line=line)


def flatten_order_explorer(C: int, H: int, W: int, interval: int = 700) -> FlattenOrderExplorer:
    """Where flatten puts each (c, h, w) of a C×H×W block, and what goes wrong in NHWC (S5).

    A slider (with Play) over the flat index k = c*H*W + h*W + w; a toggle NCHW / NHWC.
    State: .flat_index, .chw, .layout, .nhwc_chw. ValueError past 64 cells or 8 per side.
    """
    return FlattenOrderExplorer(C, H, W, interval)
