"""The user cache of downloaded releases: what it holds, its locks, checking and clearing it.

Layout of the cache folder (``POLICYDATA_CACHE_DIR``, else the platform's user cache folder)::

    releases/<version>/     an unpacked, verified release
    releases/.<version>.*   a release being unpacked (removed by the next download or clear)
    downloads/<version>/    the archive while it downloads (removed afterwards)
    locks/<version>.lock    held while a process downloads or removes that version

A release folder appears in the cache in one rename, after it was verified, so the cache holds
complete releases or nothing.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from policydata import settings
from policydata.errors import IntegrityError, ReleaseNotFoundError
from policydata.release.files import (
    check_member_name,
    is_version,
    read_checksums,
    sha256_file,
    staging_leftovers,
    version_key,
)
from policydata.release.index import embedded_version, index_entries
from policydata.release.release import Release, read_json

if TYPE_CHECKING:
    from filelock import BaseFileLock

log = logging.getLogger(__name__)

# Releases verified in this process, with the size and modification time of each file then: a
# release whose files still look the same is not hashed again on every load.
_verified: dict[Path, tuple[tuple[str, int, int], ...]] = {}


def cache_dir() -> Path:
    """The cache folder: ``POLICYDATA_CACHE_DIR``, else the platform's user cache folder.

    Examples
    --------
    >>> cache_dir() == settings.cache_dir()
    True
    """
    return settings.cache_dir()


def releases_root() -> Path:
    return cache_dir() / "releases"


def downloads_dir(version: str) -> Path:
    return cache_dir() / "downloads" / version


def lock(version: str) -> BaseFileLock:
    """The file lock of one version, held while it is downloaded or removed."""
    from filelock import FileLock

    locks = cache_dir() / "locks"
    locks.mkdir(parents=True, exist_ok=True)
    return FileLock(str(locks / f"{version}.lock"), timeout=settings.LOCK_TIMEOUT)


@dataclass(frozen=True)
class CachedRelease:
    """A release in the cache."""

    version: str
    path: Path
    bytes: int


def _signature(folder: Path) -> tuple[tuple[str, int, int], ...]:
    return tuple(
        (p.name, (st := p.stat()).st_size, st.st_mtime_ns) for p in sorted(folder.iterdir()) if p.is_file()
    )


def _complete(folder: Path) -> bool:
    return folder.is_dir() and (folder / settings.DATAPACKAGE_FILE).is_file()


def cached_releases() -> list[CachedRelease]:
    """The releases in the cache, oldest first.

    Examples
    --------
    >>> isinstance(cached_releases(), list)
    True
    """
    root = releases_root()
    if not root.is_dir():
        return []
    found = []
    for folder in root.iterdir():
        if not is_version(folder.name) or not _complete(folder):
            continue
        size = sum(p.stat().st_size for p in folder.iterdir() if p.is_file())
        found.append(CachedRelease(folder.name, folder, size))
    return sorted(found, key=lambda c: version_key(c.version))


def cached_versions() -> list[str]:
    """Versions of the releases in the cache."""
    return [c.version for c in cached_releases()]


def known_versions() -> list[str]:
    """Versions this installation can open: listed in the index, embedded, or in the cache."""
    versions = {str(r["version"]) for r in index_entries()}
    with contextlib.suppress(ReleaseNotFoundError):
        embedded = embedded_version()
        if embedded is not None:
            versions.add(embedded)
    versions.update(cached_versions())
    return sorted((v for v in versions if is_version(v)), key=version_key)


def not_found(version: str) -> ReleaseNotFoundError:
    """The error for a version that no index, embedded release or cache knows."""
    known = known_versions()
    return ReleaseNotFoundError(
        f"No release {version!r} is known to this installation.",
        hint=f"Known versions: {', '.join(known) or 'none'}. A newer release may need a newer "
        "policydata: pip install --upgrade policydata.",
        known=known,
    )


def verify_release(folder: Path, version: str) -> None:
    """Check a release folder: every file against ``SHA256SUMS``, nothing extra, the right version.

    Raises
    ------
    IntegrityError
        On the first mismatch, naming the file.
    """
    release = Release(folder)
    release.verify()
    if release.version != version:
        raise IntegrityError(
            f"{folder} holds release {release.version}, expected {version}.",
            hint="Clear it with 'policydata cache clear' and download again.",
        )
    sums = read_checksums(folder / settings.CHECKSUMS_NAME)
    # MANIFEST.json comes with the archive and is not in SHA256SUMS; it must agree with it, and
    # lists the files the archive carries beside the release's own (its CSV export)
    manifest = folder / settings.MANIFEST_FILE
    carried: dict[str, str] = {}
    if manifest.is_file():
        files = read_json(manifest, "release").get("files") if manifest.is_file() else None
        try:
            recorded = {n: i["sha256"] for n, i in files.items()} if isinstance(files, dict) else {}
            agrees = bool(recorded) and all(recorded.get(n) == d for n, d in sums.items())
        except (KeyError, TypeError, AttributeError):
            recorded, agrees = {}, False
        if not agrees:
            raise IntegrityError(
                f"{manifest} does not agree with {settings.CHECKSUMS_NAME}.",
                hint="Clear it with 'policydata cache clear' and download again.",
            )
        carried = {n: d for n, d in recorded.items() if n not in sums}
    for name, digest in sorted(carried.items()):
        file = check_member_name(name, str(manifest))
        if not (folder / file).is_file() or sha256_file(folder / file) != digest:
            raise IntegrityError(
                f"{folder / file} is missing or has another sha256 than {manifest} records.",
                hint="Clear it with 'policydata cache clear' and download again.",
            )
    listed = set(sums) | set(carried) | {settings.CHECKSUMS_NAME, settings.MANIFEST_FILE}
    extra = sorted(p.name for p in folder.iterdir() if p.name not in listed)
    if extra:
        raise IntegrityError(
            f"{folder} has files that its {settings.CHECKSUMS_NAME} does not list: {', '.join(extra)}.",
            hint="Clear it with 'policydata cache clear' and download again.",
        )


def usable(folder: Path, version: str) -> bool:
    """True when the cached release is complete and intact; a damaged one is reported once."""
    if not _complete(folder):
        return False
    signature = _signature(folder)
    if _verified.get(folder) == signature:
        return True
    try:
        verify_release(folder, version)
    except IntegrityError as exc:
        log.warning("The cached release %s is damaged (%s); it will be downloaded again.", version, exc)
        _verified.pop(folder, None)
        return False
    _verified[folder] = signature
    return True


def remember_verified(folder: Path) -> None:
    """Note that ``folder`` was verified just now (it was installed by this process)."""
    _verified[folder] = _signature(folder)


@dataclass(frozen=True)
class CacheCheck:
    """The result of checking one cached release: ``problem`` is None when it is intact."""

    version: str
    path: Path
    problem: str | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify_cache() -> list[CacheCheck]:
    """Check every cached release file by file; a damaged one is reported, not changed.

    The next download (or load) of a damaged release downloads it again.

    Examples
    --------
    >>> all(check.ok for check in verify_cache())
    True
    """
    checks = []
    for cached in cached_releases():
        try:
            verify_release(cached.path, cached.version)
        except IntegrityError as exc:
            checks.append(CacheCheck(cached.version, cached.path, str(exc)))
        else:
            checks.append(CacheCheck(cached.version, cached.path, None))
    return checks


def remove_partial(version: str) -> None:
    """Remove what an interrupted download of ``version`` left behind (call with its lock held)."""
    shutil.rmtree(downloads_dir(version), ignore_errors=True)
    for stale in staging_leftovers(releases_root(), version):
        shutil.rmtree(stale, ignore_errors=True)


def clear_cache(versions: Sequence[str] | None = None) -> list[str]:
    """Remove cached releases (all of them when ``versions`` is None); return the versions removed.

    Each version is removed under its lock, so a download in progress finishes first.

    Examples
    --------
    >>> clear_cache(["1999.1.0"])
    []
    """
    targets = [c.version for c in cached_releases()] if versions is None else list(versions)
    removed = []
    for version in targets:
        if not is_version(version):
            continue
        if not (releases_root() / version).exists() and not downloads_dir(version).exists():
            continue
        with lock(version):
            folder = releases_root() / version
            remove_partial(version)
            if folder.is_dir():
                shutil.rmtree(folder)
                _verified.pop(folder, None)
                removed.append(version)
    return removed
