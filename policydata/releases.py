"""Find, open and verify data releases.

A release is an immutable folder: one Parquet file per table, ``datapackage.json`` (a Frictionless
Data Package) and ``SHA256SUMS``. The newest release ships inside the wheel; in a source checkout
the releases live in ``datasets/releases/``.
"""

from __future__ import annotations

import contextlib
import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policydata import settings
from policydata.catalog import TABLES, table
from policydata.errors import (
    IntegrityError,
    ReleaseNotFoundError,
    SchemaVersionError,
)
from policydata.io import Filter, read_table
from policydata.schemas import SCHEMA_VERSION


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    """The hex sha256 of a file, read in chunks."""
    import hashlib

    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def read_checksums(path: Path) -> dict[str, str]:
    """Parse a ``SHA256SUMS`` file (``<hex>  <name>`` per line)."""
    sums = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        digest, sep, name = line.partition("  ")
        if not sep or len(digest) != 64:
            raise IntegrityError(
                f"{path}, line {number}: expected '<sha256>  <file name>', found {line!r}.",
                hint="The release is damaged; download or rebuild it.",
            )
        sums[name] = digest
    return sums


def _major(version: str) -> int:
    return int(version.split(".", 1)[0])


@dataclass(frozen=True)
class Release:
    """An opened data release.

    Use :func:`open_release` to get one.

    Examples
    --------
    >>> import policydata
    >>> rel = policydata.open_release()
    >>> "tariff_events" in rel.tables
    True
    """

    path: Path

    @functools.cached_property
    def datapackage(self) -> dict[str, Any]:
        """The parsed ``datapackage.json``."""
        file = self.path / settings.DATAPACKAGE_FILE
        try:
            data: dict[str, Any] = json.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ReleaseNotFoundError(
                f"{self.path} has no {settings.DATAPACKAGE_FILE}; it is not a release folder.",
                hint="Point at a folder written by 'policydata release'.",
            ) from None
        except json.JSONDecodeError as exc:
            raise IntegrityError(
                f"{file} is not valid JSON ({exc.msg}, line {exc.lineno}).",
                hint="The release is damaged; download or rebuild it.",
            ) from None
        return data

    @property
    def version(self) -> str:
        """The release's calendar version, e.g. ``2026.11.0``."""
        return str(self.datapackage["version"])

    @property
    def meta(self) -> dict[str, Any]:
        """policydata's own metadata in the data package (schema version, as-of date, rows)."""
        value: dict[str, Any] = self.datapackage.get("policydata", {})
        return value

    @property
    def schema_version(self) -> str:
        """Version of the table schemas the release was built with."""
        return str(self.meta.get("schema_version", "0.0.0"))

    @property
    def as_of(self) -> str:
        """The date up to which the release's facts were checked."""
        return str(self.meta.get("as_of", ""))

    @property
    def tables(self) -> tuple[str, ...]:
        """Names of the release's tables, in data-package order."""
        return tuple(r["name"] for r in self.datapackage["resources"])

    def rows(self, name: str) -> int:
        """Number of rows of a table, as recorded in the data package."""
        return int(self.meta.get("rows", {})[name])

    def check_schema_version(self) -> None:
        """Refuse a release whose schema major version this library cannot read."""
        if _major(self.schema_version) != _major(SCHEMA_VERSION):
            raise SchemaVersionError(
                f"Release {self.version} was built with schema {self.schema_version}; this "
                f"library reads schema {_major(SCHEMA_VERSION)}.x.",
                hint="Install a policydata version whose schema major version matches "
                f"{_major(self.schema_version)}, or load a newer release.",
            )

    def path_of(self, name: str) -> Path:
        """The Parquet file of a table."""
        table(name)
        for resource in self.datapackage["resources"]:
            if resource["name"] == name:
                return self.path / str(resource["path"])
        raise ReleaseNotFoundError(
            f"Release {self.version} has no table {name!r}.",
            hint=f"It has: {', '.join(self.tables)}.",
        )

    def load(
        self,
        name: str,
        *,
        backend: str = "pandas",
        columns: Sequence[str] | None = None,
        filters: Sequence[Filter] | None = None,
    ) -> Any:
        """Load a table of this release; see :func:`policydata.load`."""
        return read_table(self.path_of(name), name, backend=backend, columns=columns, filters=filters)

    def verify(self) -> None:
        """Check every file against ``SHA256SUMS``; raise :class:`IntegrityError` on a mismatch.

        Examples
        --------
        >>> import policydata
        >>> policydata.open_release().verify()
        """
        sums_path = self.path / settings.CHECKSUMS_NAME
        if not sums_path.is_file():
            raise IntegrityError(
                f"{self.path} has no {settings.CHECKSUMS_NAME}.",
                hint="The release is incomplete; download or rebuild it.",
            )
        sums = read_checksums(sums_path)
        expected = {settings.DATAPACKAGE_FILE} | {str(r["path"]) for r in self.datapackage["resources"]}
        missing = sorted(expected - set(sums))
        if missing:
            raise IntegrityError(
                f"{sums_path} lists no checksum for {', '.join(missing)}.",
                hint="The release is incomplete; download or rebuild it.",
            )
        for name, digest in sums.items():
            file = self.path / name
            if not file.is_file():
                raise IntegrityError(
                    f"{file} is missing from release {self.version}.",
                    hint="The release is incomplete; download or rebuild it.",
                )
            got = sha256_file(file)
            if got != digest:
                raise IntegrityError(
                    f"{file} has sha256 {got}, expected {digest}.",
                    hint="The file changed after the release was built; download or rebuild it.",
                )


