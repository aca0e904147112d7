"""Build a data release from the source CSVs, and its archive.

A release folder ``<releases>/<version>/`` holds deterministic Parquet (one file per table),
``datapackage.json`` and ``SHA256SUMS``, and never changes once written. Its archive
``<releases>/archives/policydata-<version>.zip`` holds the same files plus ``MANIFEST.json`` (as-of
date, source commit, row counts, schema and library versions, every file's checksum), ready to attach
to a GitHub release; ``index.json`` lists every release with its archive's name, sha256 and size,
which is what a download is checked against.

The archive is a function of the release folder and its index entry alone, so it can be rebuilt byte
for byte at any time (``policydata archive VERSION``) and need not be committed; the source commit
lives in the index entry because the folder must not depend on git (rebuilding from the same
sources gives the same bytes, whatever commit the repository is at).

The release is written to a temporary folder next to its destination and moved into place only when
complete, so a failed build leaves nothing behind. A release that exists already is never changed.
Nothing depends on the clock, the machine or the order a folder is listed in.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from policydata import settings
from policydata.__about__ import __version__
from policydata.catalog import TABLES
from policydata.errors import BuildError, DataValidationError
from policydata.releases import Release, read_checksums, read_index, sha256_file, version_key
from policydata.schemas import SCHEMA_VERSION

VERSION_PATTERN = re.compile(r"^\d{4}\.(?:[1-9]|1[0-2])\.\d+$")


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_parquet(frame: Any, info_name: str, path: Path) -> None:
    """Write one table deterministically: fixed schema, rows sorted by key, fixed writer options."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from policydata.validate.core import arrow_schema

    info = TABLES[info_name]
    schema = arrow_schema(info)
    records = frame.sort_values(list(info.primary_key), kind="stable").to_dict("records")
    columns = {}
    for f in schema:
        values = [r[f.name] for r in records]
        columns[f.name] = pa.array([None if v is None or v != v else v for v in values], type=f.type)
    table = pa.Table.from_pydict(columns, schema=schema)
    pq.write_table(
        table,
        path,
        compression=settings.PARQUET_COMPRESSION,
        compression_level=settings.PARQUET_COMPRESSION_LEVEL,
        use_dictionary=True,
        write_statistics=True,
        store_schema=True,
    )


def datapackage(
    version: str, as_of: dt.date, resources: list[dict[str, Any]], rows: dict[str, int]
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
            "rows": rows,
        },
    }


def _git(sources_dir: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(sources_dir), *args], capture_output=True, text=True, check=False, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def source_commit(sources_dir: Path) -> tuple[str | None, bool | None]:
    """The last commit that changed the source CSVs, and whether they have uncommitted changes.

    The last commit that changed them, not HEAD: a rebuild at a later commit names the same one.
    ``(None, None)`` outside a git repository (or without git).
    """
    files = [f"{name}.csv" for name in TABLES]
    if _git(sources_dir, "rev-parse", "--is-inside-work-tree") != "true":
        return None, None
    commit = _git(sources_dir, "log", "-1", "--format=%H", "--", *files) or None
    status = _git(sources_dir, "status", "--porcelain", "--", *files)
    return commit, bool(status) or commit is None


def manifest(folder: Path, entry: Mapping[str, Any]) -> dict[str, Any]:
    """``MANIFEST.json`` of a release's archive, made from the release folder and its index entry.

    Examples
    --------
    >>> import policydata
    >>> m = manifest(policydata.open_release().path, {"source_commit": None})
    >>> sorted(m)[:3]
    ['as_of', 'files', 'library_version']
    """
    release = Release(folder)
    sums = read_checksums(folder / settings.CHECKSUMS_NAME)
    return {
        "name": settings.DATAPACKAGE_NAME,
        "version": release.version,
        "as_of": release.as_of,
        "schema_version": release.schema_version,
        "library_version": entry.get("library_version"),
        "source_commit": entry.get("source_commit"),
        "source_dirty": entry.get("source_dirty"),
        "rows": dict(release.meta.get("rows", {})),
        "files": {n: {"bytes": (folder / n).stat().st_size, "sha256": sums[n]} for n in sorted(sums)},
        "note": "rate_pct values are the additional ad valorem rates the legal texts set (statutory "
        "rates), not duties actually collected.",
    }


