"""Charts of tariff timelines (needs the optional extra ``policydata[plot]``, i.e. matplotlib).

Drawing only: every series comes from :func:`policydata.tariffs.rate_timeline` (and
:func:`policydata.tariffs.step_values`). The chart is drawn on a matplotlib ``Figure`` without
pyplot, so it uses no global state and no display: it works the same in a script, a test or a
notebook.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from policydata.errors import InvalidArgumentError
from policydata.io import require
from policydata.tariffs import (
    GENERIC_QUERY,
    MEAN,
    MEAN_UPPER,
    SHARE,
    TIMELINE_COLUMNS,
    TOTAL,
    TOTAL_UPPER,
    step_values,
)

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: colours per direction, picked to stay apart for readers with red-green colour blindness
COLOURS = ("#c0392b", "#1f5fa8", "#6a3d9a", "#b15928", "#33a02c")
#: the schedule's average and its share of lines covered
GREY = "#555555"
AVERAGE_LABEL = "simple average over tariff lines (unweighted)"
SHARE_LABEL = "share of tariff lines with an additional duty (right axis)"


@dataclass(frozen=True)
class _Step:
    start: dt.date
    value: float
    causes: str


def _steps(frame: pd.DataFrame, series: str) -> list[_Step]:
    return [_Step(a, v, c) for a, _, v, c in step_values(frame, series)]


@dataclass(frozen=True)
class _Change:
    number: int
    step: _Step
    solid: bool
    text: str


@dataclass(frozen=True)
class _Panel:
    """What one direction's panel draws: a solid and a dashed line, and the numbered changes."""

    frame: pd.DataFrame
    colour: str
    solid: list[_Step]
    dashed: list[_Step] | None
    labels: tuple[str, str]
    changes: list[_Change]
    share: list[_Step] | None
    schedule: list[_Step] | None


def _label(frame: pd.DataFrame, step: _Step) -> str:
    """What happened on a change day, in words short enough for the key."""
    imposing, target = str(frame["imposing"].iloc[0]), str(frame["target"].iloc[0])
    names = [c for c in step.causes.split("; ") if c]
    return _short(names, imposing, target) if names else "lines or lists changed"


def _short(event_ids: Sequence[str], imposing: str, target: str) -> str:
    """Event ids without their direction prefix, which the panel title already says."""
    names = []
    for event_id in event_ids:
        parts = event_id.split("-")
        names.append("-".join(parts[2:]) if parts[:2] == [imposing, target] and len(parts) > 3 else event_id)
    if len(names) > 2:
        return f"{', '.join(names[:2])} +{len(names) - 2}"
    return ", ".join(names)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _num(day: dt.date) -> float:
    import matplotlib.dates as mdates

    return float(mdates.date2num(day))  # type: ignore[no-untyped-call]


def _draw(
    ax: Axes, series: list[_Step], end: dt.date, colour: str, label: str, *, style: str = "solid"
) -> None:
    import matplotlib.dates as mdates

    xs = mdates.date2num([s.start for s in series] + [end])  # type: ignore[no-untyped-call]
    ys = [s.value for s in series] + [series[-1].value]
    widths = {"solid": 2.4, "dashed": 1.3, "thin": 1.1}
    dashes = {"solid": "-", "dashed": (0, (4, 2)), "thin": (0, (1, 1.5))}
    ax.step(
        xs,
        ys,
        where="post",
        color=colour,
        linewidth=widths[style],
        linestyle=dashes[style],
        alpha=1.0 if style == "solid" else 0.75,
        label=label,
    )


