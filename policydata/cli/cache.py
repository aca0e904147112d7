"""Commands for downloaded releases: ``download`` and ``cache list|verify|clear``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from policydata.cli.app import EXIT_INVALID, app, cache_app, out
from policydata.release import open_release
from policydata.release.download import download as fetch
from policydata.release.index import embedded_version
from policydata.release.store import cache_dir, cached_releases, clear_cache, verify_cache


@app.command()
def download(
    version: Annotated[str, typer.Argument(help="Release version, e.g. 2026.11.0.")],
    force: Annotated[bool, typer.Option(help="Download again even if it is in the cache.")] = False,
) -> None:
    """Download release VERSION into the user cache (nothing to do for the embedded release)."""
    if force and version != embedded_version():
        path = fetch(version, force=True)
    else:
        path = open_release(version).path
    out.print(f"release {version}: {path}", markup=False)


@cache_app.command("list")
def cache_list() -> None:
    """List the releases in the cache."""
    table = Table("version", "bytes", "path", title=f"cache: {cache_dir()}")
    for cached in cached_releases():
        table.add_row(cached.version, str(cached.bytes), str(cached.path))
    out.print(table)


@cache_app.command("verify")
def cache_verify() -> None:
    """Check every cached release, file by file, against the release index. Exit 1 when one is damaged."""
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
    """Remove releases from the cache, and what interrupted downloads left of them."""
    removed = clear_cache(versions or None)
    out.print(f"removed {len(removed)} release(s): {', '.join(removed) or 'none'}", markup=False)
