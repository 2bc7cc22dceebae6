"""The classroom tools' shared part: turn the course's notebooks into an nbgrader course.

A teacher notebook (notebooks/NN_*.ipynb) has exercise cells before a ``## Solutions``
heading (``answer = ...`` then ``check("NN.name", answer)``) and, under that heading, one
``solution``-tagged cell per exercise. ``to_nbgrader_source`` rewrites it as an nbgrader
*source* notebook:

- each exercise cell becomes an nbgrader "autograded answer" cell whose
  ``### BEGIN SOLUTION`` / ``### END SOLUTION`` region holds the worked solution in place of
  the ``answer = ...`` stub (nbgrader puts the stub back in the student edition);
- right after it comes a locked, read-only test cell worth ``points`` whose
  ``### BEGIN HIDDEN TESTS`` block calls the course's own ``check(id, answer)`` and asserts
  ``.ok`` -- the same checker as the learner's instant feedback, so the two cannot disagree;
- the ``## Solutions`` section is dropped.

Then nbgrader itself does the rest (``generate_assignment``, ``autograde``,
``generate_feedback``) in a throwaway course directory built by ``NbgraderCourse``.
Nothing here imports bplib: the notebooks run bplib in nbgrader's kernel, in this Python.
"""

from __future__ import annotations

import ast
import copy
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
STUB = re.compile(r"^answer\s*=\s*\.\.\.[ \t]*(#.*)?$", re.M)
CHECK = re.compile(r"""check\(\s*["'](\d\d\.\w+)["']""")
SOLUTIONS_HEADING = "## Solutions"
HIDDEN_MARK = "_bplib_graded_answer"  # a name only the hidden tests use (tests search the release for it)
COURSE_ID = "bplib"

# nbgrader's gradebook runs the `alembic` command of this Python's environment: put its bin/ first on PATH
# (`make grade` calls .venv/bin/python without activating the venv).
os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")


class CourseFormatError(ValueError):
    """A teacher notebook that does not follow the exercise format (tools/NOTEBOOKS.md, issue 11)."""


@dataclass
class Exercise:
    """One exercise of a notebook: its id, its worked solution, its nbgrader cell ids."""

    exercise_id: str
    solution: str
    points: float = 1.0

    @property
    def slug(self) -> str:
        return self.exercise_id.replace(".", "_")

    @property
    def answer_cell_id(self) -> str:
        return f"answer_{self.slug}"

    @property
    def test_cell_id(self) -> str:
        return f"check_{self.slug}"


@dataclass
class SourceNotebook:
    """A teacher notebook converted for nbgrader: the notebook and its exercises in order."""

    name: str
    notebook: nbformat.NotebookNode
    exercises: list = field(default_factory=list)


def _source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _tags(cell) -> list:
    return cell.get("metadata", {}).get("tags", [])


def split_teacher_notebook(nb, name: str = "notebook"):
    """Split a teacher notebook into (cells before ## Solutions, {exercise id: solution source}).

    nb: an nbformat v4 notebook. Raises CourseFormatError, naming the notebook and the
    rule, when it has no single ``## Solutions`` heading or a solution cell without its check.
    """
    heads = [i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and _source(c).lstrip().startswith(SOLUTIONS_HEADING)]
    if len(heads) != 1:
        raise CourseFormatError(f"split_teacher_notebook: {name} has {len(heads)} '{SOLUTIONS_HEADING}' headings, "
                                "expected exactly 1 (is it converted to the stub + Solutions format yet?)")
    body, tail = nb.cells[: heads[0]], nb.cells[heads[0] + 1:]
    solutions = {}
    for cell in tail:
        if cell.cell_type != "code":
            continue
        ids = sorted(set(CHECK.findall(_source(cell))))
        if "solution" not in _tags(cell) or len(ids) != 1:
            raise CourseFormatError(f"split_teacher_notebook: {name}: every code cell under {SOLUTIONS_HEADING} must be tagged "
                                    f"'solution' and check exactly one exercise; found tags {_tags(cell)} and checks {ids}")
        if ids[0] in solutions:
            raise CourseFormatError(f"split_teacher_notebook: {name}: two solution cells for {ids[0]}")
        solutions[ids[0]] = _source(cell)
    return body, solutions


