"""Read the USITC HTS change records (PDF) and write their publication dates and chapter 99 note entries.

Run once (Python 3.11; needs pdfplumber, in a throwaway venv outside the repository):

    python change_record_dates.py --inputs inputs/change_records

Inputs: the 43 change-record PDFs of the HTS 2025 Basic .. 2026 Revision 9 as kept in
github.com/arifshehab/tariff-rate-tracker data/hts_change_record/ (see fetch_inputs.sh); each is checked
against MANIFEST.sha256 before it is read. No change record of 2026 Revision 10 is in that repository.

Outputs (in this folder):
  change_records.csv        edition_id, file, sha256, published_date (the date printed under the title of the
                            change record, which is the date the revision was posted), previous_published (the
                            date the record gives for the preceding edition: "... after 2025 Revision 6, published
                            April 3, 2025").
  change_record_notes.csv   every line of the records that names a U.S. note 2(v), 2(aa), 16, 19, 33, 36, 37, 38
                            or 39 of subchapter III of chapter 99, verbatim (text as extracted from the PDF; table
                            cells of one row are on one line): evidence for the dates of the product lists.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import re
import sys
from pathlib import Path

import pdfplumber

HERE = Path(__file__).resolve().parent
MONTHS = {m: i for i, m in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
     "November", "December"], start=1)}
DATE = re.compile(r"(January|February|March|April|May|June|July|August|September|October|November|December)"
                  r"\s+(\d{1,2}),\s+(\d{4})")
NOTE = re.compile(r"U\s*\.\s*S\s*\.\s*note\s+(2\s*\((v|aa)\)|16|19|33|36|37|38|39)\b", re.I)


def iso(m: re.Match[str]) -> str:
    return dt.date(int(m.group(3)), MONTHS[m.group(1)], int(m.group(2))).isoformat()


def manifest() -> dict[str, str]:
    out = {}
    for line in (HERE / "MANIFEST.sha256").read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        out[name.strip().lstrip("*")] = digest
    return out


def edition_of(name: str) -> str:
    m = re.fullmatch(r"(\d{4})HTS(Basic|Rev(\d+))_change_record\.pdf", name)
    if not m:
        raise SystemExit(f"unexpected file name {name}")
    return f"HTS-{m.group(1)}-BASIC" if m.group(2) == "Basic" else f"HTS-{m.group(1)}-REV-{m.group(3)}"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--inputs", type=Path, required=True, help="folder holding the change-record PDFs")
    args = ap.parse_args()
    sums = manifest()
    rows, notes = [], []
    for pdf in sorted(args.inputs.glob("*_change_record.pdf")):
        key = f"change_records/{pdf.name}"
        digest = hashlib.sha256(pdf.read_bytes()).hexdigest()
        if sums.get(key) != digest:
            raise SystemExit(f"{pdf}: sha256 {digest} does not match MANIFEST.sha256 ({sums.get(key)})")
        with pdfplumber.open(pdf) as doc:
            text = "\n".join((p.extract_text() or "") for p in doc.pages)
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        ed = edition_of(pdf.name)
        m = DATE.fullmatch(lines[1].replace("April 05", "April 5")) if len(lines) > 1 else None
        published = iso(m) if m else ""
        prev = re.search(r"published\s+" + DATE.pattern, " ".join(lines[:8]))
        rows.append({"edition_id": ed, "file": pdf.name, "sha256": digest, "published_date": published,
                     "previous_published": iso(re.search(DATE, prev.group(0))) if prev else ""})
        for ln in lines:
            if NOTE.search(ln):
                notes.append({"edition_id": ed, "line": ln})
    order = lambda r: (r["edition_id"][:8], int(r["edition_id"].rsplit("-", 1)[1]) if "REV" in r["edition_id"] else -1)
    rows.sort(key=order)
    with open(HERE / "change_records.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    notes.sort(key=lambda r: order(r))
    with open(HERE / "change_record_notes.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=["edition_id", "line"], lineterminator="\n")
        w.writeheader()
        w.writerows(notes)
    print(f"{len(rows)} change records, {len(notes)} note lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
