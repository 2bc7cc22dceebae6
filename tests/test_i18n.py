"""The Chinese edition's machinery: the language switch, the catalogue, the bundled font, zh drawings without tofu.

Every test here uses only the font files shipped in bplib/viz/fonts/: they pass on a machine
with no CJK font installed (test_no_system_cjk_font_is_needed removes any from matplotlib's
font list to prove it).
"""

import ast
import json
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from fontTools.ttLib import TTFont
from matplotlib import font_manager

from bplib import lang
from bplib.lang import get_language, language, set_language
from bplib.viz import catalogue, text
from bplib.viz.catalogue import TEXT, t

ROOT = Path(__file__).resolve().parents[1]
FONTS_DIR = ROOT / "bplib" / "viz" / "fonts"
CJK = re.compile(r"[\u2e80-\u9fff\uff00-\uffef\u3000-\u303f]")


@pytest.fixture(autouse=True)
def _english_afterwards():
    previous = get_language()
    yield
    set_language(previous)


# --- the language switch ---------------------------------------------------------------------


def test_set_and_get_language():
    set_language("en")
    assert get_language() == "en"
    assert set_language("zh") == "en"  # returns the previous language
    assert get_language() == "zh"
    with language("en"):
        assert get_language() == "en"
    assert get_language() == "zh"


@pytest.mark.parametrize("bad", ["fr", "ZH", "", None, 1])
def test_an_unknown_language_is_refused_with_the_choices(bad):
    with pytest.raises(ValueError, match=r"set_language: language must be one of 'en', 'zh', got"):
        set_language(bad)
    if bad is not None:  # t(lang=None) means the current language
        with pytest.raises(ValueError, match=r"^t: language must be one of"):
            t("conv.kernel", lang=bad)


def test_the_language_restores_after_an_error_in_the_block():
    set_language("en")
    with pytest.raises(RuntimeError), language("zh"):
        raise RuntimeError
    assert get_language() == "en"


@pytest.mark.parametrize("env, expected", [("zh", "zh"), ("en", "en"), ("", "en"), (None, "en")])
def test_bplib_lang_sets_the_first_language(env, expected):
    environ = {k: v for k, v in os.environ.items() if k != "BPLIB_LANG"}
    if env is not None:
        environ["BPLIB_LANG"] = env
    out = subprocess.run([sys.executable, "-c", "import bplib.lang as l; print(l.get_language())"], capture_output=True,
                         text=True, env=environ, check=True).stdout.strip()
    assert out == expected


def test_a_wrong_bplib_lang_says_so():
    environ = {**os.environ, "BPLIB_LANG": "de"}
    run = subprocess.run([sys.executable, "-c", "import bplib.lang as l; l.get_language()"], capture_output=True, text=True,
                         env=environ)
    assert run.returncode != 0 and "BPLIB_LANG" in run.stderr and "'de'" in run.stderr


def test_the_language_module_is_numpy_only_core():
    code = "import sys, bplib.lang; print([m for m in ('matplotlib', 'bplib.viz') if m in sys.modules])"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"


# --- the catalogue ---------------------------------------------------------------------------


def test_both_languages_have_the_same_keys_and_fields():
    assert set(TEXT) == set(lang.LANGUAGES)
    assert set(TEXT["en"]) == set(TEXT["zh"])
    unicode_math = {"layer_sup", "prev_sup", "j_sub", "k_sub"}  # the MLP's symbols without mathtext, passed in both languages
    for key in TEXT["en"]:  # every field a Chinese entry fills is one the caller passes for English too
        assert catalogue.fields(TEXT["zh"][key]) - unicode_math <= catalogue.fields(TEXT["en"][key]), key


def test_t_follows_the_language_and_fills_fields():
    set_language("en")
    assert t("panels.step", k=3, n=36) == "step 3 / 36"
    set_language("zh")
    assert t("panels.step", k=3, n=36) == "第 3 / 36 步"
    assert t("conv.kernel", lang="en") == "kernel w"
    with pytest.raises(KeyError, match="t: the catalogue has no text 'no.such' in 'zh'"):
        t("no.such")


