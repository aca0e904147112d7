"""Coverage: whether an event's product lists cover a tariff line on a day, decided per line.

Each decision has a scalar form (one line; used by :func:`~policydata.tariffs.rate_stack`, no numpy)
and a vectorised form (every line of a :class:`LineTable` at once; used by the timeline and the
panel), side by side; ``tests/test_tariffs_engine.py`` checks that they agree on every line.

A decision is an ``int`` *cover code*: the level in the low two bits (:data:`NO`, :data:`YES`,
:data:`MAYBE`, or :data:`OWN_EXCLUDED` for a line its event's own exclusion list takes out) and
:class:`Reason` flags above them saying why coverage is unknown, or what is noted.

How a line is matched. A list row matches a line when the row's code is a prefix of the line's
code, in the edition the row was published in (codes are never converted). A row finer than the
line (a statistical line under an HTS8 question the data cannot split) makes coverage unknown
(``code-partly-listed``). Where a list's rows are carried across editions the data does not cover
(see :mod:`policydata.tariffs.events`), a code that the next snapshot names and the carried rows
lack may be covered (``edition-not-covered``). A line that is not a line of the edition in force
(a question's code) may be covered by any list that does not name it (``code-not-in-edition``).
A row of scope ``described-goods`` covers only the goods it describes (``described-goods``).
"""

from __future__ import annotations

import bisect
import enum
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from policydata.tariffs.events import Event, Index, ProductList

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

NO: Final = 0
YES: Final = 1
MAYBE: Final = 2
#: the line is taken out of the event by the event's own exclusion list (whole line)
OWN_EXCLUDED: Final = 3
LEVEL: Final = 3
#: the lengths at which list codes are matched (HS chapters to HTS statistical lines)
LENGTHS: Final = (2, 4, 6, 8, 10)


class Reason(enum.StrEnum):
    """Why a layer's coverage or count is unknown, or what is noted about it (stable codes)."""

    LIST_NOT_ENCODED = "list-not-encoded"
    EDITION_NOT_COVERED = "edition-not-covered"
    CODE_NOT_IN_EDITION = "code-not-in-edition"
    DESCRIBED_GOODS = "described-goods"
    CODE_PARTLY_LISTED = "code-partly-listed"
    EXPORTER_SPECIFIC = "exporter-specific"
    METAL_CONTENT_SHARE = "metal-content-share"
    DISPLACED_IF = "displaced-if"
    HEADING_GROUP = "heading-group"
    SHIPMENT_MODE = "shipment-mode"
    # noted on a layer, never counted (relief for goods described below the line)
    EXCEPTION_DESCRIBED_GOODS = "exception-described-goods"
    EXCLUSION_DESCRIBED_GOODS = "exclusion-described-goods"
    EXCLUSION_NOT_ENCODED = "exclusion-list-not-encoded"


#: what each reason means, for documentation and text output
REASON_DOC: Final = {
    Reason.LIST_NOT_ENCODED: "the event's product list is not encoded",
    Reason.EDITION_NOT_COVERED: "the list is known only in another edition of the nomenclature on this day",
    Reason.CODE_NOT_IN_EDITION: "the code is not a line of the edition in force on this day",
    Reason.DESCRIBED_GOODS: "the list covers only the goods it describes under this code",
    Reason.CODE_PARTLY_LISTED: "the list names lines below this code, not all of it",
    Reason.EXPORTER_SPECIFIC: "the rate applies to one exporter's goods",
    Reason.METAL_CONTENT_SHARE: "the split between the Section 232 duty (metal content) and the other duty "
    "depends on the metal content, which the data lacks",
    Reason.DISPLACED_IF: "does not apply if a layer that may apply does",
    Reason.HEADING_GROUP: "the events of one heading have different rates and the data does not say "
    "which group holds the line",
    Reason.SHIPMENT_MODE: "applies instead of every other duty to goods shipped a certain way "
    "(postal shipments)",
    Reason.EXCEPTION_DESCRIBED_GOODS: "goods described below the line are excepted (noted, not counted)",
    Reason.EXCLUSION_DESCRIBED_GOODS: "goods described below the line are excluded (noted, not counted)",
    Reason.EXCLUSION_NOT_ENCODED: "an exclusion whose product list is not encoded may cover goods of the "
    "line (noted, not counted)",
}
_BIT: Final = {reason: 1 << (i + 2) for i, reason in enumerate(Reason)}
#: a line the event's tariff_event_products names (which event of a shared heading holds it)
ATTRIBUTED: Final = 1 << (len(Reason) + 2)
#: with level NO: the line is on an exception list of the (all-except-listed) event
EXCEPTED: Final = 1 << (len(Reason) + 3)
#: reasons that are noted on a layer and never change a total
NOTED: Final = frozenset(
    {Reason.EXCEPTION_DESCRIBED_GOODS, Reason.EXCLUSION_DESCRIBED_GOODS, Reason.EXCLUSION_NOT_ENCODED}
)


