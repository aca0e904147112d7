#!/usr/bin/env python3.11
"""Section 301 (China) product lists by tariff line, with dates.

Reads three snapshots of the US Section 301 lists, the 2024 four-year-review headings and the
Section 301 exclusions in force 2024-2026, and writes (deterministically, sorted) the complete set of
rows it owns into out/ (../combine.py merges every out/ into datasets/sources):

  out/product_lists.csv          the lists (list_id USA-301-...), with the FR notice of Lists 1-4B as source_id
  out/product_list_lines.csv     membership of each list by tariff line, dated
  out/nomenclature_editions.csv  HTS-2018, HTS-2019, HTS-2020 (lines not encoded)
  out/sources.csv                the sources its rows cite (its own, and copies of those curated in datasets/sources)
  out/stated_counts.csv          stated vs encoded counts (machine-readable)
  out/event_lists.csv            the existing tariff_events each list belongs to
  COUNTS.md                      counts and the cross-check between snapshots
  crosscheck.csv                 every line present in one snapshot and not another

Inputs (named by sha256 in inputs.csv next to this file and checked before use):
  mitsuoxv/us-tariffs-on-china      data/tariff_list.rdata        (FR-annex codes, regex extraction)
  mwaugh0328/tradewar-tracker       notes/China-Tariffs.pdf       (USITC "China Tariffs", 2020-01-01)
  arifshehab/tariff-rate-tracker    data/hts_archives/*.json.gz   (USITC HTS JSON, 2025 basic - 2026 rev 10)
                                    config/revision_dates.csv     (date of each revision)
                                    data/us_notes/chapter99_2026_rev_6.txt (chapter 99 text, HTS 2026 rev 6)

Extra libraries (not in the repository's dependencies; install them in a virtual environment
OUTSIDE the repository, e.g. `python3.11 -m venv VENV && VENV/bin/pip install pyreadr pdfplumber`):
  pyreadr     to read the .rdata file
  pdfplumber  to read the PDF

Usage:
  sh fetch_inputs.sh [MIRROR_DIR [INPUT_DIR]]   # copies the pinned upstream files (default INPUT_DIR: ./inputs)
  python extract.py [INPUT_DIR] [--repo REPO_ROOT]
"""
from __future__ import annotations

import argparse
import collections
import csv
import datetime as dt
import gzip
import hashlib
import io
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from out_tables import out_dir, write_sources, write_table  # noqa: E402

OUT = out_dir(HERE)

# --------------------------------------------------------------------------------------------
# constants
# --------------------------------------------------------------------------------------------
REPO_MITSUOXV = "mitsuoxv/us-tariffs-on-china"
REPO_WAUGH = "mwaugh0328/tradewar-tracker"
REPO_TRT = "arifshehab/tariff-rate-tracker"

REVS = (["basic"] + [f"rev_{i}" for i in range(1, 33)] + ["2026_basic"]
        + [f"2026_rev_{i}" for i in range(1, 11)])


def rev_file(rev: str) -> str:
    if rev == "basic":
        return "data/hts_archives/hts_2025_basic.json.gz"
    if rev.startswith("rev_"):
        return f"data/hts_archives/hts_2025_{rev}.json.gz"
    return f"data/hts_archives/hts_{rev}.json.gz"


def edition_id(rev: str) -> str:
    if rev == "basic":
        return "HTS-2025-BASIC"
    if rev.startswith("rev_"):
        return "HTS-2025-REV-" + rev[4:]
    if rev == "2026_basic":
        return "HTS-2026-BASIC"
    return "HTS-2026-REV-" + rev[9:]


def hts_source_id(rev: str) -> str:
    return edition_id(rev).lower()


SRC_USITC = "s301-usitc-china-tariffs-2020"
SRC_NOTES = "hts-2026-rev-6-ch99"  # defined by us_lists (the same document)
SRC_ARCHIVE = "s301-usitc-hts-archive"

CARRY = ("membership 2021-2024 carried from the USITC table of 2020-01-01: "
         "no HTS edition of 2021-2024 reachable")
FR_EXTRACTION = "the FR-annex extraction (mitsuoxv/us-tariffs-on-china, regex on the USTR PDF)"

LISTS = {
    # list_id: heading, FR list key, FR edition, FR source, FR valid_from
    "USA-301-L1": ("9903.88.01", "df_list_34b", "HTS-2018", "fr-83-28710", "2018-07-06"),
    "USA-301-L2": ("9903.88.02", "df_list_16b", "HTS-2018", "fr-83-40823", "2018-08-23"),
    "USA-301-L3": ("9903.88.03", "df_list_200b", "HTS-2018", "fr-83-47974", "2018-09-24"),
    "USA-301-L3-PARTIAL": ("9903.88.04", None, "HTS-2018", "fr-83-47974", "2018-09-24"),
    "USA-301-L4A": ("9903.88.15", "df_list_300b_a", "HTS-2019", "fr-84-43304", "2019-09-01"),
    "USA-301-L4B": ("9903.88.16", "df_list_300b_c", "HTS-2019", "fr-84-43304", "2019-12-15"),
}
HEADING_LIST = {v[0]: k for k, v in LISTS.items()}
LIST_NAME = {"USA-301-L1": "List 1", "USA-301-L2": "List 2", "USA-301-L3": "List 3",
             "USA-301-L3-PARTIAL": "List 3 partial subheadings (9903.88.04)",
             "USA-301-L4A": "List 4A", "USA-301-L4B": "List 4B"}

REVIEW_HEADINGS = ["9903.91.01", "9903.91.02", "9903.91.03", "9903.91.04", "9903.91.05",
                   "9903.91.06", "9903.91.07", "9903.91.08", "9903.91.09", "9903.91.10",
                   "9903.91.11", "9903.92.10"]


def review_list_id(h: str) -> str:
    return "USA-301-REVIEW-" + h.replace(".", "-")


MONTHS = {m: i for i, m in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September",
     "October", "November", "December"], 1)}


def parse_date(s: str) -> str:
    m = re.fullmatch(r"([A-Z][a-z]+) (\d{1,2}),? (\d{4})", s.strip())
    return dt.date(int(m.group(3)), MONTHS[m.group(1)], int(m.group(2))).isoformat()


def next_day(d: str) -> str:
    return (dt.date.fromisoformat(d) + dt.timedelta(days=1)).isoformat()


def digits(code: str) -> str:
    return code.replace(".", "")


def dotted(code: str) -> str:
    if len(code) == 8:
        return f"{code[:4]}.{code[4:6]}.{code[6:]}"
    if len(code) == 10:
        return f"{code[:4]}.{code[4:6]}.{code[6:]}"
    return code


def ws(s: str) -> str:
    return re.sub(r"\s+", " ", s.replace("\xad", "-")).strip()


# --------------------------------------------------------------------------------------------
# inputs
# --------------------------------------------------------------------------------------------
def load_inputs(input_dir: Path) -> dict[tuple[str, str], Path]:
    files = {}
    with open(HERE / "inputs.csv", newline="") as f:
        for r in csv.DictReader(f):
            p = input_dir / r["repo"].replace("/", "+") / r["path"]
            data = p.read_bytes()
            got = hashlib.sha256(data).hexdigest()
            if got != r["sha256"]:
                sys.exit(f"sha256 mismatch for {r['repo']} {r['path']}: {got} != {r['sha256']}")
            files[(r["repo"], r["path"])] = p
    return files


def commits() -> dict[str, str]:
    with open(HERE / "inputs.csv", newline="") as f:
        return {r["repo"]: r["commit"] for r in csv.DictReader(f)}


# --------------------------------------------------------------------------------------------
# snapshot 1: FR annexes (mitsuoxv extraction)
# --------------------------------------------------------------------------------------------
def read_fr(path: Path) -> dict[str, set[str]]:
    import pyreadr
    r = pyreadr.read_r(str(path))
    out = {}
    for lid, (_h, key, *_rest) in LISTS.items():
        if key is None:
            continue
        codes = list(r[key]["hs8"])
        assert len(codes) == len(set(codes)), key
        # the regex also caught chapter 98/99 numbers quoted in the notice text (9802.00.xx, 9903.88.xx)
        out[lid] = {c for c in codes if c[:2] not in ("98", "99")}
    return out


# --------------------------------------------------------------------------------------------
# snapshot 2: USITC China Tariffs table, 2020-01-01 (PDF)
# --------------------------------------------------------------------------------------------
def read_usitc(path: Path) -> tuple[list[tuple[str, str, int]], str]:
    import pdfplumber
    rows = []
    with pdfplumber.open(str(path)) as pdf:
        first = pdf.pages[0].extract_text()
        for i, page in enumerate(pdf.pages, 1):
            for line in page.extract_text().splitlines():
                m = re.fullmatch(r"(\d{4}\.\d{2}\.\d{2}(?:\d{2})?)\s+(9903\.88\.\d{2})", line.strip())
                if m:
                    rows.append((digits(m.group(1)), m.group(2), i))
    assert "Last Updated January 1, 2020" in first
    keys = [(c, h) for c, h, _ in rows]
    assert len(keys) == len(set(keys))
    assert len({c for c, _, _ in rows}) == len(rows), "a code under two headings"
    return rows, first


# --------------------------------------------------------------------------------------------
# snapshot 3: HTS JSON revisions, footnotes "See 9903.88.xx"
# --------------------------------------------------------------------------------------------
FN_LIST = re.compile(r"9903\.88\.(01|02|03|04|15|16)(?!\d)")
FN_REVIEW = re.compile(r"9903\.(91\.\d\d|92)(?![\d])(?!\.\d)")
FN_EXCL = re.compile(r"9903\.88\.(69|70)(?!\d)")


class Rev:
    def __init__(self, rev: str, data: list[dict]):
        self.rev = rev
        self.lines8: set[str] = set()
        self.lines10: set[str] = set()
        self.desc: dict[str, str] = {}
        self.heading_text: dict[str, str] = {}
        # heading -> code -> list of footnote texts
        self.fn: dict[str, dict[str, list[str]]] = collections.defaultdict(dict)
        self.ch98: dict[str, list[str]] = collections.defaultdict(list)
        for x in data:
            h = x["htsno"]
            code = digits(h)
            if h.startswith("99") and len(code) >= 8:
                self.heading_text[h] = ws(x["description"])
            if h.startswith("9903.92") and len(code) == 6:
                self.heading_text[h] = ws(x["description"])
            if len(code) == 8:
                self.lines8.add(code)
            elif len(code) == 10:
                self.lines10.add(code)
                if x["general"]:
                    self.lines8.add(code[:8])
            if len(code) in (8, 10):
                self.desc[code] = ws(x["description"])
            for f in x.get("footnotes") or []:
                v = ws(f["value"])
                heads = {"9903.88." + m for m in FN_LIST.findall(v)}
                heads |= {("9903.92.10" if m == "92" else "9903." + m) for m in FN_REVIEW.findall(v)}
                heads |= {"9903.88." + m for m in FN_EXCL.findall(v)}
                if not heads or len(code) not in (8, 10):
                    continue
                if h.startswith("99"):
                    continue          # chapter 99 rows (e.g. the suspension note on 9903.88.16)
                if h.startswith("98"):
                    for hh in heads:
                        self.ch98[hh].append(code)
                    continue
                # rule R2: a 10-digit row that carries a general rate is an 8-digit subheading
                # printed with its single statistical suffix: the footnote belongs to the subheading
                level_code = code[:8] if (len(code) == 10 and x["general"]) else code
                for hh in heads:
                    self.fn[hh].setdefault(level_code, []).append(v)


def read_hts(files) -> tuple[dict[str, Rev], dict[str, str]]:
    dates = {}
    with open(files[(REPO_TRT, "config/revision_dates.csv")], newline="") as f:
        for r in csv.DictReader(f):
            dates[r["revision"]] = r["effective_date"]
    revs = {}
    for rev in REVS:
        with gzip.open(files[(REPO_TRT, rev_file(rev))]) as f:
            revs[rev] = Rev(rev, json.load(f))
    return revs, dates


