"""The release's events, product lists and nomenclature, indexed once per release for the engine.

Everything the tariff engine reads comes from an opened release (:func:`policydata.open_release`):
``tariff_events``, ``tariff_event_lists``, ``tariff_event_products``, ``product_lists``,
``product_list_lines``, ``nomenclature_editions``, ``tariff_lines`` and ``sector_codes``. Dates are
kept as proleptic ordinals (``date.toordinal()``) so that the engine compares integers; an open end
is :data:`OPEN`. List rows and tariff lines are kept as columns.

A list row is *carried* on a day when the nomenclature edition in force that day is not encoded and
is not the row's own edition: the data then says what the list held in an earlier edition, not in
the one of the day (the Section 301 lists across 2019 and 2021-2024). :class:`Gap` records, for
those stretches, the codes the list's next snapshot names that the carried rows lack (and that no
carried code covers): their coverage on those days is unknown, not absent.

The index of a release is written once to the user cache (``<cache>/tariffs/``, plain values in
:mod:`marshal` format, keyed by the release's checksums and this module's format) so that a later
process reads it without parsing Parquet: ``policydata rate`` then starts in a fraction of a second.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import functools
import hashlib
import marshal
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, NamedTuple

from policydata import settings
from policydata.__about__ import __version__
from policydata.release import Release, open_release
from policydata.release.files import atomic_file

#: ordinal of an open end (later than any date)
OPEN: Final = dt.date.max.toordinal() + 1
#: the nomenclature each imposing jurisdiction's lists and lines are written in
NOMENCLATURE: Final = {"USA": "HTS", "CHN": "CN"}
#: ``combines`` values of events that carry a rate of their own
RATE_COMBINES: Final = ("stacks", "replaces", "overrides", "instead")
#: chapters of the HTS that hold provisions rather than goods (special classification, chapter 99
#: additional duties): never lines of a product question's answer unless asked for by their code
PROVISION_CHAPTERS: Final = ("98", "99")
#: version of the cached index's layout; change it whenever the layout changes
CACHE_FORMAT: Final = 4


def ordinal(day: dt.date | None) -> int:
    """``day`` as an ordinal; None (no end) as :data:`OPEN`."""
    return OPEN if day is None else day.toordinal()


def to_date(value: int) -> dt.date | None:
    """An ordinal back to a date; :data:`OPEN` as None."""
    return None if value >= OPEN else dt.date.fromordinal(value)


@dataclass(frozen=True, slots=True)
class Event:
    """One row of ``tariff_events`` with the product lists and codes it uses."""

    event_id: str
    imposing: str
    target: str
    title: str
    authority: str
    action: str
    combines: str
    amends: str | None
    effective: dt.date | None
    end: dt.date | None
    rate: float | None
    coverage: str
    encoded: bool
    status: str
    exporter: str | None = None
    heading: str | None = None
    lists: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()

    @property
    def start(self) -> int:
        return ordinal(self.effective) if self.effective is not None else OPEN

    @property
    def stop(self) -> int:
        return ordinal(self.end)

    def in_force(self, day: int) -> bool:
        return self.start <= day < self.stop


class Row(NamedTuple):
    """A code's membership of a list from ``start`` to ``stop`` (exclusive), as published."""

    code: str
    edition: str
    start: int
    stop: int
    described: bool


class Gap(NamedTuple):
    """Days on which a list's rows are carried from an earlier edition (see the module docstring).

    ``snapshot`` is False where no snapshot follows and ``successors`` are every code the lists
    name in the HS basis of those days.
    """

    start: int
    stop: int
    successors: frozenset[str]
    snapshot: bool = True


class Edition(NamedTuple):
    edition_id: str
    nomenclature: str
    start: int
    stop: int
    encoded: bool
    basis: str | None = None  # the HS edition its codes begin with (hs_edition_id)


def basis_eras(editions: Iterable[Edition]) -> list[tuple[str | None, int, int]]:
    """(HS basis, first day, stop) of each run of consecutive editions on the same HS basis."""
    eras: list[tuple[str | None, int, int]] = []
    for e in sorted(editions, key=lambda e: e.start):
        if eras and eras[-1][0] == e.basis:
            continue
        if eras:
            eras[-1] = (eras[-1][0], eras[-1][1], e.start)
        eras.append((e.basis, e.start, OPEN))
    return eras


