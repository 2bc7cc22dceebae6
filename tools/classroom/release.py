"""Write the student edition of the course with nbgrader: ``make release`` (or this script).

    python tools/classroom/release.py [--notebooks notebooks] [--out release] [--points 1]

release/notebooks/NN_*.ipynb   every notebook, exercises as stubs, no Solutions, no hidden tests, no outputs
release/notebooks/zh/...       the Chinese edition, if notebooks/zh/ exists
release/figures/...            the static figures the notebooks embed, so ../figures/ links still work
release/MANIFEST.json          the commit, and each notebook's exercises and points (what `make grade` will score)

nbgrader's generate_assignment does the work (ClearSolutions, ClearHiddenTests, ClearOutput,
LockCells) on source notebooks made by course.to_nbgrader_source; see course.py.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from course import (  # noqa: E402
    HIDDEN_MARK,
    ROOT,
    CourseFormatError,
    NbgraderCourse,
    assignment_of,
    copy_linked_files,
    git_describe,
    write_json,
)

MARKER = ".bplib-release"


def _prepare_out(out: Path) -> None:
    if out.exists() and any(out.iterdir()) and not (out / MARKER).exists():
        raise SystemExit(f"release: {out} exists and is not a previous release (no {MARKER}); choose another --out")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / MARKER).write_text("written by tools/classroom/release.py; `make release` replaces this folder\n", encoding="utf-8")


def release(notebooks: Path, out: Path, points: float = 1.0) -> dict:
    """Write the student edition of the notebooks in ``notebooks`` to ``out``; returns the manifest (a dict)."""
    notebooks, out = Path(notebooks).resolve(), Path(out).resolve()
    if out.exists() and any(out.iterdir()) and not (out / MARKER).exists():
        raise SystemExit(f"release: {out} exists and is not a previous release (no {MARKER}); choose another --out")
    try:
        rel = notebooks.relative_to(ROOT)
        repo = ROOT
    except ValueError:
        rel, repo = Path("notebooks"), notebooks.parent
    manifest = {"commit": git_describe(repo), "points_per_exercise": points, "notebooks": {}}
    with tempfile.TemporaryDirectory(prefix="bplib-release-") as tmp:
        course = NbgraderCourse(Path(tmp) / "course", notebooks, points=points)
        course.generate_assignments()
        _prepare_out(out)  # only now: a failed release leaves the previous one in place
        for (group, name), source in sorted(course.sources.items()):
            student = nbformat.read(course.release_dir(group) / name, as_version=4)
            text = nbformat.writes(student)
            if HIDDEN_MARK in text or "BEGIN SOLUTION" in text or "BEGIN HIDDEN TESTS" in text:
                raise RuntimeError(f"release: nbgrader left solution or hidden-test code in {name}; nothing was released")
            dest = out / rel / group / name if group else out / rel / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(student, dest)
            copy_linked_files(student, (repo / rel / group) if group else repo / rel, repo, out)
            key = f"{group}/{name}" if group else name
            manifest["notebooks"][key] = {"assignment": assignment_of(group),
                                          "exercises": {e.exercise_id: e.points for e in source.exercises}}
    write_json(out / "MANIFEST.json", manifest)
    return manifest


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", type=Path, default=ROOT / "notebooks", help="the teacher notebooks (default: notebooks/)")
    parser.add_argument("--out", type=Path, default=ROOT / "release", help="where the student edition goes (default: release/)")
    parser.add_argument("--points", type=float, default=1.0, help="points per exercise (default 1)")
    args = parser.parse_args(argv)
    try:
        manifest = release(args.notebooks, args.out, args.points)
    except CourseFormatError as e:
        print(f"release: nothing written.\n{e}", file=sys.stderr)
        return 1
    n_ex = sum(len(v["exercises"]) for v in manifest["notebooks"].values())
    print(f"release: {len(manifest['notebooks'])} notebooks, {n_ex} exercises -> {args.out} (commit {manifest['commit']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
