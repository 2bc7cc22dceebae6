"""Issue 10 in the drawing layer: bplib.viz, bplib.widgets.StepWidget and bplib.figures refuse bad input clearly.

The property test (test_property_errors.py) throws malformed values at every public name; these are the
cases worth naming: a state of another animation, steps of another animation, a state of another
sequence of the same kind, a removed Axes, an unknown figure, a frame of floats, an overflow to inf.
Each checks that the refusal comes before anything is drawn or replaced, and that nothing passed in changes.
"""

from __future__ import annotations

import os
import warnings

import numpy as np
import pytest

from bplib import _checks, viz
from bplib import figures as F
from bplib import steps as st
from bplib.viz.conv import draw_sliding_kernel
from bplib.viz.flatten import draw_flatten_order
from bplib.viz.matrix import draw_conv_matrix
from bplib.viz.receptive import draw_receptive_field
from bplib.viz.rot180 import describe_rot180, draw_rot180
from bplib.viz.unpool import draw_unpool
from bplib.widgets import StepWidget


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.fixture
def conv_seq(rng):
    return st.sliding_kernel_steps(rng.standard_normal((4, 4)), rng.standard_normal((2, 2)), 0.5)


@pytest.fixture
def unpool_seq(rng):
    return st.unpool_steps(rng.random((4, 4)), rng.standard_normal((2, 2)))


def _axes_in_a_figure():
    fig = viz.new_figure(6, 4)
    return fig, fig.subplots(1, 2)[1]


# --- a state, or steps, of another kind -------------------------------------------------------------


def test_draw_unpool_refuses_a_state_of_the_sliding_kernel_before_replacing_the_axes(conv_seq, unpool_seq):
    fig, ax = _axes_in_a_figure()
    with pytest.raises(TypeError, match=r"draw_unpool: state must be a UnpoolState.*got SlidingKernelState"):
        draw_unpool(ax, conv_seq[0], unpool_seq)
    assert ax in fig.axes and not fig.subfigs  # refused before grid() replaced the Axes


def test_draw_unpool_refuses_steps_of_another_animation(conv_seq, unpool_seq):
    with pytest.raises(ValueError, match=r"draw_unpool: steps come from sliding_kernel_steps, but draw_unpool draws "
                                         r"the steps of unpool_steps"):
        draw_unpool(None, unpool_seq[0], conv_seq)
    with pytest.raises(TypeError, match=r"draw_unpool: steps must be the sequence bplib.steps.unpool_steps"):
        draw_unpool(None, unpool_seq[0], list(unpool_seq))


def test_a_sequence_too_large_to_show_is_refused_before_replacing_the_axes(rng):
    big = st.sliding_kernel_steps(rng.standard_normal((50, 50)), np.ones((3, 3)))
    fig, ax = _axes_in_a_figure()
    with pytest.raises(ValueError, match=r"draw_sliding_kernel: padded_input of shape \(1, 50, 50\) is too large to show"):
        draw_sliding_kernel(ax, big[0], big)
    assert ax in fig.axes and not fig.subfigs


def test_a_state_of_another_sequence_of_the_same_kind_is_refused(rng, unpool_seq):
    other = st.unpool_steps(rng.random((4, 4)) + 5, rng.standard_normal((2, 2)))
    fig = viz.new_figure(11.5, 7.6)
    with pytest.raises(ValueError, match=r"draw_unpool: state is not step 3 of these steps"):
        draw_unpool(fig, other[3], unpool_seq)
    assert not fig.axes  # nothing drawn


def test_a_changed_state_is_refused_and_the_drawing_keeps_its_step(unpool_seq):
    drawing = draw_unpool(None, unpool_seq[1], unpool_seq)
    shown = drawing.panels["dx"].values.copy()
    forged = unpool_seq[2]._replace(delta=99.0)
    with pytest.raises(ValueError, match=r"UnpoolDrawing.update: state is not step 2 of these steps"):
        drawing.update(forged)
    assert drawing.state.k == 1 and np.array_equal(drawing.panels["dx"].values, shown)
    with pytest.raises(ValueError, match=r"state.k=7 is not a step of these steps \(0 .. 3\)"):
        drawing.update(unpool_seq[1]._replace(k=7))


def test_every_draw_function_names_itself_and_its_expected_state(conv_seq):
    conv_state = conv_seq[0]
    cases = [
        (draw_sliding_kernel, st.rot180_steps(np.ones((2, 2)), "rotate", 2), "SlidingKernelState"),
        (draw_rot180, st.rot180_steps(np.ones((2, 2)), "rotate", 2), "Rot180State"),
        (draw_conv_matrix, st.conv_matrix_steps(np.ones((2, 2)), (3, 3)), "ConvMatrixState"),
        (draw_flatten_order, st.flatten_order_steps(2, 2, 2), "FlattenOrderState"),
    ]
    for draw, seq, state_type in cases:
        state = conv_state if draw is not draw_sliding_kernel else seq[0]
        name = draw.__name__
        if draw is draw_sliding_kernel:  # the right state, steps of another kind
            with pytest.raises(ValueError, match=rf"{name}: steps come from rot180_steps"):
                draw(None, state, seq)
        else:
            with pytest.raises(TypeError, match=rf"{name}: state must be a {state_type}"):
                draw(None, state, seq)


