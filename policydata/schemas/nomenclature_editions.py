"""``nomenclature_editions``: each edition of a tariff nomenclature that a code can be written in."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from policydata.schemas import _patterns as p
from policydata.schemas.model import ForeignKey, Record, Table, field
from policydata.schemas.rules import Ordered

Nomenclature = Literal["HTS", "HS", "CN"]
NOMENCLATURE_DOC = {
    "HTS": "Harmonized Tariff Schedule of the United States: 8-digit tariff lines, 10-digit "
    "statistical lines.",
    "HS": "The World Customs Organization's Harmonized System: 6-digit subheadings.",
    "CN": "China's Customs Import and Export Tariff: 8-digit tariff lines.",
}


class NomenclatureEdition(Record):
    """An edition (or revision) of a tariff nomenclature, with the period in which it applied.

    Examples
    --------
    >>> NomenclatureEdition.__table__.primary_key
    ('edition_id',)
    """

    edition_id: str = field(
        "Stable identifier: <NOMENCLATURE>-<YEAR>[-BASIC|-REV-<n>], e.g. HTS-2025-REV-7, HS-2022, CN-2018.",
        pattern=p.EDITION_ID,
    )
    nomenclature: Nomenclature = field("The nomenclature.", enum_doc=NOMENCLATURE_DOC)
    title: str = field("Title of the edition as its publisher gives it.", pattern=p.TEXT)
    effective_date: dt.date = field(
        "First day the edition applied (for an HTS revision: the date of its change record)."
    )
    end_date: dt.date | None = field(
        "First day it no longer applied (the next edition's effective_date); empty for the newest."
    )
    hs_edition_id: str | None = field(
        "The HS edition whose six-digit subheadings this edition's codes begin with; empty for HS editions.",
        pattern=p.EDITION_ID,
    )
    lines_encoded: bool = field("True when tariff_lines holds every line of this edition.")
    source_id: str = field("The published edition (a source).", pattern=p.SOURCE_ID)
    uncertainty: str | None = field("What is doubtful about this record and why.", pattern=p.TEXT)
    notes: str | None = field("Anything else a reader should know.", pattern=p.TEXT)

    __rules__ = (Ordered("effective_date", "end_date", strict=True),)

    __table__ = Table(
        "nomenclature_editions",
        "Nomenclature editions",
        "Editions of the US HTS, the HS and China's tariff that codes are written in, with their periods.",
        primary_key=("edition_id",),
        foreign_keys=(
            ForeignKey.to("hs_edition_id", "nomenclature_editions", "edition_id"),
            ForeignKey.to("source_id", "sources"),
        ),
        cited_by=("source_id",),
    )
