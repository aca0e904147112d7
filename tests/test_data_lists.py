"""The product lists of the embedded release: stated counts hold, snapshots agree, flags follow.

- Every count a legal text or official table states (``product_list_counts``) equals the number of
  the list's lines in force on its date at its level, or the list's ``uncertainty`` explains the
  difference, naming both numbers.
- The three snapshots of the Section 301 lists (Federal Register annexes, the USITC table of
  2020-01-01, the HTS 2025-2026 footnotes) agree where they overlap, and every line that one
  snapshot has and the next lacks says so in its ``uncertainty``: nothing is dropped silently.
- ``tariff_events.products_encoded`` is true exactly when every list the event uses is complete.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from typing import Any

import pytest

import policydata

RELEASE = policydata.open_release()
pytestmark = pytest.mark.skipif(
    "product_list_counts" not in RELEASE.tables, reason="the embedded release predates the product lists"
)


def _rows(name: str) -> list[dict[str, Any]]:
    return RELEASE.load(name, backend="arrow").to_pylist() if name in RELEASE.tables else []


LISTS = {r["list_id"]: r for r in _rows("product_lists")}
LINES = _rows("product_list_lines")
BY_LIST: dict[str, list[dict[str, Any]]] = defaultdict(list)
for _line in LINES:
    BY_LIST[_line["list_id"]].append(_line)
LENGTH = {"HS6": 6, "HS8": 8, "HTS8": 8, "HTS10": 10, "all": None}


def in_force(list_id: str, on: dt.date, length: int | None) -> set[str]:
    return {
        r["code"]
        for r in BY_LIST[list_id]
        if r["valid_from"] <= on
        and (r["valid_to"] is None or on < r["valid_to"])
        and (length is None or len(r["code"]) == length)
    }


def _mentions(text: str | None, number: int) -> bool:
    if not text:
        return False
    forms = {str(number), f"{number:,}"}
    return any(re.search(rf"(?<![\d,]){re.escape(f)}(?![\d,])", text) for f in forms)


COUNTS = _rows("product_list_counts")


@pytest.mark.parametrize("count", COUNTS, ids=[f"{c['list_id']}@{c['on']}:{c['level']}" for c in COUNTS])
def test_every_stated_count_holds_or_is_explained(count: dict[str, Any]) -> None:
    encoded = len(in_force(count["list_id"], count["on"], LENGTH[count["level"]]))
    if encoded == count["stated_lines"]:
        return
    doubt = LISTS[count["list_id"]]["uncertainty"]
    assert _mentions(doubt, encoded) and _mentions(doubt, count["stated_lines"]), (
        f"{count['list_id']}: {encoded} lines in force on {count['on']} ({count['level']}), "
        f"{count['stated_lines']} stated by {count['source_id']}, and its uncertainty does not explain it"
    )


def test_every_list_with_lines_has_a_stated_count_or_says_none_is_stated() -> None:
    counted = {c["list_id"] for c in COUNTS}
    silent = [
        lid
        for lid, meta in LISTS.items()
        if lid not in counted
        and BY_LIST[lid]
        and not re.search(
            r"\bno\b[^.]*\bcount\b|not stated|states no",
            (meta["uncertainty"] or "") + " " + (meta["notes"] or ""),
            re.IGNORECASE,
        )
    ]
    assert not silent, f"lists with neither a stated count nor a word on why: {silent}"


SNAPSHOTS = {
    "fr-annex": ("HTS-2018", "HTS-2019"),
    "usitc-2020": ("HTS-2020",),
    "hts-2025": ("HTS-2025-BASIC",),
}
S301 = ["USA-301-L1", "USA-301-L2", "USA-301-L3", "USA-301-L4A"]


def _snapshot(list_id: str, editions: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    return {r["code"]: r for r in BY_LIST[list_id] if r["edition_id"] in editions}


@pytest.mark.parametrize("list_id", S301)
@pytest.mark.parametrize(("a", "b"), [("fr-annex", "usitc-2020"), ("usitc-2020", "hts-2025")])
def test_section_301_snapshots_agree_and_every_difference_is_in_the_data(
    list_id: str, a: str, b: str
) -> None:
    first, second = _snapshot(list_id, SNAPSHOTS[a]), _snapshot(list_id, SNAPSHOTS[b])
    assert first and second
    shared = first.keys() & second.keys()
    # the nomenclature changed between the snapshots (HS 2022 above all): most codes carry over
    assert len(shared) >= 0.85 * min(len(first), len(second)), (list_id, len(first), len(second), len(shared))
    only_first = [c for c in first.keys() - second.keys() if not first[c]["uncertainty"]]
    only_second = [c for c in second.keys() - first.keys() if not second[c]["uncertainty"]]
    assert not only_first, f"{list_id}: in {a} only, without a word why: {sorted(only_first)[:10]}"
    assert not only_second, f"{list_id}: in {b} only, without a word why: {sorted(only_second)[:10]}"


def test_the_fr_annex_and_the_2020_table_agree_on_list_1_but_for_one_line() -> None:
    # issue 9: the FR-annex extraction misses 9033.00.90; the data adds it, with its doubt
    fr, usitc = (
        _snapshot("USA-301-L1", SNAPSHOTS["fr-annex"]),
        _snapshot("USA-301-L1", SNAPSHOTS["usitc-2020"]),
    )
    assert set(fr) == set(usitc)
    assert "doubt" in (fr["90330090"]["uncertainty"] or "").lower() or fr["90330090"]["uncertainty"]


def test_products_encoded_follows_the_completeness_of_the_lists_an_event_uses() -> None:
    uses: dict[str, list[str]] = defaultdict(list)
    for link in _rows("tariff_event_lists"):
        uses[link["event_id"]].append(link["list_id"])
    wrong = [
        (e["event_id"], e["products_encoded"])
        for e in _rows("tariff_events")
        if e["event_id"] in uses
        and e["products_encoded"] != all(LISTS[lid]["complete"] for lid in uses[e["event_id"]])
    ]
    assert not wrong, wrong
