"""How a chapter declares its parameters: a pydantic model, one field per parameter.

`class Params(ChapterParams)` in `supercycle/chapters/<chapter>.py` declares each parameter once
with `param(default, unit, meaning, ge=, le=)`: a float or int with its range, a bool, or a
`Literal` of labels (free text never reaches a notebook). A default that is an article or reference
figure is read from data/ when needed (`from_claim`, `from_reference`; `derived` for one worked out
from them), so it follows the data.
`RULES` relate parameters (every `X_low`/`X_high` pair is held to low <= high without being listed).
Pydantic's strict mode checks the values (a boolean is not a number, 5.0 is not an integer, nan and
inf are refused); text from `--set` or papermill is read once as JSON reads it (`32`, `0.5`, `true`),
so `３２` stays text and is refused. A bad value raises `ParamError`, whose message is one line:
`<chapter>.<name> = <value>: <why>; allowed: <range> (<unit>)`.
"""
from __future__ import annotations

import json
import operator
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

OPS = {"<": (operator.lt, "below"), "<=": (operator.le, "at most")}
WHY = {"greater_than_equal": "below the minimum", "less_than_equal": "above the maximum",
       "literal_error": "not an allowed value", "int_type": "not an integer", "float_type": "not a number",
       "bool_type": "not a boolean", "finite_number": "not finite"}


class ParamError(ValueError):
    """A parameter, scenario or override that cannot be used. str() is one line for the user."""


def short(value: Any, limit: int = 60) -> str:
    """A value as echoed in an error: one line, at most `limit` characters and a count."""
    text = (value if isinstance(value, str) else repr(value)).replace("\n", "\\n")
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


def _whole(x: float) -> float | int:
    """data/ gives floats; a whole one is also a valid default for an `int` parameter."""
    return int(x) if x.is_integer() else x


def from_claim(claim_id: str, part: str = "value"):
    """A default read from a claim's value, low or high (data/claims.csv) when it is needed, so it
    follows the data; read without counting as a chapter's use."""
    def read():
        from supercycle import data
        frame = data.claims().frame
        return _whole(float(frame.loc[frame["id"] == claim_id, part].item()))
    read.label = f"claim {claim_id}"
    return read


def from_reference(name: str, key: str, *, column: str = "item", value: str = "value", period: str | None = None):
    """A default read from data/reference/<name>.csv: the row whose `column` is `key` (and whose
    period is `period`, if given); of a range such as "10-20", the midpoint."""
    def read():
        from supercycle import data
        frame = data.reference(name)
        rows = frame[(frame[column] == key) & ((frame["period"] == period) if period else True)]
        return _whole(sum(data.split_range(rows[value].item())) / 2)
    read.label = (f"reference {name}.csv '{key}'" + (f" {period}" if period else "")
                  + ("" if value == "value" else f" ({value})"))
    return read


def derived(how, *reads):
    """A default worked out by `how` from data (`from_claim`/`from_reference` reads): a unit
    conversion, a ratio of two rows; named by the data it reads, so the source is written once."""
    def read():
        return _whole(float(how(*(r() for r in reads))))
    read.label = " and ".join(r.label for r in reads)
    return read


def param(default: Any, unit: str = "", meaning: str = "", *, ge: float | None = None,
          le: float | None = None):
    """A parameter's field: its default (a value, or `from_claim`/`from_reference`/`derived`), unit, meaning
    and bounds. `{source}` in the meaning is replaced by the data the default comes from."""
    given = {"default_factory": default} if callable(default) else {"default": default}
    return Field(**given, ge=ge, le=le, description=meaning.replace("{source}", getattr(default, "label", "")),
                 json_schema_extra={"unit": unit})


@dataclass(frozen=True)
class Spec:
    """One declared parameter as listed (`params` command, parameter tables, errors, the benchmark)."""
    name: str
    type: str  # float, int, bool or str (a label; `choices` lists them)
    default: Any
    unit: str
    meaning: str
    min: float | None
    max: float | None
    choices: tuple

    def allowed(self) -> str:
        if self.type in ("bool", "str"):
            return "true or false" if self.type == "bool" else "one of " + ", ".join(map(str, self.choices))
        return (f"{'an integer' if self.type == 'int' else 'a finite number'} in "
                f"[{'-inf' if self.min is None else f'{self.min:g}'}, {'inf' if self.max is None else f'{self.max:g}'}]")


