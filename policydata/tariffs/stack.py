"""The stack: every layer one jurisdiction applied to a product of another on one day, and totals."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from policydata.errors import InvalidArgumentError
from policydata.release import open_release
from policydata.tariffs import query as q
from policydata.tariffs import rules
from policydata.tariffs.coverage import NOTED, REASON_DOC, Line, LineTable, Reason
from policydata.tariffs.events import NOMENCLATURE, Event, Index, index, ordinal, to_date
from policydata.tariffs.segments import (
    APPLIES,
    EXCLUDED,
    MAY,
    NOT,
    Engine,
    LayerState,
    Outcome,
    Status,
    run,
    single,
)

if TYPE_CHECKING:
    import pandas as pd

#: above this many lines a question is evaluated with the vectorised engine
SCALAR_LINES = 48


@functools.cache
def engine(idx: Index, imposing: str, target: str) -> Engine:
    """The engine of one direction of a release (cached)."""
    return Engine(idx, idx.pair(imposing, target))


@dataclass(frozen=True)
class Layer:
    """One tariff event in force for the question's product on the day.

    ``status`` is ``applies`` (in every reading consistent with the data), ``may apply`` (in some;
    ``reasons`` say why), ``does not apply`` (displaced by a stacking rule: ``by`` and ``rules``
    say which) or ``excluded`` (taken out by an exclusion: ``by``). ``reasons`` are stable codes
    (:class:`~policydata.tariffs.coverage.Reason`), ``reason`` says the same in words. For a
    question over several lines, ``lines_applying`` and ``lines_may_apply`` count the lines where
    the layer applies and where it may apply, and ``share_pct`` and ``share_upper_pct`` give them as
    percent of the question's lines (applies; applies or may apply): each line counts once, whatever
    its trade. ``since`` and ``until`` bound the stretch over which
    the layer has had this status for a one-line question (``until`` exclusive, None when open);
    for several lines they are the event's own dates. ``instead`` marks a duty that applies in
    place of every other one.
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
    status: Status
    reasons: tuple[str, ...]
    reason: str
    by: tuple[str, ...]
    rules: tuple[str, ...]
    instead: bool
    lines_applying: int
    lines_may_apply: int
    share_pct: float
    share_upper_pct: float


@dataclass(frozen=True)
class LineAnswer:
    """The answer for one tariff line: additional duty (sure and upper), MFN rate, total."""

    code: str
    rest: bool
    additional_pct: float
    additional_upper_pct: float
    general_rate: str | None
    mfn_pct: float | None

    @property
    def total_pct(self) -> float | None:
        return None if self.mfn_pct is None else round(self.mfn_pct + self.additional_pct, 6)

    @property
    def total_upper_pct(self) -> float | None:
        return None if self.mfn_pct is None else round(self.mfn_pct + self.additional_upper_pct, 6)

    @property
    def label(self) -> str:
        return self.code + (" (other statistical lines)" if self.rest else "")


