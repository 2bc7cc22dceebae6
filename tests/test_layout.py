"""The folders are the layers, and imports flow one way: core ← steps ← viz ← widgets / figures.

Read from the source (every import statement, including those inside functions), so a
lazy import cannot hide a wrong direction.
"""

import ast
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ("steps", "viz", "widgets", "figures", "exercises")

# layer -> (bplib layers it may import, third-party packages it must never import)
ALLOWED = {
    "core": (set(), {"matplotlib", "ipywidgets", "PIL", "IPython"}),
    "steps": ({"core", "steps"}, {"matplotlib", "ipywidgets", "PIL", "IPython"}),
    "viz": ({"core", "steps", "viz"}, {"ipywidgets"}),  # IPython.display only in viz.show (alt text)
    "widgets": ({"core", "steps", "viz", "widgets"}, set()),
    "figures": ({"core", "steps", "viz", "figures"}, {"ipywidgets", "IPython"}),
    "exercises": ({"core", "exercises"}, {"matplotlib", "ipywidgets"}),
}


def layer_of(module: str) -> str:
    """'bplib.viz.unpool' -> 'viz'; 'bplib.conv' -> 'core'."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else "core"


def imports_of(path: Path, package_root: Path) -> list:
    """(imported module, line) for every import in path, relative imports resolved."""
    rel = path.relative_to(package_root.parent).with_suffix("")
    parts = list(rel.parts)
    package = parts if parts[-1] == "__init__" else parts[:-1]
    package = [p for p in package if p != "__init__"]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
                if not node.module:  # from .. import steps
                    found += [(f"{mod}.{alias.name}", node.lineno) for alias in node.names]
                    continue
            else:
                mod = node.module
            found.append((mod, node.lineno))
    return found


def violations(package_root: Path) -> list:
    """Every import in package_root (a bplib folder) that goes against the flow."""
    bad = []
    for path in sorted(package_root.rglob("*.py")):
        here = layer_of(".".join(path.relative_to(package_root.parent).with_suffix("").parts))
        may_import, never = ALLOWED[here]
        for mod, line in imports_of(path, package_root):
            where = f"{path.relative_to(package_root.parent)}:{line} ({here})"
            top = mod.split(".")[0]
            if top == "bplib":
                if mod == "bplib":
                    target = "core"
                else:
                    target = layer_of(mod)
                if target != here and target not in may_import:
                    bad.append(f"{where} imports {mod} ({target})")
            elif top in never:
                bad.append(f"{where} imports {mod}")
    return bad


def test_imports_flow_one_way():
    assert violations(ROOT / "bplib") == []


def test_the_check_catches_a_core_module_importing_viz(tmp_path):
    copy = tmp_path / "bplib"
    shutil.copytree(ROOT / "bplib", copy, ignore=shutil.ignore_patterns("data", "__pycache__"))
    (copy / "pool.py").write_text((copy / "pool.py").read_text() + "\nfrom .viz import CMAPS\n")
    (copy / "steps" / "conv.py").write_text((copy / "steps" / "conv.py").read_text() + "\ndef f():\n    import matplotlib\n")
    (copy / "viz" / "unpool.py").write_text((copy / "viz" / "unpool.py").read_text() + "\nfrom ..widgets import base\n")
    found = violations(copy)
    assert any(v.startswith("bplib/pool.py") and "bplib.viz (viz)" in v for v in found), found
    assert any(v.startswith("bplib/steps/conv.py") and v.endswith("imports matplotlib") for v in found), found
    assert any(v.startswith("bplib/viz/unpool.py") and "imports bplib.widgets (widgets)" in v for v in found), found


@pytest.mark.parametrize("folder", ["benchmarks", "tools"])
def test_only_notebooks_and_tests_import_exercises(folder):
    users = [p for p in (ROOT / folder).rglob("*.py") if any(m.startswith("bplib.exercises") for m, _ in imports_of(p, ROOT / folder))]
    assert users == []


def test_no_prefixed_modules_left_at_the_top():
    names = sorted(p.stem for p in (ROOT / "bplib").glob("*.py"))
    leftovers = [n for n in names if n.startswith(("viz_", "steps_", "figures_", "_steps")) or n.endswith("_states")
                 or n in ("steps", "viz", "widgets", "figures", "explorers", "diagrams")]
    assert leftovers == []
    for layer in LAYERS:
        assert (ROOT / "bplib" / layer / "__init__.py").is_file()
        # short names inside a layer: viz/unpool.py, not viz/viz_unpool.py
        assert [p.name for p in (ROOT / "bplib" / layer).glob(f"{layer}_*.py")] == []
