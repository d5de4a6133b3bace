"""The build CLI end to end, on disposable copies of the project.

Bad input exits 2 with one line and runs nothing; a failing cell exits 1 naming the chapter, the
cell and the error; an interrupt leaves the previous site and notebooks intact; default builds
are byte-identical; changing one parameter re-executes that chapter only.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import nbformat
import pytest

from supercycle.params import make_plan
from supercycle.registry import existing_chapters

from conftest import blank_measurements, cli, fake_site, snapshot


def _first_param(kind: str):
    for ch in existing_chapters():
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
    return cases


@pytest.mark.parametrize("name, args, expected", _bad_inputs(), ids=[c[0] for c in _bad_inputs()])
def test_bad_input_exits_2_with_one_line_and_runs_nothing(project, name, args, expected):
    (project / "params" / "broken.yaml").write_text("memory_supercycle: {x: [1,\n")
    if P_F is not None:
        above = (P_F.max or 0) * 10 + 1
        (project / "params" / "toohigh.yaml").write_text(f"{CH_F.key}:\n  {P_F.name}: {above}\n")
    fake_site(project)
    before = snapshot(project)
    res = cli(project, *args, timeout=120)
    assert res.returncode == 2, res.stderr
    lines = [l for l in res.stderr.splitlines() if l.strip()]
    assert len(lines) == 1, res.stderr
    for word in expected:
        assert word in lines[0], (word, lines[0])
    assert snapshot(project) == before
    leftovers = [p.name for p in (project / "_build").iterdir() if p.name != "html"]
    assert leftovers == [], "nothing ran, so nothing was staged or cached"


def test_params_lists_every_declared_parameter(project):
    res = cli(project, "params", timeout=120)
    assert res.returncode == 0
    for ch in existing_chapters():
        assert ch.key in res.stdout
        for p in ch.params:
            assert re.search(rf"\b{p.name}\b.*{re.escape(p.allowed())}", res.stdout), p.name


def _chapter_that_runs_fast():
    chapters = existing_chapters()
    return min(chapters, key=lambda c: c.path.stat().st_size) if chapters else None


def test_failing_cell_exits_1_naming_chapter_cell_and_error(project):
    ch = _chapter_that_runs_fast()
    if ch is None:
        pytest.skip("no chapter yet")
    path = project / "chapters" / ch.notebook
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("raise ValueError('deliberate failure for the test')"))
    nbformat.write(nb, path)
    fake_site(project)
    before = snapshot(project)
    res = cli(project, "run", ch.key, "--jobs", "2")
    assert res.returncode == 1, res.stderr
    last = res.stderr.strip().splitlines()
    failure = next(l for l in last if "build failed" in l)
    assert ch.key in failure and f"cell {len(nb.cells) - 1}" in failure
    assert "ValueError: deliberate failure for the test" in failure
    assert snapshot(project) == before, "a failed build replaces nothing"
    assert not list((project / "_build").glob(".staging-*"))


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_interrupting_a_build_keeps_the_previous_site(project, sig):
    if not existing_chapters():
        pytest.skip("no chapter yet")
    fake_site(project)
    before = snapshot(project)
    env = dict(os.environ, PYTHONHASHSEED="0")
    proc = subprocess.Popen([sys.executable, "-m", "supercycle", "build", "--no-cache", "--jobs", "2"],
                            cwd=project, env=env, stderr=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True, start_new_session=True)
    # wait until a chapter is executing, then interrupt the whole process group (as a terminal does)
    deadline = time.monotonic() + 120
    seen = ""
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        seen += line
        if "start" in line:
            break
    assert "start" in seen, seen
    time.sleep(1.5)
    if sig == signal.SIGINT:
        os.killpg(proc.pid, sig)
    else:
        proc.send_signal(sig)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, seen + err
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


def test_two_default_builds_give_identical_notebooks(project):
    if not existing_chapters():
        pytest.skip("no chapter yet")
    runs = []
    for _ in range(2):
        res = cli(project, "build", "--no-cache", "--no-site", "--jobs", "2")
        assert res.returncode == 0, res.stderr
        runs.append({p.name: p.read_bytes() for p in sorted((project / "chapters").glob("*.ipynb"))})
    assert runs[0].keys() == runs[1].keys() and runs[0]
    for name in runs[0]:
        a = project / "chapters" / name
        text0 = runs[0][name].decode()
        for bad, why in [(str(project), "an absolute path"), ("start_time", "a papermill timestamp"),
                         ("end_time", "a papermill timestamp")]:
            assert bad not in text0, f"{name} holds {why}"
        assert not re.search(r" at 0x[0-9a-f]{6,}", text0), f"{name} holds a memory address"
        if runs[0][name] != runs[1][name]:
            # only measurement cells may differ
            tmp0 = project / f"_run0_{name}"
            tmp0.write_bytes(runs[0][name])
            assert blank_measurements(tmp0) == blank_measurements(a), f"{name} differs between two builds"


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
