"""The course website (`make site-test`): every page, served locally and opened in headless chromium with every
request to another host blocked, loads without a failed request or console error, renders its math with the site's
own MathJax, shows only loaded images with meaningful alt text, links to its twin in the other language and to
pages that exist, and has no serious or critical axe-core violation, in light mode and (sampled) dark mode.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

pytestmark = pytest.mark.slow
SCREENS = Path(__file__).resolve().parents[2] / "site-screens"

# The live widgets' outputs must never reach a page; nor must their text fallback (e.g. "VBox(children=...").
WIDGET_TEXT = re.compile(r"\b(VBox|HBox|IntSlider|Play|Output|StepWidget)\(|Loading widget|widget-view\+json")
FILE_NAME = re.compile(r"^[\w./-]*\.(png|gif|svg|jpe?g|webp)$|^[0-9a-f]{32,}", re.I)
DARK_SAMPLE = ["index.html", "notebooks/07_unpooling.html", "zh/notebooks/09_backprop_through_conv_rot180_full_conv.html"]

PAGE_JS = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
  for (const img of document.images) { img.loading = 'eager'; try { await img.decode(); } catch (e) {} }
  const visible = (el) => !el.closest('pre, code, script, style, .highlight');
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let raw = [];
  while (walker.nextNode()) {
    const n = walker.currentNode;
    if (n.parentElement && visible(n.parentElement) && /\\$|\\\\\\[|\\\\\\(/.test(n.textContent)) raw.push(n.textContent.slice(0, 80));
  }
  const maths = [...document.querySelectorAll('.math')];
  return {
    lang: document.documentElement.lang,
    math: maths.length,
    unrendered: maths.filter(m => !m.querySelector('mjx-container')).map(m => m.textContent.slice(0, 60)),
    mjx: document.querySelectorAll('mjx-container').length,
    raw: raw,
    images: [...document.images].map(i => ({src: i.currentSrc || i.src, alt: i.getAttribute('alt'),
                                             width: i.naturalWidth, complete: i.complete})),
    links: [...document.querySelectorAll('a[href]')].map(a => a.href),
    switch: (document.querySelector('a.site-lang-switch') || {}).href || null,
    download: (document.querySelector('a.site-download') || {}).href || null,
    launch: [...document.querySelectorAll('a.site-launch')].map(a => a.href),
    headings: [...document.querySelectorAll('main h1, main h2, main h3, main h4, main h5, main h6')].map(h => +h.tagName[1]),
    text: document.querySelector('main') ? document.querySelector('main').innerText : '',
  };
}"""


def _axe(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    # preload off: axe's CSSOM preload re-fetches @import-ed stylesheets against the page's URL (a 404 of its own making)
    result = Axe().run(page, options={"resultTypes": ["violations"], "preload": False})
    return [{"id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"]),
             "target": v["nodes"][0]["target"] if v["nodes"] else None}
            for v in result.response["violations"]]


def _visit(context, url: str, dark: bool = False) -> dict:
    page = context.new_page()
    failed, console = [], []
    page.on("requestfailed", lambda r: failed.append(f"{r.url} ({r.failure})"))
    page.on("response", lambda r: failed.append(f"{r.url} (HTTP {r.status})") if r.status >= 400 else None)
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: console.append(str(e)))
    if dark:
        page.add_init_script("localStorage.setItem('mode', 'dark'); localStorage.setItem('theme', 'dark');")
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    info = page.evaluate(PAGE_JS)
    if dark:
        info["theme"] = page.evaluate("document.documentElement.dataset.theme")
    info["axe"] = _axe(page)
    info["failed"], info["console"] = failed, console
    page.close()
    return info


