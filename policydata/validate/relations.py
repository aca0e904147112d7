"""Rules across tables: references resolve, records are cited, event links point back in time.

A cell that already has a problem of its own (white space, a look-alike, a bad pattern) is not
reported again here; where its fix is plain (strip, retype in ASCII) the fixed value is used, so
that one stray space does not also show up as a missing citation elsewhere.
"""

from __future__ import annotations

import bisect
import itertools
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


def _self_cited(t: LoadedTable) -> list[bool] | None:
    """Per row: True when one of the table's ``cited_by`` fields holds a value."""
    if not t.spec.cited_by:
        return None
    pc: Any = import_module("pyarrow.compute")
    given: Any = pc.is_valid(t.data.column(t.spec.cited_by[0]))
    for f in t.spec.cited_by[1:]:
        given = pc.or_(given, pc.is_valid(t.data.column(f)))
    return [bool(v) for v in given.to_pylist()]


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
        self_cited = _self_cited(t)
        for row in _missing(ids, here):
            if self_cited is not None and self_cited[row]:
                continue  # its own source_id (or a cited record it refers to) cites it
            record_id = ids[row].as_py()
            out.setdefault(name, []).append(
                Issue(
                    codes.MISSING_CITATION,
                    f"{name} record {record_id!r} cites no source. Expected a row in citations with "
                    f"table={name} and record_id={record_id}; add one naming the source of these facts.",
                    row=row,
                    field=t.spec.primary_key[0],
                    value=record_id,
                    involves=(*t.spec.primary_key, *t.spec.cited_by),
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
    for name, found in edition_code_issues(tables, bad).items():
        out.setdefault(name, []).extend(found)
    return out


# --- codes in their nomenclature ----------------------------------------------------------------


class _Nomenclature:
    """The encoded lines of each nomenclature, and each edition's date and HS basis."""

    def __init__(self, editions: LoadedTable, lines: LoadedTable) -> None:
        self.editions: dict[str, dict[str, Any]] = {r["edition_id"]: r for r in editions.data.to_pylist()}
        self.periods: dict[tuple[str, str], list[tuple[Any, Any]]] = {}
        cols = lines.data.select(["nomenclature", "code", "valid_from", "valid_to"]).to_pydict()
        for nom, code, start, end in zip(
            cols["nomenclature"], cols["code"], cols["valid_from"], cols["valid_to"], strict=True
        ):
            self.periods.setdefault((nom, code), []).append((start, end))
        self._under: dict[tuple[str, str], list[tuple[Any, Any]]] = {}
        self._keys: list[tuple[str, str]] | None = None

    def _periods(self, nomenclature: str, code: str) -> list[tuple[Any, Any]]:
        found = self.periods.get((nomenclature, code))
        if found is not None:
            return found
        # a heading or subheading that legal texts name but the schedule prints without a line of
        # its own (HTS 6-digit subheadings) exists while any line under it does
        key = (nomenclature, code)
        if key not in self._under:
            if self._keys is None:
                self._keys = sorted(self.periods)
            start = bisect.bisect_left(self._keys, key)
            under: list[tuple[Any, Any]] = []
            for n, c in itertools.takewhile(
                lambda k: k[0] == nomenclature and k[1].startswith(code), self._keys[start:]
            ):
                under.extend(self.periods[(n, c)])
            self._under[key] = under
        return self._under[key]

    def exists(self, nomenclature: str, code: str, day: Any) -> bool:
        """True when line ``code`` (for a heading or chapter: a line under it) exists on ``day``."""
        return any(
            start <= day and (end is None or day < end) for start, end in self._periods(nomenclature, code)
        )

    def problem(self, code: str, edition_id: str) -> str | None:
        """Why ``code`` is not a code of ``edition_id``; None when it is, or cannot be checked."""
        edition = self.editions.get(edition_id)
        if edition is None:
            return None  # the foreign-key check reports it
        if edition["lines_encoded"]:
            if self.exists(edition["nomenclature"], code, edition["effective_date"]):
                return None
            return f"{edition_id} has no line {code}"
        basis = self.editions.get(edition["hs_edition_id"] or "")
        if basis is None or not basis["lines_encoded"]:
            return None  # neither the edition nor its HS basis is encoded: nothing to check against
        if self.exists(basis["nomenclature"], code[:6], basis["effective_date"]):
            return None
        return (
            f"{edition_id} is not encoded, but its codes begin with subheadings of {basis['edition_id']}, "
            f"which has no {code[:6]}"
        )


def edition_code_issues(
    tables: Mapping[str, LoadedTable], bad: Mapping[str, BadCells]
) -> dict[str, list[Issue]]:
    """Every code of a product list exists in the edition it is written in; every HS 2022 code of
    the sector crosswalk exists in HS 2022."""
    editions, lines = tables.get("nomenclature_editions"), tables.get("tariff_lines")
    if editions is None or lines is None or editions.incomplete or lines.incomplete:
        return {}
    known = _Nomenclature(editions, lines)
    checks = {"product_list_lines": ("code", "edition_id"), "sector_codes": ("code", "classification")}
    out: dict[str, list[Issue]] = {}
    for name, (code_field, edition_field) in checks.items():
        t = tables.get(name)
        if t is None or not {code_field, edition_field} <= set(t.spec.field_names):
            continue
        cols = t.data.select([code_field, edition_field]).to_pydict()
        for row, (code, edition) in enumerate(zip(cols[code_field], cols[edition_field], strict=True)):
            if (
                code is None
                or edition is None
                or (row, code_field) in bad[name]
                or (row, edition_field) in bad[name]
            ):
                continue
            edition_id = "HS-2022" if name == "sector_codes" and edition == "HS2022" else edition
            if name == "sector_codes" and edition_id != "HS-2022":
                continue
            why = known.problem(code, edition_id)
            if why is not None:
                out.setdefault(name, []).append(
                    Issue(
                        codes.CODE_NOT_IN_EDITION,
                        f"{code_field} is {code!r}, but {why}. Expected a code of the edition it was "
                        f"published in: check the code, or the edition named in {edition_field}.",
                        row=row,
                        field=code_field,
                        value=code,
                        involves=(code_field, edition_field),
                    )
                )
    return out
