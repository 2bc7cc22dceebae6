"""bplib.viz.plots.grids (numbered value grids, a sum of maps) and bplib.viz.plots.learning (a kernel converging)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from bplib.viz.plots.grids import draw_map_sum, draw_value_grid  # noqa: E402
from bplib.viz.plots.learning import draw_kernel_history, snapshot_steps  # noqa: E402


@pytest.fixture
def axes_row():
    fig, axes = plt.subplots(1, 4)
    yield list(axes)
    plt.close(fig)


def test_value_grid_writes_every_number_and_centres_the_colours(axes_row):
    values = np.array([[1.0, -2.0, 0.0], [0.5, 3.0, -0.25]])
    out = draw_value_grid(axes_row[0], values, blank_zeros=True, box=(0, 1, 2, 2))
    assert [t.get_text() for t in out["texts"]] == ["1.00", "-2.00", "·", "0.50", "3.00", "-0.25"]
    assert [t.get_position() for t in out["texts"]][:2] == [(0, 0), (1, 0)], "text at (column, row)"
    assert out["image"].get_clim() == (-3.0, 3.0)
    np.testing.assert_array_equal(out["image"].get_array(), values)
    assert out["box"].get_xy() == (0.5, -0.5) and (out["box"].get_width(), out["box"].get_height()) == (2, 2)
    assert [t.get_text() for t in draw_value_grid(axes_row[1], values, fmt="{:g}")["texts"]][:3] == ["1", "-2", "0"]


@pytest.mark.parametrize("bad, words", [(np.zeros(3), "2-D"), (np.zeros((13, 2)), "12"),
                                        (np.array([[np.nan]]), "NaN"), ("abc", "numbers")])
def test_value_grid_rejects_what_it_cannot_draw(axes_row, bad, words):
    with pytest.raises(ValueError, match="draw_value_grid") as err:
        draw_value_grid(axes_row[0], bad)
    assert words in str(err.value)


def test_map_sum_shares_one_scale_and_places_the_operators(axes_row):
    a, b = np.array([[1.0, 2.0]]), np.array([[-4.0, 0.5]])
    out = draw_map_sum(axes_row[:3], [a, b, a + b], ["a", "b", "a + b"])
    assert {g["image"].get_clim() for g in out["grids"]} == {(-4.0, 4.0)}
    assert [t.get_text() for t in out["operators"]] == ["+", "="]
    x_plus = out["operators"][0].get_position()[0]
    assert axes_row[0].get_position().x1 < x_plus < axes_row[1].get_position().x0
    with pytest.raises(ValueError, match="different shapes"):
        draw_map_sum(axes_row[:2], [a, a.T], ["a", "b"])
    with pytest.raises(ValueError, match="as many axes"):
        draw_map_sum(axes_row[:2], [a, a, a], ["a", "b", "c"])


def test_snapshot_steps_are_log_spaced_and_keep_the_ends():
    assert snapshot_steps(60, 5) == [0, 1, 4, 15, 60]
    assert snapshot_steps(1, 5) == [0, 1]
    with pytest.raises(ValueError, match="snapshot_steps"):
        snapshot_steps(0, 3)


def test_kernel_history_shows_the_snapshots_and_the_cost(axes_row):
    rng = np.random.default_rng(0)
    target = rng.standard_normal((3, 3))
    history = np.array([target * (1 - 0.5**t) for t in range(11)])  # converging to target
    losses = 0.5**np.arange(11) + 1e-3
    out = draw_kernel_history(axes_row, history, losses)
    shown = snapshot_steps(10, 3)
    assert [ax.get_title() for ax in axes_row[:3]] == [f"step {s}" for s in shown]
    for grid, s in zip(out["grids"], shown):
        np.testing.assert_array_equal(grid["image"].get_array(), history[s])
    assert len({g["image"].get_clim() for g in out["grids"]}) == 1, "one colour scale for every snapshot"
    np.testing.assert_array_equal(out["curve"].get_ydata(), losses)
    assert axes_row[-1].get_yscale() == "log" and len(out["markers"]) == len(shown)


@pytest.mark.parametrize("history, losses, words", [
    (np.zeros((1, 3, 3)), np.ones(1), "T >= 1"),
    (np.zeros((5, 3, 3)), np.ones(7), "losses should be"),
    (np.zeros((5, 3, 3)), np.array([1.0, 0.0, 1.0, 1.0]), "positive"),
])
def test_kernel_history_rejects_bad_input(axes_row, history, losses, words):
    with pytest.raises(ValueError, match=words):
        draw_kernel_history(axes_row, history, losses)
