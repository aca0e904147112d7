"""The user cache of downloaded releases: what it holds, its locks, checking and clearing it.

Layout of the cache folder (``POLICYDATA_CACHE_DIR``, else the platform's user cache folder)::

    releases/<version>/     an unpacked, verified release
    releases/.<version>.*   a release being unpacked (removed by the next download or clear)
    downloads/<version>/    the archive while it downloads (removed afterwards)
    locks/<version>.lock    held while a process downloads or removes that version
    locks/<version>.holder  which process holds it, and until when it may (JSON)

A release folder appears in the cache in one rename, after it was verified, so the cache holds
complete releases or nothing. A cached release is checked against the release index this
installation trusts (the sha256 of every file), never against itself: a copy whose files were
rewritten together with their ``SHA256SUMS`` and ``MANIFEST.json`` is found all the same.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import os
import shutil
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policydata import settings
from policydata.errors import CacheError, IntegrityError, ReleaseNotFoundError
from policydata.release.files import (
    SAFE_NAME_RE,
    atomic_file,
    check_member_name,
    is_version,
    staging_leftovers,
    summarise,
    version_key,
    write_zip,
)
from policydata.release.index import embedded_version, index_entries, index_entry, trusted_files
from policydata.release.release import Release

if TYPE_CHECKING:
    from filelock import BaseFileLock

log = logging.getLogger(__name__)

# Releases verified in this process: the size, times and inode of each file then, and the sha256
# the index vouches for. A release whose files still look the same is not hashed in full again;
# any write changes a file's ctime, which (unlike its mtime) cannot be set back.
_Signature = tuple[tuple[str, int, int, int, int], ...]
_verified: dict[tuple[Path, str], tuple[_Signature, dict[str, str]]] = {}

#: Seconds between two looks at who holds a lock, while waiting for it.
_POLL = 1.0
_CLEAR_HINT = "Clear it with 'policydata cache clear' and download again."


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


# -------------------------------------------------------------------------------------------------
# Locks


def _holder_file(version: str) -> Path:
    return cache_dir() / "locks" / f"{version}.holder"


def _holder(version: str) -> dict[str, Any] | None:
    """Who holds the lock of ``version`` and until when, as it wrote; None when unknown."""
    try:
        data = json.loads(_holder_file(version).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    ok = isinstance(data, dict) and isinstance(data.get("until"), int | float)
    return data if ok else None


def _stalled(version: str, what: str, holder: dict[str, Any] | None, waited: float) -> CacheError:
    who = f"process {holder.get('pid')}" if holder else "another process"
    until = time.strftime("%H:%M:%S", time.localtime(holder["until"])) if holder else None
    return CacheError(
        f"Gave up waiting to {what} release {version} after {waited:.0f} s: {who} holds its lock"
        + (f" and should have released it by {until}; it seems stalled." if until else "."),
        hint=f"If that process hangs, stop it (a process that ends releases the lock), then try "
        f"again. The lock is {cache_dir() / 'locks' / f'{version}.lock'}.",
    )


def _acquire(lock: BaseFileLock, version: str, seconds: float, what: str) -> None:
    """Take ``lock``, waiting as long as this process's own task may take, or as long as the
    holder announced it may hold it when that is longer; then give up."""
    from filelock import Timeout

    start = time.time()
    while True:
        holder = _holder(version)
        give_up = max(start + seconds, holder["until"] if holder else 0.0)
        left = give_up - time.time()
        if left <= 0:
            raise _stalled(version, what, holder, time.time() - start)
        try:
            lock.acquire(timeout=min(left, _POLL), poll_interval=0.05)
            return
        except Timeout:
            continue


@contextlib.contextmanager
def hold(version: str, seconds: float, what: str) -> Iterator[None]:
    """Hold the lock of one version for a task that ends within ``seconds``.

    While it holds the lock, this process says so in ``locks/<version>.holder`` (its pid, and the
    time by which it will have released the lock), so that a process waiting for the lock can
    tell a slow holder from a stalled one. A waiting process gives up with a
    :class:`~policydata.errors.CacheError` once both its own ``seconds`` and the holder's
    announced time have passed. The lock is the kernel's (``flock``): a process that dies
    releases it.

    Raises
    ------
    CacheError
        If another process holds the lock past the time it announced.
    OSError
        If the cache folder cannot be written.
    """
    from filelock import FileLock

    locks = cache_dir() / "locks"
    locks.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(locks / f"{version}.lock"))
    _acquire(lock, version, seconds, what)
    try:
        with atomic_file(_holder_file(version)) as tmp:
            tmp.write_text(json.dumps({"pid": os.getpid(), "until": time.time() + seconds, "what": what}))
        yield
    finally:
        _holder_file(version).unlink(missing_ok=True)
        lock.release()


# -------------------------------------------------------------------------------------------------
# What the cache holds


@dataclass(frozen=True)
class CachedRelease:
    """A release in the cache."""

    version: str
    path: Path
    bytes: int


def cached_releases() -> list[CachedRelease]:
    """The releases in the cache, oldest first (a folder replaced by a link is listed, size 0).

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
        if not is_version(folder.name) or not (folder.is_dir() or folder.is_symlink()):
            continue
        size = 0 if folder.is_symlink() else sum(p.lstat().st_size for p in folder.iterdir())
        found.append(CachedRelease(folder.name, folder, size))
    return sorted(found, key=lambda c: version_key(c.version))


