"""Read a release's Parquet files into pandas, polars or Arrow.

Column projection and filters are pushed down to the Parquet reader. Heavy libraries are imported
inside the functions that need them, so ``import policydata`` stays light.
"""

from __future__ import annotations

import datetime as dt
import importlib
import operator
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from policydata.errors import InvalidArgumentError, MissingDependencyError, UnknownColumnError
from policydata.settings import BACKENDS

if TYPE_CHECKING:
    import pyarrow as pa

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


def parquet_columns(path: Path) -> list[str]:
    """The column names of a Parquet file, read from its footer only."""
    import pyarrow.parquet as pq

    return list(pq.ParquetFile(path).schema_arrow.names)


def _coerce(value: Any, arrow_type: pa.DataType) -> Any:
    import pyarrow as pa

    if pa.types.is_date(arrow_type) and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise InvalidArgumentError(
                f"Filter value {value!r} is not an ISO date.",
                hint="Write dates as YYYY-MM-DD, or pass a datetime.date.",
            ) from None
    return value


def _check_filters(table: str, filters: Sequence[Filter], schema: pa.Schema) -> list[tuple[str, str, Any]]:
    checked = []
    unknown = [f[0] for f in filters if f[0] not in schema.names]
    if unknown:
        raise UnknownColumnError(table, unknown, schema.names)
    for item in filters:
        if len(item) != 3:
            raise InvalidArgumentError(
                f"Filter {item!r} is not a (column, operator, value) triple.",
                hint="Write filters as [('imposing', '=', 'USA'), ...].",
            )
        column, op, value = item
        if op not in OPERATORS:
            raise InvalidArgumentError(
                f"Filter operator {op!r} is not supported.",
                hint=f"Use one of: {', '.join(OPERATORS)}.",
            )
        arrow_type = schema.field(column).type
        if op in ("in", "not in"):
            if isinstance(value, str) or not isinstance(value, (list, tuple, set, frozenset)):
                raise InvalidArgumentError(
                    f"Filter {item!r}: {op!r} needs a list of values.",
                    hint=f"Write ({column!r}, {op!r}, [value, ...]).",
                )
            value = [_coerce(v, arrow_type) for v in value]
        else:
            value = _coerce(value, arrow_type)
        checked.append((column, "=" if op == "==" else op, value))
    return checked


_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def _expression(
    filters: list[tuple[str, str, Any]],
    column: Callable[[str], Any],
    isin: Callable[[Any, list[Any]], Any],
) -> Any:
    """AND the conditions together as one expression of the backend (Arrow or polars)."""
    expr = None
    for name, op, value in filters:
        col = column(name)
        if op in _COMPARE:
            term = _COMPARE[op](col, value)
        else:
            term = isin(col, value)
            if op == "not in":
                term = ~term
        expr = term if expr is None else expr & term
    return expr


def read_table(
    path: Path,
    table: str,
    *,
    backend: str = "pandas",
    columns: Sequence[str] | None = None,
    filters: Sequence[Filter] | None = None,
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
        ``= == != < <= > >= in "not in"``. Date columns accept ISO strings.

    Examples
    --------
    >>> import policydata
    >>> rel = policydata.open_release()
    >>> read_table(rel.path_of("sources"), "sources", backend="arrow", columns=["source_id"]).num_columns
    1
    """
    import pyarrow.parquet as pq

    if backend not in BACKENDS:
        raise InvalidArgumentError(
            f"Unknown backend {backend!r}.", hint=f"Choose one of: {', '.join(BACKENDS)}."
        )
    if isinstance(columns, str):
        raise InvalidArgumentError(
            f"columns={columns!r} is a string, not a list of names.",
            hint=f"Write columns=[{columns!r}].",
        )
    parquet = pq.ParquetFile(path)
    schema = parquet.schema_arrow
    if columns is not None:
        unknown = [c for c in columns if c not in schema.names]
        if unknown:
            raise UnknownColumnError(table, unknown, schema.names)
        columns = list(columns)
    checked = _check_filters(table, filters, schema) if filters else []

    if backend == "polars":
        pl = require("polars", "polars", "backend='polars'")
        frame = pl.scan_parquet(path)
        if checked:
            frame = frame.filter(_expression(checked, pl.col, lambda c, v: c.is_in(v)))
        if columns is not None:
            frame = frame.select(columns)
        return frame.collect()

    if checked:
        # pyarrow.dataset evaluates the filter against row-group statistics and pages
        import pyarrow.compute as pc

        expression = _expression(checked, pc.field, lambda c, v: c.isin(v))
        arrow = pq.read_table(path, columns=columns, filters=expression)
    else:
        # ParquetFile.read avoids importing pyarrow.dataset (and with it pandas)
        arrow = parquet.read(columns=columns)
    if backend == "arrow":
        return arrow
    return to_pandas(arrow)


def to_pandas(arrow: pa.Table) -> Any:
    """Convert an Arrow table to pandas with the dtypes the pandera schemas expect.

    Integers stay integers when they have nulls (``Int64``); dates become ``datetime.date``
    objects; strings use pandas' string dtype.
    """
    import pandas as pd
    import pyarrow as pa

    def mapper(arrow_type: pa.DataType) -> Any:
        if pa.types.is_integer(arrow_type):
            return pd.Int64Dtype()
        return None

    frame = arrow.to_pandas(types_mapper=mapper)
    for field in arrow.schema:
        if pa.types.is_integer(field.type) and not field.nullable:
            frame[field.name] = frame[field.name].astype("int64")
    return frame
