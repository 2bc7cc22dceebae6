"""Autograde returned notebooks with nbgrader: ``make grade SUBMISSIONS=folder`` (or this script).

    python tools/classroom/grade.py SUBMISSIONS [--out grading] [--timeout 120] [--notebooks notebooks]

SUBMISSIONS has one sub-folder per student (nbgrader's layout: SUBMISSIONS/<student>/...); the
notebooks in it keep the release's file names, at any depth (SUBMISSIONS/<student>/course/07_unpooling.ipynb
as nbgrader collects them, or SUBMISSIONS/<student>/07_unpooling.ipynb); one under a zh/ folder is the
Chinese edition. Only the notebooks somebody handed in are graded. Every notebook runs in a fresh
kernel of this Python (the course's .venv, so bplib is importable); a cell that runs longer than
--timeout seconds is interrupted and the next cell runs, so a notebook that raises or loops forever
is still graded, and never stops the others.

Writes
    <out>/grades.csv                          student, one column per exercise id (points), total, notes
    <out>/feedback/<student>/<notebook>.html  nbgrader's feedback: each exercise, ✓ / ✗ and check()'s hint
Each exercise is scored by its hidden test, which calls the course's own check() (see course.py).
"""

from __future__ import annotations

import argparse
import csv
import html
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from course import ROOT, CourseFormatError, NbgraderCourse, assignment_of, teacher_notebooks  # noqa: E402


