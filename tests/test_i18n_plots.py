"""The notebooks' own static plots in Chinese (issue 12): every word they draw comes from the catalogue.

Each public draw function of the notebook plot modules (bplib.viz.plots.coevolution, convlayer, errormaps,
fields, grids, heads, learning, legend, params, pool_derivative, pooling, regularize, saturation,
training) and the pooling widget's caption is drawn in "zh" with matplotlib's missing-glyph warning
turned into an error, and must show Chinese; drawn in "en" it must show none. CASES below is also
what the English before/after pixel comparison of the migration rendered.
"""

import re
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.text import Text  # noqa: E402

import bplib as bp  # noqa: E402
from bplib.lang import get_language, language, set_language  # noqa: E402
from bplib.receptive import Layer  # noqa: E402
from bplib.regularize import channel_dropout_forward, dropout_forward  # noqa: E402
from bplib.viz.plots import (  # noqa: E402
    coevolution,
    convlayer,
    errormaps,
    fields,
    grids,
    heads,
    learning,
    legend,
    params,
    pool_derivative,
    pooling,
    regularize,
    saturation,
    training,
)
from bplib.viz.text import PathText  # noqa: E402

CJK = re.compile(r"[\u2e80-\u9fff\uff00-\uffef\u3000-\u303f]")


def _rng(seed=0):
    return np.random.default_rng(seed)


def _history(seed=0, steps_per_epoch=10, epochs=3):
    rng = _rng(seed)
    loss = np.abs(rng.standard_normal(steps_per_epoch * epochs)) + np.linspace(2, 0.1, steps_per_epoch * epochs)
    return bp.History(loss, rng.random(epochs), rng.random(epochs), steps_per_epoch, 0.0)


def _label(lang, en, zh):
    """A label the caller (a notebook) passes: English in an English notebook, Chinese in its zh twin."""
    return zh if lang == "zh" else en


# --- one case per public draw function: case(fig, lang) draws on a fresh figure ----------------------------------------


def _kernel_epochs(fig, lang):
    coevolution.draw_kernel_epochs(fig.subplots(2, 3), _rng(1).standard_normal((3, 2, 1, 3, 3)))


def _layer_change(fig, lang):
    a, b = fig.subplots(1, 2)
    change = {_label(lang, "kernels W¹", "卷积核 W¹"): [0.3, 0.1, 0.05], _label(lang, "head W⁴", "分类头 W⁴"): [0.5, 0.2, 0.1]}
    coevolution.plot_layer_change(a, b, change, np.abs(_rng(2).standard_normal((3, 2))) * 10)


def _feature_bands(fig, lang):
    coevolution.plot_feature_bands(fig.subplots(1, 2), np.abs(_rng(3).standard_normal((4, 5, 2, 6))))


def _mix_matrix(fig, lang):
    coevolution.draw_mix_matrix(fig.subplots(), 0.75 + 0.2 * _rng(4).random((3, 3)))


def _shift_changes(fig, lang):
    labels = [_label(lang, n, z) for n, z in (("a¹", "a¹（卷积）"), ("a²", "a²（池化）"), ("a⁴", "a⁴（输出）"))]
    coevolution.plot_shift_changes(fig.subplots(), {1: [0.2, 0.15, 0.1], 2: [0.4, 0.3, 0.2]}, labels)


def _receptive_windows(fig, lang):
    a, b = fig.subplots(1, 2)
    convlayer.draw_receptive_windows(a, b, _rng(5).uniform(-1, 1, (10, 10)), {(0, 0): "C0", (2, 3): "C1"}, 5)


def _conv_feature_maps(fig, lang):
    rng = _rng(6)
    convlayer.draw_feature_maps(fig.subplots(2, 3), rng.uniform(-1, 1, (8, 8)), rng.standard_normal((2, 3, 3)),
                                rng.standard_normal((2, 6, 6)))


def _channels(fig, lang):
    convlayer.draw_channels(fig.subplots(1, 4), _rng(7).integers(0, 255, (3, 3, 3)).astype(float))


def _flat_vector(fig, lang):
    errormaps.draw_flat_vector(fig.subplots(), _rng(8).standard_normal(48), 3, mark=20)


