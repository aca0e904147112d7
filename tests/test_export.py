"""Exports of a release: SQLite, DuckDB and CSV hold the release's rows, deterministically; policydata.sql."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import sqlite3
from pathlib import Path
from typing import Any

import duckdb
import frictionless
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from _releases_support import base_rows, build, run_cli, write_sources

import policydata
from policydata import settings
from policydata.catalog import table
from policydata.export import FORMATS, export
from policydata.export.csv_files import csv_bytes, csv_files, export_csv
from policydata.export.duckdb_db import export_duckdb
from policydata.export.sqlite_db import (
    RELEASE_TABLE,
    export_sqlite,
    indexed_fields,
    search_fields,
    year_column,
)
from policydata.export.tables import conform, export_tables


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> policydata.Release:
    """A release with every table of the catalog (one synthetic record each)."""
    root = tmp_path_factory.mktemp("synthetic")
    rows = base_rows()
    # text with commas, quotes, a line break and Chinese, to exercise quoting and search
    rows["policies"][0]["title_original"] = '测试政策 "甲", 第一部分'
    rows["tariff_events"][0]["notes"] = "Line one, with a comma\nline two"
    out = build(write_sources(root / "sources", rows), root / "releases", "2099.1.0")
    return policydata.Release(out)


@pytest.fixture(scope="module")
def embedded_db(tmp_path_factory: pytest.TempPathFactory) -> sqlite3.Connection:
    """The SQLite export of the embedded release, made once for the tests that only read it."""
    return sqlite3.connect(export_sqlite(policydata.open_release(), tmp_path_factory.mktemp("db") / "p.db"))


@pytest.fixture(scope="module", params=["embedded", "synthetic"])
def release(request: pytest.FixtureRequest, synthetic: policydata.Release) -> policydata.Release:
    if request.param == "embedded":
        return policydata.open_release()
    return synthetic


def parquet_rows(release: policydata.Release, name: str) -> list[tuple[Any, ...]]:
    """A table's rows as stored, with dates as ISO strings (how SQLite and CSV write them)."""
    data = pq.read_table(release.path_of(name))
    rows = []
    for row in data.to_pylist():
        rows.append(tuple(v.isoformat() if isinstance(v, dt.date) else v for v in row.values()))
    return rows


# -------------------------------------------------------------------------------------------------
# SQLite


def test_sqlite_holds_the_rows_of_the_parquet(release: policydata.Release, tmp_path: Path) -> None:
    db = export_sqlite(release, tmp_path / "p.db")
    con = sqlite3.connect(db)
    for name in release.tables:
        columns = pq.read_schema(release.path_of(name)).names
        booleans = {f.name for f in table(name).fields if f.kind == "boolean"}
        selected = ", ".join(f'"{c}"' for c in columns)
        got = []
        for row in con.execute(f'select {selected} from "{name}" order by rowid'):
            got.append(
                tuple(
                    bool(v) if c in booleans and v is not None else v
                    for c, v in zip(columns, row, strict=True)
                )
            )
        assert got == parquet_rows(release, name), name
        assert con.execute(f'select count(*) from "{name}"').fetchone()[0] == release.rows(name)
    facts = dict(con.execute(f"select key, value from {RELEASE_TABLE}").fetchall())
    assert facts["version"] == release.version
    assert facts["as_of"] == release.as_of


def test_sqlite_declares_keys_references_and_indexes(synthetic: policydata.Release, tmp_path: Path) -> None:
    con = sqlite3.connect(export_sqlite(synthetic, tmp_path / "p.db"))
    for item in export_tables(synthetic):
        info = con.execute(f'pragma table_xinfo("{item.name}")').fetchall()
        key = [row[1] for row in sorted((r for r in info if r[5]), key=lambda r: r[5])]
        assert key == list(item.spec.primary_key), item.name
        declared = {(r[3], r[2], r[4]) for r in con.execute(f'pragma foreign_key_list("{item.name}")')}
        expected = {
            (fk.fields[0], fk.reference_table, fk.reference_fields[0]) for fk in item.spec.foreign_keys
        }
        assert declared == expected, item.name
        indexed = {
            con.execute(f'pragma index_info("{ix[1]}")').fetchone()[2]
            for ix in con.execute(f'pragma index_list("{item.name}")')
        }
        assert set(indexed_fields(item)) <= indexed, item.name
        assert {f.name for f in item.spec.fields if f.kind == "date"} <= indexed | {item.spec.primary_key[0]}
    assert con.execute("pragma foreign_key_check").fetchall() == []


