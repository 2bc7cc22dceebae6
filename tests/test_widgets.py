"""The widgets: set the step, check the numbers against the core and what the picture shows."""

import io

import matplotlib
import numpy as np
import pytest
from matplotlib.colors import to_hex
from PIL import Image

import bplib as bp
from bplib import viz
from bplib.steps import fmt_number
from bplib.viz.conv import describe_sliding_kernel, describe_weight_grad, draw_sliding_kernel
from bplib.viz.full_conv import describe_full_conv
from bplib.viz.rot180 import describe_rot180
from bplib.viz.unpool import describe_unpool
from bplib.widgets import full_conv_widget, rot180_widget, sliding_kernel_widget, unpool_widget, weight_grad_widget

matplotlib.use("Agg")


def _pixels(png: bytes) -> np.ndarray:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


# Each case: a widget on random numbers, and what its last step must equal by the core.
def _sliding(rng, C, H, K, s, p):
    x, w, b = rng.standard_normal((C, H, H)), rng.standard_normal((C, K, K)), float(rng.standard_normal())
    z = bp.conv2d_forward(x[None], w[None], np.array([b]), stride=s, padding=p)[0][0, 0]
    return sliding_kernel_widget(x, w, b, stride=s, padding=p), z


def _weight_grad(rng, C, H, K, s, p):
    x, w = rng.standard_normal((1, C, H, H)), rng.standard_normal((2, C, K, K))
    z, cache = bp.conv2d_forward(x, w, np.zeros(2), stride=s, padding=p)
    delta = rng.standard_normal(z.shape)
    _, dw, db = bp.conv2d_backward(delta, cache)
    widget = weight_grad_widget(x[0], delta[0], K, stride=s, padding=p)
    np.testing.assert_allclose(widget.steps.state(-1).db, db, atol=1e-12)
    return widget, dw


def _full_conv(rng, C, H, K, s, p):
    x, w = rng.standard_normal((1, C, H, H)), rng.standard_normal((2, C, K, K))
    z, cache = bp.conv2d_forward(x, w, np.zeros(2), stride=s, padding=p)
    delta = rng.standard_normal(z.shape)
    return full_conv_widget(delta[0], w, stride=s, padding=p, input_hw=(H, H)), bp.conv2d_backward(delta, cache)[0][0]


def _unpool(mode):
    def make(rng, C, H, K, s, p):
        x = np.maximum(rng.standard_normal((1, C, H, H)), 0)  # ReLU output: ties in all-zero windows
        if mode == "gap":
            y, cache = bp.global_avgpool_forward(x)
            dy = rng.standard_normal(y.shape)
            return unpool_widget(x[0], dy[0], "gap"), bp.global_avgpool_backward(dy, cache)[0]
        fwd, bwd = (bp.maxpool2d_forward, bp.maxpool2d_backward) if mode == "max" else (bp.avgpool2d_forward, bp.avgpool2d_backward)
        y, cache = fwd(x, K, s)
        dy = rng.standard_normal(y.shape)
        return unpool_widget(x[0], dy[0], mode, size=K, stride=s), bwd(dy, cache)[0]

    return make


GEOMETRIES = [(1, 6, 3, 1, 0), (2, 7, 3, 2, 1), (3, 5, 2, 1, 2), (1, 9, 4, 3, 1)]  # (C, H, K, stride, padding)
MAKERS = {"sliding": _sliding, "weight_grad": _weight_grad, "full_conv": _full_conv,
          "unpool_max": _unpool("max"), "unpool_avg": _unpool("avg"), "unpool_gap": _unpool("gap")}


@pytest.mark.parametrize("geometry", GEOMETRIES)
@pytest.mark.parametrize("name", list(MAKERS))
def test_slider_to_the_end_gives_the_core_result(name, geometry):
    rng = np.random.default_rng(sum(geometry))
    widget, expected = MAKERS[name](rng, *geometry)
    first = widget.image.value
    widget.slider.value = widget.n_steps - 1  # what the browser's slider does
    assert widget.step == widget.n_steps - 1 == widget.state.k
    np.testing.assert_allclose(widget.result_so_far, expected, rtol=1e-12, atol=1e-12)
    if widget.n_steps > 1:
        assert widget.image.value != first
    assert widget.errors == []