def inline_solution(solution: str, exercise_id: str) -> str:
    """The solution cell's code with its closing ``check(id, x)`` turned into ``answer = x`` (or dropped if x is answer).

    solution: the source of a solution cell. Returns code that leaves the answer in ``answer``.
    Raises CourseFormatError if the code has no top-level ``check(exercise_id, ...)`` statement.
    """
    try:
        tree = ast.parse(solution)
    except SyntaxError as e:
        raise CourseFormatError(f"inline_solution: the solution of {exercise_id} is not plain Python ({e})") from e
    lines = solution.splitlines()
    edits = []
    for node in tree.body:
        call = node.value if isinstance(node, ast.Expr) else None
        if (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "check" and len(call.args) == 2
                and isinstance(call.args[0], ast.Constant) and call.args[0].value == exercise_id):
            arg = call.args[1]
            is_answer = isinstance(arg, ast.Name) and arg.id == "answer"
            keep = [] if is_answer else [f"answer = {ast.get_source_segment(solution, arg)}"]
            edits.append((node.lineno - 1, node.end_lineno, keep))
    if not edits:
        raise CourseFormatError(f"inline_solution: the solution of {exercise_id} has no top-level check({exercise_id!r}, answer)")
    for start, end, keep in reversed(edits):
        lines[start:end] = keep
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


def _hidden_test(exercise_id: str) -> str:
    return (
        f"# Autograded: exercise {exercise_id} is checked here when your notebook is graded,\n"
        "# by the same checker as the check() in the cell above. Nothing to do in this cell.\n"
        "### BEGIN HIDDEN TESTS\n"
        "import bplib.exercises as _bplib_exercises\n"
        "\n"
        "if 'answer' not in globals():\n"
        f"    raise AssertionError('[{exercise_id}] ✗ no answer: the exercise cell stopped (an error, or the time limit) '\n"
        "                         'before it set answer')\n"
        f"{HIDDEN_MARK} = globals().pop('answer')  # the next exercise must set its own answer\n"
        f"_bplib_verdict = _bplib_exercises.check({exercise_id!r}, {HIDDEN_MARK})\n"
        "assert _bplib_verdict.ok, repr(_bplib_verdict)\n"
        "print(repr(_bplib_verdict))\n"
        "### END HIDDEN TESTS"
    )


def _nbgrader_meta(grade_id: str, *, grade: bool, solution: bool, locked: bool, points: float = 0.0) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution, "task": False}
    if grade:
        meta["points"] = points
    return meta


