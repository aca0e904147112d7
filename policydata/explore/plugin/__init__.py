"""policydata's Datasette plugin: the rate and timeline pages, and the sources of every record.

Datasette loads it through the entry point ``datasette: policydata`` (``pip install
'policydata[serve]'``); ``policydata serve`` registers it itself when the entry point is missing.

Pages (every answer is a shareable address; a parameter that cannot be used gets a 400 page or
a JSON error naming it, never a 500):

``/-/rate?imposing=USA&target=CHN&hs=950300&on=2025-04-10``
    The tariff layers in force, each with its rate, status, reason and the sources of its event,
    and the totals; ``/-/rate.json`` gives the same as data (``RateStack.to_dict()`` with each
    layer's sources and record address).
``/-/timeline?imposing=USA&target=CHN&from=2018-01-01`` (to the release's as-of date)
    The step chart of both directions (``/-/timeline.png``) and the days the totals changed
    (``/-/timeline.json``).

Record pages of a table that ``citations`` cites list the record's sources.

The answers come from :mod:`policydata.tariffs` for the release the served database was exported
from (its ``_policydata`` table), through :mod:`policydata.explore.rates`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import traceback
import weakref
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import pluggy
from datasette import Response
from datasette.handle_exception import handle_exception as datasette_error_page
from datasette.utils import tilde_encode, urlsafe_components
from datasette.views.base import DatasetteError
from markupsafe import Markup, escape

from policydata.catalog import TABLE_NAMES
from policydata.catalog import table as table_spec
from policydata.errors import InvalidArgumentError, PolicyDataError
from policydata.explore import rates
from policydata.export.sqlite_db import RELEASE_TABLE

#: Datasette's own marker (``datasette.hookimpl``), made from pluggy, which is typed
hookimpl = pluggy.HookimplMarker("datasette")

if TYPE_CHECKING:
    from policydata.schemas.model import FieldSpec

RATE_PATH = "/-/rate"
TIMELINE_PATH = "/-/timeline"
_SUFFIXES = (("html", ""), ("json", ".json"), ("png", ".png"))

#: Per Datasette instance, for each database made by policydata: table -> column -> what its
#: values are (another table's record they name, or "boolean"); read once at start-up, so that
#: rendering a cell asks no query
_COLUMNS: weakref.WeakKeyDictionary[Any, dict[str, dict[str, dict[str, str]]]] = weakref.WeakKeyDictionary()


async def release_database(datasette: Any) -> tuple[str | None, dict[str, str]]:
    """The served database made by ``policydata export sqlite``, and what it records of its release."""
    for name, db in datasette.databases.items():
        if name.startswith("_") or not await db.table_exists(RELEASE_TABLE):
            continue
        rows = await db.execute(f"select key, value from {RELEASE_TABLE}")
        return name, {row["key"]: row["value"] for row in rows}
    return None, {}


async def _citations(datasette: Any, database: str, table: str, ids: list[str]) -> list[Any]:
    db = datasette.get_database(database)
    if not ids or not (await db.table_exists("citations") and await db.table_exists("sources")):
        return []
    marks = ", ".join(f":r{i}" for i in range(len(ids)))
    params = {"table": table} | {f"r{i}": v for i, v in enumerate(ids)}
    rows = await db.execute(
        "select c.record_id, c.source_id, c.locator, c.note, s.title, s.url, s.publisher, "
        "s.published_date from citations c left join sources s on s.source_id = c.source_id "
        f'where c."table" = :table and c.record_id in ({marks}) order by c.record_id, c.source_id',
        params,
    )
    return list(rows)


async def record_sources(
    datasette: Any, database: str | None, table: str, record_ids: Iterable[str]
) -> dict[str, list[dict[str, Any]]]:
    """The sources each record of ``table`` cites, with their record page, by record id."""
    if database is None:
        return {}
    found: dict[str, list[dict[str, Any]]] = {}
    for row in await _citations(datasette, database, table, sorted(set(record_ids))):
        found.setdefault(row["record_id"], []).append(
            {
                "source_id": row["source_id"],
                "title": row["title"],
                "publisher": row["publisher"],
                "published_date": row["published_date"],
                "url": row["url"],
                "locator": row["locator"],
                "note": row["note"],
                "record": str(datasette.urls.row(database, "sources", tilde_encode(row["source_id"]))),
            }
        )
    return found


def _args(request: Any) -> dict[str, str]:
    return {name: request.args.get(name) or "" for name in rates.PARAMETERS}


async def _page(
    datasette: Any, request: Any, template: str, context: dict[str, Any], status: int = 200
) -> Response:
    html = await datasette.render_template(template, context, request=request)
    return Response.html(html, status=status)


async def _failed(
    datasette: Any,
    request: Any,
    exc: PolicyDataError,
    fmt: str | None,
    template: str,
    context: dict[str, Any],
) -> Response:
    """A bad parameter is the asker's mistake (400); any other error of ours is the server's (500)."""
    status = 400 if isinstance(exc, InvalidArgumentError) else 500
    error = {"ok": False, "status": status, "error": str(exc), "code": exc.code, "hint": exc.hint}
    if fmt is not None:
        return Response.json(error, status=status)
    return await _page(datasette, request, template, context | {"error": error}, status=status)


def _as_of(facts: dict[str, Any]) -> dt.date | None:
    """The release's as-of date: what a page asks about when its address names no date."""
    value = facts.get("as_of")
    return dt.date.fromisoformat(value) if isinstance(value, str) and value else None


