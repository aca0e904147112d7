"""``sources``: the public documents that every record cites."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from policydata.schemas import _patterns as p
from policydata.schemas.model import Record, Table, field

SourceKind = Literal["legal", "government", "research", "press"]

SOURCE_KIND_DOC = {
    "legal": "A legal instrument or its official publication: a law, executive order, "
    "Federal Register notice, Official Journal act, tariff commission announcement, court opinion.",
    "government": "An official statement that is not itself the instrument: a press release, fact "
    "sheet or joint statement of a government or agency.",
    "research": "Analysis by a research body: the Congressional Research Service, a think tank, "
    "an academic paper.",
    "press": "A news report.",
}


class Source(Record):
    """A public document cited by at least one record.

    Examples
    --------
    >>> Source(source_id="fr-83-28710", title="Notice of Action", publisher="USTR",
    ...        url="https://example.org/83-FR-28710", published_date=None, language="en",
    ...        kind="legal", reference="83 FR 28710", checked=True).kind
    'legal'
    """

    source_id: str = field(
        "Stable identifier: fr-<volume>-<page> for a Federal Register document, eo-<number> for a "
        "US executive order, ctc-<year>-<number> for a Customs Tariff Commission announcement, "
        "else <publisher>-<year>-<slug>.",
        pattern=p.SOURCE_ID,
    )
    title: str = field("Title of the document as it is published.", pattern=p.TEXT)
    publisher: str = field("Body that published the document.", pattern=p.TEXT)
    url: str = field("Address at which the document was read when the record was checked.", pattern=p.URL)
    published_date: dt.date | None = field("Date the document was published, if known.")
    language: str = field("Language of the document, ISO 639-1.", pattern=p.LANGUAGE)
    kind: SourceKind = field("What sort of document this is.", enum_doc=SOURCE_KIND_DOC)
    reference: str | None = field(
        "Formal citation where one exists, such as '83 FR 28710; FR Doc. 2018-13248'.",
        pattern=p.TEXT,
    )
    checked: bool = field("True when the facts cited from this source were checked against the text at url.")

    __table__ = Table(
        "sources",
        "Sources",
        "Public documents cited by the records: title, publisher, address, date, kind.",
        primary_key=("source_id",),
        duplicate_fields=("url",),
    )
