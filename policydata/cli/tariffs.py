"""Tariff questions: ``rate`` and ``timeline``."""

from __future__ import annotations

import datetime as dt
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from policydata.cli.app import app, err, out
from policydata.dates import parse_date
from policydata.errors import InvalidArgumentError, PolicyDataError
from policydata.plot import plot_timelines
from policydata.release import open_release
from policydata.tariffs import TOTAL, TOTAL_WITH_MAY_APPLY, rate_stack, rate_timeline


class StackFormat(StrEnum):
    text = "text"
    json = "json"


class TimelineFormat(StrEnum):
    text = "text"
    csv = "csv"


def _iso(value: str | None, option: str) -> dt.date | None:
    return parse_date(value, option) if value is not None else None


def _as_of(version: str | None) -> dt.date:
    """The release's as-of date: the latest day it can answer for (today when it records none)."""
    as_of = open_release(version).as_of
    return parse_date(as_of, "as_of") if as_of else dt.date.today()


def _check_plot_path(plot: Path) -> None:
    """Refuse a chart path that cannot be written, before anything is computed."""
    if not plot.parent.is_dir():
        raise InvalidArgumentError(
            f"--plot {plot}: the folder {plot.parent} does not exist.",
            hint="Create the folder first, or write the chart elsewhere.",
        )


def _write_plot(frames: list[Any], plot: Path) -> None:
    tmp = plot.with_name(f".{plot.name}.partial{plot.suffix}")
    try:
        plot_timelines(frames, tmp)
        tmp.replace(plot)
    except PolicyDataError:
        raise
    except (OSError, ValueError) as exc:
        # an unwritable folder, or a suffix matplotlib has no writer for
        raise InvalidArgumentError(
            f"--plot {plot}: the chart cannot be written ({exc}).",
            hint="Choose a writable path ending in .png, .svg or .pdf.",
        ) from None
    finally:
        tmp.unlink(missing_ok=True)


@app.command()
def rate(
    imposing: Annotated[str, typer.Argument(help="Jurisdiction imposing the tariff, e.g. USA.")],
    target: Annotated[str, typer.Argument(help="Jurisdiction whose goods are taxed, e.g. CHN.")],
    on: Annotated[
        str | None, typer.Option("--on", help="Date, YYYY-MM-DD (default: the release's as-of date).")
    ] = None,
    hs: Annotated[str | None, typer.Option("--hs", help="HS code, 2 to 10 digits.")] = None,
    sector: Annotated[str | None, typer.Option(help="Sector id (its HS2022 codes).")] = None,
    version: Annotated[str | None, typer.Option(help="Release version (default: embedded).")] = None,
    format: Annotated[StackFormat, typer.Option("--format", help="Output format.")] = StackFormat.text,
) -> None:
    """Print the tariff layers IMPOSING applied to goods of TARGET on a date, and their total."""
    import json

    day = _iso(on, "--on") or _as_of(version)
    stack = rate_stack(imposing, target, day, hs_code=hs, sector=sector, version=version)
    if format is StackFormat.json:
        sys.stdout.write(json.dumps(stack.to_dict(), indent=2) + "\n")
        return
    out.print(
        f"[bold]{stack.imposing} tariffs on goods from {stack.target}[/], {stack.query}, on {stack.on} "
        f"(release {stack.version})"
    )
    if not stack.layers:
        out.print("no tariff layer in force: total additional tariff 0%")
        return
    width = max(len(layer.event_id) for layer in stack.layers)
    out.print(
        f"{'rate':>7}  {'status':<9}  {'event':<{width}}  {'authority':<17} "
        f"{'since':<10}  {'until':<10}  combines",
        markup=False,
    )
    for layer in stack.layers:
        until = str(layer.until) if layer.until else "-"
        how = layer.combines + (f" {layer.amends_event_id}" if layer.amends_event_id else "")
        out.print(
            f"{layer.rate_pct:>6g}%  {layer.status:<9}  {layer.event_id:<{width}}  {layer.authority:<17} "
            f"{layer.since}  {until:<10}  {how}",
            markup=False,
            style="dim" if layer.status == "excluded" else None,
        )
        if layer.reason:
            out.print(f"{'':>7}  └ {layer.reason}", markup=False)
    line = f"total additional tariff: {stack.total_pct:g}% (layers that apply)"
    if stack.uncertain:
        line += f"; {stack.total_with_may_apply_pct:g}% with the layers that may apply"
    out.print(f"[bold]{line}[/]")


@app.command()
def timeline(
    imposing: Annotated[str, typer.Argument(help="Jurisdiction imposing the tariff, e.g. USA.")],
    target: Annotated[str, typer.Argument(help="The other jurisdiction, e.g. CHN.")],
    start: Annotated[str, typer.Option("--from", help="First day, YYYY-MM-DD.")] = "2018-01-01",
    end: Annotated[
        str | None, typer.Option("--to", help="Last day, YYYY-MM-DD (default: the release's as-of date).")
    ] = None,
    hs: Annotated[str | None, typer.Option("--hs", help="HS code, 2 to 10 digits.")] = None,
    sector: Annotated[str | None, typer.Option(help="Sector id (its HS2022 codes).")] = None,
    one_way: Annotated[
        bool, typer.Option("--one-way", help="Only IMPOSING on TARGET, not also the other way.")
    ] = False,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Draw a step chart to this file (.png, .svg).")
    ] = None,
    version: Annotated[str | None, typer.Option(help="Release version (default: embedded).")] = None,
    format: Annotated[TimelineFormat, typer.Option("--format", help="Output format.")] = TimelineFormat.text,
) -> None:
    """Print how the total tariff changed in both directions, and optionally draw it."""
    first = _iso(start, "--from")
    last = _iso(end, "--to") or _as_of(version)
    if plot is not None:
        _check_plot_path(plot)
    frames = [
        rate_timeline(imposing, target, first or last, last, hs_code=hs, sector=sector, version=version)
    ]
    if not one_way:
        try:
            frames.append(
                rate_timeline(
                    target, imposing, first or last, last, hs_code=hs, sector=sector, version=version
                )
            )
        except InvalidArgumentError as exc:
            # the other direction may not be recorded at all: say so, and show the one that is
            err.print(f"note: {exc}", markup=False)
    if plot is not None:
        _write_plot(frames, plot)
    if format is TimelineFormat.csv:
        import pandas as pd

        pd.concat(frames, ignore_index=True).to_csv(sys.stdout, index=False, date_format="%Y-%m-%d")
        return
    for frame in frames:
        imp, tgt, query = frame["imposing"].iloc[0], frame["target"].iloc[0], frame["query"].iloc[0]
        table = Table("from", "total", "with may apply", "changed by", title=f"{imp} on {tgt}, {query}")
        totals = frame[frame["series"].isin([TOTAL, TOTAL_WITH_MAY_APPLY])]
        for day in sorted(set(totals["start"])):
            here = totals[totals["start"] <= day].sort_values("start").groupby("series").last()
            at = totals[totals["start"] == day]
            causes = sorted({c for v in at["changed_by"] for c in str(v).split("; ") if c})
            table.add_row(
                f"{day:%Y-%m-%d}",
                f"{here.loc[TOTAL, 'rate_pct']:g}%",
                f"{here.loc[TOTAL_WITH_MAY_APPLY, 'rate_pct']:g}%",
                "\n".join(causes),
            )
        out.print(table)
    if plot is not None:
        out.print(f"wrote {plot}")
