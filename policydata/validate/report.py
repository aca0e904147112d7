"""Validation problems and reports: data first, text second."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]
#: How single-table checks are run: vectorised Arrow compute, or the generated pandera schemas.
Engine = Literal["arrow", "pandas"]
ENGINES: tuple[Engine, ...] = ("arrow", "pandas")
#: Problems reported per file, code and field before the rest are only counted.
DEFAULT_LIMIT = 1000


@dataclass(frozen=True)
class Problem:
    """One problem, located as precisely as the input allows.

    Attributes
    ----------
    code
        Stable kebab-case code (see :data:`policydata.validate.codes.CODES`).
    message
        What is wrong, what was expected, and how to fix it.
    table, file
        The table and the file it was read from (as the path was given).
    line
        1-based line in a CSV file (the header is line 1); None for Parquet input and for
        problems of a whole file.
    row
        0-based index of the data row (for CSV: the record after the header, blank and malformed
        records included, so that ``row`` and ``line`` agree when no cell spans lines).
    column
        1-based position of the field in the file's header, where a field is concerned.
    field, value
        The field concerned and the offending value, as text.
    severity
        ``error`` makes the data invalid; ``warning`` (such as ``likely-duplicate``) is shown
        but does not.

    Examples
    --------
    >>> Problem("foreign-key", "No such event.", "citations", "citations.csv", 3, 1, 2).location()
    'citations.csv:3:2'
    """

    code: str
    message: str
    table: str | None = None
    file: str | None = None
    line: int | None = None
    row: int | None = None
    column: int | None = None
    field: str | None = None
    value: str | None = None
    severity: Severity = "error"

    def location(self) -> str:
        """``file:line:column`` (or ``file[row]``), as editors and CI logs understand it."""
        out = self.file or self.table or "?"
        if self.line is not None:
            out += f":{self.line}"
            if self.column is not None:
                out += f":{self.column}"
        elif self.row is not None:
            out += f"[row {self.row}]"
        return out

    def sort_key(self) -> tuple[str, int, int, int, str]:
        return (
            self.file or "",
            self.line if self.line is not None else -1,
            self.row if self.row is not None else -1,
            self.column if self.column is not None else 0,
            self.code,
        )


@dataclass
class Report:
    """The result of a validation: every problem found, and what was checked.

    Examples
    --------
    >>> report = Report()
    >>> report.ok
    True
    >>> report.add(Problem("blank-row", "Row 3 is blank; delete it.", "sources", "sources.csv", 3))
    >>> report.ok, report.codes()
    (False, ['blank-row'])
    """

    problems: list[Problem] = field(default_factory=list)
    #: rows read per table
    tables: dict[str, int] = field(default_factory=dict)
    #: problems left out because one (file, code, field) already had ``limit`` of them
    omitted: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return not any(p.severity == "error" for p in self.problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def extend(self, other: Report) -> None:
        """Add another report's problems, tables and omissions to this one."""
        self.problems.extend(other.problems)
        self.tables.update(other.tables)
        for key, n in other.omitted.items():
            self.omitted[key] = self.omitted.get(key, 0) + n

    def sort(self) -> None:
        self.problems.sort(key=Problem.sort_key)

    def codes(self) -> list[str]:
        """The distinct codes reported, sorted."""
        return sorted({p.code for p in self.problems})

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.ok,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "tables": dict(self.tables),
            "omitted": dict(self.omitted),
            "problems": [asdict(p) for p in self.problems],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        """Rebuild a report from :meth:`to_dict` output (or the CLI's ``--format json``)."""
        return cls(
            problems=[Problem(**p) for p in data["problems"]],
            tables=dict(data["tables"]),
            omitted=dict(data.get("omitted", {})),
        )

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)
