"""The engine: the layers of one line on one day, the readings consistent with the data, and totals.

Given the cover codes of the events in force on a day (:mod:`policydata.tariffs.coverage`), the
engine builds every *reading* consistent with the data: each layer whose coverage is unknown
applies or does not; of the exporter-specific rates of one measure exactly one applies; the
stacking rules (:mod:`policydata.tariffs.rules`) then take displaced layers out. The *sure* total
is the lowest total of any reading (the duty every reading pays), the *upper* total the highest
total of a single reading: layers that exclude each other are never added up.

Exclusions and exceptions for goods described below the line are noted on the layer and do not
enter a total (they concern particular products, not the line); an exclusion that covers the whole
line takes the layer out. A duty that applies *instead* of every other one and only may apply
(the postal duty: it turns on how goods are shipped, which a tariff line does not tell) is listed
beside the totals, not in them.

:func:`run` evaluates many lines over a window at once: it cuts the window where any event, list
row or gap starts or ends, computes the cover codes of every line per piece (vectorised), and
evaluates each distinct combination once.
"""

from __future__ import annotations

import bisect
import functools
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, TypeAlias

from policydata.tariffs import coverage as cov
from policydata.tariffs import rules
from policydata.tariffs.coverage import (
    ATTRIBUTED,
    EXCEPTED,
    LEVEL,
    MAYBE,
    NO,
    NOTED,
    OWN_EXCLUDED,
    YES,
    Reason,
)
from policydata.tariffs.events import OPEN, Event, Index, Pair, ProductList

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

Status: TypeAlias = Literal["applies", "may apply", "does not apply", "excluded"]
APPLIES: Status = "applies"
MAY: Status = "may apply"
NOT: Status = "does not apply"
EXCLUDED: Status = "excluded"
#: doubts about a line's membership of a list that lists naming no common line cannot both resolve to "on"
_MEMBERSHIP_DOUBTS = frozenset({Reason.EDITION_NOT_COVERED, Reason.CODE_NOT_IN_EDITION})
#: readings beyond this many are not enumerated one by one (the bounds then come from each
#: layer alone); no line of the real data comes close
MAX_READINGS = 1 << 14


@dataclass(frozen=True, slots=True)
class LayerState:
    """What one event does for one line on one day.

    ``by`` names the events (or, for an event's own exclusion list, the lists) that exclude or
    displace it; ``rules`` the rules by which it is displaced in some reading.
    """

    event_id: str
    status: Status
    reasons: frozenset[Reason]
    by: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    instead: bool = False


@dataclass(frozen=True, slots=True)
class Outcome:
    """The layers and totals of one line on one day."""

    sure: float
    upper: float
    layers: tuple[LayerState, ...]


def _round(value: float) -> float:
    # rates such as 7.5 and 2.5 add exactly in binary, others (17.4) may not: round the noise away
    return round(value, 6)


def exporter_matches(asked: str, exporter: str) -> bool:
    """Whether an ``exporter`` argument names an event's exporter (case-insensitive part of it)."""
    return asked.strip().casefold() in exporter.casefold()


