"""Rules across tables: references resolve, records are cited, event links point back in time.

A cell that already has a problem of its own (white space, a look-alike, a bad pattern) is not
reported again here; where its fix is plain (strip, retype in ASCII) the fixed value is used, so
that one stray space does not also show up as a missing citation elsewhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import import_module
from typing import Any

from policydata.validate import codes
from policydata.validate.checks import fold, key_strings
from policydata.validate.model import Issue, LoadedTable

#: (row, field) -> the value the cell was probably meant to have, or None when unclear
BadCells = dict[tuple[int, str], str | None]


def bad_cells(issues: list[Issue]) -> BadCells:
    out: BadCells = {}
    for i in issues:
        if i.code in codes.CELL_CODES and i.row is not None and i.field is not None:
            fixed = None
            if i.value is not None and i.code is codes.WHITESPACE:
                fixed = i.value.strip()
            elif i.value is not None and i.code is codes.LOOK_ALIKE:
                fixed = fold(i.value.strip())
            out[(i.row, i.field)] = fixed
    return out


def _keys(t: LoadedTable, fields: tuple[str, ...], bad: BadCells) -> Any:
    """Key strings of every row, with plain fixes applied to cells that have a problem."""
    import pyarrow as pa

    keys = key_strings(t.data, fields)
    fixes = {row for (row, f) in bad if f in fields}
    if not fixes:
        return keys
    values = keys.to_pylist()
    for row in fixes:
        parts = []
        for f in fields:
            if (row, f) in bad:
                parts.append(bad[(row, f)] or t.value(f, row) or "")
            else:
                parts.append(t.value(f, row) or "")
        values[row] = "|".join(parts)
    return pa.array(values, pa.string())


def _missing(child: Any, parent: Any) -> list[int]:
    pc: Any = import_module("pyarrow.compute")

    bad = pc.and_(pc.is_valid(child), pc.invert(pc.is_in(child, value_set=parent.unique())))
    if not pc.any(bad).as_py():
        return []
    return [int(i) for i in pc.indices_nonzero(bad).to_pylist()]


def foreign_key_issues(
    tables: Mapping[str, LoadedTable], bad: Mapping[str, BadCells]
) -> dict[str, list[Issue]]:
    out: dict[str, list[Issue]] = {}
    for name, t in tables.items():
        for fk in t.spec.foreign_keys:
            parent = tables.get(fk.reference_table)
            if parent is None or parent.incomplete:
                continue  # its keys are not all known: a missing one may be in a malformed row
            child_keys = key_strings(t.data, fk.fields)
            parent_keys = _keys(parent, fk.reference_fields, bad[fk.reference_table])
            for row in _missing(child_keys, parent_keys):
                if any((row, f) in bad[name] for f in fk.fields):
                    continue
                value = "|".join(t.value(f, row) or "" for f in fk.fields)
                out.setdefault(name, []).append(
                    Issue(
                        codes.FOREIGN_KEY,
                        f"{'/'.join(fk.fields)} is {value!r}, but {fk.reference_table} has no record with "
                        f"{'/'.join(fk.reference_fields)} {value!r}. Add that record first, or correct "
                        "the id (ids are case-sensitive).",
                        row=row,
                        field=fk.fields[0],
                        value=value,
                        involves=fk.fields,
                    )
                )
    return out


def citation_issues(tables: Mapping[str, LoadedTable], bad: Mapping[str, BadCells]) -> dict[str, list[Issue]]:
    """Every record is cited; every citation names an existing record."""
    import pyarrow as pa

    pc: Any = import_module("pyarrow.compute")

    out: dict[str, list[Issue]] = {}
    citations = tables.get("citations")
    if citations is None:
        return out
    cite_bad = bad["citations"]
    cited_table = citations.data.column("table")
    cited_id = _keys(citations, ("record_id",), cite_bad)
    for name, t in tables.items():
        if name in ("sources", "citations"):
            continue
        ids = _keys(t, t.spec.primary_key, bad[name])
        mask = pc.fill_null(pc.equal(cited_table, name), False)
        here = pc.filter(cited_id, mask)
        rows_here = pc.indices_nonzero(mask)
        for row in _missing(ids, here):
            record_id = ids[row].as_py()
            out.setdefault(name, []).append(
                Issue(
                    codes.MISSING_CITATION,
                    f"{name} record {record_id!r} cites no source. Expected a row in citations with "
                    f"table={name} and record_id={record_id}; add one naming the source of these facts.",
                    row=row,
                    field=t.spec.primary_key[0],
                    value=record_id,
                    involves=t.spec.primary_key,
                )
            )
        known = pa.chunked_array([ids]) if isinstance(ids, pa.Array) else ids
        for i in [] if t.incomplete else _missing(here, known):
            row = int(rows_here[i].as_py())
            if (row, "record_id") in cite_bad:
                continue
            record_id = citations.value("record_id", row)
            out.setdefault("citations", []).append(
                Issue(
                    codes.FOREIGN_KEY,
                    f"record_id is {record_id!r}, but {name} has no record with that key. Correct the "
                    f"id, or add the record to {name} first.",
                    row=row,
                    field="record_id",
                    value=record_id,
                    involves=("record_id",),
                )
            )
    return out


def _took_effect(row: Mapping[Any, Any]) -> bool:
    return row["effective_date"] is not None and not row["retroactive"]


def _comparable_starts(row: Mapping[Any, Any], target: Mapping[Any, Any]) -> tuple[Any, Any]:
    """Effective dates when both events took effect in the normal way, else announcement dates.

    A retroactive event took effect before it existed, and a never-in-force one never did; such
    links are ordered by when the events were announced.
    """
    if _took_effect(row) and _took_effect(target):
        return row["effective_date"], target["effective_date"]
    return row["announced_date"], target["announced_date"]


def event_link_issues(events: LoadedTable, bad: BadCells) -> list[Issue]:
    """``amends`` links stay in one direction and point back in time; ``responds to`` links cross."""
    needed = {
        "event_id",
        "imposing",
        "target",
        "effective_date",
        "announced_date",
        "end_date",
        "combines",
        "retroactive",
    }
    if not needed <= set(events.spec.field_names):
        return []
    rows: list[dict[str, Any]] = events.data.to_pylist()
    by_id = {r["event_id"]: r for r in rows}
    out = []
    for i, row in enumerate(rows):
        for col, same_direction in (("amends_event_id", True), ("responds_to_event_id", False)):
            target_id = row.get(col)
            if target_id is None or target_id not in by_id or (i, col) in bad:
                continue
            target = by_id[target_id]
            direction = (target["imposing"], target["target"])
            expected = (
                (row["imposing"], row["target"]) if same_direction else (row["target"], row["imposing"])
            )
            if direction != expected:
                out.append(
                    Issue(
                        codes.LINK_DIRECTION,
                        f"{col} is {target_id!r}, an event of {direction[0]} on {direction[1]}; expected "
                        f"an event of {expected[0]} on {expected[1]}. Check which event is meant.",
                        row=i,
                        field=col,
                        value=target_id,
                        involves=(col, "imposing", "target"),
                    )
                )
            start, t_start = _comparable_starts(row, target)
            if start is not None and t_start is not None and t_start > start:
                out.append(
                    Issue(
                        codes.LINK_ORDER,
                        f"{col} is {target_id!r}, which starts on {t_start}, after this event ({start}). "
                        "Expected a link to an earlier event; check the link and both dates.",
                        row=i,
                        field=col,
                        value=target_id,
                        involves=(col, "effective_date", "announced_date", "retroactive"),
                    )
                )
        amends = row.get("amends_event_id")
        if row["combines"] == "replaces" and amends in by_id and (i, "amends_event_id") not in bad:
            target = by_id[amends]
            if (
                row["effective_date"] is not None
                and target["effective_date"] is not None
                and target["end_date"] != row["effective_date"]
            ):
                out.append(
                    Issue(
                        codes.REPLACE_GAP,
                        f"This event replaces {amends!r} from {row['effective_date']}, but that event's "
                        f"end_date is {target['end_date'] or '(empty)'}. Expected the two dates to be "
                        f"equal; set {amends}'s end_date to {row['effective_date']}.",
                        row=i,
                        field="amends_event_id",
                        value=amends,
                        involves=("amends_event_id", "effective_date"),
                    )
                )
    return out


def relation_issues(
    tables: Mapping[str, LoadedTable], issues: Mapping[str, list[Issue]]
) -> dict[str, list[Issue]]:
    """All cross-table issues, by table."""
    bad = {name: bad_cells(issues.get(name, [])) for name in tables}
    out = foreign_key_issues(tables, bad)
    for name, found in citation_issues(tables, bad).items():
        out.setdefault(name, []).extend(found)
    events = tables.get("tariff_events")
    if events is not None:
        out.setdefault("tariff_events", []).extend(event_link_issues(events, bad["tariff_events"]))
    return out
