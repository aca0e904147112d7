"""Interim checks of the schema-1.2.0 tables (DESIGN-lists.md); `policydata validate datasets/sources` is the authority.

    python datasets/extract/check_list_tables.py        # from the repository root; exit 1 on a problem

Checks: headers and column order, keys unique, rows sorted by key, id patterns, dates ISO and ordered
(valid_from < valid_to, effective_date < end_date), booleans, no white space at the ends of a value, enums,
foreign keys (editions, sources, lists, events), HTS/HS code lengths, every list code valid in its edition
(8/10 digits: the line exists in tariff_lines for that edition; 4/6 digits: some HTS8 line of the edition starts
with it; editions whose lines are not encoded are skipped), every HTS tariff_lines row inside its editions' span.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import sys
from collections import defaultdict
from pathlib import Path

S = Path(__file__).resolve().parent.parent / "sources"
COLS = {
    "nomenclature_editions": ["edition_id", "nomenclature", "title", "effective_date", "end_date", "hs_edition_id",
                              "lines_encoded", "source_id", "uncertainty", "notes"],
    "tariff_lines": ["nomenclature", "code", "valid_from", "valid_to", "first_edition", "last_edition", "description",
                     "general_rate", "mfn_pct"],
    "product_lists": ["list_id", "imposing", "title", "heading", "kind", "code_level", "complete", "source_id",
                      "uncertainty", "notes"],
    "product_list_lines": ["list_id", "code", "edition_id", "valid_from", "valid_to", "scope", "description", "item",
                           "source_id", "uncertainty"],
}
KEYS = {"nomenclature_editions": ("edition_id",), "tariff_lines": ("nomenclature", "code", "valid_from"),
        "product_lists": ("list_id",), "product_list_lines": ("list_id", "code", "valid_from")}
problems: list[str] = []


def bad(msg: str) -> None:
    problems.append(msg)


def read(name: str) -> list[dict]:
    path = S / f"{name}.csv"
    raw = path.read_bytes()
    if b"\r" in raw:
        bad(f"{name}: CR in file")
    with open(path, encoding="utf-8", newline="") as f:
        r = csv.DictReader(f)
        if r.fieldnames != COLS.get(name, r.fieldnames):
            bad(f"{name}: header {r.fieldnames}")
        return list(r)


def date(v: str, where: str) -> None:
    try:
        dt.date.fromisoformat(v)
    except ValueError:
        bad(f"{where}: not an ISO date: {v!r}")


def main() -> int:
    t = {n: read(n) for n in COLS}
    sources = {r["source_id"] for r in read("sources")}
    events = {r["event_id"] for r in read("tariff_events")}
    for n, rows in t.items():
        keys = [tuple(r[k] for k in KEYS[n]) for r in rows]
        if len(set(keys)) != len(keys):
            bad(f"{n}: duplicate keys")
        if keys != sorted(keys):
            bad(f"{n}: rows not sorted by key")
        for i, r in enumerate(rows, start=2):
            for k, v in r.items():
                if v != v.strip():
                    bad(f"{n}:{i} {k}: white space at an end")
    eds = {r["edition_id"]: r for r in t["nomenclature_editions"]}
    for r in t["nomenclature_editions"]:
        w = f"nomenclature_editions {r['edition_id']}"
        if not re.fullmatch(r"(HTS|HS|CN)-[A-Z0-9]+(-[A-Z0-9]+)*", r["edition_id"]):
            bad(f"{w}: edition_id pattern")
        date(r["effective_date"], w)
        if r["end_date"]:
            date(r["end_date"], w)
            if r["end_date"] <= r["effective_date"]:
                bad(f"{w}: end_date <= effective_date")
        if r["lines_encoded"] not in ("true", "false"):
            bad(f"{w}: lines_encoded")
        if r["source_id"] not in sources:
            bad(f"{w}: source {r['source_id']} not in sources.csv")
        if r["hs_edition_id"] and r["hs_edition_id"] not in eds:
            bad(f"{w}: hs_edition_id {r['hs_edition_id']}")
    # HTS editions in date order, for the code checks
    order = defaultdict(list)
    for r in sorted(t["nomenclature_editions"], key=lambda r: r["effective_date"]):
        order[r["nomenclature"]].append(r["edition_id"])
    idx = {e: i for lst in order.values() for i, e in enumerate(lst)}
    have = defaultdict(set)
    for i, r in enumerate(t["tariff_lines"], start=2):
        w = f"tariff_lines:{i}"
        nom, code = r["nomenclature"], r["code"]
        want = {"HTS": (8, 10), "HS": (6,), "CN": (8,)}.get(nom)
        if want is None or not code.isdigit() or len(code) not in want:
            bad(f"{w}: code {code!r} for {nom}")
        for k in ("first_edition", "last_edition"):
            if r[k] not in eds:
                bad(f"{w}: {k} {r[k]} unknown")
        if r["first_edition"] not in eds or r["last_edition"] not in eds:
            continue
        if r["valid_from"] != eds[r["first_edition"]]["effective_date"]:
            bad(f"{w}: valid_from != effective_date of {r['first_edition']}")
        if r["valid_to"] != eds[r["last_edition"]]["end_date"]:
            bad(f"{w}: valid_to != end_date of {r['last_edition']}")
        if nom == "HTS" and len(code) == 10 and (r["general_rate"] or r["mfn_pct"]):
            bad(f"{w}: HTS10 with a rate")
        if r["mfn_pct"] and not re.fullmatch(r"\d+(\.\d+)?", r["mfn_pct"]):
            bad(f"{w}: mfn_pct {r['mfn_pct']!r}")
        lst = order[eds[r["first_edition"]]["nomenclature"]]
        for e in lst[idx[r["first_edition"]]: idx[r["last_edition"]] + 1]:
            have[e].add(code)
    lists = {r["list_id"]: r for r in t["product_lists"]}
    for r in t["product_lists"]:
        w = f"product_lists {r['list_id']}"
        if not re.fullmatch(r"[A-Z]{3}-[A-Z0-9]+(-[A-Z0-9]+)*", r["list_id"]):
            bad(f"{w}: list_id pattern")
        if r["kind"] not in ("products", "exclusions", "exceptions"):
            bad(f"{w}: kind")
        if r["code_level"] not in ("HS6", "HS8", "HTS8", "HTS10", "mixed"):
            bad(f"{w}: code_level")
        if r["complete"] not in ("true", "false"):
            bad(f"{w}: complete")
        if r["heading"] and not re.fullmatch(r"\d{4}\.\d{2}\.\d{2}", r["heading"]):
            bad(f"{w}: heading {r['heading']}")
    n_invalid = 0
    for i, r in enumerate(t["product_list_lines"], start=2):
        w = f"product_list_lines:{i} {r['list_id']} {r['code']}"
        if r["list_id"] not in lists:
            bad(f"{w}: list unknown")
        if r["edition_id"] not in eds:
            bad(f"{w}: edition {r['edition_id']} unknown")
            continue
        if r["source_id"] not in sources:
            bad(f"{w}: source {r['source_id']} unknown")
        if r["scope"] not in ("whole-line", "described-goods"):
            bad(f"{w}: scope")
        date(r["valid_from"], w)
        if r["valid_to"]:
            date(r["valid_to"], w)
            if r["valid_to"] <= r["valid_from"]:
                bad(f"{w}: valid_to <= valid_from")
        if eds[r["edition_id"]]["lines_encoded"] != "true":
            continue  # the edition's lines are not in tariff_lines: nothing to check the code against
        code, s = r["code"], have[r["edition_id"]]
        ok = code in s if len(code) in (8, 10) else any(c.startswith(code) for c in s if len(c) == 8)
        if not code.isdigit() or not ok:
            n_invalid += 1
            if "not found" not in r["uncertainty"]:
                bad(f"{w}: code not valid in {r['edition_id']} and no uncertainty says so")
    for r in csv.DictReader(open(S / "tariff_event_lists.csv", encoding="utf-8")):
        if r["event_id"] not in events or r["list_id"] not in lists or r["source_id"] not in sources:
            bad(f"tariff_event_lists: {r}")
    for p in problems[:50]:
        print(p)
    print(f"{len(problems)} problem(s); {n_invalid} list code(s) not valid in their edition (each said in uncertainty)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
