"""The records of a CSV file: the line each starts on, and those with the wrong number of cells.

A file whose quoted values hold no line break, and without lone carriage returns, has one record
per line ("flat"): record ``k`` starts on line ``k + 2``, and its cells are the commas on that line
plus one, counted with Arrow compute a slice of the file at a time (a line with quotes is split by
Python's csv module, since a quoted value may hold commas). Otherwise the whole file is read with
the csv module. Either way the work is one pass, and only the first ``limit`` malformed records
are kept with their cells; the rest are counted.
"""

from __future__ import annotations

import csv
import io
from array import array
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any, BinaryIO

from policydata.validate import codes
from policydata.validate.codes import Code
from policydata.validate.csv_text import BOM
from policydata.validate.model import Issue

_SLICE = 16 << 20


@dataclass
class BadRecord:
    """A record whose number of cells is not the header's."""

    record: int  # 0-based, after the header
    line: int
    cells: list[str]
    #: the problem it is: (extra-cell, None) or (missing-cell, the first field without a cell)
    kind: tuple[Code, str | None]
    #: how many cells it has (``cells`` holds the first few)
    width: int = 0


@dataclass
class Scan:
    """What a pass over (some of) the records found."""

    records: int = 0
    malformed: int = 0
    #: every malformed record (0-based, after the header), ascending
    indices: array[int] = field(default_factory=lambda: array("q"))
    examples: list[BadRecord] = field(default_factory=list)
    #: malformed records by the problem each is: (extra-cell, None) or (missing-cell, first field)
    counts: Counter[tuple[Code, str | None]] = field(default_factory=Counter)
    #: every record was scanned
    complete: bool = True

    @property
    def clearly_wrong(self) -> bool:
        """Most records have the wrong number of cells: the file is not this table's CSV."""
        return self.malformed >= 10 and self.malformed * 2 > self.records


def _cells(line: str) -> list[str]:
    """The cells of one line, as the csv module reads them (split at commas when it cannot)."""
    if '"' not in line:
        return line.split(",")
    try:
        return next(csv.reader([line]), [])
    except csv.Error:  # a value beyond the csv module's field size
        return line.split(",")


def _kind(n: int, labels: list[str], names: frozenset[str]) -> tuple[Code, str | None]:
    if n > len(labels):
        return codes.EXTRA_CELL, None
    return codes.MISSING_CELL, labels[n] if labels[n] in names else None


def line_slices(
    path: Path, start: int, budget: int | None = None, size: int = _SLICE
) -> Iterator[memoryview]:
    """The bytes of a file from ``start`` (an offset after any byte-order mark) a slice of about
    ``size`` at a time, each ending with a line break (the last one: with the file)."""
    with path.open("rb") as f:
        head = f.read(len(BOM))
        pos = start + (len(BOM) if head == BOM else 0)
        read = 0
        while budget is None or read < budget:
            f.seek(pos)
            block = f.read(size)
            if not block:
                break
            cut = block.rfind(b"\n") + 1 if len(block) == size else len(block)
            if not cut:  # a line longer than a slice: take the whole line
                rest = f.readline()
                block, cut = block + rest, len(block) + len(rest)
            # read again from the cut rather than copy what follows it: no byte is copied twice
            yield memoryview(block)[:cut]
            pos += cut
            read += cut


