"""The drawings behind notebooks 05-07: saturation curves, error maps, pooling-derivative grids."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from bplib.viz.plots.errormaps import draw_error_map, draw_flat_vector  # noqa: E402
from bplib.viz.plots.pool_derivative import draw_derivative_pattern, draw_value_grid  # noqa: E402
from bplib.viz.plots.saturation import draw_output_error, output_errors  # noqa: E402


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def test_output_errors_are_the_derivatives_of_the_two_costs():
    z = np.linspace(-6, 6, 13)
    h = 1e-6
    sig = lambda t: 1 / (1 + np.exp(-t))  # noqa: E731
    quadratic = lambda t: 0.5 * (sig(t) - 1.0) ** 2  # noqa: E731
    cross_entropy = lambda t: -np.log(sig(t))  # noqa: E731  (two-class softmax with logits (z, 0), target class 0)
    got = output_errors(z, target=1.0)
    np.testing.assert_allclose(got["quadratic"], (quadratic(z + h) - quadratic(z - h)) / (2 * h), atol=1e-8)
    np.testing.assert_allclose(got["cross_entropy"], (cross_entropy(z + h) - cross_entropy(z - h)) / (2 * h), atol=1e-8)
    # saturation: confidently wrong (z = -6), the quadratic error is over 100 times smaller
    assert abs(got["cross_entropy"][0]) > 100 * abs(got["quadratic"][0])


def test_draw_output_error_draws_both_curves_and_the_marks(ax):
    z = np.linspace(-8, 8, 161)
    artists = draw_output_error(ax, z, target=1.0, mark=-5.0)
    np.testing.assert_allclose(artists["quadratic"].get_ydata(), output_errors(z)["quadratic"])
    np.testing.assert_allclose(artists["cross_entropy"].get_ydata(), output_errors(z)["cross_entropy"])
    marks = artists["marks"].get_ydata()
    assert marks[0] == pytest.approx(output_errors(np.array([-5.0, -4.0]))["quadratic"][0])
    assert [t.get_text() for t in artists["labels"]] == [f"{v:+.4f}" for v in marks]
    assert "mark" not in draw_output_error(ax, z)


@pytest.mark.parametrize("bad", [np.zeros((2, 3)), np.array([1.0]), np.array([0.0, np.nan])])
def test_output_errors_rejects_bad_z(bad):
    with pytest.raises(ValueError, match="output_errors"):
        output_errors(bad)


def test_output_error_rejects_bad_target_and_unordered_z(ax):
    with pytest.raises(ValueError, match="target"):
        output_errors(np.array([0.0, 1.0]), target=2.0)
    with pytest.raises(ValueError, match="draw_output_error: z must be increasing"):
        draw_output_error(ax, np.array([1.0, 0.0]))


def test_draw_flat_vector_colours_each_channel_block(ax):
    flat = np.random.default_rng(0).standard_normal(12)
    artists = draw_flat_vector(ax, flat, n_channels=3, mark=7)
    assert len(artists["bars"]) == 3 and len(artists["labels"]) == 3
    segments = artists["bars"][1].get_segments()
    assert [s[0][0] for s in segments] == [4, 5, 6, 7]
    assert [s[1][1] for s in segments] == pytest.approx(flat[4:8])
    assert artists["labels"][2].get_text() == "channel 2: 8-11"
    assert artists["mark"][1].get_ydata()[0] == pytest.approx(flat[7])


@pytest.mark.parametrize("kwargs", [dict(flat=np.zeros(10), n_channels=3), dict(flat=np.zeros((2, 6)), n_channels=2),
                                    dict(flat=np.zeros(6), n_channels=2, mark=6)])
def test_draw_flat_vector_rejects(ax, kwargs):
    with pytest.raises(ValueError, match="draw_flat_vector"):
        draw_flat_vector(ax, **kwargs)


def test_draw_error_map_centres_on_zero_and_outlines_a_cell(ax):
    emap = np.array([[0.5, -2.0], [1.0, 0.0]])
    artists = draw_error_map(ax, emap, title="δ", mark=(1, 0))
    np.testing.assert_array_equal(artists["image"].get_array(), emap)
    assert artists["image"].get_clim() == (-2.0, 2.0)
    assert artists["mark"].get_xy() == (-0.5, 0.5)
    assert draw_error_map(ax, emap, limit=0.5)["image"].get_clim() == (-0.5, 0.5)
    with pytest.raises(ValueError, match="draw_error_map"):
        draw_error_map(ax, np.zeros(3))
    with pytest.raises(ValueError, match="outside"):
        draw_error_map(ax, emap, mark=(2, 0))


def test_draw_derivative_pattern_writes_fractions_and_the_window(ax):
    pattern = np.zeros((4, 4))
    pattern[2:4, 0:2] = 0.25 + 1e-9          # as measured: a quarter, up to rounding
    artists = draw_derivative_pattern(ax, pattern, window=(2, 0, 2, 2), title="avg")
    texts = [t.get_text() for t in artists["texts"]]
    assert texts.count("¼") == 4 and texts.count("0") == 12
    assert texts[2 * 4 + 0] == "¼" and texts[0] == "0"
    assert artists["window"].get_xy() == (-0.5, 1.5)
    with pytest.raises(ValueError, match="does not fit"):
        draw_derivative_pattern(ax, pattern, window=(3, 0, 2, 2))
    with pytest.raises(ValueError, match="draw_derivative_pattern"):
        draw_derivative_pattern(ax, np.zeros((9, 9)), window=(0, 0, 2, 2))


def test_draw_value_grid_writes_every_value(ax):
    values = np.arange(6).reshape(2, 3) / 10
    artists = draw_value_grid(ax, values)
    assert [t.get_text() for t in artists["texts"]] == [f"{v:.1f}" for v in values.ravel()]
    with pytest.raises(ValueError, match="draw_value_grid"):
        draw_value_grid(ax, np.zeros(4))