def cached_versions() -> list[str]:
    """Versions of the releases in the cache."""
    return [c.version for c in cached_releases()]


def known_versions() -> list[str]:
    """Versions this installation can open: listed in the index, or embedded.

    A release in the cache that the index does not list cannot be checked, so it is not opened.
    """
    versions = {str(r["version"]) for r in index_entries()}
    with contextlib.suppress(ReleaseNotFoundError):
        embedded = embedded_version()
        if embedded is not None:
            versions.add(embedded)
    return sorted((v for v in versions if is_version(v)), key=version_key)


def not_found(version: str) -> ReleaseNotFoundError:
    """The error for a version that neither the index nor the embedded release knows."""
    known = known_versions()
    cached = os.path.lexists(releases_root() / version) if is_version(version) else False
    return ReleaseNotFoundError(
        f"No release {version!r} is known to this installation"
        + (
            " (the cache holds one, but the release index it trusts does not list it, so it cannot "
            "be checked)."
            if cached
            else "."
        ),
        hint=f"Known versions: {', '.join(known) or 'none'}. A newer release may need a newer "
        "policydata: pip install --upgrade policydata.",
        known=known,
    )


# -------------------------------------------------------------------------------------------------
# Checking a cached release against the index


def _plain_files(folder: Path) -> list[str]:
    """The names of the files of a release folder, which must hold plain files only."""
    if folder.is_symlink() or not folder.is_dir():
        raise IntegrityError(
            f"{folder} is "
            + ("a symbolic link, not a release folder." if folder.is_symlink() else "not a folder."),
            hint=_CLEAR_HINT,
        )
    entries = sorted(folder.iterdir())
    odd = [p.name for p in entries if p.is_symlink() or not p.is_file() or not SAFE_NAME_RE.match(p.name)]
    if odd:
        raise IntegrityError(
            f"{folder} holds {len(odd):,} entries that are not plain files: {summarise(odd)}.",
            hint=_CLEAR_HINT,
        )
    return [p.name for p in entries]


def _same_names(folder: Path, names: Sequence[str], trusted: Mapping[str, str]) -> None:
    missing = sorted(set(trusted) - set(names))
    extra = sorted(set(names) - set(trusted))
    if missing or extra:
        found = [f"lacks {summarise(missing)}"] if missing else []
        found += [f"has {len(extra):,} files the index does not list: {summarise(extra)}"] if extra else []
        raise IntegrityError(
            f"{folder} is not the release the release index records: it {' and '.join(found)}.",
            hint=_CLEAR_HINT,
        )


