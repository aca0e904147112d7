"""Download data releases by version, check them, and keep them in the user cache.

A release that this installation does not carry is fetched once as its archive
(``<POLICYDATA_RELEASES_URL>/<version>/policydata-<version>.zip``), checked against the sha256 that
the release index records for it *before* anything in it is used, unpacked with every member
checked, verified file by file against its ``SHA256SUMS``, and only then moved into the cache in
one rename. The cache therefore holds complete, verified releases or nothing; a process killed
mid-download leaves only temporary files, which the next download removes.

Layout of the cache folder (``POLICYDATA_CACHE_DIR``, else the platform's user cache folder)::

    releases/<version>/     an unpacked, verified release
    downloads/<version>/    the archive while it downloads (removed afterwards)
    locks/<version>.lock    held while a process downloads that version

Processes that need the same version at once share one download: the first takes the version's
file lock and downloads; the others wait for the lock and then find the release in place.
The HTTP work (retries, temporary file, hash check, atomic move) is pooch's.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policydata import settings
from policydata.errors import (
    DownloadError,
    IntegrityError,
    InvalidArgumentError,
    OfflineError,
    UnsafeArchiveError,
)
from policydata.releases import (
    Release,
    index_entry,
    not_found,
    read_checksums,
    schema_version_error,
    version_key,
)

if TYPE_CHECKING:
    from filelock import BaseFileLock

log = logging.getLogger(__name__)

#: A member of a release archive is a plain file name inside the archive's one top folder.
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_VERSION = re.compile(r"^\d+(?:\.\d+)*$")

# Releases verified in this process, with the size and modification time of each file then: a
# release whose files still look the same is not hashed again on every load.
_verified: dict[Path, tuple[tuple[str, int, int], ...]] = {}


def cache_dir() -> Path:
    """The cache folder: ``POLICYDATA_CACHE_DIR``, else the platform's user cache folder.

    Examples
    --------
    >>> from policydata.cache import cache_dir
    >>> cache_dir().name
    'policydata'
    """
    return settings.cache_dir()


def _releases() -> Path:
    return cache_dir() / "releases"


def _downloads(version: str) -> Path:
    return cache_dir() / "downloads" / version


def _lock(version: str) -> BaseFileLock:
    from filelock import FileLock

    locks = cache_dir() / "locks"
    locks.mkdir(parents=True, exist_ok=True)
    return FileLock(str(locks / f"{version}.lock"), timeout=settings.LOCK_TIMEOUT)


def _env_number(name: str, default: float) -> float:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if number < 0:
        raise InvalidArgumentError(
            f"{name}={value!r} is not a number of zero or more.",
            hint=f"Unset it, or set it to e.g. {default:g}.",
        )
    return number


def download_timeout() -> float:
    """Seconds to wait for the server to connect or send more (``POLICYDATA_DOWNLOAD_TIMEOUT``)."""
    return _env_number(settings.ENV_DOWNLOAD_TIMEOUT, settings.DEFAULT_DOWNLOAD_TIMEOUT)


def download_retries() -> int:
    """Further attempts after a failed download (``POLICYDATA_DOWNLOAD_RETRIES``)."""
    return int(_env_number(settings.ENV_DOWNLOAD_RETRIES, settings.DEFAULT_DOWNLOAD_RETRIES))


def archive_url(version: str, archive: str) -> str:
    """Where the archive of a release is downloaded from.

    Examples
    --------
    >>> archive_url("2026.11.0", "policydata-2026.11.0.zip").endswith("/2026.11.0/policydata-2026.11.0.zip")
    True
    """
    return f"{settings.releases_url()}/{version}/{archive}"


# -------------------------------------------------------------------------------------------------
# What the cache holds


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
    # a release folder appears in the cache in one rename, after it was verified
    return (folder / settings.DATAPACKAGE_FILE).is_file()


def cached_releases() -> list[CachedRelease]:
    """The releases in the cache, oldest first.

    Examples
    --------
    >>> from policydata.cache import cached_releases
    >>> isinstance(cached_releases(), list)
    True
    """
    root = _releases()
    if not root.is_dir():
        return []
    found = []
    for folder in root.iterdir():
        if not _VERSION.match(folder.name) or not _complete(folder):
            continue
        size = sum(p.stat().st_size for p in folder.iterdir() if p.is_file())
        found.append(CachedRelease(folder.name, folder, size))
    return sorted(found, key=lambda c: version_key(c.version))


def cached_versions() -> list[str]:
    """Versions of the releases in the cache."""
    return [c.version for c in cached_releases()]


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
    # MANIFEST.json comes with the archive and is not in SHA256SUMS; it must agree with it
    manifest = folder / settings.MANIFEST_FILE
    if manifest.is_file():
        try:
            files = json.loads(manifest.read_text(encoding="utf-8"))["files"]
            agrees = {name: info["sha256"] for name, info in files.items()} == sums
        except (ValueError, KeyError, TypeError, AttributeError):
            agrees = False
        if not agrees:
            raise IntegrityError(
                f"{manifest} does not agree with {settings.CHECKSUMS_NAME}.",
                hint="Clear it with 'policydata cache clear' and download again.",
            )
    listed = set(sums) | {settings.CHECKSUMS_NAME, settings.MANIFEST_FILE}
    extra = sorted(p.name for p in folder.iterdir() if p.name not in listed)
    if extra:
        raise IntegrityError(
            f"{folder} has files that its {settings.CHECKSUMS_NAME} does not list: {', '.join(extra)}.",
            hint="Clear it with 'policydata cache clear' and download again.",
        )


def _usable(folder: Path, version: str) -> bool:
    """True when the cached release is complete and intact; a damaged one is reported and dropped."""
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

    The next :func:`download` (or load) of a damaged release downloads it again.

    Examples
    --------
    >>> from policydata.cache import verify_cache
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


def clear_cache(versions: Sequence[str] | None = None) -> list[str]:
    """Remove cached releases (all of them when ``versions`` is None); return the versions removed.

    Each version is removed under its lock, so a download in progress finishes first.

    Examples
    --------
    >>> from policydata.cache import clear_cache
    >>> clear_cache(["1999.1.0"])
    []
    """
    targets = [c.version for c in cached_releases()] if versions is None else list(versions)
    removed = []
    for version in targets:
        if not (_releases() / version).exists() and not _downloads(version).exists():
            continue
        with _lock(version):
            folder = _releases() / version
            _remove_partial(version)
            if folder.is_dir():
                shutil.rmtree(folder)
                _verified.pop(folder, None)
                removed.append(version)
    return removed


# -------------------------------------------------------------------------------------------------
# Download


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
    >>> from policydata.cache import download
    >>> download("1999.1.0")
    Traceback (most recent call last):
    ...
    policydata.errors.ReleaseNotFoundError: No release '1999.1.0' is known to this installation. ...
    """
    if not _VERSION.match(version):  # it becomes part of a path and a URL
        raise not_found(version)
    target = _releases() / version
    if not force and _usable(target, version):
        return target
    entry = index_entry(version)
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
        with _lock(version):
            # another process may have finished this download while we waited for the lock
            if not force and _usable(target, version):
                return target
            _remove_partial(version)
            try:
                archive = _fetch(version, entry, progress)
                _install(archive, version, target)
            finally:
                shutil.rmtree(_downloads(version), ignore_errors=True)
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


