"""The engine's list membership reproduces the counts of the official tables and of the HTS.

Figures from ``datasets/extract/section301/COUNTS.md``: the USITC "China Tariffs" table of
2020-01-01 (source ``s301-usitc-china-tariffs-2020``) and the footnotes "See 9903.88.xx" of the HTS
2025-2026 revisions (``s301-usitc-hts-archive``), which are the same in all 44 revisions for Lists
1-4A; and every count ``product_list_counts`` states, each against the lines in force that day.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_tariffs_real import real_release  # noqa: F401 - the fixture

import policydata
from policydata.tariffs import list_members
from policydata.tariffs.events import index, to_date


def _count(list_id: str, on: object, length: int) -> int:
    return sum(len(c) == length for c in list_members(list_id, on))  # type: ignore[arg-type]


# The USITC table of 2020-01-01 by heading: 9903.88.01 (List 1), .02 (List 2), .03 (List 3, full
# subheadings) and .04 (List 3, statistical lines of partial subheadings), .15 (List 4A), .16 (4B,
# suspended but printed): 8-digit subheadings and 10-digit statistical lines.
USITC_2020 = {
    "USA-301-L1": (818, 0),
    "USA-301-L2": (279, 0),
    "USA-301-L3": (5759, 0),
    "USA-301-L3-PARTIAL": (0, 43),
    "USA-301-L4A": (3229, 14),
    "USA-301-L4B": (542, 13),
}


@pytest.mark.parametrize("list_id", sorted(USITC_2020))
def test_usitc_table_of_2020(real_release: Path, list_id: str) -> None:  # noqa: F811
    assert (_count(list_id, "2020-01-01", 8), _count(list_id, "2020-01-01", 10)) == USITC_2020[list_id]


# The HTS 2025-2026 footnotes (COUNTS.md: hts-2025-basic-footnotes). List 4A differs from its
# footnotes by two lines whose dates the legal text sets (extract/section301/README.md): 0403.20.50,
# listed in U.S. note 20(s)(i) but never footnoted, is a member throughout (+1); 8507.60.00 keeps its
# footnote in 2026 although note 20(s) drops it and 9903.91.06 covers it from 2026-01-01 (-1 then).
FOOTNOTES = {"USA-301-L1": 856, "USA-301-L2": 283, "USA-301-L3": 5906, "USA-301-L4A": 2963}
L4A_NOTE_ONLY = 1  # 0403.20.50
L4A_ENDED_2026 = 1  # 8507.60.00


def test_every_hts_revision(real_release: Path) -> None:  # noqa: F811
    revisions = [e for e in index().editions.values() if e.nomenclature == "HTS" and e.encoded]
    assert len(revisions) == 44
    for edition in revisions:
        day = to_date(edition.start)
        for list_id, count in FOOTNOTES.items():
            expected = count
            if list_id == "USA-301-L4A":
                expected += L4A_NOTE_ONLY - (L4A_ENDED_2026 if day and day.year == 2026 else 0)
            assert _count(list_id, day, 8) == expected, (list_id, edition.edition_id)
        # List 3's partial subheadings: 10 footnoted subheadings and the 4 statistical lines of 2931.90.90
        assert (_count("USA-301-L3-PARTIAL", day, 8), _count("USA-301-L3-PARTIAL", day, 10)) == (10, 4)


# Stated counts that differ from the lines, each explained in the data (product_lists.uncertainty
# or product_list_counts.notes): (list, day) -> lines minus stated.
EXPLAINED = {
    # 83 FR 47974 states 5,733 (after 83 FR 49153); the FR-annex extraction has 5,759 codes
    ("USA-301-L3", "2018-09-24"): 26,
    # note 20(g) of HTS 2026 Rev 6 prints 11 subheadings; 2931.90.90 is encoded by its 4 statistical lines
    ("USA-301-L3-PARTIAL", "2026-04-23"): -1,
    # note 20(u) prints 546 codes; 15 of them are not lines of HTS 2026 Rev 6
    ("USA-301-L4B", "2026-04-23"): -15,
    # counts of numbered exclusion items, not of codes (several items name one statistical line)
    ("USA-301-EXCL-VVV-I", "2026-04-23"): -8,
    ("USA-301-EXCL-VVV-II", "2026-04-23"): -4,
    ("USA-301-EXCL-VVV-III", "2026-04-23"): -11,
    ("USA-301-EXCL-WWW", "2026-04-23"): -11,
}
LENGTHS = {"HS6": (6,), "HS8": (8,), "HTS8": (8,), "HTS10": (10,), "all": (4, 6, 8, 10)}


def test_stated_counts(real_release: Path) -> None:  # noqa: F811
    rows = policydata.load("product_list_counts", backend="arrow").to_pylist()
    assert len(rows) >= 30
    for r in rows:
        members = list_members(r["list_id"], r["on"])
        found = sum(len(c) in LENGTHS[r["level"]] for c in members)
        key = (r["list_id"], r["on"].isoformat())
        assert found - r["stated_lines"] == EXPLAINED.get(key, 0), key
