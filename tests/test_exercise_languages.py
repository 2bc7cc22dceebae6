"""The exercise checker answers in the learner's language (issue 12): tr(en, zh) in bplib/exercises/nbXX.py.

Three routes: tr itself; every tr(...) call in the checker modules read from the source (English without
Chinese, Chinese with it, the same numbers in both); and every exercise run on a battery of answers (the
right one, computed independently in test_checker_robust.RIGHT, variations of it that checkers know as
mistakes, nonsense) in "en" and "zh": English messages without Chinese, Chinese messages with it, the
same verdict in both languages.
"""

import ast
import re
from pathlib import Path

import numpy as np
import pytest

import bplib
from bplib import exercises
from bplib.exercises import check, exercise_inputs, list_exercises
from bplib.exercises._lang import tr
from bplib.lang import get_language, language

ROOT = Path(__file__).resolve().parents[1]
MODULES = sorted((ROOT / "bplib" / "exercises").glob("nb*.py"))
ALL = [eid for n in range(13) for eid in list_exercises(f"{n:02d}")]
CJK = re.compile(r"[\u3400-\u9fff]")
LETTERS = re.compile(r"[A-Za-z]")

# Messages that pass through unchanged from bplib/exercises/_compare.py (issue 10 is editing it; the lead gives
# these templates their zh twins afterwards). A Chinese checker message may be one of these, word for word the
# English one, until then; once _compare.py speaks Chinese these patterns simply stop being needed.


@pytest.fixture(autouse=True)
def _english_afterwards():
    """Every test starts in English and leaves the language as it found it."""
    with language("en"):
        yield


# --- tr ----------------------------------------------------------------------------------------------------------


def test_tr_follows_the_language_at_call_time():
    assert tr("kernel", "卷积核") == "kernel"
    with language("zh"):
        assert tr("kernel", "卷积核") == "卷积核"
        with language("en"):
            assert tr("kernel", "卷积核") == "kernel"
        assert tr("kernel", "卷积核") == "卷积核"
    assert get_language() == "en"
    previous = bplib.set_language("zh")
    try:
        assert tr("stride", "步幅") == "步幅"
    finally:
        bplib.set_language(previous)


@pytest.mark.parametrize("en, zh", [(None, "卷积核"), ("kernel", 3), (b"kernel", "卷积核"), ("kernel", ["卷积核"])])
def test_tr_refuses_anything_but_two_strings(en, zh):
    with pytest.raises(TypeError, match=r"^tr: en and zh must both be str"):
        tr(en, zh)


# --- the source: every tr(...) call --------------------------------------------------------------------------------


