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
6. Jupyter Book builds the site from a staging copy of the book (warnings are errors).
7. Only when everything has succeeded are the notebooks and the site swapped into place; a
   failed chapter's executed notebook is kept as `_build/failed/<chapter>.ipynb`.
"""
from __future__ import annotations

import ast
import functools
import hashlib
import json
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
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
    return {p for p in folder.rglob(f"*{suffix}") if p.is_file() and "__pycache__" not in p.parts
            and not p.name.startswith(".")}


def _module_file(name: str) -> Path | None:
    base = ROOT.joinpath(*name.split("."))
    return next((p for p in (base.with_suffix(".py"), base / "__init__.py") if p.is_file()), None)


def _imported(tree: ast.AST, module: str = "", is_pkg: bool = False) -> set[str]:
    """Names of the `supercycle` modules a parsed module or cell may import (also `from pkg import mod`)."""
    out, todo = set(), list(tree.body)
    while todo:  # statements only (imports are statements), including nested blocks
        node = todo.pop()
        todo += [n for f in ("body", "orelse", "finalbody", "handlers", "cases") for n in getattr(node, f, ())
                 if isinstance(n, (ast.stmt, ast.excepthandler, ast.match_case))]
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            parts = module.split(".")[:None if is_pkg else -1]
            base = node.module or ""
            if node.level:
                base = ".".join(parts[:len(parts) - node.level + 1] + ([node.module] if node.module else []))
            out |= {base} | {f"{base}.{a.name}" for a in node.names}
    return {m for m in out if m.split(".")[0] == "supercycle"}


@functools.lru_cache(maxsize=None)
def _module_imports(path: Path, name: str, _stamp: tuple) -> frozenset:
    return frozenset(_imported(ast.parse(path.read_bytes()), name, path.name == "__init__.py"))


def package_modules(code: list[str]) -> tuple[set[Path], set[str]] | None:
    """(the package files that cells of `code` import, with their own imports and parent packages;
    the modules the cells import themselves). None if a cell cannot be parsed."""
    direct = set()
    for src in code:
        if "supercycle" not in src:
            continue
        try:
            direct |= _imported(ast.parse(re.sub(r"(?m)^(\s*)[%!].*$", r"\1pass", src)))
        except SyntaxError:
            return None
    files: set[Path] = set()
    todo = set(direct)
    while todo:
        parts = todo.pop().split(".")
        for i in range(1, len(parts) + 1):
            path = _module_file(".".join(parts[:i]))
            if path is not None and path not in files:
                files.add(path)
                st = path.stat()
                todo |= _module_imports(path, ".".join(parts[:i]), (st.st_mtime_ns, st.st_size))
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
    ids: dict[str, str] = {}

    def stable_id(match: re.Match) -> str:
        return ids.setdefault(match.group(0), f"altair-viz-{chapter_key.replace('_', '-')}-{len(ids) + 1}")

    def fix(val):
        if isinstance(val, str):
            return ALTAIR_ID.sub(stable_id, val)
        if isinstance(val, list):
            return [fix(v) for v in val]
        if isinstance(val, dict):
            return {k: fix(v) for k, v in val.items()}
        return val

    for i, cell in enumerate(nb.cells):
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        cell["id"] = f"cell-{i}"  # papermill/nbformat may add random ids
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags and "remove-cell" not in tags:
            cell.metadata["tags"] = tags + ["remove-cell"]
        for out in cell.get("outputs", []):
            for field in ("data", "text"):
                if field in out:
                    out[field] = fix(out[field])
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
    from jupyter_client import AsyncKernelManager
    from traitlets import default

    class IPCKernelManager(AsyncKernelManager):
        """Kernels on Unix sockets of their own: TCP ports picked by kernels starting at the same
        time (on a shared machine) collide, and the kernel dies before it starts."""
        @default("transport")
        def _transport(self):
            return "ipc"

        @default("ip")
        def _ip(self):
            return os.path.join(tempfile.gettempdir(), f"supercycle-kernel-{os.getpid()}-{id(self)}")

    try:
        papermill.execute_notebook(src, out, parameters=params, cwd=str(Path(src).parent), progress_bar=False,
                                   request_save_on_cell_execute=False, kernel_manager_class=IPCKernelManager)
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
    """Kill the pool's workers and the kernels they started (kernels run in their own sessions)."""
    import psutil
    procs = []
    for child in multiprocessing.active_children():
        try:
            p = psutil.Process(child.pid)
            p.suspend()  # so that it starts no kernel between the listing and the kill
            procs += p.children(recursive=True) + [p]
        except psutil.NoSuchProcess:
            pass
    for p in procs:
        try:
            p.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(procs, timeout=10)


