"""Debian's chromium, headless, for the browser and site tests: one launch, one set of flags.

The flags keep chromium off the network it cannot reach here (background networking,
component updates, sync, QUIC) and let it run as root in CI.
"""

import contextlib
import shutil

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


@contextlib.contextmanager
def launched_chromium():
    """A Playwright Browser on Debian's chromium, closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