class Records:
    """Lines and cell counts of the records of a CSV file's bytes (``start``: after the header)."""

    def __init__(
        self, path: Path, raw: bytes, start: int, flat: bool, labels: list[str], names: frozenset[str]
    ) -> None:
        self.path = path
        self._raw: bytes | None = raw
        self.start = start
        self.head = raw[:start]  # the header row, as written
        #: one record per line
        self.flat = flat
        self.labels = labels
        self.names = names
        self._starts: array[int] | None = None
        self._full: Scan | None = None

    @property
    def raw(self) -> bytes:
        """The file's bytes (without a byte-order mark), read again if they were let go."""
        if self._raw is None:
            raw = self.path.read_bytes()
            self._raw = raw[len(BOM) :] if raw.startswith(BOM) else raw
        return self._raw

    def forget(self) -> None:
        """Let the bytes go (they are read again if a line is asked for later)."""
        self._raw = None

    def line(self, record: int) -> int:
        """1-based line where data record ``record`` (0-based, after the header) starts."""
        if self.flat:
            return record + 2
        if self._starts is None:
            self.scan(limit=0)
        assert self._starts is not None
        return self._starts[record] if record < len(self._starts) else len(self._starts) + 2

    def scan(self, limit: int, budget: int | None = None) -> Scan:
        """Find the malformed records, keeping the first ``limit``; ``budget``: bytes to read."""
        full = self._full
        if budget is None and full is not None and len(full.examples) >= min(limit, full.malformed):
            return full
        found = self._scan_lines(limit, budget) if self.flat else self._scan_csv(limit, budget)
        if budget is None:
            self._full = found
        return found

    def clean_copy(self, limit: int, target: Path) -> Scan:
        """Write the file without its malformed records to ``target`` (its header first), so that
        the parser never meets one; return what the scan found. One record per line only."""
        assert self.flat
        with target.open("wb") as out:
            out.write(self.head)
            found = self._scan_lines(limit, None, keep=out)
        self._full = found
        return found

    def _add(self, found: Scan, limit: int, record: int, line: int, cells: list[str]) -> None:
        kind = _kind(len(cells), self.labels, self.names)
        found.malformed += 1
        found.indices.append(record)
        found.counts[kind] += 1
        if len(found.examples) < limit:
            # the cells a message shows, not all of a line that may be megabytes long
            found.examples.append(
                BadRecord(record, line, [c[:200] for c in cells[: len(self.labels) + 4]], kind, len(cells))
            )

    def _slices(self, budget: int | None) -> Iterator[memoryview]:
        """The records' bytes a slice at a time, each ending with a line break (or the file): from
        the bytes held, or read from the file a slice at a time when they were let go."""
        if self._raw is not None:
            raw, pos = self._raw, self.start
            stop = len(raw) if budget is None else min(len(raw), self.start + budget)
            while pos < stop:
                end = raw.find(b"\n", min(pos + _SLICE, stop))
                end = len(raw) if end < 0 else end + 1
                yield memoryview(raw)[pos:end]
                pos = end
            return
        yield from line_slices(self.path, self.start, budget)

    def _scan_lines(self, limit: int, budget: int | None, keep: BinaryIO | None = None) -> Scan:
        pa: Any = import_module("pyarrow")
        pc: Any = import_module("pyarrow.compute")

        found, covered = Scan(), 0
        for piece in self._slices(budget):
            covered += len(piece)
            # the slice as one binary value, without a copy
            value = pa.Array.from_buffers(
                pa.large_binary(), 1, [None, pa.py_buffer(array("q", [0, len(piece)])), pa.py_buffer(piece)]
            )
            lines = pc.split_pattern(value, pattern=b"\n").flatten()
            if piece[-1:].tobytes() == b"\n":
                lines = lines.slice(0, len(lines) - 1)  # the empty piece after the last line break
            commas = pc.count_substring(lines, pattern=",")
            blank = pc.is_in(lines, value_set=pa.array([b"", b"\r"], pa.large_binary()))
            bad = pc.and_(pc.not_equal(commas, len(self.labels) - 1), pc.invert(blank))
            quoted = pc.match_substring(lines, pattern='"')
            # a line with quotes may hold commas inside a value: the csv module splits those
            look = pc.or_(bad, quoted) if pc.any(quoted).as_py() else bad
            malformed: list[int] = []
            if pc.any(look).as_py():
                at = pc.indices_nonzero(look)
                texts = [b.decode("utf-8").rstrip("\r") for b in pc.take(lines, at).to_pylist()]
                for i, text in zip(at.to_pylist(), texts, strict=True):
                    cells = _cells(text)
                    if len(cells) != len(self.labels):
                        self._add(found, limit, found.records + i, found.records + i + 2, cells)
                        malformed.append(i)
            if keep is not None:
                _keep_lines(piece, lines, malformed, keep)
            found.records += len(lines)
        found.complete = budget is None or (self._raw is not None and self.start + covered >= len(self._raw))
        return found

    def _scan_csv(self, limit: int, budget: int | None) -> Scan:
        body = self.raw if budget is None else self.raw[: self.start + budget]
        reader = csv.reader(io.TextIOWrapper(io.BytesIO(body), encoding="utf-8", newline=""))
        starts: array[int] = array("q")
        found, begin = Scan(), 1
        try:
            for k, row in enumerate(reader):
                if k:  # record 0 is the header
                    starts.append(begin)
                    if len(row) not in (0, len(self.labels)):
                        self._add(found, limit, k - 1, begin, row)
                begin = reader.line_num + 1
        except csv.Error:
            found.complete = False
        found.records = len(starts)
        found.complete = found.complete and len(body) == len(self.raw)
        if budget is None:
            self._starts = starts
        return found


def not_listed(found: Scan) -> dict[tuple[Code, str | None], int]:
    """The malformed records beyond the examples, by the problem each is."""
    rest = Counter(found.counts)
    for bad in found.examples:
        rest[bad.kind] -= 1
    return {k: n for k, n in rest.items() if n > 0}


def _keep_lines(piece: memoryview, lines: Any, malformed: list[int], out: BinaryIO) -> None:
    """Write a slice of the file without its malformed lines."""
    pc: Any = import_module("pyarrow.compute")

    if not malformed:
        out.write(piece)
        return
    # where each line ends in the slice, its line break included
    ends = pc.cumulative_sum(pc.add(pc.binary_length(lines), 1)).to_pylist()
    prev = 0
    for i in malformed:
        start = ends[i - 1] if i else 0
        out.write(piece[prev:start])
        prev = ends[i]
    out.write(piece[prev:])


def malformed_issues(found: Scan, labels: list[str]) -> list[Issue]:
    """One issue per malformed record (the first ones: the others are counted in ``found``)."""
    width = len(labels)
    out = []
    for bad in found.examples:
        n = bad.width or len(bad.cells)
        code, first = bad.kind
        if code is codes.EXTRA_CELL:
            extra = bad.cells[width:]
            shown = ", ".join(repr(c) for c in extra[:3]) + (", ..." if len(extra) > 3 else "")
            message = (
                f"The row has {n} cells; expected {width}. Cells {width + 1} to {n} ({shown}) have no "
                "column: quote values that contain commas, or remove the extra separators."
                if n > width + 1
                else f"The row has {n} cells; expected {width}. Cell {n} ({shown}) has no column: quote "
                "values that contain commas, or remove the extra separator."
            )
            out.append(Issue(code, message, row=bad.record, line=bad.line, column=width + 1, value=extra[0]))
        else:
            lacking = labels[n:]
            message = (
                f"The row has {n} cells; expected {width}. There is no cell for "
                f"{', '.join(lacking)}: add the separators (an empty value is written ',,')."
            )
            out.append(Issue(code, message, row=bad.record, line=bad.line, field=first, column=n + 1))
    return out
