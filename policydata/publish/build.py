"""Build a data release from the source CSVs.

A release folder ``<releases>/<version>/`` holds deterministic Parquet (one file per table),
``datapackage.json`` and ``SHA256SUMS``, and never changes once written. Building runs in phases:
check the version is new, validate the sources (reading each CSV once), write the release into a
staging folder (Parquet, a data package checked by frictionless, checksums), move it into place in
one rename, then write its archive and index entry (:mod:`policydata.publish.archive`) and its
changelog section (:mod:`policydata.publish.changelog`). A failed build leaves nothing behind.
Nothing depends on the clock, the machine or the order a folder is listed in.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policydata import settings
from policydata.__about__ import __version__
from policydata.catalog import tables
from policydata.errors import BuildError, DataValidationError
from policydata.generated.arrow import arrow_schema
from policydata.generated.tableschema import table_schema
from policydata.publish.archive import member_hashes, source_commit, update_index, write_archive
from policydata.publish.changelog import has_section, insert_section, release_section
from policydata.release.files import atomic_dir, checksums_text, is_version, sha256_file, version_key
from policydata.release.index import read_index
from policydata.schemas import SCHEMA_VERSION
from policydata.validate.core import check_folder

if TYPE_CHECKING:
    import pyarrow as pa

    from policydata.schemas.model import TableSpec


def write_parquet(data: pa.Table, spec: TableSpec, path: Path) -> None:
    """Write one table deterministically: the storage schema, rows sorted by key, fixed options."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    schema = arrow_schema(spec)
    table = data.select(schema.names).cast(schema)
    order = pc.sort_indices(table, sort_keys=[(k, "ascending") for k in spec.primary_key])
    pq.write_table(
        table.take(order).combine_chunks(),
        path,
        compression=settings.PARQUET_COMPRESSION,
        compression_level=settings.PARQUET_COMPRESSION_LEVEL,
        use_dictionary=True,
        write_statistics=True,
        store_schema=True,
    )


def datapackage(
    version: str, as_of: dt.date, resources: list[dict[str, Any]], rows: Mapping[str, int]
) -> dict[str, Any]:
    """The ``datapackage.json`` of a release (Frictionless Data Package v2)."""
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": settings.DATAPACKAGE_NAME,
        "title": settings.DATAPACKAGE_TITLE,
        "description": (
            "Industrial policies, sectors with HS and ISIC crosswalks, and tariff events between "
            "the United States, China and the European Union since 2018; every record cites a "
            "public source listed in the sources resource."
        ),
        "version": version,
        "created": f"{as_of.isoformat()}T00:00:00Z",
        "homepage": settings.PROJECT_HOMEPAGE,
        "keywords": ["tariffs", "industrial policy", "trade", "China", "United States"],
        "licenses": [settings.DATA_LICENSE],
        "sources": [
            {
                "title": "Public documents (laws, notices, official statements, research, press) "
                "listed in the sources resource of this package",
                "path": "sources.parquet",
            }
        ],
        "contributors": [{"title": "The policydata contributors", "roles": ["creator"]}],
        "resources": resources,
        "policydata": {
            "schema_version": SCHEMA_VERSION,
            "as_of": as_of.isoformat(),
            "rows": dict(rows),
        },
    }


def check_datapackage(package: Mapping[str, Any], folder: Path) -> None:
    """Refuse a data package descriptor that frictionless, the reference implementation, rejects.

    Raises
    ------
    BuildError
        Listing frictionless's own findings; nothing is released then.
    """
    from frictionless import Package

    report = Package.validate_descriptor(dict(package), basepath=str(folder))
    if not report.valid:
        found = "; ".join(e.message for e in report.errors)
        raise BuildError(
            f"frictionless rejects the data package descriptor: {found}",
            hint="Nothing was released. Fix the descriptor generation (policydata/publish/build.py).",
        )


def _resource(spec: TableSpec, file: Path) -> dict[str, Any]:
    return {
        "name": spec.name,
        "type": "table",
        "title": spec.title,
        "description": spec.description,
        "path": file.name,
        "format": "parquet",
        "mediatype": "application/vnd.apache.parquet",
        # not the standard "bytes"/"hash": frictionless reads Parquet through pyarrow, never sees
        # the byte stream and would report both as mismatched
        "integrity": {"sha256": sha256_file(file), "bytes": file.stat().st_size},
        "schema": table_schema(spec, for_parquet=True),
    }


