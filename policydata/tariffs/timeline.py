"""The timeline: how the additional duty on a product (or on every line) changed over a window."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from policydata.release import open_release
from policydata.tariffs import query as q
from policydata.tariffs.coverage import LineTable, Reason
from policydata.tariffs.events import NOMENCLATURE, OPEN, Index, Pair, index, ordinal, to_date
from policydata.tariffs.segments import APPLIES, EXCLUDED, MAY, NOT, Engine, Outcome, Run, Status, run
from policydata.tariffs.stack import engine

if TYPE_CHECKING:
    import pandas as pd

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
    "reasons",
    "lines",
    "changed_by",
)
#: the lowest additional duty of any line and reading (the sure total of a one-line question)
TOTAL = "total"
#: the highest additional duty of any line and single reading
TOTAL_UPPER = "total_upper"
#: the simple (unweighted) average over the question's lines of the sure / upper duty
MEAN = "mean"
MEAN_UPPER = "mean_upper"
#: percent of the question's lines with an additional duty in every reading / in some reading
SHARE = "share_covered"
SHARE_UPPER = "share_covered_upper"
SUMMARY_SERIES = (TOTAL, TOTAL_UPPER, MEAN, MEAN_UPPER, SHARE, SHARE_UPPER)


@dataclass
class _Piece:
    """One stretch of the window over which no line's outcome changes."""

    start: int
    stop: int
    values: dict[str, float]
    lines: int
    layers: dict[str, tuple[Status, frozenset[Reason], bool]] = field(default_factory=dict)


def _status(counts: Mapping[Status, int], lines: int, present: int) -> Status:
    if counts[APPLIES] == lines:
        return APPLIES
    if counts[APPLIES] or counts[MAY]:
        return MAY
    return EXCLUDED if counts[EXCLUDED] == present else NOT


def _piece(result: Run, k: int, stop: int) -> _Piece | None:
    import numpy as np

    ids = result.result[:, k]
    ids = ids[ids >= 0]
    if ids.size == 0:
        return None
    uniq, counts = np.unique(ids, return_counts=True)
    outcomes: list[Outcome] = [result.outcomes[int(u)] for u in uniq]
    sure = np.array([o.sure for o in outcomes])
    upper = np.array([o.upper for o in outcomes])
    n = int(counts.sum())
    values = {
        TOTAL: float(sure.min()),
        TOTAL_UPPER: float(upper.max()),
        MEAN: round(float((sure * counts).sum() / n), 6),
        MEAN_UPPER: round(float((upper * counts).sum() / n), 6),
        SHARE: round(100.0 * float(counts[sure > 0].sum()) / n, 6),
        SHARE_UPPER: round(100.0 * float(counts[upper > 0].sum()) / n, 6),
    }
    tally: dict[str, Counter[Status]] = {}
    why: dict[str, set[Reason]] = {}
    instead: dict[str, bool] = {}
    for outcome, c in zip(outcomes, counts.tolist(), strict=True):
        for s in outcome.layers:
            tally.setdefault(s.event_id, Counter())[s.status] += c
            why.setdefault(s.event_id, set()).update(s.reasons)
            instead[s.event_id] = instead.get(s.event_id, False) or s.instead
    layers = {e: (_status(t, n, sum(t.values())), frozenset(why[e]), instead[e]) for e, t in tally.items()}
    return _Piece(result.days[k], stop, values, n, layers)


def _pieces(
    eng: Engine, idx: Index, imposing: str, question: q.Query, first: dt.date, last: dt.date
) -> list[_Piece]:
    out: list[_Piece] = []
    for a, b in q.regimes(idx, imposing, first, last):
        found = q.lines(idx, imposing, question, a, b)
        result = run(
            eng,
            LineTable(found.lines, window=(ordinal(a), ordinal(b) + 1)),
            ordinal(a),
            ordinal(b) + 1,
            exporter=question.exporter,
            valid=found.valid,
        )
        for k in range(len(result.days)):
            stop = result.days[k + 1] if k + 1 < len(result.days) else result.stop
            piece = _piece(result, k, stop)
            if piece is not None:
                out.append(piece)
    return out


def _causes(pair: Pair, idx: Index) -> dict[int, set[str]]:
    """Day -> the events (and, where no event did, the lists) that changed something that day."""
    found: dict[int, set[str]] = {}
    for e in (*pair.nodes, *pair.exclusion_events, *pair.others):
        for d in (e.start, e.stop):
            if d < OPEN:
                found.setdefault(d, set()).add(e.event_id)
    for list_id in pair.list_ids:
        lst = idx.lists.get(list_id)
        if lst is None:
            continue
        for d in {*lst.columns[2], *lst.columns[3]}:
            if d < OPEN and d not in found:
                found.setdefault(-d, set()).add(list_id)
    return found


