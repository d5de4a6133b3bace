"""Chapter parameters: pydantic models, scenario files and command-line overrides.

Each chapter declares its parameters once, as `class Params(ChapterParams)` in
`supercycle/chapters/<chapter>.py`: one field per parameter, made by `param(default, unit,
meaning, ge=, le=)` (a `Literal` type lists the allowed labels). A default that is an article or
reference figure is read from data/ (`from_claim`, `from_reference`), so the id is named once.
Rules between parameters sit beside the fields (`RULES`; every `X_low`/`X_high` pair is held to
low <= high without being listed). Quantities several chapters use (exchange rates, 2027 NAND
demand growth) are declared once in `supercycle/chapters/shared.py` and set once (a scenario's
`shared:` block, `--set shared.<name>=VALUE`). Papermill checks no types: every value goes
through the model, and a bad one raises `ParamError`, whose message is the single line the CLI
prints before exiting with status 2. Numbers are ASCII digits only (`３２` is refused).
"""
from __future__ import annotations

import hashlib
import json
import math
import operator
import re
from dataclasses import dataclass
from importlib import import_module
from typing import Any, ClassVar, Literal, get_args, get_origin

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from supercycle import ROOT
from .registry import CHAPTERS, UnknownChapter, chapter as find_chapter

PARAMS_DIR = ROOT / "params"
SHOWN = ("bear", "bull")  # the scenarios a chapter that shows scenarios sets beside its own run
SAFE_STRING = re.compile(r"[A-Za-z0-9_.\- ]{0,64}")  # free labels; anything like code is refused
NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
OPS = {"<": (operator.lt, "below"), "<=": (operator.le, "at most")}
WHY = {"greater_than_equal": "below the minimum", "less_than_equal": "above the maximum",
       "literal_error": "not an allowed value", "int_from_float": "not an integer"}


class ParamError(ValueError):
    """A parameter, scenario or override that cannot be used. str() is one line for the user."""


def short(value: Any, limit: int = 60) -> str:
    """A value as echoed in an error: one line, at most `limit` characters and a count."""
    text = (value if isinstance(value, str) else repr(value)).replace("\n", "\\n")
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


class FromData:
    """A default read from data/ when it is needed (so it follows the data); `label` names it."""

    def __init__(self, label: str, read):
        self.label, self.read = label, read

    def __call__(self):
        return self.read()


def from_claim(claim_id: str, part: str = "value") -> FromData:
    """A claim's value, low or high (data/claims.csv; read without counting as a chapter's use)."""
    def read():
        from supercycle import data
        frame = data.claims().frame
        return float(frame.loc[frame["id"] == claim_id, part].item())
    return FromData(f"claim {claim_id}", read)


def from_reference(name: str, column: str, key: str, value: str = "value", part: str = "value") -> FromData:
    """A cell of data/reference/<name>.csv: the row whose `column` is `key`; of a range such as
    "10-20", `part` picks low, high or mid."""
    def read():
        from supercycle import data
        frame = data.reference(name)
        low, high = data.split_range(frame.loc[frame[column] == key, value].item())
        return {"low": low, "high": high}.get(part, (low + high) / 2)
    return FromData(f"reference {name} row {key}", read)


def param(default: Any, unit: str = "", meaning: str = "", *, ge: float | None = None,
          le: float | None = None, shared: bool = False):
    """A parameter's field: its default (a value or a `FromData`), unit, meaning and bounds.
    `{source}` in the meaning is replaced by the data the default comes from."""
    if isinstance(default, FromData):
        meaning = meaning.replace("{source}", default.label)
        return Field(default_factory=default, ge=ge, le=le, description=meaning,
                     json_schema_extra={"unit": unit, "shared": shared})
    return Field(default, ge=ge, le=le, description=meaning, json_schema_extra={"unit": unit, "shared": shared})


