"""Datasette's metadata for a release's SQLite export, generated from the record models.

Title, licence, source and citation; each table's title and description, every column's
description (with the meaning of each value of a closed list), units, facets, sort order, label
column and full-text index; and the canned queries: events in force on a date, an event's
products, and the policies and events that touch a sector.

Examples
--------
>>> meta = datasette_metadata({"version": "2026.11.7", "as_of": "2026-11-28"}, ["sources", "tariff_events"])
>>> meta["databases"]["policydata"]["tables"]["tariff_events"]["facets"]
['imposing', 'target', 'authority', 'status', 'effective_year']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any, Final

from policydata import settings
from policydata.catalog import table
from policydata.explore.queries import canned_queries
from policydata.export.sqlite_db import RELEASE_TABLE, YEAR_OF, year_column

#: The database name Datasette gives ``policydata.db``.
DATABASE: Final = "policydata"

#: Facets shown on each table page (a year facet is added where the table has a year column).
FACETS: Final = {
    "sources": ("kind", "language"),
    "policies": ("jurisdiction", "kind", "status"),
    "sectors": ("scheme",),
    "sector_codes": ("classification", "match"),
    "tariff_events": ("imposing", "target", "authority", "status"),
    "tariff_event_products": ("hs_edition",),
    "nomenclature_editions": ("nomenclature",),
    "tariff_lines": ("nomenclature",),
    "product_lists": ("imposing", "kind"),
    "product_list_lines": ("scope",),
    "product_list_counts": ("level",),
    "citations": ("table",),
}
#: The column Datasette shows for a record that another one refers to.
LABELS: Final = {
    "sources": "title",
    "policies": "title_en",
    "sectors": "name_en",
    "tariff_events": "title",
    "nomenclature_editions": "title",
    "product_lists": "title",
}
#: Columns holding percentages and amounts, with their units (Pint names; see CUSTOM_UNITS).
UNITS: Final = {
    "tariff_events": {"rate_pct": "percent", "trade_value_usd_bn": "billion_USD"},
    "tariff_lines": {"mfn_pct": "percent"},
}
CUSTOM_UNITS: Final = ("USD = [currency]", "billion_USD = 1e9 * USD = bn_USD")


def citation(facts: Mapping[str, str]) -> str:
    """How to cite the release, as ``CITATION.cff`` asks."""
    year = facts.get("as_of", "")[:4] or "n.d."
    return (
        f"The policydata contributors ({year}). {settings.DATAPACKAGE_TITLE}. Data release "
        f"{facts.get('version', '?')}, facts checked up to {facts.get('as_of', '?')}. "
        f"{settings.DATA_LICENSE['name']}. {settings.PROJECT_HOMEPAGE}"
    )


def _tables_html(tables: Sequence[str], database: str) -> str:
    links = ", ".join(
        f'<a href="/{escape(database)}/{escape(name)}" title="{escape(table(name).description)}">'
        f"{escape(table(name).title)}</a>"
        for name in tables
    )
    return f"<p>Tables: {links}.</p>"


def _description_html(facts: Mapping[str, str], tables: Sequence[str], database: str) -> str:
    return (
        f"<p>Industrial policies, sectors and every US, Chinese and EU tariff action on each other's goods "
        f"since 2018, each record citing the public documents it rests on. Release "
        f"<strong>{escape(facts.get('version', '?'))}</strong>, facts checked up to "
        f"{escape(facts.get('as_of', '?'))}, schema {escape(facts.get('schema_version', '?'))}.</p>"
        '<p>Ask what tariff applied: <a href="/-/rate?imposing=USA&amp;target=CHN&amp;hs=950300&amp;'
        'on=2025-04-10">the rate stack</a> (each layer, its reason and its sources) and '
        '<a href="/-/timeline?imposing=USA&amp;target=CHN">the timeline</a>. Rates are statutory '
        "additional ad valorem rates, not duties collected.</p>"
        + _tables_html(tables, database)
        + f"<p>Cite as: {escape(citation(facts))}</p>"
    )


def _column_description(table_name: str, name: str) -> str:
    spec = next(f for f in table(table_name).fields if f.name == name)
    text = spec.description
    if spec.enum_doc:
        meanings = (f"{value} = {meaning.rstrip('.')}" for value, meaning in spec.enum_doc.items())
        text += " Values: " + "; ".join(meanings) + "."
    return text


def table_metadata(name: str) -> dict[str, Any]:
    """Datasette's metadata for one table of the package."""
    spec = table(name)
    columns = {f.name: _column_description(name, f.name) for f in spec.fields}
    facets: list[str] = list(FACETS.get(name, ()))
    year = year_column(name)
    if year is not None:
        columns[year] = f"Year of {YEAR_OF[name]} (derived in this database, not in the release)."
        facets.append(year)
    meta: dict[str, Any] = {
        "title": spec.title,
        "description": spec.description,
        "columns": columns,
        "facets": facets,
    }
    if name in LABELS:
        meta["label_column"] = LABELS[name]
    if name in UNITS:
        meta["units"] = dict(UNITS[name])
    if name in YEAR_OF:
        meta["sort_desc"] = YEAR_OF[name]
    return meta


def datasette_metadata(
    facts: Mapping[str, str], tables: Sequence[str], database: str = DATABASE
) -> dict[str, Any]:
    """Datasette's metadata (``metadata.json``) for a SQLite export holding ``tables``.

    Parameters
    ----------
    facts
        What the export records about its release (its ``_policydata`` table): version, as_of,
        schema_version.
    tables
        The tables of the release the database holds.
    database
        The database's name in Datasette (the file name without ``.db``).
    """
    table_meta = {name: table_metadata(name) for name in tables}
    table_meta[RELEASE_TABLE] = {
        "title": "Release",
        "description": "The data release this database was made from, and the policydata that made it.",
    }
    return {
        "title": f"policydata {facts.get('version', '')}".strip(),
        "description_html": _description_html(facts, tables, database),
        "license": settings.DATA_LICENSE["name"],
        "license_url": settings.DATA_LICENSE["path"],
        "source": f"policydata release {facts.get('version', '?')}",
        "source_url": settings.PROJECT_HOMEPAGE,
        "about": "how to cite (CITATION.cff)",
        "about_url": f"{settings.PROJECT_HOMEPAGE}/blob/main/CITATION.cff",
        "custom_units": list(CUSTOM_UNITS),
        "databases": {
            database: {
                "description": f"policydata release {facts.get('version', '?')} "
                f"(as of {facts.get('as_of', '?')}).",
                "tables": table_meta,
                "queries": canned_queries(tables),
            }
        },
    }