def _tr_calls(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return tree, [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "tr"]


def _text(node) -> str:
    """The literal words of a str or f-string node (fields left out)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    raise AssertionError(f"tr argument at line {node.lineno} is not a string literal: {ast.unparse(node)}")


def _field_names(node) -> set:
    """The variable names an f-string shows (tables of Chinese words, NAME_ZH, aside)."""
    if not isinstance(node, ast.JoinedStr):
        return set()
    names = set()
    for value in node.values:
        if isinstance(value, ast.FormattedValue):
            names |= {n.id for n in ast.walk(value.value) if isinstance(n, ast.Name) and not n.id.endswith("_ZH")}
    return names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_every_tr_call_has_english_and_chinese_with_the_same_numbers(path):
    _, calls = _tr_calls(path)
    assert len(calls) >= 10, f"{path.name}: only {len(calls)} tr(...) calls; every message should be one"
    for call in calls:
        where = f"{path.name}:{call.lineno}"
        assert len(call.args) == 2 and not call.keywords, f"{where}: tr takes (en, zh)"
        en, zh = (_text(a) for a in call.args)
        assert not CJK.search(en), f"{where}: the English text has Chinese in it: {en!r}"
        if LETTERS.search(en):
            assert CJK.search(zh), f"{where}: the Chinese text has no Chinese characters: {zh!r}"
        assert _field_names(call.args[0]) == _field_names(call.args[1]), (
            f"{where}: the two languages show different values: {ast.unparse(call)}")


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_no_english_sentence_outside_tr(path):
    """A string of words in a checker module is a docstring, a tr(...) argument, or a key of a NAME_ZH table."""
    tree, calls = _tr_calls(path)
    allowed = {id(sub) for call in calls for sub in ast.walk(call)}
    keys = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef)) and ast.get_docstring(node) is not None:
            allowed.add(id(node.body[0].value))
        if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict)
                and all(isinstance(t, ast.Name) and t.id.endswith("_ZH") for t in node.targets)):
            keys |= {k.value for k in node.value.keys if isinstance(k, ast.Constant)}
            allowed |= {id(sub) for sub in ast.walk(node)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in allowed:
            if re.search(r"[A-Za-z]{2,} [A-Za-z]", node.value):
                assert node.value in keys, f"{path.name}:{node.lineno}: English words outside tr(...): {node.value!r}"


# --- every exercise on a battery of answers, in both languages -----------------------------------------------------


def _right_answers():
    try:
        from test_checker_robust import RIGHT  # the independent right answers (plain NumPy loops, PyTorch)
    except ImportError:  # run outside the tests folder: the battery still has its mistakes and nonsense
        return {}
    return RIGHT


RIGHT = _right_answers()
NONSENSE = ["no idea", None, 3.5, -1, 0, (1, 2), [[1.0, 2.0], [3.0, 4.0]], np.full(3, np.nan), {"a": 1}]


def _variations(right):
    """Answers near the right one, the shapes of the mistakes checkers recognise (swap, sign, factor, off by one...)."""
    if isinstance(right, tuple) and all(isinstance(v, (int, np.integer)) for v in right):
        out = [right, right[::-1], right[1:], right + (1,), tuple(v + 1 for v in right)]
        if len(right) == 4:
            out += [(right[0], right[2], right[3], right[1]), (right[1], right[0]) + right[2:]]
        return out
    if isinstance(right, list):  # (h, w) pairs
        return [right, [(h + 1, w + 1) for h, w in right], right[:1], [(w, h) for h, w in right]]
    a = np.asarray(right, dtype=np.float64)
    if a.ndim == 0:
        v = float(a)
        return [right, v + 1, v - 1, -v, 2 * v, v / 2, 100 * v, 1 - v, round(v, 2), v * v, np.array([v, v])]
    out = [a, -a, 2 * a, a / 2, a / 5, a / 64, a + 1, np.round(a, 2), np.zeros_like(a), a[None], a.reshape(-1)]
    if a.ndim >= 2:
        out += [np.swapaxes(a, -1, -2), a[..., ::-1], a[..., ::-1, :], a[..., ::-1, ::-1]]
    if a.ndim == 4:
        out += [a.sum(axis=0), a[0, 0]]
    return out


def _battery(eid):
    answers = list(NONSENSE)
    if eid in RIGHT and eid in ALL:
        inputs = exercise_inputs(eid) if eid in exercises._INPUTS else {}
        answers += _variations(RIGHT[eid](inputs))
    return answers


def _assert_chinese(where, message_en, message_zh) -> bool:
    """The Chinese message has Chinese in it (the shared _compare.py messages included)."""
    assert CJK.search(message_zh), f"{where}: the checker's Chinese message has no Chinese in it: {message_zh!r} (English: {message_en!r})"
    return True


def _run(eid, answer, lang):
    """check() in lang: the Feedback, and the checker's own (ok, message) if it returned one (None if it raised)."""
    raw = []
    checker = exercises._REGISTRY[eid]

    def recording(*args, **kwargs):
        result = checker(*args, **kwargs)
        raw.append((bool(result[0]), str(result[1])))
        return result

    exercises._REGISTRY[eid] = recording
    try:
        with language(lang):
            feedback = check(eid, answer)
    finally:
        exercises._REGISTRY[eid] = checker
    return feedback, (raw[0] if raw else None)


@pytest.mark.parametrize("eid", ALL)
def test_the_checker_answers_in_the_learners_language(eid):
    battery = _battery(eid)
    chinese = 0
    for answer in battery:
        fb_en, raw_en = _run(eid, answer, "en")
        fb_zh, raw_zh = _run(eid, answer, "zh")
        shown = repr(answer)[:60]
        assert not CJK.search(repr(fb_en)), f"{eid} {shown}: Chinese in the English feedback {fb_en!r}"
        assert fb_en.ok == fb_zh.ok, f"{eid} {shown}: the verdict depends on the language"
        assert (raw_en is None) == (raw_zh is None), f"{eid} {shown}: the checker raised in one language only"
        if raw_zh is None:
            continue
        chinese += _assert_chinese(f"{eid} {shown}", raw_en[1], raw_zh[1])
    assert chinese >= 2, f"{eid}: only {chinese} of {len(battery)} answers got a Chinese message"


@pytest.mark.parametrize("eid", sorted(set(RIGHT) & set(ALL)))
def test_the_right_answer_is_praised_in_both_languages(eid):
    """A ✓ in Chinese carries Chinese words (the success notes are tr(...) calls), the English one none."""
    inputs = exercise_inputs(eid) if eid in exercises._INPUTS else {}
    fb_en, raw_en = _run(eid, RIGHT[eid](inputs), "en")
    fb_zh, raw_zh = _run(eid, RIGHT[eid](inputs), "zh")
    assert fb_en.ok and fb_zh.ok, f"{eid}: the right answer is refused: {fb_en!r} / {fb_zh!r}"
    assert not CJK.search(raw_en[1]), f"{eid}: Chinese in the English success message {raw_en[1]!r}"
    _assert_chinese(f"{eid} (right answer)", raw_en[1], raw_zh[1])
    assert get_language() == "en"
