"""bench/build.py: its arguments, the parameter values it picks and its report (fake timings).

The benchmark itself takes minutes and is not run here.
"""
from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

import pytest

from typing import Literal

from supercycle.declare import ChapterParams, check, param, specs


def _model(annotation, default, **bounds):
    return type("M", (ChapterParams,), {"__annotations__": {"x": annotation}, "KEY": "t",
                                        "x": param(default, "u", "test", **bounds)})


def _declared(annotation, default, **bounds):
    """The listed form (declare.Spec) of a one-parameter model, as bench reads a chapter's."""
    return specs(_model(annotation, default, **bounds))[0]

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("bench_build", ROOT / "bench" / "build.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)

COMMANDS = {"cold": "python -m supercycle build --no-cache", "nochange": "python -m supercycle build",
            "param": "python -m supercycle build --set x.y=1", "baseline": "jupyter-book build ."}


def test_arguments_default_and_validation(capsys):
    a = bench.parse_args([])
    assert (a.runs, a.jobs, a.out, a.keep, a.tracked_only) == (1, None, bench.DEFAULT_OUT, False, False)
    a = bench.parse_args(["-n", "3", "--jobs", "2", "--out", "x.md", "--keep"])
    assert (a.runs, a.jobs, a.out, a.keep) == (3, 2, Path("x.md"), True)
    for bad in (["-n", "0"], ["-n", "two"], ["--jobs", "-1"]):
        with pytest.raises(SystemExit):
            bench.parse_args(bad)
    assert "expected an integer >= 1" in capsys.readouterr().err


def test_report_targets_met(tmp_path):
    # medians: cold [50, 40, 60] -> 50; baseline 100; no-change 5; param [20].
    # cold / baseline = 50 / 100 = 0.5 <= 0.8: met; no-change / cold = 5 / 50 = 0.1 <= 0.15: met.
    timings = {"cold": [50.0, 40.0, 60.0], "nochange": [5.0, 4.0, 6.0], "param": [20.0, 20.0, 20.0],
               "baseline": [100.0, 90.0, 110.0]}
    out = tmp_path / "RESULTS.md"
    text = bench.write_report(out, timings, machine="Test CPU, 2 cores", date="2026-11-25 01:00 UTC",
                              commands=COMMANDS)
    assert out.read_text() == text
    assert "on 2026-11-25 01:00 UTC, median of 3 runs" in text and "Machine: Test CPU, 2 cores." in text
    assert "| cold build (empty cache) | `python -m supercycle build --no-cache` | 50.0 | 50.0, 40.0, 60.0 |" in text
    assert "| at most 0.80 | 0.500 | met |" in text
    assert "| at most 0.15 | 0.100 | met |" in text
    assert "NOT met" not in text
    # param / cold = 20 / 50 = 0.4; baseline / cold = 100 / 50 = 2x
    assert "One-parameter rebuild / cold build: 0.400" in text
    assert "over the baseline: 2.00x" in text


def test_report_targets_not_met_and_boundary():
    # cold / baseline = 90 / 100 = 0.9 > 0.8: NOT met; no-change / cold = 18 / 90 = 0.2 > 0.15: NOT met.
    text = bench.render_report({"cold": [90.0], "nochange": [18.0], "param": [30.0], "baseline": [100.0]},
                               machine="m", date="d", commands=COMMANDS)
    assert "| at most 0.80 | 0.900 | NOT met |" in text
    assert "| at most 0.15 | 0.200 | NOT met |" in text
    assert "median of 1 run each" in text
    # "at most" includes the limit: 80 / 100 = 0.8 and 12 / 80 = 0.15 are both met.
    s = bench.summarize({"cold": [80.0], "nochange": [12.0], "baseline": [100.0]})
    assert [t["met"] for t in s["targets"]] == [True, True]


def test_report_without_baseline_says_not_measured():
    text = bench.render_report({"cold": [10.0], "nochange": [1.0]}, machine="m", date="d", commands=COMMANDS)
    assert "| n/a | not measured |" in text
    assert "| at most 0.15 | 0.100 | met |" in text


def test_alternative_values_are_in_range_and_differ_from_default():
    # float in [-50, 150], default 33: the farther bound is 150 (117 away);
    # 2 values at 33 + 117 * 1/3 = 72 and 33 + 117 * 2/3 = 111.
    p = _declared(float, 33.0, ge=-50, le=150)
    assert bench.alternative_values(p, 2) == ["72", "111"]
    # int in [1, 4], default 3: up has only 4, down has 2 and 1 -> [2, 1].
    q = _declared(int, 3, ge=1, le=4)
    assert bench.alternative_values(q, 2) == ["2", "1"]
    assert bench.alternative_values(_declared(bool, True), 3) == ["false"]
    r = _declared(Literal["a", "b", "c"], "a")
    assert bench.alternative_values(r, 5) == ["b", "c"]
    for v in bench.alternative_values(p, 4):  # each is accepted by the parameter's own check
        assert check(_model(float, 33.0, ge=-50, le=150), {"x": v}).x != 33.0


def test_first_param_skips_chapters_without_parameters():
    @dataclass
    class Ch:
        key: str
        params: tuple

    a = _declared(int, 1, ge=0, le=5)
    b = _declared(int, 2, ge=0, le=5)
    assert bench.first_param([Ch("none", ()), Ch("two", (a, b))]) == ("two", a)
    with pytest.raises(SystemExit):
        bench.first_param([Ch("none", ())])


def test_baseline_copy_executes_itself_and_has_the_offline_chart_scripts(tmp_path):
    """The baseline copy's Jupyter Book executes every notebook, and its pages find the same
    offline Vega files the real build writes (a rename in supercycle.build.site broke this once,
    unseen until the benchmark ran)."""
    import yaml
    (tmp_path / "_config.yml").write_text("title: t\nexecute:\n  execute_notebooks: 'off'\n", encoding="utf-8")
    bench.make_baseline(tmp_path)
    assert yaml.safe_load((tmp_path / "_config.yml").read_text())["execute"]["execute_notebooks"] == "force"
    bundle = (tmp_path / "_static" / "vega-bundle.js").read_text(encoding="utf-8")
    assert "vegaEmbed" in bundle and len(bundle) > 100_000
    assert (tmp_path / "_static" / "vega-setup.js").read_text(encoding="utf-8").strip()
