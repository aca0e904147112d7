"""A release's archive (``policydata-<version>.zip`` with ``MANIFEST.json``) and its index entry.

The archive is a function of the release folder and its index entry alone, so it can be rebuilt
byte for byte at any time (``policydata archive VERSION``) and need not be committed; the source
commit lives in the index entry because the folder must not depend on git (rebuilding from the
same sources gives the same bytes, whatever commit the repository is at).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from policydata import settings
from policydata.catalog import TABLE_NAMES
from policydata.errors import BuildError
from policydata.export.csv_files import csv_files
from policydata.release.files import atomic_file, read_checksums, sha256_file, version_key, write_zip
from policydata.release.index import read_index
from policydata.release.release import Release


def git(folder: Path, *args: str) -> str | None:
    """Output of ``git -C folder ARGS``, or None outside a repository (or without git)."""
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *args], capture_output=True, text=True, check=False, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def source_commit(sources_dir: Path) -> tuple[str | None, bool | None]:
    """The last commit that changed the source CSVs, and whether they have uncommitted changes.

    The last commit that changed them, not HEAD: a rebuild at a later commit names the same one.
    ``(None, None)`` outside a git repository (or without git).
    """
    files = [f"{name}.csv" for name in TABLE_NAMES]
    if git(sources_dir, "rev-parse", "--is-inside-work-tree") != "true":
        return None, None
    commit = git(sources_dir, "log", "-1", "--format=%H", "--", *files) or None
    status = git(sources_dir, "status", "--porcelain", "--", *files)
    return commit, bool(status) or commit is None


def csv_members(folder: Path, entry: Mapping[str, Any]) -> dict[str, bytes]:
    """The CSV export (:mod:`policydata.export.csv_files`) a release's archive carries, by name.

    Only releases whose index entry says ``"csv": true`` (every release built since archives carry
    CSV files) get them: the archives published before never change.
    """
    if not entry.get("csv"):
        return {}
    return csv_files(Release(folder))


def manifest(
    folder: Path, entry: Mapping[str, Any], extra: Mapping[str, bytes] | None = None
) -> dict[str, Any]:
    """``MANIFEST.json`` of a release's archive, made from the release folder and its index entry.

    ``files`` lists every file of the release folder and the ``extra`` files the archive carries
    beside them (its CSV export), each with its size and sha256.

    Examples
    --------
    >>> import policydata
    >>> m = manifest(policydata.open_release().path, {"source_commit": None})
    >>> sorted(m)[:3]
    ['as_of', 'files', 'library_version']
    """
    release = Release(folder)
    sums = read_checksums(folder / settings.CHECKSUMS_NAME)
    files = {n: {"bytes": (folder / n).stat().st_size, "sha256": sums[n]} for n in sums}
    for name, data in (extra or {}).items():
        files[name] = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    return {
        "name": settings.DATAPACKAGE_NAME,
        "version": release.version,
        "as_of": release.as_of,
        "schema_version": release.schema_version,
        "library_version": entry.get("library_version"),
        "source_commit": entry.get("source_commit"),
        "source_dirty": entry.get("source_dirty"),
        "rows": dict(release.meta.get("rows", {})),
        "files": dict(sorted(files.items())),
        "note": "rate_pct values are the additional ad valorem rates the legal texts set (statutory "
        "rates), not duties actually collected.",
    }


def archive_members(folder: Path, entry: Mapping[str, Any]) -> dict[str, bytes]:
    """The files of a release's archive, by name: those ``SHA256SUMS`` lists, itself, ``MANIFEST.json``
    and, for a release whose entry says so, the CSV export (:func:`csv_members`)."""
    sums = read_checksums(folder / settings.CHECKSUMS_NAME)
    extra = csv_members(folder, entry)
    members = {name: (folder / name).read_bytes() for name in [*sums, settings.CHECKSUMS_NAME]} | extra
    members[settings.MANIFEST_FILE] = (json.dumps(manifest(folder, entry, extra), indent=2) + "\n").encode()
    return members


def member_hashes(folder: Path, entry: Mapping[str, Any]) -> dict[str, str]:
    """The sha256 of every file of a release's archive: the ``files`` of its index entry.

    These are the files a downloaded copy of the release holds; the library checks a cached copy
    against them, so that it trusts the index it ships with, not the copy itself.
    """
    members = archive_members(folder, entry)
    return {name: hashlib.sha256(members[name]).hexdigest() for name in sorted(members)}


def write_archive(folder: Path, entry: Mapping[str, Any], out_dir: Path) -> Path:
    """Write ``policydata-<version>.zip`` of a release folder into ``out_dir``; return its path.

    Members: the files ``SHA256SUMS`` lists, ``SHA256SUMS`` itself, ``MANIFEST.json`` and, for a
    release whose entry says so, the CSV export (:func:`csv_members`), under one top folder,
    stored uncompressed (the Parquet files are compressed already), in sorted order, with a fixed
    time stamp (the as-of date) and fixed permissions: byte-identical on every rebuild.
    """
    release = Release(folder)
    archive = out_dir / settings.archive_name(release.version)
    with atomic_file(archive) as tmp, tmp.open("wb") as out:
        write_zip(out, archive_members(folder, entry), archive.name.removesuffix(".zip"), release.as_of)
    return archive


def update_index(releases_dir: Path, entry: Mapping[str, Any]) -> None:
    """Add a release's entry to ``index.json`` (kept sorted, newest last) and mark the newest."""
    index: dict[str, Any] = read_index(releases_dir / settings.INDEX_FILE) or {"releases": []}
    entries = [r for r in index["releases"] if r["version"] != entry["version"]]
    entries.append(dict(entry))
    entries.sort(key=lambda r: version_key(r["version"]))
    index = {"latest": entries[-1]["version"], "releases": entries}
    with atomic_file(releases_dir / settings.INDEX_FILE) as tmp:
        tmp.write_text(json.dumps(index, indent=2) + "\n", encoding="utf-8", newline="\n")


def archive_release(releases_dir: Path, version: str) -> dict[str, Any]:
    """Write the archive of a release that exists already, and record it in ``index.json``.

    For a release built before archives existed, the source commit recorded is the commit that
    added the release folder (its sources were committed with it). When the index records an
    archive sha256 already, the new archive must have it: the release folder must not have changed.
    The entry gains (or keeps) ``files``, the sha256 of every file of the archive, computed from the
    verified release folder.

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
        commit = git(folder, "log", "--diff-filter=A", "-1", "--format=%H", "--", ".") or None
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
    files = member_hashes(folder, entry)
    if entry.get("files") not in (None, files):
        raise BuildError(
            f"The files of release {version} now have other sha256 than the index records.",
            hint="Restore the release folder and its index entry from git; a release never changes.",
        )
    # recorded only now that the archive is known to be the published one, byte for byte
    entry.update(archive=archive.name, sha256=digest, bytes=size, files=files)
    update_index(releases_dir, entry)
    return entry