def test_chinese_is_chinese_and_uses_the_articles_terms():
    zh = TEXT["zh"]
    words = sum(bool(CJK.search(s)) for s in zh.values())
    assert words >= 0.8 * len(zh), "most entries should be translated"
    joined = "".join(zh.values())
    for term in ("卷积核", "特征图", "感受野", "池化", "反向传播", "误差", "全卷积", "转置卷积", "权重", "偏置", "步幅", "填充",
                 "反池化", "展平"):
        assert term in joined, term
    for s in zh.values():  # mathtext has no CJK glyphs: Chinese never sits inside $...$
        assert not (CJK.search(s) and "$" in s), s


def test_the_english_entries_reproduce_the_steps_own_words():
    """The unpool note and the rot180 phase are built in bplib.steps in English; the catalogue says the same."""
    from bplib.steps.rot180 import rot180_steps
    from bplib.steps.unpool import unpool_steps
    from bplib.viz.rot180 import phase_text
    from bplib.viz.unpool import unpool_note

    set_language("en")
    rng = np.random.default_rng(0)
    x = np.round(np.abs(rng.standard_normal((2, 6, 6))), 0)  # rounding makes ties
    seqs = [unpool_steps(x, rng.standard_normal((2, 3, 3)), "max"), unpool_steps(x, rng.standard_normal((2, 3, 3)), "avg"),
            unpool_steps(x, rng.standard_normal((2, 2, 2)), "max", 3, 2),  # overlapping windows
            unpool_steps(x, rng.standard_normal((2, 2, 2)), "avg", 3, 2)]
    notes = [seq.state(k).note for seq in seqs for k in range(seq.n_steps)]
    assert any(n.startswith("tie") for n in notes) and any("overlap" in n for n in notes)
    for seq in seqs:
        for k in range(seq.n_steps):
            s = seq.state(k)
            assert unpool_note(s) == s.note
    for mode in ("rotate", "mirror"):
        seq = rot180_steps(rng.standard_normal((3, 3)), mode, 4)
        for k in range(seq.n_steps):
            assert phase_text(seq.state(k)) == seq.state(k).phase


# --- the font ----------------------------------------------------------------------------------


def _cmaps():
    dejavu = {w: TTFont(font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans", weight=w),
                                              fallback_to_default=False)).getBestCmap() for w in ("normal", "bold")}
    bundled = {w: TTFont(FONTS_DIR / f"NotoSansSC-{w}-subset.otf").getBestCmap() for w in ("Regular", "Bold")}
    return dejavu, bundled


def test_every_catalogue_glyph_is_in_dejavu_or_the_bundled_font():
    dejavu, bundled = _cmaps()
    for lang_ in ("en", "zh"):
        for s in catalogue.all_strings(lang_):
            for ch in set(s) - set("\n"):
                for dv, cjk in ((dejavu["normal"], bundled["Regular"]), (dejavu["bold"], bundled["Bold"])):
                    assert ord(ch) in dv or ord(ch) in cjk, f"{ch!r} (U+{ord(ch):04X}) of {s!r} has no glyph"


