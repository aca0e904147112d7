"""What tariff applied? Rate stacks and timelines computed from the tariff events.

The rules, read off the ``tariff_events`` schema (see ``COMBINES_DOC`` there):

* An event applies from ``effective_date`` (inclusive) to ``end_date`` (exclusive). Events without an
  effective date (``never-in-force``) never count.
* ``stacks`` starts a new *layer*. ``replaces`` continues the layer of ``amends_event_id``: from its
  effective date it supersedes that event for the products it covers (a replacement that lists only
  some products, such as a rate increase on a few headings, leaves the earlier rate in place for the
  rest). A suspension is a replacement with the reduced rate.
* ``overrides`` sets the rate, from its effective date, for the products it covers in place of every
  earlier event of the same authority and direction; those events continue for their other
  products. It starts a layer of its own.
* ``instead`` applies to the goods it covers in place of every other duty (the US postal duty on
  low-value shipments), and so do the events that replace it: while it surely applies the other
  layers are shown as ``excluded`` (displaced). While it only *may* apply it casts no doubt on the
  other layers (it turns on how goods are shipped, which an HS code does not tell) and the total
  with the layers that may apply takes it as an alternative: the larger of it and the sum of
  everything else.
* ``excludes`` takes the products it lists out of the layer of ``amends_event_id`` (the event, the
  events it replaces and those that replace it) for ``[effective_date, end_date)``; an exclusion is
  product-specific, whatever rate the layer has at the time.
* ``none`` (agreements, rulings, announcements) has no rate; such events are only named as causes of
  the changes they coincide with. Court rulings act through the end dates of the events they ended.

Product matching. A listed HS code matches a queried code when it is a prefix of it (listed ``8703``
covers ``870380``). When the query is broader than a listed code (query ``8703`` against listed
``870380``) the match is partial and the layer is flagged *may apply*, since only some products of
the queried heading are covered. A ``listed-products`` event whose list is not encoded
(``products_encoded`` false) *may apply* to any product it does not list; an ``all-except-listed``
event applies to every product except those it lists, and *may apply* when its exception list is not
encoded. Without an HS code or sector the stack is the headline one: ``all-goods`` and
``all-except-listed`` layers apply, exclusions are ignored, ``listed-products`` layers *may apply*. A
sector (``sector_codes``, classification HS2022) is covered by a layer when all its codes are, and
the layer *may apply* when only some are. Lists name codes at the level of their legal text (US
lines have 8 or 10 digits): ask at that level for a sure answer.

Totals. ``total_pct`` is the total if no layer flagged *may apply* applies: such layers add no
rate and replace, override or exclude nothing. ``total_with_may_apply_pct`` is the total if they all
apply: they add their rates and supersede the layers known to apply that they would replace or
override (such a layer shows as ``applies``, with the reason); two layers that each may apply both
count. Exclusions that may apply are
noted on the layers but assumed in neither total, and a duty that may apply ``instead`` of all
others counts as an alternative (see above). The second total is therefore usually the higher; it is
lower when a layer that may apply replaces a higher rate (a suspension), and it is generous where
alternatives that exclude each other (two replacements splitting one product list) both count.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from policydata.errors import InvalidArgumentError
from policydata.release import Release, open_release
from policydata.schemas.jurisdictions import JURISDICTIONS

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import pandas as pd

__all__ = [
    "Layer",
    "RatePanel",
    "RateStack",
    "rate_panel",
    "rate_stack",
    "rate_timeline",
]

LayerStatus: TypeAlias = Literal["applies", "may apply", "excluded"]
DateLike: TypeAlias = "dt.date | str"

_NO, _MAYBE, _YES = 0, 1, 2
#: the ``query`` of a stack or timeline asked without an HS code or sector
GENERIC_QUERY = "no product given"
_HS_QUERY = re.compile(r"^\d{2}(?:\d{2}){0,4}$")
_LISTED_LENGTHS = (4, 6, 8, 10)
_RATE_COMBINES = ("stacks", "replaces", "overrides", "instead")
#: status of a step in the segment computation, worst last
_APPLIES: LayerStatus = "applies"
_MAY: LayerStatus = "may apply"
_EXCLUDED: LayerStatus = "excluded"


# --- the events of a release, indexed ---------------------------------------------------------


@dataclass(frozen=True)
class _Event:
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
    exporter: str | None = None  # set when the rate covers one exporter's goods only


@dataclass(frozen=True)
class _Products:
    """The codes an event lists, and every proper prefix of them (for partial matches)."""

    listed: frozenset[str]
    prefixes: frozenset[str]

    @classmethod
    def of(cls, codes: Iterable[str]) -> _Products:
        listed = frozenset(codes)
        prefixes = frozenset(c[:n] for c in listed for n in range(2, len(c), 2))
        return cls(listed, prefixes)


_NO_PRODUCTS = _Products(frozenset(), frozenset())


@dataclass(frozen=True)
class _Pair:
    """The events of one direction (imposing -> target), ready for the segment computation."""

    nodes: tuple[_Event, ...]  # rate events that applied, by effective date
    # event id -> the events that supersede it for the products they cover: those that replace it,
    # and later ``overrides`` events of the same authority
    children: Mapping[str, tuple[_Event, ...]]
    instead: frozenset[str]  # ids of the layers that apply in place of every other duty
    layer_of: Mapping[str, str]  # event id -> id of the first event of its layer
    exclusions: Mapping[str, tuple[_Event, ...]]  # layer id -> exclusions from it
    others: tuple[_Event, ...]  # events without a rate of their own (agreements, rulings)
    events: Mapping[str, _Event]


@dataclass(frozen=True)
class _Data:
    version: str
    events: tuple[_Event, ...]
    products: Mapping[str, _Products]
    sector_codes: Mapping[str, tuple[str, ...]]
    all_codes: tuple[str, ...]
    as_of: dt.date | None = None  # the date up to which the release's facts were checked

    @functools.cached_property
    def pairs(self) -> dict[tuple[str, str], _Pair]:
        return {}

    def pair(self, imposing: str, target: str) -> _Pair:
        key = (imposing, target)
        if key not in self.pairs:
            self.pairs[key] = _index_pair([e for e in self.events if (e.imposing, e.target) == key])
        return self.pairs[key]


def _index_pair(events: list[_Event]) -> _Pair:
    by_id = {e.event_id: e for e in events}
    nodes = sorted(
        (
            e
            for e in events
            if e.combines in _RATE_COMBINES
            and e.effective is not None
            and e.status != "never-in-force"
            and e.rate is not None
        ),
        key=lambda e: (e.effective or dt.date.min, e.event_id),
    )
    node_ids = {e.event_id for e in nodes}

    def layer(event_id: str) -> str:
        # follow replacement links (through never-in-force events too) to the layer's first event
        seen = {event_id}
        current = by_id[event_id]
        while current.combines == "replaces" and current.amends in by_id and current.amends not in seen:
            seen.add(current.amends)
            current = by_id[current.amends]
        return current.event_id

    children: dict[str, list[_Event]] = {}
    for e in nodes:
        if e.combines == "replaces" and e.amends in node_ids:
            children.setdefault(e.amends, []).append(e)
    for o in nodes:
        if o.combines != "overrides":
            continue
        for e in nodes:
            if (
                e.authority == o.authority
                and e is not o
                and (e.effective or dt.date.max) < (o.effective or dt.date.min)
            ):
                children.setdefault(e.event_id, []).append(o)
    layer_of = {e.event_id: layer(e.event_id) for e in events}
    instead = frozenset(layer_of[e.event_id] for e in events if e.combines == "instead")
    exclusions: dict[str, list[_Event]] = {}
    for e in events:
        if e.combines != "excludes" or e.effective is None or e.status == "never-in-force":
            continue
        target = e.amends
        seen: set[str] = set()
        # an exclusion may amend an earlier exclusion (an extension): follow to the rate event
        while target in by_id and by_id[target].combines == "excludes" and target not in seen:
            seen.add(target)
            target = by_id[target].amends
        if target in by_id:
            exclusions.setdefault(layer_of[target], []).append(e)
    others = tuple(e for e in events if e.combines == "none" and e.effective is not None)
    return _Pair(
        nodes=tuple(nodes),
        children={
            k: tuple(sorted(v, key=lambda e: (e.effective or dt.date.min, e.event_id)))
            for k, v in children.items()
        },
        instead=instead,
        layer_of=layer_of,
        exclusions={k: tuple(v) for k, v in exclusions.items()},
        others=others,
        events=by_id,
    )


@functools.cache
def _load(path: Path) -> _Data:
    release = Release(path)
    events = []
    for r in release.load("tariff_events", backend="arrow").to_pylist():
        events.append(
            _Event(
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
            )
        )
    listed: dict[str, list[str]] = {}
    products = release.load("tariff_event_products", backend="arrow", columns=["event_id", "hs_code"])
    for row in products.to_pylist():
        listed.setdefault(row["event_id"], []).append(row["hs_code"])
    sectors: dict[str, list[str]] = {}
    crosswalk = release.load(
        "sector_codes",
        backend="arrow",
        columns=["sector_id", "code"],
        filters=[("classification", "=", "HS2022")],
    )
    for row in crosswalk.to_pylist():
        sectors.setdefault(row["sector_id"], []).append(row["code"])
    all_codes = sorted({c for codes in listed.values() for c in codes})
    return _Data(
        version=release.version,
        as_of=dt.date.fromisoformat(release.as_of) if release.as_of else None,
        events=tuple(events),
        products={k: _Products.of(v) for k, v in listed.items()},
        sector_codes={k: tuple(sorted(v)) for k, v in sectors.items()},
        all_codes=tuple(all_codes),
    )


def _data(version: str | None) -> _Data:
    return _load(open_release(version).path)


def _covered(data: _Data, imposing: str, target: str, last: dt.date) -> None:
    """Refuse a question the release cannot answer, rather than answer it with 0%.

    A direction without a single event, or a date after the release's as-of date, is outside what
    the release records; an empty stack would read as "no additional tariff".
    """
    if not any(e.imposing == imposing and e.target == target for e in data.events):
        directions = sorted({f"{e.imposing} on {e.target}" for e in data.events})
        raise InvalidArgumentError(
            f"Release {data.version} has no tariff events of {imposing} on goods from {target}, so it "
            "cannot say what applied (not even that nothing did).",
            hint=f"It records these directions: {', '.join(directions) or 'none'}.",
        )
    if data.as_of is not None and last > data.as_of:
        raise InvalidArgumentError(
            f"{last} is after the as-of date of release {data.version} ({data.as_of}): it records "
            "nothing after that date.",
            hint=f"Ask about {data.as_of} or earlier, or use a newer release.",
        )


# --- arguments ----------------------------------------------------------------------------------


def _jurisdiction(value: str, name: str) -> str:
    code = value.strip().upper()
    if code not in JURISDICTIONS:
        raise InvalidArgumentError(
            f"{name}={value!r} is not a jurisdiction code.",
            hint="Use ISO 3166-1 alpha-3 (USA, CHN, ...) or EUN for the European Union.",
        )
    return code


def _date(value: DateLike, name: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InvalidArgumentError(f"{name}={value!r} is not a date.", hint="Write YYYY-MM-DD.") from None


def _hs(value: str) -> str:
    code = value.strip().replace(".", "")
    if not _HS_QUERY.match(code):
        raise InvalidArgumentError(
            f"hs_code={value!r} is not an HS code.",
            hint="Give 2, 4, 6, 8 or 10 digits, e.g. 950300 (dots are allowed: 9503.00).",
        )
    return code


@dataclass(frozen=True)
class _Query:
    """What product the question is about: one HS code, a sector's codes, or none (generic)."""

    codes: tuple[str, ...] | None
    label: str
    hs_code: str | None = None
    sector: str | None = None


