"""Build the sector -> HS 2022 crosswalk rows (sector_codes, citations) from the hand-written spec.

Inputs (all in this directory unless stated):
  groups.csv              product groups: HS 2022 six-digit codes, match quality, and what the
                          subheading text says that ties it to the group
  assignments.csv         which groups each sector maps to, with the sector-side note
  assignment_sources.csv  the published sources naming the sector's products (per sector and group)
  group_sources.csv       further sources for single codes (the USTR 2024 four-year review lines)
  --hs PATH               the HS 2022 nomenclature table data/harmonized-system.csv of
                          github.com/datasets/harmonized-system @905e5a0fa29f5700d62cb3cc1265f21bc8a92329,
                          checked against HS_SHA256 below (not committed here)

Outputs:
  generated/sector_codes.csv, generated/citations.csv   rows in the column order of datasets/sources
  hts8_lines.csv          US HTS8/HTS10 lines of the USTR four-year review groups for the mapped
                          new-energy-vehicle sectors, taken from datasets/sources/tariff_event_products.csv
  --apply                 appends to datasets/sources/{sector_codes,citations}.csv the generated rows whose
                          key is not already there (existing rows are never changed)

Checks: the sha256 of the HS table; every code is a six-digit subheading of HS 2022; every sector and
source exists; no sector gets the same code twice. Standard library only; deterministic output.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import sys
from pathlib import Path

HS_SHA256 = "e77ee9e1cfd15a42d1fadeb2c0618d10f6b9ed9aec0e5d66826dc7ef9d3126a5"
HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
SOURCES = ROOT / "datasets" / "sources"
HS_SOURCE_ID = "hs-2022"
NEV_GROUP_EVENTS = {
    "NEV": "USA-CHN-2024-301-REVIEW-EV",
    "NEVBATT": "USA-CHN-2024-301-REVIEW-LIION-EV",
}


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def die(msg: str) -> None:
    sys.exit(f"build_crosswalk: {msg}")


def load_hs(path: Path) -> dict[str, str]:
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != HS_SHA256:
        die(f"{path} has sha256 {digest}, expected {HS_SHA256}")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    six = {r["hscode"]: r["description"] for r in rows if r["level"] == "6"}
    if len(six) != 5613:
        die(f"expected 5613 HS 2022 subheadings, found {len(six)}")
    return six


def build(hs: dict[str, str]):
    groups: dict[str, list[dict[str, str]]] = {}
    for g in read(HERE / "groups.csv"):
        if g["code"] not in hs:
            die(f"group {g['group_id']}: {g['code']} is not an HS 2022 subheading")
        groups.setdefault(g["group_id"], []).append(g)
    sectors = {r["sector_id"] for r in read(SOURCES / "sectors.csv")}
    source_ids = {r["source_id"] for r in read(SOURCES / "sources.csv")}
    a_sources: dict[tuple[str, str], list[dict[str, str]]] = {}
    for s in read(HERE / "assignment_sources.csv"):
        a_sources.setdefault((s["sector_id"], s["group_id"]), []).append(s)
    g_sources: dict[tuple[str, str], list[dict[str, str]]] = {}
    for s in read(HERE / "group_sources.csv"):
        g_sources.setdefault((s["group_id"], s["code"]), []).append(s)
    for s in [*sum(a_sources.values(), []), *sum(g_sources.values(), [])]:
        if s["source_id"] not in source_ids:
            die(f"unknown source {s['source_id']}")
    if HS_SOURCE_ID not in source_ids:
        die(f"unknown source {HS_SOURCE_ID}")

    codes_rows, cit_rows, seen = [], [], set()
    for a in read(HERE / "assignments.csv"):
        sid, gid = a["sector_id"], a["group_id"]
        if sid not in sectors:
            die(f"unknown sector {sid}")
        if gid not in groups:
            die(f"unknown group {gid}")
        if (sid, gid) not in a_sources:
            die(f"{sid}/{gid} cites no source")
        for g in groups[gid]:
            code = g["code"]
            if (sid, code) in seen:
                die(f"{sid} gets {code} twice")
            seen.add((sid, code))
            notes = f"{g['why']}. {a['note']}"
            codes_rows.append([sid, "HS2022", code, g["match"], notes])
            rid = f"{sid}|HS2022|{code}"
            for s in a_sources[(sid, gid)]:
                cit_rows.append(["sector_codes", rid, s["source_id"], s["locator"], s["note"]])
            for s in g_sources.get((gid, code), []):
                cit_rows.append(["sector_codes", rid, s["source_id"], s["locator"], s["note"]])
            cit_rows.append(
                ["sector_codes", rid, HS_SOURCE_ID, f"subheading {code}", f"subheading text (UN Comtrade): {hs[code]}"]
            )
    return codes_rows, cit_rows


def hts_lines() -> list[list[str]]:
    products = read(SOURCES / "tariff_event_products.csv")
    nev_sectors = sorted({a["sector_id"] for a in read(HERE / "assignments.csv") if a["group_id"] in NEV_GROUP_EVENTS})
    out = []
    for gid, event in NEV_GROUP_EVENTS.items():
        lines = sorted((p["hs_code"], p["description"]) for p in products if p["event_id"] == event)
        if not lines:
            die(f"no product lines for {event}")
        for sid in nev_sectors:
            if not any(a["sector_id"] == sid and a["group_id"] == gid for a in read(HERE / "assignments.csv")):
                continue
            for code, desc in lines:
                level = {8: "HTS8", 10: "HTS10"}[len(code)]
                out.append([sid, level, code, event, "fr-89-76581", desc])
    return out


def write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def append_missing(table: Path, rows: list[list[str]], key_len: int) -> int:
    existing = read(table)
    header = list(existing[0].keys()) if existing else None
    keys = {tuple(list(r.values())[:key_len]) for r in existing}
    new = []
    for r in rows:
        k = tuple(r[:key_len])
        if k not in keys:
            keys.add(k)
            new.append(r)
    if new:
        raw = table.read_bytes()
        if not raw.endswith(b"\n"):
            die(f"{table} does not end with a newline")
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(new)
        with table.open("a", encoding="utf-8", newline="") as f:
            f.write(buf.getvalue())
    del header
    return len(new)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hs", type=Path, required=True, help="data/harmonized-system.csv (sha256 checked)")
    ap.add_argument("--apply", action="store_true", help="append missing rows to datasets/sources")
    args = ap.parse_args()
    hs = load_hs(args.hs)
    codes_rows, cit_rows = build(hs)
    write(HERE / "generated" / "sector_codes.csv", ["sector_id", "classification", "code", "match", "notes"], codes_rows)
    write(HERE / "generated" / "citations.csv", ["table", "record_id", "source_id", "locator", "note"], cit_rows)
    write(HERE / "hts8_lines.csv", ["sector_id", "level", "code", "event_id", "source_id", "description"], hts_lines())
    print(f"{len(codes_rows)} sector_codes rows, {len(cit_rows)} citation rows generated")
    if args.apply:
        n1 = append_missing(SOURCES / "sector_codes.csv", codes_rows, 3)
        n2 = append_missing(SOURCES / "citations.csv", cit_rows, 3)
        print(f"appended {n1} sector_codes rows and {n2} citation rows")


if __name__ == "__main__":
    main()
