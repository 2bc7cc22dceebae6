"""Every notebook follows the course's conventions (nbval checks their outputs separately)."""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def _source(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_conventions(path):
    nb = _load(path)
    cells = nb["cells"]
    first = _source(cells[0])
    assert cells[0]["cell_type"] == "markdown" and first.startswith("# "), "opens with a title"
    assert re.search(r"\bS\d{1,2}\b", first), "the opening cell names the article sections (S-ids) it mirrors"
    assert "What you will learn" in first, "the opening cell says what the notebook teaches"
    assert re.search(r"[\u4e00-\u9fff]", first), "the opening cell gives the Chinese terms"
    code = [c for c in cells if c["cell_type"] == "code"]
    assert "default_rng(0)" in _source(code[0]), "the first code cell seeds rng = np.random.default_rng(0)"
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1)), "executed once, top to bottom"
    for c in code:
        for out in c.get("outputs", []):
            assert out["output_type"] != "error", f"a stored output is an error: {out.get('ename')}"
        assert "execution" not in c.get("metadata", {}), "no execution timestamps"
    assert "widgets" not in nb["metadata"], "no saved widget state"
    assert any("check(" in _source(c) for c in code), "exercises with instant checks"
    assert any(c.get("metadata", {}).get("jupyter", {}).get("source_hidden") for c in code), "a collapsed solution cell"
    text = path.read_text(encoding="utf-8")
    assert "/root/" not in text and "/home/" not in text and "/work/" not in text, "no absolute paths in outputs"
    for c in code:
        src = _source(c)
        if "NBVAL_IGNORE_OUTPUT" in src:
            assert src.splitlines()[0].strip() == "# NBVAL_IGNORE_OUTPUT", "the nbval marker stands alone on the first line"


def test_every_section_and_erratum_is_covered():
    """S1..S15 each named in some notebook's opening cell; each of SECTIONS.md's eight errata shown."""
    assert len(NOTEBOOKS) == 13, [p.name for p in NOTEBOOKS]
    named = set()
    for path in NOTEBOOKS:
        named |= {int(s) for s in re.findall(r"\bS(\d{1,2})\b", _source(_load(path)["cells"][0]))}
    assert set(range(1, 16)) <= named, f"sections not covered: {sorted(set(range(1, 16)) - named)}"
    text = {p.name[:2]: p.read_text(encoding="utf-8") for p in NOTEBOOKS}
    errata = {  # erratum -> (notebook, words that show it is discussed there)
        "1: 20 kernels x 26 = 520, not 25 x 26": ("01", "520"),
        "2: delta1 needs sigma'(z1) after the unpool": ("07", "erratum 2"),
        "3: batch mean: delta4 = (a4 - y)/N": ("06", "erratum 3"),
        "4: softmax is not element-wise": ("05", "Jacobian"),
        "4 (again, in the article's network)": ("06", "erratum 4"),
        "5: max-pool ties go to the first maximum": ("07", "erratum 5"),
        "6: rot180 rule needs dilation and cropping for stride/padding": ("09", "erratum 6"),
        "7: batch norm and internal covariate shift is contested": ("04", "Santurkar"),
        "8: 卷鸡层 is a typo for 卷积层": ("02", "卷鸡层"),
    }
    for erratum, (nb, words) in errata.items():
        assert words.lower() in text[nb].lower(), f"erratum {erratum}: notebook {nb} does not mention {words!r}"
