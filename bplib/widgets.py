"""The five animations as ipywidgets a teacher steps through: Play, a slider, ◀ ▶.

Each widget only picks the step k. The state comes from bplib.steps, the picture from
the bplib.viz drawing of that state (updated in place and shown as a PNG in an
ipywidgets.Image, so JupyterLab needs no extra extension), and a caption repeats the
step's equation in large type. Errors in a callback land in the widget's output area.

    w = sliding_kernel_widget(x, k, b=0.1, padding=1); w      # display it
    w.step = 5; w.state.value, w.result_so_far                # the numbers, in Python
"""

from __future__ import annotations

import html
import traceback

import ipywidgets as widgets

from . import steps as st
from ._steps_base import fmt_number
from .viz import ERROR_COLOR
from .viz_backward import describe_full_conv, describe_unpool, draw_full_conv, draw_unpool
from .viz_conv import describe_sliding_kernel, describe_weight_grad, draw_sliding_kernel, draw_weight_grad
from .viz_rot180 import describe_rot180, draw_rot180

__all__ = [
    "StepWidget",
    "sliding_kernel_widget",
    "unpool_widget",
    "weight_grad_widget",
    "rot180_widget",
    "full_conv_widget",
]

CAPTION_STYLE = "font-size:22px; line-height:1.5; color:#000; font-family:'DejaVu Sans', sans-serif; padding:4px 0"
BUTTON_STYLE = {"font_size": "22px", "font_weight": "bold"}


class GuardedCallbacks:
    """Mixin: ``_guarded(fn, *args)`` runs a callback; a failure lands in ``self.output`` (an
    ipywidgets.Output), in ``self.errors`` and, in red, in the ``self.caption`` HTML widget."""

    def _guarded(self, fn, *args) -> None:
        try:
            fn(*args)
        except Exception as e:  # a widget callback must never fail silently
            text = traceback.format_exc()
            self.errors.append(text)
            self.output.append_stderr(text)
            self.caption.value = f'<div style="{CAPTION_STYLE}; color:{ERROR_COLOR}">error: {html.escape(repr(e))}</div>'


class StepWidget(GuardedCallbacks):
    """A state sequence shown step by step.

    steps: a bplib.steps sequence; draw(ax_or_fig, state, steps) -> a drawing with
    update(state) and png(); caption(state) -> the line shown under the picture.
    ``step``, ``state``, ``result_so_far`` and ``caption.value`` tell what is shown.
    """

    def __init__(self, steps, draw, caption, interval: int = 700):
        self.steps, self._caption = steps, caption
        self.drawing = draw(None, steps.state(0), steps)
        width, _ = self.drawing.fig.canvas.get_width_height()
        last = steps.n_steps - 1
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="100%", max_width=f"{width}px"))
        self.play = widgets.Play(value=0, min=0, max=last, step=1, interval=interval, description="Play",
                                 layout=widgets.Layout(width="150px"))
        self.slider = widgets.IntSlider(value=0, min=0, max=last, description="step", readout=True,
                                        layout=widgets.Layout(width="480px"), style={"description_width": "initial"})
        self.link = widgets.jslink((self.play, "value"), (self.slider, "value"))  # Play runs in the browser
        self.prev = widgets.Button(description="◀", tooltip="previous step", layout=widgets.Layout(width="64px"),
                                   style=BUTTON_STYLE)
        self.next = widgets.Button(description="▶", tooltip="next step", layout=widgets.Layout(width="64px"),
                                   style=BUTTON_STYLE)
        self.caption = widgets.HTML()
        self.output = widgets.Output()  # tracebacks from callbacks, never swallowed
        self.errors: list[str] = []
        self.slider.observe(lambda change: self._guarded(self._show, change["new"]), names="value")
        self.prev.on_click(lambda _: self._guarded(self._move, -1))
        self.next.on_click(lambda _: self._guarded(self._move, 1))
        controls = widgets.HBox([self.play, self.prev, self.slider, self.next])
        self.box = widgets.VBox([controls, self.image, self.caption, self.output])
        self.box.add_class("bplib-step-widget")
        self._step = None
        self._show(0)

    def _repr_mimebundle_(self, **kwargs):
        return self.box._repr_mimebundle_(**kwargs)

    @property
    def n_steps(self) -> int:
        return self.steps.n_steps

    @property
    def step(self) -> int:
        """The step shown; setting it moves the slider (and Play) and redraws."""
        return self._step

    @step.setter
    def step(self, k) -> None:
        k = self.steps.state(k).k  # checks the type and range (IndexError) and resolves negative k
        if k == self.slider.value:
            self._show(k)
        else:
            self.slider.value = k  # the observer redraws

    @property
    def state(self):
        """The state shown (a NamedTuple from bplib.steps)."""
        return self.drawing.state

    @property
    def result_so_far(self):
        """What the steps so far have assembled (state.so_far)."""
        return self.state.so_far

    def _move(self, delta: int) -> None:
        self.slider.value = min(max(self.slider.value + delta, 0), self.n_steps - 1)

    def _show(self, k: int) -> None:
        state = self.steps.state(k)
        self.drawing.update(state)
        self.image.value = self.drawing.png()
        self.caption.value = f'<div style="{CAPTION_STYLE}">{html.escape(self._caption(state)).replace(chr(10), "<br>")}</div>'
        self._step = state.k




