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
    """The total plus the highest layer that may apply (e.g. the rate on the most heavily hit list).

    A duty that may apply in place of every other one (``instead``) is an alternative to that sum.
    """
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
        alone = active["instead"].fillna(False).astype(bool)
        top = float(active[~alone]["rate_pct"].max()) if (~alone).any() else 0.0
        alternative = float(active[alone]["rate_pct"].max()) if alone.any() else 0.0
        moved = maybe[(maybe["start"].dt.date == day) | (maybe["end"].dt.date == day)]
        here = next((s.causes for s in total if s.start == day), "")
        causes = "; ".join(sorted(set(moved["event_id"]) | {c for c in here.split("; ") if c}))
        value = max(round(base + top, 6), alternative)
        if out and out[-1].value == value:
            continue
        out.append(_Step(day, value, causes))
    return out


def _label(frame: pd.DataFrame, step: _Step, solid: bool) -> str:
    """What happened on a change day, in words short enough for the key."""
    imposing, target = str(frame["imposing"].iloc[0]), str(frame["target"].iloc[0])
    layers = frame[~frame["series"].isin([TOTAL, TOTAL_WITH_MAY_APPLY])]
    counted = ["applies"] if solid else ["applies", "may apply"]
    day = layers["start"].dt.date == step.start
    started = sorted(set(layers[day & layers["status"].isin(counted)]["event_id"]))
    ended = sorted(set(layers[layers["end"].dt.date == step.start]["event_id"]) - set(started))
    named = set(started) | set(ended)
    others = [c for c in step.causes.split("; ") if c and c not in named]
    parts = []
    if started:
        parts.append(_short(started, imposing, target))
    if ended and not started:
        parts.append("end of " + _short(ended, imposing, target))
    if others:
        parts.append(f"({_short(others, imposing, target)})")
    return " ".join(parts) or _short(step.causes.split("; "), imposing, target)


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
        linewidth=1.3 if dashed else 2.4,
        linestyle=(0, (4, 2)) if dashed else "-",
        alpha=0.7 if dashed else 1.0,
        label=label,
    )


