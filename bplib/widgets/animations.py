"""The five animations as ipywidgets a teacher steps through: Play, a slider, ◀ ▶.

Each widget only picks the step k. The state comes from bplib.steps, the picture from
the bplib.viz drawing of that state (updated in place and shown as a PNG in an
ipywidgets.Image, so JupyterLab needs no extra extension), and a caption repeats the
step's equation in large type. Errors in a callback land in the widget's output area.

    w = sliding_kernel_widget(x, k, b=0.1, padding=1); w      # display it
    w.step = 5; w.state.value, w.result_so_far                # the numbers, in Python
"""

from __future__ import annotations

from .. import steps as st
from ..steps.base import fmt_number
from ..viz.catalogue import t
from ..viz.conv import describe_sliding_kernel, describe_weight_grad, draw_sliding_kernel, draw_weight_grad
from ..viz.full_conv import describe_full_conv, draw_full_conv
from ..viz.rot180 import describe_rot180, draw_rot180
from ..viz.unpool import describe_unpool, draw_unpool, unpool_note
from .base import StepWidget


def sliding_kernel_widget(x, w, b=0.0, stride: int = 1, padding: int = 0, interval: int = 700) -> StepWidget:
    """The kernel sliding over the input (S1-S2). x (H, W) or (C, H, W), w (KH, KW) or (C, KH, KW), b a number."""
    return StepWidget(st.sliding_kernel_steps(x, w, b, stride, padding), draw_sliding_kernel, describe_sliding_kernel, interval)


def unpool_widget(x, dy, mode: str = "max", size=2, stride=None, interval: int = 700) -> StepWidget:
    """Each error cell travelling back through its pooling window (S10-S11).

    x (H, W) or (C, H, W) the pooling input, dy (Ho, Wo) or (C, Ho, Wo) ((C,) for "gap").
    """
    seq = st.unpool_steps(x, dy, mode, size, stride)
    return StepWidget(seq, draw_unpool, lambda s: f"{describe_unpool(s)}\n{unpool_note(s)}", interval)


def weight_grad_widget(a0, delta, kernel_size, stride: int = 1, padding: int = 0, interval: int = 700) -> StepWidget:
    """The error map laid on the input at each kernel position: dC/dW and dC/db = Σ δ (S12).

    a0 (H, W) or (C, H, W), delta (Ho, Wo) or (F, Ho, Wo), kernel_size KH or (KH, KW).
    """
    seq = st.weight_grad_steps(a0, delta, kernel_size, stride, padding)

    def caption(s):
        return f"{describe_weight_grad(s)}\n{t('wgrad.caption_db', f=s.f, db=fmt_number(s.db[s.f]))}"

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
        return t("full.caption", gather=describe_full_conv(s), f=sc.f, i=sc.i, j=sc.j, d=fmt_number(sc.delta), top=sc.top,
                 left=sc.left)

    return StepWidget(seq, draw_full_conv, caption, interval)
