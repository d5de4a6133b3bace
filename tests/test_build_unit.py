"""Units of the build pipeline: cache keys, notebook normalisation, the build-info block, swaps."""
from types import SimpleNamespace

import nbformat
import pytest

from supercycle.build import run as B
from supercycle.build.params import make_plan


NOTEBOOK_CODE = ["from supercycle import m", "a = 1", "print(m.X, a)"]


def _notebook(code):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# T")] + [nbformat.v4.new_code_cell(c) for c in code]
    nb.cells[2].metadata["tags"] = ["parameters"]
    return nb


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A miniature project: data/, a package whose module m imports n, pins, scenario files."""
    files = {"data/a.csv": "x\n1\n", "supercycle/__init__.py": "", "supercycle/m.py": "from .n import Y\nX = 1\n",
             "supercycle/n.py": "Y = 1\n", "supercycle/unused.py": "Z = 1\n", "supercycle/build/params.py": "P = 1\n",
             "supercycle/chapters/__init__.py": "", "supercycle/chapters/ch.py": "class Params: ...\n",
             "supercycle/chapters/other.py": "class Params: ...\n",
             "requirements.txt": "pandas==3.1.1\n", "params/bull.yaml": "ch: {a: 2}\n"}
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    (tmp_path / "ch.ipynb").write_text(nbformat.writes(_notebook(NOTEBOOK_CODE)))
    monkeypatch.setattr(B, "ROOT", tmp_path)
    return SimpleNamespace(root=tmp_path, chapter=SimpleNamespace(key="ch", path=tmp_path / "ch.ipynb"))


def key(project, values=None):
    return B.cache_key(project.chapter, values or {"a": 1})


def test_cache_key_is_stable(project):
    assert key(project) == key(project)


def test_cache_key_ignores_outputs_and_injected_parameters(project):
    before = key(project)
    nb = nbformat.read(project.chapter.path, as_version=4)
    nb.cells[2].outputs = [nbformat.v4.new_output("stream", text="1\n")]
    nb.cells[2].execution_count = 7
    nb.cells.insert(2, nbformat.v4.new_code_cell("a = 2", metadata={"tags": ["injected-parameters"]}))
    project.chapter.path.write_text(nbformat.writes(nb))
    assert key(project) == before


def _edit(project, change):
    r = project.root
    if change == "data":
        (r / "data" / "a.csv").write_text("x\n2\n")
    elif change == "new_data_file":
        (r / "data" / "b.csv").write_text("y\n")
    elif change == "imported_module":
        (r / "supercycle" / "m.py").write_text("from .n import Y\nX = 2\n")
    elif change == "module_imported_by_an_imported_module":
        (r / "supercycle" / "n.py").write_text("Y = 2\n")
    elif change == "package_init":
        (r / "supercycle" / "__init__.py").write_text("# changed\n")
    elif change == "own_declaration":
        (r / "supercycle" / "chapters" / "ch.py").write_text("class Params: ...  # changed\n")
    elif change == "pins":
        (r / "requirements.txt").write_text("pandas==3.1.2\n")
    elif change in ("source", "tags"):
        nb = nbformat.read(project.chapter.path, as_version=4)
        if change == "source":
            nb.cells[3].source = "print(m.X + 1)"
        else:
            nb.cells[3].metadata["tags"] = ["remove-input"]
        project.chapter.path.write_text(nbformat.writes(nb))
    elif change == "unused_module":
        (r / "supercycle" / "unused.py").write_text("Z = 2\n")
    elif change == "build_tooling":
        (r / "supercycle" / "build" / "params.py").write_text("P = 2  # the build itself\n")
    elif change == "scenario_file":
        (r / "params" / "bull.yaml").write_text("ch: {a: 3}\n")
    elif change == "other_declaration":
        (r / "supercycle" / "chapters" / "other.py").write_text("class Params: ...  # changed\n")
    elif change == "bytecode":
        (r / "supercycle" / "__pycache__").mkdir()
        (r / "supercycle" / "__pycache__" / "m.cpython-311.pyc").write_bytes(b"\0\1")


@pytest.mark.parametrize("change", ["data", "new_data_file", "imported_module", "module_imported_by_an_imported_module",
                                    "package_init", "own_declaration", "pins", "source", "tags", "values"])
def test_cache_key_changes_with_everything_the_chapter_reads(project, change):
    before = key(project)
    _edit(project, change)
    assert key(project, {"a": 2} if change == "values" else None) != before


@pytest.mark.parametrize("change", ["unused_module", "build_tooling", "scenario_file", "other_declaration", "bytecode"])
def test_cache_key_ignores_what_the_chapter_does_not_read(project, change):
    before = key(project)
    _edit(project, change)
    assert key(project) == before


def test_the_scenario_values_a_chapter_shows_are_part_of_its_key(project):
    # Issue 18: chapters 01, 02 and 07 show the bear and bull values; the build passes them in as
    # `scenarios` with the parameter values, so a changed bull value re-keys the chapter.
    shown = {"scenarios": {"bull": {"ch": {"a": 2}}}}
    before = key(project, {"a": 1, **shown})
    assert key(project, {"a": 1, "scenarios": {"bull": {"ch": {"a": 3}}}}) != before
    assert key(project, {"a": 1, **shown}) == before


def test_editing_a_scenario_file_changes_what_the_build_passes_to_the_chapters_that_show_it(tmp_path, monkeypatch):
    from supercycle.build import params as P
    for name in ("base", "bear", "bull"):
        (tmp_path / f"{name}.yaml").write_text((P.PARAMS_DIR / f"{name}.yaml").read_text())
    monkeypatch.setattr(P, "PARAMS_DIR", tmp_path)
    before = make_plan()
    bull = tmp_path / "bull.yaml"
    bull.write_text(bull.read_text().replace("vr_units_2027: 150000", "vr_units_2027: 160000"))
    after = make_plan()
    rekeyed = [k for k in before.values if {**before.values[k], **before.scenarios(k)} != {**after.values[k], **after.scenarios(k)}]
    assert rekeyed == ["memory_supercycle"]  # the only chapter that shows chapter 1's bull values
    assert after.scenarios("memory_supercycle")["scenarios"]["bull"]["memory_supercycle"]["vr_units_2027"] == 160000


def test_a_cell_that_cannot_be_parsed_keys_on_the_whole_package(project):
    nb = _notebook(NOTEBOOK_CODE + ["from supercycle import (  # not python"])
    project.chapter.path.write_text(nbformat.writes(nb))
    before = key(project)
    _edit(project, "unused_module")
    assert key(project) != before


def test_magics_do_not_hide_imports(project):
    nb = _notebook(["%matplotlib inline\nfrom supercycle import m", "a = 1"])
    project.chapter.path.write_text(nbformat.writes(nb))
    before = key(project)
    _edit(project, "imported_module")
    assert key(project) != before


def _stamped(project, tmp_path, k):
    nb = nbformat.read(project.chapter.path, as_version=4)
    nb.cells[3].outputs = [nbformat.v4.new_output("stream", text="1 1\n")]
    B.normalize(nb, "ch", k, {})
    out = tmp_path / "stamped.ipynb"
    nbformat.write(nb, out)
    return out


def test_a_notebook_the_build_wrote_is_reused(project, tmp_path):
    k = key(project)
    out = _stamped(project, tmp_path, k)
    assert B.cached_notebook(k, [tmp_path / "absent.ipynb", out]) == out
    assert B.cached_notebook("another key", [out]) is None


@pytest.mark.parametrize("how", ["papermill_metadata", "outputs", "error"])
def test_a_notebook_executed_outside_the_build_is_not_reused(project, tmp_path, how):
    # `papermill 03_hbf.ipynb 03_hbf.ipynb` keeps the build's stamp but rewrites the outputs and
    # adds its own metadata: the next build must execute the chapter again (issue 19).
    k = key(project)
    out = _stamped(project, tmp_path, k)
    nb = nbformat.read(out, as_version=4)
    if how == "papermill_metadata":
        nb.metadata["papermill"] = {"input_path": "ch.ipynb", "output_path": "ch.ipynb"}
    elif how == "outputs":
        nb.cells[3].outputs[0]["text"] = '<div id="altair-viz-0123456789abcdef0123456789abcdef"></div>'
    else:
        nb.cells[3].outputs = [nbformat.v4.new_output("error", ename="E", evalue="x", traceback=[])]
    nbformat.write(nb, out)
    assert B.cached_notebook(k, [out]) is None


def test_say_once_groups_chapters_with_the_same_error():
    text = B._say_once([("a", 3, "DataError: bad row"), ("b", 5, "DataError: bad row"), ("c", None, "E: x")])
    assert text == "chapters a (cell 3), b (cell 5): DataError: bad row; chapter c (before any cell ran): E: x"
    assert text.count("bad row") == 1


def _executed_notebook():
    nb = nbformat.v4.new_notebook()
    nb.metadata["papermill"] = {"input_path": "/abs/in.ipynb", "output_path": "/abs/out.ipynb",
                                "start_time": "2026-01-01T00:00:00", "duration": 1.5}
    html = '<div id="altair-viz-0123456789abcdef0123456789abcdef"></div><script>"altair-viz-0123456789abcdef0123456789abcdef"</script>'
    html2 = '<div id="altair-viz-fedcba9876543210fedcba9876543210"></div>'
    c1 = nbformat.v4.new_code_cell("a = 2", metadata={"tags": ["injected-parameters"],
                                                        "papermill": {"start_time": "x", "duration": 0.1},
                                                        "execution": {"iopub.execute_input": "t"}})
    c2 = nbformat.v4.new_code_cell("chart", metadata={"papermill": {"status": "completed"}})
    c2.outputs = [nbformat.v4.new_output("display_data", data={"text/html": html}),
                  nbformat.v4.new_output("display_data", data={"text/html": [html2, html]})]
    nb.cells = [c1, c2]
    return nb


def test_normalize_strips_timings_paths_and_random_ids():
    nb = _executed_notebook()
    B.normalize(nb, "hbf", "k123", {"a": 2})
    text = nbformat.writes(nb)
    for gone in ("start_time", "duration", "/abs/", "iopub", "0123456789abcdef", "fedcba98"):
        assert gone not in text
    stamp = nb.metadata["supercycle"]
    assert {k: stamp[k] for k in ("cache_key", "chapter", "parameters")} == {"cache_key": "k123", "chapter": "hbf", "parameters": {"a": 2}}
    # one id per chart, numbered in order of first appearance, the same id wherever it recurs
    first = nb.cells[1].outputs[0]["data"]["text/html"]
    assert first.count("altair-viz-hbf-1") == 2
    assert nb.cells[1].outputs[1]["data"]["text/html"][0].count("altair-viz-hbf-2") == 1
    assert nb.cells[1].outputs[1]["data"]["text/html"][1].count("altair-viz-hbf-1") == 2
    assert "remove-cell" in nb.cells[0].metadata["tags"]
    assert [c["id"] for c in nb.cells] == ["cell-0", "cell-1"]


def test_normalize_is_idempotent():
    nb = _executed_notebook()
    B.normalize(nb, "hbf", "k", {})
    once = nbformat.writes(nb)
    B.normalize(nb, "hbf", "k", {})
    assert nbformat.writes(nb) == once


def test_build_info_names_the_scenario_and_changed_parameters():
    from supercycle.cite import build_info_markdown
    assert "Scenario **base**, every chapter at its declared defaults" in build_info_markdown(make_plan())
    bull = make_plan("bull")
    text = build_info_markdown(bull)
    assert "Scenario **bull**" in text and bull.slug in text
    for ck, vals in bull.changed().items():
        for name in vals:
            assert f"| {ck} | `{name}` |" in text


def test_swap_dir_replaces_and_cleans_up(tmp_path):
    dest = tmp_path / "html"
    dest.mkdir()
    (dest / "old.txt").write_text("old")
    new = tmp_path / "new"
    new.mkdir()
    (new / "index.html").write_text("new")
    B.swap_dir(new, dest)
    assert (dest / "index.html").read_text() == "new" and not (dest / "old.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["html"]


def test_targets_of_default_and_scenario_builds():
    chapters, html = B.targets(make_plan())
    assert chapters == B.ROOT / "chapters" and html == B.ROOT / "_build" / "html"
    chapters, html = B.targets(make_plan("bull"))
    assert chapters.parent.name == "bull" and html == B.ROOT / "_build" / "scenarios" / "bull" / "html"


def test_no_chapter_reads_the_build_tooling():
    """Issue 18: an edit to the build tooling must not re-key (and so rewrite) every chapter. The
    chapters and the helpers they import reach no module of supercycle/build/ (a notebook run by
    hand looks the scenario reader up by name, only when the build did not inject `scenarios`)."""
    from supercycle import ROOT
    from supercycle.build.registry import CHAPTERS
    for ch in CHAPTERS:
        inputs = [p.relative_to(ROOT).as_posix() for p in B.chapter_inputs(ch)]
        assert not [p for p in inputs if p.startswith("supercycle/build/")], (ch.key, inputs)
        assert f"supercycle/chapters/{ch.key}.py" in inputs
