"""Parameter declaration and validation, scenarios and overrides."""
import math

import nbformat
import pytest
import yaml

from supercycle.build import params as P
from supercycle.build.params import Param, ParamError
from supercycle.build.registry import CHAPTERS

RATE = Param("asp_growth", "float", 0.33, "fraction", "ASP growth", min=-0.5, max=2.0)
UNITS = Param("units", "int", 30000, "systems", "systems shipped", min=0, max=1_000_000)
FLAG = Param("show_all", "bool", False, "", "show everything")
MODEL = Param("model", "str", "llama-70b", "", "model shape", choices=("llama-8b", "llama-70b"))
LABEL = Param("label", "str", "base", "", "a free label")


@pytest.mark.parametrize("p, raw, expected", [
    (RATE, "0.5", 0.5), (RATE, 1, 1.0), (RATE, "-0.5", -0.5), (RATE, "2", 2.0), (RATE, "1e-1", 0.1),
    (UNITS, "100000", 100000), (UNITS, 5.0, 5), (UNITS, 0, 0),
    (FLAG, "true", True), (FLAG, "False", False), (FLAG, True, True),
    (MODEL, "llama-8b", "llama-8b"), (LABEL, "bull case 2", "bull case 2"),
])
def test_good_values_are_converted(p, raw, expected):
    got = p.check(raw, chapter="ch")
    assert got == expected and type(got) is type(expected)


@pytest.mark.parametrize("p, raw, why", [
    (RATE, "abc", "not a number"), (RATE, "nan", "not a number"), (RATE, float("nan"), "not finite"),
    (RATE, "inf", "not a number"), (RATE, math.inf, "not finite"), (RATE, "2.01", "above the maximum"),
    (RATE, -0.6, "below the minimum"), (RATE, True, "a boolean is not a number"), (RATE, [1], "not a number"),
    (UNITS, "1.5", "not an integer"), (UNITS, 2.5, "not an integer"), (UNITS, "-1", "below the minimum"),
    (FLAG, "yes", "not a boolean"), (FLAG, 1, "not a boolean"),
    (MODEL, "gpt-5", "not an allowed value"), (MODEL, 3, "not a string"),
    (LABEL, "__import__('os').system('rm -rf /')", "characters that are not allowed"),
    (LABEL, "a;b", "characters that are not allowed"), (LABEL, "x" * 65, "characters that are not allowed"),
])
def test_bad_values_name_chapter_param_value_and_rule(p, raw, why):
    with pytest.raises(ParamError) as exc:
        p.check(raw, chapter="ch")
    msg = str(exc.value)
    assert "\n" not in msg
    assert msg.startswith(f"ch.{p.name} = ")
    assert why in msg and "allowed:" in msg


def test_allowed_ranges_read_like_the_declaration():
    assert RATE.allowed() == "a finite number in [-0.5, 2]"
    assert UNITS.allowed() == "an integer in [0, 1e+06]"
    assert MODEL.allowed() == "one of llama-8b, llama-70b"


def test_a_declaration_whose_default_breaks_its_rules_is_refused():
    with pytest.raises(ParamError):
        Param("x", "float", 5.0, "", "x", min=0, max=1)
    with pytest.raises(TypeError):
        Param("x", "complex", 1, "", "x")


def test_every_declared_parameter_is_documented_and_its_default_valid():
    for ch in CHAPTERS:
        names = [p.name for p in ch.params]
        assert len(names) == len(set(names)), ch.key
        for p in ch.params:
            assert p.meaning.strip() and p.name.isidentifier(), (ch.key, p.name)
            assert p.check(p.default, ch.key) == p.default
            if p.type in ("float", "int"):
                assert p.min is not None and p.max is not None, f"{ch.key}.{p.name} needs a range"


def _parameters_cell(nb):
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, "exactly one cell tagged 'parameters'"
    return cells[0]