def test_the_bundled_font_is_the_subset_the_tool_makes():
    for weight in ("Regular", "Bold"):
        font = TTFont(FONTS_DIR / f"NotoSansSC-{weight}-subset.otf")
        assert font["name"].getDebugName(1) == text.CJK_FAMILY
        assert font["name"].getDebugName(2) == weight
        assert (FONTS_DIR / f"NotoSansSC-{weight}-subset.otf").stat().st_size < 400_000
        assert 300 < len(font.getGlyphOrder()) < 3000
    licence = (FONTS_DIR / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence and "Adobe" in licence and "Noto Sans CJK SC" in licence


def test_the_cjk_family_resolves_to_the_bundled_file_and_falls_back_after_dejavu():
    found = font_manager.fontManager._find_fonts_by_props(font_manager.FontProperties(family=text.CJK_FAMILY))
    assert [Path(p) for p in found] == [text.CJK_FONT_FILES[0]]
    assert matplotlib.rcParams["font.family"][-1] == text.CJK_FAMILY
    assert text.FONTS["normal"].get_family() == ["DejaVu Sans", text.CJK_FAMILY]
    assert text.cjk_rc(["sans-serif"]) == {"font.family": ["sans-serif", text.CJK_FAMILY]}


def test_pathtext_draws_real_chinese_glyphs_and_unchanged_latin_ones():
    """A CJK glyph is an outline from the bundled font, not the empty box (.notdef) a missing glyph gets."""
    from matplotlib.textpath import TextPath

    bundled = font_manager.FontProperties(fname=text.CJK_FONT_FILES[0])
    only_dejavu = font_manager.FontProperties(family="DejaVu Sans")
    for ch in "卷积核误差":
        v, c, adv = text._glyph(ch, "normal")
        np.testing.assert_array_equal(v, TextPath((0, 0), ch, size=1, prop=bundled).vertices)
        tofu = TextPath((0, 0), ch, size=1, prop=only_dejavu).vertices  # what DejaVu Sans alone would draw: a box
        assert v.shape != tofu.shape or not np.allclose(v, tofu)
        assert 0.9 < adv < 1.1  # CJK glyphs are one em wide
    dejavu = TextPath((0, 0), "a", size=1, prop=font_manager.FontProperties(family="DejaVu Sans"))
    np.testing.assert_array_equal(text._glyph("a", "normal")[0], dejavu.vertices)


def test_pathtext_warns_like_matplotlib_when_no_font_has_a_glyph():
    from bplib.viz.panels import new_figure

    fig = new_figure(2, 1)
    with pytest.warns(UserWarning, match=r"Glyph 983040 .* missing from font\(s\) DejaVu Sans, Noto Sans SC bplib"):
        text.PathText(fig, 0.1, 0.5, "x\U000f0000")  # a private-use code point of plane 15: no font has it


@pytest.mark.slow
def test_every_zh_figure_draws_without_missing_glyphs():
    from bplib import figures as F

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)" is a UserWarning
        for name in F.FIGURES:
            if F.FIGURES[name].formats == F.ANIMATED:
                spec = F.FIGURES[name]
                with language("zh"), matplotlib.rc_context(text.cjk_rc()):
                    made = spec.draw(np.random.default_rng(F.SEED), **spec.params)
                    drawing = made.draw(None, made.steps.state(0), made.steps)
                    for k in range(made.steps.n_steps):  # every step's words, not only the frames of the GIF
                        drawing.update(made.steps.state(k))
                        drawing.render()
            else:
                F.build(name, "zh")


