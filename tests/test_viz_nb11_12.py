"""The drawings behind notebooks 11 and 12: learning curves, kernels, confusion, mistakes; fields, parameter shares, dropout."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import bplib as bp  # noqa: E402
from bplib.receptive import Layer, receptive_fields  # noqa: E402
from bplib.regularize import DropCache, channel_dropout_forward, dropblock_forward, dropout_forward  # noqa: E402
from bplib.viz.plots.fields import draw_field_growth, draw_traced_fields  # noqa: E402
from bplib.viz.plots.params import draw_fc_shares  # noqa: E402
from bplib.viz.plots.regularize import draw_correlation, draw_drop_masks  # noqa: E402
from bplib.viz.plots.training import (  # noqa: E402
    draw_accuracy,
    draw_confusion,
    draw_feature_maps,
    draw_kernels,
    draw_learning_curves,
    draw_loss,
    draw_mistakes,
    draw_run_comparison,
    moving_average,
)


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


@pytest.fixture(autouse=True)
def _close_all():
    yield
    plt.close("all")


def _history(seed=0, steps_per_epoch=10, epochs=3):
    rng = np.random.default_rng(seed)
    loss = np.abs(rng.standard_normal(steps_per_epoch * epochs)) + np.linspace(2, 0.1, steps_per_epoch * epochs)
    return bp.History(loss, rng.random(epochs), rng.random(epochs), steps_per_epoch, 0.0)


# --- notebook 11: bplib.viz.plots.training ---------------------------------------------------------


def test_moving_average_is_the_mean_of_each_window():
    values = np.random.default_rng(1).standard_normal(23)
    expected = [sum(values[i : i + 5]) / 5 for i in range(len(values) - 4)]  # a plain loop
    np.testing.assert_allclose(moving_average(values, 5), expected, rtol=1e-12)
    np.testing.assert_allclose(moving_average(values, 1), values)
    with pytest.raises(ValueError, match="moving_average: window=24"):
        moving_average(values, 24)
    with pytest.raises(ValueError, match=r"values.shape=\(2, 3\)"):
        moving_average(np.zeros((2, 3)), 1)


def test_draw_loss_draws_every_step_and_the_average_against_epochs(ax):
    h = _history()
    raw, smooth = draw_loss(ax, h, window=4)
    np.testing.assert_allclose(raw.get_xdata(), (np.arange(30) + 1) / 10)
    np.testing.assert_allclose(raw.get_ydata(), h.loss)
    np.testing.assert_allclose(smooth.get_ydata(), [h.loss[i : i + 4].mean() for i in range(27)])
    np.testing.assert_allclose(smooth.get_xdata(), raw.get_xdata()[3:])
    assert ax.get_ylim()[0] == 0


def test_draw_loss_window_longer_than_the_run_is_shortened(ax):
    h = _history(steps_per_epoch=2, epochs=1)
    _, smooth = draw_loss(ax, h, window=50)
    np.testing.assert_allclose(smooth.get_ydata(), [h.loss.mean()])
    with pytest.raises(ValueError, match="draw_loss: window=0"):
        draw_loss(ax, h, window=0)


def test_draw_accuracy_in_percent_per_epoch(ax):
    h = _history()
    train, val = draw_accuracy(ax, h)
    np.testing.assert_allclose(train.get_ydata(), 100 * h.train_acc)
    np.testing.assert_allclose(val.get_ydata(), 100 * h.val_acc)
    np.testing.assert_array_equal(val.get_xdata(), [1, 2, 3])
    (only_val,) = draw_accuracy(ax, h, train=False)
    np.testing.assert_allclose(only_val.get_ydata(), 100 * h.val_acc)
    empty = bp.History(h.loss, h.train_acc, np.array([]), 10, 0.0)
    with pytest.raises(ValueError, match="draw_accuracy: history.val_acc is empty"):
        draw_accuracy(ax, empty)


def test_draw_learning_curves_and_comparison():
    fig, (a, b) = plt.subplots(1, 2)
    assert len(draw_learning_curves(a, b, _history(), window=5)) == 4
    assert a.get_legend() is not None and b.get_legend() is not None
    fig, (a, b) = plt.subplots(1, 2)
    h1, h2 = _history(1), _history(2)
    lines = draw_run_comparison(a, b, {"one": h1, "two": h2}, window=5)
    assert len(lines) == 6  # per run: raw loss, average, held-out accuracy
    np.testing.assert_allclose(lines[5].get_ydata(), 100 * h2.val_acc)
    assert lines[1].get_color() != lines[4].get_color(), "one colour per run"
    with pytest.raises(ValueError, match="different steps per epoch"):
        draw_run_comparison(a, b, {"one": h1, "other": _history(steps_per_epoch=5, epochs=6)})
    with pytest.raises(TypeError, match="draw_run_comparison: history must be the History"):
        draw_run_comparison(a, b, {"one": [0.5, 0.4]})
    with pytest.raises(ValueError, match="1 to 4 runs"):
        draw_run_comparison(a, b, {})


def test_draw_kernels_writes_every_weight_on_one_scale():
    fig, axes = plt.subplots(1, 3)
    net = bp.ArticleNet(seed=3)
    artists = draw_kernels(axes, net.W1, net.b1)
    images, texts = artists[:3], artists[3:]
    assert len(texts) == 3 * 25
    for k, image in enumerate(images):
        np.testing.assert_allclose(image.get_array(), net.W1[k, 0])
        assert image.get_clim() == images[0].get_clim()
    assert texts[7].get_text() == f"{net.W1[0, 0, 1, 2]:.2f}"  # kernel 0, row 1, column 2
    with pytest.raises(ValueError, match=r"draw_kernels: W1.shape=\(3, 2, 5, 5\)"):
        draw_kernels(axes, np.zeros((3, 2, 5, 5)), np.zeros(3))
    with pytest.raises(ValueError, match=r"axes of shape \(2,\), expected \(3,\)"):
        draw_kernels(axes[:2], net.W1, net.b1)


def test_draw_feature_maps_shows_the_trace_of_one_image():
    fig, axes = plt.subplots(2, 4)
    net = bp.ArticleNet(seed=0)
    x = np.random.default_rng(0).random((1, 1, 28, 28)).astype(np.float32)
    trace = net.forward(x)
    artists = draw_feature_maps(axes, trace, label=3)
    np.testing.assert_allclose(artists[0].get_array(), x[0, 0])
    np.testing.assert_allclose(artists[1].get_array(), trace.a1[0, 0])
    np.testing.assert_allclose(artists[2].get_array(), trace.a2[0, 0])
    bars = artists[-10:]
    np.testing.assert_allclose([b.get_height() for b in bars], trace.a4[0], rtol=1e-6)
    assert bars[3].get_facecolor() != bars[2].get_facecolor(), "the label's bar stands out"
    with pytest.raises(ValueError, match="expected one"):
        draw_feature_maps(axes, net.forward(np.zeros((2, 1, 28, 28))), label=0)
    with pytest.raises(TypeError, match="draw_feature_maps: trace must be"):
        draw_feature_maps(axes, x, label=0)


def test_draw_confusion_writes_the_nonzero_counts(ax):
    rng = np.random.default_rng(4)
    cm = rng.integers(0, 5, (4, 4))
    cm[1, 2] = 0
    artists = draw_confusion(ax, cm)
    texts = artists[2:]
    assert len(texts) == np.count_nonzero(cm)
    got = {(round(t.get_position()[1]), round(t.get_position()[0])): int(t.get_text()) for t in texts}
    assert got == {(r, c): int(cm[r, c]) for r, c in zip(*np.nonzero(cm))}
    diag, off = np.ma.filled(artists[0].get_array(), np.nan), np.ma.filled(artists[1].get_array(), np.nan)
    eye = np.eye(4, dtype=bool)
    np.testing.assert_array_equal(diag[eye], np.diag(cm))  # the diagonal image holds the diagonal only
    assert np.isnan(diag[~eye]).all()
    np.testing.assert_array_equal(np.nan_to_num(off[~eye]), cm[~eye])  # the mistakes image: the rest, zeros blank
    assert np.isnan(off[eye]).all() and np.isnan(off[1, 2])
    with pytest.raises(ValueError, match=r"draw_confusion: confusion.shape=\(3, 4\)"):
        draw_confusion(ax, np.zeros((3, 4), dtype=int))
    with pytest.raises(ValueError, match="integer counts"):
        draw_confusion(ax, np.zeros((3, 3)))


def test_draw_mistakes_titles_each_image():
    fig, axes = plt.subplots(1, 2)
    images = np.random.default_rng(5).random((2, 1, 28, 28))
    drawn = draw_mistakes(axes, images, np.array([7, 2]), np.array([1, 7]), np.array([0.93, 0.51]))
    np.testing.assert_allclose(drawn[1].get_array(), images[1, 0])
    assert axes[0].get_title() == "true 7 → 1\n93%"
    with pytest.raises(ValueError, match="2 Axes for 3 images"):
        draw_mistakes(axes, images[[0, 1, 1]], np.zeros(3, int), np.zeros(3, int), np.zeros(3))
    with pytest.raises(ValueError, match=r"confidence \(1,\)"):
        draw_mistakes(axes, images, np.zeros(2, int), np.zeros(2, int), np.zeros(1))


# --- notebook 12: bplib.viz.plots.fields, params, regularize ----------------------------------------


def test_draw_traced_fields_boxes_have_the_closed_form_size(ax):
    layers = [Layer("conv", 5), Layer("pool", 2, 2)]
    image = np.zeros((28, 28))
    artists = draw_traced_fields(ax, image, layers, [(1, (4, 8)), (2, (5, 5))], names=["a¹", "a²"])
    rect1, rect2 = artists[1], artists[2]
    assert (rect1.get_width(), rect1.get_height()) == (5, 5)
    assert (rect2.get_width(), rect2.get_height()) == (receptive_fields(layers)[2].size,) * 2
    # neuron (4, 8) of a 5x5 valid convolution sees rows 4..8 and columns 8..12
    assert rect1.get_xy() == (8 - 0.5, 4 - 0.5)
    # neuron (5, 5) after pooling: rows and columns 10..15
    assert rect2.get_xy() == (10 - 0.5, 10 - 0.5)
    assert rect1.get_label() == "a¹ neuron (4, 8): 5 × 5"
    with pytest.raises(ValueError, match="2 names for 1 neurons"):
        draw_traced_fields(ax, image, layers, [(1, (0, 0))], names=["a", "b"])
    with pytest.raises(ValueError, match=r"image.shape=\(28, 20\)"):
        draw_traced_fields(ax, np.zeros((28, 20)), layers, [(1, (0, 0))])


def test_draw_field_growth_follows_the_recurrence(ax):
    layers = [Layer("conv", 3, 1, 1)] * 2 + [Layer("pool", 2, 2)] + [Layer("conv", 3, 1, 1)] * 2 + [Layer("pool", 2, 2)]
    r_line, j_line = draw_field_growth(ax, layers)
    r, j, sizes, jumps = 1, 1, [1], [1]
    for layer in layers:  # r <- r + (k - 1) j, j <- j s, by hand
        r, j = r + (layer.kernel - 1) * j, j * layer.stride
        sizes.append(r)
        jumps.append(j)
    np.testing.assert_array_equal(r_line.get_ydata(), sizes)
    np.testing.assert_array_equal(j_line.get_ydata(), jumps)
    dotted = [line for line in ax.get_lines() if line.get_linestyle() == ":"]
    assert sorted(line.get_xdata()[0] for line in dotted) == [3, 6], "a dotted line at each pooling"


def test_draw_fc_shares_bars_and_labels(ax):
    shares = {"a": 0.982, "b": 0.5, "c": 0.034}
    artists = draw_fc_shares(ax, shares, highlight=["c"])
    bars, texts = artists[:3], artists[3:]
    assert [b.get_width() for b in bars] == list(shares.values())
    assert [t.get_text() for t in texts[:3]] == ["98.2%", "50.0%", "3.4%"]
    assert bars[2].get_facecolor() != bars[0].get_facecolor()
    assert texts[3].get_text() == "the article's 90%"
    assert len(draw_fc_shares(ax, shares, reference=None)) == 6
    with pytest.raises(ValueError, match="between 0 and 1"):
        draw_fc_shares(ax, {"a": 98.2})
    with pytest.raises(ValueError, match=r"highlight names \['z'\]"):
        draw_fc_shares(ax, shares, highlight=["z"])


def test_draw_correlation(ax):
    curve, zero = draw_correlation(ax, [1, 2, 4], [0.8, 0.4, 0.0])
    np.testing.assert_allclose(curve.get_ydata(), [0.8, 0.4, 0.0])
    assert zero.get_ydata()[0] == 0
    with pytest.raises(ValueError, match=r"draw_correlation: distances.shape=\(3,\), rho.shape=\(2,\)"):
        draw_correlation(ax, [1, 2, 3], [0.1, 0.2])


def test_draw_drop_masks_tints_exactly_the_dropped_cells():
    x = np.random.default_rng(6).random((1, 3, 8, 8))
    y_drop, cache_drop = dropout_forward(x, 0.4, np.random.default_rng(1))
    y_chan, cache_chan = channel_dropout_forward(x, 0.4, np.random.default_rng(2))
    y_block, cache_block = dropblock_forward(x, 3, 0.4, np.random.default_rng(3))
    columns = [("x", x, None), ("dropout", y_drop, cache_drop), ("channel", y_chan, cache_chan), ("block", y_block, cache_block)]
    fig, axes = plt.subplots(3, 4)
    images = draw_drop_masks(axes, columns)
    assert len(images) == 3 * (1 + 2 * 3)  # per channel: x, then map + tint for each method
    per_row = images[:7]
    np.testing.assert_allclose(per_row[0].get_array(), x[0, 0])
    np.testing.assert_allclose(per_row[1].get_array(), y_drop[0, 0])
    tint = per_row[2].get_array()
    np.testing.assert_array_equal(~np.ma.getmaskarray(tint), cache_drop.mask[0, 0] == 0)
    limit = max(np.abs(y[0, 0]).max() for _, y, _ in columns)
    assert per_row[1].get_clim() == (-limit, limit), "one colour scale per channel"
    assert axes[0, 2].get_title() == "channel" and axes[1, 0].get_ylabel() == "channel 1"
    with pytest.raises(ValueError, match=r"axes of shape \(3, 3\), expected \(3, 4\)"):
        draw_drop_masks(axes[:, :3], columns)
    with pytest.raises(ValueError, match="cache must be the DropCache"):
        draw_drop_masks(axes, [("x", x, None), ("bad", x, DropCache(np.ones((1, 3, 4, 4)), 1.0))] + columns[2:])
    with pytest.raises(ValueError, match=r"y.shape=\(3, 8, 8\)"):
        draw_drop_masks(axes, [("x", x[0], None)])