def _error_map(fig, lang):
    errormaps.draw_error_map(fig.subplots(), _rng(9).standard_normal((6, 6)), title=_label(lang, "δ²[0]", "误差 δ²[0]"),
                             mark=(1, 2))


def _traced_fields(fig, lang):
    layers = [Layer("conv", 5), Layer("pool", 2, 2)]
    fields.draw_traced_fields(fig.subplots(), _rng(10).uniform(-1, 1, (16, 16)), layers, [(1, (4, 8)), (2, (5, 5))])


def _field_growth(fig, lang):
    fields.draw_field_growth(fig.subplots(), [Layer("conv", 3), Layer("pool", 2, 2), Layer("conv", 3), Layer("conv", 3)])


def _value_grid(fig, lang):
    grids.draw_value_grid(fig.subplots(), _rng(11).standard_normal((3, 3)), title=_label(lang, "∂C/∂W", "梯度 ∂C/∂W"),
                          box=(0, 0, 2, 2))


def _map_sum(fig, lang):
    a, b = _rng(12).standard_normal((2, 3, 3))
    titles = [_label(lang, en, zh) for en, zh in (("from a", "来自 a"), ("from b", "来自 b"), ("sum", "总和"))]
    grids.draw_map_sum(fig.subplots(1, 3), [a, b, a + b], titles)


def _flatten_index_map(fig, lang):
    heads.draw_flatten_index_map(fig, np.arange(18).reshape(2, 3, 3))


def _class_templates(fig, lang):
    heads.draw_class_templates(fig.subplots(2, 2), _rng(13).standard_normal((10, 2, 4, 4)), [3, 7])


def _shift_curves(fig, lang):
    a, b = fig.subplots(1, 2)
    flat, gap = _label(lang, "flatten", "展平"), _label(lang, "GAP", "GAP 分类头")
    heads.plot_shift_curves(a, b, [0, 1, 2], {flat: [0, 0.5, 0.8], gap: [0, 0.1, 0.2]},
                            {flat: [0.9, 0.6, 0.3], gap: [0.9, 0.88, 0.85]})


def _kernel_history(fig, lang):
    rng = _rng(14)
    history = np.cumsum(rng.standard_normal((21, 3, 3)) * 0.1, axis=0)
    learning.draw_kernel_history(fig.subplots(1, 4), history, np.geomspace(1, 1e-3, 21))


def _palette_legend(fig, lang):
    roles = [("input", _label(lang, "input a⁰", "输入 a⁰")), ("kernel", _label(lang, "kernel w", "卷积核 w"))]
    legend.draw_palette_legend(fig.subplots(2, 1), roles)


def _fc_shares(fig, lang):
    params.draw_fc_shares(fig.subplots(), {"ArticleNet": 0.95, "LeNet-5": 0.85, "VGG-16": 0.89}, highlight=["ArticleNet"])


def _pd_value_grid(fig, lang):
    pool_derivative.draw_value_grid(fig.subplots(), _rng(15).standard_normal((4, 4)))


def _derivative_pattern(fig, lang):
    pattern = np.zeros((4, 4))
    pattern[2:4, 0:2] = 0.25
    pool_derivative.draw_derivative_pattern(fig.subplots(), pattern, (2, 0, 2, 2), title=_label(lang, "average", "平均池化"))


def _a1():
    return _rng(16).uniform(-1, 1, (4, 6))


def _poolings(fig, lang):
    pooled, winners = pooling.pool_all(_a1())
    pooling.draw_poolings(pooling.pooling_axes(fig), _a1(), pooled, winners)


def _pooling_window(fig, lang):
    pooled, _ = pooling.pool_all(_a1())
    pooling.draw_pooling_window(pooling.pooling_axes(fig), _a1(), pooled, 4)


def _pooled_channels(fig, lang):
    a1 = np.abs(_rng(17).standard_normal((2, 4, 4)))
    pooled = {name: np.stack([pooling.pool_all(a1[c])[0][name] for c in range(2)]) for name in pooling.NAMES}
    pooling.draw_pooled_channels(fig.subplots(2, 4), a1, pooled)


