"""Write an extraction's tables into its own ``out/`` folder (see README.md of this folder).

Every extraction writes the complete set of rows it owns, one CSV per table, into ``<extraction>/out/``;
``combine.py`` alone writes ``datasets/sources``. Files are UTF-8 with LF line endings; callers sort rows.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

EXTRACT = Path(__file__).resolve().parent
SOURCES = EXTRACT.parent / "sources"
SOURCE_FIELDS = ["source_id", "title", "publisher", "url", "published_date", "language", "kind", "reference", "checked"]


def out_dir(script_dir: Path) -> Path:
    out = script_dir / "out"
    out.mkdir(exist_ok=True)
    return out


def write_table(path: Path, fields: list[str], rows: Iterable[dict]) -> None:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({f: r.get(f, "") for f in fields})
    path.write_bytes(buf.getvalue().encode("utf-8"))


def write_sources(path: Path, own: list[dict], cited: Iterable[str]) -> None:
    """``out/sources.csv``: the source rows the extraction's tables cite, sorted by source_id.

    Rows the extraction defines itself (``own``) are written as it defines them; every other cited source must
    already be a row of ``datasets/sources/sources.csv`` (curated there) and is copied from it.
    """
    rows = {r["source_id"]: r for r in own}
    cited = set(cited) - set(rows)
    if cited:
        with open(SOURCES / "sources.csv", encoding="utf-8", newline="") as f:
            have = {r["source_id"]: r for r in csv.DictReader(f)}
        missing = sorted(cited - set(have))
        if missing:
            raise SystemExit(f"{path}: cited sources neither defined here nor in datasets/sources/sources.csv: "
                             f"{missing}")
        rows.update({s: have[s] for s in cited})
    write_table(path, SOURCE_FIELDS, [rows[k] for k in sorted(rows)])
