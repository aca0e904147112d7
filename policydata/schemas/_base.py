"""The building blocks of every table's schema: fields, row rules and the record base class.

A table is declared once, as a pydantic :class:`Record` subclass whose fields are made with
:func:`field` and whose cross-field rules are listed in ``__rules__``. Everything else (the pandera
DataFrame schemas, the Frictionless Table Schemas, the data dictionary) is generated from that one
declaration, so the copies cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from policydata.schemas._iso3166 import ISO3166_ALPHA3

#: ISO 3166-1 alpha-3, plus EUN for the European Union as the WTO writes it.
JURISDICTIONS: frozenset[str] = ISO3166_ALPHA3 | {"EUN"}

#: Named closed sets of codes too large for a ``Literal``.
CODE_SETS: Mapping[str, frozenset[str]] = {"jurisdiction": JURISDICTIONS}

FieldKind = Literal["string", "date", "number", "integer", "boolean"]

_EXTRA_KEY = "x-policydata"


def field(
    description: str,
    *,
    pattern: str | None = None,
    ge: float | None = None,
    le: float | None = None,
    codes: str | None = None,
    enum_doc: Mapping[str, str] | None = None,
) -> Any:
    """Declare a table column: its meaning and its constraints, for every generated schema.

    Parameters
    ----------
    description
        What the value means, in one or two sentences (it goes into the data dictionary).
    pattern
        A regular expression the whole value must match (strings only).
    ge, le
        Inclusive bounds (numbers only).
    codes
        The name of a closed code set in :data:`CODE_SETS` the value must belong to.
    enum_doc
        For a ``Literal`` field: the meaning of each allowed value.
    """
    extra: dict[str, Any] = {}
    if pattern is not None:
        extra["pattern"] = pattern
    if ge is not None:
        extra["minimum"] = ge
    if le is not None:
        extra["maximum"] = le
    if codes is not None:
        if codes not in CODE_SETS:
            raise ValueError(f"unknown code set {codes!r}")
        extra["codes"] = codes
    if enum_doc is not None:
        extra["enum_doc"] = dict(enum_doc)
    return Field(
        ...,
        description=description,
        pattern=pattern,
        ge=ge,
        le=le,
        json_schema_extra={_EXTRA_KEY: extra},
    )


@dataclass(frozen=True)
class FieldSpec:
    """Everything the generators need to know about one column, read off the record model."""

    name: str
    kind: FieldKind
    nullable: bool
    description: str
    pattern: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    enum: tuple[str, ...] | None = None
    enum_doc: Mapping[str, str] | None = None
    code_set: str | None = None


_KINDS: Mapping[type, FieldKind] = {
    str: "string",
    dt.date: "date",
    float: "number",
    int: "integer",
    bool: "boolean",
}


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """Return (inner type, nullable) for ``X | None``."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) != 1:
            raise TypeError(f"unsupported union {annotation!r}")
        return args[0], True
    return annotation, False


@functools.cache
def field_specs(model: type[Record]) -> tuple[FieldSpec, ...]:
    """The columns of a table, in order, as :class:`FieldSpec` objects."""
    specs = []
    for name, info in model.model_fields.items():
        inner, nullable = _unwrap(info.annotation)
        enum: tuple[str, ...] | None = None
        if typing.get_origin(inner) is Literal:
            enum = tuple(str(v) for v in typing.get_args(inner))
            inner = str
        if inner not in _KINDS:
            raise TypeError(f"{model.__name__}.{name}: unsupported type {inner!r}")
        extra_all = info.json_schema_extra
        extra: dict[str, Any] = {}
        if isinstance(extra_all, dict):
            value = extra_all.get(_EXTRA_KEY)
            if isinstance(value, dict):
                extra = value
        if info.description is None:
            raise TypeError(f"{model.__name__}.{name}: every field needs a description")
        code_set = extra.get("codes")
        if code_set is not None:
            enum = tuple(sorted(CODE_SETS[code_set]))
        specs.append(
            FieldSpec(
                name=name,
                kind=_KINDS[inner],
                nullable=nullable,
                description=info.description,
                pattern=extra.get("pattern"),
                minimum=extra.get("minimum"),
                maximum=extra.get("maximum"),
                enum=enum,
                enum_doc=extra.get("enum_doc"),
                code_set=code_set,
            )
        )
    return tuple(specs)


# --- row rules ---------------------------------------------------------------------------------
# A rule is data: the record model checks it on one row, the generated pandera schema on a whole
# frame, and the validator reports it with a stable code. Each rule says which fields it concerns so
# that a problem can point at the right cell.