def _correlation(fig, lang):
    regularize.draw_correlation(fig.subplots(), np.arange(1, 6), np.array([0.8, 0.5, 0.3, 0.1, 0.0]))


def _drop_masks(fig, lang):
    x = _rng(18).random((1, 2, 6, 6))
    y_drop, c_drop = dropout_forward(x, 0.4, _rng(1))
    y_chan, c_chan = channel_dropout_forward(x, 0.4, _rng(2))
    columns = [(_label(lang, "before", "丢弃前"), x, None), ("dropout", y_drop, c_drop),
               (_label(lang, "channel dropout", "通道 dropout"), y_chan, c_chan)]
    regularize.draw_drop_masks(fig.subplots(2, 3), columns)


def _output_error(fig, lang):
    saturation.draw_output_error(fig.subplots(), np.linspace(-6, 6, 61), 1.0, mark=-4.0)


def _loss(fig, lang):
    training.draw_loss(fig.subplots(), _history())


def _accuracy(fig, lang):
    training.draw_accuracy(fig.subplots(), _history())


def _learning_curves(fig, lang):
    a, b = fig.subplots(1, 2)
    training.draw_learning_curves(a, b, _history(), window=5)


def _run_comparison(fig, lang):
    a, b = fig.subplots(1, 2)
    runs = {_label(lang, "sigmoid", "sigmoid 激活"): _history(0), "ReLU": _history(1)}
    training.draw_run_comparison(a, b, runs, window=5)


def _kernels(fig, lang):
    rng = _rng(19)
    training.draw_kernels(fig.subplots(1, 3), rng.standard_normal((3, 1, 3, 3)), rng.standard_normal(3))


def _trace():
    net = bp.ArticleNet(seed=0)
    return net.forward(_rng(20).random((1, 1, 28, 28)).astype(np.float32))


def _training_feature_maps(fig, lang):
    trace = _trace()
    training.draw_feature_maps(fig.subplots(2, trace.a1.shape[1] + 1), trace, label=3)


def _confusion(fig, lang):
    training.draw_confusion(fig.subplots(), _rng(21).integers(0, 30, (4, 4)))


def _mistakes(fig, lang):
    training.draw_mistakes(fig.subplots(1, 2), _rng(22).uniform(-1, 1, (2, 28, 28)), [3, 5], [8, 6], [0.9, 0.55])


CASES = {
    "coevolution.draw_kernel_epochs": _kernel_epochs, "coevolution.plot_layer_change": _layer_change,
    "coevolution.plot_feature_bands": _feature_bands, "coevolution.draw_mix_matrix": _mix_matrix,
    "coevolution.plot_shift_changes": _shift_changes,
    "convlayer.draw_receptive_windows": _receptive_windows, "convlayer.draw_feature_maps": _conv_feature_maps,
    "convlayer.draw_channels": _channels,
    "errormaps.draw_flat_vector": _flat_vector, "errormaps.draw_error_map": _error_map,
    "fields.draw_traced_fields": _traced_fields, "fields.draw_field_growth": _field_growth,
    "grids.draw_value_grid": _value_grid, "grids.draw_map_sum": _map_sum,
    "heads.draw_flatten_index_map": _flatten_index_map, "heads.draw_class_templates": _class_templates,
    "heads.plot_shift_curves": _shift_curves,
    "learning.draw_kernel_history": _kernel_history,
    "legend.draw_palette_legend": _palette_legend,
    "params.draw_fc_shares": _fc_shares,
    "pool_derivative.draw_value_grid": _pd_value_grid, "pool_derivative.draw_derivative_pattern": _derivative_pattern,
    "pooling.draw_poolings": _poolings, "pooling.draw_pooling_window": _pooling_window,
    "pooling.draw_pooled_channels": _pooled_channels,
    "regularize.draw_correlation": _correlation, "regularize.draw_drop_masks": _drop_masks,
    "saturation.draw_output_error": _output_error,
    "training.draw_loss": _loss, "training.draw_accuracy": _accuracy, "training.draw_learning_curves": _learning_curves,
    "training.draw_run_comparison": _run_comparison, "training.draw_kernels": _kernels,
    "training.draw_feature_maps": _training_feature_maps, "training.draw_confusion": _confusion,
    "training.draw_mistakes": _mistakes,
}


