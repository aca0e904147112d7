"""Download a release by version: fetch its archive, check it, unpack it safely, install it.

A release that this installation does not carry is fetched once as its archive
(``<POLICYDATA_RELEASES_URL>/<version>/policydata-<version>.zip``) by
:mod:`policydata.release.fetch`, within a deadline derived from the archive's recorded size and
never past that size, checked against the sha256 that the release index records for it *before*
anything in it is used, unpacked with every member checked, verified file by file against the
sha256 the index records for each, and only then moved into the cache in one rename (see
:mod:`policydata.release.store`). A process killed mid-download leaves only temporary files, which
the next download (or ``policydata cache clear``) removes.

Processes that need the same version at once share one download: the first takes the version's
file lock and downloads; the others wait for the lock and then find the release in place. A
waiting process gives up, with a clear error, when the holder keeps the lock past the time it
announced.
"""

from __future__ import annotations

import re
import shutil
import stat
import sys
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from policydata import settings
from policydata.errors import (
    CacheError,
    IntegrityError,
    OfflineError,
    ReleaseNotFoundError,
    UnsafeArchiveError,
)
from policydata.release.fetch import Want, fetch
from policydata.release.files import SAFE_NAME_RE, atomic_dir, is_version, summarise
from policydata.release.index import index_entry, trusted_files
from policydata.release.release import Release, schema_version_error
from policydata.release.store import (
    cache_dir,
    downloads_dir,
    hold,
    not_found,
    releases_root,
    remember_verified,
    remove_partial,
    usable,
    verify_release,
)


def archive_url(version: str, archive: str) -> str:
    """Where the archive of a release is downloaded from.

    Examples
    --------
    >>> archive_url("2026.11.0", "policydata-2026.11.0.zip").endswith("/2026.11.0/policydata-2026.11.0.zip")
    True
    """
    return f"{settings.releases_url()}/{version}/{archive}"


def download(version: str, *, force: bool = False, progress: bool | None = None) -> Path:
    """Make sure release ``version`` is in the cache, downloading it if needed; return its folder.

    Parameters
    ----------
    version
        A version the release index lists, e.g. ``"2026.11.0"``.
    force
        Download again even when the cache holds the release.
    progress
        Show a progress bar; by default only when standard error is a terminal.

    Raises
    ------
    ReleaseNotFoundError
        If the index does not list the version (or records no archive for it); ``.known`` holds
        the versions that can be opened.
    SchemaVersionError
        If the release's schema major version is one this library cannot read (before any download).
    OfflineError
        If ``POLICYDATA_OFFLINE=1`` and the release is not cached.
    DownloadError
        On an HTTP error, a broken connection or a timeout after the retries, or when the
        download's deadline passes.
    IntegrityError
        If the archive is not the one the index records (size or sha256), or a file in it does not
        match the index or is not the table it claims to be.
    UnsafeArchiveError
        If the archive has a member that is not a plain file in its folder, or unpacks too large.
    CacheError
        If the cache cannot be written, or another process holds this version's lock past the
        time it announced.
    SettingError
        If a ``POLICYDATA_*`` setting has a value it cannot take.

    Examples
    --------
    >>> download("1999.1.0")
    Traceback (most recent call last):
    ...
    policydata.errors.ReleaseNotFoundError: No release '1999.1.0' is known to this installation. ...
    """
    return cached_release(version, force=force, progress=progress).path


def cached_release(version: str, *, force: bool = False, progress: bool | None = None) -> Release:
    """Release ``version`` from the cache, downloaded first if needed, opened with the sha256 the
    index records for each of its files (each load checks its file against them).

    Parameters and errors as for :func:`download`.
    """
    if not is_version(version):  # it becomes part of a path and a URL
        raise not_found(version)
    entry = index_entry(version)
    if entry is None:
        raise not_found(version)
    target = releases_root() / version
    trusted = None if force else usable(target, version, entry)
    if trusted is None:
        trusted = _download(version, entry, target, force=force, progress=progress)
    return Release(target, trusted=trusted)