def bit(reason: Reason) -> int:
    return _BIT[reason]


def level(code: int) -> int:
    return code & LEVEL


def reasons(code: int) -> frozenset[Reason]:
    return frozenset(r for r, b in _BIT.items() if code & b)


@dataclass(frozen=True, slots=True)
class Line:
    """A tariff line a question is answered for.

    ``rest`` marks the statistical lines of an HTS8 line that no list names one by one (when some
    are named, those are lines of their own); ``unknown`` marks a question's code that is not a line
    of the edition in force (coverage by lists that do not name it is then unknown).
    """

    code: str
    rest: bool = False
    unknown: bool = False
    #: for an ``unknown`` line that is a line of another edition: that edition's HS basis (lists
    #: whose rows are in that basis still decide its membership)
    basis: str | None = None

    @property
    def limit(self) -> int:
        """Longest list code that can match this line."""
        return 8 if self.rest else len(self.code)


# --- scalar form --------------------------------------------------------------------------------


@functools.cache
def _under(lst: ProductList) -> dict[str, tuple[int, ...]]:
    """Row positions of a list by every proper prefix of their code (for coarser lines)."""
    out: dict[str, list[int]] = {}
    for i, code in enumerate(lst.columns[0]):
        for n in range(0, len(code), 2):
            out.setdefault(code[:n], []).append(i)
    return {k: tuple(v) for k, v in out.items()}


def list_level(lst: ProductList, line: Line, day: int) -> int:
    """Scalar: membership of ``line`` in ``lst`` on ``day`` (ordinal), as a cover code."""
    _, _, starts, stops, described = lst.columns
    found = NO
    for n in LENGTHS:
        if n > line.limit:
            break
        for i in lst.by_code.get(line.code[:n], ()):
            if starts[i] <= day < stops[i]:
                if not described[i]:
                    return YES
                found |= MAYBE | bit(Reason.DESCRIBED_GOODS)
    coarse = not line.rest and line.code in lst.proper_prefixes
    if coarse and any(starts[i] <= day < stops[i] for i in _under(lst).get(line.code, ())):
        found |= MAYBE | bit(Reason.CODE_PARTLY_LISTED)
    if found == NO:
        gap = lst.gap_on(day)
        if gap is not None and _names(gap.successors, line):
            found = MAYBE | bit(Reason.EDITION_NOT_COVERED)
    if found == NO and line.unknown and (line.basis is None or line.basis not in lst.bases_on(day)):
        found = MAYBE | bit(Reason.CODE_NOT_IN_EDITION)
    return found


def _names(codes: Iterable[str], line: Line) -> bool:
    """Whether some code matches ``line`` fully or partly."""
    return any(
        (line.code.startswith(c) and len(c) <= line.limit) or (not line.rest and c.startswith(line.code))
        for c in codes
    )


def _legacy(codes: Sequence[str], line: Line) -> int:
    """Membership by ``tariff_event_products`` (events without product lists)."""
    if any(line.code.startswith(c) and len(c) <= line.limit for c in codes):
        return YES
    if not line.rest and any(c.startswith(line.code) for c in codes):
        return MAYBE | bit(Reason.CODE_PARTLY_LISTED)
    return NO


def _union(codes: Iterable[int]) -> int:
    out = NO
    for code in codes:
        if level(code) == YES:
            return YES
        out |= code
    return out


