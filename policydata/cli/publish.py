"""Commands that publish releases: ``release``, ``archive``, ``diff``, ``schemas export``."""

from __future__ import annotations

import datetime as dt
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from policydata import settings
from policydata.cli.app import app, out, schemas_app
from policydata.dates import parse_date
from policydata.diff import diff
from policydata.publish.archive import archive_release
from policydata.release.index import read_index


class DiffFormat(StrEnum):
    text = "text"
    json = "json"


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
    # lazy: building validates with the record models (pydantic), which --help must not import
    from policydata.publish.build import build_release

    date = parse_date(as_of, "--as-of") if as_of else dt.date.today()
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

    _print_archive(releases, archive_release(releases, version))


@app.command("diff")
def diff_cmd(
    a: Annotated[str, typer.Argument(help="The older release: a version or a release folder.")],
    b: Annotated[str, typer.Argument(help="The newer release: a version or a release folder.")],
    format: Annotated[DiffFormat, typer.Option("--format", help="Output format.")] = DiffFormat.text,
) -> None:
    """List the records added, removed and changed from release A to release B, per table."""
    changes = diff(a, b)
    if format is DiffFormat.json:
        sys.stdout.write(changes.to_json() + "\n")
        return
    # plain text, unwrapped: the Markdown list can be pasted as it is
    sys.stdout.write(f"{changes.a_version} -> {changes.b_version}\n{changes.to_markdown()}\n")


@schemas_app.command("export")
def schemas_export(
    directory: Annotated[Path, typer.Argument(help="Output folder.")] = Path("schemas"),
) -> None:
    """Write the Table Schemas and the data dictionary generated from the models."""
    # lazy: the generators need the record models (pydantic)
    from policydata.generated.tableschema import export

    for path in export(directory):
        out.print(f"wrote {path}")