def _download(
    version: str, entry: Mapping[str, Any], target: Path, *, force: bool, progress: bool | None
) -> dict[str, str]:
    """Download, check and install release ``version`` under its lock; return its files' sha256."""
    if "archive" not in entry:
        raise ReleaseNotFoundError(
            f"The release index lists release {version} but records no archive to download it from.",
            hint=f"Run 'policydata archive {version}' where it was built, or use a newer policydata.",
        )
    error = schema_version_error(version, str(entry.get("schema_version", "0")), entry.get("library_version"))
    if error is not None:
        raise error
    if settings.offline():
        raise OfflineError(
            f"Release {version} is not in the cache ({cache_dir()}) and {settings.ENV_OFFLINE}=1 "
            "forbids downloading it.",
            hint=f"Unset {settings.ENV_OFFLINE} and run 'policydata download {version}' once while "
            "online; it is then read from the cache offline.",
        )
    want = Want(
        archive_url(version, str(entry["archive"])),
        str(entry["sha256"]),
        int(entry["bytes"]),
        timeout=settings.download_timeout(),
        retries=settings.download_retries(),
        deadline=settings.download_deadline(int(entry["bytes"])),
    )
    try:
        with hold(version, settings.lock_budget(want.size), "download"):
            # another process may have finished this download while we waited for the lock
            trusted = None if force else usable(target, version, entry, warn=False)
            if trusted is not None:
                return trusted
            remove_partial(version)
            try:
                archive = downloads_dir(version) / str(entry["archive"])
                _fetch(want, archive, version, progress)
                trusted = _install(archive, version, target, entry)
            finally:
                shutil.rmtree(downloads_dir(version), ignore_errors=True)
    except OSError as exc:  # the network's errors were turned into DownloadError already
        raise CacheError(
            f"Could not write release {version} into the cache {cache_dir()}: {exc}.",
            hint=f"Free some space, or set {settings.ENV_CACHE_DIR} to a folder you can write to.",
        ) from None
    return trusted


def _fetch(want: Want, archive: Path, version: str, progress: bool | None) -> None:
    """Download the archive, showing a progress bar when asked (or when standard error is a terminal)."""
    show = sys.stderr.isatty() if progress is None else progress
    bar = _ProgressBar(f"policydata {version}") if show else None
    try:
        fetch(want, archive, bar.update if bar is not None else None)
    finally:
        if bar is not None:
            bar.close()


class _ProgressBar:
    """A progress bar on standard error, drawn by rich, fed with the bytes received so far."""

    def __init__(self, description: str) -> None:
        self._description = description
        self._progress: Any = None
        self._task: Any = None

    def update(self, received: int, total: int) -> None:
        if self._progress is None:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                DownloadColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
                TransferSpeedColumn,
            )

            self._progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                DownloadColumn(),
                TransferSpeedColumn(),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task(self._description, total=total)
        self._progress.update(self._task, completed=received, total=total)

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


# -------------------------------------------------------------------------------------------------
# Unpack


def _member_problem(info: Any, prefix: str, seen: set[str]) -> str | None:
    """Why an archive member must not be unpacked, or None when it is a plain file in ``prefix/``."""
    name: str = info.filename
    parts = re.split(r"[\\/]", name)
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return "has an absolute path"
    if ".." in parts:
        return "has a '..' path component, which would write outside the release folder"
    kind = stat.S_IFMT(info.external_attr >> 16)
    if kind == stat.S_IFLNK:
        return "is a symbolic link"
    if info.is_dir() or kind not in (0, stat.S_IFREG):  # 0: an archiver that records no file type
        return "is not a plain file"
    if info.flag_bits & 0x1:
        return "is encrypted"
    if len(parts) != 2 or parts[0] != prefix or not SAFE_NAME_RE.match(parts[1]):
        return f"is not a file directly inside {prefix}/"
    if name in seen:
        return "appears twice"
    return None


_UNSAFE_HINT = "Nothing was unpacked or cached. The archive was not built by 'policydata release'; report it."