class LineRow(NamedTuple):
    """A tariff line (HTS8 or HTS10) unchanged from ``start`` to ``stop``; the rate on HTS8 rows."""

    code: str
    start: int
    stop: int
    general_rate: str | None
    mfn_pct: float | None


class ProductList:
    """A row of ``product_lists`` and its membership rows, kept as columns sorted by start."""

    def __init__(
        self,
        meta: tuple[str, str, str, str | None, bool, str],
        columns: tuple[tuple[Any, ...], ...],
        gaps: tuple[Gap, ...],
        bases: Mapping[str, str | None] | None = None,
    ) -> None:
        self.list_id, self.imposing, self.kind, self.heading, self.complete, self.title = meta
        self.columns = columns  # codes, editions, starts, stops, described
        self.gaps = gaps
        self.bases = dict(bases or {})  # edition -> its HS basis, for the editions of the rows

    def bases_on(self, day: int) -> frozenset[str | None]:
        """HS bases of the editions of the rows valid on ``day``."""
        _, editions, starts, stops, _ = self.columns
        return frozenset(
            self.bases.get(e) for e, a, z in zip(editions, starts, stops, strict=True) if a <= day < z
        )

    @functools.cached_property
    def rows(self) -> tuple[Row, ...]:
        return tuple(Row(*values) for values in zip(*self.columns, strict=True))

    @functools.cached_property
    def by_code(self) -> dict[str, tuple[int, ...]]:
        """Row positions by code."""
        grouped: dict[str, list[int]] = {}
        for i, code in enumerate(self.columns[0]):
            grouped.setdefault(code, []).append(i)
        return {code: tuple(v) for code, v in grouped.items()}

    @functools.cached_property
    def proper_prefixes(self) -> frozenset[str]:
        """Every proper even-length prefix of a listed code (a coarser question matches partly)."""
        return frozenset(c[:n] for c in self.by_code for n in range(0, len(c), 2))

    def gap_on(self, day: int) -> Gap | None:
        return next((g for g in self.gaps if g.start <= day < g.stop), None)


class Lines:
    """The encoded nomenclature (HTS lines) as columns sorted by code and start."""

    def __init__(self, columns: tuple[tuple[Any, ...], ...]) -> None:
        self.codes, self.starts, self.stops, self.rates, self.mfns = columns

    def __bool__(self) -> bool:
        return bool(self.codes)

    def _span(self, prefix: str) -> tuple[int, int]:
        return bisect.bisect_left(self.codes, prefix), bisect.bisect_left(self.codes, prefix + "\uffff")

    def rows(self, code: str) -> list[LineRow]:
        lo, hi = bisect.bisect_left(self.codes, code), bisect.bisect_right(self.codes, code)
        return [
            LineRow(code, self.starts[i], self.stops[i], self.rates[i], self.mfns[i]) for i in range(lo, hi)
        ]

    @functools.lru_cache(maxsize=4)  # noqa: B019 - one Lines per release
    def rates_on(self, day: int) -> dict[str, tuple[str | None, float | None]]:
        """The general rate (text, percent) of every HTS8 line valid on ``day``."""
        return {
            code: (rate, mfn)
            for code, start, stop, rate, mfn in zip(
                self.codes, self.starts, self.stops, self.rates, self.mfns, strict=True
            )
            if len(code) == 8 and start <= day < stop
        }

    def under(self, prefix: str) -> list[str]:
        """Distinct codes starting with ``prefix``, sorted."""
        lo, hi = self._span(prefix)
        return sorted(set(self.codes[lo:hi]))


