"""The worker side of the build: a long-lived process that executes chapters with papermill.

`build.Runner` starts one worker per job slot and feeds it one chapter per JSON line on stdin;
the worker answers each with a JSON line on stdout.

A fresh kernel costs about 0.9 s of CPU before a chapter's first line runs: 0.2 s to start
ipykernel, 0.4 s to import pandas and Altair, and 0.25 s for Altair's first schema validation.
The chapters are CPU-bound on two cores, so the worker avoids paying that seven times:

* a *kernel zygote* (`zygote_main`): one process per worker that imports those modules and fills
  those caches once, then forks a kernel for each chapter (`os.fork`, the way `multiprocessing`'s
  forkserver does). A forked kernel is an ordinary IPython kernel, started from ipykernel's own
  entry point with the same argv, environment and working folder that jupyter_client would use;
* when told that more chapters are queued (`"warm": true`), the worker starts the next kernel
  while the current chapter executes, and it shuts finished kernels down in the background.

None of this can change what a chapter prints. The zygote only imports modules that every
chapter imports anyway and fills caches that do not affect output. Strict nbval re-executes every
chapter in a fresh kernel (`python -m ipykernel_launcher`) and would catch any difference. If the
zygote cannot fork a kernel, the kernel is started by jupyter_client as usual.

Everything asynchronous runs on the one event loop that papermill's synchronous calls use in
this thread (`jupyter_core.utils.ensure_event_loop`), so the kernel starting ahead makes progress
whenever papermill waits on the running chapter, and while the worker waits for its next chapter.
"""
from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
import traceback
import uuid
from pathlib import Path

KERNEL_NAME = "python3"
# nbclient starts its kernels with an in-memory IPython history; so do we.
KERNEL_ARGS = ["--HistoryManager.hist_file=:memory:"]
# Modules every chapter imports (its first code cell), plus the kernel itself.
KERNEL_MODULES = ("numpy", "pandas", "altair", "IPython.display", "myst_nb",
                  "supercycle.nb", "supercycle.charts", "supercycle.data", "ipykernel.kernelapp")
# A kernel is ready when it has answered this (silent: no output, no `_`, no history, the
# execution counter does not move; an expression, so no name is bound).
READY_CODE = "None"
START_TIMEOUT = 60


# --- the zygote (its own process) --------------------------------------------------------------

def _fill_caches() -> None:
    """Do once what every chapter's first chart and first table do once per process: Altair
    builds its schema validator and hashes the Vega-Lite schema, pandas loads its templates."""
    import altair as alt
    import pandas as pd
    frame = pd.DataFrame({"x": [0.5], "y": [1.0]})
    alt.Chart(frame).mark_point().encode(x=alt.X("x:Q", title="x"), y=alt.Y("y:Q", title="y")) \
        .properties(title="warm-up").to_dict()
    frame.style.hide(axis="index").to_html()


def zygote_main() -> int:
    """Import the kernel's modules once, then fork a kernel per request line on stdin
    ({argv, cwd, env}: what jupyter_client would have run), answering {"pid": ...}."""
    import importlib
    for name in KERNEL_MODULES:
        importlib.import_module(name)
    _fill_caches()
    # Kernels are our children, but the worker manages them: let the OS reap them.
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _become_kernel(request)  # never returns
        print(json.dumps({"pid": pid}), flush=True)
    return 0


def _become_kernel(request: dict) -> None:
    """In the forked child: become `python -m ipykernel_launcher ARGV` run in CWD with ENV."""
    code = 1
    try:
        os.setsid()  # its own process group, as jupyter_client gives a kernel (for interrupts)
        for signum, handler in ((signal.SIGCHLD, signal.SIG_DFL), (signal.SIGTERM, signal.SIG_DFL),
                                (signal.SIGINT, signal.default_int_handler)):
            signal.signal(signum, handler)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(2, 1)  # never write into the zygote's answer pipe
        os.close(devnull)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        import ipykernel_launcher
        from ipykernel import kernelapp
        # Die with the zygote, as a launched kernel dies with its parent.
        sys.argv = [ipykernel_launcher.__file__, *request["argv"],
                    f"--IPKernelApp.parent_handle={os.getppid()}"]
        kernelapp.launch_new_instance()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    except BaseException:
        traceback.print_exc()
    finally:
        os._exit(code)


