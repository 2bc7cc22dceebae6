"""Build the course website: `make site` (or `python tools/site/build.py [--out site]`).

Assembles each edition's Sphinx sources in build/site-src/<lang>/ from the committed, executed notebooks
(notebooks/*.ipynb for English, notebooks/zh/*.ipynb for every Chinese twin that exists) and figures/, then
runs Sphinx with tools/site/conf.py: English into OUT/, Chinese into OUT/zh/. Nothing is executed.

The copies differ from the committed notebooks in three ways, all for a static page:
- outputs of type application/vnd.jupyter.widget-view+json (a live widget, dead on a static page) and their text
  fallback are dropped, with the notebook's widget state, and a one-line note says a widget appears there when the
  notebook runs; the static figures in the markdown stay;
- the worked solutions (cells tagged "solution") get myst-nb's "hide-input" tag, so they are collapsed;
- links to figures/zh/ from notebooks/zh/ are rewritten for the edition's own folder.
The download link of each page serves the committed notebook unchanged.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from figures import GALLERY, alt  # noqa: E402

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
# What a reader sees where a live widget was (its numbers are printed in the next cell).
WIDGET_NOTE = {"en": "*An interactive widget appears here when the notebook runs: download or launch it from the page's top.*",
               "zh": "*运行这个笔记本时，这里会出现一个交互部件：可在页面顶部下载或在线运行。*"}
MATHJAX_PARTS = ["tex-chtml.js", "input", "output/chtml", "a11y", "ui", "adaptors", "sre"]
TEXT = {
    "en": {
        "title": "How a convolutional network learns",
        "intro": ("Forward pass and backpropagation of a small convolutional network, worked out from scratch in NumPy, "
                  "one notebook per section of the Chinese article it follows. Every page here is a notebook as it was "
                  "last run; download it or open it on a hub to run it yourself."),
        "map": "Course map", "gallery": "Gallery", "head": ["notebook", "article sections", "what you see and check", "figure"],
        "gallery_intro": "Every animation and diagram of the course as a static file (the widgets draw the same pictures).",
        "thumb": "Key figure of notebook",
    },
    "zh": {
        "title": "卷积神经网络是怎样学习的",
        "intro": ("用 NumPy 从零推导一个小型卷积神经网络的前向传播与反向传播，每个笔记本对应所依据的中文文章的一节。"
                  "这里的每一页都是运行过的笔记本；可以下载，或在 JupyterHub 上打开后自己运行。"),
        "map": "课程地图", "gallery": "图库", "head": ["笔记本", "对应文章小节", "你将看到并验证的内容", "插图"],
        "gallery_intro": "课程中所有动画和示意图的静态版本（动画部件画的是同样的图）。",
        "thumb": "笔记本的代表插图：",
    },
}
ROW = re.compile(r"^\|\s*\[(?P<title>[^\]]+)\]\(notebooks/(?:zh/)?(?P<nb>[^)/]+\.ipynb)\)\s*\|(?P<sec>[^|]*)\|(?P<what>[^|]*)\|"
                 r"\s*<img src=\"(?P<img>[^\"]+)\"[^>]*>\s*\|\s*$")


def course_map(readme: Path) -> list[dict]:
    """The rows of a README's course-map table: [{title, nb, sec, what, img}] in order.

    readme: README.md or README.zh-CN.md (links to notebooks/NN.ipynb or notebooks/zh/NN.ipynb); returns one dict per
    notebook row, nb the file name "NN_name.ipynb", img relative to the repository root.
    """
    rows = [m.groupdict() for m in map(ROW.match, readme.read_text(encoding="utf-8").splitlines()) if m]
    if not rows:
        raise ValueError(f"course_map: found no course-map rows (| [title](notebooks/NN.ipynb) | ... | <img ...> |) in {readme}")
    return [{k: v.strip() for k, v in r.items()} for r in rows]


def clean_notebook(nb: dict, lang: str) -> dict:
    """The site's copy of a notebook (a dict from json): widget-view outputs and widget state dropped, solutions collapsed.

    nb: nbformat-4 JSON; lang: "en" or "zh" (zh rewrites ../../figures/ to ../figures/). Returns a new dict.
    """
    if nb.get("nbformat") != 4:
        raise ValueError(f"clean_notebook: expected an nbformat 4 notebook, got nbformat={nb.get('nbformat')!r}")
    nb = json.loads(json.dumps(nb))
    nb.get("metadata", {}).pop("widgets", None)
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown" and lang == "zh":
            src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            cell["source"] = src.replace("](../../figures/", "](../figures/").replace('src="../../figures/', 'src="../figures/')
        if cell["cell_type"] != "code":
            continue
        outputs = cell.get("outputs", [])
        cell["outputs"] = [o for o in outputs if WIDGET_MIME not in o.get("data", {})]
        if len(cell["outputs"]) < len(outputs):
            cell["outputs"].append({"output_type": "display_data", "metadata": {}, "data": {"text/markdown": WIDGET_NOTE[lang]}})
        tags = cell.setdefault("metadata", {}).setdefault("tags", [])
        if "solution" in tags and "hide-input" not in tags:
            tags.append("hide-input")
    return nb


def _page(lang: str, rows: list[dict], notebooks: list[str]) -> str:
    t = TEXT[lang]
    lines = [f"# {t['title']}", "", t["intro"], "", f"## {t['map']}", "",
             "| " + " | ".join(t["head"]) + " |", "|---|---|---|---|"]
    for r in rows:
        if r["nb"] not in notebooks:
            continue
        name = Path(r["img"]).name
        img = f"figures/{'zh/' if lang == 'zh' else ''}{name}"
        label = f"{t['thumb']} {r['title']}: {alt(name, lang)}"
        lines.append(f"| [{r['title']}](notebooks/{r['nb']}) | {r['sec']} | {r['what']} | ![{label}]({img}){{w=150px}} |")
    lines += ["", f"[{t['gallery']}](gallery.md)", "", "```{toctree}", ":hidden:", ":maxdepth: 1", ""]
    lines += [f"notebooks/{nb[:-6]}" for nb in notebooks] + ["gallery", "```", ""]
    return "\n".join(lines)


def _gallery(lang: str, figdir: Path) -> str:
    t = TEXT[lang]
    lines = [f"# {t['gallery']}", "", t["gallery_intro"], ""]
    for name in GALLERY:
        if not (figdir / name).exists():
            continue
        text = alt(name, lang)
        lines += [f"```{{figure}} figures/{'zh/' if lang == 'zh' else ''}{name}", f":alt: {text}", ":width: 100%", "",
                  text, "```", ""]
    return "\n".join(lines)


def assemble(lang: str, src: Path) -> list[str]:
    """Write edition `lang`'s Sphinx sources into `src` (emptied first); returns its page names (without .html)."""
    if lang not in ("en", "zh"):
        raise ValueError(f"assemble: lang must be 'en' or 'zh', got {lang!r}")
    nbdir = ROOT / "notebooks" / ("zh" if lang == "zh" else "")
    figdir = ROOT / "figures" / ("zh" if lang == "zh" else "")
    shutil.rmtree(src, ignore_errors=True)
    (src / "notebooks").mkdir(parents=True)
    (src / "_extra" / "notebooks").mkdir(parents=True)
    notebooks = sorted(p.name for p in nbdir.glob("[0-9][0-9]_*.ipynb"))
    if not notebooks:
        raise FileNotFoundError(f"assemble: no notebooks NN_*.ipynb in {nbdir}")
    for name in notebooks:
        nb = json.loads((nbdir / name).read_text(encoding="utf-8"))
        (src / "notebooks" / name).write_text(json.dumps(clean_notebook(nb, lang), ensure_ascii=False), encoding="utf-8")
        shutil.copy2(nbdir / name, src / "_extra" / "notebooks" / name)
    figs = src / "figures" / ("zh" if lang == "zh" else "")
    figs.mkdir(parents=True, exist_ok=True)
    for f in figdir.iterdir():
        if f.suffix in (".png", ".gif", ".svg"):
            shutil.copy2(f, figs / f.name)
    if lang == "zh":  # a zh notebook may also embed an English-only figure
        for f in (ROOT / "figures").iterdir():
            if f.suffix in (".png", ".gif", ".svg"):
                shutil.copy2(f, src / "figures" / f.name)
    readme = ROOT / ("README.zh-CN.md" if lang == "zh" else "README.md")
    (src / "index.md").write_text(_page(lang, course_map(readme), notebooks), encoding="utf-8")
    (src / "gallery.md").write_text(_gallery(lang, figdir), encoding="utf-8")
    return ["index", "gallery", "search", "genindex"] + [f"notebooks/{n[:-6]}" for n in notebooks]


