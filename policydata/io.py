"""Read a release's Parquet files into pandas, polars or Arrow; the one conversion to pandas.

Columns are projected when the file is read and filters are applied with Arrow compute, so that
neither a filtered read nor the polars backend imports pandas (``pyarrow.dataset``, which Arrow's
own filter push-down needs, imports it). Heavy libraries are imported inside the functions that
need them, so ``import policydata`` stays light.
"""

from __future__ import annotations

import datetime as dt
import importlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from policydata.errors import InvalidArgumentError, MissingDependencyError, UnknownColumnError
from policydata.settings import BACKENDS

if TYPE_CHECKING:
    import pyarrow as pa

    from policydata.schemas.model import FieldSpec

Backend: TypeAlias = Literal["pandas", "polars", "arrow"]
#: One condition: (column, operator, value). A list of conditions is combined with AND.
Filter: TypeAlias = tuple[str, str, Any]

OPERATORS = ("=", "==", "!=", "<", "<=", ">", ">=", "in", "not in")


def require(module: str, extra: str, purpose: str) -> Any:
    """Import an optional dependency, or say which extra installs it.

    Examples
    --------
    >>> require("json", "dev", "Reading JSON").__name__
    'json'
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingDependencyError(module, extra, purpose) from exc


def arrow_without_pandas() -> None:
    """Stop pyarrow importing pandas (about 0.3 s) in a process that has not needed it yet.

    pyarrow imports pandas, when installed, the first time it turns a Python object into Arrow,
    only to ask whether the object is a pandas one. Blocking that first look makes pyarrow note that
    pandas is absent; a later call that really needs pandas (``to_pandas``) imports it as usual.
    """
    if "pandas" in sys.modules or "pyarrow" in sys.modules:
        return

    class _NoPandas:
        def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
            if name.partition(".")[0] == "pandas":
                raise ModuleNotFoundError(name)

    block = _NoPandas()
    sys.meta_path.insert(0, block)
    try:
        import pyarrow as pa

        pa.array([0])
    finally:
        sys.meta_path.remove(block)


# --- filters ------------------------------------------------------------------------------------

_EXPECTED = {
    "date": "a date (datetime.date, or an ISO string YYYY-MM-DD)",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "True or False (or the strings 'true' and 'false')",
    "string": "a string",
}


def _kind(arrow_type: pa.DataType) -> str:
    import pyarrow as pa

    t = pa.types
    if t.is_date(arrow_type) or t.is_timestamp(arrow_type):
        return "date"
    if t.is_boolean(arrow_type):
        return "boolean"
    if t.is_integer(arrow_type):
        return "integer"
    if t.is_floating(arrow_type):
        return "number"
    return "string"


def _coerce(table: str, column: str, value: Any, arrow_type: pa.DataType) -> Any:
    """A filter value as the column's type, or an error that says which type is expected."""
    kind = _kind(arrow_type)
    converted: Any = None
    if kind == "date":
        if isinstance(value, dt.datetime):
            converted = value.date()
        elif isinstance(value, dt.date):
            converted = value
        elif isinstance(value, str):
            try:
                converted = dt.date.fromisoformat(value)
            except ValueError:
                converted = None
    elif kind == "boolean":
        if isinstance(value, bool):
            converted = value
        elif isinstance(value, str) and value.lower() in ("true", "false"):
            converted = value.lower() == "true"
    elif kind in ("integer", "number"):
        if isinstance(value, bool):
            converted = None
        elif isinstance(value, int | float):
            converted = value
        elif isinstance(value, str):
            try:
                converted = int(value) if kind == "integer" else float(value)
            except ValueError:
                converted = None
        if kind == "integer" and isinstance(converted, float):
            converted = int(converted) if converted.is_integer() else None
    elif isinstance(value, str):
        converted = value
    if converted is None:
        raise InvalidArgumentError(
            f"Filter on {table}.{column}: {value!r} is not {_EXPECTED[kind]}.",
            hint=f"{column} holds {kind} values; write e.g. ({column!r}, '=', {_example(kind)}).",
        )
    return converted


