"""Tariff questions: ``rate``, ``timeline`` and ``panel``. Everything is computed by
:mod:`policydata.tariffs`; these commands only print or write what it returns."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    import pandas as pd

from rich.markup import escape

from policydata.cli.app import app, err, out
from policydata.dates import parse_date
from policydata.errors import InvalidArgumentError, PolicyDataError
from policydata.plot import plot_timelines
from policydata.release import open_release
from policydata.tariffs import RateStack, rate_stack, rate_timeline, timeline_rows, write_panel

#: how many line codes the text output names per value before it says "and N more"
SHOWN_LINES = 12


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


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:g}%"


def _range(low: float, high: float) -> str:
    return f"{low:g}%" if low == high else f"{low:g}% to {high:g}%"


def _print_lines(stack: object) -> None:

    assert isinstance(stack, RateStack)
    if stack.missing:
        out.print(f"not a line of {stack.edition}: {', '.join(stack.missing)}", markup=False)
    if not stack.enumerated:
        what = "this code" if stack.sector is None else "some of its codes"
        out.print(
            f"the lines below {what} are not known on this date (no encoded edition, no list names one): "
            "such a code is answered as one line",
            markup=False,
        )
    if len(stack.lines) <= 1:
        return
    if stack.agree:
        out.print(f"{len(stack.lines)} lines, all with the same answer", markup=False)
        return
    out.print(f"{len(stack.lines)} lines; the answer differs between them:", markup=False)
    for (low, high), codes in stack.values.items():
        more = f" and {len(codes) - SHOWN_LINES} more" if len(codes) > SHOWN_LINES else ""
        out.print(f"  {_range(low, high):>14}  {', '.join(codes[:SHOWN_LINES])}{more}", markup=False)


def _share(low: float, high: float) -> str:
    return f"{low:.3g}%" if low == high else f"{low:.3g}-{high:.3g}%"


def _print_layers(stack: RateStack) -> None:
    many = len(stack.lines) > 1
    width = max(len(layer.event_id) for layer in stack.layers)
    share = f"{'% lines':>10}  " if many else ""
    out.print(
        f"{'rate':>7}  {'status':<14}  {share}{'event':<{width}}  {'authority':<17} {'since':<10}  until",
        markup=False,
    )
    for layer in stack.layers:
        until = str(layer.until) if layer.until else "-"
        dim = layer.status in ("excluded", "does not apply")
        share = f"{_share(layer.share_pct, layer.share_upper_pct):>10}  " if many else ""
        out.print(
            f"{layer.rate_pct:>6g}%  {layer.status:<14}  {share}{layer.event_id:<{width}}  "
            f"{layer.authority:<17} "
            f"{layer.since}  {until}",
            markup=False,
            style="dim" if dim else None,
        )
        if layer.reason:
            out.print(f"{'':>7}  └ {layer.reason}", markup=False)


def _print_summary(stack: RateStack) -> None:
    """Averages and shares over the lines of a question of several lines (unweighted)."""
    n = len(stack.lines)
    out.print(
        f"[bold]over its {n:,} tariff lines, unweighted[/] (each line counts once, whatever its trade):"
    )
    rows = [
        ("simple average additional duty", _range(stack.mean_pct, stack.mean_upper_pct)),
        ("share of lines with a duty", _range(stack.share_covered_pct, stack.share_covered_upper_pct)),
        ("range over the lines", _range(stack.additional_pct, stack.additional_upper_pct)),
    ]
    for label, value in rows:
        out.print(f"  {label:<31} {value}", markup=False)
    if stack.uncertain:
        out.print("  where two figures are given, the first is due in every reading of the data, the second")
        out.print("  in the highest single reading")


def _print_stack(stack: object) -> None:

    assert isinstance(stack, RateStack)
    what = stack.query if stack.sector is None else f"sector {stack.sector} ({stack.sector_name})"
    out.print(
        f"[bold]{stack.imposing} tariffs on goods from {stack.target}[/], {escape(what)}, on "
        f"{stack.on} (release {stack.version})"
    )
    if stack.sector is not None:
        out.print(f"its HS 2022 codes: {', '.join(stack.codes)}", markup=False)
    _print_lines(stack)
    if not stack.layers:
        out.print("no tariff layer in force: additional tariff 0%")
    else:
        _print_layers(stack)
    line = f"additional tariff: {_range(stack.additional_pct, stack.additional_upper_pct)}"
    if stack.uncertain:
        line += " (the lowest is due in every reading of the data, the highest in one)"
    out.print(f"[bold]{line}[/]")
    if stack.general_rate is not None or stack.mfn_pct is not None:
        total = (
            ""
            if stack.total_pct is None
            else f"; total {_range(stack.total_pct, stack.total_upper_pct or stack.total_pct)}"
        )
        out.print(f"general (MFN) rate: {stack.general_rate}{total}", markup=False)
    _print_alternatives(stack)
    if len(stack.lines) > 1:
        _print_summary(stack)


def _print_alternatives(stack: RateStack) -> None:
    for alt in stack.alternatives:
        out.print(f"instead, for postal shipments: {alt.rate_pct:g}% ({alt.event_id})", markup=False)


@app.command()
def rate(
    imposing: Annotated[str, typer.Argument(help="Jurisdiction imposing the tariff, e.g. USA.")],
    target: Annotated[str, typer.Argument(help="Jurisdiction whose goods are taxed, e.g. CHN.")],
    on: Annotated[
        str | None, typer.Option("--on", help="Date, YYYY-MM-DD (default: the release's as-of date).")
    ] = None,
    hs: Annotated[str | None, typer.Option("--hs", help="HS/HTS code, 2 to 10 digits.")] = None,
    sector: Annotated[str | None, typer.Option(help="Sector id (its HS2022 codes).")] = None,
    exporter: Annotated[str | None, typer.Option(help="Exporter, for rates that differ by exporter.")] = None,
    version: Annotated[str | None, typer.Option(help="Release version (default: embedded).")] = None,
    format: Annotated[StackFormat, typer.Option("--format", help="Output format.")] = StackFormat.text,
) -> None:
    """Print the tariff layers IMPOSING applied to goods of TARGET on a date, per tariff line."""
    import json

    day = _iso(on, "--on") or _as_of(version)
    stack = rate_stack(imposing, target, day, hs_code=hs, sector=sector, exporter=exporter, version=version)
    if format is StackFormat.json:
        sys.stdout.write(json.dumps(stack.to_dict(), indent=2) + "\n")
        return
    _print_stack(stack)


@app.command()
def timeline(
    imposing: Annotated[str, typer.Argument(help="Jurisdiction imposing the tariff, e.g. USA.")],
    target: Annotated[str, typer.Argument(help="The other jurisdiction, e.g. CHN.")],
    start: Annotated[str, typer.Option("--from", help="First day, YYYY-MM-DD.")] = "2018-01-01",
    end: Annotated[
        str | None, typer.Option("--to", help="Last day, YYYY-MM-DD (default: the release's as-of date).")
    ] = None,
    hs: Annotated[str | None, typer.Option("--hs", help="HS/HTS code, 2 to 10 digits.")] = None,
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
    """Print how the tariff changed in both directions, and optionally draw it."""
    from rich.table import Table

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
        _draw(frames, plot, first or last, last, hs is not None or sector is not None, version)
    if format is TimelineFormat.csv:
        import pandas as pd

        pd.concat(frames, ignore_index=True).to_csv(sys.stdout, index=False, date_format="%Y-%m-%d")
        return
    for frame in frames:
        imp, tgt, query = frame["imposing"].iloc[0], frame["target"].iloc[0], frame["query"].iloc[0]
        table = Table("from", "lowest", "highest", "average", "changed by", title=f"{imp} on {tgt}, {query}")
        for row in timeline_rows(frame):
            table.add_row(
                f"{row.start:%Y-%m-%d}", _pct(row.total_pct), _pct(row.total_upper_pct), _pct(row.mean_pct),
                "\n".join(row.changed_by),
            )  # fmt: skip
        out.print(table)
    if plot is not None:
        out.print(f"wrote {plot}")


def _draw(
    frames: Sequence[pd.DataFrame],
    plot: Path,
    first: dt.date,
    last: dt.date,
    product: bool,
    version: str | None,
) -> None:
    schedules = None
    if product:
        # the schedule's average is drawn beside the product's line, for scale
        schedules = [
            rate_timeline(str(f["imposing"].iloc[0]), str(f["target"].iloc[0]), first, last, version=version)
            for f in frames
        ]
    tmp = plot.with_name(f".{plot.name}.partial{plot.suffix}")
    try:
        plot_timelines(frames, tmp, schedules=schedules)
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
def panel(
    imposing: Annotated[str, typer.Argument(help="Jurisdiction imposing the tariff, e.g. USA.")],
    target: Annotated[str, typer.Argument(help="The other jurisdiction, e.g. CHN.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Parquet file to write.")],
    start: Annotated[str, typer.Option("--from", help="First day, YYYY-MM-DD.")] = "2018-01-01",
    end: Annotated[str | None, typer.Option("--to", help="Last day, YYYY-MM-DD (default: today).")] = None,
    one_way: Annotated[
        bool, typer.Option("--one-way", help="Only IMPOSING on TARGET, not also the other way.")
    ] = False,
    exporter: Annotated[str | None, typer.Option(help="Exporter, for rates that differ by exporter.")] = None,
    version: Annotated[str | None, typer.Option(help="Release version (default: embedded).")] = None,
) -> None:
    """Write every known tariff line's additional duty over a window as intervals (Parquet)."""

    first = _iso(start, "--from")
    last = _iso(end, "--to") or dt.date.today()
    table = write_panel(
        output,
        imposing,
        target,
        first or last,
        last,
        both_directions=not one_way,
        exporter=exporter,
        version=version,
    )
    out.print(f"wrote {output}: {table.num_rows:,} intervals", markup=False)
