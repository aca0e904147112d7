"""policydata: an open, versioned, validated dataset on industrial policy and trade conflict.

Importing the package is cheap: pandas, pandera, pyarrow and polars load on first use.

Examples
--------
>>> import policydata
>>> events = policydata.load("tariff_events", filters=[("imposing", "=", "USA")])
>>> set(events["imposing"])
{'USA'}
"""

from policydata.__about__ import __version__
from policydata.api import (
    DatasetInfo,
    citations,
    list_datasets,
    load,
    nomenclature_editions,
    policies,
    policy_sectors,
    product_list_counts,
    product_list_lines,
    product_lists,
    records,
    sector_codes,
    sectors,
    sources,
    tariff_event_lists,
    tariff_event_products,
    tariff_events,
    tariff_lines,
)
from policydata.chain import Chain, chain
from policydata.diff import ReleaseDiff, diff
from policydata.errors import (
    BuildError,
    CacheError,
    DataValidationError,
    DownloadError,
    IntegrityError,
    InvalidArgumentError,
    MissingDependencyError,
    OfflineError,
    PolicyDataError,
    QueryError,
    ReleaseNotFoundError,
    SchemaVersionError,
    SettingError,
    UnknownColumnError,
    UnknownTableError,
    UnsafeArchiveError,
)
from policydata.query import sql
from policydata.release import Release, open_release
from policydata.schemas import SCHEMA_VERSION
from policydata.validate import Problem, Report, validate

__all__ = [
    "SCHEMA_VERSION",
    "BuildError",
    "CacheError",
    "Chain",
    "DataValidationError",
    "DatasetInfo",
    "DownloadError",
    "IntegrityError",
    "InvalidArgumentError",
    "MissingDependencyError",
    "OfflineError",
    "PolicyDataError",
    "Problem",
    "QueryError",
    "Release",
    "ReleaseDiff",
    "ReleaseNotFoundError",
    "Report",
    "SchemaVersionError",
    "SettingError",
    "UnknownColumnError",
    "UnknownTableError",
    "UnsafeArchiveError",
    "__version__",
    "chain",
    "citations",
    "diff",
    "list_datasets",
    "load",
    "nomenclature_editions",
    "open_release",
    "policies",
    "policy_sectors",
    "product_list_counts",
    "product_list_lines",
    "product_lists",
    "records",
    "sector_codes",
    "sectors",
    "sources",
    "sql",
    "tariff_event_lists",
    "tariff_event_products",
    "tariff_events",
    "tariff_lines",
    "validate",
]

_LAZY_MODULES = frozenset({"tariffs"})


def __getattr__(name: str) -> object:
    # lazy: submodules with heavy imports load on first attribute access (policydata.tariffs.rate_stack)
    if name in _LAZY_MODULES:
        import importlib

        return importlib.import_module(f"policydata.{name}")
    raise AttributeError(f"module 'policydata' has no attribute {name!r}")
