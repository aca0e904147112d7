"""Read a table file for validation: bytes, encoding, structure, then typed Arrow columns.

CSV files are parsed by Arrow's multi-threaded reader with every cell as text, then each column is
converted to its field's type in one vectorised step; only when a column has a bad cell is it
converted again, more slowly, to find which cells. Line numbers are worked out only when a
problem needs one, from the file's own bytes, so they stay exact when quoted cells span lines.
Nothing here writes to the files it reads.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from policydata.schemas._base import FieldSpec
from policydata.validate.tables import TableSpec

if TYPE_CHECKING:
    import pyarrow as pa

BOM = b"\xef\xbb\xbf"

_EXPECTED = {
    "date": "an ISO date, YYYY-MM-DD",
    "number": "a plain number such as 25 or 7.5 (a dot for decimals, no thousands separator)",
    "integer": "a whole number such as 1042",
    "boolean": "true or false (lower case)",
}

# What Arrow's string casts accept, less NaN and infinities; used to find the bad cells of a
# column whose fast cast failed.
_NUMBER_RE = r"^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"
_INTEGER_RE = r"^-?[0-9]{1,18}$"
_DATE_RE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def arrow_type(spec: FieldSpec) -> pa.DataType:
    """The Arrow type a field is stored with in a release."""
    import pyarrow as pa

    types: dict[str, pa.DataType] = {
        "string": pa.string(),
        "date": pa.date32(),
        "number": pa.float64(),
        "integer": pa.int64(),
        "boolean": pa.bool_(),
    }
    return types[spec.kind]


def arrow_schema(spec: TableSpec) -> pa.Schema:
    """The Arrow schema a table is stored with in a release."""
    import pyarrow as pa

    return pa.schema([pa.field(s.name, arrow_type(s), nullable=s.nullable) for s in spec.fields])


@dataclass
class Issue:
    """A problem found while checking, before it is located and turned into a :class:`Problem`."""

    code: str
    message: str
    row: int | None = None
    field: str | None = None
    value: str | None = None
    line: int | None = None
    column: int | None = None
    #: fields whose own cell problems make this one a consequence (it is then not reported)
    involves: tuple[str, ...] = ()


@dataclass
class LoadedTable:
    """A table read for validation.

    ``data`` holds the typed columns (every field nullable, so that a missing required value is
    reported rather than refused); ``text`` the cells as written, for CSV input.
    """

    spec: TableSpec
    file: str
    kind: str
    data: pa.Table
    text: pa.Table | None = None
    #: record index (0-based after the header) of each table row, when it is not the identity
    removed_records: list[int] = field(default_factory=list)
    #: True when malformed records were left out, so that its keys are not all known
    incomplete: bool = False
    line_of_record: Callable[[int], int] | None = None
    issues: list[Issue] = field(default_factory=list)
    #: per field: (dictionary of distinct values, index of each row's value), for columns with few
    #: distinct values, so that a check runs once per distinct value rather than once per row
    views: dict[str, tuple[Any, Any] | None] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def num_rows(self) -> int:
        return int(self.data.num_rows)

    @property
    def frame(self) -> Any:
        """The table as a pandas DataFrame with the dtypes the pandera schemas expect."""
        return to_pandas(self.data, self.spec)

    def record(self, row: int) -> int:
        """The record index of a table row (blank and malformed records are not table rows)."""
        k = row
        for r in self.removed_records:  # sorted
            if r <= k:
                k += 1
            else:
                break
        return k

    def line(self, record: int) -> int | None:
        return self.line_of_record(record) if self.line_of_record is not None else None

    def value(self, field_name: str, row: int) -> str | None:
        """A cell as text: as written in a CSV, formatted from its type otherwise."""
        source = self.text if self.text is not None else self.data
        return as_text(source.column(field_name)[row].as_py())


def as_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def to_pandas(table: pa.Table, spec: TableSpec) -> Any:
    """Convert to pandas with the dtypes the pandera schemas expect (see :mod:`policydata.frames`)."""
    import pandas as pd
    import pyarrow as pa

    def mapper(arrow_type: pa.DataType) -> Any:
        if pa.types.is_integer(arrow_type):
            return pd.Int64Dtype()
        return None

    frame = table.to_pandas(types_mapper=mapper)
    for s in spec.fields:
        column = frame[s.name]
        if s.kind == "integer" and not s.nullable and not column.isna().any():
            frame[s.name] = column.astype("int64")
        elif s.kind == "boolean" and s.nullable:
            frame[s.name] = column.astype("boolean")
    return frame


# --- CSV ----------------------------------------------------------------------------------------


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
                    "encoding",
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
                "mixed-newlines",
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


def read_csv_table(path: Path, file: str, spec: TableSpec) -> LoadedTable | list[Issue]:
    """Read a CSV for validation; returns the issues instead when the file cannot be checked."""
    import pyarrow as pa

    issues: list[Issue] = []
    raw = path.read_bytes()
    if raw.startswith(BOM):
        issues.append(
            Issue(
                "byte-order-mark",
                "The file starts with a UTF-8 byte-order mark (BOM). Expected plain UTF-8; save it "
                "as 'UTF-8' rather than 'UTF-8 with BOM'.",
                line=1,
            )
        )
        raw = raw[len(BOM) :]
    if not _check_bytes(raw, issues):
        return issues
    names = list(spec.field_names)
    if not raw[:4096].strip() and not raw.strip():
        issues.append(
            Issue(
                "empty-file",
                f"The file is empty. Expected a header row: {','.join(names)}.",
                line=1,
            )
        )
        return issues
    header = _header(raw)
    seen: set[str] = set()
    duplicated = False
    for i, label in enumerate(header):
        if label in seen:
            duplicated = True
            issues.append(
                Issue(
                    "duplicate-label",
                    f"Column {i + 1} is named {label!r}, like an earlier column. Expected each of "
                    f"{','.join(names)} once; rename or delete the column.",
                    line=1,
                    column=i + 1,
                    value=label,
                )
            )
        seen.add(label)
    if duplicated and list(dict.fromkeys(header)) == names:
        return issues  # the duplicate labels are the only difference: said above
    if header != names:
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
                "header",
                f"The header does not match the schema of {spec.name} ({'; '.join(detail) or 'differs'}). "
                f"Expected, in this order: {','.join(names)}.",
                line=1,
                value=",".join(header),
            )
        )
        return issues

    # a quoted header (as some writers produce) does not make cells spanning lines possible
    header_end = min((i for i in (raw.find(b"\n"), raw.find(b"\r")) if i >= 0), default=-1)
    if header_end >= 0 and raw[header_end : header_end + 2] == b"\r\n":
        header_end += 1
    quoted = header_end >= 0 and raw.find(b'"', header_end) >= 0
    if quoted and raw.count(b'"') % 2:
        # quotes inside a quoted value are doubled, so a valid file has an even number of them
        last_open = 0
        for n, m in enumerate(re.finditer(b'"', raw)):
            if n % 2 == 0:
                last_open = m.start()
        line = raw.count(b"\n", 0, last_open) + 1
        issues.append(
            Issue(
                "unclosed-quote",
                f"A quote opened on line {line} is never closed, so the rest of the file would be "
                'read as one value. Close the quote; a quote inside a value is written twice ("").',
                line=line,
            )
        )
        return issues
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
                "unreadable",
                f"The file cannot be parsed as CSV ({exc}). Check its quotes and separators.",
            )
        )
        return issues
    removed: list[int] = []
    if invalid:
        for record, line, n in lines.malformed(len(names)):
            removed.append(record)
            if n > len(names):
                cells = lines.cells(record)
                for j in range(len(names), n):
                    value = cells[j] if j < len(cells) else None
                    issues.append(
                        Issue(
                            "extra-cell",
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
                            "missing-cell",
                            f"The row has {n} cells; expected {len(names)}. There is no cell for "
                            f"{names[j]}: add the separators (an empty value is written ',,').",
                            row=record,
                            line=line,
                            field=names[j],
                            column=j + 1,
                        )
                    )
    # blank rows: every cell empty (or an empty line); none where some column has no empty cell
    blank: list[int] = []
    if table.num_rows and all(c.null_count for c in table.columns):
        pc: Any = import_module("pyarrow.compute")

        all_null = pc.is_null(table.column(0))
        for name in names[1:]:
            all_null = pc.and_(all_null, pc.is_null(table.column(name)))
        if pc.any(all_null).as_py():
            blank = [int(i) for i in pc.indices_nonzero(all_null).to_pylist()]
            table = table.filter(pc.invert(all_null))
    removed.sort()
    loaded = LoadedTable(spec, file, "csv", table, table, removed_records=removed, line_of_record=lines.line)
    if blank:
        # blank rows are positions in the table before they were dropped; turn them into records
        blank_records = [loaded.record(i) for i in blank]
        for record in blank_records:
            issues.append(
                Issue(
                    "blank-row",
                    "The row is blank. Expected a record; delete the row.",
                    row=record,
                    line=lines.line(record),
                )
            )
        removed = sorted(removed + blank_records)
    loaded.removed_records = removed
    loaded.incomplete = bool(invalid)
    loaded.issues = issues
    loaded.data = _convert_all(loaded)
    return loaded


def pmap(fn: Callable[[Any], Any], items: list[Any]) -> list[Any]:
    """``[fn(x) for x in items]`` on a few threads: Arrow compute releases the GIL."""
    if len(items) < 2:
        return [fn(x) for x in items]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=min(len(items), os.cpu_count() or 1, 8)) as pool:
        return list(pool.map(fn, items))


def _convert_all(loaded: LoadedTable) -> pa.Table:
    import pyarrow as pa

    text = loaded.text
    assert text is not None
    arrays = pmap(
        lambda spec: convert_strings(text.column(spec.name), spec, loaded), list(loaded.spec.fields)
    )
    return pa.Table.from_arrays(arrays, names=list(loaded.spec.field_names))


def convert_strings(column: Any, spec: FieldSpec, loaded: LoadedTable) -> Any:
    """Convert a text column to its field's type; bad cells become nulls and ``type-error`` issues."""
    import pyarrow as pa

    pc: Any = import_module("pyarrow.compute")

    if spec.kind == "string":
        return column
    target = arrow_type(spec)
    if spec.kind == "boolean":
        ok = pc.is_in(column, value_set=pa.array(["true", "false"]))
        converted = pc.equal(column, "true")
    else:
        try:
            converted = pc.cast(column, target)
            ok = None
            if spec.kind == "number":
                finite = pc.is_finite(converted)
                if not pc.all(finite).as_py():
                    ok = finite
        except pa.ArrowInvalid:
            pattern = {"number": _NUMBER_RE, "integer": _INTEGER_RE, "date": _DATE_RE}[spec.kind]
            ok = pc.match_substring_regex(column, pattern)
            candidates = pc.if_else(ok, column, pa.scalar(None, pa.string()))
            if spec.kind == "date":
                # strptime alone would roll 2018-02-30 over to March; a round trip catches it
                parsed = pc.strptime(candidates, "%Y-%m-%d", "s", error_is_null=True)
                back = pc.strftime(parsed, "%Y-%m-%d")
                ok = pc.and_(ok, pc.fill_null(pc.equal(back, candidates), False))
                candidates = pc.if_else(ok, candidates, pa.scalar(None, pa.string()))
            converted = pc.cast(candidates, target)
    if ok is not None:
        bad = pc.and_(pc.is_valid(column), pc.invert(pc.fill_null(ok, False)))
        if pc.any(bad).as_py():
            for i in pc.indices_nonzero(bad).to_pylist():
                value = column[i].as_py()
                loaded.issues.append(
                    Issue(
                        "type-error",
                        f"{spec.name} is {value!r}; expected {_EXPECTED[spec.kind]}.",
                        row=int(i),
                        field=spec.name,
                        value=value,
                    )
                )
            converted = pc.if_else(bad, pa.scalar(None, target), converted)
    return converted


