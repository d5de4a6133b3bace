"""How a chapter declares its parameters: a pydantic model, one field per parameter.

In `supercycle/chapters/<chapter>.py`, `class Params(ChapterParams)` declares each parameter once
with `param(default, unit, meaning, ge=, le=)`; a `Literal[...]` type lists the allowed labels. A
default that is an article or reference figure is read from data/ when needed (`from_claim`,
`from_reference`), so its id is named once (`{source}` in the meaning shows it). Rules between
parameters sit beside the fields (`RULES`; every `X_low`/`X_high` pair is held to low <= high
without being listed). Papermill, YAML and `--set` give text or numbers without checking types:
`check` reads them strictly (ASCII digits only: `３２` is refused; a boolean is not a number) and
raises `ParamError`, whose message is one line: `<chapter>.<name> = <value>: <why>; allowed:
<range> (<unit>)`. The scenarios and overrides live in `supercycle.build.params`.
"""
from __future__ import annotations

import math
import operator
import re
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

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


def from_reference(name: str, key: str, *, column: str = "item", value: str = "value",
                   period: str | None = None, part: str = "mid") -> FromData:
    """A cell of data/reference/<name>.csv: the row whose `column` is `key` (and whose period is
    `period`, if given); of a range such as "10-20", `part` picks low, high or mid."""
    def read():
        from supercycle import data
        frame = data.reference(name)
        rows = frame[(frame[column] == key) & ((frame["period"] == period) if period else True)]
        low, high = data.split_range(rows[value].item())
        return {"low": low, "high": high}.get(part, (low + high) / 2)
    return FromData(f"reference {name}.csv '{key}'" + (f" {period}" if period else "")
                    + ("" if value == "value" else f" ({value})"), read)


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
    if abs(value) > 1e300 or not math.isfinite(value):  # also an int too large for a float
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