@dataclass(frozen=True)
class RateStack:
    """The tariff one jurisdiction applied to another's goods on one day, per tariff line.

    ``additional_pct`` is the additional duty every reading consistent with the data charges, on
    every line of the question; ``additional_upper_pct`` the highest any single reading charges on
    any line. ``mfn_pct`` is the general (MFN) rate where it is purely ad valorem and the same on
    every line (``general_rate``: its published text, e.g. a specific rate, never converted), and
    ``total_pct``/``total_upper_pct`` add it. ``lines`` holds each line's own answer; ``values``
    groups them. ``missing`` names question codes that are not lines of the edition in force
    (``edition``); ``enumerated`` is False when the lines below the question's code are not known
    (no encoded edition, and no list names one), so the code was answered as one line.

    Over the lines of the question (a sector, an HS6 or HS4 code, every line), each line counting
    once whatever its trade (the data has no trade weights): ``mean_pct`` and ``mean_upper_pct``
    are the simple, unweighted average additional duty (sure and upper); ``share_covered_pct`` and
    ``share_covered_upper_pct`` the percent of lines with an additional duty in every reading and
    in some reading; the range is ``additional_pct`` (the lowest line, every reading) to
    ``additional_upper_pct`` (the highest line, highest reading). For a sector, ``sector_name`` is
    its English name and ``codes`` its HS 2022 codes (for an HS code, the code; empty for every
    line).
    """

    imposing: str
    target: str
    on: dt.date
    query: str
    hs_code: str | None
    sector: str | None
    exporter: str | None
    version: str
    edition: str | None
    enumerated: bool
    missing: tuple[str, ...]
    layers: tuple[Layer, ...]
    lines: tuple[LineAnswer, ...]
    additional_pct: float
    additional_upper_pct: float
    general_rate: str | None
    mfn_pct: float | None
    total_pct: float | None
    total_upper_pct: float | None
    mean_pct: float
    mean_upper_pct: float
    share_covered_pct: float
    share_covered_upper_pct: float
    sector_name: str | None = None
    codes: tuple[str, ...] = ()

    @property
    def uncertain(self) -> bool:
        """True when some reading consistent with the data charges a different total."""
        return any(line.additional_pct != line.additional_upper_pct for line in self.lines)

    @property
    def agree(self) -> bool:
        """True when every line of the question has the same answer."""
        return len(self.values) <= 1

    @property
    def values(self) -> dict[tuple[float, float], tuple[str, ...]]:
        """(additional sure, upper) -> the lines with that answer."""
        grouped: dict[tuple[float, float], list[str]] = {}
        for line in self.lines:
            grouped.setdefault((line.additional_pct, line.additional_upper_pct), []).append(line.label)
        return {k: tuple(v) for k, v in sorted(grouped.items())}

    @property
    def alternatives(self) -> tuple[Layer, ...]:
        """Duties that may apply in place of every other one (postal shipments), not in the totals."""
        return tuple(la for la in self.layers if la.instead and la.status == MAY)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (dates as ISO strings), e.g. for JSON output."""
        out: dict[str, Any] = {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(self)
            if f.name not in ("layers", "lines")
        }
        out["on"] = self.on.isoformat()
        out["missing"] = list(self.missing)
        out["codes"] = list(self.codes)
        out["layers"] = [_layer_dict(la) for la in self.layers]
        out["values"] = [
            {"additional_pct": a, "additional_upper_pct": b, "lines": list(codes)}
            for (a, b), codes in self.values.items()
        ]
        out["lines"] = [
            {**dataclasses.asdict(line), "total_pct": line.total_pct, "total_upper_pct": line.total_upper_pct}
            for line in self.lines
        ]
        return out

    def to_frame(self) -> pd.DataFrame:
        """The layers as a pandas DataFrame, one row per event."""
        import pandas as pd

        return pd.DataFrame(
            [_layer_dict(la, iso=False) for la in self.layers],
            columns=[f.name for f in dataclasses.fields(Layer)],
        )


def _layer_dict(layer: Layer, *, iso: bool = True) -> dict[str, Any]:
    out = dataclasses.asdict(layer)
    if iso:
        out["effective_date"] = layer.effective_date.isoformat()
        out["since"] = layer.since.isoformat()
        out["until"] = layer.until.isoformat() if layer.until else None
        for name in ("reasons", "by", "rules"):
            out[name] = list(out[name])
    return out


# --- words ----------------------------------------------------------------------------------


def describe(state: LayerState) -> str:
    """What a layer's status and reasons mean, in words."""
    doubts = [REASON_DOC[r] for r in sorted(state.reasons) if r not in NOTED and r is not Reason.DISPLACED_IF]
    notes = [REASON_DOC[r] for r in sorted(state.reasons) if r in NOTED]
    if state.status == APPLIES and Reason.HEADING_GROUP in state.reasons:
        notes.insert(
            0, "one duty for the groups of its heading; the data does not say which group holds the line"
        )
    by = ", ".join(state.by)
    used = "; ".join(rules.DOCS.get(r, r) for r in state.rules)
    if state.status == EXCLUDED:
        parts = [f"excluded by {by}"]
    elif state.status == NOT and rules.EXCEPTED in state.rules:
        parts = [f"does not apply: the line is on the exception list {by}"]
    elif state.status == NOT and rules.ONE_HEADING in state.rules:
        parts = [f"counted once, under {by} (one chapter 99 heading, one duty)"]
    elif state.status == NOT:
        parts = [f"does not apply: {by} applies ({used})"]
    elif state.status == MAY:
        parts = doubts + (
            [f"does not apply if {by} does ({used})"] if Reason.DISPLACED_IF in state.reasons else []
        )
    else:
        parts = []
    return "; ".join(parts + notes)


