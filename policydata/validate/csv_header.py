"""The header row of a CSV file, matched against its table's fields.

A header that differs from the schema is one problem, reported once, naming what is missing,
what is unexpected and which columns moved. The rows are then checked against the header as it
is (each field read from the column that has its name) wherever that makes sense: when the
header names at least one of the table's fields. A header that names none (another table's file,
a file without a header, one separated by semicolons or tabs) leaves nothing to check the rows
against, and the report says so.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from policydata.validate import codes
from policydata.validate.model import Issue

if TYPE_CHECKING:
    from policydata.schemas.model import TableSpec

_OTHER_SEPARATORS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}


@dataclass
class Header:
    """The labels of a file's header row, and where each of the table's fields is among them."""

    labels: list[str]
    names: list[str]
    #: 0-based column of each field the header names (its first column, if named twice)
    positions: dict[str, int] = field(default_factory=dict)
    #: why the rows cannot be checked against this header; None when they can
    unusable: str | None = None

    @property
    def exact(self) -> bool:
        """True when the header is the schema's fields, in order."""
        return self.labels == self.names

    @property
    def absent(self) -> frozenset[str]:
        """The fields the header does not name."""
        return frozenset(n for n in self.names if n not in self.positions)


def header_end(raw: bytes) -> int:
    """Offset of the last byte of the header row's line ending; -1 when there is none."""
    end = min((i for i in (raw.find(b"\n"), raw.find(b"\r")) if i >= 0), default=-1)
    if end >= 0 and raw[end : end + 2] == b"\r\n":
        end += 1
    return end


#: a header row longer than this, or with more columns than this times the table's (and at least
#: 256), is not a header: the file's structure is not the table's
MAX_HEADER_BYTES = 1 << 16
MAX_HEADER_COLUMNS = 4


def _labels(raw: bytes) -> list[str] | None:
    """The labels of the first row; None when it is too long to be a header."""
    end = raw.find(b"\n", 0, MAX_HEADER_BYTES)
    if end < 0 and len(raw) > MAX_HEADER_BYTES:
        return None
    first = raw[: end if end >= 0 else len(raw)]
    if first.count(b'"') % 2:  # a quoted label spans lines: let csv find its end
        first = raw[:MAX_HEADER_BYTES]
    try:
        return next(csv.reader(io.StringIO(first.decode("utf-8", "replace"), newline="")), [])
    except csv.Error:  # a label beyond the csv module's field size
        return None


def _not_a_header(names: list[str], what: str) -> Issue:
    return Issue(
        codes.HEADER,
        f"The first line is not a header: {what}. Expected, in this order: {','.join(names)}. "
        "Its rows were not checked.",
        line=1,
    )


def _moved(labels: list[str], names: list[str]) -> list[str]:
    """The fields out of place: those outside a longest run common to both orders."""
    present = [n for n in names if n in labels]
    order = [label for label in dict.fromkeys(labels) if label in present]
    # longest common subsequence of two orders of the same names (a few dozen: quadratic is fine)
    best = [[0] * (len(order) + 1) for _ in range(len(present) + 1)]
    for i, a in enumerate(present):
        for j, b in enumerate(order):
            best[i + 1][j + 1] = best[i][j] + 1 if a == b else max(best[i][j + 1], best[i + 1][j])
    keep: set[str] = set()
    i, j = len(present), len(order)
    while i and j:
        if present[i - 1] == order[j - 1]:
            keep.add(present[i - 1])
            i, j = i - 1, j - 1
        elif best[i - 1][j] >= best[i][j - 1]:
            i -= 1
        else:
            j -= 1
    return [n for n in present if n not in keep]


def _delimiter(labels: list[str], names: list[str]) -> str | None:
    """The separator a one-column header seems to use instead of commas."""
    if len(labels) != 1:
        return None
    for sep in _OTHER_SEPARATORS:
        parts = [p.strip().strip('"') for p in labels[0].split(sep)]
        if len(parts) > 1 and sum(p in names for p in parts) * 2 >= min(len(parts), len(names)):
            return sep
    return None


def _duplicates(labels: list[str], names: list[str]) -> list[Issue]:
    seen: set[str] = set()
    out = []
    for i, label in enumerate(labels):
        if label in seen:
            out.append(
                Issue(
                    codes.DUPLICATE_LABEL,
                    f"Column {i + 1} is named {label!r}, like an earlier column; it is not checked. "
                    f"Expected each of {','.join(names)} once; rename or delete the column.",
                    line=1,
                    column=i + 1,
                    value=label,
                )
            )
        seen.add(label)
    return out


def _mismatch(header: Header, spec: TableSpec) -> Issue:
    names = list(spec.field_names)
    labels = header.labels
    detail = []
    missing = [n for n in names if n not in header.positions]
    extra = [f"{label!r} (column {i + 1})" for i, label in enumerate(labels) if label not in names]
    moved = _moved(labels, names)
    if missing:
        detail.append(f"missing {', '.join(missing)}")
    if extra:
        detail.append(f"unexpected {', '.join(extra)}")
    if moved:
        where = [f"{n} (column {header.positions[n] + 1}, expected {names.index(n) + 1})" for n in moved]
        detail.append(f"out of place: {', '.join(where)}")
    rows = (
        "Its rows were not checked."
        if header.unusable
        else "Its rows were checked against the header as it is"
        + (f", without {', '.join(missing)}." if missing else ".")
    )
    return Issue(
        codes.HEADER,
        f"The header does not match the schema of {spec.name} ({'; '.join(detail) or 'differs'}). "
        f"{rows} Expected, in this order: {','.join(names)}.",
        line=1,
        value=",".join(labels),
    )


def read_header(raw: bytes, spec: TableSpec, issues: list[Issue]) -> Header:
    """Read and check the header row; the issues found are added to ``issues``."""
    names = list(spec.field_names)
    if not raw or raw.isspace():
        issues.append(
            Issue(codes.EMPTY_FILE, f"The file is empty. Expected a header row: {','.join(names)}.", line=1)
        )
        return Header([], names, unusable="the file is empty")
    labels = _labels(raw)
    if labels is None or len(labels) > max(256, MAX_HEADER_COLUMNS * len(names)):
        what = (
            f"it has {len(labels)} columns, where the table has {len(names)}"
            if labels is not None
            else f"it is longer than {MAX_HEADER_BYTES} bytes"
        )
        issues.append(_not_a_header(names, what))
        return Header([], names, unusable=f"its first line is not a header ({what})")
    header = Header(labels, names)
    for i, label in enumerate(labels):
        if label in names:
            header.positions.setdefault(label, i)
    sep = _delimiter(labels, names)
    if sep is not None:
        issues.append(
            Issue(
                codes.DELIMITER,
                f"The header is one column, {labels[0]!r}: the file separates values with "
                f"{_OTHER_SEPARATORS[sep]}, not commas. Expected comma-separated values; save the "
                "file as CSV (comma delimited). Its rows were not checked.",
                line=1,
                value=repr(sep)[1:-1],
            )
        )
        header.unusable = f"its values are separated by {_OTHER_SEPARATORS[sep]}, not commas"
        return header
    duplicates = _duplicates(labels, names)
    issues.extend(duplicates)
    if not header.positions:
        header.unusable = "its header names none of the table's fields"
    only_duplicates = bool(duplicates) and list(dict.fromkeys(labels)) == names
    if labels != names and not only_duplicates:
        issues.append(_mismatch(header, spec))
    return header