def _changed(causes: Mapping[int, set[str]], day: int) -> str:
    named = causes.get(day) or causes.get(-day) or set()
    return "; ".join(sorted(named))


def _summary_rows(
    pieces: Sequence[_Piece], base: dict[str, Any], causes: Mapping[int, set[str]], first: int
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for series in SUMMARY_SERIES:
        steps: list[dict[str, Any]] = []
        for p in pieces:
            value = p.values[series]
            if steps and steps[-1]["rate_pct"] == value and steps[-1]["_stop"] == p.start:
                steps[-1]["_stop"] = p.stop
                continue
            start = p.start
            steps.append(
                {
                    **base,
                    "series": series,
                    "event_id": None,
                    "authority": None,
                    "start": start,
                    "_stop": p.stop,
                    "rate_pct": value,
                    "status": None,
                    "instead": None,
                    "reasons": None,
                    "lines": p.lines,
                    "changed_by": "" if start == first else _changed(causes, start),
                }
            )
        rows += steps
    return rows


def _layer_rows(
    pieces: Sequence[_Piece], base: dict[str, Any], pair: Pair, causes: Mapping[int, set[str]], first: int
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    last: dict[str, dict[str, Any]] = {}
    for p in pieces:
        for event_id, (status, why, instead) in p.layers.items():
            reasons = ";".join(sorted(r.value for r in why))
            prev = last.get(event_id)
            if (
                prev is not None
                and prev["_stop"] == p.start
                and (prev["status"], prev["reasons"]) == (status, reasons)
            ):
                prev["_stop"] = p.stop
                continue
            e = pair.events[event_id]
            row = {
                **base,
                "series": pair.layer_of[event_id],
                "event_id": event_id,
                "authority": e.authority,
                "start": p.start,
                "_stop": p.stop,
                "rate_pct": e.rate,
                "status": status,
                "instead": instead,
                "reasons": reasons,
                "lines": p.lines,
                "changed_by": "" if p.start == first else _changed(causes, p.start),
            }
            rows.append(row)
            last[event_id] = row
    return rows


def rate_timeline(
    imposing: str,
    target: str,
    start: q.DateLike,
    end: q.DateLike,
    hs_code: str | None = None,
    sector: str | None = None,
    *,
    exporter: str | None = None,
    version: str | None = None,
) -> pd.DataFrame:
    """The step series of the totals and of each layer between two dates, as a tidy DataFrame.

    Parameters
    ----------
    imposing, target, hs_code, sector, exporter, version
        As for :func:`~policydata.tariffs.rate_stack`; without ``hs_code`` and ``sector`` the
        question is about every line of the schedule (see :mod:`policydata.tariffs.query` for which
        lines that is on each day).
    start, end
        First and last day of the window (both inclusive).

    Returns
    -------
    pandas.DataFrame
        One row per step of a series, with columns ``imposing, target, query, series, event_id,
        authority, start, end, rate_pct, status, instead, reasons, lines, changed_by``. ``series``
        is ``total`` and ``total_upper`` (the lowest and highest additional duty of any line and
        reading), ``mean`` and ``mean_upper`` (the simple, unweighted average over the lines of the
        sure and the upper duty), ``share_covered`` and ``share_covered_upper`` (percent of the
        lines with an additional duty in every / in some reading; ``rate_pct`` holds the percent),
        or a layer id (the first event of the layer). ``start`` is a step's first day and ``end`` its
        exclusive end (``datetime64``; the last step ends the day after the window). For a layer,
        ``event_id`` is the event in force, ``status`` its status over the lines (``applies`` on
        every line, ``may apply``, ``does not apply``, ``excluded``), ``reasons`` its reason codes
        (``;``-separated). ``lines`` counts the lines answered; ``changed_by`` names the events (or,
        where no event did, the product lists) whose start or end caused the change at ``start``.
        ``frame.attrs`` holds the release ``version``, the ``regimes`` (stretches of the window
        and which lines each counts), and for a sector its id, name and codes (``sector``,
        ``sector_name``, ``codes``).

    Examples
    --------
    >>> from policydata.tariffs import rate_timeline
    >>> tl = rate_timeline("USA", "CHN", "2018-01-01", "2018-12-31", hs_code="4202.21.90")
    >>> sorted(set(tl["series"]) & {"total", "total_upper"})
    ['total', 'total_upper']

    A sector: the share of its tariff lines with a duty in every reading, and the simple average.

    >>> from policydata.tariffs import step_values
    >>> robots = rate_timeline("USA", "CHN", "2018-01-01", "2019-12-31", sector="MIC2025-02")
    >>> [(a.isoformat(), v) for a, _, v, _ in step_values(robots, "share_covered")]
    [('2018-01-01', 0.0), ('2018-07-06', 62.5)]
    """
    import pandas as pd

    imp, tgt = q.jurisdiction(imposing, "imposing"), q.jurisdiction(target, "target")
    first, last = q.window(start, end)
    idx = index(version)
    q.covered(idx, imp, tgt, last, open_release(version).as_of)
    question = q.query(idx, hs_code, sector, exporter)
    q.check_exporter(idx, imp, tgt, exporter)
    eng = engine(idx, imp, tgt)
    pieces = _pieces(eng, idx, imp, question, first, last)
    causes = _causes(eng.pair, idx)
    base = {"imposing": imp, "target": tgt, "query": question.label}
    rows = _summary_rows(pieces, base, causes, ordinal(first))
    rows += _layer_rows(pieces, base, eng.pair, causes, ordinal(first))
    for row in rows:
        row["start"] = to_date(row["start"])
        row["end"] = to_date(row.pop("_stop"))
    frame = pd.DataFrame(rows, columns=list(TIMELINE_COLUMNS))
    for col in ("start", "end"):
        frame[col] = pd.to_datetime(frame[col])
    frame["rate_pct"] = frame["rate_pct"].astype("float64")
    order = {s: i for i, s in enumerate(SUMMARY_SERIES)}
    frame["_o"] = frame["series"].map(lambda v: order.get(v, len(order)))
    frame = frame.sort_values(["_o", "series", "start", "event_id"], kind="stable").drop(columns="_o")
    frame = frame.reset_index(drop=True)
    frame.attrs["version"] = idx.version
    # what the chart names: the sector (id, name) and its codes
    frame.attrs["sector"] = question.sector
    known = idx.sectors.get(question.sector) if question.sector is not None else None
    frame.attrs["sector_name"] = known.name_en if known is not None else None
    frame.attrs["codes"] = list(question.prefixes) if not question.generic else []
    frame.attrs["regimes"] = [
        (a.isoformat(), b.isoformat(), _lines_label(idx, imp, a)) for a, b in q.regimes(idx, imp, first, last)
    ]
    return frame


def _lines_label(idx: Index, imposing: str, day: dt.date) -> str:
    """Which lines a stretch of a timeline counts, in words (for the chart)."""
    nom = NOMENCLATURE.get(imposing)
    edition = idx.edition_on(nom, ordinal(day)) if nom else None
    if edition is not None and edition.encoded:
        return f"lines of the {nom} schedule"
    basis = idx.basis_on(nom, ordinal(day)) if nom else None
    return f"lines the lists name ({basis or 'no schedule'})"


@dataclass(frozen=True)
class TimelineRow:
    """One change of the totals, for a table: the day, the totals from then, and the causes."""

    start: dt.date
    total_pct: float
    total_upper_pct: float
    mean_pct: float
    changed_by: tuple[str, ...]


def timeline_rows(frame: pd.DataFrame) -> list[TimelineRow]:
    """The days on which a timeline's totals change, with the values from then on and the causes.

    Examples
    --------
    >>> from policydata.tariffs import rate_timeline, timeline_rows
    >>> rows = timeline_rows(rate_timeline("USA", "CHN", "2018-01-01", "2018-12-31", hs_code="42022190"))
    >>> rows[0].start.isoformat()
    '2018-01-01'
    """
    totals = frame[frame["series"].isin([TOTAL, TOTAL_UPPER, MEAN])]
    out = []
    for day in sorted(set(totals["start"])):
        here = totals[totals["start"] <= day].sort_values("start").groupby("series").last()
        at = totals[totals["start"] == day]
        causes = sorted({c for v in at["changed_by"] for c in str(v).split("; ") if c})
        out.append(
            TimelineRow(
                day.date(),
                float(here.loc[TOTAL, "rate_pct"]),
                float(here.loc[TOTAL_UPPER, "rate_pct"]),
                float(here.loc[MEAN, "rate_pct"]),
                tuple(causes),
            )
        )
    return out


def step_values(frame: pd.DataFrame, series: str) -> list[tuple[dt.date, dt.date, float, str]]:
    """(start, end, value, changed_by) of one series of a timeline, in order (for drawing).

    Examples
    --------
    >>> from policydata.tariffs import rate_timeline, step_values
    >>> tl = rate_timeline("USA", "CHN", "2025-04-01", "2025-04-30", hs_code="95030000")
    >>> [(a.isoformat(), v) for a, _, v, _ in step_values(tl, "total")][-1]
    ('2025-04-10', 145.0)
    """
    rows = frame[frame["series"] == series].sort_values("start")
    columns = zip(
        rows["start"].tolist(),
        rows["end"].tolist(),
        rows["rate_pct"].tolist(),
        rows["changed_by"].tolist(),
        strict=True,
    )
    return [(a.date(), b.date(), float(v), str(c or "")) for a, b, v, c in columns]