def sliding_kernel_widget(x, w, b=0.0, stride: int = 1, padding: int = 0, interval: int = 700) -> StepWidget:
    """The kernel sliding over the input (S1-S2). x (H, W) or (C, H, W), w (KH, KW) or (C, KH, KW), b a number."""
    return StepWidget(st.sliding_kernel_steps(x, w, b, stride, padding), draw_sliding_kernel, describe_sliding_kernel, interval)


def unpool_widget(x, dy, mode: str = "max", size=2, stride=None, interval: int = 700) -> StepWidget:
    """Each error cell travelling back through its pooling window (S10-S11).

    x (H, W) or (C, H, W) the pooling input, dy (Ho, Wo) or (C, Ho, Wo) ((C,) for "gap").
    """
    seq = st.unpool_steps(x, dy, mode, size, stride)
    return StepWidget(seq, draw_unpool, lambda s: f"{describe_unpool(s)}\n{s.note}", interval)


def weight_grad_widget(a0, delta, kernel_size, stride: int = 1, padding: int = 0, interval: int = 700) -> StepWidget:
    """The error map laid on the input at each kernel position: dC/dW and dC/db = Σ δ (S12).

    a0 (H, W) or (C, H, W), delta (Ho, Wo) or (F, Ho, Wo), kernel_size KH or (KH, KW).
    """
    seq = st.weight_grad_steps(a0, delta, kernel_size, stride, padding)

    def caption(s):
        return f"{describe_weight_grad(s)}\n∂C/∂b[{s.f}] = Σ δ[{s.f}] = {fmt_number(s.db[s.f])}"

    return StepWidget(seq, draw_weight_grad, caption, interval)


def rot180_widget(w, mode: str = "rotate", frames: int = 6, interval: int = 500) -> StepWidget:
    """A kernel w (KH, KW) turning 180° (mode="rotate") or flipped twice (mode="mirror") (S13)."""
    return StepWidget(st.rot180_steps(w, mode, frames), draw_rot180, describe_rot180, interval)


def full_conv_widget(delta, w, stride: int = 1, padding: int = 0, input_hw=None, interval: int = 700) -> StepWidget:
    """BP2 two ways (S13): flipped kernels over the padded δ, and δ cells scattering copies of W.

    delta (Ho, Wo) or (F, Ho, Wo); w (KH, KW), (F, KH, KW) or (F, C, KH, KW).
    """
    seq = st.full_conv_steps(delta, w, stride, padding, input_hw)

    def caption(s):
        sc = s.scatter
        return (f"gather: {describe_full_conv(s)}\n"
                f"scatter: δ[{sc.f}, {sc.i}, {sc.j}] = {fmt_number(sc.delta)} adds δ · W[{sc.f}] at ({sc.top}, {sc.left})")

    return StepWidget(seq, draw_full_conv, caption, interval)