def test_article_sizes_widgets_show_their_steps(rng):
    """1x28x28 input, 5x5 kernel, 24x24 error map, 12x12 after pooling (S9)."""
    a0 = rng.random((28, 28))
    sk = sliding_kernel_widget(a0, rng.standard_normal((5, 5)), 0.1)
    assert sk.n_steps == 576 and sk.drawing.panels["x0"].numbers is None  # 28x28: colours, numbered window
    assert sk.drawing.panels["win0"].numbers is not None
    a1 = np.maximum(rng.standard_normal((24, 24)), 0)
    up = unpool_widget(a1, rng.standard_normal((12, 12)))
    assert up.n_steps == 144 and up.drawing.panels["dxz"].numbers is not None
    wg = weight_grad_widget(a0, rng.standard_normal((24, 24)), 5)
    assert wg.n_steps == 25
    fc = full_conv_widget(rng.standard_normal((24, 24)), rng.standard_normal((5, 5)))
    assert fc.n_steps == 784


def _all_widgets(rng):
    x = rng.standard_normal((6, 6))
    return {
        "sliding": (sliding_kernel_widget(x, rng.standard_normal((3, 3)), 0.5, padding=1), describe_sliding_kernel),
        "unpool": (unpool_widget(np.maximum(x, 0), rng.standard_normal((3, 3))), describe_unpool),
        "weight_grad": (weight_grad_widget(x, rng.standard_normal((4, 4)), 3), describe_weight_grad),
        "rot180": (rot180_widget(rng.standard_normal((3, 3))), describe_rot180),
        "full_conv": (full_conv_widget(rng.standard_normal((2, 3, 3)), rng.standard_normal((2, 1, 3, 3))), describe_full_conv),
    }


@pytest.mark.parametrize("name", ["sliding", "unpool", "weight_grad", "rot180", "full_conv"])
def test_each_step_changes_picture_caption_and_header(name, rng):
    widget, describe = _all_widgets(rng)[name]
    shown = {}
    for k in (0, 1, 2):
        widget.step = k
        text = describe(widget.state)
        assert widget.drawing.header.get_text() == text
        assert widget.drawing.step_text.get_text() == f"step {k + 1} / {widget.n_steps}"
        assert text.replace("'", "&#x27;") in widget.caption.value
        shown[k] = widget.image.value
    assert len({shown[0], shown[1], shown[2]}) == 3
    assert widget.link.source == (widget.play, "value") and widget.link.target == (widget.slider, "value")
    assert widget.play.max == widget.slider.max == widget.n_steps - 1
    assert "application/vnd.jupyter.widget-view+json" in widget._repr_mimebundle_()


def test_sliding_kernel_shows_the_numbers_of_the_step(rng):
    x, w = rng.standard_normal((5, 5)), rng.standard_normal((3, 3))
    widget = sliding_kernel_widget(x, w, 0.25)
    widget.step = 4  # output cell (1, 1)
    state, panels = widget.state, widget.drawing.panels
    assert (state.i, state.j) == (1, 1)
    assert panels["win0"].numbers.strings == [fmt_number(v) for v in x[1:4, 1:4].ravel()]
    assert panels["p0"].numbers.strings == [fmt_number(v) for v in (x[1:4, 1:4] * w).ravel()]
    assert panels["w0"].numbers.strings == [fmt_number(v) for v in w.ravel()]
    assert panels["x0"].boxes["window"].get_bbox().bounds == (0.5, 0.5, 3.0, 3.0)
    assert f"= {fmt_number(state.value)}" in widget.drawing.sums[0].get_text()
    z = bp.conv2d_forward(x[None, None], w[None, None], np.array([0.25]))[0][0, 0]
    assert panels["z"].numbers.strings[:5] == [fmt_number(v) for v in z.ravel()[:5]]
    assert panels["z"].numbers.strings[5:] == [""] * 4  # not computed yet


