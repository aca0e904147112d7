"""Find, open and verify data releases.

A release is an immutable folder: one Parquet file per table, ``datapackage.json`` (a Frictionless
Data Package), ``MANIFEST.json`` and ``SHA256SUMS``. The newest release ships inside the wheel; in a
source checkout the releases live in ``datasets/releases/``; any other version is downloaded once
into the user cache (see :mod:`policydata.cache`).

Which releases exist, and the sha256 of each one's archive, comes from the release index
``index.json``: ``POLICYDATA_INDEX`` when set, else the copy the wheel carries next to the embedded
release (``policydata/_embedded/index.json``, put there by the build hook), else
``datasets/releases/index.json`` of a source checkout. The index is never fetched from the network:
it is what a downloaded archive is checked against, so it must come from the installation itself.
A release published after this installation was built needs a newer policydata (or its
``index.json`` named by ``POLICYDATA_INDEX``).
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
from policydata.__about__ import __version__
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


def version_key(version: str) -> tuple[int, ...]:
    """Sort key of a calendar version: ``2026.11.0`` sorts after ``2026.9.3``."""
    try:
        return tuple(int(x) for x in version.split("."))
    except ValueError:
        raise ReleaseNotFoundError(
            f"{version!r} is not a release version.", hint="Versions look like 2026.11.0."
        ) from None


def schema_version_error(
    version: str, schema_version: str, library_version: str | None
) -> SchemaVersionError | None:
    """The error for a release whose schema major this library cannot read, else None."""
    if _major(schema_version) == _major(SCHEMA_VERSION):
        return None
    if library_version:
        hint = (
            f"policydata {library_version}, which built it, reads it: "
            f"pip install 'policydata=={library_version}'. Or load a release with schema "
            f"{_major(SCHEMA_VERSION)}.x."
        )
    else:
        hint = (
            f"Install a policydata version that reads schema {_major(schema_version)}.x, or load a "
            f"release with schema {_major(SCHEMA_VERSION)}.x."
        )
    return SchemaVersionError(
        f"Release {version} was built with schema {schema_version}; this library "
        f"(policydata {__version__}) reads schema {_major(SCHEMA_VERSION)}.x only.",
        hint=hint,
    )


def read_index(path: Path) -> dict[str, Any] | None:
    """Parse a release index (``index.json``); None when the file does not exist."""
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except json.JSONDecodeError as exc:
        raise IntegrityError(
            f"{path} is not valid JSON ({exc.msg}, line {exc.lineno}).",
            hint="Restore the release index from the repository or reinstall policydata.",
        ) from None
    return data


def index_path() -> Path | None:
    """The release index this installation trusts; see the module docstring for the order."""
    override = settings.index_override()
    if override is not None:
        if not override.is_file():
            raise ReleaseNotFoundError(
                f"{settings.ENV_INDEX} names {override}, which is not a file.",
                hint=f"Point {settings.ENV_INDEX} at an index.json, or unset it.",
            )
        return override
    for candidate in (
        settings.EMBEDDED_DIR / settings.INDEX_FILE,
        settings.REPO_RELEASES_DIR / settings.INDEX_FILE,
    ):
        if candidate.is_file():
            return candidate
    return None


def index_entries() -> list[dict[str, Any]]:
    """Every release the index lists (version, as_of, schema version, archive, sha256, bytes)."""
    path = index_path()
    index = read_index(path) if path is not None else None
    return list((index or {}).get("releases", []))


def index_entry(version: str) -> dict[str, Any]:
    """The index entry of one release.

    Raises
    ------
    ReleaseNotFoundError
        If the index does not list it; ``.known`` holds the versions that can be opened.
    """
    for entry in index_entries():
        if entry.get("version") == version:
            return entry
    raise not_found(version)


def not_found(version: str) -> ReleaseNotFoundError:
    """The error for a version that no index, embedded release or cache knows."""
    known = known_versions()
    return ReleaseNotFoundError(
        f"No release {version!r} is known to this installation.",
        hint=f"Known versions: {', '.join(known) or 'none'}. A newer release may need a newer "
        "policydata: pip install --upgrade policydata.",
        known=known,
    )


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

    @functools.cached_property
    def manifest(self) -> dict[str, Any]:
        """The parsed ``MANIFEST.json`` of a downloaded release; empty for one that has none."""
        try:
            data: dict[str, Any] = json.loads(
                (self.path / settings.MANIFEST_FILE).read_text(encoding="utf-8")
            )
        except (FileNotFoundError, json.JSONDecodeError):
            return {}
        return data

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
        error = schema_version_error(self.version, self.schema_version, self.manifest.get("library_version"))
        if error is not None:
            raise error

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
    index = read_index(directory / settings.INDEX_FILE)
    return directory / str(index["latest"]) if index else None


def _embedded_dir() -> Path | None:
    override = settings.release_dir_override()
    if override is not None:
        return override
    if settings.EMBEDDED_DIR.is_dir():
        found = sorted(
            (p for p in settings.EMBEDDED_DIR.iterdir() if (p / settings.DATAPACKAGE_FILE).is_file()),
            key=lambda p: version_key(p.name),
        )
        if found:
            return found[-1]
    return _newest_in(settings.REPO_RELEASES_DIR)


def embedded_release_dir() -> Path:
    """The folder of the release this installation carries.

    ``POLICYDATA_RELEASE_DIR`` overrides; then the wheel's embedded copy; then, in a source
    checkout, the newest release in ``datasets/releases/``.
    """
    found = _embedded_dir()
    if found is None:
        raise ReleaseNotFoundError(
            "This installation carries no data release.",
            hint="Reinstall policydata from a wheel, or set POLICYDATA_RELEASE_DIR to a release folder.",
        )
    return found


def embedded_version() -> str | None:
    """Version of the release this installation carries, if any."""
    found = _embedded_dir()
    return Release(found).version if found is not None else None


def known_versions() -> list[str]:
    """Versions this installation can open: listed in the index, embedded, or in the cache."""
    from policydata.cache import cached_versions

    versions = {str(r["version"]) for r in index_entries()}
    with contextlib.suppress(ReleaseNotFoundError):
        embedded = embedded_version()
        if embedded is not None:
            versions.add(embedded)
    versions.update(cached_versions())
    return sorted(versions, key=version_key)


@functools.cache
def _open(path: Path) -> Release:
    release = Release(path)
    release.check_schema_version()
    return release


def open_release(version: str | None = None) -> Release:
    """Open a data release: the embedded one by default, else a local or downloaded one.

    A version other than the embedded one is read from ``datasets/releases/`` in a source
    checkout, else from the user cache, else downloaded (see :func:`policydata.cache.download`).

    Parameters
    ----------
    version
        A calendar version such as ``"2026.11.0"``; None for the release this installation carries.

    Raises
    ------
    ReleaseNotFoundError
        If no release of that version is known; ``.known`` lists the versions that are.
    SchemaVersionError
        If the release's schema major version is not the one this library reads.
    DownloadError, IntegrityError, OfflineError, UnsafeArchiveError
        If a needed download fails; the cache then holds nothing of it.

    Examples
    --------
    >>> import policydata
    >>> rel = policydata.open_release()
    >>> rel.version == policydata.open_release(rel.version).version
    True
    """
    if version is None:
        return _open(embedded_release_dir())
    embedded = _embedded_dir()
    local = settings.REPO_RELEASES_DIR / version
    for path in (embedded, local):
        if (
            path is not None
            and (path / settings.DATAPACKAGE_FILE).is_file()
            and Release(path).version == version
        ):
            return _open(path)
    from policydata.cache import download

    return _open(download(version))


def table_names() -> tuple[str, ...]:
    """Names of every table of the data package."""
    return tuple(TABLES)
