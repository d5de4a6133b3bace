"""Execute the chapters with papermill (in parallel, cached) and build the site atomically.

The caller has validated every parameter and the layout (`params.make_plan`,
`registry.check_layout`); nothing here runs on bad input.
- A chapter's cache key hashes exactly what it reads (`chapter_inputs`): its notebook source, its
  parameter values (with the bear and bull values it shows, `scenarios`), `data/`, the pins, its
  parameter declaration and the package modules its notebook imports, followed through theirs.
- A notebook is reused only if it carries that key and the digest of the outputs the build wrote,
  so a notebook re-executed by hand is executed again.
- Executed notebooks are normalised so that rebuilds are byte-identical.
- Jupyter Book builds the site from a staging copy of the book (warnings are errors); a site whose
  staged book is unchanged is kept (a no-change rebuild takes a second, not a site build).
- Only when everything has succeeded are the notebooks and the site swapped into place; a
  failed chapter's executed notebook is kept as `_build/failed/<notebook>`.
"""
from __future__ import annotations

import ast
import contextlib
import hashlib
import importlib.util
import json
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import nbformat

from supercycle import ROOT
from .params import Plan
from .registry import CHAPTERS, Chapter

BUILD = ROOT / "_build"
CACHE = BUILD / ".cache"
FAILED = BUILD / "failed"
SITE_KEY_FILE = ".supercycle-site-key"
BOOK_FILES = ("_config.yml", "_toc.yml", "index.md")  # the book besides the notebooks
ALTAIR_ID = re.compile(r"altair-viz-[0-9a-f]{32}")


class BuildError(RuntimeError):
    """A build step failed; str() says which chapter, which cell and what error."""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _copy_atomic(src: Path, dest: Path) -> None:
    """Copy through a temporary file and a rename: no reader (and no interrupt) sees half a file."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dest.with_name(f".{dest.name}.tmp"))
    os.replace(dest.with_name(f".{dest.name}.tmp"), dest)


# --- what a chapter reads, and its cache key ----------------------------------------------------

def _files(folder: Path, suffix: str = "") -> set[Path]:
    return {p for p in folder.rglob(f"*{suffix}") if p.is_file() and not p.name.startswith(".")}


def _imports(source: str, package: str = "") -> set[str]:
    """The `supercycle` modules that code may import, anywhere in it, and the packages above them
    (for `from pkg import name`, also `pkg.name`, in case `name` is a module)."""
    out = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = importlib.util.resolve_name("." * node.level + (node.module or ""), package)
            out |= {base} | {f"{base}.{a.name}" for a in node.names}
    parts = [m.split(".") for m in out if m.split(".")[0] == "supercycle"]
    return {".".join(p[:i]) for p in parts for i in range(1, len(p) + 1)}


def package_modules(code: list[str]) -> set[Path] | None:
    """The package files that the cells `code` import, followed through their own imports. None if
    a cell or a module cannot be parsed (then the caller keys on the whole package)."""
    try:  # a magic or shell line is read as `pass`
        todo = set().union(*(_imports(re.sub(r"(?m)^(\s*)[%!].*$", r"\1pass", src)) for src in code))
        files, seen = set(), set(todo)
        while todo:
            name = todo.pop()
            base = ROOT.joinpath(*name.split("."))
            for path in (p for p in (base.with_suffix(".py"), base / "__init__.py") if p.is_file()):
                files.add(path)
                package = name if path.name == "__init__.py" else name.rpartition(".")[0]
                found = _imports(path.read_text(encoding="utf-8"), package)
                todo |= found - seen
                seen |= found
    except (SyntaxError, ImportError):
        return None
    return files


def chapter_inputs(ch: Chapter, nb: dict | None = None) -> list[Path]:
    """Every file whose content a chapter's outputs depend on, besides its notebook and values."""
    found = package_modules([_text(c["source"]) for c in (nb or _read(ch.path))["cells"] if c["cell_type"] == "code"])
    files = _files(ROOT / "data") | {ROOT / "requirements.txt", ROOT / "supercycle" / "chapters" / f"{ch.key}.py"}
    files |= _files(ROOT / "supercycle", ".py") if found is None else found
    return sorted((p for p in files if p.is_file()), key=lambda p: p.relative_to(ROOT).as_posix())


def _read(path: Path) -> dict:
    """A notebook as plain JSON (nbformat's reading and validation are slow)."""
    return json.loads(path.read_text(encoding="utf-8"))