@dataclass(frozen=True)
class Pair:
    """The events of one direction (imposing -> target), ready for the engine.

    ``nodes`` are the rate events that were ever in force, by effective date; ``exclusions`` maps a
    layer (the id of its first event) to the events that exclude products from it; ``groups`` maps
    an event to the other events that share one of its product lists (one chapter 99 heading, one
    duty: see :mod:`policydata.tariffs.rules`); ``others`` are events without a rate (agreements,
    rulings, terminations), named beside the changes they coincide with.
    """

    imposing: str
    target: str
    events: Mapping[str, Event]
    nodes: tuple[Event, ...]
    layer_of: Mapping[str, str]
    exclusions: Mapping[str, tuple[Event, ...]]
    others: tuple[Event, ...]
    groups: Mapping[str, frozenset[str]]

    @functools.cached_property
    def exclusion_events(self) -> tuple[Event, ...]:
        return tuple(e for excl in self.exclusions.values() for e in excl)

    @functools.cached_property
    def list_ids(self) -> tuple[str, ...]:
        """Every list an event of this direction uses."""
        found = {lst for e in (*self.nodes, *self.exclusion_events) for lst in e.lists}
        return tuple(sorted(found))


@dataclass(eq=False)
class Index:
    """Everything the engine reads from one release (hashed by identity: one per release)."""

    version: str
    events: tuple[Event, ...]
    lists: Mapping[str, ProductList]
    editions: Mapping[str, Edition]
    lines: Lines
    sector_codes: Mapping[str, tuple[str, ...]]
    _pairs: dict[tuple[str, str], Pair] = field(default_factory=dict, repr=False)

    def pair(self, imposing: str, target: str) -> Pair:
        key = (imposing, target)
        if key not in self._pairs:
            chosen = [e for e in self.events if e.imposing == imposing and e.target == target]
            kinds = {i: lst.kind for i, lst in self.lists.items()}
            self._pairs[key] = index_pair(imposing, target, chosen, kinds)
        return self._pairs[key]

    def edition_on(self, nomenclature: str, day: int) -> Edition | None:
        """The edition of ``nomenclature`` in force on ``day`` (None in a gap of the editions)."""
        return next((e for e in self.editions_of(nomenclature) if e.start <= day < e.stop), None)

    @functools.cache  # noqa: B019 - one Index per release, kept for the process's life
    def editions_of(self, nomenclature: str) -> tuple[Edition, ...]:
        chosen = (e for e in self.editions.values() if e.nomenclature == nomenclature)
        return tuple(sorted(chosen, key=lambda e: e.start))

    @functools.cache  # noqa: B019
    def first_encoded(self, nomenclature: str) -> int:
        """First day covered by an edition whose lines are encoded (OPEN if none is)."""
        return min((e.start for e in self.editions_of(nomenclature) if e.encoded), default=OPEN)

    def basis_on(self, nomenclature: str, day: int) -> str | None:
        """The HS basis of the editions of ``nomenclature`` on ``day`` (the last one before a gap)."""
        return next((b for b, a, z in basis_eras(self.editions_of(nomenclature)) if a <= day < z), None)

    @functools.cache  # noqa: B019
    def era_lines(self, imposing: str) -> dict[str, tuple[int, int, frozenset[str | None]]]:
        """Codes of 8 digits or more that ``imposing``'s lists name in editions whose lines are not
        encoded, with the days they are lines (the era of their editions' HS bases, and the days
        rows name them) and those bases: the lines the data knows of where no edition is encoded."""
        nom = NOMENCLATURE.get(imposing)
        eras = {b: (a, z) for b, a, z in basis_eras(self.editions_of(nom))} if nom else {}
        found: dict[str, tuple[int, int, frozenset[str | None]]] = {}
        for lst in self.lists.values():
            if lst.imposing != imposing:
                continue
            for code, edition_id, start, stop, _ in zip(*lst.columns, strict=True):
                edition = self.editions.get(edition_id)
                if len(code) < 8 or edition is None or edition.encoded:
                    continue
                a, z = eras.get(edition.basis, (start, stop))
                a, z, bases = min(a, start), max(z, stop), frozenset({edition.basis})
                if code in found:
                    a, z, bases = min(a, found[code][0]), max(z, found[code][1]), bases | found[code][2]
                found[code] = (a, z, bases)
        return found

    @functools.cache  # noqa: B019
    def split_lines(self, imposing: str) -> frozenset[str]:
        """8-digit codes under which ``imposing``'s lists name 10-digit codes: such a line is
        answered per statistical line."""
        return frozenset(
            code[:8]
            for lst in self.lists.values()
            if lst.imposing == imposing
            for code in lst.by_code
            if len(code) == 10
        )