def spec(model: type[ChapterParams], name: str, default: Any = None) -> Spec:
    """The listed form of one field, read from its pydantic declaration."""
    f = model.model_fields[name]
    choices = get_args(f.annotation) if get_origin(f.annotation) is Literal else ()
    return Spec(name, "str" if choices else f.annotation.__name__, default, f.json_schema_extra["unit"],
                f.description, *model.bounds(name), choices)


def specs(model: type[ChapterParams]) -> tuple[Spec, ...]:
    return tuple(spec(model, n, v) for n, v in model.defaults().items())


class ChapterParams(BaseModel):
    """A chapter's parameters. KEY is the chapter (by default the module's name); RULES are
    (left, "<" or "<=", right); SHOWS_SCENARIOS names the chapters whose bear and bull values the
    notebook shows (the build passes them in as `scenarios`)."""
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True, strict=True, allow_inf_nan=False)
    KEY: ClassVar[str] = ""
    RULES: ClassVar[tuple] = ()
    SHOWS_SCENARIOS: ClassVar[tuple] = ()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs):
        cls.KEY = cls.__dict__.get("KEY") or cls.__module__.rpartition(".")[2]
        for name, f in cls.model_fields.items():
            if f.annotation not in (float, int, bool) and get_origin(f.annotation) is not Literal:
                raise TypeError(f"{cls.KEY}.{name}: a parameter is a float, int, bool or Literal of labels")
        for left, op, right in cls.rules():
            if left not in cls.model_fields or right not in cls.model_fields or op not in OPS:
                raise TypeError(f"{cls.KEY}: rule {left} {op} {right} names an undeclared parameter or operator")

    @classmethod
    def rules(cls) -> list[tuple[str, str, str]]:
        """The declared RULES, plus low <= high for every X_low/X_high pair."""
        pairs = [(n, "<=", n.replace("_low", "_high", 1)) for n in cls.model_fields if "_low" in n]
        return list(dict.fromkeys([r for r in pairs if r[2] in cls.model_fields] + list(cls.RULES)))

    @classmethod
    def bounds(cls, name: str) -> tuple[float | None, float | None]:
        """(ge, le) as declared: pydantic keeps them in the field's metadata."""
        meta = cls.model_fields[name].metadata
        return tuple(next((getattr(m, k) for m in meta if hasattr(m, k)), None) for k in ("ge", "le"))

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        return check(cls, {}).model_dump()

    @field_validator("*", mode="before")
    @classmethod
    def _read_text(cls, value, info):
        """Text for a number or a boolean (papermill -r, `--set`) is read as JSON reads it; what JSON
        does not read stays text, which the strict check refuses."""
        if isinstance(value, str) and get_origin(cls.model_fields[info.field_name].annotation) is not Literal:
            try:
                return json.loads(value.lower())
            except ValueError:
                return value
        return value

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
    if name not in model.model_fields:
        raise ParamError(f"{model.KEY}.{short(name)}: unknown parameter; allowed: "
                         f"{', '.join(model.model_fields) or 'none (this chapter takes no parameters)'}") from None
    why = WHY.get(err["type"], err["msg"])
    if err["type"] in ("int_type", "float_type") and isinstance(err["input"], str):
        why = "not a number as JSON writes one (ASCII digits, such as 32 or 0.5)"
    s = spec(model, name)
    raise ParamError(f"{model.KEY}.{name} = {short(err['input'])}: {why}; allowed: {s.allowed()}"
                     + (f" ({s.unit})" if s.unit else "")) from None


# --- papermill run by hand (not by the build) ---------------------------------------------------

def __getattr__(name: str):
    """`PapermillEngine` is what papermill loads at start-up through this package's
    `papermill.engine` entry point (pyproject.toml): papermill's default engine. Looking it up
    installs a hook so that a chapter's ParamError, uncaught (the `papermill` command), is printed
    as its one line instead of papermill's traceback. It lives here, beside ParamError, because it
    concerns a reader running a chapter with papermill, not the build."""
    if name != "PapermillEngine":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import sys

    from papermill.engines import NBClientEngine
    previous = sys.excepthook

    def hook(etype, value, tb):
        if getattr(value, "ename", None) == "ParamError":
            print(f"papermill: ParamError: {value.evalue}", file=sys.stderr)
        else:
            previous(etype, value, tb)
    sys.excepthook = hook
    return NBClientEngine
