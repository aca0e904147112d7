"""Extract the US HTS (2025 Basic .. 2026 Revision 10) and the HS 2017 / HS 2022 six-digit nomenclatures.

Python 3.11, standard library only, except openpyxl for the HS 2022-2017 correlation workbook (install it in a
throwaway venv outside the repository). Run after fetch_inputs.sh (or ../run_all.sh):

    python extract_nomenclature.py            # writes the tables below; deterministic (sorted, LF, UTF-8)

Inputs (./inputs/, each checked against MANIFEST.sha256 before use):
  hts_archives/hts_<year>_<basic|rev_N>.json.gz   USITC HTS JSON exports, one per revision (44 files)
  revision_dates.csv                              the tracker's revision dates (recorded in notes only)
  change_records.csv (this folder)                official posting date of each revision, read from the USITC
                                                  change records by change_record_dates.py
  harmonized-system-hs2022.csv / -hs2017.csv      UN Comtrade HS 2022 / HS 2017 six-digit lists (datasets/harmonized-system)
  HS2022toHS2017ConversionAndCorrelationTables.xlsx   UNSD correlation table (insongkim/concordance data-raw)

Outputs (out/ holds the complete set of rows this extraction owns; ../combine.py merges it into datasets/sources):
  out/tariff_lines.csv            HTS8 + HTS10 lines as validity intervals; HS 2017 and HS 2022 subheadings
  out/nomenclature_editions.csv   the editions of this extraction (HTS 2025 Basic .. 2026 Rev 10, HS 2017, HS 2022)
  out/sources.csv                 the sources of those editions
  hs2017_hs2022.csv                         the HS 2022 -> HS 2017 correlation (hs2022, hs2017, relationship)
  hts_line_stats.csv                        per revision: HTS8 lines, HTS10 lines, HTS8 lines whose general rate
                                            sits on their only 10-digit row, ...

Rules (see README.md): a line is a JSON row whose htsno has 8 or 10 digits. Description = the row's own
description (no parent context); HTML-like markup of the export removed (<i>, <u>, <b>, <sup>, <sub>, <il>,
<em>, <span>; <br />, <newline>, <nl/> become a space), since some revisions carry it and others do not;
white space runs (including line breaks) collapsed to one space, zero-width spaces removed, ends trimmed. When an HTS8 line is published only as a single 10-digit row (xxxx.xx.xx.00 with
the rate on it, which is how USITC prints an 8-digit line with one statistical suffix), the HTS8 line takes that
row's description and general rate and the HTS10 line is written too (without rate). general_rate = the General
column text, white space collapsed and trimmed; mfn_pct only for "Free" (0) and "N%" (N).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
INPUTS = HERE / "inputs"
sys.path.insert(0, str(HERE.parent))
from out_tables import out_dir, write_sources, write_table  # noqa: E402

OUT = out_dir(HERE)

# (edition_id, tracker revision id, archive file). Order = publication order.
HTS_EDITIONS: list[tuple[str, str, str]] = (
    [("HTS-2025-BASIC", "basic", "hts_2025_basic.json.gz")]
    + [(f"HTS-2025-REV-{n}", f"rev_{n}", f"hts_2025_rev_{n}.json.gz") for n in range(1, 33)]
    + [("HTS-2026-BASIC", "2026_basic", "hts_2026_basic.json.gz")]
    + [(f"HTS-2026-REV-{n}", f"2026_rev_{n}", f"hts_2026_rev_{n}.json.gz") for n in range(1, 11)]
)
# 2026 Revision 10 has no change record in the tracker repository: its date is the one of revision_dates.csv.
REV10_2026_DATE = "2026-06-08"
TRT = "github.com/arifshehab/tariff-rate-tracker"
TRT_COMMIT = "9919812fe16ad61d72318dc7b96d387cc6c226da"
HSD = "github.com/datasets/harmonized-system"
HSD_2022 = "905e5a0fa29f5700d62cb3cc1265f21bc8a92329"
HSD_2017 = "a72bef25b2749cd04a824b8b46b71c89e566b4bb"

WS = re.compile(r"\s+")
BREAK = re.compile(r"<\s*(?:br|newline|nl)\s*/?\s*>|<\s*/\s*newline\s*>", re.I)
TAG = re.compile(r"</?[A-Za-z][^<>]*>")
PCT = re.compile(r"(\d+(?:\.\d+)?)%")


def check_inputs() -> None:
    for line in (HERE / "MANIFEST.sha256").read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        path = INPUTS / name.strip().lstrip("*")
        got = hashlib.sha256(path.read_bytes()).hexdigest()
        if got != digest:
            raise SystemExit(f"{path}: sha256 {got} != {digest} (MANIFEST.sha256)")


def clean(text: str | None) -> str:
    text = BREAK.sub(" ", text or "")
    text = TAG.sub("", text)
    return WS.sub(" ", text.replace("\u200b", "")).strip()


def mfn_pct(rate: str) -> str:
    if rate == "Free":
        return "0"
    m = PCT.fullmatch(rate)
    return m.group(1) if m else ""


def read_edition(path: Path, stats: dict) -> dict[str, tuple[str, str]]:
    """code -> (description, general_rate) for every HTS8 and HTS10 line of one revision."""
    rows = json.loads(gzip.decompress(path.read_bytes()))
    r8: dict[str, dict] = {}
    r10: dict[str, dict] = {}
    for r in rows:
        code = re.sub(r"\D", "", r.get("htsno") or "")
        if len(code) == 8:
            if code in r8:
                raise SystemExit(f"{path.name}: HTS8 {code} twice")
            r8[code] = r
        elif len(code) == 10:
            if code in r10:
                raise SystemExit(f"{path.name}: HTS10 {code} twice")
            r10[code] = r
    kids: dict[str, list[str]] = {}
    for c in r10:
        kids.setdefault(c[:8], []).append(c)
    out: dict[str, tuple[str, str]] = {}
    for c, r in r10.items():
        out[c] = (clean(r["description"]), "")
    n_from10 = n_norate = n_8_kidrate = n_orphan10 = 0
    for c8 in sorted(set(r8) | set(kids)):
        if c8 in r8:
            r = r8[c8]
            out[c8] = (clean(r["description"]), clean(r["general"]))
            if not out[c8][1] and any(clean(r10[k]["general"]) for k in kids.get(c8, [])):
                n_8_kidrate += 1  # rate printed on a 10-digit child of an 8-digit row (never seen)
        else:
            ks = kids[c8]
            if len(ks) != 1:
                raise SystemExit(f"{path.name}: HTS8 {c8} has no row of its own and {len(ks)} 10-digit rows")
            r = r10[ks[0]]
            if not clean(r["general"]) and str(r.get("indent")) not in ("0", "1"):
                # a statistical number printed under no 8-digit line and without a rate (9401.99.30.30 in
                # 2025 Rev 16, indent 5): kept as an HTS10 line only, no HTS8 line is made up for it
                n_orphan10 += 1
                continue
            out[c8] = (clean(r["description"]), clean(r["general"]))
            n_from10 += 1
        if not out[c8][1]:
            n_norate += 1
    stats.update(
        hts8=sum(len(c) == 8 for c in out), hts10=sum(len(c) == 10 for c in out),
        hts8_own_row=len(r8), hts8_from_single_10digit_row=n_from10,
        hts8_rate_on_10digit_child=n_8_kidrate, hts8_without_general_rate=n_norate,
        hts8_chapters_98_99=sum(len(c) == 8 and c[:2] in ("98", "99") for c in out),
        hts10_without_hts8=n_orphan10,
    )
    return out


def edition_dates() -> list[tuple[str, str, str, str]]:
    """(edition_id, tracker revision, effective_date, revision_dates.csv date) in order."""
    cr = {r["edition_id"]: r for r in csv.DictReader(open(HERE / "change_records.csv", encoding="utf-8"))}
    rd = {r["revision"]: r["effective_date"] for r in csv.DictReader(open(INPUTS / "revision_dates.csv", encoding="utf-8"))}
    out = []
    for ed, rev, _ in HTS_EDITIONS:
        if ed.endswith("-BASIC"):
            date = f"{ed[4:8]}-01-01"
        elif ed == "HTS-2026-REV-10":
            date = REV10_2026_DATE
        else:
            date = cr[ed]["published_date"]
        out.append((ed, rev, date, rd.get(rev, "")))
    dates = [d for _, _, d, _ in out]
    if dates != sorted(dates) or len(set(dates)) != len(dates):
        raise SystemExit("edition dates are not strictly increasing")
    return out


def intervals(seq: list[tuple[str, str, str, dict]]) -> list[dict]:
    """seq: (edition_id, effective, end, {code: (desc, rate)}) in order -> tariff_lines rows (HTS)."""
    rows = []
    open_: dict[str, dict] = {}
    for i, (ed, eff, end, lines) in enumerate(seq):
        for code in list(open_):
            row = open_[code]
            if lines.get(code) != (row["description"], row["general_rate"]):
                rows.append(open_.pop(code))
        for code, (desc, rate) in lines.items():
            if code in open_:
                open_[code]["last_edition"] = ed
                open_[code]["valid_to"] = end
            else:
                open_[code] = {
                    "nomenclature": "HTS", "code": code, "valid_from": eff, "valid_to": end,
                    "first_edition": ed, "last_edition": ed, "description": desc,
                    "general_rate": rate if len(code) == 8 else "",
                    "mfn_pct": mfn_pct(rate) if len(code) == 8 else "",
                }
    rows.extend(open_.values())
    return rows


FIELDS_LINES = ["nomenclature", "code", "valid_from", "valid_to", "first_edition", "last_edition",
                "description", "general_rate", "mfn_pct"]
FIELDS_ED = ["edition_id", "nomenclature", "title", "effective_date", "end_date", "hs_edition_id",
             "lines_encoded", "source_id", "uncertainty", "notes"]


def title_of(ed: str) -> str:
    year = ed[4:8]
    if ed.endswith("-BASIC"):
        return f"Harmonized Tariff Schedule of the United States ({year}) Basic Edition"
    return f"Harmonized Tariff Schedule of the United States ({year}) Revision {ed.rsplit('-', 1)[1]}"


def source_id_of(ed: str) -> str:
    return ed.lower()


def read_hs(path: Path) -> dict[str, str]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["level"] == "6"]
    return {r["hscode"]: clean(r["description"]) for r in rows}


def hts_url(ed: str) -> str:
    base = "https://www.usitc.gov/sites/default/files/tata/hts"
    year = ed[4:8]
    if ed.endswith("-BASIC"):
        return f"{base}/hts_{year}_basic_edition_json.json"
    return f"{base}/hts_{year}_revision_{ed.rsplit('-', 1)[1]}_json.json"


def source_rows(dates: list[tuple[str, str, str, str]]) -> list[dict]:
    rows = []
    for (ed, rev, eff, _), (_, _, fname) in zip(dates, HTS_EDITIONS):
        year = ed[4:8]
        label = f"{year} Basic Edition" if ed.endswith("-BASIC") else f"{year} Revision {ed.rsplit('-', 1)[1]}"
        rows.append({
            "source_id": source_id_of(ed),
            "title": f"Harmonized Tariff Schedule of the United States ({label}), JSON export",
            "publisher": "U.S. International Trade Commission",
            "url": hts_url(ed),
            "published_date": eff,
            "language": "en",
            "kind": "legal",
            "reference": (f"HTSUS {label} (USITC), posted {eff}"
                          + (" per the USITC change record of the revision" if not ed.endswith("-BASIC") and ed != "HTS-2026-REV-10" else "")
                          + (" per the tracker's config/revision_dates.csv (no change record reachable)" if ed == "HTS-2026-REV-10" else "")
                          + f"; read from {TRT} data/hts_archives/{fname} @{TRT_COMMIT}"),
            "checked": "true",
        })
    rows.append({
        "source_id": "hs-2017",
        "title": "Harmonized System 2017 (HS 2017): six-digit subheadings (UN Comtrade classification list)",
        "publisher": "World Customs Organization (list as published by UN Comtrade)",
        "url": "http://www.wcoomd.org/en/topics/nomenclature/instrument-and-tools.aspx",
        "published_date": "", "language": "en", "kind": "legal",
        "reference": (f"HS Nomenclature 2017 edition (WCO); UN Comtrade reference table; read from {HSD} "
                      f"data/harmonized-system.csv @{HSD_2017}"),
        "checked": "true",
    })
    rows.append({
        "source_id": "hs-2022",
        "title": "Harmonized System 2022 (HS 2022): six-digit subheadings (UN Comtrade classification list)",
        "publisher": "World Customs Organization (list as published by UN Comtrade)",
        "url": "http://www.wcoomd.org/en/topics/nomenclature/instrument-and-tools/hs-nomenclature-2022-edition.aspx",
        "published_date": "", "language": "en", "kind": "legal",
        "reference": (f"HS Nomenclature 2022 edition (WCO); UN Comtrade classification H6; read from {HSD} "
                      f"data/harmonized-system.csv @{HSD_2022}"),
        "checked": "true",
    })
    rows.append({
        "source_id": "unsd-hs2022-hs2017-correlation",
        "title": "HS 2022 to HS 2017 Correlation and Conversion Tables",
        "publisher": "United Nations Statistics Division",
        "url": "https://unstats.un.org/unsd/trade/classifications/correspondence-tables.asp",
        "published_date": "", "language": "en", "kind": "government",
        "reference": ("UNSD correspondence tables, HS2022toHS2017ConversionAndCorrelationTables.xlsx; read from "
                      "github.com/insongkim/concordance data-raw/HS2022toHS2017ConversionAndCorrelationTables.xlsx "
                      "@201c812e51f213d967d8701b6ed6398c79df4a04"),
        "checked": "true",
    })
    return rows


def main() -> int:
    check_inputs()
    dates = edition_dates()
    seq, stats_rows = [], []
    for k, ((ed, rev, eff, rd), (_, _, fname)) in enumerate(zip(dates, HTS_EDITIONS)):
        end = dates[k + 1][2] if k + 1 < len(dates) else ""
        st: dict = {}
        lines = read_edition(INPUTS / "hts_archives" / fname, st)
        seq.append((ed, eff, end, lines))
        stats_rows.append({"edition_id": ed, "file": fname, **st})
    hts_rows = intervals([(ed, eff, end, lines) for ed, eff, end, lines in seq])

    # HS editions (999999 "Commodities not specified according to kind" is a UN Comtrade code, not HS)
    hs22 = read_hs(INPUTS / "harmonized-system-hs2022.csv")
    hs17 = read_hs(INPUTS / "harmonized-system-hs2017.csv")
    hs22.pop("999999", None)
    hs17.pop("999999", None)
    hs_rows = []
    for code, desc in hs22.items():
        hs_rows.append({"nomenclature": "HS", "code": code, "valid_from": "2022-01-01", "valid_to": "",
                        "first_edition": "HS-2022", "last_edition": "HS-2022", "description": desc,
                        "general_rate": "", "mfn_pct": ""})
    for code, desc in hs17.items():
        hs_rows.append({"nomenclature": "HS", "code": code, "valid_from": "2017-01-01", "valid_to": "2022-01-01",
                        "first_edition": "HS-2017", "last_edition": "HS-2017", "description": desc,
                        "general_rate": "", "mfn_pct": ""})

    # correlation HS 2022 -> HS 2017
    import openpyxl  # only this step needs it

    wb = openpyxl.load_workbook(INPUTS / "HS2022toHS2017ConversionAndCorrelationTables.xlsx", read_only=True)
    ws = wb["HS2022-HS2017 Correlations"]
    corr = []
    for i, row in enumerate(ws.iter_rows(values_only=True)):
        if i < 2 or not any(row):
            continue
        a, b, rel = (str(x).strip() for x in row[:3])
        corr.append({"hs2022": a, "hs2017": b, "relationship": rel})
    corr.sort(key=lambda r: (r["hs2022"], r["hs2017"]))
    corr17 = {r["hs2017"] for r in corr} - {"999999"}
    corr22 = {r["hs2022"] for r in corr} - {"999999"}
    with open(HERE / "hs2017_hs2022.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=["hs2022", "hs2017", "relationship"], lineterminator="\n")
        w.writeheader()
        w.writerows(corr)

    rows = hts_rows + hs_rows
    rows.sort(key=lambda r: (r["nomenclature"], r["code"], r["valid_from"]))
    write_table(OUT / "tariff_lines.csv", FIELDS_LINES, rows)

    with open(HERE / "hts_line_stats.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(stats_rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(stats_rows)

    # nomenclature_editions: the rows of this extraction
    cr = {r["edition_id"]: r for r in csv.DictReader(open(HERE / "change_records.csv", encoding="utf-8"))}
    ours = []
    for k, (ed, rev, eff, rd) in enumerate(dates):
        end = dates[k + 1][2] if k + 1 < len(dates) else ""
        st = stats_rows[k]
        unc = []
        if ed == "HTS-2026-REV-10":
            unc.append("No USITC change record of this revision was reachable: effective_date is the date "
                       "config/revision_dates.csv of the tracker gives (2026-06-08).")
        elif not ed.endswith("-BASIC") and rd and rd != eff:
            unc.append(f"The tracker's config/revision_dates.csv dates this revision {rd}; the USITC change record "
                       f"of the revision is dated {eff}, which is used here.")
        if ed == "HTS-2026-REV-8":
            unc.append("The tracker leaves this revision out of config/revision_dates.csv (its note: editorial-only "
                       "against Revision 7, zero rate impact, and keeping it would invert its interval ordering "
                       "against the retro-dated Revision 9); the JSON is in data/hts_archives and its change record "
                       "is dated 2026-05-22, so it is kept here as an edition.")
        if ed == "HTS-2025-REV-10":
            unc.append("The change record of Revision 11 says Revision 10 was published 2025-04-14; the change "
                       "record of Revision 10 itself is dated 2025-04-15 (used).")
        if ed == "HTS-2026-REV-10":
            when = "effective_date = the tracker's config/revision_dates.csv date (no change record reachable); "
        elif ed.endswith("-BASIC"):
            when = "effective_date = 1 January (basic edition); "
        else:
            when = (f"effective_date = the date printed on the USITC change record of this revision (the day it was "
                    f"posted; file {cr[ed]['file']}); ")
        notes = (
            when +
            f"legal changes a revision incorporates often take effect on other dates. "
            f"{st['hts8']} HTS8 and {st['hts10']} HTS10 lines (chapters 1-99); {st['hts8_from_single_10digit_row']} HTS8 "
            f"lines are printed only as one 10-digit row carrying the rate (description and general rate of the HTS8 "
            f"line taken from that row); {st['hts8_without_general_rate']} HTS8 lines have no general rate "
            f"(chapters 98-99 provisions). Descriptions are each line's own text, without the parent context."
        )
        ours.append({"edition_id": ed, "nomenclature": "HTS", "title": title_of(ed), "effective_date": eff,
                     "end_date": end, "hs_edition_id": "HS-2022", "lines_encoded": "true",
                     "source_id": source_id_of(ed), "uncertainty": " ".join(unc), "notes": notes})
    ours.append({"edition_id": "HS-2017", "nomenclature": "HS",
                 "title": "Harmonized Commodity Description and Coding System, 2017 edition (six-digit subheadings)",
                 "effective_date": "2017-01-01", "end_date": "2022-01-01", "hs_edition_id": "",
                 "lines_encoded": "true", "source_id": "hs-2017",
                 "uncertainty": ("Descriptions are UN Comtrade's abbreviated texts as the dataset keeps them, not the "
                                 "WCO legal texts. The UNSD HS 2022-2017 "
                                 f"correlation names {len(corr17)} HS 2017 subheadings: it lacks "
                                 f"{', '.join(sorted(set(hs17) - corr17)) or 'none'}, which the UN Comtrade list has."),
                 "notes": (f"{len(hs17)} six-digit subheadings from UN Comtrade's HS 2017 list as kept in "
                           f"{HSD} data/harmonized-system.csv @{HSD_2017[:7]} (999999 'commodities not specified "
                           f"according to kind' left out: a UN Comtrade code, not an HS subheading). The HS 2022-2017 "
                           f"correlation is kept as an extraction output (datasets/extract/nomenclature/hs2017_hs2022.csv).")})
    ours.append({"edition_id": "HS-2022", "nomenclature": "HS",
                 "title": "Harmonized Commodity Description and Coding System, 2022 edition (six-digit subheadings)",
                 "effective_date": "2022-01-01", "end_date": "", "hs_edition_id": "", "lines_encoded": "true",
                 "source_id": "hs-2022",
                 "uncertainty": ("Descriptions are UN Comtrade's abbreviated texts, not the WCO legal texts (the dataset's "
                                 "scripts/convert.py keeps the part of each text after its last ' - '). "
                                 f"{len(hs22)} subheadings here; the UNSD correlation names {len(corr22)} HS 2022 codes "
                                 f"({'the same set' if corr22 == set(hs22) else 'a different set'})."),
                 "notes": (f"{len(hs22)} six-digit subheadings from UN Comtrade's HS 2022 list as kept in {HSD} "
                           f"data/harmonized-system.csv @{HSD_2022[:7]} (5,613 rows with level 6, less 999999 "
                           f"'commodities not specified according to kind', a UN Comtrade code).")})
    write_table(OUT / "nomenclature_editions.csv", FIELDS_ED, sorted(ours, key=lambda r: r["edition_id"]))
    write_sources(OUT / "sources.csv", source_rows(dates), {r["source_id"] for r in ours})
    n8 = sum(1 for r in hts_rows if len(r["code"]) == 8)
    print(f"tariff_lines: {len(rows)} rows ({n8} HTS8, {len(hts_rows) - n8} HTS10, {len(hs22)} HS 2022, "
          f"{len(hs17)} HS 2017); correlation {len(corr)} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
