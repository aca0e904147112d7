"""``policydata sectors``: the sectors of a plan under tariffs, both directions, as a table or a chart.

Everything is computed by :func:`policydata.tariffs.sector_timelines`; this command only prints,
writes or draws what it returns.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from policydata.cli.app import app, out
from policydata.cli.tariffs import _as_of
from policydata.dates import parse_date
from policydata.plot import plot_sectors
from policydata.tariffs import SectorTimeline, sector_timelines, year_ends
from policydata.tariffs.sectors import sector_frame


class SectorsFormat(StrEnum):
    text = "text"
    csv = "csv"


def _cell(st: SectorTimeline, day: dt.date) -> str:
    values = st.on(day)
    if values is None:
        return "n/a" if not st.mapped else "-"
    return f"{values.share_pct:.0f}%\n{values.mean_pct:.3g}%"


def _peak(st: SectorTimeline) -> str:
    peak = st.peak()
    return "n/a" if peak is None else f"{peak.mean_pct:.3g}%\n{peak.day:%Y-%m-%d}"


def _lines(st: SectorTimeline) -> str:
    if not st.mapped:
        return "-"
    return "\n".join(f"{n} from {a:%Y}" if k else str(n) for k, (a, _, n, _) in enumerate(st.lines))


def _header(day: dt.date) -> str:
    return f"{day:%Y}" if (day.month, day.day) == (12, 31) else f"{day:%Y-%m-%d}"


def _print(column: Sequence[SectorTimeline], days: Sequence[dt.date]) -> None:
    first = column[0]
    table = Table(
        title=f"{first.imposing} tariffs on goods from {first.target}, {first.start} to {first.end}: per "
        "sector, the share of its tariff lines with an additional duty (upper figure) and the simple "
        "average additional duty over them (unweighted, lower figure), due in every reading; a year "
        "stands for its 31 December",
        title_justify="left",
    )
    table.add_column("sector", no_wrap=True)
    table.add_column("name", max_width=30)
    table.add_column("lines")
    for day in days:
        table.add_column(_header(day), justify="right")
    table.add_column("highest average", justify="right")
    for st in column:
        name = st.name if st.mapped else f"{st.name}\nno HS codes: {st.hs_mapping}"
        table.add_row(st.sector_id, name, _lines(st), *(_cell(st, d) for d in days), _peak(st))
    out.print(table)


@app.command("sectors")
def sectors_cmd(
    imposing: Annotated[str, typer.Argument(help="Jurisdiction imposing the tariff, e.g. USA.")],
    target: Annotated[str, typer.Argument(help="The other jurisdiction, e.g. CHN.")],
    scheme: Annotated[str, typer.Option(help="MIC2025, FYP14, FYP15 or SEI.")] = "MIC2025",
    sector: Annotated[
        list[str] | None, typer.Option("--sector", help="A sector id instead of a scheme (repeatable).")
    ] = None,
    sub_sectors: Annotated[bool, typer.Option("--sub-sectors", help="The scheme's sub-sectors too.")] = False,
    start: Annotated[str, typer.Option("--from", help="First day, YYYY-MM-DD.")] = "2018-01-01",
    end: Annotated[
        str | None, typer.Option("--to", help="Last day, YYYY-MM-DD (default: the release's as-of date).")
    ] = None,
    on: Annotated[
        list[str] | None, typer.Option("--on", help="A day of the table (repeatable; default: year ends).")
    ] = None,
    one_way: Annotated[
        bool, typer.Option("--one-way", help="Only IMPOSING on TARGET, not also the other way.")
    ] = False,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Draw small multiples to this file (.png, .svg).")
    ] = None,
    version: Annotated[str | None, typer.Option(help="Release version (default: embedded).")] = None,
    format: Annotated[SectorsFormat, typer.Option("--format", help="Output format.")] = SectorsFormat.text,
) -> None:
    """How much of each sector of a plan was under tariffs, and how high: per direction, the share of
    the sector's tariff lines with an additional duty and the simple (unweighted) average duty."""
    first = parse_date(start, "--from")
    last = parse_date(end, "--to") if end is not None else _as_of(version)
    directions = [(imposing, target)] if one_way else [(imposing, target), (target, imposing)]
    columns = [
        sector_timelines(
            a, b, first, last, scheme=scheme, sectors=sector, sub_sectors=sub_sectors, version=version
        )
        for a, b in directions
    ]
    if plot is not None:
        tmp = plot.with_name(f".{plot.name}.partial{plot.suffix}")
        try:
            plot_sectors(columns, tmp)
            tmp.replace(plot)
        finally:
            tmp.unlink(missing_ok=True)
    if format is SectorsFormat.csv:
        import pandas as pd

        frames = [sector_frame(column) for column in columns]
        pd.concat(frames, ignore_index=True).to_csv(sys.stdout, index=False, date_format="%Y-%m-%d")
        return
    days = [parse_date(d, "--on") for d in on] if on else year_ends(first, last)
    for column in columns:
        _print(column, days)
    if plot is not None:
        out.print(f"wrote {plot}", markup=False)