def _query(data: _Data, hs_code: str | None, sector: str | None) -> _Query:
    if hs_code is not None and sector is not None:
        raise InvalidArgumentError(
            "Both hs_code and sector were given.", hint="Ask about one HS code or one sector."
        )
    if hs_code is not None:
        code = _hs(hs_code)
        return _Query((code,), f"HS {code}", hs_code=code)
    if sector is not None:
        codes = data.sector_codes.get(sector)
        if not codes:
            known = ", ".join(sorted(data.sector_codes)[:12])
            raise InvalidArgumentError(
                f"Sector {sector!r} has no HS2022 codes in sector_codes of release {data.version}.",
                hint=f"Sectors with HS codes include: {known or 'none'}.",
            )
        return _Query(codes, f"sector {sector} (HS {', '.join(codes)})", sector=sector)
    return _Query(None, GENERIC_QUERY)


# --- coverage -------------------------------------------------------------------------------------


def _cover_code(event: _Event, products: _Products, code: str) -> tuple[int, str]:
    """How surely ``event`` covers one HS code, and why it is unsure."""
    if event.coverage == "all-goods":
        return _YES, ""
    if event.coverage == "not-applicable":
        return _NO, ""
    listed = any(len(code) >= n and code[:n] in products.listed for n in _LISTED_LENGTHS)
    partial = not listed and code in products.prefixes
    # a product list and an exception list are the same rule with the answers swapped
    if event.coverage == "listed-products":
        on_list, off_list, names, what = _YES, _NO, "the event lists", "product list"
    else:  # all-except-listed
        on_list, off_list, names, what = _NO, _YES, "its exception list names", "list of excepted products"
    if listed:
        return on_list, ""
    if partial:
        return _MAYBE, f"partial HS match: {names} codes under {code}"
    if event.encoded:
        return off_list, ""
    return _MAYBE, f"its {what} is not encoded"


