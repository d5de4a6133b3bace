"""Parameter declaration and validation, scenarios and overrides."""
import math

import nbformat
import pytest
import yaml

from typing import Literal

from supercycle.build import params as P
from supercycle.declare import ChapterParams, ParamError, from_claim, param, specs
from supercycle.build.registry import CHAPTERS


class Small(ChapterParams):
    KEY = "ch"
    asp_growth: float = param(0.33, "fraction", "ASP growth", ge=-0.5, le=2.0)
    units: int = param(30000, "systems", "systems shipped", ge=0, le=1_000_000)
    show_all: bool = param(False, "", "show everything")
    model: Literal["llama-8b", "llama-70b"] = param("llama-70b", "", "model shape")


def one(name, raw):
    return getattr(P.check(Small, {name: raw}), name)


@pytest.mark.parametrize("name, raw, expected", [
    ("asp_growth", "0.5", 0.5), ("asp_growth", 1, 1.0), ("asp_growth", "-0.5", -0.5), ("asp_growth", "2", 2.0),
    ("asp_growth", "1e-1", 0.1), ("units", "100000", 100000), ("units", 0, 0),
    ("show_all", "true", True), ("show_all", "False", False), ("show_all", True, True),
    ("model", "llama-8b", "llama-8b"),
])
def test_good_values_are_converted(name, raw, expected):
    got = one(name, raw)
    assert got == expected and type(got) is type(expected)


@pytest.mark.parametrize("name, raw, why", [
    ("asp_growth", "abc", "not a number"), ("asp_growth", "nan", "not a number"), ("asp_growth", float("nan"), "not finite"),
    ("asp_growth", "inf", "not a number"), ("asp_growth", math.inf, "not finite"), ("asp_growth", "2.01", "above the maximum"),
    ("asp_growth", -0.6, "below the minimum"), ("asp_growth", True, "not a number"), ("asp_growth", "true", "not a number"),
    ("asp_growth", [1], "not a number"), ("asp_growth", "[1]", "not a number"), ("asp_growth", "1_000", "not a number"),
    ("asp_growth", ".5", "not a number as JSON writes one"),
    ("units", "1.5", "not an integer"), ("units", 2.5, "not an integer"), ("units", 5.0, "not an integer"),
    ("units", True, "not an integer"), ("units", "-1", "below the minimum"),
    ("show_all", "yes", "not a boolean"), ("show_all", 1, "not a boolean"), ("show_all", "1", "not a boolean"),
    ("model", "gpt-5", "not an allowed value"), ("model", 3, "not an allowed value"),
    ("model", "__import__('os').system('rm -rf /')", "not an allowed value"),
])
def test_bad_values_name_chapter_param_value_and_rule(name, raw, why):
    with pytest.raises(ParamError) as exc:
        one(name, raw)
    msg = str(exc.value)
    assert "\n" not in msg
    assert msg.startswith(f"ch.{name} = ")
    assert why in msg and "allowed:" in msg


def test_allowed_ranges_read_like_the_declaration():
    allowed = {p.name: p.allowed() for p in specs(Small)}
    assert allowed["asp_growth"] == "a finite number in [-0.5, 2]"
    assert allowed["units"] == "an integer in [0, 1e+06]"
    assert allowed["model"] == "one of llama-8b, llama-70b" and allowed["show_all"] == "true or false"
    with pytest.raises(ParamError, match=r"ch.units = 5.*below the minimum; allowed: an integer in \[10, 20\] \(x\)"):
        type("Broken", (ChapterParams,), {"__annotations__": {"units": int}, "KEY": "ch",
                                          "units": param(5, "x", "u", ge=10, le=20)}).defaults()


def test_free_text_is_not_a_parameter():
    """A text parameter lists its labels (Literal): free text never reaches a notebook."""
    with pytest.raises(TypeError, match="ch.label: a parameter is a float, int, bool or Literal"):
        type("Free", (ChapterParams,), {"__annotations__": {"label": str}, "KEY": "ch", "label": param("base", "", "a label")})


def test_a_rule_naming_an_undeclared_parameter_is_a_programming_error():
    with pytest.raises(TypeError):
        type("Bad", (ChapterParams,), {"__annotations__": {"a": float}, "a": param(1.0, "", "a", ge=0, le=2),
                                       "RULES": (("a", "<", "b"),)})


def test_unknown_parameters_are_named_with_the_allowed_ones():
    with pytest.raises(ParamError, match="ch.nosuch: unknown parameter; allowed: asp_growth, units, show_all, model"):
        P.check(Small, {"nosuch": 1})