@pytest.mark.parametrize("ch", CHAPTERS, ids=lambda c: c.key)
def test_notebook_parameters_cell_holds_the_declared_defaults(ch):
    nb = nbformat.read(ch.path, as_version=4)
    cell = _parameters_cell(nb)
    assert "remove-cell" in cell.metadata.get("tags", []), "the raw parameters cell is hidden"
    namespace: dict = {}
    exec(cell.source, {}, namespace)  # the cell is plain assignments of literals
    declared = {p.name: p.default for p in ch.params}
    assert set(namespace) == set(declared), "parameters cell and declaration name the same parameters"
    for name, default in declared.items():
        assert namespace[name] == default and type(namespace[name]) is type(default), name


def test_scenarios_are_valid_and_bull_bear_change_something():
    for name in P.scenario_names():
        P.load_scenario(name)  # raises on any invalid value
    for name in ("bull", "bear"):
        plan = P.make_plan(name)
        with_params = [c.key for c in CHAPTERS if c.params]
        if with_params:
            assert plan.changed(), f"{name} overrides nothing"


def test_scenario_errors(tmp_path, monkeypatch):
    monkeypatch.setattr(P, "PARAMS_DIR", tmp_path)
    (tmp_path / "broken.yaml").write_text("memory_supercycle: {a: [1,\n")
    with pytest.raises(ParamError, match=r"broken.*not valid YAML"):
        P.load_scenario("broken")
    (tmp_path / "wrongch.yaml").write_text("nochapter: {x: 1}\n")
    with pytest.raises(ParamError, match="unknown chapter 'nochapter'"):
        P.load_scenario("wrongch")
    (tmp_path / "list.yaml").write_text("- 1\n- 2\n")
    with pytest.raises(ParamError, match="must map chapter names"):
        P.load_scenario("list")
    with pytest.raises(ParamError, match="no such scenario"):
        P.load_scenario("absent")
    with pytest.raises(ParamError, match="not a scenario name"):
        P.load_scenario("../etc/passwd")


def test_override_syntax():
    with pytest.raises(ParamError, match="expected CHAPTER.PARAM=VALUE"):
        P.parse_override("novalue")
    with pytest.raises(ParamError, match="expected CHAPTER.PARAM=VALUE"):
        P.parse_override("x=1")
    with pytest.raises(ParamError, match="unknown chapter 'nope'"):
        P.parse_override("nope.x=1")
    with pytest.raises(ParamError, match="unknown parameter"):
        P.parse_override("memory_supercycle.not_a_param=1")


def test_slugs_are_stable_readable_and_distinct():
    a = P.slug("bull", [("hbf", "context_k", 128.0), ("packaging", "usd_twd", 32.5)])
    b = P.slug("bull", [("packaging", "usd_twd", 32.5), ("hbf", "context_k", 128.0)])
    assert a == b == "bull__hbf.context_k-128__packaging.usd_twd-32.5"
    assert P.slug("base", [("hbf", "model", "llama-70b")]) == "base__hbf.model-llama-70b"
    assert P.slug("bull", []) == "bull"
    long = P.slug("base", [("c", f"p{i}", float(i)) for i in range(20)])
    assert len(long) <= 120 and long != P.slug("base", [("c", f"p{i}", float(i + 1)) for i in range(20)])


def test_default_plan_is_default_and_others_are_not():
    assert P.make_plan("base").is_default
    assert not P.make_plan("bull").is_default
    assert yaml.safe_load((P.PARAMS_DIR / "base.yaml").read_text()).keys() <= {"description"}


# --- issue 19: what used to get through ---------------------------------------------------------

@pytest.mark.parametrize("sets, names", [
    (["hbm_competition.capex_low_krw_trn=150", "hbm_competition.capex_high_krw_trn=5"],
     ["hbm_competition.capex_low_krw_trn = 150", "hbm_competition.capex_high_krw_trn = 5"]),
    (["hbf.hbf_market_start_year=2037", "hbf.crossover_year=2030"],
     ["hbf.hbf_market_start_year = 2037", "hbf.crossover_year = 2030"]),
    (["hbf.hbf_multiple_low=64", "hbf.hbf_multiple_high=1"], ["hbf.hbf_multiple_low = 64", "hbf.hbf_multiple_high = 1"]),
])
def test_contradicting_parameters_are_refused_naming_both_values(sets, names):
    with pytest.raises(ParamError) as exc:
        P.make_plan("base", sets)
    msg = str(exc.value)
    assert "\n" not in msg and "allowed:" in msg
    for name in names:
        assert name in msg, msg


