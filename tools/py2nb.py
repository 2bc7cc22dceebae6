"""Build a notebook from a percent-format script (an authoring aid; the .ipynb is what ships).

    python tools/py2nb.py draft.py notebooks/05_mlp_four_equations.ipynb

Cells start at lines ``# %%`` (code), ``# %% [markdown]`` (markdown: each line's leading
``# `` is removed) or ``# %% [solution]`` (a code cell whose source is collapsed in
JupyterLab; nbval still runs it). Then run tools/execute_notebooks.py on the result.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat


def parse(text: str):
    cells, kind, lines = [], None, []

    def flush():
        if kind is None:
            return
        src = "\n".join(lines).strip("\n")
        if kind == "markdown":
            src = "\n".join(ln[2:] if ln.startswith("# ") else ln.lstrip("#") for ln in src.splitlines())
            cells.append(nbformat.v4.new_markdown_cell(src))
        else:
            cell = nbformat.v4.new_code_cell(src)
            if kind == "solution":
                cell.metadata["jupyter"] = {"source_hidden": True}
                cell.metadata["tags"] = ["solution"]
            cells.append(cell)

    for line in text.splitlines():
        if line.startswith("# %%"):
            flush()
            tag = line[4:].strip()
            kind = {"[markdown]": "markdown", "[solution]": "solution", "": "code"}.get(tag)
            if kind is None:
                raise ValueError(f"unknown cell marker: {line!r}")
            lines = []
        else:
            lines.append(line)
    flush()
    return cells


def main(src: str, dst: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = parse(Path(src).read_text(encoding="utf-8"))
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    nbformat.write(nb, dst)
    print(f"{dst}: {len(nb.cells)} cells")


if __name__ == "__main__":
    main(*sys.argv[1:3])