def render(name: str, lang: str, size=(10, 6), dpi=60):
    """Draw CASES[name] in lang on a new figure of size inches; returns the figure (drawn once, so every text exists).

    The texts of the PathText (MapPanel titles) drawn on it are kept in fig.path_texts, beside its Text artists.
    """
    fig = plt.figure(figsize=size, dpi=dpi)
    fig.path_texts = []
    original = PathText.set_text

    def recording(self, text):
        original(self, text)
        fig.path_texts.append(self)

    PathText.set_text = recording
    try:
        with language(lang):
            CASES[name](fig, lang)
            fig.canvas.draw()
    finally:
        PathText.set_text = original
    return fig


def figure_texts(fig) -> list:
    """Every non-empty string the figure shows: titles, labels, tick labels, legends, annotations, PathText."""
    texts = [a.get_text() for a in fig.findobj(Text) if a.get_text()]
    return texts + [p.get_text() for p in dict.fromkeys(fig.path_texts) if p.get_text() and p.patch.figure is fig]


@pytest.fixture(autouse=True)
def _restore():
    previous = get_language()
    yield
    set_language(previous)
    plt.close("all")


def test_every_public_draw_function_of_the_notebook_plot_modules_has_a_case():
    modules = (coevolution, convlayer, errormaps, fields, grids, heads, learning, legend, params, pool_derivative, pooling,
               regularize, saturation, training)
    public = {f"{m.__name__.rsplit('.', 1)[1]}.{name}" for m in modules for name, obj in vars(m).items()
              if name.startswith(("draw_", "plot_")) and getattr(obj, "__module__", None) == m.__name__}
    assert public == set(CASES), sorted(public ^ set(CASES))


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_chinese_plot_draws_every_glyph_and_shows_chinese(name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s) ..." is a UserWarning
        fig = render(name, "zh")
    texts = figure_texts(fig)
    assert any(CJK.search(s) for s in texts), texts
    for s in texts:  # mathtext has no CJK glyphs
        assert not (CJK.search(s) and "$" in s), s


@pytest.mark.parametrize("name", sorted(CASES))
def test_an_english_plot_has_no_chinese(name):
    texts = figure_texts(render(name, "en"))
    assert texts and not any(CJK.search(s) for s in texts), [s for s in texts if CJK.search(s)]


def test_the_words_the_modules_draw_follow_the_language():
    """Not only some Chinese: the module's own words (not the caller's labels) change with the language."""
    for name, en_word, zh_word in [("coevolution.draw_kernel_epochs", "epoch 0", "第 0 轮"),
                                   ("training.draw_loss", "cross-entropy loss", "交叉熵损失"),
                                   ("pooling.draw_poolings", "max pooling: 2 × 3", "最大池化：2 × 3"),
                                   ("saturation.draw_output_error", "one output neuron, target y = 1", "一个输出神经元，目标 y = 1"),
                                   ("fields.draw_field_growth", "receptive field r", "感受野 r")]:
        assert en_word in figure_texts(render(name, "en")), name
        assert zh_word in figure_texts(render(name, "zh")), name


def test_the_pooling_widget_caption_is_translated():
    from bplib.widgets.pooling import pooling_window_widget

    with warnings.catch_warnings(), language("zh"):
        warnings.simplefilter("error")
        w = pooling_window_widget(_a1())
        w.window = 3
        zh = w.caption.value
    with language("en"):
        w = pooling_window_widget(_a1())
        w.window = 3
        en = w.caption.value
    v = w.values
    assert "最大" in zh and "平均" in zh and f"{v['max']:.2f}" in zh
    with language("zh"):
        w_zh = pooling_window_widget(_a1())
    assert (w_zh.slider.description, w_zh.prev.tooltip, w_zh.next.tooltip) == ("窗口", "上一个窗口", "下一个窗口")
    assert not CJK.search(en) and f"max {v['max']:.2f}" in en
    assert (w.slider.description, w.prev.tooltip, w.next.tooltip) == ("window", "previous window", "next window")