def _for_exporter(level: int, reason: str, event: _Event) -> tuple[int, str]:
    """A rate for one exporter's goods only may apply to a product from the target, never surely."""
    if event.exporter is None or level != _YES:
        return level, reason
    return _MAYBE, f"it covers goods of {event.exporter} only"


def _cover(event: _Event, data: _Data, query: _Query) -> tuple[int, str]:
    """Coverage of the whole query: sure (every code), no (no code), or may (some or unsure)."""
    return _for_exporter(*_cover_products(event, data, query), event)


def _cover_products(event: _Event, data: _Data, query: _Query) -> tuple[int, str]:
    if query.codes is None:
        if event.combines == "excludes":
            return _NO, ""
        if event.coverage == "listed-products":
            return _MAYBE, "it covers listed products only and no product was given"
        return (_NO, "") if event.coverage == "not-applicable" else (_YES, "")
    products = data.products.get(event.event_id, _NO_PRODUCTS)
    results = [_cover_code(event, products, c) for c in query.codes]
    levels = {level for level, _ in results}
    if levels == {_YES}:
        return _YES, ""
    if levels == {_NO}:
        return _NO, ""
    if len(levels) > 1:
        return _MAYBE, "it covers some codes of the sector, not surely all"
    return _MAYBE, next(reason for level, reason in results if level == _MAYBE)


# --- segments -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Segment:
    """A stretch of time over which one event has one status for the queried product.

    ``without`` and ``with_`` say whether the event counts in the total without the layers that
    may apply (they neither add a rate nor replace, override or exclude anything) and in the
    total with them (they do all of that).
    """

    event: _Event
    layer: str
    start: dt.date
    stop: dt.date | None  # exclusive; None while open-ended
    without: bool
    with_: bool
    status: LayerStatus
    reason: str
    start_causes: tuple[str, ...]
    stop_causes: tuple[str, ...]
    instead: bool  # the layer applies in place of every other duty to the goods it covers