def find_submissions(folder: Path, known: set) -> dict:
    """{student: {(group, notebook name): path}} and notes, from one sub-folder per student.

    known: the (group, name) pairs the course has. Returns (found, notes) where notes is
    {student: [text]} for files that are not course notebooks or appear twice.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise SystemExit(f"grade: SUBMISSIONS={folder} is not a folder (expected one sub-folder per student)")
    found, notes = {}, {}
    for student_dir in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
        student = student_dir.name
        found[student], notes[student] = {}, []
        for path in sorted(student_dir.rglob("*.ipynb")):
            rel = path.relative_to(student_dir)
            if any(part.startswith(".") for part in rel.parts):
                continue
            key = ("zh" if {"zh", assignment_of("zh")} & set(rel.parts[:-1]) else "", path.name)
            if key not in known:
                notes[student].append(f"ignored {rel.as_posix()} (not a course notebook)")
            elif key in found[student]:
                notes[student].append(f"ignored {rel.as_posix()} (a second copy of {path.name})")
            else:
                found[student][key] = path
    if not found:
        raise SystemExit(f"grade: {folder} has no student sub-folders")
    return found, notes


def _problems(autograded: Path, exercises) -> list:
    """Exercises whose answer cell stopped with an error or the time limit, read from the autograded notebook."""
    nb = nbformat.read(autograded, as_version=4)
    by_cell = {e.answer_cell_id: e.exercise_id for e in exercises}
    out = []
    for cell in nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if grade_id in by_cell and errors:
            kind = "time limit" if errors[0].get("ename") in ("CellTimeoutError", "KeyboardInterrupt") else errors[0].get("ename")
            out.append(f"{by_cell[grade_id]}: {kind}")
    return out


def _placeholder_feedback(path: Path, student: str, notebook: str, reason: str, exercises) -> None:
    rows = "".join(f"<li>[{html.escape(e.exercise_id)}] ✗ 0 / {e.points:g}</li>" for e in exercises)
    path.write_text(
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(notebook)}</title></head><body>"
        f"<h1>{html.escape(notebook)} — {html.escape(student)}</h1><p><b>Not graded:</b> {html.escape(reason)}</p>"
        f"<ul>{rows}</ul></body></html>\n", encoding="utf-8")


def _fmt(x: float) -> str:
    return f"{x:g}"


def _autograde(course: NbgraderCourse, assignment: str, students: list, n_cells: int) -> dict:
    """nbgrader autograde for these students, all in one run; {student: nbgrader's output}.

    A cell that runs past the time limit is interrupted by nbgrader and the next cell runs. Only if
    that fails (a kernel that ignores interrupts) is the whole run killed; then each student
    not graded yet gets a run of their own, so one submission never stops the others.
    """
    limit = course.timeout * (n_cells + 10) + 120
    run = course.nbgrader("autograde", assignment, "--force", timeout=limit * len(students))
    logs = dict.fromkeys(students, run.stdout)
    if run.returncode == 124:
        for student in students:
            if not (course.root / "autograded" / student / assignment).exists():
                logs[student] = course.nbgrader("autograde", assignment, "--student", student, "--force", timeout=limit).stdout
    return logs


def grade(submissions: Path, out: Path, notebooks: Path, timeout: int = 120, points: float = 1.0) -> list:
    """Autograde every student's notebooks; write out/grades.csv and out/feedback/; returns the csv rows as dicts."""
    if not Path(submissions).is_dir():
        raise SystemExit(f"grade: SUBMISSIONS={submissions} is not a folder (expected one sub-folder per student)")
    from nbgrader.api import Gradebook, MissingEntry

    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    t_start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bplib-grade-") as tmp:
        candidates = {(g, p.name) for g, paths in teacher_notebooks(notebooks).items() for p in paths}
        found, notes = find_submissions(Path(submissions), candidates)
        unreadable = {}  # (student, key) -> why: such a file is left out, so it cannot sink the student's other notebooks
        for student, files in found.items():
            for key, path in list(files.items()):
                try:
                    nbformat.validate(nbformat.read(path, as_version=4))
                except Exception as e:  # any broken file is reported, never fatal
                    unreadable[student, key] = f"not a readable notebook ({type(e).__name__})"
        handed_in = {key for files in found.values() for key in files}
        if not handed_in:
            raise SystemExit(f"grade: no course notebook (NN_name.ipynb, as released) in {submissions}")
        # only the notebooks somebody handed in are graded (and only they must be in the exercise format)
        course = NbgraderCourse(Path(tmp) / "course", notebooks, timeout=timeout, points=points, only=handed_in)
        course.generate_assignments()  # fills the gradebook with the source cells autograde restores and scores
        order = [e.exercise_id for _, src in sorted(course.sources.items()) for e in src.exercises]
        columns = list(dict.fromkeys(order))
        logs = {}
        for group in course.groups:
            assignment = assignment_of(group)
            students = [s for s, files in found.items() if any(g == group and (s, (g, n)) not in unreadable for g, n in files)]
            for student in students:
                dest = course.root / "submitted" / student / assignment
                dest.mkdir(parents=True)
                for (g, name), path in found[student].items():
                    if g == group and (student, (g, name)) not in unreadable:
                        shutil.copy2(path, dest / name)
            if not students:
                continue
            sources = [src for (g, _), src in course.sources.items() if g == group]
            n_cells = sum(c.cell_type == "code" for src in sources for c in src.notebook.cells)
            logs[group] = _autograde(course, assignment, students, n_cells)
            course.generate_feedback(group)
        if (out / "feedback").exists():
            shutil.rmtree(out / "feedback")
        (out / "feedback").mkdir(parents=True)
        rows = []
        with Gradebook(f"sqlite:///{course.root / 'gradebook.db'}") as gb:
            for student, files in found.items():
                scores = dict.fromkeys(columns, 0.0)
                student_notes = list(notes[student])
                for (group, name) in sorted(files):
                    assignment, source, stem = assignment_of(group), course.sources[group, name], Path(name).stem
                    fb_dir = out / "feedback" / student / group if group else out / "feedback" / student
                    fb_dir.mkdir(parents=True, exist_ok=True)
                    autograded = course.root / "autograded" / student / assignment / name
                    try:
                        graded = {g.name: g.score for g in gb.find_submission_notebook(stem, assignment, student).grades}
                    except MissingEntry:
                        graded = {}
                    if (student, (group, name)) in unreadable:
                        student_notes.append(f"{name}: {unreadable[student, (group, name)]}")
                        _placeholder_feedback(fb_dir / f"{stem}.html", student, name, unreadable[student, (group, name)],
                                              source.exercises)
                        continue
                    if not autograded.exists() or not graded:
                        log = [ln for ln in logs.get(group, {}).get(student, "").splitlines() if "ERROR" in ln or "Error" in ln]
                        reason = "nbgrader could not grade it" + (f" ({log[-1].strip()[:300]})" if log else "")
                        student_notes.append(f"{name}: not graded")
                        _placeholder_feedback(fb_dir / f"{stem}.html", student, name, reason, source.exercises)
                        continue
                    for e in source.exercises:
                        scores[e.exercise_id] = max(scores[e.exercise_id], float(graded.get(e.test_cell_id) or 0.0))
                    student_notes += _problems(autograded, source.exercises)
                    html_path = course.root / "feedback" / student / assignment / f"{stem}.html"
                    if html_path.exists():
                        shutil.copy2(html_path, fb_dir / f"{stem}.html")
                    else:
                        _placeholder_feedback(fb_dir / f"{stem}.html", student, name, "nbgrader wrote no feedback",
                                              source.exercises)
                missing = sorted({name for (_, name) in course.sources} - {name for (_, name) in files})
                if missing:
                    student_notes.append("missing " + " ".join(missing))
                row = {"student": student, **{k: _fmt(v) for k, v in scores.items()}, "total": _fmt(sum(scores.values())),
                       "notes": "; ".join(student_notes)}
                rows.append(row)
                print(f"grade: {student:20s} {row['total']:>6s} / {_fmt(points * len(columns))}"
                      + (f"  {row['notes']}" if row["notes"] else ""), flush=True)
    with open(out / "grades.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["student", *columns, "total", "notes"])
        writer.writeheader()
        writer.writerows(rows)
    print(f"grade: {len(rows)} students in {time.perf_counter() - t_start:.0f} s")
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("submissions", type=Path, help="one sub-folder per student")
    parser.add_argument("--out", type=Path, default=ROOT / "grading", help="grades.csv and feedback/ go here (default: grading/)")
    parser.add_argument("--notebooks", type=Path, default=ROOT / "notebooks", help="the teacher notebooks (default: notebooks/)")
    parser.add_argument("--timeout", type=int, default=120, help="seconds one cell may run (default 120)")
    parser.add_argument("--points", type=float, default=1.0, help="points per exercise (default 1, as in the release)")
    args = parser.parse_args(argv)
    try:
        rows = grade(args.submissions, args.out, args.notebooks, args.timeout, args.points)
    except CourseFormatError as e:
        print(f"grade: nothing graded.\n{e}", file=sys.stderr)
        return 1
    print(f"grade: {len(rows)} students -> {args.out / 'grades.csv'}, {args.out / 'feedback'}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
