"""The ``policydata`` command line: a thin layer over the library.

Exit codes: 0 success or valid data, 1 invalid data, 2 usage or internal error.
"""

from __future__ import annotations

import datetime as dt
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from policydata import settings

app = typer.Typer(
    name="policydata",
    help="Open data on industrial policy and trade conflict: load, validate, release.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
schemas_app = typer.Typer(help="Table Schemas generated from the record models.", no_args_is_help=True)
app.add_typer(schemas_app, name="schemas")
cache_app = typer.Typer(help="Downloaded releases in the user cache.", no_args_is_help=True)
app.add_typer(cache_app, name="cache")

# a pipe or a CI log has no width; give tables room instead of rich's 80-column default
_WIDTH = None if sys.stdout.isatty() else 160
out = Console(highlight=False, width=_WIDTH)
err = Console(stderr=True, highlight=False, width=_WIDTH)

EXIT_INVALID = 1
EXIT_ERROR = 2


class Format(StrEnum):
    text = "text"
    json = "json"
    github = "github"


class DiffFormat(StrEnum):
    text = "text"
    json = "json"


@app.command("list")
def list_cmd(
    version: Annotated[str | None, typer.Option(help="Release version (default: embedded).")] = None,
) -> None:
    """List the tables of a release with their row counts."""
    from policydata.api import list_datasets

    table = Table("table", "rows", "description")
    for d in list_datasets(version):
        table.add_row(d.name, str(d.rows), d.description)
    out.print(table)


@app.command()
def info(
    version: Annotated[str | None, typer.Option(help="Release version (default: embedded).")] = None,
) -> None:
    """Show a release's version, schema version, as-of date and location."""
    from policydata.releases import open_release

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
    from policydata.api import load
    from policydata.errors import InvalidArgumentError

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


def _print_report(report: Any, fmt: Format) -> None:
    from policydata.validate.render import write_github, write_text

    if fmt is Format.json:
        sys.stdout.write(report.to_json() + "\n")
    elif fmt is Format.github:
        write_github(report, sys.stdout)
    else:
        write_text(report, sys.stdout)


class EngineName(StrEnum):
    arrow = "arrow"
    pandas = "pandas"


@app.command()
def validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Folders of table files, or table files (default: datasets/sources).", show_default=False
        ),
    ] = None,
    format: Annotated[
        Format, typer.Option("--format", help="text (a table), json (the report) or github (annotations).")
    ] = Format.text,
    engine: Annotated[
        EngineName, typer.Option(help="arrow (fast) or pandas (pandera schemas).")
    ] = EngineName.arrow,
    limit: Annotated[int, typer.Option(help="Problems listed per file, code and field.", min=1)] = 1000,
    tables: Annotated[
        str | None,
        typer.Option(
            help="Your own tables instead of policydata's: MODULE:NAME, a list of "
            "policydata.validate.TableSpec (the module is looked up from the current folder too)."
        ),
    ] = None,
) -> None:
    """Validate table files: encoding, structure, schemas, and rules across tables.

    Exit 0 when valid (warnings allowed), 1 when there is an error in the data, 2 on a usage or
    internal error. The files are only read, never changed.
    """
    if engine is EngineName.arrow:
        _arrow_without_pandas()
    from policydata.validate import validate as run

    specs = _load_tables(tables) if tables else None
    report = run(paths or [Path("datasets/sources")], tables=specs, engine=engine.value, limit=limit)
    _print_report(report, format)
    if not report.ok:
        raise typer.Exit(EXIT_INVALID)


def _arrow_without_pandas() -> None:
    """Stop pyarrow importing pandas (about 0.4 s) in a process that will not use it.

    pyarrow imports pandas, when installed, the first time it builds an array from Python objects,
    only to ask whether they are pandas objects. Blocking that first look makes pyarrow note that
    pandas is absent; a later call that really needs pandas imports it as usual.
    """
    if "pandas" in sys.modules or "pyarrow" in sys.modules:
        return

    class _NoPandas:
        def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
            if name.partition(".")[0] == "pandas":
                raise ModuleNotFoundError(name)

    block = _NoPandas()
    sys.meta_path.insert(0, block)
    try:
        import pyarrow as pa

        pa.array([0])
    finally:
        sys.meta_path.remove(block)


def _load_tables(spec: str) -> Any:
    import importlib

    from policydata.errors import InvalidArgumentError
    from policydata.validate.tables import TableSpec

    module_name, sep, attr = spec.partition(":")
    if not sep or not module_name or not attr:
        raise InvalidArgumentError(
            f"--tables {spec!r} is not MODULE:NAME.", hint="Write e.g. --tables mytables:TABLES."
        )
    if "" not in sys.path:
        sys.path.insert(0, "")
    try:
        value = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise InvalidArgumentError(
            f"--tables {spec!r} cannot be loaded ({exc}).",
            hint="Name an importable module and a list of TableSpec in it.",
        ) from None
    if not isinstance(value, list | tuple) or not all(isinstance(t, TableSpec) for t in value):
        raise InvalidArgumentError(
            f"--tables {spec!r} is not a list of policydata.validate.TableSpec.",
            hint="Build the list with TableSpec(name, RecordModel, primary_key, ...).",
        )
    return list(value)