@pytest.fixture(scope="session")
def visits(site, server, browser, offline_context, pages):
    """Visit every page once (light mode) and the DARK_SAMPLE pages in dark mode; returns (light, dark, blocked)."""
    blocked: list[str] = []
    context = offline_context(browser, server, blocked, viewport={"width": 1280, "height": 900}, color_scheme="light")
    light = {p: _visit(context, server + p) for p in pages(site)}
    context.close()
    context = offline_context(browser, server, blocked, viewport={"width": 1280, "height": 900}, color_scheme="dark")
    dark = {p: _visit(context, server + p, dark=True) for p in DARK_SAMPLE}
    context.close()
    _summary(light, dark)
    return light, dark, blocked


def _summary(light: dict, dark: dict) -> None:
    """site-screens/site-report.json: per page, axe-core's violations (every impact) and the images without alt."""
    summary: dict = {"pages": len(light), "axe_by_impact": {}, "axe_rules": {}, "images": 0, "images_without_alt": 0}
    for mode, visited in [("light", light), ("dark", dark)]:
        for v in visited.values():
            for x in v["axe"]:
                key = f"{mode}:{x['impact']}"
                summary["axe_by_impact"][key] = summary["axe_by_impact"].get(key, 0) + 1
                summary["axe_rules"][f"{mode}:{x['id']}"] = summary["axe_rules"].get(f"{mode}:{x['id']}", 0) + 1
    summary["images"] = sum(len(v["images"]) for v in light.values())
    summary["images_without_alt"] = sum(map(len, _alt_problems(light).values()))
    SCREENS.mkdir(exist_ok=True)
    (SCREENS / "site-report.json").write_text(json.dumps(summary, indent=1))


def test_site_has_both_editions(site, pages):
    listed = pages(site)
    en = [p for p in listed if p.startswith("notebooks/")]
    zh = [p for p in listed if p.startswith("zh/notebooks/")]
    repo_nb = Path(__file__).resolve().parents[2] / "notebooks"
    assert len(en) == len(list(repo_nb.glob("[0-9][0-9]_*.ipynb"))), en
    assert len(zh) == len(list((repo_nb / "zh").glob("[0-9][0-9]_*.ipynb"))), zh
    for p in ["index.html", "gallery.html", "search.html", "zh/index.html", "zh/gallery.html", "zh/search.html"]:
        assert p in listed
    for home, notebooks in [("index.html", en), ("zh/index.html", zh)]:  # the course map links every notebook
        html = (site / home).read_text(encoding="utf-8")
        table = html[html.index("<table"):html.index("</table>")]
        linked = set(re.findall(r'href="(notebooks/[^"#]+\.html)"', table))
        assert linked == {p.removeprefix("zh/") for p in notebooks}, f"{home}: the course map links {sorted(linked)}"


def test_no_request_leaves_the_site(visits):
    _, _, blocked = visits
    assert blocked == [], f"requests to other hosts: {sorted(set(blocked))[:10]}"


def test_no_failed_request_and_no_console_error(visits):
    light, dark, _ = visits
    bad = {p: (v["failed"], v["console"]) for p, v in {**light, **{f"dark:{k}": v for k, v in dark.items()}}.items()
           if v["failed"] or v["console"]}
    assert not bad, bad


def test_math_is_rendered(visits):
    light, _, _ = visits
    bad = {p: (v["unrendered"][:3], v["raw"][:3]) for p, v in light.items() if v["unrendered"] or v["raw"]}
    assert not bad, f"math left unrendered (MathJax missing, or a raw $ / \\[ / \\( left in the text): {bad}"
    assert sum(v["mjx"] for v in light.values()) > 100, "expected MathJax containers on the notebook pages"
    assert light["notebooks/05_mlp_four_equations.html"]["mjx"] > 10


def test_every_image_loaded(visits):
    light, _, _ = visits
    bad = {p: [i["src"] for i in v["images"] if not i["width"]] for p, v in light.items()}
    bad = {p: srcs for p, srcs in bad.items() if srcs}
    assert not bad, f"images that did not load: {bad}"


