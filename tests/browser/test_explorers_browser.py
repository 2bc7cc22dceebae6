"""The three explorers in a real browser: JupyterLab runs explorers.ipynb; each renders and moves.

Uses the fixtures of conftest.py (JupyterLab, Debian's chromium) and the picture/readout
helpers of test_browser.py. For each explorer: it renders, Play and ▶ advance its slider
and change the picture, its other controls (the C / Cᵀ and NCHW / NHWC toggles; the
receptive field's row and kernel sliders) change the picture too, and no error or
traceback appears. Screenshots go to browser-screens/explorer-*.png.
"""

import pytest
from test_browser import ERROR_TEXTS, _picture, _readout, _wait_for_new_picture, _wait_for_step_change, running_notebook

NOTEBOOK = "tests/browser/explorers.ipynb"
EXPLORERS = ["conv_matrix", "receptive_field", "flatten_order"]


@pytest.fixture(scope="module")
def page(lab_server, browser, screens):
    with running_notebook(lab_server, browser, screens, NOTEBOOK, ".bplib-explorer img", len(EXPLORERS),
                          "all explorers ready", "explorer-failure.png") as pg:
        yield pg


def _explorer(page, n: int):
    widget = page.locator(".bplib-explorer").nth(n)
    widget.scroll_into_view_if_needed()
    box = widget.locator("img").first.bounding_box()
    assert box and box["width"] > 600 and box["height"] > 300, f"{EXPLORERS[n]}: picture not rendered ({box})"
    return widget


def _caption(widget) -> str:
    return widget.locator(".widget-html").last.inner_text()


def _play_and_next(page, widget, name, screens, last: int):
    """Play advances the slider and the picture; the same button pauses; ▶ (◀ at the end) moves once more.

    Returns the src of the last picture.
    """
    src0, shot0 = _picture(widget)
    widget.screenshot(path=str(screens / f"explorer-{name}-start.png"))
    before = _readout(widget)
    widget.locator(".widget-play button").first.click()
    step = _wait_for_step_change(page, widget, before)
    src1, shot1 = _wait_for_new_picture(page, widget, src0)
    widget.locator(".widget-play button").first.click()  # pause
    page.wait_for_timeout(300)
    now = _readout(widget)
    if now == str(last):  # at the end ▶ cannot move
        widget.locator("button", has_text="◀").click()
    else:
        widget.locator("button", has_text="▶").click()
    _wait_for_step_change(page, widget, now)
    src2, shot2 = _wait_for_new_picture(page, widget, src1)
    assert len({shot0, shot1, shot2}) == 3, f"{name}: pictures repeat after Play ({before} -> {step}) and ▶"
    return src2


def _no_error(widget, name):
    text = widget.inner_text()
    assert not any(e in text for e in ERROR_TEXTS), f"{name}: error text in the explorer: {text[:500]}"


def test_conv_matrix_explorer(page, screens):
    widget = _explorer(page, 0)
    assert _readout(widget) == "0" and "row 0 of C computes z[0, 0, 0]" in _caption(widget)
    src = _play_and_next(page, widget, "conv_matrix", screens, last=8)
    k = _readout(widget)
    widget.locator(".widget-toggle-button", has_text="Cᵀ").click()  # the toggle: the same cell, now a column of Cᵀ
    _wait_for_new_picture(page, widget, src)
    page.wait_for_function("w => w.innerText.includes('of Cᵀ')", arg=widget.element_handle(), timeout=15_000)
    assert f"column {k} of Cᵀ" in _caption(widget)
    widget.screenshot(path=str(screens / "explorer-conv_matrix-transposed.png"))
    _no_error(widget, "conv_matrix")


def test_receptive_field_explorer(page, screens):
    widget = _explorer(page, 1)
    assert _readout(widget) == "4"  # the depth slider starts at the deepest layer
    widget.locator(".widget-play button").first.click()  # Play from the end wraps to depth 0 and grows the field
    _wait_for_step_change(page, widget, "4")
    widget.locator(".widget-play button").first.click()
    page.wait_for_timeout(300)
    src, _ = _picture(widget)
    sliders = widget.locator(".widget-hslider")
    sliders.nth(1).locator(".noUi-handle").first.focus()  # the neuron's row
    page.keyboard.press("ArrowLeft")
    src = _wait_for_new_picture(page, widget, src)[0]
    sliders.nth(3).locator(".noUi-handle").first.focus()  # layer 1's kernel: 3 -> 4
    page.keyboard.press("ArrowRight")
    src = _wait_for_new_picture(page, widget, src)[0]
    page.wait_for_function("w => w.innerText.includes('agree ✓')", arg=widget.element_handle(), timeout=15_000)
    widget.screenshot(path=str(screens / "explorer-receptive_field-moved.png"))
    _no_error(widget, "receptive_field")


def test_flatten_order_explorer(page, screens):
    widget = _explorer(page, 2)
    assert _readout(widget) == "0" and "flat index 0 = c·H·W + h·W + w" in _caption(widget)
    src = _play_and_next(page, widget, "flatten_order", screens, last=47)
    widget.locator(".widget-toggle-button", has_text="NHWC").click()
    _wait_for_new_picture(page, widget, src)
    page.wait_for_function("w => w.innerText.includes('is what the classifier expects')", arg=widget.element_handle(),
                           timeout=15_000)
    widget.screenshot(path=str(screens / "explorer-flatten_order-nhwc.png"))
    _no_error(widget, "flatten_order")


def test_no_error_output_anywhere(page, screens):
    page.screenshot(path=str(screens / "explorer-notebook-after.png"), full_page=True)
    stderr = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    assert stderr.count() == 0, stderr.first.inner_text()
    assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']").count() == 0
    text = page.locator(".jp-Notebook").inner_text()
    assert "Traceback" not in text and "Error displaying widget" not in text
    assert "all explorers ready: 0 errors" in text
