"""Chapter parameters: declaration, validation, scenario files and command-line overrides.

Every parameter is declared once, in `supercycle/chapter_params/<chapter>.py`, with its type,
default, allowed range, unit and meaning. The notebook's `parameters` cell holds the same
defaults (a test proves they agree). Papermill checks no types, so every value a build or a
notebook receives goes through `validate_value` first; a bad value raises `ParamError`, whose
message is the single line the CLI prints before exiting with status 2.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from . import ROOT
from .registry import CHAPTERS, UnknownChapter, chapter as find_chapter

PARAMS_DIR = ROOT / "params"
TYPES = {"float": float, "int": int, "bool": bool, "str": str}
# Strings are labels (a model shape, a currency); anything that could be code is refused.
SAFE_STRING = re.compile(r"^[A-Za-z0-9_.\- ]{0,64}$")


class ParamError(ValueError):
    """A parameter, scenario or override that cannot be used. str() is one line for the user."""


@dataclass(frozen=True)
class Param:
    name: str
    type: str                      # one of TYPES
    default: Any
    unit: str                      # canonical unit, or "" for a label/flag
    meaning: str                   # one line
    min: float | None = None       # inclusive bounds for numbers
    max: float | None = None
    choices: tuple = field(default=())  # allowed values for strings (empty: any safe label)

    def __post_init__(self):
        if self.type not in TYPES:
            raise TypeError(f"{self.name}: type must be one of {sorted(TYPES)}")
        # A declaration whose default breaks its own rules is a programming error.
        self.check(self.default, chapter="(declaration)")

    def allowed(self) -> str:
        if self.type == "bool":
            return "true or false"
        if self.type == "str":
            return "one of " + ", ".join(map(str, self.choices)) if self.choices else "a plain label (letters, digits, _ . - space; at most 64)"
        lo = "-inf" if self.min is None else _fmt(self.min)
        hi = "inf" if self.max is None else _fmt(self.max)
        kind = "an integer" if self.type == "int" else "a finite number"
        return f"{kind} in [{lo}, {hi}]"

    def check(self, value: Any, chapter: str) -> Any:
        """Return `value` converted to this parameter's type, or raise ParamError."""
        def fail(why: str = ""):
            shown = repr(value) if not isinstance(value, str) else value
            raise ParamError(
                f"{chapter}.{self.name} = {shown!s}: {why + '; ' if why else ''}allowed: {self.allowed()}"
                + (f" ({self.unit})" if self.unit else ""))

        if self.type == "bool":
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.lower() in ("true", "false"):
                return value.lower() == "true"
            fail("not a boolean")
        if self.type == "str":
            if not isinstance(value, str):
                fail("not a string")
            if self.choices:
                if value not in self.choices:
                    fail("not an allowed value")
            elif not SAFE_STRING.match(value):
                fail("contains characters that are not allowed")
            return value
        # numbers
        if isinstance(value, bool):
            fail("a boolean is not a number")
        if isinstance(value, str):
            text = value.strip()
            if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", text):
                fail("not a number")
            value_num = float(text)
            if self.type == "int":
                if not re.fullmatch(r"[+-]?\d+", text):
                    fail("not an integer")
                value_num = int(text)
        elif isinstance(value, (int, float)):
            value_num = value
        else:
            fail("not a number")
        if isinstance(value_num, float) and not math.isfinite(value_num):
            fail("not finite")
        if self.type == "int":
            if isinstance(value_num, float):
                if not value_num.is_integer():
                    fail("not an integer")
                value_num = int(value_num)
        else:
            value_num = float(value_num)
        if self.min is not None and value_num < self.min:
            fail("below the minimum")
        if self.max is not None and value_num > self.max:
            fail("above the maximum")
        return value_num


def _fmt(x: float) -> str:
    return f"{x:g}"


def params_of(chapter_key: str) -> dict[str, Param]:
    try:
        ch = find_chapter(chapter_key)
    except UnknownChapter:
        raise ParamError(f"unknown chapter '{chapter_key}': allowed: {', '.join(c.key for c in CHAPTERS)}") from None
    return {p.name: p for p in ch.params}


def defaults(chapter_key: str) -> dict[str, Any]:
    return {name: p.default for name, p in params_of(chapter_key).items()}


def validate_value(chapter_key: str, name: str, value: Any) -> Any:
    declared = params_of(chapter_key)
    if name not in declared:
        allowed = ", ".join(declared) or "none (this chapter takes no parameters)"
        raise ParamError(f"{find_chapter(chapter_key).key}.{name}: unknown parameter; allowed: {allowed}")
    return declared[name].check(value, chapter=find_chapter(chapter_key).key)


def validate_all(chapter_key: str, values: dict[str, Any]) -> dict[str, Any]:
    """Validate a whole set of values for one chapter (missing names take their defaults)."""
    out = defaults(chapter_key)
    for name, value in values.items():
        out[name] = validate_value(chapter_key, name, value)
    return out


# --- scenarios ------------------------------------------------------------------------------