def _invert(code: int) -> int:
    """An exception list's membership turned into the coverage of the duty it excepts from."""
    if level(code) == YES:
        return NO | EXCEPTED
    if code == NO:
        return YES
    if reasons(code) == {Reason.DESCRIBED_GOODS}:
        # relief for described goods below the line: the duty covers the line, the exception is noted
        return YES | bit(Reason.EXCEPTION_DESCRIBED_GOODS)
    return (code & ~bit(Reason.DESCRIBED_GOODS)) | MAYBE


def _kinds(index: Index, event: Event, *kinds: str) -> list[ProductList]:
    return [index.lists[i] for i in event.lists if i in index.lists and index.lists[i].kind in kinds]


def event_level(index: Index, event: Event, line: Line, day: int) -> int:
    """Scalar: coverage of ``line`` by ``event`` on ``day`` (ordinal), as a cover code.

    For an exclusion event (``combines`` excludes) the code says whether it takes the line out:
    :data:`YES` for a whole line; described goods and unencoded lists are noted.
    """
    attributed = ATTRIBUTED if event.codes and level(_legacy(event.codes, line)) != NO else 0
    if event.combines == "excludes":
        return _exclusion(index, event, line, day)
    if event.coverage == "not-applicable":
        return NO
    if event.coverage == "all-goods":
        code = YES
    elif event.coverage == "listed-products":
        products = _kinds(index, event, "products")
        if products:
            code = _union(list_level(lst, line, day) for lst in products)
        elif event.codes and event.encoded:
            code = _legacy(event.codes, line)
        else:
            code = MAYBE | bit(Reason.LIST_NOT_ENCODED)
    else:  # all-except-listed
        exceptions = _kinds(index, event, "exceptions")
        if exceptions:
            code = _invert(_union(list_level(lst, line, day) for lst in exceptions))
        elif event.codes and event.encoded:
            code = _invert(_legacy(event.codes, line))
        else:
            code = YES if event.encoded else MAYBE | bit(Reason.LIST_NOT_ENCODED)
    if level(code) == NO:
        return code & EXCEPTED
    own = _kinds(index, event, "exclusions")
    if own:
        taken = _union(list_level(lst, line, day) for lst in own)
        if level(taken) == YES:
            return OWN_EXCLUDED | attributed
        if level(taken) == MAYBE:
            code |= bit(Reason.EXCLUSION_DESCRIBED_GOODS)
    return code | attributed


def _exclusion(index: Index, event: Event, line: Line, day: int) -> int:
    lists = [index.lists[i] for i in event.lists if i in index.lists]
    if lists:
        taken = _union(list_level(lst, line, day) for lst in lists)
    elif event.codes and event.encoded:
        taken = _legacy(event.codes, line)
    else:
        return MAYBE | bit(Reason.EXCLUSION_NOT_ENCODED)
    if level(taken) == MAYBE:
        return MAYBE | bit(Reason.EXCLUSION_DESCRIBED_GOODS)
    return taken


# --- vectorised form ----------------------------------------------------------------------------