@dataclass
class Engine:
    """One direction's events with their families and bounds, and a memo of evaluations."""

    index: Index
    pair: Pair
    families: Mapping[str, rules.Family] = field(init=False)
    instead: frozenset[str] = field(init=False)
    memo: dict[tuple[object, ...], Outcome] = field(default_factory=dict, init=False)
    _active: dict[int, tuple[Event, ...]] = field(default_factory=dict, init=False)
    _names: dict[tuple[object, ...], frozenset[str]] = field(default_factory=dict, init=False)
    _interned: dict[frozenset[str], frozenset[str]] = field(default_factory=dict, init=False)
    _disjoint: dict[tuple[int, int], bool] = field(default_factory=dict, init=False)
    _prefix_sets: dict[int, tuple[frozenset[str], frozenset[str]]] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self.families = rules.families(self.pair, self.index)
        roots = {self.pair.layer_of[e.event_id] for e in self.pair.events.values() if e.combines == "instead"}
        self.instead = frozenset(
            e.event_id for e in self.pair.nodes if self.pair.layer_of[e.event_id] in roots
        )

    def active(self, day: int) -> tuple[Event, ...]:
        """Rate events and exclusions in force on ``day``."""
        found = self._active.get(day)
        if found is None:
            events = (*self.pair.nodes, *self.pair.exclusion_events)
            found = self._active[day] = tuple(e for e in events if e.in_force(day))
        return found

    def bounds(self, lists: Iterable[str] | None = None) -> list[int]:
        """Every day on which an event, a row of a list it uses, or a gap starts or ends."""
        found: set[int] = set()
        for e in (*self.pair.nodes, *self.pair.exclusion_events):
            found.update((e.start, e.stop))
        for list_id in self.pair.list_ids if lists is None else lists:
            lst = self.index.lists.get(list_id)
            if lst is None:
                continue
            for row in lst.rows:
                found.update((row.start, row.stop))
            for gap in lst.gaps:
                found.update((gap.start, gap.stop))
        found.discard(OPEN)
        return sorted(found)

    def disjoint(self, a: str, b: str, day: int) -> bool:
        """Whether the product lists of events ``a`` and ``b`` name no common line on ``day``
        (counting the successors a gap makes doubtful)."""
        first, second = (self._named(a, day), self._named(b, day))
        if first is None or second is None:
            return False
        key = (id(first), id(second))
        if key not in self._disjoint:
            small, big = sorted((first, second), key=len)
            prefixes = self._prefixes(big)
            hit = any(c in prefixes or any(c[:n] in big for n in range(2, len(c))) for c in small)
            self._disjoint[key] = not hit
        return self._disjoint[key]

    def _named(self, event_id: str, day: int) -> frozenset[str] | None:
        """The codes an event's product lists name on ``day`` (one object per distinct set)."""
        event = self.pair.events[event_id]
        lists = [self.index.lists[i] for i in event.lists if i in self.index.lists]
        products = [lst for lst in lists if lst.kind == "products"]
        if not products:
            return None
        key = (event_id, *(bisect.bisect_right(_cuts(lst), day) for lst in products))
        if key not in self._names:
            found: set[str] = set()
            for lst in products:
                codes, _, starts, stops, _ = lst.columns
                found.update(c for c, a, z in zip(codes, starts, stops, strict=True) if a <= day < z)
                gap = lst.gap_on(day)
                if gap is not None and gap.snapshot:
                    found.update(gap.successors)
            named = frozenset(found)
            self._names[key] = self._interned.setdefault(named, named)
        return self._names[key]

    def _prefixes(self, codes: frozenset[str]) -> frozenset[str]:
        key = id(codes)
        if key not in self._prefix_sets:
            self._prefix_sets[key] = (codes, frozenset(c[:n] for c in codes for n in range(2, len(c) + 1)))
        return self._prefix_sets[key][1]

    def codes(self, line: cov.Line, day: int) -> dict[str, int]:
        """Scalar cover codes of every event in force on ``day`` for ``line``."""
        return {e.event_id: cov.event_level(self.index, e, line, day) for e in self.active(day)}

    def evaluate(self, day: int, codes: Mapping[str, int], exporter: str | None = None) -> Outcome:
        """The outcome of one line on ``day`` whose events have the cover codes ``codes``."""
        active = self.active(day)
        key = (tuple(e.event_id for e in active), tuple(codes.get(e.event_id, NO) for e in active), exporter)
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = _Evaluation(self, day, codes, exporter).outcome()
        return found