def _example(kind: str) -> str:
    return {"date": "'2025-04-10'", "number": "25", "integer": "12", "boolean": "True"}.get(kind, "'USA'")


def check_filters(table: str, filters: Sequence[Filter], schema: pa.Schema) -> list[tuple[str, str, Any]]:
    """Check filter triples against a table's columns; return them with values of the right type.

    Raises
    ------
    InvalidArgumentError
        If a filter is not a (column, operator, value) triple, the operator is unknown, or a value
        cannot be read as the column's type.
    UnknownColumnError
        If a filter names a column the table does not have.
    """
    if isinstance(filters, tuple) and len(filters) == 3 and isinstance(filters[0], str):
        raise InvalidArgumentError(
            f"filters={filters!r} is one condition, not a list of conditions.",
            hint=f"Write filters=[{filters!r}].",
        )
    checked = []
    for item in filters:
        if not isinstance(item, tuple | list) or len(item) != 3 or not isinstance(item[0], str):
            raise InvalidArgumentError(
                f"Filter {item!r} is not a (column, operator, value) triple.",
                hint="Write filters as [('imposing', '=', 'USA'), ...].",
            )
        column, op, value = item
        if column not in schema.names:
            raise UnknownColumnError(table, [column], schema.names)
        if op not in OPERATORS:
            raise InvalidArgumentError(
                f"Filter operator {op!r} is not supported.",
                hint=f"Use one of: {', '.join(OPERATORS)}.",
            )
        arrow_type = schema.field(column).type
        if op in ("in", "not in"):
            if isinstance(value, str) or not isinstance(value, list | tuple | set | frozenset):
                raise InvalidArgumentError(
                    f"Filter {tuple(item)!r}: {op!r} needs a list of values.",
                    hint=f"Write ({column!r}, {op!r}, [value, ...]).",
                )
            value = [_coerce(table, column, v, arrow_type) for v in value]
        else:
            value = _coerce(table, column, value, arrow_type)
        checked.append((column, "=" if op == "==" else op, value))
    return checked


_COMPARE = {
    "=": "equal",
    "!=": "not_equal",
    "<": "less",
    "<=": "less_equal",
    ">": "greater",
    ">=": "greater_equal",
}