# --- Parquet ------------------------------------------------------------------------------------


def _dictionary_columns(parquet: Any) -> list[str]:
    """Text columns stored with a small dictionary in every row group (a few bytes per value)."""
    meta = parquet.metadata
    out = []
    for i in range(meta.num_columns):
        chunks = [meta.row_group(g).column(i) for g in range(meta.num_row_groups)]
        if not chunks or chunks[0].physical_type != "BYTE_ARRAY" or "." in chunks[0].path_in_schema:
            continue
        values = sum(c.num_values for c in chunks)
        size = sum(c.total_uncompressed_size for c in chunks)
        if all(c.has_dictionary_page for c in chunks) and values >= 10_000 and size < 4 * values:
            out.append(chunks[0].path_in_schema)
    return out


def read_parquet_table(path: Path, file: str, spec: TableSpec) -> LoadedTable | list[Issue]:
    """Read a Parquet file for validation: columns by name, types checked, rows by index."""
    import pyarrow as pa

    pc: Any = import_module("pyarrow.compute")
    import pyarrow.parquet as pq

    issues: list[Issue] = []
    try:
        # ParquetFile.read needs neither pyarrow.dataset nor its import time
        small = _dictionary_columns(pq.ParquetFile(path))
        table = pq.ParquetFile(path, read_dictionary=small or None).read()
    except (pa.ArrowException, OSError) as exc:
        issues.append(
            Issue(
                "unreadable",
                f"The file cannot be read as Parquet ({exc}). Expected a complete Parquet file; "
                "write it again.",
            )
        )
        return issues
    names = list(spec.field_names)
    missing = [n for n in names if n not in table.column_names]
    extra = [n for n in table.column_names if n not in names]
    if missing or extra:
        detail = []
        if missing:
            detail.append(f"missing {', '.join(missing)}")
        if extra:
            detail.append(f"unexpected {', '.join(extra)}")
        issues.append(
            Issue(
                "header",
                f"The columns do not match the schema of {spec.name} ({'; '.join(detail)}). "
                f"Expected: {','.join(names)}.",
                value=",".join(table.column_names),
            )
        )
        return issues
    loaded = LoadedTable(spec, file, "parquet", table.select(names))
    arrays = []
    for s in spec.fields:
        column = loaded.data.column(s.name)
        want = arrow_type(s)
        if column.type == want:
            arrays.append(column)
            continue
        if pa.types.is_dictionary(column.type):
            if pa.types.is_string(column.type.value_type) and s.kind == "string":
                # checks run once per distinct value on the dictionary the file already has
                encoded: Any = column.unify_dictionaries().combine_chunks()
                loaded.views[s.name] = (encoded.dictionary, encoded.indices)
                arrays.append(pa.chunked_array([pc.take(encoded.dictionary, encoded.indices)]))
                continue
            column = column.cast(column.type.value_type)
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            column = column.cast(pa.string())
            if s.kind == "string":
                arrays.append(column)
            else:
                arrays.append(convert_strings(column, s, loaded))
            continue
        types = pa.types
        compatible = (
            (s.kind == "integer" and types.is_integer(column.type))
            or (s.kind == "number" and (types.is_integer(column.type) or types.is_floating(column.type)))
            or (s.kind == "date" and (types.is_date(column.type) or types.is_timestamp(column.type)))
        )
        try:
            if not compatible:
                raise pa.ArrowInvalid(f"{column.type} is not {s.kind}")
            arrays.append(pc.cast(column, want, safe=True))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            issues.append(
                Issue(
                    "type-error",
                    f"Column {s.name} has type {column.type}; expected {want} "
                    f"({_EXPECTED.get(s.kind, 'text')}).",
                    field=s.name,
                    column=spec.column(s.name),
                    value=str(column.type),
                )
            )
    if issues:
        return issues + loaded.issues
    loaded.data = pa.Table.from_arrays(arrays, names=names)
    return loaded


def record_lines(loaded: LoadedTable, rows: list[int]) -> dict[int, tuple[int, int | None]]:
    """(record, line) of each table row in ``rows``."""
    out: dict[int, tuple[int, int | None]] = {}
    for row in rows:
        record = loaded.record(row)
        out[row] = (record, loaded.line(record))
    return out