def test_receptive_field_refuses_a_forged_state():
    from bplib.receptive import Layer

    layers = [Layer("conv", 3, 1, 0), Layer("pool", 2, 2, 0)]
    state = st.receptive_field_state(layers, 8, 1, (1, 1))
    with pytest.raises(ValueError, match=r"draw_receptive_field: state was changed"):
        draw_receptive_field(None, state._replace(holes=5))
    with pytest.raises(ValueError, match=r"draw_receptive_field: state is not a receptive_field_state\(...\) result"):
        draw_receptive_field(None, state._replace(neuron=(40, 40)))
    with pytest.raises(TypeError, match=r"draw_receptive_field: state must be a ReceptiveFieldState"):
        draw_receptive_field(None, (1, 2))
    drawing = draw_receptive_field(None, state)
    other = st.receptive_field_state(layers[:1], 8, 1, (1, 1))
    with pytest.raises(ValueError, match=r"another stack of layers"):
        drawing.update(other)


# --- where to draw ------------------------------------------------------------------------------------


def test_a_removed_axes_and_other_targets_are_refused(conv_seq):
    fig, ax = _axes_in_a_figure()
    ax.remove()
    with pytest.raises(ValueError, match=r"draw_sliding_kernel: ax_or_fig is an Axes that is no longer in a figure"):
        draw_sliding_kernel(ax, conv_seq[0], conv_seq)
    for bad in ("fig", 3, np.zeros((2, 2))):
        with pytest.raises(TypeError, match=r"draw_sliding_kernel: ax_or_fig: expected a matplotlib Axes, Figure or "
                                            r"SubFigure, got"):
            draw_sliding_kernel(bad, conv_seq[0], conv_seq)


def test_grid_checks_everything_before_replacing_the_axes():
    fig, ax = _axes_in_a_figure()
    with pytest.raises(ValueError, match=r"grid: width_ratios must be a sequence of 3 positive numbers"):
        viz.grid(ax, 2, 3, width_ratios=[1, 2])
    with pytest.raises(ValueError, match=r"grid: expected left < right"):
        viz.grid(ax, 2, 3, left=0.9, right=0.1)
    with pytest.raises(TypeError, match=r"grid: unknown keyword\(s\) colour"):
        viz.grid(ax, 2, 3, colour="red")
    with pytest.raises(ValueError, match=r"grid: nrows must be <= 100"):
        viz.grid(ax, 10**6, 3)
    assert ax in fig.axes and not fig.subfigs
    sub, gs = viz.grid(ax, 2, 3, width_ratios=[1, 2, 1])
    assert ax not in fig.axes and fig.subfigs == [sub] and gs.get_geometry() == (2, 3)


def test_panels_name_the_class_and_the_argument():
    fig, ax = _axes_in_a_figure()
    with pytest.raises(ValueError, match=r"MapPanel: role must be one of \['error', 'input', 'kernel', 'output'\], got 'blue'"):
        viz.MapPanel(ax, (3, 3), "blue", 1.0)
    with pytest.raises(ValueError, match=r"LabelPanel: limit must be a finite number"):
        viz.LabelPanel(ax, (3, 3), "input", float("nan"))
    with pytest.raises(ValueError, match=r"MapPanel: shape=\(3, 1000\) is too large to show"):
        viz.MapPanel(ax, (3, 1000), "input", 1.0)
    with pytest.raises(TypeError, match=r"ZoomPanel: map_shape must be the shape"):
        viz.ZoomPanel(ax, 6, (2, 2), "input", 1.0, "a")
    panel = viz.MapPanel(ax, (2, 3), "input", 1.0)
    with pytest.raises(ValueError, match=r"MapPanel.update: values.shape=\(3, 2\) != the panel's shape \(2, 3\)"):
        panel.update(np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"MapPanel.update: values holds inf"):
        panel.update(np.full((2, 3), np.inf))
    with pytest.raises(ValueError, match=r"MapPanel.set_box: no box named 'window'"):
        panel.set_box("window", 0, 0, 1, 1)
    with pytest.raises(TypeError, match=r"operator_text: gs_cell must be a cell of a grid"):
        viz.operator_text(fig, "cell", "=")
    other = viz.new_figure(2, 2).add_gridspec(1, 1)[0, 0]
    with pytest.raises(ValueError, match=r"text_panel: gs_cell belongs to a grid of another figure"):
        viz.text_panel(fig, other)
    with pytest.raises(TypeError, match=r"role_cmap: role must be a str"):
        viz.role_cmap(None)
    with pytest.raises(TypeError, match=r"axes_points: ax must be a matplotlib Axes, got Figure"):
        viz.axes_points(fig)