def test_a_default_read_from_a_claim_follows_the_claim(monkeypatch):
    """A default named by its claim id is read from data/claims.csv when needed: changing the claim
    changes the default (no copy to keep in step)."""
    from supercycle import data
    frame = data.claims().frame.copy()
    cid = "bofa.dram.asp.growth.2026"
    ms = P.model_of("memory_supercycle")
    assert ms.defaults()["dram_asp_growth_pct"] == float(frame.loc[frame["id"] == cid, "value"].item())
    frame.loc[frame["id"] == cid, "value"] = 44.0
    monkeypatch.setattr(data, "claims", lambda: type("C", (), {"frame": frame})())
    assert ms.defaults()["dram_asp_growth_pct"] == 44.0
    assert from_claim(cid)() == 44.0 and "claim " + cid in ms.model_fields["dram_asp_growth_pct"].description


def test_a_shared_default_follows_the_reference_table(monkeypatch):
    """The exchange rate every chapter uses is data/reference/fx_rates.csv's row, read once for all."""
    from supercycle import data
    fx = data.reference("fx_rates").copy()
    fx.loc[fx["currency"] == "KRW", "per_usd"] = "1234"
    real = data.reference
    monkeypatch.setattr(data, "reference", lambda name: fx if name == "fx_rates" else real(name))
    for key in ("shared", "hbm_competition", "packaging", "fact_check"):
        assert P.defaults(key)["krw_per_usd"] == 1234.0, key


def test_every_declared_parameter_is_documented_and_its_default_valid():
    for ch in CHAPTERS:
        for p in ch.params:  # reading them validates every default against its own bounds
            assert p.meaning.strip() and p.name.isidentifier(), (ch.key, p.name)
            if p.type in ("float", "int"):
                assert p.min is not None and p.max is not None, f"{ch.key}.{p.name} needs a range"


def test_shared_quantities_are_declared_once_with_one_range():
    shared = P.model_of("shared")
    users = {n: [] for n in shared.model_fields}
    for ch in CHAPTERS:
        model = P.model_of(ch.key)
        for p in specs(model):
            if p.name in shared.model_fields:  # the same declaration: the type from shared.py
                mine, theirs = model.model_fields[p.name], shared.model_fields[p.name]
                assert (mine.metadata, mine.description, mine.default_factory) == \
                    (theirs.metadata, theirs.description, theirs.default_factory), f"{ch.key}.{p.name} repeats a shared quantity"
                users[p.name].append(ch.key)
    assert users == {"krw_per_usd": ["hbm_competition", "packaging", "fact_check"], "twd_per_usd": ["packaging", "fact_check"],
                     "cny_per_usd": ["packaging", "fact_check"], "nand_demand_growth_2027_pct": ["memory_supercycle", "fact_check"],
                     **{n: ["memory_supercycle", "shortage"] for n in ("qlc_share_2025_pct", "qlc_share_2026_pct", "nand_density_gain_pct")}}


def test_a_shared_quantity_is_set_once_for_every_chapter_that_uses_it():
    plan = P.make_plan("base", ["shared.krw_per_usd=1500"])
    assert {k for k, v in plan.changed().items() if v == {"krw_per_usd": 1500.0}} == {"hbm_competition", "packaging", "fact_check"}
    with pytest.raises(ParamError, match="packaging.krw_per_usd: a shared quantity; allowed: shared.krw_per_usd"):
        P.make_plan("base", ["packaging.krw_per_usd=1500"])
    with pytest.raises(ParamError, match=r"shared.krw_per_usd = 5: below the minimum"):
        P.make_plan("base", ["shared.krw_per_usd=5"])


def test_notebook_parameters_cells_declare_nothing():
    """The notebook no longer repeats names or defaults: its `parameters` cell (papermill injects after
    it) is a comment that points to the declaration."""
    for ch in CHAPTERS:
        nb = nbformat.read(ch.path, as_version=4)
        cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(cells) == 1 and "remove-cell" in cells[0].metadata.get("tags", [])
        namespace: dict = {}
        exec(cells[0].source, {}, namespace)
        assert namespace == {} and f"supercycle/chapters/{ch.key}.py" in cells[0].source
        assert f"python -m supercycle params {ch.key}" in cells[0].source


def test_chapters_that_show_scenarios_are_given_the_scenario_values():
    plan = P.make_plan("base")
    bull = P.load_scenario("bull")
    shown = {k for k in (c.key for c in CHAPTERS) if plan.scenarios(k)}
    assert shown == {"memory_supercycle", "hbm_competition", "shortage"}
    assert plan.scenarios("hbm_competition")["scenarios"]["bull"]["packaging"] == bull["packaging"]
    # the shared block reaches chapter 1's shown bull values
    assert plan.scenarios("memory_supercycle")["scenarios"]["bull"]["memory_supercycle"]["nand_demand_growth_2027_pct"] == \
        yaml.safe_load((P.PARAMS_DIR / "bull.yaml").read_text())["shared"]["nand_demand_growth_2027_pct"]


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
    with pytest.raises(ParamError, match="'../etc/passwd': no such scenario"):
        P.load_scenario("../etc/passwd")