def _alt_problems(light: dict) -> dict:
    out = {}
    for p, v in light.items():
        wrong = [i["src"].rsplit("/", 1)[-1] for i in v["images"]
                 if not (i["alt"] or "").strip() or FILE_NAME.match(i["alt"].strip())
                 or i["alt"].strip() == i["src"].rsplit("/", 1)[-1]]
        if wrong:
            out[p] = wrong
    return out


def test_static_figures_and_site_images_have_alt_text(visits):
    """The figures the markdown embeds, the home page and the gallery: alt text written by people."""
    light, _, _ = visits
    bad = {p: [s for s in srcs if not re.fullmatch(r"[0-9a-f]{64}\.\w+", s)] for p, srcs in _alt_problems(light).items()}
    bad = {p: s for p, s in bad.items() if s}
    assert not bad, f"images without a meaningful alt: {bad}"


def test_plot_outputs_have_alt_text(visits):
    light, _, _ = visits
    bad = _alt_problems(light)
    assert not bad, f"{sum(map(len, bad.values()))} images without a meaningful alt on {len(bad)} pages: {bad}"


def test_no_widget_output_on_any_page(visits):
    light, _, _ = visits
    bad = {p: WIDGET_TEXT.findall(v["text"])[:3] for p, v in light.items() if WIDGET_TEXT.search(v["text"])}
    assert not bad, f"a widget output (or its text fallback) reached the page: {bad}"


def test_language_switch_leads_to_the_twin(site, server, visits):
    light, _, _ = visits
    for p, v in light.items():
        assert v["switch"], f"{p}: no language switch"
        target = unquote(urlsplit(v["switch"]).path).lstrip("/")
        assert (site / target).is_file(), f"{p}: the language switch leads to a missing page {target}"
        twin = p[3:] if p.startswith("zh/") else "zh/" + p
        if (site / twin).is_file():
            assert target == twin, f"{p}: the switch leads to {target}, not to its twin {twin}"
        assert v["lang"] == ("zh-CN" if p.startswith("zh/") else "en"), f"{p}: <html lang={v['lang']!r}>"


def test_notebook_pages_offer_the_ipynb(site, visits):
    light, _, _ = visits
    for p, v in light.items():
        if "notebooks/" not in p:
            continue
        assert v["download"], f"{p}: no download link"
        target = unquote(urlsplit(v["download"]).path).lstrip("/")
        assert target.endswith(".ipynb") and (site / target).is_file(), f"{p}: download link {target} missing"


def test_internal_links_resolve(site, server, visits):
    light, _, _ = visits
    ids: dict[str, set] = {}
    bad = []
    for p, v in light.items():
        for href in set(v["links"]):
            if not href.startswith(server):
                continue
            parts = urlsplit(href)
            target = unquote(parts.path).lstrip("/") or "index.html"
            if target.endswith("/"):
                target += "index.html"
            if not (site / target).is_file():
                bad.append(f"{p} -> {target}")
                continue
            if parts.fragment and target.endswith(".html"):
                if target not in ids:
                    html = (site / target).read_text(encoding="utf-8")
                    ids[target] = set(re.findall(r'\bid="([^"]+)"', html)) | set(re.findall(r'\bname="([^"]+)"', html))
                if unquote(parts.fragment) not in ids[target]:
                    bad.append(f"{p} -> {target}#{parts.fragment}")
    assert not bad, f"{len(bad)} broken internal links: {sorted(bad)[:20]}"


def test_headings_in_order(visits):
    light, _, _ = visits
    for p, v in light.items():
        h = v["headings"]
        if not h:
            continue
        assert h[0] == 1, f"{p}: the first heading is h{h[0]}"
        jumps = [(a, b) for a, b in zip(h, h[1:]) if b > a + 1]
        assert not jumps, f"{p}: headings skip a level: {jumps[:5]}"


def test_no_serious_axe_violation_light(visits):
    light, _, _ = visits
    bad = {p: [x for x in v["axe"] if x["impact"] in ("serious", "critical")] for p, v in light.items()}
    bad = {p: x for p, x in bad.items() if x}
    assert not bad, f"axe-core, light mode: {bad}"