def test_sqlite_export_is_byte_identical_when_rebuilt(release: policydata.Release, tmp_path: Path) -> None:
    a = export_sqlite(release, tmp_path / "a.db").read_bytes()
    b = export_sqlite(release, tmp_path / "b.db").read_bytes()
    assert a == b


def _search(con: sqlite3.Connection, name: str, key: str, term: str) -> list[str]:
    sql = (
        f'select t."{key}" from "{name}_fts" f join "{name}" t on t.rowid = f.rowid '
        f'where "{name}_fts" match ? order by 1'
    )
    return [r[0] for r in con.execute(sql, [f'"{term}"'])]


def test_full_text_search_finds_chinese_and_english(embedded_db: sqlite3.Connection) -> None:
    con = embedded_db
    # the abbreviation of the Customs Tariff Commission, inside titles written without spaces
    found = _search(con, "sources", "source_id", "税委会")
    assert "ctc-2018-7" in found and len(found) >= 5
    assert _search(con, "policies", "policy_id", "中国制造2025")[:1] == ["CHN-2015-MIC2025"]
    # English, case-insensitive, inside a word: "Steel" in a title
    assert "USA-CHN-2025-232-STEEL25" in _search(con, "tariff_events", "event_id", "steel")
    # a term of fewer than three characters matches nothing in a trigram index (documented)
    assert _search(con, "sources", "source_id", "关税") == []


def test_search_fields_cover_titles_and_notes() -> None:
    items = {i.name: i for i in export_tables(policydata.open_release())}
    assert {"title", "publisher"} <= set(search_fields(items["sources"]))
    assert {"title_en", "title_original", "summary"} <= set(search_fields(items["policies"]))
    assert {"title", "notes", "product_scope"} <= set(search_fields(items["tariff_events"]))
    assert year_column("tariff_events") == "effective_year"


def test_year_column_is_the_year_of_the_date(embedded_db: sqlite3.Connection) -> None:
    rows = embedded_db.execute("select effective_date, effective_year from tariff_events").fetchall()
    assert rows and all((y is None) if d is None else (y == int(d[:4])) for d, y in rows)


# -------------------------------------------------------------------------------------------------
# DuckDB


def test_duckdb_holds_the_rows_of_the_parquet(release: policydata.Release, tmp_path: Path) -> None:
    con = duckdb.connect(str(export_duckdb(release, tmp_path / "p.duckdb")), read_only=True)
    for name in release.tables:
        columns = pq.read_schema(release.path_of(name)).names
        selected = ", ".join(f'"{c}"' for c in columns)
        rows = con.sql(f'select {selected} from "{name}"').fetchall()
        got = [tuple(v.isoformat() if isinstance(v, dt.date) else v for v in row) for row in rows]
        assert got == parquet_rows(release, name), name
    comment = con.execute(
        "select comment from duckdb_columns() where table_name = 'tariff_events' and column_name = 'rate_pct'"
    ).fetchone()
    assert comment is not None and "percent" in comment[0]


def test_duckdb_export_holds_the_same_content_when_rebuilt(tmp_path: Path) -> None:
    """DuckDB writes a random identifier into every file: the tables and rows are what repeat."""
    release = policydata.open_release()

    def content(path: Path) -> dict[str, list[tuple[Any, ...]]]:
        con = duckdb.connect(str(path), read_only=True)
        names = [r[0] for r in con.sql("select table_name from duckdb_tables() order by 1").fetchall()]
        return {n: con.sql(f'select * from "{n}"').fetchall() for n in names}

    a = content(export_duckdb(release, tmp_path / "a.duckdb"))
    b = content(export_duckdb(release, tmp_path / "b.duckdb"))
    assert a == b and set(release.tables) < set(a)


