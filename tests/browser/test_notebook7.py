"""The widgets in Jupyter Notebook 7 (the `notebook` package), where many students open notebooks.

Notebook 7 runs all_widgets.ipynb in chromium; every widget renders, Play advances its step and
changes its picture (jslink in the browser, the kernel redraws), no error shows, and no toast
covers the page. Screenshots go to browser-screens/nb7-*.png.
"""

import json
import time
import urllib.request

import pytest
from test_browser import ERROR_TEXTS, NOTEBOOK, TOASTS, WIDGETS, _picture, _readout, _wait_for_new_picture, _wait_for_step_change


def _wait_for_idle_kernel(base: str, token: str, timeout_s: float = 120) -> None:
    """Until the server has a session for the notebook whose kernel is idle (the page's own indicator
    says idle before the kernel exists, and a Run All sent then is lost)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with urllib.request.urlopen(f"{base}/api/sessions?token={token}", timeout=5) as r:
            sessions = json.load(r)
        if any(s["path"].endswith("all_widgets.ipynb") and s["kernel"]["execution_state"] == "idle" for s in sessions):
            return
        time.sleep(0.5)
    raise AssertionError(f"no idle kernel for {NOTEBOOK} within {timeout_s} s")


@pytest.fixture(scope="module")
def page(notebook7_server, browser, screens):
    base, token = notebook7_server
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    try:
        pg.goto(f"{base}/notebooks/{NOTEBOOK}?token={token}", wait_until="domcontentloaded", timeout=120_000)
        pg.wait_for_selector(".jp-NotebookPanel .jp-Notebook", timeout=120_000)
        _wait_for_idle_kernel(base, token)
        pg.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120_000)
        pg.click(".lm-MenuBar-itemLabel:text-is('Run')")
        pg.click(".lm-Menu-itemLabel:text-is('Run All Cells')")
        pg.wait_for_function(
            """([sel, n, ready]) => document.querySelectorAll(sel).length === n
                 && ![...document.querySelectorAll('.jp-InputArea-prompt')].some(p => p.textContent.includes('*'))
                 && [...document.querySelectorAll('.jp-OutputArea-output')].some(o => o.textContent.includes(ready))""",
            arg=[".bplib-step-widget img", len(WIDGETS), "all widgets ready"], timeout=150_000,
        )
        pg.screenshot(path=str(screens / "nb7-notebook.png"))
        yield pg
    except Exception:
        pg.screenshot(path=str(screens / "nb7-failure.png"))
        raise
    finally:
        context.close()


@pytest.mark.parametrize("n, name", list(enumerate(WIDGETS)))
def test_widget_plays_in_notebook7(page, screens, n, name):
    widget = page.locator(".bplib-step-widget").nth(n)
    widget.scroll_into_view_if_needed()
    box = widget.locator("img").first.bounding_box()
    assert box and box["width"] > 600 and box["height"] > 250, f"{name}: picture not rendered ({box})"
    assert _readout(widget) == "0"
    src0, shot0 = _picture(widget)
    widget.locator(".widget-play button").first.click()
    step = _wait_for_step_change(page, widget, "0")
    _, shot1 = _wait_for_new_picture(page, widget, src0)
    widget.locator(".widget-play button").first.click()  # pause
    assert int(step) > 0 and shot1 != shot0
    widget.screenshot(path=str(screens / f"nb7-{n}-{name}-played.png"))
    text = widget.inner_text()
    assert not any(e in text for e in ERROR_TEXTS), f"{name}: error text in the widget: {text[:500]}"


def test_notebook7_shows_no_error_and_no_toast(page):
    assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
    assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']").count() == 0
    text = page.locator(".jp-Notebook").inner_text()
    assert "Traceback" not in text and "Error displaying widget" not in text
    assert "all widgets ready: 0 errors" in text
    assert [t.inner_text() for t in page.locator(TOASTS).all()] == []
