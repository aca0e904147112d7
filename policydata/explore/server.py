"""``policydata serve``: export a release to SQLite (once) and start Datasette on it.

The export is kept in the cache folder (``<cache>/explore/<version>/policydata.db``) and made again
only when the release, the export layout or the library version changes, so a second start takes
about a second. Datasette gets the metadata of :mod:`policydata.explore.metadata`, and the plugin
of :mod:`policydata.explore.plugin` (registered here when its entry point is not installed).
"""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policydata import settings
from policydata.__about__ import __version__
from policydata.catalog import TABLE_NAMES
from policydata.errors import InvalidArgumentError
from policydata.explore.metadata import datasette_metadata
from policydata.export.sqlite_db import EXPORT_FORMAT, RELEASE_TABLE, export_sqlite
from policydata.io import require
from policydata.release import open_release

#: Datasette settings of ``policydata serve`` (give the same to ``datasette publish`` with --setting).
DATASETTE_SETTINGS = {"sql_time_limit_ms": 3000, "facet_time_limit_ms": 1000, "default_page_size": 50}


@dataclass(frozen=True)
class Served:
    """The database to serve, what it records of its release, and its Datasette metadata."""

    path: Path
    facts: dict[str, str]
    metadata: dict[str, Any]


def read_facts(path: Path) -> tuple[dict[str, str], list[str]]:
    """What a SQLite export records of its release (its ``_policydata`` table), and its tables.

    Raises
    ------
    InvalidArgumentError
        If ``path`` is not a database written by ``policydata export sqlite``.
    """
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            facts = dict(con.execute(f"select key, value from {RELEASE_TABLE}").fetchall())
            names = [r[0] for r in con.execute("select name from sqlite_master where type = 'table'")]
        finally:
            con.close()
    except sqlite3.Error as exc:
        raise InvalidArgumentError(
            f"{path} is not a database written by 'policydata export sqlite' ({exc}).",
            hint="Export one with: policydata export sqlite VERSION -o policydata.db",
        ) from None
    return facts, [n for n in TABLE_NAMES if n in names]


def _current(path: Path, version: str) -> bool:
    if not path.is_file():
        return False
    try:
        facts, _ = read_facts(path)
    except InvalidArgumentError:
        return False
    wanted = {"version": version, "export_format": str(EXPORT_FORMAT), "library_version": __version__}
    return all(facts.get(k) == v for k, v in wanted.items())


def prepare(version: str | None = None, db: Path | None = None) -> Served:
    """The database ``policydata serve`` serves: ``db`` as it is, or the cached export of a release.

    Parameters
    ----------
    version
        A release version; None for the release this installation carries.
    db
        A database written by ``policydata export sqlite`` to serve instead.
    """
    if db is None:
        release = open_release(version)
        db = settings.cache_dir() / "explore" / release.version / "policydata.db"
        if not _current(db, release.version):
            export_sqlite(release, db)
    facts, tables = read_facts(db)
    return Served(db, facts, datasette_metadata(facts, tables, database=db.stem))


def make_datasette(served: Served) -> Any:
    """A Datasette instance on the database, with its metadata and policydata's plugin, started up."""
    require("datasette", "serve", "Serving the explorer")
    from datasette.app import Datasette
    from datasette.plugins import pm

    # lazy: the plugin imports Datasette, which only `policydata serve` needs
    from policydata.explore import plugin

    if not any(p is plugin for p in pm.get_plugins()):
        pm.register(plugin, name="policydata")
    ds = Datasette(immutables=[str(served.path)], metadata=served.metadata, settings=DATASETTE_SETTINGS)
    asyncio.run(ds.invoke_startup())
    return ds


def serve(served: Served, host: str, port: int) -> None:
    """Run Datasette on ``host:port`` until interrupted."""
    uvicorn = require("uvicorn", "serve", "Serving the explorer")
    ds = make_datasette(served)
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning", lifespan="on", workers=1)