class LineTable:
    """Many lines, indexed so that a list's rows are matched to them in one pass."""

    def __init__(self, lines: Sequence[Line], window: tuple[int, int] | None = None) -> None:
        import numpy as np

        self.lines = tuple(lines)
        self.window = window  # only list rows valid at some time in [first, stop) are matched
        self.n = len(self.lines)
        self.unknown = np.array([line.unknown for line in self.lines], dtype=bool)
        bases = [line.basis or "" for line in self.lines]
        self.bases = np.array(bases, dtype=object) if any(bases) else None
        # lines sorted by code: the lines a list code is a prefix of are one run of this order
        self._order = sorted(range(self.n), key=lambda i: self.lines[i].code)
        self._keys = [self.lines[i].code for i in self._order]
        self._limits = [line.limit for line in self.lines]
        self._exact: dict[str, list[int]] = {}
        for i, line in enumerate(self.lines):
            if not line.rest:
                self._exact.setdefault(line.code, []).append(i)
        self._matches: dict[tuple[str, ...], _Matches] = {}

    def match(self, codes: Sequence[str]) -> tuple[list[int], list[int], list[int]]:
        """(code index, line index, partial) for every line each code matches (the rules of
        :func:`list_level`: a code of a length in LENGTHS that begins the line's code, or a code the
        line's code is a proper even-length prefix of)."""
        rows, lines, partial = [], [], []
        keys, order, limits = self._keys, self._order, self._limits
        for i, code in enumerate(codes):
            if len(code) in LENGTHS:
                lo = bisect.bisect_left(keys, code)
                hi = bisect.bisect_left(keys, code + "\uffff")
                for k in range(lo, hi):
                    j = order[k]
                    if len(code) <= limits[j]:
                        rows.append(i)
                        lines.append(j)
                        partial.append(0)
            for n in range(0, len(code), 2):
                for j in self._exact.get(code[:n], ()):
                    rows.append(i)
                    lines.append(j)
                    partial.append(1)
        return rows, lines, partial

    def matches(self, lst: ProductList) -> _Matches:
        key = (lst.list_id,)
        if key not in self._matches:
            self._matches[key] = _Matches.of(self, lst)
        return self._matches[key]

    def legacy(self, codes: tuple[str, ...]) -> npt.NDArray[np.int32]:
        key = ("legacy", *codes)
        if key not in self._matches:
            self._matches[key] = _Matches.of_codes(self, codes)
        return self._matches[key].levels(0)


@dataclass(frozen=True)
class _Matches:
    """A list's rows matched to a table's lines: one entry per (row, line) pair."""

    table: LineTable
    lst: ProductList | None
    start: npt.NDArray[np.int64]
    stop: npt.NDArray[np.int64]
    line: npt.NDArray[np.intp]
    value: npt.NDArray[np.int32]  # the cover code a valid row gives its line
    gaps: tuple[tuple[int, int, npt.NDArray[np.intp]], ...]

    @classmethod
    def of(cls, table: LineTable, lst: ProductList) -> _Matches:
        import numpy as np

        kept = lst.rows
        if table.window is not None:
            first, stop = table.window
            kept = tuple(row for row in kept if row.start < stop and first < row.stop)
        rows, lines, partial = table.match([r.code for r in kept])
        r = np.asarray(rows, dtype=np.intp)
        starts = np.array([row.start for row in kept], dtype=np.int64)
        stops = np.array([row.stop for row in kept], dtype=np.int64)
        described = np.array([row.described for row in kept], dtype=bool)
        value = np.where(
            np.asarray(partial, dtype=bool),
            MAYBE | bit(Reason.CODE_PARTLY_LISTED),
            np.where(described[r], MAYBE | bit(Reason.DESCRIBED_GOODS), YES),
        ).astype(np.int32)
        gaps = []
        for gap in lst.gaps:
            _, g_lines, _ = table.match(sorted(gap.successors))
            gaps.append((gap.start, gap.stop, np.unique(np.asarray(g_lines, dtype=np.intp))))
        return cls(table, lst, starts[r], stops[r], np.asarray(lines, dtype=np.intp), value, tuple(gaps))

    @classmethod
    def of_codes(cls, table: LineTable, codes: Sequence[str]) -> _Matches:
        import numpy as np

        _, lines, partial = table.match(codes)
        value = np.where(np.asarray(partial, dtype=bool), MAYBE | bit(Reason.CODE_PARTLY_LISTED), YES)
        n = len(lines)
        return cls(
            table,
            None,
            np.zeros(n, np.int64),
            np.full(n, 2**62, np.int64),
            np.asarray(lines, dtype=np.intp),
            value.astype(np.int32),
            (),
        )

    def levels(self, day: int) -> npt.NDArray[np.int32]:
        """Vectorised :func:`list_level`: the cover code of every line of the table on ``day``."""
        import numpy as np

        out = np.zeros(self.table.n, dtype=np.int32)
        valid = (self.start <= day) & (day < self.stop)
        maybe = valid & (self.value != YES)
        np.bitwise_or.at(out, self.line[maybe], self.value[maybe])
        out[self.line[valid & (self.value == YES)]] = YES
        for start, stop, lines in self.gaps:
            if start <= day < stop:
                hit = np.zeros(self.table.n, dtype=bool)
                hit[lines] = True
                out[hit & (out == NO)] = MAYBE | bit(Reason.EDITION_NOT_COVERED)
        if self.lst is None:
            return out  # tariff_event_products name codes of no edition: no "not in edition" doubt
        unknown = self.table.unknown
        if self.table.bases is not None:
            here = self.lst.bases_on(day)
            unknown = unknown & ~np.isin(self.table.bases, [b for b in here if b is not None])
        out[unknown & (out == NO)] = MAYBE | bit(Reason.CODE_NOT_IN_EDITION)
        return out


