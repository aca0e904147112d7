"""pandera DataFrame models, generated from the record models (the single source of truth).

Each table has a :class:`pandera.pandas.DataFrameModel` subclass here, so that code can be typed
``pandera.typing.DataFrame[TariffEventSchema]``; its schema is built from the record model's
fields and rules (:meth:`policydata.schemas.rules.Rule.pandas_ok`) the first time it is asked for.

Examples
--------
>>> TariffEventSchema.to_schema().columns["rate_pct"].nullable
True
>>> "rate_pct" in TariffEventSchema.to_json()
True
"""

from __future__ import annotations

import functools
import re
from typing import Any, ClassVar

import pandera.pandas as pa
from pandera import extensions

from policydata.catalog import table
from policydata.schemas.model import FieldSpec, Record, TableSpec

#: pandas dtype of each field kind, as :func:`policydata.io.to_pandas` produces it from Parquet.
PANDAS_DTYPES: dict[tuple[str, bool], Any] = {
    ("string", False): "str",
    ("string", True): "str",
    ("date", False): "datetime64[ms]",
    ("date", True): "datetime64[ms]",
    ("number", False): "float64",
    ("number", True): "float64",
    ("integer", False): "int64",
    ("integer", True): "Int64",
    ("boolean", False): "bool",
    ("boolean", True): "boolean",
}


@extensions.register_check_method(statistics=["pattern"], check_type="vectorized")  # type: ignore[untyped-decorator]
def ascii_fullmatch(series: Any, *, pattern: str) -> Any:
    """The whole value matches ``pattern``, with ASCII classes (``\\d`` is 0-9, ``\\s`` ASCII white
    space), as in Arrow's RE2 and Table Schema consumers: full-width digits and look-alikes are
    refused by every engine alike. A registered check, so that the schema serialises to JSON."""
    return series.str.fullmatch(re.compile(pattern, re.ASCII))


def _column(spec: FieldSpec, unique: bool) -> pa.Column:
    checks = []
    if spec.pattern is not None:
        checks.append(pa.Check.ascii_fullmatch(pattern=spec.pattern))
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
def dataframe_schema(spec: TableSpec) -> pa.DataFrameSchema:
    """Build the pandera schema of a table from its record model.

    Examples
    --------
    >>> list(dataframe_schema(table("sources")).columns)[:2]
    ['source_id', 'title']
    """
    key = spec.primary_key
    single_key = key[0] if len(key) == 1 else None
    columns = {s.name: _column(s, unique=s.name == single_key) for s in spec.fields}
    checks = [
        pa.Check(rule.pandas_ok, name=rule.name, error=rule.describe()) for rule in spec.model.__rules__
    ]
    return pa.DataFrameSchema(
        columns,
        checks=checks,
        unique=list(key) if single_key is None and key else None,
        strict=True,
        ordered=True,
        name=spec.name,
        description=spec.description or None,
    )


class RecordFrame(pa.DataFrameModel):
    """A pandera DataFrame model whose schema is generated from ``__record__``."""

    __record__: ClassVar[type[Record]]

    @classmethod
    def build_schema_(cls, **kwargs: Any) -> pa.DataFrameSchema:
        # pandera's hook: to_schema(), to_json(), validate() all build the schema through it
        return dataframe_schema(TableSpec.from_model(cls.__record__))


class SourceSchema(RecordFrame):
    """DataFrame of the ``sources`` table."""

    __record__ = table("sources").model


class PolicySchema(RecordFrame):
    """DataFrame of the ``policies`` table."""

    __record__ = table("policies").model


class SectorSchema(RecordFrame):
    """DataFrame of the ``sectors`` table."""

    __record__ = table("sectors").model


class SectorCodeSchema(RecordFrame):
    """DataFrame of the ``sector_codes`` table."""

    __record__ = table("sector_codes").model


class PolicySectorSchema(RecordFrame):
    """DataFrame of the ``policy_sectors`` table."""

    __record__ = table("policy_sectors").model


class TariffEventSchema(RecordFrame):
    """DataFrame of the ``tariff_events`` table."""

    __record__ = table("tariff_events").model


class TariffEventProductSchema(RecordFrame):
    """DataFrame of the ``tariff_event_products`` table."""

    __record__ = table("tariff_event_products").model


class NomenclatureEditionSchema(RecordFrame):
    """DataFrame of the ``nomenclature_editions`` table."""

    __record__ = table("nomenclature_editions").model


class TariffLineSchema(RecordFrame):
    """DataFrame of the ``tariff_lines`` table."""

    __record__ = table("tariff_lines").model


class ProductListSchema(RecordFrame):
    """DataFrame of the ``product_lists`` table."""

    __record__ = table("product_lists").model


class ProductListLineSchema(RecordFrame):
    """DataFrame of the ``product_list_lines`` table."""

    __record__ = table("product_list_lines").model


class ProductListCountSchema(RecordFrame):
    """DataFrame of the ``product_list_counts`` table."""

    __record__ = table("product_list_counts").model


class TariffEventListSchema(RecordFrame):
    """DataFrame of the ``tariff_event_lists`` table."""

    __record__ = table("tariff_event_lists").model


class CitationSchema(RecordFrame):
    """DataFrame of the ``citations`` table."""

    __record__ = table("citations").model


FRAME_MODELS: dict[str, type[RecordFrame]] = {
    "sources": SourceSchema,
    "policies": PolicySchema,
    "sectors": SectorSchema,
    "sector_codes": SectorCodeSchema,
    "policy_sectors": PolicySectorSchema,
    "tariff_events": TariffEventSchema,
    "tariff_event_products": TariffEventProductSchema,
    "nomenclature_editions": NomenclatureEditionSchema,
    "tariff_lines": TariffLineSchema,
    "product_lists": ProductListSchema,
    "product_list_lines": ProductListLineSchema,
    "product_list_counts": ProductListCountSchema,
    "tariff_event_lists": TariffEventListSchema,
    "citations": CitationSchema,
}
