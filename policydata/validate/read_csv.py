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

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from policydata.generated.arrow import arrow_type
from policydata.validate import codes
from policydata.validate.convert import Converter
from policydata.validate.csv_header import Header, header_end, read_header
from policydata.validate.csv_records import Records, Scan, line_slices, malformed_issues, not_listed
from policydata.validate.csv_text import read_bytes, scan_quotes
from policydata.validate.model import Issue, LoadedTable, Unread, first_rows, pmap

if TYPE_CHECKING:
    import pyarrow as pa

    from policydata.schemas.model import TableSpec

#: bytes of records read first to judge a file's structure before parsing all of it
SNIFF = 1 << 20


@dataclass
class _Parsed:
    """A CSV's records read and typed a block at a time: a converter per field the header names."""

    columns: dict[str, Converter]
    #: per block, a mask of its blank rows (every cell empty)
    blank: list[Any] = field(default_factory=list)
    rows: int = 0


#: bytes of records parsed at a time (by Arrow's multi-threaded reader) and typed before the next
SECTION = 32 << 20


def _reader_options(width: int, quoted: bool, skip_malformed: bool, skip_rows: int) -> dict[str, Any]:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = [f"c{i}" for i in range(width)]
    return {
        # small blocks keep both cores busy
        "read_options": pacsv.ReadOptions(skip_rows=skip_rows, column_names=names, block_size=1 << 20),
        "parse_options": pacsv.ParseOptions(
            newlines_in_values=quoted,
            ignore_empty_lines=False,
            invalid_row_handler=cast(Any, (lambda row: "skip") if skip_malformed else None),
        ),
        "convert_options": pacsv.ConvertOptions(
            column_types={n: pa.string() for n in names}, strings_can_be_null=True, null_values=[""]
        ),
    }


def _parse(
    path: Path, start: int, header: Header, spec: TableSpec, limit: int, flat: bool, skip_malformed: bool
) -> _Parsed:
    """Read the records as text, a section of the file at a time when records are lines, typing
    each field's cells before the next section, so that the text of a typed column is never held
    whole. Without ``skip_malformed`` a record with another number of cells is an error: a reader
    told to skip them runs at half the speed, so it is used only when needed."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    pc: Any = import_module("pyarrow.compute")

    width = len(header.labels)
    parsed = _Parsed({s.name: Converter(s, limit) for s in spec.fields if s.name in header.positions})
    sections: Iterator[pa.Table]
    if flat:
        options = _reader_options(width, False, skip_malformed, 0)
        sections = (
            pacsv.read_csv(cast(Any, pa.BufferReader(b)), **options)
            for b in line_slices(path, start, size=SECTION)
        )
    else:  # a quoted value may run over lines: one section
        sections = iter([pacsv.read_csv(str(path), **_reader_options(width, True, skip_malformed, 1))])
    for table in sections:
        blank = pc.is_null(table.column(0))
        for i in range(1, table.num_columns):
            blank = pc.and_(blank, pc.is_null(table.column(i)))
        parsed.blank.extend(blank.chunks if isinstance(blank, pa.ChunkedArray) else [blank])
        # the fields side by side: Arrow compute releases the GIL
        work = [
            (converter, table.column(header.positions[name])) for name, converter in parsed.columns.items()
        ]
        pmap(lambda job: job[0].add(job[1]), work)
        del work
        parsed.rows += table.num_rows
    return parsed


def _typed_table(parsed: _Parsed, loaded: LoadedTable) -> pa.Table:
    """The typed columns under the schema's field names; a field the file lacks is all empty."""
    import pyarrow as pa

    pc: Any = import_module("pyarrow.compute")

    columns: dict[str, Any] = {}
    for s in loaded.spec.fields:
        converter = parsed.columns.get(s.name)
        columns[s.name] = (
            converter.finish(loaded)
            if converter is not None
            else pa.nulls(parsed.rows, cast(Any, arrow_type(s)))
        )
    if parsed.blank:
        blank = pa.chunked_array(parsed.blank, pa.bool_())
        # blank rows stay in the table (dropping them would copy every column) and are left out
        # of every check instead
        loaded.blank = blank if pc.any(blank).as_py() else None
    return pa.table(columns)


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


def _read_records(
    path: Path, records: Records, header: Header, spec: TableSpec, limit: int, issues: list[Issue]
) -> tuple[_Parsed, Scan | None] | Unread:
    """Parse the records, or give up on a file whose structure is clearly not the table's."""
    import pyarrow as pa

    if records.start <= 0 or records.start >= len(records.raw):  # a header and no records
        return _Parsed({s.name: Converter(s, limit) for s in spec.fields if s.name in header.positions}), None
    sniff = records.scan(limit, SNIFF)
    if sniff.clearly_wrong:
        return _given_up(issues, sniff, header)
    records.forget()  # the parser reads the file itself: do not hold its bytes twice
    try:
        try:
            return _parse(path, records.start, header, spec, limit, records.flat, skip_malformed=False), None
        except pa.ArrowInvalid as exc:
            if "columns, got" not in str(exc):
                raise
        return _read_malformed(path, records, header, spec, limit, issues)
    except pa.ArrowInvalid as exc:
        # what Arrow's reader cannot take at all (the structure of a record it cannot find)
        message = str(exc).split("\n")[0][:300]
        issues.append(
            Issue(
                codes.UNREADABLE,
                f"The file cannot be parsed as CSV ({message}). Check its quotes and separators.",
            )
        )
        return Unread(issues, "it cannot be parsed as CSV")


def _read_malformed(
    path: Path, records: Records, header: Header, spec: TableSpec, limit: int, issues: list[Issue]
) -> tuple[_Parsed, Scan] | Unread:
    """Parse a file some of whose records have another number of cells than its header."""
    if not records.flat:
        found = records.scan(limit)
        if found.clearly_wrong:
            return _given_up(issues, found, header)
        return _parse(path, records.start, header, spec, limit, False, skip_malformed=True), found
    # one record per line: a copy without the malformed lines parses at full speed
    with tempfile.TemporaryDirectory(prefix="policydata-") as tmp:
        clean = Path(tmp) / path.name
        found = records.clean_copy(limit, clean)
        if found.clearly_wrong:
            return _given_up(issues, found, header)
        return _parse(clean, len(records.head), header, spec, limit, True, skip_malformed=False), found


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
    # from the start: a quoted label may run over lines, so that the header is more than one line
    quotes = scan_quotes(raw, 0, limit) if header_end(raw) >= 0 else None
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
    read = _read_records(path, records, header, spec, limit, issues)
    if isinstance(read, Unread):
        return read
    parsed, malformed = read
    del read
    loaded = LoadedTable(spec, file, "csv", cast(Any, None), line_of_record=records.line)
    loaded.data = _typed_table(parsed, loaded)
    del parsed
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
