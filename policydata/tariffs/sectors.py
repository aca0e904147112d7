"""Sectors over time: the timeline of every sector of a scheme, for tables and small multiples.

A sector's question is the tariff lines below its HS 2022 codes (``sector_codes``), each line
counted once, whatever its trade: the data has no trade weights, so every average here is a simple,
unweighted average over tariff lines. A sector without HS codes (``sectors.hs_mapping`` is
``no-published-list`` or ``list-not-read``) has no lines to count: it is returned with the reason
and no timeline, never as a sector without duties.

Which lines are counted changes where the data changes kind (see :mod:`policydata.tariffs.query`):
for the US, the lines the Section 301 lists name until 2024 and every line of the HTS from 2025;
for China, the lines its lists name throughout. ``SectorTimeline.lines`` gives the count of each
stretch.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from policydata.errors import InvalidArgumentError
from policydata.tariffs import query as q
from policydata.tariffs.events import Index, Sector, index
from policydata.tariffs.timeline import (
    MEAN,
    MEAN_UPPER,
    SHARE,
    SHARE_UPPER,
    TIMELINE_COLUMNS,
    rate_timeline,
    step_values,
)

if TYPE_CHECKING:
    import pandas as pd

#: the schemes of ``sectors.scheme``
SCHEMES = ("MIC2025", "FYP14", "FYP15", "SEI")


@dataclass(frozen=True)
class SectorValues:
    """A sector's figures on one day: percent of its lines with a duty and the simple average
    additional duty over them (each in every reading, and in the highest reading)."""

    day: dt.date
    share_pct: float
    share_upper_pct: float
    mean_pct: float
    mean_upper_pct: float
    lines: int


@dataclass(frozen=True)
class SectorTimeline:
    """One sector in one direction over a window.

    ``frame`` is :func:`~policydata.tariffs.rate_timeline` over the sector's lines, or None when
    the sector has no HS codes; ``why`` then says why (from ``hs_mapping``). ``lines`` gives, for
    each stretch of the window that counts lines of one kind (``frame.attrs["regimes"]``), its
    first and last day, the number of lines counted and which lines those are.
    """

    sector_id: str
    name: str
    scheme: str
    parent_id: str | None
    hs_mapping: str | None
    codes: tuple[str, ...]
    imposing: str
    target: str
    start: dt.date
    end: dt.date
    frame: pd.DataFrame | None
    why: str | None
    lines: tuple[tuple[dt.date, dt.date, int, str], ...]

    @property
    def mapped(self) -> bool:
        return self.frame is not None

    def on(self, day: q.DateLike) -> SectorValues | None:
        """The figures on ``day``; None for a sector without codes or a day outside the window.

        Examples
        --------
        >>> from policydata.tariffs.sectors import sector_timelines
        >>> robots = sector_timelines("USA", "CHN", "2018-01-01", "2018-12-31", sectors=["MIC2025-02"])[0]
        >>> robots.on("2018-07-06").share_pct
        62.5
        """
        when = q.date(day, "day")
        if self.frame is None or not self.start <= when <= self.end:
            return None
        values = {s: _value(steps, when) for s, steps in self._steps.items()}
        lines = next((n for a, b, n, _ in self.lines if a <= when <= b), 0)
        return SectorValues(when, values[SHARE], values[SHARE_UPPER], values[MEAN], values[MEAN_UPPER], lines)

    def peak(self) -> SectorValues | None:
        """The figures on the first day of the highest simple average (every reading) in the window.

        Examples
        --------
        >>> from policydata.tariffs.sectors import sector_timelines
        >>> robots = sector_timelines("USA", "CHN", "2018-01-01", "2025-12-31", sectors=["MIC2025-02"])[0]
        >>> peak = robots.peak()
        >>> peak.day.isoformat(), peak.mean_pct
        ('2025-04-10', 170.0)
        """
        if self.frame is None:
            return None
        best = max(self._steps[MEAN], key=lambda step: step[2])  # max keeps the first of equal values
        return self.on(best[0])

    @functools.cached_property
    def _steps(self) -> dict[str, list[tuple[dt.date, dt.date, float, str]]]:
        """The steps of the summary series, read once (a frozen dataclass may cache in its dict)."""
        assert self.frame is not None
        return {s: step_values(self.frame, s) for s in (SHARE, SHARE_UPPER, MEAN, MEAN_UPPER)}


def _value(steps: Sequence[tuple[dt.date, dt.date, float, str]], day: dt.date) -> float:
    k = bisect.bisect_right([a for a, _, _, _ in steps], day) - 1
    return steps[k][2] if k >= 0 and day < steps[k][1] else 0.0


def scheme_sectors(
    scheme: str = "MIC2025", *, sub_sectors: bool = False, version: str | None = None
) -> list[Sector]:
    """The sectors of a scheme in id order: its top-level sectors (the ten key sectors of Made in
    China 2025), or every sector of it with ``sub_sectors``. A top-level sector that has no HS codes
    of its own but has sub-sectors (a heading, such as the 15th Five-Year Plan's "future
    industries") stands for them: its sub-sectors are listed in its place.

    Examples
    --------
    >>> from policydata.tariffs.sectors import scheme_sectors
    >>> [s.sector_id for s in scheme_sectors("MIC2025")][:3]
    ['MIC2025-01', 'MIC2025-02', 'MIC2025-03']
    >>> "FYP15-EMERGING" in [s.sector_id for s in scheme_sectors("FYP15")]
    False
    """
    if scheme not in SCHEMES:
        raise InvalidArgumentError(
            f"scheme={scheme!r} is not a scheme of the sectors table.",
            hint=f"Use one of: {', '.join(SCHEMES)}.",
        )
    idx = index(version)
    every = [s for s in idx.sectors.values() if s.scheme == scheme]
    if sub_sectors:
        return sorted(every, key=lambda s: s.sector_id)
    found = []
    for top in (s for s in every if s.parent_id is None):
        kids = [s for s in every if s.parent_id == top.sector_id]
        found += kids if kids and not idx.sector_codes.get(top.sector_id) else [top]
    return sorted(found, key=lambda s: s.sector_id)


def _one(
    idx: Index,
    sector: Sector,
    imposing: str,
    target: str,
    window: tuple[dt.date, dt.date],
    version: str | None,
) -> SectorTimeline:
    first, last = window
    codes = idx.sector_codes.get(sector.sector_id, ())
    frame = None
    why = None
    lines: tuple[tuple[dt.date, dt.date, int, str], ...] = ()
    if codes:
        frame = rate_timeline(imposing, target, first, last, sector=sector.sector_id, version=version)
        lines = tuple(_counts(frame))
    else:
        why = q.NO_CODES.get(sector.hs_mapping or "", "the crosswalk gives it no HS 2022 code")
    return SectorTimeline(
        sector.sector_id, sector.name_en, sector.scheme, sector.parent_id, sector.hs_mapping, codes,
        imposing, target, first, last, frame, why, lines,
    )  # fmt: skip


def _counts(frame: pd.DataFrame) -> list[tuple[dt.date, dt.date, int, str]]:
    """Lines counted in each stretch of a timeline (from the share series, which spans the window)."""
    rows = frame[frame["series"] == SHARE]
    out = []
    for a, b, label in frame.attrs.get("regimes", []):
        first, last = dt.date.fromisoformat(a), dt.date.fromisoformat(b)
        here = rows[(rows["start"].dt.date <= last) & (rows["end"].dt.date > first)]
        out.append((first, last, int(here["lines"].max()) if len(here) else 0, str(label)))
    return out


def sector_timelines(
    imposing: str,
    target: str,
    start: q.DateLike,
    end: q.DateLike,
    *,
    scheme: str = "MIC2025",
    sectors: Sequence[str] | None = None,
    sub_sectors: bool = False,
    version: str | None = None,
) -> list[SectorTimeline]:
    """The timeline of each sector of a scheme (or of the sectors named), one direction.

    Parameters
    ----------
    imposing, target
        Jurisdictions, as for :func:`~policydata.tariffs.rate_stack` (``USA``, ``CHN``).
    start, end
        First and last day of the window (both inclusive).
    scheme
        ``MIC2025`` (default: the ten key sectors of Made in China 2025), ``FYP14``, ``FYP15`` or
        ``SEI``; ignored when ``sectors`` is given.
    sectors
        Sector ids to answer instead, in this order.
    sub_sectors
        With a scheme, its sub-sectors too (e.g. MIC2025-01-01, integrated circuits).
    version
        Release version; None for the embedded release.

    Returns
    -------
    list of SectorTimeline
        One per sector, in id order (or the order of ``sectors``); a sector without HS codes has no
        ``frame`` and says ``why``. Every average is a simple, unweighted average over the
        sector's tariff lines.

    Raises
    ------
    InvalidArgumentError
        For an unknown jurisdiction, scheme or sector, or a malformed window.

    Examples
    --------
    >>> from policydata.tariffs.sectors import sector_timelines
    >>> mic = sector_timelines("USA", "CHN", "2018-01-01", "2018-12-31")
    >>> len(mic), [s.sector_id for s in mic if not s.mapped]
    (10, ['MIC2025-09'])
    >>> mic[8].hs_mapping, mic[8].on("2018-12-31") is None
    ('list-not-read', True)
    """
    imp, tgt = q.jurisdiction(imposing, "imposing"), q.jurisdiction(target, "target")
    window = q.window(start, end)
    idx = index(version)
    if sectors is None:
        chosen = scheme_sectors(scheme, sub_sectors=sub_sectors, version=version)
    else:
        chosen = []
        for sector_id in sectors:
            if sector_id not in idx.sectors:
                q.sector_codes(idx, sector_id)  # raises: not a sector of the release
            chosen.append(idx.sectors[sector_id])
    return [_one(idx, s, imp, tgt, window, version) for s in chosen]


def year_ends(start: q.DateLike, end: q.DateLike) -> list[dt.date]:
    """31 December of each year of a window and its last day (the days of a sector table).

    Examples
    --------
    >>> from policydata.tariffs.sectors import year_ends
    >>> [d.isoformat() for d in year_ends("2018-01-01", "2020-06-30")]
    ['2018-12-31', '2019-12-31', '2020-06-30']
    """
    first, last = q.window(start, end)
    days = [dt.date(y, 12, 31) for y in range(first.year, last.year + 1) if dt.date(y, 12, 31) <= last]
    return days if days and days[-1] == last else [*days, last]


#: the columns :func:`sector_frame` puts before those of a timeline
SECTOR_COLUMNS = ("sector_id", "sector_name", "scheme", "hs_mapping")


def sector_frame(timelines: Sequence[SectorTimeline]) -> pd.DataFrame:
    """Sector timelines as one tidy frame (e.g. for CSV).

    The columns are ``sector_id, sector_name, scheme, hs_mapping`` and then those of
    :func:`~policydata.tariffs.rate_timeline`. A sector without HS codes is one row with its
    ``hs_mapping`` and no series, so that it is listed, not left out.

    Examples
    --------
    >>> from policydata.tariffs.sectors import sector_frame, sector_timelines
    >>> frame = sector_frame(sector_timelines("CHN", "USA", "2018-01-01", "2018-12-31"))
    >>> new_materials = frame[frame["sector_id"] == "MIC2025-09"]
    >>> len(new_materials), new_materials["hs_mapping"].iloc[0], bool(new_materials["series"].isna().all())
    (1, 'list-not-read', True)
    """
    import pandas as pd

    parts = []
    for st in timelines:
        head = {
            "sector_id": st.sector_id,
            "sector_name": st.name,
            "scheme": st.scheme,
            "hs_mapping": st.hs_mapping,
        }
        if st.frame is None:
            row = {**head, "imposing": st.imposing, "target": st.target}
            parts.append(pd.DataFrame([row], columns=[*SECTOR_COLUMNS, *TIMELINE_COLUMNS]))
        else:
            parts.append(st.frame.assign(**head)[[*SECTOR_COLUMNS, *TIMELINE_COLUMNS]])
    return (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=[*SECTOR_COLUMNS, *TIMELINE_COLUMNS])
    )
