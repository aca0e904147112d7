"""Append (or refresh) rows of datasets/sources/sources.csv written by the extraction scripts of this folder.

Rows whose source_id the caller writes are removed from the file first, then appended at its END in the
caller's order; every other line of the file is kept byte for byte.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

FIELDS = ["source_id", "title", "publisher", "url", "published_date", "language", "kind", "reference", "checked"]
PATH = Path(__file__).resolve().parent.parent / "sources" / "sources.csv"


def append_sources(rows: list[dict]) -> None:
    ids = {r["source_id"] for r in rows}
    lines = PATH.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [ln for ln in lines if next(csv.reader([ln]))[0] not in ids]
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=FIELDS, lineterminator="\n")
    w.writerows(rows)
    PATH.write_text("".join(kept) + buf.getvalue(), encoding="utf-8")