Coverage: TypeAlias = "Mapping[str, tuple[int, str]]"
#: (from, to, level, event, reason): a window in which an event excludes or displaces another
_Window: TypeAlias = "tuple[dt.date, dt.date | None, int, _Event, str]"


def _segments(pair: _Pair, cover: Coverage) -> list[_Segment]:
    """Every segment of every event of a direction, for a product whose coverage is ``cover``.

    ``cover`` maps an event id to (level, reason); the function is pure so that products with the
    same coverage share one computation (see :func:`rate_panel`).
    """
    # a duty that applies instead of every other one displaces the others while it surely applies;
    # one that may apply casts no doubt on them (it turns on how goods are shipped, which an HS
    # code does not tell), and the upper total takes it as an alternative (see _totals)
    instead = [n for n in pair.nodes if pair.layer_of[n.event_id] in pair.instead]
    out = [seg for n in instead for seg in _node_segments(pair, n, cover, [])]
    displaced: list[_Window] = [
        (seg.start, seg.stop, _YES, seg.event, "") for seg in out if seg.without and seg.with_
    ]
    for node in pair.nodes:
        if pair.layer_of[node.event_id] not in pair.instead:
            out.extend(_node_segments(pair, node, cover, displaced))
    return out


def _inside(day: dt.date, start: dt.date, stop: dt.date | None) -> bool:
    return start <= day and (stop is None or day < stop)


def _node_segments(pair: _Pair, node: _Event, cover: Coverage, displaced: list[_Window]) -> list[_Segment]:
    level, reason = cover[node.event_id]
    if level == _NO:
        return []
    assert node.effective is not None  # guaranteed by _index_pair
    layer = pair.layer_of[node.event_id]
    start = node.effective
    points: dict[dt.date, set[str]] = {start: {node.event_id}}
    if node.end is not None:
        points.setdefault(node.end, set()).add(node.event_id)
    # a replacement or override that surely covers the product ends the event in both totals; one
    # that may cover it ends the event only in the total with the layers that may apply
    stop_sure, stop_may = node.end, node.end
    doubts: list[tuple[dt.date, _Event, str]] = []
    for child in pair.children.get(node.event_id, ()):
        c_level, c_reason = cover[child.event_id]
        assert child.effective is not None
        if c_level == _NO:
            continue
        when = max(child.effective, start)
        points.setdefault(when, set()).add(child.event_id)
        if c_level == _YES and (stop_sure is None or when < stop_sure):
            stop_sure = when
        # two events that may each cover the product need not both cover it: only an event known
        # to cover the product gives way, in the total with the layers that may apply, to one that
        # may replace or override it
        if (c_level == _YES or level == _YES) and (stop_may is None or when < stop_may):
            stop_may = when
        if c_level == _MAYBE and level == _YES:
            doubts.append((when, child, c_reason))
    windows: list[tuple[_Window, str]] = []
    for excl in pair.exclusions.get(layer, ()):
        x_level, x_reason = cover[excl.event_id]
        assert excl.effective is not None
        if x_level != _NO:
            windows.append(((excl.effective, excl.end, x_level, excl, x_reason), "excluded"))
    windows += [(w, "displaced") for w in displaced]
    for (w_from, w_to, _, ev, _), _kind in windows:
        points.setdefault(w_from, set()).add(ev.event_id)
        if w_to is not None:
            points.setdefault(w_to, set()).add(ev.event_id)
    last = stop_sure if level == _YES else stop_may
    if last is not None and stop_may is not None:
        last = max(last, stop_may)
    if last is not None and last <= start:
        return []
    bounds = sorted(p for p in points if p >= start and (last is None or p < last))
    pieces: list[tuple[dt.date, dt.date | None, bool, bool, LayerStatus, str]] = []
    for i, a in enumerate(bounds):
        b = bounds[i + 1] if i + 1 < len(bounds) else last
        without = level == _YES and _inside(a, start, stop_sure)
        with_ = _inside(a, start, stop_may)
        hit = [(w, kind) for w, kind in windows if _inside(a, w[0], w[1])]
        sure_hit = next(((w, kind) for w, kind in hit if w[2] == _YES), None)
        may_hit = next(((w, kind) for w, kind in hit if w[2] == _MAYBE), None)
        excluded = sure_hit is not None and (without or with_)
        if sure_hit is not None:
            without = with_ = False
        if without:
            status: LayerStatus = _APPLIES
            why = ""
            if not with_:
                doubt = next(((ev, r) for when, ev, r in doubts if when <= a), None)
                if doubt is not None:
                    why = f"may be replaced by {doubt[0].event_id} ({doubt[1]})"
        elif with_:
            status, why = _MAY, f"may apply: {reason}"
        elif excluded and sure_hit is not None:
            (_, _, _, ev, _), kind = sure_hit
            status = _EXCLUDED
            why = (
                f"excluded by {ev.event_id}"
                if kind == "excluded"
                else f"displaced by {ev.event_id}, which applies in place of every other duty"
            )
        else:
            continue  # replaced in both totals
        if may_hit is not None and status != _EXCLUDED:
            # an exclusion that may apply is noted but assumed in neither total: it is not a layer
            note = f"may be excluded by {may_hit[0][3].event_id} ({may_hit[0][4]})"
            why = f"{why}; {note}" if why else note
        if pieces and pieces[-1][2:] == (without, with_, status, why) and pieces[-1][1] == a:
            pieces[-1] = (pieces[-1][0], b, without, with_, status, why)
        else:
            pieces.append((a, b, without, with_, status, why))
    is_instead = layer in pair.instead
    return [
        _Segment(
            event=node,
            layer=layer,
            start=a,
            stop=b,
            without=without,
            with_=with_,
            status=status,
            reason=why,
            start_causes=tuple(sorted(points.get(a, ()))),
            stop_causes=tuple(sorted(points.get(b, ()))) if b is not None else (),
            instead=is_instead,
        )
        for a, b, without, with_, status, why in pieces
    ]


