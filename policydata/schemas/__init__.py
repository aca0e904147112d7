"""Table schemas: one module per table, each declaring a pydantic record model.

The record models are the single source of truth: :mod:`policydata.generated` derives the storage
schema, the pandera DataFrame models, the Frictionless Table Schemas and the data dictionary from
them, and :mod:`policydata.catalog` lists them. To declare a table of your own, use the same
building blocks, all importable from here: :class:`Record`, :func:`field`, :class:`Table`,
:class:`ForeignKey`, :class:`TableSpec` and the row rules (:class:`Ordered`, :class:`Distinct`,
:class:`RequiredWhen`, :class:`EmptyWhen`, :class:`PatternWhen`).

Importing this package is cheap: the building blocks (and pydantic) load on first use.

Examples
--------
>>> from policydata.schemas import Record, field, Ordered
>>> Ordered("start", "end").code
'date-order'
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from policydata.schemas.model import ForeignKey, Record, Table, TableSpec, field
    from policydata.schemas.rules import Distinct, EmptyWhen, Ordered, PatternWhen, RequiredWhen, Rule

#: Semantic version of the table schemas. A release records the version it was built with; this
#: library reads releases of the same major version only.
SCHEMA_VERSION: Final = "1.2.0"

_EXPORTS: Final = {
    "Record": "model",
    "field": "model",
    "Table": "model",
    "TableSpec": "model",
    "ForeignKey": "model",
    "Rule": "rules",
    "Ordered": "rules",
    "Distinct": "rules",
    "RequiredWhen": "rules",
    "EmptyWhen": "rules",
    "PatternWhen": "rules",
}

__all__ = [
    "SCHEMA_VERSION",
    "Distinct",
    "EmptyWhen",
    "ForeignKey",
    "Ordered",
    "PatternWhen",
    "Record",
    "RequiredWhen",
    "Rule",
    "Table",
    "TableSpec",
    "field",
]


def __getattr__(name: str) -> Any:
    # lazy: the building blocks import pydantic, which `import policydata` must not pay for
    if name in _EXPORTS:
        return getattr(import_module(f"policydata.schemas.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
