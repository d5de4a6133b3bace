"""Execute the chapters with papermill (in parallel, cached) and build the site atomically.

The pipeline, in order:
1. the caller has validated every parameter (`params.make_plan`); nothing here runs on bad input;
2. each chapter gets a content hash of its notebook source, parameter values, every file in
   `data/`, the package source and the pinned requirements; a notebook already executed with
   that hash (committed in `chapters/`, in the scenario folder, or in `_build/.cache/`) is reused;
3. the other chapters run in parallel, executed by papermill into a staging folder, in worker
   processes that each have their own session (so Ctrl-C or SIGTERM can stop them and their
   kernels); kernels are forked from a process that has the common imports done, and started
   ahead of their chapter (`supercycle.executor`);
4. executed notebooks are normalised so that rebuilds are byte-identical (no papermill timings,
   no absolute paths, Altair's random div ids replaced by stable ones);
5. Jupyter Book builds the site from a staging copy of the book (warnings are errors);
6. only when everything has succeeded are the notebooks and the site swapped into place.
An error or an interrupt at any step leaves the previous site and notebooks as they were.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from queue import Empty, Queue
from dataclasses import dataclass
from pathlib import Path

import nbformat

from . import ROOT
from .params import Plan, defaults
from .registry import Chapter, existing_chapters

BUILD = ROOT / "_build"
CACHE = BUILD / ".cache"
SITE_KEY_FILE = ".supercycle-site-key"
# Files that make up the book besides the executed notebooks.
BOOK_FILES = ("_config.yml", "_toc.yml", "index.md")
BOOK_DIRS = ("_static",)
ALTAIR_ID = re.compile(r"altair-viz-[0-9a-f]{32}")
# Kernels inherit this, so set iteration order (and anything hashed) is the same on every run.
KERNEL_ENV = {"PYTHONHASHSEED": "0"}


class BuildError(RuntimeError):
    """A build step failed; str() says which chapter, which cell and what error."""


# --- content hashes --------------------------------------------------------------------------

def _hash_files(paths, h) -> None:
    for p in sorted(paths, key=lambda q: q.relative_to(ROOT).as_posix()):
        h.update(p.relative_to(ROOT).as_posix().encode())
        h.update(b"\0")
        h.update(p.read_bytes())
        h.update(b"\0")


def _tree_files(folder: Path, suffixes: tuple[str, ...] | None = None):
    for p in folder.rglob("*"):
        if not p.is_file() or "__pycache__" in p.parts or p.name.startswith("."):
            continue
        if suffixes and p.suffix not in suffixes:
            continue
        yield p


def inputs_digest() -> str:
    """Hash of everything a chapter may read besides its own notebook: data/, the package, pins."""
    h = hashlib.sha256()
    _hash_files(list(_tree_files(ROOT / "data")), h)
    _hash_files(list(_tree_files(ROOT / "supercycle", (".py",))), h)
    _hash_files([ROOT / "requirements.txt"], h)
    return h.hexdigest()


def notebook_source(nb) -> list:
    """What defines a notebook's execution: cell types, sources and tags (not outputs, not the
    papermill-injected parameters, which are hashed as values instead)."""
    return [(c.cell_type, c.source, sorted(c.get("metadata", {}).get("tags", [])))
            for c in nb.cells if "injected-parameters" not in c.get("metadata", {}).get("tags", [])]


def cache_key(chapter: Chapter, values: dict, digest: str | None = None) -> str:
    nb = nbformat.read(chapter.path, as_version=4)
    h = hashlib.sha256()
    h.update(json.dumps(notebook_source(nb), ensure_ascii=False).encode())
    h.update(json.dumps(values, sort_keys=True, default=str).encode())
    h.update((digest or inputs_digest()).encode())
    return h.hexdigest()


def _cached_notebook(key: str, candidates: list[Path]) -> Path | None:
    for path in candidates:
        if path.exists():
            try:
                nb = nbformat.read(path, as_version=4)
            except Exception:
                continue
            if nb.metadata.get("supercycle", {}).get("cache_key") == key and not _has_errors(nb):
                return path
    return None


def _has_errors(nb) -> bool:
    return any(o.get("output_type") == "error" for c in nb.cells if c.cell_type == "code"
               for o in c.get("outputs", []))


# --- normalisation ---------------------------------------------------------------------------

def normalize(nb, chapter_key: str, key: str, changed: dict) -> None:
    """Make an executed notebook byte-identical across runs, and hide papermill's parameter cell."""
    nb.metadata.pop("papermill", None)
    nb.metadata["supercycle"] = {"cache_key": key, "chapter": chapter_key, "parameters": changed}
    ids: dict[str, str] = {}

    def stable_id(match: re.Match) -> str:
        return ids.setdefault(match.group(0), f"altair-viz-{chapter_key.replace('_', '-')}-{len(ids) + 1}")

    for i, cell in enumerate(nb.cells):
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        cell["id"] = f"cell-{i}"  # papermill/nbformat may add random ids
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags and "remove-cell" not in tags:
            cell.metadata["tags"] = tags + ["remove-cell"]
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            for field in ("data", "text"):
                blob = out.get(field)
                if isinstance(blob, str):
                    out[field] = ALTAIR_ID.sub(stable_id, blob)
                elif isinstance(blob, dict):
                    for mime, val in blob.items():
                        if isinstance(val, str):
                            blob[mime] = ALTAIR_ID.sub(stable_id, val)
                        elif isinstance(val, list):
                            blob[mime] = [ALTAIR_ID.sub(stable_id, v) if isinstance(v, str) else v for v in val]


