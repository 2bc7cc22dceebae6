"""The course site's small Sphinx extension: language switch, download and launch links, alt text of plot outputs.

Connected by tools/site/conf.py. Everything a page's `page-actions.html` template shows is computed here.
"""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]
LABELS = {"en": ("中文", "zh-CN", "切换到中文版"), "zh": ("English", "en", "Switch to the English edition")}
ACTION_TEXT = {
    # (words hidden on a phone, words always shown)
    "en": {"download": ("Download", ".ipynb"), "hub": ("Open on", "JupyterHub"), "binder": ("Open on", "Binder")},
    "zh": {"download": ("下载", ".ipynb"), "hub": ("在线运行：", "JupyterHub"), "binder": ("在线运行：", "Binder")},
}


def _class_link():
    """deploy/jupyterhub/class_link.py's class_link (the course's one nbgitpuller link builder)."""
    spec = importlib.util.spec_from_file_location("class_link", ROOT / "deploy" / "jupyterhub" / "class_link.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.class_link


def launch_links(lang: str, notebook: str, hub: str, binder: str, repo: str, branch: str) -> list[tuple[str, str]]:
    """The launch links of one notebook page.

    lang: "en" or "zh"; notebook: the page's notebook file name, e.g. "07_unpooling.ipynb"; hub: a JupyterHub base URL
    or ""; binder: a Binder launch base such as "https://mybinder.org/v2/gh/ORG/REPO/main" or ""; repo/branch: the git
    URL and branch nbgitpuller clones. Returns [(key, url)] with key "hub" and/or "binder" (empty when none is configured).
    """
    if lang not in ("en", "zh"):
        raise ValueError(f"launch_links: lang must be 'en' or 'zh', got {lang!r}")
    if not notebook.endswith(".ipynb") or "/" in notebook:
        raise ValueError(f"launch_links: notebook must be a file name ending in .ipynb, got {notebook!r}")
    path = f"notebooks/{'zh/' if lang == 'zh' else ''}{notebook}"
    links = []
    if hub:
        if not repo:
            raise ValueError("launch_links: SITE_HUB_URL is set but SITE_REPO_URL (the git URL nbgitpuller clones) is empty")
        links.append(("hub", _class_link()(hub, repo, branch or "main", notebook=path)))
    if binder:
        links.append(("binder", f"{binder.rstrip('/')}?urlpath={quote('lab/tree/' + path, safe='/')}"))
    return links


def _page_context(app, pagename, templatename, context, doctree):
    lang = app.config.language[:2]
    depth = pagename.count("/")
    up = "../" * depth
    other_pages = app.config.site_other_pages
    target = pagename if pagename in other_pages else "index"
    other_root = "zh/" if lang == "en" else "../"
    label, code, title = LABELS[lang]
    context["site_lang_switch"] = {"href": f"{up}{other_root}{target}.html", "label": label, "hreflang": code,
                                   "title": title}
    text = ACTION_TEXT[lang]
    context["site_actions"] = []
    source = context.get("sourcename") or ""
    if pagename.startswith("notebooks/") and source.endswith(".ipynb"):
        name = pagename.split("/")[-1] + ".ipynb"
        context["site_actions"].append({"href": name, "label": text["download"], "download": True})
        cfg = app.config
        for key, url in launch_links(lang, name, cfg.site_hub_url, cfg.site_binder_url, cfg.site_repo_url, cfg.site_branch):
            context["site_actions"].append({"href": url, "label": text[key], "download": False})


def _patch_image_alt():
    """myst-nb 1.4 takes only width/height from an output's metadata; also take `alt`, so a plot made with
    `display(fig, metadata={"image/png": {"alt": "..."}})` keeps its alt text on the page."""
    from myst_nb.core.render import NbElementRenderer

    if getattr(NbElementRenderer.render_image, "_site_alt", False):
        return
    original = NbElementRenderer.render_image

    def render_image(self, data):
        nodes = original(self, data)
        alt = data.output_metadata.get(data.mime_type, {}).get("alt") or data.output_metadata.get("alt")
        if alt:
            for node in nodes:
                node["alt"] = str(alt)
        return nodes

    render_image._site_alt = True
    NbElementRenderer.render_image = render_image


def _chinese_stemmer(app):
    """Sphinx 9's Chinese search data says `window.Stemmer = ChineseStemmer` but ships only EnglishStemmer (which the
    Python side uses for the Latin words of a zh page); define the missing name before language_data.js runs."""
    if app.config.language.startswith("zh"):
        app.add_js_file(None, body="window.ChineseStemmer = function () { return new EnglishStemmer(); };", priority=1)


def setup(app):
    def _list(value):
        return json.loads(Path(value).read_text()) if value else []

    app.add_config_value("site_other_pages", _list(os.environ.get("SITE_OTHER_PAGES", "")), "html")
    app.add_config_value("site_hub_url", os.environ.get("SITE_HUB_URL", ""), "html")
    app.add_config_value("site_binder_url", os.environ.get("SITE_BINDER_URL", ""), "html")
    app.add_config_value("site_repo_url", os.environ.get("SITE_REPO_URL", ""), "html")
    app.add_config_value("site_branch", os.environ.get("SITE_BRANCH", "main"), "html")
    app.connect("html-page-context", _page_context)
    # pydata-sphinx-theme starts with data-mode="" when nothing is stored and logs a console error; start at "auto"
    app.add_js_file(None, body='if (!document.documentElement.dataset.mode) document.documentElement.dataset.mode = "auto";',
                    priority=1)
    app.set_html_assets_policy("always")
    app.connect("builder-inited", _chinese_stemmer)  # MathJax on every page: the navigation shows notebook titles with math
    _patch_image_alt()
    return {"parallel_read_safe": True, "parallel_write_safe": True}
