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


CHECK = re.compile(r"""check\(\s*["'](\d\d\.\w+)["']""")


def _text_outputs(cell):
    parts = []
    for out in cell.get("outputs", []):
        parts += out.get("text", []) if "text" in out else out.get("data", {}).get("text/plain", [])
    return "".join(parts)


def _tags(cell):
    return cell.get("metadata", {}).get("tags", [])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_exercises_are_stubs_and_solutions_come_last(path):
    """Exercise cells hold `answer = ...` and store "not attempted yet"; a ## Solutions section ends the notebook."""
    cells = _load(path)["cells"]
    heads = [i for i, c in enumerate(cells) if c["cell_type"] == "markdown" and _source(c).lstrip().startswith("## Solutions")]
    assert len(heads) == 1, "one '## Solutions' section"
    body, solutions = cells[: heads[0]], cells[heads[0] + 1:]
    asked = []
    for c in body:
        if c["cell_type"] != "code":
            continue
        assert "solution" not in _tags(c), "a solution cell sits before ## Solutions"
        ids = CHECK.findall(_source(c))
        if ids:
            assert re.search(r"^answer\s*=\s*\.\.\.", _source(c), re.M), f"exercise cell for {ids} is not a stub (answer = ...)"
            assert "not attempted yet" in _text_outputs(c), f"exercise cell for {ids} does not store 'not attempted yet'"
            asked += ids
    assert asked, "the notebook has exercises"
    solved = []
    for c in solutions:
        if c["cell_type"] == "markdown":
            continue
        assert "solution" in _tags(c), "every code cell under ## Solutions is tagged solution"
        assert c["metadata"].get("jupyter", {}).get("source_hidden"), "solution cells are collapsed"
        src = _source(c)
        assert sum(line.lstrip().startswith("#") for line in src.splitlines()) >= 2, "a solution explains its reasoning"
        ids = CHECK.findall(src)
        assert len(ids) == 1, "one solution cell per exercise, ending with its check"
        assert "✓ correct" in _text_outputs(c), f"the solution of {ids[0]} does not pass its check"
        solved += ids
    assert sorted(solved) == sorted(set(asked)), "each exercise has exactly one solution"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_a_prediction_before_a_reveal(path):
    """At least one markdown cell tagged 'predict' asks the learner to write something down; a code cell follows."""
    cells = _load(path)["cells"]
    found = [i for i, c in enumerate(cells) if c["cell_type"] == "markdown" and "predict" in _tags(c)]
    assert found, "no predict-then-check question (a markdown cell tagged 'predict')"
    for i in found:
        assert "Predict" in _source(cells[i]), "a predict cell says Predict"
        assert i + 1 < len(cells) and cells[i + 1]["cell_type"] == "code", "the reveal follows the prediction"


def test_the_errata_table_and_its_links():
    """Notebook 00 has the errata table (8 rows); a notebook that names 'erratum N' links to it."""
    nb00 = next(p for p in NOTEBOOKS if p.name.startswith("00_"))
    md = "\n".join(_source(c) for c in _load(nb00)["cells"] if c["cell_type"] == "markdown")
    assert re.search(r"^## Errata", md, re.M) or '<a id="errata"></a>' in md
    rows = re.findall(r"^\|\s*(\d+)\s*\|", md, re.M)
    assert [int(r) for r in rows if int(r) <= 8][:8] == list(range(1, 9)), rows
    for path in NOTEBOOKS[1:]:
        md = "\n".join(_source(c) for c in _load(path)["cells"] if c["cell_type"] == "markdown")
        if re.search(r"\berratum \d", md, re.I):
            assert "00_how_to_use_this_course.ipynb#errata" in md, f"{path.name} names an erratum but does not link the table"


def test_the_backward_pass_map_is_registered_and_shown():
    from bplib.figures import FIGURES

    assert "backward_pass" in FIGURES
    for prefix in ("06", "07"):
        path = next(p for p in NOTEBOOKS if p.name.startswith(prefix))
        assert "../figures/backward_pass." in path.read_text(encoding="utf-8"), f"{path.name} does not show backward_pass"


ALL_EDITIONS = NOTEBOOKS + sorted((ROOT / "notebooks" / "zh").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("path", ALL_EDITIONS, ids=lambda p: "/".join(p.parts[-2:]))
def test_every_plot_output_has_alt_text(path):
    """Every PNG a cell outputs carries an alt text in its display metadata (bplib.viz.show.show_figure)."""
    missing = []
    for i, cell in enumerate(_load(path)["cells"]):
        for out in cell.get("outputs", []):
            if "image/png" in out.get("data", {}):
                alt = out.get("metadata", {}).get("image/png", {}).get("alt", "")
                if len(alt.strip()) < 10:
                    missing.append(i)
    assert not missing, f"cells {missing} output a PNG without alt text (use show_figure(fig, alt=...))"