def _remove_partial(version: str) -> None:
    """Remove what an interrupted download of ``version`` left behind (call with its lock held)."""
    shutil.rmtree(_downloads(version), ignore_errors=True)
    root = _releases()
    if root.is_dir():
        for stale in root.glob(f".{version}.*"):
            shutil.rmtree(stale, ignore_errors=True)


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
    if not _SAFE_NAME.match(name):
        raise IntegrityError(
            f"The release index names the archive of {version} {name!r}, which is not a plain file name.",
            hint="Restore the release index from the repository or reinstall policydata.",
        )
    url = archive_url(version, name)
    expected = str(entry["sha256"])
    show = sys.stderr.isatty() if progress is None else progress
    bar = _ProgressBar(f"policydata {version}") if show else None
    fetcher = pooch.create(
        path=_downloads(version),
        base_url="",
        registry={name: f"sha256:{expected}"},
        urls={name: url},
        retry_if_failed=download_retries(),
    )
    timeout = download_timeout()
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
            f"Downloading {url} failed with HTTP {status} after {download_retries() + 1} attempt(s).",
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
    if len(parts) != 2 or parts[0] != prefix or not _SAFE_NAME.match(parts[1]):
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
    root = _releases()
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=root, prefix=f".{version}."))
    try:
        extract_archive(archive, staging, archive.name.removesuffix(".zip"))
        verify_release(staging, version)
        Release(staging).check_schema_version()
        if target.exists():  # a damaged copy, found by _usable
            shutil.rmtree(target)
        os.chmod(staging, 0o755)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _verified[target] = _signature(target)