def _mark(ax: Axes, changes: Sequence[_Change], colour: str, lo: float, hi: float) -> None:
    """Number the change points that fall in [lo, hi), nudging up those that would overlap."""
    width = hi - lo
    placed: list[tuple[float, float]] = []
    ymax = ax.get_ylim()[1]
    for c in changes:
        x = _num(c.step.start)
        if not lo <= x < hi:
            continue
        lift = 6.0
        # points closer than 2.2% of the axis width and 6% of its height collide: stack them
        while any(
            abs(x - px) < 0.022 * width and abs(c.step.value + lift * ymax / 300 - py) < 0.06 * ymax
            for px, py in placed
        ):
            lift += 13.0
        placed.append((x, c.step.value + lift * ymax / 300))
        ax.annotate(
            str(c.number),
            (x, c.step.value),
            xytext=(0, lift),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=7.5,
            fontweight="bold",
            color="white",
            bbox={
                "boxstyle": "circle,pad=0.18",
                "facecolor": colour if c.solid else "#666666",
                "edgecolor": "none",
            },
            arrowprops={"arrowstyle": "-", "color": "#999999", "linewidth": 0.6} if lift > 6 else None,
            zorder=5,
        )


def _busiest(days: Sequence[dt.date], first: dt.date, end: dt.date) -> tuple[dt.date, dt.date] | None:
    """The stretch of about 18 months with the most changes, when a long window crowds them there."""
    span = dt.timedelta(days=548)
    if (end - first).days < 4 * 365 or len(days) < 5:
        return None
    ordered = sorted(days)
    best, best_count = ordered[0], 0
    for d in ordered:
        count = sum(1 for x in ordered if d <= x < d + span)
        if count > best_count:
            best, best_count = d, count
    if best_count < 5:
        return None
    lo = max(first, best - dt.timedelta(days=45))
    return lo, min(end, lo + span + dt.timedelta(days=90))


def _changes(frame: pd.DataFrame, solid: list[_Step], dashed: list[_Step] | None) -> list[_Change]:
    """Numbered changes: every change of the solid line, and those of the dashed line alone."""
    solid_days = {s.start for s in solid[1:]}
    raw = [(s, True) for s in solid[1:]]
    raw += [(s, False) for s in (dashed or [])[1:] if s.start not in solid_days]
    raw.sort(key=lambda c: (c[0].start, not c[1]))
    return [_Change(i, s, solid, _label(frame, s)) for i, (s, solid) in enumerate(raw, start=1)]


def _panel(frame: pd.DataFrame, k: int, schedule: pd.DataFrame | None) -> _Panel:
    generic = str(frame["query"].iloc[0]) == GENERIC_QUERY
    if generic:
        solid, dashed = _steps(frame, MEAN), _steps(frame, MEAN_UPPER)
        labels = (f"{AVERAGE_LABEL}, duty in every reading", "the same, highest reading")
    else:
        solid, dashed = _steps(frame, TOTAL), _steps(frame, TOTAL_UPPER)
        labels = (f"{frame['query'].iloc[0]}: lowest duty (every reading)", "highest single reading")
    upper: list[_Step] | None = dashed
    if [s.value for s in dashed] == [s.value for s in solid]:
        upper = None
    share = _steps(frame, SHARE) if generic else None
    avg = _steps(schedule, MEAN) if schedule is not None else None
    colour = COLOURS[k % len(COLOURS)]
    return _Panel(frame, colour, solid, upper, labels, _changes(frame, solid, upper), share, avg)


def _check(timelines: Sequence[pd.DataFrame]) -> None:
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


def _format_axis(ax: Axes, first: dt.date, end: dt.date) -> None:
    import matplotlib.dates as mdates
    from matplotlib.ticker import FuncFormatter

    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}%"))
    ax.grid(axis="y", color="#e3e3e3", linewidth=0.8)
    ax.spines[["top", "right"]].set_visible(False)
    if (end - first).days > 3 * 366:
        ax.xaxis.set_major_locator(mdates.YearLocator())  # type: ignore[no-untyped-call]
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))  # type: ignore[no-untyped-call]
    else:
        locator = mdates.AutoDateLocator()  # type: ignore[no-untyped-call]
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]


