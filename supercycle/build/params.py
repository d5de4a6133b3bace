"""Scenarios, overrides and the build plan: which values each chapter runs with.

A build resolves the declared defaults (`supercycle.declare`), a scenario file in params/
(`{chapter: {param: value}}`, and a `shared:` block for the quantities declared once in
`supercycle/chapters/shared.py`, set for every chapter that declares them) and `--set` overrides
into validated values per chapter (`make_plan`); a bad one raises `ParamError`, the single line the
CLI prints before exiting with status 2. A chapter that shows the bear and bull scenarios
(`SHOWS_SCENARIOS`) is given their values as `scenarios`, so its cache key covers them.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from importlib import import_module
from typing import Any

import yaml

from supercycle import ROOT
from supercycle.declare import ChapterParams, ParamError, check, short, specs
from .registry import CHAPTERS, chapter as find_chapter

PARAMS_DIR = ROOT / "params"
SHOWN = ("bear", "bull")  # the scenarios a chapter that shows scenarios sets beside its own run


def model_of(key: str) -> type[ChapterParams]:
    """The Params model of a chapter (by key or notebook name), or of `shared`."""
    if key == "shared":
        return import_module("supercycle.chapters.shared").Params
    return import_module(f"supercycle.chapters.{find_chapter(key).key}").Params


def defaults(key: str) -> dict[str, Any]:
    return model_of(key).defaults()


SCENARIO_NAME = re.compile(r"[A-Za-z0-9_\-]{1,64}")


def scenario_names() -> list[str]:
    """Scenario files in params/ (case kept: `Upper.yaml` is the scenario `Upper`)."""
    return sorted(p.stem for p in PARAMS_DIR.glob("*.yaml") if p.is_file() and SCENARIO_NAME.fullmatch(p.stem))


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML loader that refuses a key given twice in one map (PyYAML keeps the last silently)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"'{short(key)}' is given twice", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)


def _read_scenario(name: str) -> dict[str, dict]:
    """params/<name>.yaml as {chapter key or "shared": {param: value}}, not yet validated."""
    if name not in scenario_names():  # also keeps a name such as ../x out of paths
        raise ParamError(f"scenario '{short(name)}': no such scenario; allowed: {', '.join(scenario_names())}")
    path, where = PARAMS_DIR / f"{name}.yaml", f"scenario '{name}': params/{name}.yaml"
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader) or {}
    except UnicodeDecodeError:
        raise ParamError(f"{where} is not UTF-8 text") from None
    except OSError as exc:
        raise ParamError(f"{where} cannot be read ({exc.strerror or exc})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ParamError(f"{where}{'' if mark is None else f' line {mark.line + 1}'} is not valid YAML "
                         f"({getattr(exc, 'problem', exc)})") from None
    if not isinstance(raw, dict) or not all(isinstance(v or {}, dict) for k, v in raw.items() if k != "description"):
        raise ParamError(f"{where} must map chapter names (and shared) to maps of parameter: value")
    return {model_of(str(k)).KEY: v or {} for k, v in raw.items() if k != "description"}


def _given(layers: dict[str, dict]) -> dict[str, dict]:
    """Per chapter, the values set for it: the shared ones it declares, then its own. A shared
    quantity named in a chapter's block is refused: it is set once, as shared."""
    shared, declared = layers.get("shared", {}), model_of("shared").model_fields
    check(model_of("shared"), shared)
    out = {}
    for ch in CHAPTERS:
        model, own = model_of(ch.key), layers.get(ch.key, {})
        if clash := [n for n in own if n in declared]:
            raise ParamError(f"{ch.key}.{clash[0]}: a shared quantity; allowed: shared.{clash[0]}")
        out[ch.key] = {**{k: v for k, v in shared.items() if k in model.model_fields}, **own}
    return out


def load_scenario(name: str) -> dict[str, dict[str, Any]]:
    """The values params/<name>.yaml sets, {chapter: {param: value}}, validated; its `shared:`
    values are given to every chapter that declares them."""
    out = {}
    for key, given in _given(_read_scenario(name)).items():
        if given:
            values = check(model_of(key), given).model_dump()
            out[key] = {k: values[str(k)] for k in given}  # in the order given (the notebooks show it)
    return out


def shown_scenarios(key: str) -> dict[str, dict[str, dict]]:
    """What a chapter that shows scenarios is given: {scenario: {chapter: values the file sets}}."""
    shows = model_of(key).SHOWS_SCENARIOS
    return {s: {ck: load_scenario(s).get(ck, {}) for ck in shows} for s in SHOWN} if shows else {}


