"""``policydata.validate``: Parquet input, loose files, your own tables, limits, exact lines."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from _validate_corpus import VALID, cases, fingerprint

import policydata
from policydata.errors import InvalidArgumentError
from policydata.publish.build import build_release
from policydata.schemas import Ordered, Record, Rule, field
from policydata.validate import TableSpec
from policydata.validate.report import Problem, Report

BY_NAME = {c.name: c for c in cases()}


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A release built from the valid corpus (Parquet, sorted by key)."""
    root = tmp_path_factory.mktemp("releases")
    return build_release(VALID, root, "2099.1.0", dt.date(2099, 1, 1), update_index_file=False)


@pytest.mark.parametrize("engine", ["arrow", "pandas"])
def test_a_release_validates(release: Path, engine: str) -> None:
    before = fingerprint(release)
    report = policydata.validate(release, engine=engine)  # type: ignore[arg-type]
    assert report.problems == []
    assert report.tables == policydata.validate(VALID).tables
    assert fingerprint(release) == before


def _rewrite(src: Path, dst: Path, name: str, change: object) -> Path:
    shutil.copytree(src, dst)
    table = pq.read_table(dst / f"{name}.parquet")
    table = change(table)  # type: ignore[operator]
    pq.write_table(table, dst / f"{name}.parquet")
    return dst / f"{name}.parquet"


@pytest.mark.parametrize("engine", ["arrow", "pandas"])
def test_parquet_problems_give_the_row_index(release: Path, tmp_path: Path, engine: str) -> None:
    def rate_too_high(t: pa.Table) -> pa.Table:
        rates = t.column("rate_pct").to_pylist()
        rates[2] = 1001.0
        return t.set_column(t.schema.get_field_index("rate_pct"), "rate_pct", pa.array(rates, pa.float64()))

    path = _rewrite(release, tmp_path / "rel", "tariff_events", rate_too_high)
    report = policydata.validate(tmp_path / "rel", engine=engine)  # type: ignore[arg-type]
    assert [(p.code, p.file, p.line, p.row, p.field, p.value) for p in report.problems] == [
        ("out-of-range", str(path), None, 2, "rate_pct", "1001")
    ]


def test_third_party_parquet_with_text_dates(release: Path, tmp_path: Path) -> None:
    def dates_as_text(t: pa.Table) -> pa.Table:
        values = [None if d is None else d.isoformat() for d in t.column("published_date").to_pylist()]
        values[1] = "05/01/2099"
        i = t.schema.get_field_index("published_date")
        return t.set_column(i, "published_date", pa.array(values, pa.string()))

    _rewrite(release, tmp_path / "rel", "sources", dates_as_text)
    report = policydata.validate(tmp_path / "rel")
    assert [(p.code, p.row, p.field, p.value) for p in report.problems] == [
        ("type-error", 1, "published_date", "05/01/2099")
    ]


def test_parquet_with_a_missing_column(release: Path, tmp_path: Path) -> None:
    _rewrite(release, tmp_path / "rel", "policy_sectors", lambda t: t.drop_columns(["notes"]))
    assert [p.code for p in policydata.validate(tmp_path / "rel").problems] == ["header"]


def test_parquet_of_the_wrong_type(release: Path, tmp_path: Path) -> None:
    def ints_as_bools(t: pa.Table) -> pa.Table:
        i = t.schema.get_field_index("tariff_lines")
        return t.set_column(i, "tariff_lines", pa.array([True] * t.num_rows))

    _rewrite(release, tmp_path / "rel", "tariff_events", ints_as_bools)
    report = policydata.validate(tmp_path / "rel")
    assert [(p.code, p.field) for p in report.problems] == [("type-error", "tariff_lines")]


def test_a_broken_parquet_file_is_unreadable(release: Path, tmp_path: Path) -> None:
    shutil.copytree(release, tmp_path / "rel")
    (tmp_path / "rel" / "sectors.parquet").write_bytes(b"PAR1 not really")
    report = policydata.validate(tmp_path / "rel")
    assert [(p.code, Path(p.file or "").name) for p in report.problems] == [("unreadable", "sectors.parquet")]


