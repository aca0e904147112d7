"""The stacking rules of the legal texts: which duty displaces which on the same goods.

Each rule is written once here, with the document it comes from, and tested in
``tests/test_tariffs_rules.py``. The engine (:mod:`policydata.tariffs.segments`) applies them in
every reading of a line: when the winner applies, the loser does not. A rule never adds a duty.

Events are sorted into *families* by authority, coverage and the chapter 99 headings of the event
and of its product lists (``tariff_events.hts_heading``, ``product_lists.heading``):

* ``ieepa-reciprocal`` (US IEEPA duties on all goods except listed ones: EO 14257 and its
  amendments, headings 9903.01.25, 9903.01.63, ...), ``ieepa-fentanyl`` (US IEEPA duties on all
  goods of China: EO 14195, heading 9903.01.20/9903.01.24), ``section-122`` (heading 9903.03.01);
* Section 232 programmes by heading: ``232-metals`` (steel, aluminium, copper: 9903.80, 9903.81,
  9903.85, 9903.78, 9903.82), ``232-vehicles`` (passenger vehicles, light trucks and their parts:
  9903.94), ``232-mhdv`` (medium- and heavy-duty vehicles, buses and their parts: 9903.74),
  ``232-wood`` (timber, lumber, furniture, cabinets: 9903.76), ``232-semiconductors`` (9903.79);
* ``301-lists`` (Section 301 Lists 1-4B, headings 9903.88) and ``301-review`` (the 2024 four-year
  review's headings 9903.91 and 9903.92).

Rules without a displacement are stated too, because a reader would otherwise wonder:
the IEEPA fentanyl duty on China stacks with Section 232 (:data:`FENTANYL_STACKS_WITH_232`).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from policydata.tariffs.events import Event, Index, Pair


class Family(enum.StrEnum):
    RECIPROCAL = "ieepa-reciprocal"
    FENTANYL = "ieepa-fentanyl"
    SECTION_122 = "section-122"
    METALS = "232-metals"
    VEHICLES = "232-vehicles"
    MHDV = "232-mhdv"
    WOOD = "232-wood"
    SEMICONDUCTORS = "232-semiconductors"
    OTHER_232 = "232-other"
    LISTS_301 = "301-lists"
    REVIEW_301 = "301-review"
    OTHER = "other"


SECTION_232: Final = frozenset(
    {Family.METALS, Family.VEHICLES, Family.MHDV, Family.WOOD, Family.SEMICONDUCTORS, Family.OTHER_232}
)
_232_HEADINGS: Final = (
    ("9903.94", Family.VEHICLES),
    ("9903.74", Family.MHDV),
    ("9903.76", Family.WOOD),
    ("9903.79", Family.SEMICONDUCTORS),
    ("9903.80", Family.METALS),
    ("9903.81", Family.METALS),
    ("9903.85", Family.METALS),
    ("9903.78", Family.METALS),
    ("9903.82", Family.METALS),
)


def _headings(event: Event, index: Index) -> list[str]:
    found = [event.heading] if event.heading else []
    found += [h for i in event.lists if i in index.lists and (h := index.lists[i].heading)]
    return found


def family(event: Event, index: Index) -> Family:
    """The family an event belongs to, for the rules below."""
    headings = _headings(event, index)
    if event.authority == "us-ieepa":
        if event.coverage == "all-except-listed":
            return Family.RECIPROCAL
        return Family.FENTANYL if event.coverage == "all-goods" else Family.OTHER
    if event.authority == "us-section-122":
        return Family.SECTION_122
    if event.authority == "us-section-232":
        for prefix, fam in _232_HEADINGS:
            if any(h.startswith(prefix) for h in headings):
                return fam
        return Family.OTHER_232
    if event.authority == "us-section-301":
        # by the headings of the event's lists: an event that only names a review heading (the
        # 0% legacy-semiconductor action of Dec 2025 under 9903.91.05) is a new action, not the review
        listed = [h for i in event.lists if i in index.lists and (h := index.lists[i].heading)]
        if any(h.startswith(("9903.91", "9903.92")) for h in listed):
            return Family.REVIEW_301
        if any(h.startswith("9903.88") for h in (*listed, event.heading or "")):
            return Family.LISTS_301
    return Family.OTHER


@dataclass(frozen=True)
class Rule:
    """Goods of a ``winner`` family are not subject to the duties of the ``losers`` families."""

    rule_id: str
    winner: frozenset[Family]
    losers: frozenset[Family]
    doc: str


RULES: Final = (
    # EO 14257 of 2 Apr 2025 (90 FR 15041), s.3(b): the reciprocal duties do not apply to articles
    # subject to Section 232 duties; carried into HTS ch. 99 subch. III U.S. note 2(v)(vi)-(xvi)
    # (HTS 2026 Rev 6: steel, aluminium, copper, vehicles and parts, wood, MHDV, semiconductors).
    # For derivatives whose 232 duty is on the metal content the reciprocal duty applies to the
    # non-metal content (note 2(v)(vii), (ix)): the engine reads that as the two extremes of the
    # unknown metal share, "232 only" and "reciprocal only" (reason metal-content-share).
    Rule(
        "section-232-outside-reciprocal",
        SECTION_232,
        frozenset({Family.RECIPROCAL}),
        "EO 14257 s.3(b) (90 FR 15041); HTS ch.99 subch.III U.S. note 2(v)(vi)-(xvi)",
    ),
    # Section 122 surcharge (heading 9903.03.01): U.S. note 2(aa)(v) (HTS 2026 Rev 6) excepts the
    # articles of the Section 232 headings (metals, vehicles and parts, wood, MHDV, semiconductors).
    Rule(
        "section-232-outside-section-122",
        SECTION_232,
        frozenset({Family.SECTION_122}),
        "HTS ch.99 subch.III U.S. note 2(aa)(v), heading 9903.03.06",
    ),
    # U.S. note 33(a) and 33(f) (HTS 2026 Rev 6): passenger vehicles, light trucks and their parts
    # under 9903.94 "shall not be subject to" the steel, aluminium and copper duties of 9903.82
    # (and, for parts, the wood duties of 9903.76.01-.03): the vehicle duty wins.
    Rule(
        "vehicles-not-metals",
        frozenset({Family.VEHICLES}),
        frozenset({Family.METALS, Family.WOOD}),
        "HTS ch.99 subch.III U.S. note 33(a)(1), 33(f)(1) and (4)",
    ),
    # U.S. note 38(a) (HTS 2026 Rev 6): medium- and heavy-duty vehicles and buses under 9903.74.01/02
    # are not subject to the steel, aluminium and copper duties.
    Rule(
        "mhdv-not-metals",
        frozenset({Family.MHDV}),
        frozenset({Family.METALS}),
        "HTS ch.99 subch.III U.S. note 38(a)(1)",
    ),
    # U.S. note 39 (HTS 2026 Rev 6): semiconductor articles under 9903.79.01 are not subject to the
    # vehicle, vehicle-parts and MHDV duties.
    Rule(
        "semiconductors-not-vehicles",
        frozenset({Family.SEMICONDUCTORS}),
        frozenset({Family.VEHICLES, Family.MHDV}),
        "HTS ch.99 subch.III U.S. note 39 (heading 9903.79.01: 'shall not be subject to' 9903.94, 9903.74)",
    ),
    # The 2024 four-year review (89 FR 76581) set the Section 301 rate of the listed products at
    # 25, 50 or 100 percent in place of the rate of the earlier action: HTS 2025 moves these lines'
    # footnotes from 9903.88.xx to the new headings 9903.91.xx / 9903.92.10 (U.S. note 31).
    Rule(
        "review-overrides-lists",
        frozenset({Family.REVIEW_301}),
        frozenset({Family.LISTS_301}),
        "89 FR 76581 (four-year review); HTS ch.99 subch.III U.S. note 31",
    ),
)

#: The IEEPA fentanyl duty on China (9903.01.24) applies in addition to Section 232: U.S. note 2(u)
#: subjects it to "any additional duty", and the 232 notes (33(a), 38(a): "shall not be subject
#: to") except only the Canada and Mexico IEEPA headings 9903.01.10 and 9903.01.01. The Budget Lab
#: tracker (docs/methodology.md, "Fentanyl on 232 products: for China, fentanyl stacks in full")
#: reads it the same way. No rule displaces it.
FENTANYL_STACKS_WITH_232: Final = "HTS ch.99 subch.III U.S. notes 2(u), 33(a), 38(a)"

#: An event that applies "instead" of every other duty displaces them all where it surely covers
#: the goods (the postal duty on low-value shipments: EO 14256 s.2 as amended by EO 14259 and
#: 14266); where it only may apply, it turns on how the goods are shipped, which a tariff line
#: does not tell, and it is reported beside the totals, not in them.
INSTEAD: Final = "instead"
#: Within a layer the later event replaces the earlier one for the goods it covers
#: (``tariff_events.combines`` = replaces; see COMBINES_DOC of the schema).
REPLACEMENT: Final = "replacement"
#: An ``overrides`` event sets the rate in place of every earlier event of its authority and
#: direction for the goods it covers (``tariff_events.combines`` = overrides).
OVERRIDES: Final = "overrides"
#: Events that share a product list share its chapter 99 heading, and a heading imposes one duty:
#: a line pays it once (the data model lets several events, e.g. the groups of the four-year
#: review under 9903.91.01, map to the whole heading's list). Events of one heading
#: (``tariff_events.hts_heading``) at the same rate count once too (steel, aluminium and copper
#: articles under 9903.82.02 from 6 April 2026); at different rates they may stack (the 0% legacy
#: semiconductor action under 9903.91.05 is "in addition to" the 50% of the review).
ONE_HEADING: Final = "one-heading-one-duty"
#: An all-goods duty does not apply to the goods of its exception lists (Annex II of EO 14257 and
#: the memorandum of 11 April 2025 for the reciprocal duties; U.S. note 2(aa)(ii)-(iv) for the
#: Section 122 surcharge).
EXCEPTED: Final = "exception-list"
#: Exclusions apply to the layer they amend, whatever rate it has at the time: an exclusion of
#: heading 9903.88.03 covers the 10% of 2018 and the 25% of 2019 alike (U.S. note 20 excludes
#: products from "the additional duties imposed by heading 9903.88.03"), and so follows the
#: events that replace the one it names.
EXCLUSIONS_FOLLOW_LAYER: Final = "HTS ch.99 subch.III U.S. note 20(vvv)"

DOCS: Final = {rule.rule_id: rule.doc for rule in RULES} | {
    INSTEAD: "the event applies in place of every other duty (tariff_events.combines = instead)",
    REPLACEMENT: "tariff_events.combines = replaces: the later event of the layer holds",
    OVERRIDES: "tariff_events.combines = overrides: sets the rate in place of earlier events of its "
    "authority",
    ONE_HEADING: "one chapter 99 heading, one duty: counted once under the event named",
    EXCEPTED: "the line is on the duty's exception list",
}


def families(pair: Pair, index: Index) -> dict[str, Family]:
    return {e.event_id: family(e, index) for e in pair.nodes}


def displaces(winner: Event, loser: Event, fam: Mapping[str, Family], pair: Pair) -> str | None:
    """The rule by which ``winner``, where it applies, displaces ``loser`` on the same goods."""
    if winner is loser:
        return None
    same_layer = pair.layer_of[winner.event_id] == pair.layer_of[loser.event_id]
    if same_layer and winner.start > loser.start:
        return REPLACEMENT
    if winner.combines == "overrides" and winner.authority == loser.authority and loser.start < winner.start:
        return OVERRIDES
    w, lo = fam.get(winner.event_id, Family.OTHER), fam.get(loser.event_id, Family.OTHER)
    for rule in RULES:
        if w in rule.winner and lo in rule.losers:
            return rule.rule_id
    return None
