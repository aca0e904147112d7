"""A release as one DuckDB database file (needs the optional extra ``policydata[duckdb]``).

Each table of the release becomes a table with DuckDB's types (``VARCHAR``, ``DATE``, ``DOUBLE``,
``BIGINT``, ``BOOLEAN``), its primary key, its foreign keys to other tables (not those to itself,
such as ``tariff_events.amends_event_id``, which DuckDB checks row by row as they are inserted),
and the descriptions of the record models as comments (``SELECT comment FROM
duckdb_columns()``). The table ``_policydata`` records the release. DuckDB writes a random
identifier into every database file, so two exports of one release hold the same tables and rows
in the same order but differ in a few header bytes.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from policydata.export.sqlite_db import RELEASE_TABLE, quote
from policydata.export.tables import ExportTable, export_tables, release_facts
from policydata.io import require
from policydata.release.files import atomic_file

if TYPE_CHECKING:
    from policydata.release.release import Release

#: DuckDB's type for each kind of field.
DUCKDB_TYPES: Final = {
    "string": "VARCHAR",
    "date": "DATE",
    "number": "DOUBLE",
    "integer": "BIGINT",
    "boolean": "BOOLEAN",
}


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def create_table_sql(item: ExportTable) -> str:
    """The ``CREATE TABLE`` statement of one table in DuckDB: columns, keys and references."""
    parts = [
        f"{quote(f.name)} {DUCKDB_TYPES[f.kind]}" + ("" if f.nullable else " NOT NULL")
        for f in item.spec.fields
    ]
    parts.append(f"PRIMARY KEY ({', '.join(quote(k) for k in item.spec.primary_key)})")
    # DuckDB checks a reference to the same table row by row while inserting, so an event that
    # amends one sorted after it would be refused: such references are not declared
    for fk in (k for k in item.foreign_keys if k.reference_table != item.name):
        parts.append(
            f"FOREIGN KEY ({', '.join(quote(c) for c in fk.fields)}) REFERENCES "
            f"{quote(fk.reference_table)} ({', '.join(quote(c) for c in fk.reference_fields)})"
        )
    return f"CREATE TABLE {quote(item.name)} ({', '.join(parts)})"


def _fill(con: Any, item: ExportTable) -> None:
    con.execute(create_table_sql(item))
    con.register("_incoming", item.data)
    try:
        con.execute(f"INSERT INTO {quote(item.name)} SELECT * FROM _incoming")
    finally:
        con.unregister("_incoming")
    con.execute(f"COMMENT ON TABLE {quote(item.name)} IS {_literal(item.spec.description)}")
    for f in item.spec.fields:
        con.execute(f"COMMENT ON COLUMN {quote(item.name)}.{quote(f.name)} IS {_literal(f.description)}")


def export_duckdb(release: Release, path: Path) -> Path:
    """Write ``release`` as a DuckDB database at ``path`` (replaced in one rename); return ``path``.

    Raises
    ------
    MissingDependencyError
        If duckdb is not installed (install ``policydata[duckdb]``).

    Examples
    --------
    >>> import pathlib, tempfile, duckdb, policydata
    >>> db = export_duckdb(policydata.open_release(), pathlib.Path(tempfile.mkdtemp()) / "p.duckdb")
    >>> con = duckdb.connect(str(db), read_only=True)
    >>> version = con.execute("select value from _policydata where key = 'version'").fetchone()[0]
    >>> version == policydata.open_release().version
    True
    """
    duckdb = require("duckdb", "duckdb", "Exporting to DuckDB")
    items = list(export_tables(release))
    with atomic_file(path) as tmp:
        tmp.unlink()  # DuckDB refuses to open an empty file as a database
        con = duckdb.connect(str(tmp))
        try:
            # package order lists a referenced table before the tables that refer to it
            for item in items:
                _fill(con, item)
            con.execute(f"CREATE TABLE {RELEASE_TABLE} (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)")
            facts = sorted(release_facts(release).items())
            con.executemany(f"INSERT INTO {RELEASE_TABLE} VALUES (?, ?)", facts)
            con.execute("CHECKPOINT")
        finally:
            con.close()
    return path
