"""Extract the US product lists other than Section 301: IEEPA reciprocal-tariff exceptions, Section 122
exceptions and Section 232 product lists, as product_lists / product_list_lines rows.

Python 3.11, standard library only. Run after fetch_inputs.sh and after ../nomenclature/extract_nomenclature.py
(the code checks use ../nomenclature/out/tariff_lines.csv and nomenclature_editions.csv):

    python extract_us_lists.py

Inputs (./inputs/, checked against MANIFEST.sha256), all from github.com/arifshehab/tariff-rate-tracker
@ 9919812fe16ad61d72318dc7b96d387cc6c226da:
  chapter99_2026_rev_6.txt            text of chapter 99 (U.S. notes) of the HTS 2026 Revision 6, as the tracker
                                      extracted it from the USITC PDF: the only official note text reachable
  annex_ii_first_appearance.csv       derived: per code of note 2(v)(iii) the first and last revision it appears in
  ieepa_exempt_products.csv           derived: HTS10 expansion of the exceptions (used for checks only)
  s122_exempt_products.csv            derived: HTS8 list of the Section 122 exceptions (checks only)
  s232_metal_chapter_products.csv     derived: steel / aluminium articles and derivatives of 2018-2025 (notes 16, 19)
  s232_derivative_products.csv        derived: 232 derivative HTS8 prefixes with dates (2025)
  s232_copper_products.csv            derived: copper HTS8 under 9903.78.01 (note 36, 2025)
  s232_auto_parts.txt, s232_mhd_parts.txt, s232_semi_products.csv, s232_annex_products.csv   derived (checks only)

Outputs (out/ holds the complete set of rows this extraction owns; ../combine.py merges it into datasets/sources):
out/product_lists.csv, out/product_list_lines.csv (the lists of this script), out/sources.csv (the sources they cite),
out/event_lists.csv, out/stated_counts.csv; checks.csv (cross-checks against the derived files) in this folder.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
INPUTS = HERE / "inputs"
SOURCES = HERE.parent.parent / "sources"
NOMEN = HERE.parent / "nomenclature"
sys.path.insert(0, str(HERE.parent))
from out_tables import out_dir, write_sources  # noqa: E402

OUT = out_dir(HERE)
TRT = "github.com/arifshehab/tariff-rate-tracker"
C = "9919812fe16ad61d72318dc7b96d387cc6c226da"
BLOB = f"https://github.com/arifshehab/tariff-rate-tracker/blob/{C}"
CODE_RE = r"\d{4}(?:\.\d{2}(?:\.\d{2,4})?)?"
CODE_LINE = re.compile(rf"^(?:{CODE_RE}[;,]?\s*)+$")
LABEL = re.compile(r"^\(([ivx]+)\)\s+([A-Za-z ]+):\s*")
HEAD_PREFIX = re.compile(r"^(?:U\.S\. Notes \(con\.\)|XXII|99 - III - \d+)\s+(?=\d{4})")
HEADER = re.compile(r"Harmonized Tariff Schedule of the United States|Annotated for Statistical|^XXII$|"
                    r"^99 - III - \d+$|^U\.S\. Notes \(con\.\)$|^\[?Compiler's note")


def day_before(d: str) -> str:
    return (dt.date.fromisoformat(d) - dt.timedelta(days=1)).isoformat()


def day_after(d: str) -> str:
    return (dt.date.fromisoformat(d) + dt.timedelta(days=1)).isoformat()


def check_inputs() -> None:
    for line in (HERE / "MANIFEST.sha256").read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        path = INPUTS / name.strip().lstrip("*")
        got = hashlib.sha256(path.read_bytes()).hexdigest()
        if got != digest:
            raise SystemExit(f"{path}: sha256 {got} != {digest} (MANIFEST.sha256)")


# ---------------------------------------------------------------- the chapter 99 text
TEXT = []


def load_text() -> None:
    raw = (INPUTS / "chapter99_2026_rev_6.txt").read_bytes().decode("utf-8", errors="replace")
    TEXT.extend(raw.split("\n"))


def find(pattern: str, start: int = 0) -> int:
    rx = re.compile(pattern)
    for i in range(start, len(TEXT)):
        if rx.search(TEXT[i]):
            return i
    raise SystemExit(f"pattern not found after line {start}: {pattern}")


def codes_between(a: int, b: int, sub_labels: bool = False, with_line: bool = False) -> list:
    """Codes (as printed, dotted) on code lines in TEXT[a:b] as (label, code), label = the last (i)..(x) label seen;
    with_line, (label, code, line index)."""
    out = []
    label = ""
    for k, ln in enumerate(TEXT[a:b], start=a):
        s = HEAD_PREFIX.sub("", ln.strip()).strip()
        if not s or HEADER.search(s):
            continue
        m = LABEL.match(s)
        if m:
            label = m.group(1)
            s = s[m.end():].strip()
            if not s:
                continue
        s = s.replace("\ufffd", "")
        if CODE_LINE.match(s):
            for tok in re.findall(CODE_RE, s):
                out.append((label, tok, k) if with_line else (label, tok))
    return out


def items_between(a: int, b: int) -> list[tuple[str, str, str]]:
    """Numbered particular articles '(n) text (classifiable in subheading XXXX.XX.XX)' -> (n, code, text)."""
    buf, items = [], []
    for ln in TEXT[a:b]:
        s = ln.strip()
        if not s or HEADER.search(s):
            continue
        if re.match(r"^\(\d+\)\s", s):
            if buf:
                items.append(" ".join(buf))
            buf = [s]
        elif buf:
            buf.append(s)
    if buf:
        items.append(" ".join(buf))
    out = []
    for it in items:
        m = re.match(r"^\((\d+)\)\s+(.*?)\s*\(classifiable in subheading (\d{4}\.\d{2}\.\d{2})\)(?:;|; and|\.)?\s*$", it)
        if not m:
            raise SystemExit(f"cannot read item: {it}")
        out.append((m.group(1), m.group(3), re.sub(r"\s+", " ", m.group(2))))
    return out


def digits(code: str) -> str:
    return code.replace(".", "")


# ---------------------------------------------------------------- editions and codes
def load_editions() -> tuple[list[str], dict[str, tuple[str, str]], dict[str, set[str]]]:
    eds = [r for r in csv.DictReader(open(NOMEN / "out" / "nomenclature_editions.csv", encoding="utf-8"))
           if r["nomenclature"] == "HTS" and r["edition_id"].startswith(("HTS-2025", "HTS-2026"))]
    eds.sort(key=lambda r: r["effective_date"])
    order = [r["edition_id"] for r in eds]
    span = {r["edition_id"]: (r["effective_date"], r["end_date"]) for r in eds}
    idx = {e: i for i, e in enumerate(order)}
    codes: dict[str, set[str]] = defaultdict(set)
    for r in csv.DictReader(open(NOMEN / "out" / "tariff_lines.csv", encoding="utf-8")):
        if r["nomenclature"] != "HTS":
            continue
        for e in order[idx[r["first_edition"]]: idx[r["last_edition"]] + 1]:
            codes[e].add(r["code"])
    return order, span, codes


def edition_on(order: list[str], span: dict, date: str) -> str:
    """The edition in force on date (the latest whose effective_date <= date)."""
    best = order[0]
    for e in order:
        if span[e][0] <= date:
            best = e
    return best


def valid_in(code: str, ed: str, codes: dict[str, set[str]]) -> bool:
    s = codes[ed]
    if len(code) in (8, 10):
        return code in s
    return any(c.startswith(code) for c in s if len(c) == 8)


# ---------------------------------------------------------------- main
def main() -> int:
    check_inputs()
    load_text()
    order, span, codes = load_editions()
    ed_of = lambda d: edition_on(order, span, d)  # noqa: E731
    lists: dict[str, dict] = {}
    lines: list[dict] = []
    checks: list[dict] = []
    stated: list[dict] = []

    def add_list(list_id, title, heading, kind, level, stated_lines, stated_in, complete, uncertainty, notes):
        lists[list_id] = {"list_id": list_id, "imposing": "USA", "title": title, "heading": heading, "kind": kind,
                          "code_level": level, "stated_lines": stated_lines, "stated_in": stated_in,
                          "complete": complete, "uncertainty": uncertainty, "notes": notes}

    def add_line(list_id, code, edition, valid_from, valid_to, scope, description, item, source_id, uncertainty):
        lines.append({"list_id": list_id, "code": code, "edition_id": edition, "valid_from": valid_from,
                      "valid_to": valid_to, "scope": scope, "description": description, "item": item,
                      "source_id": source_id, "uncertainty": uncertainty})

    R6 = "hts-2026-rev-6-ch99"
    E6 = "HTS-2026-REV-6"

    # ============================================================ IEEPA: note 2(v)(iii)(a) (Annex II)
    a = find(r"As provided for in heading 9903\.01\.32, the additional duties imposed by headings 9903\.01\.25")
    b = find(r"^\(b\) As provided in heading 9903\.02\.78", a)
    note_a = [digits(c) for _, c in codes_between(a + 1, b)]
    if len(set(note_a)) != len(note_a):
        raise SystemExit("duplicate codes in note 2(v)(iii)(a)")
    note_a_set = set(note_a)
    fa = list(csv.DictReader(open(INPUTS / "annex_ii_first_appearance.csv", encoding="utf-8")))
    rev_ed = {"rev_7": "HTS-2025-REV-7", "rev_10": "HTS-2025-REV-10", "rev_22": "HTS-2025-REV-22",
              "rev_29": "HTS-2025-REV-29"}
    # the tracker normalised the note's '8505.11.0070' to 85051100; the code is kept as printed
    tracker_alias = {"85051100": "8505110070"}
    derived_current = set()
    removal_cause = {"2025-08-01": "removed by Proclamation 10962 (copper), effective 1 Aug 2025",
                     "2025-09-08": "removed by the Executive Order of 5 Sep 2025 (EO 14346), effective 8 Sep 2025",
                     "2025-10-14": "removed by Proclamation 10976 (timber and lumber), effective 14 Oct 2025"}
    start_cause = {"HTS-2025-REV-7": "in Annex II to EO 14257 as first printed in HTS 2025 Rev 7 (effective 5 Apr 2025)",
                   "HTS-2025-REV-10": "inserted by the Presidential Memorandum of 11 Apr 2025, retroactive to 5 Apr 2025 (printed in HTS 2025 Rev 10)",
                   "HTS-2025-REV-22": "added by the Executive Order of 5 Sep 2025 (EO 14346), effective 8 Sep 2025 (printed in Rev 22)",
                   "HTS-2025-REV-29": "added by the Executive Order of 14 Nov 2025 (agricultural products), effective 13 Nov 2025 (printed in Rev 29)"}
    for r in fa:
        code = tracker_alias.get(r["prefix"], r["prefix"])
        ed = rev_ed[r["first_revision"]]
        start = "2025-04-05" if r["first_effective_date"] == "NA" else r["first_effective_date"]
        end = "" if r["end_effective_date"] == "NA" else day_after(r["end_effective_date"])
        current = r["last_revision"] == "2026_rev_9"
        unc = [start_cause[ed] + " per the tracker's derived first-appearance file"]
        if current:
            derived_current.add(code)
            if code in note_a_set:
                src = R6
                unc.append("present in note 2(v)(iii)(a) of HTS 2026 Rev 6 (official text read)")
            else:
                src = "trt-annex-ii-first-appearance"
                unc.append("NOT found in note 2(v)(iii)(a) of HTS 2026 Rev 6")
        else:
            src = "trt-annex-ii-first-appearance"
            unc.append(removal_cause.get(end, f"removed, last printed in {r['last_revision']}")
                       + "; membership read only from the derived file (the note texts of 2025 are not reachable)")
        if code == "8505110070":
            unc.append("printed '8505.11.0070' in the note (a 10-digit statistical number written with one dot "
                       "less); the tracker reads it as HTS8 8505.11.00")
        if not valid_in(code, ed, codes):
            unc.append(f"code not found in the {ed} nomenclature")
        add_line("USA-IEEPA-ANNEX-II", code, ed, start, end, "whole-line", "", "U.S. note 2(v)(iii)" +
                 ("(a)" if current else ""), src, "; ".join(unc))
    missing_in_derived = sorted(note_a_set - derived_current)
    for code in missing_in_derived:  # in the official text but not in the derived file (none expected)
        add_line("USA-IEEPA-ANNEX-II", code, E6, "2025-04-05", "", "whole-line", "", "U.S. note 2(v)(iii)(a)", R6,
                 "in note 2(v)(iii)(a) of HTS 2026 Rev 6 but not in the tracker's first-appearance file: start date unknown, 5 Apr 2025 assumed")
    n_first = sum(1 for r in fa if r["first_revision"] == "rev_7")
    n_rows = {k: sum(1 for r in fa if r["first_revision"] == k) for k in rev_ed}
    n_removed = {d: sum(1 for r in fa if r["end_effective_date"] != "NA" and day_after(r["end_effective_date"]) == d)
                 for d in removal_cause}
    add_list(
        "USA-IEEPA-ANNEX-II",
        "Annex II to Executive Order 14257: products excepted from the IEEPA reciprocal tariffs (U.S. note 2(v)(iii), from 13 Nov 2025 2(v)(iii)(a), subchapter III of chapter 99)",
        "9903.01.32", "exceptions", "mixed", "", "", "true",
        (f"Membership over time read from a derived file (the tracker's extraction of note 2(v)(iii) from the chapter 99 PDF of every revision, "
         f"resources/annex_ii_first_appearance.csv): {n_first} codes in HTS 2025 Rev 7, +{n_rows['rev_10']} (Rev 10, memorandum of 11 Apr 2025), "
         f"+{n_rows['rev_22']} (Rev 22, EO of 5 Sep 2025), +{n_rows['rev_29']} (Rev 29, EO of 14 Nov 2025); removals effective "
         f"1 Aug 2025 ({n_removed['2025-08-01']}, copper), 8 Sep 2025 ({n_removed['2025-09-08']}) and 14 Oct 2025 ({n_removed['2025-10-14']}, wood). "
         f"Only the current membership is checked against official text: note 2(v)(iii)(a) of HTS 2026 Rev 6 lists {len(note_a)} codes, "
         f"all present in the derived file ({len(missing_in_derived)} missing). Dates of the amendments agree with the USITC change records "
         f"(note 2(v)(iii) modified 5 Apr, 1 Aug, 8 Sep, 14 Oct and 13 Nov 2025; see datasets/extract/nomenclature/change_record_notes.csv)."),
        ("Codes at mixed levels as printed: 4-digit headings (8471, 8486, 8524, 8542), one 6-digit subheading (8473.30), HTS8 subheadings and one "
         "10-digit number (8505.11.0070). The note states no count; 'about 1,039 lines at first' (issue 9) is the Rev 7 count of the derived file. "
         "The exception also covered, outside this list, goods of chapter 98 and articles of 50 U.S.C. 1702(b) and goods subject to section 232 "
         "(note 2(v)(vi)-(xxv)); those are not encoded here. The IEEPA duties ceased to be collected on 24 Feb 2026 (see the events); the note text "
         "stays in the HTS, so current members keep an empty valid_to."),
    )
    stated.append({"list_id": "USA-IEEPA-ANNEX-II", "snapshot": "HTS 2025 Rev 7 (first)", "level": "mixed",
                   "stated": "", "encoded": str(n_first)})
    stated.append({"list_id": "USA-IEEPA-ANNEX-II", "snapshot": "HTS 2026 Rev 6 note 2(v)(iii)(a)", "level": "mixed",
                   "stated": "", "encoded": str(len(note_a))})

    # ============================================================ IEEPA: electronics memorandum (existing event's 20 codes)
    memo = ["8471", "847330", "8486", "85171300", "85176200", "85235100", "8524", "85285200", "85411000", "85412100",
            "85412900", "85413000", "85414910", "85414970", "85414980", "85414995", "85415100", "85415900",
            "85419000", "8542"]
    fa_first = {tracker_alias.get(r["prefix"], r["prefix"]): r["first_revision"] for r in fa}
    for code in memo:
        unc = []
        unc.append("in note 2(v)(iii)(a) of HTS 2026 Rev 6" if code in note_a_set else "NOT in note 2(v)(iii)(a) of HTS 2026 Rev 6")
        if fa_first.get(code) == "rev_7":
            unc.append("already in Annex II as first printed (HTS 2025 Rev 7), so the memorandum did not change its treatment")
        elif fa_first.get(code) == "rev_10":
            unc.append("first printed in note 2(v)(iii) in HTS 2025 Rev 10")
        add_line("USA-IEEPA-ELECTRONICS", code, "HTS-2025-REV-10", "2025-04-05", "", "whole-line", "", "",
                 "cbp-2025-csms-64724565", "; ".join(unc))
    n_new = sum(1 for c in memo if fa_first.get(c) == "rev_10")
    add_list(
        "USA-IEEPA-ELECTRONICS",
        "Electronics and semiconductors excepted from the IEEPA reciprocal tariffs by the Presidential Memorandum of 11 April 2025 (retroactive to 5 April 2025)",
        "9903.01.32", "exceptions", "mixed", "", "", "true",
        (f"The 20 headings/subheadings are those of the existing tariff_event_products rows of USA-CHN-2025-IEEPA-RECIP-EXCL-SEMI (from CBP CSMS # 64724565). "
         f"All 20 are in note 2(v)(iii)(a) of HTS 2026 Rev 6. Only {n_new} were new to the Annex II list: the 11 subheadings 8541.10.00-8541.90.00 were "
         f"already in it as first printed (HTS 2025 Rev 7), per the tracker's derived first-appearance file."),
        ("The memorandum inserted these codes into note 2(v)(iii) (U.S. note 2(v)(iii) 'Modified April 5, 2025, Executive Memoranda' in the change record of "
         "HTS 2025 Rev 10), so they are also rows of USA-IEEPA-ANNEX-II. The memorandum states no count; its list has 20 entries."),
    )
    stated.append({"list_id": "USA-IEEPA-ELECTRONICS", "snapshot": "memorandum of 11 Apr 2025 / CSMS # 64724565", "level": "mixed",
                   "stated": "", "encoded": str(len(memo))})

    # ============================================================ IEEPA: note 2(v)(iii)(b) particular articles
    c = find(r"^\(iv\) As provided in 9903\.01\.26", b)
    items_b = items_between(b + 1, c)
    for n, code, text in items_b:
        ok = valid_in(digits(code), E6, codes)
        add_line("USA-IEEPA-ANNEX-II-B", digits(code), E6, "2025-11-13", "", "described-goods", text,
                 f"U.S. note 2(v)(iii)(b)({n})", R6,
                 "text read from HTS 2026 Rev 6; subdivision (iii)(b) was added effective 13 Nov 2025 (change record of Rev 29) and no later "
                 "change record up to 2026 Rev 9 modifies it" + ("" if ok else f"; code not found in {E6}"))
    add_list(
        "USA-IEEPA-ANNEX-II-B",
        "Particular articles of any country excepted from the IEEPA reciprocal tariffs (U.S. note 2(v)(iii)(b), subchapter III of chapter 99)",
        "9903.02.78", "exceptions", "HTS8", "", "", "true",
        "Read from HTS 2026 Rev 6 only; assumed unchanged since 13 Nov 2025 (no change-record entry modifies 2(v)(iii)(b)).",
        (f"{len(items_b)} numbered articles, each a description within one HTS8 subheading (scope described-goods). Per the note the exception applies to "
         "headings 9903.01.25, 9903.01.35, 9903.01.39 and 9903.02.02-9903.02.73 (not 9903.01.63)."),
    )
    stated.append({"list_id": "USA-IEEPA-ANNEX-II-B", "snapshot": "HTS 2026 Rev 6 note 2(v)(iii)(b)", "level": "HTS8",
                   "stated": "", "encoded": str(len(items_b))})

    # ============================================================ Section 122: note 2(aa)(ii)-(iv)
    aa = find(r"^\(aa\)$")
    a2 = find(r"^\(ii\) As provided in heading 9903\.03\.03", aa)
    a3 = find(r"^\(iii\) As provided in heading 9903\.03\.04", a2)
    a4 = find(r"^\(iv\) As provided in heading 9903\.03\.05", a3)
    a5 = find(r"^\(v\) As provided in heading 9903\.03\.06", a4)
    s122_ii = [digits(x) for _, x in codes_between(a2 + 1, a3)]
    s122_iii = items_between(a3 + 1, a4)
    s122_iv = [digits(x) for _, x in codes_between(a4 + 1, a5)]
    s122_unc = ("text read from HTS 2026 Rev 6; note 2(aa) was added effective 24 Feb 2026 (change record of 2026 Rev 4) and no change record "
                "up to 2026 Rev 9 modifies subdivisions (aa)(ii)-(iv)")
    for lid, codes_, item in (("USA-122-ANNEX", s122_ii, "U.S. note 2(aa)(ii)"), ("USA-122-AIRCRAFT", s122_iv, "U.S. note 2(aa)(iv)")):
        if len(set(codes_)) != len(codes_):
            raise SystemExit(f"{lid}: duplicate codes")
        for code in codes_:
            ok = valid_in(code, E6, codes)
            add_line(lid, code, E6, "2026-02-24", "", "described-goods" if lid == "USA-122-AIRCRAFT" else "whole-line", "",
                     item, R6, s122_unc + ("" if ok else f"; code not found in {E6}"))
    for n, code, text in s122_iii:
        add_line("USA-122-PARTICULAR", digits(code), E6, "2026-02-24", "", "described-goods", text,
                 f"U.S. note 2(aa)(iii)({n})", R6, s122_unc)
    add_list("USA-122-ANNEX",
             "Products of any country excepted from the Section 122 import surcharge by subheading (U.S. note 2(aa)(ii), subchapter III of chapter 99)",
             "9903.03.03", "exceptions", "mixed", "", "", "true", "Read from HTS 2026 Rev 6 only.",
             f"{len(s122_ii)} codes as printed. The list resembles note 2(v)(iii)(a) of the IEEPA tariffs with the headings 8471, 8473.30, 8486, 8524 and 8542 written out as subheadings.")
    add_list("USA-122-PARTICULAR",
             "Particular articles of any country excepted from the Section 122 import surcharge (U.S. note 2(aa)(iii), subchapter III of chapter 99)",
             "9903.03.04", "exceptions", "HTS8", "", "", "true", "Read from HTS 2026 Rev 6 only.",
             f"{len(s122_iii)} numbered articles, each a description within one HTS8 subheading.")
    add_list("USA-122-AIRCRAFT",
             "Civil aircraft, their engines, parts and components and ground flight simulators of any country excepted from the Section 122 import surcharge (U.S. note 2(aa)(iv), subchapter III of chapter 99)",
             "9903.03.05", "exceptions", "mixed", "", "", "true", "Read from HTS 2026 Rev 6 only.",
             f"{len(s122_iv)} provisions; only articles of civil aircraft (scope described-goods).")
    for lid, n in (("USA-122-ANNEX", len(s122_ii)), ("USA-122-PARTICULAR", len(s122_iii)), ("USA-122-AIRCRAFT", len(s122_iv))):
        stated.append({"list_id": lid, "snapshot": "HTS 2026 Rev 6 note 2(aa)", "level": lists[lid]["code_level"],
                       "stated": "", "encoded": str(n)})

    # ============================================================ Section 232 from the 2026 Rev 6 notes
    def note_list(list_id, start_pat, end_pat, anchor, item, valid_from, scope, title, heading, unc, notes, level="mixed",
                  complete="false"):
        s = find(start_pat, anchor)
        e = find(end_pat, s + 1)
        got = [digits(x) for _, x in codes_between(s + 1, e)]
        if len(set(got)) != len(got):
            raise SystemExit(f"{list_id}: duplicate codes")
        for code in got:
            ok = valid_in(code, E6, codes)
            sc = scope(code) if callable(scope) else scope
            add_line(list_id, code, E6, valid_from, "", sc, "", item, R6, unc + ("" if ok else f"; code not found in {E6}"))
        add_list(list_id, title, heading, "products", level, "", "", complete, unc, notes.format(n=len(got)))
        stated.append({"list_id": list_id, "snapshot": f"HTS 2026 Rev 6 {item}", "level": level, "stated": "",
                       "encoded": str(len(got))})
        return got

    n33 = find(r"^33\. \(a\)")
    autos = note_list(
        "USA-232-AUTOS", r"^\(b\) The rates of duty set forth in headings 9903\.94\.01", r"^\(c\) Heading 9903\.94\.02", n33,
        "U.S. note 33(b)", "2025-04-03", "described-goods",
        "Section 232: passenger vehicles and light trucks (U.S. note 33(b), subchapter III of chapter 99)", "9903.94.01",
        ("List as printed in HTS 2026 Rev 6; note 33(b) was added effective 3 Apr 2025 (change record of 2025 Rev 6) and modified in 2025 Revs 16, 23, 24, 32 "
         "(the change records do not say whether the code list changed; the modifications coincide with new country headings named in its first sentence)"),
        "{n} subheadings; the duty covers passenger vehicles and light trucks classified there (other goods of these subheadings go to 9903.94.02).")
    autoparts = note_list(
        "USA-232-AUTOPARTS", r"^\(g\) Subject to a manufacturer's import adjustment offset", r"^\(h\) Heading 9903\.94\.06", n33,
        "U.S. note 33(g)", "2025-05-03", "described-goods",
        "Section 232: automobile parts (U.S. note 33(g), subchapter III of chapter 99)", "9903.94.05",
        ("List as printed in HTS 2026 Rev 6; note 33(g) was added effective 3 May 2025 (change record of 2025 Rev 11) and modified in 2025 Revs 23, 24, "
         "30 (retroactive to 3 May 2025), 32 and 2026 Rev 9 (effective 1 May 2026): earlier membership may differ; parts added by the inclusion process "
         "under subdivision (p) are not listed"),
        "{n} provisions at mixed levels; the duty covers only parts of passenger vehicles and light trucks (scope described-goods).")
    n37 = find(r"^37\.$")
    lumber = note_list(
        "USA-232-LUMBER", r"^\(b\) The rates of duty set forth in heading 9903\.76\.01", r"^\(c\) Heading 9903\.76\.02", n37,
        "U.S. note 37(b)", "2025-10-14", "described-goods",
        "Section 232: softwood timber and lumber (U.S. note 37(b), subchapter III of chapter 99)", "9903.76.01",
        "List as printed in HTS 2026 Rev 6; note 37 was added effective 14 Oct 2025 (change record of 2025 Rev 25); 37(b) has no later change-record entry",
        "{n} subheadings; only softwood timber and lumber products (scope described-goods).", complete="true")
    uph = note_list(
        "USA-232-UPHOLSTERED", r"^\(d\) The rates of duty set forth in headings 9903\.76\.02", r"^\(e\) Except for as provided by 9903\.76\.04", n37,
        "U.S. note 37(d)", "2025-10-14", "described-goods",
        "Section 232: upholstered wooden furniture (U.S. note 37(d), subchapter III of chapter 99)", "9903.76.02",
        "List as printed in HTS 2026 Rev 6; note 37(d) added effective 14 Oct 2025 and modified effective 14 Nov 2025 (2025 Rev 32) and 1 May 2026 (2026 Rev 9)",
        "{n} statistical reporting numbers; only upholstered wooden furniture.", level="HTS10")
    cab = note_list(
        "USA-232-CABINETS", r"^\(f\) Except for as provided by 9903\.76\.04, the rates of duty", r"^\(g\) Heading 9903\.76\.04", n37,
        "U.S. note 37(f)", "2025-10-14", "described-goods",
        "Section 232: kitchen cabinets and vanities and their parts (U.S. note 37(f), subchapter III of chapter 99)", "9903.76.03",
        "List as printed in HTS 2026 Rev 6; note 37(f) added effective 14 Oct 2025 and modified effective 14 Nov 2025 (2025 Rev 32) and 1 May 2026 (2026 Rev 9)",
        "{n} statistical reporting numbers; goods other than wooden cabinets and vanities go to 9903.76.04.", level="HTS10")
    n38 = find(r"^38\.$")
    mhdv = note_list(
        "USA-232-MHDV", r"\(b\) The rate of duty set forth in heading 9903\.74\.01", r"\(c\) Heading 9903\.74\.02 applies", n38,
        "U.S. note 38(b)", "2025-11-01", "described-goods",
        "Section 232: medium- and heavy-duty vehicles (U.S. note 38(b), subchapter III of chapter 99)", "9903.74.01",
        "List as printed in HTS 2026 Rev 6; note 38 added effective 1 Nov 2025 (change record of 2025 Rev 26); note 38 modified 23 Apr 2026 (2026 Rev 6)",
        "{n} provisions; articles of these provisions that are not medium- and heavy-duty vehicles go to 9903.74.05.")
    buses = note_list(
        "USA-232-BUSES", r"\(c\) Heading 9903\.74\.02 applies", r"^\(d\) Heading 9903\.74\.03", n38,
        "U.S. note 38(c)", "2025-11-01", "described-goods",
        "Section 232: buses (U.S. note 38(c), subchapter III of chapter 99)", "9903.74.02",
        "List as printed in HTS 2026 Rev 6; note 38 added effective 1 Nov 2025 (change record of 2025 Rev 26)",
        "{n} HTS8 subheadings of heading 8702.", level="HTS8")
    mhdp = note_list(
        "USA-232-MHDV-PARTS", r"^\(i\) The rates of duty set forth in heading 9903\.74\.08", r"^\(j\) Heading 9903\.74\.09", n38,
        "U.S. note 38(i)", "2025-11-01", "described-goods",
        "Section 232: parts of medium- and heavy-duty vehicles (U.S. note 38(i), subchapter III of chapter 99)", "9903.74.08",
        "List as printed in HTS 2026 Rev 6; note 38(i) added effective 1 Nov 2025 and corrected retroactively to 1 Nov 2025 in 2026 Rev 8 (change record), after the snapshot read here",
        "{n} provisions; only parts of medium- and heavy-duty vehicles.")
    n39 = find(r"^39\.$")
    semi = note_list(
        "USA-232-SEMI", r"\(b\) For the purposes of this note, \"semiconductor articles\"", r"To be included within the definition of semiconductor articles", n39,
        "U.S. note 39(b)", "2026-01-15", "described-goods",
        "Section 232: semiconductor articles (logic integrated circuits meeting the technical parameters, or articles containing them) (U.S. note 39(b), subchapter III of chapter 99)",
        "9903.79.01",
        "List as printed in HTS 2026 Rev 6; note 39 added effective 15 Jan 2026 (change record of 2026 Rev 1); 39(a) modified 6 and 23 Apr 2026 and 1 May 2026",
        "{n} six-digit subheadings; only products meeting the technical parameters of note 39(b).", level="mixed")

    # note 16(c)(i)-(x) (regime from 6 Apr 2026)
    n16 = find(r"^16\. \(a\)  Except as provided in headings 9903\.85\.67")
    c16 = find(r"^\(c\) Headings 9903\.82\.02", n16)
    d16 = find(r"^\(d\) Headings 9903\.82\.04 and 9903\.82\.05", c16)
    # The PDF prints the lists in four columns and the text extraction puts a subdivision label in the first column
    # of a row whose columns 2-4 already hold codes; codes printed in columns 2-4 ABOVE the label on the same page
    # then come out under the previous label. Two boundaries of 2026 Rev 6 are affected and are repaired here:
    #  (iv): the list (iii) ends on the previous page (with 7304, 7305, 7306), so every code printed above the (iv)
    #        label on its page belongs to (iv) (7301.20.10, 7301.20.50, 7302.30.00, 7307.19.90, 7307.21.10,
    #        7307.21.50: none is a steel article of Proclamation 9705's definition);
    #  (v):  codes of chapter 74 printed above the (v) label belong to (v) (articles of copper); the others
    #        (chapter 73 and 7614.10.10, aluminum stranded wire with steel core) stay in (iv).
    raw16 = codes_between(c16 + 1, d16, sub_labels=True, with_line=True)
    label_line = {}
    for k in range(c16 + 1, d16):
        m = LABEL.match(HEAD_PREFIX.sub("", TEXT[k].strip()).strip())
        if m:
            label_line[m.group(1)] = k
    moved: dict[str, str] = {}
    for new_lab, rule in (("iv", lambda c: True), ("v", lambda c: c.startswith("74"))):
        k_lab = label_line[new_lab]
        k_head = max(k for k in range(c16, k_lab) if "U.S. Notes (con.)" in TEXT[k])
        for j, (lab, code, k) in enumerate(raw16):
            if k_head <= k < k_lab and lab != new_lab and rule(digits(code)):
                raw16[j] = (new_lab, code, k)
                moved[digits(code)] = f"{lab}->{new_lab}"
    by_sub: dict[str, list[str]] = defaultdict(list)
    for lab, code, _ in raw16:
        by_sub[lab].append(digits(code))
    checks.append({"check": "note 16(c): codes printed above a subdivision label on its page, reassigned", "ours": len(moved),
                   "theirs": "", "common": "", "only_ours": " ".join(f"{c}({v})" for c, v in sorted(moved.items())),
                   "only_theirs": "", "note": "see the comment in extract_us_lists.py"})
    metal_ch = ("72", "73", "74", "76")
    sub_lists = {
        "i": ("USA-232-ALU", "articles of aluminum", "9903.82.02"),
        "ii": ("USA-232-ALU-DERIV-2026-II", "derivative aluminum articles (first list)", "9903.82.02"),
        "iii": ("USA-232-STEEL", "articles of steel", "9903.82.02"),
        "iv": ("USA-232-STEEL-DERIV-2026-IV", "derivative steel articles (first list)", "9903.82.02"),
        "v": ("USA-232-COPPER", "articles of copper (first list)", "9903.82.02"),
        "vi": ("USA-232-ALU-DERIV-2026-VI", "derivative aluminum articles (second list)", "9903.82.09"),
        "vii": ("USA-232-STEEL-DERIV-2026-VII", "derivative steel articles (second list)", "9903.82.09"),
        "viii": ("USA-232-COPPER-2026-VIII", "articles of copper (second list)", "9903.82.09"),
        "ix": ("USA-232-ALU-DERIV-2026-IX", "derivative aluminum articles (third list)", "9903.82.07"),
        "x": ("USA-232-STEEL-DERIV-2026-X", "derivative steel articles (third list)", "9903.82.07"),
    }
    heading_text = {
        "9903.82.02": "9903.82.02 (+50%) for (i)-(v)",
        "9903.82.09": "9903.82.09 (+25%) for (vi)-(viii); 9903.82.06 (+10%) for (ii), (iv), (vi)-(viii) under subdivision (e)",
        "9903.82.07": "9903.82.07 (10% where the column 1 rate is below 10%) and 9903.82.08 (no change otherwise) for (ix)-(x)",
    }
    if sorted(by_sub) != sorted(sub_lists):
        raise SystemExit(f"note 16(c) subdivisions found: {sorted(by_sub)}")
    unc16 = ("List as printed in HTS 2026 Rev 6; note 16 was replaced effective 6 Apr 2026 (Proclamation 11021; change record of 2026 Rev 5), "
             "modified 23 Apr 2026 (2026 Rev 6) and corrected retroactively to 6 Apr 2026 in 2026 Rev 7 (16(a), (e)); 2026 Rev 10 (Proclamation 11032, "
             "8 Jun 2026) added subdivision (c)(xi) and other lists that are not read here (no note text of Rev 7-10 reachable)")
    for sub, (lid, what, heading) in sub_lists.items():
        for code in by_sub[sub]:
            ok = valid_in(code, E6, codes)
            scope = "whole-line" if code[:2] in metal_ch else "described-goods"
            mv = (f"; printed above the ({sub}) label on its page in the text extraction and assigned to ({sub}) by the "
                  f"rule documented in extract_us_lists.py") if code in moved else ""
            add_line(lid, code, E6, "2026-04-06", "", scope, "", f"U.S. note 16(c)({sub})", R6,
                     unc16 + mv + ("" if ok else f"; code not found in {E6}"))
        stated.append({"list_id": lid, "snapshot": f"HTS 2026 Rev 6 U.S. note 16(c)({sub})", "level": "mixed",
                       "stated": "", "encoded": str(len(by_sub[sub]))})
        if lid in ("USA-232-ALU", "USA-232-STEEL", "USA-232-COPPER"):
            continue  # these lists also hold the earlier regime; defined below
        add_list(lid, f"Section 232 from 6 April 2026: {what} (U.S. note 16(c)({sub}), subchapter III of chapter 99)",
                 heading, "products", "mixed", "", "", "false", unc16,
                 (f"{len(by_sub[sub])} provisions as printed. Headings: {heading_text[heading]}. Outside chapters 72, 73, 74 and 76 the duty applies only where "
                  "the metal is at least 15% of the article's weight (those rows have scope described-goods); other headings of 9903.82 apply to UK and "
                  "Russian goods. No tariff_events row covers the regime of 6 April 2026 yet."))

    # ---------------- earlier regime (derived files)
    mc = list(csv.DictReader(open(INPUTS / "s232_metal_chapter_products.csv", encoding="utf-8")))
    dp = list(csv.DictReader(open(INPUTS / "s232_derivative_products.csv", encoding="utf-8")))
    cp = list(csv.DictReader(open(INPUTS / "s232_copper_products.csv", encoding="utf-8")))
    END_OLD = "2026-04-06"
    derived_unc = ("derived file of the tracker (not checked against the legal text, which is not reachable for 2018-2025 here); "
                   "membership ended 6 Apr 2026 when note 16 was replaced (Proclamation 11021)")
    for metal, lid in (("steel", "USA-232-STEEL"), ("aluminum", "USA-232-ALU")):
        for r in mc:
            if r["metal_type"] != metal or r["kind"] != "mill":
                continue
            code = r["hts_prefix"]
            ed = "HTS-2025-BASIC"
            ok = valid_in(code, ed, codes)
            add_line(lid, code, ed, "2018-03-23", END_OLD, "whole-line", "", "", "trt-s232-metal-chapter-products",
                     f"tracker's source note: {r['source']}; " + derived_unc + "; valid_from = 23 Mar 2018, the date Proclamations 9704/9705 applied (the tracker attributes the row to them); "
                     "code checked in the HTS 2025 Basic nomenclature only" + ("" if ok else "; code not found in HTS-2025-BASIC"))
    old_start = {"": "2020-02-08"}
    for metal, lid, heads in (("steel", "USA-232-STEEL-DERIV", "9903.80.02 (2020), 9903.81.89-9903.81.93 (2025)"),
                              ("aluminum", "USA-232-ALU-DERIV", "9903.85.04, 9903.85.07 (2020), 9903.85.04-9903.85.08 (2025)")):
        seen: dict[str, dict] = {}
        for r in mc:
            if r["metal_type"] == metal and r["kind"] == "derivative":
                seen.setdefault(r["hts_prefix"], {"start": r["effective_date"] or "2020-02-08", "src": "trt-s232-metal-chapter-products",
                                                  "item": f"tracker's source note: {r['source']}"})
        for r in dp:
            if r["derivative_type"] == metal:
                start = r["effective_date"] or "2025-03-12"
                cur = seen.get(r["hts_prefix"])
                if cur is None or start < cur["start"]:
                    seen[r["hts_prefix"]] = {"start": start, "src": "trt-s232-derivative-products",
                                             "item": f"heading {r['ch99_code']} per the tracker"}
        left_out: list[str] = []
        for code, v in seen.items():
            ed = ed_of(v["start"]) if v["start"] >= "2025-01-01" else "HTS-2025-BASIC"
            ok = valid_in(code, ed, codes)
            if not ok:
                # never convert a code: one that is not a line of its edition is left out and named
                left_out.append(f"{code[:4]}.{code[4:6]}.{code[6:]} ({ed})")
                continue
            extra = ""
            if v["start"] == "2020-02-08":
                extra = "; valid_from = 8 Feb 2020, the date Proclamation 9980 (85 FR 5281) applied (the tracker attributes the row to it)"
            elif v["src"] == "trt-s232-derivative-products" and v["start"] == "2025-03-12":
                extra = "; no date in the derived file: 12 Mar 2025 (Proclamations 10895/10896) assumed"
            if v["src"] == "trt-s232-derivative-products":
                extra += "; the tracker truncated published HTS10 numbers of this file to HTS8 (its commit d39c270), so the code may be broader than the legal text"
            add_line(lid, code, ed, v["start"], END_OLD, "described-goods", "", "", v["src"],
                     v["item"] + "; " + derived_unc + extra + ("" if ok else f"; code not found in {ed}"))
        add_list(lid, f"Section 232 derivative {'steel' if metal == 'steel' else 'aluminum'} articles, 2020 to 5 April 2026 (derived, partial)",
                 "", "products", "mixed", "", "", "false",
                 ("Derived and partial: union of the tracker's resources/s232_metal_chapter_products.csv (derivative rows) and resources/s232_derivative_products.csv; "
                  "the Federal Register annexes and the 2025 inclusion notices were not read; codes of the second file were truncated to HTS8 by the tracker."
                  + (f" Left out because they are not lines of the HTS edition they would be written in: {', '.join(sorted(left_out))}." if left_out else "")),
                 f"Headings over the period, per the tracker's files (heading left empty: several): {heads}. The duty applies to the value of the steel or aluminum content from 4 Jun 2025 (scope described-goods).")
        stated.append({"list_id": lid, "snapshot": "derived files (2020-2026)", "level": "mixed", "stated": "",
                       "encoded": str(len(seen))})
    for r in cp:
        code = r["hts10"]
        ed = "HTS-2025-REV-17"
        ok = valid_in(code, ed, codes)
        add_line("USA-232-COPPER", code, ed, "2025-08-01", END_OLD, "described-goods", "", "", "trt-s232-copper-products",
                 f"heading {r['ch99_code']} per the tracker; " + derived_unc + "; note 36 (copper) was added effective 1 Aug 2025 (2025 Rev 17), its subdivision (a) modified in Revs 24 and 32, and "
                 "deleted effective 6 Apr 2026 (2026 Rev 5)" + ("" if ok else f"; code not found in {ed}"))
    add_list("USA-232-STEEL", "Section 232: steel articles (Proclamation 9705 of 2018; from 6 April 2026 U.S. note 16(c)(iii))", "9903.82.02",
             "products", "mixed", "", "", "false",
             ("2018-2026 rows: derived (tracker's resources/s232_metal_chapter_products.csv, heading-level definition of Proclamation 9705 and note 16(b)); "
              "from 6 Apr 2026: note 16(c)(iii) of HTS 2026 Rev 6. " + unc16),
             "Headings: 9903.80.01 (2018), 9903.81.87 (12 Mar 2025), 9903.82.02 (6 Apr 2026). Derivative steel articles are in USA-232-STEEL-DERIV (to 5 Apr 2026) and USA-232-STEEL-DERIV-2026-*.")
    add_list("USA-232-ALU", "Section 232: aluminum articles (Proclamation 9704 of 2018; from 6 April 2026 U.S. note 16(c)(i))", "9903.82.02",
             "products", "mixed", "", "", "false",
             ("2018-2026 rows: derived (tracker's resources/s232_metal_chapter_products.csv, heading-level definition of Proclamation 9704 and note 19(b)); "
              "from 6 Apr 2026: note 16(c)(i) of HTS 2026 Rev 6. " + unc16),
             "Headings: 9903.85.01 (2018), 9903.85.02 (12 Mar 2025), 9903.82.02 (6 Apr 2026). Derivative aluminum articles are in USA-232-ALU-DERIV and USA-232-ALU-DERIV-2026-*.")
    add_list("USA-232-COPPER", "Section 232: semi-finished copper and copper derivatives (9903.78.01, U.S. note 36, 1 Aug 2025 - 5 Apr 2026; from 6 April 2026 U.S. note 16(c)(v))",
             "9903.82.02", "products", "mixed", "", "", "false",
             ("1 Aug 2025 - 5 Apr 2026: derived (tracker's resources/s232_copper_products.csv; note 36 text not reachable); from 6 Apr 2026: note 16(c)(v) of HTS 2026 Rev 6. "
              + unc16),
             "Headings: 9903.78.01 (1 Aug 2025, 50% on the copper content), 9903.82.02 (6 Apr 2026). The second copper list of 2026 is USA-232-COPPER-2026-VIII.")
    for lid, snap, n in (("USA-232-STEEL", "derived (2018-2026)", sum(1 for r in mc if r["metal_type"] == "steel" and r["kind"] == "mill")),
                         ("USA-232-ALU", "derived (2018-2026)", sum(1 for r in mc if r["metal_type"] == "aluminum" and r["kind"] == "mill")),
                         ("USA-232-COPPER", "derived (2025-2026)", len(cp))):
        stated.append({"list_id": lid, "snapshot": snap, "level": "mixed", "stated": "", "encoded": str(n)})

    # ============================================================ cross-checks against the derived files
    def check(name, ours, theirs, note=""):
        ours, theirs = set(ours), set(theirs)
        checks.append({"check": name, "ours": len(ours), "theirs": len(theirs), "common": len(ours & theirs),
                       "only_ours": " ".join(sorted(ours - theirs)), "only_theirs": " ".join(sorted(theirs - ours)), "note": note})

    check("IEEPA note 2(v)(iii)(a) 2026 Rev 6 vs annex_ii_first_appearance (last_revision 2026_rev_9)", note_a,
          {tracker_alias.get(r["prefix"], r["prefix"]) for r in fa if r["last_revision"] == "2026_rev_9"},
          "the tracker's 85051100 counted as the note's 8505110070")
    ie = list(csv.DictReader(open(INPUTS / "ieepa_exempt_products.csv", encoding="utf-8")))
    ie_cur = {r["hts10"] for r in ie if r["effective_date_end"] == "NA"}
    uncovered = sorted(c for c in ie_cur if not any(c.startswith(p) for p in note_a_set | {"85051100"}))
    checks.append({"check": "ieepa_exempt_products (HTS10, no end date) not under any code of note 2(v)(iii)(a)",
                   "ours": len(note_a), "theirs": len(ie_cur), "common": len(ie_cur) - len(uncovered), "only_ours": "",
                   "only_theirs": " ".join(uncovered), "note": "HTS10 rows of the tracker's exception set that no code of the note covers"})
    s122 = {r["hts8"] for r in csv.DictReader(open(INPUTS / "s122_exempt_products.csv", encoding="utf-8"))}
    ours122 = set(s122_ii) | set(s122_iv) | {digits(c) for _, c, _ in s122_iii}
    check("Section 122 note 2(aa)(ii)-(iv) vs s122_exempt_products.csv", ours122, s122)
    ap = [ln.strip() for ln in open(INPUTS / "s232_auto_parts.txt", encoding="utf-8") if ln.strip()]
    check("note 33(g) vs s232_auto_parts.txt", autoparts, ap)
    mp = [ln.strip() for ln in open(INPUTS / "s232_mhd_parts.txt", encoding="utf-8") if ln.strip()]
    check("note 38(i) vs s232_mhd_parts.txt", mhdp, mp)
    sp = {r["hts10"] for r in csv.DictReader(open(INPUTS / "s232_semi_products.csv", encoding="utf-8"))}
    check("note 39(b) vs s232_semi_products.csv (HTS10 rows)", semi, sp, "the tracker lists HTS10 numbers under the note's six-digit subheadings")

    an = list(csv.DictReader(open(INPUTS / "s232_annex_products.csv", encoding="utf-8")))
    ours16 = {c for sub in by_sub.values() for c in sub}
    check("note 16(c)(i)-(x) 2026 Rev 6 vs s232_annex_products.csv (rows dated 2026-04-06)", ours16,
          {r["hts_prefix"] for r in an if r["effective_date"] == "2026-04-06"},
          "the tracker's annex file also draws on the proclamation annexes (source 'proclamation')")
    check("note 16(c) 2026 Rev 6 vs s232_annex_products.csv rows of 2026-06-08 (Proclamation 11032)", set(),
          {r["hts_prefix"] for r in an if r["effective_date"] == "2026-06-08"}, "not encoded: Rev 10 note text not reachable")

    # ============================================================ write
    lines.sort(key=lambda r: (r["list_id"], r["code"], r["valid_from"]))
    keys = [(r["list_id"], r["code"], r["valid_from"]) for r in lines]
    if len(set(keys)) != len(keys):
        dup = [k for k in set(keys) if keys.count(k) > 1]
        raise SystemExit(f"duplicate product_list_lines keys: {dup[:5]}")
    write(OUT / "product_lists.csv", sorted(lists.values(), key=lambda r: r["list_id"]),
          ["list_id", "imposing", "title", "heading", "kind", "code_level", "stated_lines", "stated_in", "complete",
           "uncertainty", "notes"])
    write(OUT / "product_list_lines.csv", lines,
          ["list_id", "code", "edition_id", "valid_from", "valid_to", "scope", "description", "item", "source_id", "uncertainty"])
    write(OUT / "stated_counts.csv", sorted(stated, key=lambda r: (r["list_id"], r["snapshot"])),
          ["list_id", "snapshot", "level", "stated", "encoded"])
    write(HERE / "checks.csv", checks, ["check", "ours", "theirs", "common", "only_ours", "only_theirs", "note"])
    events = [
        *[(e, "USA-IEEPA-ANNEX-II") for e in ("USA-CHN-2025-IEEPA-RECIP-BASE10", "USA-CHN-2025-IEEPA-RECIP-34", "USA-CHN-2025-IEEPA-RECIP-84",
                                                "USA-CHN-2025-IEEPA-RECIP-125", "USA-CHN-2025-IEEPA-RECIP-GENEVA10",
                                                "USA-CHN-2025-IEEPA-RECIP-EXT-NOV25", "USA-CHN-2025-IEEPA-RECIP-EXT-NOV26")],
        ("USA-CHN-2025-IEEPA-RECIP-EXT-NOV26", "USA-IEEPA-ANNEX-II-B"),
        ("USA-CHN-2025-IEEPA-RECIP-EXCL-SEMI", "USA-IEEPA-ELECTRONICS"),
        *[("USA-CHN-2026-122-SURCHARGE", x) for x in ("USA-122-ANNEX", "USA-122-PARTICULAR", "USA-122-AIRCRAFT")],
        *[(e, x) for e in ("USA-CHN-2018-232-STEEL", "USA-CHN-2025-232-STEEL25", "USA-CHN-2025-232-STEEL50")
          for x in ("USA-232-STEEL", "USA-232-STEEL-DERIV")],
        *[(e, x) for e in ("USA-CHN-2018-232-ALU", "USA-CHN-2025-232-ALU25", "USA-CHN-2025-232-ALU50")
          for x in ("USA-232-ALU", "USA-232-ALU-DERIV")],
        ("USA-CHN-2025-232-COPPER", "USA-232-COPPER"),
        ("USA-CHN-2025-232-AUTOS", "USA-232-AUTOS"),
        ("USA-CHN-2025-232-AUTOPARTS", "USA-232-AUTOPARTS"),
        ("USA-CHN-2025-232-LUMBER", "USA-232-LUMBER"),
        ("USA-CHN-2025-232-UPHOLSTERED", "USA-232-UPHOLSTERED"),
        ("USA-CHN-2025-232-CABINETS", "USA-232-CABINETS"),
        ("USA-CHN-2025-232-TRUCKS", "USA-232-MHDV"),
        ("USA-CHN-2025-232-BUSES", "USA-232-BUSES"),
        ("USA-CHN-2025-232-TRUCKPARTS", "USA-232-MHDV-PARTS"),
        ("USA-CHN-2026-232-SEMI", "USA-232-SEMI"),
    ]
    known = {r["event_id"] for r in csv.DictReader(open(SOURCES / "tariff_events.csv", encoding="utf-8"))}
    for e, lid in events:
        if e not in known or lid not in lists:
            raise SystemExit(f"event_lists: unknown {e} or {lid}")
    write(OUT / "event_lists.csv", [{"event_id": e, "list_id": l} for e, l in sorted(set(events))], ["event_id", "list_id"])
    write_sources(OUT / "sources.csv", SOURCE_ROWS, {r["source_id"] for r in lines})
    per = defaultdict(int)
    for r in lines:
        per[r["list_id"]] += 1
    for k in sorted(per):
        print(f"{k:32s} {per[k]:5d} rows")
    print(f"{len(lists)} lists, {len(lines)} rows")
    return 0


def write(path: Path, rows: list[dict], fields: list[str]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


SOURCE_ROWS = [
    {"source_id": "hts-2026-rev-6-ch99",
     "title": "Harmonized Tariff Schedule of the United States (2026 Revision 6), Chapter 99 (U.S. notes), text",
     "publisher": "U.S. International Trade Commission",
     "url": "https://hts.usitc.gov/reststop/file?release=2026HTSRev6&filename=Chapter+99",
     "published_date": "2026-04-23", "language": "en", "kind": "legal",
     "reference": ("HTSUS 2026 Revision 6, chapter 99, subchapter III, U.S. notes 2(v)(iii), 2(aa), 16, 20, 31, 33, 37, 38, 39 and headings 9903.82, 9903.88, 9903.91, 9903.92 (posted 2026-04-23 per the "
                   "USITC change record; URL as built by the tracker's src/revisions.R for release 2026HTSRev6); text extracted from the PDF by the tracker, "
                   f"read from {TRT} data/us_notes/chapter99_2026_rev_6.txt @{C}"),
     "checked": "true"},
    {"source_id": "trt-annex-ii-first-appearance",
     "title": "Annex II first-appearance dates: codes of U.S. note 2(v)(iii) by first and last HTS revision (derived file)",
     "publisher": "Tariff Rate Tracker (arifshehab/tariff-rate-tracker)",
     "url": f"{BLOB}/resources/annex_ii_first_appearance.csv", "published_date": "", "language": "en", "kind": "research",
     "reference": (f"built by scripts/build_annex_ii_dates.R from the chapter 99 PDFs of HTS 2025 Rev 7 - 2026 Rev 9 with legal dates from the USITC "
                   f"change records; read from {TRT} resources/annex_ii_first_appearance.csv @{C}"),
     "checked": "true"},
    {"source_id": "trt-s232-metal-chapter-products",
     "title": "Section 232 steel and aluminum articles and derivatives by HTS prefix (derived file)",
     "publisher": "Tariff Rate Tracker (arifshehab/tariff-rate-tracker)",
     "url": f"{BLOB}/resources/s232_metal_chapter_products.csv", "published_date": "", "language": "en", "kind": "research",
     "reference": f"derived from HTS chapter 99 notes 16 and 19 and Proclamations 9704, 9705, 9980, 10895, 10896; read from {TRT} resources/s232_metal_chapter_products.csv @{C}",
     "checked": "true"},
    {"source_id": "trt-s232-derivative-products",
     "title": "Section 232 derivative aluminum and steel products by HTS8 prefix with chapter 99 heading and date (derived file)",
     "publisher": "Tariff Rate Tracker (arifshehab/tariff-rate-tracker)",
     "url": f"{BLOB}/resources/s232_derivative_products.csv", "published_date": "", "language": "en", "kind": "research",
     "reference": f"derived from HTS chapter 99 notes 16 and 19 and the inclusions notice FR 2025-15819; read from {TRT} resources/s232_derivative_products.csv @{C}",
     "checked": "true"},
    {"source_id": "trt-s232-copper-products",
     "title": "Section 232 copper products under heading 9903.78.01 by HTS8 (derived file)",
     "publisher": "Tariff Rate Tracker (arifshehab/tariff-rate-tracker)",
     "url": f"{BLOB}/resources/s232_copper_products.csv", "published_date": "", "language": "en", "kind": "research",
     "reference": f"derived from HTS chapter 99 note 36 (Proclamation of 30 July 2025 on copper); read from {TRT} resources/s232_copper_products.csv @{C}",
     "checked": "true"},
]


if __name__ == "__main__":
    sys.exit(main())
