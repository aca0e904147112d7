"""What the validator works on: a table read from a file, and what is found in it.

A :class:`Failure` is the rows of a table that fail one check (cheap: a list of row numbers); an
:class:`Issue` is one problem before it is located and explained as a
:class:`~policydata.validate.report.Problem`. Checks find failures; only the first ``limit`` rows
of each become issues, so that the work of explaining stays bounded whatever the input. Codes are
:class:`~policydata.validate.codes.Code` constants of the catalogue, never bare strings.
"""

from __future__ import annotations

import bisect
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import import_module
from typing import TYPE_CHECKING, Any

from policydata.io import to_pandas
from policydata.validate.codes import Code

if TYPE_CHECKING:
    import pyarrow as pa

    from policydata.schemas.model import TableSpec
    from policydata.schemas.rules import Rule


@dataclass
class Issue:
    """A problem found while checking, before it is located and turned into a :class:`Problem`."""

    code: Code
    message: str
    row: int | None = None
    field: str | None = None
    value: str | None = None
    line: int | None = None
    column: int | None = None
    #: fields whose own cell problems make this one a consequence (it is then not reported)
    involves: tuple[str, ...] = ()


@dataclass
class Failure:
    """Rows of a table that fail one check: a boolean mask, one bit per row (true: it fails).

    A mask rather than a list of rows, so that a check failing on millions of rows costs a few
    hundred kilobytes, and combining failures (one per cell, none that follows from another) is a
    vectorised operation.
    """

    code: Code
    mask: Any
    field: str | None = None
    rule: Rule | None = None

    def count(self) -> int:
        pc: Any = import_module("pyarrow.compute")

        return int(pc.sum(self.mask).as_py() or 0)

    def rows(self, limit: int | None = None) -> list[int]:
        """The failing rows, ascending; the first ``limit`` of them."""
        return first_rows(self.mask, limit)


def first_rows(mask: Any, limit: int | None = None) -> list[int]:
    """The rows where a boolean mask is true (a null is false), ascending; the first ``limit``."""
    pc: Any = import_module("pyarrow.compute")

    if not pc.any(mask).as_py():
        return []
    found = pc.indices_nonzero(pc.fill_null(mask, False))
    return [int(i) for i in (found if limit is None else found.slice(0, limit)).to_pylist()]


def mask_of(rows: Iterable[int], n: int) -> Any:
    """A boolean mask of ``n`` rows, true at ``rows``."""
    import pyarrow as pa

    bits = bytearray(n)
    for r in rows:
        bits[r] = 1
    return pa.array(memoryview(bytes(bits)).cast("?") if n else [], pa.bool_())


@dataclass
class Unread:
    """A table whose rows were not checked: the issues that say why, and the reason in words."""

    issues: list[Issue]
    reason: str
    #: problems found but not listed (past the limit), by code and field
    omitted: dict[tuple[Code, str | None], int] = field(default_factory=dict)


