"""Units of the build pipeline: cache keys, notebook normalisation, the build-info block, swaps."""
from types import SimpleNamespace

import nbformat
import pytest

from supercycle import build as B
from supercycle.params import make_plan


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A miniature project: data/, the package source and pins, as the cache key reads them."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.csv").write_text("x\n1\n")
    (tmp_path / "supercycle").mkdir()
    (tmp_path / "supercycle" / "m.py").write_text("X = 1\n")
    (tmp_path / "requirements.txt").write_text("pandas==3.1.1\n")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# T"),
                nbformat.v4.new_code_cell("a = 1", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("print(a)")]
    (tmp_path / "ch.ipynb").write_text(nbformat.writes(nb))
    monkeypatch.setattr(B, "ROOT", tmp_path)
    return SimpleNamespace(root=tmp_path, chapter=SimpleNamespace(path=tmp_path / "ch.ipynb"))


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


@pytest.mark.parametrize("change", ["data", "package", "pins", "source", "tags", "values", "new_data_file"])
def test_cache_key_changes_with_every_input(project, change):
    before = key(project)
    r = project.root
    values = None
    if change == "data":
        (r / "data" / "a.csv").write_text("x\n2\n")
    elif change == "new_data_file":
        (r / "data" / "b.csv").write_text("y\n")
    elif change == "package":
        (r / "supercycle" / "m.py").write_text("X = 2\n")
    elif change == "pins":
        (r / "requirements.txt").write_text("pandas==3.1.2\n")
    elif change in ("source", "tags"):
        nb = nbformat.read(project.chapter.path, as_version=4)
        if change == "source":
            nb.cells[2].source = "print(a + 1)"
        else:
            nb.cells[2].metadata["tags"] = ["remove-input"]
        project.chapter.path.write_text(nbformat.writes(nb))
    elif change == "values":
        values = {"a": 2}
    assert key(project, values) != before


def test_cache_key_ignores_bytecode(project):
    before = key(project)
    (project.root / "supercycle" / "__pycache__").mkdir()
    (project.root / "supercycle" / "__pycache__" / "m.cpython-311.pyc").write_bytes(b"\0\1")
    assert key(project) == before


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
    assert nb.metadata["supercycle"] == {"cache_key": "k123", "chapter": "hbf", "parameters": {"a": 2}}
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
    assert "Scenario **base**, every chapter at its declared defaults" in B.build_info_markdown(make_plan())
    bull = make_plan("bull")
    text = B.build_info_markdown(bull)
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
