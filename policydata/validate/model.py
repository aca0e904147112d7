"""What the validator works on: a table read from a file, and the issues found in it.

An :class:`Issue` is a problem before it is located and explained as a
:class:`~policydata.validate.report.Problem`; its code is a :class:`~policydata.validate.codes.Code`
of the catalogue, never a bare string.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from policydata.io import to_pandas
from policydata.validate.codes import Code

if TYPE_CHECKING:
    import pyarrow as pa

    from policydata.schemas.model import TableSpec


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
class LoadedTable:
    """A table read for validation.

    ``data`` holds the typed columns (every field nullable, so that a missing required value is
    reported rather than refused); ``text`` the cells as written, for CSV input.
    """

    spec: TableSpec
    file: str
    kind: str
    data: pa.Table
    text: pa.Table | None = None
    #: record index (0-based after the header) of each table row, when it is not the identity
    removed_records: list[int] = field(default_factory=list)
    #: True when malformed records were left out, so that its keys are not all known
    incomplete: bool = False
    line_of_record: Callable[[int], int] | None = None
    issues: list[Issue] = field(default_factory=list)
    #: per field: (dictionary of distinct values, index of each row's value), for columns with few
    #: distinct values, so that a check runs once per distinct value rather than once per row
    views: dict[str, tuple[Any, Any] | None] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def num_rows(self) -> int:
        return int(self.data.num_rows)

    @property
    def frame(self) -> Any:
        """The table as a pandas DataFrame with the dtypes the pandera schemas expect."""
        return to_pandas(self.data, self.spec.fields)

    def record(self, row: int) -> int:
        """The record index of a table row (blank and malformed records are not table rows)."""
        k = row
        for r in self.removed_records:  # sorted
            if r <= k:
                k += 1
            else:
                break
        return k

    def line(self, record: int) -> int | None:
        return self.line_of_record(record) if self.line_of_record is not None else None

    def value(self, field_name: str, row: int) -> str | None:
        """A cell as text: as written in a CSV, formatted from its type otherwise."""
        source = self.text if self.text is not None else self.data
        return as_text(source.column(field_name)[row].as_py())


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
