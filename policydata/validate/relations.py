"""Rules across tables: references resolve, records are cited, event links point back in time.

A cell that already has a problem of its own (white space, a look-alike, a bad pattern) is not
reported again here; where its fix is plain (strip, retype in ASCII) the fixed value is used, so
that one stray space does not also show up as a missing citation elsewhere.

What follows from one problem is reported once, at its cause: references that can only mean a
record whose key is empty or malformed are told on that record, not on every row that refers to
it; references to a table without rows are one problem, not one per row; and the rows that refer
to one missing record are one problem, at the first of them. Only the first ``limit`` problems of
each kind are explained; the rest are counted. Rows are found with Arrow compute (masks, group-by),
so the work stays bounded on tables of millions of rows.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from policydata.schemas.model import ForeignKey
from policydata.validate import codes
from policydata.validate.checks import key_strings
from policydata.validate.explain import accepts, fold
from policydata.validate.model import Issue, LoadedTable, clip, first_rows

#: bad key cells whose plain fix is looked for (one Python call each); beyond, none is assumed
_FIX_BUDGET = 100_000


@dataclass
class _Keys:
    """A table's keys as references write them, with plain fixes applied to bad key cells."""

    values: Any
    #: rows whose key has a problem of its own that no plain fix resolves (an empty id, say)
    unresolved: set[int] = field(default_factory=set)


def _fixed(t: LoadedTable, row: int, fields: tuple[str, ...]) -> str | None:
    parts = []
    specs = {s.name: s for s in t.spec.fields}
    for f in fields:
        value = t.value(f, row)
        if t.is_bad(f, row):
            if value is None:
                return None
            value = fold(value.strip())
            if (specs[f].pattern or specs[f].enum) and not accepts(specs[f])(value):
                return None
        parts.append(value or "")
    return "|".join(parts)


def keys(t: LoadedTable, fields: tuple[str, ...]) -> _Keys:
    """Key strings of every row, with plain fixes applied to cells that have a problem."""
    import pyarrow as pa

    pc: Any = import_module("pyarrow.compute")

    found = _Keys(key_strings(t.data, fields).combine_chunks())
    bad = t.bad_rows(fields)
    if bad is None:
        return found
    rows = first_rows(bad)
    fixes: dict[int, str] = {}
    for row in rows[:_FIX_BUDGET]:
        fixed = _fixed(t, row, fields)
        if fixed is None:
            found.unresolved.add(row)
        else:
            fixes[row] = fixed
    found.unresolved.update(rows[_FIX_BUDGET:])
    if fixes:
        at = sorted(fixes)
        mask = pc.is_in(pa.array(range(len(found.values)), pa.int64()), value_set=pa.array(at, pa.int64()))
        found.values = pc.replace_with_mask(found.values, mask, pa.array([fixes[r] for r in at], pa.string()))
    return found


def _missing(child: Any, parent: Any) -> Any:
    """A mask of the child values (not null) that the parent does not have."""
    pc: Any = import_module("pyarrow.compute")

    return pc.and_(pc.is_valid(child), pc.invert(pc.is_in(child, value_set=pc.unique(parent))))


@dataclass
class _Reference:
    """Rows of one table whose reference (a foreign key, or a citation's record) finds no record."""

    table: str
    fields: tuple[str, ...]
    parent: str
    rows: Any  # Arrow array of rows, ascending
    values: Any  # Arrow array of the values they refer to


@dataclass
class Relations:
    """What the cross-table checks found, by table, and the checks they could not run."""

    tables: Mapping[str, LoadedTable]
    issues: Mapping[str, list[Issue]]
    limit: int
    #: why a table of the package was not read (not given, missing, its rows not checked)
    unread: Mapping[str, str] = field(default_factory=dict)
    found: dict[str, list[Issue]] = field(default_factory=dict)
    skipped: list[tuple[str, str, str]] = field(default_factory=list)  # (check, table, reason)
    _keys: dict[tuple[str, tuple[str, ...]], _Keys] = field(default_factory=dict)

    def keys(self, name: str, fields: tuple[str, ...]) -> _Keys:
        if (name, fields) not in self._keys:
            self._keys[(name, fields)] = keys(self.tables[name], fields)
        return self._keys[(name, fields)]

    def add(self, table: str, issue: Issue) -> None:
        self.found.setdefault(table, []).append(issue)

    def omit(self, table: str, issue: Issue, n: int) -> None:
        t = self.tables[table]
        k = (issue.code, issue.field)
        t.omitted[k] = t.omitted.get(k, 0) + n