# --- one day ---------------------------------------------------------------------------------


def _since_until(
    eng: Engine, line: Line, day: int, state: LayerState, exporter: str | None
) -> tuple[int, int]:
    """The stretch around ``day`` over which the layer keeps its status for the line."""
    bounds = eng.bounds()
    event = eng.pair.events[state.event_id]

    def same(d: int) -> bool:
        if not event.in_force(d):
            return False
        found = next((s for s in single(eng, line, d, exporter).layers if s.event_id == state.event_id), None)
        return found is not None and found.status == state.status

    i = _bisect(bounds, day)
    since = event.start
    for b in reversed(bounds[:i]):
        if b <= event.start:
            break
        if not same(b - 1):
            since = b
            break
    until = event.stop
    for b in bounds[i:]:
        if b >= event.stop:
            break
        if not same(b):
            until = b
            break
    return since, until


def _bisect(bounds: Sequence[int], day: int) -> int:
    import bisect

    return bisect.bisect_right(bounds, day)


def _outcomes(eng: Engine, lines: Sequence[Line], day: int, exporter: str | None) -> list[Outcome]:
    if len(lines) <= SCALAR_LINES:
        return [single(eng, line, day, exporter) for line in lines]
    table = LineTable(lines, window=(day, day + 1))
    result = run(eng, table, day, day + 1, exporter=exporter)
    return [result.outcomes[int(k)] for k in result.result[:, 0]]


def _aggregate(
    eng: Engine, outcomes: Sequence[Outcome], lines: Sequence[Line], day: int, exporter: str | None
) -> tuple[Layer, ...]:
    states: dict[str, list[LayerState]] = {}
    for outcome in outcomes:
        for s in outcome.layers:
            states.setdefault(s.event_id, []).append(s)
    out = []
    n = len(outcomes)
    for event_id, found in states.items():
        event = eng.pair.events[event_id]
        counts = Counter(s.status for s in found)
        status: Status
        if counts[APPLIES] == n:
            status = APPLIES
        elif counts[APPLIES] or counts[MAY]:
            status = MAY
        elif counts[EXCLUDED] == len(found):
            status = EXCLUDED
        else:
            status = NOT
        merged = LayerState(
            event_id,
            status,
            frozenset().union(*(s.reasons for s in found)),
            tuple(sorted({b for s in found for b in s.by})),
            tuple(sorted({r for s in found for r in s.rules})),
            any(s.instead for s in found),
        )
        text = describe(merged)
        if n > 1 and status == MAY and counts[APPLIES]:
            text = f"applies to {counts[APPLIES]} of {n} lines" + (f"; {text}" if text else "")
        if n == 1:
            since, until = _since_until(eng, lines[0], day, found[0], exporter)
        else:
            since, until = event.start, event.stop
        out.append(_layer(eng, event, merged, text, (since, until), (counts[APPLIES], counts[MAY], n)))
    return tuple(sorted(out, key=lambda la: (la.effective_date, la.event_id)))


