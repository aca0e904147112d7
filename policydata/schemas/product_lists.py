"""``product_lists``: the lists of tariff lines that tariff actions cover, exclude or except."""

from __future__ import annotations

from typing import Literal

from policydata.schemas import _patterns as p
from policydata.schemas.model import ForeignKey, Record, Table, field

ListKind = Literal["products", "exclusions", "exceptions"]
CodeLevel = Literal["HS6", "HS8", "HTS8", "HTS10", "mixed"]

LIST_KIND_DOC = {
    "products": "The goods a duty covers (a Section 301 list, a Section 232 annex, a retaliation list).",
    "exclusions": "Goods taken out of a duty's coverage (Section 301 product exclusions).",
    "exceptions": "Goods a duty that covers all goods does not cover (Annex II of the reciprocal tariffs).",
}
CODE_LEVEL_DOC = {
    "HS6": "Six-digit HS subheadings.",
    "HS8": "Eight-digit national tariff lines (China).",
    "HTS8": "Eight-digit US HTS lines.",
    "HTS10": "Ten-digit US statistical reporting numbers.",
    "mixed": "Codes of several lengths.",
}


class ProductList(Record):
    """A list of tariff lines as a legal text or official table publishes it.

    Examples
    --------
    >>> ProductList.model_fields["kind"].annotation.__args__
    ('products', 'exclusions', 'exceptions')
    """

    list_id: str = field("Stable identifier: <IMPOSING>-<SLUG>, e.g. USA-301-L1.", pattern=p.LIST_ID)
    imposing: str = field("Jurisdiction whose duties the list belongs to.", codes="jurisdiction")
    title: str = field("What the list is.", pattern=p.TEXT)
    heading: str | None = field("US chapter 99 heading the list is tied to.", pattern=p.HTS_HEADING)
    kind: ListKind = field("What the list does.", enum_doc=LIST_KIND_DOC)
    code_level: CodeLevel = field("The level the legal text lists codes at.", enum_doc=CODE_LEVEL_DOC)
    complete: bool = field(
        "True when product_list_lines holds the list's complete membership for its whole period."
    )
    source_id: str = field("The document that publishes the list.", pattern=p.SOURCE_ID)
    uncertainty: str | None = field(
        "What is doubtful, such as lines the snapshots disagree on; empty when nothing is.", pattern=p.TEXT
    )
    notes: str | None = field("Anything else a reader should know.", pattern=p.TEXT)

    __table__ = Table(
        "product_lists",
        "Product lists",
        "Lists of tariff lines that tariff actions cover, exclude or except.",
        primary_key=("list_id",),
        foreign_keys=(ForeignKey.to("source_id", "sources"),),
        cited_by=("source_id",),
    )
