"""Constants, environment variables and defaults: the one place where they are defined and read.

Every ``POLICYDATA_*`` variable is read by a function here, and checked when it is read: a value it
cannot take raises :class:`~policydata.errors.SettingError` naming the variable, never a later
error elsewhere.

Examples
--------
>>> import os
>>> os.environ["POLICYDATA_DOWNLOAD_RETRIES"] = "many"
>>> download_retries()
Traceback (most recent call last):
...
policydata.errors.SettingError: POLICYDATA_DOWNLOAD_RETRIES='many' is not a whole number from 0 up to 10. ...
>>> del os.environ["POLICYDATA_DOWNLOAD_RETRIES"]
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

from policydata.errors import SettingError

PACKAGE_DIR: Final = Path(__file__).resolve().parent
#: Where a wheel carries the newest release (filled by ``hatch_build.py``).
EMBEDDED_DIR: Final = PACKAGE_DIR / "_embedded"
#: In a source checkout the releases live at the top of the repository.
REPO_ROOT: Final = PACKAGE_DIR.parent
REPO_RELEASES_DIR: Final = REPO_ROOT / "datasets" / "releases"
REPO_SOURCES_DIR: Final = REPO_ROOT / "datasets" / "sources"
REPO_SCHEMAS_DIR: Final = REPO_ROOT / "schemas"

DATAPACKAGE_NAME: Final = "policydata"
DATAPACKAGE_TITLE: Final = "policydata: industrial policy and US-China trade conflict"
DATA_LICENSE: Final = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}
PROJECT_HOMEPAGE: Final = "https://github.com/policydata/policydata"

PARQUET_COMPRESSION: Final = "zstd"
PARQUET_COMPRESSION_LEVEL: Final = 9
CHECKSUMS_NAME: Final = "SHA256SUMS"
DATAPACKAGE_FILE: Final = "datapackage.json"
INDEX_FILE: Final = "index.json"
MANIFEST_FILE: Final = "MANIFEST.json"
#: The data package of a release's CSV files (in its archive, and in ``policydata export csv``).
CSV_PACKAGE_FILE: Final = "csv.datapackage.json"
#: Folder of release archives, beside the release folders (built, not committed).
ARCHIVES_DIR: Final = "archives"
CHANGELOG_FILE: Final = "CHANGELOG.md"


def archive_name(version: str) -> str:
    """File name of a release's archive, e.g. ``policydata-2026.11.0.zip``."""
    return f"{DATAPACKAGE_NAME}-{version}.zip"


#: A folder holding one release, used instead of the embedded one (for testing a build).
ENV_RELEASE_DIR: Final = "POLICYDATA_RELEASE_DIR"
#: Base address of the release archives; an archive is fetched from ``<base>/<version>/<archive>``.
ENV_RELEASES_URL: Final = "POLICYDATA_RELEASES_URL"
#: GitHub serves a release asset at ``releases/download/<tag>/<asset>``; data releases are tagged
#: with their calendar version (library releases use ``v<semver>``, so the tags never collide).
DEFAULT_RELEASES_URL: Final = f"{PROJECT_HOMEPAGE}/releases/download"
ENV_CACHE_DIR: Final = "POLICYDATA_CACHE_DIR"
ENV_OFFLINE: Final = "POLICYDATA_OFFLINE"
#: A release index to trust instead of the one this installation carries (a mirror, a test).
ENV_INDEX: Final = "POLICYDATA_INDEX"
ENV_DOWNLOAD_TIMEOUT: Final = "POLICYDATA_DOWNLOAD_TIMEOUT"
ENV_DOWNLOAD_RETRIES: Final = "POLICYDATA_DOWNLOAD_RETRIES"
ENV_DOWNLOAD_MIN_RATE: Final = "POLICYDATA_DOWNLOAD_MIN_RATE"

#: Seconds to wait for the server to connect or to send the next bytes.
DEFAULT_DOWNLOAD_TIMEOUT: Final = 30.0
#: The longest read timeout that can be asked for (a day): longer is a mistake, not a wish.
MAX_DOWNLOAD_TIMEOUT: Final = 86_400.0
#: Further attempts after a failed download (connection error, 5xx).
DEFAULT_DOWNLOAD_RETRIES: Final = 2
MAX_DOWNLOAD_RETRIES: Final = 10
#: The slowest transfer (bytes per second) a download may average: with the timeout it sets the
#: download's deadline (see :func:`download_deadline`). 10 kB/s is a poor mobile link.
DEFAULT_DOWNLOAD_MIN_RATE: Final = 10_000.0
MAX_DOWNLOAD_MIN_RATE: Final = 1e12
#: A process holding a version's lock may take this many bytes per second of the archive's size,
#: plus one timeout, to unpack and verify it after its download deadline (processes waiting for
#: the lock give up after that).
UNPACK_RATE: Final = 10_000_000.0
#: An archive may unpack to at most this many times its own size (the release archive is stored
#: uncompressed, so a real one unpacks to about 1x) ...
MAX_UNPACK_RATIO: Final = 10
#: ... and never to more than this many bytes ...
MAX_UNPACKED_BYTES: Final = 4 << 30
#: ... nor into more than this many files (a release has about a dozen).
MAX_ARCHIVE_MEMBERS: Final = 1000
#: Slack for the ratio, so that a tiny archive's metadata never trips it.
UNPACK_SLACK_BYTES: Final = 1 << 20

BACKENDS: Final = ("pandas", "polars", "arrow")

_TRUE = ("1", "true", "yes")
_FALSE = ("", "0", "false", "no")


