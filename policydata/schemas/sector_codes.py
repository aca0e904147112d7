"""``sector_codes``: crosswalk from sectors to HS and ISIC codes."""

from __future__ import annotations

from typing import Literal

from policydata.schemas import _patterns as p
from policydata.schemas.model import ForeignKey, Record, Table, field
from policydata.schemas.rules import PatternWhen

Classification = Literal["HS2022", "ISIC4"]
Match = Literal["exact", "close", "partial", "broad"]

CLASSIFICATION_DOC = {
    "HS2022": "Harmonized System, 2022 edition: chapter (2 digits), heading (4) or subheading (6).",
    "ISIC4": "ISIC Revision 4: section (letter), division (2), group (3) or class (4 digits).",
}
MATCH_DOC = {
    "exact": "The code covers the sector and nothing else.",
    "close": "The code covers most of the sector with little else.",
    "partial": "The code covers an identifiable part of the sector.",
    "broad": "The code covers the sector among much else.",
}


class SectorCode(Record):
    """One code of a classification that corresponds to a sector.

    Examples
    --------
    >>> SectorCode.__rules__[0].code
    'code-format'
    """

    sector_id: str = field("The sector.", pattern=p.SECTOR_ID)
    classification: Classification = field("The classification.", enum_doc=CLASSIFICATION_DOC)
    code: str = field("The code, digits only (or an ISIC section letter).", pattern=r"^[A-U0-9]+$")
    match: Match = field("How closely the code matches the sector.", enum_doc=MATCH_DOC)
    notes: str | None = field("Why this code, and what it leaves in or out.", pattern=p.TEXT)

    __rules__ = (
        PatternWhen("code", "classification", "HS2022", p.HS_CROSSWALK_CODE),
        PatternWhen("code", "classification", "ISIC4", p.ISIC4_CODE),
    )

    __table__ = Table(
        "sector_codes",
        "Sector codes",
        "Crosswalk from sectors to HS 2022 and ISIC Rev.4 codes, with match quality.",
        primary_key=("sector_id", "classification", "code"),
        foreign_keys=(ForeignKey.to("sector_id", "sectors"),),
    )
