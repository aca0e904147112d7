"""``tariff_lines``: the nomenclature itself, each line with the period in which it existed."""

from __future__ import annotations

import datetime as dt

from policydata.schemas import _patterns as p
from policydata.schemas.model import ForeignKey, Record, Table, field
from policydata.schemas.nomenclature_editions import NOMENCLATURE_DOC, Nomenclature
from policydata.schemas.rules import Ordered


class TariffLine(Record):
    """A line of a nomenclature, unchanged from ``first_edition`` to ``last_edition``.

    A line whose description or general rate changed between editions has one row per period.

    Examples
    --------
    >>> TariffLine.__table__.primary_key
    ('nomenclature', 'code', 'valid_from')
    """

    nomenclature: Nomenclature = field("The nomenclature.", enum_doc=NOMENCLATURE_DOC)
    code: str = field(
        "The line's code, digits only: HS 6, HTS 8 (tariff line) or 10 (statistical line).",
        pattern=p.LINE_CODE,
    )
    valid_from: dt.date = field("effective_date of first_edition.")
    valid_to: dt.date | None = field(
        "end_date of last_edition (exclusive); empty while the line is in the newest edition."
    )
    first_edition: str = field("First edition with this line as described here.", pattern=p.EDITION_ID)
    last_edition: str = field("Last edition with this line as described here.", pattern=p.EDITION_ID)
    description: str | None = field("The line's own description as published.", pattern=p.TEXT)
    general_rate: str | None = field(
        "HTS 8-digit lines: the column 1 General (MFN) rate exactly as published ('Free', '5.3%', "
        "'2.2¢/kg + 4%'); empty for statistical and HS lines.",
        pattern=p.TEXT,
    )
    mfn_pct: float | None = field(
        "The general rate in percent ad valorem where it is purely ad valorem ('Free' is 0); empty "
        "for a specific or compound rate, never an estimated equivalent.",
        ge=0,
        le=1000,
    )

    __rules__ = (Ordered("valid_from", "valid_to", strict=True),)

    __table__ = Table(
        "tariff_lines",
        "Tariff lines",
        "The nomenclature: US HTS 8- and 10-digit lines (description, general rate), HS subheadings, "
        "as validity periods.",
        primary_key=("nomenclature", "code", "valid_from"),
        foreign_keys=(
            ForeignKey.to("first_edition", "nomenclature_editions", "edition_id"),
            ForeignKey.to("last_edition", "nomenclature_editions", "edition_id"),
        ),
        cited_by=("first_edition",),
    )