def _coverage(pair: _Pair, data: _Data, query: _Query) -> dict[str, tuple[int, str]]:
    cover = {e.event_id: _cover(e, data, query) for e in pair.nodes}
    for excls in pair.exclusions.values():
        for e in excls:
            cover[e.event_id] = _cover(e, data, query)
    return cover


# --- the stack ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layer:
    """One tariff event in force for the queried product on the queried date.

    ``since`` and ``until`` bound the stretch over which this event has had this status for the
    product (``until`` is exclusive, None when no end is recorded); ``effective_date`` is the event's
    own first day. ``status`` is ``applies``, ``may apply`` (``reason`` says why) or ``excluded``
    (shown for completeness, never counted). ``instead`` marks a duty that applies in place of every
    other one to the goods it covers (``combines`` ``instead``, or an event that replaces one).
    """

    event_id: str
    layer_id: str
    authority: str
    title: str
    rate_pct: float
    combines: str
    amends_event_id: str | None
    effective_date: dt.date
    since: dt.date
    until: dt.date | None
    status: LayerStatus
    reason: str
    instead: bool


@dataclass(frozen=True)
class RateStack:
    """The additional ad valorem tariff one jurisdiction applied to another's goods on one date.

    ``total_pct`` sums the layers that apply; ``total_with_may_apply_pct`` is the total if the
    layers flagged ``may apply`` apply as well (see the module documentation). Both are additional to
    the ordinary (MFN) duty.
    """

    imposing: str
    target: str
    on: dt.date
    query: str
    hs_code: str | None
    sector: str | None
    version: str
    layers: tuple[Layer, ...]
    total_pct: float
    total_with_may_apply_pct: float

    @property
    def uncertain(self) -> bool:
        """True when some layer may apply, or may be replaced or excluded: the total is a range."""
        return any(layer.status == _MAY or "may be" in layer.reason for layer in self.layers)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (dates as ISO strings), e.g. for JSON output."""
        return {
            "imposing": self.imposing,
            "target": self.target,
            "on": self.on.isoformat(),
            "query": self.query,
            "hs_code": self.hs_code,
            "sector": self.sector,
            "version": self.version,
            "total_pct": self.total_pct,
            "total_with_may_apply_pct": self.total_with_may_apply_pct,
            "layers": [
                {
                    **layer.__dict__,
                    "effective_date": layer.effective_date.isoformat(),
                    "since": layer.since.isoformat(),
                    "until": layer.until.isoformat() if layer.until else None,
                }
                for layer in self.layers
            ],
        }

    def to_frame(self) -> pd.DataFrame:
        """The layers as a pandas DataFrame, one row per event."""
        import pandas as pd

        return pd.DataFrame([layer.__dict__ for layer in self.layers], columns=list(Layer.__annotations__))


def _total(values: Iterable[float]) -> float:
    # rates such as 7.5 and 2.5 add exactly in binary, others (17.4) may not: round the noise away
    return round(sum(values), 6)


def _totals(active: Iterable[_Segment]) -> tuple[float, float]:
    """(total, total with the layers that may apply) of the segments in force at one time.

    A duty that may apply in place of every other one is an alternative: the total with the layers
    that may apply is the larger of it and the sum of everything else. Rates for different
    exporters are alternatives too: only the highest of them counts in the upper total.
    """
    sure, upper, alternative, per_exporter = [], [], 0.0, 0.0
    for seg in active:
        rate = seg.event.rate or 0.0
        if seg.without:
            sure.append(rate)
        if seg.with_ and seg.instead and not seg.without:
            alternative = max(alternative, rate)
        elif seg.with_ and seg.event.exporter is not None and not seg.without:
            per_exporter = max(per_exporter, rate)
        elif seg.with_:
            upper.append(rate)
    return _total(sure), max(_total([*upper, per_exporter]), alternative)


def rate_stack(
    imposing: str,
    target: str,
    on: DateLike,
    hs_code: str | None = None,
    sector: str | None = None,
    *,
    version: str | None = None,
) -> RateStack:
    """Every tariff layer ``imposing`` applied to goods of ``target`` on a date, and their total.

    Parameters
    ----------
    imposing, target
        Jurisdictions, ISO 3166-1 alpha-3 or EUN.
    on
        The date (a ``datetime.date`` or ``YYYY-MM-DD``).
    hs_code
        An HS code of 2 to 10 digits; without it (and without ``sector``) the stack is that of a
        product on no product list, so product-specific layers are flagged ``may apply``.
    sector
        A sector id of ``sector_codes`` (its HS2022 codes are the query).
    version
        Release version; None for the embedded release.

    Returns
    -------
    RateStack
        The layers in force, by effective date, and the totals with and without the layers that
        may apply. See the module documentation for the rules.

    Raises
    ------
    InvalidArgumentError
        For an unknown jurisdiction, a malformed date or HS code, an unknown sector, or both
        ``hs_code`` and ``sector``; and for a question the release does not cover: a direction
        it has no events for, or a date after its as-of date.

    Examples
    --------
    >>> from policydata.tariffs import rate_stack
    >>> stack = rate_stack("USA", "CHN", "2018-01-01", hs_code="950300")
    >>> stack.total_pct <= stack.total_with_may_apply_pct
    True
    """
    imp, tgt = _jurisdiction(imposing, "imposing"), _jurisdiction(target, "target")
    day = _date(on, "on")
    data = _data(version)
    _covered(data, imp, tgt, day)
    query = _query(data, hs_code, sector)
    pair = data.pair(imp, tgt)
    layers = []
    active = [s for s in _segments(pair, _coverage(pair, data, query)) if _inside(day, s.start, s.stop)]
    for seg in active:
        node = seg.event
        assert node.effective is not None
        assert node.rate is not None
        layers.append(
            Layer(
                event_id=node.event_id,
                layer_id=seg.layer,
                authority=node.authority,
                title=node.title,
                rate_pct=node.rate,
                combines=node.combines,
                amends_event_id=node.amends,
                effective_date=node.effective,
                since=seg.start,
                until=seg.stop,
                status=seg.status,
                reason=seg.reason,
                instead=seg.instead,
            )
        )
    layers.sort(key=lambda la: (la.effective_date, la.event_id))
    totals = _totals(active)
    return RateStack(
        imposing=imp,
        target=tgt,
        on=day,
        query=query.label,
        hs_code=query.hs_code,
        sector=query.sector,
        version=data.version,
        layers=tuple(layers),
        total_pct=totals[0],
        total_with_may_apply_pct=totals[1],
    )


# --- the timeline -------------------------------------------------------------------------------

TIMELINE_COLUMNS = (
    "imposing",
    "target",
    "query",
    "series",
    "event_id",
    "authority",
    "start",
    "end",
    "rate_pct",
    "status",
    "instead",
    "changed_by",
)
TOTAL = "total"
TOTAL_WITH_MAY_APPLY = "total_with_may_apply"


def rate_timeline(
    imposing: str,
    target: str,
    start: DateLike,
    end: DateLike,
    hs_code: str | None = None,
    sector: str | None = None,
    *,
    version: str | None = None,
) -> pd.DataFrame:
    """The step series of the total and of each layer between two dates, as a tidy DataFrame.

    Parameters
    ----------
    imposing, target, hs_code, sector, version
        As for :func:`rate_stack`.
    start, end
        First and last day of the window (both inclusive).

    Returns
    -------
    pandas.DataFrame
        One row per step of a series, with columns ``imposing, target, query, series, event_id,
        authority, start, end, rate_pct, status, instead, changed_by``. ``series`` is ``total`` (layers that
        apply), ``total_with_may_apply``, or a layer id (the first event of the layer); ``start``
        is the step's first day and ``end`` its exclusive end (both ``datetime64``; the last step
        ends the day after the window). For a layer, ``event_id`` is the event whose rate holds,
        ``status`` is ``applies``, ``may apply`` or ``excluded``, and ``instead`` is true for a duty
        that applies in place of every other one; a layer's rows cover only the steps when it is in
        force. ``changed_by`` names the events whose start or end caused the
        change at ``start`` ("; "-separated; empty on the window's first day unless something
        started then).

    Raises
    ------
    InvalidArgumentError
        As for :func:`rate_stack`: bad arguments, a direction the release has no events for, or
        a window that ends after the release's as-of date.

    Examples
    --------
    >>> from policydata.tariffs import rate_timeline
    >>> tl = rate_timeline("USA", "CHN", "2018-01-01", "2018-12-31")
    >>> sorted(set(tl["series"]) & {"total", "total_with_may_apply"})
    ['total', 'total_with_may_apply']
    """
    import pandas as pd

    imp, tgt = _jurisdiction(imposing, "imposing"), _jurisdiction(target, "target")
    first, last = _date(start, "start"), _date(end, "end")
    if last < first:
        raise InvalidArgumentError(
            f"The window ends ({last}) before it starts ({first}).", hint="Swap start and end."
        )
    stop = last + dt.timedelta(days=1)
    data = _data(version)
    _covered(data, imp, tgt, last)
    query = _query(data, hs_code, sector)
    pair = data.pair(imp, tgt)
    segments = [
        s
        for s in _segments(pair, _coverage(pair, data, query))
        if s.start < stop and (s.stop is None or s.stop > first)
    ]
    others: dict[dt.date, list[str]] = {}
    for e in pair.others:
        assert e.effective is not None
        others.setdefault(e.effective, []).append(e.event_id)

    def causes(day: dt.date, ids: Iterable[str]) -> str:
        found = set(ids)
        # agreements and rulings have no rate: name them only beside a change they coincide with
        return "; ".join(sorted(found | set(others.get(day, ())))) if found else ""

    rows: list[dict[str, Any]] = []
    base = {"imposing": imp, "target": tgt, "query": query.label}
    for s in segments:
        a = max(s.start, first)
        b = stop if s.stop is None else min(s.stop, stop)
        assert s.event.rate is not None
        rows.append(
            {
                **base,
                "series": s.layer,
                "event_id": s.event.event_id,
                "authority": s.event.authority,
                "start": a,
                "end": b,
                "rate_pct": s.event.rate,
                "status": s.status,
                "instead": s.instead,
                "changed_by": causes(a, s.start_causes if a == s.start else ()),
            }
        )
    # totals: evaluate at every boundary, keep the steps where the value changes
    bounds = sorted(
        {first}
        | {max(s.start, first) for s in segments}
        | {s.stop for s in segments if s.stop is not None and s.stop < stop}
    )
    boundary_causes: dict[dt.date, set[str]] = {}
    for s in segments:
        if s.start >= first:
            boundary_causes.setdefault(s.start, set()).update(s.start_causes)
        if s.stop is not None and s.stop < stop:
            boundary_causes.setdefault(s.stop, set()).update(s.stop_causes)
    values = []
    for a in bounds:
        active = [s for s in segments if s.start <= a and (s.stop is None or a < s.stop)]
        values.append(_totals(active))
    for k, series in enumerate((TOTAL, TOTAL_WITH_MAY_APPLY)):
        steps: list[dict[str, Any]] = []
        for i, a in enumerate(bounds):
            b = bounds[i + 1] if i + 1 < len(bounds) else stop
            value = values[i][k]
            if steps and steps[-1]["rate_pct"] == value:
                steps[-1]["end"] = b
                continue
            steps.append(
                {
                    **base,
                    "series": series,
                    "event_id": None,
                    "authority": None,
                    "start": a,
                    "end": b,
                    "rate_pct": value,
                    "status": None,
                    "instead": None,
                    "changed_by": causes(a, boundary_causes.get(a, ())),
                }
            )
        rows.extend(steps)
    frame = pd.DataFrame(rows, columns=list(TIMELINE_COLUMNS))
    for col in ("start", "end"):
        frame[col] = pd.to_datetime(frame[col])
    frame["rate_pct"] = frame["rate_pct"].astype("float64")
    order = {TOTAL: 0, TOTAL_WITH_MAY_APPLY: 1}
    frame["_o"] = frame["series"].map(lambda v: order.get(v, 2))
    frame = frame.sort_values(["_o", "series", "start", "event_id"], kind="stable").drop(columns="_o")
    frame = frame.reset_index(drop=True)
    frame.attrs["version"] = data.version
    return frame


# --- every product, every day -------------------------------------------------------------------


@dataclass(frozen=True)
class RatePanel:
    """Daily totals for many HS codes.

    Codes that every event treats alike share one row of ``pattern_total`` (patterns x days);
    ``pattern[i]`` is the row of ``codes[i]``. ``total`` and ``total_with_may_apply`` expand these to
    arrays of shape (codes, days) on first use. ``total`` counts the layers that apply,
    ``total_with_may_apply`` adds those that may apply.
    """

    imposing: str
    target: str
    codes: tuple[str, ...]
    dates: npt.NDArray[np.datetime64]
    pattern: npt.NDArray[np.intp]
    pattern_total: npt.NDArray[np.float64]
    pattern_total_with_may_apply: npt.NDArray[np.float64]

    @functools.cached_property
    def total(self) -> npt.NDArray[np.float64]:
        """Total of the layers that apply, shape (codes, days)."""
        return self.pattern_total[self.pattern]

    @functools.cached_property
    def total_with_may_apply(self) -> npt.NDArray[np.float64]:
        """Total with the layers that may apply, shape (codes, days)."""
        return self.pattern_total_with_may_apply[self.pattern]

    def to_frame(self, which: str = TOTAL) -> pd.DataFrame:
        """One of the two totals as a wide DataFrame: a row per code, a column per day."""
        import pandas as pd

        if which not in (TOTAL, TOTAL_WITH_MAY_APPLY):
            raise InvalidArgumentError(
                f"which={which!r} is not a series of the panel.",
                hint=f"Choose {TOTAL!r} or {TOTAL_WITH_MAY_APPLY!r}.",
            )
        values = self.total if which == TOTAL else self.total_with_may_apply
        return pd.DataFrame(values, index=pd.Index(self.codes, name="hs_code"), columns=self.dates)


class _CodeIndex:
    """Where each prefix of the queried codes occurs, so an event's list is matched in one pass."""

    def __init__(self, codes: Sequence[str]) -> None:
        self.n = len(codes)
        self.position: dict[str, int] = {c: i for i, c in enumerate(codes)}
        self.by_prefix: dict[str, list[int]] = {}
        for i, code in enumerate(codes):
            for length in _LISTED_LENGTHS:
                if len(code) >= length:
                    self.by_prefix.setdefault(code[:length], []).append(i)

    def levels(self, event: _Event, products: _Products) -> npt.NDArray[np.int8]:
        """Coverage levels of one event for every code (the rules of :func:`_cover`)."""
        import numpy as np

        levels = self._product_levels(event, products)
        if event.exporter is not None:
            levels = np.minimum(levels, _MAYBE).astype(np.int8)
        return levels

    def _product_levels(self, event: _Event, products: _Products) -> npt.NDArray[np.int8]:
        import numpy as np

        if event.coverage == "all-goods":
            return np.full(self.n, _YES, dtype=np.int8)
        if event.coverage == "not-applicable":
            return np.zeros(self.n, dtype=np.int8)
        listed = np.zeros(self.n, dtype=bool)
        for code in products.listed:
            listed[self.by_prefix.get(code, [])] = True
        partial = np.zeros(self.n, dtype=bool)
        partial[[self.position[p] for p in products.prefixes if p in self.position]] = True
        partial &= ~listed
        if event.coverage == "listed-products":
            other = _NO if event.encoded else _MAYBE
            return np.where(listed, _YES, np.where(partial, _MAYBE, other)).astype(np.int8)
        other = _YES if event.encoded else _MAYBE
        return np.where(listed, _NO, np.where(partial, _MAYBE, other)).astype(np.int8)


