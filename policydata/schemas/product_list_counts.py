"""``product_list_counts``: how many lines a legal text or official table says a list has."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from policydata.schemas import _patterns as p
from policydata.schemas.model import ForeignKey, Record, Table, field

Level = Literal["HS6", "HS8", "HTS8", "HTS10", "all"]
LEVEL_DOC = {
    "HS6": "Six-digit codes.",
    "HS8": "Eight-digit codes of China's tariff.",
    "HTS8": "Eight-digit US HTS lines.",
    "HTS10": "Ten-digit US statistical lines.",
    "all": "Codes of every length.",
}


class ProductListCount(Record):
    """A count of a list's lines as a document states it, on a date and at a code level.

    The lines it is compared with are the list's lines in force on ``on`` whose codes have the
    level's length; a test checks every count, and a list whose lines differ from a stated count
    explains the difference in its ``uncertainty``.

    Examples
    --------
    >>> ProductListCount.__table__.primary_key
    ('list_id', 'on', 'level')
    """

    list_id: str = field("The list.", pattern=p.LIST_ID)
    on: dt.date = field("The date the count applies to (the list's lines in force that day).")
    level: Level = field("Which codes the count counts.", enum_doc=LEVEL_DOC)
    stated_lines: int = field("The number of lines the document states or lists.", ge=0)
    source_id: str = field("The document that states the count.", pattern=p.SOURCE_ID)
    locator: str | None = field("Where in the document, and its words if they matter.", pattern=p.TEXT)
    notes: str | None = field("Anything else a reader should know.", pattern=p.TEXT)

    __table__ = Table(
        "product_list_counts",
        "Product list counts",
        "Line counts of each list as the legal text or official table states them.",
        primary_key=("list_id", "on", "level"),
        foreign_keys=(ForeignKey.to("list_id", "product_lists"), ForeignKey.to("source_id", "sources")),
        cited_by=("source_id",),
    )