def _layer(
    eng: Engine,
    event: Event,
    state: LayerState,
    text: str,
    span: tuple[int, int],
    counts: tuple[int, int, int],
) -> Layer:
    """A layer of the stack; ``counts`` are the lines where it applies, may apply, and all lines."""
    assert event.effective is not None
    assert event.rate is not None
    since, until = span
    applying, may, n = counts
    return Layer(
        event_id=event.event_id,
        layer_id=eng.pair.layer_of[event.event_id],
        authority=event.authority,
        title=event.title,
        rate_pct=event.rate,
        combines=event.combines,
        amends_event_id=event.amends,
        effective_date=event.effective,
        since=to_date(since) or event.effective,
        until=to_date(until),
        status=state.status,
        reasons=tuple(sorted(r.value for r in state.reasons)),
        reason=text,
        by=state.by,
        rules=state.rules,
        instead=state.instead,
        lines_applying=applying,
        lines_may_apply=may,
        share_pct=_percent(applying, n),
        share_upper_pct=_percent(applying + may, n),
    )


def _percent(part: int | float, whole: int) -> float:
    return round(100.0 * part / whole, 6) if whole else 0.0


def _summary(answers: Sequence[LineAnswer]) -> dict[str, float]:
    """Simple (unweighted) averages over the lines and the shares of lines with a duty."""
    n = len(answers)
    return {
        "mean_pct": round(sum(a.additional_pct for a in answers) / n, 6),
        "mean_upper_pct": round(sum(a.additional_upper_pct for a in answers) / n, 6),
        "share_covered_pct": _percent(sum(a.additional_pct > 0 for a in answers), n),
        "share_covered_upper_pct": _percent(sum(a.additional_upper_pct > 0 for a in answers), n),
    }


def _answers(
    idx: Index, imposing: str, lines: Sequence[Line], outcomes: Sequence[Outcome], day: int
) -> tuple[LineAnswer, ...]:
    out = []
    # many lines: the general rates of the day in one pass over the nomenclature
    rates = idx.lines.rates_on(day) if len(lines) > SCALAR_LINES else None
    for line, outcome in zip(lines, outcomes, strict=True):
        if rates is not None and NOMENCLATURE.get(imposing) == "HTS" and not line.unknown:
            text, pct = rates.get(line.code[:8], (None, None))
        else:
            text, pct = q.mfn(idx, imposing, line, day)
        out.append(LineAnswer(line.code, line.rest, outcome.sure, outcome.upper, text, pct))
    return tuple(out)


def _uniform(values: Sequence[Any]) -> Any:
    return values[0] if values and all(v == values[0] for v in values) else None