@app.command()
def release(
    version: Annotated[str, typer.Argument(help="Calendar version, e.g. 2026.11.0.")],
    as_of: Annotated[
        str | None, typer.Option(help="Date the facts were checked up to (default: today).")
    ] = None,
    sources: Annotated[Path, typer.Option(help="Folder of source CSVs.")] = Path("datasets/sources"),
    releases: Annotated[Path, typer.Option(help="Folder of releases.")] = Path("datasets/releases"),
    changelog: Annotated[
        Path, typer.Option(help="Changelog to add the release's record-level changes to.")
    ] = Path(settings.CHANGELOG_FILE),
    write_changelog: Annotated[
        bool, typer.Option("--write-changelog/--no-changelog", help="Update the changelog.")
    ] = True,
) -> None:
    """Validate the sources and build release VERSION: Parquet, datapackage.json, archive, index."""
    from policydata.build import build_release
    from policydata.errors import InvalidArgumentError
    from policydata.releases import read_index

    try:
        date = dt.date.fromisoformat(as_of) if as_of else dt.date.today()
    except ValueError:
        raise InvalidArgumentError(f"--as-of {as_of!r} is not a date.", hint="Use YYYY-MM-DD.") from None
    target = build_release(sources, releases, version, date, changelog=changelog if write_changelog else None)
    out.print(f"wrote {target}")
    index = read_index(releases / settings.INDEX_FILE) or {}
    for entry in index.get("releases", []):
        if entry["version"] == version:
            _print_archive(releases, entry)
    if write_changelog:
        out.print(f"updated {changelog}")


def _print_archive(releases: Path, entry: dict[str, Any]) -> None:
    path = releases / settings.ARCHIVES_DIR / entry["archive"]
    out.print(f"archive {path} ({entry['bytes']} bytes, sha256 {entry['sha256']})", markup=False)
    out.print(f"attach it to the GitHub release tagged {entry['version']}", markup=False)


@app.command()
def archive(
    version: Annotated[str, typer.Argument(help="Version of an existing release.")],
    releases: Annotated[Path, typer.Option(help="Folder of releases.")] = Path("datasets/releases"),
) -> None:
    """Write the archive of an existing release (byte for byte the same every time) and index it."""
    from policydata.build import archive_release

    _print_archive(releases, archive_release(releases, version))


@app.command("diff")
def diff_cmd(
    a: Annotated[str, typer.Argument(help="The older release: a version or a release folder.")],
    b: Annotated[str, typer.Argument(help="The newer release: a version or a release folder.")],
    format: Annotated[DiffFormat, typer.Option("--format", help="Output format.")] = DiffFormat.text,
) -> None:
    """List the records added, removed and changed from release A to release B, per table."""
    from policydata.diff import diff

    changes = diff(a, b)
    if format is DiffFormat.json:
        sys.stdout.write(changes.to_json() + "\n")
        return
    # plain text, unwrapped: the Markdown list can be pasted as it is
    sys.stdout.write(f"{changes.a_version} -> {changes.b_version}\n{changes.to_markdown()}\n")


@app.command()
def download(
    version: Annotated[str, typer.Argument(help="Release version, e.g. 2026.11.0.")],
    force: Annotated[bool, typer.Option(help="Download again even if it is in the cache.")] = False,
) -> None:
    """Download release VERSION into the user cache (nothing to do for the embedded release)."""
    from policydata.cache import download as fetch
    from policydata.releases import embedded_version, open_release

    if force and version != embedded_version():
        path = fetch(version, force=True)
    else:
        path = open_release(version).path
    out.print(f"release {version}: {path}", markup=False)


@cache_app.command("list")
def cache_list() -> None:
    """List the releases in the cache."""
    from policydata.cache import cache_dir, cached_releases

    table = Table("version", "bytes", "path", title=f"cache: {cache_dir()}")
    for cached in cached_releases():
        table.add_row(cached.version, str(cached.bytes), str(cached.path))
    out.print(table)


@cache_app.command("verify")
def cache_verify() -> None:
    """Check every cached release against its checksums. Exit 1 when one is damaged."""
    from policydata.cache import verify_cache

    checks = verify_cache()
    for check in checks:
        out.print(f"{check.version}: {'ok' if check.ok else 'damaged: ' + str(check.problem)}", markup=False)
    damaged = [c.version for c in checks if not c.ok]
    if damaged:
        out.print(
            f"{len(damaged)} damaged: the next load downloads them again, or run "
            f"'policydata download --force {damaged[0]}'.",
            markup=False,
        )
        raise typer.Exit(EXIT_INVALID)
    out.print(f"{len(checks)} cached release(s) intact", markup=False)


