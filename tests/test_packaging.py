"""The setup stays honest: environment.yml matches pyproject.toml, the README's two
commands come first, and the core imports nothing but NumPy."""

import re
import subprocess
import sys
from pathlib import Path

import yaml

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]


def _name(req: str) -> str:
    return re.split(r"[<>=!~;\s\[]", req.strip(), maxsplit=1)[0].lower()


def _spec(req: str) -> str:
    return req.strip()[len(_name(req)) :].replace(" ", "")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    conda_specs = {_name(d): _spec(d) for d in conda}
    runtime = {_name(d): _spec(d) for d in project["dependencies"]}
    for name, spec in runtime.items():
        assert name in conda_specs, f"{name} is a pyproject dependency but missing from environment.yml"
        assert conda_specs[name] == spec, f"{name}: pyproject says {spec!r}, environment.yml says {conda_specs[name]!r}"
    extra = set(conda_specs) - set(runtime) - {"python", "pip"}
    test_extras = {_name(d) for d in project["optional-dependencies"]["test"]}
    assert extra <= test_extras, f"environment.yml has {extra - test_extras} that pyproject does not list"
    assert "nbval" in conda_specs, "Binder users should be able to run the notebook tests"
    assert conda_specs["python"] == "=3.11"
    assert pip == ["-e ."]


def test_readme_starts_with_the_two_commands():
    lines = [ln.strip() for ln in (ROOT / "README.md").read_text().splitlines()[:20]]
    assert "make lab" in lines, "the README's first lines must give `make lab`"
    assert "make test" in lines, "the README's first lines must give `make test`"


def test_ci_runs_make_test():
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_core_imports_only_numpy():
    code = (
        "import sys, bplib\n"
        "bad = [m for m in ('matplotlib', 'ipywidgets', 'scipy', 'torch', 'tqdm') if m in sys.modules]\n"
        "sys.exit(f'bplib imported {bad}' if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr or result.stdout


def test_the_chinese_interface_pack_loads_in_this_jupyterlab():
    """The optional `zh` extra: JupyterLab finds the zh_CN language pack and loads it without a warning."""
    from jupyterlab_server.translation_utils import get_language_pack, get_language_packs

    packs, message = get_language_packs("en")
    assert "zh_CN" in packs and not message, message
    pack, message = get_language_pack("zh_CN")
    assert not message, message
    assert pack and any("菜单" in str(v) or "文件" in str(v) for v in pack.values()), "the pack has no Chinese strings"
