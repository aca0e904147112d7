"""pandera DataFrame models, generated from the record models (the single source of truth).

Each table has a :class:`pandera.pandas.DataFrameModel` subclass here, so that code can be typed
``pandera.typing.DataFrame[TariffEventSchema]``; its schema is built from the record model's
fields and rules the first time it is asked for.

Examples
--------
>>> from policydata.frames import TariffEventSchema
>>> TariffEventSchema.to_schema().columns["rate_pct"].nullable
True
"""

from __future__ import annotations

import functools
import re
from typing import Any, ClassVar

import pandas as pd
import pandera.pandas as pa

from policydata.catalog import TABLES
from policydata.schemas._base import (
    Distinct,
    EmptyWhen,
    FieldSpec,
    Ordered,
    PatternWhen,
    Record,
    RequiredWhen,
    Rule,
    field_specs,
)
from policydata.schemas.citations import Citation
from policydata.schemas.policies import Policy
from policydata.schemas.policy_sectors import PolicySector
from policydata.schemas.sector_codes import SectorCode
from policydata.schemas.sectors import Sector
from policydata.schemas.sources import Source
from policydata.schemas.tariff_event_products import TariffEventProduct
from policydata.schemas.tariff_events import TariffEvent

#: pandas dtype of each field kind, as :func:`policydata.io` produces it from Parquet.
PANDAS_DTYPES: dict[tuple[str, bool], Any] = {
    ("string", False): "str",
    ("string", True): "str",
    ("date", False): pa.Date,
    ("date", True): pa.Date,
    ("number", False): "float64",
    ("number", True): "float64",
    ("integer", False): "int64",
    ("integer", True): "Int64",
    ("boolean", False): "bool",
    ("boolean", True): "boolean",
}


@functools.singledispatch
def rule_mask(rule: Rule, df: pd.DataFrame) -> pd.Series:
    """A boolean Series: True where the row satisfies ``rule``."""
    return df.apply(lambda r: rule.row_ok(r.to_dict()), axis=1).astype(bool)


@rule_mask.register
def _(rule: Ordered, df: pd.DataFrame) -> pd.Series:
    a, b = df[rule.earlier], df[rule.later]
    both = a.notna() & b.notna()
    ok = pd.Series(True, index=df.index)
    ok[both] = (a[both] < b[both]) if rule.strict else (a[both] <= b[both])
    if rule.unless is not None:
        ok |= df[rule.unless].fillna(False).astype(bool)
    return ok


@rule_mask.register
def _(rule: Distinct, df: pd.DataFrame) -> pd.Series:
    a, b = df[rule.a], df[rule.b]
    return a.isna() | b.isna() | (a != b)


@rule_mask.register
def _(rule: RequiredWhen, df: pd.DataFrame) -> pd.Series:
    return ~df[rule.when].isin(rule.values) | df[rule.target].notna()


@rule_mask.register
def _(rule: EmptyWhen, df: pd.DataFrame) -> pd.Series:
    return ~df[rule.when].isin(rule.values) | df[rule.target].isna()


@rule_mask.register
def _(rule: PatternWhen, df: pd.DataFrame) -> pd.Series:
    target = df[rule.target]
    applies = (df[rule.when] == rule.value) & target.notna()
    ok = pd.Series(True, index=df.index)
    ok[applies] = target[applies].astype(str).str.fullmatch(rule.pattern)
    return ok


def _column(spec: FieldSpec, unique: bool) -> pa.Column:
    checks = []
    if spec.pattern is not None:
        # ASCII classes (\d is 0-9, \s is ASCII white space), as in Arrow's RE2 and Table Schema
        # consumers, so that full-width digits and look-alikes are refused by every engine alike
        checks.append(
            pa.Check.str_matches(re.compile(spec.pattern, re.ASCII), name=f"pattern:{spec.pattern}")
        )
    if spec.enum is not None:
        checks.append(pa.Check.isin(list(spec.enum), name="enum"))
    if spec.minimum is not None:
        checks.append(pa.Check.ge(spec.minimum))
    if spec.maximum is not None:
        checks.append(pa.Check.le(spec.maximum))
    return pa.Column(
        PANDAS_DTYPES[(spec.kind, spec.nullable)],
        checks=checks,
        nullable=spec.nullable,
        unique=unique,
        description=spec.description,
        title=spec.name,
    )


@functools.cache
def dataframe_schema(model: type[Record], primary_key: tuple[str, ...] | None = None) -> pa.DataFrameSchema:
    """Build the pandera schema of a table from its record model.

    ``primary_key`` is needed only for a model that is not one of the catalog's tables.

    Examples
    --------
    >>> from policydata.schemas.sources import Source
    >>> list(dataframe_schema(Source).columns)[:2]
    ['source_id', 'title']
    """
    info = next((t for t in TABLES.values() if t.model_path.endswith(f":{model.__name__}")), None)
    key = primary_key if primary_key is not None else info.primary_key if info is not None else ()
    single_key = key[0] if len(key) == 1 else None
    columns = {s.name: _column(s, unique=s.name == single_key) for s in field_specs(model)}
    checks = [
        pa.Check(functools.partial(rule_mask, rule), name=rule.name, error=rule.describe())
        for rule in model.__rules__
    ]
    return pa.DataFrameSchema(
        columns,
        checks=checks,
        unique=list(key) if single_key is None and key else None,
        strict=True,
        ordered=True,
        name=info.name if info is not None else model.__name__,
        description=info.description if info is not None else None,
    )


class RecordFrame(pa.DataFrameModel):
    """A pandera DataFrame model whose schema is generated from ``__record__``."""

    __record__: ClassVar[type[Record]]

    @classmethod
    def to_schema(cls) -> pa.DataFrameSchema:
        return dataframe_schema(cls.__record__)


class SourceSchema(RecordFrame):
    """DataFrame of the ``sources`` table."""

    __record__ = Source


class PolicySchema(RecordFrame):
    """DataFrame of the ``policies`` table."""

    __record__ = Policy


class SectorSchema(RecordFrame):
    """DataFrame of the ``sectors`` table."""

    __record__ = Sector


class SectorCodeSchema(RecordFrame):
    """DataFrame of the ``sector_codes`` table."""

    __record__ = SectorCode


class PolicySectorSchema(RecordFrame):
    """DataFrame of the ``policy_sectors`` table."""

    __record__ = PolicySector


class TariffEventSchema(RecordFrame):
    """DataFrame of the ``tariff_events`` table."""

    __record__ = TariffEvent


class TariffEventProductSchema(RecordFrame):
    """DataFrame of the ``tariff_event_products`` table."""

    __record__ = TariffEventProduct


class CitationSchema(RecordFrame):
    """DataFrame of the ``citations`` table."""

    __record__ = Citation


FRAME_MODELS: dict[str, type[RecordFrame]] = {
    "sources": SourceSchema,
    "policies": PolicySchema,
    "sectors": SectorSchema,
    "sector_codes": SectorCodeSchema,
    "policy_sectors": PolicySectorSchema,
    "tariff_events": TariffEventSchema,
    "tariff_event_products": TariffEventProductSchema,
    "citations": CitationSchema,
}