@cache_app.command("clear")
def cache_clear(
    versions: Annotated[list[str] | None, typer.Argument(help="Versions to remove (default: all).")] = None,
) -> None:
    """Remove releases from the cache."""
    from policydata.cache import clear_cache

    removed = clear_cache(versions or None)
    out.print(f"removed {len(removed)} release(s): {', '.join(removed) or 'none'}", markup=False)


@schemas_app.command("export")
def schemas_export(
    directory: Annotated[Path, typer.Argument(help="Output folder.")] = Path("schemas"),
) -> None:
    """Write the Table Schemas and the data dictionary generated from the models."""
    from policydata.tableschema import export

    for path in export(directory):
        out.print(f"wrote {path}")


@app.command()
def overview(
    version: Annotated[str | None, typer.Option(help="Release version (default: embedded).")] = None,
) -> None:
    """Verify and validate a release, summarise it and show the 2025 US-China tariff events."""
    from policydata.api import load
    from policydata.releases import open_release
    from policydata.validate import validate as run

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


class StackFormat(StrEnum):
    text = "text"
    json = "json"


class TimelineFormat(StrEnum):
    text = "text"
    csv = "csv"


def _iso(value: str | None, option: str) -> dt.date | None:
    from policydata.errors import InvalidArgumentError

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidArgumentError(f"{option} {value!r} is not a date.", hint="Use YYYY-MM-DD.") from None


@app.command()
def rate(
    imposing: Annotated[str, typer.Argument(help="Jurisdiction imposing the tariff, e.g. USA.")],
    target: Annotated[str, typer.Argument(help="Jurisdiction whose goods are taxed, e.g. CHN.")],
    on: Annotated[str | None, typer.Option("--on", help="Date, YYYY-MM-DD (default: today).")] = None,
    hs: Annotated[str | None, typer.Option("--hs", help="HS code, 2 to 10 digits.")] = None,
    sector: Annotated[str | None, typer.Option(help="Sector id (its HS2022 codes).")] = None,
    version: Annotated[str | None, typer.Option(help="Release version (default: embedded).")] = None,
    format: Annotated[StackFormat, typer.Option("--format", help="Output format.")] = StackFormat.text,
) -> None:
    """Print the tariff layers IMPOSING applied to goods of TARGET on a date, and their total."""
    import json

    from policydata.tariffs import rate_stack

    day = _iso(on, "--on") or dt.date.today()
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
    end: Annotated[str | None, typer.Option("--to", help="Last day, YYYY-MM-DD (default: today).")] = None,
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
    from policydata.tariffs import TOTAL, TOTAL_WITH_MAY_APPLY, rate_timeline

    first = _iso(start, "--from")
    last = _iso(end, "--to") or dt.date.today()
    directions = [(imposing, target)] if one_way else [(imposing, target), (target, imposing)]
    frames = [
        rate_timeline(a, b, first or last, last, hs_code=hs, sector=sector, version=version)
        for a, b in directions
    ]
    if plot is not None:
        from policydata.plot import plot_timelines

        tmp = plot.with_name(f".{plot.name}.partial{plot.suffix}")
        try:
            plot_timelines(frames, tmp)
            tmp.replace(plot)
        finally:
            tmp.unlink(missing_ok=True)
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


def main() -> None:
    """Entry point: run the app, turning library errors into messages and exit codes."""
    from policydata.errors import DataValidationError, PolicyDataError

    try:
        # without standalone mode click returns the exit code of typer.Exit instead of raising
        code = app(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except DataValidationError as exc:
        err.print(f"[bold red]error[/] ({exc.code}): {escape(str(exc))}", markup=True)
        if exc.report is not None:
            _print_report(exc.report, Format.text)
        sys.exit(EXIT_INVALID)
    except PolicyDataError as exc:
        err.print(f"[bold red]error[/] ({exc.code}): {escape(str(exc))}", markup=True)
        sys.exit(EXIT_ERROR)
    except typer.Abort:
        sys.exit(EXIT_ERROR)
    except Exception as exc:
        # usage errors of click (or the copy of click that newer typer versions carry)
        show = getattr(exc, "show", None)
        if callable(show) and hasattr(exc, "exit_code"):
            show()
            sys.exit(EXIT_ERROR)
        err.print(
            f"internal error: {type(exc).__name__}: {exc}. This is a bug in policydata; please "
            f"report it with the command you ran at {settings.PROJECT_HOMEPAGE}/issues.",
            markup=False,
        )
        sys.exit(EXIT_ERROR)


if __name__ == "__main__":  # pragma: no cover
    main()
