"""The build's worker: kernels forked from a zygote must be indistinguishable, to a chapter, from
kernels that jupyter_client starts (`python -m ipykernel_launcher`), and must never outlive it."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import nbformat
import psutil
import pytest

from supercycle import executor
from conftest import blank_measurements, cli

# What a chapter could notice about the process it runs in. Everything printed must be the same
# in a forked kernel as in a freshly launched one.
PROBE_CELLS = [
    "import os, sys\nprint(os.path.basename(os.getcwd()))",
    "print(os.environ.get('SUPERCYCLE_PROBE'))",
    "print(os.path.basename(sys.argv[0]), sys.argv[1])",
    "print(sorted(k for k in globals() if not k.startswith('_')))",
    "import signal\nprint(signal.getsignal(signal.SIGCHLD) == signal.SIG_DFL, "
    "signal.getsignal(signal.SIGTERM) == signal.SIG_DFL)",
    "print(os.getpgid(0) == os.getpid(), os.getsid(0) == os.getpid())",
    "import subprocess\nprint(subprocess.run([sys.executable, '-c', 'print(6 * 7)'], "
    "capture_output=True, text=True).stdout.strip())",
    "print(os.environ.get('PYTHONHASHSEED'), hash('supercycle') == hash('supercycle'))",
    "1 + 1",
]


def _probe_notebook(folder) -> str:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in PROBE_CELLS]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "probe.ipynb"
    nbformat.write(nb, path)
    return str(path)


def _outputs(path):
    nb = nbformat.read(path, as_version=4)
    return [(c.execution_count, [o.get("text") or o.get("data", {}).get("text/plain") for o in c.outputs])
            for c in nb.cells]


class WorkerThread:
    """A thread that owns a `Kernels`, as a build worker's main thread does. `Kernels` drives its
    own event loop, so it needs a thread where no loop is running; the test's main thread may
    have one (the session's Playwright browser keeps one there)."""

    def __init__(self, zygote: bool = True):
        self.pool = ThreadPoolExecutor(max_workers=1)
        self.kernels = self(lambda: executor.Kernels(executor.Zygote() if zygote else None))

    def __call__(self, fn, *args):
        return self.pool.submit(fn, *args).result(timeout=300)

    def close(self):
        def close():
            self.kernels.close()
            if self.kernels.zygote is not None:
                self.kernels.zygote.close()
        self(close)
        self.pool.shutdown()


@pytest.fixture
def worker():
    w = WorkerThread()
    yield w
    w.close()


def test_a_forked_kernel_runs_a_notebook_exactly_as_a_launched_one(tmp_path, worker, monkeypatch):
    src = _probe_notebook(tmp_path)
    # Set after the zygote started: the kernel must get the environment of its launch, not the
    # zygote's.
    monkeypatch.setenv("SUPERCYCLE_PROBE", "from the launch")
    km = worker(worker.kernels.start_now, str(tmp_path))
    assert km is not None and isinstance(km.provisioner.process, executor._ForkedProcess)
    assert worker(executor.execute_one, src, str(tmp_path / "forked.ipynb"), {}, str(tmp_path / "e1.json"), km) == 0
    worker(worker.kernels.stop, km)
    assert worker(executor.execute_one, src, str(tmp_path / "launched.ipynb"), {}, str(tmp_path / "e2.json")) == 0
    forked, launched = _outputs(tmp_path / "forked.ipynb"), _outputs(tmp_path / "launched.ipynb")
    assert forked == launched
    # and the probe saw what it should (so equal is not equally broken)
    assert forked[0][1] == [f"{tmp_path.name}\n"]
    assert forked[1][1] == ["from the launch\n"]
    assert forked[2][1] == ["ipykernel_launcher.py -f\n"]
    assert forked[4][1] == ["True True\n"] and forked[5][1] == ["True True\n"]
    assert forked[6][1] == ["42\n"]
    assert [count for count, _ in forked] == list(range(1, len(PROBE_CELLS) + 1))


def test_a_forked_kernel_can_be_interrupted(tmp_path, worker):
    def interrupt_a_sleeping_cell():
        ks = worker.kernels
        km = ks.start_now(str(tmp_path))
        kc = km.client()
        kc.start_channels()
        try:
            msg_id = kc.execute("import time\ntime.sleep(60)")
            time.sleep(0.5)
            t0 = time.monotonic()
            ks.loop.run_until_complete(km.interrupt_kernel())

            async def reply():
                while True:
                    msg = await kc.get_shell_msg(timeout=20)
                    if msg["parent_header"].get("msg_id") == msg_id:
                        return msg

            return ks.loop.run_until_complete(reply())["content"], time.monotonic() - t0
        finally:
            kc.stop_channels()

    content, seconds = worker(interrupt_a_sleeping_cell)
    assert content["status"] == "error" and content["ename"] == "KeyboardInterrupt"
    assert seconds < 10


def test_closing_leaves_no_kernel_and_no_zygote(tmp_path):
    w = WorkerThread()
    ks = w.kernels
    km = w(ks.start_now, str(tmp_path))
    w(ks.start_ahead, str(tmp_path))
    ahead = w(ks.take, str(tmp_path))
    pids = [km.provisioner.pid, ahead.provisioner.pid, ks.zygote.proc.pid]
    assert all(psutil.pid_exists(p) for p in pids)
    w(ks.stop, km)  # one shutting down gracefully, one still running
    w.close()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(executor._ForkedProcess(p).poll() is None for p in pids):
        time.sleep(0.05)
    assert all(executor._ForkedProcess(p).poll() is not None for p in pids)
    assert not ks.live


def test_a_kernel_started_ahead_for_another_folder_is_not_used(tmp_path, worker):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    worker(worker.kernels.start_ahead, str(tmp_path / "a"))
    assert worker(worker.kernels.take, str(tmp_path / "b")) is None


def test_without_a_zygote_papermill_starts_the_kernel(tmp_path, worker):
    worker.kernels.zygote.proc.kill()
    worker.kernels.zygote.proc.wait()
    assert worker(worker.kernels.start_now, str(tmp_path)) is None  # reported, not raised; not hung
    src = _probe_notebook(tmp_path)
    assert worker(executor.execute_one, src, str(tmp_path / "out.ipynb"), {}, str(tmp_path / "e.json")) == 0


def test_kernels_refuse_a_thread_with_a_running_event_loop():
    import asyncio

    async def inside_a_loop():
        with pytest.raises(RuntimeError, match="running event loop"):
            executor.Kernels(None)

    with ThreadPoolExecutor(max_workers=1) as pool:  # a thread of its own: see WorkerThread
        pool.submit(asyncio.run, inside_a_loop()).result(timeout=60)


def test_forked_process_tracks_a_process_it_cannot_wait_for():
    child = subprocess.Popen(["sleep", "30"])
    try:
        proc = executor._ForkedProcess(child.pid)
        assert proc.poll() is None
        with pytest.raises(subprocess.TimeoutExpired):
            proc.wait(timeout=0.1)
        proc.send_signal(signal.SIGKILL)
        # Not reaped by us: a zombie, which must count as ended.
        assert proc.wait(timeout=5) is not None
        assert psutil.Process(child.pid).status() == psutil.STATUS_ZOMBIE
    finally:
        child.kill()
        child.wait()
    assert executor._ForkedProcess(child.pid).poll() is not None  # gone altogether


def test_a_kernel_that_dies_while_starting_is_given_up_quickly(tmp_path, worker):
    # The forked child cannot enter a folder that does not exist, and exits: no 60 s timeout.
    t0 = time.monotonic()
    assert worker(worker.kernels.start_now, str(tmp_path / "no such folder")) is None
    assert time.monotonic() - t0 < 10
    assert not worker.kernels.live
    # and the zygote still serves the next chapter
    assert worker(worker.kernels.start_now, str(tmp_path)) is not None


def test_fork_kernels_switch(monkeypatch):
    monkeypatch.setenv("SUPERCYCLE_FORK_KERNELS", "0")
    assert not executor.fork_kernels()
    monkeypatch.setenv("SUPERCYCLE_FORK_KERNELS", "1")
    assert executor.fork_kernels() == sys.platform.startswith("linux")


def test_a_build_without_forked_kernels_writes_the_same_chapters(project):
    """The fallback (kernels launched by jupyter_client, still started ahead) gives the committed
    notebooks, which forked kernels made."""
    def outputs():  # the cache key is left out: it hashes the package source, which may be newer
        return {p.name: re.sub(r'"cache_key": "[0-9a-f]+"', "", blank_measurements(p))
                for p in sorted((project / "chapters").glob("*.ipynb"))}

    before = outputs()
    res = cli(project, "build", "--no-cache", "--no-site", "--jobs", "2",
              extra_env={"SUPERCYCLE_FORK_KERNELS": "0"})
    assert res.returncode == 0, res.stderr
    assert before and outputs() == before
