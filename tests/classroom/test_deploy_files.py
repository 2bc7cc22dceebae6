"""The teacher's deployment files, without Docker or Kubernetes: their structure and that they agree.

deploy/jupyterhub/config.yaml (Zero to JupyterHub), binder/ (repo2docker: the image for Binder and
the hub), deploy/jupyterhub/jupyterhub_config.py (one machine; `make classroom-test` runs it for
real), deploy/jupyterlab/overrides.json (no news prompt), and the nbgitpuller link.
"""

import json
import os
import re
import runpy
import stat
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from traitlets.config import Config

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "deploy" / "jupyterhub"))
from class_link import class_link  # noqa: E402

UNITS = {"K": 2**10, "M": 2**20, "G": 2**30}


def _bytes(size: str) -> float:
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([KMG])", str(size))
    assert m, f"not a Kubernetes-style size like 1.5G: {size!r}"
    return float(m.group(1)) * UNITS[m.group(2)]


def _pins() -> dict:
    lines = (ROOT / "deploy" / "jupyterhub" / "requirements.txt").read_text().splitlines()
    return dict(line.split("==") for line in lines if line and not line.startswith("#"))


def test_z2jh_config_has_image_guarantees_and_culler():
    cfg = yaml.safe_load((ROOT / "deploy" / "jupyterhub" / "config.yaml").read_text())
    assert set(cfg) <= {"hub", "singleuser", "cull", "prePuller", "scheduling", "proxy", "ingress"}
    su = cfg["singleuser"]
    assert su["image"]["name"] and su["image"]["tag"]
    mem, cpu = su["memory"], su["cpu"]
    assert 0 < _bytes(mem["guarantee"]) <= _bytes(mem["limit"])
    assert 0 < float(cpu["guarantee"]) <= float(cpu["limit"])
    # the guarantee holds the heaviest kernel measured (notebook 03, 905 MB) and a server (~150 MB)
    assert _bytes(mem["guarantee"]) >= (905 + 150) * 2**20
    assert su["cmd"][0] == "jupyterhub-singleuser" and any("cull_idle_timeout" in a for a in su["cmd"])
    assert su["extraEnv"]["OMP_NUM_THREADS"] == "1" and su["defaultUrl"] == "/lab"
    assert cfg["cull"]["enabled"] is True and cfg["cull"]["timeout"] > 0
    secret = cfg["hub"]["extraEnv"]["BPLIB_CLASS_PASSWORD"]["valueFrom"]["secretKeyRef"]
    assert secret["name"] and secret["key"], "the class password comes from a Kubernetes secret, never from this file"
    assert "BPLIB_CLASS_PASSWORD" in cfg["hub"]["extraConfig"]["bplib-password"]


def test_binder_environment_is_the_course_environment_plus_the_hub_packages():
    course = yaml.safe_load((ROOT / "environment.yml").read_text())
    binder = yaml.safe_load((ROOT / "binder" / "environment.yml").read_text())
    conda = lambda env: [d for d in env["dependencies"] if isinstance(d, str)]  # noqa: E731
    pip = lambda env: next((d["pip"] for d in env["dependencies"] if isinstance(d, dict)), [])  # noqa: E731
    assert conda(binder) == conda(course) and binder["channels"] == course["channels"]
    assert not [p for p in pip(binder) if p.startswith(("-e", ".", "/"))], "bplib is installed by postBuild (a local path here breaks)"
    pins = _pins()
    assert sorted(pip(binder)) == sorted(f"{name}=={pins[name]}" for name in ("jupyterhub", "nbgitpuller"))


def test_binder_postbuild_installs_bplib_and_the_lab_overrides():
    post = ROOT / "binder" / "postBuild"
    assert post.stat().st_mode & stat.S_IXUSR, "repo2docker runs postBuild only if it is executable"
    text = post.read_text()
    assert text.startswith("#!/usr/bin/env bash") and "set -euo pipefail" in text
    assert re.search(r"pip install --no-deps --no-cache-dir \.$", text, re.M) and " -e " not in text
    assert "deploy/jupyterlab/overrides.json" in text and "share/jupyter/lab/settings" in text
    assert subprocess.run(["bash", "-n", str(post)]).returncode == 0


