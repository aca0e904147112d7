"""An opened data release: its data package, its tables, and a check of every file.

A release is an immutable folder: one Parquet file per table, ``datapackage.json`` (a Frictionless
Data Package), ``SHA256SUMS`` and, for a downloaded one, ``MANIFEST.json``. Every file name a
release names (in ``SHA256SUMS``, ``MANIFEST.json`` or as a resource path) must be a plain name
inside its folder, and a file it reads must be a regular file there, not a link.

A downloaded release is opened with ``trusted``, the sha256 of each of its files as the release
index shipped with the library records them: its data package is checked against it before it is
parsed, and each table's file before it is read, so that a load never returns data the index does
not vouch for.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from policydata import settings
from policydata.__about__ import __version__
from policydata.catalog import check_name
from policydata.errors import IntegrityError, ReleaseNotFoundError, SchemaVersionError
from policydata.io import Filter, read_table
from policydata.release.files import check_member_name, read_checksums, sha256_file, summarise
from policydata.schemas import SCHEMA_VERSION


def _major(version: str) -> int:
    try:
        return int(version.split(".", 1)[0])
    except ValueError:
        return -1


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


def read_json(path: Path, what: str, data: bytes | None = None) -> Any:
    """Parse a JSON file of a release or index (or its ``data``, read already); a damaged one is
    an :class:`IntegrityError`."""
    try:
        return json.loads(path.read_bytes() if data is None else data)
    except (ValueError, RecursionError) as exc:  # malformed, not UTF-8, nested too deep
        raise IntegrityError(
            f"{path} is not valid JSON ({exc}).",
            hint=f"The {what} is damaged; download or rebuild it.",
        ) from None


_DAMAGED = "The release is damaged; download or rebuild it."
_TAMPERED = (
    "The release was changed after it was built; remove it ('policydata cache clear') and download it again."
)


@dataclass(frozen=True)
class Release:
    """An opened data release.

    Use :func:`policydata.open_release` to get one.

    Examples
    --------
    >>> import policydata
    >>> rel = policydata.open_release()
    >>> "tariff_events" in rel.tables
    True
    """

    path: Path
    #: For a downloaded release: the sha256 of each file, as the release index records them.
    trusted: Mapping[str, str] | None = field(default=None, compare=False, repr=False)

    def _file(self, name: str) -> Path:
        """A file of the release: a regular file directly in its folder (not a link), else an error."""
        check_member_name(name, f"Release {self.path.name}")
        file = self.path / name
        if file.is_symlink() or not file.is_file():
            raise IntegrityError(
                f"{file} is missing from release {self.path.name}"
                + (" (it is a symbolic link)." if file.is_symlink() else "."),
                hint="The release is incomplete or was tampered with; download or rebuild it.",
            )
        return file

    def _check_trusted(self, name: str, digest: str) -> None:
        if self.trusted is None:
            return
        if self.trusted.get(name) != digest:
            raise IntegrityError(
                f"{self.path / name} has sha256 {digest}, but the release index this library trusts "
                f"records {self.trusted.get(name, 'no such file')}.",
                hint=_TAMPERED,
            )

    def _read(self, name: str) -> bytes:
        """The bytes of a small file of the release, checked against the index when it is trusted."""
        data = self._file(name).read_bytes()
        self._check_trusted(name, hashlib.sha256(data).hexdigest())
        return data

    @functools.cached_property
    def datapackage(self) -> dict[str, Any]:
        """The parsed ``datapackage.json``."""
        file = self.path / settings.DATAPACKAGE_FILE
        if not file.is_file():
            raise ReleaseNotFoundError(
                f"{self.path} has no {settings.DATAPACKAGE_FILE}; it is not a release folder.",
                hint="Point at a folder written by 'policydata release'.",
            )
        data = read_json(file, "release", self._read(settings.DATAPACKAGE_FILE))
        resources = data.get("resources") if isinstance(data, dict) else None
        if not isinstance(resources, list) or not all(
            isinstance(r, dict) and isinstance(r.get("name"), str) and isinstance(r.get("path"), str)
            for r in resources
        ):
            raise IntegrityError(f"{file} lists no valid resources (name and path).", hint=_DAMAGED)
        for r in resources:
            check_member_name(r["path"], f"{file}, resource {r['name']!r},")
        result: dict[str, Any] = data
        return result

    @property
    def version(self) -> str:
        """The release's calendar version, e.g. ``2026.11.0``."""
        return str(self.datapackage.get("version", ""))

    @property
    def meta(self) -> dict[str, Any]:
        """policydata's own metadata in the data package (schema version, as-of date, rows)."""
        value = self.datapackage.get("policydata", {})
        return value if isinstance(value, dict) else {}

    @functools.cached_property
    def manifest(self) -> dict[str, Any]:
        """The parsed ``MANIFEST.json`` of a downloaded release; empty for one that has none."""
        file = self.path / settings.MANIFEST_FILE
        if not file.is_file() and not file.is_symlink():
            return {}
        data = read_json(file, "release", self._read(settings.MANIFEST_FILE))
        return data if isinstance(data, dict) else {}

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
        check_name(name)
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
        """Load a table of this release; see :func:`policydata.load`.

        Raises
        ------
        IntegrityError
            If the table's file is missing, a link, not the one the release index records (for a
            downloaded release), or not readable Parquet (the release is damaged).
        """
        path = self.path_of(name)
        file = self._file(path.name)
        if self.trusted is not None:
            self._check_trusted(path.name, sha256_file(file))
        try:
            return read_table(path, name, backend=backend, columns=columns, filters=filters)
        except Exception as exc:
            error = _unreadable(exc, path, self.version)
            if error is None:
                raise
            raise error from None

    def checksums(self) -> dict[str, str]:
        """The release's ``SHA256SUMS``, checked to list the data package and every resource."""
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
        return sums

    def verify(self) -> None:
        """Check every file against ``SHA256SUMS`` and the data package's ``integrity`` (and, for a
        downloaded release, against the release index); raise :class:`IntegrityError` on a mismatch.

        Examples
        --------
        >>> import policydata
        >>> policydata.open_release().verify()
        """
        if self.trusted is not None:  # first, so that a rewritten file is named as such
            self._read(settings.CHECKSUMS_NAME)
        sums = self.checksums()
        for name, digest in sums.items():
            file = self._file(name)
            got = sha256_file(file)
            if got != digest:
                raise IntegrityError(
                    f"{file} has sha256 {got}, expected {digest}.",
                    hint="The file changed after the release was built; download or rebuild it.",
                )
            self._check_trusted(name, got)
        for resource in self.datapackage["resources"]:
            integrity = resource.get("integrity")
            file = self.path / resource["path"]
            recorded = (
                (integrity.get("sha256"), integrity.get("bytes")) if isinstance(integrity, dict) else None
            )
            if recorded != (sums[resource["path"]], file.stat().st_size):
                raise IntegrityError(
                    f"{self.path / settings.DATAPACKAGE_FILE}: the integrity of resource "
                    f"{resource['name']!r} ({recorded}) does not match {file.name}.",
                    hint=_TAMPERED,
                )

    def check_tables(self) -> None:
        """Check that each table's file opens as the table the data package describes.

        Each must be readable Parquet, from its footer to its last page, with the columns its Table
        Schema lists, in order, and the rows the data package records.

        Raises
        ------
        IntegrityError
            Naming the first file that is not.

        Examples
        --------
        >>> import policydata
        >>> policydata.open_release().check_tables()
        """
        import pyarrow.parquet as pq

        rows = self.meta.get("rows", {})
        for resource in self.datapackage["resources"]:
            path = self.path / resource["path"]
            expected = _field_names(resource.get("schema"))
            try:
                table = pq.ParquetFile(self._file(resource["path"])).read()
            except Exception as exc:
                error = _unreadable(exc, path, self.version)
                if error is None:
                    raise
                raise error from None
            if table.column_names != expected or table.num_rows != rows.get(resource["name"]):
                raise IntegrityError(
                    f"{path} is not the table {resource['name']!r} its data package describes: it has "
                    f"{table.num_rows} rows and the columns {summarise(table.column_names)}; expected "
                    f"{rows.get(resource['name'])} rows and the columns {summarise(expected)}.",
                    hint=_DAMAGED,
                )


def _field_names(schema: Any) -> list[str]:
    fields = schema.get("fields") if isinstance(schema, dict) else None
    if not isinstance(fields, list):
        return []
    return [str(f.get("name")) for f in fields if isinstance(f, dict)]


def _unreadable(exc: Exception, path: Path, version: str) -> IntegrityError | None:
    """The error for a table file that Arrow cannot read; None for any other exception."""
    # pyarrow is imported here, not at the top: read_table first keeps pandas out when it can
    import pyarrow as pa

    if not isinstance(exc, pa.ArrowException | OSError):
        return None
    if isinstance(exc, FileNotFoundError) or not path.is_file():
        return IntegrityError(f"{path} is missing from release {version}.", hint=_DAMAGED)
    return IntegrityError(f"{path} of release {version} cannot be read as Parquet ({exc}).", hint=_DAMAGED)