def _lines(view: Axes, p: _Panel, end: dt.date, ylim: float, lo: float, hi: float) -> None:
    if p.schedule is not None:
        _draw(view, p.schedule, end, GREY, f"every tariff line: {AVERAGE_LABEL}", style="thin")
    if p.dashed is not None:
        _draw(view, p.dashed, end, p.colour, p.labels[1], style="dashed")
    _draw(view, p.solid, end, p.colour, p.labels[0])
    view.set_ylim(0, ylim)
    view.set_xlim(lo, hi)


def _share_axis(ax: Axes, p: _Panel, end: dt.date) -> None:
    """The share of lines covered, on a right-hand axis from 0 to 100%."""
    if p.share is None:
        return
    right = ax.twinx()
    _draw(right, p.share, end, GREY, SHARE_LABEL, style="thin")
    right.set_ylim(0, 118)
    right.set_ylabel("share of tariff lines covered", fontsize=8, color=GREY)
    right.tick_params(axis="y", labelsize=8, colors=GREY)
    right.spines[["top"]].set_visible(False)
    right.legend(loc="upper right", frameon=False, fontsize=8)


def _regimes(ax: Axes, frame: pd.DataFrame, ylim: float) -> None:
    """Where the lines counted change kind (from the lists' snapshots to an encoded schedule)."""
    regimes = frame.attrs.get("regimes", [])
    if len(regimes) < 2:
        return
    for (_, _, before), (start, _, after) in itertools.pairwise(regimes):
        x = _num(dt.date.fromisoformat(start))
        ax.axvline(x, color="#999999", linewidth=0.8, linestyle=(0, (2, 2)))
        ax.text(x, ylim * 0.6, f"◂ {_clip(before, 40)} ", fontsize=7, color=GREY, va="top", ha="right")
        ax.text(x, ylim * 0.55, f" {_clip(after, 40)} ▸", fontsize=7, color=GREY, va="top")


def _key(key: Axes, p: _Panel, rows: int) -> None:
    key.set_axis_off()
    if not p.changes:
        key.text(0, 1, "no change in the window", va="top", fontsize=8)
    for i, c in enumerate(p.changes):
        col, row = divmod(i, rows)
        key.text(
            col / 3,
            1 - row / rows,
            f"{c.number:>2}  {c.step.start:%Y-%m-%d}  {c.step.value:>6.4g}%  {_clip(c.text, 38)}",
            va="top",
            ha="left",
            fontsize=7.5,
            family="monospace",
            color=p.colour if c.solid else "#444444",
        )


def _direction(
    fig: Figure,
    grid: object,
    k: int,
    p: _Panel,
    span: tuple[dt.date, dt.date, float],
    zoom: tuple[dt.date, dt.date] | None,
    shared: Axes | None,
) -> Axes:
    first, end, ylim = span
    ax = fig.add_subplot(grid[2 * k, 0], sharex=shared)  # type: ignore[index]
    views = [(ax, _num(first), _num(end))]
    if zoom:
        zx = fig.add_subplot(grid[2 * k, 1], sharey=ax)  # type: ignore[index]
        views.append((zx, _num(zoom[0]), _num(zoom[1])))
        ax.axvspan(_num(zoom[0]), _num(zoom[1]), color="#000000", alpha=0.05, linewidth=0)
        zx.set_title(f"detail, {zoom[0]:%b %Y} to {zoom[1]:%b %Y}", loc="left", fontsize=10, color=GREY)
    for view, lo, hi in views:
        _lines(view, p, end, ylim, lo, hi)
        _format_axis(
            view,
            first if view is ax else zoom[0] if zoom else first,
            end if view is ax else zoom[1] if zoom else end,
        )
    _mark(
        ax,
        [c for c in p.changes if not (zoom and zoom[0] <= c.step.start < zoom[1])],
        p.colour,
        _num(first),
        _num(end),
    )
    if zoom:
        _mark(views[1][0], p.changes, p.colour, _num(zoom[0]), _num(zoom[1]))
    _regimes(ax, p.frame, ylim)
    imposing, target = str(p.frame["imposing"].iloc[0]), str(p.frame["target"].iloc[0])
    ax.set_title(f"{imposing} tariffs on goods from {target}", loc="left", fontsize=13, fontweight="bold")
    ax.set_ylabel("additional tariff, % ad valorem")
    ax.legend(loc="upper left", frameon=False, fontsize=9)
    _share_axis(ax, p, end)
    return ax


