"""One CSV file per table (UTF-8, RFC 4180), its Table Schema beside it, and a data package of them.

The files are the same wherever they are written: by ``policydata export csv`` into a folder, and
by the release builder into the release's archive. They are made from the release folder alone
(its Parquet files and ``datapackage.json``), never from this library's record models, so that
the archive of a published release can be rebuilt byte for byte by any later policydata.

A CSV file has a header row, fields separated by commas, records ended by CRLF, and a field
quoted only when it holds a comma, a quote or a line break (RFC 4180); its columns and rows are
the Parquet file's, in its order. An empty field is a null; booleans are ``true`` and ``false``;
dates are ISO 8601; numbers are written as Python writes the shortest exact decimal (``25``,
``7.5``).

``<table>.schema.json`` is the table's Table Schema as the release's ``datapackage.json`` records
it, with the empty string as its only missing value. ``csv.datapackage.json`` describes every CSV
file with its schema (by path), size and sha256, so that ``frictionless validate
csv.datapackage.json`` checks the files, their types, keys and references in one run.

Examples
--------
>>> import policydata
>>> files = csv_files(policydata.open_release())
>>> files["sources.csv"].startswith(b"source_id,title,")
True
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policydata import settings
from policydata.release.files import atomic_file, check_member_name

if TYPE_CHECKING:
    import pyarrow as pa

    from policydata.release.release import Release

#: How every CSV file is written (the Data Package's CSV dialect).
DIALECT = {"header": True, "delimiter": ",", "lineTerminator": "\r\n", "quoteChar": '"'}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value).removesuffix(".0")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def csv_bytes(data: pa.Table) -> bytes:
    """A table as RFC 4180 CSV in UTF-8: header row, CRLF line ends, minimal quoting."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(data.column_names)
    for batch in data.to_batches():
        columns = [column.to_pylist() for column in batch.columns]
        writer.writerows([_cell(v) for v in row] for row in zip(*columns, strict=True))
    return buffer.getvalue().encode("utf-8")


def csv_schema(resource: Mapping[str, Any]) -> dict[str, Any]:
    """The Table Schema of a table's CSV file, from its resource in the release's data package."""
    schema = dict(resource["schema"])
    # in a CSV file a null is an empty field; "nan" is only how pandas shows a null number
    schema["missingValues"] = [""]
    return schema


def _json(data: Any) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _resource(resource: Mapping[str, Any], data: bytes) -> dict[str, Any]:
    name = str(resource["name"])
    described = {k: resource[k] for k in ("title", "description") if k in resource}
    return {
        "name": name,
        "type": "table",
        **described,
        "path": f"{name}.csv",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": dict(DIALECT),
        "bytes": len(data),
        "hash": f"sha256:{hashlib.sha256(data).hexdigest()}",
        "schema": f"{name}.schema.json",
    }


def _package(package: Mapping[str, Any], resources: list[dict[str, Any]]) -> dict[str, Any]:
    kept = ("$schema", "name", "title", "version", "created", "homepage", "licenses", "contributors")
    out = {k: package[k] for k in kept if k in package}
    out["description"] = (
        f"The tables of policydata release {package.get('version', '')} as CSV files; the same "
        "release as Parquet is described by datapackage.json."
    )
    out["resources"] = resources
    return out


def csv_files(release: Release) -> dict[str, bytes]:
    """Every file of the CSV export of ``release``, by name, in sorted order.

    ``<table>.csv`` and ``<table>.schema.json`` for each table of the release, and
    ``csv.datapackage.json`` (:data:`policydata.settings.CSV_PACKAGE_FILE`) describing them.
    """
    import pyarrow.parquet as pq

    files: dict[str, bytes] = {}
    resources = []
    for resource in release.datapackage["resources"]:
        where = f"{release.path / settings.DATAPACKAGE_FILE}, resource {resource['name']!r},"
        name = check_member_name(f"{resource['name']}.csv", where).removesuffix(".csv")
        data = csv_bytes(pq.read_table(release.path / str(resource["path"])))
        files[f"{name}.csv"] = data
        files[f"{name}.schema.json"] = _json(csv_schema(resource))
        resources.append(_resource(resource, data))
    files[settings.CSV_PACKAGE_FILE] = _json(_package(release.datapackage, resources))
    return dict(sorted(files.items()))


def export_csv(release: Release, directory: Path) -> list[Path]:
    """Write the CSV export of ``release`` into ``directory``; return the paths written.

    Each file is written in one rename; other files in the folder are left alone.
    """
    written = []
    for name, content in csv_files(release).items():
        path = directory / name
        with atomic_file(path) as tmp:
            tmp.write_bytes(content)
        written.append(path)
    return written