def write_archive(folder: Path, entry: Mapping[str, Any], out_dir: Path) -> Path:
    """Write ``policydata-<version>.zip`` of a release folder into ``out_dir``; return its path.

    Members: the files ``SHA256SUMS`` lists, ``SHA256SUMS`` itself and ``MANIFEST.json``, under one
    top folder, stored uncompressed (the Parquet files are compressed already), in sorted order,
    with a fixed time stamp (the as-of date) and fixed permissions: byte-identical on every rebuild.
    """
    release = Release(folder)
    sums = read_checksums(folder / settings.CHECKSUMS_NAME)
    members = {name: (folder / name).read_bytes() for name in [*sums, settings.CHECKSUMS_NAME]}
    members[settings.MANIFEST_FILE] = (json.dumps(manifest(folder, entry), indent=2) + "\n").encode()
    as_of = dt.date.fromisoformat(release.as_of)
    stamp = (max(as_of.year, 1980), as_of.month, as_of.day, 0, 0, 0)
    out_dir.mkdir(parents=True, exist_ok=True)
    archive = out_dir / settings.archive_name(release.version)
    prefix = archive.name.removesuffix(".zip")
    fd, tmp = tempfile.mkstemp(dir=out_dir, prefix=f".{archive.name}.")
    try:
        with os.fdopen(fd, "wb") as fh, zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_STORED) as zf:
            for name in sorted(members):
                info = zipfile.ZipInfo(f"{prefix}/{name}", date_time=stamp)
                info.create_system = 3  # unix, so the permission bits below mean the same everywhere
                info.external_attr = 0o100644 << 16
                info.compress_type = zipfile.ZIP_STORED
                zf.writestr(info, members[name])
        os.replace(tmp, archive)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return archive


def archive_release(releases_dir: Path, version: str) -> dict[str, Any]:
    """Write the archive of a release that exists already, and record it in ``index.json``.

    For a release built before archives existed, the source commit recorded is the commit that
    added the release folder (its sources were committed with it). When the index records an
    archive sha256 already, the new archive must have it: the release folder must not have changed.

    Returns
    -------
    dict
        The release's index entry.

    Raises
    ------
    BuildError
        If the index does not list the release, or the archive differs from the recorded one.
    IntegrityError
        If a file of the release folder does not match its ``SHA256SUMS``.
    """
    index = read_index(releases_dir / settings.INDEX_FILE) or {"releases": []}
    found = [r for r in index["releases"] if r["version"] == version]
    if not found:
        raise BuildError(
            f"{releases_dir / settings.INDEX_FILE} does not list release {version}.",
            hint="Archive a release that 'policydata release' built.",
        )
    folder = releases_dir / version
    Release(folder).verify()
    entry = dict(found[0])
    if "source_commit" not in entry:
        commit = _git(folder, "log", "--diff-filter=A", "-1", "--format=%H", "--", ".") or None
        entry["source_commit"], entry["source_dirty"] = commit, (False if commit else None)
    archive = write_archive(folder, entry, releases_dir / settings.ARCHIVES_DIR)
    digest, size = sha256_file(archive), archive.stat().st_size
    if entry.get("sha256") not in (None, digest):
        archive.unlink()
        raise BuildError(
            f"The archive of release {version} now has sha256 {digest}, but the index records "
            f"{entry['sha256']}: the release folder or its index entry changed.",
            hint="Restore them from git; a published release never changes.",
        )
    entry.update(archive=archive.name, sha256=digest, bytes=size)
    update_index(releases_dir, entry)
    return entry


def update_index(releases_dir: Path, entry: Mapping[str, Any]) -> None:
    """Add a release's entry to ``index.json`` (kept sorted, newest last) and mark the newest."""
    index: dict[str, Any] = read_index(releases_dir / settings.INDEX_FILE) or {"releases": []}
    entries = [r for r in index["releases"] if r["version"] != entry["version"]]
    entries.append(dict(entry))
    entries.sort(key=lambda r: version_key(r["version"]))
    index = {"latest": entries[-1]["version"], "releases": entries}
    _atomic_write(releases_dir / settings.INDEX_FILE, json.dumps(index, indent=2) + "\n")


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


def _section_heading(version: str) -> str:
    return f"## [data {version}]"


def insert_changelog_section(changelog: Path, text: str) -> None:
    """Put a data release's section into the changelog, just after the Unreleased section.

    Keep a Changelog lists the newest first; "Unreleased" stays on top.
    """
    old = changelog.read_text(encoding="utf-8") if changelog.is_file() else "# Changelog\n"
    lines = old.splitlines(keepends=True)
    headings = [i for i, line in enumerate(lines) if line.startswith("## ")]
    if headings and lines[headings[0]].startswith("## [Unreleased]"):
        headings = headings[1:]
    at = headings[0] if headings else len(lines)
    block = text.rstrip("\n") + "\n" + ("\n" if at < len(lines) else "")
    if at == len(lines) and lines:
        # appended at the end: a blank line separates it from what came before
        lines[-1] = lines[-1].rstrip("\n") + "\n\n"
    _atomic_write(changelog, "".join([*lines[:at], block, *lines[at:]]))


