"""The embedded release: integrity, determinism, Frictionless validity, readable by other engines."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import duckdb
import frictionless
import polars as pl
import pyarrow.parquet as pq
import pytest

import policydata
from policydata.catalog import TABLE_NAMES
from policydata.publish.build import build_release
from policydata.release.files import read_checksums, sha256_file


def test_every_released_file_matches_its_recorded_hash(root: Path) -> None:
    index = json.loads((root / "datasets" / "releases" / "index.json").read_text())
    assert index["releases"], "no release recorded"
    for entry in index["releases"]:
        directory = root / "datasets" / "releases" / entry["version"]
        sums = read_checksums(directory / "SHA256SUMS")
        assert set(sums) == {p.name for p in directory.iterdir()} - {"SHA256SUMS"}
        for name, digest in sums.items():
            assert sha256_file(directory / name) == digest, f"{entry['version']}/{name} changed"
        package = json.loads((directory / "datapackage.json").read_text())
        for resource in package["resources"]:
            file = directory / resource["path"]
            assert resource["integrity"] == {"sha256": sha256_file(file), "bytes": file.stat().st_size}


def test_verify_detects_a_changed_file(tmp_path: Path, release_dir: Path) -> None:
    copy = tmp_path / "release"
    shutil.copytree(release_dir, copy)
    policydata.Release(copy).verify()
    with (copy / "tariff_events.parquet").open("r+b") as fh:
        fh.seek(100)
        byte = fh.read(1)
        fh.seek(100)
        fh.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(policydata.IntegrityError) as info:
        policydata.Release(copy).verify()
    assert info.value.code == "integrity-error"


def test_rebuild_is_byte_identical(tmp_path: Path, sources_dir: Path) -> None:
    a = build_release(sources_dir, tmp_path / "a", "2000.1.0", dt.date(2000, 1, 1), update_index_file=False)
    b = build_release(sources_dir, tmp_path / "b", "2000.1.0", dt.date(2000, 1, 1), update_index_file=False)
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir())
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_committed_sources_rebuild_the_newest_release(tmp_path: Path, sources_dir: Path) -> None:
    """The embedded release is what the committed sources build: no hand edits on either side."""
    release = policydata.open_release()
    out = build_release(
        sources_dir,
        tmp_path,
        release.version,
        dt.date.fromisoformat(release.as_of),
        update_index_file=False,
    )
    for name in sorted(p.name for p in release.path.iterdir()):
        assert (out / name).read_bytes() == (release.path / name).read_bytes(), (
            f"{name}: sources changed since release {release.version}; cut a new release"
        )


def test_frictionless_validates_the_data_package(release_dir: Path) -> None:
    report = frictionless.validate(str(release_dir / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]


@pytest.mark.parametrize("name", list(TABLE_NAMES), ids=list(TABLE_NAMES))
def test_duckdb_polars_and_pyarrow_read_every_file(name: str, release_dir: Path) -> None:
    path = release_dir / f"{name}.parquet"
    expected = pq.read_table(path).num_rows
    assert pl.read_parquet(path).height == expected
    con = duckdb.connect()
    count = con.execute("select count(*) from read_parquet(?)", [str(path)]).fetchone()
    assert count is not None
    assert count[0] == expected


def test_release_metadata(release_dir: Path) -> None:
    release = policydata.open_release()
    assert release.version == release_dir.name
    assert release.datapackage["licenses"][0]["name"] == "CC-BY-4.0"
    assert release.schema_version == policydata.SCHEMA_VERSION
    assert set(release.tables) == set(TABLE_NAMES)
    assert dt.date.fromisoformat(release.as_of)


def test_schema_major_mismatch_is_refused(tmp_path: Path, release_dir: Path) -> None:
    copy = tmp_path / "release"
    shutil.copytree(release_dir, copy)
    package = json.loads((copy / "datapackage.json").read_text())
    package["policydata"]["schema_version"] = "99.0.0"
    (copy / "datapackage.json").write_text(json.dumps(package))
    with pytest.raises(policydata.SchemaVersionError) as info:
        policydata.Release(copy).check_schema_version()
    assert info.value.code == "schema-version"


def test_unknown_version_lists_known_versions() -> None:
    with pytest.raises(policydata.ReleaseNotFoundError) as info:
        policydata.open_release("1999.1.0")
    assert policydata.open_release().version in str(info.value)


def test_invalid_sources_write_nothing(tmp_path: Path, sources_dir: Path) -> None:
    bad = tmp_path / "sources"
    shutil.copytree(sources_dir, bad)
    text = (bad / "tariff_events.csv").read_text(encoding="utf-8")
    header, first, rest = text.split("\n", 2)
    (bad / "tariff_events.csv").write_text(
        "\n".join([header, first.replace("USA-CHN", "usa-chn", 1), rest]), encoding="utf-8"
    )
    out = tmp_path / "releases"
    with pytest.raises(policydata.DataValidationError) as info:
        build_release(bad, out, "2000.1.0", dt.date(2000, 1, 1))
    assert info.value.code == "invalid-data"
    assert not out.exists() or not any(out.iterdir())


def test_existing_release_is_never_overwritten(tmp_path: Path, sources_dir: Path) -> None:
    build_release(sources_dir, tmp_path, "2000.1.0", dt.date(2000, 1, 1))
    before = {p.name: p.read_bytes() for p in (tmp_path / "2000.1.0").iterdir()}
    with pytest.raises(policydata.BuildError):
        build_release(sources_dir, tmp_path, "2000.1.0", dt.date(2000, 1, 2))
    assert {p.name: p.read_bytes() for p in (tmp_path / "2000.1.0").iterdir()} == before
