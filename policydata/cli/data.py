"""Commands that read a release: ``list``, ``info``, ``show``, ``overview``."""

from __future__ import annotations

import io
import json
import sys
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.table import Table

from policydata.api import list_datasets, load
from policydata.catalog import check_name, table
from policydata.cli.app import EXIT_INVALID, Format, _print_report, app, out
from policydata.errors import InvalidArgumentError
from policydata.release import open_release
from policydata.validate import validate as run


@app.command("list")
def list_cmd(
    version: Annotated[str | None, typer.Option(help="Release version (default: embedded).")] = None,
) -> None:
    """List the tables of a release with their row counts."""
    table = Table("table", "rows", "description")
    for d in list_datasets(version):
        table.add_row(d.name, str(d.rows), d.description)
    out.print(table)


@app.command()
def info(
    version: Annotated[str | None, typer.Option(help="Release version (default: embedded).")] = None,
) -> None:
    """Show a release's version, schema version, as-of date and location."""
    release = open_release(version)
    out.print(f"version         {release.version}")
    out.print(f"schema version  {release.schema_version}")
    out.print(f"as of           {release.as_of}")
    out.print(f"path            {release.path}")
    out.print(f"license         {release.datapackage['licenses'][0]['name']}")


class ShowFormat(StrEnum):
    text = "text"
    csv = "csv"
    json = "json"


def _filters(where: list[str]) -> list[tuple[str, str, Any]]:
    filters: list[tuple[str, str, Any]] = []
    for item in where:
        column, sep, value = item.partition("=")
        if not sep:
            raise InvalidArgumentError(
                f"--where {item!r} is not COLUMN=VALUE.", hint="Write e.g. --where imposing=USA."
            )
        # the library reads the value as the column's type (numbers, dates, true/false)
        filters.append((column.strip(), "=", value))
    return filters


def _columns(name: str, columns: str | None, filters: list[tuple[str, str, Any]]) -> list[str] | None:
    """The columns to show: those asked for, all, or the key columns and those filtered on."""
    if columns is not None and columns.strip() == "all":
        return None
    if columns is not None:
        return [c.strip() for c in columns.split(",") if c.strip()]
    key = list(table(name).primary_key)
    return list(dict.fromkeys([*key, *(f[0] for f in filters)]))


@app.command()
def show(
    name: Annotated[str, typer.Argument(help="Table name.")],
    version: Annotated[str | None, typer.Option(help="Release version (default: embedded).")] = None,
    columns: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated columns, or 'all' (default: the key columns and those in --where)."
        ),
    ] = None,
    where: Annotated[
        list[str] | None, typer.Option(help="Filter COLUMN=VALUE (repeatable, combined with AND).")
    ] = None,
    limit: Annotated[
        int | None, typer.Option(help="Rows to show (default: 20 as text, all as csv or json).", min=0)
    ] = None,
    format: Annotated[ShowFormat, typer.Option("--format", help="Output format.")] = ShowFormat.text,
) -> None:
    """Print rows of a table: as a table (text), CSV or JSON."""
    check_name(name)
    filters = _filters(where or [])
    cols = _columns(name, columns, filters)
    arrow = load(name, version=version, backend="arrow", columns=cols, filters=filters or None)
    shown = (
        arrow
        if limit is None and format is not ShowFormat.text
        else arrow.slice(0, 20 if limit is None else limit)
    )
    if format is ShowFormat.csv:
        import pyarrow.csv as pacsv

        sink = io.BytesIO()
        pacsv.write_csv(shown, sink)
        sys.stdout.write(sink.getvalue().decode("utf-8"))
        return
    if format is ShowFormat.json:
        rows = shown.to_pylist()
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False, default=str) + "\n")
        return
    table_ = Table(*arrow.column_names)
    for row in shown.to_pylist():
        table_.add_row(*("" if v is None else str(v) for v in row.values()))
    out.print(table_)
    out.print(f"{shown.num_rows} of {arrow.num_rows} rows", markup=False)
    if cols is not None and columns is None:
        others = [f for f in table(name).field_names if f not in cols]
        out.print(f"more columns: {', '.join(others)} (--columns NAME,... or --columns all)", markup=False)


@app.command()
def overview(
    version: Annotated[str | None, typer.Option(help="Release version (default: embedded).")] = None,
) -> None:
    """Verify and validate a release, summarise it and show the 2025 US-China tariff events."""
    release = open_release(version)
    release.verify()
    report = run(release.path)
    summary = Table("table", "rows", "version", "as of", title="policydata release")
    for name in release.tables:
        summary.add_row(name, str(release.rows(name)), release.version, release.as_of)
    out.print(summary)
    if not report.ok:
        _print_report(report, Format.text)
        raise typer.Exit(EXIT_INVALID)
    out.print(f"checksums verified; every table valid (schema {release.schema_version})")
    events = load(
        "tariff_events",
        version=version,
        backend="arrow",
        columns=["effective_date", "event_id", "authority", "rate_pct", "combines", "status"],
        filters=[
            ("imposing", "in", ["USA", "CHN"]),
            ("target", "in", ["USA", "CHN"]),
            ("effective_date", ">=", "2025-01-01"),
            ("effective_date", "<=", "2025-12-31"),
        ],
    ).sort_by([("effective_date", "ascending"), ("event_id", "ascending")])
    example = Table(*events.column_names, title="2025 tariff events between the US and China")
    for row in events.to_pylist():
        example.add_row(
            *("" if v is None else f"{v:g}" if isinstance(v, float) else str(v) for v in row.values())
        )
    out.print(example)