# --------------------------------------------------------------------------------------------
# chapter 99 notes, HTS 2026 rev 6
# --------------------------------------------------------------------------------------------
FURNITURE = re.compile(r"^\s*(Harmonized Tariff Schedule of the United States Revision 6 \(2026\)|"
                       r"Annotated for Statistical Reporting Purposes|XXII|99 - III - \d+|"
                       r"U\.S\. Notes \(con\.\))\s*$")
CODE_ANY = re.compile(r"(?<![\d.])(\d{4}\.\d{2}\.\d{2}(?:\d{2})?)(?![\d.])")


class Notes:
    def __init__(self, path: Path):
        raw = path.read_bytes().decode("latin-1").replace("\f", "")
        self.lines = [l for l in raw.split("\n") if not FURNITURE.match(l)]

    def find(self, prefix: str, after: int = 0) -> int:
        for i in range(after, len(self.lines)):
            if self.lines[i].startswith(prefix):
                return i
        raise KeyError(prefix)

    def block(self, start: str, end: str, after: int = 0) -> str:
        a = self.find(start, after)
        b = self.find(end, a + 1)
        return "\n".join(self.lines[a:b])


def numbered_items(text: str, style: str) -> list[tuple[int, str]]:
    """Split a note block into numbered items: style 'dot' = '1. text', 'paren' = '(1) text'."""
    pat = r"^\s*(\d+)\. " if style == "dot" else r"^\s*\((\d+)\) "
    out, cur = [], None
    for line in text.split("\n"):
        m = re.match(pat, line)
        if m:
            if cur:
                out.append(cur)
            cur = [int(m.group(1)), line[m.end():]]
        elif cur is not None:
            cur[1] += "\n" + line
    if cur:
        out.append(cur)
    return [(n, ws(t)) for n, t in out]


def codes_in(text: str, n: int | None = None) -> list[str]:
    return [digits(c) for c in CODE_ANY.findall(text) if n is None or len(digits(c)) == n]


def parse_note20(notes: Notes) -> dict:
    """The subheadings enumerated in U.S. note 20(b), (d), (f), (g), (s), (u)."""
    res = {}
    def plain(start, end):
        return {c for c in codes_in(notes.block(start, end), 8) if c[:2] not in ("98", "99")}
    res["9903.88.01"] = plain("(b) Heading 9903.88.01 applies", "(c) For the purposes of heading 9903.88.02")
    res["9903.88.02"] = plain("(d) Heading 9903.88.02 applies", "(e) For the purposes of heading 9903.88.03")
    res["9903.88.03"] = plain("(f) Heading 9903.88.03 applies", "(g) For the purposes of heading 9903.88.04")
    g = notes.block("(g) For the purposes of heading 9903.88.04", "(h) The U.S. Trade Representative")
    g_items = numbered_items(g.split("are the following products of China:", 1)[1].split("Notwithstanding U.S. note 1", 1)[0], "dot")
    res["9903.88.04-items"] = g_items
    s = notes.block("(s) Heading 9903.88.15 applies to:", "(t) For the purposes of heading 9903.88.16")
    s_i, s_ii = s.split("(ii) the following products of China:", 1)
    res["9903.88.15"] = {c for c in codes_in(s_i, 8) if c[:2] not in ("98", "99")}
    res["9903.88.15-items"] = numbered_items(s_ii, "dot")
    u = notes.block("(u) Heading 9903.88.16 applies to:", "(v) The U.S. Trade Representative")
    u_i, u_ii = u.split("ii) the following products of China:", 1)
    res["9903.88.16"] = {c for c in codes_in(u_i, 8) if c[:2] not in ("98", "99")}
    res["9903.88.16-items"] = numbered_items(u_ii, "dot")
    for k in ("9903.88.04", "9903.88.15", "9903.88.16"):
        for n, t in res[k + "-items"]:
            assert item_hts8(t), (k, n, t)
    return res


def item_hts8(t: str) -> str:
    m = re.search(r"provided for (?:in )?(?:\[subheading\] |subheading )?(\d{4}\.\d{2}\.\d{2})(?![\d])", t)
    return digits(m.group(1))


def parse_note31(notes: Notes) -> dict:
    res = {}
    text = notes.block("31. (a)", "32. Action Applicable")
    marks = [("9903.91.01", "(b) Heading 9903.91.01 applies", "(c) Heading 9903.91.02 applies"),
             ("9903.91.02", "(c) Heading 9903.91.02 applies", "(d) Heading 9903.91.03 applies"),
             ("9903.91.03", "(d) Heading 9903.91.03 applies", "(e) Heading 9903.91.04 applies"),
             ("9903.91.04", "(e) Heading 9903.91.04 applies", "(f)"),
             ("9903.91.05", "(i) Heading 9903.91.05 applies", "(ii) The additional rate of duty under heading 9903.91.05"),
             ("9903.91.06", "(g) Heading 9903.91.06 applies", "(h) Heading 9903.91.07 applies"),
             ("9903.91.07", "(h) Heading 9903.91.07 applies", "(i) Heading 9903.91.08 applies"),
             ("9903.91.08", "(i) Heading 9903.91.08 applies", "(j) Heading 9903.91.11 applies"),
             ("9903.91.11", "(j) Heading 9903.91.11 applies", "(k)")]
    lines = text.split("\n")
    for h, start, end in marks:
        a = next(i for i, l in enumerate(lines) if l.strip().startswith(start))
        b = next(i for i in range(a + 1, len(lines)) if lines[i].strip().startswith(end))
        blk = "\n".join(lines[a:b])
        body = blk.split(":", 1)[1] if h not in ("9903.91.04", "9903.91.08") else blk
        codes = [c for c in codes_in(body) if not c.startswith("99")]
        res[h] = {"codes": set(codes), "text": ws(blk)}
    return res


# --- exclusions: U.S. note 20(vvv), 20(www) -------------------------------------------------
CLAUSE_DATE = re.compile(r"(prior to|effective)\s+([A-Z][a-z]+ \d{1,2}, \d{4})"
                         r"(?:\s+through\s+([A-Z][a-z]+ \d{1,2}, \d{4}))?")


def item_code_windows(text: str, start: str) -> tuple[list[tuple[str, str, str | None]], bool]:
    """Codes an exclusion item names, each with the window [from, to) in which it applies on or
    after `start`. Returns ([(code, from, to)], bare); bare = the item is only a statistical
    reporting number (the whole line is excluded). A clause 'effective D' without 'through' ends
    where the next clause of the same item begins."""
    t = ws(text)
    if re.fullmatch(r"\d{4}\.\d{2}\.\d{4}", t):
        return [(digits(t), start, None)], True
    bare = bool(re.match(r"\d{4}\.\d{2}\.\d{4}", t))     # a number (with dates), no description
    segs = [x for x in re.split(r"statistical reporting numbers?|;", t) if re.search(r"\d{4}\.\d{2}\.\d{4}", x)]
    assert segs, t
    clauses = []
    for seg in segs:
        seg_codes = re.findall(r"\d{4}\.\d{2}\.\d{4}", seg)
        m = CLAUSE_DATE.search(seg)
        lo = hi = None
        if m:
            if m.group(1) == "prior to":
                hi = parse_date(m.group(2))
            else:
                lo = parse_date(m.group(2))
                if m.group(3):
                    hi = next_day(parse_date(m.group(3)))
        clauses.append((seg_codes, lo, hi))
    starts = sorted({lo for _, lo, _ in clauses if lo})
    out = []
    for seg_codes, lo, hi in clauses:
        if lo and hi is None:
            later = [x for x in starts if x > lo]
            hi = later[0] if later else None
        a = max(start, lo) if lo else start
        if hi is None or hi > a:
            out += [(digits(c), a, hi) for c in seg_codes]
    return out, bare


def parse_exclusions(notes: Notes) -> dict:
    vvv = notes.block("(vvv)", "(www)")
    www = notes.block("(www)", "(21) (a)")
    parts = re.split(r"^\((?:vvv\)\s+\()?(i|ii|iii|iv)\) The U\.S\. Trade Representative", vvv, flags=re.M)
    # parts: ['', 'i', text, 'ii', text, ...]
    sub = {}
    for k, body in zip(parts[1::2], parts[2::2]):
        intro, _, rest = body.partition("enumerated statistical reporting numbers:")
        if not rest:
            intro, _, rest = body.partition("following enumerated statistical reporting numbers:")
        heads = re.findall(r"duties provided for in heading (9903\.88\.\d\d)", intro)
        sub[k] = {"items": numbered_items(rest, "paren"), "intro": ws(intro), "headings": heads}
    intro, _, rest = www.partition("heading 9903.88.70 of this subchapter:")
    sub["www"] = {"items": numbered_items(rest, "paren"), "intro": ws(intro), "headings": ["9903.88.02"]}
    return sub


def subdivision_labels():
    out = []
    for n in (1, 2, 3):
        for ch in "abcdefghijklmnopqrstuvwxyz":
            out.append(ch * n)
    return out


def earlier_exclusion_notes(notes: Notes) -> list[tuple[str, int, str]]:
    """(subdivision, numbered items, first words) of U.S. note 20(h) to 20(uuu), for the report."""
    labels = subdivision_labels()
    a = notes.find("(h) The U.S. Trade Representative determined")
    b = notes.find("(vvv)")
    out, cur, nxt = [], None, labels.index("h")
    for line in notes.lines[a:b]:
        m = re.match(r"^\(([a-z]{1,3})\)\s*[A-Z\[(]", line)
        roman = ("i", "ii", "iii", "iv", "v")
        if m and (m.group(1) == labels[nxt]
                  or (m.group(1) in labels[nxt:nxt + 6] and m.group(1) not in roman)):
            cur = [m.group(1), 0, ws(line)[:110]]
            out.append(cur)
            nxt = labels.index(m.group(1)) + 1
        elif cur is not None and re.match(r"^\s*\(\d+\) ", line):
            cur[1] += 1
    assert out[-1][0] == "uuu", out[-1]
    return [tuple(x) for x in out]


# --------------------------------------------------------------------------------------------
# rows
# --------------------------------------------------------------------------------------------
FIELDS = ["list_id", "code", "edition_id", "valid_from", "valid_to", "scope", "description",
          "item", "source_id", "uncertainty"]


def row(**kw):
    r = {k: "" for k in FIELDS}
    r.update({k: ("" if v is None else v) for k, v in kw.items()})
    return r


