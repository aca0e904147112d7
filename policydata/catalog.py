"""Which tables exist, their keys, relations and record models.

Cheap to import: record models are imported only when asked for.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from policydata.errors import UnknownTableError

if TYPE_CHECKING:
    from policydata.schemas._base import Record


@dataclass(frozen=True)
class ForeignKey:
    """``fields`` of this table refer to ``reference_fields`` of ``reference_table``."""

    fields: tuple[str, ...]
    reference_table: str
    reference_fields: tuple[str, ...]


@dataclass(frozen=True)
class TableInfo:
    """A table of the data package."""

    name: str
    title: str
    description: str
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...]
    model_path: str

    def record_model(self) -> type[Record]:
        """The pydantic record model of the table (imported on first use)."""
        module_name, _, class_name = self.model_path.partition(":")
        model: type[Record] = getattr(importlib.import_module(module_name), class_name)
        return model

    def record_id(self, row: Mapping[str, object]) -> str:
        """The key of a row as citations write it (composite keys joined with '|')."""
        return "|".join(str(row[k]) for k in self.primary_key)


def _fk(fields: str, table: str, ref: str | None = None) -> ForeignKey:
    return ForeignKey((fields,), table, (ref or fields,))


TABLES: Mapping[str, TableInfo] = {
    t.name: t
    for t in (
        TableInfo(
            "sources",
            "Sources",
            "Public documents cited by the records: title, publisher, address, date, kind.",
            ("source_id",),
            (),
            "policydata.schemas.sources:Source",
        ),
        TableInfo(
            "policies",
            "Policies",
            "Industrial and trade policies: titles, jurisdiction, issuing body, dates, status.",
            ("policy_id",),
            (),
            "policydata.schemas.policies:Policy",
        ),
        TableInfo(
            "sectors",
            "Sectors",
            "Sectors named by industrial-policy schemes (MIC2025, Five-Year Plans, SEI).",
            ("sector_id",),
            (_fk("parent_id", "sectors", "sector_id"),),
            "policydata.schemas.sectors:Sector",
        ),
        TableInfo(
            "sector_codes",
            "Sector codes",
            "Crosswalk from sectors to HS 2022 and ISIC Rev.4 codes, with match quality.",
            ("sector_id", "classification", "code"),
            (_fk("sector_id", "sectors"),),
            "policydata.schemas.sector_codes:SectorCode",
        ),
        TableInfo(
            "policy_sectors",
            "Policy sectors",
            "Which sectors each policy targets.",
            ("policy_id", "sector_id"),
            (_fk("policy_id", "policies"), _fk("sector_id", "sectors")),
            "policydata.schemas.policy_sectors:PolicySector",
        ),
        TableInfo(
            "tariff_events",
            "Tariff events",
            "Tariff actions: parties, authority, dates, rate and how it combines, scope, status.",
            ("event_id",),
            (
                _fk("amends_event_id", "tariff_events", "event_id"),
                _fk("responds_to_event_id", "tariff_events", "event_id"),
            ),
            "policydata.schemas.tariff_events:TariffEvent",
        ),
        TableInfo(
            "tariff_event_products",
            "Tariff event products",
            "HS codes an event's legal text lists, with the HS edition.",
            ("event_id", "hs_code"),
            (_fk("event_id", "tariff_events"),),
            "policydata.schemas.tariff_event_products:TariffEventProduct",
        ),
        TableInfo(
            "citations",
            "Citations",
            "Which source supports which record.",
            ("table", "record_id", "source_id"),
            (_fk("source_id", "sources"),),
            "policydata.schemas.citations:Citation",
        ),
    )
}


def table(name: str) -> TableInfo:
    """Look up a table by name.

    Raises
    ------
    UnknownTableError
        If there is no such table; the message lists the valid names.

    Examples
    --------
    >>> table("tariff_events").primary_key
    ('event_id',)
    """
    try:
        return TABLES[name]
    except KeyError:
        raise UnknownTableError(name, TABLES) from None
