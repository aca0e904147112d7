"""Read a CSV table for validation: bytes, encoding, structure, then typed Arrow columns.

CSV files are parsed by Arrow's multi-threaded reader with every cell as text, then each column is
converted to its field's type in one vectorised step; only when a column has a bad cell is it
converted again, more slowly, to find which cells. Line numbers are worked out only when a
problem needs one, from the file's own bytes, so they stay exact when quoted cells span lines.
Nothing here writes to the files it reads.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from policydata.validate import codes
from policydata.validate.convert import convert_strings
from policydata.validate.model import Issue, LoadedTable, pmap

if TYPE_CHECKING:
    import pyarrow as pa

    from policydata.schemas.model import TableSpec

BOM = b"\xef\xbb\xbf"


class _Lines:
    """Where each CSV record starts, computed from the bytes only when first needed."""

    def __init__(self, raw: bytes, simple: bool) -> None:
        self.raw = raw
        self.simple = simple
        self._starts: list[int] | None = None
        self._cells: list[int] | None = None

    @property
    def text(self) -> str:
        return self.raw.decode("utf-8")

    def _scan(self) -> None:
        starts: list[int] = []
        cells: list[int] = []
        if self.simple:
            # no quotes and no lone CR: one record per line
            lines = self.text.split("\n")
            if lines and lines[-1] == "":
                lines.pop()
            for i, ln in enumerate(lines):
                starts.append(i + 1)
                cells.append(0 if ln in ("", "\r") else ln.count(",") + 1)
        else:
            reader = csv.reader(io.StringIO(self.text, newline=""))
            start = 1
            for row in reader:
                starts.append(start)
                cells.append(len(row))
                start = reader.line_num + 1
        self._starts, self._cells = starts, cells

    def line(self, record: int) -> int:
        """1-based line where data record ``record`` (0-based, after the header) starts."""
        if self.simple:
            return record + 2
        if self._starts is None:
            self._scan()
        assert self._starts is not None
        k = record + 1
        return self._starts[k] if k < len(self._starts) else len(self._starts) + 1

    def malformed(self, expected: int) -> list[tuple[int, int, int]]:
        """(record, line, cells) of each data record whose cell count is not ``expected``."""
        if self._starts is None:
            self._scan()
        assert self._starts is not None
        assert self._cells is not None
        return [
            (k - 1, self._starts[k], n) for k, n in enumerate(self._cells) if k > 0 and n not in (0, expected)
        ]

    def cells(self, record: int) -> list[str]:
        """The cells of data record ``record`` as Python's csv module reads them."""
        line = self.line(record)
        start = 0
        for _ in range(line - 1):
            start = self.raw.index(b"\n", start) + 1
        tail = self.raw[start:].decode("utf-8")
        return next(csv.reader(io.StringIO(tail, newline="")), [])


