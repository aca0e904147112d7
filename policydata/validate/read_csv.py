"""Read a CSV table for validation: bytes, header, quotes, records, then typed Arrow columns.

CSV files are parsed by Arrow's multi-threaded reader with every cell as text, then each column is
converted to its field's type in one vectorised step; only when a column has a bad cell is it
converted again, more slowly, to find which cells. Line numbers are worked out only when a
problem needs one, from the file's own bytes, so they stay exact when quoted cells span lines.

The work is bounded whatever the file holds: a file whose records mostly have the wrong number of
cells (junk, another table, another separator) is given up on after its first megabyte, with the
first malformed records listed and a note that its rows were not checked. Nothing here writes to
the files it reads.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from policydata.generated.arrow import arrow_type
from policydata.validate import codes
from policydata.validate.convert import convert_strings
from policydata.validate.csv_header import Header, header_end, read_header
from policydata.validate.csv_records import Records, Scan, malformed_issues, not_listed
from policydata.validate.csv_text import read_bytes, scan_quotes
from policydata.validate.model import Issue, LoadedTable, Unread, first_rows, pmap

if TYPE_CHECKING:
    import pyarrow as pa

    from policydata.schemas.model import TableSpec

#: bytes of records read first to judge a file's structure before parsing all of it
SNIFF = 1 << 20
#: malformed records the parser reports one by one (a Python call each) before it stops and the
#: file's structure is judged by a vectorised pass instead
_PARSER_PATIENCE = 10_000


class _TooMalformedError(Exception):
    """The parser met more malformed records than it reports one by one."""


def _parse(path: Path, width: int, quoted: bool, on_invalid: Callable[[Any], str]) -> pa.Table:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = [f"c{i}" for i in range(width)]
    return pacsv.read_csv(
        # from the file, not from bytes in memory: the text table is then the largest thing held
        str(path),
        # small blocks keep both cores busy on files of a few tens of megabytes
        read_options=pacsv.ReadOptions(skip_rows=1, column_names=names, block_size=1 << 20),
        parse_options=pacsv.ParseOptions(
            newlines_in_values=quoted, ignore_empty_lines=False, invalid_row_handler=cast(Any, on_invalid)
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={n: pa.string() for n in names},
            strings_can_be_null=True,
            null_values=[""],
        ),
    )


def _parse_counting(path: Path, width: int, quoted: bool, patience: int | None) -> tuple[pa.Table, int]:
    """Parse the records; malformed ones are skipped and counted (stop past ``patience`` of them)."""
    import pyarrow as pa

    invalid = 0

    def on_invalid(row: Any) -> str:
        nonlocal invalid
        invalid += 1
        return "error" if patience is not None and invalid > patience else "skip"

    try:
        return _parse(path, width, quoted, on_invalid), invalid
    except pa.ArrowInvalid as exc:
        if patience is not None and invalid > patience:
            raise _TooMalformedError from exc
        raise


def _given_up(issues: list[Issue], found: Scan, header: Header) -> Unread:
    issues.extend(malformed_issues(found, header.labels))
    part = "" if found.complete else "the first "
    return Unread(
        issues,
        f"{found.malformed} of {part}{found.records} records have a number of cells other than the "
        f"header's {len(header.labels)}, so the file's structure is not the table's (another "
        "separator, another table, or not a table at all)",
        not_listed(found),
    )


def _text_table(parsed: pa.Table, header: Header, spec: TableSpec) -> pa.Table:
    """The parsed columns under the schema's field names; a field the file lacks is all empty."""
    import pyarrow as pa

    columns: dict[str, Any] = {}
    for name in spec.field_names:
        at = header.positions.get(name)
        columns[name] = parsed.column(at) if at is not None else pa.nulls(parsed.num_rows, pa.string())
    return pa.table(columns)


def _blank_rows(table: pa.Table) -> Any | None:
    """A mask of the blank rows (every cell empty); None when there is none.

    Blank rows stay in the table (dropping them would copy every column) and are left out of
    every check instead.
    """
    if not table.num_rows or not all(c.null_count for c in table.columns):
        return None  # some column has no empty cell: no row is blank
    pc: Any = import_module("pyarrow.compute")

    all_null = pc.is_null(table.column(0))
    for i in range(1, table.num_columns):
        all_null = pc.and_(all_null, pc.is_null(table.column(i)))
    return all_null if pc.any(all_null).as_py() else None


