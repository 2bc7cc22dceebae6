"""The student edition (make release, tools/classroom/): nbgrader strips the solutions and the hidden tests.

A small two-notebook course in the exercise format (stubs, then `## Solutions`) is built
here from real exercise ids, so these tests do not wait for the course notebooks; the
course's own notebooks are released too once they are in that format.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

pytest.importorskip("nbgrader", reason="the classroom tools need nbgrader: pip install -e '.[classroom]'")

from bplib.exercises import check, exercise_inputs  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT / "tools" / "classroom"
sys.path.insert(0, str(TOOLS))
import course as classroom  # noqa: E402

FIGURE = "gap_vs_flatten.png"

# (exercise id, code above the stub, worked solution): two notebooks of two exercises each.
# The solutions are worked out by hand (a reshape, np.repeat), not by the bplib function each is about.
COURSE = {
    "02_pooling.ipynb": [
        ("02.max_pool", 'x = exercise_inputs("02.max_pool")["x"]\n',
         "# a 4 x 6 map in 2 x 2 blocks: reshape to (2, 2, 3, 2), the block rows and columns are axes 1 and 3\n"
         "# max pooling keeps the largest value of each block\n"
         "answer = x.reshape(2, 2, 3, 2).max(axis=(1, 3))\n"
         'check("02.max_pool", answer)'),
        ("02.avg_pool", 'x = exercise_inputs("02.avg_pool")["x"]\n',
         "# the same blocks as for max pooling\n"
         "# average pooling keeps their mean instead\n"
         'check("02.avg_pool", x.reshape(2, 2, 3, 2).mean(axis=(1, 3)))'),
    ],
    "07_unpooling.ipynb": [
        ("07.unpool_avg", 'ex = exercise_inputs("07.unpool_avg")\n',
         "# every cell of a 2 x 2 window contributed a quarter of the average,\n"
         "# so it gets a quarter of the window's delta\n"
         "spread = np.repeat(np.repeat(ex['delta2'], 2, axis=2), 2, axis=3)\n"
         "answer = spread / 4\n"
         'check("07.unpool_avg", answer)'),
        ("07.delta1_relu", 'ex = exercise_inputs("07.delta1_relu")\n',
         "# cross the activation: relu'(z) is 1 where z > 0 and 0 elsewhere\n"
         "# so delta1 keeps da1 where z1 > 0\n"
         "answer = ex['da1'] * (ex['z1'] > 0)\n"
         'check("07.delta1_relu", answer)'),
    ],
}


def teacher_notebook(title, exercises):
    """A notebook in the course's exercise format: stub cells, then ## Solutions with one collapsed solution each."""
    cells = [
        new_markdown_cell(f"# {title}\n**What you will learn** S7, 池化\n\n![the figure]({'../figures/' + FIGURE})"),
        new_code_cell("import numpy as np\n\nfrom bplib.exercises import check, exercise_inputs\n\nrng = np.random.default_rng(0)"),
        new_markdown_cell("## Exercises"),
    ]
    solutions = [new_markdown_cell("## Solutions")]
    for i, (eid, above, solution) in enumerate(exercises, 1):
        cells.append(new_markdown_cell(f"**{i}.** Exercise {eid}."))
        cells.append(new_code_cell(f"# {eid}: your answer\n{above}answer = ...  # replace ...\ncheck({eid!r}, answer)"))
        solutions.append(new_markdown_cell(f"**{i}.**"))
        cell = new_code_cell(solution)
        cell.metadata = {"tags": ["solution"], "jupyter": {"source_hidden": True}}
        solutions.append(cell)
    nb = new_notebook(cells=cells + solutions)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    return nb


def make_course(folder: Path) -> Path:
    """folder/notebooks/ with the two teacher notebooks, folder/figures/ with the figure they embed."""
    (folder / "notebooks").mkdir(parents=True)
    (folder / "figures").mkdir()
    (folder / "figures" / FIGURE).write_bytes((ROOT / "figures" / FIGURE).read_bytes())
    for name, exercises in COURSE.items():
        nbformat.write(teacher_notebook(name[3:-6], exercises), folder / "notebooks" / name)
    return folder / "notebooks"