def _get(name: str) -> str | None:
    value = os.environ.get(name)
    return value if value else None


def release_dir_override() -> Path | None:
    """The release folder named by ``POLICYDATA_RELEASE_DIR``, if set (for testing a build)."""
    value = _get(ENV_RELEASE_DIR)
    return Path(value) if value else None


def releases_url() -> str:
    """Base address of the release archives (``POLICYDATA_RELEASES_URL`` or GitHub releases).

    Only ``http`` and ``https`` addresses with a host are accepted.
    """
    value = _get(ENV_RELEASES_URL)
    if value is None:
        return DEFAULT_RELEASES_URL
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.query
        or parts.fragment
        or any(c.isspace() or not c.isprintable() for c in value)
    ):
        raise SettingError(
            ENV_RELEASES_URL,
            redact_url(value),
            "an http:// or https:// address with a host (and no spaces, query or fragment)",
            hint=f"Unset {ENV_RELEASES_URL} to use {DEFAULT_RELEASES_URL}, or set it to the base address "
            "of a mirror, such as https://example.org/policydata/releases.",
        )
    return value.rstrip("/")


def redact_url(url: str) -> str:
    """An address without the secrets it may carry, for messages and logs.

    Whatever comes between ``://`` and the last ``@`` of the address (a user name and password,
    even one holding a ``/`` or ``:``) becomes ``***``, and so does a query (it may carry a token).

    Examples
    --------
    >>> redact_url("https://me:secret@example.org/x?token=abc")
    'https://***@example.org/x?***'
    >>> redact_url("https://example.org/x")
    'https://example.org/x'
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "", url
    rest, hash_, _fragment = rest.partition("#")
    rest, query, _ = rest.partition("?")
    if "@" in rest:
        rest = "***@" + rest.rpartition("@")[2]
    return f"{scheme}{sep}{rest}" + ("?***" if query else "") + ("#***" if hash_ else "")


def cache_dir() -> Path:
    """Where downloaded releases are kept: ``POLICYDATA_CACHE_DIR`` or the user cache folder.

    Examples
    --------
    >>> import os
    >>> expected = os.environ.get("POLICYDATA_CACHE_DIR")
    >>> cache_dir().name == (os.path.basename(expected) if expected else "policydata")
    True
    """
    value = _get(ENV_CACHE_DIR)
    if value:
        return Path(value)
    import platformdirs

    return Path(platformdirs.user_cache_dir(DATAPACKAGE_NAME, appauthor=False))


def offline() -> bool:
    """True when ``POLICYDATA_OFFLINE`` is 1, true or yes: never touch the network."""
    value = os.environ.get(ENV_OFFLINE, "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise SettingError(ENV_OFFLINE, value, "1, true or yes (or 0, false, no, or unset)")


def index_override() -> Path | None:
    """The release index named by ``POLICYDATA_INDEX``, if set."""
    value = _get(ENV_INDEX)
    return Path(value) if value else None


def _number(name: str, low: float, high: float, default: float, *, kind: str | None = None) -> float:
    """A number from ``low`` to ``high``: whole when ``kind`` is None, else above ``low`` (in ``kind``)."""
    value = _get(name)
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    whole = kind is None
    if (
        not math.isfinite(number)
        or not low <= number <= high
        or (whole and not number.is_integer())
        or (not whole and number <= low)
    ):
        expected = f"a whole number from {low:g}" if whole else f"a number of {kind} above {low:g}"
        raise SettingError(
            name,
            value,
            f"{expected} up to {high:g}",
            hint=f"Unset {name} for the default ({default:g}), or set it to e.g. {default:g}.",
        )
    return number


def download_timeout() -> float:
    """Seconds to wait for the server to connect or to send more (``POLICYDATA_DOWNLOAD_TIMEOUT``)."""
    return _number(ENV_DOWNLOAD_TIMEOUT, 0, MAX_DOWNLOAD_TIMEOUT, DEFAULT_DOWNLOAD_TIMEOUT, kind="seconds")


def download_retries() -> int:
    """Further attempts after a failed download (``POLICYDATA_DOWNLOAD_RETRIES``)."""
    return int(_number(ENV_DOWNLOAD_RETRIES, 0, MAX_DOWNLOAD_RETRIES, DEFAULT_DOWNLOAD_RETRIES))


def download_min_rate() -> float:
    """The slowest average rate a download may have, bytes/s (``POLICYDATA_DOWNLOAD_MIN_RATE``)."""
    return _number(
        ENV_DOWNLOAD_MIN_RATE, 0, MAX_DOWNLOAD_MIN_RATE, DEFAULT_DOWNLOAD_MIN_RATE, kind="bytes per second"
    )


def download_deadline(size: int) -> float:
    """Seconds a whole download of ``size`` bytes may take, every attempt included.

    One timeout (to connect and start) plus the size at the minimum rate: with the defaults, 50 s
    for a 200 kB archive.

    Examples
    --------
    >>> import os
    >>> os.environ.update({"POLICYDATA_DOWNLOAD_TIMEOUT": "5", "POLICYDATA_DOWNLOAD_MIN_RATE": "1000"})
    >>> download_deadline(200_000)
    205.0
    >>> for name in ("POLICYDATA_DOWNLOAD_TIMEOUT", "POLICYDATA_DOWNLOAD_MIN_RATE"):
    ...     del os.environ[name]
    """
    return download_timeout() + size / download_min_rate()


def lock_budget(size: int) -> float:
    """Seconds a process may hold a version's lock to download, unpack and verify ``size`` bytes."""
    return download_deadline(size) + download_timeout() + size / UNPACK_RATE