def _mask(arrow: pa.Table, filters: list[tuple[str, str, Any]]) -> Any:
    """True for the rows that satisfy every condition (a null never does)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    mask: Any = None
    for name, op, value in filters:
        column = arrow.column(name)
        if op in _COMPARE:
            term = getattr(pc, _COMPARE[op])(column, pa.scalar(value, column.type))
        else:
            term = pc.is_in(column, value_set=pa.array(value, column.type))
            if op == "not in":
                term = pc.invert(term)
        term = pc.fill_null(term, False)
        mask = term if mask is None else pc.and_(mask, term)
    return mask


def _polars_expression(filters: list[tuple[str, str, Any]]) -> Any:
    import polars as pl

    ops: dict[str, Callable[[Any, Any], Any]] = {
        "=": lambda c, v: c == v,
        "!=": lambda c, v: c != v,
        "<": lambda c, v: c < v,
        "<=": lambda c, v: c <= v,
        ">": lambda c, v: c > v,
        ">=": lambda c, v: c >= v,
        "in": lambda c, v: c.is_in(v),
        "not in": lambda c, v: ~c.is_in(v),
    }
    expr: Any = None
    for name, op, value in filters:
        term = ops[op](pl.col(name), value)
        expr = term if expr is None else expr & term
    return expr


# --- reading ------------------------------------------------------------------------------------


def read_table(
    path: Path,
    table: str,
    *,
    backend: str = "pandas",
    columns: Sequence[str] | None = None,
    filters: Sequence[Filter] | None = None,
    fields: Sequence[FieldSpec] | None = None,
) -> Any:
    """Read one Parquet file into the chosen backend.

    Parameters
    ----------
    path
        The Parquet file.
    table
        The table's name, for error messages.
    backend
        ``"pandas"`` (default), ``"polars"`` or ``"arrow"``.
    columns
        Columns to read (all when None), in this order.
    filters
        Conditions ``(column, operator, value)`` combined with AND; operators are
        ``= == != < <= > >= in "not in"``. Values are read as the column's type (dates from ISO
        strings, numbers from numeric strings); one that cannot be is an error.
    fields
        The table's fields, so that pandas gets the dtypes of :func:`to_pandas`.

    Examples
    --------
    >>> import policydata
    >>> rel = policydata.open_release()
    >>> read_table(rel.path_of("sources"), "sources", backend="arrow", columns=["source_id"]).num_columns
    1
    """
    if backend not in BACKENDS:
        raise InvalidArgumentError(
            f"Unknown backend {backend!r}.", hint=f"Choose one of: {', '.join(BACKENDS)}."
        )
    if isinstance(columns, str):
        raise InvalidArgumentError(
            f"columns={columns!r} is a string, not a list of names.",
            hint=f"Write columns=[{columns!r}].",
        )
    if backend != "pandas":
        arrow_without_pandas()
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(path)
    schema = parquet.schema_arrow
    if columns is not None:
        unknown = [c for c in columns if c not in schema.names]
        if unknown:
            raise UnknownColumnError(table, unknown, schema.names)
        columns = list(columns)
    checked = check_filters(table, filters, schema) if filters else []

    if backend == "polars":
        pl = require("polars", "polars", "backend='polars'")
        frame = pl.scan_parquet(path)
        if checked:
            frame = frame.filter(_polars_expression(checked))
        if columns is not None:
            frame = frame.select(columns)
        return frame.collect()

    needed = None if columns is None else list(dict.fromkeys([*columns, *(f[0] for f in checked)]))
    arrow = parquet.read(columns=needed)
    if checked:
        arrow = arrow.filter(_mask(arrow, checked))
    if columns is not None:
        arrow = arrow.select(columns)
    if backend == "arrow":
        return arrow
    return to_pandas(arrow, fields)


def to_pandas(arrow: pa.Table, fields: Sequence[FieldSpec] | None = None) -> Any:
    """Convert an Arrow table to pandas with the dtypes the pandera schemas expect.

    Integers stay integers when they have nulls (``Int64``); nullable booleans become pandas'
    ``boolean``; dates become ``datetime64[ms]`` columns (a missing date is ``NaT``), so that
    ``.dt``, comparisons with ISO strings (``frame["effective_date"] >= "2025-01-01"``) and
    resampling work as pandas users expect. Millisecond rather than nanosecond units keep every
    date a release can hold (years 1 to 9999) in range. ``fields`` (the table's
    :class:`~policydata.schemas.model.FieldSpec` objects) decide nullability; without them, the
    Arrow schema's does.

    Examples
    --------
    >>> import datetime as dt, pyarrow as pa
    >>> frame = to_pandas(pa.table({"day": pa.array([dt.date(2025, 4, 9), None], pa.date32())}))
    >>> str(frame["day"].dtype), frame["day"].dt.year.tolist()
    ('datetime64[ms]', [2025.0, nan])
    """
    import pandas as pd
    import pyarrow as pa

    def mapper(arrow_type: pa.DataType) -> Any:
        if pa.types.is_integer(arrow_type):
            return pd.Int64Dtype()
        return None

    frame = arrow.to_pandas(types_mapper=mapper, date_as_object=False)
    nullable = {f.name: f.nullable for f in fields} if fields is not None else {}
    for field in arrow.schema:
        column = frame[field.name]
        may_be_null = nullable.get(field.name, field.nullable)
        if pa.types.is_integer(field.type) and not may_be_null and not column.isna().any():
            frame[field.name] = column.astype("int64")
        elif pa.types.is_boolean(field.type) and may_be_null:
            frame[field.name] = column.astype("boolean")
    return frame
