"""``citations``: which source supports which record."""

from __future__ import annotations

from typing import Literal

from policydata.schemas import _patterns as p
from policydata.schemas.model import ForeignKey, Record, Table, field

CitedTable = Literal[
    "policies",
    "sectors",
    "sector_codes",
    "policy_sectors",
    "tariff_events",
    "tariff_event_products",
]
CITED_TABLE_DOC = {
    "policies": "record_id is a policy_id.",
    "sectors": "record_id is a sector_id.",
    "sector_codes": "record_id is sector_id|classification|code.",
    "policy_sectors": "record_id is policy_id|sector_id.",
    "tariff_events": "record_id is an event_id.",
    "tariff_event_products": "record_id is event_id|hs_code.",
}


class Citation(Record):
    """A source supports a record.

    Examples
    --------
    >>> Citation(table="tariff_events", record_id="USA-CHN-2018-301-L1",
    ...          source_id="fr-83-28710", locator=None, note=None).table
    'tariff_events'
    """

    table: CitedTable = field("The table of the cited record.", enum_doc=CITED_TABLE_DOC)
    record_id: str = field(
        "The key of the cited record; composite keys are joined with '|'.",
        pattern=r"^[^\s|]+(\|[^\s|]+)*$",
    )
    source_id: str = field("The source that supports it.", pattern=p.SOURCE_ID)
    locator: str | None = field("Where in the source: page, section or paragraph.", pattern=p.TEXT)
    note: str | None = field("What the source supports, where it is not the whole record.", pattern=p.TEXT)

    __table__ = Table(
        "citations",
        "Citations",
        "Which source supports which record.",
        primary_key=("table", "record_id", "source_id"),
        foreign_keys=(ForeignKey.to("source_id", "sources"),),
    )
