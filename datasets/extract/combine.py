"""Merge what the extractions wrote into their ``out/`` folders into ``datasets/sources``.

Run after the extractions (see README.md and run_all.sh here):

    python datasets/extract/combine.py

Each extraction (``nomenclature``, ``us_lists``, ``section301``, ``china``) writes the complete set of rows it
owns into ``<extraction>/out/``, one CSV per table (a table it has no rows for is absent). This script writes,
deterministically (rows sorted by key, UTF-8, LF):

- ``nomenclature_editions.csv``: the union of the extractions' editions by ``edition_id`` (the same id with
  different content is an error);
- ``tariff_lines.csv`` and ``product_list_lines.csv``: the union of the extractions' rows (a key twice is an
  error);
- ``product_lists.csv`` in the columns of the schema, with ``source_id`` = the document that first publishes the
  list as encoded: the one the extraction names in its ``out/product_lists.csv`` where it does, otherwise the
  source of the list's earliest lines (ties go to the most frequent source, then the smallest id);
- ``product_list_counts.csv``: one row per count an extraction's ``out/stated_counts.csv`` says is stated, with the
  date and code level it applies to and the document that states it (counts the extraction only computed, with
  nothing stated, are left out: they are not facts of their own); rules in ``count_rows``. Each count is checked:
  the list's lines in force on ``on`` at ``level`` must number ``stated_lines``, or else the list's ``uncertainty``
  must give both numbers;
- ``tariff_event_lists.csv``: the extractions' ``out/event_lists.csv``, each cited by the document that ties the
  event to the list (the row's own ``source_id`` where the extraction gives one, otherwise the list's source);
- ``sources.csv``: the extractions' ``out/sources.csv`` rows whose ``source_id`` is not in the file yet are
  appended at its end (extraction order, then ``source_id``); existing rows are never rewritten, and those that
  differ from an extraction's row are reported.

Finally every ``source_id``, ``edition_id``, ``list_id`` and ``event_id`` the written tables cite must exist.
Standard library only. Nothing here invents a value: each output cell is copied or derived from the
extractions' outputs by the rules above.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = HERE.parent / "sources"
EXTRACTIONS = ("nomenclature", "us_lists", "section301", "china")

EDITION_FIELDS = [
    "edition_id", "nomenclature", "title", "effective_date", "end_date", "hs_edition_id", "lines_encoded",
    "source_id", "uncertainty", "notes",
]  # fmt: skip
TARIFF_LINE_FIELDS = [
    "nomenclature", "code", "valid_from", "valid_to", "first_edition", "last_edition", "description",
    "general_rate", "mfn_pct",
]  # fmt: skip
LIST_FIELDS = [
    "list_id", "imposing", "title", "heading", "kind", "code_level", "complete", "source_id", "uncertainty", "notes",
]  # fmt: skip
LINE_FIELDS = [
    "list_id", "code", "edition_id", "valid_from", "valid_to", "scope", "description", "item", "source_id",
    "uncertainty",
]  # fmt: skip
COUNT_FIELDS = ["list_id", "on", "level", "stated_lines", "source_id", "locator", "notes"]
EVENT_LIST_FIELDS = ["event_id", "list_id", "source_id", "notes"]
SOURCE_FIELDS = ["source_id", "title", "publisher", "url", "published_date", "language", "kind", "reference", "checked"]

# Subdivisions of U.S. note 20 (HTS 2026 Rev. 6, chapter 99, subchapter III) that enumerate the codes and items of
# each Section 301 heading, as section301/extract.py reads them (parse_note20: "(b) Heading 9903.88.01 applies" ...).
NOTE20 = {
    "9903.88.01": "20(b)", "9903.88.02": "20(d)", "9903.88.03": "20(f)", "9903.88.04": "20(g)",
    "9903.88.15": "20(s)", "9903.88.16": "20(u)",
}  # fmt: skip

problems: list[str] = []


def fail(msg: str) -> None:
    problems.append(msg)


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def read_out(name: str, table: str) -> list[dict[str, str]]:
    path = HERE / name / "out" / f"{table}.csv"
    return read(path) if path.exists() else []


def write(path: Path, fields: list[str], rows: list[dict[str, str]]) -> None:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fields, lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode("utf-8"))
    print(f"wrote {path.relative_to(HERE.parent.parent)}: {len(rows)} rows")


def union(table: str, key: tuple[str, ...], identical_ok: bool = False) -> list[dict[str, str]]:
    """The rows of every extraction's out/<table>.csv, sorted by key; a key twice is an error
    (with identical_ok, the same row from two extractions is kept once)."""
    seen: dict[tuple[str, ...], tuple[str, dict[str, str]]] = {}
    for name in EXTRACTIONS:
        for r in read_out(name, table):
            k = tuple(r[c] for c in key)
            if k in seen:
                other, row = seen[k]
                if not (identical_ok and row == r):
                    why = " (different rows)" if identical_ok else ""
                    fail(f"{table}: key {k} written by {other} and {name}{why}")
                continue
            seen[k] = (name, r)
    return [seen[k][1] for k in sorted(seen)]


def list_sources(lines: list[dict[str, str]]) -> dict[str, str]:
    """Each list's source by rule: that of its earliest lines (most frequent among them, then smallest id)."""
    by_list: dict[str, list[dict[str, str]]] = defaultdict(list)
    for line in lines:
        by_list[line["list_id"]].append(line)
    first: dict[str, str] = {}
    for list_id, rows in by_list.items():
        start = min(r["valid_from"] for r in rows)
        tally = Counter(r["source_id"] for r in rows if r["valid_from"] == start)
        first[list_id] = min(tally, key=lambda s: (-tally[s], s))
    return first


