"""Shared fixtures: a disposable copy of the project for tests that run the build CLI."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The built site the browser and PDF tests read: $SUPERCYCLE_SITE, else the default build's.
SITE = Path(os.environ["SUPERCYCLE_SITE"]).resolve() if os.environ.get("SUPERCYCLE_SITE") else ROOT / "_build" / "html"


def project_files() -> list[str]:
    """Tracked files plus untracked, non-ignored ones (so a test sees the work in progress too)."""
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
                         cwd=ROOT, capture_output=True, check=True).stdout.decode()
    return [f for f in out.split("\0") if f and (ROOT / f).is_file()]


def copy_project(dest_parent: Path) -> Path:
    """Copy the project to dest_parent/project, with ../shared reachable as in a real checkout."""
    dest = dest_parent / "project"
    for rel in project_files():
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, target)
    shared = ROOT.parent / "shared"
    if shared.exists():
        (dest_parent / "shared").symlink_to(shared)
    return dest


def kill_tree(proc: subprocess.Popen) -> None:
    """Kill a process started by `run` (or with start_new_session=True), its process group and
    every descendant: pool workers share its group, but Jupyter kernels start sessions of their own."""
    import psutil
    try:
        procs = psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        procs = []
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    for p in procs:
        try:
            p.kill()
        except psutil.NoSuchProcess:
            pass
    proc.wait()
    psutil.wait_procs(procs, timeout=10)


def run(cmd: list[str], *, timeout: float = 900, **kw) -> subprocess.CompletedProcess:
    """subprocess.run for long commands: the command runs in a session of its own, and on every
    way out (success, failure, timeout, Ctrl-C) its whole process tree is killed, so a test that
    times out never leaves a build running."""
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    proc = subprocess.Popen(cmd, start_new_session=True, text=True, **kw)
    try:
        out, err = proc.communicate(timeout=timeout)
    finally:
        kill_tree(proc)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def cli(project: Path, *args: str, timeout: float = 900, extra_env: dict | None = None,
        **kw) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONHASHSEED="0", **(extra_env or {}))
    env.pop("PYTHONPATH", None)
    return run([sys.executable, "-m", "supercycle", *args], cwd=project, env=env, timeout=timeout, **kw)


def fake_site(project: Path) -> Path:
    """A 'previous site' whose bytes a failed or interrupted build must leave alone."""
    html = project / "_build" / "html"
    html.mkdir(parents=True, exist_ok=True)
    (html / "index.html").write_text("<html>previous site</html>")
    return html


def snapshot(project: Path) -> dict[str, bytes]:
    """Bytes of the committed notebooks and of the site, to compare after a build."""
    files = sorted((project / "chapters").glob("*.ipynb")) + sorted((project / "_build" / "html").rglob("*"))
    return {str(p.relative_to(project)): p.read_bytes() for p in files if p.is_file()}


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project(tmp_path)


@pytest.fixture(scope="session")
def site() -> Path:
    """The built site; builds it (default location only) when it is missing."""
    if not (SITE / "index.html").exists():
        if os.environ.get("SUPERCYCLE_SITE"):
            pytest.fail(f"SUPERCYCLE_SITE={SITE} holds no built site (no index.html)")
        proc = run([sys.executable, "-m", "supercycle", "build"], cwd=ROOT, timeout=3600)
        if proc.returncode != 0 or not (SITE / "index.html").exists():
            pytest.fail("`python -m supercycle build` did not produce the site "
                        f"(exit {proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return SITE
