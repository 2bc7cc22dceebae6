"""Fixtures for the browser test: JupyterLab and Notebook 7 servers we start (and always stop), Debian's chromium.

Run with `make browser-test` (installs chromium and Playwright first); `make test` skips
this folder (--ignore=tests/browser).
"""

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from chromium import launched_chromium

ROOT = Path(__file__).resolve().parents[2]
SCREENS = ROOT / "browser-screens"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _user_settings(tmp: Path) -> Path:
    """The test's own JupyterLab user settings; the news prompt is left to the course's overrides
    (deploy/jupyterlab/overrides.json, installed by make browser-test), which the tests check."""
    settings = tmp / "settings"
    notebook = settings / "@jupyterlab" / "notebook-extension"
    notebook.mkdir(parents=True)
    # every cell stays in the page (so each widget can be found); the notebook's kernel starts by itself
    (notebook / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none", "autoStartDefaultKernel": True}))
    docmanager = settings / "@jupyterlab" / "docmanager-extension"
    docmanager.mkdir(parents=True)
    # never write the run's outputs back into the committed notebook
    (docmanager / "plugin.jupyterlab-settings").write_text(json.dumps({"autosave": False}))
    return settings


def _serve(tmp: Path, app: str):
    """Start `jupyter {app}` (lab, or notebook: Notebook 7) on 127.0.0.1 with a token; yields (base_url, token)
    and stops it even on failure."""
    token, port = secrets.token_hex(16), _free_port()
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(_user_settings(tmp)), JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"),
               JUPYTER_RUNTIME_DIR=str(tmp / "runtime"))
    cmd = [sys.executable, "-m", "jupyter", app, "--ip=127.0.0.1", f"--port={port}", "--ServerApp.port_retries=0",
           f"--IdentityProvider.token={token}", "--ServerApp.open_browser=False", "--no-browser",
           f"--ServerApp.root_dir={ROOT}"]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    log_path = tmp / f"{app}.log"
    log = open(log_path, "w")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"jupyter {app} exited with code {proc.returncode}:\n{log_path.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"jupyter {app} did not answer within 90 s:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.5)
        yield base, token
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory):
    """JupyterLab on 127.0.0.1 with a token; yields (base_url, token)."""
    yield from _serve(tmp_path_factory.mktemp("lab"), "lab")


@pytest.fixture(scope="session")
def notebook7_server(tmp_path_factory):
    """Jupyter Notebook 7 (the `notebook` package) on 127.0.0.1 with a token; yields (base_url, token)."""
    yield from _serve(tmp_path_factory.mktemp("notebook7"), "notebook")


@pytest.fixture(scope="session")
def browser():
    with launched_chromium() as b:
        yield b


@pytest.fixture(scope="session")
def screens():
    SCREENS.mkdir(exist_ok=True)
    return SCREENS