def test_no_serious_axe_violation_dark(visits):
    _, dark, _ = visits
    for p, v in dark.items():
        assert v["theme"] == "dark", f"{p}: dark mode did not switch on"
    bad = {p: [x for x in v["axe"] if x["impact"] in ("serious", "critical")] for p, v in dark.items()}
    bad = {p: x for p, x in bad.items() if x}
    assert not bad, f"axe-core, dark mode: {bad}"


def test_search_works_offline(server, browser, offline_context):
    blocked: list[str] = []
    context = offline_context(browser, server, blocked)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(urljoin(server, "search.html?q=convolution"))
    page.wait_for_selector("#search-results li", timeout=20000)
    assert page.locator("#search-results li").count() > 3
    page.goto(urljoin(server, "zh/search.html?q=%E5%8D%B7%E7%A7%AF"))  # 卷积
    page.wait_for_selector("#search-results li", timeout=20000)
    assert page.locator("#search-results li").count() > 3
    context.close()
    assert blocked == [] and errors == []


def test_screenshots(server, browser, screens, offline_context):
    """Light, dark, phone-width and Chinese screenshots into site-screens/ (looked at by a person; not compared)."""
    blocked: list[str] = []
    shots = [("light-home.png", "index.html", {"width": 1280, "height": 900}, "light"),
             ("dark-notebook07.png", "notebooks/07_unpooling.html", {"width": 1280, "height": 900}, "dark"),
             ("phone-notebook05.png", "notebooks/05_mlp_four_equations.html", {"width": 390, "height": 844}, "light"),
             ("zh-notebook09.png", "zh/notebooks/09_backprop_through_conv_rot180_full_conv.html", {"width": 1280, "height": 900},
              "light")]
    for name, path, viewport, scheme in shots:
        context = offline_context(browser, server, blocked, viewport=viewport, color_scheme=scheme)
        page = context.new_page()
        if scheme == "dark":
            page.add_init_script("localStorage.setItem('mode', 'dark'); localStorage.setItem('theme', 'dark');")
        page.goto(server + path, wait_until="networkidle")
        page.evaluate("async () => { if (window.MathJax && MathJax.startup) await MathJax.startup.promise; }")
        page.screenshot(path=str(screens / name))
        context.close()
        assert (screens / name).stat().st_size > 10_000
    assert blocked == []


def test_launch_links_are_configurable():
    """The hub link is the course's nbgitpuller link (deploy/jupyterhub/class_link.py) to the page's notebook; the Binder
    link opens the same notebook; nothing is shown when nothing is configured."""
    import importlib.util
    from urllib.parse import parse_qs

    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location("site_ext", root / "tools" / "site" / "site_ext.py")
    ext = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ext)
    links = dict(ext.launch_links("zh", "07_unpooling.ipynb", "https://hub.example.org/", "https://mybinder.org/v2/gh/o/r/main",
                                  "https://git.example.org/course.git", "main"))
    hub = urlsplit(links["hub"])
    assert (hub.scheme, hub.netloc, hub.path) == ("https", "hub.example.org", "/hub/user-redirect/git-pull")
    query = parse_qs(hub.query)
    assert query["repo"] == ["https://git.example.org/course.git"] and query["branch"] == ["main"]
    assert query["urlpath"][0].endswith("/notebooks/zh/07_unpooling.ipynb")
    assert links["binder"] == "https://mybinder.org/v2/gh/o/r/main?urlpath=lab/tree/notebooks/zh/07_unpooling.ipynb"
    assert ext.launch_links("en", "07_unpooling.ipynb", "", "", "", "main") == []
    with pytest.raises(ValueError, match="SITE_REPO_URL"):
        ext.launch_links("en", "07_unpooling.ipynb", "https://hub.example.org", "", "", "main")
