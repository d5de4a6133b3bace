"""Execute the chapters with papermill (in parallel, cached) and build the site atomically.

1. The caller has validated every parameter and the layout (`params.make_plan`,
   `registry.check_layout`); nothing here runs on bad input.
2. A chapter's cache key hashes exactly what it reads (`chapter_inputs`): its notebook source,
   its parameter values, `data/`, the pins, its parameter declaration, the package modules its
   notebook imports (followed through their own imports); the bear and bull values a chapter
   shows are passed in as a value (`scenarios`), so they are hashed with its parameter values.
3. A notebook is reused only if it carries that key and its outputs are the ones the build wrote
   (a digest in its metadata), so a notebook re-executed by hand is executed again.
4. The other chapters run in a process pool, one `papermill.execute_notebook` per chapter.
5. Executed notebooks are normalised so that rebuilds are byte-identical.
6. Jupyter Book builds the site from a staging copy of the book (warnings are errors), with the
   offline chart scripts of `site.write_static`; a site whose staged book is unchanged is kept.
7. Only when everything has succeeded are the notebooks and the site swapped into place; a
   failed chapter's executed notebook is kept as `_build/failed/<chapter>.ipynb`.
"""
from __future__ import annotations

import ast
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


# --- what a chapter reads, and its cache key ----------------------------------------------------

def _files(folder: Path, suffix: str = "") -> set[Path]:
    return {p for p in folder.rglob(f"*{suffix}") if p.is_file() and not p.name.startswith(".")}


def _module_file(name: str) -> Path | None:
    base = ROOT.joinpath(*name.split("."))
    return next((p for p in (base.with_suffix(".py"), base / "__init__.py") if p.is_file()), None)


def _imports(source: str, module: str = "", is_pkg: bool = False) -> set[str]:
    """The `supercycle` modules that a module or cell may import, anywhere in it (for
    `from pkg import name`, also `pkg.name`, in case `name` is a module)."""
    package = module if is_pkg else module.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = importlib.util.resolve_name("." * node.level + (node.module or ""), package)
            out |= {base} | {f"{base}.{a.name}" for a in node.names}
    return {m for m in out if m.split(".")[0] == "supercycle"}


def package_modules(code: list[str]) -> tuple[set[Path], set[str]] | None:
    """(the package files that the cells `code` import, followed through their own imports, with
    their parent packages; the modules the cells import themselves). None if a cell or a module
    cannot be parsed (then the caller keys on the whole package)."""
    try:
        direct = set().union(*(_imports(re.sub(r"(?m)^(\s*)[%!].*$", r"\1pass", src)) for src in code))
        files, todo = set(), set(direct)
        while todo:
            parts = todo.pop().split(".")
            for name in (".".join(parts[:i]) for i in range(1, len(parts) + 1)):
                path = _module_file(name)
                if path is not None and path not in files:
                    files.add(path)
                    todo |= _imports(path.read_text(encoding="utf-8"), name, path.name == "__init__.py")
    except (SyntaxError, ImportError):
        return None
    return files, direct


