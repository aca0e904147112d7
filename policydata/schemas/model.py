"""The building blocks of every table's schema: fields, the record base class, the table itself.

A table is declared once, as a pydantic :class:`Record` subclass: its columns are made with
:func:`field`, its cross-field rules are listed in ``__rules__`` (see :mod:`policydata.schemas.rules`)
and its name, title, key, references and duplicate test in ``__table__`` (a :class:`Table`).
Everything else (the storage schema, the pandera DataFrame models, the Frictionless Table Schemas,
the data dictionary, the validator's checks) is derived from that one declaration, so the copies
cannot drift apart.

Examples
--------
A table of your own, validated with the same checks as policydata's:

>>> class Port(Record):
...     port_id: str = field("Stable identifier.", pattern=r"^[A-Z]{5}$")
...     country: str = field("Country of the port.", codes="jurisdiction")
...     __table__ = Table("ports", "Ports", "Sea ports.", primary_key=("port_id",))
>>> spec = TableSpec.from_model(Port)
>>> spec.name, spec.field_names
('ports', ('port_id', 'country'))
"""

from __future__ import annotations

import datetime as dt
import functools
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from policydata.schemas.jurisdictions import JURISDICTIONS
from policydata.schemas.rules import Rule

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


class Record(BaseModel):
    """Base class of every table's record model.

    Subclasses set ``__rules__`` to the row rules of their table and ``__table__`` to its
    :class:`Table`; field constraints come from :func:`field`. A record is immutable and rejects
    unknown fields.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    __rules__: ClassVar[tuple[Rule, ...]] = ()
    __table__: ClassVar[Table]

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


@dataclass(frozen=True)
class ForeignKey:
    """``fields`` of this table refer to ``reference_fields`` of ``reference_table``."""

    fields: tuple[str, ...]
    reference_table: str
    reference_fields: tuple[str, ...]

    @classmethod
    def to(cls, field_name: str, table: str, reference: str | None = None) -> ForeignKey:
        """A one-field reference; ``reference`` defaults to a field of the same name."""
        return cls((field_name,), table, (reference or field_name,))


@dataclass(frozen=True)
class Table:
    """What a record model says about its table as a whole (``Record.__table__``).

    Parameters
    ----------
    name
        The table name; files are matched on it (``<name>.csv``, ``<name>.parquet``).
    title, description
        For the data package and the data dictionary.
    primary_key
        The fields whose values identify a record.
    foreign_keys
        References to other tables (or to this one).
    duplicate_fields
        Fields which, all equal between two records with different keys, mean the same fact was
        entered twice (nulls count as equal); empty to skip that warning.
    cited_by
        Fields that cite a record's source themselves: a ``source_id``, or a reference to a record
        that does (a tariff line is cited by its edition). Empty: the record needs a row in
        ``citations``. Large tables cite this way, so that citations stays readable.
    """

    name: str
    title: str
    description: str
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()
    duplicate_fields: tuple[str, ...] = ()
    cited_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableSpec:
    """A table to read or validate: its record model and what its :class:`Table` declares.

    The tables of the data package come from :func:`policydata.catalog.table`; a table of your
    own is ``TableSpec.from_model(MyRecord)``, or spelled out as below.

    Examples
    --------
    >>> from policydata.schemas.sectors import Sector
    >>> TableSpec("sectors", Sector, ("sector_id",)).field_names[:2]
    ('sector_id', 'scheme')
    """

    name: str
    model: type[Record]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()
    duplicate_fields: tuple[str, ...] = ()
    title: str = ""
    description: str = ""
    cited_by: tuple[str, ...] = ()

    @classmethod
    def from_model(cls, model: type[Record]) -> TableSpec:
        """The spec of a record model that declares ``__table__``."""
        meta = getattr(model, "__table__", None)
        if not isinstance(meta, Table):
            raise TypeError(f"{model.__name__} declares no __table__ = Table(...)")
        return cls(
            meta.name,
            model,
            meta.primary_key,
            meta.foreign_keys,
            meta.duplicate_fields,
            meta.title,
            meta.description,
            meta.cited_by,
        )

    @property
    def fields(self) -> tuple[FieldSpec, ...]:
        return field_specs(self.model)

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def column(self, name: str) -> int:
        """1-based position of a field in the header."""
        return self.field_names.index(name) + 1

    def record_id(self, row: Mapping[str, object]) -> str:
        """The key of a row as citations write it (composite keys joined with '|')."""
        return "|".join(str(row[k]) for k in self.primary_key)
