"""Make a folder of demo submissions from a release, to try ``make grade`` (and to test it).

    python tools/classroom/demo_submissions.py --release release --out demo_submissions [--notebooks notebooks]

One sub-folder per made-up student, nbgrader's layout (<student>/course/NN_name.ipynb):
    teacher     every stub filled with the worked solution            -> full marks
    untouched   the release as handed out                             -> 0, "not attempted"
    one_wrong   teacher's, but the first exercise answered "a wrong answer" -> one exercise less
    raises      teacher's, but the first exercise cell raises         -> one exercise less
    loops       teacher's, but the first exercise cell loops forever  -> one exercise less (time limit)
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from course import ROOT, STUB, assignment_of, fill_stubs, teacher_notebooks, to_nbgrader_source  # noqa: E402

MARKER = ".bplib-demo"
BROKEN = {
    "one_wrong": 'answer = "a wrong answer"',
    "raises": 'raise RuntimeError("this submission raises")',
    "loops": "while True:  # this submission never finishes\n    pass",
}


def replace_stub(nb, grade_id: str, code: str):
    """A copy of a student notebook whose answer cell ``grade_id`` has ``code`` in place of its ``answer = ...`` stub."""
    out = nbformat.reads(nbformat.writes(nb), as_version=4)
    for cell in out.cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
            match = STUB.search(cell.source)
            if match is None:
                raise ValueError(f"replace_stub: cell {grade_id} has no 'answer = ...' stub")
            cell.source = cell.source[: match.start()] + code + cell.source[match.end():]
            return out
    raise KeyError(f"replace_stub: no answer cell {grade_id!r} in the notebook")


def make_submissions(release: Path, out: Path, notebooks: Path, students=("teacher", "untouched", *BROKEN)) -> dict:
    """Write demo submissions (see the module doc) under out/<student>/; returns {student: [paths]}."""
    release, out = Path(release), Path(out)
    if out.exists() and any(out.iterdir()) and not (out / MARKER).exists():
        raise FileExistsError(f"make_submissions: {out} is not empty and holds no earlier demo ({MARKER}); choose another --out")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / MARKER).write_text("made by tools/classroom/demo_submissions.py\n", encoding="utf-8")
    written = {s: [] for s in students}
    for group, paths in teacher_notebooks(notebooks).items():
        first = next((p for p in release.rglob(paths[0].name) if (p.parent.name == "zh") == bool(group)), None)
        if first is None:
            raise FileNotFoundError(f"make_submissions: {paths[0].name} is not in the release {release}; run make release first")
        for path in paths:
            source = to_nbgrader_source(nbformat.read(path, as_version=4), path.name)
            student_nb = nbformat.read(first.parent / path.name, as_version=4)
            teacher = fill_stubs(student_nb, source)
            versions = {"teacher": teacher, "untouched": student_nb}
            for name, code in BROKEN.items():
                broken = replace_stub(student_nb, source.exercises[0].answer_cell_id, code)
                versions[name] = fill_stubs(broken, dataclasses.replace(source, exercises=source.exercises[1:]))
            for student in students:
                dest = out / student / assignment_of(group) / path.name
                dest.parent.mkdir(parents=True, exist_ok=True)
                nbformat.write(versions[student], dest)
                written[student].append(dest)
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--release", type=Path, default=ROOT / "release")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--notebooks", type=Path, default=ROOT / "notebooks")
    args = parser.parse_args(argv)
    written = make_submissions(args.release, args.out, args.notebooks)
    print(f"demo_submissions: {len(written)} students -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
