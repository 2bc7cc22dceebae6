"""The Chinese edition is a twin of the English one: same cells, same code, same checks.

A zh notebook (notebooks/zh/NN_*.ipynb, same file name) may differ from its English twin only in
- markdown (written in Chinese),
- comments in code cells,
- string literals that contain Chinese (printed labels),
- one extra line in the first code cell: ``bp.set_language("zh")``,
and of course in its outputs. Everything else is compared token by token, so an edit to one
edition's code that is not made to the other fails here.
"""

import io
import json
import re
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EN = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
ZH_DIR = ROOT / "notebooks" / "zh"
SELECT_LINE = 'bp.set_language("zh")'
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
STRING_TYPES = {tokenize.STRING} | {getattr(tokenize, n) for n in ("FSTRING_MIDDLE",) if hasattr(tokenize, n)}
SKIP_TYPES = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}


def _source(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def code_tokens(src: str) -> list:
    """(type, text) of every token that is code: comments and layout dropped; IPython magics kept as text."""
    lines = [ln if not ln.lstrip().startswith(("%", "!")) else "# " + ln for ln in src.splitlines()]
    magics = [("MAGIC", ln.strip()) for ln in src.splitlines() if ln.lstrip().startswith(("%", "!"))]
    tokens = [(t.type, t.string) for t in tokenize.generate_tokens(io.StringIO("\n".join(lines) + "\n").readline)
              if t.type not in SKIP_TYPES]
    return magics + tokens


def same_code(en_src: str, zh_src: str) -> tuple:
    """(True, "") if zh_src is en_src up to comments and Chinese string literals; else (False, where)."""
    en, zh = code_tokens(en_src), code_tokens(zh_src)
    if len(en) != len(zh):
        return False, f"{len(en)} code tokens in English, {len(zh)} in Chinese"
    for (te, se), (tz, sz) in zip(en, zh):
        if se == sz:
            continue
        if te == tz and te in STRING_TYPES and CJK.search(sz):
            continue  # a printed label, translated
        return False, f"English {se!r} vs Chinese {sz!r}"
    return True, ""


def twin_of(path: Path) -> Path:
    return ZH_DIR / path.name


def _meta(cell) -> tuple:
    md = cell.get("metadata", {})
    return cell["cell_type"], tuple(md.get("tags", [])), bool(md.get("jupyter", {}).get("source_hidden"))


def compare(en_nb: dict, zh_nb: dict) -> list:
    """Every difference between two notebooks that the twin rule forbids."""
    problems = []
    en_cells, zh_cells = en_nb["cells"], zh_nb["cells"]
    if [_meta(c) for c in en_cells] != [_meta(c) for c in zh_cells]:
        return [f"cells differ in number, type, tags or collapse state ({len(en_cells)} English, {len(zh_cells)} Chinese)"]
    first_code = next(i for i, c in enumerate(en_cells) if c["cell_type"] == "code")
    for i, (ce, cz) in enumerate(zip(en_cells, zh_cells)):
        se, sz = _source(ce), _source(cz)
        if ce["cell_type"] == "markdown":
            ids_en, ids_zh = set(re.findall(r"\bS\d{1,2}\b", se)), set(re.findall(r"\bS\d{1,2}\b", sz))
            if ids_en != ids_zh:
                problems.append(f"cell {i}: S-ids {sorted(ids_en)} vs {sorted(ids_zh)}")
            figs_en = re.findall(r"figures/([\w.-]+\.(?:png|gif|svg))", se)
            figs_zh = re.findall(r"figures/zh/([\w.-]+\.(?:png|gif|svg))", sz)
            if figs_en != figs_zh:
                problems.append(f"cell {i}: figures {figs_en} in English vs figures/zh/ {figs_zh} in Chinese")
            continue
        if i == first_code:
            lines = sz.splitlines()
            if sum(ln.strip() == SELECT_LINE for ln in lines) != 1:
                problems.append(f"cell {i}: the first code cell must hold the line {SELECT_LINE} once")
            sz = "\n".join(ln for ln in lines if ln.strip() != SELECT_LINE)
        ok, where = same_code(se, sz)
        if not ok:
            problems.append(f"cell {i}: code differs: {where}")
    return problems


def test_every_english_notebook_has_a_chinese_twin():
    missing = [p.name for p in EN if not twin_of(p).is_file()]
    assert not missing, f"no Chinese twin in notebooks/zh/ for {missing}"
    extra = sorted({p.name for p in ZH_DIR.glob("*.ipynb")} - {p.name for p in EN})
    assert not extra, f"Chinese notebooks without an English twin: {extra}"


@pytest.mark.parametrize("path", EN, ids=lambda p: p.name)
def test_twin_has_the_same_cells_and_code(path):
    zh = twin_of(path)
    if not zh.is_file():
        pytest.fail(f"no Chinese twin {zh.relative_to(ROOT)}")
    problems = compare(json.loads(path.read_text(encoding="utf-8")), json.loads(zh.read_text(encoding="utf-8")))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", EN, ids=lambda p: p.name)
def test_twin_is_written_in_chinese(path):
    zh = twin_of(path)
    if not zh.is_file():
        pytest.fail(f"no Chinese twin {zh.relative_to(ROOT)}")
    cells = json.loads(zh.read_text(encoding="utf-8"))["cells"]
    markdown = [_source(c) for c in cells if c["cell_type"] == "markdown" and _source(c).strip()]
    written = [m for m in markdown if len(CJK.findall(m)) >= 4 or not re.search(r"[A-Za-z]{4,}", re.sub(r"\$[^$]*\$", "", m))]
    assert len(written) == len(markdown), f"{len(markdown) - len(written)} markdown cells are not in Chinese"


def _nb(cells):
    return {"cells": [{"cell_type": t, "source": s, "metadata": {}} for t, s in cells]}


def test_the_twin_check_catches_a_changed_code_line():
    en = _nb([("markdown", "# 07 · Unpooling (S10)"), ("code", "import bplib as bp\nrng = 0"),
              ("code", "x = bp.relu(z)  # the activation\nprint('the map', x.shape)")])
    zh = _nb([("markdown", "# 07 · 反池化（S10）"), ("code", f"import bplib as bp\n{SELECT_LINE}\nrng = 0"),
              ("code", "x = bp.relu(z)  # 激活函数\nprint('特征图', x.shape)")])
    assert compare(en, zh) == []
    zh["cells"][2]["source"] = "x = bp.sigmoid(z)  # 激活函数\nprint('特征图', x.shape)"
    assert compare(en, zh) and "relu" in compare(en, zh)[0]
    zh["cells"][2]["source"] = "x = bp.relu(z)  # 激活函数\nprint('the map!', x.shape)"
    assert compare(en, zh), "an English string changed in the Chinese edition is a code change"
    zh["cells"][1]["source"] = "import bplib as bp\nrng = 0"
    zh["cells"][2]["source"] = "x = bp.relu(z)  # 激活函数\nprint('特征图', x.shape)"
    assert any(SELECT_LINE in p for p in compare(en, zh))
    zh["cells"][0]["source"] = "# 07 · 反池化（S11）"
    zh["cells"][1]["source"] = f"import bplib as bp\n{SELECT_LINE}\nrng = 0"
    assert any("S-ids" in p for p in compare(en, zh))