def _say_once(failures: list[tuple[str, object, str]]) -> str:
    """'chapters a (cell 3), b (cell 5): ValueError: x' with each distinct error said once."""
    by_error: dict[str, list[str]] = {}
    for key, cell, error in failures:
        where = f"cell {cell}" if cell is not None else "before any cell ran"
        by_error.setdefault(error, []).append(f"{key} ({where})")
    return "; ".join(f"chapter{'s' if len(w) > 1 else ''} {', '.join(w)}: {e}" for e, w in by_error.items())


def execute_chapters(plan: Plan, staging: Path, dest_chapters: Path, jobs: int, use_cache: bool,
                     force: set[str] = frozenset(), log=print, while_running=None) -> list[tuple]:
    """Execute (or reuse) every chapter's notebook into `staging`; return [(chapter, key,
    changed values)]. `while_running()` is called once the chapters are queued (and the workers
    forked), or at once if every chapter is cached. Raises BuildError."""
    from tqdm import tqdm
    planned, to_run = [], []
    for ch in CHAPTERS:
        injected = plan.changed().get(ch.key, {})
        key = cache_key(ch, {**plan.values[ch.key], **plan.scenarios(ch.key)})
        planned.append((ch, key, injected))
        reused = None
        if use_cache and ch.key not in force:
            reused = cached_notebook(key, [dest_chapters / ch.notebook, ch.path, CACHE / f"{key}.ipynb"])
        if reused:
            shutil.copyfile(reused, staging / ch.notebook)
            log(f"  cached   {ch.key} (unchanged)")
        else:
            to_run.append((ch, key, injected))
    failures = []
    bar = tqdm(total=len(to_run), unit="chapter", file=sys.stderr, disable=None, leave=False)
    pool = None
    try:
        if to_run:
            import papermill  # noqa: F401 (imported once here, so the forked workers have it)
            pool = ProcessPoolExecutor(min(jobs, len(to_run)), multiprocessing.get_context("fork"),
                                       initializer=_init_worker, initargs=(str(ROOT),))
        futures = {}
        for job in to_run:
            ch = job[0]
            params = {**job[2], **plan.scenarios(ch.key)}  # changed values, and the scenarios it shows
            futures[pool.submit(_execute, str(ch.path), str(staging / ch.notebook), params)] = (job, time.monotonic())
            tqdm.write(f"  start    {ch.key}", file=sys.stderr)
        if while_running:
            while_running()
        pending = set(futures)
        while pending:
            done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            for fut in done:
                (ch, key, injected), t0 = futures[fut]
                try:
                    err = fut.result()
                except Exception as exc:  # the worker died
                    err = {"cell": None, "ename": type(exc).__name__, "evalue": str(exc)}
                bar.update()
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
                    tqdm.write(f"  FAILED   {ch.key} at {time.monotonic() - t0:.1f}s", file=sys.stderr)
    except BaseException:
        if pool is not None:
            _kill_workers()
            pool.shutdown(wait=False, cancel_futures=True)
        raise
    finally:
        bar.close()
    if pool is not None:
        pool.shutdown()
    if failures:
        kept = [str((FAILED / ch.notebook).relative_to(ROOT)) for ch in CHAPTERS
                if ch.key in {f[0] for f in failures} and (FAILED / ch.notebook).exists()]
        raise BuildError(_say_once(failures) + (f"\nthe failed notebooks are kept: {', '.join(kept)}" if kept else ""))
    return planned