def test_every_low_high_pair_is_a_rule_and_declared_rules_hold_for_the_defaults():
    for ch in CHAPTERS:
        names = [p.name for p in ch.params]
        rules = P.rules_of(ch.key)
        for n in names:
            if "_low" in n and n.replace("_low", "_high", 1) in names:
                assert (n, "<=", n.replace("_low", "_high", 1)) in rules, (ch.key, n)
        P.check_rules(ch.key, P.defaults(ch.key))  # raises if a default breaks a rule
    assert ("hbf_market_start_year", "<", "crossover_year") in P.rules_of("hbf")


def test_equal_low_and_high_are_allowed():
    P.make_plan("base", ["hbf.hbf_multiple_low=10", "hbf.hbf_multiple_high=10"])


def test_slugs_of_distinct_values_are_distinct():
    assert P.slug("base", [("hbf", "x", 0.1234567)]) != P.slug("base", [("hbf", "x", 0.1234568)])
    assert P.slug("base", [("hbf", "m", "Llama 70B")]) != P.slug("base", [("hbf", "m", "llama-70b")])
    assert P.slug("base", [("hbf", "m", "a b")]) != P.slug("base", [("hbf", "m", "a-b")])


@pytest.mark.parametrize("text", ["streamdq.batch=3", "nosuch.batch=3"])
def test_run_refuses_another_chapters_prefix(text):
    with pytest.raises(ParamError, match="chapter"):
        P.make_plan("base", [text], chapter_key="hbf")
    assert P.make_plan("base", ["hbf.batch=3"], chapter_key="hbf").values["hbf"]["batch"] == 3


def test_a_parameter_set_twice_is_refused():
    with pytest.raises(ParamError, match="given twice"):
        P.make_plan("base", ["hbf.batch=3", "hbf.batch=4"])
    with pytest.raises(ParamError, match="given twice"):
        P.make_plan("base", ["batch=3", "hbf.batch=3"], chapter_key="hbf")


@pytest.mark.parametrize("text, why", [
    ("hbf:\n  batch: 3\n  batch: 4\n", "given twice"),
    ("hbf: {batch: 3}\nhbf: {batch: 4}\n", "given twice"),
])
def test_duplicate_keys_in_a_scenario_file_are_refused(tmp_path, monkeypatch, text, why):
    monkeypatch.setattr(P, "PARAMS_DIR", tmp_path)
    (tmp_path / "dup.yaml").write_text(text)
    with pytest.raises(ParamError, match=why) as exc:
        P.load_scenario("dup")
    assert "\n" not in str(exc.value)


def test_unreadable_scenario_files_give_one_line(tmp_path, monkeypatch):
    monkeypatch.setattr(P, "PARAMS_DIR", tmp_path)
    (tmp_path / "bytes.yaml").write_bytes(b"\xff\xfe")
    (tmp_path / "folder.yaml").mkdir()
    with pytest.raises(ParamError, match="not UTF-8 text"):
        P.load_scenario("bytes")
    with pytest.raises(ParamError, match="cannot be read"):
        P.load_scenario("folder")
    assert "folder" not in P.scenario_names()


def test_uppercase_scenario_names_are_scenarios(tmp_path, monkeypatch):
    monkeypatch.setattr(P, "PARAMS_DIR", tmp_path)
    (tmp_path / "Upper.yaml").write_text("hbf: {batch: 3}\n")
    assert P.scenario_names() == ["Upper"]
    assert P.load_scenario("Upper") == {"hbf": {"batch": 3}}


@pytest.mark.parametrize("raw", ["３２", "１.５", "3２"])
def test_fullwidth_digits_are_refused(raw):
    with pytest.raises(ParamError, match="ASCII digits only"):
        UNITS.check(raw, chapter="ch")


def test_long_values_are_truncated_in_errors():
    with pytest.raises(ParamError) as exc:
        RATE.check("9" * 10_000, chapter="ch")
    assert len(str(exc.value)) < 300 and "(10000 characters)" in str(exc.value)
    with pytest.raises(ParamError) as exc:
        P.parse_override("x" * 10_000)
    assert len(str(exc.value)) < 300