# --- the worker's side of the zygote -----------------------------------------------------------

class _ForkedProcess:
    """What jupyter_client's LocalProvisioner uses of `subprocess.Popen`, for a kernel that the
    zygote forked (so not our child: we cannot `waitpid` it; the OS reaps it)."""
    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                with open(f"/proc/{self.pid}/stat") as f:
                    state = f.read().rsplit(")", 1)[1].split()[0]
                if state in ("Z", "X"):  # exited, not yet reaped
                    self.returncode = 0
            except (FileNotFoundError, ProcessLookupError, IndexError):
                self.returncode = 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout)
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            try:
                os.kill(self.pid, signum)
            except ProcessLookupError:
                pass

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class Zygote:
    """A zygote process, started now (it imports while the worker does other things)."""

    def __init__(self):
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "import sys; from supercycle.executor import zygote_main; "
                                   "sys.exit(zygote_main())"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.lock = threading.Lock()

    def _fork_blocking(self, request: dict) -> int:
        with self.lock:
            self.proc.stdin.write(json.dumps(request) + "\n")
            self.proc.stdin.flush()
            answer = self.proc.stdout.readline()
        if not answer:
            raise RuntimeError("the kernel zygote has ended")
        return int(json.loads(answer)["pid"])

    async def fork(self, cmd: list[str], kwargs: dict) -> int:
        """Fork a kernel for jupyter_client's launch command `cmd` and Popen arguments."""
        if cmd[1:3] != ["-m", "ipykernel_launcher"]:
            raise RuntimeError(f"the zygote runs ipykernel only, not {cmd}")
        request = {"argv": cmd[3:], "cwd": str(kwargs.get("cwd") or os.getcwd()),
                   "env": dict(kwargs.get("env") or os.environ)}
        loop = asyncio.get_running_loop()
        answer = loop.create_future()

        def settle(setter, value):
            if not answer.done():
                setter(value)

        def run():  # a daemon thread: a slow zygote must not block the event loop, nor exit
            try:
                pid = self._fork_blocking(request)
                loop.call_soon_threadsafe(settle, answer.set_result, pid)
            except BaseException as exc:
                loop.call_soon_threadsafe(settle, answer.set_exception, exc)

        threading.Thread(target=run, daemon=True).start()
        return await answer

    def close(self) -> None:
        """End the zygote. It holds nothing worth a clean exit (which takes pandas and Altair a
        fifth of a second to tear down), so kill it."""
        self.proc.kill()
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            try:
                pipe.close()
            except OSError:
                pass


def _fork_provisioner(km, zygote: Zygote):
    """A LocalProvisioner for `km` whose kernel process comes from `zygote`."""
    from jupyter_client.provisioning.local_provisioner import LocalProvisioner

    class ForkProvisioner(LocalProvisioner):
        async def launch_kernel(self, cmd, **kwargs):
            pid = await zygote.fork(cmd, kwargs)
            self.process = _ForkedProcess(pid)
            self.pid = self.pgid = pid  # the kernel called setsid()
            self.cwd = kwargs.get("cwd")
            return self.connection_info

    return ForkProvisioner(kernel_id=km.kernel_id, kernel_spec=km.kernel_spec, parent=km)


# --- the worker --------------------------------------------------------------------------------

def fork_kernels() -> bool:
    """Whether kernels come from a zygote: on Linux (forking a process that has imported numpy is
    routine there, and `_ForkedProcess` reads /proc), unless SUPERCYCLE_FORK_KERNELS=0."""
    return sys.platform.startswith("linux") and os.environ.get("SUPERCYCLE_FORK_KERNELS", "1") != "0"


