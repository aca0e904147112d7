"""``policydata export FORMAT [VERSION] -o PATH``: a release as SQLite, DuckDB, CSV, or Datasette metadata."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from policydata.cli.app import app, out
from policydata.explore.metadata import datasette_metadata
from policydata.export import export
from policydata.export.tables import release_facts
from policydata.release import open_release


class ExportFormat(StrEnum):
    sqlite = "sqlite"
    duckdb = "duckdb"
    csv = "csv"
    metadata = "metadata"


@app.command("export")
def export_cmd(
    fmt: Annotated[
        ExportFormat,
        typer.Argument(
            metavar="FORMAT",
            help="sqlite (one database, for Datasette), duckdb (one database), csv (a folder: a CSV "
            "file and Table Schema per table, and csv.datapackage.json), or metadata (Datasette's "
            "metadata.json for the SQLite export, for datasette publish).",
        ),
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The file to write (for csv: the folder to write into).")
    ],
    version: Annotated[
        str | None,
        typer.Argument(
            metavar="[VERSION]", help="Release version, e.g. 2026.11.7 (default: the embedded release)."
        ),
    ] = None,
) -> None:
    """Write a release as SQLite, DuckDB or CSV files, the same bytes every time (DuckDB aside)."""
    # lazy: the exporters read the release with pyarrow and the record models (pydantic)

    if fmt is ExportFormat.metadata:
        release = open_release(version)
        meta = datasette_metadata(release_facts(release), release.tables, database=Path("policydata.db").stem)
        output.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        out.print(f"wrote {output}", markup=False)
        return
    path = export(fmt.value, version, output)
    if path.is_dir():
        out.print(f"wrote {len(list(path.iterdir()))} files into {path}", markup=False)
    else:
        out.print(f"wrote {path} ({path.stat().st_size:,} bytes)", markup=False)