def in_force(lines: list[dict[str, str]], day: str, level: str) -> set[str]:
    """Codes of the lines in force on day whose length is that of level ("all": any length)."""
    length = {"HS6": 6, "HS8": 8, "HTS8": 8, "HTS10": 10}.get(level)
    return {
        r["code"]
        for r in lines
        if r["valid_from"] <= day and (not r["valid_to"] or r["valid_to"] > day)
        and (length is None or len(r["code"]) == length)
    }


def named_source(text: str, known: set[str]) -> str | None:
    """The first source_id the text names: 'NN FR NNNNN' as fr-NN-NNNNN, or an id written out."""
    found = []
    for m in re.finditer(r"(\d{2}) FR (\d+)", text):
        if f"fr-{m.group(1)}-{m.group(2)}" in known:
            found.append((m.start(), f"fr-{m.group(1)}-{m.group(2)}"))
    for m in re.finditer(r"(?<![\w./-])[a-z0-9]+(?:-[a-z0-9]+)+(?![\w/-])", text):
        if m.group(0) in known:
            found.append((m.start(), m.group(0)))
    return min(found)[1] if found else None


def count_rows(
    extraction: str,
    stated: list[dict[str, str]],
    lists: dict[str, dict[str, str]],
    lines_of: dict[str, list[dict[str, str]]],
    editions: dict[str, dict[str, str]],
    known: set[str],
) -> list[dict[str, str]]:
    """The stated counts of one extraction, each with its date, level and stating document.

    Rules, by the extraction's ``snapshot`` (see each extraction's COUNTS.md):
    - section301 ``fr-annex``: on = the first day of the list's FR-annex lines (editions HTS-2018/2019); the
      document = the first Federal Register notice its ``stated_in`` names (the notice that states or recites the
      count); locator = ``stated_in``;
    - section301 ``hts-2026-rev-6-note-20`` / ``-note-31 (lines in force DAY)``: on = DAY, else the effective date
      of HTS-2026-REV-6; the document = the chapter 99 text of HTS 2026 Rev. 6 the extraction read; locator =
      the list's ``stated_in`` where it is about this count (the list's own stated count, or it gives the
      number), else the note 20 subdivision that enumerates the list's heading;
      level ``code`` (codes of any length) becomes ``all``; level ``item`` (numbered exclusion items, which name
      statistical reporting numbers) becomes ``HTS10`` with a note;
    - china ``SOURCE (EDITION, from DAY)``: on = DAY; the document = the first source ``stated_in`` names (the
      announcement or report that states the count), else SOURCE (the annex, whose items are numbered);
      locator = ``stated_in``.
    us_lists states no count (COUNTS.md there): its rows all have ``stated`` empty.
    """
    out = []
    for r in stated:
        if not r["stated"]:
            continue
        snapshot, list_id, level = r["snapshot"], r["list_id"], r["level"]
        meta = lists[list_id]
        notes = ""
        if extraction == "section301" and snapshot == "fr-annex":
            on = min(x["valid_from"] for x in lines_of[list_id] if x["edition_id"] in ("HTS-2018", "HTS-2019"))
            source = named_source(meta["stated_in"], known)
            locator = meta["stated_in"]
        elif extraction == "section301" and snapshot.startswith("hts-2026-rev-6-note-"):
            dated = re.search(r"lines in force (\d{4}-\d{2}-\d{2})", snapshot)
            on = dated.group(1) if dated else editions["HTS-2026-REV-6"]["effective_date"]
            source = "hts-2026-rev-6-ch99"
            if meta.get("stated_lines") == r["stated"] or re.search(
                rf"(?<![\d,.]){r['stated']}(?![\d,])", meta.get("stated_in", "")
            ):
                locator = meta["stated_in"]
            else:
                note = NOTE20[meta["heading"]] if snapshot.endswith("note-20") else "31"
                locator = (f"U.S. note {note} of HTS 2026 rev 6 (chapter 99, subchapter III), which enumerates the "
                           f"products of heading {meta['heading']}")
            if level == "item":
                notes = ("A count of numbered exclusion items, not of codes: each item names one or more statistical "
                         "reporting numbers and several items can name the same one.")
        elif extraction == "china":
            m = re.fullmatch(r"(\S+) \((\S+), from (\d{4}-\d{2}-\d{2})\)", snapshot)
            if not m:
                fail(f"{extraction}/out/stated_counts.csv: snapshot {snapshot!r} not understood")
                continue
            on = m.group(3)
            source = named_source(meta["stated_in"], known) or m.group(1)
            locator = meta["stated_in"]
        else:
            fail(f"{extraction}/out/stated_counts.csv: no rule for a stated count of snapshot {snapshot!r} ({list_id})")
            continue
        if source is None:
            fail(f"{extraction}: no stating document found for {list_id} {snapshot}")
            continue
        level = {"code": "all", "item": "HTS10"}.get(level, level)
        out.append({"list_id": list_id, "on": on, "level": level, "stated_lines": r["stated"],
                    "source_id": source, "locator": locator, "notes": notes})  # fmt: skip
    return out


