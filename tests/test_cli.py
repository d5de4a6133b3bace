"""The build CLI end to end, on disposable copies of the project.

Bad input exits 2 with one line and runs nothing; a failing cell exits 1 naming the chapter, the
cell and the error; an interrupt leaves the previous site and notebooks intact; default builds
are byte-identical; changing one parameter re-executes that chapter only.
"""
from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time

import nbformat
import pytest

from supercycle.build import run as B
from supercycle.build.params import make_plan
from supercycle.build.registry import CHAPTERS

from conftest import cli, fake_site, kill_tree, run, snapshot


def _first_param(kind: str):
    for ch in CHAPTERS:
        for p in ch.params:
            if p.type == kind:
                return ch, p
    return None, None


CH_F, P_F = _first_param("float")
needs_float = pytest.mark.skipif(P_F is None, reason="no chapter declares a float parameter yet")


def _bad_inputs():
    cases = [
        ("unknown chapter", ["build", "--set", "nochapter.x=1"], ["nochapter", "allowed:"]),
        ("unknown scenario", ["build", "--scenario", "nosuch"], ["nosuch", "allowed:", "base"]),
        ("bad jobs", ["build", "--jobs", "0"], ["--jobs", "allowed:"]),
        ("run unknown chapter", ["run", "nochapter"], ["nochapter", "allowed:"]),
        ("params unknown chapter", ["params", "nochapter"], ["nochapter", "allowed:"]),
    ]
    if P_F is not None:
        k, n = CH_F.key, P_F.name
        above = (P_F.max or 0) * 10 + 1 if P_F.max and P_F.max > 0 else (P_F.max or 0) + 1e6
        cases += [
            ("unknown parameter", ["build", "--set", f"{k}.no_such_param=1"], [k, "no_such_param", "allowed:"]),
            ("wrong type", ["build", "--set", f"{k}.{n}=abc"], [k, n, "abc", "allowed:"]),
            ("out of range", ["build", "--set", f"{k}.{n}={above:g}"], [k, n, f"{above:g}", "allowed:"]),
            ("nan", ["build", "--set", f"{k}.{n}=nan"], [k, n, "nan", "allowed:"]),
            ("infinity", ["build", "--set", f"{k}.{n}=inf"], [k, n, "inf", "allowed:"]),
            ("code", ["build", "--set", f"{k}.{n}=__import__('os').system('true')"], [k, n, "__import__", "allowed:"]),
            ("run: wrong type", ["run", k, "--set", f"{n}=abc"], [k, n, "abc", "allowed:"]),
            ("malformed yaml", ["build", "--scenario", "broken"], ["broken", "not valid YAML"]),
            ("yaml value out of range", ["build", "--scenario", "toohigh"], [k, n, "allowed:"]),
        ]
    cases += [  # issue 19
        ("low above high", ["build", "--set", "hbm_competition.capex_low_krw_trn=150",
                            "--set", "hbm_competition.capex_high_krw_trn=5"],
         ["capex_low_krw_trn = 150", "capex_high_krw_trn = 5", "allowed:"]),
        ("start after end", ["build", "--set", "hbf.hbf_market_start_year=2037", "--set", "hbf.crossover_year=2030"],
         ["hbf_market_start_year = 2037", "crossover_year = 2030", "allowed:"]),
        ("multiples reversed", ["build", "--set", "hbf.hbf_multiple_low=64", "--set", "hbf.hbf_multiple_high=1"],
         ["hbf_multiple_low = 64", "hbf_multiple_high = 1", "allowed:"]),
        ("run: another chapter's prefix", ["run", "hbf", "--set", "streamdq.batch=3"], ["streamdq", "hbf", "allowed:"]),
        ("run: unknown prefix", ["run", "hbf", "--set", "nosuch.batch=3"], ["nosuch", "allowed:"]),
        ("same --set twice", ["build", "--set", "hbf.batch=3", "--set", "hbf.batch=4"], ["hbf.batch", "twice"]),
        ("duplicate yaml key", ["build", "--scenario", "dupkeys"], ["dupkeys", "twice"]),
        ("bytes that are not text", ["build", "--scenario", "bytes"], ["bytes", "not UTF-8"]),
        ("a folder named like a scenario", ["build", "--scenario", "folder"], ["folder", "no such scenario"]),
        ("fullwidth digits", ["build", "--set", "hbf.batch=３２"], ["hbf.batch", "ASCII digits", "allowed:"]),
        ("a 10 KB value", ["build", "--set", "hbf.batch=" + "9" * 10_000], ["hbf.batch", "(10000 characters)"]),
    ]
    return cases


