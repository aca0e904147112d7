"""Exports of a data release for other tools: SQLite (for Datasette), DuckDB, and CSV files.

Every export is made from one release's Parquet files, with the columns of this library's record
models (a release of an older minor schema version gets the nullable columns added since as
nulls), and is deterministic: the same release gives the same SQLite and CSV bytes on every run.
DuckDB writes a random identifier into each database file, so a DuckDB export holds the same
tables, types and rows on every run but not the same bytes.

:mod:`~policydata.export.tables` reads a release's tables; :mod:`~policydata.export.csv_files`,
:mod:`~policydata.export.sqlite_db` and :mod:`~policydata.export.duckdb_db` write the formats;
:func:`export` picks one.

Examples
--------
>>> import pathlib, tempfile
>>> out = export("sqlite", None, pathlib.Path(tempfile.mkdtemp()) / "policydata.db")
>>> out.suffix
'.db'
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from policydata.errors import InvalidArgumentError
from policydata.export.csv_files import export_csv
from policydata.export.duckdb_db import export_duckdb
from policydata.export.sqlite_db import export_sqlite
from policydata.release import open_release

#: The formats :func:`export` writes.
FORMATS: Final = ("sqlite", "duckdb", "csv")

__all__ = ["FORMATS", "export", "export_csv", "export_duckdb", "export_sqlite"]


def export(fmt: str, version: str | None, path: Path) -> Path:
    """Write release ``version`` (None: the embedded one) as ``fmt`` to ``path``; return ``path``.

    Parameters
    ----------
    fmt
        ``"sqlite"`` (one database file, for Datasette), ``"duckdb"`` (one database file) or
        ``"csv"`` (a folder: one CSV file and one Table Schema per table, and
        ``csv.datapackage.json`` describing them).
    version
        A release version such as ``"2026.11.7"``; None for the release this installation carries.
    path
        The file to write (replaced in one rename), or for CSV the folder to write into.

    Raises
    ------
    InvalidArgumentError
        For an unknown format.
    ReleaseNotFoundError, SchemaVersionError, DownloadError
        If the release cannot be opened (see :func:`policydata.open_release`).
    """
    writers = {"sqlite": export_sqlite, "duckdb": export_duckdb, "csv": export_csv}
    if fmt not in writers:
        raise InvalidArgumentError(
            f"Unknown export format {fmt!r}.", hint=f"Choose one of: {', '.join(FORMATS)}."
        )
    release = open_release(version)
    writers[fmt](release, path)
    return path
