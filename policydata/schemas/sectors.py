"""``sectors``: sectors as named by industrial-policy schemes."""

from __future__ import annotations

from typing import Literal

from policydata.schemas import _patterns as p
from policydata.schemas.model import ForeignKey, Record, Table, field

Scheme = Literal["MIC2025", "FYP14", "FYP15", "SEI"]

HsMapping = Literal["mapped", "no-published-list", "list-not-read"]
HS_MAPPING_DOC = {
    "mapped": "sector_codes maps the sector to HS 2022 codes, each following a cited published text.",
    "no-published-list": "No published product list or classification ties the sector to HS codes; "
    "a citation says what defines the sector and what was searched.",
    "list-not-read": "A published product list exists (a roadmap, a catalogue) but could not be read "
    "for this release; a citation says which and what was searched. Not mapped until it is.",
}

SCHEME_DOC = {
    "MIC2025": "The ten key sectors of Made in China 2025 (State Council, 2015).",
    "FYP14": "Industries named by the 14th Five-Year Plan (2021-2025).",
    "FYP15": "Industries named by the 15th Five-Year Plan (2026-2030).",
    "SEI": "Strategic emerging industries (State Council decision of 2010 and later plans).",
}


class Sector(Record):
    """A sector within one scheme.

    Examples
    --------
    >>> Sector.model_fields["scheme"].annotation.__args__[0]
    'MIC2025'
    """

    sector_id: str = field(
        "Stable identifier: <SCHEME>-<SLUG>, e.g. MIC2025-01 for the first sector of the plan.",
        pattern=p.SECTOR_ID,
    )
    scheme: Scheme = field("The scheme that names the sector.", enum_doc=SCHEME_DOC)
    parent_id: str | None = field(
        "The broader sector of the same scheme this one belongs to.", pattern=p.SECTOR_ID
    )
    name_en: str = field("English name.", pattern=p.TEXT)
    name_zh: str | None = field("Chinese name as the scheme's document writes it.", pattern=p.TEXT)
    name_en_variants: str | None = field(
        "Other English names in common use, separated by '; '.", pattern=p.TEXT
    )
    description: str | None = field("What the sector covers, per the scheme.", pattern=p.TEXT)
    hs_mapping: HsMapping | None = field(
        "Whether the sector is mapped to HS codes, or no published list allows it; empty while unreviewed.",
        enum_doc=HS_MAPPING_DOC,
    )

    __table__ = Table(
        "sectors",
        "Sectors",
        "Sectors named by industrial-policy schemes (MIC2025, Five-Year Plans, SEI).",
        primary_key=("sector_id",),
        foreign_keys=(ForeignKey.to("parent_id", "sectors", "sector_id"),),
        duplicate_fields=("scheme", "name_en"),
    )