class Kernels:
    """The worker's kernels: forked from its zygote (or started by jupyter_client if the zygote
    fails), at most one started ahead, and finished ones shutting down in the background; all on
    this thread's event loop."""

    def __init__(self, zygote: Zygote | None = None):
        from jupyter_core.utils import ensure_event_loop
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            pass
        else:  # papermill would then run on another thread's loop than our kernels'
            raise RuntimeError("Kernels needs a thread with no running event loop")
        self.loop = ensure_event_loop()
        self.zygote = zygote
        self.ahead: tuple[str, asyncio.Task] | None = None
        self.live: set = set()          # every kernel manager whose kernel may still be running
        self.stopping: set[asyncio.Task] = set()

    # -- starting ----------------------------------------------------------------------------
    def start_ahead(self, cwd: str) -> None:
        if self.ahead is None:
            self.ahead = (cwd, self.loop.create_task(self._start(cwd)))

    async def _start(self, cwd: str):
        from jupyter_client.manager import AsyncKernelManager
        km = AsyncKernelManager(kernel_name=KERNEL_NAME)
        if self.zygote is not None:
            km.kernel_id = str(uuid.uuid4())
            km.provisioner = _fork_provisioner(km, self.zygote)
        self.live.add(km)
        try:
            await km.start_kernel(cwd=cwd, extra_arguments=list(KERNEL_ARGS))
        except BaseException:
            self.live.discard(km)
            km.cleanup_connection_file()
            raise
        kc = km.client()
        try:
            # Only the shell channel: zmq queues the request until the kernel listens.
            kc.start_channels(iopub=False, stdin=False, hb=False, control=False)
            ready = asyncio.ensure_future(kc.execute(READY_CODE, silent=True, store_history=False,
                                                     reply=True, timeout=START_TIMEOUT))
            while not ready.done():  # a kernel that dies while starting fails now, not at the timeout
                await asyncio.wait([ready], timeout=0.1)
                if not ready.done() and not await km.is_alive():
                    ready.cancel()
                    raise RuntimeError("the kernel ended while starting")
            reply = ready.result()
            if reply["content"].get("status") != "ok":
                raise RuntimeError(f"the kernel is not ready: {reply['content'].get('ename')}")
        except BaseException:
            self.stop(km)
            raise
        finally:
            kc.stop_channels()
        return km

    def start_now(self, cwd: str):
        """A kernel for a notebook in `cwd`: the one started ahead if any, else a new one
        (None if none could be had: papermill then starts one itself)."""
        km = self.take(cwd)
        if km is None and self.zygote is not None:
            self.start_ahead(cwd)
            km = self.take(cwd)
        return km

    def take(self, cwd: str):
        """The kernel started ahead, if it is ready for a notebook in `cwd`; else None."""
        if self.ahead is None:
            return None
        want, task = self.ahead
        self.ahead = None
        try:
            km = self.loop.run_until_complete(task)
        except Exception as exc:  # papermill will start a kernel itself
            print(f"kernel started ahead is not usable: {exc}", file=sys.stderr, flush=True)
            return None
        if want != cwd:
            self.stop(km)
            return None
        return km

    # -- stopping ----------------------------------------------------------------------------
    def stop(self, km) -> None:
        """Shut `km` down gracefully in the background."""
        task = self.loop.create_task(self._stop(km))
        self.stopping.add(task)
        task.add_done_callback(self.stopping.discard)

    async def _stop(self, km, now: bool = False) -> None:
        try:
            if await km.is_alive():
                await km.shutdown_kernel(now=now)
        except Exception:
            pass
        finally:
            try:
                await km.cleanup_resources()
            except Exception:
                pass
            self.live.discard(km)

    def close(self) -> None:
        """Stop every kernel now. The worker's chapters are done and answered, so killing loses
        nothing, and the build need not wait for graceful shutdowns."""
        if self.ahead is not None:
            self.ahead[1].cancel()
            self.ahead = None
        for task in list(self.stopping):
            task.cancel()
        self.kill_all()
        pending = list(self.stopping)
        if pending:
            self.loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))

    def kill_all(self) -> None:
        """Kill every kernel process synchronously (also the last resort when the worker is
        being terminated) and remove its connection file."""
        for km in list(self.live):
            process = getattr(getattr(km, "provisioner", None), "process", None)
            try:
                if process is not None and process.poll() is None:
                    process.kill()
                    process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                pass
            try:
                km.cleanup_connection_file()
            except Exception:
                pass
            self.live.discard(km)

    # -- waiting for work --------------------------------------------------------------------
    def lines(self):
        """Lines from stdin, read by a daemon thread while the event loop keeps running (so a
        kernel can start ahead, or shut down, while the worker waits). '' at end of input."""
        queue: asyncio.Queue = asyncio.Queue()

        def pump():
            for line in sys.stdin:
                self.loop.call_soon_threadsafe(queue.put_nowait, line)
            self.loop.call_soon_threadsafe(queue.put_nowait, "")

        threading.Thread(target=pump, daemon=True).start()
        while True:
            line = self.loop.run_until_complete(queue.get())
            if not line:
                return
            yield line


