"""What the validator checks a table against: its record model, key, references and duplicate test.

The eight tables of the data package come from :mod:`policydata.catalog`; any other table (a
third-party file, a benchmark's synthetic table) can be described with :class:`TableSpec` and a
:class:`~policydata.schemas._base.Record` model of its own.

Examples
--------
>>> spec = catalog_specs()["tariff_events"]
>>> spec.primary_key, spec.foreign_keys[0].reference_table
(('event_id',), 'tariff_events')
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from policydata.catalog import TABLES, ForeignKey, TableInfo
from policydata.schemas._base import FieldSpec, Record, field_specs

__all__ = ["ForeignKey", "TableSpec", "catalog_specs"]

#: Fields which, all equal between two records with different keys, mean the same fact was
#: entered twice (nulls count as equal). Only a warning: the data may be right.
LIKELY_DUPLICATE_FIELDS: Mapping[str, tuple[str, ...]] = {
    "sources": ("url",),
    "policies": ("jurisdiction", "title_en"),
    "sectors": ("scheme", "name_en"),
    "tariff_events": (
        "imposing",
        "target",
        "authority",
        "action",
        "combines",
        "amends_event_id",
        "announcement_no",
        "announced_date",
        "effective_date",
        "end_date",
        "rate_pct",
        "coverage",
        "product_scope",
        "exporter",
    ),
}


@dataclass(frozen=True)
class TableSpec:
    """A table to validate.

    Parameters
    ----------
    name
        The table name; files are matched on it (``<name>.csv`` or ``<name>.parquet``).
    model
        The record model: fields, types, constraints and row rules.
    primary_key
        The fields whose values identify a record.
    foreign_keys
        References to other tables (or to this one).
    duplicate_fields
        See :data:`LIKELY_DUPLICATE_FIELDS`; empty to skip the test.

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

    @property
    def fields(self) -> tuple[FieldSpec, ...]:
        return field_specs(self.model)

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def column(self, name: str) -> int:
        """1-based position of a field in the header."""
        return self.field_names.index(name) + 1

    @classmethod
    def from_info(cls, info: TableInfo) -> TableSpec:
        return cls(
            info.name,
            info.record_model(),
            info.primary_key,
            info.foreign_keys,
            LIKELY_DUPLICATE_FIELDS.get(info.name, ()),
        )


@functools.cache
def _catalog() -> dict[str, TableSpec]:
    return {name: TableSpec.from_info(info) for name, info in TABLES.items()}


def catalog_specs() -> dict[str, TableSpec]:
    """The specs of the data package's tables, by name."""
    return dict(_catalog())


def specs_by_name(tables: Sequence[TableSpec] | None) -> dict[str, TableSpec]:
    if tables is None:
        return catalog_specs()
    return {t.name: t for t in tables}
