"""A release as one SQLite database: keys, references, indexes and full-text search, for Datasette.

Each table of the release becomes a table of the same name and columns: text and ISO dates as
``TEXT``, numbers as ``REAL``, whole numbers as ``INTEGER``, booleans as ``INTEGER`` 0 or 1. The
primary key and every foreign key of the record models are declared, so that Datasette links a
value to the record it names. Dates, codes, closed lists and references are indexed.

Derived, never stored: a table with a main date gets a generated column with its year
(``tariff_events.effective_year``, ``policies.issued_year``, ``sources.published_year``), for
facets by year.

Full-text search: the titles, names, notes and descriptions of a table are indexed in an FTS5
table ``<table>_fts`` (external content, so nothing is stored twice). FTS5's default tokenizer
splits text at spaces, which Chinese does not use, so a search for 税委会 inside
"国务院关税税则委员会...(税委会公告〔2018〕10号)" would find nothing; the ``trigram`` tokenizer
indexes every run of three characters instead, so that any substring of three or more
characters, in any script, is found (case-insensitively). A shorter term, such as the two
characters 关税, matches nothing in a full-text search: filter with ``LIKE`` (Datasette's
"contains") instead.

The table ``_policydata`` records the release the database was made from.

The database is written in one transaction into a temporary file, checked (``PRAGMA
foreign_key_check``), analysed and vacuumed, then moved into place: the same
release gives the same bytes (with the same SQLite library).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from policydata import settings
from policydata.errors import IntegrityError
from policydata.export.tables import ExportTable, export_tables, release_facts
from policydata.release.files import atomic_file

if TYPE_CHECKING:
    import pyarrow as pa

    from policydata.release.release import Release
    from policydata.schemas.model import FieldSpec

#: Layout version of the database; :mod:`policydata.explore` rebuilds a cached export made with another.
EXPORT_FORMAT: Final = 1
#: The table that records which release the database holds.
RELEASE_TABLE: Final = "_policydata"

_SQL_TYPES: Final = {
    "string": "TEXT",
    "date": "TEXT",
    "number": "REAL",
    "integer": "INTEGER",
    "boolean": "INTEGER",
}

#: Fields whose text is searched: titles, names, descriptions and notes, in any language.
SEARCH_FIELDS: Final = (
    "title",
    "title_en",
    "title_original",
    "name_en",
    "name_zh",
    "name_en_variants",
    "publisher",
    "reference",
    "document_number",
    "issuing_body",
    "legal_basis",
    "product_scope",
    "summary",
    "description",
    "notes",
    "note",
    "uncertainty",
)
#: Fields holding codes that people look records up by (HS and tariff line codes, classifications).
CODE_FIELDS: Final = ("hs_code", "code", "classification", "nomenclature", "hs_edition", "scope", "level")
#: The date whose year a table gets as a generated column, for facets by year.
YEAR_OF: Final = {
    "tariff_events": "effective_date",
    "policies": "issued_date",
    "sources": "published_date",
    "product_list_lines": "valid_from",
}


def quote(name: str) -> str:
    """A quoted SQL identifier (``table`` and ``on`` are column names here)."""
    return '"' + name.replace('"', '""') + '"'


def year_column(table: str) -> str | None:
    """The name of a table's generated year column, e.g. ``effective_year``; None when it has none."""
    field = YEAR_OF.get(table)
    return None if field is None else f"{field.removesuffix('_date')}_year"


def search_fields(item: ExportTable) -> list[str]:
    """The fields of a table that its full-text index covers, in the table's order."""
    return [f.name for f in item.spec.fields if f.name in SEARCH_FIELDS]


def indexed_fields(item: ExportTable) -> list[str]:
    """Fields indexed for filters, facets and joins: dates, codes, closed lists and references.

    The first field of the primary key is left out: the key's own index serves it.
    """
    references = {name for fk in item.foreign_keys for name in fk.fields}
    chosen = []
    for f in item.spec.fields:
        if f.name == item.spec.primary_key[0]:
            continue
        if (
            f.kind == "date"
            or f.code_set is not None
            or (f.enum is not None and f.kind == "string")
            or f.name in CODE_FIELDS
            or f.name in references
        ):
            chosen.append(f.name)
    return chosen


def _column(f: FieldSpec) -> str:
    return f"{quote(f.name)} {_SQL_TYPES[f.kind]}" + ("" if f.nullable else " NOT NULL")


def create_table_sql(item: ExportTable) -> str:
    """The ``CREATE TABLE`` statement of one table: columns, generated year, keys and references."""
    parts = [_column(f) for f in item.spec.fields]
    year = year_column(item.name)
    if year is not None:
        source = quote(YEAR_OF[item.name])
        parts.append(
            f"{quote(year)} INTEGER GENERATED ALWAYS AS (CAST(substr({source}, 1, 4) AS INTEGER)) VIRTUAL"
        )
    parts.append(f"PRIMARY KEY ({', '.join(quote(k) for k in item.spec.primary_key)})")
    for fk in item.foreign_keys:
        parts.append(
            f"FOREIGN KEY ({', '.join(quote(c) for c in fk.fields)}) REFERENCES "
            f"{quote(fk.reference_table)} ({', '.join(quote(c) for c in fk.reference_fields)})"
        )
    body = ",\n  ".join(parts)
    return f"CREATE TABLE {quote(item.name)} (\n  {body}\n)"