def test_a_table_given_twice_is_ambiguous(release: Path, tmp_path: Path) -> None:
    folder = shutil.copytree(VALID, tmp_path / "data")
    shutil.copyfile(release / "sectors.parquet", folder / "sectors.parquet")
    report = policydata.validate(folder)
    assert [(p.code, p.table) for p in report.problems] == [("ambiguous-table", "sectors")]


def test_loose_files_are_checked_together(tmp_path: Path) -> None:
    folder = BY_NAME["foreign-key"].materialise(tmp_path / "data")
    report = policydata.validate([folder / "policy_sectors.csv", folder / "sectors.csv"])
    assert [(p.code, p.line, p.field) for p in report.problems] == [("foreign-key", 2, "sector_id")]
    # policies.csv was not given: its references are not checked, and it is not missing
    assert set(report.tables) == {"policy_sectors", "sectors"}


@pytest.mark.parametrize("path", ["nowhere", "README.txt"])
def test_paths_that_are_not_table_files_are_usage_errors(path: str, tmp_path: Path) -> None:
    (tmp_path / "README.txt").write_text("hello", encoding="utf-8")
    with pytest.raises(InvalidArgumentError):
        policydata.validate(tmp_path / path)


def test_unknown_engine_is_a_usage_error() -> None:
    with pytest.raises(InvalidArgumentError):
        policydata.validate(VALID, engine="spark")  # type: ignore[arg-type]


class _Even(Rule):
    """A rule without a vectorised form: checked row by row."""

    code = "rule"

    @property
    def fields(self) -> tuple[str, ...]:  # type: ignore[override]
        return ("n",)

    def row_ok(self, row: object) -> bool:
        n = row["n"]  # type: ignore[index]
        return n is None or n % 2 == 0

    def describe(self) -> str:
        return "n must be even"


class Reading(Record):
    """A synthetic table for these tests."""

    reading_id: str = field("Id.", pattern=r"^R[0-9]+$")
    n: int | None = field("A count.", ge=0)
    start: dt.date = field("Start.")
    end: dt.date | None = field("End.")

    __rules__ = (Ordered("start", "end"), _Even())


READINGS = TableSpec("readings", Reading, ("reading_id",), duplicate_fields=("n", "start", "end"))


@pytest.mark.parametrize("engine", ["arrow", "pandas"])
def test_your_own_table_spec(tmp_path: Path, engine: str) -> None:
    path = tmp_path / "readings.csv"
    path.write_text(
        "reading_id,n,start,end\n"
        "R1,2,2099-01-01,2099-01-02\n"
        "R2,3,2099-01-01,\n"
        "R3,4,2099-02-01,2099-01-01\n"
        "R4,2,2099-01-01,2099-01-02\n"
        "R1,-2,2099-01-01,\n",
        encoding="utf-8",
    )
    report = policydata.validate(path, tables=[READINGS], engine=engine)  # type: ignore[arg-type]
    assert [(p.code, p.line, p.field, p.severity) for p in report.problems] == [
        ("rule", 3, "n", "error"),
        ("date-order", 4, "start", "error"),
        ("likely-duplicate", 5, "reading_id", "warning"),
        ("duplicate-key", 6, "reading_id", "error"),
        ("out-of-range", 6, "n", "error"),
    ]


def test_limit_counts_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "readings.csv"
    rows = "".join(f"R{i},-1,2099-01-0{i + 1},\n" for i in range(5))
    path.write_text("reading_id,n,start,end\n" + rows, encoding="utf-8")
    report = policydata.validate(path, tables=[READINGS], limit=2)
    assert [(p.code, p.line) for p in report.problems] == [("out-of-range", 2), ("out-of-range", 3)]
    assert report.omitted == {f"{path}:out-of-range:n": 3}


def test_lines_stay_exact_in_a_large_file_with_quoted_line_breaks(tmp_path: Path) -> None:
    path = tmp_path / "readings.csv"
    rows = ['R0,0,2099-01-01,"2099-01-02"\n']
    rows += [f"R{i},{2 * i},2099-01-01,\n" for i in range(1, 30_000)]
    rows[5] = 'R5,10,"2099-01-01",\n'
    body = "reading_id,n,start,end\n" + "".join(rows)
    # a quoted id with a line break inside; the problem after it must still get its own line
    body = body.replace("R7,14,2099-01-01,\n", '"R\n7",14,2099-01-01,\n')
    body = body.replace("R29000,58000,", "R29000,-2,")
    path.write_text(body, encoding="utf-8")
    report = policydata.validate(path, tables=[READINGS])
    found = [(p.code, p.line, p.row) for p in report.problems]
    assert ("pattern", 9, 7) in found
    assert ("out-of-range", 29_003, 29_000) in found