def run_tool(script, *args, timeout=300):
    result = subprocess.run([sys.executable, str(TOOLS / script), *map(str, args)], capture_output=True, text=True,
                            timeout=timeout, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def solution_lines(nb):
    """The code lines of the solution cells that would give an answer away (not comments, not the closing check,
    not a line the notebook already shows before its Solutions)."""
    body, solutions = classroom.split_teacher_notebook(nb)
    shown = {line.strip() for c in body if c.cell_type == "code" for line in c.source.splitlines()}
    lines = set()
    for src in solutions.values():
        for line in src.splitlines():
            line = line.strip()
            if line and not line.startswith("#") and not line.startswith("check(") and line not in shown:
                lines.add(line)
    return lines


def as_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """(teacher notebooks folder, release folder) of the small course."""
    tmp = tmp_path_factory.mktemp("release")
    notebooks = make_course(tmp / "course")
    run_tool("release.py", "--notebooks", notebooks, "--out", tmp / "release")
    return notebooks, tmp / "release"


# ---------------------------------------------------------------- the converter, without nbgrader's CLI


def test_the_source_notebook_has_an_answer_cell_and_a_hidden_test_per_exercise():
    nb = teacher_notebook("pooling", COURSE["02_pooling.ipynb"])
    src = classroom.to_nbgrader_source(nb, "02_pooling.ipynb", points=2)
    assert [e.exercise_id for e in src.exercises] == ["02.max_pool", "02.avg_pool"]
    cells = src.notebook.cells
    assert not any(c.cell_type == "markdown" and c.source.startswith("## Solutions") for c in cells)
    assert not any("solution" in c.metadata.get("tags", []) for c in cells)
    graded = [(i, c.metadata["nbgrader"]) for i, c in enumerate(cells) if "nbgrader" in c.metadata]
    assert [m["grade_id"] for _, m in graded] == ["answer_02_max_pool", "check_02_max_pool", "answer_02_avg_pool", "check_02_avg_pool"]
    for (i, answer), (j, test) in zip(graded[::2], graded[1::2]):
        assert j == i + 1, "the hidden test runs right after its exercise cell (each exercise reuses `answer`)"
        assert answer["solution"] and not answer["grade"] and not answer["locked"]
        assert test["grade"] and test["locked"] and test["points"] == 2 and not test["solution"]
        assert "### BEGIN SOLUTION" in cells[i].source and "answer = ...  # replace" not in cells[i].source
        assert "### BEGIN HIDDEN TESTS" in cells[j].source
    # a solution that ends with check(id, expression) leaves the expression in `answer`
    assert "answer = x.reshape(2, 2, 3, 2).mean(axis=(1, 3))" in cells[graded[2][0]].source
    assert cells[0].source.startswith("# pooling"), "the title stays the first cell"
    again = classroom.to_nbgrader_source(nb, "02_pooling.ipynb", points=2).notebook
    assert nbformat.writes(again) == nbformat.writes(src.notebook), "the same source (cell ids too) every time"
    assert "Student edition" in cells[1].source


@pytest.mark.parametrize("name", list(COURSE))
def test_the_hidden_test_and_check_never_disagree(name):
    """Run each hidden test on the right answer, a known mistake, a nonsense answer and the stub: it passes exactly when check() does."""
    src = classroom.to_nbgrader_source(teacher_notebook(name, COURSE[name]), name)
    tests = {c.metadata["nbgrader"]["grade_id"]: c.source for c in src.notebook.cells if c.metadata.get("nbgrader", {}).get("grade")}
    for exercise, (_, above, _) in zip(src.exercises, COURSE[name]):
        inputs = exercise_inputs(exercise.exercise_id)
        namespace = {"np": np, "exercise_inputs": exercise_inputs, "check": check}
        exec(above + exercise.solution, namespace)  # the worked solution, as the teacher's submission has it
        right = namespace["answer"]
        first = next(iter(inputs.values()))
        for answer in (right, right * 2.0 + 1.0, np.zeros_like(right), first, "nonsense", ...):
            expected = check(exercise.exercise_id, answer)
            ns = {"answer": answer}
            try:
                exec(tests[exercise.test_cell_id], ns)
                passed, message = True, None
            except AssertionError as e:
                passed, message = False, str(e)
            assert passed == expected.ok, (exercise.exercise_id, expected)
            if not passed:
                assert message == repr(expected), "the grade's message is check()'s message"
            assert "answer" not in ns, "the hidden test clears answer, so a later exercise cannot reuse it"
        with pytest.raises(AssertionError, match=r"no answer"):
            exec(tests[exercise.test_cell_id], {})


def test_inline_solution_turns_the_closing_check_into_the_answer():
    assert classroom.inline_solution('y = 2\ncheck("05.x", y + 1)\n', "05.x") == "y = 2\nanswer = y + 1"
    assert classroom.inline_solution('answer = 3\ncheck("05.x", answer)', "05.x") == "answer = 3"
    with pytest.raises(classroom.CourseFormatError, match="no top-level check"):
        classroom.inline_solution('answer = 3\ncheck("05.y", answer)', "05.x")


def test_notebooks_not_in_the_exercise_format_are_refused():
    nb = teacher_notebook("pooling", COURSE["02_pooling.ipynb"])
    no_heading = nbformat.reads(nbformat.writes(nb), as_version=4)
    no_heading.cells = [c for c in no_heading.cells if not c.source.startswith("## Solutions")]
    with pytest.raises(classroom.CourseFormatError, match="Solutions"):
        classroom.to_nbgrader_source(no_heading, "x.ipynb")
    no_stub = nbformat.reads(nbformat.writes(nb), as_version=4)
    no_stub.cells[4].source = no_stub.cells[4].source.replace("answer = ...", "answer = x.max()")  # an old-style attempt
    with pytest.raises(classroom.CourseFormatError, match="stub"):
        classroom.to_nbgrader_source(no_stub, "x.ipynb")
    no_solution = nbformat.reads(nbformat.writes(nb), as_version=4)
    no_solution.cells = no_solution.cells[:-1]
    with pytest.raises(classroom.CourseFormatError, match="02.avg_pool has no solution"):
        classroom.to_nbgrader_source(no_solution, "x.ipynb")


# ---------------------------------------------------------------- the release, made by nbgrader


def test_the_release_has_no_solution_code_and_no_hidden_tests(released):
    notebooks, release = released
    for name in COURSE:
        teacher = nbformat.read(notebooks / name, as_version=4)
        text = as_text(release / "notebooks" / name)
        leaks = [line for line in solution_lines(teacher) if json.dumps(line)[1:-1] in text]
        assert not leaks, f"solution code in the release of {name}: {leaks}"
        for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", classroom.HIDDEN_MARK, "globals().pop",
                       "assert ", "## Solutions"):
            assert marker not in text, f"{marker!r} in the release of {name}"
        student = nbformat.read(release / "notebooks" / name, as_version=4)
        assert all(not c.get("outputs") for c in student.cells if c.cell_type == "code"), "the release has no outputs"
        assert not any("solution" in c.metadata.get("tags", []) for c in student.cells)


