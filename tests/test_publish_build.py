"""Building a release: contents, determinism, Data Package validity, the index, the changelog."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from _releases_support import base_rows, build, run_cli, sha256, write_sources

import policydata
from policydata import settings
from policydata.catalog import TABLE_NAMES
from policydata.errors import BuildError, DataValidationError, IntegrityError
from policydata.export.csv_files import csv_files
from policydata.publish.archive import archive_release, write_archive
from policydata.release.download import extract_archive
from policydata.release.files import read_checksums
from policydata.release.store import verify_release

V1, V2 = "2099.1.0", "2099.2.0"
TABLE_FILES = [f"{name}.parquet" for name in TABLE_NAMES]


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    return write_sources(tmp_path / "sources", base_rows())


def archive_members(archive: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(archive) as zf:
        return {info.filename.split("/", 1)[1]: zf.read(info) for info in zf.infolist()}


def check_release_dir(folder: Path, entry: dict[str, Any], scratch: Path) -> None:
    """Every file of a released folder, and its archive, match what was recorded when it was released.

    Every file is listed with its sha256 in SHA256SUMS; the archive, rebuilt from the folder and the
    index entry, has the sha256 and size the index records, and holds exactly the folder's files,
    whose sha256 the index records too.
    """
    sums = read_checksums(folder / settings.CHECKSUMS_NAME)
    assert sorted([*sums, settings.CHECKSUMS_NAME]) == sorted(p.name for p in folder.iterdir())
    for name, digest in sums.items():
        assert sha256((folder / name).read_bytes()) == digest, name
    archive = write_archive(folder, entry, scratch)
    assert archive.name == entry["archive"]
    assert sha256(archive.read_bytes()) == entry["sha256"]
    assert archive.stat().st_size == entry["bytes"]
    members = archive_members(archive)
    carried = csv_files(policydata.Release(folder)) if entry.get("csv") else {}
    assert sorted(members) == sorted([*sums, settings.CHECKSUMS_NAME, settings.MANIFEST_FILE, *carried])
    for name in [*sums, settings.CHECKSUMS_NAME]:
        assert members[name] == (folder / name).read_bytes(), name
    for name, data in carried.items():
        assert members[name] == data, name
    # the index vouches for every file a downloaded copy holds, not only for the archive
    assert entry["files"] == {name: sha256(data) for name, data in members.items()}


def test_release_folder_holds_every_file(sources: Path, tmp_path: Path) -> None:
    releases = tmp_path / "releases"
    out = build(sources, releases, V1)
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([*TABLE_FILES, settings.DATAPACKAGE_FILE, settings.CHECKSUMS_NAME])
    assert sorted(p.name for p in (releases / settings.ARCHIVES_DIR).iterdir()) == [settings.archive_name(V1)]
    index = json.loads((releases / settings.INDEX_FILE).read_text())
    assert index["latest"] == V1
    (entry,) = index["releases"]
    assert set(entry) == {
        "version",
        "as_of",
        "schema_version",
        "library_version",
        "source_commit",
        "source_dirty",
        "csv",
        "archive",
        "sha256",
        "bytes",
        "files",
    }
    assert entry["version"] == V1
    assert entry["as_of"] == "2099-01-15"
    assert entry["schema_version"] == policydata.SCHEMA_VERSION
    assert entry["library_version"] == policydata.__version__
    assert entry["archive"] == settings.archive_name(V1)
    built = releases / settings.ARCHIVES_DIR / entry["archive"]
    assert sha256(built.read_bytes()) == entry["sha256"]
    check_release_dir(out, entry, tmp_path / "rebuilt")


def test_datapackage_has_the_required_metadata(sources: Path, tmp_path: Path) -> None:
    out = build(sources, tmp_path / "releases", V1)
    package = json.loads((out / settings.DATAPACKAGE_FILE).read_text())
    assert package["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    assert package["name"] == "policydata"
    assert package["title"]
    assert package["version"] == V1
    assert package["created"] == "2099-01-15T00:00:00Z"
    assert [lic["name"] for lic in package["licenses"]] == ["CC-BY-4.0"]
    assert package["sources"]
    assert package["contributors"]
    assert [r["name"] for r in package["resources"]] == list(TABLE_NAMES)
    for resource in package["resources"]:
        file = out / resource["path"]
        assert resource["integrity"] == {"sha256": sha256(file.read_bytes()), "bytes": file.stat().st_size}
        assert resource["schema"]["fields"]


def _manifest(releases: Path, version: str) -> dict[str, Any]:
    data = archive_members(releases / settings.ARCHIVES_DIR / settings.archive_name(version))
    manifest: dict[str, Any] = json.loads(data[settings.MANIFEST_FILE])
    return manifest


def test_manifest_records_what_the_release_was_built_from(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    sources = write_sources(repo / "sources", base_rows())
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "sources"], check=True)
    head = subprocess.run(
        [*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()
    # a later commit that leaves the sources alone does not change what they were read at
    (repo / "README.md").write_text("x\n")
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "other"], check=True)

    releases = tmp_path / "releases"
    build(sources, releases, V1)
    manifest = _manifest(releases, V1)
    assert manifest["version"] == V1
    assert manifest["as_of"] == "2099-01-15"
    assert manifest["schema_version"] == policydata.SCHEMA_VERSION
    assert manifest["library_version"] == policydata.__version__
    assert manifest["source_commit"] == head
    assert manifest["source_dirty"] is False
    rows = base_rows()
    assert manifest["rows"] == {name: len(rows.get(name, [])) for name in TABLE_NAMES}
    assert manifest["rows"]["citations"] == 6
    carried = csv_files(policydata.Release(releases / V1))  # the CSV export the archive carries
    for name, info in manifest["files"].items():
        data = carried[name] if name in carried else (releases / V1 / name).read_bytes()
        assert info["sha256"] == sha256(data) and info["bytes"] == len(data), name
    assert set(carried) < set(manifest["files"])

    rows = base_rows()
    rows["sectors"][0]["name_en"] = "Test sector A, renamed"
    write_sources(sources, rows)
    build(sources, releases, V2)
    manifest = _manifest(releases, V2)
    assert manifest["source_commit"] == head
    assert manifest["source_dirty"] is True


def test_rebuilding_gives_byte_identical_files(sources: Path, tmp_path: Path) -> None:
    build(sources, tmp_path / "a", V1)
    build(sources, tmp_path / "b", V1)

    def files(root: Path) -> list[str]:
        return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())

    assert files(tmp_path / "a") == files(tmp_path / "b")
    assert f"{settings.ARCHIVES_DIR}/{settings.archive_name(V1)}" in files(tmp_path / "a")
    for name in files(tmp_path / "a"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_archive_is_deterministic_and_unpacks_with_the_safe_extractor(sources: Path, tmp_path: Path) -> None:
    releases = tmp_path / "releases"
    out = build(sources, releases, V1)
    archive = releases / settings.ARCHIVES_DIR / settings.archive_name(V1)
    with zipfile.ZipFile(archive) as zf:
        infos = zf.infolist()
    names = [i.filename for i in infos]
    assert names == sorted(names)
    assert all(n.startswith(f"policydata-{V1}/") for n in names)
    assert {i.date_time for i in infos} == {(2099, 1, 15, 0, 0, 0)}
    assert {i.external_attr >> 16 for i in infos} == {0o100644}
    assert {i.compress_type for i in infos} == {zipfile.ZIP_STORED}
    dest = tmp_path / "unpacked"
    dest.mkdir()
    entry = json.loads((releases / settings.INDEX_FILE).read_text())["releases"][0]
    unpacked = extract_archive(archive, dest, f"policydata-{V1}", entry["files"])
    carried = csv_files(policydata.Release(out))
    assert sorted(unpacked) == sorted([*(p.name for p in out.iterdir()), settings.MANIFEST_FILE, *carried])
    assert verify_release(dest, V1, entry) == entry["files"]


def test_archive_of_an_existing_release_is_rebuilt_identically(sources: Path, tmp_path: Path) -> None:
    releases = tmp_path / "releases"
    out = build(sources, releases, V1)
    index_file = releases / settings.INDEX_FILE
    entry = json.loads(index_file.read_text())["releases"][0]
    archive = releases / settings.ARCHIVES_DIR / entry["archive"]
    before = archive.read_bytes()
    archive.unlink()
    assert archive_release(releases, V1) == entry
    assert archive.read_bytes() == before

    # a release from before archives existed: the index gains the archive's name, sha256 and size
    index = json.loads(index_file.read_text())
    index["releases"][0] = {k: entry[k] for k in ("version", "as_of", "schema_version")}
    index_file.write_text(json.dumps(index))
    recorded = archive_release(releases, V1)
    assert recorded["sha256"] == sha256(archive.read_bytes())
    assert json.loads(index_file.read_text())["releases"][0] == recorded

    # an entry from before the index recorded files gains them, from the verified folder
    index = json.loads(index_file.read_text())
    del index["releases"][0]["files"]
    index_file.write_text(json.dumps(index))
    assert archive_release(releases, V1)["files"] == recorded["files"]

    # a folder that changed is never archived
    (out / "sectors.parquet").write_bytes(b"changed")
    with pytest.raises(IntegrityError):
        archive_release(releases, V1)


def test_recorded_file_hashes_must_match(sources: Path, tmp_path: Path) -> None:
    releases = tmp_path / "releases"
    build(sources, releases, V1)
    index_file = releases / settings.INDEX_FILE
    index = json.loads(index_file.read_text())
    index["releases"][0]["files"][settings.DATAPACKAGE_FILE] = "0" * 64
    index_file.write_text(json.dumps(index))
    with pytest.raises(BuildError):
        archive_release(releases, V1)


def test_archive_must_match_the_recorded_sha256(sources: Path, tmp_path: Path) -> None:
    releases = tmp_path / "releases"
    build(sources, releases, V1)
    index_file = releases / settings.INDEX_FILE
    index = json.loads(index_file.read_text())
    index["releases"][0]["source_commit"] = "0" * 40  # the entry changed: so would the manifest
    index_file.write_text(json.dumps(index))
    with pytest.raises(BuildError):
        archive_release(releases, V1)


def test_invalid_sources_are_refused_and_nothing_is_written(sources: Path, tmp_path: Path) -> None:
    releases = tmp_path / "releases"
    build(sources, releases, V1)
    index_before = (releases / settings.INDEX_FILE).read_bytes()
    changelog = tmp_path / "CHANGELOG.md"
    changelog.write_text("# Changelog\n\n## [Unreleased]\n")
    rows = base_rows()
    rows["tariff_events"][0]["rate_pct"] = "-5"
    write_sources(sources, rows)
    with pytest.raises(DataValidationError) as exc:
        build(sources, releases, V2, changelog=changelog)
    assert exc.value.code == "invalid-data"
    assert sorted(p.name for p in releases.iterdir()) == [V1, settings.ARCHIVES_DIR, settings.INDEX_FILE]
    assert [p.name for p in (releases / settings.ARCHIVES_DIR).iterdir()] == [settings.archive_name(V1)]
    assert (releases / settings.INDEX_FILE).read_bytes() == index_before
    assert changelog.read_text() == "# Changelog\n\n## [Unreleased]\n"


def test_a_released_version_is_never_rebuilt(sources: Path, tmp_path: Path) -> None:
    out = build(sources, tmp_path / "releases", V1)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    with pytest.raises(BuildError):
        build(sources, tmp_path / "releases", V1)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def _repo_releases() -> list[tuple[Path, dict[str, Any]]]:
    index = settings.REPO_RELEASES_DIR / settings.INDEX_FILE
    if not index.is_file():
        return []
    entries = json.loads(index.read_text(encoding="utf-8"))["releases"]
    return [(settings.REPO_RELEASES_DIR / e["version"], e) for e in entries]


@pytest.mark.parametrize(
    ("folder", "entry"), _repo_releases(), ids=[e["version"] for _, e in _repo_releases()]
)
def test_published_releases_never_change(folder: Path, entry: dict[str, Any], tmp_path: Path) -> None:
    assert "archive" in entry, f"run 'policydata archive {entry['version']}' to record its archive"
    check_release_dir(folder, entry, tmp_path)


# -------------------------------------------------------------------------------------------------
# Frictionless


def _frictionless_validate(out: Path) -> None:
    """Validate a release's data package with frictionless: descriptor, rows, keys, and files.

    frictionless reads Parquet through pyarrow and never sees the byte stream, so the files' sizes
    and sha256 (recorded as ``integrity``) are checked by frictionless as plain files.
    """
    import frictionless

    report = frictionless.validate(str(out / settings.DATAPACKAGE_FILE))
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])[:10]
    descriptor = json.loads((out / settings.DATAPACKAGE_FILE).read_text())
    for resource in descriptor["resources"]:
        integrity = resource["integrity"]
        as_file = frictionless.Resource(
            {"name": resource["name"], "path": resource["path"], "type": "file"}
            | {"bytes": integrity["bytes"], "hash": f"sha256:{integrity['sha256']}"},
            basepath=str(out),
        )
        report = as_file.validate()
        assert report.valid, report.flatten(["type", "note"])


def test_frictionless_validates_every_release(sources: Path, tmp_path: Path) -> None:
    releases = tmp_path / "releases"
    build(sources, releases, V1)
    rows = base_rows()
    rows["sources"][0]["reference"] = 'Synthetic, with "quotes" and a comma'
    build(write_sources(sources, rows), releases, V2)
    for version in (V1, V2):
        _frictionless_validate(releases / version)


def test_frictionless_catches_a_broken_release(sources: Path, tmp_path: Path) -> None:
    out = build(sources, tmp_path / "releases", V1)
    broken = tmp_path / "broken"
    shutil.copytree(out, broken)
    with (broken / "sectors.parquet").open("ab") as fh:
        fh.write(b"x")
    with pytest.raises(AssertionError):
        _frictionless_validate(broken)


# -------------------------------------------------------------------------------------------------
# Changelog and CLI


def test_release_writes_the_changes_into_the_changelog(sources: Path, tmp_path: Path) -> None:
    changelog = tmp_path / "CHANGELOG.md"
    changelog.write_text("# Changelog\n\n## [Unreleased]\n\n### Added\n- a line\n\n## [0.0.1] - 2000-01-01\n")
    releases = tmp_path / "releases"
    build(sources, releases, V1, changelog=changelog)
    rows = base_rows()
    rows["tariff_events"][0]["rate_pct"] = "25"
    build(write_sources(sources, rows), releases, V2, changelog=changelog)
    text = changelog.read_text()
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == [
        "## [Unreleased]",
        f"## [data {V2}] - 2099-01-15",
        f"## [data {V1}] - 2099-01-15",
        "## [0.0.1] - 2000-01-01",
    ]
    section = text.split(f"## [data {V2}]")[1].split("## [data")[0]
    assert "- `tariff_events`: 0 added, 0 removed, 1 changed" in section
    assert "`USA-CHN-2099-TEST-A` (rate_pct)" in section
    assert "`policies`:" not in section

    with pytest.raises(BuildError):  # a version the changelog has a section for already
        build(sources, tmp_path / "other", V2, changelog=changelog)
    assert not (tmp_path / "other" / V2).exists()


def test_cli_release_and_exit_codes(
    sources: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    releases, changelog = tmp_path / "releases", tmp_path / "CHANGELOG.md"
    args = ["release", V1, "--as-of", "2099-01-15", "--sources", str(sources)]
    args += ["--releases", str(releases), "--changelog", str(changelog)]
    code, output = run_cli(args, monkeypatch, capsys)
    assert code == 0, output
    entry = json.loads((releases / settings.INDEX_FILE).read_text())["releases"][0]
    assert entry["sha256"] in output
    assert f"## [data {V1}]" in changelog.read_text()

    rows = base_rows()
    rows["sources"][0]["kind"] = "not-a-kind"
    write_sources(sources, rows)
    code, _ = run_cli([*args[:1], V2, *args[2:]], monkeypatch, capsys)
    assert code == 1
    assert not (releases / V2).exists()


def test_a_descriptor_frictionless_rejects_is_never_released(
    sources: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from policydata.publish import build as build_module

    real = build_module.datapackage

    def broken(*args: Any, **kwargs: Any) -> dict[str, Any]:
        package = real(*args, **kwargs)
        package["resources"][0]["schema"]["fields"][0]["type"] = "no-such-type"
        return package

    monkeypatch.setattr(build_module, "datapackage", broken)
    releases = tmp_path / "releases"
    with pytest.raises(BuildError) as info:
        build(sources, releases, V1)
    assert info.value.code == "build-error"
    assert "frictionless" in str(info.value)
    assert not (releases / V1).exists()
    assert not [p for p in releases.iterdir() if p.name.startswith(".")]


def test_exported_table_schemas_are_checked_by_frictionless(monkeypatch: pytest.MonkeyPatch) -> None:
    from policydata.generated import tableschema

    real = tableschema.table_schemas

    def broken() -> dict[str, dict[str, Any]]:
        schemas = real()
        schemas["sources"]["fields"][0]["type"] = "no-such-type"
        return schemas

    monkeypatch.setattr(tableschema, "table_schemas", broken)
    with pytest.raises(BuildError):
        tableschema.render_files()