def _read_records(
    path: Path, records: Records, header: Header, limit: int, issues: list[Issue]
) -> tuple[pa.Table, Scan | None] | Unread:
    """Parse the records, or give up on a file whose structure is clearly not the table's."""
    import pyarrow as pa

    width = len(header.labels)
    if records.start <= 0 or records.start >= len(records.raw):  # a header and no records
        return pa.table({f"c{i}": pa.array([], pa.string()) for i in range(width)}), None
    sniff = records.scan(limit, SNIFF)
    if sniff.clearly_wrong:
        return _given_up(issues, sniff, header)
    records.forget()  # the parser reads the file itself: do not hold its bytes twice
    try:
        parsed, invalid = _parse_counting(path, width, not records.flat, _PARSER_PATIENCE)
    except _TooMalformedError:
        full = records.scan(limit)
        if full.clearly_wrong:
            return _given_up(issues, full, header)
        records.forget()
        parsed, invalid = _parse_counting(path, width, not records.flat, None)
    except pa.ArrowInvalid as exc:
        issues.append(
            Issue(
                codes.UNREADABLE,
                f"The file cannot be parsed as CSV ({exc}). Check its quotes and separators.",
            )
        )
        return Unread(issues, "it cannot be parsed as CSV")
    malformed = records.scan(limit) if invalid else None
    records.forget()
    return parsed, malformed


def read_csv_table(path: Path, file: str, spec: TableSpec, limit: int) -> LoadedTable | Unread:
    """Read a CSV for validation; returns what was found instead when the rows cannot be checked.

    Phases: bytes and encoding, header, quotes, records (cell counts), blank rows, types.
    """
    issues: list[Issue] = []
    raw = read_bytes(path, issues)
    if raw is None:
        return Unread(issues, "it is not UTF-8")
    header = read_header(raw, spec, issues)
    if header.unusable is not None:
        return Unread(issues, header.unusable)
    quotes = scan_quotes(raw, header_end(raw) + 1, limit) if header_end(raw) >= 0 else None
    if quotes is not None:
        issues.extend(quotes.stray)
        if quotes.unclosed is not None:
            issues.append(quotes.unclosed)
            return Unread(issues, f"a quote opened on line {quotes.unclosed.line} is never closed")
    multiline = quotes is not None and quotes.multiline
    lone_cr = b"\r" in raw and raw.count(b"\r") != raw.count(b"\r\n")
    names = frozenset(spec.field_names)
    records = Records(path, raw, header_end(raw) + 1, not multiline and not lone_cr, header.labels, names)
    del raw  # held by ``records`` while it needs it, and no longer
    read = _read_records(path, records, header, limit, issues)
    if isinstance(read, Unread):
        return read
    parsed, malformed = read
    loaded = LoadedTable(spec, file, "csv", _text_table(parsed, header, spec), line_of_record=records.line)
    loaded.blank = _blank_rows(parsed)
    loaded.absent = header.absent
    if not header.exact:
        loaded.positions = {name: at + 1 for name, at in header.positions.items()}
    if malformed is not None:
        # a row broken by a stray quote on its line is that problem, reported once
        strays = {i.line for i in issues if i.code is codes.STRAY_QUOTE}
        issues.extend(i for i in malformed_issues(malformed, header.labels) if i.line not in strays)
        loaded.omitted.update(not_listed(malformed))
        loaded.removed_records = list(malformed.indices)
        loaded.incomplete = True
    _blank_row_issues(loaded, limit, issues)
    if quotes is not None and quotes.stopped_at is not None:
        loaded.skipped.append(
            (
                "quotes",
                f"only the first {limit} stray quotes are listed; none was looked for after line "
                f"{quotes.stopped_at}",
            )
        )
    loaded.issues = issues
    loaded.data = _convert_all(loaded, limit)
    return loaded


def _blank_row_issues(loaded: LoadedTable, limit: int, issues: list[Issue]) -> None:
    if loaded.blank is None:
        return
    rows = first_rows(loaded.blank, limit)
    for row in rows:
        record = loaded.record(row)
        issues.append(
            Issue(
                codes.BLANK_ROW,
                "The row is blank. Expected a record; delete the row.",
                row=row,
                line=loaded.line(record),
            )
        )
    if loaded.blank_count > len(rows):
        loaded.omitted[(codes.BLANK_ROW, None)] = loaded.blank_count - len(rows)


def _convert_all(loaded: LoadedTable, limit: int) -> pa.Table:
    import pyarrow as pa

    text = loaded.data

    def convert(spec: Any) -> Any:
        if spec.name in loaded.absent:
            return pa.nulls(text.num_rows, cast(Any, arrow_type(spec)))
        return convert_strings(text.column(spec.name), spec, loaded, limit)

    arrays = pmap(convert, list(loaded.spec.fields))
    return pa.Table.from_arrays(arrays, names=list(loaded.spec.field_names))