def _reference(table: str, fields: tuple[str, ...], parent: str, values: Any, mask: Any) -> _Reference | None:
    pc: Any = import_module("pyarrow.compute")

    mask = pc.fill_null(mask, False)
    if not pc.any(mask).as_py():
        return None
    rows = pc.indices_nonzero(mask)
    return _Reference(table, fields, parent, rows, pc.take(values, rows))


def _reference_issue(ref: _Reference, row: int, value: str, more: int, rel: Relations) -> Issue:
    parent = rel.tables[ref.parent]
    fields = ref.fields
    target = "/".join(parent.spec.primary_key if fields == ("record_id",) else fields)
    if not parent.num_rows:
        message = (
            f"{len(ref.rows)} row(s) of {ref.table} refer to {ref.parent} records (the first: "
            f"{'/'.join(fields)} {clip(value)!r}), but {ref.parent} has none: {parent.file} has only its "
            f"header. Add the records of {ref.parent}, or remove the references."
        )
    else:
        others = f" {more} more row(s) refer to it too." if more else ""
        message = (
            f"{'/'.join(fields)} is {clip(value)!r}, but {ref.parent} has no record with {target} "
            f"{clip(value)!r}.{others} Add that record first, or correct the id (ids are case-sensitive)."
        )
    return Issue(codes.FOREIGN_KEY, message, row=row, field=fields[0], value=value, involves=fields)


def _report_references(rel: Relations, refs: list[_Reference]) -> None:
    """One problem per missing value of each reference (at its first row), or one for all the
    references to a table without rows."""
    import pyarrow as pa

    for ref in refs:
        both = pa.table({"v": ref.values, "r": ref.rows})
        groups = both.group_by("v", use_threads=False).aggregate([("r", "min"), ("r", "count")])
        groups = groups.sort_by("r_min")
        if not rel.tables[ref.parent].num_rows:
            groups = groups.slice(0, 1)
        for g in groups.slice(0, rel.limit).to_pylist():
            rel.add(ref.table, _reference_issue(ref, g["r_min"], g["v"], g["r_count"] - 1, rel))
        if groups.num_rows > rel.limit:
            shown = _reference_issue(ref, 0, "", 0, rel)
            rel.omit(ref.table, shown, groups.num_rows - rel.limit)


def _blame_unresolved_keys(rel: Relations, refs: list[_Reference]) -> list[_Reference]:
    """Attribute references to the records whose keys have problems of their own, where they can
    only mean those records; return the references still to report."""
    import pyarrow as pa

    pc: Any = import_module("pyarrow.compute")

    out = []
    for parent in sorted({r.parent for r in refs}):
        mine = [r for r in refs if r.parent == parent]
        table = rel.tables[parent]
        unresolved = rel.keys(parent, table.spec.primary_key).unresolved
        values = pc.unique(pa.chunked_array([r.values for r in mine]).combine_chunks())
        if not unresolved or len(values) > len(unresolved):
            out.extend(mine)
            continue
        rows = sum(len(r.rows) for r in mine)
        shown = ", ".join(repr(v) for v in values.slice(0, 3).to_pylist()) + (
            ", ..." if len(values) > 3 else ""
        )
        where = ", ".join(sorted({r.table for r in mine}))
        note = (
            f" {rows} reference(s) from {where} to {shown}, which {parent} does not have, may "
            "mean this record: fix its key first (they are not reported one by one)."
        )
        for issue in rel.issues.get(parent, []):
            if issue.row in unresolved and issue.field in table.spec.primary_key:
                issue.message += note
    return out


def foreign_key_references(rel: Relations) -> list[_Reference]:
    """Rows whose foreign key finds no record (cells with a problem of their own left out)."""
    pc: Any = import_module("pyarrow.compute")

    out = []
    for name, t in rel.tables.items():
        for fk in t.spec.foreign_keys:
            parent = rel.tables.get(fk.reference_table)
            if t.absent.intersection(fk.fields):
                continue  # the header problem says the column is missing
            if parent is None or parent.incomplete or parent.absent.intersection(fk.reference_fields):
                _skip_foreign_key(rel, name, fk, parent)
                continue
            child = key_strings(t.data, fk.fields)
            mask = _missing(child, rel.keys(parent.name, fk.reference_fields).values)
            bad = t.bad_rows(fk.fields)
            if bad is not None:
                mask = pc.and_(mask, pc.invert(bad))
            ref = _reference(name, fk.fields, parent.name, child, mask)
            if ref is not None:
                out.append(ref)
    return out


def _skip_foreign_key(rel: Relations, name: str, fk: ForeignKey, parent: LoadedTable | None) -> None:
    why = rel.unread.get(fk.reference_table, f"{fk.reference_table} was not given")
    if parent is not None:
        why = f"some records of {fk.reference_table} could not be read: its keys are not all known"
    rel.skipped.append(("foreign-key", name, f"{'/'.join(fk.fields)} -> {fk.reference_table}: {why}"))


