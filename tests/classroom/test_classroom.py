"""A class on a real JupyterHub: `make classroom-test` (root; a few minutes).

What it does, as a teacher and five students would:
1. the teacher writes the student edition (tools/classroom/release.py) and commits it to a git
   repository served on 127.0.0.1 by `git daemon` (the course's public repository, locally);
2. JupyterHub starts on 127.0.0.1 with deploy/jupyterhub/jupyterhub_config.py itself: its npm
   configurable-http-proxy, the shared-password authenticator, the local process spawner
   (each student a real system user, created at the first login, home mode 700), the idle culler;
3. five students, concurrently: log in through the login form, follow the nbgitpuller link of
   deploy/jupyterhub/class_link.py (the hub spawns their server; nbgitpuller clones the course
   into their home), answer the exercises of one notebook their own way, execute every cell in
   their own kernel through the Jupyter REST and kernel (websocket) API, and save it;
4. privacy: each student's saved notebook holds exactly that student's edits; a student's
   session cannot reach another's server (403), and a student's kernel cannot read another's
   home (PermissionError from the operating system: the kernels run under different uids);
5. the teacher commits a new file; a student who deleted a notebook follows the link again: the new
   file arrives, the deleted notebook comes back, the student's answers stay;
6. the teacher collects the notebooks from the homes and grades them with `make grade`.
The students' environment is built first, like the hub image: a venv of the system Python (a
Python under /root cannot be run by the students) with the course, jupyterhub and nbgitpuller.
Every process it started is stopped and every user and group it created is removed, even on failure.

Skipped unless BPLIB_CLASSROOM=1 (`make classroom-test` sets it, after installing jupyterhub,
nbgitpuller, jupyterhub-idle-culler and configurable-http-proxy).
"""

from __future__ import annotations

import csv
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "deploy" / "jupyterhub"))
from class_link import TARGET, class_link  # noqa: E402

pytestmark = pytest.mark.skipif(os.environ.get("BPLIB_CLASSROOM") != "1",
                                reason="a real JupyterHub with system users: run `make classroom-test` (as root)")

N_STUDENTS = int(os.environ.get("BPLIB_CLASSROOM_STUDENTS", "5"))
NOTEBOOK = "02_pooling.ipynb"  # exercises 02.pooled_shape, 02.max_pool, 02.avg_pool
CHP = Path(sys.prefix) / "node" / "node_modules" / ".bin" / "configurable-http-proxy"
T0 = time.monotonic()


