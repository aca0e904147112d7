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

ENV_RELEASE_DIR: Final = "POLICYDATA_RELEASE_DIR"

BACKENDS: Final = ("pandas", "polars", "arrow")


def release_dir_override() -> Path | None:
    """The release folder named by ``POLICYDATA_RELEASE_DIR``, if set (for testing a build)."""
    value = os.environ.get(ENV_RELEASE_DIR)
    return Path(value) if value else None
