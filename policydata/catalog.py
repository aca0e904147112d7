"""The tables of the data package: the one list of them, and their specs derived from the models.

Each table is named here once, in data-package order, with the record model that declares it;
its title, key, references and duplicate test live on the model (``__table__``). Asking for a name
is cheap; asking for a spec imports the record model (and pydantic) on first use.

Examples
--------
>>> TABLE_NAMES[:2]
('sources', 'policies')
>>> table("tariff_events").primary_key
('event_id',)
"""

from __future__ import annotations

import functools
from importlib import import_module
from typing import TYPE_CHECKING, Final

from policydata.errors import UnknownTableError

if TYPE_CHECKING:
    from policydata.schemas.model import TableSpec

_MODELS: Final = {
    "sources": "policydata.schemas.sources:Source",
    "policies": "policydata.schemas.policies:Policy",
    "sectors": "policydata.schemas.sectors:Sector",
    "sector_codes": "policydata.schemas.sector_codes:SectorCode",
    "policy_sectors": "policydata.schemas.policy_sectors:PolicySector",
    "tariff_events": "policydata.schemas.tariff_events:TariffEvent",
    "tariff_event_products": "policydata.schemas.tariff_event_products:TariffEventProduct",
    "nomenclature_editions": "policydata.schemas.nomenclature_editions:NomenclatureEdition",
    "tariff_lines": "policydata.schemas.tariff_lines:TariffLine",
    "product_lists": "policydata.schemas.product_lists:ProductList",
    "product_list_lines": "policydata.schemas.product_list_lines:ProductListLine",
    "product_list_counts": "policydata.schemas.product_list_counts:ProductListCount",
    "tariff_event_lists": "policydata.schemas.tariff_event_lists:TariffEventList",
    "citations": "policydata.schemas.citations:Citation",
}

#: Names of every table of the data package, in package order.
TABLE_NAMES: Final = tuple(_MODELS)


def check_name(name: str) -> str:
    """Return ``name`` if it is a table of the package, else raise :class:`UnknownTableError`.

    Cheap: imports no model.
    """
    if name not in _MODELS:
        raise UnknownTableError(name, TABLE_NAMES)
    return name


@functools.cache
def table(name: str) -> TableSpec:
    """The spec of a table of the package: model, key, references, title and description.

    Raises
    ------
    UnknownTableError
        If there is no such table; the message lists the valid names.
    """
    # lazy: the record models need pydantic; asking for a table name must not import it
    from policydata.schemas.model import TableSpec

    module_name, _, class_name = _MODELS[check_name(name)].partition(":")
    spec = TableSpec.from_model(getattr(import_module(module_name), class_name))
    if spec.name != name:  # pragma: no cover - a declaration mistake, caught by the tests
        raise TypeError(f"{_MODELS[name]} declares table {spec.name!r}, listed as {name!r}")
    return spec


def tables() -> dict[str, TableSpec]:
    """Every table's spec, by name, in package order."""
    return {name: table(name) for name in TABLE_NAMES}
