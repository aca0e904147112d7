"""Internal consistency of the tariff-event chains in the embedded release.

Written independently of the validator, from the definitions in the data dictionary, so that a bug
in one is caught by the other.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import policydata

EVENTS: list[dict[str, Any]] = policydata.load("tariff_events", backend="arrow").to_pylist()
BY_ID = {e["event_id"]: e for e in EVENTS}
RATE_BEARING = ("stacks", "replaces", "overrides", "instead")


def _took_effect(event: dict[str, Any]) -> bool:
    return event["effective_date"] is not None and not event["retroactive"]


def _earlier_or_same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Did ``a`` come no later than ``b``? Effective dates when both took effect normally,
    else announcement dates (a retroactive or never-applied event has no usable effective date)."""
    key = "effective_date" if _took_effect(a) and _took_effect(b) else "announced_date"
    assert a[key] is not None and b[key] is not None, (a["event_id"], b["event_id"], key)
    return bool(a[key] <= b[key])


def _ids(kind: str) -> list[str]:
    col = "amends_event_id" if kind == "amends" else "responds_to_event_id"
    return [e["event_id"] for e in EVENTS if e[col] is not None]


@pytest.mark.parametrize("event_id", _ids("amends"))
def test_amends_links_stay_in_one_direction_and_point_back(event_id: str) -> None:
    event = BY_ID[event_id]
    target = BY_ID.get(event["amends_event_id"])
    assert target is not None, f"{event_id} amends a missing event"
    assert (target["imposing"], target["target"]) == (event["imposing"], event["target"])
    assert _earlier_or_same(target, event)


@pytest.mark.parametrize("event_id", _ids("responds"))
def test_responses_answer_an_earlier_event_of_the_other_side(event_id: str) -> None:
    event = BY_ID[event_id]
    target = BY_ID.get(event["responds_to_event_id"])
    assert target is not None, f"{event_id} responds to a missing event"
    assert (target["imposing"], target["target"]) == (event["target"], event["imposing"])
    assert _earlier_or_same(target, event)


def test_a_replaced_event_ends_when_its_replacement_starts() -> None:
    for event in EVENTS:
        if event["combines"] != "replaces" or event["effective_date"] is None:
            continue
        target = BY_ID[event["amends_event_id"]]
        if target["effective_date"] is None:
            continue  # replacing a never-applied rate: nothing ended
        assert target["end_date"] == event["effective_date"], event["event_id"]
        assert target["status"] in ("superseded", "suspended", "ended", "struck-down"), event["event_id"]


def test_no_event_ends_before_it_starts() -> None:
    for event in EVENTS:
        if event["effective_date"] is not None and event["end_date"] is not None:
            assert event["effective_date"] < event["end_date"], event["event_id"]
        assert event["end_date"] is None or event["effective_date"] is not None, event["event_id"]


def test_never_in_force_events_claim_no_period() -> None:
    for event in EVENTS:
        if event["status"] == "never-in-force":
            assert event["effective_date"] is None, event["event_id"]
            assert event["end_date"] is None, event["event_id"]


def test_statuses_match_their_dates() -> None:
    as_of = dt.date.fromisoformat(policydata.open_release().as_of)
    for event in EVENTS:
        eid, status = event["event_id"], event["status"]
        start, end = event["effective_date"], event["end_date"]
        if status == "in-force":
            assert start is not None and start <= as_of, eid
            assert end is None or end > as_of, eid
        elif status in ("ended", "superseded", "struck-down", "suspended"):
            assert start is not None and end is not None and end <= as_of, eid
        elif status == "pending":
            assert start is None or start > as_of, eid


def test_struck_down_events_end_on_or_after_a_court_ruling() -> None:
    rulings = [e for e in EVENTS if e["authority"] == "court" and e["effective_date"] is not None]
    for event in EVENTS:
        if event["status"] == "struck-down":
            assert any(r["effective_date"] <= event["end_date"] for r in rulings), event["event_id"]


def test_rates_are_where_they_belong() -> None:
    for event in EVENTS:
        if event["combines"] in RATE_BEARING:
            assert event["rate_pct"] is not None, event["event_id"]
        else:
            assert event["rate_pct"] is None, event["event_id"]


def test_every_event_is_cited_by_an_existing_source() -> None:
    citations = policydata.load("citations", backend="arrow").to_pylist()
    sources = {s["source_id"] for s in policydata.load("sources", backend="arrow").to_pylist()}
    cited = {c["record_id"] for c in citations if c["table"] == "tariff_events"}
    assert cited == set(BY_ID)
    assert {c["source_id"] for c in citations} <= sources


def test_the_april_2025_peak_is_145_percent_on_all_chinese_goods() -> None:
    """The seed article's 145%: reciprocal 125% stacked on the 20% fentanyl tariff (all goods)."""
    day = dt.date(2025, 4, 15)
    layers = [
        e
        for e in EVENTS
        if e["imposing"] == "USA"
        and e["target"] == "CHN"
        and e["authority"] == "us-ieepa"
        and e["coverage"] in ("all-goods", "all-except-listed")
        and e["combines"] in RATE_BEARING
        and e["effective_date"] is not None
        and e["effective_date"] <= day
        and (e["end_date"] is None or day < e["end_date"])
    ]
    assert sorted(e["rate_pct"] for e in layers) == [20.0, 125.0]