def test_weight_grad_keeps_the_pen_fixed_and_slides_the_error_map(rng):
    """S12's picture: the pen is the kernel position (u, v); δ lies on the pen's track a0p[c, u::s, v::s]."""
    s, p, K = 2, 1, 3
    a0, delta = rng.standard_normal((2, 9, 9)), rng.standard_normal((2, 5, 5))  # (9 + 2 - 3) // 2 + 1 = 5
    widget = weight_grad_widget(a0, delta, K, stride=s, padding=p)
    widget.step = 1 * 18 + 0 * 9 + 2 * 3 + 1  # (f, c, u, v) = (1, 0, 2, 1)
    state, P = widget.state, widget.drawing.panels
    assert (state.f, state.c, state.u, state.v, state.stride) == (1, 0, 2, 1, 2)
    track = np.pad(a0, ((0, 0), (p, p), (p, p)))[0, 2 : 2 + 2 * 5 : 2, 1 : 1 + 2 * 5 : 2]  # every s-th pixel from (u, v)
    expected = float(np.sum(delta[1] * track))
    x = bp.conv2d_backward_loops(delta[None], a0[None], np.zeros((2, 2, K, K)), stride=s, padding=p)[1][1, 0, 2, 1]
    assert expected == pytest.approx(x, abs=1e-12) and state.value == pytest.approx(expected, abs=1e-12)
    assert P["track"].numbers.strings == [fmt_number(v) for v in track.ravel()]
    assert P["delta"].numbers.strings == [fmt_number(v) for v in delta[1].ravel()]
    assert P["prod"].numbers.strings == [fmt_number(v) for v in (delta[1] * track).ravel()]
    assert P["track"].title.get_text() == "a⁰[2:11:2, 1:10:2]"
    assert P["prod"].title.get_text() == "δ[1] ⊙ a⁰[2:11:2, 1:10:2]"
    assert P["a0"].title.get_text() == "a⁰[0] (pad 1): the pen's track"
    # the pen sits at (u, v) of the paper, drawn at its first position; the track is the block δ covers
    assert [list(c) for c in widget.drawing.pen.get_data()] == [[1], [2]]
    assert P["a0"].boxes["paper"].get_bbox().bounds == (-0.5, -0.5, 3.0, 3.0)
    assert P["a0"].boxes["track"].get_bbox().bounds == (0.5, 1.5, 9.0, 9.0)
    assert P["dw"].boxes["cell"].get_bbox().bounds == (0.5, 1.5, 1.0, 1.0)
    assert "pen" not in P["delta"].title.get_text() and "zoom" not in P  # δ is what slides, not the pen
    assert widget.drawing.header.get_text() == (
        f"pen at (2, 1): ∂C/∂W[1, 0, 2, 1] = Σ δ[i, j]·a⁰[2i+2, 2j+1] = {fmt_number(expected)}")
    assert describe_weight_grad(state._replace(stride=1)).endswith(f"a⁰[i+2, j+1] = {fmt_number(expected)}")


def test_unpool_widget_marks_the_winner_and_the_tie(rng):
    x = np.zeros((4, 4))
    x[3, 3] = 2.0
    widget = unpool_widget(x, np.array([[1.0, -1.0], [0.5, 3.0]]))
    assert "tie: 4 cells" in widget.caption.value and "PyTorch" in widget.caption.value
    zoom = widget.drawing.panels["xz"]
    assert sum(zoom.boxes[f"tie{n}"].get_visible() for n in range(4)) == 4
    widget.step = 3
    assert "∂C/∂a¹[0, 3, 3] (the window's maximum)" in widget.drawing.header.get_text()
    assert not zoom.boxes["tie1"].get_visible()


def test_buttons_step_and_stop_at_the_ends(rng):
    widget = rot180_widget(rng.standard_normal((2, 2)), frames=2)
    widget.prev.click()
    assert widget.step == 0
    widget.next.click()
    widget.next.click()
    widget.next.click()
    assert widget.step == 2 == widget.slider.value
    np.testing.assert_array_equal(widget.result_so_far, bp.rot180(widget.steps.w))


def test_step_setter_checks_range(rng):
    widget = rot180_widget(rng.standard_normal((2, 2)))
    widget.step = -1
    assert widget.step == widget.n_steps - 1
    with pytest.raises(IndexError, match="step 7 out of range"):
        widget.step = 7
    with pytest.raises(TypeError, match="k must be an integer"):
        widget.step = "3"


