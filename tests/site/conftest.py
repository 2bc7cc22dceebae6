"""Fixtures of the site test (`make site-test`): the built site/, a local HTTP server, Debian's chromium with every
request to another host blocked, and one visit of every page whose findings the tests then assert.

`make site-test` builds the site first (`make site`) and sets BPLIB_SITE_TEST=1 and BPLIB_SITE_BUILT=1; without
BPLIB_SITE_TEST=1 (e.g. under `make test`) these tests are skipped; with it but without BPLIB_SITE_BUILT=1 the
fixture builds the site itself.
"""

from __future__ import annotations

import functools
import http.server
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from chromium import launched_chromium

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "site"
SCREENS = ROOT / "site-screens"


def pytest_collection_modifyitems(config, items):
    if os.environ.get("BPLIB_SITE_TEST") == "1":
        return
    skip = pytest.mark.skip(reason="the site test runs from `make site-test` (BPLIB_SITE_TEST=1): it builds site/ and needs chromium")
    for item in items:
        if "tests/site/" in item.nodeid or item.nodeid.startswith("site/"):
            item.add_marker(skip)


def list_pages(site: Path) -> list[str]:
    """Every HTML page of the site, as paths relative to site/ (the notebooks' rendered copies excluded)."""
    skip = ("_static/", "_sources/", "_images/", "jupyter_execute/", "zh/_static/", "zh/_sources/", "zh/_images/",
            "zh/jupyter_execute/")
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                  if not p.relative_to(site).as_posix().startswith(skip))


@pytest.fixture(scope="session")
def site() -> Path:
    if os.environ.get("BPLIB_SITE_BUILT") != "1" or not (SITE / "index.html").exists():
        subprocess.run([sys.executable, str(ROOT / "tools" / "site" / "build.py"), "--out", str(SITE)], check=True, cwd=ROOT)
    return SITE


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        return None


@pytest.fixture(scope="session")
def server(site):
    """The site served on 127.0.0.1 (a free port) from a thread; yields its base URL and always stops it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="session")
def browser():
    with launched_chromium() as b:
        yield b


def _offline_context(browser, base: str, blocked: list, **kwargs):
    """A browser context in which every request to a host other than the local server is aborted (and recorded)."""
    host = urlsplit(base).netloc
    context = browser.new_context(**kwargs)

    def elsewhere(url: str) -> bool:
        return urlsplit(url).netloc != host and not url.startswith(("data:", "blob:", "about:"))

    def abort(r):
        blocked.append(r.request.url)
        r.abort()

    # Only the other hosts' requests are intercepted: the local ones go through untouched (an intercepted
    # stylesheet's @import is resolved against the page, not the stylesheet, in chromium).
    context.route(elsewhere, abort)
    return context


@pytest.fixture(scope="session")
def screens():
    SCREENS.mkdir(exist_ok=True)
    return SCREENS


@pytest.fixture(scope="session")
def offline_context():
    """_offline_context(browser, base_url, blocked_list, **new_context_kwargs) -> a context that reaches only base_url's host."""
    return _offline_context


@pytest.fixture(scope="session")
def pages():
    """list_pages(site) -> every HTML page of the site, relative to site/."""
    return list_pages