def _check_members(infos: list[Any], archive: Path, prefix: str, expected: Collection[str] | None) -> None:
    """Refuse an archive whose members are too many, unsafe, not the expected files, or too large."""
    if len(infos) > settings.MAX_ARCHIVE_MEMBERS:
        raise UnsafeArchiveError(
            f"{archive.name} has {len(infos):,} members, more than the {settings.MAX_ARCHIVE_MEMBERS:,} a "
            "release archive may have.",
            hint=_UNSAFE_HINT,
        )
    seen: set[str] = set()
    for info in infos:
        problem = _member_problem(info, prefix, seen)
        if problem is not None:
            raise UnsafeArchiveError(
                f"{archive.name}: member {info.filename!r} {problem}.", hint=_UNSAFE_HINT
            )
        seen.add(info.filename)
    names = {info.filename.split("/", 1)[1] for info in infos}
    if expected is not None and names != set(expected):
        odd = sorted(names ^ set(expected))
        raise IntegrityError(
            f"{archive.name} does not hold the files the release index records ({len(odd):,} differ: "
            f"{summarise(odd)}).",
            hint="Nothing was unpacked or cached. The release index and the archive disagree; report it.",
        )
    packed = archive.stat().st_size
    limit = min(settings.MAX_UNPACKED_BYTES, packed * settings.MAX_UNPACK_RATIO + settings.UNPACK_SLACK_BYTES)
    total = sum(info.file_size for info in infos)
    if total > limit:
        raise UnsafeArchiveError(
            f"{archive.name} would unpack to {total:,} bytes from {packed:,}, more than the limit of "
            f"{limit:,} bytes ({settings.MAX_UNPACK_RATIO} times its size).",
            hint=_UNSAFE_HINT,
        )


def extract_archive(
    archive: Path, dest: Path, prefix: str, expected: Collection[str] | None = None
) -> list[str]:
    """Unpack a release archive's files into ``dest`` (which must be empty); return their names.

    Every member is checked before anything is written: there may be at most
    ``MAX_ARCHIVE_MEMBERS``; each must be a plain file directly inside the folder ``prefix/`` (no
    absolute path, no ``..``, no link), named in ``expected`` when given (the files the index
    records) and all of them there; and together they may unpack to at most ``MAX_UNPACK_RATIO``
    times the archive's size (and ``MAX_UNPACKED_BYTES``).

    Raises
    ------
    UnsafeArchiveError
        If a member, their number or their total size breaks those rules; nothing is written then.
    IntegrityError
        If the archive is not a readable zip file, or does not hold the ``expected`` files.
    """
    import zipfile
    import zlib

    try:
        with zipfile.ZipFile(archive) as zf:
            infos = zf.infolist()
            _check_members(infos, archive, prefix, expected)
            names = []
            for info in infos:
                name = info.filename.split("/", 1)[1]
                with zf.open(info) as src, (dest / name).open("xb") as out:
                    written = 0
                    while block := src.read(1 << 20):
                        written += len(block)
                        if written > info.file_size:  # zipfile stops at the declared size; be sure
                            raise UnsafeArchiveError(
                                f"{archive.name}: member {info.filename!r} unpacks larger than it declares.",
                                hint=_UNSAFE_HINT,
                            )
                        out.write(block)
                names.append(name)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, zlib.error) as exc:
        # NotImplementedError: a compression method this Python cannot read
        raise IntegrityError(
            f"{archive.name} is not a readable zip archive ({type(exc).__name__}: {exc}).",
            hint="Nothing was cached; download it again.",
        ) from None
    return names


def _install(archive: Path, version: str, target: Path, entry: Mapping[str, Any]) -> dict[str, str]:
    """Unpack and verify the archive beside ``target``, then move it into place in one rename.

    Returns the sha256 of each installed file, as the index vouches for them.
    """
    with atomic_dir(target, replace=True) as staging:
        extract_archive(archive, staging, archive.name.removesuffix(".zip"), trusted_files(entry))
        trusted = verify_release(staging, version, entry)
        Release(staging).check_schema_version()
    remember_verified(target, entry, trusted)
    return trusted
