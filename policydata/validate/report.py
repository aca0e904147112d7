"""Validation problems and reports: data first, text second."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One problem, located as precisely as the input allows.

    ``line`` is the 1-based line in a CSV file (the header is line 1); ``row`` is the 0-based
    row index for Parquet input or when no line is known.
    """

    code: str
    message: str
    table: str | None = None
    file: str | None = None
    line: int | None = None
    row: int | None = None
    field: str | None = None
    value: str | None = None

    def location(self) -> str:
        parts = [self.file or self.table or "?"]
        if self.line is not None:
            parts.append(f"line {self.line}")
        elif self.row is not None:
            parts.append(f"row {self.row}")
        if self.field:
            parts.append(f"field {self.field}")
        return ", ".join(parts)


@dataclass
class Report:
    """The result of a validation: every problem found, and what was checked."""

    problems: list[Problem] = field(default_factory=list)
    tables: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def codes(self) -> list[str]:
        return sorted({p.code for p in self.problems})

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.ok,
            "tables": dict(self.tables),
            "problems": [asdict(p) for p in self.problems],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)