def _check_new(releases_dir: Path, version: str, changelog: Path | None) -> Path:
    if not is_version(version):
        raise BuildError(
            f"Release version {version!r} is not a calendar version.",
            hint="Use YYYY.M.N, e.g. 2026.11.0.",
        )
    target = releases_dir / version
    if target.exists():
        raise BuildError(
            f"Release {version} exists already at {target}; releases never change.",
            hint="Choose a new version number.",
        )
    if changelog is not None and has_section(changelog, version):
        raise BuildError(
            f"{changelog} has a section for data release {version} already, but the release does not exist.",
            hint="Remove that section, or choose a new version number.",
        )
    return target


def _validated(sources_dir: Path) -> dict[str, pa.Table]:
    report, loaded = check_folder(sources_dir)
    if not report.ok:
        raise DataValidationError(
            f"The sources in {sources_dir} have {len(report.problems)} problem(s); no release was written.",
            hint="Run 'policydata validate' to see them.",
            report=report,
        )
    return {name: t.data for name, t in loaded.items()}


def _write(staging: Path, version: str, as_of: dt.date, data: Mapping[str, pa.Table]) -> None:
    resources, rows = [], {}
    for name, spec in tables().items():
        file = staging / f"{name}.parquet"
        write_parquet(data[name], spec, file)
        rows[name] = data[name].num_rows
        resources.append(_resource(spec, file))
    package = datapackage(version, as_of, resources, rows)
    check_datapackage(package, staging)
    (staging / settings.DATAPACKAGE_FILE).write_text(
        json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    names = [p.name for p in staging.iterdir()]
    (staging / settings.CHECKSUMS_NAME).write_text(checksums_text(staging, names), encoding="utf-8")


def _previous(releases_dir: Path, version: str) -> Path | None:
    """The newest release folder older than ``version``, to compare the new one with."""
    index = read_index(releases_dir / settings.INDEX_FILE)
    older = [
        r["version"]
        for r in (index or {}).get("releases", [])
        if version_key(r["version"]) < version_key(version)
        and (releases_dir / r["version"] / settings.DATAPACKAGE_FILE).is_file()
    ]
    return releases_dir / max(older, key=version_key) if older else None


def build_release(
    sources_dir: Path,
    releases_dir: Path,
    version: str,
    as_of: dt.date,
    *,
    update_index_file: bool = True,
    changelog: Path | None = None,
) -> Path:
    """Validate the sources and write release ``version`` into ``releases_dir/version``.

    Parameters
    ----------
    sources_dir
        Folder of source CSVs, one per table.
    releases_dir
        Folder of releases; the new one goes into ``releases_dir/version``.
    version
        Calendar version ``YYYY.M.N``.
    as_of
        Date up to which the facts were checked; also the release's ``created`` date.
    update_index_file
        Add the release to ``releases_dir/index.json``.
    changelog
        A ``CHANGELOG.md`` to add the release's section to: the records added, removed and
        changed since the previous release in the index.

    Raises
    ------
    DataValidationError
        If the sources are invalid; nothing is written. ``.report`` holds every problem.
    BuildError
        If the version is malformed, the release exists already, or frictionless rejects the
        data package descriptor.

    Examples
    --------
    >>> import datetime, pathlib, tempfile
    >>> out = build_release(settings.REPO_SOURCES_DIR, pathlib.Path(tempfile.mkdtemp()),
    ...                     "2000.1.0", datetime.date(2000, 1, 1), update_index_file=False)
    >>> (out / "datapackage.json").is_file()
    True
    """
    target = _check_new(releases_dir, version, changelog)
    data = _validated(sources_dir)
    with atomic_dir(target) as staging:
        _write(staging, version, as_of, data)
    commit, dirty = source_commit(sources_dir)
    entry: dict[str, Any] = {
        "version": version,
        "as_of": as_of.isoformat(),
        "schema_version": SCHEMA_VERSION,
        "library_version": __version__,
        "source_commit": commit,
        "source_dirty": dirty,
        "csv": True,  # the archive carries the CSV export too
    }
    archive = write_archive(target, entry, releases_dir / settings.ARCHIVES_DIR)
    entry.update(
        archive=archive.name,
        sha256=sha256_file(archive),
        bytes=archive.stat().st_size,
        files=member_hashes(target, entry),
    )
    previous = _previous(releases_dir, version) if changelog is not None else None
    if update_index_file:
        update_index(releases_dir, entry)
    if changelog is not None:
        insert_section(changelog, release_section(target, previous))
    return target
