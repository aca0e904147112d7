"""Charts of tariff timelines (needs the optional extra ``policydata[plot]``, i.e. matplotlib).

The chart is drawn on a matplotlib ``Figure`` without pyplot, so it uses no global state and no
display: it works the same in a script, a test or a notebook.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from policydata.errors import InvalidArgumentError
from policydata.io import require
from policydata.tariffs import GENERIC_QUERY, TIMELINE_COLUMNS, TOTAL, TOTAL_WITH_MAY_APPLY

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: colours per direction, picked to stay apart for readers with red-green colour blindness
COLOURS = ("#c0392b", "#1f5fa8", "#6a3d9a", "#b15928", "#33a02c")


@dataclass(frozen=True)
class _Step:
    start: dt.date
    value: float
    causes: str


def _steps(rows: pd.DataFrame) -> list[_Step]:
    rows = rows.sort_values("start")
    columns = zip(rows["start"].tolist(), rows["rate_pct"].tolist(), rows["changed_by"].tolist(), strict=True)
    return [_Step(start.date(), float(rate), str(causes or "")) for start, rate, causes in columns]


def _top_listed(frame: pd.DataFrame, total: list[_Step], end: dt.date) -> list[_Step]:
    """The total plus the highest layer that may apply: the rate on the most heavily hit list."""
    layers = frame[~frame["series"].isin([TOTAL, TOTAL_WITH_MAY_APPLY])]
    maybe = layers[layers["status"] == "may apply"]
    bounds = sorted(
        {s.start for s in total} | {d.date() for d in maybe["start"]} | {d.date() for d in maybe["end"]}
    )
    out: list[_Step] = []
    for day in bounds:
        if day >= end:
            break
        base = next((s.value for s in reversed(total) if s.start <= day), 0.0)
        active = maybe[(maybe["start"].dt.date <= day) & (maybe["end"].dt.date > day)]
        top = float(active["rate_pct"].max()) if len(active) else 0.0
        started = active[active["start"].dt.date == day]
        causes = "; ".join(sorted(set(started["event_id"]))) or next(
            (s.causes for s in total if s.start == day), ""
        )
        value = round(base + top, 6)
        if out and out[-1].value == value:
            continue
        out.append(_Step(day, value, causes))
    return out


def _short(event_ids: str, imposing: str, target: str) -> str:
    """Event ids without their direction and year prefix, which the panel title already says."""
    names = []
    for event_id in event_ids.split("; "):
        parts = event_id.split("-")
        names.append("-".join(parts[3:]) if parts[:2] == [imposing, target] and len(parts) > 3 else event_id)
    if len(names) > 3:
        return f"{', '.join(names[:3])} +{len(names) - 3}"
    return ", ".join(names)


def _num(day: dt.date) -> float:
    import matplotlib.dates as mdates

    return float(mdates.date2num(day))  # type: ignore[no-untyped-call]


def _draw(
    ax: Axes, series: list[_Step], end: dt.date, colour: str, label: str, *, dashed: bool = False
) -> None:
    import matplotlib.dates as mdates

    xs = mdates.date2num([s.start for s in series] + [end])  # type: ignore[no-untyped-call]
    ys = [s.value for s in series] + [series[-1].value]
    ax.step(
        xs,
        ys,
        where="post",
        color=colour,
        linewidth=1.4 if dashed else 2.4,
        linestyle=(0, (4, 2)) if dashed else "-",
        alpha=0.75 if dashed else 1.0,
        label=label,
    )


def _annotate(ax: Axes, changes: list[tuple[_Step, str, bool]], colour: str) -> list[str]:
    """Number the change points in date order (solid line in colour, dashed in grey); return the key."""
    key = []
    for i, (step, text, on_solid) in enumerate(changes, start=1):
        ax.annotate(
            str(i),
            (_num(step.start), step.value),
            xytext=(0, 7),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=7.5,
            fontweight="bold",
            color="white",
            bbox={
                "boxstyle": "circle,pad=0.18",
                "facecolor": colour if on_solid else "#555555",
                "edgecolor": "none",
            },
            zorder=5,
        )
        line = "━" if on_solid else "╌"
        key.append(f"{i:>2} {line} {step.start:%Y-%m-%d} {step.value:>5g}%  {text}")
    return key


def plot_timelines(
    timelines: Sequence[pd.DataFrame],
    path: str | Path | None = None,
    *,
    title: str | None = None,
    dpi: int = 150,
) -> Figure:
    """Draw rate timelines as step charts, one panel per direction, with the changes numbered.

    Parameters
    ----------
    timelines
        Frames returned by :func:`policydata.tariffs.rate_timeline`, one per direction (e.g. US on
        China and China on the US), all over the same window.
    path
        Where to save the chart (the format follows the suffix, e.g. ``.png`` or ``.svg``); None to
        only return the figure.
    title
        The chart's title; a default names the directions and the window.
    dpi
        Resolution of raster output.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    MissingDependencyError
        If matplotlib is not installed (install ``policydata[plot]``).

    Examples
    --------
    >>> from policydata.tariffs import rate_timeline
    >>> from policydata.plot import plot_timelines
    >>> fig = plot_timelines([rate_timeline("USA", "CHN", "2018-01-01", "2018-12-31")])
    >>> len(fig.axes)
    1
    """
    require("matplotlib", "plot", "Drawing a chart")
    import matplotlib.dates as mdates
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    if not timelines:
        raise InvalidArgumentError("No timeline to draw.", hint="Pass frames returned by rate_timeline.")
    for frame in timelines:
        missing = [c for c in TIMELINE_COLUMNS if c not in frame.columns]
        if missing or frame.empty:
            raise InvalidArgumentError(
                "A frame to draw is not a rate timeline (empty, or missing columns "
                f"{', '.join(missing) or 'none'}).",
                hint="Pass frames returned by policydata.tariffs.rate_timeline.",
            )
    n = len(timelines)
    tops: list[float] = []
    fig = Figure(figsize=(13, 4.2 * n + 0.9), layout="constrained")
    axes = fig.subplots(n, 1, sharex=True, squeeze=False)[:, 0]
    first = min(f["start"].min() for f in timelines).date()
    end = max(f["end"].max() for f in timelines).date()
    for k, (ax, frame) in enumerate(zip(axes, timelines, strict=True)):
        colour = COLOURS[k % len(COLOURS)]
        imposing, target = str(frame["imposing"].iloc[0]), str(frame["target"].iloc[0])
        query = str(frame["query"].iloc[0])
        total = _steps(frame[frame["series"] == TOTAL])
        generic = query == GENERIC_QUERY
        if generic:
            upper = _top_listed(frame, total, end)
            solid_label = "on all goods"
            dashed_label = "with the highest product-list layer (may apply)"
        else:
            upper = _steps(frame[frame["series"] == TOTAL_WITH_MAY_APPLY])
            solid_label = f"on {query}: layers that apply"
            dashed_label = "with layers that may apply"
        has_upper = [s.value for s in upper] != [s.value for s in total]
        if has_upper:
            _draw(ax, upper, end, colour, dashed_label, dashed=True)
        _draw(ax, total, end, colour, solid_label)
        solid = [(s, _short(s.causes, imposing, target), True) for s in total if s.causes]
        solid_days = {s.start for s, _, _ in solid}
        # a change both lines share is numbered once, on the solid line
        dashed = [
            (s, _short(s.causes, imposing, target), False)
            for s in (upper if has_upper else [])
            if s.causes and s.start not in solid_days
        ]
        key = _annotate(ax, sorted(solid + dashed, key=lambda c: (c[0].start, not c[2])), colour)
        ax.set_title(f"{imposing} tariffs on goods from {target}", loc="left", fontsize=12, fontweight="bold")
        ax.set_ylabel("additional tariff, % ad valorem")
        tops.append(max([s.value for s in upper + total] + [10.0]))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}%"))
        ax.grid(axis="y", color="#dddddd", linewidth=0.8)
        ax.spines[["top", "right"]].set_visible(False)
        ax.legend(loc="upper left", frameon=False, fontsize=9)
        ax.text(
            1.01,
            1.0,
            "\n".join(["changes (━ solid line, ╌ dashed line)", *key]) if key else "no change in the window",
            transform=ax.transAxes,
            va="top",
            ha="left",
            fontsize=7,
            family="monospace",
        )
    for ax in axes:
        # one scale for every panel, so the directions compare at a glance
        ax.set_ylim(0, max(tops) * 1.15)
    axes[-1].set_xlim(_num(first), _num(end))
    if (end - first).days > 3 * 366:
        axes[-1].xaxis.set_major_locator(mdates.YearLocator())  # type: ignore[no-untyped-call]
        axes[-1].xaxis.set_major_formatter(mdates.DateFormatter("%Y"))  # type: ignore[no-untyped-call]
    else:
        locator = mdates.AutoDateLocator()  # type: ignore[no-untyped-call]
        axes[-1].xaxis.set_major_locator(locator)
        axes[-1].xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    version = timelines[0].attrs.get("version", "")
    fig.suptitle(
        title or f"Additional tariffs, {first:%Y-%m-%d} to {end - dt.timedelta(days=1):%Y-%m-%d}",
        fontsize=14,
        fontweight="bold",
    )
    note = (
        "Statutory additional ad valorem rates on top of ordinary duties, not trade-weighted. "
        "Numbered points: the changes of each line and the events that caused them."
    )
    fig.supxlabel(
        note + (f" Data: policydata release {version}." if version else ""), fontsize=8, x=0.01, ha="left"
    )
    if path is not None:
        fig.savefig(path, dpi=dpi)
    return fig