# -------------------------------------------------------------------------------------------------
# CSV


def test_csv_export_is_valid_for_frictionless(release: policydata.Release, tmp_path: Path) -> None:
    written = export_csv(release, tmp_path / "csv")
    assert sorted(p.name for p in written) == sorted(
        [
            settings.CSV_PACKAGE_FILE,
            *(f"{n}.csv" for n in release.tables),
            *(f"{n}.schema.json" for n in release.tables),
        ]
    )
    # the whole package: types, constraints, keys, references between the tables, sizes and hashes
    report = frictionless.validate(str(tmp_path / "csv" / settings.CSV_PACKAGE_FILE))
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])[:10]
    assert len(report.tasks) == len(release.tables)
    # each file alone with the Table Schema beside it; frictionless checks a reference to another
    # table only within a package (above), so those are left out here
    for name in release.tables:
        descriptor = json.loads((tmp_path / "csv" / f"{name}.schema.json").read_text())
        keys = [k for k in descriptor.pop("foreignKeys", []) if k["reference"]["resource"] == ""]
        schema = frictionless.Schema.from_descriptor(descriptor | ({"foreignKeys": keys} if keys else {}))
        resource = frictionless.Resource(path=f"{name}.csv", basepath=str(tmp_path / "csv"), schema=schema)
        single = resource.validate()
        assert single.valid, (name, single.flatten(["rowNumber", "fieldName", "type", "note"])[:5])


def test_csv_files_hold_the_rows_of_the_parquet(release: policydata.Release) -> None:
    files = csv_files(release)
    for name in release.tables:
        data = files[f"{name}.csv"]
        text = data.decode("utf-8")
        assert text.endswith("\r\n") and not text.startswith("\ufeff")
        records = list(csv.reader(io.StringIO(text, newline="")))
        header, body = records[0], records[1:]
        assert header == pq.read_schema(release.path_of(name)).names
        expected = [["" if v is None else _text(v) for v in row] for row in parquet_rows(release, name)]
        assert body == expected, name


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        assert math.isfinite(value)
        return repr(value).removesuffix(".0")
    return str(value)


def test_csv_quoting_and_line_ends_follow_rfc_4180() -> None:
    data = pa.table(
        {
            "a": ["plain", 'with "quotes"', "comma, here", "two\nlines", None],
            "b": [1.0, 7.5, None, 25.25, 0.1],
            "c": [True, False, None, True, False],
            "d": [dt.date(2025, 4, 10), None, dt.date(2018, 7, 6), None, None],
        }
    )
    assert csv_bytes(data) == (
        b"a,b,c,d\r\n"
        b"plain,1,true,2025-04-10\r\n"
        b'"with ""quotes""",7.5,false,\r\n'
        b'"comma, here",,,2018-07-06\r\n'
        b'"two\nlines",25.25,true,\r\n'
        b",0.1,false,\r\n"
    )


def test_csv_export_is_byte_identical_when_rebuilt(release: policydata.Release, tmp_path: Path) -> None:
    first = {p.name: p.read_bytes() for p in export_csv(release, tmp_path / "a")}
    second = {p.name: p.read_bytes() for p in export_csv(release, tmp_path / "b")}
    assert first == second


def test_csv_schemas_come_from_the_release_not_the_library(synthetic: policydata.Release) -> None:
    """The archive of a published release must rebuild byte for byte with any later policydata."""
    files = csv_files(synthetic)
    for resource in synthetic.datapackage["resources"]:
        schema = json.loads(files[f"{resource['name']}.schema.json"])
        assert schema == {**resource["schema"], "missingValues": [""]}
    package = json.loads(files[settings.CSV_PACKAGE_FILE])
    assert package["version"] == synthetic.version
    assert package["licenses"] == synthetic.datapackage["licenses"]


# -------------------------------------------------------------------------------------------------
# Older releases, the dispatcher, the command line