# --- execution ------------------------------------------------------------------------------

@dataclass
class Job:
    chapter: Chapter
    values: dict        # all resolved values
    injected: dict      # values that differ from the notebook's defaults (what papermill injects)
    key: str
    out: Path           # where the executed notebook is written (staging)
    reused: Path | None = None


class Runner:
    """Starts worker processes, each in its own session, so an interrupt can stop them all."""

    def __init__(self, log_dir: Path):
        self.procs: set[subprocess.Popen] = set()
        self.lock = threading.Lock()
        self.stopping = False
        self.log_dir = log_dir

    def worker(self, n: int) -> subprocess.Popen | None:
        env = dict(os.environ, **KERNEL_ENV)
        env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
        with self.lock:
            if self.stopping:
                return None
            p = subprocess.Popen([sys.executable, "-c", "import sys; from supercycle.executor import worker_main; "
                                  "sys.exit(worker_main())"],
                                 cwd=ROOT, env=env, start_new_session=True, text=True,
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 stderr=open(self.log_dir / f"worker-{n}.log", "w"))
            self.procs.add(p)
        return p

    @staticmethod
    def run(p: subprocess.Popen, job: "Job", error_file: Path, warm: bool = False) -> int:
        """Send one chapter to worker `p` and wait for its answer (-1: the worker died).
        `warm`: more chapters are queued, so the worker should start its next kernel now."""
        try:
            p.stdin.write(json.dumps({"src": str(job.chapter.path), "out": str(job.out),
                                      "params": json.dumps(job.injected), "error_file": str(error_file),
                                      "warm": warm}) + "\n")
            p.stdin.flush()
            answer = p.stdout.readline()
        except (BrokenPipeError, OSError):
            answer = ""
        if not answer:
            if not error_file.exists():
                error_file.write_text(json.dumps({"cell": None, "ename": "WorkerDied",
                                                  "evalue": "the process executing the chapter ended"}))
            return -1
        return json.loads(answer)["rc"]

    def close(self) -> None:
        with self.lock:
            for p in list(self.procs):
                try:
                    p.stdin.close()
                except OSError:
                    pass
        for p in list(self.procs):
            p.wait()

    def stop(self) -> None:
        with self.lock:
            self.stopping = True
            for p in list(self.procs):
                try:
                    os.killpg(p.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass


class Progress:
    def __init__(self, total: int, stream=sys.stderr):
        self.total, self.done, self.stream = total, 0, stream
        self.tty = stream.isatty()

    def line(self, text: str) -> None:
        if self.tty:
            self.stream.write("\r\033[K")
        print(text, file=self.stream, flush=True)
        self.bar()

    def step(self) -> None:
        self.done += 1
        self.bar()

    def bar(self) -> None:
        if self.tty and self.total:
            n = int(30 * self.done / self.total)
            self.stream.write(f"\r[{'#' * n}{'.' * (30 - n)}] {self.done}/{self.total} chapters")
            self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self.stream.write("\r\033[K")
            self.stream.flush()


def execute_chapters(plan: Plan, staging: Path, dest_chapters: Path, jobs: int, use_cache: bool,
                     force: set[str] = frozenset(), log=print) -> list[Job]:
    """Execute (or reuse) every existing chapter's notebook into `staging`. Raises BuildError."""
    digest = inputs_digest()
    planned: list[Job] = []
    for ch in existing_chapters():
        values = plan.values[ch.key]
        d = defaults(ch.key)
        injected = {k: v for k, v in values.items() if d.get(k) != v}
        key = cache_key(ch, values, digest)
        job = Job(ch, values, injected, key, staging / ch.notebook)
        if use_cache and ch.key not in force:
            job.reused = _cached_notebook(key, [dest_chapters / ch.notebook, ch.path, CACHE / f"{key}.ipynb"])
        planned.append(job)

    to_run = [j for j in planned if j.reused is None]
    progress = Progress(len(planned))
    for j in planned:
        if j.reused is not None:
            shutil.copyfile(j.reused, j.out)
            progress.line(f"  cached   {j.chapter.key} (unchanged)")
            progress.step()
    failures: list[str] = []
    errors_dir = staging / ".errors"
    errors_dir.mkdir(exist_ok=True)
    runner = Runner(errors_dir)
    queue: "Queue[Job]" = Queue()
    for j in to_run:
        queue.put(j)
    done_lock = threading.Lock()

    def report(job: Job, rc: int, dt: float) -> None:
        with done_lock:
            progress.step()
            if rc == 0:
                nb = nbformat.read(job.out, as_version=4)
                normalize(nb, job.chapter.key, job.key, job.injected)
                nbformat.write(nb, job.out)
                CACHE.mkdir(parents=True, exist_ok=True)
                tmp = CACHE / f".{job.key}.tmp"
                shutil.copyfile(job.out, tmp)
                os.replace(tmp, CACHE / f"{job.key}.ipynb")
                progress.line(f"  done     {job.chapter.key} in {dt:.1f}s")
            else:
                err_path = errors_dir / f"{job.chapter.key}.json"
                err = json.loads(err_path.read_text()) if err_path.exists() else {}
                cell = err.get("cell")
                where = f"cell {cell}" if cell is not None else "before any cell ran"
                failures.append(f"chapter {job.chapter.key} ({job.chapter.notebook}), {where}: "
                                f"{err.get('ename', 'error')}: {str(err.get('evalue', '')).strip()[:400]}")
                progress.line(f"  FAILED   {job.chapter.key} in {dt:.1f}s")

    def work(n: int) -> None:
        p = None
        while not runner.stopping:
            try:
                job = queue.get_nowait()
            except Empty:
                break
            if p is None or p.poll() is not None:
                p = runner.worker(n)
                if p is None:
                    break
            progress.line(f"  start    {job.chapter.key}")
            t0 = time.monotonic()
            # Start a kernel ahead only where this worker will likely get another chapter: with
            # at least one queued chapter per worker, no kernel is started for nothing.
            warm = queue.qsize() >= len(threads)
            rc = runner.run(p, job, errors_dir / f"{job.chapter.key}.json", warm)
            if not runner.stopping:
                report(job, rc, time.monotonic() - t0)

    threads = [threading.Thread(target=work, args=(n,), daemon=True) for n in range(min(max(1, jobs), len(to_run)))]
    try:
        for t in threads:
            t.start()
        for t in threads:
            while t.is_alive():
                t.join(timeout=0.2)  # short joins keep the main thread responsive to signals
        runner.close()
    except BaseException:
        runner.stop()
        for t in threads:
            t.join(timeout=30)
        progress.close()
        raise
    progress.close()
    if failures:
        raise BuildError("; ".join(failures))
    return planned


# --- the site --------------------------------------------------------------------------------

def build_info_markdown(plan: Plan) -> str:
    changed = plan.changed()
    lines = [":::{admonition} How this site was built", ":class: note", ""]
    if plan.is_default:
        lines.append("Scenario **base**, every chapter at its declared defaults "
                     "(`python -m supercycle params` lists them).")
    else:
        lines.append(f"Scenario **{plan.scenario}**" + (" with overrides" if plan.overrides else "")
                     + f" (folder `_build/scenarios/{plan.slug}`). Parameters that differ from the defaults:")
        lines.append("")
        if changed:
            lines += ["| Chapter | Parameter | Value |", "|---|---|---|"]
            for ck, vals in changed.items():
                for name, val in vals.items():
                    lines.append(f"| {ck} | `{name}` | {val} |")
        else:
            lines.append("none (the scenario sets every parameter to its default).")
    lines += [":::", ""]
    return "\n".join(lines)


def stage_book(book: Path, executed: Path, plan: Plan, assets: Path) -> None:
    """Copy the book's sources, the executed notebooks and the prepared `assets` into `book`."""
    book.mkdir(parents=True)
    missing = [name for name in BOOK_FILES if not (ROOT / name).exists()]
    if missing:
        raise BuildError(f"the book is missing {', '.join(missing)}")
    for name in BOOK_FILES:
        shutil.copyfile(ROOT / name, book / name)
    for name in BOOK_DIRS:
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, book / name,
                            ignore=shutil.ignore_patterns("vega-bundle.js", "vega-setup.js"))
    (book / "_static").mkdir(exist_ok=True)
    for asset in sorted(assets.iterdir()):
        shutil.copyfile(asset, book / "_static" / asset.name)
    (book / "chapters").mkdir()
    for md in sorted((ROOT / "chapters").glob("*.md")):
        shutil.copyfile(md, book / "chapters" / md.name)
    for nb in sorted(executed.glob("*.ipynb")):
        shutil.copyfile(nb, book / "chapters" / nb.name)
    index = book / "index.md"
    text = index.read_text(encoding="utf-8")
    marker = "<!-- build-info -->"
    info = build_info_markdown(plan)
    index.write_text(text.replace(marker, info) if marker in text else text + "\n" + info, encoding="utf-8")


