"""Commands that read a release: ``list``, ``info``, ``show``, ``overview``."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from policydata.api import list_datasets, load
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


@app.command()
def show(
    name: Annotated[str, typer.Argument(help="Table name.")],
    version: Annotated[str | None, typer.Option(help="Release version (default: embedded).")] = None,
    columns: Annotated[str | None, typer.Option(help="Comma-separated columns.")] = None,
    where: Annotated[
        list[str] | None, typer.Option(help="Filter COLUMN=VALUE (repeatable, combined with AND).")
    ] = None,
    limit: Annotated[int, typer.Option(help="Rows to show.")] = 20,
) -> None:
    """Print rows of a table."""
    filters: list[tuple[str, str, Any]] = []
    for item in where or []:
        column, sep, value = item.partition("=")
        if not sep:
            raise InvalidArgumentError(
                f"--where {item!r} is not COLUMN=VALUE.", hint="Write e.g. --where imposing=USA."
            )
        filters.append((column, "=", value))
    cols = [c.strip() for c in columns.split(",")] if columns else None
    arrow = load(name, version=version, backend="arrow", columns=cols, filters=filters or None)
    table = Table(*arrow.column_names)
    for row in arrow.slice(0, limit).to_pylist():
        table.add_row(*("" if v is None else str(v) for v in row.values()))
    out.print(table)
    out.print(f"{min(limit, arrow.num_rows)} of {arrow.num_rows} rows")


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