def changelog_section(release: Path, previous: Path | None) -> str:
    """The changelog section of a new release: what changed, record by record, since ``previous``."""
    from policydata.diff import diff

    new = Release(release)
    lines = [f"{_section_heading(new.version)} - {new.as_of}", ""]
    if previous is None:
        total = sum(new.rows(n) for n in new.tables)
        lines.append(
            f"First data release (schema {new.schema_version}): {total} records in {len(new.tables)} tables."
        )
        return "\n".join(lines) + "\n"
    changes = diff(Release(previous), new)
    lines.append(
        f"Data release {new.version} (schema {new.schema_version}), compared with {changes.a_version}:"
    )
    lines.append("")
    lines.append(changes.to_markdown())
    return "\n".join(lines) + "\n"


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
        If the version is malformed or the release exists already.

    Examples
    --------
    >>> import datetime, pathlib, tempfile
    >>> from policydata import settings
    >>> out = build_release(settings.REPO_SOURCES_DIR, pathlib.Path(tempfile.mkdtemp()),
    ...                     "2000.1.0", datetime.date(2000, 1, 1), update_index_file=False)
    >>> (out / "datapackage.json").is_file()
    True
    """
    from policydata.validate.core import validate_folder

    if not VERSION_PATTERN.match(version):
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
    if (
        changelog is not None
        and changelog.is_file()
        and any(
            line.startswith(f"{_section_heading(version)} ")
            for line in changelog.read_text(encoding="utf-8").splitlines()
        )
    ):
        raise BuildError(
            f"{changelog} has a section for data release {version} already, but the release does not exist.",
            hint="Remove that section, or choose a new version number.",
        )
    report = validate_folder(sources_dir)
    if not report.ok:
        raise DataValidationError(
            f"The sources in {sources_dir} have {len(report.problems)} problem(s); no release was written.",
            hint="Run 'policydata validate' to see them.",
            report=report,
        )
    from policydata.validate.core import read_csv
    from policydata.validate.report import Report

    releases_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=releases_dir, prefix=f".{version}."))
    try:
        resources = []
        rows = {}
        from policydata.tableschema import table_schema

        for name, info in TABLES.items():
            loaded = read_csv(sources_dir / f"{name}.csv", info, Report())
            if loaded is None:  # pragma: no cover - validated above
                raise BuildError(f"{name}.csv could not be read.")
            file = staging / f"{name}.parquet"
            write_parquet(loaded.frame, name, file)
            rows[name] = len(loaded.frame)
            resources.append(
                {
                    "name": name,
                    "type": "table",
                    "title": info.title,
                    "description": info.description,
                    "path": file.name,
                    "format": "parquet",
                    "mediatype": "application/vnd.apache.parquet",
                    # not the standard "bytes"/"hash": frictionless reads Parquet through pyarrow,
                    # never sees the byte stream and would report both as mismatched
                    "integrity": {"sha256": sha256_file(file), "bytes": file.stat().st_size},
                    "schema": table_schema(info, for_parquet=True),
                }
            )
        package = datapackage(version, as_of, resources, rows)
        (staging / settings.DATAPACKAGE_FILE).write_text(
            json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        names = sorted(p.name for p in staging.iterdir())
        sums = "".join(f"{sha256_file(staging / n)}  {n}\n" for n in names)
        (staging / settings.CHECKSUMS_NAME).write_text(sums, encoding="utf-8")
        os.chmod(staging, 0o755)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    commit, dirty = source_commit(sources_dir)
    entry: dict[str, Any] = {
        "version": version,
        "as_of": as_of.isoformat(),
        "schema_version": SCHEMA_VERSION,
        "library_version": __version__,
        "source_commit": commit,
        "source_dirty": dirty,
    }
    archive = write_archive(target, entry, releases_dir / settings.ARCHIVES_DIR)
    entry.update(archive=archive.name, sha256=sha256_file(archive), bytes=archive.stat().st_size)
    previous = _previous(releases_dir, version) if changelog is not None else None
    if update_index_file:
        update_index(releases_dir, entry)
    if changelog is not None:
        insert_changelog_section(changelog, changelog_section(target, previous))
    return target
