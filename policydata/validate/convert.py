"""Cells as text to typed Arrow columns; a cell that cannot be converted becomes a ``type-error``."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from policydata.generated.arrow import arrow_type
from policydata.schemas.model import FieldSpec
from policydata.validate import codes
from policydata.validate.model import Failure, Issue, LoadedTable, first_rows

EXPECTED = {
    "date": "an ISO date, YYYY-MM-DD",
    "number": "a plain number such as 25 or 7.5 (a dot for decimals, no thousands separator)",
    "integer": "a whole number such as 1042",
    "boolean": "true or false (lower case)",
}

# What Arrow's string casts accept, less NaN and infinities; used to find the bad cells of a
# column whose fast cast failed.
_NUMBER_RE = r"^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"
_INTEGER_RE = r"^-?[0-9]{1,18}$"
_DATE_RE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def convert_strings(column: Any, spec: FieldSpec, loaded: LoadedTable, limit: int) -> Any:
    """Convert a text column to its field's type; bad cells become nulls and a ``type-error`` failure
    (the first ``limit`` keep their text, for the problems listed)."""
    import pyarrow as pa

    pc: Any = import_module("pyarrow.compute")

    if spec.kind == "string":
        return column
    target = arrow_type(spec)
    if spec.kind == "boolean":
        ok = pc.is_in(column, value_set=pa.array(["true", "false"]))
        converted = pc.equal(column, "true")
    else:
        try:
            converted = pc.cast(column, target)
            ok = None
            if spec.kind == "number":
                finite = pc.is_finite(converted)
                if not pc.all(finite).as_py():
                    ok = finite
        except pa.ArrowInvalid:
            pattern = {"number": _NUMBER_RE, "integer": _INTEGER_RE, "date": _DATE_RE}[spec.kind]
            ok = pc.match_substring_regex(column, pattern)
            candidates = pc.if_else(ok, column, pa.scalar(None, pa.string()))
            if spec.kind == "date":
                # strptime alone would roll 2018-02-30 over to March: its day of the month then
                # differs from the one written
                parsed = pc.strptime(candidates, "%Y-%m-%d", "s", error_is_null=True)
                written = pc.cast(pc.utf8_slice_codeunits(candidates, 8, 10), pa.int64())
                ok = pc.and_(ok, pc.fill_null(pc.equal(pc.day(parsed), written), False))
                candidates = pc.if_else(ok, candidates, pa.scalar(None, pa.string()))
            converted = pc.cast(candidates, target)
    if ok is not None:
        bad = pc.and_(pc.is_valid(column), pc.invert(pc.fill_null(ok, False)))
        if pc.any(bad).as_py():
            loaded.failures.append(Failure(codes.TYPE_ERROR, bad, spec.name))
            # the cell as written is lost in conversion: keep it for the problems that will be listed
            rows = first_rows(bad, limit)
            for row, value in zip(rows, pc.take(column, rows).to_pylist(), strict=True):
                loaded.written[(spec.name, row)] = value
            converted = pc.if_else(bad, pa.scalar(None, target), converted)
    return converted


def type_error_issue(spec: FieldSpec, row: int, value: str | None) -> Issue:
    """A cell that cannot be read as its field's type."""
    return Issue(
        codes.TYPE_ERROR,
        f"{spec.name} is {value!r}; expected {EXPECTED[spec.kind]}.",
        row=row,
        field=spec.name,
        value=value,
    )
