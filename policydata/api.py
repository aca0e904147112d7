"""The loading API: list, load, typed accessors, records."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, cast, overload

from policydata.catalog import check_name, table
from policydata.generated.arrow import arrow_schema
from policydata.io import Backend, Filter, to_pandas
from policydata.release import open_release

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl
    import pyarrow as pa
    from pandera.typing import DataFrame

    from policydata.generated.pandera import (
        CitationSchema,
        NomenclatureEditionSchema,
        PolicySchema,
        PolicySectorSchema,
        ProductListCountSchema,
        ProductListLineSchema,
        ProductListSchema,
        SectorCodeSchema,
        SectorSchema,
        SourceSchema,
        TariffEventListSchema,
        TariffEventProductSchema,
        TariffEventSchema,
        TariffLineSchema,
    )
    from policydata.schemas.model import Record


@dataclass(frozen=True)
class DatasetInfo:
    """A table of a release: name, row count, description."""

    name: str
    rows: int
    description: str


def list_datasets(version: str | None = None) -> list[DatasetInfo]:
    """The tables of a release, with their row counts and descriptions.

    Examples
    --------
    >>> import policydata
    >>> [d.name for d in policydata.list_datasets()][:2]
    ['sources', 'policies']
    """
    release = open_release(version)
    return [DatasetInfo(n, release.rows(n), table(n).description) for n in release.tables]


@overload
def load(
    name: str,
    *,
    version: str | None = ...,
    backend: Literal["pandas"] = ...,
    columns: Sequence[str] | None = ...,
    filters: Sequence[Filter] | None = ...,
) -> pd.DataFrame: ...


@overload
def load(
    name: str,
    *,
    version: str | None = ...,
    backend: Literal["polars"],
    columns: Sequence[str] | None = ...,
    filters: Sequence[Filter] | None = ...,
) -> pl.DataFrame: ...


@overload
def load(
    name: str,
    *,
    version: str | None = ...,
    backend: Literal["arrow"],
    columns: Sequence[str] | None = ...,
    filters: Sequence[Filter] | None = ...,
) -> pa.Table: ...


@overload
def load(
    name: str,
    *,
    version: str | None = ...,
    backend: Backend | str = ...,
    columns: Sequence[str] | None = ...,
    filters: Sequence[Filter] | None = ...,
) -> Any: ...


def load(
    name: str,
    *,
    version: str | None = None,
    backend: Backend | str = "pandas",
    columns: Sequence[str] | None = None,
    filters: Sequence[Filter] | None = None,
) -> Any:
    """Load a table of a release.

    Parameters
    ----------
    name
        Table name; see :func:`list_datasets`.
    version
        Release version; None for the release this installation carries.
    backend
        ``"pandas"`` (default), ``"polars"`` (needs ``policydata[polars]``) or ``"arrow"``.
    columns
        Columns to read, in this order (all when None).
    filters
        ``(column, operator, value)`` conditions combined with AND. Operators:
        ``= == != < <= > >= in "not in"``. Values are read as the column's type: dates may be ISO
        strings, numbers numeric strings; a value that cannot be is an error.

    Returns
    -------
    pandas.DataFrame, polars.DataFrame or pyarrow.Table
        By ``backend``.

    Raises
    ------
    UnknownTableError, UnknownColumnError, MissingDependencyError, InvalidArgumentError

    Examples
    --------
    >>> import policydata
    >>> df = policydata.load("tariff_events", columns=["event_id", "rate_pct"],
    ...                      filters=[("imposing", "=", "USA"), ("target", "=", "CHN")])
    >>> list(df.columns)
    ['event_id', 'rate_pct']
    """
    check_name(name)
    return open_release(version).load(name, backend=backend, columns=columns, filters=filters)


def _current_schema(name: str, version: str | None) -> Any:
    """A table as Arrow, with the columns of this library's schema.

    A release built with an older minor schema version lacks the nullable columns added since;
    they are added as nulls so that typed frames and records still validate.
    """
    import pyarrow as pa

    arrow = load(name, version=version, backend="arrow")
    schema = arrow_schema(table(name))
    for f in schema:
        if f.name not in arrow.column_names and f.nullable:
            arrow = arrow.append_column(f, pa.nulls(arrow.num_rows, type=f.type))
    return arrow.select(schema.names) if set(schema.names) <= set(arrow.column_names) else arrow


def _typed(name: str, version: str | None, validate: bool) -> Any:
    frame = to_pandas(_current_schema(name, version), table(name).fields)
    if validate:
        # lazy: pandera takes about a second to import and only validation needs it
        from policydata.generated.pandera import FRAME_MODELS

        frame = FRAME_MODELS[name].validate(frame, lazy=True)
    return frame


def sources(*, version: str | None = None, validate: bool = False) -> DataFrame[SourceSchema]:
    """The ``sources`` table as a typed pandas DataFrame (``validate=True`` re-checks it).

    Examples
    --------
    >>> import policydata
    >>> policydata.sources()["source_id"].is_unique
    True
    """
    return cast("DataFrame[SourceSchema]", _typed("sources", version, validate))


def policies(*, version: str | None = None, validate: bool = False) -> DataFrame[PolicySchema]:
    """The ``policies`` table as a typed pandas DataFrame.

    Examples
    --------
    >>> import policydata
    >>> "CHN-2015-MIC2025" in set(policydata.policies()["policy_id"])
    True
    """
    return cast("DataFrame[PolicySchema]", _typed("policies", version, validate))


def sectors(*, version: str | None = None, validate: bool = False) -> DataFrame[SectorSchema]:
    """The ``sectors`` table as a typed pandas DataFrame.

    Examples
    --------
    >>> import policydata
    >>> s = policydata.sectors()
    >>> int(((s["scheme"] == "MIC2025") & s["parent_id"].isna()).sum())  # the ten key sectors
    10
    """
    return cast("DataFrame[SectorSchema]", _typed("sectors", version, validate))


def sector_codes(*, version: str | None = None, validate: bool = False) -> DataFrame[SectorCodeSchema]:
    """The ``sector_codes`` crosswalk as a typed pandas DataFrame.

    Examples
    --------
    >>> import policydata
    >>> set(policydata.sector_codes()["classification"]) <= {"HS2022", "ISIC4"}
    True
    """
    return cast("DataFrame[SectorCodeSchema]", _typed("sector_codes", version, validate))


def policy_sectors(*, version: str | None = None, validate: bool = False) -> DataFrame[PolicySectorSchema]:
    """The ``policy_sectors`` link table as a typed pandas DataFrame.

    Examples
    --------
    >>> import policydata
    >>> list(policydata.policy_sectors().columns)
    ['policy_id', 'sector_id', 'notes']
    """
    return cast("DataFrame[PolicySectorSchema]", _typed("policy_sectors", version, validate))


def tariff_events(*, version: str | None = None, validate: bool = False) -> DataFrame[TariffEventSchema]:
    """The ``tariff_events`` table as a typed pandas DataFrame.

    Examples
    --------
    >>> import policydata
    >>> ev = policydata.tariff_events()
    >>> bool((ev["imposing"] != ev["target"]).all())
    True
    """
    return cast("DataFrame[TariffEventSchema]", _typed("tariff_events", version, validate))


def tariff_event_products(
    *, version: str | None = None, validate: bool = False
) -> DataFrame[TariffEventProductSchema]:
    """The ``tariff_event_products`` table as a typed pandas DataFrame.

    Examples
    --------
    >>> import policydata
    >>> list(policydata.tariff_event_products().columns)[:2]
    ['event_id', 'hs_code']
    """
    return cast("DataFrame[TariffEventProductSchema]", _typed("tariff_event_products", version, validate))


def nomenclature_editions(
    *, version: str | None = None, validate: bool = False
) -> DataFrame[NomenclatureEditionSchema]:
    """The ``nomenclature_editions`` table as a typed pandas DataFrame.

    Examples
    --------
    >>> import policydata
    >>> "HS-2022" in set(policydata.nomenclature_editions()["edition_id"])
    True
    """
    return cast("DataFrame[NomenclatureEditionSchema]", _typed("nomenclature_editions", version, validate))


def tariff_lines(*, version: str | None = None, validate: bool = False) -> DataFrame[TariffLineSchema]:
    """The ``tariff_lines`` table as a typed pandas DataFrame.

    Examples
    --------
    >>> import policydata
    >>> lines = policydata.tariff_lines()
    >>> set(lines["nomenclature"]) <= {"HTS", "HS", "CN"}
    True
    """
    return cast("DataFrame[TariffLineSchema]", _typed("tariff_lines", version, validate))


def product_lists(*, version: str | None = None, validate: bool = False) -> DataFrame[ProductListSchema]:
    """The ``product_lists`` table as a typed pandas DataFrame.

    Examples
    --------
    >>> import policydata
    >>> set(policydata.product_lists()["kind"]) <= {"products", "exclusions", "exceptions"}
    True
    """
    return cast("DataFrame[ProductListSchema]", _typed("product_lists", version, validate))


def product_list_lines(
    *, version: str | None = None, validate: bool = False
) -> DataFrame[ProductListLineSchema]:
    """The ``product_list_lines`` table as a typed pandas DataFrame.

    Examples
    --------
    >>> import policydata
    >>> list(policydata.product_list_lines().columns)[:3]
    ['list_id', 'code', 'edition_id']
    """
    return cast("DataFrame[ProductListLineSchema]", _typed("product_list_lines", version, validate))


def product_list_counts(
    *, version: str | None = None, validate: bool = False
) -> DataFrame[ProductListCountSchema]:
    """The ``product_list_counts`` table as a typed pandas DataFrame.

    Examples
    --------
    >>> import policydata
    >>> list(policydata.product_list_counts().columns)[:3]
    ['list_id', 'on', 'level']
    """
    return cast("DataFrame[ProductListCountSchema]", _typed("product_list_counts", version, validate))


def tariff_event_lists(
    *, version: str | None = None, validate: bool = False
) -> DataFrame[TariffEventListSchema]:
    """The ``tariff_event_lists`` table as a typed pandas DataFrame.

    Examples
    --------
    >>> import policydata
    >>> list(policydata.tariff_event_lists().columns)[:2]
    ['event_id', 'list_id']
    """
    return cast("DataFrame[TariffEventListSchema]", _typed("tariff_event_lists", version, validate))


def citations(*, version: str | None = None, validate: bool = False) -> DataFrame[CitationSchema]:
    """The ``citations`` table as a typed pandas DataFrame.

    Examples
    --------
    >>> import policydata
    >>> policydata.citations()["source_id"].notna().all()
    np.True_
    """
    return cast("DataFrame[CitationSchema]", _typed("citations", version, validate))


def records(name: str, *, version: str | None = None) -> Iterator[Record]:
    """Iterate over a table's rows as validated pydantic records.

    Examples
    --------
    >>> import policydata
    >>> first = next(policydata.records("tariff_events"))
    >>> type(first).__name__
    'TariffEvent'
    """
    model = table(name).model
    arrow = _current_schema(name, version)
    for batch in arrow.to_batches():
        for row in batch.to_pylist():
            yield model.model_validate(row)
