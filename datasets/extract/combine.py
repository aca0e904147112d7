"""Combine what the extractions wrote into the tables that link lists to their counts and events.

Run after the extractions (nomenclature/, us_lists/, section301/, china/; see README.md):

    python datasets/extract/combine.py

It reads ``datasets/sources/product_lists.csv`` and ``product_list_lines.csv`` as the extractions
left them, and the ``stated_counts.csv`` and ``event_lists.csv`` each extraction wrote beside its
script, and writes, deterministically:

- ``product_lists.csv`` with ``source_id``: the document that first publishes the list as encoded
  (the source of its earliest lines; ties go to the most frequent source, then the smallest id);
- ``product_list_counts.csv``: every count of lines a legal text or official table states, with the
  date and code level it applies to and the document that states it (counts only the extraction
  computed, with nothing stated, are left out: they are not facts of their own);
- ``tariff_event_lists.csv``: which lists each tariff event uses, cited by the list's document.

Standard library only. Nothing here invents a value: each output cell is copied or derived from
the extractions' outputs by the rules above.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = HERE.parent / "sources"
EXTRACTIONS = ("us_lists", "section301", "china")

LIST_FIELDS = [
    "list_id", "imposing", "title", "heading", "kind", "code_level", "complete", "source_id",
    "uncertainty", "notes",
]  # fmt: skip
COUNT_FIELDS = ["list_id", "on", "level", "stated_lines", "source_id", "locator", "notes"]
EVENT_LIST_FIELDS = ["event_id", "list_id", "source_id", "notes"]


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write(path: Path, fields: list[str], rows: list[dict[str, str]]) -> None:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fields, lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    print(f"wrote {path.relative_to(HERE.parent.parent)}: {len(rows)} rows")


def list_sources(lines: list[dict[str, str]]) -> dict[str, str]:
    """Each list's source: that of its earliest lines (most frequent among them, then smallest id)."""
    first: dict[str, str] = {}
    by_list: dict[str, list[dict[str, str]]] = defaultdict(list)
    for line in lines:
        by_list[line["list_id"]].append(line)
    for list_id, rows in by_list.items():
        start = min(r["valid_from"] for r in rows)
        tally = Counter(r["source_id"] for r in rows if r["valid_from"] == start)
        first[list_id] = min(tally, key=lambda s: (-tally[s], s))
    return first


def edition_dates() -> dict[str, str]:
    return {r["edition_id"]: r["effective_date"] for r in read(SOURCES / "nomenclature_editions.csv")}


def _fr_source(text: str, known: set[str]) -> str | None:
    m = re.search(r"(\d{2}) FR (\d+)", text)
    if m and f"fr-{m.group(1)}-{m.group(2)}" in known:
        return f"fr-{m.group(1)}-{m.group(2)}"
    return None


def count_rows(
    lists: dict[str, dict[str, str]], first_source: dict[str, str], known: set[str]
) -> list[dict[str, str]]:
    """The stated counts of every extraction, each with its date, level and stating document."""
    out = []
    editions = edition_dates()
    for name in EXTRACTIONS:
        for r in read(HERE / name / "stated_counts.csv"):
            if not r["stated"]:
                continue
            snapshot, list_id = r["snapshot"], r["list_id"]
            meta = lists[list_id]
            dated = re.search(r"(?:from|in force) (\d{4}-\d{2}-\d{2})", snapshot)
            if snapshot == "fr-annex":
                on = min(ln_from for ln_from in _fr_starts(list_id))
                source = _fr_source(meta["stated_in"], known) or first_source[list_id]
                locator = meta["stated_in"]
            elif snapshot.startswith("hts-2026-rev-6-note"):
                on = dated.group(1) if dated else editions["HTS-2026-REV-6"]
                source = "s301-hts-2026-rev-6-ch99-notes"
                note = re.search(r"note-(\d+)", snapshot)
                locator = f"HTS 2026 Rev. 6, chapter 99, U.S. note {note.group(1) if note else '?'}"
            else:  # China: "<source_id> (<edition>, from <date>)"
                assert dated is not None, r
                on = dated.group(1)
                source = snapshot.split(" ", 1)[0]
                locator = meta["stated_in"] or snapshot
            level = {"code": "all"}.get(r["level"], r["level"])
            out.append(
                {
                    "list_id": list_id,
                    "on": on,
                    "level": level,
                    "stated_lines": r["stated"],
                    "source_id": source,
                    "locator": locator,
                    "notes": "",
                }
            )
    out.sort(key=lambda r: (r["list_id"], r["on"], r["level"]))
    return out


_LINES: list[dict[str, str]] = []


def _fr_starts(list_id: str) -> list[str]:
    return [r["valid_from"] for r in _LINES if r["list_id"] == list_id and r["edition_id"] in ("HTS-2018", "HTS-2019")]


def main() -> None:
    global _LINES
    lines = read(SOURCES / "product_list_lines.csv")
    _LINES = lines
    known = {r["source_id"] for r in read(SOURCES / "sources.csv")}
    raw_lists = read(SOURCES / "product_lists.csv")
    lists = {r["list_id"]: r for r in raw_lists}
    first_source = list_sources(lines)
    for r in raw_lists:
        r["source_id"] = r.get("source_id") or first_source[r["list_id"]]
    counts = count_rows(lists, first_source, known)
    write(SOURCES / "product_list_counts.csv", COUNT_FIELDS, counts)
    write(SOURCES / "product_lists.csv", LIST_FIELDS, sorted(raw_lists, key=lambda r: r["list_id"]))
    links = []
    for name in EXTRACTIONS:
        for r in read(HERE / name / "event_lists.csv"):
            links.append({"event_id": r["event_id"], "list_id": r["list_id"], "source_id": lists[r["list_id"]]["source_id"], "notes": ""})
    write(SOURCES / "tariff_event_lists.csv", EVENT_LIST_FIELDS, sorted(links, key=lambda r: (r["event_id"], r["list_id"])))


if __name__ == "__main__":
    main()