def _parse(body: bytes, names: list[str], quoted: bool, on_invalid: Callable[[Any], str]) -> pa.Table:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    return pacsv.read_csv(
        io.BytesIO(body),
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


def _first_line_with(raw: bytes, pattern: bytes) -> int:
    m = re.search(pattern, raw)
    return raw.count(b"\n", 0, m.start()) + 1 if m else 1


def _check_bytes(raw: bytes, issues: list[Issue]) -> bool:
    """Encoding and line endings of a file's bytes (BOM removed); False when it is not UTF-8."""
    if not raw.isascii():
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            issues.append(
                Issue(
                    codes.ENCODING,
                    f"The file is not valid UTF-8: byte {raw[exc.start : exc.start + 1]!r} on line "
                    f"{line} cannot be decoded. Expected UTF-8; re-save the file as UTF-8 (in a "
                    "spreadsheet: 'CSV UTF-8').",
                    line=line,
                    value=raw[exc.start : exc.end].hex(),
                )
            )
            return False
    if b"\r" not in raw:
        return True
    crlf = raw.count(b"\r\n")
    lf = raw.count(b"\n") - crlf
    cr = raw.count(b"\r") - crlf
    kinds = {"LF": lf, "CRLF": crlf, "CR": cr}
    used = [k for k, n in kinds.items() if n]
    if len(used) > 1:
        main = max(used, key=lambda k: kinds[k])
        minority = {"LF": rb"(?<!\r)\n", "CRLF": rb"\r\n", "CR": rb"\r(?!\n)"}
        other = next(k for k in used if k != main)
        line = _first_line_with(raw, minority[other])
        issues.append(
            Issue(
                codes.MIXED_NEWLINES,
                f"The file mixes line endings ({', '.join(f'{kinds[k]} {k}' for k in used)}); line "
                f"{line} ends with {other}. Expected one kind (LF); set your editor to LF line endings.",
                line=line,
                value=other,
            )
        )
    return True


def _header(raw: bytes) -> list[str]:
    end = raw.find(b"\n")
    first = raw[: end if end >= 0 else len(raw)]
    if first.count(b'"') % 2:  # a quoted label spans lines: let csv find its end
        first = raw
    return next(csv.reader(io.StringIO(first.decode("utf-8"), newline="")), [])


def _read_bytes(path: Path, issues: list[Issue]) -> bytes | None:
    """The file's bytes without a BOM; None when they are not UTF-8 or hold nothing."""
    raw = path.read_bytes()
    if raw.startswith(BOM):
        issues.append(
            Issue(
                codes.BYTE_ORDER_MARK,
                "The file starts with a UTF-8 byte-order mark (BOM). Expected plain UTF-8; save it "
                "as 'UTF-8' rather than 'UTF-8 with BOM'.",
                line=1,
            )
        )
        raw = raw[len(BOM) :]
    if not _check_bytes(raw, issues):
        return None
    return raw


def _header_ok(raw: bytes, spec: TableSpec, issues: list[Issue]) -> bool:
    """Check the header row against the schema; False when the rows cannot be read against it."""
    names = list(spec.field_names)
    if not raw.strip():
        issues.append(
            Issue(codes.EMPTY_FILE, f"The file is empty. Expected a header row: {','.join(names)}.", line=1)
        )
        return False
    header = _header(raw)
    seen: set[str] = set()
    for i, label in enumerate(header):
        if label in seen:
            issues.append(
                Issue(
                    codes.DUPLICATE_LABEL,
                    f"Column {i + 1} is named {label!r}, like an earlier column. Expected each of "
                    f"{','.join(names)} once; rename or delete the column.",
                    line=1,
                    column=i + 1,
                    value=label,
                )
            )
        seen.add(label)
    if len(seen) < len(header) and list(dict.fromkeys(header)) == names:
        return False  # the duplicate labels are the only difference: said above
    if header == names:
        return True
    missing = [n for n in names if n not in header]
    extra = [h for h in header if h not in names]
    detail = []
    if missing:
        detail.append(f"missing {', '.join(missing)}")
    if extra:
        detail.append(f"unexpected {', '.join(repr(h) for h in extra)}")
    if not detail and len(header) == len(names):
        detail.append("columns out of order")
    issues.append(
        Issue(
            codes.HEADER,
            f"The header does not match the schema of {spec.name} ({'; '.join(detail) or 'differs'}). "
            f"Expected, in this order: {','.join(names)}.",
            line=1,
            value=",".join(header),
        )
    )
    return False


def _header_end(raw: bytes) -> int:
    """Offset of the last byte of the header row's line ending; -1 when there is none."""
    end = min((i for i in (raw.find(b"\n"), raw.find(b"\r")) if i >= 0), default=-1)
    if end >= 0 and raw[end : end + 2] == b"\r\n":
        end += 1
    return end


def _quotes_closed(raw: bytes, header_end: int, issues: list[Issue]) -> bool:
    """False (with an issue) when a quote is opened and never closed."""
    # a quoted header (as some writers produce) does not make cells spanning lines possible
    quoted = header_end >= 0 and raw.find(b'"', header_end) >= 0
    if not quoted or raw.count(b'"') % 2 == 0:
        return True
    # quotes inside a quoted value are doubled, so a valid file has an even number of them
    last_open = 0
    for n, m in enumerate(re.finditer(b'"', raw)):
        if n % 2 == 0:
            last_open = m.start()
    line = raw.count(b"\n", 0, last_open) + 1
    issues.append(
        Issue(
            codes.UNCLOSED_QUOTE,
            f"A quote opened on line {line} is never closed, so the rest of the file would be "
            'read as one value. Close the quote; a quote inside a value is written twice ("").',
            line=line,
        )
    )
    return False


def _malformed_issues(lines: _Lines, names: list[str], issues: list[Issue]) -> list[int]:
    """Issues for the records whose cell count is wrong; return those records (left out)."""
    removed: list[int] = []
    for record, line, n in lines.malformed(len(names)):
        removed.append(record)
        if n > len(names):
            cells = lines.cells(record)
            for j in range(len(names), n):
                value = cells[j] if j < len(cells) else None
                issues.append(
                    Issue(
                        codes.EXTRA_CELL,
                        f"The row has {n} cells; expected {len(names)}. Cell {j + 1} ({value!r}) "
                        "has no column: quote values that contain commas, or remove the extra "
                        "separator.",
                        row=record,
                        line=line,
                        column=j + 1,
                        value=value,
                    )
                )
        else:
            for j in range(n, len(names)):
                issues.append(
                    Issue(
                        codes.MISSING_CELL,
                        f"The row has {n} cells; expected {len(names)}. There is no cell for "
                        f"{names[j]}: add the separators (an empty value is written ',,').",
                        row=record,
                        line=line,
                        field=names[j],
                        column=j + 1,
                    )
                )
    return removed


def _blank_rows(table: pa.Table) -> tuple[pa.Table, list[int]]:
    """The table without its blank rows (every cell empty), and their positions in it."""
    if not table.num_rows or not all(c.null_count for c in table.columns):
        return table, []  # some column has no empty cell: no row is blank
    pc: Any = import_module("pyarrow.compute")

    all_null = pc.is_null(table.column(0))
    for name in table.column_names[1:]:
        all_null = pc.and_(all_null, pc.is_null(table.column(name)))
    if not pc.any(all_null).as_py():
        return table, []
    blank = [int(i) for i in pc.indices_nonzero(all_null).to_pylist()]
    return table.filter(pc.invert(all_null)), blank


def read_csv_table(path: Path, file: str, spec: TableSpec) -> LoadedTable | list[Issue]:
    """Read a CSV for validation; returns the issues instead when the file cannot be checked.

    Phases: bytes and encoding, header, quotes, records (cell counts), blank rows, types.
    """
    import pyarrow as pa

    issues: list[Issue] = []
    raw = _read_bytes(path, issues)
    if raw is None or not _header_ok(raw, spec, issues):
        return issues
    header_end = _header_end(raw)
    if not _quotes_closed(raw, header_end, issues):
        return issues
    names = list(spec.field_names)
    quoted = header_end >= 0 and raw.find(b'"', header_end) >= 0
    lone_cr = b"\r" in raw and raw.count(b"\r") != raw.count(b"\r\n")
    lines = _Lines(raw, simple=not quoted and not lone_cr)
    invalid: list[int] = []

    def on_invalid(row: Any) -> str:
        invalid.append(row.actual_columns)
        return "skip"

    try:
        if header_end < 0 or header_end == len(raw) - 1:  # a header and no records
            table = pa.table({n: pa.array([], pa.string()) for n in names})
        else:
            table = _parse(raw, names, quoted, on_invalid)
    except pa.ArrowInvalid as exc:
        issues.append(
            Issue(
                codes.UNREADABLE,
                f"The file cannot be parsed as CSV ({exc}). Check its quotes and separators.",
            )
        )
        return issues
    removed = sorted(_malformed_issues(lines, names, issues)) if invalid else []
    table, blank = _blank_rows(table)
    loaded = LoadedTable(spec, file, "csv", table, table, removed_records=removed, line_of_record=lines.line)
    # blank rows are positions in the table before they were dropped; turn them into records
    blank_records = [loaded.record(i) for i in blank]
    for record in blank_records:
        issues.append(
            Issue(
                codes.BLANK_ROW,
                "The row is blank. Expected a record; delete the row.",
                row=record,
                line=lines.line(record),
            )
        )
    loaded.removed_records = sorted(removed + blank_records)
    loaded.incomplete = bool(invalid)
    loaded.issues = issues
    loaded.data = _convert_all(loaded)
    return loaded


def _convert_all(loaded: LoadedTable) -> pa.Table:
    import pyarrow as pa

    text = loaded.text
    assert text is not None
    arrays = pmap(
        lambda spec: convert_strings(text.column(spec.name), spec, loaded), list(loaded.spec.fields)
    )
    return pa.Table.from_arrays(arrays, names=list(loaded.spec.field_names))
