"""``tariff_event_lists``: which product lists a tariff event covers, excludes or excepts."""

from __future__ import annotations

from policydata.schemas import _patterns as p
from policydata.schemas.model import ForeignKey, Record, Table, field


class TariffEventList(Record):
    """A tariff event uses a product list; the list's kind says how.

    Examples
    --------
    >>> TariffEventList(event_id="USA-CHN-2018-301-L1", list_id="USA-301-L1",
    ...                 source_id="fr-83-28710", notes=None).list_id
    'USA-301-L1'
    """

    event_id: str = field("The event.", pattern=p.EVENT_ID)
    list_id: str = field(
        "A list the event covers (products), excludes (exclusions) or excepts (exceptions).",
        pattern=p.LIST_ID,
    )
    source_id: str = field("The document that ties the event to the list.", pattern=p.SOURCE_ID)
    notes: str | None = field("How the event uses the list, where it is not plain.", pattern=p.TEXT)

    __table__ = Table(
        "tariff_event_lists",
        "Tariff event lists",
        "Which product lists each tariff event covers, excludes or excepts.",
        primary_key=("event_id", "list_id"),
        foreign_keys=(
            ForeignKey.to("event_id", "tariff_events"),
            ForeignKey.to("list_id", "product_lists"),
            ForeignKey.to("source_id", "sources"),
        ),
        cited_by=("source_id",),
    )
