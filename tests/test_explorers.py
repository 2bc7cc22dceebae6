"""The three explorers (S5, S14, S15): move a slider or a toggle, check what they computed and show."""

import html
import io
import re

import matplotlib
import numpy as np
import pytest
from PIL import Image

import bplib as bp
from bplib.receptive import Layer, feature_sizes, receptive_fields
from bplib.steps import conv_matrix_steps, flatten_order_steps, fmt_number, follow_neuron, receptive_field_state
from bplib.widgets import conv_matrix_explorer, flatten_order_explorer, receptive_field_explorer

matplotlib.use("Agg")


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def _text(caption_html: str) -> str:
    """The caption as the learner reads it: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", caption_html.replace("<br>", "\n")))


# --- S14: the convolution matrix ------------------------------------------------------------

CONV_CASES = [(1, 1, 4, 3, 1, 0), (2, 1, 5, 3, 1, 1), (1, 2, 5, 3, 2, 1), (2, 2, 4, 2, 2, 0), (3, 1, 5, 4, 1, 1)]  # F C H K s p


@pytest.mark.parametrize("case", CONV_CASES)
def test_conv_matrix_explorer_row_window_and_backflow(case):
    F, C, H, K, s, p = case
    rng = np.random.default_rng(sum(case))
    w = rng.standard_normal((F, C, K, K))
    x = rng.standard_normal((1, C, H, H))
    z, cache = bp.conv2d_forward(x, w, None, stride=s, padding=p)
    delta = rng.standard_normal(z.shape)
    e = conv_matrix_explorer(w, (H, H), stride=s, padding=p, delta=delta[0])
    M = bp.conv_matrix(w, (H, H), s, p)
    np.testing.assert_array_equal(e.matrix, M)
    dx = bp.conv2d_backward(delta, cache)[0][0]
    np.testing.assert_allclose(e.backflow, dx, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(e.backflow, bp.conv_transpose2d(delta, w, s, p, (H, H))[0], rtol=1e-12, atol=1e-12)
    pictures = {e.image.value}
    for k in rng.choice(M.shape[0], size=min(4, M.shape[0]), replace=False):
        e.slider.value = int(k)  # what the browser's slider does
        assert e.selected == k and not e.transposed
        np.testing.assert_array_equal(e.row, M[k])
        f, i, j = np.unravel_index(k, z.shape[1:])
        # the window: the input pixels under the kernel at output (i, j), padding left out
        window = np.zeros((C, H + 2 * p, H + 2 * p), dtype=bool)
        window[:, i * s : i * s + K, j * s : j * s + K] = True
        np.testing.assert_array_equal(e.window, window[:, p : p + H, p : p + H])
        assert np.all(e.row.reshape(C, H, H)[~e.window] == 0)
        assert float(e.row @ x[0].ravel()) == pytest.approx(float(z[0, f, i, j]), abs=1e-12)
        caption = _text(e.caption.value)
        assert caption.startswith(f"row {k} of C computes z[{f}, {i}, {j}] = ")
        assert caption.count("·x[") == int(e.window.sum())
        assert e.drawing.header.get_text().startswith(f"row {k} of C")
        pictures.add(e.image.value)
        e.transposed = True  # the toggle: Cᵀ, the same k is now a column and an error cell
        assert e.toggle.value == "Cᵀ" and e.transposed
        np.testing.assert_allclose(e.state.contribution.ravel(), delta[0].ravel()[k] * M.T[:, k])
        np.testing.assert_allclose(e.state.backflow_so_far.ravel(), M.T[:, : k + 1] @ delta[0].ravel()[: k + 1], atol=1e-12)
        assert f"δ[{f}, {i}, {j}] = {fmt_number(delta[0, f, i, j])}" in _text(e.caption.value)
        assert e.drawing.panels["M"].boxes["line"].get_bbox().bounds == (k - 0.5, -0.5, 1.0, M.shape[1])
        pictures.add(e.image.value)
        e.toggle.value = "C"
    assert len(pictures) >= 3 and e.errors == []


def test_conv_matrix_explorer_last_cell_completes_the_transposed_convolution(rng):
    w = rng.standard_normal((2, 1, 3, 3))
    e = conv_matrix_explorer(w, (5, 5), padding=1)
    e.transposed = True
    e.selected = e.matrix.shape[0] - 1
    np.testing.assert_allclose(e.state.backflow_so_far, e.backflow, atol=1e-12)
    assert "done: Cᵀδ\n= conv_transpose2d(δ, w)\n= conv2d_backward's dx" in e.drawing.note.get_text()
    steps = e.steps
    assert np.array_equal(steps.delta.ravel(), np.round(np.cos(2.4 * np.arange(steps.n_steps)), 1))  # the documented default


def test_conv_matrix_symbols_match_the_weights(rng):
    w = rng.standard_normal((1, 1, 2, 2))
    steps = conv_matrix_steps(w, (3, 3))
    state = steps.state(3)  # output (1, 1): pixels 4, 5, 7, 8 meet a, b, c, d
    assert state.taps == ((4, 0), (5, 1), (7, 2), (8, 3))
    e = conv_matrix_explorer(w, (3, 3))
    e.selected = 3
    assert "a·x[4] + b·x[5] + c·x[7] + d·x[8]" in _text(e.caption.value)
    labels = e.drawing.panels["M"].labels.strings
    assert labels[3 * 9 + 4 : 3 * 9 + 9] == ["a", "b", "", "c", "d"]


def test_conv_matrix_explorer_refuses_what_it_cannot_show(rng):
    with pytest.raises(ValueError, match="too large to show"):
        conv_matrix_explorer(rng.standard_normal((1, 1, 3, 3)), (12, 12))  # C would be 100 x 144
    with pytest.raises(ValueError, match="kernel 5x5 is larger than the padded input"):
        conv_matrix_explorer(rng.standard_normal((1, 1, 5, 5)), (3, 3))
    with pytest.raises(ValueError, match=r"delta.shape=\(1, 2, 2\) != the convolution's output \(1, 3, 3\)"):
        conv_matrix_explorer(rng.standard_normal((1, 1, 3, 3)), (5, 5), delta=np.zeros((1, 2, 2)))
    e = conv_matrix_explorer(rng.standard_normal((1, 1, 3, 3)), (4, 4))
    with pytest.raises(IndexError, match="out of range"):
        e.selected = 4


def test_an_error_in_a_callback_lands_in_the_output(rng):
    e = conv_matrix_explorer(rng.standard_normal((1, 1, 3, 3)), (4, 4))
    e.steps.state = None  # sabotage: the next redraw fails
    e.slider.value = 2
    assert len(e.errors) == 1 and "TypeError" in e.errors[0]
    assert e.output.outputs and e.output.outputs[0]["name"] == "stderr"
    assert "error:" in e.caption.value


# --- S15: receptive fields --------------------------------------------------------------------

STACKS = [
    [Layer("conv", 3), Layer("conv", 3), Layer("pool", 2, 2), Layer("conv", 3)],
    [Layer("conv", 5, 1, 2), Layer("pool", 2, 2), Layer("conv", 3, 1, 1), Layer("pool", 2, 2)],
    [Layer("conv", 3, 2), Layer("conv", 3, 2), Layer("conv", 2, 1)],
    [Layer("conv", 2, 3), Layer("conv", 3, 1)],  # kernel < stride: the traced field has holes
    [Layer("conv", 3), Layer("conv", 3), Layer("pool", 2, 2), Layer("conv", 3), Layer("pool", 2, 2)],
]


@pytest.mark.parametrize("n", range(len(STACKS)))
def test_traced_field_equals_the_closed_form(n):
    layers, S = STACKS[n], 20
    rng = np.random.default_rng(n)
    sizes, rfs = feature_sizes(layers, S), receptive_fields(layers)
    for depth in range(len(layers) + 1):
        for _ in range(3):
            i, j = (int(v) for v in rng.integers(0, sizes[depth], 2))
            st = receptive_field_state(layers, S, depth, (i, j))
            assert st.closed_form == rfs[depth] and st.agree
            assert st.traced_box == st.closed_box and st.traced_size == st.closed_form_size
            np.testing.assert_array_equal(st.field_mask, bp_trace(layers, S, depth, (i, j)))
            first = int(round(rfs[depth].start - (rfs[depth].size - 1) / 2))
            top, left = first + i * rfs[depth].jump, first + j * rfs[depth].jump
            if top >= 0 and left >= 0 and top + rfs[depth].size <= S and left + rfs[depth].size <= S:
                assert st.traced_size == (rfs[depth].size, rfs[depth].size)  # a field inside the input: exactly r x r
            assert st.cone[depth].sum() == 1 and st.cone[depth][i, j]
            assert (st.holes > 0) == (n == 3 and depth >= 2)


def bp_trace(layers, S, depth, neuron):
    from bplib.receptive import trace_receptive_field

    return trace_receptive_field(layers, S, depth, neuron)


def test_receptive_field_explorer_sliders(rng):
    e = receptive_field_explorer(STACKS[0], 16)
    assert e.depth == 4 and e.neuron == (2, 2)  # the deepest layer's centre neuron (16 -> 14 -> 12 -> 6 -> 4)
    first = e.image.value
    e.slider.value = 2  # the depth slider (Play drives it): the neuron follows the same spot of the input
    assert e.depth == 2 and e.closed_form == receptive_fields(STACKS[0])[2]
    assert e.neuron == follow_neuron(STACKS[0], 16, (2, 2), 4, 2) == (7, 7)  # centre 8.5 stays put
    assert e.row.max == feature_sizes(STACKS[0], 16)[2] - 1
    e.row.value, e.col.value = 0, 3
    assert e.neuron == (0, 3) and e.traced_size == (5, 5) and e.field_mask.sum() == 25
    assert e.field_mask[0:5, 3:8].all()
    caption = _text(e.caption.value)
    assert "neuron (0, 3) at depth 2: closed form r = 5 (jump 1)" in caption and "traced: 5 × 5 pixels; they agree ✓" in caption
    assert e.drawing.panels["m0"].boxes["closed"].get_bbox().bounds == (2.5, -0.5, 5, 5)
    assert e.image.value != first and e.errors == []


def test_receptive_field_explorer_edits_the_stack(rng):
    e = receptive_field_explorer(STACKS[0], 16)
    e.kernels[0].value = 5  # a wider first kernel: every deeper field grows by 2
    assert e.layers[0] == Layer("conv", 5, 1, 0) and e.closed_form.size == receptive_fields(e.layers)[4].size == 12
    assert e.state.agree and e.problem == ""
    picture = e.image.value
    e.kernels[3].value = 7  # does not fit the 5 x 5 map (16 -> 12 -> 10 -> 5): refused, said, the stack kept
    assert "does not fit a 5x5 map" in e.problem and "does not fit" in e.caption.value
    assert e.layers[3].kernel == 3 and e.image.value == picture and e.errors == []
    e.kernels[3].value = 1
    assert e.layers[3].kernel == 1 and e.problem == ""
    e.strides[2].value = 1  # overlapping pooling: 16 -> 12 -> 10 -> 9 -> 9
    assert e.layers[2] == Layer("pool", 2, 1, 0) and e.closed_form == receptive_fields(e.layers)[e.depth]
    assert e.row.max == 8 and e.state.agree and e.errors == []


def test_receptive_field_explorer_select_and_limits():
    e = receptive_field_explorer(STACKS[4], 28)
    e.select(3, (5, 5))
    assert (e.depth, e.neuron, e.traced_size) == (3, (5, 5), (6, 6))
    with pytest.raises(ValueError, match="too large to show"):
        receptive_field_explorer(STACKS[0], 41)
    with pytest.raises(ValueError, match="show 1 to 5"):
        receptive_field_explorer([Layer("conv", 1)] * 6, 10)
    with pytest.raises(ValueError, match="does not fit"):
        receptive_field_explorer([Layer("conv", 5), Layer("conv", 5)], 6)


# --- S5: flatten order --------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(3, 4, 4), (2, 3, 5), (1, 8, 8), (4, 2, 3)])
def test_flatten_order_explorer(shape):
    C, H, W = shape
    rng = np.random.default_rng(sum(shape))
    e = flatten_order_explorer(C, H, W)
    block = rng.standard_normal((1, C, H, W))
    nhwc = block[0].transpose(1, 2, 0).ravel()  # the same block stored channels last, then flattened
    shown = set()
    for k in rng.choice(C * H * W, size=4, replace=False):
        e.slider.value = int(k)
        c, h, w = e.chw
        assert e.flat_index == k == c * H * W + h * W + w
        assert bp.flatten(block)[0, k] == block[0, c, h, w]
        c2, h2, w2 = e.nhwc_chw
        assert k == (h2 * W + w2) * C + c2 and nhwc[k] == block[0, c2, h2, w2]
        assert _text(e.caption.value).startswith(f"flat index {k} = c·H·W + h·W + w = {c}·{H * W} + {h}·{W} + {w}")
        shown.add(e.image.value)
        e.layout = "NHWC"
        assert e.toggle.value == "NHWC" and e.drawing.layout == "NHWC"
        caption = _text(e.caption.value)
        assert (f"NHWC stores channel {c2} at ({h2}, {w2})" in caption) == ((c, h, w) != (c2, h2, w2))
        holds = e.drawing.panels[f"c{c2}"].boxes["holds"]
        assert holds.get_visible() and holds.get_bbox().bounds == (w2 - 0.5, h2 - 0.5, 1, 1)
        assert e.drawing.panels[f"c{c}"].boxes["expected"].get_visible() == ((c, h, w) != (c2, h2, w2))
        shown.add(e.image.value)
        e.layout = "NCHW"
    labels = e.drawing.panels["c0"].labels.strings
    assert labels == [str(v) for v in range(H * W)]  # channel 0's cells are flat indices 0 .. H*W-1 in NCHW
    assert len(shown) >= 5 and e.errors == []


def test_flatten_order_steps_index_maps():
    steps = flatten_order_steps(2, 3, 4)
    c, h, w = np.indices((2, 3, 4))
    np.testing.assert_array_equal(steps.index["NCHW"], c * 12 + h * 4 + w)
    np.testing.assert_array_equal(steps.index["NHWC"], h * 8 + w * 2 + c)
    assert tuple(steps.holds["NHWC"][5]) == (1, 0, 2)


def test_flatten_order_explorer_limits():
    with pytest.raises(ValueError, match="too many to label"):
        flatten_order_explorer(3, 12, 12)  # the article's a2: 432 cells
    e = flatten_order_explorer(2, 2, 2)
    with pytest.raises(ValueError, match="layout must be"):
        e.layout = "CHWN"
    with pytest.raises(TypeError, match="integer"):
        e.flat_index = 1.5


def test_the_pictures_are_projector_sized(rng):
    """Every explorer's picture is at least 1100 px wide, with a white background."""
    for e in (conv_matrix_explorer(rng.standard_normal((1, 1, 3, 3)), (4, 4)),
              receptive_field_explorer(STACKS[0], 16), flatten_order_explorer(3, 4, 4)):
        px = _pixels(e.image.value)
        assert px.shape[1] >= 1100 and tuple(px[2, px.shape[1] // 2]) == (255, 255, 255)
        assert "application/vnd.jupyter.widget-view+json" in e._repr_mimebundle_()
        assert e.link.source == (e.play, "value") and e.link.target == (e.slider, "value")