def _rebuilt_archive(folder: Path, names: Sequence[str], entry: Mapping[str, Any]) -> dict[str, str]:
    """For an index entry without ``files``: check the folder rebuilds the archive the entry
    records, byte for byte (archives are deterministic); return the sha256 of its files."""
    members = {name: (folder / name).read_bytes() for name in names}
    buffer = io.BytesIO()
    try:
        write_zip(buffer, members, str(entry["archive"]).removesuffix(".zip"), str(entry["as_of"]))
    except (KeyError, ValueError):
        raise IntegrityError(
            f"The release index records neither the files of release {entry['version']} nor its "
            "as-of date, so its cached copy cannot be checked.",
            hint="Use the release index that comes with policydata, or a newer policydata.",
        ) from None
    if hashlib.sha256(buffer.getvalue()).hexdigest() != entry.get("sha256"):
        raise IntegrityError(
            f"{folder} is not the release the release index records: its files do not make up the "
            f"archive of sha256 {entry.get('sha256')} (a file was changed, added or removed).",
            hint=_CLEAR_HINT,
        )
    return {name: hashlib.sha256(data).hexdigest() for name, data in members.items()}


def _check_manifest(
    release: Release, version: str, sums: Mapping[str, str], trusted: Mapping[str, str]
) -> list[str]:
    """``MANIFEST.json`` must be there, name this version and list ``SHA256SUMS``'s files; the
    files it lists beside them (the CSV export an archive carries) must be ones the index vouches
    for, with the same sha256. Return those names."""
    manifest = release.manifest
    where = str(release.path / settings.MANIFEST_FILE)
    files = manifest.get("files")
    try:
        listed = {check_member_name(n, where): i["sha256"] for n, i in files.items()}  # type: ignore[union-attr]
    except (KeyError, TypeError, AttributeError):
        listed = None
    carried = {n: d for n, d in (listed or {}).items() if n not in sums}
    if (
        manifest.get("version") != version
        or listed is None
        or {n: listed.get(n) for n in sums} != dict(sums)
        or any(trusted.get(n) != d for n, d in carried.items())
    ):
        raise IntegrityError(
            f"{where} is missing, or does not agree with {settings.CHECKSUMS_NAME} and release {version}.",
            hint=_CLEAR_HINT,
        )
    return sorted(carried)


def verify_release(
    folder: Path, version: str, entry: Mapping[str, Any] | None = None, *, tables: bool = True
) -> dict[str, str]:
    """Check a release folder against its index entry; return the sha256 of each file.

    Every file must be one the entry (by default, the one the trusted index lists for
    ``version``) records, with its sha256 (an entry written before the index recorded files: the
    files must rebuild the archive it records, byte for byte); ``SHA256SUMS``, ``MANIFEST.json``
    and the data package's ``integrity`` must agree; the version must be right; and, with
    ``tables``, each table's file must open as the table it claims to be.

    Raises
    ------
    IntegrityError
        On the first problem, naming the file.
    ReleaseNotFoundError
        If no ``entry`` is given and the index does not list ``version``.
    """
    if entry is None:
        entry = index_entry(version)
        if entry is None:
            raise not_found(version)
    names = _plain_files(folder)
    trusted = trusted_files(entry)
    if trusted is None:
        trusted = _rebuilt_archive(folder, names, entry)
    else:
        _same_names(folder, names, trusted)
    release = Release(folder, trusted=trusted)
    release.verify()
    if release.version != version:
        raise IntegrityError(
            f"{folder} holds release {release.version}, expected {version}.", hint=_CLEAR_HINT
        )
    sums = release.checksums()
    carried = _check_manifest(release, version, sums, trusted)
    extra = sorted(set(names) - set(sums) - set(carried) - {settings.CHECKSUMS_NAME, settings.MANIFEST_FILE})
    if extra:
        raise IntegrityError(
            f"{folder} has files that its {settings.CHECKSUMS_NAME} does not list: {summarise(extra)}.",
            hint=_CLEAR_HINT,
        )
    if tables:
        release.check_tables()
    return trusted