def _text(source) -> str:
    return "".join(source) if isinstance(source, list) else source


def notebook_source(nb: dict) -> list:
    """What defines a notebook's execution: cell types, sources and tags (not outputs, not the
    papermill-injected parameters, which are hashed as values instead)."""
    return [(c["cell_type"], _text(c["source"]), sorted(c.get("metadata", {}).get("tags", [])))
            for c in nb["cells"] if "injected-parameters" not in c.get("metadata", {}).get("tags", [])]


def cache_key(ch: Chapter, values: dict) -> str:
    nb = _read(ch.path)
    h = hashlib.sha256(json.dumps([notebook_source(nb), values],
                                  sort_keys=True, default=str, ensure_ascii=False).encode())
    for p in chapter_inputs(ch, nb):
        h.update(p.relative_to(ROOT).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def outputs_digest(nb: dict) -> str:
    """Hash of a notebook (plain JSON) as the build wrote it, apart from the build's own stamp."""
    rest = {**nb, "metadata": {k: v for k, v in nb["metadata"].items() if k != "supercycle"}}
    return hashlib.sha256(json.dumps(rest, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def cached_notebook(key: str, candidates: list[Path]) -> Path | None:
    """The first candidate executed by the build with this key and not changed since."""
    for path in candidates:
        try:
            nb = _read(path)
        except (OSError, ValueError, KeyError):
            continue
        stamp = nb.get("metadata", {}).get("supercycle", {})
        if stamp.get("cache_key") == key and stamp.get("outputs") == outputs_digest(nb):
            return path
    return None


# --- normalisation ------------------------------------------------------------------------------

def normalize(nb, chapter_key: str, key: str, changed: dict) -> None:
    """Make an executed notebook byte-identical across runs, hide papermill's parameter cell and
    stamp it with its cache key and the digest of its outputs."""
    nb.metadata.pop("papermill", None)
    for i, cell in enumerate(nb.cells):
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        cell["id"] = f"cell-{i}"  # papermill/nbformat may add random ids
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags and "remove-cell" not in tags:
            cell.metadata["tags"] = tags + ["remove-cell"]
    # Altair's random chart ids become the chapter's, numbered in order of first appearance.
    ids: dict[str, str] = {}
    cells = ALTAIR_ID.sub(lambda m: ids.setdefault(m.group(0), f"altair-viz-{chapter_key.replace('_', '-')}-{len(ids) + 1}"),
                          json.dumps(nb.cells, ensure_ascii=False))
    nb.cells = nbformat.from_dict(json.loads(cells))
    nb.metadata["supercycle"] = {"cache_key": key, "chapter": chapter_key, "parameters": changed}
    nb.metadata["supercycle"]["outputs"] = outputs_digest(json.loads(nbformat.writes(nb)))


# --- execution ----------------------------------------------------------------------------------

def _init_worker(root: str) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # Kernels inherit this: the same hash seed on every run, and this checkout's package.
    os.environ.update(PYTHONHASHSEED="0", PYTHONPATH=os.pathsep.join([root, os.environ.get("PYTHONPATH", "")]))
    # Kernels write their own log lines (TCP warnings, shutdown notices) to stderr: keep them in a file.
    os.dup2(os.open(os.path.join(root, "_build", "kernels.log"), os.O_WRONLY | os.O_CREAT | os.O_APPEND), 2)


def _execute(src: str, out: str, params: dict) -> dict | None:
    """One chapter, in a pool worker. Returns None, or {cell, ename, evalue} of the failure."""
    import papermill
    from traitlets.config import Config

    # Kernels on Unix sockets of their own (one kernel per worker at a time): TCP ports picked by
    # kernels starting at the same time (on a shared machine) collide, and the kernel dies.
    socket = os.path.join(tempfile.gettempdir(), f"supercycle-kernel-{os.getpid()}")
    ipc = Config(KernelManager={"transport": "ipc", "ip": socket})
    try:
        papermill.execute_notebook(src, out, parameters=params, cwd=str(Path(src).parent), progress_bar=False,
                                   request_save_on_cell_execute=False, config=ipc)
    except papermill.PapermillExecutionError as exc:
        nb = nbformat.read(out, as_version=4)  # papermill put a marker cell first: skip it
        cells = [c for c in nb.cells if "papermill-error-cell-tag" not in c.metadata.get("tags", [])]
        injected = any("injected-parameters" in c.metadata.get("tags", []) for c in cells[:exc.cell_index])
        # a committed notebook that shows scenarios already holds its injected cell: papermill replaces it
        injected &= "injected-parameters" not in Path(src).read_text(encoding="utf-8")
        return {"cell": exc.cell_index - injected, "ename": exc.ename, "evalue": exc.evalue}
    except Exception as exc:
        return {"cell": None, "ename": type(exc).__name__, "evalue": str(exc)}
    return None


def _kill_workers() -> None:
    """Kill the pool's workers and the kernels they started (kernels run in their own sessions).
    The workers are reaped by multiprocessing itself: one reaped behind its back (by psutil) stays
    alive to the pool, whose shutdown then spins for ever at interpreter exit."""
    import psutil
    workers, kernels = multiprocessing.active_children(), []
    for w in workers:
        with contextlib.suppress(psutil.NoSuchProcess):
            psutil.Process(w.pid).suspend()  # so that it starts no kernel between the listing and the kill
            kernels += psutil.Process(w.pid).children(recursive=True)
    for k in kernels:
        with contextlib.suppress(psutil.NoSuchProcess):
            k.kill()
    for w in workers:
        w.kill()
        w.join(10)
    psutil.wait_procs(kernels, timeout=10)


def _say_once(failures: list[tuple[str, object, str]]) -> str:
    """'chapters a (cell 3), b (cell 5): ValueError: x' with each distinct error said once."""
    by_error: dict[str, list[str]] = {}
    for key, cell, error in failures:
        where = f"cell {cell}" if cell is not None else "before any cell ran"
        by_error.setdefault(error, []).append(f"{key} ({where})")
    return "; ".join(f"chapter{'s' if len(w) > 1 else ''} {', '.join(w)}: {e}" for e, w in by_error.items())


def execute_chapters(plan: Plan, staging: Path, dest_chapters: Path, jobs: int, use_cache: bool,
                     force: set[str] = frozenset()) -> None:
    """Execute (or reuse) every chapter's notebook into `staging`. Raises BuildError."""
    changed, to_run = plan.changed(), []
    for ch in CHAPTERS:
        key = cache_key(ch, {**plan.values[ch.key], **plan.scenarios(ch.key)})
        reused = use_cache and ch.key not in force and cached_notebook(
            key, [dest_chapters / ch.notebook, ch.path, CACHE / f"{key}.ipynb"])
        if reused:
            shutil.copyfile(reused, staging / ch.notebook)
            log(f"  cached   {ch.key} (unchanged)")
        else:
            to_run.append((ch, key))
    if not to_run:
        return
    import papermill  # noqa: F401 (imported once here, so that the forked workers have it)
    failures, kept, t0 = [], [], time.monotonic()
    pool = ProcessPoolExecutor(min(jobs, len(to_run)), multiprocessing.get_context("fork"),
                               initializer=_init_worker, initargs=(str(ROOT),))
    try:
        futures = {}
        for ch, key in to_run:
            params = {**changed.get(ch.key, {}), **plan.scenarios(ch.key)}  # changed values, and the scenarios it shows
            futures[pool.submit(_execute, str(ch.path), str(staging / ch.notebook), params)] = (ch, key)
            log(f"  start    {ch.key}")
        for fut in as_completed(futures):
            ch, key = futures[fut]
            try:
                err = fut.result()
            except Exception as exc:  # the worker died
                err = {"cell": None, "ename": type(exc).__name__, "evalue": str(exc)}
            out = staging / ch.notebook
            if err is None:
                nb = nbformat.read(out, as_version=4)
                normalize(nb, ch.key, key, changed.get(ch.key, {}))
                nbformat.write(nb, out)
                _copy_atomic(out, CACHE / f"{key}.ipynb")
            else:
                evalue = str(err["evalue"]).strip()
                evalue = evalue if len(evalue) <= 400 else evalue[:400] + " [...]"
                failures.append((ch.key, err["cell"], f"{err['ename']}: {evalue}".rstrip(": ")))
                if out.exists():
                    _copy_atomic(out, FAILED / ch.notebook)
                    kept.append(str((FAILED / ch.notebook).relative_to(ROOT)))
            log(f"  {'done  ' if err is None else 'FAILED'}   {ch.key} at {time.monotonic() - t0:.1f}s")
    except BaseException:  # Ctrl-C, SIGTERM: stop the workers and their kernels at once
        _kill_workers()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    if failures:
        raise BuildError(_say_once(failures) + (f"\nthe failed notebooks are kept: {', '.join(kept)}" if kept else ""))


# --- the site -----------------------------------------------------------------------------------

def stage_book(book: Path, executed: Path, plan: Plan) -> None:
    """Copy the book's sources and the executed notebooks into `book`, write the chart setup
    script into its _static, and fill in the front page's build and citation blocks."""
    from supercycle.cite import build_info_markdown, cite_markdown
    from .site import setup_source
    shutil.copytree(ROOT / "_static", book / "_static")
    (book / "_static" / "vega-setup.js").write_text(setup_source(), encoding="utf-8")
    for name in BOOK_FILES:
        shutil.copyfile(ROOT / name, book / name)
    (book / "chapters").mkdir()
    for src in sorted((ROOT / "chapters").glob("*.md")) + sorted(executed.glob("*.ipynb")):
        shutil.copyfile(src, book / "chapters" / src.name)
    text = (book / "index.md").read_text(encoding="utf-8")
    for marker, block in (("<!-- build-info -->", build_info_markdown(plan)), ("<!-- cite -->", cite_markdown(plan))):
        text = text.replace(marker, block) if marker in text else text + "\n" + block
    (book / "index.md").write_text(text, encoding="utf-8")


def book_digest(book: Path) -> str:
    """Hash of the staged book and of the pins, which fix the Vega bundle (not staged: see build)."""
    h = hashlib.sha256((ROOT / "requirements.txt").read_bytes())
    for p in sorted(q for q in book.rglob("*") if q.is_file()):
        h.update(p.relative_to(book).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def run_jupyter_book(book: Path, out: Path) -> None:
    exe = Path(sys.executable).parent / "jupyter-book"
    cmd = [str(exe) if exe.exists() else "jupyter-book", "build", str(book), "--builder", "html",
           "--path-output", str(out), "-W", "-n", "--keep-going", "--quiet"]
    proc = subprocess.run(cmd, cwd=book, capture_output=True, text=True)
    if proc.returncode != 0 or not (out / "_build" / "html" / "index.html").exists():
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-25:])
        raise BuildError(f"jupyter-book build failed (warnings are errors):\n{tail}")


def swap_dir(new: Path, dest: Path) -> None:
    """Replace `dest` by `new` with two renames; the old tree is removed only afterwards."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    old = dest.with_name(dest.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if dest.exists():
        os.replace(dest, old)
    os.replace(new, dest)
    shutil.rmtree(old, ignore_errors=True)


# --- the whole build ----------------------------------------------------------------------------

def targets(plan: Plan) -> tuple[Path, Path]:
    """(folder for executed notebooks, folder for the html site) of a plan."""
    if plan.is_default:
        return ROOT / "chapters", BUILD / "html"
    base = BUILD / "scenarios" / plan.slug
    return base / "chapters", base / "html"


def build(plan: Plan, jobs: int, use_cache: bool = True, site: bool = True,
          force: set[str] = frozenset()) -> tuple[Path, bool]:
    """Execute and publish. Returns (the html folder, whether the site was rebuilt).
    Raises BuildError or KeyboardInterrupt, leaving everything published as it was."""
    dest_chapters, dest_html = targets(plan)
    BUILD.mkdir(exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=BUILD))
    try:
        executed, book = staging / "executed", staging / "book"
        executed.mkdir()
        execute_chapters(plan, executed, dest_chapters, jobs, use_cache, force)
        new_html = None
        if site:
            stage_book(book, executed, plan)
            key, key_file = book_digest(book), dest_html / SITE_KEY_FILE
            if not (use_cache and key_file.exists() and key_file.read_text() == key):
                # the Vega bundle takes seconds to make: only for a site that is rebuilt
                from .site import bundle_source
                (book / "_static" / "vega-bundle.js").write_text(bundle_source(), encoding="utf-8")
                run_jupyter_book(book, staging / "out")
                new_html = staging / "out" / "_build" / "html"
                (new_html / SITE_KEY_FILE).write_text(key)
        # Everything succeeded: publish notebooks (those that changed), then the site.
        for ch in CHAPTERS:
            src, target = executed / ch.notebook, dest_chapters / ch.notebook
            if not target.exists() or target.read_bytes() != src.read_bytes():
                _copy_atomic(src, target)
            (FAILED / ch.notebook).unlink(missing_ok=True)
        if new_html is not None:
            swap_dir(new_html, dest_html)
        return dest_html, new_html is not None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