@pytest.mark.parametrize("name, args, expected", _bad_inputs(), ids=[c[0] for c in _bad_inputs()])
def test_bad_input_exits_2_with_one_line_and_runs_nothing(project, name, args, expected):
    (project / "params" / "broken.yaml").write_text("memory_supercycle: {x: [1,\n")
    if P_F is not None:
        above = (P_F.max or 0) * 10 + 1
        (project / "params" / "toohigh.yaml").write_text(f"{CH_F.key}:\n  {P_F.name}: {above}\n")
    (project / "params" / "dupkeys.yaml").write_text("hbf:\n  batch: 3\n  batch: 4\n")
    (project / "params" / "bytes.yaml").write_bytes(b"\xff\xfe")
    (project / "params" / "folder.yaml").mkdir()
    fake_site(project)
    before = snapshot(project)
    res = cli(project, *args, timeout=120)
    assert res.returncode == 2, res.stderr
    lines = [l for l in res.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and len(lines[0]) < 600, res.stderr
    for word in expected:
        assert word in lines[0], (word, lines[0])
    assert snapshot(project) == before
    leftovers = [p.name for p in (project / "_build").iterdir() if p.name != "html"]
    assert leftovers == [], "nothing ran, so nothing was staged or cached"


def test_params_lists_every_declared_parameter(project):
    res = cli(project, "params", timeout=120)
    assert res.returncode == 0
    for ch in CHAPTERS:
        assert ch.key in res.stdout
        for p in ch.params:
            assert re.search(rf"\b{p.name}\b.*{re.escape(p.allowed())}", res.stdout), p.name


def _chapter_that_runs_fast():
    chapters = CHAPTERS
    return min(chapters, key=lambda c: c.path.stat().st_size) if chapters else None


@needs_float
def test_failing_cell_exits_1_naming_chapter_cell_and_error_and_keeps_the_notebook(project):
    # With a parameter set, papermill injects a cell: the cell number must still be the author's.
    path = project / "chapters" / CH_F.notebook
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("raise ValueError('deliberate failure for the test')"))
    nbformat.write(nb, path)
    fake_site(project)
    before = snapshot(project)
    value = min(max(P_F.default * 0.5 if P_F.default else 1, P_F.min), P_F.max)
    res = cli(project, "run", CH_F.key, "--jobs", "2", "--set", f"{P_F.name}={value}")
    assert res.returncode == 1, res.stderr
    failure = next(l for l in res.stderr.splitlines() if "build failed" in l)
    assert CH_F.key in failure and f"cell {len(nb.cells) - 1}" in failure, failure
    assert "ValueError: deliberate failure for the test" in failure
    kept = project / "_build" / "failed" / CH_F.notebook
    assert f"_build/failed/{CH_F.notebook}" in res.stderr and kept.exists()
    assert "deliberate failure" in kept.read_text()
    assert snapshot(project) == before, "a failed build replaces nothing"
    assert not list((project / "_build").glob(".staging-*"))