def log(msg: str) -> None:
    print(f"[classroom {time.monotonic() - T0:6.1f} s] {msg}", flush=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(cmd, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


# ---------------------------------------------------------------- what each student does

def _answers(student: int, exercises: list) -> dict:
    """Student k's answers {answer cell id: code}: 1 none, 2 the first right, 3 all right,
    4 the first wrong and the rest right, 5 all right (and 6.. like 1.. again)."""
    right = {e.answer_cell_id: e.solution for e in exercises}
    kind = (student - 1) % 5 + 1
    if kind == 1:
        return {}
    if kind == 2:
        return dict(list(right.items())[:1])
    if kind == 4:
        first = exercises[0].answer_cell_id
        return {**right, first: "answer = 0  # a guess"}
    return right


def _decode(frame) -> dict:
    """A kernel message from the websocket: JSON text, or (with binary buffers, e.g. a widget's PNG) the
    binary framing of jupyter_server's default protocol: n, n offsets (uint32, big-endian), the JSON, the buffers."""
    if isinstance(frame, str):
        return json.loads(frame)
    n = int.from_bytes(frame[:4], "big")
    offsets = [int.from_bytes(frame[4 + 4 * i:8 + 4 * i], "big") for i in range(n)]
    return json.loads(frame[offsets[0]:offsets[1] if n > 1 else None])


class Student:
    """One student's browser session against the hub (requests + a kernel websocket)."""

    def __init__(self, name: str, number: int, hub: str, password: str, homes: Path):
        import requests

        self.name, self.number, self.hub, self.password, self.homes = name, number, hub, password, homes
        self.http = requests.Session()
        self.base = f"{hub}/user/{name}"
        self.times: dict[str, float] = {}
        self.report: list[str] = []

    def _timed(self, what: str, fn, *args):
        t = time.monotonic()
        out = fn(*args)
        self.times[what] = time.monotonic() - t
        return out

    def _xsrf(self) -> dict:
        """The single-user server's _xsrf cookie as the header its API wants from a cookie-authenticated client."""
        for cookie in self.http.cookies:
            if cookie.name == "_xsrf" and cookie.path.startswith(f"/user/{self.name}"):
                return {"X-XSRFToken": cookie.value}
        raise AssertionError(f"{self.name}: no _xsrf cookie from the single-user server")

    def login(self) -> None:
        r = self.http.get(f"{self.hub}/hub/login", timeout=30)
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', r.text).group(1)
        r = self.http.post(f"{self.hub}/hub/login", data={"username": self.name, "password": self.password, "_xsrf": xsrf},
                           timeout=30)
        assert r.status_code == 200 and "/hub/login" not in r.url, f"{self.name}: login failed ({r.status_code}, {r.url})"

    def follow_link(self, link: str, timeout_s: float = 180) -> None:
        """GET the nbgitpuller link until the hub has spawned the server and nbgitpuller's page answers."""
        deadline = time.monotonic() + timeout_s
        while True:
            r = self.http.get(link, timeout=60)
            if r.status_code == 200 and f"/user/{self.name}/git-pull" in r.url:
                return
            assert r.status_code in (200, 202, 302, 303, 424, 503), f"{self.name}: {r.status_code} on {r.url}: {r.text[:300]}"
            assert time.monotonic() < deadline, f"{self.name}: server not ready after {timeout_s} s (last {r.status_code} {r.url})"
            time.sleep(1)

    def pull(self, repo: str) -> list[str]:
        """What nbgitpuller's page does in the browser: its event stream, until 'finished'."""
        params = {"repo": repo, "branch": "main", "targetpath": TARGET}
        events = []
        with self.http.get(f"{self.base}/git-pull/api", params=params, stream=True, timeout=300) as r:
            assert r.status_code == 200, f"{self.name}: git-pull api {r.status_code}"
            for line in r.iter_lines(decode_unicode=True):
                if line and line.startswith("data:"):
                    event = json.loads(line[5:])
                    events.append(event)
                    if event.get("phase") in ("finished", "error"):
                        break
        assert events and events[-1]["phase"] == "finished", f"{self.name}: nbgitpuller failed: {events[-3:]}"
        return events

    def contents(self, path: str) -> dict:
        r = self.http.get(f"{self.base}/api/contents/{path}", timeout=60)
        assert r.status_code == 200, f"{self.name}: GET contents {path}: {r.status_code}"
        return r.json()

    def save(self, path: str, model: dict) -> None:
        r = self.http.put(f"{self.base}/api/contents/{path}", json=model, headers=self._xsrf(), timeout=60)
        assert r.status_code in (200, 201), f"{self.name}: PUT contents {path}: {r.status_code} {r.text[:300]}"

    def start_kernel(self, path: str) -> str:
        r = self.http.post(f"{self.base}/api/sessions", headers=self._xsrf(), timeout=60,
                           json={"path": path, "type": "notebook", "name": "", "kernel": {"name": "python3"}})
        assert r.status_code == 201, f"{self.name}: POST sessions: {r.status_code} {r.text[:300]}"
        return r.json()["kernel"]["id"]

    def connect(self, kernel_id: str):
        import websocket

        url = self.base.replace("http://", "ws://") + f"/api/kernels/{kernel_id}/channels?session_id={uuid.uuid4().hex}"
        cookie = "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)
        return websocket.create_connection(url, header=[f"Cookie: {cookie}"], timeout=180)

    @staticmethod
    def execute(ws, code: str, timeout_s: float = 180) -> tuple[str, list]:
        """Run `code` in the kernel behind `ws`; returns (status, nbformat outputs)."""
        import nbformat

        msg_id = uuid.uuid4().hex
        ws.send(json.dumps({
            "header": {"msg_id": msg_id, "username": "student", "session": uuid.uuid4().hex, "msg_type": "execute_request",
                       "version": "5.3", "date": ""},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False,
                        "stop_on_error": True},
        }))
        outputs, status, idle = [], None, False
        deadline = time.monotonic() + timeout_s
        while status is None or not idle:
            assert time.monotonic() < deadline, f"cell did not finish in {timeout_s} s: {code[:80]!r}"
            msg = _decode(ws.recv())
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg["header"]["msg_type"]
            if msg["channel"] == "shell" and kind == "execute_reply":
                status = msg["content"]["status"]
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                idle = True
            elif kind in ("stream", "display_data", "execute_result", "error"):
                outputs.append(nbformat.v4.output_from_msg(msg))
        return status, outputs

    def do_the_notebook(self, repo: str, link: str, answers: dict) -> dict:
        """Log in, follow the link, answer, run every cell, save; returns what was written."""
        import nbformat

        self._timed("login", self.login)
        self._timed("link+spawn", self.follow_link, link)
        events = self._timed("pull", self.pull, repo)
        path = f"{TARGET}/notebooks/{NOTEBOOK}"
        nb = nbformat.from_dict(self.contents(path)["content"])
        for cell in nb.cells:
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if grade_id in answers:
                code = answers[grade_id]
                cell.source = re.sub(r"^answer\s*=\s*\.\.\.[ \t]*(#.*)?$", lambda m, code=code: code, cell.source, count=1,
                                     flags=re.M)
        nb.cells.insert(0, nbformat.v4.new_markdown_cell(f"My notes ({self.name})"))
        kernel_id = self.start_kernel(path)
        ws = self.connect(kernel_id)
        t = time.monotonic()
        statuses = []
        try:
            for n, cell in enumerate(nb.cells):
                if cell.cell_type == "code":
                    status, cell.outputs = self.execute(ws, cell.source)
                    cell.execution_count = n
                    statuses.append(status)
        finally:
            ws.close()
        self.times["run all"] = time.monotonic() - t
        self._timed("save", self.save, path, {"type": "notebook", "format": "json", "content": nb})
        self.save(f"secret-{self.name}.txt", {"type": "file", "format": "text", "content": f"{self.name}'s own notes"})
        self.kernel_id = kernel_id
        self.report.append(f"pulled ({len(events)} events), answered {len(answers)} exercise(s), ran {len(statuses)} cells "
                           f"({statuses.count('ok')} ok), saved")
        return {"path": path, "sources": [c.source for c in nb.cells], "statuses": statuses}

    def try_to_read(self, other: Student) -> tuple[str, list]:
        """From this student's kernel, try to read another student's file and home."""
        ws = self.connect(self.kernel_id)
        try:
            code = (f"import os\ntry:\n    print(open({str(self.homes / other.name / f'secret-{other.name}.txt')!r}).read())\n"
                    f"except PermissionError as e:\n    print('PermissionError', e.errno)\n"
                    f"try:\n    print(os.listdir({str(self.homes / other.name)!r}))\n"
                    f"except PermissionError as e:\n    print('PermissionError', e.errno)\n"
                    f"print('uid', os.getuid())")
            return self.execute(ws, code)
        finally:
            ws.close()


# ---------------------------------------------------------------- the classroom

@pytest.fixture(scope="module")
def classroom():
    """Release, git daemon, hub; the students' work; collected submissions. Cleans up everything."""
    if os.geteuid() != 0:
        pytest.fail("the classroom test creates system users for the students: run it as root (make classroom-test)")
    for tool in ("useradd", "userdel", "groupadd", "groupdel", "git"):
        assert shutil.which(tool), f"the classroom test needs {tool}"
    assert CHP.exists(), f"no configurable-http-proxy at {CHP}: run `make classroom-test` (it installs it with npm)"
    tag = secrets.token_hex(2)
    group, names = f"bplibcls{tag}", [f"stu{tag}n{i}" for i in range(1, N_STUDENTS + 1)]
    tmp = Path(tempfile.mkdtemp(prefix="bplib-classroom-"))
    tmp.chmod(0o755)
    procs: list[subprocess.Popen] = []
    hub_children = []
    state = {"tmp": tmp, "names": names, "group": group}
    try:
        log(f"temporary folder {tmp}; students {', '.join(names)} (group {group})")
        # 0. the students' environment, as in the hub image, from a Python every user can run
        t = time.monotonic()
        singleuser = _singleuser_env(tmp)
        probe = subprocess.run([str(singleuser / "bin" / "python"), "-c", "import bplib, jupyterhub, nbgitpuller"], user="nobody",
                               capture_output=True, text=True, cwd="/")
        assert probe.returncode == 0, (f"the students' servers run as their own users, and user nobody cannot run "
                                       f"{singleuser}/bin/python with bplib: {probe.stderr.strip()[-300:]}")
        log(f"students' environment {singleuser} ({time.monotonic() - t:.0f} s)")
        # 1. the student edition, committed to a git repository served by git daemon
        t = time.monotonic()
        teacher = _teacher_copy(tmp / "teacher")
        _run([sys.executable, str(ROOT / "tools" / "classroom" / "release.py"), "--notebooks", str(teacher / "notebooks"),
              "--out", str(tmp / "release")], cwd=ROOT)
        src = tmp / "course-src"
        shutil.copytree(tmp / "release", src, ignore=shutil.ignore_patterns(".bplib-release"))
        git = ["git", "-c", "user.name=Teacher", "-c", "user.email=teacher@example.org", "-c", "init.defaultBranch=main"]
        _run([*git, "init", "-q"], cwd=src)
        _run([*git, "add", "-A"], cwd=src)
        _run([*git, "commit", "-q", "-m", "The course, student edition"], cwd=src)
        (tmp / "git").mkdir()
        bare = tmp / "git" / f"{TARGET}.git"
        _run(["git", "clone", "-q", "--bare", str(src), str(bare)])
        git_port = _free_port()
        procs.append(subprocess.Popen(["git", "daemon", "--reuseaddr", "--export-all", f"--base-path={tmp / 'git'}",
                                       "--listen=127.0.0.1", f"--port={git_port}", str(tmp / "git")],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        repo = f"git://127.0.0.1:{git_port}/{TARGET}.git"
        released = sorted(p.name for p in (tmp / "release" / "notebooks").glob("*.ipynb"))
        log(f"release of {len(released)} notebooks written and served at {repo} ({time.monotonic() - t:.0f} s)")

        # 2. the hub, configured by the file a teacher uses
        port, password = _free_port(), secrets.token_urlsafe(12)
        hub_dir, homes = tmp / "hub", tmp / "home"
        hub_dir.mkdir()
        env = dict(os.environ, BPLIB_SINGLEUSER_PREFIX=str(singleuser), BPLIB_CLASS_PASSWORD=password, BPLIB_HUB_BIND_URL=f"http://127.0.0.1:{port}",
                   BPLIB_HUB_STATE_DIR=str(hub_dir), BPLIB_HUB_HOMES=str(homes), BPLIB_HUB_GROUP=group)
        env.pop("BPLIB_HUB_ROSTER", None)
        hub_log = open(hub_dir / "hub.log", "w")
        hub = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(ROOT / "deploy" / "jupyterhub" / "jupyterhub_config.py"),
                                f"--JupyterHub.hub_port={_free_port()}",
                                f"--ConfigurableHTTPProxy.api_url=http://127.0.0.1:{_free_port()}"],
                               cwd=hub_dir, env=env, stdout=hub_log, stderr=subprocess.STDOUT)
        procs.append(hub)
        state.update(hub=hub, hub_log=hub_dir / "hub.log", homes=homes)
        _wait_for_hub(f"http://127.0.0.1:{port}", hub, hub_dir / "hub.log")
        import psutil

        hub_children = psutil.Process(hub.pid).children(recursive=True)
        log(f"JupyterHub up on 127.0.0.1:{port} (proxy and idle culler: {len(hub_children)} child processes)")

        # 3. the students, all at once
        hub_url = f"http://127.0.0.1:{port}"
        link = class_link(hub_url, repo)
        sys.path.insert(0, str(ROOT / "tools" / "classroom"))
        import nbformat
        from course import to_nbgrader_source

        exercises = to_nbgrader_source(nbformat.read(ROOT / "notebooks" / NOTEBOOK, as_version=4), NOTEBOOK).exercises
        students = [Student(n, i + 1, hub_url, password, homes) for i, n in enumerate(names)]
        answers = {s.name: _answers(s.number, exercises) for s in students}
        t = time.monotonic()
        with ThreadPoolExecutor(max_workers=len(students)) as pool:
            work = {s.name: pool.submit(s.do_the_notebook, repo, link, answers[s.name]) for s in students}
            done = {name: f.result() for name, f in work.items()}
        log(f"{len(students)} students logged in, pulled, ran {NOTEBOOK} and saved, concurrently, in {time.monotonic() - t:.0f} s")
        servers = [p for p in psutil.process_iter(["username", "cmdline", "memory_info"])
                   if p.info["username"] in names and any("jupyterhub-singleuser" in a for a in p.info["cmdline"] or [])]
        rss = {p.info["username"]: p.info["memory_info"].rss / 2**20 for p in servers}
        for s in students:
            times = ", ".join(f"{k} {v:.1f} s" for k, v in s.times.items())
            log(f"  {s.name}: {s.report[-1]}; {times}; server RSS {rss.get(s.name, float('nan')):.0f} MB")
        state.update(src=src, bare=bare, released=released, students=students, done=done, answers=answers, exercises=exercises, repo=repo, link=link, server_rss=rss)

        # 6. (collect now, while the homes exist) the teacher copies each notebook out of the homes
        submissions = tmp / "submissions"
        for s in students:
            (submissions / s.name).mkdir(parents=True)
            shutil.copy(homes / s.name / TARGET / "notebooks" / NOTEBOOK, submissions / s.name / NOTEBOOK)
        state["submissions"] = submissions
        yield state
    finally:
        _clean_up(state, procs, hub_children, names, group, tmp)


def _singleuser_env(tmp: Path) -> Path:
    """BPLIB_SINGLEUSER_PREFIX if given (a ready environment, for quick re-runs), else a new venv in tmp of
    BPLIB_SINGLEUSER_PYTHON with the course (not editable: the checkout may sit where students cannot enter),
    jupyterhub and nbgitpuller (deploy/jupyterhub/requirements.txt), and JupyterLab's settings overrides."""
    if os.environ.get("BPLIB_SINGLEUSER_PREFIX"):
        return Path(os.environ["BPLIB_SINGLEUSER_PREFIX"])
    python = os.environ.get("BPLIB_SINGLEUSER_PYTHON", "/usr/bin/python3")
    prefix = tmp / "singleuser"
    _run([python, "-m", "venv", str(prefix)])
    _run([str(prefix / "bin" / "python"), "-m", "pip", "install", "-q", str(ROOT), "-r",
          str(ROOT / "deploy" / "jupyterhub" / "requirements.txt")], cwd=tmp)
    settings = prefix / "share" / "jupyter" / "lab" / "settings"
    settings.mkdir(parents=True)
    shutil.copy(ROOT / "deploy" / "jupyterlab" / "overrides.json", settings / "overrides.json")
    return prefix


def _teacher_copy(dest: Path) -> Path:
    """The teacher's notebooks (and figures) that are in the exercise format release.py needs, copied to dest."""
    sys.path.insert(0, str(ROOT / "tools" / "classroom"))
    import nbformat
    from course import CourseFormatError, split_teacher_notebook

    (dest / "notebooks").mkdir(parents=True)
    shutil.copytree(ROOT / "figures", dest / "figures")
    skipped = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        try:
            split_teacher_notebook(nbformat.read(path, as_version=4), path.name)
        except CourseFormatError:
            skipped.append(path.name)
            continue
        shutil.copy(path, dest / "notebooks" / path.name)
    assert (dest / "notebooks" / NOTEBOOK).exists(), f"{NOTEBOOK} is not in the exercise format release.py needs"
    if skipped:
        log(f"not released (not in the exercise + Solutions format yet): {', '.join(skipped)}")
    return dest


def _wait_for_hub(url: str, hub: subprocess.Popen, hub_log: Path, timeout_s: float = 120) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout_s
    while True:
        if hub.poll() is not None:
            raise RuntimeError(f"JupyterHub exited with code {hub.returncode}:\n{hub_log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(f"{url}/hub/health", timeout=3) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"JupyterHub did not answer within {timeout_s} s:\n{hub_log.read_text()[-4000:]}")
        time.sleep(0.5)


def _clean_up(state, procs, hub_children, names, group, tmp) -> None:
    """Stop the hub (it stops the students' servers), then anything left of ours; remove users, group, files."""
    import grp
    import pwd

    import psutil

    for p in reversed(procs):  # the hub first, then git daemon
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout=60)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
    leftovers = [c for c in hub_children if c.is_running()]
    leftovers += [p for p in psutil.process_iter(["username"]) if p.info["username"] in names]
    for p in leftovers:
        try:
            p.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(leftovers, timeout=10)
    try:
        gid = grp.getgrnam(group).gr_gid
    except KeyError:
        gid = None
    removed = []
    for name in names:
        try:
            if pwd.getpwnam(name).pw_gid == gid:  # only the accounts this test's hub created
                subprocess.run(["userdel", name], check=True, capture_output=True)
                removed.append(name)
        except KeyError:
            pass
    if gid is not None:
        subprocess.run(["groupdel", group], check=True, capture_output=True)
    shutil.rmtree(tmp, ignore_errors=True)
    log(f"cleaned up: {len(procs)} processes stopped ({len(leftovers)} leftovers killed), users removed {removed}, "
        f"group {group} {'removed' if gid is not None else 'never created'}, {tmp} deleted")


# ---------------------------------------------------------------- the checks

def test_every_student_pulled_and_ran_the_notebook(classroom):
    for s in classroom["students"]:
        done = classroom["done"][s.name]
        assert done["statuses"] and set(done["statuses"]) == {"ok"}, f"{s.name}: {done['statuses']}"
        listing = {item["name"] for item in s.contents(f"{TARGET}/notebooks")["content"]}
        assert listing == set(classroom["released"]), f"{s.name}: {sorted(listing)}"
        # the students' JupyterLab has the course's settings overrides: no "official Jupyter news?" prompt
        r = s.http.get(f"{s.base}/lab/api/settings/@jupyterlab/apputils-extension:notification", timeout=30)
        assert r.status_code == 200 and r.json()["schema"]["properties"]["fetchNews"]["default"] == "false", r.text[:300]


def test_each_students_edits_are_their_own(classroom):
    import nbformat

    students = classroom["students"]
    for s in students:
        saved = nbformat.from_dict(s.contents(classroom["done"][s.name]["path"])["content"])
        assert [c.source for c in saved.cells] == classroom["done"][s.name]["sources"], f"{s.name}: the saved notebook changed"
        assert saved.cells[0].source == f"My notes ({s.name})"
        others = [o.name for o in students if o is not s]
        assert not any(f"My notes ({o})" in c.source for c in saved.cells for o in others)
    # same answers, different notebooks: 3 and 5 answered the same, yet each file is their own
    for s, other in zip(students, students[1:] + students[:1]):
        r = s.http.get(f"{other.base}/api/contents/{TARGET}", timeout=30, allow_redirects=False)
        assert r.status_code in (302, 403), f"{s.name} reached {other.name}'s server: {r.status_code}"
        status, outputs = s.try_to_read(other)
        text = "".join(o.get("text", "") for o in outputs)
        assert status == "ok" and text.count("PermissionError 13") == 2, f"{s.name} could read {other.name}'s home: {text}"
        assert f"{other.name}'s own notes" not in text
        log(f"  {s.name} -> {other.name}: server {r.status_code}, files: {text.splitlines()[:2]}")


def test_pulling_again_updates_the_course_and_keeps_the_students_work(classroom):
    """The teacher commits a new file; a student who deleted a notebook follows the link again."""
    import nbformat

    src, git = classroom["src"], ["git", "-c", "user.name=Teacher", "-c", "user.email=teacher@example.org"]
    (src / "notebooks" / "NEWS.md").write_text("Exercise 3 of notebook 02 is due on Friday.\n")
    _run([*git, "add", "-A"], cwd=src)
    _run([*git, "commit", "-q", "-m", "News for the class"], cwd=src)
    _run(["git", "push", "-q", str(classroom["bare"]), "HEAD:main"], cwd=src)
    s = classroom["students"][2]  # answered every exercise
    gone = f"{TARGET}/notebooks/{classroom['released'][0]}"
    assert s.http.delete(f"{s.base}/api/contents/{gone}", headers=s._xsrf(), timeout=30).status_code == 204
    s.follow_link(classroom["link"])
    s.pull(classroom["repo"])
    listing = {item["name"] for item in s.contents(f"{TARGET}/notebooks")["content"]}
    assert listing == {*classroom["released"], "NEWS.md"}, "the new file arrives and the deleted notebook comes back"
    saved = nbformat.from_dict(s.contents(classroom["done"][s.name]["path"])["content"])
    assert [c.source for c in saved.cells] == classroom["done"][s.name]["sources"], "the student's answers were overwritten"
    log(f"  {s.name} pulled again: NEWS.md arrived, {classroom['released'][0]} came back, the answers in {NOTEBOOK} stayed")


def test_make_grade_scores_the_class(classroom):
    makefile = (ROOT / "Makefile").read_text()
    if not re.search(r"^grade:", makefile, flags=re.M):
        pytest.skip("no `make grade` target yet: submissions were collected, grading skipped")
    out = classroom["tmp"] / "grading"
    t = time.monotonic()
    run = subprocess.run(["make", "-s", "grade", f"SUBMISSIONS={classroom['submissions']}", f"GRADES={out}"], cwd=ROOT,
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    with open(out / "grades.csv", newline="") as f:
        rows = {row["student"]: row for row in csv.DictReader(f)}
    n_ex = len(classroom["exercises"])
    expected = {1: 0, 2: 1, 3: n_ex, 4: n_ex - 1, 5: n_ex}
    for s in classroom["students"]:
        want = expected[(s.number - 1) % 5 + 1]
        assert float(rows[s.name]["total"]) == want, f"{s.name}: total {rows[s.name]['total']}, expected {want}"
        assert (out / "feedback" / s.name / NOTEBOOK.replace(".ipynb", ".html")).is_file()
    log(f"make grade: {len(rows)} students graded in {time.monotonic() - t:.0f} s: "
        + ", ".join(f"{name} {row['total']}" for name, row in rows.items()))