async def rate_page(datasette: Any, request: Any) -> Response:
    """``/-/rate`` and ``/-/rate.json``: the stack of tariff layers on a date."""
    fmt = (request.url_vars.get("format") or "").lstrip(".") or None
    args = _args(request)
    database, facts = await release_database(datasette)
    context: dict[str, Any] = {"args": args, "facts": facts, "database": database, "paths": _paths()}
    if rates.is_empty(args) and fmt is None:
        return await _page(datasette, request, "policydata_rate.html", context)
    try:
        query = rates.rate_query(args, today=_as_of(facts))
        stack = await asyncio.to_thread(rates.rate_stack_data, query, facts.get("version"))
    except PolicyDataError as exc:
        return await _failed(datasette, request, exc, fmt, "policydata_rate.html", context)
    sources = await record_sources(
        datasette, database, "tariff_events", (la["event_id"] for la in stack["layers"])
    )
    for layer in stack["layers"]:
        layer["sources"] = sources.get(layer["event_id"], [])
        layer["record"] = _event_record(datasette, database, layer["event_id"])
    stack["links"] = {
        "html": datasette.urls.path(query.link(RATE_PATH)),
        "json": datasette.urls.path(query.link(RATE_PATH, ".json")),
        "timeline": datasette.urls.path(
            rates.RateQuery(
                query.imposing, query.target, query.hs, query.sector, exporter=query.exporter
            ).link(TIMELINE_PATH)
        ),
    }
    if fmt == "json":
        return Response.json({"ok": True, **stack})
    # the page lists the layers that make up the total first; the JSON keeps the library's order
    order = {"applies": 0, "may apply": 1, "does not apply": 2}
    layers = sorted(stack["layers"], key=lambda la: order.get(la["status"], 2))
    extra = {"stack": stack, "layers": layers, "query": query, "answers": rates.answers(stack)}
    return await _page(datasette, request, "policydata_rate.html", context | extra)


async def timeline_page(datasette: Any, request: Any) -> Response:
    """``/-/timeline`` (page), ``/-/timeline.png`` (chart) and ``/-/timeline.json`` (changes)."""
    fmt = (request.url_vars.get("format") or "").lstrip(".") or None
    args = _args(request)
    database, facts = await release_database(datasette)
    context: dict[str, Any] = {"args": args, "facts": facts, "database": database, "paths": _paths()}
    if rates.is_empty(args) and fmt is None:
        return await _page(datasette, request, "policydata_timeline.html", context)
    try:
        query = rates.timeline_query(args, today=_as_of(facts))
        frames = await asyncio.to_thread(rates.timelines, query, facts.get("version"))
        if fmt == "png":
            png = await asyncio.to_thread(rates.timeline_png, query, frames, facts.get("version"))
            return Response(png, content_type="image/png")
    except PolicyDataError as exc:
        return await _failed(datasette, request, exc, fmt, "policydata_timeline.html", context)
    data = rates.timeline_data(frames)
    for direction in data:
        for change in direction["changes"]:
            change["events"] = [
                {"event_id": e, "record": _event_record(datasette, database, e)} for e in change["changed_by"]
            ]
    # addresses under Datasette's base_url, where it is served under a prefix
    links = {kind: str(datasette.urls.path(query.link(TIMELINE_PATH, suffix))) for kind, suffix in _SUFFIXES}
    if fmt == "json":
        return Response.json({"ok": True, "directions": data, "links": links})
    extra = {"directions": data, "links": links, "query": query}
    return await _page(datasette, request, "policydata_timeline.html", context | extra)


def _event_record(datasette: Any, database: str | None, event_id: str) -> str | None:
    if database is None:
        return None
    return str(datasette.urls.row(database, "tariff_events", tilde_encode(event_id)))


def _paths() -> dict[str, str]:
    return {"rate": RATE_PATH, "timeline": TIMELINE_PATH}


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [
        (r"^/-/rate(?P<format>\.json)?$", rate_page),
        (r"^/-/timeline(?P<format>\.json|\.png)?$", timeline_page),
    ]


@hookimpl
def menu_links(datasette: Any) -> list[dict[str, str]]:
    return [
        {"href": datasette.urls.path(RATE_PATH), "label": "Tariff rate on a date"},
        {"href": datasette.urls.path(TIMELINE_PATH), "label": "Tariff timeline"},
    ]


async def _read_columns(datasette: Any) -> None:
    found: dict[str, dict[str, dict[str, str]]] = {}
    for name, db in datasette.databases.items():
        if name.startswith("_") or not await db.table_exists(RELEASE_TABLE):
            continue
        found[name] = {}
        for table_name in await db.table_names():
            columns = {f.name: "boolean" for f in _fields(table_name) if f.kind == "boolean"}
            keys = await db.foreign_keys_for_table(table_name)
            columns |= {fk["column"]: f"table:{fk['other_table']}" for fk in keys}
            found[name][table_name] = columns
    _COLUMNS[datasette] = found