def join_unc(*parts):
    return "; ".join(p for p in parts if p)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("input_dir", type=Path, nargs="?", default=HERE / "inputs")
    ap.add_argument("--repo", type=Path, default=HERE.parents[2])
    args = ap.parse_args()
    files = load_inputs(args.input_dir)
    cm = commits()

    fr = read_fr(files[(REPO_MITSUOXV, "data/tariff_list.rdata")])
    usitc_rows, usitc_first = read_usitc(files[(REPO_WAUGH, "notes/China-Tariffs.pdf")])
    revs, rdates = read_hts(files)
    notes = Notes(files[(REPO_TRT, "data/us_notes/chapter99_2026_rev_6.txt")])
    n20 = parse_note20(notes)
    n31 = parse_note31(notes)
    excl = parse_exclusions(notes)

    # dated revision sequence; 2026_rev_8 has no date in revision_dates.csv (the tracker left it
    # out as editorial): it must not change any membership read here
    dated = [r for r in REVS if r in rdates]
    assert [r for r in REVS if r not in rdates] == ["2026_rev_8"]
    for a, b in (("2026_rev_7", "2026_rev_8"),):
        for h in set(revs[a].fn) | set(revs[b].fn):
            assert set(revs[a].fn.get(h, {})) == set(revs[b].fn.get(h, {})), (h, a, b)
    rfrom = {r: rdates[r] for r in dated}
    assert rfrom["basic"] == "2025-01-01"
    last = dated[-1]
    b25, r6 = revs["basic"], revs["2026_rev_6"]

    rows: list[dict] = []
    cross: list[dict] = []          # crosscheck.csv
    counts: list[dict] = []         # stated_counts.csv

    def xc(list_id, code, in_snap, not_in, reason):
        cross.append({"list_id": list_id, "code": code, "present_in": in_snap,
                      "missing_from": not_in, "reason": reason})

    # ---------------- USITC 2020 by list ----------------
    us = collections.defaultdict(set)
    us_page = {}
    for c, h, p in usitc_rows:
        us[HEADING_LIST[h]].add(c)
        us_page[c] = p
    us_list_of = {c: HEADING_LIST[h] for c, h, _ in usitc_rows}
    fr_lists_of = collections.defaultdict(list)
    for lid, s in fr.items():
        for c in s:
            fr_lists_of[c].append(lid)

    # footnote membership per revision, by list / review heading
    def fnset(rev: Rev, heading: str) -> set[str]:
        s = set(rev.fn.get(heading, {}))
        if heading == "9903.88.04":
            # rule R5: the 2931.90.90 rate line carries an explanatory footnote ("covers certain goods
            # of this rate line, as indicated by the footnote"); its statistical lines carry membership
            s = {c for c in s if not (len(c) == 8 and any(x[:8] == c and len(x) == 10 for x in s))}
        return s

    list_fn = {r: {lid: fnset(revs[r], LISTS[lid][0]) for lid in LISTS} for r in REVS}
    review_fn = {r: {h: fnset(revs[r], h) for h in REVIEW_HEADINGS} for r in REVS}

    def hts_list_of(code: str, rev="basic") -> list[str]:
        return [lid for lid in LISTS if code in list_fn[rev][lid]]

    def review_of(code: str, rev="basic") -> list[str]:
        return [h for h in REVIEW_HEADINGS if code in review_fn[rev][h]]

    # legal dates of the review headings, from the heading texts (HTS 2026 rev 10)
    def heading_dates(h):
        t = revs[last].heading_text.get(h) or revs["basic"].heading_text[h]
        m = re.search(r"on or after (?:12:01 a\.m\. [a-z ]+ time on )?([A-Z][a-z]+ \d{1,2}, \d{4})", t)
        lo = parse_date(m.group(1))
        m2 = re.search(r"before ([A-Z][a-z]+ \d{1,2}, \d{4})", t.split("on or after", 1)[1])
        m3 = re.search(r"prior to (May 14, 2026)", t)
        hi = parse_date(m2.group(1)) if m2 and "May 14, 2024" not in m2.group(0) else None
        if h == "9903.91.09":
            hi = parse_date(m3.group(1))
        return lo, hi, t

    hd = {}
    for h in REVIEW_HEADINGS:
        hh = "9903.92" if h == "9903.92.10" else h
        lo, hi, t = heading_dates(hh)
        hd[h] = (lo, hi, revs[last].heading_text.get(h, t))
    assert hd["9903.91.01"][0] == "2024-09-27" and hd["9903.91.04"] == ("2025-01-01", "2026-01-01", hd["9903.91.04"][2])
    assert hd["9903.91.10"][1] == "2026-01-01" and hd["9903.91.09"][1] == "2026-05-14"
    assert hd["9903.91.06"][0] == "2026-01-01" and hd["9903.92.10"][0] == "2024-09-27"

    # ====================================================================================
    # Lists 1-4B
    # ====================================================================================
    g_items = {item_hts8(t): (n, t) for n, t in n20["9903.88.04-items"]}
    s_items = {item_hts8(t): (n, t) for n, t in n20["9903.88.15-items"]}
    u_items = {item_hts8(t): (n, t) for n, t in n20["9903.88.16-items"]}
    u_all = n20["9903.88.16"] | set(u_items)
    u_stale = {c for c in u_all if c not in r6.lines8}
    fr_added = {"USA-301-L1": {"90330090"}}
    assert "90330090" in us["USA-301-L1"] and "90330090" not in fr["USA-301-L1"]
    assert "90330090" in n20["9903.88.01"]

    for lid, (heading, key, fr_ed, fr_src, fr_from) in LISTS.items():
        # ---------- snapshot 1: FR annex ----------
        frs = fr.get(lid, set())
        for c in sorted(frs | fr_added.get(lid, set())):
            unc = []
            if c in fr_added.get(lid, set()):
                unc.append(f"missing from {FR_EXTRACTION}, which stops one code short of the 818 "
                           "subheadings the notice states (84 FR 43304 recites 818); present in the USITC 2020 "
                           "table, in the HTS 2025-2026 footnotes and in U.S. note 20(b) of HTS 2026 rev 6")
                xc(lid, c, "usitc-2020;hts-2025-basic", "fr-annex", "missing from the regex extraction; added")
            if c not in us[lid]:
                others = [l for l in fr_lists_of[c] if l != lid]
                if others:
                    why = (f"also in {', '.join(LIST_NAME[o] for o in others)} of {FR_EXTRACTION}; the USITC 2020 "
                           f"table has it only under {LIST_NAME.get(us_list_of.get(c, ''), 'no list')} and U.S. note 20 "
                           "of HTS 2026 rev 6 likewise: probably one of the subheadings 83 FR 49153 removed from "
                           "List 3 with effect from 2018-09-24, or an artefact of the extraction")
                else:
                    succ = sorted(x for x in us[lid] if x[:6] == c[:6] and x not in frs)
                    why = ("not in the USITC 2020 table for this list"
                           + (f"; the table lists {', '.join(dotted(x) for x in succ)} instead (same HS6: "
                              "HTS renumbering after the notice, e.g. Proclamation 9771 of 2018 or HTS 2019)" if succ else ""))
                unc.append(why)
                xc(lid, c, "fr-annex", "usitc-2020", why)
            rows.append(row(list_id=lid, code=c, edition_id=fr_ed, valid_from=fr_from, valid_to="2020-01-01",
                            scope="whole-line", source_id=fr_src, uncertainty=join_unc(*unc)))

        # ---------- snapshot 2: USITC 2020 ----------
        for c in sorted(us[lid]):
            unc = [CARRY]
            scope = "whole-line"
            if len(c) == 10:
                unc.append(f"partial subheading listed at 10 digits; not captured by {FR_EXTRACTION} "
                           "(8-digit codes only), not checked against the annex text")
                xc(lid, c, "usitc-2020", "fr-annex", "10-digit line; the extraction has 8-digit codes only")
            elif c not in frs and c not in fr_added.get(lid, set()):
                prev = sorted(x for x in frs if x[:6] == c[:6] and x not in us[lid])
                why = (f"not in {FR_EXTRACTION} for this list"
                       + (f"; successor of {', '.join(dotted(x) for x in prev)} (same HS6)" if prev else ""))
                unc.append(why)
                xc(lid, c, "usitc-2020", "fr-annex", why)
            valid_to = "2025-01-01"
            if lid != "USA-301-L4B":
                in25 = (c in list_fn["basic"][lid]) or (len(c) == 10 and c[:8] in list_fn["basic"][lid])
                if not in25:
                    rv = review_of(c) or review_of(c[:8])
                    other = [l for l in hts_list_of(c) if l != lid]
                    if rv:
                        lo = min(hd[h][0] for h in rv)
                        if lo < "2025-01-01":
                            valid_to = lo
                        why = (f"in HTS 2025 basic this line is footnoted to {', '.join(rv)} (2024 four-year "
                               f"review) and no longer to {heading}: membership ends on the heading's effective "
                               f"date {lo} (legal date from the heading text)")
                    elif other:
                        why = f"footnoted to {', '.join(LISTS[o][0] for o in other)} (not {heading}) in HTS 2025 basic"
                    elif len(c) == 10 and c not in b25.lines10:
                        why = "statistical line not in HTS 2025 basic (renumbered 2021-2024)"
                    elif len(c) == 10:
                        why = ("a line of HTS 2025 basic, but neither it nor its subheading is footnoted to this "
                               "heading there")
                    elif c not in b25.lines8:
                        succ = sorted(x for x in list_fn["basic"][lid] if x[:6] == c[:6] and x not in us[lid])
                        why = ("not a line of HTS 2025 basic (renumbered 2021-2024, most likely with HS 2022)"
                               + (f"; HTS 2025 footnotes put {', '.join(dotted(x) for x in succ)} under this heading "
                                  "(same HS6)" if succ else ""))
                    else:
                        why = ("still a line of HTS 2025 basic but not footnoted to this heading there: left the list "
                               "between 2020 and 2025 (date and document not found)")
                    unc.append(why)
                    xc(lid, c, "usitc-2020", "hts-2025-basic", why)
                else:
                    rv = [h for h in review_of(c if len(c) == 8 else c[:8]) if hd[h][0] < "2025-01-01"]
                    if rv:
                        unc.append(f"HTS 2025 basic footnotes this subheading to {', '.join(rv)} as well: part of it "
                                   f"(statistical numbers named in 89 FR 76581) moved to the review heading from "
                                   f"{min(hd[h][0] for h in rv)}")
            else:
                unc.append("List 4B (9903.88.16) never took effect: suspended by the notice of 2019-12-18 (84 FR 69447, "
                           "cited in 85 FR 3741; the USITC table cites the 'Federal Register notice of December 18, 2019')")
                if c in u_stale:
                    unc.append("still enumerated in U.S. note 20(u) of HTS 2026 rev 6, although not a line of that "
                               "edition (the suspended list was not renumbered): no 2025+ row")
                    xc(lid, c, "usitc-2020; hts-2026-rev-6 note 20(u)", "hts-2026-rev-6 nomenclature",
                       "enumerated in note 20(u) but not a line of HTS 2026 rev 6")
            rows.append(row(list_id=lid, code=c, edition_id="HTS-2020", valid_from="2020-01-01",
                            valid_to=valid_to, scope=scope, source_id=SRC_USITC, uncertainty=join_unc(*unc)))

    # ---------- snapshot 3: HTS 2025-2026 footnotes (Lists 1, 2, 3, 3-partial, 4A) ----------
    note_sets = {"USA-301-L1": n20["9903.88.01"], "USA-301-L2": n20["9903.88.02"],
                 "USA-301-L3": n20["9903.88.03"], "USA-301-L4A": n20["9903.88.15"] | set(s_items),
                 "USA-301-L3-PARTIAL": set(g_items)}

    def runs(present: list[bool]):
        out, start = [], None
        for i, p in enumerate(present + [False]):
            if p and start is None:
                start = i
            if not p and start is not None:
                out.append((dated[start], dated[i] if i < len(dated) else None))
                start = None
        return out

    for lid in ["USA-301-L1", "USA-301-L2", "USA-301-L3", "USA-301-L3-PARTIAL", "USA-301-L4A"]:
        heading = LISTS[lid][0]
        allc = set().union(*(list_fn[r][lid] for r in dated))
        nset = note_sets[lid]
        fn6 = list_fn["2026_rev_6"][lid]
        for c in sorted(allc):
            pres = [c in list_fn[r][lid] for r in dated]
            for a, b in runs(pres):
                unc, scope, desc, item = [], "whole-line", "", ""
                vfrom, vto = rfrom[a], (rfrom[b] if b else None)
                if b:
                    unc.append(f"footnote removed in {edition_id(b)} (revision date used)")
                items = g_items if lid == "USA-301-L3-PARTIAL" else (s_items if lid == "USA-301-L4A" else {})
                if len(c) == 8 and c in items:
                    n, t = items[c]
                    scope, desc = "described-goods", t
                    item = f"20({'g' if lid == 'USA-301-L3-PARTIAL' else 's)(ii'})({n})"
                    unc.append("scope and description from U.S. note 20 of HTS 2026 rev 6 (the only notes text read), "
                               "applied to every revision")
                elif lid == "USA-301-L3-PARTIAL" and len(c) == 8:
                    scope = "described-goods"
                    unc.append("footnoted to 9903.88.04 (partial subheading) but no item of note 20(g) names it")
                if len(c) == 10 and lid == "USA-301-L3-PARTIAL":
                    unc.append("statistical line footnoted as covered by 9903.88.04; U.S. note 20(g)(1) of HTS 2026 "
                               "rev 6 words the item as 2931.90.90 except 2931.90.9051 (a number HTS 2025 no longer has)")
                if vto is None and c not in nset and (len(c) == 8 or c[:8] not in nset):
                    rv = [h for h in review_of(c, "2026_rev_6") if hd[h][0] > vfrom]
                    if rv:
                        vto = min(hd[h][0] for h in rv)
                        unc.append(f"the footnote still points to {heading} in every 2026 revision, but U.S. note 20 of "
                                   f"HTS 2026 rev 6 no longer lists this subheading and {', '.join(rv)} (U.S. note 31) "
                                   f"covers it from {vto}: membership ended on {vto} (legal date), the footnote is stale")
                        xc(lid, c, "hts-2026-rev-6 footnotes", "hts-2026-rev-6 note 20", "moved to " + ", ".join(rv))
                    else:
                        unc.append("footnoted in HTS 2026 rev 6 but not listed in U.S. note 20 of the same revision")
                        xc(lid, c, "hts-2026-rev-6 footnotes", "hts-2026-rev-6 note 20", "not listed in the note")
                if c in (b25.fn.get("9903.91.01", {})) and lid == "USA-301-L4A":
                    unc.append("the same footnote also points to 9903.91.01: the four-year review moved some "
                               "statistical lines of this subheading to 9903.91.01 from 2024-09-27, so the line is "
                               "only partly on List 4A")
                # cross-check with USITC 2020
                if a == "basic":
                    in20 = c in us[lid] or (len(c) == 8 and any(x[:8] == c for x in us[lid] if len(x) == 10))
                    if not in20:
                        other = us_list_of.get(c)
                        if other:
                            why = f"in the USITC 2020 table under {LISTS[other][0]} ({LIST_NAME[other]}), not this list"
                        else:
                            prev = sorted(x for x in us[lid] if x[:6] == c[:6] and x not in allc)
                            why = ("not in the USITC 2020 table"
                                   + (f"; probably a successor of {', '.join(dotted(x) for x in prev)} (same HS6; "
                                      "renumbering 2021-2024, most likely HS 2022)" if prev else
                                      " (new or renumbered line 2021-2024, not traced)"))
                        unc.append(why)
                        xc(lid, c, "hts-2025-basic", "usitc-2020", why)
                rows.append(row(list_id=lid, code=c, edition_id=edition_id(a), valid_from=vfrom, valid_to=vto,
                                scope=scope, description=desc, item=item, source_id=hts_source_id(a),
                                uncertainty=join_unc(*unc)))
        # in the note of rev 6 but never footnoted
        for c in sorted(nset - allc):
            if lid == "USA-301-L3-PARTIAL" and any(x[:8] == c for x in allc):
                continue
            n_t = (g_items if lid == "USA-301-L3-PARTIAL" else s_items).get(c)
            why = (f"listed in U.S. note 20 of HTS 2026 rev 6 but not footnoted to {heading} in any HTS 2025-2026 "
                   "revision; membership from the note, carried back to 2025-01-01 (no notes text of earlier "
                   "revisions read)")
            assert c in r6.lines8, c
            xc(lid, c, "hts-2026-rev-6 note 20", "hts footnotes", why)
            rows.append(row(list_id=lid, code=c, edition_id="HTS-2026-REV-6", valid_from="2025-01-01",
                            scope="described-goods" if n_t else "whole-line", description=n_t[1] if n_t else "",
                            item=(f"20(s)(ii)({n_t[0]})" if n_t else ""), source_id=SRC_NOTES, uncertainty=why))

    # ---------- List 4B after 2025: U.S. note 20(u) of HTS 2026 rev 6 ----------
    for c in sorted(u_all - u_stale):
        unc = ["List 4B lines are not footnoted in HTS 2025-2026 (heading 9903.88.16 suspended since 2019); "
               "membership read from U.S. note 20(u) of HTS 2026 rev 6 and carried back to 2025-01-01 "
               "(no notes text of earlier revisions read)"]
        scope, desc, item = "whole-line", "", ""
        if c in u_items:
            n, t = u_items[c]
            scope, desc, item = "described-goods", t, f"20(u)(ii)({n})"
        in20 = c in us["USA-301-L4B"] or any(x[:8] == c for x in us["USA-301-L4B"] if len(x) == 10)
        if not in20:
            why = ("not in the USITC 2020 table for List 4B"
                   + (f" (in it under {LISTS[us_list_of[c]][0]})" if c in us_list_of else ""))
            unc.append(why)
            xc("USA-301-L4B", c, "hts-2026-rev-6 note 20(u)", "usitc-2020", why)
        rows.append(row(list_id="USA-301-L4B", code=c, edition_id="HTS-2026-REV-6", valid_from="2025-01-01",
                        scope=scope, description=desc, item=item, source_id=SRC_NOTES,
                        uncertainty=join_unc(*unc)))
    for c in sorted(us["USA-301-L4B"]):
        if c not in u_all and c[:8] not in u_all:
            xc("USA-301-L4B", c, "usitc-2020", "hts-2026-rev-6 note 20(u)",
               "not listed in note 20(u) of HTS 2026 rev 6" + ("" if c in r6.lines8 or c in r6.lines10 else
                                                                 " (not a line of HTS 2026 rev 6: renumbered)"))

    # ====================================================================================
    # 2024 four-year review headings
    # ====================================================================================
    # Overrides where the footnote alone misstates the legal coverage; each names its basis.
    review_overrides = {
        ("9903.91.01", "63079098"): dict(
            valid_to="2026-01-01", scope="described-goods",
            unc="the footnote is on the whole subheading; 89 FR 76581 (existing tariff_event_products of "
                "USA-CHN-2024-301-REVIEW-FACEMASKS) covers only statistical numbers 6307.90.9842, .9844, .9850 and "
                ".9875; the footnote stays in the 2026 revisions but U.S. note 31(b) of HTS 2026 rev 6 no longer lists "
                "6307.90.98 and heading 9903.91.07 covers those numbers from 2026-01-01: membership ended 2026-01-01"),
        ("9903.91.01", "85076000"): dict(
            scope="described-goods",
            unc="the footnote is on the whole subheading; 89 FR 76581 (existing tariff_event_products of "
                "USA-CHN-2024-301-REVIEW-LIION-EV) covers only statistical number 8507.60.0010 (lithium-ion batteries "
                "for electric vehicles); from 2026-01-01 heading 9903.91.06 covers the whole subheading"),
        ("9903.91.05", "40151210"): dict(
            valid_from="2025-01-01",
            unc="the footnote first appears in HTS 2025 rev 2 (2025-02-01); the date is the heading's effective date "
                "(2025-01-01) and that of the existing event USA-CHN-2024-301-REVIEW-GLOVES-2025"),
        ("9903.91.09", "84261900"): dict(
            scope="described-goods", valid_to="2026-05-14",
            unc="exclusion for ship-to-shore cranes under contracts dated before 2024-05-14 and entered before "
                "2026-05-14 (heading text); the footnote stays after that date"),
        ("9903.92.10", "84261900"): dict(
            scope="described-goods",
            unc="the footnote reads 'See 9903.92.' (the group 9903.92.10 ship-to-shore cranes + 25% and 9903.92.80 "
                "other cranes, no additional duty); only ship-to-shore gantry cranes are covered"),
    }
    for h in REVIEW_HEADINGS:
        lid = review_list_id(h)
        lo, hi, htext = hd[h]
        allc = set().union(*(review_fn[r][h] for r in dated))
        for c in sorted(allc):
            pres = [c in review_fn[r][h] for r in dated]
            for a, b in runs(pres):
                ov = review_overrides.get((h, c), {})
                vfrom = rfrom[a]
                unc = []
                if a == "basic" and lo < "2025-01-01":
                    vfrom = lo
                    unc.append(f"carried back from HTS 2025 basic to the heading's effective date {lo} "
                               "(heading text and U.S. note 31): no 2024 edition reachable")
                elif vfrom != lo and a != "basic" and rfrom[a] > lo and "valid_from" not in ov:
                    unc.append(f"footnote first appears in {edition_id(a)} (revision date used)")
                vto = rfrom[b] if b else None
                if b and b != "2026_basic":
                    unc.append(f"footnote removed in {edition_id(b)} (revision date used)")
                if hi and (vto is None or vto > hi):
                    vto = hi
                    unc.append(f"ends {hi} per the heading text; the footnote is not removed before the last revision read"
                               if b is None else "")
                vfrom = ov.get("valid_from", vfrom)
                vto = ov.get("valid_to", vto)
                if ov.get("unc"):
                    unc.append(ov["unc"])
                # where was this code in 2020?
                was = us_list_of.get(c) or (us_list_of.get(c[:8]) if len(c) == 10 else None)
                if was:
                    unc.append(f"in the USITC 2020 table under {LISTS[was][0]}")
                scope = ov.get("scope", "whole-line")
                desc = ""
                if scope == "described-goods" and h in ("9903.91.09", "9903.92.10"):
                    desc = htext
                rows.append(row(list_id=lid, code=c, edition_id=edition_id(a), valid_from=vfrom, valid_to=vto,
                                scope=scope, description=desc, source_id=hts_source_id(a),
                                uncertainty=join_unc(*unc)))
        # check against note 31 of rev 6
        if h in n31:
            nset = n31[h]["codes"]
            f6 = review_fn["2026_rev_6"][h]
            for c in sorted(nset - f6):
                xc(lid, c, "hts-2026-rev-6 note 31", "hts-2026-rev-6 footnotes", "listed in note 31, not footnoted")
            for c in sorted(f6 - nset):
                xc(lid, c, "hts-2026-rev-6 footnotes", "hts-2026-rev-6 note 31", "footnoted, not listed in note 31")
    # 9903.91.04: never footnoted; U.S. note 31(e)
    assert not any(review_fn[r]["9903.91.04"] for r in REVS)
    assert n31["9903.91.04"]["codes"] == {"6307909870"}
    rows.append(row(list_id=review_list_id("9903.91.04"), code="6307909870", edition_id="HTS-2025-BASIC",
                    valid_from="2025-01-01", valid_to="2026-01-01", scope="whole-line",
                    source_id=SRC_NOTES,
                    uncertainty="not footnoted in any HTS 2025-2026 revision; membership and dates from U.S. note 31(e) "
                                "as printed in HTS 2026 rev 6 and the heading text of 9903.91.04"))
    assert "6307909870" in b25.lines10

    # ====================================================================================
    # exclusions: U.S. note 20(vvv) (9903.88.69) and 20(www) (9903.88.70)
    # ====================================================================================
    excl_lists = {"i": "USA-301-EXCL-VVV-I", "ii": "USA-301-EXCL-VVV-II", "iii": "USA-301-EXCL-VVV-III",
                  "iv": "USA-301-EXCL-VVV-IV", "www": "USA-301-EXCL-WWW"}
    excl_start = {"vvv": hd_excl_start(revs[last], "9903.88.69"), "www": hd_excl_start(revs[last], "9903.88.70")}
    excl_end = {k: hd_excl_end(revs[last], h) for k, h in (("vvv", "9903.88.69"), ("www", "9903.88.70"))}
    assert excl_start == {"vvv": "2024-06-15", "www": "2024-01-01"}, excl_start
    assert excl_end == {"vvv": "2026-11-10", "www": "2026-11-10"}, excl_end
    end_history = exclusion_end_history(revs, dated)
    excl_items_count = {}
    excl_fn_codes = {k: set() for k in ("9903.88.69", "9903.88.70")}
    for r in dated:
        for k in excl_fn_codes:
            excl_fn_codes[k] |= set(revs[r].fn.get(k, {}))
    item_codes_all = {"9903.88.69": set(), "9903.88.70": set()}
    for k, lid in excl_lists.items():
        grp = "www" if k == "www" else "vvv"
        start = excl_start[grp]
        by_key = collections.defaultdict(lambda: {"items": [], "bare": False, "descs": [], "dropped": []})
        items = excl[k]["items"]
        excl_items_count[lid] = len(items)
        assert [n for n, _ in items] == list(range(1, len(items) + 1)), (k, [n for n, _ in items])
        for n, t in items:
            windows, bare = item_code_windows(t, start)
            assert windows, (k, n, t)
            itemref = f"20({'www' if k == 'www' else 'vvv)(' + k})({n})"
            kept = [(c, lo, hi) for c, lo, hi in windows if c in r6.lines10 or (hi and c in b25.lines10)]
            dropped = [(c, lo, hi) for c, lo, hi in windows if (c, lo, hi) not in kept]
            assert kept, (k, n, t)
            for c, lo, hi in kept:
                e = by_key[(c, lo, hi)]
                e["items"].append(itemref)
                e["bare"] |= bare
                if not bare:
                    e["descs"].append(f"({n}) {t}")
                e["dropped"] += dropped
                item_codes_all["9903.88.70" if k == "www" else "9903.88.69"].add(c)
        for (c, lo, hi), e in sorted(by_key.items()):
            unc = [f"valid_to is the scheduled end ('through November 9, 2026' in the heading text of HTS 2025 rev 31 "
                   f"to 2026 rev 10); any extension beyond it not checked (no later edition reachable)"]
            if grp == "www":
                unc.append("exclusions granted on 2024-09-18 (89 FR 76581) with effect from 2024-01-01 (retroactive)")
            else:
                unc.append("valid from 2024-06-15 per the heading text; codes read from the note as printed in HTS 2026 "
                           "rev 6 (no 2024 edition reachable)")
            if e["dropped"]:
                unc.append("the item also names " + ", ".join(
                    f"{dotted(c)} ({lo} to {hi or 'open'})" for c, lo, hi in sorted(set(e["dropped"])))
                    + ", not a line of any edition read: not encoded")
            ed = "HTS-2026-REV-6" if c in r6.lines10 else "HTS-2025-BASIC"
            if ed == "HTS-2025-BASIC":
                assert c in b25.lines10
            vto = min(hi, excl_end[grp]) if hi else excl_end[grp]
            rows.append(row(list_id=lid, code=c, edition_id=ed, valid_from=lo, valid_to=vto,
                            scope="whole-line" if e["bare"] else "described-goods",
                            description=" | ".join(e["descs"]), item="; ".join(e["items"]),
                            source_id=SRC_NOTES, uncertainty=join_unc(*unc)))
    # footnote cross-check of the exclusions
    for h in ("9903.88.69", "9903.88.70"):
        lidx = "USA-301-EXCL-WWW" if h.endswith("70") else "USA-301-EXCL-VVV-*"
        ic = item_codes_all[h]
        fc = excl_fn_codes[h]
        for c in sorted(fc - ic - {x[:8] for x in ic}):
            xc(lidx, c, "hts footnotes 'See %s'" % h, "note 20 items", "footnoted but no item names it")
        for c in sorted(ic - fc - {x for x in ic if x[:8] in fc}):
            xc(lidx, c, "note 20 items", "hts footnotes 'See %s'" % h, "named by an item, no footnote")

    # ====================================================================================
    # checks, sorting, output
    # ====================================================================================
    rows = [r for r in rows]
    for r in rows:
        for k in ("description", "uncertainty"):
            r[k] = ws(r[k])
    rows.sort(key=lambda r: (r["list_id"], r["code"], r["valid_from"]))
    keys = [(r["list_id"], r["code"], r["valid_from"]) for r in rows]
    dup = [k for k, n in collections.Counter(keys).items() if n > 1]
    assert not dup, dup[:5]
    for r in rows:
        assert re.fullmatch(r"\d{8}|\d{10}", r["code"]), r
        assert not r["valid_to"] or r["valid_to"] > r["valid_from"], r
        assert r["scope"] in ("whole-line", "described-goods")
    # every code of an HTS 2025/2026 edition is a line of that edition
    ed_rev = {edition_id(r): r for r in REVS}
    for r in rows:
        rv = ed_rev.get(r["edition_id"])
        if rv:
            lines = revs[rv].lines8 if len(r["code"]) == 8 else revs[rv].lines10
            if r["code"] not in lines: print("NOT A LINE", r["list_id"], r["code"], r["edition_id"])

    write_table(OUT / "product_list_lines.csv", FIELDS, rows)

    # ---------------- counts ----------------
    by_list = collections.defaultdict(list)
    for r in rows:
        by_list[r["list_id"]].append(r)

    def n_snap(lid, source_pred, level=None):
        return len({r["code"] for r in by_list[lid] if source_pred(r) and (level is None or len(r["code"]) == level)})

    is_fr = lambda r: r["edition_id"] in ("HTS-2018", "HTS-2019")
    is_us = lambda r: r["source_id"] == SRC_USITC
    is_b25 = lambda r: r["edition_id"] == "HTS-2025-BASIC" and r["source_id"] == "hts-2025-basic"
    def at(lid, day, pred=lambda r: True, level=None):
        return len({r["code"] for r in by_list[lid] if pred(r) and r["valid_from"] <= day
                    and (not r["valid_to"] or r["valid_to"] > day) and (level is None or len(r["code"]) == level)})

    def cnt(lid, snapshot, level, stated, encoded):
        counts.append({"list_id": lid, "snapshot": snapshot, "level": level,
                       "stated": "" if stated is None else stated, "encoded": encoded})

    fr_counts = {l: len(s) for l, s in fr.items()}
    cnt("USA-301-L1", "fr-annex", "HTS8", 818, n_snap("USA-301-L1", is_fr))
    cnt("USA-301-L2", "fr-annex", "HTS8", 279, n_snap("USA-301-L2", is_fr))
    cnt("USA-301-L3", "fr-annex", "HTS8", 5733, n_snap("USA-301-L3", is_fr))
    cnt("USA-301-L4A", "fr-annex", "HTS8", None, n_snap("USA-301-L4A", is_fr))
    cnt("USA-301-L4B", "fr-annex", "HTS8", None, n_snap("USA-301-L4B", is_fr))
    for lid in LISTS:
        for lev in (8, 10):
            n = n_snap(lid, is_us, lev)
            if n:
                cnt(lid, "usitc-2020", f"HTS{lev}", None, n)
    note_enum = {"USA-301-L1": len(n20["9903.88.01"]), "USA-301-L2": len(n20["9903.88.02"]),
                 "USA-301-L3": len(n20["9903.88.03"]), "USA-301-L3-PARTIAL": len(g_items),
                 "USA-301-L4A": len(n20["9903.88.15"]) + len(s_items),
                 "USA-301-L4B": len(n20["9903.88.16"]) + len(u_items)}
    for lid in ["USA-301-L1", "USA-301-L2", "USA-301-L3", "USA-301-L3-PARTIAL", "USA-301-L4A"]:
        for lev in (8, 10):
            n = n_snap(lid, is_b25, lev)
            if n:
                cnt(lid, "hts-2025-basic-footnotes", f"HTS{lev}", None, n)
        n6 = len({r["code"][:8] for r in by_list[lid] if r["valid_from"] <= "2026-04-23"
                  and (not r["valid_to"] or r["valid_to"] > "2026-04-23") and r["edition_id"].startswith("HTS-202")})
        cnt(lid, "hts-2026-rev-6-note-20", "HTS8", note_enum[lid], n6)
    cnt("USA-301-L4B", "hts-2026-rev-6-note-20", "HTS8", note_enum["USA-301-L4B"],
        n_snap("USA-301-L4B", lambda r: r["source_id"] == SRC_NOTES))
    note31_stated = {"9903.91.01": 348}
    for h in REVIEW_HEADINGS:
        lid = review_list_id(h)
        lo, hi, _t = hd[h]
        day = "2026-04-23" if not hi or hi > "2026-04-23" else max(lo, "2025-01-01")
        st = note31_stated.get(h, len(n31[h]["codes"]) if h in n31 else None)
        cnt(lid, f"hts-2026-rev-6-note-31 (lines in force {day})", "code", st, at(lid, day))
        cnt(lid, "hts-2025-basic-footnotes (lines in force 2025-01-01)", "code", None, at(lid, "2025-01-01"))
    for lid in excl_lists.values():
        items_enc = {i for r in by_list[lid] for i in r["item"].split("; ")}
        cnt(lid, "hts-2026-rev-6-note-20", "item", excl_items_count[lid], len(items_enc))
        cnt(lid, "hts-2026-rev-6-note-20", "HTS10", None, len({r["code"] for r in by_list[lid]}))
    vvv_total = sum(excl_items_count[l] for l in excl_lists.values() if "VVV" in l)
    assert vvv_total == 164, vvv_total          # 164 exclusions (89 FR 46948, recited in 90 FR 42500)
    assert excl_items_count["USA-301-EXCL-WWW"] == 14   # 14 exclusions (89 FR 76581, recited in 90 FR 42500)

    with open(OUT / "stated_counts.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, ["list_id", "snapshot", "level", "stated", "encoded"], lineterminator="\n")
        w.writeheader()
        w.writerows(counts)
    cross.sort(key=lambda r: (r["list_id"], r["code"], r["present_in"], r["missing_from"]))
    with open(HERE / "crosscheck.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, ["list_id", "code", "present_in", "missing_from", "reason"], lineterminator="\n")
        w.writeheader()
        w.writerows(cross)

    # counts U.S. note 20 states that the lines in force on 2026-04-23 do not equal (product_list_counts): both
    # numbers, with the reason, go into the list's uncertainty
    day = "2026-04-23"
    g29 = g_items["29319090"][0]
    count_notes = {
        "USA-301-L3-PARTIAL": (f"U.S. note 20(g) of HTS 2026 rev 6 numbers {note_enum['USA-301-L3-PARTIAL']} items (subheadings): "
                               f"item ({g29}), 2931.90.90, is held as its {at('USA-301-L3-PARTIAL', day, level=10)} footnoted "
                               f"statistical lines, the others as {at('USA-301-L3-PARTIAL', day, level=8)} HTS8 lines (in force {day})."),
        "USA-301-L4B": (f"U.S. note 20(u) of HTS 2026 rev 6 enumerates {note_enum['USA-301-L4B']} subheadings and items; "
                        f"{len(u_stale)} of them are not lines of that edition and have no row from 2025, so "
                        f"{at('USA-301-L4B', day, level=8)} lines are in force on {day}."),
    }
    for lid in excl_lists.values():
        if "VVV" in lid and excl_items_count[lid] != at(lid, day, level=10):
            k = lid.rsplit("-", 1)[1].lower()
            count_notes[lid] = (f"U.S. note 20(vvv)({k}) of HTS 2026 rev 6 numbers {excl_items_count[lid]} items; the rows in "
                                f"force on {day} hold {at(lid, day, level=10)} statistical reporting numbers.")
    ctx = dict(rows=rows, by_list=by_list, counts=counts, cross=cross, fr=fr, us=us, revs=revs, count_notes=count_notes,
               dated=dated, rfrom=rfrom, n20=n20, n31=n31, excl=excl, excl_items_count=excl_items_count,
               end_history=end_history, earlier=earlier_exclusion_notes(notes), hd=hd, cm=cm,
               list_fn=list_fn, review_fn=review_fn, fr_counts=fr_counts, note_enum=note_enum, at=at)
    write_product_lists(args.repo, ctx)
    write_event_lists(args.repo, by_list)
    ctx["event_checks"] = check_events(args.repo, by_list)
    ensure_rows(args.repo, ctx)
    write_counts_md(ctx)
    print(f"{len(rows)} rows, {len(by_list)} lists, {len(cross)} cross-check lines")


def hd_excl_start(rev: Rev, h: str) -> str:
    m = re.search(r"on or after ([A-Z][a-z]+ \d{1,2}, \d{4})", rev.heading_text[h])
    return parse_date(m.group(1))


def hd_excl_end(rev: Rev, h: str) -> str:
    t = rev.heading_text[h]
    m = re.search(r"through ([A-Z][a-z]+ \d{1,2}, \d{4})", t)
    if m:
        return next_day(parse_date(m.group(1)))
    m = re.search(r"before ([A-Z][a-z]+ \d{1,2}, \d{4})", t)
    return parse_date(m.group(1))


def exclusion_end_history(revs, dated):
    out = []
    for h in ("9903.88.69", "9903.88.70"):
        prev = None
        for r in dated:
            e = hd_excl_end(revs[r], h)
            if e != prev:
                out.append((h, r, e))
                prev = e
    return out


# --------------------------------------------------------------------------------------------
# event_lists.csv: which existing tariff_events each list belongs to
# --------------------------------------------------------------------------------------------
EVENT_LISTS = {
    "USA-CHN-2018-301-L1": ["USA-301-L1"],
    "USA-CHN-2018-301-L2": ["USA-301-L2"],
    "USA-CHN-2018-301-L3": ["USA-301-L3", "USA-301-L3-PARTIAL"],
    "USA-CHN-2019-301-L3-25": ["USA-301-L3", "USA-301-L3-PARTIAL"],
    "USA-CHN-2019-301-L4A": ["USA-301-L4A"],
    "USA-CHN-2020-301-L4A-7P5": ["USA-301-L4A"],
    "USA-CHN-2019-301-L4B": ["USA-301-L4B"],
    # four-year review: one list per chapter 99 heading; several events share a heading
    "USA-CHN-2024-301-REVIEW-BATTPARTS": ["USA-301-REVIEW-9903-91-01"],
    "USA-CHN-2024-301-REVIEW-LIION-EV": ["USA-301-REVIEW-9903-91-01"],
    "USA-CHN-2024-301-REVIEW-FACEMASKS": ["USA-301-REVIEW-9903-91-01"],
    "USA-CHN-2024-301-REVIEW-STEELALU": ["USA-301-REVIEW-9903-91-01"],
    "USA-CHN-2024-301-REVIEW-CRITMIN": ["USA-301-REVIEW-9903-91-01"],
    "USA-CHN-2024-301-REVIEW-SOLAR": ["USA-301-REVIEW-9903-91-02"],
    "USA-CHN-2024-301-REVIEW-EV": ["USA-301-REVIEW-9903-91-03"],
    "USA-CHN-2024-301-REVIEW-SYRINGES": ["USA-301-REVIEW-9903-91-03", "USA-301-REVIEW-9903-91-10"],
    "USA-CHN-2024-301-REVIEW-FACEMASKS-DISP-2025": ["USA-301-REVIEW-9903-91-04"],
    "USA-CHN-2024-301-REVIEW-SEMI-2025": ["USA-301-REVIEW-9903-91-05"],
    "USA-CHN-2024-301-REVIEW-GLOVES-2025": ["USA-301-REVIEW-9903-91-05"],
    "USA-CHN-2024-301-REVIEW-WAFERS-POLY-2025": ["USA-301-REVIEW-9903-91-05"],
    "USA-CHN-2024-301-REVIEW-LIION-NONEV-2026": ["USA-301-REVIEW-9903-91-06"],
    "USA-CHN-2024-301-REVIEW-GRAPHITE-2026": ["USA-301-REVIEW-9903-91-06"],
    "USA-CHN-2024-301-REVIEW-MAGNETS-2026": ["USA-301-REVIEW-9903-91-06"],
    "USA-CHN-2024-301-REVIEW-FACEMASKS-2026": ["USA-301-REVIEW-9903-91-07"],
    "USA-CHN-2024-301-REVIEW-FACEMASKS-DISP-2026": ["USA-301-REVIEW-9903-91-07"],
    "USA-CHN-2024-301-REVIEW-GLOVES-2026": ["USA-301-REVIEW-9903-91-08"],
    "USA-CHN-2024-301-REVIEW-TUNGSTEN-2025": ["USA-301-REVIEW-9903-91-11"],
    "USA-CHN-2024-301-REVIEW-CRANES": ["USA-301-REVIEW-9903-92-10", "USA-301-REVIEW-9903-91-09"],
}


def write_event_lists(repo: Path, by_list):
    with open(repo / "datasets" / "sources" / "tariff_events.csv", newline="", encoding="utf-8") as f:
        events = {r["event_id"]: r for r in csv.DictReader(f)}
    out = []
    for ev, lids in EVENT_LISTS.items():
        assert ev in events, ev
        for lid in lids:
            assert lid in by_list, lid
            out.append((ev, lid))
    with open(OUT / "event_lists.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["event_id", "list_id"])
        w.writerows(sorted(out))


def check_events(repo: Path, by_list) -> list[str]:
    """Compare the lists with the existing events (heading) and their encoded products."""
    src = repo / "datasets" / "sources"
    with open(src / "tariff_events.csv", newline="", encoding="utf-8") as f:
        events = {r["event_id"]: r for r in csv.DictReader(f)}
    prods = collections.defaultdict(list)
    with open(src / "tariff_event_products.csv", newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            prods[r["event_id"]].append(r["hs_code"])
    heading_of = {}
    with open(OUT / "product_lists.csv", newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            heading_of[r["list_id"]] = r["heading"]
    out = []
    for ev, lids in EVENT_LISTS.items():
        e = events[ev]
        heads = [heading_of[l] for l in lids]
        if e["hts_heading"] and e["hts_heading"] not in heads:
            out.append(f"{ev}: event heading {e['hts_heading']} differs from its list(s) {', '.join(heads)}")
        if not e["hts_heading"]:
            out.append(f"{ev}: the event has no hts_heading; the HTS footnotes and U.S. note 31 put its products under "
                       f"{', '.join(heads)}")
        day = e["effective_date"] or "2019-12-15"
        for code in prods.get(ev, []):
            rows = [r for lid in lids for r in by_list[lid]
                    if (r["code"] == code or (len(r["code"]) == 8 and code.startswith(r["code"])))
                    and r["valid_from"] <= day and (not r["valid_to"] or r["valid_to"] > day)]
            if not rows:
                later = [r for lid in lids for r in by_list[lid]
                         if r["code"] == code or (len(r["code"]) == 8 and code.startswith(r["code"]))]
                out.append(f"{ev}: product {code} is not in {', '.join(lids)} on {day}"
                           + (f" (rows: {', '.join(r['code'] + ' ' + r['valid_from'] + '..' + (r['valid_to'] or '') for r in later)})"
                              if later else " (no row for it at all)"))
            elif all(len(r["code"]) == 8 and r["code"] != code for r in rows):
                pass     # an HTS10 product under an HTS8 line of the list: consistent
        if e["tariff_lines"]:
            n = len({r["code"] for lid in lids for r in by_list[lid]
                     if r["valid_from"] <= day and (not r["valid_to"] or r["valid_to"] > day)})
            if str(n) != e["tariff_lines"]:
                out.append(f"{ev}: tariff_lines {e['tariff_lines']}; the list(s) {', '.join(lids)} hold {n} codes on {day}"
                           + (" (shared heading: the list also holds other events' products)" if "REVIEW" in ev else ""))
    return out


# --------------------------------------------------------------------------------------------
# sources.csv and nomenclature_editions.csv rows this extraction needs
# --------------------------------------------------------------------------------------------
SRC_FIELDS = ["source_id", "title", "publisher", "url", "published_date", "language", "kind", "reference", "checked"]
ED_FIELDS = ["edition_id", "nomenclature", "title", "effective_date", "end_date", "hs_edition_id", "lines_encoded",
             "source_id", "uncertainty", "notes"]


def needed_sources(cm):
    return [
        {"source_id": "fr-83-28710",
         "title": "[USTR notice of action, Section 301 investigation of China's acts, policies and practices related to technology transfer, intellectual property and innovation: $34 billion action, Annex A (List 1); exact title not read]",
         "publisher": "Office of the United States Trade Representative (Federal Register)",
         "url": "https://ustr.gov/sites/default/files/2018-13248.pdf", "published_date": "2018-06-20",
         "language": "en", "kind": "legal",
         "reference": f"83 FR 28710 (June 20, 2018), as cited in 84 FR 43304; FR Doc. 2018-13248 (file name of the USTR copy); "
                      f"Annex A codes read from github.com/{REPO_MITSUOXV} data/tariff_list.rdata @{cm[REPO_MITSUOXV]} "
                      "(regex extraction of the USTR PDF, object df_list_34b)",
         "checked": "false"},
        {"source_id": SRC_USITC,
         "title": "China Tariffs (Last Updated January 1, 2020)",
         "publisher": "United States International Trade Commission",
         "url": "https://hts.usitc.gov/reststop/file?release=currentRelease&filename=China%20Tariffs",
         "published_date": "", "language": "en", "kind": "government",
         "reference": f"USITC reference table of HTS subheadings covered by headings 9903.88.01-.16 (256 pages, 8-digit and "
                      f"10-digit tables), version dated January 1, 2020; read from github.com/{REPO_WAUGH} "
                      f"notes/China-Tariffs.pdf @{cm[REPO_WAUGH]}; the address serves the current version",
         "checked": "false"},
        {"source_id": SRC_ARCHIVE,
         "title": "Harmonized Tariff Schedule archive (list of editions and revisions)",
         "publisher": "United States International Trade Commission",
         "url": "https://www.usitc.gov/harmonized_tariff_information/hts/archive/list",
         "published_date": "", "language": "en", "kind": "government",
         "reference": "USITC HTS archive; cited for the HTS 2018, 2019 and 2020 editions, whose lines are not encoded",
         "checked": "false"},
        {"source_id": "fr-90-42500",
         "title": "Notice of Product Exclusion Extensions: China's Acts, Policies, and Practices Related to Technology Transfer, Intellectual Property, and Innovation",
         "publisher": "Office of the United States Trade Representative (Federal Register)",
         "url": "https://www.govinfo.gov/content/pkg/FR-2025-09-02/html/2025-16733.htm",
         "published_date": "2025-09-02", "language": "en", "kind": "legal",
         "reference": "90 FR 42500; FR Doc. 2025-16733 (extends the 164 + 14 exclusions of headings 9903.88.69 and 9903.88.70 "
                      "through November 29, 2025; recites 88 FR 90225, 89 FR 46948 and 89 FR 76581)",
         "checked": "true"},
    ]


def needed_editions():
    common = ("Whole-year edition, all revisions of the year together; lines not encoded (no edition of this year "
              "reachable in machine-readable form). ")
    return [
        {"edition_id": "HTS-2018", "nomenclature": "HTS",
         "title": "Harmonized Tariff Schedule of the United States (2018)", "effective_date": "2018-01-01",
         "end_date": "2019-01-01", "hs_edition_id": "HS-2017", "lines_encoded": "false", "source_id": SRC_ARCHIVE,
         "uncertainty": "effective_date assumed 1 January (not read); end_date from the dates U.S. note 20(vvv) gives "
                        "for statistical numbers changed 'effective January 1, 2019'",
         "notes": common + "Edition of the Section 301 List 1-3 annexes (2018)."},
        {"edition_id": "HTS-2019", "nomenclature": "HTS",
         "title": "Harmonized Tariff Schedule of the United States (2019)", "effective_date": "2019-01-01",
         "end_date": "2020-01-01", "hs_edition_id": "HS-2017", "lines_encoded": "false", "source_id": SRC_ARCHIVE,
         "uncertainty": "dates from the changes U.S. note 20(vvv) dates 'effective January 1, 2019' and 'January 1, 2020'",
         "notes": common + "Edition of the Section 301 List 4A/4B annexes (August 2019)."},
        {"edition_id": "HTS-2020", "nomenclature": "HTS",
         "title": "Harmonized Tariff Schedule of the United States (2020)", "effective_date": "2020-01-01",
         "end_date": "2021-01-01", "hs_edition_id": "HS-2017", "lines_encoded": "false", "source_id": SRC_ARCHIVE,
         "uncertainty": "end_date from U.S. note 20(vvv)(iv)(22) ('effective January 1, 2021'); editions 2021-2024 are not "
                        "in this table",
         "notes": common + "Edition of the USITC 'China Tariffs' table of 2020-01-01."},
    ]


def ensure_rows(repo: Path, ctx):
    """Write the editions this extraction needs and the sources its rows cite (combine.py appends the missing ones)."""
    editions = needed_editions()
    write_table(OUT / "nomenclature_editions.csv", ED_FIELDS, editions)
    cited = {r["source_id"] for r in ctx["rows"]} | {r["source_id"] for r in editions}
    cited |= {r["source_id"] for r in ctx["lists"] if r["source_id"]}
    write_sources(OUT / "sources.csv", needed_sources(ctx["cm"]), cited)


# --------------------------------------------------------------------------------------------
# product_lists.csv
# --------------------------------------------------------------------------------------------
PL_FIELDS = ["list_id", "imposing", "title", "heading", "kind", "code_level", "stated_lines", "stated_in",
             "complete", "source_id", "uncertainty", "notes"]


def write_product_lists(repo: Path, ctx):
    cm = ctx["cm"]
    by_list = ctx["by_list"]
    read_fr = (f"Codes of the FR annex read from github.com/{REPO_MITSUOXV} data/tariff_list.rdata "
               f"@{cm[REPO_MITSUOXV]} (regex extraction of the USTR PDF)")
    read_us = (f"USITC 'China Tariffs' table (Last Updated January 1, 2020) read from github.com/{REPO_WAUGH} "
               f"notes/China-Tariffs.pdf @{cm[REPO_WAUGH]}")
    read_hts = (f"HTS 2025 basic - 2026 rev 10 JSON read from github.com/{REPO_TRT} data/hts_archives/ "
                f"@{cm[REPO_TRT]}: footnotes 'See 9903.xx.xx' per revision, dated by config/revision_dates.csv")
    snaps = ("Three snapshots, each code in the edition it was published in: (1) the FR annex (HTS-2018/HTS-2019) "
             "from the effective date to 2020-01-01; (2) the USITC China Tariffs table of 2020-01-01 (HTS-2020), "
             "2020-01-01 to 2025-01-01, carried across 2021-2024; (3) the HTS 2025-2026 footnotes, per revision, "
             "from 2025-01-01. ")
    common_unc = ("No HTS edition of 2021-2024 was reachable: membership between 2021-01-01 and 2024-12-31 is "
                  "carried from the 2020 table (renumbering of 2021-2024, notably HS 2022, shows as codes ending "
                  "2025-01-01 and successors starting then). ")
    cnt_enc = lambda lid: len({r["code"] for r in by_list[lid]})
    L = []
    def add(**kw):
        r = {k: "" for k in PL_FIELDS}
        r.update(kw)
        r["imposing"] = "USA"
        L.append(r)
    add(list_id="USA-301-L1", title="Section 301 List 1 ($34 billion action): products of China subject to 25% (heading 9903.88.01)",
        heading="9903.88.01", kind="products", code_level="HTS8", stated_lines="818",
        stated_in="83 FR 28710 (June 20, 2018), Annex A; count recited in 84 FR 43304 (August 20, 2019), Background",
        complete="true",
        uncertainty=common_unc + f"The FR-annex extraction has 817 codes; 9033.00.90, which the other snapshots and "
                    "U.S. note 20(b) have, is added to the FR snapshot with its doubt recorded. The HTS 2025-2026 "
                    "footnotes give 856 subheadings (860 footnotes minus four chapter-98 provisions), equal to U.S. note 20(b) of HTS 2026 rev 6.",
        notes=snaps + read_fr + "; " + read_us + "; " + read_hts + ". Chapter 98 provisions 9802.00.40/.50/.60/.80 "
              "footnoted 'See 9903.88.01 and 9903.88.02' are not list members (U.S. note 20(a): the duty applies to the value "
              "of repairs or foreign content under them) and are not encoded.")
    add(list_id="USA-301-L2", title="Section 301 List 2 ($16 billion action): products of China subject to 25% (heading 9903.88.02)",
        heading="9903.88.02", kind="products", code_level="HTS8", stated_lines="279",
        stated_in="83 FR 40823 (August 16, 2018), Annex A; count recited in 84 FR 43304, Background",
        complete="true", uncertainty=common_unc + "The HTS 2025-2026 footnotes give 283 subheadings, equal to U.S. note 20(d) of HTS 2026 rev 6.",
        notes=snaps + read_fr + "; " + read_us + "; " + read_hts + ".")
    add(list_id="USA-301-L3", title="Section 301 List 3 ($200 billion action): products of China in full subheadings, 10% from 2018-09-24, 25% from 2019-05-10 (heading 9903.88.03)",
        heading="9903.88.03", kind="products", code_level="HTS8", stated_lines="5733",
        stated_in="84 FR 43304 (August 20, 2019), Background: 'Tranche 3 covered 5,733 tariff subheadings' (83 FR 47974 as amended by 83 FR 49153); the September 2018 notice's 5,745 full and partial subheadings is recorded in tariff_events",
        complete="true",
        uncertainty=common_unc + "The FR-annex extraction (USTR list 'as amended and modified by 83 FR 49153') has 5,759 "
                    "8-digit codes, not 5,733: 3 of them are also in List 1, 4A or 4B in the same extraction and under those lists only in the "
                    "2020 table (probably removed by 83 FR 49153 paragraph C, or extraction artefacts), 2 are 2018 codes the 2020 "
                    "table replaces by 5 successors. The remaining difference (5,756 vs 5,733) is not explained record by record: "
                    "the chapter 44 conforming change of 83 FR 49153 (14 subheadings deleted, 38 added from 2018-10-01, net +24) "
                    "would give 5,732 before it, one short of 5,733; the September 2018 notice's 5,745 full and partial "
                    "subheadings less the 11 partial ones is 5,734. Neither reconciliation could be checked against the annex text. Partial subheadings (9903.88.04) are the separate list USA-301-L3-PARTIAL.",
        notes=snaps + read_fr + "; " + read_us + "; " + read_hts + ". Subheadings moved to 9903.91.xx by the 2024 four-year "
              "review end on the review heading's effective date.")
    add(list_id="USA-301-L3-PARTIAL", title="Section 301 List 3: partially covered subheadings, products of China described by statistical reporting number (heading 9903.88.04, U.S. note 20(g))",
        heading="9903.88.04", kind="products", code_level="mixed",
        stated_lines="11", stated_in="U.S. note 20(g) of HTS 2026 rev 6: 11 numbered items (subheadings with excepted statistical numbers)",
        complete="false",
        uncertainty="No rows for 2018-09-24 to 2019-12-31: the FR-annex extraction has 8-digit codes only and the annex's "
                    "partial subheadings were not read. The USITC 2020 table lists 43 covered statistical numbers; HTS 2025-2026 "
                    "footnote the 8-digit subheadings (scope described-goods, with the note 20(g) item) except 2931.90.90, "
                    "whose four covered statistical lines are footnoted. " + common_unc,
        notes=snaps + read_us + "; " + read_hts + "; descriptions from U.S. note 20(g), HTS 2026 rev 6 (chapter 99 text read from "
              f"github.com/{REPO_TRT} data/us_notes/chapter99_2026_rev_6.txt @{cm[REPO_TRT]}).")
    add(list_id="USA-301-L4A", title="Section 301 List 4A ($300 billion action, Annex A): products of China, 15% from 2019-09-01, 7.5% from 2020-02-14 (heading 9903.88.15)",
        heading="9903.88.15", kind="products", code_level="mixed", stated_lines="",
        stated_in="no line count found in 84 FR 43304 or 85 FR 3741 as read",
        complete="false",
        uncertainty="The 2019 annex's partial subheadings (statistical numbers) are not in the FR-annex extraction (8-digit codes only), "
                    "so 2019-09-01 to 2019-12-31 lacks them (the 2020 table lists 14). " + common_unc +
                    "U.S. note 20(s)(ii) of HTS 2026 rev 6 gives 5 partial subheadings (described-goods rows). 8507.60.00 keeps a "
                    "'See 9903.88.15' footnote in 2026 although note 20(s) drops it and 9903.91.06 covers it from 2026-01-01 (row ends then); "
                    "0403.20.50 is in note 20(s)(i) but never footnoted (row from the note).",
        notes=snaps + read_fr + "; " + read_us + "; " + read_hts + ". Rate changes (84 FR 45821: 15%; 85 FR 3741: 7.5% from "
              "2020-02-14) do not change membership.")
    add(list_id="USA-301-L4B", title="Section 301 List 4B ($300 billion action, Annex C): products of China scheduled for 15% on 2019-12-15, suspended, never in force (heading 9903.88.16)",
        heading="9903.88.16", kind="products", code_level="mixed", stated_lines="",
        stated_in="no line count found in 84 FR 43304 as read",
        complete="false",
        uncertainty="Never in force: suspended after the Phase One deal of 2019-12-13 (notice of 2019-12-18, 84 FR 69447); "
                    "membership dates describe the list, not a duty (valid_from 2019-12-15 is the scheduled date). The annex's partial subheadings are not in the "
                    "FR-annex extraction. HTS 2025-2026 carry no footnotes for 9903.88.16; from 2025-01-01 membership is read "
                    "from U.S. note 20(u) of HTS 2026 rev 6 and carried back to 2025-01-01. " + common_unc,
        notes=snaps.replace("(3) the HTS 2025-2026 footnotes, per revision,", "(3) U.S. note 20(u) of HTS 2026 rev 6,")
              + read_fr + "; " + read_us + ".")
    review_titles = {
        "9903.91.01": ("products", "2024 four-year review: products of China at +25% from 2024-09-27 (U.S. note 31(b))"),
        "9903.91.02": ("products", "2024 four-year review: solar cells of China at +50% from 2024-09-27 (U.S. note 31(c))"),
        "9903.91.03": ("products", "2024 four-year review: electric vehicles, syringes and needles of China at +100% from 2024-09-27 (U.S. note 31(d))"),
        "9903.91.04": ("products", "2024 four-year review: disposable textile facemasks of China at +25%, 2025-01-01 to 2025-12-31 (U.S. note 31(e))"),
        "9903.91.05": ("products", "2024 four-year review: semiconductors, polysilicon, wafers (and in 2025 medical gloves) of China at +50% from 2025-01-01 (U.S. note 31(f))"),
        "9903.91.06": ("products", "2024 four-year review: natural graphite, permanent magnets, lithium-ion batteries of China at +25% from 2026-01-01 (U.S. note 31(g))"),
        "9903.91.07": ("products", "2024 four-year review: respirators and facemasks of China at +50% from 2026-01-01 (U.S. note 31(h))"),
        "9903.91.08": ("products", "2024 four-year review: medical or surgical rubber gloves of China at +100% from 2026-01-01 (U.S. note 31(i))"),
        "9903.91.09": ("exclusions", "2024 four-year review: ship-to-shore cranes of China under contracts dated before 2024-05-14, entered before 2026-05-14, excluded from 9903.92.10"),
        "9903.91.10": ("exclusions", "2024 four-year review: enteral syringes of China (9018.31.0080) excluded from 9903.91.03, 2024-09-27 to 2025-12-31"),
        "9903.91.11": ("products", "Four-year review follow-on (89 FR 101682): tungsten products of China at +25% from 2025-01-01 (U.S. note 31(j))"),
        "9903.92.10": ("products", "2024 four-year review: ship-to-shore gantry cranes of China at +25% from 2024-09-27 (heading 9903.92.10)"),
    }
    n31 = ctx["n31"]
    for h in REVIEW_HEADINGS:
        kind, title = review_titles[h]
        lid = review_list_id(h)
        lo, hi, htext = ctx["hd"][h]
        stated = {"9903.91.01": "348"}.get(h, str(len(n31[h]["codes"])) if h in n31 else "")
        stated_in = ("U.S. note 31(b) of HTS 2026 rev 6: items (5) to (352) of 89 FR 76581 (items (1)-(4) deleted)"
                     if h == "9903.91.01" else (f"U.S. note 31 of HTS 2026 rev 6 (codes enumerated)" if h in n31 else ""))
        add(list_id=lid, title=title, heading=h, kind=kind, code_level="mixed" if h in ("9903.91.01",) else
            ("HTS10" if h in ("9903.91.04", "9903.91.07", "9903.91.10") else "HTS8"),
            stated_lines=stated, stated_in=stated_in, complete="true",
            uncertainty="Membership from the HTS 2025-2026 footnotes (per revision); start dates from the heading text and "
                        "U.S. note 31 (rows present in HTS 2025 basic are carried back to the heading's effective date: no 2024 "
                        "edition reachable). Several tariff_events share this heading (see tariff_event_lists); "
                        "the group of each code within a heading is not in the HTS.",
            notes=f"Heading text (HTS 2026 rev 10): {htext}. " + read_hts + "; U.S. note 31 read from github.com/"
                  f"{REPO_TRT} data/us_notes/chapter99_2026_rev_6.txt @{cm[REPO_TRT]}. Rates: 89 FR 76581, 89 FR 101682.")
    hist = "; ".join(f"{edition_id(r)}: until {e}" for h, r, e in ctx["end_history"] if h == "9903.88.69")
    hist70 = "; ".join(f"{edition_id(r)}: until {e}" for h, r, e in ctx["end_history"] if h == "9903.88.70")
    sub_title = {"i": ("9903.88.01", "List 1"), "ii": ("9903.88.02", "List 2"),
                 "iii": ("9903.88.03/9903.88.04", "List 3"), "iv": ("9903.88.15", "List 4A")}
    for k, (hh, nm) in sub_title.items():
        lid = f"USA-301-EXCL-VVV-{k.upper()}"
        add(list_id=lid, title=f"Section 301 product exclusions from {nm} ({hh}) under heading 9903.88.69, U.S. note 20(vvv)({k})",
            heading="9903.88.69", kind="exclusions", code_level="HTS10",
            stated_lines="", stated_in=f"no per-subdivision count stated; {ctx['excl_items_count'][lid]} numbered items in U.S. note 20(vvv)({k}) of HTS 2026 rev 6; 164 items in 20(vvv) as a whole (89 FR 46948, recited in 90 FR 42500)",
            complete="true",
            uncertainty="One row per statistical number and period; an item naming several numbers gives several rows, several "
                        "items naming one number share a row (item and description list them). Start 2024-06-15 (heading text); "
                        "the end date moved with each extension (history in notes); valid_to is the end scheduled in the newest "
                        "revision read.",
            notes=f"Extensions, from the heading text of each revision (exclusive end): {hist}. Notices: 89 FR 46948 (May 30, 2024; "
                  "164 exclusions to May 31, 2025), a June 2025 notice (to August 31, 2025), 90 FR 42500 (September 2, 2025; to "
                  "November 29, 2025), a November 2025 notice (to November 9, 2026). Items read from U.S. note 20(vvv) of HTS 2026 "
                  f"rev 6, github.com/{REPO_TRT} data/us_notes/chapter99_2026_rev_6.txt @{cm[REPO_TRT]}.")
    add(list_id="USA-301-EXCL-WWW", title="Section 301 product exclusions from List 2 (9903.88.02): solar manufacturing equipment of heading 8486, heading 9903.88.70, U.S. note 20(www)",
        heading="9903.88.70", kind="exclusions", code_level="HTS10", stated_lines="14",
        stated_in="89 FR 76581 (September 18, 2024) as recited in 90 FR 42500: 14 exclusions for solar manufacturing equipment; 14 numbered items in U.S. note 20(www) of HTS 2026 rev 6",
        complete="true",
        uncertainty="The 14 items share 3 statistical numbers (one row each, items listed). Granted 2024-09-18 with effect from "
                    "2024-01-01 (retroactive). The issue text's 'about 21 items' was not found in any revision read: the footnotes "
                    "of all 44 revisions name the same 3 lines.",
        notes=f"Extensions, from the heading text of each revision (exclusive end): {hist70}. Items read from U.S. note 20(www) of HTS 2026 "
              f"rev 6, github.com/{REPO_TRT} data/us_notes/chapter99_2026_rev_6.txt @{cm[REPO_TRT]}.")
    for r in L:
        for k in r:
            r[k] = ws(r[k])
        lens = {len(x["code"]) for x in by_list[r["list_id"]]}
        r["code_level"] = {frozenset({8}): "HTS8", frozenset({10}): "HTS10"}.get(frozenset(lens), "mixed")
    L.sort(key=lambda r: r["list_id"])
    for r in L:
        if r["list_id"] in ctx["count_notes"]:
            r["uncertainty"] = r["uncertainty"] + " " + ctx["count_notes"][r["list_id"]]
    for r in L:  # the FR notice that published Lists 1-4B (LISTS); combine.py derives the others' source
        r["source_id"] = LISTS[r["list_id"]][3] if r["list_id"] in LISTS else ""
    write_table(OUT / "product_lists.csv", PL_FIELDS, L)
    ctx["lists"] = L
    assert {r["list_id"] for r in L} == set(by_list), set(by_list) ^ {r["list_id"] for r in L}


# --------------------------------------------------------------------------------------------
# COUNTS.md
# --------------------------------------------------------------------------------------------
def write_counts_md(ctx):
    counts, cross = ctx["counts"], ctx["cross"]
    o = io.StringIO()
    p = lambda *a: print(*a, file=o)
    p("# Section 301 lists: counts and cross-check of the snapshots")
    p()
    p("Generated by `extract.py`; do not edit by hand. Machine-readable: `out/stated_counts.csv` (counts) and")
    p("`crosscheck.csv` (every line present in one snapshot and missing from another, with the reason; each such")
    p("line is in `product_list_lines.csv` with the reason in `uncertainty`).")
    p()
    p("`stated` is the count the legal text or official table states (for U.S. note 20/31 of HTS 2026 rev 6: the number")
    p("of codes or items the note enumerates); empty when no count is stated. `encoded` counts distinct codes of the")
    p("snapshot in `product_list_lines.csv` (for the note snapshots: lines in force on 2026-04-23, the date of rev 6).")
    p()
    p("| list_id | snapshot | level | stated | encoded | difference |")
    p("|---|---|---|---:|---:|---|")
    for c in counts:
        d = "" if c["stated"] == "" else ("=" if int(c["stated"]) == c["encoded"] else f"{c['encoded'] - int(c['stated']):+d}")
        p(f"| {c['list_id']} | {c['snapshot']} | {c['level']} | {c['stated']} | {c['encoded']} | {d} |")
    p()
    p("## Figures quoted in issue 9, compared")
    p()
    fr = ctx["fr_counts"]
    p(f"- FR-annex extraction (mitsuoxv): issue says 817 / 279 / 5,759 / 3,229 / 542; read here "
      f"{fr['USA-301-L1']} / {fr['USA-301-L2']} / {fr['USA-301-L3']} / {fr['USA-301-L4A']} / {fr['USA-301-L4B']} "
      "(after dropping the chapter 98/99 numbers the regex caught in the notice text: 9903.88.01, 9903.88.02, 9802.00.80, "
      "9903.88.15, 9903.88.16, 9802.00.50/.60/.80).")
    us = ctx["us"]
    f = lambda l, n: len([c for c in us[l] if len(c) == n])
    p(f"- USITC 2020 table: issue says 818 / 279 / 5,759 + 43 HTS10 under .04 / 3,233 / 550 HTS8; parsed here "
      f"{f('USA-301-L1', 8)} / {f('USA-301-L2', 8)} / {f('USA-301-L3', 8)} + {f('USA-301-L3-PARTIAL', 10)} HTS10 under .04 / "
      f"{f('USA-301-L4A', 8)} HTS8 + {f('USA-301-L4A', 10)} HTS10 / {f('USA-301-L4B', 8)} HTS8 + {f('USA-301-L4B', 10)} HTS10. "
      "The table states no count. The issue's 3,233 and 550 are reproduced as the 8-digit subheadings plus the "
      "subheadings covered only in part (listed at 10 digits): "
      f"{f('USA-301-L4A', 8)} + {len({c[:8] for c in us['USA-301-L4A'] if len(c) == 10})} = "
      f"{f('USA-301-L4A', 8) + len({c[:8] for c in us['USA-301-L4A'] if len(c) == 10})} for List 4A and "
      f"{f('USA-301-L4B', 8)} + {len({c[:8] for c in us['USA-301-L4B'] if len(c) == 10})} = "
      f"{f('USA-301-L4B', 8) + len({c[:8] for c in us['USA-301-L4B'] if len(c) == 10})} for List 4B.")
    p("- HTS 2025: issue says List 1 is 860 lines in the 2025 schedule: 860 rows carry the footnote, of which four are the "
      "chapter 98 provisions 9802.00.40/.50/.60/.80 (not list members); 856 subheadings are encoded, the number U.S. note 20(b) "
      "of HTS 2026 rev 6 enumerates.")
    p("- U.S. note 20(www): issue says about 21 items; HTS 2026 rev 6 has 14 (the 14 exclusions of 89 FR 76581), and the "
      "footnotes of all 44 revisions name the same three lines (8486.10.00, 8486.20.00, 8486.40.0030).")
    p()
    p("## Cross-check: lines in one snapshot and not another")
    p()
    grp = collections.defaultdict(list)
    for r in cross:
        grp[(r["list_id"], r["present_in"], r["missing_from"])].append(r)
    for (lid, a, b), rs in sorted(grp.items()):
        p(f"### {lid}: in {a}, not in {b} ({len(rs)})")
        p()
        reasons = collections.defaultdict(list)
        for r in rs:
            reasons[r["reason"]].append(r["code"])
        for why, codes in sorted(reasons.items(), key=lambda x: (-len(x[1]), x[0])):
            p(f"- {why}: " + " ".join(codes))
        p()
    p("## Snapshots agree where they overlap")
    p()
    p("Lines not listed above are in both snapshots compared: FR annex vs USITC 2020 (same list, 8-digit), USITC 2020 vs")
    p("HTS 2025 basic footnotes, HTS 2026 rev 6 footnotes vs U.S. note 20/31 of the same revision. The footnote")
    p("membership of Lists 1-4A is identical in all 44 revisions (2025 basic to 2026 rev 10); the review headings change")
    p("on 2025-02-01 (rev 2: 4015.12.10 footnoted to 9903.91.05) and on 2026-01-01 (2026 basic).")
    p()
    p("## Four-year review headings: where their codes were in the USITC 2020 table")
    p()
    by_list = ctx["by_list"]
    us_of = {}
    for lid, codes in ctx["us"].items():
        for c in codes:
            us_of[c] = lid
    for h in REVIEW_HEADINGS:
        lid = review_list_id(h)
        cnt = collections.Counter(us_of.get(r["code"], us_of.get(r["code"][:8], "not in the 2020 table"))
                                  for r in by_list[lid])
        p(f"- {h}: " + "; ".join(f"{LISTS[k][0] + ' (' + LIST_NAME[k] + ')' if k in LISTS else k}: {v}"
                                 for k, v in sorted(cnt.items())))
    p()
    p("## Consistency with the existing tariff_events and tariff_event_products")
    p()
    for line in ctx["event_checks"]:
        p(f"- {line}")
    p()
    p("## Exclusion batches not encoded")
    p()
    p("U.S. note 20 of HTS 2026 rev 6 still prints the earlier exclusion subdivisions in full (compiler's note: only (vvv) and")
    p("(www) are in effect). They are not encoded: their codes are in 2018-2024 nomenclatures that no reachable edition")
    p("covers beyond 2018-2020, and their grant, extension and expiry dates (dozens of USTR notices) were not read. Items per")
    p("subdivision (numbered items counted in the text):")
    p()
    p("| subdivision | numbered items | first line |")
    p("|---|---:|---|")
    for s, n, first in ctx["earlier"]:
        p(f"| 20({s}) | {n} | {first.replace('|', '/')} |")
    p()
    (HERE / "COUNTS.md").write_text(o.getvalue(), encoding="utf-8")


if __name__ == "__main__":
    main()