def _is_null(value: object) -> bool:
    # NaN and pandas' NA/NaT are not equal to themselves
    return value is None or value != value


class Rule:
    """A constraint across fields of one row."""

    code: ClassVar[str]
    fields: tuple[str, ...]

    def row_ok(self, row: Mapping[str, Any]) -> bool:
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError

    @property
    def name(self) -> str:
        return f"{self.code}:{'/'.join(self.fields)}"


@dataclass(frozen=True)
class Ordered(Rule):
    """``earlier <= later`` (or ``<`` when strict) wherever both are given, unless ``unless`` is true."""

    earlier: str
    later: str
    strict: bool = False
    unless: str | None = None
    code: ClassVar[str] = "date-order"

    @property
    def fields(self) -> tuple[str, ...]:  # type: ignore[override]
        return (self.earlier, self.later)

    def row_ok(self, row: Mapping[str, Any]) -> bool:
        a, b = row[self.earlier], row[self.later]
        if _is_null(a) or _is_null(b):
            return True
        if self.unless is not None and row[self.unless] is True:
            return True
        return bool(a < b) if self.strict else bool(a <= b)

    def describe(self) -> str:
        op = "before" if self.strict else "on or before"
        tail = f" (unless {self.unless} is true)" if self.unless else ""
        return f"{self.earlier} must be {op} {self.later} when both are given{tail}"


@dataclass(frozen=True)
class Distinct(Rule):
    """``a != b``."""

    a: str
    b: str
    code: ClassVar[str] = "same-value"

    @property
    def fields(self) -> tuple[str, ...]:  # type: ignore[override]
        return (self.a, self.b)

    def row_ok(self, row: Mapping[str, Any]) -> bool:
        a, b = row[self.a], row[self.b]
        return _is_null(a) or _is_null(b) or a != b

    def describe(self) -> str:
        return f"{self.a} and {self.b} must differ"


@dataclass(frozen=True)
class RequiredWhen(Rule):
    """``target`` must be given when ``when`` is one of ``values``."""

    target: str
    when: str
    values: tuple[str, ...]
    code: ClassVar[str] = "required-value"

    @property
    def fields(self) -> tuple[str, ...]:  # type: ignore[override]
        return (self.target, self.when)

    def row_ok(self, row: Mapping[str, Any]) -> bool:
        return row[self.when] not in self.values or not _is_null(row[self.target])

    def describe(self) -> str:
        return f"{self.target} is required when {self.when} is one of {', '.join(self.values)}"


@dataclass(frozen=True)
class EmptyWhen(Rule):
    """``target`` must be empty when ``when`` is one of ``values``."""

    target: str
    when: str
    values: tuple[str, ...]
    code: ClassVar[str] = "unexpected-value"

    @property
    def fields(self) -> tuple[str, ...]:  # type: ignore[override]
        return (self.target, self.when)

    def row_ok(self, row: Mapping[str, Any]) -> bool:
        return row[self.when] not in self.values or _is_null(row[self.target])

    def describe(self) -> str:
        return f"{self.target} must be empty when {self.when} is one of {', '.join(self.values)}"


@dataclass(frozen=True)
class PatternWhen(Rule):
    """``target`` must match ``pattern`` when ``when`` equals ``value``."""

    target: str
    when: str
    value: str
    pattern: str
    code: ClassVar[str] = "code-format"

    @property
    def fields(self) -> tuple[str, ...]:  # type: ignore[override]
        return (self.target, self.when)

    def row_ok(self, row: Mapping[str, Any]) -> bool:
        v = row[self.target]
        if row[self.when] != self.value or _is_null(v):
            return True
        return re.fullmatch(self.pattern, str(v)) is not None

    def describe(self) -> str:
        return f"{self.target} must match {self.pattern} when {self.when} is {self.value}"


class Record(BaseModel):
    """Base class of every table's record model.

    Subclasses set ``__rules__`` to the row rules of their table; field constraints come from
    :func:`field`. A record is immutable and rejects unknown fields.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    __rules__: ClassVar[tuple[Rule, ...]] = ()

    @model_validator(mode="after")
    def _check_codes_and_rules(self) -> Self:
        values = self.__dict__
        for spec in field_specs(type(self)):
            if spec.code_set is not None:
                value = values[spec.name]
                if value is not None and value not in CODE_SETS[spec.code_set]:
                    raise ValueError(
                        f"{spec.name}={value!r} is not a code of {spec.code_set} "
                        "(ISO 3166-1 alpha-3, or EUN for the European Union)"
                    )
        for rule in self.__rules__:
            if not rule.row_ok(values):
                raise ValueError(f"{rule.code}: {rule.describe()}")
        return self
