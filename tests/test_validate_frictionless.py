"""Every problem frictionless reports on a corpus CSV, policydata reports too, at the same line.

frictionless runs on each file a case changes, once with the table's Table Schema (as exported by
policydata) and once without a schema (so that it judges the header by itself). frictionless
numbers rows, not lines; a row is turned into the line it starts on with Python's csv module, so
the comparison holds for quoted cells that span lines too.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from _validate_corpus import Case, cases
from frictionless import Resource, Schema
from frictionless import validate as frictionless_validate

import policydata
from policydata.catalog import TABLE_NAMES, table
from policydata.generated.tableschema import table_schema
from policydata.validate.codes import CELL_CODES

#: frictionless error type -> the policydata codes that report the same problem
SAME: dict[str, set[str]] = {
    "blank-row": {"blank-row"},
    "extra-cell": {"extra-cell", "stray-quote"},  # a stray quote may split a value in two
    "missing-cell": {"missing-cell"},
    "duplicate-label": {"duplicate-label"},
    "type-error": {"type-error"},
    "extra-label": {"header", "duplicate-label"},
    "missing-label": {"header"},
    "incorrect-label": {"header"},
    # frictionless reads a row a cell short (or split by a stray quote) and finds its cells wrong;
    # policydata reports the row's structure, once
    "constraint-error": {*(c.code for c in CELL_CODES), "unclosed-quote", "stray-quote", "missing-cell"},
    # frictionless also finds a blank row's (or a blank key's) empty key "duplicated"
    "primary-key": {"duplicate-key", "blank-row", "missing-value"},
    "source-error": {"empty-file"},
}
LABELS = {"duplicate-label", "extra-label", "missing-label", "incorrect-label"}
STRUCTURE = {"blank-row", "extra-cell", "missing-cell", "duplicate-label"}
LISTED = {"blank-row", "extra-cell", "missing-cell", "duplicate-label", "type-error"}


def _record_lines(path: Path) -> list[int]:
    """Line on which each record (1-based, the header is record 1) starts."""
    reader = csv.reader(io.StringIO(path.read_text(encoding="utf-8", errors="replace"), newline=""))
    starts, start = [0], 1
    for _ in reader:
        starts.append(start)
        start = reader.line_num + 1
    return starts


def _frictionless_errors(
    path: Path, schema: dict[str, Any] | None
) -> list[tuple[str, int | None, str | None]]:
    options: dict[str, Any] = {"schema": Schema.from_descriptor(schema)} if schema else {}
    # relative to a base path: frictionless refuses some absolute paths as unsafe
    resource = Resource(path=path.name, basepath=str(path.parent), **options)
    report = frictionless_validate(resource)
    lines = _record_lines(path)
    out = []
    for task in report.tasks:
        for error in task.errors:
            row = getattr(error, "row_number", None)
            if row is None and getattr(error, "row_numbers", None):
                row = error.row_numbers[0]
            line = lines[row] if row is not None and row < len(lines) else None
            out.append((error.type, line, getattr(error, "field_name", None) or None))
    return out


CSV_CASES = [c for c in cases() if any(p.suffix == ".csv" and p.stem in TABLE_NAMES for p in c.overlay())]


@pytest.mark.parametrize("case", CSV_CASES, ids=[c.name for c in CSV_CASES])
def test_policydata_reports_what_frictionless_reports(case: Case, tmp_path: Path) -> None:
    folder = case.materialise(tmp_path / "data")
    report = policydata.validate(folder)
    for overlay in case.overlay():
        if overlay.suffix != ".csv" or overlay.stem not in TABLE_NAMES:
            continue
        path = folder / overlay.name
        schema = table_schema(table(overlay.stem))
        schema.pop("foreignKeys", None)  # one file alone: references are checked across files
        found = _frictionless_errors(path, schema)
        found += [e for e in _frictionless_errors(path, None) if e[0] in STRUCTURE]
        ours = [p for p in report.problems if p.file == str(path)]
        if any(p.code == "empty-file" for p in ours):
            continue  # a file of blank lines: frictionless reads blank rows, policydata no file
        if any(s.check == "rows" and s.file == str(path) for s in report.skipped):
            # policydata gave up on the file's rows (and says so): its first problems are listed
            assert ours, case.name
            continue
        if any(kind in LABELS for kind, _, _ in found):
            # a wrong header puts every cell under the wrong column; policydata stops there
            found = [e for e in found if e[0] in LABELS]
        for kind, line, field in found:
            assert kind in SAME, f"unmapped frictionless error {kind}"
            matches = [
                p
                for p in ours
                if p.code in SAME[kind]
                and (kind == "source-error" or p.line == line or (line == 1 and p.line is None))
            ]
            assert matches, f"{case.name}: frictionless {kind} at line {line} ({field}); ours: {ours}"
            # a row a cell short is one problem, naming the first field without a cell
            if kind in LISTED and field and kind not in {"duplicate-label", "missing-cell"}:
                assert any(p.field == field for p in matches), (kind, line, field)


def test_the_listed_kinds_are_all_exercised(tmp_path: Path) -> None:
    """The corpus holds a file that frictionless flags with each listed kind of error."""
    seen: set[str] = set()
    for case in CSV_CASES:
        folder = case.materialise(tmp_path / case.name)
        for overlay in case.overlay():
            if overlay.suffix == ".csv" and overlay.stem in TABLE_NAMES:
                schema = table_schema(table(overlay.stem))
                schema.pop("foreignKeys", None)
                path = folder / overlay.name
                seen |= {e[0] for e in _frictionless_errors(path, schema)}
                seen |= {e[0] for e in _frictionless_errors(path, None)}
    assert seen >= LISTED
