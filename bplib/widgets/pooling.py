"""Step through the pooling windows of one map (S3): max, average and L2 filling in, window by window.

    w = pooling_window_widget(a1); w                     # display it (Play, ◀, slider, ▶)
    w.window = 8; w.m, w.n, w.window_values, w.values    # what it shows, in Python
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np

from ..viz.catalogue import t
from ..viz.panels import new_figure, png_bytes
from ..viz.plots.pooling import NAMES, draw_pooling_window, pool_all, pooling_axes
from .base import CAPTION_STYLE, GuardedCallbacks

__all__ = ["PoolingWindowWidget", "pooling_window_widget"]


class PoolingWindowWidget(GuardedCallbacks):
    """The pooling windows of a1 in row-major order; see pooling_window_widget."""

    def __init__(self, a1, size: int = 2, stride: int = 2, interval: int = 1200):
        self.pooled, self.winners = pool_all(a1, size, stride)  # validates a1, size, stride (ValueError / TypeError)
        self.a1, self.size, self.stride = np.array(a1, dtype=np.float64), size, stride
        self.n_windows = self.pooled["max"].size
        last = self.n_windows - 1
        controls = self._step_controls(last, interval, t("pooling.slider"), t("pooling.previous"), t("pooling.next"),
                                       slider_width="420px")
        self.fig = new_figure(14, 4.8)  # outside pyplot: redrawn at every step, shown as a PNG
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="100%", max_width="1400px"))
        self.box = widgets.VBox([controls, self.image, self.caption, self.output])
        self._window = None
        self._show(0)

    def _repr_mimebundle_(self, **kwargs):
        return self.box._repr_mimebundle_(**kwargs)

    @property
    def window(self) -> int:
        """The window shown (row-major index); setting it moves the slider and redraws."""
        return self._window

    @window.setter
    def window(self, k) -> None:
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
            raise TypeError(f"pooling window: window must be an integer, got {k!r}")
        if not 0 <= k < self.n_windows:
            raise IndexError(f"pooling window: window {k} out of range 0 .. {self.n_windows - 1}")
        if k == self.slider.value:
            self._show(int(k))
        else:
            self.slider.value = int(k)  # the observer redraws

    @property
    def m(self) -> int:
        """Row of the current window among the windows."""
        return self._window // self.pooled["max"].shape[1]

    @property
    def n(self) -> int:
        """Column of the current window among the windows."""
        return self._window % self.pooled["max"].shape[1]

    @property
    def window_values(self) -> np.ndarray:
        """The cells of a1 under the current window (size, size)."""
        top, left = self.m * self.stride, self.n * self.stride
        return self.a1[top : top + self.size, left : left + self.size]

    @property
    def values(self) -> dict:
        """The three pooled values of the current window: {"max", "average", "L2"} -> float."""
        return {name: float(self.pooled[name][self.m, self.n]) for name in NAMES}

    def _move(self, delta: int) -> None:
        self.slider.value = min(max(self.slider.value + delta, 0), self.n_windows - 1)

    def _show(self, k: int) -> None:
        self.fig.clear()
        draw_pooling_window(pooling_axes(self.fig), self.a1, self.pooled, k, self.size, self.stride)
        self.image.value = png_bytes(self.fig)
        self._window = k
        v = self.values
        text = t("pooling.caption", m=self.m, n=self.n, **v)
        self.caption.value = f'<div style="{CAPTION_STYLE}; font-weight:bold">{html.escape(text)}</div>'


def pooling_window_widget(a1, size: int = 2, stride: int = 2, interval: int = 1200) -> PoolingWindowWidget:
    """A viewer of the pooling windows of one map a1 (H, W): Play, ◀, slider, ▶, the picture, a caption.

    Each step outlines one size x size window (row-major, top-left corners stride apart) on a1
    and fills in its cell of the max, average and L2 pooled maps. Returns the widget; its
    state is in Python: window, m, n, window_values, values, pooled, caption.value.
    """
    return PoolingWindowWidget(a1, size, stride, interval)
