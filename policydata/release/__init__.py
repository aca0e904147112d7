"""Data releases: find, open, verify and download them by version.

The newest release ships inside the wheel; in a source checkout the releases live in
``datasets/releases/``; any other version is downloaded once into the user cache. The modules:
:mod:`~policydata.release.files` (checksums, the version syntax, atomic writes),
:mod:`~policydata.release.release` (the :class:`Release` object),
:mod:`~policydata.release.index` (the trusted index and the embedded release),
:mod:`~policydata.release.store` (the cache), :mod:`~policydata.release.fetch` (HTTP with a
deadline and a size cap) and :mod:`~policydata.release.download` (check, unpack, install).
"""

from __future__ import annotations

import functools
from pathlib import Path

from policydata.release.download import cached_release
from policydata.release.index import embedded_release_dir, local_release_dir
from policydata.release.release import Release

__all__ = ["Release", "open_release"]


@functools.cache
def _open(path: Path) -> Release:
    release = Release(path)
    release.check_schema_version()
    return release


def open_release(version: str | None = None) -> Release:
    """Open a data release: the embedded one by default, else a local or downloaded one.

    A version other than the embedded one is read from ``datasets/releases/`` in a source
    checkout, else from the user cache, else downloaded. A release from the cache is checked
    against the release index this library trusts: every file when first opened in a process (or
    when its files changed since), and each table's file again whenever it is loaded.

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
    DownloadError, IntegrityError, OfflineError, UnsafeArchiveError, CacheError
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
    local = local_release_dir(version)
    if local is not None:
        return _open(local)
    release = cached_release(version)
    release.check_schema_version()
    return release
