"""The drawings moved out of notebooks 00-04 (legend, convlayer, heads, coevolution): what they draw, and their errors."""

import matplotlib
import numpy as np
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from bplib.viz import CHANNEL_COLORS
from bplib.viz.plots.coevolution import (
    draw_kernel_epochs,
    draw_mix_matrix,
    plot_feature_bands,
    plot_layer_change,
    plot_shift_changes,
)
from bplib.viz.plots.convlayer import draw_channels, draw_feature_maps, draw_receptive_windows
from bplib.viz.plots.heads import draw_class_templates, draw_flatten_index_map, plot_shift_curves
from bplib.viz.plots.legend import draw_palette_legend

matplotlib.use("Agg")


def _texts(artists):
    return [a.get_text() for a in artists if isinstance(a, matplotlib.text.Text)]


# --- notebook 00 ---------------------------------------------------------------------------


def test_palette_legend_shows_the_values_and_white_zero():
    fig = Figure()
    roles = [("input", "a"), ("error", "δ")]
    artists = draw_palette_legend(fig.subplots(2, 1), roles)
    assert _texts(artists) == ["-1.0", "-0.5", "0", "+0.5", "+1.0"] * 2
    image = artists[0]
    assert to_hex(image.cmap(image.norm(0.0))) == "#ffffff"
    with pytest.raises(ValueError, match="unknown role"):
        draw_palette_legend(fig.subplots(1, 1, squeeze=False)[0], [("weights", "w")])
    with pytest.raises(ValueError, match="odd integer"):
        draw_palette_legend(fig.subplots(2, 1), roles, n_values=4)


# --- notebook 01 ---------------------------------------------------------------------------


def test_receptive_windows_sit_on_the_neurons():
    fig = Figure()
    ax_in, ax_hidden = fig.subplots(1, 2)
    image = np.random.default_rng(0).random((12, 12))
    artists = draw_receptive_windows(ax_in, ax_hidden, image, {(2, 3): "#E69F00", (2, 4): "#CC79A7"}, K=5)
    windows = [a for a in artists if isinstance(a, Rectangle) and a.axes is ax_in]
    assert [(w.get_x() + 0.5, w.get_y() + 0.5, w.get_width()) for w in windows] == [(3, 2, 5), (4, 2, 5)]
    assert ax_hidden.images[0].get_array().shape == (8, 8)
    with pytest.raises(ValueError, match="outside the 8 x 8 hidden layer"):
        draw_receptive_windows(ax_in, ax_hidden, image, {(8, 0): "k"}, K=5)


def test_feature_maps_and_channels():
    fig = Figure()
    rng = np.random.default_rng(1)
    image, kernels, maps = rng.random((8, 8)), rng.standard_normal((2, 3, 3)), rng.standard_normal((2, 6, 6))
    images = draw_feature_maps(fig.subplots(2, 3), image, kernels, maps)
    np.testing.assert_array_equal(images[5].get_array(), maps[1])
    assert images[5].norm.vmin == -np.abs(maps[1]).max()  # each map centred on 0 with its own limit
    with pytest.raises(ValueError, match=r"\(2, 3\) grid"):
        draw_feature_maps(fig.subplots(1, 3), image, kernels, maps)
    rgb = rng.integers(0, 4, (3, 2, 2)).astype(float)
    artists = draw_channels(fig.subplots(1, 4), rgb)
    assert _texts(artists) == [f"{v:.0f}" for v in rgb.ravel()]
    with pytest.raises(ValueError, match="need 3 \\+ 1 axes"):
        draw_channels(fig.subplots(1, 3), rgb)


# --- notebook 03 ---------------------------------------------------------------------------


def test_flatten_index_map_colours_follow_the_channels():
    fig = Figure()
    index_map = np.arange(2 * 2 * 3).reshape(2, 2, 3)
    artists = draw_flatten_index_map(fig, index_map)
    cells = [a for a in artists if isinstance(a, Rectangle)]
    assert len(cells) == 12
    assert [to_hex(c.get_facecolor()) for c in cells] == [CHANNEL_COLORS[k // 6].lower() for k in range(12)]
    assert _texts(artists)[-12:] == [str(k) for k in range(12)]
    with pytest.raises(ValueError, match="array of integers"):
        draw_flatten_index_map(fig, index_map.astype(float))


def test_class_templates_and_shift_curves():
    fig = Figure()
    templates = np.random.default_rng(2).standard_normal((10, 3, 4, 4))
    images = draw_class_templates(fig.subplots(2, 3), templates, [7, 1])
    np.testing.assert_array_equal(images[4].get_array(), templates[1, 1])
    with pytest.raises(ValueError, match="classes"):
        draw_class_templates(fig.subplots(1, 3), templates, [10])
    ax1, ax2 = Figure().subplots(1, 2)
    lines = plot_shift_curves(ax1, ax2, range(3), {"a": [0, 0.5, 1]}, {"b": [0.9, 0.6, 0.3], "c": [0.9, 0.8, 0.7]})
    assert [list(line.get_ydata()) for line in lines[:3]] == [[0, 0.5, 1], [0.9, 0.6, 0.3], [0.9, 0.8, 0.7]]
    assert ax2.get_ylim() == (0, 1)
    with pytest.raises(ValueError, match="2 values for 3 shifts"):
        plot_shift_curves(ax1, ax2, range(3), {"a": [0, 1]}, {"b": [1, 1, 1]})


# --- notebook 04 ---------------------------------------------------------------------------


def test_coevolution_drawings():
    rng = np.random.default_rng(3)
    W1 = rng.standard_normal((4, 3, 1, 5, 5))
    fig = Figure()
    images = draw_kernel_epochs(fig.subplots(3, 4), W1)
    np.testing.assert_array_equal(images[1 * 3 + 2].get_array(), W1[1, 2, 0])  # epoch 1, kernel 2
    assert {im.norm.vmax for im in images} == {np.abs(W1).max()}  # one colour scale for all
    with pytest.raises(ValueError, match=r"\(3, 4\) grid"):
        draw_kernel_epochs(fig.subplots(4, 3), W1)

    ax1, ax2 = Figure().subplots(1, 2)
    lines = plot_layer_change(ax1, ax2, {"W1": [0.3, 0.1], "W4": [0.9, 0.2]}, np.array([[8.0, 11, 15], [7, 4, 7]]))
    assert list(lines[0].get_ydata()) == [30, 10] and list(lines[2].get_ydata()) == [8, 7]

    features = rng.random((3, 10, 2, 6))
    artists = plot_feature_bands(Figure().subplots(1, 2), features)
    mean_line = artists[3]
    np.testing.assert_allclose(mean_line.get_ydata(), features[:, :, 0].reshape(3, -1).mean(axis=1))

    mix = np.array([[0.10, 0.80], [0.12, 0.95]])
    ax = Figure().subplots()
    texts = _texts(draw_mix_matrix(ax, mix))
    assert texts == ["10.0%", "80.0%", "12.0%", "95.0%"]
    bold = [t.get_fontweight() for t in ax.texts]
    assert bold == ["bold", "normal", "normal", "bold"]  # the diagonal: the real networks

    lines = plot_shift_changes(Figure().subplots(), {1: [0.5, 0.4], 2: [0.9, 0.7]}, ["a1", "a2"])
    assert list(lines[1].get_xdata()) == [0, 1, 2] and list(lines[1].get_ydata()) == [0, 40, 70]
    with pytest.raises(ValueError, match="1 values for 2 labels"):
        plot_shift_changes(Figure().subplots(), {1: [0.5]}, ["a1", "a2"])
