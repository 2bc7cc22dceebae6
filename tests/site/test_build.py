"""The site's build pieces (tools/site/build.py, site_ext.py) on small inputs: widget outputs never reach a page,
solutions are collapsed, and a plot's alt text set through IPython display metadata reaches the <img>."""

from __future__ import annotations

import base64
import importlib.util
import json
import os
import re
import subprocess
import sys
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WIDGET = "application/vnd.jupyter.widget-view+json"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"site_{name}", ROOT / "tools" / "site" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _png(w: int = 3, h: int = 2) -> str:
    """A tiny valid grey PNG (built by hand with zlib, not by the code under test), base64."""
    def chunk(kind, data):
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")
    raw = b"".join(b"\x00" + bytes([128] * w) for _ in range(h))
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", w.to_bytes(4, "big") + h.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0]))
           + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    return base64.b64encode(png).decode()


def _notebook(outputs_a: list, outputs_b: list) -> dict:
    cells = [{"cell_type": "markdown", "metadata": {}, "source": "# Tiny\n\nSee ![a figure](../figures/x.png)"},
             {"cell_type": "code", "metadata": {}, "execution_count": 1, "source": "w", "outputs": outputs_a},
             {"cell_type": "code", "metadata": {"tags": ["solution"]}, "execution_count": 2, "source": "s", "outputs": outputs_b}]
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {"widgets": {"state": {}}}, "cells": cells}


def test_clean_notebook_drops_widget_views_and_collapses_solutions():
    build = _load("build")
    widget = {"output_type": "display_data", "metadata": {},
              "data": {WIDGET: {"model_id": "abc", "version_major": 2}, "text/plain": "VBox(children=(Play(...),))"}}
    text = {"output_type": "stream", "name": "stdout", "text": "kept\n"}
    nb = _notebook([widget, text], [text])
    out = build.clean_notebook(nb, "zh")
    assert out["cells"][1]["outputs"][0] == text and len(out["cells"][1]["outputs"]) == 2
    note = out["cells"][1]["outputs"][1]["data"]
    assert list(note) == ["text/markdown"] and "交互部件" in note["text/markdown"]
    assert out["cells"][2]["outputs"] == [text], "no note where there was no widget"
    assert "widgets" not in out["metadata"]
    assert "hide-input" in out["cells"][2]["metadata"]["tags"] and "hide-input" not in out["cells"][1]["metadata"].get("tags", [])
    assert out["cells"][0]["source"].endswith("](../figures/x.png)")
    assert nb["cells"][1]["outputs"][0] is widget, "the input notebook must not be changed"
    assert "](../figures/x.png)" in build.clean_notebook(_notebook([], []), "en")["cells"][0]["source"]
    zh = _notebook([], [])
    zh["cells"][0]["source"] = "![图](../../figures/zh/x.png)"
    assert build.clean_notebook(zh, "zh")["cells"][0]["source"] == "![图](../figures/zh/x.png)"


def test_course_map_reads_both_readmes():
    build = _load("build")
    for readme in ["README.md", "README.zh-CN.md"]:
        rows = build.course_map(ROOT / readme)
        assert [r["nb"][:2] for r in rows] == [f"{i:02d}" for i in range(len(rows))] and len(rows) >= 13


def test_plot_alt_text_from_display_metadata_reaches_the_page(tmp_path):
    src = tmp_path / "src"
    (src / "notebooks").mkdir(parents=True)
    png = _png()
    with_alt = {"output_type": "display_data", "data": {"image/png": png, "text/plain": "<Figure>"},
                "metadata": {"image/png": {"alt": "Loss falls from 2.3 to 0.4 over five epochs"}}}
    without = {"output_type": "display_data", "data": {"image/png": _png(4, 2), "text/plain": "<Figure>"}, "metadata": {}}
    (src / "notebooks" / "01_tiny.ipynb").write_text(json.dumps(_notebook([with_alt], [without])))
    (src / "index.md").write_text("# Home\n\n```{toctree}\nnotebooks/01_tiny\n```\n")
    env = dict(os.environ, SITE_LANG="en", SITE_OTHER_PAGES="", SITE_MATHJAX_STATIC="", SITE_EXTRA_PATH="")
    out = tmp_path / "out"
    subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-q", "-c", str(ROOT / "tools" / "site"), str(src), str(out)],
                   env=env, check=True, cwd=ROOT, capture_output=True)
    html = (out / "notebooks" / "01_tiny.html").read_text(encoding="utf-8")
    assert 'alt="Loss falls from 2.3 to 0.4 over five epochs"' in html
    # without the metadata, Sphinx falls back to the file name: what tests/site/test_site.py's alt check rejects
    assert re.search(r'<img alt="[^"]*[0-9a-f]{64}\.png"', html)
    assert 'href="../zh/index.html"' in html  # the language switch (the zh edition has no pages here: its home)