def check_count(c: dict[str, str], lines: list[dict[str, str]], uncertainty: str) -> str | None:
    """None when the lines in force match the stated count or the uncertainty gives both numbers."""
    n, stated = len(in_force(lines, c["on"], c["level"])), int(c["stated_lines"])
    if n == stated:
        return None

    def says(x: int) -> bool:
        return re.search(rf"(?<![\d,.]){x:,}(?![\d,])|(?<![\d,.]){x}(?![\d,])", uncertainty) is not None

    if says(n) and says(stated):
        return None
    return (f"{c['list_id']}: {n} lines at level {c['level']} in force on {c['on']}, stated {stated} "
            f"({c['source_id']}); the list's uncertainty does not give both numbers")


def append_sources(path: Path) -> list[str]:
    """Append the extractions' source rows missing from sources.csv; report the rows that differ."""
    have = {r["source_id"]: r for r in read(path)}
    new: list[dict[str, str]] = []
    for name in EXTRACTIONS:
        for r in read_out(name, "sources"):
            sid = r["source_id"]
            if sid in have:
                if have[sid] != r:
                    diff = ", ".join(k for k in SOURCE_FIELDS if have[sid].get(k) != r.get(k))
                    print(f"note: sources.csv row {sid} differs from {name}/out/sources.csv ({diff}); kept as is")
                continue
            have[sid] = r
            new.append(r)
    if new:
        raw = path.read_bytes()
        buf = io.StringIO()
        csv.DictWriter(buf, SOURCE_FIELDS, lineterminator="\n").writerows(new)
        path.write_bytes(raw + (b"" if raw.endswith(b"\n") else b"\n") + buf.getvalue().encode("utf-8"))
    print(f"sources.csv: {len(new)} rows appended ({', '.join(r['source_id'] for r in new) or 'none'})")
    return sorted(have)


