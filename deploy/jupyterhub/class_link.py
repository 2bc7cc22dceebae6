"""The nbgitpuller link a teacher hands to the class: `make class-link HUB=https://hub.example.org`.

    python deploy/jupyterhub/class_link.py https://hub.example.org [--repo URL] [--branch main]

Following the link, each student logs in to the hub, which clones the course into
~/bplib-course on the first visit and, on every later visit, merges the teacher's new commits
without overwriting the student's own edits (nbgitpuller's merge rules: a file the student
changed keeps the student's version; a file the student deleted comes back), then opens
notebook 00 in JupyterLab.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from urllib.parse import urlencode, urlsplit

TARGET = "bplib-course"
FIRST_NOTEBOOK = "notebooks/00_how_to_use_this_course.ipynb"


def class_link(hub: str, repo: str, branch: str = "main", notebook: str = FIRST_NOTEBOOK, target: str = TARGET,
               app: str = "lab") -> str:
    """The nbgitpuller link for `repo` on the hub at `hub`.

    hub: the hub's base URL (http or https); repo: a git URL the hub's students can clone;
    returns "{hub}/hub/user-redirect/git-pull?repo=...&branch=...&targetpath=...&urlpath=..."
    where urlpath opens `notebook` inside the clone in JupyterLab (app="lab") or Notebook 7 (app="notebook").
    """
    parts = urlsplit(hub)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"class_link: hub must be an http(s) URL like https://hub.example.org, got {hub!r}")
    if not repo or any(c.isspace() for c in repo):
        raise ValueError(f"class_link: repo must be a git URL without spaces, got {repo!r}")
    if app not in ("lab", "notebook"):
        raise ValueError(f"class_link: app must be 'lab' or 'notebook', got {app!r}")
    if not target or "/" in target or target in (".", ".."):
        raise ValueError(f"class_link: target must be one folder name, got {target!r}")
    view = "lab/tree" if app == "lab" else "tree"
    query = urlencode({"repo": repo, "branch": branch, "targetpath": target, "urlpath": f"{view}/{target}/{notebook}"})
    return f"{hub.rstrip('/')}/hub/user-redirect/git-pull?{query}"


def _origin() -> str:
    out = subprocess.run(["git", "config", "--get", "remote.origin.url"], capture_output=True, text=True)
    return out.stdout.strip()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("hub", help="the hub's URL, e.g. https://hub.example.org")
    parser.add_argument("--repo", default="", help="the course's git URL (default: this checkout's origin)")
    parser.add_argument("--branch", default="main")
    parser.add_argument("--app", default="lab", choices=["lab", "notebook"])
    args = parser.parse_args(argv)
    repo = args.repo or _origin()
    if not repo:
        parser.error("this checkout has no 'origin' remote: pass the course's public git URL, make class-link HUB=... REPO=...")
    print(class_link(args.hub, repo, args.branch, app=args.app))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