def mathjax_static(node_modules: Path, dest: Path) -> Path:
    """Copy the parts of npm's mathjax 3 (es5/) the site loads into dest/mathjax; returns dest (an html_static_path)."""
    es5 = node_modules / "mathjax" / "es5"
    if not (es5 / "tex-chtml.js").exists():
        raise FileNotFoundError(f"mathjax_static: {es5 / 'tex-chtml.js'} is missing; run `make site` (it npm-installs mathjax@3)")
    shutil.rmtree(dest, ignore_errors=True)
    for part in MATHJAX_PARTS:
        src, out = es5 / part, dest / "mathjax" / part
        out.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, out)
    return dest


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "site"))
    parser.add_argument("--work", default=str(ROOT / "build" / "site-src"))
    parser.add_argument("--node-modules", default=str(ROOT / ".venv" / "node" / "node_modules"))
    parser.add_argument("--lang", default="all", choices=["en", "zh", "all"])
    args = parser.parse_args(argv)
    out, work = Path(args.out).resolve(), Path(args.work).resolve()
    start = time.monotonic()
    langs = ["en", "zh"] if args.lang == "all" else [args.lang]
    if not list((ROOT / "notebooks" / "zh").glob("[0-9][0-9]_*.ipynb")):
        langs = [lang for lang in langs if lang != "zh"]
    pages = {lang: assemble(lang, work / lang) for lang in langs}
    static = mathjax_static(Path(args.node_modules), work / "_mathjax")
    shutil.rmtree(out, ignore_errors=True)
    for lang in langs:
        other = "zh" if lang == "en" else "en"
        pages_file = work / f"{other}-pages.json"
        pages_file.write_text(json.dumps(pages.get(other, ["index"] if other == "en" else [])))
        env = dict(os.environ, SITE_LANG=lang, SITE_OTHER_PAGES=str(pages_file), SITE_MATHJAX_STATIC=str(static),
                   SITE_EXTRA_PATH=str(work / lang / "_extra"))
        # myst-nb writes its output images next to the output folder (OUTDIR/../jupyter_execute): build in work/
        html = work / f"out-{lang}" / "html"
        shutil.rmtree(html.parent, ignore_errors=True)
        cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-E", "-c", str(HERE), "-d", str(work / f"doctrees-{lang}"),
               str(work / lang), str(html)]
        subprocess.run(cmd, env=env, check=True, cwd=ROOT)
        shutil.copytree(html, out if lang == "en" else out / "zh", dirs_exist_ok=True)
    n = sum(1 for p in out.rglob("*.html") if "_static" not in p.relative_to(out).parts)
    print(f"site: {n} HTML pages ({', '.join(langs)}) in {out} in {time.monotonic() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