def test_every_widget_and_explorer_draws_in_chinese_without_missing_glyphs():
    from bplib.widgets.animations import full_conv_widget, rot180_widget, sliding_kernel_widget, unpool_widget, weight_grad_widget
    from bplib.widgets.explorers import conv_matrix_explorer, flatten_order_explorer, receptive_field_explorer

    rng = np.random.default_rng(0)
    x = np.round(np.abs(rng.standard_normal((6, 6))), 0)
    with warnings.catch_warnings(), language("zh"):
        warnings.simplefilter("error")
        made = [sliding_kernel_widget(x, rng.standard_normal((3, 3)), 0.5, padding=1),
                sliding_kernel_widget(rng.standard_normal((2, 5, 5)), rng.standard_normal((2, 3, 3)), padding=1),
                unpool_widget(x, rng.standard_normal((3, 3))), unpool_widget(x, rng.standard_normal((3, 3)), "avg"),
                unpool_widget(rng.standard_normal((2, 4, 4)), rng.standard_normal(2), "gap"),
                weight_grad_widget(x, rng.standard_normal((4, 4)), 3, padding=0),
                weight_grad_widget(x, rng.standard_normal((3, 3)), 3, stride=2, padding=1),
                rot180_widget(rng.standard_normal((3, 3))), rot180_widget(rng.standard_normal((3, 3)), "mirror", 2),
                full_conv_widget(rng.standard_normal((2, 3, 3)), rng.standard_normal((2, 1, 3, 3)), padding=1)]
        for widget in made:
            for k in (0, widget.n_steps // 2, widget.n_steps - 1):
                widget.step = k
                if widget.drawing.__class__.__name__ != "SlidingKernelDrawing":  # its caption is an equation only
                    assert CJK.search(widget.caption.value), widget.caption.value
            assert any(CJK.search(t_.get_text()) for t_ in widget.drawing.texts), type(widget.drawing).__name__
        cm = conv_matrix_explorer(rng.standard_normal((3, 3)), (4, 4))
        cm.selected = 3
        cm.transposed = True
        rf = receptive_field_explorer([("conv", 3), ("pool", 2, 2), ("conv", 3)], 12)
        rf.select(2, (1, 1))
        fo = flatten_order_explorer(2, 3, 3)
        fo.layout = "NHWC"
        fo.flat_index = 5
        for explorer in (cm, rf, fo):
            assert CJK.search(explorer.describe()), explorer.describe()


def test_an_english_drawing_has_no_chinese_and_a_chinese_one_does():
    from bplib.steps.unpool import unpool_steps
    from bplib.viz.unpool import draw_unpool

    seq = unpool_steps(np.abs(np.random.default_rng(1).standard_normal((4, 4))), np.ones((2, 2)), "max")
    with language("en"):
        en = draw_unpool(None, seq.state(1), seq)
    with language("zh"):
        zh = draw_unpool(None, seq.state(1), seq)
    en_words = [p.title.get_text() for p in en.panels.values()] + [t_.get_text() for t_ in en.texts]
    zh_words = [p.title.get_text() for p in zh.panels.values()] + [t_.get_text() for t_ in zh.texts]
    assert not any(CJK.search(w) for w in en_words)
    assert "池化后的误差 δ²[0]" in zh_words and "第 2 / 4 步" in zh_words


def test_no_system_cjk_font_is_needed(tmp_path):
    """With every system CJK font removed from matplotlib's list, a zh figure still draws, glyph for glyph."""
    code = f"""
import warnings
from matplotlib import font_manager as fm
fm.fontManager.ttflist = [f for f in fm.fontManager.ttflist if 'cjk' not in f.fname.lower() and 'noto' not in f.fname.lower()
                          or 'bplib' in f.fname]
fm.fontManager._findfont_cached.cache_clear()
warnings.simplefilter('error')
from bplib import figures as F
from bplib.viz import text
import ast
import json
import os
assert all(os.path.dirname(f.fname).endswith(os.path.join('viz', 'fonts')) for f in fm.fontManager.ttflist
           if f.name == text.CJK_FAMILY)
out = F.build('bp_table', 'zh')
open({str(tmp_path / 'bp_table.png')!r}, 'wb').write(out['bp_table.png'])
print('ok')
"""
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stderr
    assert (tmp_path / "bp_table.png").read_bytes() == (ROOT / "figures" / "zh" / "bp_table.png").read_bytes()


def _subset_tool():
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import subset_font
    finally:
        sys.path.pop(0)
    return subset_font


def test_the_subset_tool_reads_the_string_literals_of_zh_notebook_code(tmp_path):
    """A zh notebook may translate a label it passes to a plot: the tool collects string literals, not comments or prose."""
    tool = _subset_tool()
    code = ["%matplotlib inline\n", "# 注释不算\n", "ax.set_title('龟兔赛跑')\n", 'print(f"{x}：鹤")\n', 'y = """鹿\n"""']
    cells = [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": code},
             {"cell_type": "markdown", "metadata": {}, "source": "正文不算"}]
    notebook = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "a.ipynb").write_text(json.dumps(notebook, ensure_ascii=False), encoding="utf-8")
    assert tool.notebook_characters(tmp_path) == "".join(sorted("龟兔赛跑：鹤鹿"))
    assert tool.code_string_literals("title = (") == []  # a cell that does not tokenize gives nothing, not an error
    assert tool.code_string_literals('show_figure(fig, alt="替代文字")\nax.set_title("标题")') == ['"标题"']
    assert tool.code_string_literals('show_figure(fig, alt=("第一段"\n    "第二段"))\nprint("标签")') == ['"标签"']
    assert tool.code_string_literals('show_figure(fig, alt="一" "二")\nx = "三"') == ['"三"']
    assert set(tool.notebook_characters()) <= set(tool.catalogue_characters())