def parse_override(text: str, chapter_key: str | None = None) -> tuple[str, str, str]:
    """`CHAPTER.PARAM=VALUE` or `shared.PARAM=VALUE` (or `PARAM=VALUE` when the chapter is given):
    (chapter or "shared", parameter, the value as text); `make_plan` checks the name and value."""
    lhs, eq, value = text.partition("=")
    if not eq or ("." not in lhs and chapter_key is None):
        raise ParamError(f"--set {short(text)}: expected {'[CHAPTER.]PARAM' if chapter_key else 'CHAPTER.PARAM'}=VALUE")
    named, _, name = lhs.rpartition(".")
    model = model_of(named or chapter_key)
    if chapter_key is not None and model.KEY not in (chapter_key, "shared"):
        raise ParamError(f"--set {short(text)}: names chapter {model.KEY}, but the chapter being run is "
                         f"{chapter_key}; allowed: {chapter_key}.PARAM=VALUE or PARAM=VALUE")
    return model.KEY, name, value


@dataclass(frozen=True)
class Plan:
    """What a build will run: a scenario, the overrides, the values per chapter, and the
    scenarios a chapter shows (`shown[chapter]`, passed to its notebook as `scenarios`)."""
    scenario: str
    overrides: tuple[tuple[str, str, Any], ...]
    values: dict[str, dict[str, Any]]
    shown: dict[str, dict]

    @property
    def is_default(self) -> bool:
        return self.scenario == "base" and not self.overrides

    @property
    def slug(self) -> str:
        return slug(self.scenario, self.overrides)

    def changed(self) -> dict[str, dict[str, Any]]:
        """Per chapter, the values that differ from the declared defaults."""
        out = {}
        for key, values in self.values.items():
            d = defaults(key)
            if diff := {k: v for k, v in values.items() if d[k] != v}:
                out[key] = diff
        return out

    def scenarios(self, key: str) -> dict[str, dict]:
        """What the build injects besides the changed values: {"scenarios": ...} if the chapter shows them."""
        return {"scenarios": self.shown[key]} if self.shown.get(key) else {}


def make_plan(scenario: str = "base", sets: list[str] | tuple[str, ...] = (), chapter_key: str | None = None) -> Plan:
    """Resolve scenario + overrides into validated values for every chapter. Raises ParamError."""
    layers = _read_scenario(scenario)
    overrides: dict[tuple[str, str], str] = {}
    for ck, name, text in (parse_override(s, chapter_key) for s in sets):
        if (ck, name) in overrides:
            raise ParamError(f"--set {ck}.{name} is given twice ({short(overrides[ck, name])} and {short(text)}); "
                             "allowed: once")
        layers.setdefault(ck, {})[name] = overrides[ck, name] = text
    values = {key: check(model_of(key), given).model_dump() for key, given in _given(layers).items()}
    shared = check(model_of("shared"), layers.get("shared", {})).model_dump()
    overrides = tuple((ck, n, (shared if ck == "shared" else values[ck])[n]) for ck, n in overrides)
    return Plan(scenario, overrides, values, {c.key: shown_scenarios(c.key) for c in CHAPTERS})


def slug(scenario: str, overrides) -> str:
    """A folder name for a non-default build: the scenario, then each override (its value as JSON
    writes it, so floats in full), in a stable order. A name that had to be shortened or whose text
    had to be changed gets a hash of the exact text, so distinct values give distinct names."""
    exact = "__".join([scenario] + [f"{ck}.{n}-{v if isinstance(v, str) else json.dumps(v)}" for ck, n, v in sorted(overrides)])
    name = re.sub(r"[^A-Za-z0-9._\-]", "-", exact)
    return name if name == exact and len(name) <= 120 else name[:100] + "__" + hashlib.sha256(exact.encode()).hexdigest()[:12]


def describe(chapter_key: str | None = None) -> str:
    """The `params` command's table: name, type, default, allowed range, unit, meaning."""
    keys = [model_of(chapter_key).KEY] if chapter_key else ["shared"] + [c.key for c in CHAPTERS]
    lines, shared = [], model_of("shared").model_fields
    for key in keys:
        where = "set once: a scenario's shared: block, or --set shared.NAME=VALUE" if key == "shared" else find_chapter(key).notebook
        rows = [f"  {p.name:<28} {p.type:<5} default={p.default!s:<10} {p.allowed():<34} unit={p.unit or '-':<18} "
                f"{'(shared) ' if key != 'shared' and p.name in shared else ''}{p.meaning}" for p in specs(model_of(key))]
        lines += [f"{key} ({where})"] + (rows or ["  (no parameters)"])
    return "\n".join(lines)