def test_a_release_of_an_older_minor_schema_gets_the_new_columns_as_nulls() -> None:
    spec = table("tariff_events")
    events = pq.read_table(policydata.open_release().path_of("tariff_events"))
    older = events.drop_columns(["exporter"])
    conformed = conform(older, spec, "2000.1.0")
    assert conformed.column_names == list(spec.field_names)
    assert conformed["exporter"].null_count == conformed.num_rows
    with pytest.raises(policydata.IntegrityError):
        conform(events.drop_columns(["event_id"]), spec, "2000.1.0")


def test_export_dispatches_every_format(tmp_path: Path) -> None:
    assert FORMATS == ("sqlite", "duckdb", "csv")  # sqlite and csv: see test_cli_export
    out = export("duckdb", None, tmp_path / "out.duckdb")
    assert duckdb.connect(str(out), read_only=True).execute("select count(*) from sources").fetchone() != (0,)
    with pytest.raises(policydata.InvalidArgumentError) as info:
        export("xlsx", None, tmp_path / "x")
    assert info.value.code == "invalid-argument"


def test_cli_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    version = policydata.open_release().version
    code, output = run_cli(["export", "sqlite", version, "-o", str(tmp_path / "p.db")], monkeypatch, capsys)
    assert code == 0, output
    assert sqlite3.connect(tmp_path / "p.db").execute("select count(*) from tariff_events").fetchone()[0] > 0
    code, output = run_cli(["export", "csv", "-o", str(tmp_path / "csv")], monkeypatch, capsys)
    assert code == 0 and (tmp_path / "csv" / settings.CSV_PACKAGE_FILE).is_file()
    code, output = run_cli(
        ["export", "metadata", version, "-o", str(tmp_path / "m.json")], monkeypatch, capsys
    )
    assert code == 0
    meta = json.loads((tmp_path / "m.json").read_text())
    assert set(meta["databases"]["policydata"]["queries"]) >= {"events_in_force", "event_products"}
    code, output = run_cli(["export", "xlsx", "-o", str(tmp_path / "x")], monkeypatch, capsys)
    assert code == 2 and not (tmp_path / "x").exists()
    code, output = run_cli(
        ["export", "sqlite", "1999.1.0", "-o", str(tmp_path / "y.db")], monkeypatch, capsys
    )
    assert code == 2 and "release-not-found" in output and not (tmp_path / "y.db").exists()


# -------------------------------------------------------------------------------------------------
# policydata.sql


def test_sql_has_one_view_per_table() -> None:
    names = policydata.sql("select view_name from duckdb_views() where not internal order by 1")
    assert sorted(names["view_name"]) == sorted(policydata.open_release().tables)


def test_sql_readme_examples() -> None:
    in_force = policydata.sql(
        "select event_id, rate_pct from tariff_events where imposing = 'USA' and target = 'CHN' "
        "and effective_date <= date '2025-04-10' and (end_date is null or end_date > date '2025-04-10') "
        "order by effective_date"
    )
    assert "USA-CHN-2025-IEEPA-FENT-20" in set(in_force["event_id"])
    cited = policydata.sql(
        "select s.publisher, count(*) as citations from citations c join sources s using (source_id) "
        "group by s.publisher order by citations desc limit 5",
        backend="arrow",
    )
    assert isinstance(cited, pa.Table) and cited.num_rows == 5


def test_sql_takes_parameters_and_backends() -> None:
    frame = policydata.sql(
        "select count(*) as n from tariff_events where imposing = ?", params=["CHN"], backend="polars"
    )
    assert frame["n"][0] > 0
    with pytest.raises(policydata.InvalidArgumentError):
        policydata.sql("select 1", backend="excel")


@pytest.mark.parametrize(
    "query",
    [
        "selec 1",
        "select * from no_such_table",
        "select no_such_column from sources",
        "select cast('x' as int)",
    ],
    ids=["syntax", "table", "column", "conversion"],
)
def test_sql_errors_are_query_errors(query: str) -> None:
    with pytest.raises(policydata.QueryError) as info:
        policydata.sql(query)
    assert info.value.code == "invalid-query"
    assert isinstance(info.value, ValueError)
