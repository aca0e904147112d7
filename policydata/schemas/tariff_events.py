"""``tariff_events``: every tariff action, one row per rate and date."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from policydata.schemas import _patterns as p
from policydata.schemas.model import ForeignKey, Record, Table, field
from policydata.schemas.rules import Distinct, EmptyWhen, Ordered, RequiredWhen

Authority = Literal[
    "us-section-301",
    "us-section-122",
    "us-section-232",
    "us-section-201",
    "us-ieepa",
    "cn-countermeasure",
    "eu-anti-subsidy",
    "eu-anti-dumping",
    "agreement",
    "court",
]
Action = Literal[
    "impose",
    "increase",
    "decrease",
    "suspend",
    "extend",
    "exclude",
    "terminate",
    "agreement",
    "ruling",
]
Combines = Literal["stacks", "replaces", "overrides", "instead", "excludes", "none"]
Coverage = Literal["all-goods", "listed-products", "all-except-listed", "not-applicable"]
EventStatus = Literal[
    "in-force", "ended", "superseded", "suspended", "never-in-force", "struck-down", "pending"
]

AUTHORITY_DOC = {
    "us-section-301": "US Trade Act of 1974, section 301 (19 U.S.C. 2411).",
    "us-section-122": "US Trade Act of 1974, section 122 balance-of-payments surcharge (19 U.S.C. 2132).",
    "us-section-232": "US Trade Expansion Act of 1962, section 232 (19 U.S.C. 1862).",
    "us-section-201": "US Trade Act of 1974, section 201 safeguards (19 U.S.C. 2251).",
    "us-ieepa": "US International Emergency Economic Powers Act (50 U.S.C. 1701 et seq.).",
    "cn-countermeasure": "A countermeasure of China's State Council Customs Tariff Commission.",
    "eu-anti-subsidy": "EU anti-subsidy (countervailing) duty, Regulation (EU) 2016/1037.",
    "eu-anti-dumping": "EU anti-dumping duty, Regulation (EU) 2016/1036.",
    "agreement": "A bilateral agreement or joint statement.",
    "court": "A court ruling.",
}
ACTION_DOC = {
    "impose": "A new tariff.",
    "increase": "A higher rate on goods already covered.",
    "decrease": "A lower rate on goods already covered.",
    "suspend": "A tariff set aside for a period.",
    "extend": "A suspension or exclusion extended.",
    "exclude": "Products taken out of a tariff's coverage.",
    "terminate": "A tariff ended.",
    "agreement": "An agreement that changed, or committed to change, rates.",
    "ruling": "A court ruling on a tariff's legal basis.",
}
COMBINES_DOC = {
    "stacks": "A new layer added on top of every other duty.",
    "replaces": "Supersedes the rate of amends_event_id from effective_date; that event ends then.",
    "overrides": "Sets the rate, from effective_date, for the products this event covers in place of "
    "every earlier rate of the same authority and direction on those products; the earlier events "
    "continue for their other products. amends_event_id names the main superseded event where known.",
    "instead": "Applies to the goods it covers in place of every other duty (the US postal duty on "
    "low-value shipments); an event that replaces it applies in the same way.",
    "excludes": "Takes the products it lists out of the coverage of amends_event_id, and of the events "
    "that replace it, from effective_date to end_date.",
    "none": "No rate of its own (an agreement, a ruling).",
}
COVERAGE_DOC = {
    "all-goods": "Every product of the target jurisdiction.",
    "listed-products": "Only the products the legal text lists.",
    "all-except-listed": "Every product except those the legal text lists.",
    "not-applicable": "No product coverage of its own (an agreement, a ruling).",
}
EVENT_STATUS_DOC = {
    "in-force": "Applies on the release's as-of date.",
    "ended": "Applied, then ended (end_date is given).",
    "superseded": "Applied, then replaced by a later event.",
    "suspended": "Applied, then set aside by a suspension that is still running.",
    "never-in-force": "Announced or adopted but never applied.",
    "struck-down": "Ended by a court ruling.",
    "pending": "Adopted, with an effective date after the release's as-of date.",
}

_WITH_RATE = ("stacks", "replaces", "overrides", "instead")
_WITHOUT_RATE = ("excludes", "none")


class TariffEvent(Record):
    """One tariff action: who imposed what rate on whom, from when to when, and how it combines.

    Examples
    --------
    >>> TariffEvent.model_fields["end_date"].description.split(";")[0]
    'First day on which it no longer applied (exclusive)'
    """

    event_id: str = field(
        "Stable identifier: <IMPOSING>-<TARGET>-<year>-<SLUG>, e.g. USA-CHN-2018-301-L1.",
        pattern=p.EVENT_ID,
    )
    imposing: str = field("Jurisdiction imposing the tariff.", codes="jurisdiction")
    target: str = field("Jurisdiction whose goods are targeted.", codes="jurisdiction")
    title: str = field("Short description of the action.", pattern=p.TEXT)
    authority: Authority = field("Legal authority, as a closed category.", enum_doc=AUTHORITY_DOC)
    legal_basis: str = field("The statute or article the action rests on.", pattern=p.TEXT)
    action: Action = field("What the action does.", enum_doc=ACTION_DOC)
    combines: Combines = field("How its rate combines with earlier ones.", enum_doc=COMBINES_DOC)
    amends_event_id: str | None = field(
        "The earlier event (same direction) this one replaces, suspends or excludes from.",
        pattern=p.EVENT_ID,
    )
    responds_to_event_id: str | None = field(
        "The event of the other side that this one answers.", pattern=p.EVENT_ID
    )
    executive_order: str | None = field("US executive order number.", pattern=p.EXECUTIVE_ORDER)
    fr_citation: str | None = field("Federal Register citation, e.g. '83 FR 28710'.", pattern=p.FR_CITATION)
    announcement_no: str | None = field(
        "Number of the announcement or regulation as the document writes it.", pattern=p.TEXT
    )
    hts_heading: str | None = field("US HTS Chapter 99 heading, e.g. 9903.88.01.", pattern=p.HTS_HEADING)
    announced_date: dt.date | None = field("Date of the first official announcement.")
    signed_date: dt.date | None = field("Date the instrument was signed.")
    published_date: dt.date | None = field("Date of official publication (Federal Register, gazette).")
    effective_date: dt.date | None = field("First day the rate applied; empty when it never applied.")
    end_date: dt.date | None = field(
        "First day on which it no longer applied (exclusive); empty while in force."
    )
    retroactive: bool = field("True when it took effect before it was announced.")
    rate_pct: float | None = field(
        "Additional ad valorem rate in percent while the event is in force.", ge=0, le=1000
    )
    coverage: Coverage = field("Which products it covers.", enum_doc=COVERAGE_DOC)
    products_encoded: bool = field(
        "True when the event's complete product list is encoded: in tariff_event_products, or in the "
        "product lists it uses (tariff_event_lists), every one of them complete."
    )
    product_scope: str | None = field(
        "The products covered, in words (empty for agreements and rulings).", pattern=p.TEXT
    )
    tariff_lines: int | None = field("Number of tariff lines covered, as the source reports it.", ge=0)
    trade_value_usd_bn: float | None = field(
        "Annual trade value covered in billions of US dollars, as the cited source reports it.",
        ge=0,
    )
    status: EventStatus = field("Status as of the release's as-of date.", enum_doc=EVENT_STATUS_DOC)
    uncertainty: str | None = field(
        "What is doubtful about this record and why; empty when nothing is.", pattern=p.TEXT
    )
    notes: str | None = field("Anything else a reader should know.", pattern=p.TEXT)
    exporter: str | None = field(
        "Only goods of this exporter or producer (or named group of them, such as 'other cooperating "
        "companies') are covered; empty when the rate applies whoever exports the goods. Rates of "
        "the same action for different exporters are alternatives, never added together.",
        pattern=p.TEXT,
    )

    __rules__ = (
        Distinct("imposing", "target"),
        Ordered("announced_date", "effective_date", unless="retroactive"),
        Ordered("signed_date", "published_date"),
        Ordered("effective_date", "end_date", strict=True),
        RequiredWhen("amends_event_id", "combines", ("replaces", "excludes")),
        RequiredWhen("rate_pct", "combines", _WITH_RATE),
        RequiredWhen("product_scope", "combines", (*_WITH_RATE, "excludes")),
        EmptyWhen("rate_pct", "combines", _WITHOUT_RATE),
        EmptyWhen("effective_date", "status", ("never-in-force",)),
        RequiredWhen("effective_date", "status", ("in-force", "ended", "superseded", "struck-down")),
        RequiredWhen("end_date", "status", ("ended", "superseded", "suspended", "struck-down")),
        EmptyWhen("end_date", "status", ("in-force", "pending")),
    )

    __table__ = Table(
        "tariff_events",
        "Tariff events",
        "Tariff actions: parties, authority, dates, rate and how it combines, scope, status.",
        primary_key=("event_id",),
        foreign_keys=(
            ForeignKey.to("amends_event_id", "tariff_events", "event_id"),
            ForeignKey.to("responds_to_event_id", "tariff_events", "event_id"),
        ),
        duplicate_fields=(
            "imposing",
            "target",
            "authority",
            "action",
            "combines",
            "amends_event_id",
            "announcement_no",
            "announced_date",
            "effective_date",
            "end_date",
            "rate_pct",
            "coverage",
            "product_scope",
            "exporter",
        ),
    )
