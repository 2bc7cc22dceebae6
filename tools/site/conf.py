"""Sphinx configuration of the course website (`make site`): one build per edition, chosen by SITE_LANG.

tools/site/build.py assembles each edition's sources (build/site-src/<lang>/) and runs Sphinx with this file;
it passes everything through environment variables (SITE_LANG, SITE_OTHER_PAGES, SITE_HUB_URL, SITE_BINDER_URL,
SITE_REPO_URL, SITE_BRANCH, SITE_MATHJAX_STATIC). The notebooks are rendered from their stored outputs
(nb_execution_mode = "off"): nbval already proves that those outputs are current.
"""

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

LANG = os.environ.get("SITE_LANG", "en")
if LANG not in ("en", "zh"):
    raise ValueError(f"tools/site/conf.py: SITE_LANG must be 'en' or 'zh', got {LANG!r}")

project = "How a CNN learns" if LANG == "en" else "卷积神经网络是怎样学习的"
author = "the bplib course"
copyright = "the bplib course authors, MIT licence"
language = "en" if LANG == "en" else "zh_CN"

extensions = ["myst_nb", "site_ext"]
root_doc = "index"
exclude_patterns = ["_extra", "_build", "**.ipynb_checkpoints"]
templates_path = [str(HERE / "_templates")]

# --- notebooks: render the stored outputs, never execute --------------------------------------------------
nb_execution_mode = "off"
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "amsmath", "attrs_inline", "html_image", "colon_fence"]
myst_heading_anchors = 3
myst_dmath_double_inline = True  # $$...$$ on a list item's continuation line (as JupyterLab renders it)
suppress_warnings = ["mystnb.unknown_mime_type", "myst.header"]

# --- MathJax served by the site itself (npm mathjax 3, copied into _static/mathjax by build.py) ------------
mathjax_path = "mathjax/tex-chtml.js"
mathjax3_config = {
    "tex": {"inlineMath": [["\\(", "\\)"]], "displayMath": [["\\[", "\\]"]]},
    "options": {"menuOptions": {"settings": {"explorer": False}}},
}

# --- HTML ---------------------------------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = project
html_static_path = [str(HERE / "_static")] + [os.environ[k] for k in ["SITE_MATHJAX_STATIC"] if os.environ.get(k)]
html_css_files = ["site.css"]
html_favicon = str(HERE / "_static" / "favicon.svg")  # else every browser asks the server for /favicon.ico
html_extra_path = [os.environ[k] for k in ["SITE_EXTRA_PATH"] if os.environ.get(k)]  # the committed notebooks, to download
html_last_updated_fmt = None
html_copy_source = True
html_show_sourcelink = False
html_search_language = "en" if LANG == "en" else "zh"  # zh: words split by jieba (the site extra)
if LANG == "zh":
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
html_theme_options = {
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "use_download_button": True,
    "use_fullscreen_button": True,
    "article_header_end": ["page-actions.html", "article-header-buttons.html"],
    "navigation_with_keys": False,
    "show_prev_next": True,
}