def _newest_in(directory: Path) -> Path | None:
    index_file = directory / settings.INDEX_FILE
    if not index_file.is_file():
        return None
    index = json.loads(index_file.read_text(encoding="utf-8"))
    return directory / str(index["latest"])


def embedded_release_dir() -> Path:
    """The folder of the release this installation carries.

    ``POLICYDATA_RELEASE_DIR`` overrides; then the wheel's embedded copy; then, in a source
    checkout, the newest release in ``datasets/releases/``.
    """
    override = settings.release_dir_override()
    if override is not None:
        return override
    if settings.EMBEDDED_DIR.is_dir():
        found = sorted(
            p for p in settings.EMBEDDED_DIR.iterdir() if (p / settings.DATAPACKAGE_FILE).is_file()
        )
        if found:
            return found[-1]
    newest = _newest_in(settings.REPO_RELEASES_DIR)
    if newest is not None:
        return newest
    raise ReleaseNotFoundError(
        "This installation carries no data release.",
        hint="Reinstall policydata from a wheel, or set POLICYDATA_RELEASE_DIR to a release folder.",
    )


def known_versions() -> list[str]:
    """Versions of the releases this installation can open without a download."""
    versions: set[str] = set()
    index_file = settings.REPO_RELEASES_DIR / settings.INDEX_FILE
    if index_file.is_file():
        index = json.loads(index_file.read_text(encoding="utf-8"))
        versions.update(str(r["version"]) for r in index.get("releases", []))
    with contextlib.suppress(ReleaseNotFoundError):
        versions.add(Release(embedded_release_dir()).version)
    return sorted(versions)


@functools.cache
def _open(path: Path) -> Release:
    release = Release(path)
    release.check_schema_version()
    return release


def open_release(version: str | None = None) -> Release:
    """Open a data release: the embedded one by default.

    Parameters
    ----------
    version
        A calendar version such as ``"2026.11.0"``; None for the release this installation carries.

    Raises
    ------
    ReleaseNotFoundError
        If no release of that version is available; the message lists the known versions.
    SchemaVersionError
        If the release's schema major version is not the one this library reads.

    Examples
    --------
    >>> import policydata
    >>> rel = policydata.open_release()
    >>> rel.version == policydata.open_release(rel.version).version
    True
    """
    embedded = embedded_release_dir()
    if version is None:
        return _open(embedded)
    candidates = [embedded, settings.REPO_RELEASES_DIR / version]
    for path in candidates:
        if (path / settings.DATAPACKAGE_FILE).is_file() and Release(path).version == version:
            return _open(path)
    raise ReleaseNotFoundError(
        f"No release {version!r} is available here.",
        hint=f"Known versions: {', '.join(known_versions()) or 'none'}.",
    )


def table_names() -> tuple[str, ...]:
    """Names of every table of the data package."""
    return tuple(TABLES)
