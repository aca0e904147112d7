"""Read a Parquet table for validation: columns by name, types checked, rows by index."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policydata.generated.arrow import arrow_type
from policydata.schemas.model import FieldSpec
from policydata.validate import codes
from policydata.validate.convert import EXPECTED, convert_strings
from policydata.validate.model import Issue, LoadedTable

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


def read_parquet_table(path: Path, file: str, spec: TableSpec) -> LoadedTable | list[Issue]:
    """Read a Parquet file for validation: columns by name, types checked, rows by index."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    issues: list[Issue] = []
    try:
        # ParquetFile.read needs neither pyarrow.dataset nor its import time
        small = _dictionary_columns(pq.ParquetFile(path))
        table = pq.ParquetFile(path, read_dictionary=small or None).read()
    except (pa.ArrowException, OSError) as exc:
        issues.append(
            Issue(
                codes.UNREADABLE,
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
                codes.HEADER,
                f"The columns do not match the schema of {spec.name} ({'; '.join(detail)}). "
                f"Expected: {','.join(names)}.",
                value=",".join(table.column_names),
            )
        )
        return issues
    loaded = LoadedTable(spec, file, "parquet", table.select(names))
    arrays = [_typed_column(loaded, field, issues) for field in spec.fields]
    if issues:
        return issues + loaded.issues
    loaded.data = pa.Table.from_arrays(arrays, names=names)
    return loaded


def _typed_column(loaded: LoadedTable, s: FieldSpec, issues: list[Issue]) -> Any:
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
        return column if s.kind == "string" else convert_strings(column, s, loaded)
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
