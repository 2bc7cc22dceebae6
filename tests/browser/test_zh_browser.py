"""A widget in Chinese in a real browser: JupyterLab runs zh_widgets.ipynb (set_language("zh"), an unpooling widget).

The picture's Chinese comes from the bundled font (a PNG drawn by matplotlib); the caption is
HTML that the browser draws with a system font, which `make browser-test` installs (Debian's
fonts-noto-cjk). The test proves the caption's Chinese characters are drawn with real glyphs:
a missing glyph is drawn as the font's .notdef box, the same picture for every character,
so distinct characters drawn in the caption's own font must give distinct pictures, unlike
two code points no font has. Screenshot: browser-screens/zh-unpool-widget.png.
"""

import re

import pytest
from test_browser import ERROR_TEXTS, _picture, _readout, _wait_for_new_picture, running_notebook

NOTEBOOK = "tests/browser/zh_widgets.ipynb"
CJK = re.compile(r"[\u4e00-\u9fff]")

# Draw each character alone on a canvas in the caption's computed font; return a fingerprint of its pixels
# (and its advance width), so two characters drawn with the same (.notdef) box give the same fingerprint.
_GLYPH_PRINTS = """(el, chars) => {
  const font = getComputedStyle(el).font;
  const canvas = document.createElement('canvas');
  canvas.width = 64; canvas.height = 64;
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  return chars.map(ch => {
    ctx.clearRect(0, 0, 64, 64);
    ctx.font = font;
    ctx.textBaseline = 'top';
    ctx.fillText(ch, 4, 4);
    const data = ctx.getImageData(0, 0, 64, 64).data;
    let hash = 0, ink = 0;
    for (let i = 3; i < data.length; i += 4) { hash = (hash * 31 + data[i]) | 0; ink += data[i] > 0 ? 1 : 0; }
    return [hash, ink, ctx.measureText(ch).width];
  });
}"""


@pytest.fixture(scope="module")
def page(lab_server, browser, screens):
    with running_notebook(lab_server, browser, screens, NOTEBOOK, ".bplib-step-widget img", 1, "zh widget ready",
                          "zh-failure.png") as pg:
        yield pg


def test_the_widget_draws_and_captions_in_chinese(page, screens):
    widget = page.locator(".bplib-step-widget").first
    widget.scroll_into_view_if_needed()
    box = widget.locator("img").first.bounding_box()
    assert box and box["width"] > 600 and box["height"] > 300, f"picture not rendered ({box})"
    caption = widget.locator(".widget-html").last
    text = caption.inner_text()
    assert CJK.search(text), f"the caption is not Chinese: {text!r}"
    assert "窗口" in text or "格子" in text
    assert not any(e in text for e in ERROR_TEXTS)
    src, _ = _picture(widget)
    before = _readout(widget)
    widget.locator("button", has_text="▶").click()  # the widget still moves, in Chinese
    page.wait_for_function("([w, old]) => w.querySelector('.widget-readout').innerText.trim() !== old",
                           arg=[widget.element_handle(), before], timeout=15_000)
    _wait_for_new_picture(page, widget, src)
    assert CJK.search(caption.inner_text())
    widget.screenshot(path=str(screens / "zh-unpool-widget.png"))


def test_the_captions_chinese_is_drawn_with_real_glyphs(page):
    caption = page.locator(".bplib-step-widget .widget-html div[style]").last  # the caption's own font and size
    chars = sorted(set(CJK.findall(caption.inner_text())))[:8]
    assert len(chars) >= 4, chars
    missing = ["\U0010fffd", "\U0010fffc"]  # private-use code points of plane 16: no font draws them
    prints = caption.evaluate(_GLYPH_PRINTS, chars + missing)
    real, tofu = prints[: len(chars)], prints[len(chars):]
    assert tofu[0][0] == tofu[1][0], f"the check cannot see a missing glyph here: {tofu}"  # one box for every missing glyph
    assert all(ink > 20 for _, ink, _ in real), f"some Chinese characters left no ink: {list(zip(chars, real))}"
    assert len({h for h, _, _ in real}) == len(chars), f"Chinese characters share one picture (tofu): {list(zip(chars, real))}"
    assert not {h for h, _, _ in real} & {h for h, _, _ in tofu}, "a Chinese character looks like a missing glyph"
    size = float(caption.evaluate("el => parseFloat(getComputedStyle(el).fontSize)"))
    for ch, (_, _, width) in zip(chars, real):  # CJK glyphs are one em wide
        assert abs(width - size) <= 0.15 * size, f"{ch}: advance {width} px for a {size} px font"


def test_no_error_output(page):
    assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']").count() == 0
    text = page.locator(".jp-Notebook").inner_text()
    assert "Traceback" not in text and "zh widget ready: 0 errors" in text