def test_lines_in_a_large_file_without_quotes(tmp_path: Path) -> None:
    path = tmp_path / "readings.csv"
    rows = [f"R{i},{2 * i},2099-01-01,\n" for i in range(100_000)]
    rows[99_990] = "R99990,2,2099-01-01\n"  # a missing cell
    rows[99_995] = "R99995,4,2099-31-01,\n"  # a bad date
    path.write_text("reading_id,n,start,end\n" + "".join(rows), encoding="utf-8")
    report = policydata.validate(path, tables=[READINGS])
    assert [(p.code, p.line, p.field) for p in report.problems] == [
        ("missing-cell", 99_992, "end"),
        ("type-error", 99_997, "start"),
    ]


def test_crlf_files_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "readings.csv"
    path.write_bytes(b"reading_id,n,start,end\r\nR1,2,2099-01-01,\r\nR2,-4,2099-01-01,\r\n")
    report = policydata.validate(path, tables=[READINGS])
    assert [(p.code, p.line) for p in report.problems] == [("out-of-range", 3)]


def test_report_round_trips_through_its_dict() -> None:
    report = Report([Problem("blank-row", "Delete it.", "t", "t.csv", 3, 1)], {"t": 2}, {"x": 1})
    assert Report.from_dict(report.to_dict()) == report
    assert report.to_dict()["valid"] is False


def test_location_formats() -> None:
    assert Problem("x", "m", "t", "t.csv", 3, 1, 2).location() == "t.csv:3:2"
    assert Problem("x", "m", "t", "t.parquet", None, 4).location() == "t.parquet[row 4]"


class Shipment(Record):
    """A synthetic table with a column of few distinct values."""

    shipment_id: str = field("Id.", pattern=r"^S[0-9]+$")
    origin: str = field("Origin.", codes="jurisdiction")
    code: str = field("A code.", pattern=r"^[A-Z]{2}$")


