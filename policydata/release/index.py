"""The release index this installation trusts, and the release it carries.

Which releases exist, the sha256 and size of each one's archive and the sha256 of every file in
it, come from the release index ``index.json``: ``POLICYDATA_INDEX`` when set, else the copy the
wheel carries next to the embedded release (``policydata/_embedded/index.json``, put there by the
build hook), else ``datasets/releases/index.json`` of a source checkout. The index is never
fetched from the network: it is what a downloaded archive, and every later load of the cached
copy, is checked against, so it must come from the installation itself. A release published after
this installation was built needs a newer policydata (or its ``index.json`` named by
``POLICYDATA_INDEX``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from policydata import settings
from policydata.errors import IntegrityError, ReleaseNotFoundError
from policydata.release.files import SAFE_NAME_RE, is_version, version_key
from policydata.release.release import Release, read_json

_BAD_INDEX = "Restore the release index from the repository or reinstall policydata."


def read_index(path: Path) -> dict[str, Any] | None:
    """Parse and check a release index (``index.json``); None when the file does not exist.

    Each entry has a version; a downloadable one also the name, sha256 and size (``bytes``) of
    its archive, and, since December 2026, ``files``: the sha256 of every file of the archive,
    which a cached copy of the release is checked against. Entries written before then have no
    ``files`` and stay readable.

    Raises
    ------
    IntegrityError
        If it is not JSON, not an object with a ``releases`` list, or an entry is malformed (no
        valid version, an archive without a valid sha256 or size, a file that is not a plain name).
    """
    if not path.is_file():
        return None
    data = read_json(path, "release index")
    releases = data.get("releases") if isinstance(data, dict) else None
    if not isinstance(releases, list):
        raise IntegrityError(
            f"{path} is not a release index (an object with a 'releases' list).", hint=_BAD_INDEX
        )
    seen: set[str] = set()
    for n, entry in enumerate(releases):
        problem = _entry_problem(entry)
        if problem is None and entry["version"] in seen:
            problem = f"({entry['version']}) lists a version listed before"
        if problem is not None:
            raise IntegrityError(f"{path}: release entry {n + 1} {problem}.", hint=_BAD_INDEX)
        seen.add(entry["version"])
    index: dict[str, Any] = data
    return index


def _is_sha256(value: Any) -> bool:
    return isinstance(value, str) and re.fullmatch(r"[0-9a-f]{64}", value) is not None


def _entry_problem(entry: Any) -> str | None:
    if not isinstance(entry, dict):
        return "is not an object"
    version = entry.get("version")
    if not isinstance(version, str) or not is_version(version):
        return f"has no valid version (found {version!r})"
    if not any(key in entry for key in ("archive", "sha256", "bytes", "files")):
        return None  # a release listed before archives existed: known, not downloadable
    archive, size, files = entry.get("archive"), entry.get("bytes"), entry.get("files")
    if not isinstance(archive, str) or not SAFE_NAME_RE.match(archive) or not archive.endswith(".zip"):
        return f"({version}) has no valid archive name (a plain file name ending in .zip)"
    if not _is_sha256(entry.get("sha256")):
        return f"({version}) has no valid sha256 of its archive"
    if not isinstance(size, int) or isinstance(size, bool) or size <= 0:
        return f"({version}) has no valid size of its archive in bytes"
    if files is not None and not (
        isinstance(files, dict)
        and set(files) >= {settings.DATAPACKAGE_FILE, settings.CHECKSUMS_NAME, settings.MANIFEST_FILE}
        and all(isinstance(k, str) and SAFE_NAME_RE.match(k) and _is_sha256(v) for k, v in files.items())
    ):
        return f"({version}) has no valid 'files' (plain file names with their sha256)"
    return None


def trusted_files(entry: Mapping[str, Any]) -> dict[str, str] | None:
    """The sha256 of every file a downloaded copy of the release holds, as its index entry records
    them; None for an entry written before the index recorded them."""
    files = entry.get("files")
    return dict(files) if isinstance(files, dict) else None


def index_path() -> Path | None:
    """The release index this installation trusts; see the module docstring for the order."""
    override = settings.index_override()
    if override is not None:
        if not override.is_file():
            raise ReleaseNotFoundError(
                f"{settings.ENV_INDEX} names {override}, which is not a file.",
                hint=f"Point {settings.ENV_INDEX} at an index.json, or unset it.",
            )
        return override
    for candidate in (
        settings.EMBEDDED_DIR / settings.INDEX_FILE,
        settings.REPO_RELEASES_DIR / settings.INDEX_FILE,
    ):
        if candidate.is_file():
            return candidate
    return None


def index_entries() -> list[dict[str, Any]]:
    """Every release the index lists (version, as_of, schema version, archive, sha256, bytes)."""
    path = index_path()
    index = read_index(path) if path is not None else None
    return list((index or {}).get("releases", []))


def index_entry(version: str) -> dict[str, Any] | None:
    """The index entry of one release, or None when the index does not list it."""
    return next((e for e in index_entries() if e.get("version") == version), None)


def _newest_in(directory: Path) -> Path | None:
    index = read_index(directory / settings.INDEX_FILE)
    latest = (index or {}).get("latest")
    return directory / latest if isinstance(latest, str) and is_version(latest) else None


def _embedded_dir() -> Path | None:
    override = settings.release_dir_override()
    if override is not None:
        return override
    if settings.EMBEDDED_DIR.is_dir():
        found = sorted(
            (
                p
                for p in settings.EMBEDDED_DIR.iterdir()
                if is_version(p.name) and (p / settings.DATAPACKAGE_FILE).is_file()
            ),
            key=lambda p: version_key(p.name),
        )
        if found:
            return found[-1]
    return _newest_in(settings.REPO_RELEASES_DIR)


def embedded_release_dir() -> Path:
    """The folder of the release this installation carries.

    ``POLICYDATA_RELEASE_DIR`` overrides; then the wheel's embedded copy; then, in a source
    checkout, the newest release in ``datasets/releases/``.
    """
    found = _embedded_dir()
    if found is None:
        raise ReleaseNotFoundError(
            "This installation carries no data release.",
            hint="Reinstall policydata from a wheel, or set POLICYDATA_RELEASE_DIR to a release folder.",
        )
    return found


def embedded_version() -> str | None:
    """Version of the release this installation carries, if any."""
    found = _embedded_dir()
    return Release(found).version if found is not None else None


def local_release_dir(version: str) -> Path | None:
    """A folder of this installation holding release ``version``: the embedded one, or the source
    checkout's ``datasets/releases/<version>``."""
    for path in (_embedded_dir(), settings.REPO_RELEASES_DIR / version):
        if (
            path is not None
            and (path / settings.DATAPACKAGE_FILE).is_file()
            and Release(path).version == version
        ):
            return path
    return None
