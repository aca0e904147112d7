"""Download by version, against a real HTTP server on 127.0.0.1: every fault ends in a clear error
or a correct result, and the cache never keeps a bad file."""

from __future__ import annotations

import io
import json
import os
import shutil
import stat
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from _releases_support import (
    Server,
    base_rows,
    build,
    drop_midway,
    event,
    run_cli,
    send_bytes,
    send_status,
    serve,
    sha256,
    wait_then,
    write_sources,
)

import policydata
from policydata import settings
from policydata.errors import (
    DownloadError,
    IntegrityError,
    OfflineError,
    ReleaseNotFoundError,
    SchemaVersionError,
    UnsafeArchiveError,
)
from policydata.release import store as cache
from policydata.release.download import download

V1, V2, BAD = "2099.1.0", "2099.2.0", "2099.9.0"
WORKER = Path(__file__).parent / "_download_worker.py"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two releases with an index: V1 (the 'embedded' one in these tests) and V2 (one more event)."""
    root = tmp_path_factory.mktemp("built")
    rows = base_rows()
    build(write_sources(root / "src", rows), root / "releases", V1)
    rows["tariff_events"].append(event("USA-CHN-2099-TEST-B", rate="20"))
    rows["citations"].append(
        {"table": "tariff_events", "record_id": "USA-CHN-2099-TEST-B", "source_id": "test-2099-doc-a"}
    )
    build(write_sources(root / "src", rows), root / "releases", V2)
    return root / "releases"


@dataclass
class Env:
    releases: Path  # the release folders and the index this "installation" trusts
    served: Path  # what the server serves: <served>/<version>/<archive>
    cache: Path
    server: Server

    @property
    def index(self) -> Path:
        return self.releases / settings.INDEX_FILE

    def archive(self, version: str) -> Path:
        return self.served / version / settings.archive_name(version)

    def archive_path(self, version: str) -> str:
        return f"/{version}/{settings.archive_name(version)}"

    def downloads(self, version: str) -> int:
        return self.server.count(self.archive_path(version))

    def add_entry(self, version: str, data: bytes, **extra: str) -> None:
        """Serve ``data`` as the archive of ``version`` and list it in the index with its sha256."""
        path = self.archive(version)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        index = json.loads(self.index.read_text())
        index["releases"].append(
            {
                "version": version,
                "as_of": "2099-01-15",
                "schema_version": "1.0.0",
                "library_version": policydata.__version__,
                "archive": path.name,
                "sha256": sha256(data),
                "bytes": len(data),
                **extra,
            }
        )
        self.index.write_text(json.dumps(index))

    def cached_files(self) -> list[str]:
        """Every file in the cache except the lock files (which hold no data)."""
        if not self.cache.exists():
            return []
        return sorted(
            str(p.relative_to(self.cache))
            for p in self.cache.rglob("*")
            if p.is_file() and p.parent.name != "locks"
        )

    def environ(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYDATA_")}
        env.update(
            {
                settings.ENV_INDEX: str(self.index),
                settings.ENV_RELEASES_URL: self.server.url,
                settings.ENV_CACHE_DIR: str(self.cache),
                settings.ENV_RELEASE_DIR: str(self.releases / V1),
                settings.ENV_DOWNLOAD_TIMEOUT: "10",
            }
        )
        env.update(extra)
        return env


@pytest.fixture
def env(built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Env]:
    releases, served = tmp_path / "releases", tmp_path / "served"
    shutil.copytree(built, releases)
    for archive in (releases / settings.ARCHIVES_DIR).iterdir():
        version = archive.name.removeprefix("policydata-").removesuffix(".zip")
        (served / version).mkdir(parents=True)
        shutil.copy(archive, served / version / archive.name)
    with serve(served) as server:
        state = Env(releases, served, tmp_path / "cache", server)
        for key in [k for k in os.environ if k.startswith("POLICYDATA_")]:
            monkeypatch.delenv(key)
        for key, value in state.environ().items():
            if key.startswith("POLICYDATA_"):
                monkeypatch.setenv(key, value)
        yield state


def event_ids(version: str) -> list[str]:
    return sorted(policydata.load("tariff_events", version=version, backend="arrow")["event_id"].to_pylist())


# -------------------------------------------------------------------------------------------------
# The ordinary paths


def test_downloads_checks_and_caches_a_release(env: Env) -> None:
    assert event_ids(V2) == ["USA-CHN-2099-TEST-A", "USA-CHN-2099-TEST-B"]
    assert env.downloads(V2) == 1
    release = policydata.open_release(V2)
    assert release.path == env.cache / "releases" / V2
    release.verify()
    # read from the cache from now on: no second request, no archive kept
    assert event_ids(V2) == ["USA-CHN-2099-TEST-A", "USA-CHN-2099-TEST-B"]
    assert env.downloads(V2) == 1
    assert not any(name.startswith("downloads/") for name in env.cached_files())


def test_the_embedded_release_is_never_downloaded(env: Env) -> None:
    assert policydata.open_release(V1).path == env.releases / V1
    assert event_ids(V1) == ["USA-CHN-2099-TEST-A"]
    assert env.server.count("") == 0
    assert env.cached_files() == []


def test_offline_reads_a_cached_release(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    download(V2)
    monkeypatch.setenv(settings.ENV_OFFLINE, "1")
    assert event_ids(V2) == ["USA-CHN-2099-TEST-A", "USA-CHN-2099-TEST-B"]
    assert env.downloads(V2) == 1


def test_progress_bar_path_downloads_correctly(env: Env) -> None:
    path = download(V2, progress=True)
    cache.verify_release(path, V2)


# -------------------------------------------------------------------------------------------------
# Faults of the server or the network


def test_404_is_a_clear_error_and_not_retried(env: Env) -> None:
    env.archive(V2).unlink()
    with pytest.raises(DownloadError) as exc:
        policydata.open_release(V2)
    assert exc.value.code == "download-failed"
    assert exc.value.url.endswith(env.archive_path(V2))
    assert env.downloads(V2) == 1
    assert env.cached_files() == []


def test_500_then_success_is_retried(env: Env) -> None:
    env.server.then(env.archive_path(V2), send_status(500))
    assert event_ids(V2) == ["USA-CHN-2099-TEST-A", "USA-CHN-2099-TEST-B"]
    assert env.downloads(V2) == 2


def test_500_every_time_is_a_clear_error(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(settings.ENV_DOWNLOAD_RETRIES, "1")
    env.server.then(env.archive_path(V2), send_status(500), send_status(503))
    with pytest.raises(DownloadError):
        policydata.open_release(V2)
    assert env.downloads(V2) == 2
    assert env.cached_files() == []


def test_connection_dropped_mid_body_is_retried(env: Env) -> None:
    data = env.archive(V2).read_bytes()
    env.server.then(env.archive_path(V2), drop_midway(data))
    assert event_ids(V2) == ["USA-CHN-2099-TEST-A", "USA-CHN-2099-TEST-B"]
    assert env.downloads(V2) == 2


def test_connection_dropped_every_time_is_a_clear_error(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(settings.ENV_DOWNLOAD_RETRIES, "0")
    env.server.then(env.archive_path(V2), drop_midway(env.archive(V2).read_bytes()))
    with pytest.raises(DownloadError):
        policydata.open_release(V2)
    assert env.cached_files() == []


def test_truncated_body_fails_the_checksum_and_is_not_kept(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(settings.ENV_DOWNLOAD_RETRIES, "0")
    data = env.archive(V2).read_bytes()
    env.server.then(env.archive_path(V2), send_bytes(data[: len(data) - 1000]))
    with pytest.raises(IntegrityError) as exc:
        policydata.open_release(V2)
    assert exc.value.code == "integrity-error"
    assert env.cached_files() == []
    # the next call downloads the whole archive and succeeds
    assert event_ids(V2) == ["USA-CHN-2099-TEST-A", "USA-CHN-2099-TEST-B"]


def test_wrong_sha256_is_refused_and_not_kept(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(settings.ENV_DOWNLOAD_RETRIES, "0")
    # a well-formed archive, but not the one the index records for V2
    env.archive(V2).write_bytes(env.archive(V1).read_bytes())
    with pytest.raises(IntegrityError) as exc:
        policydata.open_release(V2)
    assert exc.value.code == "integrity-error"
    assert env.cached_files() == []


def test_a_server_slower_than_the_timeout(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(settings.ENV_DOWNLOAD_TIMEOUT, "0.3")
    monkeypatch.setenv(settings.ENV_DOWNLOAD_RETRIES, "1")
    late = wait_then(env.server.closing, send_bytes(env.archive(V2).read_bytes()))
    env.server.then(env.archive_path(V2), late, late)
    with pytest.raises(DownloadError) as exc:
        policydata.open_release(V2)
    assert exc.value.code == "download-failed"
    assert env.downloads(V2) == 2
    assert env.cached_files() == []


# -------------------------------------------------------------------------------------------------
# Malicious archives: their sha256 is in the index, so only the member checks stand in the way


def _zip(members: list[tuple[zipfile.ZipInfo | str, bytes]], compression: int = zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as zf:
        for info, data in members:
            zf.writestr(info, data)
    return buffer.getvalue()


def _symlink(name: str, target: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


PREFIX = f"policydata-{BAD}"
MALICIOUS = {
    "parent-path": _zip([(f"{PREFIX}/../../escaped.txt", b"x")]),
    "absolute-path": _zip([("/tmp/policydata-test-escaped.txt", b"x")]),
    "symlink": _zip([(_symlink(f"{PREFIX}/datapackage.json", "/etc/passwd"), b"/etc/passwd")]),
    "nested-folder": _zip([(f"{PREFIX}/sub/datapackage.json", b"{}")]),
    "zip-bomb": _zip([(f"{PREFIX}/datapackage.json", bytes(50 << 20))], zipfile.ZIP_DEFLATED),
}


@pytest.mark.parametrize("kind", list(MALICIOUS), ids=list(MALICIOUS))
def test_malicious_archive_is_refused(env: Env, kind: str) -> None:
    data = MALICIOUS[kind]
    env.add_entry(BAD, data)
    with pytest.raises(UnsafeArchiveError) as exc:
        policydata.open_release(BAD)
    assert exc.value.code == "unsafe-archive"
    assert env.cached_files() == []
    assert not (env.cache / "escaped.txt").exists()
    assert not Path("/tmp/policydata-test-escaped.txt").exists()
    if kind == "zip-bomb":
        assert len(data) < (1 << 20)  # the point: small packed, far larger unpacked


def test_archive_that_is_not_a_zip_is_refused(env: Env) -> None:
    env.add_entry(BAD, b"not a zip archive at all")
    with pytest.raises(IntegrityError):
        policydata.open_release(BAD)
    assert env.cached_files() == []


# -------------------------------------------------------------------------------------------------
# Versions


def test_unknown_version_lists_the_known_ones(env: Env) -> None:
    with pytest.raises(ReleaseNotFoundError) as exc:
        policydata.open_release("2099.7.0")
    assert exc.value.code == "release-not-found"
    assert exc.value.known == (V1, V2)
    assert env.server.count("") == 0


def test_schema_major_this_library_cannot_read_is_refused_before_download(env: Env) -> None:
    env.add_entry(BAD, b"never downloaded", schema_version="2.0.0", library_version="9.9.9")
    with pytest.raises(SchemaVersionError) as exc:
        policydata.open_release(BAD)
    assert exc.value.code == "schema-version"
    assert "9.9.9" in str(exc.value)  # names the library version that reads it
    assert env.downloads(BAD) == 0


def test_offline_with_nothing_cached(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(settings.ENV_OFFLINE, "1")
    with pytest.raises(OfflineError) as exc:
        policydata.load("tariff_events", version=V2)
    assert exc.value.code == "offline"
    assert f"policydata download {V2}" in (exc.value.hint or "")
    assert env.server.count("") == 0
    assert env.cached_files() == []


# -------------------------------------------------------------------------------------------------
# The cache on disk


@pytest.mark.parametrize("name", ["tariff_events.parquet", settings.MANIFEST_FILE, settings.CHECKSUMS_NAME])
def test_corrupted_cache_is_found_by_verify_and_by_the_next_load(env: Env, name: str) -> None:
    path = download(V2)
    file = path / name
    data = bytearray(file.read_bytes())
    data[len(data) // 2] ^= 0x01
    file.write_bytes(bytes(data))

    checks = {c.version: c for c in cache.verify_cache()}
    assert not checks[V2].ok

    assert event_ids(V2) == ["USA-CHN-2099-TEST-A", "USA-CHN-2099-TEST-B"]
    assert env.downloads(V2) == 2
    assert all(c.ok for c in cache.verify_cache())


def test_clear_removes_cached_releases(env: Env) -> None:
    download(V2)
    assert [c.version for c in cache.cached_releases()] == [V2]
    assert cache.clear_cache() == [V2]
    assert env.cached_files() == []
    assert cache.clear_cache() == []


# -------------------------------------------------------------------------------------------------
# Several processes


def _worker(env: Env, version: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKER), version],
        env=env.environ(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_eight_processes_share_one_download(env: Env) -> None:
    ready = threading.Semaphore(0)
    all_ready = threading.Event()
    # hold the first answer until every process has started and asked, so they overlap
    env.server.then(
        env.archive_path(V2), wait_then(all_ready, send_bytes(env.archive(V2).read_bytes()), limit=60)
    )
    procs = [_worker(env, V2) for _ in range(8)]

    def wait_ready(proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        if proc.stdout.readline().strip() == "ready":
            ready.release()

    threads = [threading.Thread(target=wait_ready, args=(p,)) for p in procs]
    for t in threads:
        t.start()
    for _ in procs:
        assert ready.acquire(timeout=60)
    all_ready.set()
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        results.append(json.loads(out))
    assert all(r == results[0] for r in results)
    assert results[0]["events"] == ["USA-CHN-2099-TEST-A", "USA-CHN-2099-TEST-B"]
    assert env.downloads(V2) == 1
    assert [c.version for c in cache.verify_cache() if c.ok] == [V2]


def test_a_process_killed_mid_download_does_not_break_the_next(env: Env) -> None:
    started, hold = threading.Event(), threading.Event()
    env.server.then(
        env.archive_path(V2), drop_midway(env.archive(V2).read_bytes(), started=started, hold=hold)
    )
    proc = _worker(env, V2)
    try:
        assert started.wait(60), "the worker never started downloading"
        proc.kill()
        proc.wait(60)
    finally:
        hold.set()
    # it left a partial download behind, and no release
    assert any(name.startswith(f"downloads/{V2}/") for name in env.cached_files())
    assert not (env.cache / "releases" / V2).exists()

    assert event_ids(V2) == ["USA-CHN-2099-TEST-A", "USA-CHN-2099-TEST-B"]
    assert env.downloads(V2) == 2
    assert not any(name.startswith("downloads/") for name in env.cached_files())
    assert all(c.ok for c in cache.verify_cache())


# -------------------------------------------------------------------------------------------------
# The command line


def test_cli_download_and_cache_commands(
    env: Env, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run_cli(["download", V2], monkeypatch, capsys)
    assert code == 0
    assert str(env.cache / "releases" / V2) in out
    code, out = run_cli(["download", V1], monkeypatch, capsys)  # the embedded one: nothing to fetch
    assert code == 0
    assert env.downloads(V1) == 0

    code, out = run_cli(["cache", "list"], monkeypatch, capsys)
    assert code == 0
    assert V2 in out

    code, out = run_cli(["cache", "verify"], monkeypatch, capsys)
    assert code == 0
    (env.cache / "releases" / V2 / "sectors.parquet").write_bytes(b"damaged")
    code, out = run_cli(["cache", "verify"], monkeypatch, capsys)
    assert code == 1, out
    assert f"{V2}: damaged" in out

    code, out = run_cli(["download", V2, "--force"], monkeypatch, capsys)
    assert code == 0
    assert env.downloads(V2) == 2
    code, out = run_cli(["cache", "clear"], monkeypatch, capsys)
    assert code == 0
    assert env.cached_files() == []


@pytest.mark.parametrize(
    ("args", "offline", "error"),
    [
        (["download", "2099.7.0"], "0", "release-not-found"),
        (["download", V2], "1", "offline"),
        (["show", "tariff_events", "--version", V2], "1", "offline"),
    ],
    ids=["unknown-version", "offline-download", "offline-show"],
)
def test_cli_errors_exit_2_with_their_code(
    env: Env,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    offline: str,
    error: str,
) -> None:
    monkeypatch.setenv(settings.ENV_OFFLINE, offline)
    code, out = run_cli(args, monkeypatch, capsys)
    assert code == 2
    assert f"({error})" in out
    assert env.server.count("") == 0


@pytest.mark.parametrize(
    "version", ["../2099.2.0", "2099.2.0/../../x", ""], ids=["parent", "nested", "empty"]
)
def test_a_version_that_is_not_a_version_is_refused(env: Env, version: str) -> None:
    with pytest.raises(ReleaseNotFoundError):
        download(version)
    assert env.server.count("") == 0