def _plain(kind: str, value: Any) -> Any:
    """Read text or a number (from papermill, YAML or --set) as the declared kind, strictly."""
    if kind == "bool":
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        if not isinstance(value, bool):
            raise ValueError("not a boolean")
        return value
    if kind in ("str", "choice"):
        if not isinstance(value, str):
            raise ValueError("not a string")
        if kind == "str" and not SAFE_STRING.fullmatch(value):
            raise ValueError("contains characters that are not allowed")
        return value
    if isinstance(value, bool):
        raise ValueError("a boolean is not a number")
    if isinstance(value, str):
        text = value.strip()
        if len(text) > 64 or not NUMBER.fullmatch(text):
            raise ValueError("not a number (ASCII digits only)")
        value = int(text) if re.fullmatch(r"[+-]?[0-9]+", text) else float(text)
    if not isinstance(value, (int, float)):
        raise ValueError("not a number")
    if not math.isfinite(value):
        raise ValueError("not finite")
    if kind == "int" and not float(value).is_integer():
        raise ValueError("not an integer")
    return value


class ChapterParams(BaseModel):
    """A chapter's parameters. KEY is the chapter (by default the module's name); RULES are
    (left, "<" or "<=", right); SHOWS_SCENARIOS names the chapters whose bear and bull values the
    notebook shows (the build passes them in as `scenarios`)."""
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)
    KEY: ClassVar[str] = ""
    RULES: ClassVar[tuple] = ()
    SHOWS_SCENARIOS: ClassVar[tuple] = ()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs):
        cls.KEY = cls.__dict__.get("KEY") or cls.__module__.rpartition(".")[2]
        for left, op, right in cls.rules():
            if left not in cls.model_fields or right not in cls.model_fields or op not in OPS:
                raise TypeError(f"{cls.KEY}: rule {left} {op} {right} names an undeclared parameter or operator")

    @classmethod
    def rules(cls) -> list[tuple[str, str, str]]:
        """The declared RULES, plus low <= high for every X_low/X_high pair."""
        pairs = [(n, "<=", n.replace("_low", "_high", 1)) for n in cls.model_fields if "_low" in n]
        return list(dict.fromkeys([r for r in pairs if r[2] in cls.model_fields] + list(cls.RULES)))

    @classmethod
    def kind(cls, name: str) -> str:
        annotation = cls.model_fields[name].annotation
        return "choice" if get_origin(annotation) is Literal else annotation.__name__

    @classmethod
    def bounds(cls, name: str) -> tuple[float | None, float | None]:
        meta = cls.model_fields[name].metadata
        return (next((m.ge for m in meta if hasattr(m, "ge")), None), next((m.le for m in meta if hasattr(m, "le")), None))

    @classmethod
    def allowed(cls, name: str) -> str:
        kind = cls.kind(name)
        if kind == "bool":
            return "true or false"
        if kind == "choice":
            return "one of " + ", ".join(map(str, get_args(cls.model_fields[name].annotation)))
        if kind == "str":
            return "a plain label (letters, digits, _ . - space; at most 64)"
        lo, hi = cls.bounds(name)
        return (f"{'an integer' if kind == 'int' else 'a finite number'} in "
                f"[{'-inf' if lo is None else f'{lo:g}'}, {'inf' if hi is None else f'{hi:g}'}]")

    @classmethod
    def extra(cls, name: str, what: str) -> Any:
        return (cls.model_fields[name].json_schema_extra or {}).get(what)

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        return check(cls, {}).model_dump()

    @field_validator("*", mode="before")
    @classmethod
    def _read_plainly(cls, value, info):
        return _plain(cls.kind(info.field_name), value)

    @model_validator(mode="after")
    def _hold_rules(self):
        for left, op, right in self.rules():
            test, words = OPS[op]
            a, b, k = getattr(self, left), getattr(self, right), self.KEY
            if not test(a, b):
                raise ValueError(f"{k}.{left} = {short(a)} and {k}.{right} = {short(b)}: allowed: {left} {words} {right}")
        return self


