"""The answers of the rate and timeline pages: query parameters in, :mod:`policydata.tariffs` out.

Nothing here knows a tariff rule: the stack comes from :func:`policydata.tariffs.rate_stack` (its
``to_dict()``), the series from :func:`policydata.tariffs.rate_timeline` and
:func:`policydata.tariffs.timeline_rows`, and the chart from :func:`policydata.plot.plot_timelines`.
This module reads the parameters of a page's address, calls them, and shapes what they return
for a page or for JSON. A parameter that cannot be used raises
:class:`~policydata.errors.InvalidArgumentError`, which the pages answer with 400.

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
from policydata.tariffs import rate_stack, rate_timeline, timeline_rows

if TYPE_CHECKING:
    import pandas as pd

#: The longest parameter value read: anything longer is no code, date or id.
MAX_VALUE = 100
#: First day of a timeline when the address gives none.
DEFAULT_START = "2018-01-01"
#: The parameters of the pages, in the order of a shareable address.
PARAMETERS = ("imposing", "target", "hs", "sector", "exporter", "on", "from", "to", "one_way")
#: How many of the lines that share one answer a page names (the JSON names them all).
EXAMPLE_LINES = 8
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
    exporter: str | None = None

    def params(self) -> dict[str, str]:
        """The parameters of the page's address, in a fixed order (a shareable link)."""
        values = {
            "imposing": self.imposing,
            "target": self.target,
            "hs": self.hs,
            "sector": self.sector,
            "exporter": self.exporter,
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
    return not any((args.get(k) or "").strip() for k in PARAMETERS if k != "one_way")


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
        exporter=_get(args, "exporter"),
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
        exporter=_get(args, "exporter"),
        start=_get(args, "from") or DEFAULT_START,
        end=_get(args, "to") or (today or dt.date.today()).isoformat(),
        one_way=one_way,
    )


def rate_stack_data(query: RateQuery, version: str | None) -> dict[str, Any]:
    """The stack of :func:`policydata.tariffs.rate_stack` as plain data (its ``to_dict()``)."""
    stack = rate_stack(
        query.imposing,
        query.target,
        query.on or "",
        query.hs,
        query.sector,
        exporter=query.exporter,
        version=version,
    )
    data: dict[str, Any] = stack.to_dict()
    return data


def answers(stack: Mapping[str, Any], examples: int = EXAMPLE_LINES) -> list[dict[str, Any]]:
    """The stack's distinct answers (``values``) for a page: each with its number of lines and
    the first few of them."""
    return [
        {
            "additional_pct": value["additional_pct"],
            "additional_upper_pct": value["additional_upper_pct"],
            "count": len(value["lines"]),
            "examples": list(value["lines"][:examples]),
        }
        for value in stack.get("values", [])
    ]


def timelines(query: RateQuery, version: str | None, *, product: bool = True) -> list[pd.DataFrame]:
    """The timelines of :func:`policydata.tariffs.rate_timeline`: both directions unless one way.

    With ``product=False``, those of every line (the schedule), whatever product the query names.
    """
    directions = [(query.imposing, query.target)]
    if not query.one_way:
        directions.append((query.target, query.imposing))
    hs, sector, exporter = (query.hs, query.sector, query.exporter) if product else (None, None, None)
    return [
        rate_timeline(
            a,
            b,
            query.start or DEFAULT_START,
            query.end or "",
            hs,
            sector,
            exporter=exporter,
            version=version,
        )
        for a, b in directions
    ]


def timeline_png(
    query: RateQuery, frames: Sequence[pd.DataFrame], version: str | None, dpi: int = 100
) -> bytes:
    """The chart of :func:`policydata.plot.plot_timelines`, as PNG bytes.

    A product's chart shows the schedule's average beside it, as ``policydata timeline --plot``
    does. The pages draw in worker threads, and matplotlib is not thread-safe: one chart at a time.
    """
    product = query.hs is not None or query.sector is not None
    schedules = timelines(query, version, product=False) if product else None
    with _DRAWING:
        figure = plot_timelines(frames, schedules=schedules, dpi=dpi)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def timeline_data(frames: Sequence[pd.DataFrame]) -> list[dict[str, Any]]:
    """Each direction's changes (:func:`policydata.tariffs.timeline_rows`), as plain data."""
    return [
        {
            "imposing": str(frame["imposing"].iloc[0]),
            "target": str(frame["target"].iloc[0]),
            "query": str(frame["query"].iloc[0]),
            "version": frame.attrs.get("version"),
            "changes": [
                {
                    "date": row.start.isoformat(),
                    "total_pct": row.total_pct,
                    "total_upper_pct": row.total_upper_pct,
                    "mean_pct": row.mean_pct,
                    "changed_by": list(row.changed_by),
                }
                for row in timeline_rows(frame)
            ],
        }
        for frame in frames
    ]
