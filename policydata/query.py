"""SQL over a release: DuckDB with one view per table on the release's Parquet files.

Needs the optional extra ``policydata[duckdb]``. Nothing is copied: each view reads its Parquet
file when a query runs, with the columns of this library's record models (a release of an older
minor schema version gets the nullable columns added since as nulls).

Examples
--------
>>> import policydata
>>> int(policydata.sql("select count(*) as n from tariff_events where imposing = 'USA'")["n"][0]) > 0
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from policydata.catalog import table
from policydata.errors import InvalidArgumentError, QueryError
from policydata.export.duckdb_db import DUCKDB_TYPES
from policydata.export.sqlite_db import quote
from policydata.io import require
from policydata.release import open_release
from policydata.settings import BACKENDS


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _view_sql(name: str, path: str, columns: Sequence[str]) -> str:
    """``CREATE VIEW`` of one table: its Parquet file, with the model's columns in the model's order."""
    selected = []
    for f in table(name).fields:
        if f.name in columns:
            selected.append(quote(f.name))
        else:  # added in a later minor schema version: null in this release
            selected.append(f"CAST(NULL AS {DUCKDB_TYPES[f.kind]}) AS {quote(f.name)}")
    return f"CREATE VIEW {quote(name)} AS SELECT {', '.join(selected)} FROM read_parquet({_literal(path)})"


def connect(version: str | None = None) -> Any:
    """A new in-memory DuckDB connection with a view for every table of a release.

    Parameters
    ----------
    version
        A release version; None for the release this installation carries.

    Raises
    ------
    MissingDependencyError
        If duckdb is not installed (install ``policydata[duckdb]``).

    Examples
    --------
    >>> con = connect()
    >>> con.execute("select count(*) from sources").fetchone()[0] > 0
    True
    """
    duckdb = require("duckdb", "duckdb", "policydata.sql")
    import pyarrow.parquet as pq

    release = open_release(version)
    con = duckdb.connect(":memory:")
    for name in release.tables:
        path = release.path_of(name)
        columns = pq.read_schema(path).names
        con.execute(_view_sql(name, str(path), columns))
    return con


def sql(
    query: str,
    *,
    version: str | None = None,
    params: Sequence[Any] | Mapping[str, Any] | None = None,
    backend: str = "pandas",
) -> Any:
    """Run one SQL query (DuckDB's dialect) on the tables of a release.

    Parameters
    ----------
    query
        A query that names the tables of the release as views: ``sources``, ``tariff_events``,
        ``citations``...
    version
        A release version; None for the release this installation carries.
    params
        Values for the query's ``?`` or ``$name`` placeholders (never format values into SQL).
    backend
        ``"pandas"`` (default), ``"polars"`` or ``"arrow"``.

    Returns
    -------
    pandas.DataFrame, polars.DataFrame or pyarrow.Table

    Raises
    ------
    QueryError
        If DuckDB cannot run the query (a syntax error, an unknown table or column); the message is
        DuckDB's.
    MissingDependencyError
        If duckdb (or polars, for that backend) is not installed.

    Examples
    --------
    Events in force on 10 April 2025, US on China:

    >>> import policydata
    >>> events = policydata.sql(
    ...     "select event_id, rate_pct from tariff_events where imposing = ? and target = ? "
    ...     "and effective_date <= ? and (end_date is null or end_date > ?)",
    ...     params=["USA", "CHN", "2025-04-10", "2025-04-10"])
    >>> "USA-CHN-2025-IEEPA-FENT-20" in set(events["event_id"])
    True
    """
    if backend not in BACKENDS:
        raise InvalidArgumentError(
            f"Unknown backend {backend!r}.", hint=f"Choose one of: {', '.join(BACKENDS)}."
        )
    con = connect(version)
    duckdb = require("duckdb", "duckdb", "policydata.sql")
    try:
        relation = con.sql(query, params=params)
        if relation is None:
            raise QueryError(
                "The statement returns no rows.", hint="Give a query: SELECT ... or WITH ... SELECT ..."
            )
        if backend == "polars":
            require("polars", "polars", "backend='polars'")
            return relation.pl()
        if backend == "arrow":
            fetch = getattr(relation, "to_arrow_table", None)  # duckdb >= 1.4; .arrow() before
            return fetch() if fetch is not None else relation.arrow()
        return relation.df()
    except duckdb.Error as exc:
        raise QueryError(
            f"DuckDB cannot run the query: {exc}",
            hint="Check the table and column names (policydata.list_datasets(), the data dictionary).",
        ) from None
    finally:
        con.close()