def _with_heading_exclusions(events: list[Event], kinds: Mapping[str, str]) -> list[Event]:
    """Give every event the exclusion lists of the events it shares a product list with: an
    exclusion from a chapter 99 heading (9903.91.10 from 9903.91.03) holds for every group of it."""
    own: dict[str, set[str]] = {}
    for e in events:
        for lst in e.lists:
            if kinds.get(lst) == "products":
                own.setdefault(lst, set()).update(i for i in e.lists if kinds.get(i) == "exclusions")
    out = []
    for e in events:
        extra = {x for lst in e.lists for x in own.get(lst, ())} - set(e.lists)
        out.append(dataclasses.replace(e, lists=tuple(sorted({*e.lists, *extra}))) if extra else e)
    return out


def index_pair(
    imposing: str, target: str, events: list[Event], kinds: Mapping[str, str] | None = None
) -> Pair:
    """Index the events of one direction (``kinds``: each list's kind)."""
    if kinds:
        events = _with_heading_exclusions(events, kinds)
    by_id = {e.event_id: e for e in events}
    nodes = tuple(
        sorted(
            (
                e
                for e in events
                if e.combines in RATE_COMBINES
                and e.effective is not None
                and e.status != "never-in-force"
                and e.rate is not None
            ),
            key=lambda e: (e.start, e.event_id),
        )
    )

    def root(event_id: str) -> str:
        # follow replacement links (through never-in-force events too) to the layer's first event
        seen = {event_id}
        current = by_id[event_id]
        while current.combines == "replaces" and current.amends in by_id and current.amends not in seen:
            seen.add(current.amends)
            current = by_id[current.amends]
        return current.event_id

    layer_of = {e.event_id: root(e.event_id) for e in events}
    exclusions: dict[str, list[Event]] = {}
    for e in events:
        if e.combines != "excludes" or e.effective is None or e.status == "never-in-force":
            continue
        amended, seen = e.amends, set()
        # an exclusion may amend an earlier exclusion (an extension): follow to the rate event
        while amended in by_id and by_id[amended].combines == "excludes" and amended not in seen:
            seen.add(amended)
            amended = by_id[amended].amends
        if amended in by_id:
            exclusions.setdefault(layer_of[amended], []).append(e)
    others = tuple(e for e in events if e.combines == "none" and e.effective is not None)
    return Pair(
        imposing=imposing,
        target=target,
        events=by_id,
        nodes=nodes,
        layer_of=layer_of,
        exclusions={k: tuple(v) for k, v in exclusions.items()},
        others=others,
        groups=_groups(nodes),
    )


def _groups(nodes: Iterable[Event]) -> dict[str, frozenset[str]]:
    users: dict[str, set[str]] = {}
    for e in nodes:
        for lst in e.lists:
            users.setdefault(lst, set()).add(e.event_id)
        if e.heading:
            # events of one heading at one rate (rules.ONE_HEADING)
            users.setdefault(f"{e.heading}|{e.rate}", set()).add(e.event_id)
    out: dict[str, set[str]] = {}
    for ids in users.values():
        for event_id in ids:
            out.setdefault(event_id, set()).update(ids - {event_id})
    return {k: frozenset(v) for k, v in out.items() if v}


# --- gaps ---------------------------------------------------------------------------------------


def _carried(edition_id: str, day: int, editions: Sequence[Edition]) -> bool:
    """Whether a row of ``edition_id`` says on ``day`` what another (unencoded) edition held."""
    current = next((e for e in editions if e.start <= day < e.stop), None)
    if current is not None and current.encoded:
        return False
    return current is None or current.edition_id != edition_id