def _literals(source: str) -> str:
    """Every str constant of a code cell, read with ast (a route independent of the tool's tokenizer)."""
    code = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.split("\n"))
    tree = ast.parse(code)
    alt = {id(n) for k in ast.walk(tree) if isinstance(k, ast.keyword) and k.arg == "alt" for n in ast.walk(k.value)}
    return "".join(node.value for node in ast.walk(tree)  # alt text is read aloud, never drawn: no glyph needed
                   if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in alt)


def test_every_chinese_string_literal_of_the_zh_notebooks_has_a_glyph():
    """The labels a zh notebook passes to a plot (title="…") draw from the bundled font: run tools/subset_font.py if not."""
    _, bundled = _cmaps()
    notebooks = sorted((ROOT / "notebooks" / "zh").glob("*.ipynb"))
    missing = {}
    for path in notebooks:
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                for ch in set(CJK.findall(_literals("".join(cell["source"])))):
                    if not all(ord(ch) in cmap for cmap in bundled.values()):
                        missing.setdefault(path.name, set()).add(ch)
    assert not missing, f"run tools/subset_font.py: the bundled font lacks {missing}"


def test_the_subset_tool_covers_the_catalogue():
    chars = _subset_tool().catalogue_characters()
    assert all(ch in chars for s in catalogue.all_strings("zh") for ch in s if ch != "\n")
    _, bundled = _cmaps()
    missing = [ch for ch in chars if ord(ch) not in bundled["Regular"] and ord(ch) > 0x2E80]
    assert not missing, f"run tools/subset_font.py: the bundled font lacks {''.join(missing)}"


@pytest.mark.parametrize("width", [20, 28, 60])
def test_chinese_notes_wrap_within_the_width_and_keep_numbers_whole(width):
    from bplib.steps.unpool import unpool_steps
    from bplib.viz.unpool import _wrap, unpool_note

    rng = np.random.default_rng(3)
    x = np.round(np.abs(rng.standard_normal((1, 6, 6))), 0)
    seq = unpool_steps(x, rng.standard_normal((1, 2, 2)), "max", 3, 2)  # ties and overlaps: the longest notes
    with language("zh"):
        notes = [unpool_note(seq.state(k)) for k in range(seq.n_steps)]
    for note in notes:
        lines = _wrap(note, width).split("\n")
        assert "".join(lines).replace(" ", "") == note.replace(" ", "")  # nothing lost, nothing added
        for line in lines:
            cells = sum(2 if CJK.match(ch) else 1 for ch in line)
            overflow_ok = " " not in line.strip() and not CJK.search(line)  # only one unbreakable token may overflow
            assert cells <= width + 2 or overflow_ok, (width, line)  # + 2: closing punctuation stays on its line
            assert line and line[0] not in "，。；：）、", line
        numbers = re.findall(r"-?\d+\.\d+", note)
        assert numbers == re.findall(r"-?\d+\.\d+", " ".join(lines))  # no number split across lines