def test_a_notebook_outside_the_table_of_contents_is_an_error(project):
    extra = project / "chapters" / "99_extra.ipynb"
    extra.write_text(nbformat.writes(nbformat.v4.new_notebook()))
    res = cli(project, "build", "--no-site", timeout=120)
    assert res.returncode == 2 and "chapters/99_extra.ipynb is not listed in _toc.yml" in res.stderr, res.stderr
    toc = project / "_toc.yml"
    toc.write_text(toc.read_text() + "      - file: chapters/99_extra\n")
    # listed, but without its parameter declaration supercycle/chapters/extra.py
    res = cli(project, "build", "--no-site", timeout=120)
    assert res.returncode == 2 and "supercycle/chapters/extra.py" in res.stderr, res.stderr
    res = cli(project, "params", timeout=120)  # listing the parameters says the same, no traceback
    assert res.returncode == 2 and "supercycle/chapters/extra.py" in res.stderr and "Traceback" not in res.stderr, res.stderr
    extra.unlink()  # listed, but no file at all
    res = cli(project, "build", "--no-site", timeout=120)
    assert res.returncode == 2 and "_toc.yml lists chapters/99_extra" in res.stderr, res.stderr


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_interrupting_a_build_keeps_the_previous_site(project, sig):
    if not CHAPTERS:
        pytest.skip("no chapter yet")
    fake_site(project)
    before = snapshot(project)
    env = dict(os.environ, PYTHONHASHSEED="0")
    proc = subprocess.Popen([sys.executable, "-m", "supercycle", "build", "--no-cache", "--jobs", "2"],
                            cwd=project, env=env, stderr=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True, start_new_session=True)
    try:  # on every way out (a timeout, a failed assertion), the build and its kernels are killed
        # wait until a chapter is executing (read in a thread: a silent child cannot hang the
        # test), then interrupt the whole process group (as a terminal does)
        lines: queue.Queue = queue.Queue()
        reader = threading.Thread(target=lambda: [lines.put(l) for l in proc.stderr], daemon=True)
        reader.start()
        deadline, seen = time.monotonic() + 120, ""
        while "start" not in seen and time.monotonic() < deadline:
            try:
                seen += lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
        assert "start" in seen, seen
        time.sleep(1.5)
        if sig == signal.SIGINT:
            os.killpg(proc.pid, sig)
        else:
            proc.send_signal(sig)
        proc.wait(timeout=120)
        reader.join(timeout=10)
        err = "".join(lines.queue)
        assert proc.returncode == (143 if sig == signal.SIGTERM else 130), seen + err
        assert "interrupted" in err
        assert snapshot(project) == before
        time.sleep(2)
        assert not list((project / "_build").glob(".staging-*"))
        import psutil
        left = []
        for p in psutil.process_iter(["cmdline", "cwd"]):
            try:
                if p.info["cwd"] and str(project) in p.info["cwd"]:
                    left.append(" ".join(p.info["cmdline"] or []))
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                pass
        assert left == [], f"processes left running: {left}"
    finally:
        kill_tree(proc)


def test_two_default_builds_give_identical_notebooks(project):
    if not CHAPTERS:
        pytest.skip("no chapter yet")
    runs = []
    for _ in range(2):
        res = cli(project, "build", "--no-cache", "--no-site", "--jobs", "2")
        assert res.returncode == 0, res.stderr
        runs.append({p.name: p.read_bytes() for p in sorted((project / "chapters").glob("*.ipynb"))})
    assert runs[0].keys() == runs[1].keys() and runs[0]
    for name in runs[0]:
        text0 = runs[0][name].decode()
        for bad, why in [(str(project), "an absolute path"), ("start_time", "a papermill timestamp"),
                         ("end_time", "a papermill timestamp")]:
            assert bad not in text0, f"{name} holds {why}"
        assert not re.search(r" at 0x[0-9a-f]{6,}", text0), f"{name} holds a memory address"
        # no chapter carries a live measurement (chapter 5 reads data/measurements/streamdq_cpu.json,
        # written on purpose by `python -m supercycle measure`): two builds write the same bytes
        assert runs[0][name] == runs[1][name], f"{name} differs between two builds"


