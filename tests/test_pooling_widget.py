"""Notebook 02's pooling pictures and window viewer: set a window, check what it computed and shows."""

import html
import io
import re

import matplotlib
import numpy as np
import pytest
from PIL import Image

from bplib.viz.panels import new_figure
from bplib.viz.plots.pooling import draw_pooled_channels, draw_pooling_window, draw_poolings, pool_all, pooling_axes
from bplib.widgets.pooling import pooling_window_widget

matplotlib.use("Agg")

A1 = np.array([[0, 0, 1, 0, 2, 2],
               [0, 8, 0, 1, 2, 2],
               [3, 1, 0, 0, 0, 0],
               [0, 2, 0, 0, 5, 1],
               [1, 0, 4, 4, 0, 6],
               [0, 1, 4, 4, 3, 0]], dtype=np.float64)


def _by_loops(a1, size, stride):
    """The three poolings window by window, with Python loops (independent of bplib)."""
    Ho, Wo = (a1.shape[0] - size) // stride + 1, (a1.shape[1] - size) // stride + 1
    out = {name: np.zeros((Ho, Wo)) for name in ("max", "average", "L2")}
    for m in range(Ho):
        for n in range(Wo):
            win = a1[m * stride : m * stride + size, n * stride : n * stride + size]
            out["max"][m, n] = max(win.ravel())
            out["average"][m, n] = sum(win.ravel()) / win.size
            out["L2"][m, n] = sum(v * v for v in win.ravel()) ** 0.5
    return out


def _text(caption_html):
    return html.unescape(re.sub(r"<[^>]+>", "", caption_html))


@pytest.mark.parametrize("size, stride", [(2, 2), (3, 2), (2, 1)])
def test_pool_all_matches_loops(size, stride):
    pooled, winners = pool_all(A1, size, stride)
    expected = _by_loops(A1, size, stride)
    for name in expected:
        np.testing.assert_allclose(pooled[name], expected[name], rtol=1e-12)
    for (m, n), w in np.ndenumerate(winners):  # the first maximum in row-major order
        win = A1[m * stride : m * stride + size, n * stride : n * stride + size]
        assert w == int(np.flatnonzero(win.ravel() == win.max())[0])


def test_setting_a_window_moves_the_slider_and_shows_its_numbers():
    w = pooling_window_widget(A1)
    assert w.n_windows == 9 and w.window == 0
    first_png = w.image.value
    expected = _by_loops(A1, 2, 2)
    for k in (5, 8, 3):
        w.window = k
        m, n = divmod(k, 3)
        assert (w.m, w.n) == (m, n) and w.slider.value == k
        np.testing.assert_array_equal(w.window_values, A1[2 * m : 2 * m + 2, 2 * n : 2 * n + 2])
        for name, value in w.values.items():
            assert value == pytest.approx(expected[name][m, n])
        caption = _text(w.caption.value)
        assert caption.startswith(f"window ({m}, {n}):")
        assert f"max {expected['max'][m, n]:.2f}" in caption and f"L2 {expected['L2'][m, n]:.2f}" in caption
    assert w.image.value != first_png
    picture = np.asarray(Image.open(io.BytesIO(w.image.value)).convert("L"))
    assert picture.shape[1] >= 1000 and picture.min() < 40  # a large picture with black (high-contrast) ink
    assert "font-size:22px" in w.caption.value and not w.errors


def test_the_slider_and_buttons_drive_it():
    w = pooling_window_widget(A1)
    w.slider.value = 4  # what the browser's slider (or Play) does
    assert w.window == 4 and "window (1, 1)" in _text(w.caption.value)
    w.next.click()
    assert w.window == 5
    w.prev.click()
    w.prev.click()
    assert w.window == 3
    w.window = 0
    w.prev.click()  # stays at the first window
    assert w.window == 0 and not w.errors


def test_bad_windows_and_maps_are_refused():
    w = pooling_window_widget(A1)
    with pytest.raises(IndexError, match="out of range 0 .. 8"):
        w.window = 9
    with pytest.raises(TypeError, match="must be an integer"):
        w.window = 1.5
    with pytest.raises(ValueError, match="does not fit"):
        pooling_window_widget(np.zeros((2, 2)), size=3)
    with pytest.raises(ValueError, match="too large to show"):
        pooling_window_widget(np.zeros((60, 60)))


def test_the_drawings_return_their_artists():
    pooled, winners = pool_all(A1)
    fig = new_figure(14, 4.6)
    artists = draw_poolings(pooling_axes(fig), A1, pooled, winners)
    from matplotlib.colors import to_hex
    from matplotlib.patches import Rectangle

    from bplib.viz import ACCENT_COLOR

    marks = [a for a in artists if isinstance(a, Rectangle) and to_hex(a.get_edgecolor()) == ACCENT_COLOR.lower()]
    centres = sorted((round(r.get_y() + 0.42), round(r.get_x() + 0.42)) for r in marks)
    expected = sorted((2 * m + int(w) // 2, 2 * n + int(w) % 2) for (m, n), w in np.ndenumerate(winners))
    assert centres == expected  # one mark per window, on the cell of its first maximum
    fig = new_figure(14, 4.6)
    axes = pooling_axes(fig)
    draw_pooling_window(axes, A1, pooled, 5)
    shown = np.ma.filled(axes[1].images[0].get_array().astype(float), np.nan)  # masked = not reached yet
    assert np.isnan(shown.ravel()[6:]).all() and not np.isnan(shown.ravel()[:6]).any()
    with pytest.raises(ValueError, match="pooled must be the dict"):
        draw_pooling_window(axes, A1, {"max": pooled["max"]}, 0)
    a1 = np.abs(np.random.default_rng(0).standard_normal((2, 8, 8)))
    maps = {name: np.stack([pool_all(c)[0][name] for c in a1]) for name in ("max", "average", "L2")}
    fig = new_figure(12, 6)
    images = draw_pooled_channels(fig.subplots(2, 4), a1, maps)
    assert len(images) == 8
    np.testing.assert_array_equal(images[5].get_array(), maps["max"][1])
    with pytest.raises(ValueError, match=r"\(2, 4\) grid"):
        draw_pooled_channels(fig.subplots(1, 4), a1, maps)