def test_lab_overrides_turn_the_news_off_by_jupyterlab_s_own_schema():
    overrides = json.loads((ROOT / "deploy" / "jupyterlab" / "overrides.json").read_text())
    import jupyterlab

    schemas = [Path(sys.prefix) / "share" / "jupyter" / "lab" / "schemas", Path(jupyterlab.__file__).parent / "schemas"]
    schema_path = next(p / "@jupyterlab" / "apputils-extension" / "notification.json" for p in schemas
                       if (p / "@jupyterlab" / "apputils-extension" / "notification.json").exists())
    props = json.loads(schema_path.read_text())["properties"]
    news = overrides["@jupyterlab/apputils-extension:notification"]
    assert set(news) <= set(props)
    assert news["fetchNews"] == "false" and "false" in [o["const"] for o in props["fetchNews"]["oneOf"]]
    assert news["checkForUpdates"] is False


def _load_hub_config(tmp_path, **env) -> Config:
    prefix = tmp_path / "singleuser"
    (prefix / "bin").mkdir(parents=True)
    (prefix / "bin" / "jupyterhub-singleuser").write_text("#!/bin/sh\n")
    c = Config()
    old = dict(os.environ)
    os.environ.update({"BPLIB_HUB_STATE_DIR": str(tmp_path / "state"), "BPLIB_SINGLEUSER_PREFIX": str(prefix), **env})
    try:
        runpy.run_path(str(ROOT / "deploy" / "jupyterhub" / "jupyterhub_config.py"), init_globals={"get_config": lambda: c})
    finally:
        os.environ.clear()
        os.environ.update(old)
    return c


def test_one_machine_hub_config(tmp_path):
    c = _load_hub_config(tmp_path, BPLIB_CLASS_PASSWORD="a class password", BPLIB_HUB_BIND_URL="http://127.0.0.1:9999")
    assert c.JupyterHub.bind_url == "http://127.0.0.1:9999"
    assert c.JupyterHub.authenticator_class == "shared-password" and c.SharedPasswordAuthenticator.user_password == "a class password"
    assert c.JupyterHub.spawner_class == "localprocess" and c.Spawner.cmd[0].endswith("singleuser/bin/jupyterhub-singleuser")
    assert callable(c.Spawner.pre_spawn_hook) and c.Spawner.environment["OMP_NUM_THREADS"] == "1"
    (culler,) = c.JupyterHub.services
    assert culler["name"] == "idle-culler" and "jupyterhub_idle_culler" in culler["command"]
    assert c.JupyterHub.load_roles[0]["services"] == ["idle-culler"] and "delete:servers" in c.JupyterHub.load_roles[0]["scopes"]
    assert re.fullmatch(c.Authenticator.username_pattern, "alice") and not re.fullmatch(c.Authenticator.username_pattern, "Al ice")
    assert (tmp_path / "state").is_dir()


def test_one_machine_hub_config_refuses_a_short_password(tmp_path):
    with pytest.raises(SystemExit, match="BPLIB_CLASS_PASSWORD"):
        _load_hub_config(tmp_path, BPLIB_CLASS_PASSWORD="short")


def test_class_link_opens_the_first_notebook_in_the_clone():
    link = class_link("https://hub.example.org/", "https://github.com/teacher/bplib-course.git")
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "hub.example.org", "/hub/user-redirect/git-pull")
    q = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert q == {"repo": "https://github.com/teacher/bplib-course.git", "branch": "main", "targetpath": "bplib-course",
                 "urlpath": "lab/tree/bplib-course/notebooks/00_how_to_use_this_course.ipynb"}
    q7 = parse_qs(urlsplit(class_link("http://127.0.0.1:8000", "git://127.0.0.1/x.git", app="notebook")).query)
    assert q7["urlpath"] == ["tree/bplib-course/notebooks/00_how_to_use_this_course.ipynb"]


@pytest.mark.parametrize("hub, repo, message", [
    ("hub.example.org", "https://x/y.git", "hub must be an http"),
    ("https://hub.example.org", "", "repo must be a git URL"),
    ("https://hub.example.org", "https://x/y z.git", "repo must be a git URL"),
])
def test_class_link_checks_its_inputs(hub, repo, message):
    with pytest.raises(ValueError, match=f"class_link: {message}"):
        class_link(hub, repo)


def test_make_class_link_prints_the_link():
    out = subprocess.run(["make", "-s", "class-link", "HUB=https://hub.example.org", "REPO=https://github.com/t/c.git"],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    assert out == class_link("https://hub.example.org", "https://github.com/t/c.git")
    usage = subprocess.run(["make", "-s", "class-link"], cwd=ROOT, capture_output=True, text=True)
    assert usage.returncode != 0 and "usage: make class-link HUB=" in usage.stderr
