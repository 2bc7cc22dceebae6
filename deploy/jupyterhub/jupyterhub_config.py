"""JupyterHub for a class on ONE machine: `jupyterhub -f deploy/jupyterhub/jupyterhub_config.py`.

Run as root, from the environment that has the course (bplib), jupyterhub and nbgitpuller
(see the README's "Teaching a class"); `make classroom-test` runs this very file.

- Students log in with a name and the class password (JupyterHub's shared-password
  authenticator); a roster file, if given, limits the names.
- Each student is a real system user, created at the first login (group `bplib-students`, home
  <homes>/<name>, mode 700): the kernels run under the student's uid, so one student can
  neither read nor overwrite another's files (the operating system enforces it, not the hub).
  An existing account that is not in the group (root, a teacher's own) is refused.
- Each single-user server runs JupyterLab from this same environment, with one BLAS thread
  per kernel; the idle culler stops servers idle for an hour.
- The course reaches students by the nbgitpuller link of `make class-link HUB=...`.

Settings (environment variables, all optional except the password):
    BPLIB_CLASS_PASSWORD   the class password, at least 8 characters (required)
    BPLIB_ADMIN_PASSWORD   the teacher's password (admin user "teacher"), at least 8 characters; default: no admin
    BPLIB_HUB_BIND_URL     where the hub listens, default http://0.0.0.0:8000 (put TLS in front of it)
    BPLIB_HUB_STATE_DIR    jupyterhub.sqlite and the cookie secret, default /srv/jupyterhub
    BPLIB_HUB_HOMES        where students' homes go, default /home
    BPLIB_HUB_GROUP        the students' system group, default bplib-students
    BPLIB_HUB_ROSTER       a file with one allowed student name per line; default: any valid name
    BPLIB_HUB_IDLE_TIMEOUT seconds before an idle server is stopped, default 3600
    BPLIB_SINGLEUSER_PREFIX the environment the students' servers run from, default the hub's own;
                           every user must be able to run its Python (not one under /root)
"""

import os
import re
import subprocess
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (JupyterHub provides it)

PREFIX = Path(sys.prefix)  # the hub's environment
env = os.environ.get
password = env("BPLIB_CLASS_PASSWORD", "")
if len(password) < 8:
    sys.exit("jupyterhub_config.py: set BPLIB_CLASS_PASSWORD to the class password (8 characters or more)")
state_dir = Path(env("BPLIB_HUB_STATE_DIR", "/srv/jupyterhub"))
homes = Path(env("BPLIB_HUB_HOMES", "/home"))
group = env("BPLIB_HUB_GROUP", "bplib-students")
state_dir.mkdir(parents=True, exist_ok=True)
singleuser = Path(env("BPLIB_SINGLEUSER_PREFIX", sys.prefix))
if not (singleuser / "bin" / "jupyterhub-singleuser").exists():
    sys.exit(f"jupyterhub_config.py: no jupyterhub-singleuser in {singleuser}/bin (BPLIB_SINGLEUSER_PREFIX)")

# --- the hub and its proxy ---
c.JupyterHub.bind_url = env("BPLIB_HUB_BIND_URL", "http://0.0.0.0:8000")
c.JupyterHub.db_url = f"sqlite:///{state_dir / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state_dir / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = str(state_dir / "jupyterhub-proxy.pid")
# configurable-http-proxy from npm: the course installs it next to the environment (make classroom-test)
chp = PREFIX / "node" / "node_modules" / ".bin" / "configurable-http-proxy"
c.ConfigurableHTTPProxy.command = [str(chp) if chp.exists() else "configurable-http-proxy"]
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every student's server

# --- who may log in ---
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = password
if env("BPLIB_ADMIN_PASSWORD"):
    c.SharedPasswordAuthenticator.admin_password = env("BPLIB_ADMIN_PASSWORD")
    c.Authenticator.admin_users = {"teacher"}
# names become system user names: lower-case letters, digits, - and _, starting with a letter
c.Authenticator.username_pattern = r"^[a-z][a-z0-9_-]{1,30}$"
roster = env("BPLIB_HUB_ROSTER")
if roster:
    c.Authenticator.allowed_users = {n.strip().lower() for n in Path(roster).read_text().split() if n.strip()}
else:
    c.Authenticator.allow_all = True  # the class password is the gate


def ensure_student(spawner):
    """Create the student's system user at the first spawn; refuse an account outside the group."""
    import grp
    import pwd

    name = spawner.user.name
    if not re.fullmatch(r"[a-z][a-z0-9_-]{1,30}", name):
        raise ValueError(f"ensure_student: {name!r} is not a valid student name")
    try:
        grp.getgrnam(group)
    except KeyError:
        subprocess.run(["groupadd", group], check=True)
    try:
        account = pwd.getpwnam(name)
    except KeyError:
        homes.mkdir(parents=True, exist_ok=True)
        subprocess.run(["useradd", "--create-home", "--home-dir", str(homes / name), "--gid", group,
                        "--shell", "/usr/sbin/nologin", name], check=True)
        account = pwd.getpwnam(name)
    if account.pw_gid != grp.getgrnam(group).gr_gid:
        raise PermissionError(f"ensure_student: the system account {name!r} exists and is not a student ({group}); refused")
    os.chmod(account.pw_dir, 0o700)  # no other student may look in


c.Spawner.pre_spawn_hook = ensure_student

# --- each student's server ---
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(singleuser / "bin" / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
# a kernel left open in a tab it was started from is stopped after 20 idle minutes: each open
# notebook holds its kernel's memory (see the capacity table)
c.Spawner.args = ["--MappingKernelManager.cull_idle_timeout=1200", "--MappingKernelManager.cull_interval=60"]
c.Spawner.environment = {
    # one BLAS thread per kernel: 30 students x all cores of threads would only fight over the same cores
    "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
    "PATH": f"{singleuser / 'bin'}:/usr/local/bin:/usr/bin:/bin",
}
# Guarantees are enforced on Kubernetes (config.yaml); on one machine they only inform the
# resource display. Figures: README, "Teaching a class" (tools/measure_capacity.py).
c.Spawner.mem_limit = "2G"  # as deploy/jupyterhub/config.yaml (guarantee 1.1G there)
c.Spawner.cpu_limit = 1.0

# --- the idle culler, as a hub-managed service ---
c.JupyterHub.load_roles = [{
    "name": "idle-culler",
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    "services": ["idle-culler"],
}]
c.JupyterHub.services = [{
    "name": "idle-culler",
    "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={int(env('BPLIB_HUB_IDLE_TIMEOUT', '3600'))}"],
}]

overrides = singleuser / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
if not overrides.exists():
    print(f"jupyterhub_config.py: warning: {overrides} is missing, students will see JupyterLab's news prompt; "
          "copy deploy/jupyterlab/overrides.json there", file=sys.stderr)
