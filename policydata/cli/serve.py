"""``policydata serve [VERSION] [--port N]``: browse a release in Datasette (needs ``policydata[serve]``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from policydata.cli.app import app, out
from policydata.explore import server


@app.command()
def serve(
    version: Annotated[
        str | None,
        typer.Argument(
            metavar="[VERSION]", help="Release version, e.g. 2026.11.7 (default: the embedded release)."
        ),
    ] = None,
    port: Annotated[int, typer.Option(help="Port to listen on.", min=0, max=65535)] = 8001,
    host: Annotated[str, typer.Option(help="Address to listen on (0.0.0.0: every interface).")] = "127.0.0.1",
    db: Annotated[
        Path | None, typer.Option(help="Serve this database from 'policydata export sqlite' instead.")
    ] = None,
) -> None:
    """Start Datasette on a release: tables, search, facets, canned queries, /-/rate and /-/timeline."""
    served = server.prepare(version, db)
    out.print(
        f"policydata release {served.facts.get('version')} ({served.path}) at http://{host}:{port}/ "
        "- stop with Ctrl-C",
        markup=False,
    )
    server.serve(served, host, port)