def check(model: type[ChapterParams], values: dict[str, Any]) -> ChapterParams:
    """The model filled with `values` (defaults for the rest), or ParamError: one line."""
    try:
        return model.model_validate({str(k): v for k, v in values.items()})
    except ValidationError as exc:
        err = exc.errors()[0]
    if not err["loc"]:  # a rule between parameters
        raise ParamError(str(err["ctx"]["error"])) from None
    name = str(err["loc"][0])
    if err["type"] == "extra_forbidden":
        raise ParamError(f"{model.KEY}.{short(name)}: unknown parameter; allowed: "
                         f"{', '.join(model.model_fields) or 'none (this chapter takes no parameters)'}") from None
    why = str(err["ctx"]["error"]) if err["type"] == "value_error" else WHY.get(err["type"], err["msg"])
    unit = model.extra(name, "unit")
    raise ParamError(f"{model.KEY}.{name} = {short(err['input'])}: {why}; allowed: {model.allowed(name)}"
                     + (f" ({unit})" if unit else "")) from None


def model_of(key: str) -> type[ChapterParams]:
    """The Params model of a chapter (by key or notebook name), or of `shared`."""
    if key == "shared":
        return import_module("supercycle.chapters.shared").Params
    try:
        return import_module(f"supercycle.chapters.{find_chapter(key).key}").Params
    except UnknownChapter:
        raise ParamError(f"unknown chapter '{short(key)}'; allowed: {', '.join(c.key for c in CHAPTERS)}") from None


def defaults(key: str) -> dict[str, Any]:
    return model_of(key).defaults()


@dataclass(frozen=True)
class Spec:
    """One declared parameter as listed (`params` command, parameter tables, the benchmark)."""
    name: str
    type: str
    default: Any
    unit: str
    meaning: str
    min: float | None
    max: float | None
    choices: tuple
    model: type

    def allowed(self) -> str:
        return self.model.allowed(self.name)


def specs(model: type[ChapterParams]) -> tuple[Spec, ...]:
    d = model.defaults()
    return tuple(Spec(n, {"choice": "str"}.get(model.kind(n), model.kind(n)), d[n], model.extra(n, "unit"),
                      f.description, *model.bounds(n), get_args(f.annotation), model)
                 for n, f in model.model_fields.items())


# --- scenarios and overrides --------------------------------------------------------------------

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
    if not SCENARIO_NAME.fullmatch(name or ""):
        raise ParamError(f"scenario '{short(name)}': not a scenario name; allowed: {', '.join(scenario_names())}")
    path, where = PARAMS_DIR / f"{name}.yaml", f"scenario '{name}': params/{name}.yaml"
    if not path.exists():
        raise ParamError(f"scenario '{name}': no such scenario; allowed: {', '.join(scenario_names())}")
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
    shared = layers.get("shared", {})
    check(model_of("shared"), shared)
    out = {}
    for ch in CHAPTERS:
        model, own = model_of(ch.key), layers.get(ch.key, {})
        for name in own:
            if str(name) in model.model_fields and model.extra(str(name), "shared"):
                raise ParamError(f"{ch.key}.{name}: a shared quantity; allowed: shared.{name}")
        out[ch.key] = {**{k: v for k, v in shared.items() if k in model.model_fields}, **own}
    return out


def load_scenario(name: str) -> dict[str, dict[str, Any]]:
    """The values params/<name>.yaml sets, {chapter: {param: value}}, validated; its `shared:`
    values are given to every chapter that declares them."""
    out = {}
    for key, given in _given(_read_scenario(name)).items():
        values = check(model_of(key), given)
        out.update({key: {k: getattr(values, str(k)) for k in given}} if given else {})
    return out


def shown_scenarios(key: str) -> dict[str, dict[str, dict]]:
    """What a chapter that shows scenarios is given: {scenario: {chapter: values the file sets}}."""
    shows = model_of(key).SHOWS_SCENARIOS
    return {s: {ck: load_scenario(s).get(ck, {}) for ck in shows} for s in SHOWN} if shows else {}


