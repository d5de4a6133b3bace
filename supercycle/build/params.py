"""Chapter parameters: declaration, validation, scenario files and command-line overrides.

Every parameter is declared once, in `supercycle/chapters/<chapter>.py`, with its type,
default, allowed range, unit and meaning; rules between parameters sit beside them (`RULES`:
`(left, "<" or "<=", right)`; every `X_low`/`X_high` pair is also held to low <= high without
being declared). The notebook's `parameters` cell holds the same defaults (a test proves they
agree). Papermill checks no types, so every value a build or a notebook receives goes through
`validate_value` and `check_rules` first; a bad value raises `ParamError`, whose message is the
single line the CLI prints before exiting with status 2. Numbers are ASCII digits only
(fullwidth digits such as `３２` are refused, not read as 32).
"""
from __future__ import annotations

import hashlib
import json
import math
import operator
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from supercycle import ROOT
from .registry import CHAPTERS, UnknownChapter, chapter as find_chapter

PARAMS_DIR = ROOT / "params"
TYPES = {"float": float, "int": int, "bool": bool, "str": str}
# Strings are labels (a model shape, a currency); anything that could be code is refused.
SAFE_STRING = re.compile(r"^[A-Za-z0-9_.\- ]{0,64}$")


class ParamError(ValueError):
    """A parameter, scenario or override that cannot be used. str() is one line for the user."""