@dataclass
class LoadedTable:
    """A table read for validation.

    ``data`` holds the typed columns (every field nullable, so that a missing required value is
    reported rather than refused). ``absent`` names fields the file has no column for (a header
    problem, reported once): their checks are skipped rather than failing on every row.
    """

    spec: TableSpec
    file: str
    kind: str
    data: pa.Table
    #: record index (0-based after the header) of each record that is not a table row (blank or
    #: malformed), ascending
    removed_records: list[int] = field(default_factory=list)
    #: True when malformed records were left out, so that its keys are not all known
    incomplete: bool = False
    line_of_record: Callable[[int], int] | None = None
    issues: list[Issue] = field(default_factory=list)
    #: failures found while reading (type errors), checked with the others
    failures: list[Failure] = field(default_factory=list)
    #: cells as written that were lost in conversion (type errors), for the first rows of each field
    written: dict[tuple[str, int], str] = field(default_factory=dict)
    #: fields without a column in the file
    absent: frozenset[str] = frozenset()
    #: a mask of the blank rows (every cell empty), which no check looks at; None when none is
    blank: Any = None
    #: problems found while reading but not listed (past the limit), by code and field
    omitted: dict[tuple[Code, str | None], int] = field(default_factory=dict)
    #: checks of this table that were not run: (check, reason)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    #: 1-based column of each field in the file, where the file's header differs from the schema
    positions: dict[str, int] = field(default_factory=dict)
    #: per field, a mask of the rows whose cell has an error of its own (once the single-table
    #: checks ran)
    bad: dict[str, Any] = field(default_factory=dict)
    #: per field: (dictionary of distinct values, index of each row's value), for columns with few
    #: distinct values, so that a check runs once per distinct value rather than once per row
    views: dict[str, tuple[Any, Any] | None] = field(default_factory=dict)
    _shift: list[int] | None = field(default=None, repr=False, compare=False)

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def num_rows(self) -> int:
        return int(self.data.num_rows)

    @property
    def blank_count(self) -> int:
        pc: Any = import_module("pyarrow.compute")

        return 0 if self.blank is None else int(pc.sum(self.blank).as_py() or 0)

    @property
    def frame(self) -> Any:
        """The table as a pandas DataFrame with the dtypes the pandera schemas expect."""
        return to_pandas(self.data, self.spec.fields)

    def record(self, row: int) -> int:
        """The record index of a table row (blank and malformed records are not table rows)."""
        if self._shift is None or len(self._shift) != len(self.removed_records):
            # the i-th removed record would have been table row removed[i] - i: a binary search
            # over these finds how many removed records come before a row
            self._shift = [r - i for i, r in enumerate(self.removed_records)]
        return row + bisect.bisect_right(self._shift, row)

    def line(self, record: int) -> int | None:
        return self.line_of_record(record) if self.line_of_record is not None else None

    def column(self, name: str) -> int | None:
        """1-based column of a field in the file; None for a field the file lacks."""
        if name in self.absent:
            return None
        return self.positions.get(name) or self.spec.column(name)

    def is_bad(self, field_name: str, row: int | None) -> bool:
        """True when the cell has an error of its own."""
        mask = self.bad.get(field_name)
        return mask is not None and row is not None and bool(mask[row].as_py())

    def bad_rows(self, fields: Iterable[str]) -> Any | None:
        """A mask of the rows with an error in any of ``fields``; None when there is none."""
        pc: Any = import_module("pyarrow.compute")

        out = None
        for name in fields:
            mask = self.bad.get(name)
            if mask is not None:
                out = mask if out is None else pc.or_(out, mask)
        return out

    def value(self, field_name: str, row: int) -> str | None:
        """A cell as text: as written where conversion lost it, formatted from its type otherwise."""
        written = self.written.get((field_name, row))
        if written is not None:
            return written
        return as_text(self.data.column(field_name)[row].as_py())


def clip(value: str | None, width: int = 200) -> str | None:
    """A value short enough to quote in a message (a cell may be megabytes long).

    Examples
    --------
    >>> clip("x" * 300)[-3:], len(clip("x" * 300))
    ('xx…', 200)
    """
    if value is None or len(value) <= width:
        return value
    return value[: width - 1] + "…"


def as_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def pmap(fn: Callable[[Any], Any], items: list[Any]) -> list[Any]:
    """``[fn(x) for x in items]`` on a few threads: Arrow compute releases the GIL."""
    if len(items) < 2:
        return [fn(x) for x in items]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=min(len(items), os.cpu_count() or 1, 8)) as pool:
        return list(pool.map(fn, items))


def record_lines(loaded: LoadedTable, rows: list[int]) -> dict[int, tuple[int, int | None]]:
    """(record, line) of each table row in ``rows``."""
    out: dict[int, tuple[int, int | None]] = {}
    for row in rows:
        record = loaded.record(row)
        out[row] = (record, loaded.line(record))
    return out