def _gaps(
    rows: Sequence[Row],
    nomenclature: str | None,
    editions: Mapping[str, Edition],
    basis_codes: Mapping[str | None, frozenset[str]],
) -> tuple[Gap, ...]:
    """The stretches in which every row valid is carried, with the successors of the next snapshot
    (or, where no snapshot follows and the day's editions have another HS basis than the rows, the
    codes the lists name in that basis: their coverage is unknown)."""
    if nomenclature is None or not rows:
        return ()
    own = sorted((e for e in editions.values() if e.nomenclature == nomenclature), key=lambda e: e.start)
    bounds = sorted(
        {r.start for r in rows}
        | {r.stop for r in rows if r.stop < OPEN}
        | {d for e in own for d in (e.start, e.stop) if d < OPEN}
    )
    spans: dict[str, tuple[list[int], list[int]]] = {}
    for row in rows:
        a, z = spans.setdefault(row.edition, ([], []))
        a.append(row.start)
        z.append(row.stop)
    for a, z in spans.values():
        a.sort()
        z.sort()
    carried = []
    for day in bounds:
        # rows of an edition are valid on a day when more of them have started than stopped
        valid = [
            ed for ed, (a, z) in spans.items() if bisect.bisect_right(a, day) > bisect.bisect_right(z, day)
        ]
        carried.append(bool(valid) and all(_carried(ed, day, own) for ed in valid))
    gaps: list[Gap] = []
    for i, start in enumerate(bounds):
        if not carried[i]:
            continue
        stop = bounds[i + 1] if i + 1 < len(bounds) else OPEN
        # the snapshot that follows: the first day whose rows are in the edition of that day
        after = next((bounds[j] for j in range(i + 1, len(bounds)) if not carried[j]), None)
        held = {r.code for r in rows if r.start <= start < r.stop}
        snapshot = after is not None
        if after is not None:
            following = [r.code for r in rows if r.start <= after < r.stop]
        else:
            basis = next((b for b, a, z in basis_eras(own) if a <= start < z), None)
            bases = {
                editions[r.edition].basis for r in rows if r.start <= start < r.stop and r.edition in editions
            }
            # codes of the day's basis that the rows' basis does not know: new lines, of unknown membership
            older = frozenset().union(*(basis_codes.get(b, frozenset()) for b in bases))
            new = basis_codes.get(basis, frozenset()) - older
            following = sorted(new) if basis not in bases else []
        successors = frozenset(c for c in following if not any(c[:n] in held for n in range(2, len(c) + 1)))
        if gaps and gaps[-1].stop == start and gaps[-1].successors == successors:
            gaps[-1] = Gap(gaps[-1].start, stop, successors, snapshot)
        elif successors:
            gaps.append(Gap(start, stop, successors, snapshot))
    return tuple(gaps)


# --- loading from the release -------------------------------------------------------------------

#: days from 0001-01-01 (ordinal 1) to 1970-01-01, the epoch of Arrow's date32
_EPOCH: Final = dt.date(1970, 1, 1).toordinal()


def _column_rows(table: Any) -> list[dict[str, Any]]:
    columns = {name: table.column(name).to_pylist() for name in table.column_names}
    return [dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)]


def _ordinals(column: Any) -> list[int]:
    """A date32 column as ordinals, nulls as OPEN (through numpy: no Python date objects)."""
    import numpy as np

    days = column.to_numpy(zero_copy_only=False)
    values = days.astype("datetime64[D]").astype("int64") + _EPOCH
    values[np.isnat(days)] = OPEN
    result: list[int] = values.tolist()
    return result


def _events(release: Release) -> list[Event]:
    rows = _column_rows(release.load("tariff_events", backend="arrow"))
    links: dict[str, list[str]] = {}
    if "tariff_event_lists" in release.tables:
        table = release.load("tariff_event_lists", backend="arrow", columns=["event_id", "list_id"])
        for r in _column_rows(table):
            links.setdefault(r["event_id"], []).append(r["list_id"])
    codes: dict[str, list[str]] = {}
    table = release.load("tariff_event_products", backend="arrow", columns=["event_id", "hs_code"])
    for r in _column_rows(table):
        codes.setdefault(r["event_id"], []).append(r["hs_code"])
    return [
        Event(
            event_id=r["event_id"],
            imposing=r["imposing"],
            target=r["target"],
            title=r["title"],
            authority=r["authority"],
            action=r["action"],
            combines=r["combines"],
            amends=r["amends_event_id"],
            effective=r["effective_date"],
            end=r["end_date"],
            rate=r["rate_pct"],
            coverage=r["coverage"],
            encoded=bool(r["products_encoded"]),
            status=r["status"],
            # releases built before schema 1.1 have no exporter column
            exporter=r.get("exporter"),
            heading=r.get("hts_heading"),
            lists=tuple(sorted(links.get(r["event_id"], ()))),
            codes=tuple(sorted(codes.get(r["event_id"], ()))),
        )
        for r in rows
    ]