def _sqlite_column(column: pa.ChunkedArray[Any]) -> list[Any]:
    """A column as SQLite stores it: dates as ISO text, booleans as 0 and 1 (converted by Arrow)."""
    import pyarrow as pa

    if pa.types.is_date(column.type):
        column = column.cast(pa.string())  # ISO 8601, YYYY-MM-DD
    elif pa.types.is_boolean(column.type):
        column = column.cast(pa.int64())
    values: list[Any] = column.to_pylist()
    return values


def _rows(item: ExportTable) -> Iterator[tuple[Any, ...]]:
    return zip(*(_sqlite_column(column) for column in item.data.columns), strict=True)


def _fill(con: sqlite3.Connection, item: ExportTable) -> None:
    con.execute(create_table_sql(item))
    names = item.spec.field_names
    insert = (
        f"INSERT INTO {quote(item.name)} ({', '.join(quote(n) for n in names)}) "
        f"VALUES ({', '.join('?' for _ in names)})"
    )
    con.executemany(insert, _rows(item))
    for name in indexed_fields(item):
        con.execute(f"CREATE INDEX {quote(f'idx_{item.name}_{name}')} ON {quote(item.name)} ({quote(name)})")
    year = year_column(item.name)
    if year is not None:
        con.execute(f"CREATE INDEX {quote(f'idx_{item.name}_{year}')} ON {quote(item.name)} ({quote(year)})")
    fields = search_fields(item)
    if fields:
        fts = quote(f"{item.name}_fts")
        # content= names the table, so Datasette finds the index and shows a search box
        con.execute(
            f"CREATE VIRTUAL TABLE {fts} USING fts5({', '.join(quote(f) for f in fields)}, "
            f'content="{item.name}", tokenize="trigram")'
        )
        # one 'rebuild' in one transaction writes the same segments every time; merging them
        # ('optimize') would save 0.3% of the file for a quarter of the export's time
        con.execute(f"INSERT INTO {fts} ({fts}) VALUES ('rebuild')")


def _record_release(con: sqlite3.Connection, release: Release) -> None:
    facts = release_facts(release) | {
        "export_format": str(EXPORT_FORMAT),
        "title": settings.DATAPACKAGE_TITLE,
        "license": settings.DATA_LICENSE["name"],
        "license_url": settings.DATA_LICENSE["path"],
        "homepage": settings.PROJECT_HOMEPAGE,
    }
    con.execute(f"CREATE TABLE {RELEASE_TABLE} (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    con.executemany(f"INSERT INTO {RELEASE_TABLE} VALUES (?, ?)", sorted(facts.items()))


def _check(con: sqlite3.Connection, release: Release) -> None:
    broken = con.execute("PRAGMA foreign_key_check").fetchall()
    if broken:
        found = ", ".join(sorted({f"{row[0]} -> {row[2]}" for row in broken}))
        raise IntegrityError(
            f"Release {release.version} has {len(broken)} reference(s) to missing records ({found}).",
            hint="The release is damaged; download or rebuild it.",
        )


def build(con: sqlite3.Connection, release: Release, items: Sequence[ExportTable]) -> None:
    """Fill an empty database with the tables of ``release``."""
    con.execute("PRAGMA page_size = 4096")
    # a fresh file that is renamed into place when complete needs no journal
    con.execute("PRAGMA journal_mode = OFF")
    con.execute("PRAGMA synchronous = OFF")
    with con:
        for item in items:
            _fill(con, item)
        _record_release(con, release)
    _check(con, release)
    con.execute("ANALYZE")
    con.execute("VACUUM")


def export_sqlite(release: Release, path: Path) -> Path:
    """Write ``release`` as a SQLite database at ``path`` (replaced in one rename); return ``path``.

    Examples
    --------
    >>> import pathlib, sqlite3, tempfile, policydata
    >>> db = export_sqlite(policydata.open_release(), pathlib.Path(tempfile.mkdtemp()) / "p.db")
    >>> found = sqlite3.connect(db).execute(
    ...     "select s.source_id from sources_fts join sources s on s.rowid = sources_fts.rowid "
    ...     "where sources_fts match ? order by 1", ['"税委会公告〔2018〕10号"']).fetchall()
    >>> ('ctc-2018-10',) in found
    True
    """
    items = list(export_tables(release))
    with atomic_file(path) as tmp:
        con = sqlite3.connect(tmp)
        try:
            build(con, release, items)
        finally:
            con.close()
    return path