def test_new_figure_png_bytes_and_text_colors_check_their_input():
    with pytest.raises(ValueError, match=r"new_figure: width must be a finite number in \(0, 60\]"):
        viz.new_figure(1e6, 2)
    with pytest.raises(TypeError, match=r"png_bytes: an RGBA array must hold uint8"):
        viz.png_bytes(np.zeros((4, 4, 4)))  # floats used to be cast to uint8 silently
    with pytest.raises(ValueError, match=r"png_bytes: an RGBA array must be \(H, W, 4\)"):
        viz.png_bytes(np.zeros((4, 4, 3), dtype=np.uint8))
    with pytest.raises(ValueError, match=r"text_colors: rgba values must be in \[0, 1\]"):
        viz.text_colors(np.full((2, 4), 255.0))
    # a SubFigure saves its whole figure, as the Figure does (it had no savefig of its own)
    fig = viz.new_figure(3, 2)
    sub = fig.subfigures(1, 2)[0]
    assert viz.png_bytes(sub) == viz.png_bytes(fig)
    # the answer, checked by the luminance formula on two colours: black text on white, white on black
    assert viz.text_colors(np.array([[1.0, 1, 1, 1], [0, 0, 0, 1]])).tolist() == ["#000000", "#FFFFFF"]


# --- the widget ----------------------------------------------------------------------------------------


def test_step_widget_refuses_before_building_anything():
    seq = st.rot180_steps(np.arange(4.0).reshape(2, 2), "rotate", 2)
    with pytest.raises(TypeError, match=r"StepWidget: steps must be a bplib.steps sequence"):
        StepWidget(list(seq), draw_rot180, describe_rot180)
    with pytest.raises(TypeError, match=r"StepWidget: draw must take the arguments \(ax_or_fig, state, steps\)"):
        StepWidget(seq, lambda: None, describe_rot180)
    with pytest.raises(TypeError, match=r"StepWidget: caption must be a function caption\(state\), got str"):
        StepWidget(seq, draw_rot180, "caption")
    with pytest.raises(TypeError, match=r"StepWidget: caption\(state\) must return a str, got int"):
        StepWidget(seq, draw_rot180, lambda s: 3)
    with pytest.raises(ValueError, match=r"StepWidget: interval must be >= 1"):
        StepWidget(seq, draw_rot180, describe_rot180, interval=0)
    with pytest.raises(ValueError, match=r"draw_unpool: steps come from rot180_steps"):
        StepWidget(seq, draw_unpool, describe_rot180)
    widget = StepWidget(seq, draw_rot180, describe_rot180)
    widget.step = 2
    assert widget.state.k == 2 and not widget.errors


# --- the figure registry ----------------------------------------------------------------------------------


def test_build_names_the_known_figures():
    with pytest.raises(ValueError, match=r"build: no figure named 'no_such'; the registry has network, backward_pass"):
        F.build("no_such")
    with pytest.raises(TypeError, match=r"build: name must be a str"):
        F.build(None)


def test_frames_and_files_check_their_input(unpool_seq):
    with pytest.raises(TypeError, match=r"png_of: rgb must hold uint8"):
        F.png_of(np.zeros((4, 4, 3)))
    with pytest.raises(ValueError, match=r"gif_of: every frame must have one shape"):
        F.gif_of([np.zeros((4, 4, 3), np.uint8), np.zeros((4, 5, 3), np.uint8)], 900)
    with pytest.raises(TypeError, match=r"gif_of: frames must be a list of 1 to 10000 RGB frames"):
        F.gif_of([], 900)
    with pytest.raises(ValueError, match=r"frame_steps: max_frames must be >= 2"):
        F.frame_steps(10, 1)
    with pytest.raises(ValueError, match=r"save_figure: fmt must be 'svg' or 'png'"):
        F.save_figure(viz.new_figure(2, 2), "jpeg")
    with pytest.raises(TypeError, match=r"save_figure: fig must be a matplotlib Figure \(not a SubFigure"):
        F.save_figure(viz.new_figure(2, 2).subfigures(1, 2)[0], "png")
    drawing = draw_unpool(None, unpool_seq[0], unpool_seq)
    with pytest.raises(TypeError, match=r"_frame: state must be a UnpoolState"):
        F._frame(drawing, None)
    with pytest.raises(TypeError, match=r"_frame: drawing must be a bplib.viz drawing"):
        F._frame("drawing", unpool_seq[0])
    # frame_steps' answer, by its definition: evenly spaced, first and last included
    assert F.frame_steps(100, 3) == [0, 50, 99] and F.frame_steps(3) == [0, 1, 2]