class _Evaluation:
    """One evaluation: candidates, dropped duplicates, exclusive groups, readings."""

    def __init__(self, engine: Engine, day: int, codes: Mapping[str, int], exporter: str | None) -> None:
        self.engine, self.pair, self.day, self.codes = engine, engine.pair, day, codes
        self.states: dict[str, LayerState] = {}
        self.cands: dict[str, Event] = {}
        self.noted: dict[str, frozenset[Reason]] = {}
        self.groups: list[tuple[list[str], Reason | None]] = []
        self._collect(exporter)
        self._one_heading()
        exporters = sorted(i for i, e in self.cands.items() if e.exporter is not None)
        # without an exporter, one of the exporters' rates applies; an exporter named by several
        # rates in force (a group and its member) leaves those as alternatives
        if exporters and (exporter is None or len(exporters) > 1):
            self.groups.append((exporters, Reason.EXPORTER_SPECIFIC))
        self._disjoint_lists()

    def _disjoint_lists(self) -> None:
        """Events whose lists name no common line on the day exclude each other for a line whose
        membership is unknown (a code of another edition): it is on at most one of them."""
        grouped = {g for members, _ in self.groups for g in members}
        doubtful = [
            i
            for i in sorted(self.cands)
            if i not in grouped
            and self.codes[i] & LEVEL == MAYBE
            and cov.reasons(self.codes[i]) - NOTED <= _MEMBERSHIP_DOUBTS
        ]
        clusters: list[list[str]] = []
        for i in doubtful:
            home = next((c for c in clusters if all(self.engine.disjoint(i, j, self.day) for j in c)), None)
            if home is None:
                clusters.append([i])
            else:
                home.append(i)
        self.groups += [(c, None) for c in clusters if len(c) > 1]

    def _collect(self, exporter: str | None) -> None:
        for e in self.engine.active(self.day):
            if e.combines == "excludes":
                continue
            code = self.codes.get(e.event_id, NO)
            if code & LEVEL == NO:
                if code & EXCEPTED:
                    lists = tuple(i for i in e.lists if self.engine.index.lists[i].kind == "exceptions")
                    by = lists or e.codes[:1]
                    self.states[e.event_id] = LayerState(
                        e.event_id, NOT, frozenset(), by=by, rules=(rules.EXCEPTED,)
                    )
                continue
            if e.exporter is not None and exporter is not None and not exporter_matches(exporter, e.exporter):
                continue
            noted = cov.reasons(code) & NOTED
            if code & LEVEL == OWN_EXCLUDED:
                own = tuple(i for i in e.lists if self.engine.index.lists[i].kind == "exclusions")
                self.states[e.event_id] = LayerState(e.event_id, EXCLUDED, noted, by=own)
                continue
            excluded_by = None
            for x in self.pair.exclusions.get(self.pair.layer_of[e.event_id], ()):
                if not x.in_force(self.day):
                    continue
                x_code = self.codes.get(x.event_id, NO)
                if x_code & LEVEL == YES:
                    excluded_by = x.event_id
                    break
                noted |= cov.reasons(x_code) & NOTED
            if excluded_by is not None:
                self.states[e.event_id] = LayerState(e.event_id, EXCLUDED, noted, by=(excluded_by,))
            elif e.event_id in self.engine.instead and code & LEVEL == MAYBE:
                why = (cov.reasons(code) - NOTED) | {Reason.SHIPMENT_MODE} | noted
                self.states[e.event_id] = LayerState(e.event_id, MAY, why, instead=True)
            else:
                self.cands[e.event_id] = e
                self.noted[e.event_id] = noted

    def _one_heading(self) -> None:
        """Events sharing a product list (or a heading, at one rate) count once (rules.ONE_HEADING).

        The group that holds the line is the one whose ``tariff_event_products`` names it; else any
        group that names no products of its own (groups that name other products hold those).
        """
        seen: set[str] = set()
        for event_id in sorted(self.cands):
            group = sorted({event_id} | (self.pair.groups.get(event_id, frozenset()) & self.cands.keys()))
            if len(group) < 2 or event_id in seen:
                continue
            seen.update(group)
            attributed = [g for g in group if self.codes[g] & ATTRIBUTED]
            pool = attributed or [g for g in group if not self.cands[g].codes] or group
            pool = sorted(pool, key=lambda g: (self.codes[g] & LEVEL != YES, g))
            for g in group:
                if g not in pool:
                    self._drop(g, pool)
            if len({self.cands[g].rate for g in pool}) > 1:
                self.groups.append((pool, Reason.HEADING_GROUP))
                continue
            for g in pool[1:]:
                self._drop(g, pool[:1])
            if len(pool) > 1:
                # one duty whichever group holds the line: noted on the one counted
                self.noted[pool[0]] = self.noted[pool[0]] | {Reason.HEADING_GROUP}

    def _drop(self, event_id: str, kept: Sequence[str]) -> None:
        del self.cands[event_id]
        self.states[event_id] = LayerState(
            event_id, NOT, self.noted.pop(event_id), by=tuple(kept), rules=(rules.ONE_HEADING,)
        )

    def _edges(self) -> tuple[list[str], dict[str, list[tuple[str, str]]]]:
        """The candidates in an order where winners come before those they displace, and the edges."""
        ids = sorted(self.cands, key=lambda i: (self.cands[i].start, i))
        out: dict[str, list[tuple[str, str]]] = {i: [] for i in ids}
        incoming = dict.fromkeys(ids, 0)
        for w, lo in itertools.permutations(ids, 2):
            sure_instead = w in self.engine.instead and self.codes[w] & LEVEL == YES
            rule = (
                rules.INSTEAD
                if sure_instead
                else rules.displaces(self.cands[w], self.cands[lo], self.engine.families, self.pair)
            )
            if rule is not None:
                out[w].append((lo, rule))
                incoming[lo] += 1
        order, ready = [], [i for i in ids if incoming[i] == 0]
        while ready:
            u = ready.pop(0)
            order.append(u)
            for v, _ in out[u]:
                incoming[v] -= 1
                if incoming[v] == 0:
                    ready.append(v)
        order += [i for i in ids if i not in order]  # a cycle (none expected): keep date order
        return order, out

    def _choices(
        self, edges: Mapping[str, list[tuple[str, str]]]
    ) -> tuple[list[list[frozenset[str]]], list[str]]:
        """Per independent choice, the sets of candidates it may switch on; and the *leaves*: layers
        that only may apply and displace nothing, which need no enumeration (each is on in some
        reading of every choice, and adds its rate to the highest)."""
        grouped = {g for members, _ in self.groups for g in members}
        choices = []
        for members, _ in self.groups:
            options = [frozenset({m}) for m in members]
            # a member whose own coverage is unknown may also not cover the line at all
            if any(self.codes[m] & LEVEL == MAYBE for m in members):
                options.insert(0, frozenset())
            choices.append(options)
        leaves = []
        for i in sorted(self.cands):
            if i in grouped:
                continue
            if self.codes[i] & LEVEL == YES:
                choices.append([frozenset({i})])
            elif edges[i]:
                choices.append([frozenset(), frozenset({i})])
            else:
                leaves.append(i)
        return choices, leaves

    def outcome(self) -> Outcome:
        order, edges = self._edges()
        choices, leaves = self._choices(edges)
        count = 1
        for c in choices:
            count *= len(c)
        always = dict.fromkeys(self.cands, True)
        ever = dict.fromkeys(self.cands, False)
        displaced: dict[str, set[tuple[str, str]]] = {i: set() for i in self.cands}
        lows, highs = [], []
        readings = itertools.product(*choices) if count <= MAX_READINGS else self._bounds_only(choices)
        for picked in readings:
            on: set[str] = set().union(*picked) if picked else set()
            out: dict[str, tuple[str, str]] = {}
            for u in order:
                if u in on and u not in out:
                    for v, rule in edges[u]:
                        out.setdefault(v, (u, rule))
            base = free = 0.0
            for i in self.cands:
                if i in leaves:
                    always[i] = False
                    if i in out:
                        displaced[i].add(out[i])
                    else:
                        ever[i] = True
                        free += self.cands[i].rate or 0.0
                elif i not in on:
                    always[i] = False
                elif i in out:
                    displaced[i].add(out[i])
                    always[i] = False
                else:
                    ever[i] = True
                    base += self.cands[i].rate or 0.0
            lows.append(_round(base))
            highs.append(_round(base + free))
        return self._outcome(min(lows), max(highs), always, ever, displaced)

    def _bounds_only(self, choices: list[list[frozenset[str]]]) -> Iterable[tuple[frozenset[str], ...]]:
        # every choice off, then every choice on: the extremes of the readings without enumeration
        yield tuple(c[0] for c in choices)
        yield tuple(c[-1] for c in choices)

    def _outcome(
        self,
        sure: float,
        upper: float,
        always: Mapping[str, bool],
        ever: Mapping[str, bool],
        displaced: Mapping[str, set[tuple[str, str]]],
    ) -> Outcome:
        grouped = {g: why for members, why in self.groups for g in members}
        for i in self.cands:
            code = self.codes[i]
            why = set(self.noted[i])
            if code & LEVEL == MAYBE:
                why |= cov.reasons(code) - NOTED
            if grouped.get(i) is not None:
                why.add(grouped[i])  # type: ignore[arg-type]
            by = tuple(sorted({w for w, _ in displaced[i]}))
            used = tuple(sorted({r for _, r in displaced[i]}))
            status: Status = APPLIES if always[i] and ever[i] else MAY if ever[i] else NOT
            if status == MAY and displaced[i]:
                why.add(Reason.DISPLACED_IF)
            why |= self._metal_share(i, by)
            self.states[i] = LayerState(
                i, status, frozenset(why), by=by, rules=used, instead=i in self.engine.instead
            )
        layers = sorted(self.states.values(), key=lambda s: (self.pair.events[s.event_id].start, s.event_id))
        return Outcome(sure, upper, tuple(layers))

    def _metal_share(self, event_id: str, by: tuple[str, ...]) -> set[Reason]:
        """A 232 derivative (described goods) against a reciprocal or Section 122 duty."""
        fam = self.engine.families
        split = {rules.Family.RECIPROCAL, rules.Family.SECTION_122}
        mine = fam.get(event_id)
        if mine in split:
            partners = [w for w in by if fam.get(w) == rules.Family.METALS]
        elif mine == rules.Family.METALS:
            partners = [o for o in self.cands if fam.get(o) in split]
        else:
            return set()
        metal = [p for p in [event_id, *partners] if fam.get(p) == rules.Family.METALS]
        if partners and any(Reason.DESCRIBED_GOODS in cov.reasons(self.codes[m]) for m in metal):
            return {Reason.METAL_CONTENT_SHARE}
        return set()