def _engine_name() -> str:
    """Register (once) a papermill engine that executes on a given kernel manager and closes
    its client afterwards (nbclient leaves both open when it did not create the manager)."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines

    class GivenKernelEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, km=None, log_output=False,
                                     start_timeout=60, execution_timeout=None, **kwargs):
            kwargs.pop("input_path", None)
            client = PapermillNotebookClient(nb_man, km=km, kernel_name=kernel_name,
                                             timeout=execution_timeout, startup_timeout=start_timeout,
                                             log_output=log_output, **kwargs)
            try:
                return client.execute()
            finally:
                if km is not None and client.kc is not None:
                    client.kc.stop_channels()

    papermill_engines.register("supercycle-given-kernel", GivenKernelEngine)
    return "supercycle-given-kernel"


def execute_one(src: str, out: str, params: dict, error_file: str, km=None) -> int:
    """Execute one notebook with papermill (on `km` if given). Writes errors as JSON."""
    import papermill as pm
    extra = {"engine_name": _engine_name(), "km": km} if km is not None else {}
    try:
        pm.execute_notebook(src, out, parameters=params, cwd=str(Path(src).parent),
                            kernel_name=KERNEL_NAME, progress_bar=False, log_output=False,
                            request_save_on_cell_execute=False, **extra)
        return 0
    except pm.PapermillExecutionError as exc:
        Path(error_file).write_text(json.dumps({"cell": exc.cell_index, "exec_count": exc.exec_count,
                                                "ename": exc.ename, "evalue": exc.evalue}))
        return 1
    except Exception as exc:  # kernel died, bad notebook, ...
        Path(error_file).write_text(json.dumps({"cell": None, "ename": type(exc).__name__, "evalue": str(exc)}))
        return 1


def worker_main() -> int:
    """Execute one chapter per JSON line on stdin ({src, out, params, error_file, warm}); answer
    {"rc": ...} on stdout. `warm` asks for the next kernel to be started during this chapter."""
    # On SIGTERM unwind normally, so the kernels are stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    zygote = Zygote() if fork_kernels() else None
    kernels = Kernels(zygote)
    try:
        for line in kernels.lines():
            job = json.loads(line)
            cwd = str(Path(job["src"]).parent)
            km = kernels.start_now(cwd)
            if job.get("warm"):
                kernels.start_ahead(cwd)
            try:
                rc = execute_one(job["src"], job["out"], json.loads(job["params"]), job["error_file"], km)
            finally:
                if km is not None:
                    kernels.stop(km)
            print(json.dumps({"rc": rc}), flush=True)
        kernels.close()
    finally:
        kernels.kill_all()
        if zygote is not None:
            zygote.close()
    return 0