def _editions(release: Release) -> dict[str, Edition]:
    if "nomenclature_editions" not in release.tables:
        return {}
    cols = ["edition_id", "nomenclature", "effective_date", "end_date", "lines_encoded", "hs_edition_id"]
    table = release.load("nomenclature_editions", backend="arrow", columns=cols)
    ids, noms, flags, bases = (
        table.column(c).to_pylist() for c in ("edition_id", "nomenclature", "lines_encoded", "hs_edition_id")
    )
    starts, stops = _ordinals(table.column("effective_date")), _ordinals(table.column("end_date"))
    values = zip(ids, noms, starts, stops, flags, bases, strict=True)
    return {i: Edition(i, n, a, z, bool(f), b) for i, n, a, z, f, b in values}


def _lists(release: Release, editions: Mapping[str, Edition]) -> dict[str, ProductList]:
    if "product_lists" not in release.tables:
        return {}
    cols = ["list_id", "code", "edition_id", "valid_from", "valid_to", "scope"]
    table = release.load("product_list_lines", backend="arrow", columns=cols)
    ids, codes, eds, scopes = (
        table.column(c).to_pylist() for c in ("list_id", "code", "edition_id", "scope")
    )
    starts, stops = _ordinals(table.column("valid_from")), _ordinals(table.column("valid_to"))
    grouped: dict[str, list[Row]] = {}
    for values in zip(ids, codes, eds, starts, stops, scopes, strict=True):
        list_id, code, edition, start, stop, scope = values
        grouped.setdefault(list_id, []).append(Row(code, edition, start, stop, scope == "described-goods"))
    cols = ["list_id", "imposing", "kind", "heading", "complete", "title"]
    metas = _column_rows(release.load("product_lists", backend="arrow", columns=cols))
    # codes of 8 digits or more each side's lists name, by the HS basis of their edition
    by_basis: dict[tuple[str, str | None], set[str]] = {}
    for r in metas:
        for row in grouped.get(r["list_id"], ()):
            if len(row.code) >= 8 and row.edition in editions:
                by_basis.setdefault((r["imposing"], editions[row.edition].basis), set()).add(row.code)
    out = {}
    for r in metas:
        rows = sorted(grouped.get(r["list_id"], ()), key=lambda row: (row.start, row.code))
        meta = (r["list_id"], r["imposing"], r["kind"], r["heading"], bool(r["complete"]), r["title"])
        columns = tuple(tuple(col) for col in zip(*rows, strict=True)) if rows else ((), (), (), (), ())
        bases = {b: frozenset(c) for (imp, b), c in by_basis.items() if imp == r["imposing"]}
        gaps = _gaps(rows, NOMENCLATURE.get(r["imposing"]), editions, bases)
        of = {row.edition: editions[row.edition].basis for row in rows if row.edition in editions}
        out[r["list_id"]] = ProductList(meta, columns, gaps, of)
    return out


def _lines(release: Release) -> Lines:
    if "tariff_lines" not in release.tables:
        return Lines(((), (), (), (), ()))
    cols = ["code", "valid_from", "valid_to", "general_rate", "mfn_pct"]
    table = release.load(
        "tariff_lines", backend="arrow", columns=cols, filters=[("nomenclature", "=", "HTS")]
    )
    codes, texts, rates = (table.column(c).to_pylist() for c in ("code", "general_rate", "mfn_pct"))
    starts, stops = _ordinals(table.column("valid_from")), _ordinals(table.column("valid_to"))
    rows = sorted(zip(codes, starts, stops, texts, rates, strict=True))
    return Lines(tuple(tuple(col) for col in zip(*rows, strict=True)) if rows else ((), (), (), (), ()))