def test_the_release_keeps_the_exercise_cells_and_check(released):
    """Each exercise cell reaches the student exactly as the teacher wrote it: the stub and check() for instant feedback."""
    notebooks, release = released
    for name, exercises in COURSE.items():
        teacher = nbformat.read(notebooks / name, as_version=4)
        asked = [c.source for c in teacher.cells if c.cell_type == "code" and "answer = ..." in c.source]
        # the stub's trailing comment moves to its own line above it (nbgrader's stub is one line for all cells)
        asked = [re.sub(r"^answer = \.\.\.\s+(#.*)$", r"\1\nanswer = ...", src, flags=re.M) for src in asked]
        student = nbformat.read(release / "notebooks" / name, as_version=4)
        answer_cells = [c for c in student.cells if c.metadata.get("nbgrader", {}).get("solution")]
        assert [c.source for c in answer_cells] == asked
        locked = [c for c in student.cells if c.metadata.get("nbgrader", {}).get("grade")]
        assert [c.metadata["nbgrader"]["points"] for c in locked] == [1.0] * len(exercises)
        assert student.cells[0].source == teacher.cells[0].source
    manifest = json.loads(as_text(release / "MANIFEST.json"))
    assert manifest["notebooks"]["07_unpooling.ipynb"]["exercises"] == {"07.unpool_avg": 1.0, "07.delta1_relu": 1.0}
    assert (release / "figures" / FIGURE).read_bytes() == (ROOT / "figures" / FIGURE).read_bytes(), "../figures/ links keep working"


def test_release_refuses_to_overwrite_a_folder_that_is_not_a_release(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "precious.txt").write_text("keep me")
    from release import main as release_main

    with pytest.raises(SystemExit, match="not a previous release"):
        release_main(["--out", str(tmp_path / "out")])
    assert (tmp_path / "out" / "precious.txt").read_text() == "keep me"


def course_notebooks_in_format():
    """The course's own notebooks that are already in the stub + Solutions format."""
    ready = []
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        try:
            classroom.to_nbgrader_source(nbformat.read(path, as_version=4), path.name)
        except classroom.CourseFormatError:
            continue
        ready.append(path)
    return ready


@pytest.mark.slow
def test_the_course_notebooks_release_without_solutions(tmp_path):
    ready = course_notebooks_in_format()
    if not ready:
        pytest.skip("no course notebook is in the stub + ## Solutions format yet")
    (tmp_path / "course" / "notebooks").mkdir(parents=True)
    (tmp_path / "course" / "figures").symlink_to(ROOT / "figures")
    for path in ready:
        (tmp_path / "course" / "notebooks" / path.name).write_bytes(path.read_bytes())
    run_tool("release.py", "--notebooks", tmp_path / "course" / "notebooks", "--out", tmp_path / "release")
    for path in ready:
        text = as_text(tmp_path / "release" / "notebooks" / path.name)
        student = nbformat.read(tmp_path / "release" / "notebooks" / path.name, as_version=4)
        released_lines = {line.strip() for c in student.cells if c.cell_type == "code" for line in c.source.splitlines()}
        leaks = sorted(solution_lines(nbformat.read(path, as_version=4)) & released_lines)
        assert not leaks, f"solution code in the release of {path.name}: {leaks}"
        assert "BEGIN HIDDEN TESTS" not in text and classroom.HIDDEN_MARK not in text
        assert not any("solution" in c.metadata.get("tags", []) for c in student.cells)
        ids = {i for c in student.cells if c.cell_type == "code" for i in classroom.CHECK.findall(c.source)}
        assert ids == {e.exercise_id for e in classroom.to_nbgrader_source(nbformat.read(path, as_version=4)).exercises}