def chapter_inputs(ch: Chapter, nb: dict | None = None) -> list[Path]:
    """Every file whose content a chapter's outputs depend on, besides its notebook and values."""
    nb = nb or _read(ch.path)
    found = package_modules([_text(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"])
    files = _files(ROOT / "data") | {ROOT / "requirements.txt"}
    files |= _files(ROOT / "supercycle", ".py") if found is None else found[0]
    files.add(ROOT / "supercycle" / "chapters" / f"{ch.key}.py")
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
    nb.metadata.pop("supercycle", None)
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
        try:
            p = psutil.Process(w.pid)
            p.suspend()  # so that it starts no kernel between the listing and the kill
            kernels += p.children(recursive=True)
        except psutil.NoSuchProcess:
            pass
    for k in kernels:
        try:
            k.kill()
        except psutil.NoSuchProcess:
            pass
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
                     force: set[str] = frozenset(), log=print) -> list[tuple]:
    """Execute (or reuse) every chapter's notebook into `staging`; return [(chapter, key,
    changed values)]. Raises BuildError."""
    from tqdm import tqdm
    planned, to_run = [], []
    for ch in CHAPTERS:
        injected = plan.changed().get(ch.key, {})
        key = cache_key(ch, {**plan.values[ch.key], **plan.scenarios(ch.key)})
        planned.append((ch, key, injected))
        reused = use_cache and ch.key not in force and cached_notebook(
            key, [dest_chapters / ch.notebook, ch.path, CACHE / f"{key}.ipynb"])
        if reused:
            shutil.copyfile(reused, staging / ch.notebook)
            log(f"  cached   {ch.key} (unchanged)")
        else:
            to_run.append((ch, key, injected))
    if not to_run:
        return planned
    import papermill  # noqa: F401 (imported once here, so that the forked workers have it)
    failures, kept, t0 = [], [], time.monotonic()
    pool = ProcessPoolExecutor(min(jobs, len(to_run)), multiprocessing.get_context("fork"),
                               initializer=_init_worker, initargs=(str(ROOT),))
    try:
        futures = {}
        for ch, key, injected in to_run:
            params = {**injected, **plan.scenarios(ch.key)}  # changed values, and the scenarios it shows
            futures[pool.submit(_execute, str(ch.path), str(staging / ch.notebook), params)] = (ch, key, injected)
            tqdm.write(f"  start    {ch.key}", file=sys.stderr)
        for fut in tqdm(as_completed(futures), total=len(futures), unit="chapter", file=sys.stderr,
                        disable=None, leave=False):
            ch, key, injected = futures[fut]
            try:
                err = fut.result()
            except Exception as exc:  # the worker died
                err = {"cell": None, "ename": type(exc).__name__, "evalue": str(exc)}
            out = staging / ch.notebook
            if err is None:
                nb = nbformat.read(out, as_version=4)
                normalize(nb, ch.key, key, injected)
                nbformat.write(nb, out)
                CACHE.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(out, CACHE / f".{key}.tmp")
                os.replace(CACHE / f".{key}.tmp", CACHE / f"{key}.ipynb")
                tqdm.write(f"  done     {ch.key} at {time.monotonic() - t0:.1f}s", file=sys.stderr)
            else:
                evalue = str(err["evalue"]).strip()
                evalue = evalue if len(evalue) <= 400 else evalue[:400] + " [...]"
                failures.append((ch.key, err["cell"], f"{err['ename']}: {evalue}".rstrip(": ")))
                if out.exists():
                    FAILED.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(out, FAILED / ch.notebook)
                    kept.append(str((FAILED / ch.notebook).relative_to(ROOT)))
                tqdm.write(f"  FAILED   {ch.key} at {time.monotonic() - t0:.1f}s", file=sys.stderr)
    except BaseException:  # Ctrl-C, SIGTERM: stop the workers and their kernels at once
        _kill_workers()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    if failures:
        raise BuildError(_say_once(failures) + (f"\nthe failed notebooks are kept: {', '.join(kept)}" if kept else ""))
    return planned


# --- the site -----------------------------------------------------------------------------------

def stage_book(book: Path, executed: Path, plan: Plan) -> None:
    """Copy the book's sources and the executed notebooks into `book`, write the offline chart
    scripts into its _static, and fill in the front page's build and citation blocks."""
    from supercycle.cite import build_info_markdown, cite_markdown
    from .site import write_static
    missing = [name for name in BOOK_FILES if not (ROOT / name).exists()]
    if missing:
        raise BuildError(f"the book is missing {', '.join(missing)}")
    shutil.copytree(ROOT / "_static", book / "_static")
    write_static(book / "_static")
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
    h = hashlib.sha256()
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
          force: set[str] = frozenset(), log=print) -> tuple[Path, bool]:
    """Execute and publish. Returns (the html folder, whether the site was rebuilt).
    Raises BuildError or KeyboardInterrupt, leaving everything published as it was."""
    dest_chapters, dest_html = targets(plan)
    BUILD.mkdir(exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=BUILD))
    try:
        executed, book = staging / "executed", staging / "book"
        executed.mkdir()
        t0 = time.monotonic()
        done = execute_chapters(plan, executed, dest_chapters, jobs, use_cache, force, log)
        log(f"chapters ready in {time.monotonic() - t0:.1f}s")
        new_html = None
        if site:
            stage_book(book, executed, plan)
            key = book_digest(book)
            key_file = dest_html / SITE_KEY_FILE
            if use_cache and key_file.exists() and key_file.read_text() == key:
                log("site unchanged: not rebuilt")
            else:
                run_jupyter_book(book, staging / "out")
                new_html = staging / "out" / "_build" / "html"
                (new_html / SITE_KEY_FILE).write_text(key)
        # Everything succeeded: publish notebooks, then the site.
        dest_chapters.mkdir(parents=True, exist_ok=True)
        for ch, _, _ in done:
            src, target = executed / ch.notebook, dest_chapters / ch.notebook
            if not target.exists() or target.read_bytes() != src.read_bytes():
                shutil.copyfile(src, target.with_name("." + target.name + ".tmp"))
                os.replace(target.with_name("." + target.name + ".tmp"), target)
            (FAILED / ch.notebook).unlink(missing_ok=True)
        if new_html is not None:
            swap_dir(new_html, dest_html)
        return dest_html, new_html is not None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