def test_callback_errors_land_in_the_output_area(rng, monkeypatch):
    widget = sliding_kernel_widget(rng.standard_normal((4, 4)), rng.standard_normal((2, 2)))

    def broken(state):
        raise RuntimeError("drawing failed on purpose")

    monkeypatch.setattr(widget.drawing, "_update", broken)
    widget.slider.value = 2  # as the browser would: the callback runs in the observer
    assert len(widget.errors) == 1 and "RuntimeError: drawing failed on purpose" in widget.errors[0]
    (out,) = widget.output.outputs
    assert out["name"] == "stderr" and "drawing failed on purpose" in out["text"]
    assert "error: RuntimeError" in widget.caption.value
    widget.next.click()
    assert len(widget.errors) == 2


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: sliding_kernel_widget(np.zeros((100, 100)), np.zeros((5, 5))),
         r"draw_sliding_kernel: padded_input of shape \(1, 100, 100\) is too large to show; the size limit is 40x40"),
        (lambda: sliding_kernel_widget(np.zeros((38, 38)), np.zeros((3, 3)), padding=2), r"the size limit is 40x40"),
        (lambda: sliding_kernel_widget(np.zeros((20, 20)), np.zeros((9, 9))), r"kernel of shape \(1, 9, 9\) is too large.*7x7"),
        (lambda: sliding_kernel_widget(np.zeros((5, 6, 6)), np.zeros((5, 3, 3))), r"5 input channels are too many to show; the limit is 4"),
        (lambda: unpool_widget(np.zeros((64, 64)), np.zeros((32, 32))), r"draw_unpool: input of shape \(1, 64, 64\) is too large"),
        (lambda: weight_grad_widget(np.zeros((60, 60)), np.zeros((56, 56)), 5), r"draw_weight_grad: padded_input .* too large"),
        (lambda: full_conv_widget(np.zeros((40, 40)), np.zeros((5, 5))), r"draw_full_conv: padded_error of shape \(1, 48, 48\)"),
        (lambda: rot180_widget(np.zeros((8, 8))), r"draw_rot180: kernel of shape \(8, 8\) is too large"),
    ],
)
def test_too_large_to_show_is_a_clear_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_bad_inputs_raise_before_any_widget(rng):
    with pytest.raises(ValueError, match=r"kernel depth 2 != input channels 1"):
        sliding_kernel_widget(rng.standard_normal((5, 5)), rng.standard_normal((2, 3, 3)))
    with pytest.raises(TypeError, match=r"x must be a NumPy array, got str"):
        unpool_widget("image", np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"mode must be 'rotate' or 'mirror'"):
        rot180_widget(np.zeros((3, 3)), mode="flip")


def test_blitted_frame_equals_a_full_redraw(rng):
    """The cached background + redrawn artists give the same pixels as savefig (a static figure)."""
    widget, _ = _all_widgets(rng)["full_conv"]
    widget.step = 20
    fast = _pixels(widget.image.value)
    full = _pixels(viz.png_bytes(widget.drawing.fig))
    assert fast.shape == full.shape
    assert np.mean(np.any(fast != full, axis=-1)) < 1e-3


def test_draw_functions_take_an_axes_or_a_subfigure(rng):
    from bplib.steps import sliding_kernel_steps

    seq = sliding_kernel_steps(rng.standard_normal((6, 6)), rng.standard_normal((3, 3)))
    fig = viz.new_figure(16, 12)
    left, right = fig.subfigures(1, 2)
    ax = right.subplots(2, 1)[1]
    d1 = draw_sliding_kernel(left, seq[0], seq)
    d2 = draw_sliding_kernel(ax, seq[3], seq)
    assert ax not in right.axes and len(right.subfigs) == 1  # the Axes' place now holds the panels
    d1.update(seq[5])
    assert d1.state.k == 5 and d2.state.k == 3
    assert d1.panels["z"].numbers.strings != d2.panels["z"].numbers.strings
    assert all(a.get_figure(root=True) is fig for a in d1.artists + d2.artists)
    assert _pixels(viz.png_bytes(fig)).shape == (1200, 1600, 3)
    with pytest.raises(TypeError, match="expected a matplotlib Axes, Figure or SubFigure, got str"):
        draw_sliding_kernel("fig", seq[0], seq)


def test_one_colour_blind_safe_palette_centred_on_zero():
    okabe_ito = {"#e69f00", "#56b4e9", "#009e73", "#f0e442", "#0072b2", "#d55e00", "#cc79a7", "#000000"}
    roles = [viz.INPUT_COLOR, viz.KERNEL_COLOR, viz.OUTPUT_COLOR, viz.ERROR_COLOR]
    assert {c.lower() for c in roles} <= okabe_ito and len(set(roles)) == 4
    for role, cmap in viz.CMAPS.items():
        assert to_hex(cmap(0.5)) == "#ffffff"  # 0 is white under symmetric limits
        assert to_hex(cmap(1.0)) == viz.ROLE_COLORS[role].lower()
    assert viz.GRADIENT_CMAP is viz.CMAPS["error"]
    assert viz.sym_limit(np.array([-3.0, 1.0, np.nan])) == 3.0 and viz.sym_limit(np.zeros(3)) == 1.0


