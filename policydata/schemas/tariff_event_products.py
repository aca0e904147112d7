"""``tariff_event_products``: the products an event covers, where its legal text lists them."""

from __future__ import annotations

from typing import Literal

from policydata.schemas import _patterns as p
from policydata.schemas.model import ForeignKey, Record, Table, field

HsEdition = Literal["HS2012", "HS2017", "HS2022"]
HS_EDITION_DOC = {
    "HS2012": "Harmonized System, 2012 edition.",
    "HS2017": "Harmonized System, 2017 edition.",
    "HS2022": "Harmonized System, 2022 edition.",
}


class TariffEventProduct(Record):
    """A product (HS code) an event's legal text lists.

    Examples
    --------
    >>> TariffEventProduct(event_id="USA-CHN-2024-301-EV", hs_code="87038001",
    ...                    hs_edition="HS2022", description=None).hs_code
    '87038001'
    """

    event_id: str = field("The event.", pattern=p.EVENT_ID)
    hs_code: str = field(
        "Code as the legal text lists it: HS heading (4 digits), subheading (6) or national line (8, 10).",
        pattern=p.HS_CODE,
    )
    hs_edition: HsEdition = field("HS edition the listing is based on.", enum_doc=HS_EDITION_DOC)
    description: str | None = field("Product description as the legal text gives it.", pattern=p.TEXT)

    __table__ = Table(
        "tariff_event_products",
        "Tariff event products",
        "HS codes an event's legal text lists, with the HS edition.",
        primary_key=("event_id", "hs_code"),
        foreign_keys=(ForeignKey.to("event_id", "tariff_events"),),
    )