@dataclass(frozen=True)
class _Change:
    number: int
    step: _Step
    solid: bool
    text: str


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
    >>> fig.axes[0].get_title(loc="left")
    'USA tariffs on goods from CHN'
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
    first = min(f["start"].min() for f in timelines).date()
    end = max(f["end"].max() for f in timelines).date()

    # the lines and their numbered changes, per direction
    panels: list[
        tuple[pd.DataFrame, str, list[_Step], list[_Step] | None, tuple[str, str], list[_Change]]
    ] = []
    for k, frame in enumerate(timelines):
        total = _steps(frame[frame["series"] == TOTAL])
        query = str(frame["query"].iloc[0])
        # the dashed line adds the single highest layer that may apply: summing them all would add up
        # product lists that exclude each other, which no product pays
        upper = _top_listed(frame, total, end)
        what = "on all goods" if query == GENERIC_QUERY else f"on {query}: layers that apply"
        labels = (what, "with the highest layer that may apply")
        has_upper = [s.value for s in upper] != [s.value for s in total]
        solid_days = {s.start for s in total if s.causes}
        raw = [(s, True) for s in total if s.causes]
        # a change both lines share is numbered once, on the solid line
        raw += [(s, False) for s in (upper if has_upper else []) if s.causes and s.start not in solid_days]
        raw.sort(key=lambda c: (c[0].start, not c[1]))
        changes = [_Change(i, s, solid, _label(frame, s, solid)) for i, (s, solid) in enumerate(raw, start=1)]
        panels.append(
            (frame, COLOURS[k % len(COLOURS)], total, upper if has_upper else None, labels, changes)
        )
    zoom = _busiest([c.step.start for p in panels for c in p[5]], first, end)
    top = max(max(s.value for s in (p[3] or []) + p[2]) for p in panels)
    ylim = max(top, 10.0) * 1.18

    n = len(panels)
    key_rows = [max(2, -(-len(p[5]) // 3)) for p in panels]
    heights = [h for rows in key_rows for h in (4.0, 0.2 + 0.16 * rows)]
    fig = Figure(figsize=(15 if zoom else 12, sum(heights) + 1.0), layout="constrained")
    grid = fig.add_gridspec(
        2 * n, 2 if zoom else 1, height_ratios=heights, width_ratios=[3, 2] if zoom else [1]
    )
    main_axes: list[Axes] = []
    for k, (frame, colour, total, dashed_line, labels, changes) in enumerate(panels):
        imposing, target = str(frame["imposing"].iloc[0]), str(frame["target"].iloc[0])
        ax = fig.add_subplot(grid[2 * k, 0], sharex=main_axes[0] if main_axes else None)
        main_axes.append(ax)
        views = [(ax, _num(first), _num(end))]
        if zoom:
            zx = fig.add_subplot(grid[2 * k, 1], sharey=ax)
            views.append((zx, _num(zoom[0]), _num(zoom[1])))
            ax.axvspan(_num(zoom[0]), _num(zoom[1]), color="#000000", alpha=0.05, linewidth=0)
            ax.text(
                _num(zoom[1]), ylim * 0.97, "detail ▸ ", ha="right", va="top", fontsize=8, color="#555555"
            )
        for view, lo, hi in views:
            if dashed_line is not None:
                _draw(view, dashed_line, end, colour, labels[1], dashed=True)
            _draw(view, total, end, colour, labels[0])
            view.set_ylim(0, ylim)
            view.set_xlim(lo, hi)
            view.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}%"))
            view.grid(axis="y", color="#e3e3e3", linewidth=0.8)
            view.spines[["top", "right"]].set_visible(False)
        # numbers go where they can be told apart: in the detail panel when there is one
        if zoom:
            _mark(
                ax,
                [c for c in changes if not zoom[0] <= c.step.start < zoom[1]],
                colour,
                _num(first),
                _num(end),
            )
            zx = views[1][0]
            _mark(zx, changes, colour, _num(zoom[0]), _num(zoom[1]))
            locator = mdates.AutoDateLocator(maxticks=8)  # type: ignore[no-untyped-call]
            zx.xaxis.set_major_locator(locator)
            zx.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
            zx.set_title(
                f"detail, {zoom[0]:%b %Y} to {zoom[1]:%b %Y}", loc="left", fontsize=10, color="#555555"
            )
        else:
            _mark(ax, changes, colour, _num(first), _num(end))
        ax.set_title(f"{imposing} tariffs on goods from {target}", loc="left", fontsize=13, fontweight="bold")
        ax.set_ylabel("additional tariff, % ad valorem")
        ax.legend(loc="upper left", frameon=False, fontsize=9)
        if (end - first).days > 3 * 366:
            ax.xaxis.set_major_locator(mdates.YearLocator())  # type: ignore[no-untyped-call]
            ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))  # type: ignore[no-untyped-call]
        else:
            locator = mdates.AutoDateLocator()  # type: ignore[no-untyped-call]
            ax.xaxis.set_major_locator(locator)
            ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
        # the key: one entry per numbered change, in three columns
        key = fig.add_subplot(grid[2 * k + 1, :])
        key.set_axis_off()
        if not changes:
            key.text(0, 1, "no change in the window", va="top", fontsize=8)
        rows = key_rows[k]
        for i, c in enumerate(changes):
            col, row = divmod(i, rows)
            key.text(
                col / 3,
                1 - row / rows,
                f"{c.number:>2}  {c.step.start:%Y-%m-%d}  {c.step.value:>5g}%  {_clip(c.text, 40)}",
                va="top",
                ha="left",
                fontsize=7.5,
                family="monospace",
                color=colour if c.solid else "#444444",
            )
    version = timelines[0].attrs.get("version", "")
    fig.suptitle(
        title or f"Additional tariffs, {first:%Y-%m-%d} to {end - dt.timedelta(days=1):%Y-%m-%d}",
        fontsize=15,
        fontweight="bold",
    )
    note = (
        "Statutory additional ad valorem rates on top of ordinary duties, not trade-weighted. Numbered: each "
        "change of a line and the events that caused it (coloured: solid line; grey: dashed line only)."
    )
    fig.supxlabel(
        note + (f" Data: policydata release {version}." if version else ""), fontsize=8, x=0.01, ha="left"
    )
    if path is not None:
        fig.savefig(path, dpi=dpi)
    return fig
