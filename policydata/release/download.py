"""Download a release by version: fetch its archive, check it, unpack it safely, install it.

A release that this installation does not carry is fetched once as its archive
(``<POLICYDATA_RELEASES_URL>/<version>/policydata-<version>.zip``), checked against the sha256 that
the release index records for it *before* anything in it is used, unpacked with every member
checked, verified file by file against its ``SHA256SUMS``, and only then moved into the cache in
one rename (see :mod:`policydata.release.store`). A process killed mid-download leaves only
temporary files, which the next download removes.

Processes that need the same version at once share one download: the first takes the version's
file lock and downloads; the others wait for the lock and then find the release in place.
The HTTP work (retries, temporary file, hash check, atomic move) is pooch's.
"""

from __future__ import annotations

import contextlib
import logging
import re
import shutil
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from policydata import settings
from policydata.errors import DownloadError, IntegrityError, OfflineError, UnsafeArchiveError
from policydata.release.files import SAFE_NAME_RE, atomic_dir, is_version
from policydata.release.index import index_entry
from policydata.release.release import Release, schema_version_error
from policydata.release.store import (
    cache_dir,
    downloads_dir,
    lock,
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
        If the index does not list the version; ``.known`` holds the versions that can be opened.
    SchemaVersionError
        If the release's schema major version is one this library cannot read (before any download).
    OfflineError
        If ``POLICYDATA_OFFLINE=1`` and the release is not cached.
    DownloadError
        On an HTTP error, a broken connection or a timeout, after the retries.
    IntegrityError
        If the archive's sha256 is not the one the index records, or a file in it does not match.
    UnsafeArchiveError
        If the archive has a member that is not a plain file in its folder, or unpacks too large.

    Examples
    --------
    >>> download("1999.1.0")
    Traceback (most recent call last):
    ...
    policydata.errors.ReleaseNotFoundError: No release '1999.1.0' is known to this installation. ...
    """
    if not is_version(version):  # it becomes part of a path and a URL
        raise not_found(version)
    target = releases_root() / version
    if not force and usable(target, version):
        return target
    entry = index_entry(version)
    if entry is None:
        raise not_found(version)
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
    from filelock import Timeout

    try:
        with lock(version):
            # another process may have finished this download while we waited for the lock
            if not force and usable(target, version):
                return target
            remove_partial(version)
            try:
                archive = _fetch(version, entry, progress)
                _install(archive, version, target)
            finally:
                shutil.rmtree(downloads_dir(version), ignore_errors=True)
    except Timeout:
        raise DownloadError(
            f"Another process has been downloading release {version} for more than "
            f"{settings.LOCK_TIMEOUT:g} s.",
            # the lock is the kernel's (flock): a process that died does not hold it any more
            hint="Wait for that process to finish, then try again.",
        ) from None
    except OSError as exc:  # the network errors were turned into DownloadError already
        raise DownloadError(
            f"Could not write release {version} into the cache {cache_dir()}: {exc}.",
            hint=f"Free some space, or set {settings.ENV_CACHE_DIR} to a folder you can write to.",
        ) from None
    return target


@contextlib.contextmanager
def _quiet_pooch() -> Iterator[None]:
    # pooch logs every download at INFO on its own handler; our progress bar and errors say enough
    import pooch

    logger = pooch.get_logger()
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def _fetch(version: str, entry: dict[str, Any], progress: bool | None) -> Path:
    """Download the archive into ``downloads/<version>/``; pooch checks its sha256 before moving it."""
    import pooch
    import requests

    name = str(entry["archive"])
    if not SAFE_NAME_RE.match(name):
        raise IntegrityError(
            f"The release index names the archive of {version} {name!r}, which is not a plain file name.",
            hint="Restore the release index from the repository or reinstall policydata.",
        )
    url = archive_url(version, name)
    expected = str(entry["sha256"])
    show = sys.stderr.isatty() if progress is None else progress
    bar = _ProgressBar(f"policydata {version}") if show else None
    fetcher = pooch.create(
        path=downloads_dir(version),
        base_url="",
        registry={name: f"sha256:{expected}"},
        urls={name: url},
        retry_if_failed=settings.download_retries(),
    )
    timeout = settings.download_timeout()
    try:
        with _quiet_pooch():
            return Path(fetcher.fetch(name, downloader=_Downloader(url, timeout, bar)))
    except ValueError as exc:  # pooch's checksum mismatch; it deleted the file
        raise IntegrityError(
            f"The archive downloaded from {url} is not the one the release index records "
            f"(expected sha256 {expected}): {exc}",
            hint="It was deleted and nothing was cached. Try again later; if it persists, the "
            f"server at {settings.ENV_RELEASES_URL} serves a different file than this "
            "installation's index expects.",
        ) from None
    except requests.Timeout:
        raise DownloadError(
            f"Downloading {url} timed out: the server sent nothing for {timeout:g} s.",
            hint=f"Try again later, or allow more time with {settings.ENV_DOWNLOAD_TIMEOUT}=<seconds>.",
            url=url,
        ) from None
    except requests.HTTPError as exc:
        status = exc.response.status_code if exc.response is not None else "?"
        raise DownloadError(
            f"Downloading {url} failed with HTTP {status} after "
            f"{settings.download_retries() + 1} attempt(s).",
            hint="The server had a problem; try again later.",
            url=url,
        ) from None
    except requests.RequestException as exc:
        raise DownloadError(
            f"Downloading {url} failed: {type(exc).__name__}: {exc}",
            hint="Check the network connection (or the server) and try again.",
            url=url,
        ) from None
    finally:
        if bar is not None:
            bar.close()


class _Downloader:
    """pooch's HTTP downloader, with a 4xx answer turned into an error that is not retried."""

    def __init__(self, url: str, timeout: float, bar: _ProgressBar | None) -> None:
        import pooch

        self._url = url
        self._http = pooch.HTTPDownloader(progressbar=bar or False, chunk_size=1 << 16, timeout=timeout)

    def __call__(self, url: str, output_file: str, pooch: object, check_only: bool = False) -> Any:
        import requests

        try:
            return self._http(url, output_file, pooch, check_only=check_only)
        except requests.HTTPError as exc:
            status = exc.response.status_code if exc.response is not None else 0
            if 400 <= status < 500:
                # asking again will not make a missing file appear, so fail at once
                raise DownloadError(
                    f"Downloading {url} failed with HTTP {status}.",
                    hint=f"The release archive is not at that address. Check {settings.ENV_RELEASES_URL} "
                    f"(now {settings.releases_url()}); the release may not be published yet.",
                    url=url,
                ) from None
            raise


class _ProgressBar:
    """The progress bar interface pooch drives (total, update, reset, close), drawn by rich."""

    def __init__(self, description: str) -> None:
        self.total = 0
        self._description = description
        self._progress: Any = None
        self._task: Any = None

    def _started(self) -> Any:
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
            self._task = self._progress.add_task(self._description, total=self.total or None)
        return self._progress

    def update(self, n: int) -> None:
        self._started().update(self._task, advance=n, total=self.total or None)

    def reset(self) -> None:
        self._started().reset(self._task, total=self.total or None)

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


def extract_archive(archive: Path, dest: Path, prefix: str) -> list[str]:
    """Unpack a release archive's files into ``dest`` (which must be empty); return their names.

    Every member is checked before anything is written: it must be a plain file directly inside
    the folder ``prefix/`` (no absolute path, no ``..``, no link), and all of them together may
    unpack to at most ``MAX_UNPACK_RATIO`` times the archive's size (and ``MAX_UNPACKED_BYTES``).

    Raises
    ------
    UnsafeArchiveError
        If a member or the total size breaks those rules; nothing is written then.
    IntegrityError
        If the archive is not a readable zip file.
    """
    import zipfile

    packed = archive.stat().st_size
    limit = min(settings.MAX_UNPACKED_BYTES, packed * settings.MAX_UNPACK_RATIO + settings.UNPACK_SLACK_BYTES)
    hint = "Nothing was unpacked or cached. The archive was not built by 'policydata release'; report it."
    try:
        with zipfile.ZipFile(archive) as zf:
            infos = zf.infolist()
            seen: set[str] = set()
            for info in infos:
                problem = _member_problem(info, prefix, seen)
                if problem is not None:
                    raise UnsafeArchiveError(
                        f"{archive.name}: member {info.filename!r} {problem}.", hint=hint
                    )
                seen.add(info.filename)
            total = sum(info.file_size for info in infos)
            if total > limit:
                raise UnsafeArchiveError(
                    f"{archive.name} would unpack to {total} bytes from {packed}, more than the limit of "
                    f"{limit} bytes ({settings.MAX_UNPACK_RATIO} times its size).",
                    hint=hint,
                )
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
                                hint=hint,
                            )
                        out.write(block)
                names.append(name)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        raise IntegrityError(
            f"{archive.name} is not a readable zip archive ({exc}).",
            hint="Nothing was cached; download it again.",
        ) from None
    return names


def _install(archive: Path, version: str, target: Path) -> None:
    """Unpack and verify the archive beside ``target``, then move it into place in one rename."""
    with atomic_dir(target, replace=True) as staging:
        extract_archive(archive, staging, archive.name.removesuffix(".zip"))
        verify_release(staging, version)
        Release(staging).check_schema_version()
    remember_verified(target)