def parse_override(text: str, chapter_key: str | None = None) -> tuple[str, str, str]:
    """`CHAPTER.PARAM=VALUE` or `shared.PARAM=VALUE` (or `PARAM=VALUE` when the chapter is given):
    (chapter, parameter, the value as text). The value is checked by `make_plan`."""
    form = "[CHAPTER.]PARAM" if chapter_key else "CHAPTER.PARAM"
    lhs, eq, value = text.partition("=")
    if not eq or ("." not in lhs and chapter_key is None):
        raise ParamError(f"--set {short(text)}: expected {form}=VALUE")
    named, _, name = lhs.rpartition(".")
    if named and named != "shared":
        named = model_of(named).KEY if named in {c.key for c in CHAPTERS} or named != chapter_key else named
        if chapter_key is not None and named != chapter_key:
            raise ParamError(f"--set {short(text)}: names chapter {named}, but the chapter being run is "
                             f"{chapter_key}; allowed: {chapter_key}.PARAM=VALUE or PARAM=VALUE")
    model = model_of(named or chapter_key)
    if name not in model.model_fields:
        check(model, {name: value})  # an unknown parameter: the error names the allowed ones
    if model.KEY != "shared" and model.extra(name, "shared"):
        raise ParamError(f"--set {short(text)}: {name} is shared by several chapters; allowed: shared.{name}=VALUE")
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
        out = {key: {k: v for k, v in values.items() if defaults(key)[k] != v} for key, values in self.values.items()}
        return {key: diff for key, diff in out.items() if diff}

    def scenarios(self, key: str) -> dict[str, dict]:
        """What the build injects besides the changed values: {"scenarios": ...} if the chapter shows them."""
        return {"scenarios": self.shown[key]} if self.shown.get(key) else {}


def make_plan(scenario: str = "base", sets: list[str] | tuple[str, ...] = (), chapter_key: str | None = None) -> Plan:
    """Resolve scenario + overrides into validated values for every chapter. Raises ParamError."""
    layers = _read_scenario(scenario)
    overrides = []
    for ck, name, text in (parse_override(s, chapter_key) for s in sets):
        if any(o[:2] == (ck, name) for o in overrides):
            raise ParamError(f"--set {ck}.{name} is given twice; allowed: once")
        layers.setdefault(ck, {})[name] = text
        overrides.append((ck, name))
    values = {key: check(model_of(key), given).model_dump() for key, given in _given(layers).items()}
    shared = check(model_of("shared"), layers.get("shared", {}))
    overrides = tuple((ck, n, getattr(shared, n) if ck == "shared" else values[ck][n]) for ck, n in overrides)
    return Plan(scenario, overrides, values, {c.key: shown_scenarios(c.key) for c in CHAPTERS})


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
    keys = [model_of(chapter_key).KEY] if chapter_key else ["shared"] + [c.key for c in CHAPTERS]
    lines = []
    for key in keys:
        model = model_of(key)
        where = "set once: a scenario's shared: block, or --set shared.NAME=VALUE" if key == "shared" else find_chapter(key).notebook
        lines.append(f"{key} ({where})")
        lines += [f"  {p.name:<28} {p.type:<5} default={p.default!s:<10} {p.allowed():<34} unit={p.unit or '-':<18} "
                  f"{'(shared) ' if key != 'shared' and model.extra(p.name, 'shared') else ''}{p.meaning}" for p in specs(model)]
        lines += ["  (no parameters)"] if not model.model_fields else []
    return "\n".join(lines)


# --- papermill used directly --------------------------------------------------------------------

def __getattr__(name: str):
    """`PapermillEngine` is what papermill loads at start-up through this package's
    `papermill.engine` entry point (pyproject.toml); looking it up installs the hook below:
    in the `papermill` command, a chapter's ParamError is printed as its one line (exit 1)
    instead of papermill's traceback. The engine it registers is papermill's default one."""
    if name != "PapermillEngine":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
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