def main() -> int:
    # sources first: every other table cites them
    known = set(append_sources(SOURCES / "sources.csv"))

    editions = union("nomenclature_editions", ("edition_id",), identical_ok=True)
    tariff_lines = union("tariff_lines", ("nomenclature", "code", "valid_from"))
    lines = union("product_list_lines", ("list_id", "code", "valid_from"))
    raw_lists = union("product_lists", ("list_id",))
    lists = {r["list_id"]: r for r in raw_lists}
    lines_of: dict[str, list[dict[str, str]]] = defaultdict(list)
    for line in lines:
        lines_of[line["list_id"]].append(line)
    by_rule = list_sources(lines)
    product_lists = []
    for r in raw_lists:
        source = r.get("source_id") or by_rule.get(r["list_id"])
        if not source:
            fail(f"product_lists: {r['list_id']} has no source and no lines")
        product_lists.append(dict(r, source_id=source or ""))
    ed_by_id = {r["edition_id"]: r for r in editions}

    counts = []
    for name in EXTRACTIONS:
        counts += count_rows(name, read_out(name, "stated_counts"), lists, lines_of, ed_by_id, known)
    counts.sort(key=lambda r: (r["list_id"], r["on"], r["level"]))
    keys = Counter((r["list_id"], r["on"], r["level"]) for r in counts)
    for k, n in keys.items():
        if n > 1:
            fail(f"product_list_counts: key {k} {n} times")
    # a list no document gives a count of says so, so that a reader need not wonder
    counted = {c["list_id"] for c in counts}
    for r in product_lists:
        if r["list_id"] not in counted and lines_of[r["list_id"]]:
            said = "No count of this list's lines is stated in the documents read."
            r["notes"] = f"{r['notes']} {said}".strip() if said not in r["notes"] else r["notes"]
    uncertainty = {r["list_id"]: r["uncertainty"] for r in product_lists}
    for c in counts:
        msg = check_count(c, lines_of[c["list_id"]], uncertainty[c["list_id"]])
        if msg:
            fail(f"product_list_counts: {msg}")

    links = []
    list_source = {r["list_id"]: r["source_id"] for r in product_lists}
    for name in EXTRACTIONS:
        for r in read_out(name, "event_lists"):
            links.append({"event_id": r["event_id"], "list_id": r["list_id"],
                          "source_id": r.get("source_id") or list_source.get(r["list_id"], ""),
                          "notes": r.get("notes", "")})  # fmt: skip
    links.sort(key=lambda r: (r["event_id"], r["list_id"]))
    for k, n in Counter((r["event_id"], r["list_id"]) for r in links).items():
        if n > 1:
            fail(f"tariff_event_lists: key {k} {n} times")

    # references
    events = {r["event_id"] for r in read(SOURCES / "tariff_events.csv")}
    refs = (
        [("nomenclature_editions", r["edition_id"], r["source_id"]) for r in editions]
        + [("product_lists", r["list_id"], r["source_id"]) for r in product_lists]
        + [("product_list_lines", f"{r['list_id']}|{r['code']}|{r['valid_from']}", r["source_id"]) for r in lines]
        + [("product_list_counts", f"{r['list_id']}|{r['on']}|{r['level']}", r["source_id"]) for r in counts]
        + [("tariff_event_lists", f"{r['event_id']}|{r['list_id']}", r["source_id"]) for r in links]
    )
    for table, rid, sid in refs:
        if sid not in known:
            fail(f"{table} {rid}: source {sid!r} not in sources.csv")
    for r in lines:
        if r["list_id"] not in lists:
            fail(f"product_list_lines: list {r['list_id']} has no product_lists row")
        if r["edition_id"] not in ed_by_id:
            fail(f"product_list_lines: edition {r['edition_id']} of {r['list_id']} {r['code']} unknown")
    for r in tariff_lines:
        for e in (r["first_edition"], r["last_edition"]):
            if e not in ed_by_id:
                fail(f"tariff_lines: edition {e} unknown")
    for r in links:
        if r["event_id"] not in events or r["list_id"] not in lists:
            fail(f"tariff_event_lists: unknown event or list {r['event_id']} {r['list_id']}")
    if problems:
        print(f"{len(problems)} problems; nothing written but sources.csv:", file=sys.stderr)
        for p in problems:
            print("  " + p, file=sys.stderr)
        return 1

    write(SOURCES / "nomenclature_editions.csv", EDITION_FIELDS, editions)
    write(SOURCES / "tariff_lines.csv", TARIFF_LINE_FIELDS, tariff_lines)
    write(SOURCES / "product_lists.csv", LIST_FIELDS, product_lists)
    write(SOURCES / "product_list_lines.csv", LINE_FIELDS, lines)
    write(SOURCES / "product_list_counts.csv", COUNT_FIELDS, counts)
    write(SOURCES / "tariff_event_lists.csv", EVENT_LIST_FIELDS, links)
    return 0


if __name__ == "__main__":
    sys.exit(main())