def test_changing_one_parameter_reexecutes_that_chapter_only(project):
    if P_F is None:
        pytest.skip("no float parameter yet")
    first = cli(project, "build", "--no-site", "--jobs", "2")
    assert first.returncode == 0, first.stderr
    before = snapshot(project)
    again = cli(project, "build", "--no-site")
    assert again.returncode == 0 and "start" not in again.stderr, again.stderr  # nothing re-executed
    value = P_F.default * 0.5 if P_F.default else (P_F.max or 1) / 2
    value = min(max(value, P_F.min), P_F.max)
    res = cli(project, "build", "--no-site", "--jobs", "2", "--set", f"{CH_F.key}.{P_F.name}={value}")
    assert res.returncode == 0, res.stderr
    started = re.findall(r"start\s+(\w+)", res.stderr)
    assert started == [CH_F.key], res.stderr
    assert snapshot(project) == before, "a non-default build never touches chapters/"
    slug = make_plan("base", [f"{CH_F.key}.{P_F.name}={value}"]).slug
    out = project / "_build" / "scenarios" / slug / "chapters" / CH_F.notebook
    nb = nbformat.read(out, as_version=4)
    assert nb.metadata["supercycle"]["parameters"] == {P_F.name: value}
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and "remove-cell" in injected[0].metadata["tags"]
    # Issue 18: editing a bull value re-executes the chapters that show it (the build passes the
    # bear and bull values in), and only those: chapter 4's bull values are shown by chapter 2.
    bull = project / "params" / "bull.yaml"
    bull.write_text(bull.read_text() + "# a comment changes no value\n")
    res = cli(project, "build", "--no-site", "--jobs", "2")
    assert res.returncode == 0 and "start" not in res.stderr, res.stderr
    bull.write_text(bull.read_text().replace("usd_per_gb_hbm4: 18.0", "usd_per_gb_hbm4: 17.0"))
    res = cli(project, "build", "--no-site", "--jobs", "2")
    assert res.returncode == 0, res.stderr
    assert re.findall(r"start\s+(\w+)", res.stderr) == ["hbm_competition"], res.stderr


def test_papermill_direct_bad_and_unknown_parameters_give_one_line(tmp_path):
    """README: papermill used directly fails with the same one-line message."""
    if P_F is None:
        pytest.skip("no float parameter yet")
    above = (P_F.max or 0) * 10 + 1
    env = dict(os.environ, PYTHONHASHSEED="0")
    papermill = os.path.join(os.path.dirname(sys.executable), "papermill")
    for args, words in ([["-p", P_F.name, f"{above:g}"], [f"{CH_F.key}.{P_F.name}", "allowed:"]],
                        [["-p", "nosuch", "1"], [f"{CH_F.key}.nosuch", "unknown parameter"]]):
        res = run([papermill, CH_F.notebook, str(tmp_path / "out.ipynb"), "--no-progress-bar", *args],
                  cwd=CH_F.path.parent, env=env, timeout=300)
        assert res.returncode != 0, res.stderr
        lines = [l for l in res.stderr.splitlines()
                 if l.strip() and not l.startswith(("Input Notebook", "Output Notebook", "[IPKernelApp]", "Executing", "Passed unknown parameter"))]
        assert len(lines) == 1 and lines[0].startswith("papermill: ParamError: "), res.stderr
        for word in words:
            assert word in lines[0], (word, lines[0])
        out = nbformat.read(tmp_path / "out.ipynb", as_version=4)
        tracebacks = [o.traceback for c in out.cells for o in c.get("outputs", []) if o.output_type == "error"]
        assert len(tracebacks) == 1 and len(tracebacks[0]) == 1, tracebacks  # one line in the notebook too
    # a good value, with no `scenarios` injected: the chapter reads the scenario files itself
    value = min(max(P_F.default * 0.5 if P_F.default else 1, P_F.min), P_F.max)
    res = run([papermill, CH_F.notebook, str(tmp_path / "good.ipynb"), "--no-progress-bar", "-p", P_F.name, f"{value:g}"],
              cwd=CH_F.path.parent, env=env, timeout=300)
    assert res.returncode == 0, res.stderr
    assert f"(changed; default {P_F.default:g})" in (tmp_path / "good.ipynb").read_text()