def plot_timelines(
    timelines: Sequence[pd.DataFrame],
    path: str | Path | None = None,
    *,
    schedules: Sequence[pd.DataFrame] | None = None,
    title: str | None = None,
    dpi: int = 150,
) -> Figure:
    """Draw rate timelines as step charts, one panel per direction, with the changes numbered.

    A timeline of every tariff line (:func:`~policydata.tariffs.rate_timeline` without a product)
    is drawn as the simple, unweighted average over the lines (duty in every reading, solid; in the
    highest reading, dashed) with the share of lines covered on a right-hand axis; a product's
    timeline as its lowest and highest duty, with the schedule's average beside it when
    ``schedules`` gives it.

    Parameters
    ----------
    timelines
        Frames returned by :func:`policydata.tariffs.rate_timeline`, one per direction (e.g. US on
        China and China on the US), all over the same window.
    path
        Where to save the chart (the format follows the suffix, e.g. ``.png`` or ``.svg``); None to
        only return the figure.
    schedules
        Optional timelines of every line, one per direction in the same order, drawn in grey.
    title
        The chart's title; a default names the window.
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
    >>> fig = plot_timelines([rate_timeline("USA", "CHN", "2018-01-01", "2018-12-31", hs_code="42022190")])
    >>> fig.axes[0].get_title(loc="left")
    'USA tariffs on goods from CHN'
    """
    require("matplotlib", "plot", "Drawing a chart")
    from matplotlib.figure import Figure

    _check(timelines)
    first = min(f["start"].min() for f in timelines).date()
    end = max(f["end"].max() for f in timelines).date()
    panels = [_panel(f, k, schedules[k] if schedules else None) for k, f in enumerate(timelines)]
    zoom = _busiest([c.step.start for p in panels for c in p.changes], first, end)
    top = max(max(s.value for s in (p.dashed or []) + p.solid + (p.schedule or [])) for p in panels)
    ylim = max(top, 10.0) * 1.18
    key_rows = [max(2, -(-len(p.changes) // 3)) for p in panels]
    heights = [h for rows in key_rows for h in (4.0, 0.2 + 0.16 * rows)]
    fig = Figure(figsize=(15 if zoom else 12, sum(heights) + 1.0), layout="constrained")
    grid = fig.add_gridspec(
        2 * len(panels), 2 if zoom else 1, height_ratios=heights, width_ratios=[3, 2] if zoom else [1]
    )
    shared: Axes | None = None
    for k, p in enumerate(panels):
        ax = _direction(fig, grid, k, p, (first, end, ylim), zoom, shared)
        shared = shared or ax
        _key(fig.add_subplot(grid[2 * k + 1, :]), p, key_rows[k])
    version = timelines[0].attrs.get("version", "")
    fig.suptitle(
        title or f"Additional tariffs, {first:%Y-%m-%d} to {end - dt.timedelta(days=1):%Y-%m-%d}",
        fontsize=15,
        fontweight="bold",
    )
    note = (
        "Statutory additional ad valorem rates on top of ordinary (MFN) duties. Averages are simple, "
        "unweighted "
        "averages over tariff lines: trade weights are not in the data. Numbered: each change of a line "
        "(coloured: solid line; grey: dashed line only) and the events that caused it."
    )
    fig.supxlabel(
        note + (f" Data: policydata release {version}." if version else ""), fontsize=8, x=0.01, ha="left"
    )
    if path is not None:
        fig.savefig(path, dpi=dpi)
    return fig
