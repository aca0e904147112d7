"""Constants, environment variables and defaults: the one place where they are defined."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

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
#: Folder of release archives, beside the release folders (built, not committed).
ARCHIVES_DIR: Final = "archives"
CHANGELOG_FILE: Final = "CHANGELOG.md"


def archive_name(version: str) -> str:
    """File name of a release's archive, e.g. ``policydata-2026.11.0.zip``."""
    return f"{DATAPACKAGE_NAME}-{version}.zip"


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

#: Seconds to wait for the server to connect or to send the next bytes.
DEFAULT_DOWNLOAD_TIMEOUT: Final = 30.0
#: Further attempts after a failed download (connection error, 5xx, checksum mismatch).
DEFAULT_DOWNLOAD_RETRIES: Final = 2
#: Seconds a process waits for another one that is downloading the same release.
LOCK_TIMEOUT: Final = 600.0
#: An archive may unpack to at most this many times its own size (the release archive is stored
#: uncompressed, so a real one unpacks to about 1x) ...
MAX_UNPACK_RATIO: Final = 10
#: ... and never to more than this many bytes.
MAX_UNPACKED_BYTES: Final = 4 << 30
#: Slack for the ratio, so that a tiny archive's metadata never trips it.
UNPACK_SLACK_BYTES: Final = 1 << 20

BACKENDS: Final = ("pandas", "polars", "arrow")


def release_dir_override() -> Path | None:
    """The release folder named by ``POLICYDATA_RELEASE_DIR``, if set (for testing a build)."""
    value = os.environ.get(ENV_RELEASE_DIR)
    return Path(value) if value else None


def releases_url() -> str:
    """Base address of the release archives (``POLICYDATA_RELEASES_URL`` or GitHub releases)."""
    return (os.environ.get(ENV_RELEASES_URL) or DEFAULT_RELEASES_URL).rstrip("/")


def cache_dir() -> Path:
    """Where downloaded releases are kept: ``POLICYDATA_CACHE_DIR`` or the user cache folder."""
    value = os.environ.get(ENV_CACHE_DIR)
    if value:
        return Path(value)
    import platformdirs

    return Path(platformdirs.user_cache_dir(DATAPACKAGE_NAME, appauthor=False))


def offline() -> bool:
    """True when ``POLICYDATA_OFFLINE`` is set to 1 (or true, yes): never touch the network."""
    return os.environ.get(ENV_OFFLINE, "").strip().lower() in ("1", "true", "yes")


def index_override() -> Path | None:
    """The release index named by ``POLICYDATA_INDEX``, if set."""
    value = os.environ.get(ENV_INDEX)
    return Path(value) if value else None