def to_nbgrader_source(nb, name: str = "notebook", points: float = 1.0) -> SourceNotebook:
    """Rewrite a teacher notebook as an nbgrader source notebook (answer cell + hidden test per exercise, no Solutions).

    nb: an nbformat v4 notebook in the course's exercise format; points: the points of each
    exercise. Returns a SourceNotebook (a new notebook; nb is not modified). Raises
    CourseFormatError, naming the notebook and the exercise, on a cell that breaks the format.
    """
    if points <= 0:
        raise ValueError(f"to_nbgrader_source: points must be > 0, got {points}")
    body, solutions = split_teacher_notebook(nb, name)
    out = copy.deepcopy(nb)
    out.cells = []
    exercises = []
    for cell in body:
        cell = copy.deepcopy(cell)
        cell.metadata.pop("nbgrader", None)
        if cell.cell_type == "code" and "solution" in _tags(cell):
            raise CourseFormatError(f"to_nbgrader_source: {name}: a solution-tagged cell sits before {SOLUTIONS_HEADING}")
        ids = sorted(set(CHECK.findall(_source(cell)))) if cell.cell_type == "code" else []
        if not ids:
            out.cells.append(cell)
            continue
        src = _source(cell)
        stubs = STUB.findall(src)
        if len(ids) != 1 or len(stubs) != 1:
            raise CourseFormatError(f"to_nbgrader_source: {name}: the exercise cell for {ids} must check one exercise and hold "
                                    f"one 'answer = ...' stub line, found {len(stubs)}")
        exercise_id = ids[0]
        if exercise_id not in solutions:
            raise CourseFormatError(f"to_nbgrader_source: {name}: exercise {exercise_id} has no solution cell "
                                    f"under {SOLUTIONS_HEADING}")
        if any(e.exercise_id == exercise_id for e in exercises):
            raise CourseFormatError(f"to_nbgrader_source: {name}: exercise {exercise_id} is asked twice")
        ex = Exercise(exercise_id, inline_solution(solutions[exercise_id], exercise_id), points)
        match = STUB.search(src)
        comment = (match.group(1) + "\n") if match.group(1) else ""
        region = f"{comment}### BEGIN SOLUTION\n{ex.solution}\n### END SOLUTION"
        cell.source = src[: match.start()] + region + src[match.end():]
        cell.outputs, cell.execution_count = [], None
        cell.metadata["nbgrader"] = _nbgrader_meta(ex.answer_cell_id, grade=False, solution=True, locked=False)
        out.cells.append(cell)
        test = nbformat.v4.new_code_cell(_hidden_test(exercise_id))
        test.metadata["nbgrader"] = _nbgrader_meta(ex.test_cell_id, grade=True, solution=False, locked=True, points=points)
        test["id"] = f"bplib-{ex.test_cell_id}"  # fixed ids: the same release every time
        test.metadata["editable"] = False
        test.metadata["deletable"] = False
        out.cells.append(test)
        exercises.append(ex)
    missing = sorted(set(solutions) - {e.exercise_id for e in exercises})
    if missing:
        raise CourseFormatError(f"to_nbgrader_source: {name}: solutions for {missing}, but no exercise cell asks them")
    if not exercises:
        raise CourseFormatError(f"to_nbgrader_source: {name} has no exercise cells (answer = ... / check(...))")
    note = nbformat.v4.new_markdown_cell(STUDENT_NOTE)
    note["id"] = "bplib-student-edition"
    out.cells.insert(1, note)
    out.nbformat_minor = max(out.get("nbformat_minor", 5), 5)  # cell ids
    for i, cell in enumerate(out.cells):  # keep the teacher's ids; a notebook older than 4.5 had none
        cell.setdefault("id", f"bplib-cell-{i}")
    return SourceNotebook(name, out, exercises)


def fill_stubs(student_nb, source: SourceNotebook):
    """A student-edition notebook with every exercise stub replaced by the worked solution (a 'teacher' submission).

    student_nb: a notebook from the release; source: the SourceNotebook it came from.
    Returns a new notebook. Raises CourseFormatError if an exercise cell or its stub is missing.
    """
    out = copy.deepcopy(student_nb)
    by_cell = {e.answer_cell_id: e for e in source.exercises}
    done = set()
    for cell in out.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in by_cell:
            src = _source(cell)
            match = STUB.search(src)
            if match is None:
                raise CourseFormatError(f"fill_stubs: {source.name}: the cell {grade_id} has no 'answer = ...' stub left")
            cell.source = src[: match.start()] + by_cell[grade_id].solution + src[match.end():]
            done.add(grade_id)
    if done != set(by_cell):
        raise CourseFormatError(f"fill_stubs: {source.name}: exercise cells {sorted(set(by_cell) - done)} are missing")
    return out


