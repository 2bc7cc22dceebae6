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
