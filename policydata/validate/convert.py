"""Cells as text to typed Arrow columns; a cell that cannot be converted becomes a ``type-error``."""

from __future__ import annotations

from importlib import import_module
from typing import Any, cast

from policydata.generated.arrow import arrow_type
from policydata.schemas.model import FieldSpec
from policydata.validate import codes
from policydata.validate.model import Failure, Issue, LoadedTable, clip, first_rows

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


def _slow(column: Any, spec: FieldSpec, target: Any) -> tuple[Any, Any]:
    """(converted, ok) of one chunk of a column that does not cast as a whole: the cells that
    have the field's form are cast, the others are not ok."""
    import pyarrow as pa

    pc: Any = import_module("pyarrow.compute")

    pattern = {"number": _NUMBER_RE, "integer": _INTEGER_RE, "date": _DATE_RE}[spec.kind]
    ok = pc.match_substring_regex(column, pattern)
    candidates = pc.if_else(ok, column, pa.scalar(None, pa.string()))
    if spec.kind == "date":
        # strptime alone would roll 2018-02-30 over to March: its day of the month then differs
        # from the one written
        parsed = pc.strptime(candidates, "%Y-%m-%d", "s", error_is_null=True)
        written = pc.cast(pc.utf8_slice_codeunits(candidates, 8, 10), pa.int64())
        ok = pc.and_(ok, pc.fill_null(pc.equal(pc.day(parsed), written), False))
        candidates = pc.if_else(ok, candidates, pa.scalar(None, pa.string()))
    return pc.cast(candidates, target), ok


def _typed(column: Any, spec: FieldSpec) -> tuple[Any, Any | None]:
    """(converted, ok): ok is None when every cell converted."""
    import pyarrow as pa

    pc: Any = import_module("pyarrow.compute")

    target = arrow_type(spec)
    if spec.kind == "boolean":
        return pc.equal(column, "true"), pc.is_in(column, value_set=pa.array(["true", "false"]))
    try:
        converted = pc.cast(column, target)
    except pa.ArrowInvalid:
        # chunk by chunk, so that the temporaries of the slow path stay a chunk's size
        chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
        pairs = [_slow(chunk, spec, target) for chunk in chunks]
        converted = pa.chunked_array([c for c, _ in pairs], cast(Any, target))
        return converted, pa.chunked_array([k for _, k in pairs], pa.bool_())
    if spec.kind == "number":
        finite = pc.is_finite(converted)
        if not pc.all(finite).as_py():
            return converted, finite
    return converted, None


class Converter:
    """Converts a text column to its field's type a chunk at a time (as a CSV file is read, so
    that the text of a typed column is never held whole), and collects its bad cells."""

    def __init__(self, spec: FieldSpec, limit: int) -> None:
        self.spec = spec
        self.limit = limit
        self.chunks: list[Any] = []
        self.bad: list[Any] = []
        self.any_bad = False
        self.rows = 0
        #: (row, text) of the first ``limit`` bad cells
        self.written: list[tuple[int, str]] = []

    def add(self, column: Any) -> None:
        import pyarrow as pa

        pc: Any = import_module("pyarrow.compute")

        if self.spec.kind == "string":
            converted, bad = column, None
        else:
            converted, ok = _typed(column, self.spec)
            bad = None if ok is None else pc.and_(pc.is_valid(column), pc.invert(pc.fill_null(ok, False)))
        if bad is not None and pc.any(bad).as_py():
            self.any_bad = True
            rows = first_rows(bad, self.limit - len(self.written))
            values = pc.take(column, pa.array(rows, pa.int64())).to_pylist() if rows else []
            self.written.extend((self.rows + r, v) for r, v in zip(rows, values, strict=True))
            converted = pc.if_else(bad, pa.scalar(None, arrow_type(self.spec)), converted)
        self.bad.append(bad if bad is not None else pa.nulls(len(column), pa.bool_()))
        chunks = converted.chunks if isinstance(converted, pa.ChunkedArray) else [converted]
        self.chunks.extend(chunks)
        self.rows += len(column)

    def finish(self, loaded: LoadedTable) -> Any:
        """The typed column; its bad cells become a ``type-error`` failure of ``loaded``."""
        import pyarrow as pa

        pc: Any = import_module("pyarrow.compute")

        if self.any_bad:
            bad = pc.fill_null(pa.chunked_array([_array(b) for b in self.bad], pa.bool_()), False)
            loaded.failures.append(Failure(codes.TYPE_ERROR, bad, self.spec.name))
            loaded.written.update({(self.spec.name, r): v for r, v in self.written})
        return pa.chunked_array(self.chunks, cast(Any, arrow_type(self.spec)))


def _array(values: Any) -> Any:
    import pyarrow as pa

    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def convert_strings(column: Any, spec: FieldSpec, loaded: LoadedTable, limit: int) -> Any:
    """Convert a text column to its field's type; bad cells become nulls and a ``type-error`` failure
    (the first ``limit`` keep their text, for the problems listed)."""
    import pyarrow as pa

    converter = Converter(spec, limit)
    for chunk in column.chunks if isinstance(column, pa.ChunkedArray) else [column]:
        converter.add(chunk)
    return converter.finish(loaded)


def type_error_issue(spec: FieldSpec, row: int, value: str | None) -> Issue:
    """A cell that cannot be read as its field's type."""
    return Issue(
        codes.TYPE_ERROR,
        f"{spec.name} is {clip(value)!r}; expected {EXPECTED[spec.kind]}.",
        row=row,
        field=spec.name,
        value=value,
    )