def book_digest(book: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(q for q in book.rglob("*") if q.is_file()):
        h.update(p.relative_to(book).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def run_jupyter_book(book: Path, out: Path, log=print) -> None:
    exe = Path(sys.executable).parent / "jupyter-book"
    cmd = [str(exe) if exe.exists() else "jupyter-book", "build", str(book), "--builder", "html",
           "--path-output", str(out), "-W", "-n", "--keep-going", "--quiet"]
    proc = subprocess.run(cmd, cwd=book, capture_output=True, text=True, start_new_session=False)
    if proc.returncode != 0 or not (out / "_build" / "html" / "index.html").exists():
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-25:])
        raise BuildError(f"jupyter-book build failed (warnings are errors):\n{tail}")


def swap_dir(new: Path, dest: Path) -> None:
    """Replace `dest` by `new` with two renames; the old tree is removed only afterwards."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    old = dest.with_name(dest.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if dest.exists():
        os.replace(dest, old)
    os.replace(new, dest)
    if old.exists():
        shutil.rmtree(old)


# --- the whole build -------------------------------------------------------------------------

def targets(plan: Plan) -> tuple[Path, Path]:
    """(folder for executed notebooks, folder for the html site) of a plan."""
    if plan.is_default:
        return ROOT / "chapters", BUILD / "html"
    base = BUILD / "scenarios" / plan.slug
    return base / "chapters", base / "html"


def build(plan: Plan, jobs: int, use_cache: bool = True, site: bool = True,
          force: set[str] = frozenset(), log=print) -> Path:
    """Execute and publish. Returns the html folder. Raises BuildError or KeyboardInterrupt."""
    dest_chapters, dest_html = targets(plan)
    BUILD.mkdir(exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=BUILD))
    try:
        executed = staging / "executed"
        executed.mkdir()
        # The offline Vega bundle takes a second or two to make when not cached: make it while
        # the chapters execute (their kernels leave the CPU idle part of the time).
        assets = staging / "assets"
        assets_error: list[BaseException] = []

        def make_assets():
            from .site_assets import write_static
            try:
                write_static(assets)
            except BaseException as exc:  # reported after the chapters
                assets_error.append(exc)

        assets_thread = threading.Thread(target=make_assets, daemon=True)
        if site:
            assets_thread.start()
        t0 = time.monotonic()
        jobs_done = execute_chapters(plan, executed, dest_chapters, jobs, use_cache, force, log)
        log(f"chapters ready in {time.monotonic() - t0:.1f}s")
        if site:
            book = staging / "book"
            assets_thread.join()
            if assets_error:
                raise BuildError(f"could not write the offline chart scripts: {assets_error[0]}")
            stage_book(book, executed, plan, assets)
            key = book_digest(book)
            key_file = dest_html / SITE_KEY_FILE
            if use_cache and key_file.exists() and key_file.read_text() == key:
                log("site unchanged: not rebuilt")
                new_html = None
            else:
                t1 = time.monotonic()
                run_jupyter_book(book, staging / "out", log)
                new_html = staging / "out" / "_build" / "html"
                (new_html / SITE_KEY_FILE).write_text(key)
                log(f"site built in {time.monotonic() - t1:.1f}s")
        # Everything succeeded: publish notebooks, then the site.
        dest_chapters.mkdir(parents=True, exist_ok=True)
        for job in jobs_done:
            target = dest_chapters / job.chapter.notebook
            if not target.exists() or target.read_bytes() != job.out.read_bytes():
                tmp = target.with_name("." + target.name + ".tmp")
                shutil.copyfile(job.out, tmp)
                os.replace(tmp, target)
        if site and new_html is not None:
            swap_dir(new_html, dest_html)
        return dest_html
    finally:
        shutil.rmtree(staging, ignore_errors=True)