def _signature(folder: Path) -> _Signature | None:
    if folder.is_symlink() or not folder.is_dir():
        return None
    return tuple(
        (p.name, (st := p.lstat()).st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
        for p in sorted(folder.iterdir())
    )


def usable(
    folder: Path, version: str, entry: Mapping[str, Any], *, warn: bool = True
) -> dict[str, str] | None:
    """The sha256 of each file of the cached release when it is intact, else None.

    A damaged release is reported (as a logged warning) when ``warn``; each file is hashed once
    per process while its size, times and inode stay the same (each load hashes its own table's
    file again).
    """
    if not os.path.lexists(folder):
        return None
    key = (folder, str(entry.get("sha256")))
    try:
        signature = _signature(folder)
        known = _verified.get(key)
        if known is not None and signature is not None and known[0] == signature:
            return known[1]
        trusted = verify_release(folder, version, entry, tables=False)
    except (IntegrityError, OSError) as exc:
        if warn:
            log.warning("The cached release %s is damaged (%s); it will be downloaded again.", version, exc)
        _verified.pop(key, None)
        return None
    if signature is not None:
        _verified[key] = (signature, trusted)
    return trusted


def remember_verified(folder: Path, entry: Mapping[str, Any], trusted: dict[str, str]) -> None:
    """Note that ``folder`` was verified just now (it was installed by this process)."""
    signature = _signature(folder)
    if signature is not None:
        _verified[(folder, str(entry.get("sha256")))] = (signature, trusted)


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
    """Check every cached release, file by file, against the release index; a damaged one is
    reported, not changed.

    The next download (or load) of a damaged release downloads it again.

    Examples
    --------
    >>> all(check.ok for check in verify_cache())
    True
    """
    checks = []
    for cached in cached_releases():
        entry = index_entry(cached.version)
        problem = None
        try:
            if entry is None:
                raise not_found(cached.version)
            verify_release(cached.path, cached.version, entry)
        except (IntegrityError, ReleaseNotFoundError) as exc:
            problem = str(exc)
        except OSError as exc:
            problem = f"{cached.path} cannot be read: {exc}."
        checks.append(CacheCheck(cached.version, cached.path, problem))
    return checks


# -------------------------------------------------------------------------------------------------
# Clearing


def _remove(path: Path) -> bool:
    """Remove a file, a link (never what it points at) or a folder; True when there was one."""
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)
    else:
        return False
    return True


def remove_partial(version: str) -> None:
    """Remove what an interrupted download or unpack of ``version`` left (call with its lock held)."""
    _remove(downloads_dir(version))
    for stale in staging_leftovers(releases_root(), version):
        _remove(stale)


def _versions_in_cache() -> list[str]:
    """Every version the cache holds anything of: a release, a partial download, a staging folder."""
    found = set()
    for parent, strip in ((releases_root(), True), (cache_dir() / "downloads", False)):
        if parent.is_dir():
            for path in parent.iterdir():
                name = path.name
                if strip and name.startswith("."):  # a staging folder: .<version>.<random>
                    name = name[1:].rpartition(".")[0]
                if is_version(name):
                    found.add(name)
    return sorted(found, key=version_key)


def clear_cache(versions: Sequence[str] | None = None) -> list[str]:
    """Remove cached releases (all of them when ``versions`` is None); return the versions removed.

    What interrupted downloads and unpacks left of those versions goes too. Each version is removed
    under its lock, so a download in progress finishes first.

    Raises
    ------
    CacheError
        If the cache cannot be written (a read-only folder), or a process holding a version's
        lock seems stalled.

    Examples
    --------
    >>> clear_cache(["1999.1.0"])
    []
    """
    targets = _versions_in_cache() if versions is None else [v for v in versions if is_version(v)]
    removed = []
    for version in targets:
        folder = releases_root() / version
        leftovers = staging_leftovers(releases_root(), version)
        if not os.path.lexists(folder) and not downloads_dir(version).exists() and not leftovers:
            continue
        try:
            with hold(version, settings.download_timeout(), "remove"):
                remove_partial(version)
                if _remove(folder):
                    removed.append(version)
        except OSError as exc:
            raise CacheError(
                f"Could not remove release {version} from the cache {cache_dir()}: {exc}.",
                hint=f"Check that you may write to that folder, or set {settings.ENV_CACHE_DIR} to "
                "another one.",
            ) from None
        for key in [k for k in _verified if k[0] == folder]:
            del _verified[key]
    return removed
