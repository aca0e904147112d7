"""Read a Parquet table for validation: columns by name, types checked, rows by index."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from policydata.generated.arrow import arrow_type
from policydata.schemas.model import FieldSpec
from policydata.validate import codes
from policydata.validate.convert import EXPECTED, convert_strings
from policydata.validate.model import Issue, LoadedTable, Unread

if TYPE_CHECKING:
    from policydata.schemas.model import TableSpec


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


def _columns_issue(spec: TableSpec, columns: list[str]) -> Issue:
    names = list(spec.field_names)
    missing = [n for n in names if n not in columns]
    extra = [n for n in columns if n not in names]
    detail = []
    if missing:
        detail.append(f"missing {', '.join(missing)}")
    if extra:
        detail.append(f"unexpected {', '.join(extra)}")
    rows = f"Its rows were checked without {', '.join(missing)}. " if missing else ""
    return Issue(
        codes.HEADER,
        f"The columns do not match the schema of {spec.name} ({'; '.join(detail)}). {rows}"
        f"Expected: {','.join(names)}.",
        value=",".join(columns),
    )


def read_parquet_table(path: Path, file: str, spec: TableSpec, limit: int) -> LoadedTable | Unread:
    """Read a Parquet file for validation: columns by name, types checked, rows by index.

    A column the file lacks, or holds in a type that cannot be the field's, is one problem; the
    other columns are checked all the same.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        # ParquetFile.read needs neither pyarrow.dataset nor its import time
        small = _dictionary_columns(pq.ParquetFile(path))
        table = pq.ParquetFile(path, read_dictionary=small or None).read()
    except (pa.ArrowException, OSError) as exc:
        issue = Issue(
            codes.UNREADABLE,
            f"The file cannot be read as Parquet ({exc}). Expected a complete Parquet file; write it again.",
        )
        return Unread([issue], "it cannot be read as Parquet")
    names = list(spec.field_names)
    issues: list[Issue] = []
    if table.column_names != names and set(table.column_names) != set(names):
        issues.append(_columns_issue(spec, table.column_names))
    present = [n for n in names if n in table.column_names]
    if not present:
        return Unread(issues, "its columns name none of the table's fields")
    loaded = LoadedTable(spec, file, "parquet", table.select(present))
    absent = set(names) - set(present)
    arrays = []
    for s in spec.fields:
        column = None if s.name in absent else _typed_column(loaded, s, issues, limit)
        if column is None:
            absent.add(s.name)
            column = pa.nulls(table.num_rows, cast(Any, arrow_type(s)))
        arrays.append(column)
    loaded.data = pa.Table.from_arrays(arrays, names=names)
    loaded.absent = frozenset(absent)
    loaded.issues = issues
    return loaded


def _typed_column(loaded: LoadedTable, s: FieldSpec, issues: list[Issue], limit: int) -> Any:
    """A column as its field's storage type; a column of another type is a ``type-error``."""
    import pyarrow as pa

    pc: Any = import_module("pyarrow.compute")
    column = loaded.data.column(s.name)
    want = arrow_type(s)
    if column.type == want:
        return column
    if pa.types.is_dictionary(column.type):
        if pa.types.is_string(column.type.value_type) and s.kind == "string":
            # checks run once per distinct value on the dictionary the file already has
            encoded: Any = column.unify_dictionaries().combine_chunks()
            loaded.views[s.name] = (encoded.dictionary, encoded.indices)
            return pa.chunked_array([pc.take(encoded.dictionary, encoded.indices)])
        column = column.cast(column.type.value_type)
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        column = column.cast(pa.string())
        return column if s.kind == "string" else convert_strings(column, s, loaded, limit)
    types = pa.types
    compatible = (
        (s.kind == "integer" and types.is_integer(column.type))
        or (s.kind == "number" and (types.is_integer(column.type) or types.is_floating(column.type)))
        or (s.kind == "date" and (types.is_date(column.type) or types.is_timestamp(column.type)))
    )
    try:
        if not compatible:
            raise pa.ArrowInvalid(f"{column.type} is not {s.kind}")
        return pc.cast(column, want, safe=True)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        issues.append(
            Issue(
                codes.TYPE_ERROR,
                f"Column {s.name} has type {column.type}; expected {want} ({EXPECTED.get(s.kind, 'text')}).",
                field=s.name,
                column=loaded.spec.column(s.name),
                value=str(column.type),
            )
        )
        return None