def rate_stack(
    imposing: str,
    target: str,
    on: q.DateLike,
    hs_code: str | None = None,
    sector: str | None = None,
    *,
    exporter: str | None = None,
    version: str | None = None,
) -> RateStack:
    """Every tariff layer ``imposing`` applied to goods of ``target`` on a date, per tariff line.

    Parameters
    ----------
    imposing, target
        Jurisdictions, ISO 3166-1 alpha-3 or EUN.
    on
        The date (a ``datetime.date`` or ``YYYY-MM-DD``).
    hs_code
        An HS/HTS code of 2 to 10 digits, read in the edition in force on the date. A code above
        the tariff lines (HS6, HS4) is answered for each line below it; without ``hs_code`` and
        ``sector`` the question is about every line of the schedule.
    sector
        A sector id (``sectors``): the question is the lines below its HS 2022 codes
        (``sector_codes``), each line once. The answer gives the simple, unweighted average
        additional duty over those lines (``mean_pct``, ``mean_upper_pct``), the share of lines
        with a duty (``share_covered_pct``, ``share_covered_upper_pct``; per layer ``share_pct``,
        ``share_upper_pct``) and the range (``additional_pct`` to ``additional_upper_pct``).
    exporter
        For rates that differ by exporter (the EU's duties on electric cars from China), the
        exporter whose rate applies (part of its name, e.g. ``"BYD"``); without it, the range over
        exporters.
    version
        Release version; None for the embedded release.

    Returns
    -------
    RateStack
        The layers in force and their status, each line's answer, and the totals: see
        :class:`RateStack` and the module :mod:`policydata.tariffs`.

    Raises
    ------
    InvalidArgumentError
        For an unknown jurisdiction, a malformed date or HS code, an unknown sector or one without
        HS codes (the error says why: ``no-published-list`` or ``list-not-read``), both ``hs_code``
        and ``sector``, or an exporter that names none (or several) of the exporters.

    Examples
    --------
    >>> from policydata.tariffs import rate_stack
    >>> stack = rate_stack("USA", "CHN", "2018-09-24", hs_code="4202.21.90")
    >>> stack.additional_pct <= stack.additional_upper_pct
    True

    A sector: machine tools and robots (Made in China 2025), the day List 1 took effect.

    >>> robots = rate_stack("USA", "CHN", "2018-07-06", sector="MIC2025-02")
    >>> robots.sector_name, len(robots.lines), robots.share_covered_pct
    ('High-end CNC machine tools and robots', 24, 62.5)
    >>> robots.additional_pct <= robots.mean_pct <= robots.additional_upper_pct
    True
    """
    imp, tgt = q.jurisdiction(imposing, "imposing"), q.jurisdiction(target, "target")
    first = q.date(on, "on")
    idx = index(version)
    q.covered(idx, imp, tgt, first, open_release(version).as_of)
    question = q.query(idx, hs_code, sector, exporter)
    q.check_exporter(idx, imp, tgt, exporter)
    eng = engine(idx, imp, tgt)
    found = q.lines(idx, imp, question, first)
    day = ordinal(first)
    outcomes = _outcomes(eng, found.lines, day, exporter)
    answers = _answers(idx, imp, found.lines, outcomes, day)
    mfn = _uniform([a.mfn_pct for a in answers])
    totals = [a.total_pct for a in answers]
    uppers = [a.total_upper_pct for a in answers]
    return RateStack(
        imposing=imp,
        target=tgt,
        on=first,
        query=question.label,
        hs_code=question.hs_code,
        sector=question.sector,
        exporter=exporter,
        version=idx.version,
        edition=found.edition,
        enumerated=found.enumerated,
        missing=found.missing,
        layers=_aggregate(eng, outcomes, found.lines, day, exporter),
        lines=answers,
        additional_pct=min(a.additional_pct for a in answers),
        additional_upper_pct=max(a.additional_upper_pct for a in answers),
        general_rate=_uniform([a.general_rate for a in answers]),
        mfn_pct=mfn,
        total_pct=None if None in totals else min(t for t in totals if t is not None),
        total_upper_pct=None if None in uppers else max(t for t in uppers if t is not None),
        **_summary(answers),
        sector_name=_sector_name(idx, question.sector),
        codes=() if question.generic else question.prefixes,
    )


def _sector_name(idx: Index, sector: str | None) -> str | None:
    found = idx.sectors.get(sector) if sector is not None else None
    return found.name_en if found is not None else None


def states_by_event(outcome: Outcome) -> Mapping[str, LayerState]:
    return {s.event_id: s for s in outcome.layers}


def list_members(list_id: str, on: q.DateLike, *, version: str | None = None) -> tuple[str, ...]:
    """The codes a product list holds on a day, as published (in the edition of each row).

    Parameters
    ----------
    list_id
        A ``product_lists.list_id``, e.g. ``USA-301-L1``.
    on
        The day.
    version
        Release version; None for the embedded release.

    Raises
    ------
    InvalidArgumentError
        For an unknown list or a malformed date.

    Examples
    --------
    >>> from policydata.tariffs import list_members
    >>> len([c for c in list_members("USA-301-L1", "2020-01-01") if len(c) == 8])
    818
    """
    idx = index(version)
    lst = idx.lists.get(list_id)
    if lst is None:
        known = ", ".join(sorted(idx.lists)[:8])
        raise InvalidArgumentError(
            f"{list_id!r} is not a product list of release {idx.version}.", hint=f"Lists include: {known}."
        )
    day = ordinal(q.date(on, "on"))
    codes, _, starts, stops, _ = lst.columns
    return tuple(sorted({c for c, a, z in zip(codes, starts, stops, strict=True) if a <= day < z}))
