"""The answers of the rate and timeline pages: query parameters in, :mod:`policydata.tariffs` out.

Nothing here knows a tariff rule: the stack comes from :func:`policydata.tariffs.rate_stack`, the
series from :func:`policydata.tariffs.rate_timeline` and the chart from
:func:`policydata.plot.plot_timelines`. This module reads the parameters of a page's address,
calls them, and shapes what they return for a page or for JSON. A parameter that cannot be used
raises :class:`~policydata.errors.InvalidArgumentError`, which the pages answer with 400.

Examples
--------
>>> query = rate_query({"imposing": "USA", "target": "CHN", "hs": "950300", "on": "2025-04-10"})
>>> query.link("/-/rate")
'/-/rate?imposing=USA&target=CHN&hs=950300&on=2025-04-10'
"""

from __future__ import annotations

import datetime as dt
import io
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from policydata.errors import InvalidArgumentError
from policydata.plot import plot_timelines
from policydata.tariffs import rate_stack, rate_timeline

if TYPE_CHECKING:
    import pandas as pd

#: The series of a timeline that hold the totals (``rate_timeline``'s documented ``series`` values).
TOTAL, TOTAL_WITH_MAY_APPLY = "total", "total_with_may_apply"
#: The longest parameter value read: anything longer is no code, date or id.
MAX_VALUE = 100
#: First day of a timeline when the address gives none.
DEFAULT_START = "2018-01-01"
_DRAWING = threading.Lock()


def _get(args: Mapping[str, str], name: str) -> str | None:
    value = (args.get(name) or "").strip()
    if len(value) > MAX_VALUE:
        raise InvalidArgumentError(
            f"{name} is {len(value)} characters long; expected at most {MAX_VALUE}.",
            hint=f"Give {name} as a code, a date or an id.",
        )
    return value or None


def _required(args: Mapping[str, str], name: str, example: str) -> str:
    value = _get(args, name)
    if value is None:
        raise InvalidArgumentError(
            f"The parameter {name} is missing.", hint=f"Add {name}={example} to the address."
        )
    return value


@dataclass(frozen=True)
class RateQuery:
    """What a rate or timeline page asks: who taxes whose goods, which product, when."""

    imposing: str
    target: str
    hs: str | None = None
    sector: str | None = None
    on: str | None = None
    start: str | None = None
    end: str | None = None
    one_way: bool = False

    def params(self) -> dict[str, str]:
        """The parameters of the page's address, in a fixed order (a shareable link)."""
        values = {
            "imposing": self.imposing,
            "target": self.target,
            "hs": self.hs,
            "sector": self.sector,
            "on": self.on,
            "from": self.start,
            "to": self.end,
            "one_way": "1" if self.one_way else None,
        }
        return {k: v for k, v in values.items() if v is not None}

    def link(self, path: str, suffix: str = "") -> str:
        """The address of ``path`` (``/-/rate``, ``/-/timeline``) for this query."""
        return f"{path}{suffix}?{urlencode(self.params())}"


def is_empty(args: Mapping[str, str]) -> bool:
    """True when the address asks nothing (the page then shows only its form)."""
    return not any(
        (args.get(k) or "").strip() for k in ("imposing", "target", "hs", "sector", "on", "from", "to")
    )


def rate_query(args: Mapping[str, str], today: dt.date | None = None) -> RateQuery:
    """The question of a rate page's address; ``on`` defaults to ``today``.

    Raises
    ------
    InvalidArgumentError
        If ``imposing`` or ``target`` is missing, or a value is far too long.
    """
    return RateQuery(
        imposing=_required(args, "imposing", "USA"),
        target=_required(args, "target", "CHN"),
        hs=_get(args, "hs"),
        sector=_get(args, "sector"),
        on=_get(args, "on") or (today or dt.date.today()).isoformat(),
    )


def timeline_query(args: Mapping[str, str], today: dt.date | None = None) -> RateQuery:
    """The question of a timeline page's address; the window defaults to 2018-01-01 to ``today``."""
    one_way = (args.get("one_way") or "").strip().lower() in ("1", "true", "yes", "on")
    return RateQuery(
        imposing=_required(args, "imposing", "USA"),
        target=_required(args, "target", "CHN"),
        hs=_get(args, "hs"),
        sector=_get(args, "sector"),
        start=_get(args, "from") or DEFAULT_START,
        end=_get(args, "to") or (today or dt.date.today()).isoformat(),
        one_way=one_way,
    )


def rate_stack_data(query: RateQuery, version: str | None) -> dict[str, Any]:
    """The stack of :func:`policydata.tariffs.rate_stack` as plain data (its ``to_dict()``)."""
    stack = rate_stack(query.imposing, query.target, query.on or "", query.hs, query.sector, version=version)
    data: dict[str, Any] = stack.to_dict()
    return data


def timelines(query: RateQuery, version: str | None) -> list[pd.DataFrame]:
    """The timelines of :func:`policydata.tariffs.rate_timeline`: both directions unless one way."""
    directions = [(query.imposing, query.target)]
    if not query.one_way:
        directions.append((query.target, query.imposing))
    return [
        rate_timeline(
            a, b, query.start or DEFAULT_START, query.end or "", query.hs, query.sector, version=version
        )
        for a, b in directions
    ]


def timeline_png(frames: Sequence[pd.DataFrame], dpi: int = 100) -> bytes:
    """The chart of :func:`policydata.plot.plot_timelines`, as PNG bytes.

    The pages draw in worker threads, and matplotlib is not thread-safe: one chart at a time.
    """
    with _DRAWING:
        figure = plot_timelines(frames, dpi=dpi)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def timeline_changes(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The days one direction's totals changed: date, total, total with may-apply, causes."""
    totals = frame[frame["series"].isin([TOTAL, TOTAL_WITH_MAY_APPLY])]
    rows = []
    for day in sorted(set(totals["start"])):
        here = totals[totals["start"] <= day].sort_values("start").groupby("series").last()
        at = totals[totals["start"] == day]
        causes = sorted({c for v in at["changed_by"] for c in str(v or "").split("; ") if c})
        rows.append(
            {
                "date": day.date().isoformat(),
                "total_pct": float(here.loc[TOTAL, "rate_pct"]),
                "total_with_may_apply_pct": float(here.loc[TOTAL_WITH_MAY_APPLY, "rate_pct"]),
                "changed_by": causes,
            }
        )
    return rows


def timeline_data(frames: Sequence[pd.DataFrame]) -> list[dict[str, Any]]:
    """Each direction's changes, as plain data."""
    return [
        {
            "imposing": str(frame["imposing"].iloc[0]),
            "target": str(frame["target"].iloc[0]),
            "query": str(frame["query"].iloc[0]),
            "version": frame.attrs.get("version"),
            "changes": timeline_changes(frame),
        }
        for frame in frames
    ]
