"""Build a data release from the source CSVs: deterministic Parquet, datapackage.json, SHA256SUMS.

The release is written to a temporary folder next to its destination and moved into place only when
complete, so a failed build leaves nothing behind. A release that exists already is never changed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from policydata import settings
from policydata.catalog import TABLES
from policydata.errors import BuildError, DataValidationError
from policydata.releases import sha256_file
from policydata.schemas import SCHEMA_VERSION

VERSION_PATTERN = re.compile(r"^\d{4}\.(?:[1-9]|1[0-2])\.\d+$")


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_parquet(frame: Any, info_name: str, path: Path) -> None:
    """Write one table deterministically: fixed schema, rows sorted by key, fixed writer options."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from policydata.validate.core import arrow_schema

    info = TABLES[info_name]
    schema = arrow_schema(info)
    records = frame.sort_values(list(info.primary_key), kind="stable").to_dict("records")
    columns = {}
    for f in schema:
        values = [r[f.name] for r in records]
        columns[f.name] = pa.array([None if v is None or v != v else v for v in values], type=f.type)
    table = pa.Table.from_pydict(columns, schema=schema)
    pq.write_table(
        table,
        path,
        compression=settings.PARQUET_COMPRESSION,
        compression_level=settings.PARQUET_COMPRESSION_LEVEL,
        use_dictionary=True,
        write_statistics=True,
        store_schema=True,
    )


def datapackage(
    version: str, as_of: dt.date, resources: list[dict[str, Any]], rows: dict[str, int]
) -> dict[str, Any]:
    """The ``datapackage.json`` of a release (Frictionless Data Package v2)."""
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": settings.DATAPACKAGE_NAME,
        "title": settings.DATAPACKAGE_TITLE,
        "description": (
            "Industrial policies, sectors with HS and ISIC crosswalks, and tariff events between "
            "the United States, China and the European Union since 2018; every record cites a "
            "public source listed in the sources resource."
        ),
        "version": version,
        "created": f"{as_of.isoformat()}T00:00:00Z",
        "homepage": settings.PROJECT_HOMEPAGE,
        "keywords": ["tariffs", "industrial policy", "trade", "China", "United States"],
        "licenses": [settings.DATA_LICENSE],
        "sources": [
            {
                "title": "Public documents (laws, notices, official statements, research, press) "
                "listed in the sources resource of this package",
                "path": "sources.parquet",
            }
        ],
        "contributors": [{"title": "The policydata contributors", "roles": ["creator"]}],
        "resources": resources,
        "policydata": {"schema_version": SCHEMA_VERSION, "as_of": as_of.isoformat(), "rows": rows},
    }


def update_index(releases_dir: Path, version: str, as_of: dt.date) -> None:
    """Add a release to ``index.json`` (kept sorted, newest last) and mark the newest."""
    index_file = releases_dir / settings.INDEX_FILE
    index: dict[str, Any] = {"latest": version, "releases": []}
    if index_file.is_file():
        index = json.loads(index_file.read_text(encoding="utf-8"))
    entries = [r for r in index["releases"] if r["version"] != version]
    entries.append({"version": version, "as_of": as_of.isoformat(), "schema_version": SCHEMA_VERSION})
    entries.sort(key=lambda r: tuple(int(x) for x in r["version"].split(".")))
    index["releases"] = entries
    index["latest"] = entries[-1]["version"]
    _atomic_write(index_file, json.dumps(index, indent=2) + "\n")


def build_release(
    sources_dir: Path,
    releases_dir: Path,
    version: str,
    as_of: dt.date,
    *,
    update_index_file: bool = True,
) -> Path:
    """Validate the sources and write release ``version`` into ``releases_dir/version``.

    Raises
    ------
    DataValidationError
        If the sources are invalid; nothing is written. ``.report`` holds every problem.
    BuildError
        If the version is malformed or the release exists already.

    Examples
    --------
    >>> import datetime, pathlib, tempfile
    >>> from policydata import settings
    >>> out = build_release(settings.REPO_SOURCES_DIR, pathlib.Path(tempfile.mkdtemp()),
    ...                     "2000.1.0", datetime.date(2000, 1, 1), update_index_file=False)
    >>> (out / "datapackage.json").is_file()
    True
    """
    from policydata.validate.core import validate_folder

    if not VERSION_PATTERN.match(version):
        raise BuildError(
            f"Release version {version!r} is not a calendar version.",
            hint="Use YYYY.M.N, e.g. 2026.11.0.",
        )
    target = releases_dir / version
    if target.exists():
        raise BuildError(
            f"Release {version} exists already at {target}; releases never change.",
            hint="Choose a new version number.",
        )
    report = validate_folder(sources_dir)
    if not report.ok:
        raise DataValidationError(
            f"The sources in {sources_dir} have {len(report.problems)} problem(s); no release was written.",
            hint="Run 'policydata validate' to see them.",
            report=report,
        )
    from policydata.validate.core import read_csv
    from policydata.validate.report import Report

    releases_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=releases_dir, prefix=f".{version}."))
    try:
        resources = []
        rows = {}
        from policydata.tableschema import table_schema

        for name, info in TABLES.items():
            loaded = read_csv(sources_dir / f"{name}.csv", info, Report())
            if loaded is None:  # pragma: no cover - validated above
                raise BuildError(f"{name}.csv could not be read.")
            file = staging / f"{name}.parquet"
            write_parquet(loaded.frame, name, file)
            rows[name] = len(loaded.frame)
            resources.append(
                {
                    "name": name,
                    "type": "table",
                    "title": info.title,
                    "description": info.description,
                    "path": file.name,
                    "format": "parquet",
                    "mediatype": "application/vnd.apache.parquet",
                    # not the standard "bytes"/"hash": frictionless reads Parquet through pyarrow,
                    # never sees the byte stream and would report both as mismatched
                    "integrity": {"sha256": sha256_file(file), "bytes": file.stat().st_size},
                    "schema": table_schema(info, for_parquet=True),
                }
            )
        package = datapackage(version, as_of, resources, rows)
        (staging / settings.DATAPACKAGE_FILE).write_text(
            json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        names = sorted(p.name for p in staging.iterdir())
        sums = "".join(f"{sha256_file(staging / n)}  {n}\n" for n in names)
        (staging / settings.CHECKSUMS_NAME).write_text(sums, encoding="utf-8")
        os.chmod(staging, 0o755)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if update_index_file:
        update_index(releases_dir, version, as_of)
    return target
