"""The canned queries of the explorer, written for the tables a release holds.

Each is a named, parameterised SQL query that Datasette shows as a page with a form
(``/policydata/<name>?param=value``) and serves as JSON (``.json``). A query that can use a table
only some releases hold (product lists) uses it when the database has it.

Examples
--------
>>> sorted(canned_queries(["tariff_events", "tariff_event_products"]))
['event_products', 'events_in_force']
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

_IN_FORCE = """\
select event_id, imposing, target, title, authority, rate_pct, combines, amends_event_id,
  coverage, effective_date, end_date, status
from tariff_events
where effective_date <= :on
  and (end_date is null or end_date > :on)
  and combines <> 'none'
  and (:imposing = '' or imposing = upper(:imposing))
  and (:target = '' or target = upper(:target))
order by imposing, target, effective_date, event_id"""

_PRODUCTS_LISTED = """\
select 'listed in the event' as listed_in, hs_code as code, hs_edition as edition, description,
  null as list_id, null as valid_from, null as valid_to
from tariff_event_products
where event_id = :event_id"""

_PRODUCTS_BY_LIST = """\
select 'product list' as listed_in, pl.code, pl.edition_id as edition, pl.description,
  pl.list_id, pl.valid_from, pl.valid_to
from tariff_event_lists el
join product_list_lines pl on pl.list_id = el.list_id
where el.event_id = :event_id"""

# a listed code and a sector's HS code touch when one is a prefix of the other; codes are digits,
# and ':' sorts right after '9', so [code, code || ':') is every code that starts with it (indexed)
_PREFIX = "(({a} >= {b} and {a} < {b} || ':') or ({b} >= {a} and {b} < {a} || ':'))"

_SECTOR_HEAD = """\
with recursive tree(sector_id) as (
  select sector_id from sectors where sector_id = :sector_id
  union select s.sector_id from sectors s join tree t on s.parent_id = t.sector_id
),
codes(code) as (
  select distinct code from sector_codes
  where classification = 'HS2022' and sector_id in (select sector_id from tree)
),
touched(event_id, via) as (
  select tp.event_id, 'HS ' || tp.hs_code from tariff_event_products tp join codes c on {products}"""

_SECTOR_BY_LIST = """
  union all
  select el.event_id, 'list ' || el.list_id from tariff_event_lists el
  join product_list_lines pl on pl.list_id = el.list_id join codes c on {lines}"""

_SECTOR_TAIL = """
)
select 'policy' as kind, p.policy_id as id, p.title_en as title, p.jurisdiction as who,
  coalesce(p.issued_date, p.announced_date) as date, p.status, group_concat(distinct ps.sector_id) as via
from policy_sectors ps join policies p on p.policy_id = ps.policy_id
where ps.sector_id in (select sector_id from tree)
group by p.policy_id
union all
select 'tariff event', e.event_id, e.title, e.imposing || ' on ' || e.target, e.effective_date, e.status,
  group_concat(distinct t.via)
from touched t join tariff_events e on e.event_id = t.event_id
group by e.event_id
union all
select 'tariff event on all goods', e.event_id, e.title, e.imposing || ' on ' || e.target,
  e.effective_date, e.status, e.coverage
from tariff_events e
where e.coverage in ('all-goods', 'all-except-listed') and exists (select 1 from codes)
order by kind, date, id"""


def _sector_sql(tables: Collection[str]) -> str:
    sql = _SECTOR_HEAD.format(products=_PREFIX.format(a="tp.hs_code", b="c.code"))
    if {"tariff_event_lists", "product_list_lines"} <= set(tables):
        sql += _SECTOR_BY_LIST.format(lines=_PREFIX.format(a="pl.code", b="c.code"))
    return sql + _SECTOR_TAIL


def canned_queries(tables: Collection[str]) -> dict[str, dict[str, Any]]:
    """Datasette's canned queries for a database that holds ``tables``."""
    present = set(tables)
    queries: dict[str, dict[str, Any]] = {}
    if "tariff_events" in present:
        queries["events_in_force"] = {
            "title": "Tariff events in force on a date",
            "description": "Every tariff event with a rate or an exclusion in force on the date "
            "(YYYY-MM-DD), optionally for one imposing and one target jurisdiction (ISO alpha-3, or "
            "EUN). For the rate a product paid, with each layer and its reason, use the rate page, /-/rate.",
            "sql": _IN_FORCE,
        }
    if {"tariff_events", "tariff_event_products"} <= present:
        products = _PRODUCTS_LISTED
        if {"tariff_event_lists", "product_list_lines"} <= present:
            products += "\nunion all\n" + _PRODUCTS_BY_LIST
        queries["event_products"] = {
            "title": "An event's products",
            "description": "The HS codes a tariff event lists itself, and the lines of the product lists it "
            "applies (with the dates each line was on the list).",
            "sql": products + "\norder by listed_in, list_id, code",
        }
    if {
        "sectors",
        "sector_codes",
        "policies",
        "policy_sectors",
        "tariff_events",
        "tariff_event_products",
    } <= present:
        queries["sector_activity"] = {
            "title": "Policies and tariff events that touch a sector",
            "description": "The policies that target a sector (or one of its sub-sectors), the tariff events "
            "whose products share an HS code with it (one code a prefix of the other), and the events on "
            "all goods. Sector ids are in the sectors table, e.g. MIC2025-01.",
            "sql": _sector_sql(present),
        }
    return queries
