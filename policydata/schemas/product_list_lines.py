"""``product_list_lines``: which tariff lines belong to a list, in which edition, and when."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from policydata.schemas import _patterns as p
from policydata.schemas.model import ForeignKey, Record, Table, field
from policydata.schemas.rules import Ordered

Scope = Literal["whole-line", "described-goods"]
SCOPE_DOC = {
    "whole-line": "Every good classified under the code.",
    "described-goods": "Only the goods the description names (a product exclusion, a derivative by "
    "metal content): a good under the code may or may not be covered.",
}


class ProductListLine(Record):
    """A tariff line that belonged to a list from ``valid_from`` to ``valid_to``.

    The code is written in the nomenclature edition it was published in and is never converted.

    Examples
    --------
    >>> ProductListLine.__table__.primary_key
    ('list_id', 'code', 'valid_from')
    """

    list_id: str = field("The list.", pattern=p.LIST_ID)
    code: str = field("The code as published, digits only.", pattern=p.LINE_CODE)
    edition_id: str = field("The nomenclature edition the code is written in.", pattern=p.EDITION_ID)
    valid_from: dt.date = field("First day the line belonged to the list, as this row's source shows it.")
    valid_to: dt.date | None = field(
        "First day it no longer did (exclusive); empty while it still belongs at the newest snapshot."
    )
    scope: Scope = field(
        "Whether the whole line or only described goods are in the list.", enum_doc=SCOPE_DOC
    )
    description: str | None = field("The description the list gives, if any.", pattern=p.TEXT)
    item: str | None = field("Item or annex entry as the source numbers it.", pattern=p.TEXT)
    source_id: str = field(
        "The document this membership is read from (the snapshot); its reference names any copy read.",
        pattern=p.SOURCE_ID,
    )
    uncertainty: str | None = field(
        "What is doubtful: a snapshot that lacks the line, a period carried across a gap.", pattern=p.TEXT
    )

    __rules__ = (Ordered("valid_from", "valid_to", strict=True),)

    __table__ = Table(
        "product_list_lines",
        "Product list lines",
        "Membership of each product list by tariff line, in the edition it was published in, with dates.",
        primary_key=("list_id", "code", "valid_from"),
        foreign_keys=(
            ForeignKey.to("list_id", "product_lists"),
            ForeignKey.to("edition_id", "nomenclature_editions"),
            ForeignKey.to("source_id", "sources"),
        ),
        cited_by=("source_id",),
    )