def rate_panel(
    imposing: str,
    target: str,
    start: DateLike,
    end: DateLike,
    hs_codes: Sequence[str] | None = None,
    *,
    version: str | None = None,
) -> RatePanel:
    """The daily total for every HS code over a window, computed for all codes at once.

    Products that every event treats alike (same coverage level for each event) share one
    computation, and each computation turns its segments into daily values with cumulative sums,
    so the cost grows with the number of distinct coverage patterns, not of codes.

    Parameters
    ----------
    imposing, target, version
        As for :func:`rate_stack`.
    start, end
        First and last day (inclusive).
    hs_codes
        The codes; None for every code listed in ``tariff_event_products``.

    Examples
    --------
    >>> from policydata.tariffs import rate_panel
    >>> panel = rate_panel("USA", "CHN", "2018-01-01", "2018-01-31", hs_codes=["950300"])
    >>> panel.total.shape
    (1, 31)
    """
    import numpy as np

    imp, tgt = _jurisdiction(imposing, "imposing"), _jurisdiction(target, "target")
    first, last = _date(start, "start"), _date(end, "end")
    if last < first:
        raise InvalidArgumentError(
            f"The window ends ({last}) before it starts ({first}).", hint="Swap start and end."
        )
    data = _data(version)
    codes = tuple(data.all_codes if hs_codes is None else (_hs(c) for c in hs_codes))
    pair = data.pair(imp, tgt)
    events = list(pair.nodes) + [e for excls in pair.exclusions.values() for e in excls]
    days = (last - first).days + 1
    dates = np.arange(np.datetime64(first, "D"), np.datetime64(last, "D") + 1)
    if not codes or not events:
        zeros = np.zeros((1, days))
        return RatePanel(imp, tgt, codes, dates, np.zeros(len(codes), dtype=np.intp), zeros, zeros.copy())
    code_index = _CodeIndex(codes)
    matrix = np.stack(
        [code_index.levels(e, data.products.get(e.event_id, _NO_PRODUCTS)) for e in events], axis=1
    )
    patterns, inverse = np.unique(matrix, axis=0, return_inverse=True)
    ids = [e.event_id for e in events]
    # reasons only matter for display; the panel needs the levels
    sure = np.zeros((len(patterns), days + 1))
    upper = np.zeros((len(patterns), days + 1))
    alternative = np.zeros((len(patterns), days))
    per_exporter = np.zeros((len(patterns), days))

    def index(day: dt.date | None) -> int:
        if day is None:
            return days
        return min(max((day - first).days, 0), days)

    for p, pattern in enumerate(patterns):
        cover = {event_id: (int(level), "") for event_id, level in zip(ids, pattern, strict=True)}
        for seg in _segments(pair, cover):
            a, b = index(seg.start), index(seg.stop)
            if a >= b:
                continue
            rate = seg.event.rate or 0.0
            if seg.without:
                sure[p, a] += rate
                sure[p, b] -= rate
            if seg.with_ and seg.instead and not seg.without:
                # an alternative to everything else, not an addition (see _totals)
                np.maximum(alternative[p, a:b], rate, out=alternative[p, a:b])
            elif seg.with_ and seg.event.exporter is not None and not seg.without:
                # rates for different exporters are alternatives (see _totals)
                np.maximum(per_exporter[p, a:b], rate, out=per_exporter[p, a:b])
            elif seg.with_:
                upper[p, a] += rate
                upper[p, b] -= rate
    sure_daily = np.round(np.cumsum(sure, axis=1)[:, :days], 6)
    with_daily = np.maximum(np.round(np.cumsum(upper, axis=1)[:, :days] + per_exporter, 6), alternative)
    return RatePanel(imp, tgt, codes, dates, inverse.reshape(-1).astype(np.intp), sure_daily, with_daily)
