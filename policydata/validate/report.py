"""Validation problems and reports: data first, text second."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]
#: How single-table checks are run: vectorised Arrow compute, or the generated pandera schemas.
Engine = Literal["arrow", "pandas"]
ENGINES: tuple[Engine, ...] = ("arrow", "pandas")
#: Problems listed per file, code and field before the rest are only counted (and, for most
#: checks, before the work of finding and explaining them stops growing).
DEFAULT_LIMIT = 100


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


@dataclass(frozen=True)
class Skipped:
    """A check that was not run, and why: the report says so rather than staying silent.

    Attributes
    ----------
    check
        ``rows`` (the row checks of a table), ``foreign-key`` (references from a table to
        another), ``citations`` (that records are cited, and citations name records) or
        ``quotes`` (the search for stray quotes, past the report limit).
    table, file
        The table and file concerned, where there is one.
    reason
        Why the check was not run, and what to do to have it run.

    Examples
    --------
    >>> Skipped("citations", None, None, "citations.csv was not given.").describe()
    'citations not checked: citations.csv was not given.'
    """

    check: str
    table: str | None
    file: str | None
    reason: str

    def describe(self) -> str:
        what = self.check if self.table is None else f"{self.check} of {self.table}"
        return f"{what} not checked: {self.reason}"


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
    #: checks that were not run (a table whose structure is wrong, a table not given), and why
    skipped: list[Skipped] = field(default_factory=list)

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
        self.skipped.extend(other.skipped)

    def omit(self, label: str, n: int = 1) -> None:
        """Count ``n`` problems left out of the list under ``label`` (``file:code[:field]``)."""
        if n:
            self.omitted[label] = self.omitted.get(label, 0) + n

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
            "skipped": [asdict(s) for s in self.skipped],
            "problems": [asdict(p) for p in self.problems],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        """Rebuild a report from :meth:`to_dict` output (or the CLI's ``--format json``)."""
        return cls(
            problems=[Problem(**p) for p in data["problems"]],
            tables=dict(data["tables"]),
            omitted=dict(data.get("omitted", {})),
            skipped=[Skipped(**s) for s in data.get("skipped", [])],
        )

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)