def build_index(release: Release) -> Index:
    """Read and index a release (no cache)."""
    editions = _editions(release)
    sectors: dict[str, list[str]] = {}
    crosswalk = release.load(
        "sector_codes",
        backend="arrow",
        columns=["sector_id", "code"],
        filters=[("classification", "=", "HS2022")],
    )
    for r in _column_rows(crosswalk):
        sectors.setdefault(r["sector_id"], []).append(r["code"])
    return Index(
        version=release.version,
        events=tuple(_events(release)),
        lists=_lists(release, editions),
        editions=editions,
        lines=_lines(release),
        sector_codes={k: tuple(sorted(v)) for k, v in sectors.items()},
    )


# --- the cache ----------------------------------------------------------------------------------


def _plain_event(e: Event) -> tuple[Any, ...]:
    return (
        e.event_id,
        e.imposing,
        e.target,
        e.title,
        e.authority,
        e.action,
        e.combines,
        e.amends,
        ordinal(e.effective) if e.effective else None,
        ordinal(e.end) if e.end else None,
        e.rate,
        e.coverage,
        e.encoded,
        e.status,
        e.exporter,
        e.heading,
        e.lists,
        e.codes,
    )


def _event_of(v: tuple[Any, ...]) -> Event:
    days = [dt.date.fromordinal(d) if d is not None else None for d in (v[8], v[9])]
    return Event(
        v[0],
        v[1],
        v[2],
        v[3],
        v[4],
        v[5],
        v[6],
        v[7],
        days[0],
        days[1],
        v[10],
        v[11],
        v[12],
        v[13],
        v[14],
        v[15],
        tuple(v[16]),
        tuple(v[17]),
    )


def to_plain(idx: Index) -> tuple[Any, ...]:
    """The index as builtin values only (for :mod:`marshal`)."""
    lists = tuple(
        (
            (lst.list_id, lst.imposing, lst.kind, lst.heading, lst.complete, lst.title),
            lst.columns,
            tuple((g.start, g.stop, tuple(sorted(g.successors)), g.snapshot) for g in lst.gaps),
            tuple(lst.bases.items()),
        )
        for lst in idx.lists.values()
    )
    lines = (idx.lines.codes, idx.lines.starts, idx.lines.stops, idx.lines.rates, idx.lines.mfns)
    return (
        CACHE_FORMAT,
        idx.version,
        tuple(_plain_event(e) for e in idx.events),
        lists,
        tuple(tuple(e) for e in idx.editions.values()),
        lines,
        tuple(idx.sector_codes.items()),
    )


def from_plain(plain: tuple[Any, ...]) -> Index:
    _, version, events, lists, editions, lines, sectors = plain
    return Index(
        version=version,
        events=tuple(_event_of(v) for v in events),
        lists={
            meta[0]: ProductList(
                meta, columns, tuple(Gap(a, z, frozenset(s), snap) for a, z, s, snap in gaps), dict(bases)
            )
            for meta, columns, gaps, bases in lists
        },
        editions={e[0]: Edition(*e) for e in editions},
        lines=Lines(lines),
        sector_codes=dict(sectors),
    )


def _cache_file(release: Release) -> Path:
    sums = (release.path / settings.CHECKSUMS_NAME).read_bytes()
    key = hashlib.sha256(sums + f"|{CACHE_FORMAT}|{__version__}".encode()).hexdigest()[:24]
    return settings.cache_dir() / "tariffs" / f"{release.version}-{key}.marshal"


@functools.cache
def load_index(path: Path) -> Index:
    """The index of the release at ``path``: from the cache, else built and cached (per process too)."""
    release = Release(path)
    file: Path | None = None
    try:
        file = _cache_file(release)
        plain = marshal.loads(file.read_bytes())
        if plain[0] == CACHE_FORMAT and plain[1] == release.version:
            return from_plain(plain)
    except (OSError, ValueError, EOFError, TypeError, IndexError):
        pass  # no cache yet, or an unreadable one: build it
    idx = build_index(release)
    if file is None:
        return idx
    try:
        with atomic_file(file, "w") as tmp:
            tmp.write_bytes(marshal.dumps(to_plain(idx)))
    except OSError:
        pass  # a read-only cache folder: answer without caching
    return idx


def index(version: str | None = None) -> Index:
    """The index of a release: the embedded one, or ``version``."""
    return load_index(open_release(version).path)