def _union_many(codes: list[npt.NDArray[np.int32]], n: int) -> npt.NDArray[np.int32]:
    import numpy as np

    out = np.zeros(n, dtype=np.int32)
    yes = np.zeros(n, dtype=bool)
    for code in codes:
        yes |= (code & LEVEL) == YES
        out |= np.where((code & LEVEL) == YES, 0, code)
    out[yes] = YES
    return out


def _invert_many(code: npt.NDArray[np.int32]) -> npt.NDArray[np.int32]:
    import numpy as np

    described_only = code == (MAYBE | bit(Reason.DESCRIBED_GOODS))
    other = (code & ~bit(Reason.DESCRIBED_GOODS)) | MAYBE
    out = np.where(code == NO, YES, np.where((code & LEVEL) == YES, NO | EXCEPTED, other))
    out = np.where(described_only, YES | bit(Reason.EXCEPTION_DESCRIBED_GOODS), out)
    return out.astype(np.int32)


def event_levels(index: Index, event: Event, table: LineTable, day: int) -> npt.NDArray[np.int32]:
    """Vectorised :func:`event_level`: the cover code of every line of ``table`` on ``day``."""
    import numpy as np

    n = table.n
    attributed = np.zeros(n, dtype=np.int32)
    if event.codes:
        attributed = np.where(table.legacy(event.codes) != NO, ATTRIBUTED, 0).astype(np.int32)
    if event.combines == "excludes":
        return _exclusions(index, event, table, day)
    if event.coverage == "not-applicable":
        return np.zeros(n, dtype=np.int32)
    if event.coverage == "all-goods":
        code = np.full(n, YES, dtype=np.int32)
    elif event.coverage == "listed-products":
        products = _kinds(index, event, "products")
        if products:
            code = _union_many([table.matches(lst).levels(day) for lst in products], n)
        elif event.codes and event.encoded:
            code = table.legacy(event.codes)
        else:
            code = np.full(n, MAYBE | bit(Reason.LIST_NOT_ENCODED), dtype=np.int32)
    else:
        exceptions = _kinds(index, event, "exceptions")
        if exceptions:
            code = _invert_many(_union_many([table.matches(lst).levels(day) for lst in exceptions], n))
        elif event.codes and event.encoded:
            code = _invert_many(table.legacy(event.codes))
        else:
            value = YES if event.encoded else MAYBE | bit(Reason.LIST_NOT_ENCODED)
            code = np.full(n, value, dtype=np.int32)
    covered = (code & LEVEL) != NO
    own = _kinds(index, event, "exclusions")
    if own:
        taken = _union_many([table.matches(lst).levels(day) for lst in own], n)
        code = np.where(
            covered & ((taken & LEVEL) == MAYBE), code | bit(Reason.EXCLUSION_DESCRIBED_GOODS), code
        )
        code = np.where(covered & ((taken & LEVEL) == YES), OWN_EXCLUDED, code).astype(np.int32)
    return np.where(covered, code | attributed, code & EXCEPTED).astype(np.int32)


def _exclusions(index: Index, event: Event, table: LineTable, day: int) -> npt.NDArray[np.int32]:
    import numpy as np

    lists = [index.lists[i] for i in event.lists if i in index.lists]
    if lists:
        taken = _union_many([table.matches(lst).levels(day) for lst in lists], table.n)
    elif event.codes and event.encoded:
        taken = table.legacy(event.codes)
    else:
        return np.full(table.n, MAYBE | bit(Reason.EXCLUSION_NOT_ENCODED), dtype=np.int32)
    return np.where((taken & LEVEL) == MAYBE, MAYBE | bit(Reason.EXCLUSION_DESCRIBED_GOODS), taken).astype(
        np.int32
    )