def scenario_names() -> list[str]:
    return sorted(p.stem for p in PARAMS_DIR.glob("*.yaml"))


def load_scenario(name: str) -> dict[str, dict[str, Any]]:
    """Read params/<name>.yaml: {chapter: {param: value}}, validated, keyed by chapter key."""
    if not re.fullmatch(r"[a-z0-9_\-]+", name or ""):
        raise ParamError(f"scenario '{name}': not a scenario name; allowed: {', '.join(scenario_names())}")
    path = PARAMS_DIR / f"{name}.yaml"
    if not path.exists():
        raise ParamError(f"scenario '{name}': no such scenario; allowed: {', '.join(scenario_names())}")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" line {where.line + 1}" if where is not None else ""
        raise ParamError(f"scenario '{name}': params/{name}.yaml{line} is not valid YAML ({getattr(exc, 'problem', exc)})") from None
    raw = raw or {}
    if not isinstance(raw, dict):
        raise ParamError(f"scenario '{name}': params/{name}.yaml must map chapter names to parameter maps")
    out: dict[str, dict[str, Any]] = {}
    for chapter_name, values in raw.items():
        if chapter_name == "description":
            continue
        try:
            key = find_chapter(str(chapter_name)).key
        except UnknownChapter:
            raise ParamError(f"scenario '{name}': unknown chapter '{chapter_name}'; allowed: {', '.join(c.key for c in CHAPTERS)}") from None
        values = values or {}
        if not isinstance(values, dict):
            raise ParamError(f"scenario '{name}': {key} must hold a map of parameter: value")
        out[key] = {p: validate_value(key, str(p), v) for p, v in values.items()}
    return out


def parse_override(text: str, chapter_key: str | None = None) -> tuple[str, str, Any]:
    """Parse `CHAPTER.PARAM=VALUE` (or `PARAM=VALUE` when the chapter is given) and validate it."""
    if "=" not in text:
        raise ParamError(f"--set {text}: expected {'PARAM' if chapter_key else 'CHAPTER.PARAM'}=VALUE")
    lhs, value = text.split("=", 1)
    if chapter_key is None:
        if "." not in lhs:
            raise ParamError(f"--set {text}: expected CHAPTER.PARAM=VALUE")
        chapter_name, name = lhs.split(".", 1)
        try:
            chapter_key = find_chapter(chapter_name).key
        except UnknownChapter:
            raise ParamError(f"--set {text}: unknown chapter '{chapter_name}'; allowed: {', '.join(c.key for c in CHAPTERS)}") from None
    return chapter_key, lhs.split(".", 1)[-1], validate_value(chapter_key, lhs.split(".", 1)[-1], value)


@dataclass(frozen=True)
class Plan:
    """What a build will run: a scenario, the overrides, and the resolved values per chapter."""
    scenario: str
    overrides: tuple[tuple[str, str, Any], ...]
    values: dict[str, dict[str, Any]]

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
            diff = {k: v for k, v in values.items() if d.get(k) != v}
            if diff:
                out[key] = diff
        return out


def make_plan(scenario: str = "base", sets: list[str] | tuple[str, ...] = (), chapter_key: str | None = None) -> Plan:
    """Resolve scenario + overrides into validated values for every chapter. Raises ParamError."""
    scen = load_scenario(scenario)
    overrides = tuple(parse_override(s, chapter_key) for s in sets)
    values = {}
    for ch in CHAPTERS:
        v = defaults(ch.key)
        v.update(scen.get(ch.key, {}))
        for ck, name, val in overrides:
            if ck == ch.key:
                v[name] = val
        values[ch.key] = v
    return Plan(scenario, overrides, values)


def slug(scenario: str, overrides) -> str:
    """A folder name for a non-default build: the scenario, then each override, in a stable order."""
    parts = [scenario]
    for ck, name, val in sorted(overrides, key=lambda o: (o[0], o[1])):
        text = f"{val:g}" if isinstance(val, float) else str(val).lower()
        parts.append(re.sub(r"[^A-Za-z0-9._\-]+", "-", f"{ck}.{name}-{text}"))
    out = "__".join(parts)
    if len(out) > 120:  # keep folder names short but unique
        import hashlib
        out = out[:100] + "__" + hashlib.sha256(out.encode()).hexdigest()[:12]
    return out


def describe(chapter_key: str | None = None) -> str:
    """The `params` command's table: name, type, default, allowed range, unit, meaning."""
    from .registry import chapter as ch_lookup
    chapters = [ch_lookup(chapter_key)] if chapter_key else list(CHAPTERS)
    lines = []
    for ch in chapters:
        lines.append(f"{ch.key} ({ch.notebook})")
        if not ch.params:
            lines.append("  (no parameters)")
        for p in ch.params:
            lines.append(f"  {p.name:<28} {p.type:<5} default={p.default!s:<10} {p.allowed():<34} "
                         f"unit={p.unit or '-':<18} {p.meaning}")
    return "\n".join(lines)
