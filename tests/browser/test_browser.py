"""The widgets in a real browser: JupyterLab runs all_widgets.ipynb; every widget renders and moves.

For each widget: it renders (a picture with width), Play advances the step and changes the
picture, the slider (keyboard) and ▶ do too, and no error or traceback appears anywhere.
A screenshot of each widget goes to browser-screens/. The screen carries no prompt that is not the
course's: JupyterLab's "official Jupyter news?" toast is turned off by the course's settings overrides.
"""

import hashlib
from contextlib import contextmanager

import pytest
from playwright.sync_api import TimeoutError as PWTimeout

NOTEBOOK = "tests/browser/all_widgets.ipynb"
WIDGETS = ["sliding_kernel", "sliding_kernel_3_channels", "unpool_max", "weight_grad", "rot180", "full_conv"]
ERROR_TEXTS = ["Traceback", "Error displaying widget", "Error:", "error:"]
TOASTS = ".Toastify__toast"  # JupyterLab's notifications (the news prompt is one)


@pytest.fixture(scope="module")
def page(lab_server, browser, screens):
    with running_notebook(lab_server, browser, screens, NOTEBOOK, ".bplib-step-widget img", len(WIDGETS),
                          "all widgets ready", "failure.png") as pg:
        pg.screenshot(path=str(screens / "notebook.png"))
        yield pg


@contextmanager
def running_notebook(lab_server, browser, screens, notebook: str, pictures: str, count: int, ready: str, failure_png: str):
    """A browser page on `notebook` in the running JupyterLab, all cells run (see open_and_run_all)."""
    base, token = lab_server
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    try:
        open_and_run_all(pg, f"{base}/lab/tree/{notebook}?reset&token={token}", screens, pictures, count, ready, failure_png)
        yield pg
    finally:
        context.close()


def open_and_run_all(pg, url, screens, pictures: str, count: int, ready: str, failure_png: str):
    """Open a notebook, Run All Cells, and wait until `count` elements match `pictures`, no cell
    is still running and some output says `ready`. On failure, screenshot to `failure_png`."""
    try:
        pg.goto(url, wait_until="domcontentloaded", timeout=120_000)
        pg.wait_for_selector(".jp-NotebookPanel .jp-Notebook", timeout=120_000)
        try:  # older settings may still ask which kernel to start: take the notebook's own
            pg.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept").click(timeout=5_000)
        except PWTimeout:
            pass
        pg.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120_000)
        pg.click(".lm-MenuBar-itemLabel:text-is('Run')")
        pg.click(".lm-Menu-itemLabel:text-is('Run All Cells')")
        pg.wait_for_function(
            """([sel, n, ready]) => document.querySelectorAll(sel).length === n
                 && ![...document.querySelectorAll('.jp-InputArea-prompt')].some(p => p.textContent.includes('*'))
                 && [...document.querySelectorAll('.jp-OutputArea-output')].some(o => o.textContent.includes(ready))""",
            arg=[pictures, count, ready], timeout=150_000,
        )
    except Exception:
        pg.screenshot(path=str(screens / failure_png))
        raise


def _readout(widget) -> str:
    return widget.locator(".widget-readout").first.inner_text().strip()


def _picture(widget):
    """(src, sha256 of a screenshot) of the widget's picture, once the browser has decoded it."""
    img = widget.locator("img").first
    img.evaluate("im => im.decode ? im.decode().catch(() => null) : null")
    return img.get_attribute("src"), hashlib.sha256(img.screenshot()).hexdigest()


def _wait_for_step_change(page, widget, old: str, timeout_ms: int = 15_000) -> str:
    deadline = timeout_ms
    while deadline > 0:
        if _readout(widget) != old:
            return _readout(widget)
        page.wait_for_timeout(250)
        deadline -= 250
    raise AssertionError(f"the step stayed at {old} for {timeout_ms} ms")


def _wait_for_new_picture(page, widget, old_src: str, timeout_ms: int = 15_000):
    for _ in range(timeout_ms // 250):
        src, shot = _picture(widget)
        if src != old_src:
            return src, shot
        page.wait_for_timeout(250)
    raise AssertionError("the picture did not change")


@pytest.mark.parametrize("n, name", list(enumerate(WIDGETS)))
def test_widget_renders_and_moves(page, screens, n, name):
    widget = page.locator(".bplib-step-widget").nth(n)
    widget.scroll_into_view_if_needed()
    box = widget.locator("img").first.bounding_box()
    assert box and box["width"] > 600 and box["height"] > 250, f"{name}: picture not rendered ({box})"
    assert _readout(widget) == "0"
    src0, shot0 = _picture(widget)
    widget.screenshot(path=str(screens / f"{n}-{name}-step0.png"))

    # Play (linked to the slider in the browser) advances the step; the kernel redraws the picture
    widget.locator(".widget-play button").first.click()
    step = _wait_for_step_change(page, widget, "0")
    src1, shot1 = _wait_for_new_picture(page, widget, src0)
    widget.locator(".widget-play button").first.click()  # the same button pauses
    assert int(step) > 0 and shot1 != shot0

    # the slider, by keyboard, and the ▶ button
    before = _readout(widget)
    widget.locator(".noUi-handle").first.focus()
    page.keyboard.press("ArrowRight")
    after = _wait_for_step_change(page, widget, before)
    src2, shot2 = _wait_for_new_picture(page, widget, src1)
    widget.locator("button", has_text="▶").click()
    _wait_for_step_change(page, widget, after)
    src3, shot3 = _wait_for_new_picture(page, widget, src2)
    shots = [shot0, shot1, shot2, shot3]
    assert len(set(shots)) == 4, f"{name}: pictures repeat: {[s[:8] for s in shots]}, steps 0, {step}, {after}, {_readout(widget)}"
    widget.screenshot(path=str(screens / f"{n}-{name}-moved.png"))

    text = widget.inner_text()
    assert not any(e in text for e in ERROR_TEXTS), f"{name}: error text in the widget: {text[:500]}"


def test_no_error_output_anywhere(page, screens):
    page.screenshot(path=str(screens / "notebook-after.png"), full_page=True)
    stderr = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    assert stderr.count() == 0, stderr.first.inner_text()
    assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']").count() == 0
    text = page.locator(".jp-Notebook").inner_text()
    assert "Traceback" not in text and "Error displaying widget" not in text
    assert "all widgets ready: 0 errors" in text


def test_no_news_prompt_or_other_toast(page, screens):
    """On a fresh JupyterLab (new user settings) the news prompt would show within seconds of loading;
    deploy/jupyterlab/overrides.json (fetchNews: false) keeps it away, and no other toast shows either."""
    texts = [t.inner_text() for t in page.locator(TOASTS).all()]
    if texts:
        page.screenshot(path=str(screens / "toast.png"))
    assert not any("news" in t.lower() for t in texts), f"the news prompt is on the screen: {texts}"
    assert texts == [], f"a prompt that is not the course's: {texts}"