def _citation_references(rel: Relations, citations: LoadedTable) -> list[_Reference]:
    """Citations whose record is not in the table they name."""
    pc: Any = import_module("pyarrow.compute")

    out = []
    cited_table = citations.data.column("table")
    cited_id = rel.keys("citations", ("record_id",)).values
    bad = citations.bad_rows(("record_id",))
    for name in sorted(pc.unique(cited_table).drop_null().to_pylist()):
        t = rel.tables.get(name)
        if t is None or t.incomplete or t.absent.intersection(t.spec.primary_key):
            if t is not None or name in rel.unread:
                why = rel.unread.get(name, f"some records of {name} could not be read")
                rel.skipped.append(("citations", name, f"citations name its records, but {why}"))
            continue
        here = pc.fill_null(pc.equal(cited_table, name), False)
        mask = pc.and_(here, _missing(cited_id, rel.keys(name, t.spec.primary_key).values))
        if bad is not None:
            mask = pc.and_(mask, pc.invert(bad))
        ref = _reference("citations", ("record_id",), name, cited_id, mask)
        if ref is not None:
            out.append(ref)
    return out


def _missing_citations(rel: Relations, citations: LoadedTable) -> None:
    """Records that no citation names: one problem per record, or per table when none is cited."""
    pc: Any = import_module("pyarrow.compute")

    cited_table = citations.data.column("table")
    cited_id = rel.keys("citations", ("record_id",)).values
    for name, t in rel.tables.items():
        if name in ("sources", "citations") or t.absent.intersection(t.spec.primary_key):
            continue
        ids = rel.keys(name, t.spec.primary_key).values
        here = pc.filter(cited_id, pc.fill_null(pc.equal(cited_table, name), False))
        missing = _missing(ids, here)
        for f in t.spec.cited_by:
            if f not in t.absent:
                # its own source_id (or a cited record it refers to) cites the record
                missing = pc.and_(missing, pc.is_null(t.data.column(f)))
        count = int(pc.sum(missing).as_py() or 0)
        none_cited = not len(here)
        rows = first_rows(missing, 1 if none_cited else rel.limit)
        for row in rows:
            record_id = ids[row].as_py()
            tail = f" No citation names any of the {count} records of {name}." if none_cited else ""
            issue = Issue(
                codes.MISSING_CITATION,
                f"{name} record {clip(record_id)!r} cites no source. Expected a row in citations with "
                f"table={name} and record_id={record_id}; add one naming the source of these facts.{tail}",
                row=row,
                field=t.spec.primary_key[0],
                value=record_id,
                involves=(*t.spec.primary_key, *t.spec.cited_by),
            )
            rel.add(name, issue)
        if not none_cited and count > len(rows):
            rel.omit(name, issue, count - len(rows))


def citation_checks(rel: Relations) -> list[_Reference]:
    """Every record is cited; every citation names an existing record."""
    citations = rel.tables.get("citations")
    if citations is None or citations.absent.intersection(("table", "record_id")):
        if "citations" in rel.unread:
            rel.skipped.append(("citations", "", rel.unread["citations"]))
        return []
    _missing_citations(rel, citations)
    return _citation_references(rel, citations)


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


_LINK_FIELDS = (
    "event_id",
    "imposing",
    "target",
    "effective_date",
    "announced_date",
    "end_date",
    "combines",
    "retroactive",
    "amends_event_id",
    "responds_to_event_id",
)


def _linked_rows(events: LoadedTable) -> tuple[list[int], list[dict[str, Any]], dict[Any, dict[str, Any]]]:
    """The events that link to another (with a cell of their own that is fine), and their targets."""
    import pyarrow as pa

    pc: Any = import_module("pyarrow.compute")

    data = events.data.select(list(_LINK_FIELDS))
    linked = pc.or_(
        pc.is_valid(data.column("amends_event_id")), pc.is_valid(data.column("responds_to_event_id"))
    )
    at = pc.indices_nonzero(pc.fill_null(linked, False))
    targets = pc.unique(
        pa.chunked_array(
            [
                pc.drop_null(data.column("amends_event_id").combine_chunks()),
                pc.drop_null(data.column("responds_to_event_id").combine_chunks()),
            ]
        ).combine_chunks()
    )
    wanted = data.filter(pc.is_in(data.column("event_id"), value_set=targets))
    by_id = {r["event_id"]: r for r in wanted.to_pylist()}
    return [int(i) for i in at.to_pylist()], data.take(at).to_pylist(), by_id