def test_override_syntax():
    with pytest.raises(ParamError, match="expected CHAPTER.PARAM=VALUE"):
        P.parse_override("novalue")
    with pytest.raises(ParamError, match="expected CHAPTER.PARAM=VALUE"):
        P.parse_override("x=1")
    with pytest.raises(ParamError, match="unknown chapter 'nope'"):
        P.parse_override("nope.x=1")
    with pytest.raises(ParamError, match="memory_supercycle.not_a_param: unknown parameter; allowed: "):
        P.make_plan("base", ["memory_supercycle.not_a_param=1"])
    assert P.parse_override("shared.krw_per_usd=1500") == ("shared", "krw_per_usd", "1500")


def test_slugs_are_stable_readable_and_distinct():
    a = P.slug("bull", [("hbf", "context_tokens", 65536), ("shared", "twd_per_usd", 32.5)])
    b = P.slug("bull", [("shared", "twd_per_usd", 32.5), ("hbf", "context_tokens", 65536)])
    assert a == b == "bull__hbf.context_tokens-65536__shared.twd_per_usd-32.5"
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
        model = P.model_of(ch.key)
        names = list(model.model_fields)
        for n in names:
            if "_low" in n and n.replace("_low", "_high", 1) in names:
                assert (n, "<=", n.replace("_low", "_high", 1)) in model.rules(), (ch.key, n)
        model.defaults()  # raises if a default breaks a rule
    assert ("hbf_market_start_year", "<", "crossover_year") in P.model_of("hbf").rules()


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
    assert "\n" not in str(pytest.raises(ParamError, P.make_plan, "base", ["hbf.batch=3", "hbf.batch=4"]).value)


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
    with pytest.raises(ParamError, match="no such scenario"):  # a folder is not a scenario file
        P.load_scenario("folder")
    assert "folder" not in P.scenario_names()


def test_uppercase_scenario_names_are_scenarios(tmp_path, monkeypatch):
    monkeypatch.setattr(P, "PARAMS_DIR", tmp_path)
    (tmp_path / "Upper.yaml").write_text("hbf: {batch: 3}\n")
    assert P.scenario_names() == ["Upper"]
    assert P.load_scenario("Upper") == {"hbf": {"batch": 3}}


@pytest.mark.parametrize("raw", ["３２", "１.５", "3２"])
def test_fullwidth_digits_are_refused(raw):
    with pytest.raises(ParamError, match=r"not a number as JSON writes one \(ASCII digits"):
        one("units", raw)


def test_long_values_are_truncated_in_errors():
    with pytest.raises(ParamError) as exc:
        one("asp_growth", "9" * 10_000)
    assert len(str(exc.value)) < 300 and "(10000 characters)" in str(exc.value)
    with pytest.raises(ParamError) as exc:
        P.parse_override("x" * 10_000)
    assert len(str(exc.value)) < 300


def test_use_params_reads_injected_values_and_refuses_what_the_chapter_does_not_take(monkeypatch):
    from supercycle import nb
    injected = {"In": ["# Parameters\nbatch = 16\n"], "batch": "16"}
    assert nb.use_params("hbf", injected, show=False).batch == 16
    assert nb.use_params("hbf", {}, show=False).batch == P.defaults("hbf")["batch"]
    with pytest.raises(ParamError, match="hbf.scenarios: unknown parameter"):  # hbf shows no scenarios
        nb.use_params("hbf", {"In": ["# Parameters\nscenarios = {}\n"], "scenarios": {}}, show=False)
    given = {"bull": {"shortage": {"ramp_years": 2.5}}}
    namespace = {"In": ["# Parameters\nscenarios = {}\n"], "scenarios": given}
    nb.use_params("shortage", namespace, show=False)
    assert nb.scenarios("shortage", namespace) is given
    # papermill run by hand, without the build's value: read from params/ as the build would pass it
    assert nb.scenarios("shortage", {}) == P.make_plan().scenarios("shortage")["scenarios"]


def test_a_reference_range_default_is_its_midpoint_and_follows_the_table(monkeypatch):
    """hbf_latency_us is the midpoint of reference hbf.csv's '10-20' us; a new range moves it:
    (10 + 30) / 2 = 20."""
    from supercycle import data
    assert P.defaults("hbf")["hbf_latency_us"] == 15.0
    hbf = data.reference("hbf").copy()
    hbf.loc[hbf["item"] == "read latency (order of magnitude)", "value"] = "10-30"
    real = data.reference
    monkeypatch.setattr(data, "reference", lambda name: hbf if name == "hbf" else real(name))
    assert P.defaults("hbf")["hbf_latency_us"] == 20.0


def test_the_overrides_the_front_page_shows_are_accepted():
    """index.md's example commands name parameters that exist where they say (a shared quantity as
    shared.NAME): a renamed or moved parameter makes this fail, not the reader's build."""
    import re
    text = (P.PARAMS_DIR.parent / "index.md").read_text(encoding="utf-8")
    sets = re.findall(r"--set (\S+=\S+)", text)
    assert len(sets) >= 3
    for s in sets:
        P.make_plan("base", [s])