# --- many lines over a window -------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """The outcome of every line of a table on every piece of a window.

    ``days[k]`` is the first day of piece ``k`` (ordinals; the last piece ends at ``stop``);
    ``result[i, k]`` indexes ``outcomes`` for line ``i``; -1 where the line is not valid.
    """

    table: cov.LineTable
    days: tuple[int, ...]
    stop: int
    result: npt.NDArray[np.int32]
    outcomes: tuple[Outcome, ...]


def run(
    engine: Engine,
    table: cov.LineTable,
    first: int,
    stop: int,
    *,
    exporter: str | None = None,
    valid: Sequence[tuple[int, int]] | None = None,
    extra: Iterable[int] = (),
) -> Run:
    """Evaluate every line of ``table`` on every day of ``[first, stop)`` (vectorised).

    ``valid`` gives each line's validity (first day, stop); ``extra`` adds cut points (e.g. where a
    line's MFN rate changes).
    """
    import numpy as np

    cuts = {first, *extra, *(b for b in engine.bounds() if first < b < stop)}
    if valid is not None:
        cuts |= {b for a, z in valid for b in (a, z) if first < b < stop}
    days = tuple(sorted(d for d in cuts if first <= d < stop))
    starts = np.array([a for a, _ in valid], dtype=np.int64) if valid is not None else None
    stops = np.array([z for _, z in valid], dtype=np.int64) if valid is not None else None
    result = np.full((table.n, len(days)), -1, dtype=np.int32)
    outcomes: list[Outcome] = []
    ids: dict[Outcome, int] = {}
    columns = _Columns(engine, table)
    grouped: dict[tuple[object, ...], tuple[npt.NDArray[np.int32], npt.NDArray[np.intp]]] = {}
    for k, day in enumerate(days):
        active = engine.active(day)
        here = np.ones(table.n, dtype=bool) if starts is None else (starts <= day) & (day < stops)  # type: ignore[operator]
        rows = np.flatnonzero(here)
        if rows.size == 0:
            continue
        # the lines' patterns change only when a column does: group once per set of columns
        key = tuple(columns.key(e, day) for e in active)
        if key not in grouped:
            matrix = np.zeros((table.n, 0), dtype=np.int32)
            if active:
                matrix = np.stack([columns.get(e, day) for e in active], axis=1)
            grouped[key] = _patterns(matrix)
        patterns, inverse = grouped[key]
        used = np.unique(inverse[rows])
        local = np.full(len(patterns), -1, dtype=np.int32)
        for p in used.tolist():
            codes = {e.event_id: int(c) for e, c in zip(active, patterns[p], strict=True)}
            outcome = engine.evaluate(day, codes, exporter)
            # equal outcomes share one id, so that the panel's intervals merge across them
            local[p] = ids.setdefault(outcome, len(outcomes))
            if local[p] == len(outcomes):
                outcomes.append(outcome)
        result[rows, k] = local[inverse[rows]]
    return Run(table, days, stop, result, tuple(outcomes))


def _patterns(matrix: npt.NDArray[np.int32]) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.intp]]:
    """Distinct rows of ``matrix`` and each row's pattern, like ``np.unique(axis=0)`` but faster:
    rows are hashed to one 64-bit key, and the grouping is checked exactly (with a fallback)."""
    import numpy as np

    if matrix.shape[1] == 0:
        return matrix[:1], np.zeros(matrix.shape[0], dtype=np.intp)
    multipliers = (
        np.random.default_rng(20261205).integers(1, 2**63, size=matrix.shape[1], dtype=np.uint64) | 1
    )
    with np.errstate(over="ignore"):
        key = (matrix.astype(np.uint64) * multipliers).sum(axis=1, dtype=np.uint64)
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    patterns = matrix[first]
    if not np.array_equal(patterns[inverse], matrix):  # a collision: group exactly
        patterns, inverse = np.unique(matrix, axis=0, return_inverse=True)
        inverse = inverse.reshape(-1)
    return patterns, inverse


@functools.cache
def _cuts(lst: ProductList) -> list[int]:
    """The days on which a list's membership can change (row and gap bounds), sorted."""
    found: set[int] = set()
    for start, stop in zip(lst.columns[2], lst.columns[3], strict=True):
        found.update((start, stop))
    for gap in lst.gaps:
        found.update((gap.start, gap.stop))
    return sorted(found)


class _Columns:
    """Cover codes of one event for every line, reused while none of its lists changes."""

    def __init__(self, engine: Engine, table: cov.LineTable) -> None:
        self.engine, self.table = engine, table
        self.cache: dict[tuple[object, ...], npt.NDArray[np.int32]] = {}

    def _state(self, list_id: str, day: int) -> int:
        lst = self.engine.index.lists.get(list_id)
        return 0 if lst is None else bisect.bisect_right(_cuts(lst), day)

    def key(self, event: Event, day: int) -> tuple[object, ...]:
        return (event.event_id, *(self._state(i, day) for i in event.lists))

    def get(self, event: Event, day: int) -> npt.NDArray[np.int32]:
        key = self.key(event, day)
        if key not in self.cache:
            self.cache[key] = cov.event_levels(self.engine.index, event, self.table, day)
        return self.cache[key]


def single(engine: Engine, line: cov.Line, day: int, exporter: str | None = None) -> Outcome:
    """Scalar: the outcome of one line on one day (no numpy)."""
    return engine.evaluate(day, engine.codes(line, day), exporter)
