"""Record-level differences between two releases: what was added, removed and changed, per table.

Records are matched by their table's key (composite keys joined with ``|``, as citations write
them); a changed record names the fields whose values differ.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from policydata import settings
from policydata.catalog import TABLE_NAMES, table
from policydata.release import Release, open_release

#: How many record ids a Markdown summary lists per kind of change before it abbreviates.
MARKDOWN_LIMIT = 50


@dataclass(frozen=True)
class RecordChange:
    """A record present in both releases whose values differ in ``fields``."""

    record_id: str
    fields: tuple[str, ...]
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TableDiff:
    """The differences in one table, each list sorted by record id."""

    name: str
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[RecordChange, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class ReleaseDiff:
    """Differences between release ``a_version`` (before) and ``b_version`` (after).

    Examples
    --------
    >>> d = ReleaseDiff("2026.10.0", "2026.11.0", {"sources": TableDiff("sources", added=("x",))})
    >>> d.empty, d.tables["sources"].added
    (False, ('x',))
    """

    a_version: str
    b_version: str
    tables: dict[str, TableDiff]

    @property
    def empty(self) -> bool:
        """True when no record was added, removed or changed."""
        return all(t.empty for t in self.tables.values())

    def to_dict(self) -> dict[str, Any]:
        """The differences as plain data (dates as ISO strings)."""
        return {
            "a": self.a_version,
            "b": self.b_version,
            "tables": {
                name: {
                    "added": list(t.added),
                    "removed": list(t.removed),
                    "changed": [
                        {
                            "record_id": c.record_id,
                            "fields": list(c.fields),
                            "before": {k: _plain(v) for k, v in c.before.items()},
                            "after": {k: _plain(v) for k, v in c.after.items()},
                        }
                        for c in t.changed
                    ],
                }
                for name, t in self.tables.items()
            },
        }

    def to_json(self) -> str:
        """:meth:`to_dict` as indented JSON."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def to_markdown(self) -> str:
        """A Markdown list of the changes per table, as the changelog shows them."""

        def ids(values: list[str]) -> str:
            shown = ", ".join(f"`{v}`" for v in values[:MARKDOWN_LIMIT])
            more = len(values) - MARKDOWN_LIMIT
            return shown + (f" and {more} more" if more > 0 else "")

        lines = []
        for name, t in self.tables.items():
            if t.empty:
                continue
            lines.append(
                f"- `{name}`: {len(t.added)} added, {len(t.removed)} removed, {len(t.changed)} changed"
            )
            if t.added:
                lines.append(f"  - added: {ids(list(t.added))}")
            if t.removed:
                lines.append(f"  - removed: {ids(list(t.removed))}")
            for change in t.changed[:MARKDOWN_LIMIT]:
                lines.append(f"  - changed: `{change.record_id}` ({', '.join(change.fields)})")
            if len(t.changed) > MARKDOWN_LIMIT:
                lines.append(f"  - and {len(t.changed) - MARKDOWN_LIMIT} more changed records")
        unchanged = [name for name, t in self.tables.items() if t.empty]
        if not lines:
            return "No record was added, removed or changed."
        if unchanged:
            lines.append(f"- unchanged: {', '.join(f'`{n}`' for n in unchanged)}")
        return "\n".join(lines)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return bool(a == b)


def _rows(release: Release, name: str) -> dict[str, dict[str, Any]]:
    if name not in release.tables:
        return {}
    info = table(name)
    rows = release.load(name, backend="arrow").to_pylist()
    return {info.record_id(row): row for row in rows}


def diff_table(name: str, before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]]) -> TableDiff:
    """Compare one table's records, keyed by record id.

    Examples
    --------
    >>> d = diff_table("sources", {"a": {"title": "x"}}, {"a": {"title": "y"}, "b": {"title": "z"}})
    >>> d.added, d.changed[0].record_id, d.changed[0].fields
    (('b',), 'a', ('title',))
    """
    changed = []
    for record_id in sorted(before.keys() & after.keys()):
        old, new = before[record_id], after[record_id]
        columns = list(old) + [c for c in new if c not in old]
        fields = tuple(c for c in columns if not _same(old.get(c), new.get(c)))
        if fields:
            changed.append(
                RecordChange(
                    record_id,
                    fields,
                    {c: old.get(c) for c in fields},
                    {c: new.get(c) for c in fields},
                )
            )
    return TableDiff(
        name,
        added=tuple(sorted(after.keys() - before.keys())),
        removed=tuple(sorted(before.keys() - after.keys())),
        changed=tuple(changed),
    )


def _as_release(value: str | Path | Release) -> Release:
    if isinstance(value, Release):
        return value
    path = Path(value)
    if (path / settings.DATAPACKAGE_FILE).is_file():
        release = Release(path)
        release.check_schema_version()
        return release
    return open_release(str(value))


def diff(a: str | Path | Release, b: str | Path | Release) -> ReleaseDiff:
    """Record-level differences from release ``a`` to release ``b``.

    Parameters
    ----------
    a, b
        A release version (opened, or downloaded, as :func:`policydata.open_release` does), a
        release folder, or an opened :class:`~policydata.Release`.

    Returns
    -------
    ReleaseDiff
        Per table, in data-package order: the record ids added and removed, and the records changed
        with the fields that changed.

    Examples
    --------
    >>> import policydata
    >>> rel = policydata.open_release()
    >>> policydata.diff(rel, rel).empty
    True
    """
    before, after = _as_release(a), _as_release(b)
    names = [n for n in TABLE_NAMES if n in before.tables or n in after.tables]
    return ReleaseDiff(
        before.version,
        after.version,
        {name: diff_table(name, _rows(before, name), _rows(after, name)) for name in names},
    )