def event_link_issues(events: LoadedTable) -> list[Issue]:
    """``amends`` links stay in one direction and point back in time; ``responds to`` links cross."""
    if not set(_LINK_FIELDS) <= set(events.spec.field_names) or events.absent.intersection(_LINK_FIELDS):
        return []
    rows, values, by_id = _linked_rows(events)
    out = []
    for i, row in zip(rows, values, strict=True):
        out.extend(_link_issues(events, i, row, by_id))
    return out


def _link_issues(events: LoadedTable, i: int, row: dict[str, Any], by_id: Mapping[Any, Any]) -> list[Issue]:
    out = []
    for col, same_direction in (("amends_event_id", True), ("responds_to_event_id", False)):
        target_id = row.get(col)
        if target_id is None or target_id not in by_id or events.is_bad(col, i):
            continue
        target = by_id[target_id]
        direction = (target["imposing"], target["target"])
        expected = (row["imposing"], row["target"]) if same_direction else (row["target"], row["imposing"])
        if direction != expected:
            out.append(
                Issue(
                    codes.LINK_DIRECTION,
                    f"{col} is {clip(target_id)!r}, an event of {direction[0]} on {direction[1]}; expected "
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
                    f"{col} is {clip(target_id)!r}, which starts on {t_start}, after this event ({start}). "
                    "Expected a link to an earlier event; check the link and both dates.",
                    row=i,
                    field=col,
                    value=target_id,
                    involves=(col, "effective_date", "announced_date", "retroactive"),
                )
            )
    amends = row.get("amends_event_id")
    if row["combines"] == "replaces" and amends in by_id and not events.is_bad("amends_event_id", i):
        target = by_id[amends]
        if (
            row["effective_date"] is not None
            and target["effective_date"] is not None
            and target["end_date"] != row["effective_date"]
        ):
            out.append(
                Issue(
                    codes.REPLACE_GAP,
                    f"This event replaces {clip(amends)!r} from {row['effective_date']}, but that event's "
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
    tables: Mapping[str, LoadedTable],
    issues: Mapping[str, list[Issue]],
    limit: int,
    unread: Mapping[str, str],
) -> Relations:
    """All cross-table issues, by table, and the cross-table checks that could not run."""
    rel = Relations(tables, issues, limit, unread)
    refs = foreign_key_references(rel) + citation_checks(rel)
    _report_references(rel, _blame_unresolved_keys(rel, refs))
    found: list[tuple[str, Issue]] = []
    events = tables.get("tariff_events")
    if events is not None:
        found += [("tariff_events", issue) for issue in event_link_issues(events)]
    found += edition_code_issues(rel)
    counts: dict[tuple[str, Any, str | None], int] = {}
    for table, issue in found:
        k = (table, issue.code, issue.field)
        counts[k] = counts.get(k, 0) + 1
        if counts[k] <= limit:
            rel.add(table, issue)
        else:
            rel.omit(table, issue, 1)
    return rel


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


def edition_code_issues(rel: Relations) -> list[tuple[str, Issue]]:
    """Every code of a product list exists in the edition it is written in; every HS 2022 code of
    the sector crosswalk exists in HS 2022."""
    editions, lines = rel.tables.get("nomenclature_editions"), rel.tables.get("tariff_lines")
    if editions is None or lines is None:
        return []  # validating other tables: nothing to check codes against
    if editions.incomplete or lines.incomplete or editions.absent or lines.absent:
        why = "the nomenclature tables could not all be read"
        rel.skipped.append(("code-not-in-edition", "", why))
        return []
    known = _Nomenclature(editions, lines)
    checks = {"product_list_lines": ("code", "edition_id"), "sector_codes": ("code", "classification")}
    out: list[tuple[str, Issue]] = []
    for name, (code_field, edition_field) in checks.items():
        t = rel.tables.get(name)
        if t is None or {code_field, edition_field} & t.absent:
            continue
        bad = t.bad_rows((code_field, edition_field))
        skip = set() if bad is None else {i for i, b in enumerate(bad.to_pylist()) if b}
        cols = t.data.select([code_field, edition_field]).to_pydict()
        for row, (code, edition) in enumerate(zip(cols[code_field], cols[edition_field], strict=True)):
            if code is None or edition is None or row in skip:
                continue
            if name == "sector_codes" and edition != "HS2022":
                continue
            edition_id = "HS-2022" if name == "sector_codes" else edition
            problem = known.problem(code, edition_id)
            if problem is not None:
                issue = Issue(
                    codes.CODE_NOT_IN_EDITION,
                    f"{code_field} is {code!r}, but {problem}. Expected a code of the edition it was "
                    f"published in: check the code, or the edition named in {edition_field}.",
                    row=row,
                    field=code_field,
                    value=code,
                    involves=(code_field, edition_field),
                )
                out.append((name, issue))
    return out