def teacher_notebooks(folder: Path) -> dict:
    """{group: [notebook paths]}: the course notebooks NN_*.ipynb in folder ('') and in folder/zh ('zh') if present."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"teacher_notebooks: {folder} is not a folder of notebooks")
    groups = {"": sorted(folder.glob("[0-9][0-9]_*.ipynb"))}
    if (folder / "zh").is_dir():
        groups["zh"] = sorted((folder / "zh").glob("[0-9][0-9]_*.ipynb"))
    groups = {g: paths for g, paths in groups.items() if paths}
    if not groups:
        raise FileNotFoundError(f"teacher_notebooks: no NN_*.ipynb notebooks in {folder}")
    return groups


def assignment_of(group: str) -> str:
    """nbgrader assignment name of a group of notebooks ('' -> 'course', 'zh' -> 'course_zh')."""
    return "course" + (f"_{group}" if group else "")


STUDENT_NOTE = """\
**Student edition.** Run the cells from the top. Each exercise cell ends with `check("NN.name", answer)`, which
tells you at once whether your answer is right and, if not, gives a hint. Replace `answer = ...` with your answer
and run the cell again. The read-only cells after the exercises are where your notebook is graded: the grader runs
the same `check()`. The worked solutions are not in this edition. Hand the notebook in as it is (keep its file name).
"""


class NbgraderCourse:
    """A throwaway nbgrader course directory: source/ from the teacher notebooks, a gradebook, nbgrader's CLI."""

    def __init__(self, root: Path, notebooks: Path, timeout: int = 120, points: float = 1.0, only=None):
        """root: an empty or new folder for the course; notebooks: the teacher notebooks' folder.

        timeout: seconds one cell may run when grading (then it is interrupted and the next cell runs);
        only: a set of (group, notebook name) to take (default: every notebook). Raises
        CourseFormatError listing every notebook that is not in the exercise format.
        """
        if timeout <= 0:
            raise ValueError(f"NbgraderCourse: timeout must be a positive number of seconds, got {timeout}")
        self.root = Path(root).resolve()
        self.notebooks = Path(notebooks).resolve()
        self.timeout = int(timeout)
        self.root.mkdir(parents=True, exist_ok=True)
        if any(self.root.iterdir()):
            raise FileExistsError(f"NbgraderCourse: {self.root} is not empty; the course directory must be a new folder")
        self.sources: dict = {}  # (group, notebook name) -> SourceNotebook
        problems = []
        for group, paths in teacher_notebooks(self.notebooks).items():
            for path in paths:
                if only is not None and (group, path.name) not in only:
                    continue
                try:
                    self.sources[group, path.name] = to_nbgrader_source(nbformat.read(path, as_version=4), path.name, points)
                except CourseFormatError as e:
                    problems.append(f"  {path.relative_to(self.notebooks)}: {e}")
        if problems:
            raise CourseFormatError("NbgraderCourse: these notebooks are not in the exercise format (answer = ... stubs, "
                                    "then ## Solutions):\n" + "\n".join(problems))
        if not self.sources:
            raise CourseFormatError(f"NbgraderCourse: no notebook of {self.notebooks} to take (only={sorted(only or [])})")
        for (group, name), src in self.sources.items():
            target = self.root / "source" / assignment_of(group)
            target.mkdir(parents=True, exist_ok=True)
            nbformat.write(src.notebook, target / name)
        (self.root / "nbgrader_config.py").write_text(self._config(), encoding="utf-8")

    def _config(self) -> str:
        return "\n".join([
            "from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor",
            "from nbgrader.preprocessors import ClearHiddenTests, GetGrades",
            "",
            "c = get_config()  # noqa: F821",
            f"c.CourseDirectory.root = {str(self.root)!r}",
            f"c.CourseDirectory.course_id = {COURSE_ID!r}",
            f"c.CourseDirectory.db_url = {'sqlite:///' + str(self.root / 'gradebook.db')!r}",
            "c.ClearSolutions.code_stub = {'python': 'answer = ...'}",
            f"c.Execute.timeout = {self.timeout}",
            "c.Execute.interrupt_on_timeout = True",
            "c.Execute.allow_errors = True",
            "# a failed check reads 'AssertionError: [07.unpool_max] ✗ not yet: <hint>', without the hidden test's lines",
            "c.Execute.extra_arguments = ['--HistoryManager.hist_file=:memory:', '--InteractiveShell.xmode=Minimal']",
            "# the feedback shows each exercise's verdict, not the hidden test's code",
            "c.GenerateFeedback.preprocessors = [GetGrades, CSSHTMLHeaderPreprocessor, ClearHiddenTests]",
            "",
        ])

    @property
    def groups(self) -> list:
        return sorted({g for g, _ in self.sources})

    def nbgrader(self, *args: str, timeout: float | None = None) -> subprocess.CompletedProcess:
        """Run ``python -m nbgrader ARGS`` in the course folder with this Python (so bplib is importable in the kernel).

        timeout: seconds before the whole command (and the kernels it started) is killed.
        Returns the CompletedProcess (returncode 124 on a kill, like timeout(1)).
        """
        env = dict(os.environ, MPLBACKEND="Agg", PYTHONWARNINGS="ignore::DeprecationWarning")
        proc = subprocess.Popen([sys.executable, "-m", "nbgrader", *args], cwd=self.root, env=env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            out, _ = proc.communicate(timeout=timeout)
            return subprocess.CompletedProcess(proc.args, proc.returncode, out, "")
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, _ = proc.communicate()
            return subprocess.CompletedProcess(proc.args, 124, (out or "") + f"\nkilled after {timeout} s", "")

    def api(self):
        """nbgrader's Python API on this course (for the steps that run no student code)."""
        from nbgrader.apps import NbGraderAPI
        from nbgrader.coursedir import CourseDirectory
        from traitlets.config.loader import PyFileConfigLoader

        config = PyFileConfigLoader("nbgrader_config.py", path=str(self.root)).load_config()
        return NbGraderAPI(CourseDirectory(config=config), config=config)

    def generate_assignments(self) -> None:
        """nbgrader generate_assignment for every group; the student editions land in root/release/<assignment>/."""
        api = self.api()
        for group in self.groups:
            result = api.generate_assignment(assignment_of(group), force=True, create=True)
            if not result["success"]:
                raise RuntimeError(f"NbgraderCourse.generate_assignments: nbgrader failed for {assignment_of(group)}:\n"
                                   f"{result.get('error')}\n{result.get('log')}")

    def generate_feedback(self, group: str) -> dict:
        """nbgrader generate_feedback for every autograded student of a group (HTML in root/feedback/); nbgrader's result dict."""
        return self.api().generate_feedback(assignment_of(group), force=True)

    def release_dir(self, group: str) -> Path:
        return self.root / "release" / assignment_of(group)


def copy_linked_files(nb, notebook_dir: Path, repo: Path, out: Path) -> list:
    """Copy the repo files that nb's markdown links to (../figures/x.png) to the same place under out; returns them."""
    copied = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        text = _source(cell)
        links = re.findall(r"!\[[^\]]*\]\(([^)\s]+)", text) + re.findall(r"""<img[^>]*\bsrc=["']([^"']+)""", text)
        for link in links:
            if re.match(r"^[a-z]+:", link) or link.startswith("#"):
                continue
            target = (notebook_dir / link.split("#")[0]).resolve()
            try:
                rel = target.relative_to(repo)
            except ValueError:
                continue
            if target.is_file() and not (out / rel).exists():
                (out / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(target, out / rel)
                copied.append(rel)
    return copied


def git_describe(repo: Path) -> str:
    """The repo's commit (with '-dirty' if the notebooks changed since), or 'unknown' outside git."""
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "--no-optional-locks", "status", "--porcelain", "--", "notebooks"], cwd=repo,
                               capture_output=True, text=True).stdout  # read-only: never refreshes the index
        return head + ("-dirty" if dirty.strip() else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