def test_gif_of_sorts_instead_of_a_colour_table_under_a_small_limit_with_the_same_bytes(rng):
    frames = [(rng.integers(0, 4, (30, 40, 3)) * 60).astype(np.uint8) for _ in range(3)]
    frames.append(rng.integers(0, 256, (30, 40, 3)).astype(np.uint8))  # more than 255 colours: nearest-colour mapping
    old = os.environ.get(_checks.ENV_LIMIT)
    try:
        os.environ.pop(_checks.ENV_LIMIT, None)
        with_table = F.gif_of(frames, 900)
        os.environ[_checks.ENV_LIMIT] = "64M"  # below the 144 MiB colour table
        sorted_ = F.gif_of(frames, 900)
    finally:
        if old is None:
            os.environ.pop(_checks.ENV_LIMIT, None)
        else:
            os.environ[_checks.ENV_LIMIT] = old
    assert with_table == sorted_


def test_figure_functions_check_their_arguments_in_their_own_name():
    with pytest.raises(ValueError, match=r"network_figure: image must be one 28x28 image"):
        F.network_figure(np.zeros((5, 5)))
    with pytest.raises(ValueError, match=r"backward_pass_figure: label must be <= 9"):
        F.backward_pass_figure(np.zeros((28, 28)), 10)
    with pytest.raises(ValueError, match=r"backward_pass_figure: kernel_size must be <= 7"):
        F.backward_pass_figure(np.zeros((28, 28)), 1, kernel_size=8)
    with pytest.raises(TypeError, match=r"mlp_figure: sizes must be an integer, got 3.5"):
        F.mlp_figure((3.5, 2))
    with pytest.raises(ValueError, match=r"poolings_figure: size must be <= 4"):
        F.poolings_figure(np.ones((4, 4)), 5)
    with pytest.raises(TypeError, match=r"gap_vs_flatten_figure: stacks\[0\] must be a pair"):
        F.gap_vs_flatten_figure(((3, 12, 12),))
    with pytest.raises(ValueError, match=r"receptive_field_figure: 6 layers; the figure shows 1 to 5"):
        F.receptive_field_figure([("conv", 3)] * 6, 28)
    with pytest.raises(ValueError, match=r"dropout_masks_figure: p must be in \[0, 1\)"):
        F.dropout_masks_figure(np.ones((2, 6, 6)), p=1.0)
    with pytest.raises(ValueError, match=r"conv_matrix_figure: selected must be <= 3"):
        F.conv_matrix_figure(np.ones((1, 1, 2, 2)), (3, 3), selected=4)


def test_nothing_passed_in_changes_when_a_drawing_is_refused(unpool_seq):
    before = {k: v.copy() for k, v in vars(unpool_seq).items() if isinstance(v, np.ndarray)}
    state = unpool_seq[2]
    dx = state.dx_so_far.copy()
    with pytest.raises(ValueError, match=r"draw_unpool: state is not step 2 of these steps"):
        draw_unpool(None, state, st.unpool_steps(np.ones((4, 4)), np.ones((2, 2))))
    assert all(np.array_equal(v, getattr(unpool_seq, k)) for k, v in before.items())
    assert np.array_equal(state.dx_so_far, dx)


# --- the steps behind the weight-gradient and sliding-kernel drawings ---------------------------------------


def test_overflow_to_inf_is_refused_not_warned():
    big = np.full((4, 4), 1e308)
    with np.errstate(over="ignore"):
        assert not np.isfinite(np.float64(1e308) * 2)  # the independent fact: four such products overflow float64
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a NumPy overflow warning would fail the test
        with pytest.raises(ValueError, match=r"sliding_kernel_steps: the result overflows float64"):
            st.sliding_kernel_steps(big, np.ones((2, 2)))
        with pytest.raises(ValueError, match=r"weight_grad_steps: the result overflows float64"):
            st.weight_grad_steps(big, np.full((3, 3), 1e308), 2)
        with pytest.raises(ValueError, match=r"weight_grad_steps: the result overflows float64"):
            st.weight_grad_steps(np.full((4, 4), 1e200), np.full((3, 3), 1e200), 2)  # products 1e400


def test_weight_grad_steps_refuses_a_huge_padding_before_allocating():
    with pytest.raises(_checks.AllocationTooLarge, match=r"weight_grad_steps: padding a0.shape=\(1, 4, 4\) by 100000"):
        st.weight_grad_steps(np.ones((4, 4)), np.ones((1, 1)), 2, stride=10**6, padding=10**5)