def test_number_format():
    assert [fmt_number(v) for v in (0.0, -0.001, 0.126, -1.5, 12.345, 123.4, np.nan)] == ["0", "-1e-3", "0.13", "-1.50", "12.3", "123", ""]
    # a value too small for two decimals keeps one significant digit instead of reading as 0 (e.g. GAP's δ/576)
    assert fmt_number(0.84 / 576) == "1e-3"
    assert fmt_number(-0.0046) == "-5e-3"


# Play without and with jslink. `_from_browser` delivers a state update exactly as a comm message from
# the front end does (Widget.set_state, which locks the property so the kernel does not echo it back).
def _from_browser(model, **state):
    model.set_state(state)


def _record(widget):
    """Drawn steps, and the value changes the kernel itself made (and would send to the browser)."""
    drawn, kernel_sets = [], []
    update = widget.drawing.update
    widget.drawing.update = lambda state: (drawn.append(state.k), update(state))[1]
    for name in ("slider", "play"):
        model = getattr(widget, name)
        model.observe(lambda change, name=name, model=model: None if "value" in model._property_lock
                      else kernel_sets.append((name, change["new"])), names="value")
    return drawn, kernel_sets


def test_play_without_jslink_moves_the_picture_from_the_kernel(rng):
    """Colab: no jslink, so only Play's own value reaches the kernel; the kernel moves the slider."""
    widget = rot180_widget(rng.standard_normal((3, 3)))
    drawn, kernel_sets = _record(widget)
    pictures = [widget.image.value]
    _from_browser(widget.play, playing=True)
    for k in (1, 2, 3):
        _from_browser(widget.play, value=k)
        pictures.append(widget.image.value)
    assert widget.step == 3 == widget.slider.value and drawn == [1, 2, 3]
    assert kernel_sets == [("slider", 1), ("slider", 2), ("slider", 3)]
    assert len(set(pictures)) == 4
    np.testing.assert_array_equal(widget.state.so_far, widget.steps.state(3).so_far)
    # paused, ▶ moves the slider; Play is brought along so that it resumes from the step shown
    _from_browser(widget.play, playing=False)
    widget.next.click()
    assert widget.step == 4 and widget.play.value == 4 and drawn == [1, 2, 3, 4]


def test_play_with_jslink_draws_each_step_once(rng):
    """JupyterLab: jslink moves the slider in the browser, whose update reaches the kernel before Play's."""
    widget = rot180_widget(rng.standard_normal((3, 3)))
    drawn, kernel_sets = _record(widget)
    _from_browser(widget.play, playing=True)
    for k in (1, 2, 3):
        _from_browser(widget.slider, value=k)  # the Link model in the browser saves the slider first
        _from_browser(widget.play, value=k)
    assert widget.step == 3 and drawn == [1, 2, 3] and kernel_sets == []
    # paused, dragging the slider: jslink sends Play's value first, then the slider's
    _from_browser(widget.play, playing=False)
    _from_browser(widget.play, value=5)
    _from_browser(widget.slider, value=5)
    assert widget.step == 5 and drawn == [1, 2, 3, 5] and kernel_sets == []
    assert widget.link.source == (widget.play, "value") and widget.link.target == (widget.slider, "value")


def test_link_play_follows_within_the_slider_range_and_checks_its_inputs():
    import ipywidgets as widgets

    from bplib.widgets.base import link_play

    play, slider = widgets.Play(value=2, min=2, max=6), widgets.IntSlider(value=2, min=2, max=6)
    link = link_play(play, slider)
    _from_browser(play, playing=True)
    _from_browser(play, value=4)
    assert slider.value == 4
    _from_browser(play, playing=False)
    slider.value = 6
    assert play.value == 6 and link.source == (play, "value")
    with pytest.raises(TypeError, match="link_play: expected an ipywidgets Play and an IntSlider, got IntSlider and Play"):
        link_play(slider, play)


def test_explorers_play_without_jslink():
    from bplib.widgets.explorers import flatten_order_explorer

    explorer = flatten_order_explorer(2, 3, 3)
    picture = explorer.image.value
    _from_browser(explorer.play, playing=True)
    _from_browser(explorer.play, value=5)
    assert explorer.slider.value == 5 and explorer.image.value != picture and explorer.errors == []