def test_params_into_a_closed_pipe_says_nothing(project):
    read, write = os.pipe()
    os.close(read)
    try:
        res = run([sys.executable, "-m", "supercycle", "params"], cwd=project, stdout=write, timeout=120)
    finally:
        os.close(write)
    assert "Traceback" not in res.stderr and "BrokenPipeError" not in res.stderr, res.stderr


def test_every_option_of_run_and_build_has_help():
    from supercycle.build.cli import parser
    sub = next(a for a in parser()._actions if a.dest == "command")
    for command in ("run", "build", "params"):
        for action in sub.choices[command]._actions:
            assert action.help, (command, action.option_strings or action.dest)


@pytest.mark.parametrize("rebuilt", [True, False])
def test_the_site_is_reported_once_and_never_as_built_when_unchanged(monkeypatch, capsys, tmp_path, rebuilt):
    from supercycle.build import run as build_module, cli

    def fake_build(plan, jobs, use_cache, site, force):
        return tmp_path, rebuilt
    monkeypatch.setattr(build_module, "build", fake_build)
    monkeypatch.setattr(cli, "check_layout", lambda: [])
    assert cli.main(["build", "--jobs", "1"]) == 0
    out = capsys.readouterr()
    text = out.out + out.err
    assert text.count("site built in") == (1 if rebuilt else 0), text
    assert ("site unchanged" in text) == (not rebuilt)
    assert "--bind 127.0.0.1" in text


def test_an_unchanged_book_keeps_its_site_and_an_edited_page_rebuilds_it(project):
    # The no-change rebuild is a second because the site is kept when the staged book and the
    # pins (which fix the Vega bundle, made only for a rebuilt site) are unchanged.
    html = project / "_build" / "html"
    first = cli(project, "build", "--jobs", "2")
    assert first.returncode == 0 and "site built in" in first.stdout, first.stderr
    assert "window.vegaEmbed" in (html / "_static" / "vega-bundle.js").read_text()
    site = {p: p.read_bytes() for p in html.rglob("*") if p.is_file()}
    again = cli(project, "build")
    assert again.returncode == 0 and "site unchanged in" in again.stdout, again.stderr
    assert {p: p.read_bytes() for p in html.rglob("*") if p.is_file()} == site
    page = project / "chapters" / "a2_glossary.md"
    page.write_text(page.read_text() + "\nA sentence added by the test.\n")
    third = cli(project, "build")
    assert third.returncode == 0 and "site built in" in third.stdout, third.stderr
    assert "A sentence added by the test." in (html / "chapters" / "a2_glossary.html").read_text()
    assert "window.vegaEmbed" in (html / "_static" / "vega-bundle.js").read_text()


def test_measure_is_passed_its_arguments(monkeypatch):
    import supercycle.chapters.streamdq_measure
    from supercycle.build import cli
    seen = []
    monkeypatch.setattr(supercycle.chapters.streamdq_measure, "main", lambda argv=None: seen.append(argv) or 0, raising=False)
    assert cli.main(["measure", "--out", "x.csv"]) == 0
    assert seen == [["--out", "x.csv"]]


def test_a_command_that_times_out_leaves_no_process_behind(tmp_path):
    """conftest.run, which every test here uses for builds and papermill: on a timeout the command,
    its process group and its descendants in sessions of their own (as Jupyter kernels are) die."""
    import psutil
    pids = tmp_path / "pids"
    script = ("import os, subprocess, sys, time\n"
              "a = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])\n"
              "b = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'], start_new_session=True)\n"
              f"open({str(pids)!r}, 'w').write(f'{{os.getpid()}} {{a.pid}} {{b.pid}}')\n"
              "time.sleep(600)\n")
    with pytest.raises(subprocess.TimeoutExpired):
        run([sys.executable, "-c", script], timeout=5)
    alive = [pid for pid in map(int, pids.read_text().split())
             if psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE]
    assert alive == []