@pytest.mark.parametrize("engine", ["arrow", "pandas"])
def test_large_parquet_with_dictionary_columns(tmp_path: Path, engine: str) -> None:
    """Text columns stored with a dictionary are checked once per distinct value, rows exact."""
    n = 30_000
    origins = ["USA", "CHN", "EUN"] * (n // 3)
    origins[25_001] = "ZZZ"
    codes = ["AB", "CD"] * (n // 2)
    codes[7] = "A1"
    table = pa.table({"shipment_id": [f"S{i}" for i in range(n)], "origin": origins, "code": codes})
    pq.write_table(table, tmp_path / "shipments.parquet")
    spec = TableSpec("shipments", Shipment, ("shipment_id",))
    report = policydata.validate(tmp_path / "shipments.parquet", tables=[spec], engine=engine)  # type: ignore[arg-type]
    assert [(p.code, p.row, p.field, p.value) for p in report.problems] == [
        ("pattern", 7, "code", "A1"),
        ("enum", 25_001, "origin", "ZZZ"),
    ]


@pytest.mark.parametrize(
    "body", [b"reading_id,n,start,end", b"reading_id,n,start,end\n"], ids=["no-newline", "newline"]
)
def test_a_header_alone_is_an_empty_valid_table(tmp_path: Path, body: bytes) -> None:
    path = tmp_path / "readings.csv"
    path.write_bytes(body)
    report = policydata.validate(path, tables=[READINGS])
    assert report.problems == []
    assert report.tables == {"readings": 0}


def test_lone_carriage_returns_still_give_lines(tmp_path: Path) -> None:
    path = tmp_path / "readings.csv"
    path.write_bytes(b"reading_id,n,start,end\rR1,2,2099-01-01,\rR2,-4,2099-01-02,\r")
    report = policydata.validate(path, tables=[READINGS])
    assert [(p.code, p.line) for p in report.problems] == [("out-of-range", 3)]


def test_a_header_problem_does_not_hide_the_rows(tmp_path: Path) -> None:
    """Columns out of order and one unknown: the header is one problem, and the rows are still
    checked, each cell located at its column in the file."""
    path = tmp_path / "readings.csv"
    path.write_text(
        "n,reading_id,start,end,comment\n2,R1,2099-01-01,,fine\n-4,R2,2099-01-01,,x\n4,R3,01/02/2099,,\n",
        encoding="utf-8",
    )
    report = policydata.validate(path, tables=[READINGS])
    assert [(p.code, p.line, p.column, p.field) for p in report.problems] == [
        ("header", 1, None, None),
        ("out-of-range", 3, 1, "n"),
        ("type-error", 4, 3, "start"),
    ]
    assert report.tables == {"readings": 3}
    assert report.skipped == []


def test_a_missing_required_column_is_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "readings.csv"
    path.write_text("reading_id,n,end\nR1,2,\nR2,4,\nR3,6,\n", encoding="utf-8")
    report = policydata.validate(path, tables=[READINGS])
    assert [(p.code, p.line) for p in report.problems] == [("header", 1)]


@pytest.mark.parametrize("engine", ["arrow", "pandas"])
def test_a_file_that_is_not_the_table_is_given_up_on(tmp_path: Path, engine: str) -> None:
    """Mostly malformed records: the first few are listed, the rest counted, the rows not checked."""
    path = tmp_path / "readings.csv"
    junk = "".join(f"junk {i}\n" for i in range(5_000))
    path.write_text("reading_id,n,start,end\n" + junk, encoding="utf-8")
    report = policydata.validate(path, tables=[READINGS], limit=5, engine=engine)  # type: ignore[arg-type]
    assert [(p.code, p.line, p.field) for p in report.problems] == [
        ("missing-cell", line, "n") for line in range(2, 7)
    ]
    assert report.omitted == {f"{path}:missing-cell:n": 4_995}
    assert [(s.check, s.table) for s in report.skipped] == [("rows", "readings")]
    assert report.tables == {}


def test_one_stray_quote_per_line_and_the_row_it_splits(tmp_path: Path) -> None:
    path = tmp_path / "readings.csv"
    path.write_text('reading_id,n,start,end\nR1,2,2099-01-01,\n"R"2",4,"2099-01-"0"2",\n', encoding="utf-8")
    report = policydata.validate(path, tables=[READINGS])
    assert [(p.code, p.line) for p in report.problems][:1] == [("stray-quote", 3)]
    assert [p.code for p in report.problems].count("stray-quote") == 1


def test_an_unclosed_quote_is_reported_where_it_opens_in_a_large_file(tmp_path: Path) -> None:
    path = tmp_path / "readings.csv"
    rows = [f'R{i},{2 * i},2099-01-01,"2099-01-02"\n' for i in range(50_000)]
    rows[9] = 'R9,18,"2099-01-01,\n'  # line 11
    path.write_text("reading_id,n,start,end\n" + "".join(rows), encoding="utf-8")
    report = policydata.validate(path, tables=[READINGS])
    assert [(p.code, p.line) for p in report.problems] == [("unclosed-quote", 11)]
    assert [(s.check, s.table) for s in report.skipped] == [("rows", "readings")]


def test_the_limit_bounds_what_is_listed_and_counts_the_rest(tmp_path: Path) -> None:
    """200,000 rows with a bad cell each: 3 listed per kind, the others counted exactly."""
    path = tmp_path / "readings.csv"
    rows = "".join(f"R{i},{-1 if i % 2 else 1},2099-13-01,\n" for i in range(200_000))
    path.write_text("reading_id,n,start,end\n" + rows, encoding="utf-8")
    report = policydata.validate(path, tables=[READINGS], limit=3)
    # every start date is impossible; odd rows have a negative n, even rows an odd one (the rule)
    listed = sorted((p.line or 0, p.code) for p in report.problems)
    assert listed == sorted(
        [(line, "type-error") for line in (2, 3, 4)]
        + [(line, "out-of-range") for line in (3, 5, 7)]
        + [(line, "rule") for line in (2, 4, 6)]
    )
    assert report.omitted[f"{path}:rule:n"] == 100_000 - 3
    assert report.omitted[f"{path}:type-error:start"] == 200_000 - 3
    assert report.omitted[f"{path}:out-of-range:n"] == 100_000 - 3


def test_blank_rows_are_one_problem_each(tmp_path: Path) -> None:
    path = tmp_path / "readings.csv"
    path.write_text("reading_id,n,start,end\nR1,2,2099-01-01,\n,,,\n\nR2,4,2099-01-01,\n", encoding="utf-8")
    report = policydata.validate(path, tables=[READINGS])
    assert [(p.code, p.line) for p in report.problems] == [("blank-row", 3), ("blank-row", 4)]
    assert report.tables == {"readings": 2}


def test_parquet_with_a_column_of_the_wrong_type_checks_the_others(release: Path, tmp_path: Path) -> None:
    def bad(t: pa.Table) -> pa.Table:
        i = t.schema.get_field_index("tariff_lines")
        rates = t.column("rate_pct").to_pylist()
        rates[1] = -5.0
        t = t.set_column(t.schema.get_field_index("rate_pct"), "rate_pct", pa.array(rates, pa.float64()))
        return t.set_column(i, "tariff_lines", pa.array([True] * t.num_rows))

    _rewrite(release, tmp_path / "rel", "tariff_events", bad)
    report = policydata.validate(tmp_path / "rel")
    assert [(p.code, p.row, p.field) for p in report.problems] == [
        ("type-error", None, "tariff_lines"),
        ("out-of-range", 1, "rate_pct"),
    ]


def test_skipped_checks_are_in_the_report_data(tmp_path: Path) -> None:
    folder = BY_NAME["foreign-key"].materialise(tmp_path / "data")
    report = policydata.validate(folder / "policy_sectors.csv")
    assert report.problems == []
    data = report.to_dict()
    assert sorted((s["check"], s["table"]) for s in data["skipped"]) == [
        ("citations", None),
        ("foreign-key", "policy_sectors"),
        ("foreign-key", "policy_sectors"),
    ]
    assert Report.from_dict(data) == report


@pytest.mark.parametrize(
    "body",
    [b"x" * 200_000, (",".join(f"c{i}" for i in range(5_000)) + "\n1,2\n").encode()],
    ids=["first-line-200-kB", "header-of-5000-columns"],
)
def test_a_first_line_that_cannot_be_a_header_is_one_problem(tmp_path: Path, body: bytes) -> None:
    path = tmp_path / "readings.csv"
    path.write_bytes(body)
    report = policydata.validate(path, tables=[READINGS])
    assert [(p.code, p.line) for p in report.problems] == [("header", 1)]
    assert [(s.check, s.table) for s in report.skipped] == [("rows", "readings")]


def test_a_huge_cell_is_shown_cut(tmp_path: Path) -> None:
    path = tmp_path / "readings.csv"
    path.write_text("reading_id,n,start,end\nR1,2,2099-01-01,\nR" + "x" * 100_000 + ",4,2099-01-01,\n")
    (problem,) = policydata.validate(path, tables=[READINGS]).problems
    assert (problem.code, problem.line) == ("pattern", 3)
    assert problem.value is not None and len(problem.value) == 1000
    assert len(problem.message) < 1000


class _Before2100(Rule):
    """A rule without a vectorised form, about a date: row_ok gets a datetime.date or None."""

    code = "rule"

    @property
    def fields(self) -> tuple[str, ...]:  # type: ignore[override]
        return ("start",)

    def row_ok(self, row: object) -> bool:
        start = row["start"]  # type: ignore[index]
        assert start is None or type(start) is dt.date
        return start is None or start < dt.date(2100, 1, 1)

    def describe(self) -> str:
        return "start must be before 2100"


class Visit(Record):
    """A synthetic table with a date rule of its own."""

    visit_id: str = field("Id.", pattern=r"^V[0-9]+$")
    start: dt.date | None = field("Start.")

    __rules__ = (_Before2100(),)


@pytest.mark.parametrize("engine", ["arrow", "pandas"])
def test_a_rule_of_your_own_gets_dates_in_both_engines(tmp_path: Path, engine: str) -> None:
    path = tmp_path / "visits.csv"
    path.write_text("visit_id,start\nV1,2099-01-01\nV2,2100-06-01\nV3,\n", encoding="utf-8")
    spec = TableSpec("visits", Visit, ("visit_id",))
    report = policydata.validate(path, tables=[spec], engine=engine)  # type: ignore[arg-type]
    assert [(p.code, p.line) for p in report.problems] == [("rule", 3)]