# --- the site -----------------------------------------------------------------------------------

def build_info_markdown(plan: Plan) -> str:
    lines = [":::{admonition} How this site was built", ":class: note", ""]
    if plan.is_default:
        lines.append("Scenario **base**, every chapter at its declared defaults "
                     "(`python -m supercycle params` lists them).")
    else:
        lines += [f"Scenario **{plan.scenario}**" + (" with overrides" if plan.overrides else "")
                  + f" (folder `_build/scenarios/{plan.slug}`). Parameters that differ from the defaults:", ""]
        rows = [f"| {ck} | `{name}` | {val} |" for ck, vals in plan.changed().items() for name, val in vals.items()]
        lines += ["| Chapter | Parameter | Value |", "|---|---|---|", *rows] if rows else \
            ["none (the scenario sets every parameter to its default)."]
    return "\n".join(lines + [":::", ""])


def cite_markdown(plan: Plan) -> str:
    """The front page's "Cite this report" block: the edition, and the scenario if not the base."""
    from supercycle import cite

    # A named scenario is cited by its name (its file lists the values); overrides one by one.
    overrides: dict[str, dict] = {}
    for chapter_key, name, value in plan.overrides:
        overrides.setdefault(chapter_key, {})[name] = value
    note = "" if plan.is_default else cite.scenario_note(plan.scenario, overrides)
    return cite.markdown(cite.edition_date(), note)


def stage_book(book: Path, executed: Path, plan: Plan, assets: Path) -> None:
    """Copy the book's sources, the executed notebooks and the prepared `assets` into `book`."""
    missing = [name for name in BOOK_FILES if not (ROOT / name).exists()]
    if missing:
        raise BuildError(f"the book is missing {', '.join(missing)}")
    book.mkdir(parents=True)
    if (ROOT / "_static").is_dir():
        shutil.copytree(ROOT / "_static", book / "_static",
                        ignore=shutil.ignore_patterns("vega-bundle.js", "vega-setup.js"))
    (book / "_static").mkdir(exist_ok=True)
    for name in BOOK_FILES:
        shutil.copyfile(ROOT / name, book / name)
    for asset in sorted(assets.iterdir()):
        shutil.copyfile(asset, book / "_static" / asset.name)
    (book / "chapters").mkdir()
    for src in sorted((ROOT / "chapters").glob("*.md")) + sorted(executed.glob("*.ipynb")):
        shutil.copyfile(src, book / "chapters" / src.name)
    index = book / "index.md"
    text = index.read_text(encoding="utf-8")
    for marker, block in (("<!-- build-info -->", build_info_markdown(plan)), ("<!-- cite -->", cite_markdown(plan))):
        text = text.replace(marker, block) if marker in text else text + "\n" + block
    index.write_text(text, encoding="utf-8")


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
        executed, assets, book = staging / "executed", staging / "assets", staging / "book"
        executed.mkdir()

        errors: list[Exception] = []

        def make_assets():  # the offline chart scripts (seconds of uninterruptible bundling)
            from .site import write_static
            try:
                write_static(assets)
            except Exception as exc:
                errors.append(exc)
        # Made in a thread while the chapters execute, started once the pool's workers are forked.
        assets_thread = threading.Thread(target=make_assets, daemon=True)
        t0 = time.monotonic()
        done = execute_chapters(plan, executed, dest_chapters, jobs, use_cache, force, log,
                                assets_thread.start if site else None)
        log(f"chapters ready in {time.monotonic() - t0:.1f}s")
        new_html = None
        if site:
            while assets_thread.is_alive():
                assets_thread.join(0.2)  # short joins: Ctrl-C still stops the build at once
            if errors:
                raise BuildError(f"could not write the offline chart scripts: {errors[0]}")
            stage_book(book, executed, plan, assets)
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