def _fields(name: str) -> tuple[FieldSpec, ...]:
    return table_spec(name).fields if name in TABLE_NAMES else ()


@hookimpl
def startup(datasette: Any) -> Any:
    async def read() -> None:
        await _read_columns(datasette)

    return read


@hookimpl
def render_cell(value: Any, column: str, table: str | None, database: str, datasette: Any) -> Any:
    """A reference to another record is a link to it, on record pages too; booleans read true/false.

    Datasette links references only where it shows the other record's label (table pages);
    a value it has expanded into a label arrives here as a dict and is left to Datasette.
    """
    kind = _COLUMNS.get(datasette, {}).get(database, {}).get(table or "", {}).get(column)
    if kind == "boolean" and value in (0, 1):
        return "true" if value else "false"
    if kind is None or not kind.startswith("table:") or not isinstance(value, str) or not value:
        return None
    href = datasette.urls.row(database, kind.removeprefix("table:"), tilde_encode(value))
    return Markup(f'<a href="{escape(href)}">{escape(value)}</a>')


async def _row_extras(datasette: Any, database: str, table: str, pks: str) -> dict[str, Any]:
    if not await datasette.get_database(database).table_exists(RELEASE_TABLE):
        return {}
    record_id = "|".join(urlsafe_components(pks))
    sources = await record_sources(datasette, database, table, [record_id])
    extras: dict[str, Any] = {"policydata_row": True, "policydata_sources": sources.get(record_id, [])}
    if table == "tariff_events":
        rows = await datasette.get_database(database).execute(
            "select imposing, target, effective_date from tariff_events where event_id = :id",
            {"id": record_id},
        )
        row = rows.first()
        if row is not None and row["effective_date"]:
            query = rates.RateQuery(row["imposing"], row["target"], on=row["effective_date"])
            extras["policydata_links"] = [
                {
                    "label": f"Every tariff layer {row['imposing']} applied to goods from {row['target']} on "
                    f"{row['effective_date']}",
                    "href": datasette.urls.path(query.link(RATE_PATH)),
                },
                {
                    "label": "The products of this event",
                    "href": f"{datasette.urls.database(database)}/event_products?"
                    + urlencode({"event_id": record_id}),
                },
            ]
    return extras


@hookimpl
def extra_template_vars(
    view_name: str, database: str | None, table: str | None, request: Any, datasette: Any
) -> Any:
    if database is None or table is None or request is None:
        return {}
    if view_name == "table" and database in _COLUMNS.get(datasette, {}):
        return {"policydata_table": True}
    if view_name != "row":
        return {}
    pks = request.url_vars.get("pks")
    if not pks:
        return {}

    async def extras() -> dict[str, Any]:
        return await _row_extras(datasette, database, table, pks)

    return extras


#: Datasette's own messages for query parameters it cannot use, which it answers with 500
_DATASETTE_BAD_PARAMETERS = ("Cannot sort table by", "Cannot use _sort and _sort_desc", "Invalid _through")


def bad_parameter(request: Any, exception: BaseException) -> str | None:
    """What is wrong with the request, when Datasette fails on a query parameter it cannot use.

    Datasette 0.65 answers a few unusable parameters with a 500 (a sort by an unknown column, a
    filter value that is not a number on a column with a unit, ``_through`` that is not JSON,
    ``_timelimit`` that is not a number); they are the asker's mistakes, so they get a 400.
    """
    if isinstance(exception, DatasetteError):
        message = str(exception.message)
        return message if exception.status == 500 and message.startswith(_DATASETTE_BAD_PARAMETERS) else None
    frames = traceback.extract_tb(exception.__traceback__)
    # pint's errors are frozen dataclasses: re-raising one fails, and the failure arrives here
    # with pint's error as its context
    chain = [exception]
    while chain[-1].__context__ is not None and len(chain) < 10:
        chain.append(chain[-1].__context__)
    inner = [f for e in chain for f in traceback.extract_tb(e.__traceback__)]
    if any(f.name == "convert_unit" and f.filename.endswith("filters.py") for f in inner):
        return (
            "A filter value on a column with a unit is not a number, or not in a unit of that column. "
            "Write a plain number, e.g. rate_pct__gt=25."
        )
    if isinstance(exception, json.JSONDecodeError) and "_through" in request.args:
        return f'_through must be JSON such as {{"table": ..., "column": ..., "value": ...}} ({exception}).'
    if isinstance(exception, ValueError) and frames and "_timelimit" in (frames[-1].line or ""):
        return "_timelimit must be a whole number of milliseconds."
    return None


@hookimpl
def handle_exception(datasette: Any, request: Any, exception: BaseException) -> Any:
    message = bad_parameter(request, exception) if request is not None else None
    if message is None:
        return None
    return datasette_error_page(
        datasette, request, DatasetteError(message, title="Invalid parameter", status=400)
    )