def short(value: Any, limit: int = 60) -> str:
    """A value as echoed in an error: one line, at most `limit` characters and a count."""
    text = (value if isinstance(value, str) else repr(value)).replace("\n", "\\n")
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


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
        def fail(why: str):
            raise ParamError(f"{chapter}.{self.name} = {short(value)}: {why}; allowed: {self.allowed()}"
                             + (f" ({self.unit})" if self.unit else ""))

        if self.type == "bool":
            if isinstance(value, str) and value.lower() in ("true", "false"):
                return value.lower() == "true"
            return value if isinstance(value, bool) else fail("not a boolean")
        if self.type == "str":
            if not isinstance(value, str):
                fail("not a string")
            if self.choices and value not in self.choices:
                fail("not an allowed value")
            if not self.choices and not SAFE_STRING.match(value):
                fail("contains characters that are not allowed")
            return value
        num = value
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            fail("a boolean is not a number" if isinstance(value, bool) else "not a number")
        if isinstance(value, str):
            text = value.strip()
            if len(text) > 64 or not re.fullmatch(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?", text):
                fail("not a number (ASCII digits only)")
            num = int(text) if re.fullmatch(r"[+-]?[0-9]+", text) else float(text)
        if isinstance(num, float) and not math.isfinite(num):
            fail("not finite")
        if self.type == "int" and isinstance(num, float) and not num.is_integer():
            fail("not an integer")
        try:
            num = int(num) if self.type == "int" else float(num)
        except OverflowError:
            fail("not finite")
        if self.min is not None and num < self.min:
            fail("below the minimum")
        if self.max is not None and num > self.max:
            fail("above the maximum")
        return num


def _fmt(x: float) -> str:
    return f"{x:g}"


def params_of(chapter_key: str) -> dict[str, Param]:
    try:
        ch = find_chapter(chapter_key)
    except UnknownChapter:
        raise ParamError(f"unknown chapter '{short(chapter_key)}': allowed: {', '.join(c.key for c in CHAPTERS)}") from None
    return {p.name: p for p in ch.params}


def defaults(chapter_key: str) -> dict[str, Any]:
    return {name: p.default for name, p in params_of(chapter_key).items()}


def validate_value(chapter_key: str, name: str, value: Any) -> Any:
    declared = params_of(chapter_key)
    if name not in declared:
        allowed = ", ".join(declared) or "none (this chapter takes no parameters)"
        raise ParamError(f"{find_chapter(chapter_key).key}.{short(name)}: unknown parameter; allowed: {allowed}")
    return declared[name].check(value, chapter=find_chapter(chapter_key).key)


OPS = {"<": (operator.lt, "below"), "<=": (operator.le, "at most")}


def rules_of(chapter_key: str) -> list[tuple[str, str, str]]:
    """The chapter's declared RULES, plus low <= high for every X_low/X_high pair."""
    names = list(params_of(chapter_key))
    pairs = [(n, "<=", n.replace("_low", "_high", 1)) for n in names if "_low" in n]
    rules = [r for r in pairs if r[2] in names] + list(find_chapter(chapter_key).rules)
    for left, op, right in rules:
        if left not in names or right not in names or op not in OPS:
            raise TypeError(f"{chapter_key}: rule {left} {op} {right} names an undeclared parameter or operator")
    return list(dict.fromkeys(rules))


def check_rules(chapter_key: str, values: dict[str, Any]) -> None:
    """Raise ParamError naming both values if any cross-parameter rule is broken."""
    key = find_chapter(chapter_key).key
    for left, op, right in rules_of(key):
        test, words = OPS[op]
        if not test(values[left], values[right]):
            raise ParamError(f"{key}.{left} = {short(values[left])} and {key}.{right} = {short(values[right])}: "
                             f"allowed: {left} {words} {right}")


# --- scenarios ------------------------------------------------------------------------------

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
                raise yaml.constructor.ConstructorError(None, None, f"'{short(key)}' is given twice",
                                                        key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)


def load_scenario(name: str) -> dict[str, dict[str, Any]]:
    """Read params/<name>.yaml: {chapter: {param: value}}, validated, keyed by chapter key."""
    if not SCENARIO_NAME.fullmatch(name or ""):
        raise ParamError(f"scenario '{short(name)}': not a scenario name; allowed: {', '.join(scenario_names())}")
    path = PARAMS_DIR / f"{name}.yaml"
    if not path.exists():
        raise ParamError(f"scenario '{name}': no such scenario; allowed: {', '.join(scenario_names())}")
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except UnicodeDecodeError:
        raise ParamError(f"scenario '{name}': params/{name}.yaml is not UTF-8 text") from None
    except OSError as exc:
        raise ParamError(f"scenario '{name}': params/{name}.yaml cannot be read ({exc.strerror or exc})") from None
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" line {where.line + 1}" if where is not None else ""
        raise ParamError(f"scenario '{name}': params/{name}.yaml{line} is not valid YAML ({getattr(exc, 'problem', exc)})") from None
    raw = {} if raw is None else raw
    if not isinstance(raw, dict):
        raise ParamError(f"scenario '{name}': params/{name}.yaml must map chapter names to parameter maps")
    out: dict[str, dict[str, Any]] = {}
    for chapter_name, values in raw.items():
        if chapter_name == "description":
            continue
        try:
            key = find_chapter(str(chapter_name)).key
        except UnknownChapter:
            raise ParamError(f"scenario '{name}': unknown chapter '{short(chapter_name)}'; allowed: {', '.join(c.key for c in CHAPTERS)}") from None
        values = values or {}
        if not isinstance(values, dict):
            raise ParamError(f"scenario '{name}': {key} must hold a map of parameter: value")
        out[key] = {p: validate_value(key, str(p), v) for p, v in values.items()}
    return out


def parse_override(text: str, chapter_key: str | None = None) -> tuple[str, str, Any]:
    """Parse `CHAPTER.PARAM=VALUE` (or `PARAM=VALUE` when the chapter is given) and validate it."""
    if "=" not in text:
        raise ParamError(f"--set {short(text)}: expected {'[CHAPTER.]PARAM' if chapter_key else 'CHAPTER.PARAM'}=VALUE")
    lhs, value = text.split("=", 1)
    if "." not in lhs and chapter_key is None:
        raise ParamError(f"--set {short(text)}: expected CHAPTER.PARAM=VALUE")
    if "." in lhs:
        chapter_name, name = lhs.split(".", 1)
        try:
            named = find_chapter(chapter_name).key
        except UnknownChapter:
            raise ParamError(f"--set {short(text)}: unknown chapter '{short(chapter_name)}'; allowed: "
                             f"{', '.join(c.key for c in CHAPTERS)}") from None
        if chapter_key is not None and named != chapter_key:
            raise ParamError(f"--set {short(text)}: names chapter {named}, but the chapter being run is "
                             f"{chapter_key}; allowed: {chapter_key}.PARAM=VALUE or PARAM=VALUE")
        chapter_key, lhs = named, name
    return chapter_key, lhs, validate_value(chapter_key, lhs, value)


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
    seen: dict[tuple[str, str], Any] = {}
    for ck, name, val in overrides:
        if (ck, name) in seen:
            raise ParamError(f"--set {ck}.{name} is given twice ({short(seen[ck, name])} and {short(val)}); "
                             f"allowed: once")
        seen[ck, name] = val
    values = {}
    for ch in CHAPTERS:
        values[ch.key] = {**defaults(ch.key), **scen.get(ch.key, {}),
                          **{name: val for ck, name, val in overrides if ck == ch.key}}
        check_rules(ch.key, values[ch.key])
    return Plan(scenario, overrides, values)


def slug(scenario: str, overrides) -> str:
    """A folder name for a non-default build: the scenario, then each override, in a stable order.
    Distinct values give distinct names: floats are written in full (repr), and a name that had to
    be shortened or whose text had to be changed gets a hash of the exact values."""
    parts, exact = [scenario], [scenario]
    for ck, name, val in sorted(overrides, key=lambda o: (o[0], o[1])):
        text = repr(val).removesuffix(".0") if isinstance(val, float) else str(val).lower() if isinstance(val, bool) else str(val)
        parts.append(re.sub(r"[^A-Za-z0-9._\-]", "-", f"{ck}.{name}-{text}"))
        exact.append(f"{ck}.{name}-{text}")
    out = "__".join(parts)
    if len(out) > 120 or parts != exact:
        out = out[:100] + "__" + hashlib.sha256(json.dumps(exact).encode()).hexdigest()[:12]
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


# --- papermill used directly --------------------------------------------------------------------

def __getattr__(name: str):
    """`PapermillEngine` is what papermill loads at start-up through this package's
    `papermill.engine` entry point (pyproject.toml); looking it up installs the hook below."""
    if name == "PapermillEngine":
        return _papermill_engine()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _papermill_engine():
    """In the `papermill` command, a chapter's ParamError is then printed as its one
    line (exit 1) instead of papermill's own traceback; anything else is shown as before. The
    engine it registers, `supercycle`, is papermill's default one."""
    import sys
    from pathlib import Path

    from papermill.engines import NBClientEngine
    if "papermill" in (Path(sys.argv[0]).name, Path(sys.argv[0]).parent.name):
        previous = sys.excepthook

        def hook(etype, value, tb):
            if getattr(value, "ename", None) == "ParamError":
                print(f"papermill: ParamError: {value.evalue}", file=sys.stderr)
            else:
                previous(etype, value, tb)
        sys.excepthook = hook
    return NBClientEngine
