"""Download by version, against a real HTTP server on 127.0.0.1: every fault ends in a clear error
or a correct result, and the cache never keeps a bad file."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from _releases_support import (
    Sent,
    Server,
    base_rows,
    build,
    drop_midway,
    endless,
    event,
    redirect,
    run_cli,
    send_bytes,
    send_headers,
    send_status,
    serve,
    sha256,
    trickle,
    trickle_headers,
    wait_then,
    write_sources,
)

import policydata
from policydata import settings
from policydata.errors import (
    CacheError,
    DownloadError,
    IntegrityError,
    OfflineError,
    PolicyDataError,
    ReleaseNotFoundError,
    SchemaVersionError,
    SettingError,
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

    def add_entry(self, version: str, data: bytes, **extra: Any) -> None:
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


# =================================================================================================
# Issue 16: downloads that cannot hang, fill the disk or be talked into reading outside the cache


def _fast(monkeypatch: pytest.MonkeyPatch, env: Env, version: str, *, seconds: float) -> None:
    """A deadline of about ``seconds`` for ``version``'s archive: half to start, half to transfer."""
    monkeypatch.setenv(settings.ENV_DOWNLOAD_TIMEOUT, str(seconds / 2))
    monkeypatch.setenv(
        settings.ENV_DOWNLOAD_MIN_RATE, str(env.archive(version).stat().st_size / (seconds / 2))
    )


def test_a_trickling_server_is_cut_at_the_deadline(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    # a byte every 10 ms never trips the read timeout (0.5 s): only the deadline (1 s) can stop it
    _fast(monkeypatch, env, V2, seconds=1.0)
    data, sent = env.archive(V2).read_bytes(), Sent()
    env.server.then(env.archive_path(V2), trickle(data, sent, env.server.closing))
    with pytest.raises(DownloadError) as exc:
        policydata.open_release(V2)
    assert exc.value.code == "download-failed"
    assert sent.hung_up.wait(30), "the client never hung up"
    assert 0 < sent.bytes < len(data) // 10
    assert env.downloads(V2) == 1  # a deadline is not retried: no time is left
    assert env.cached_files() == []


def test_a_server_that_trickles_its_headers_is_cut_at_the_deadline(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fast(monkeypatch, env, V2, seconds=1.0)
    sent = Sent()
    env.server.then(env.archive_path(V2), trickle_headers(sent, env.server.closing))
    with pytest.raises(DownloadError):
        policydata.open_release(V2)
    assert sent.hung_up.wait(30), "the client never hung up"
    assert env.downloads(V2) == 1
    assert env.cached_files() == []


def test_the_body_of_a_redirect_is_never_read(env: Env) -> None:
    sent = Sent()
    env.server.then(env.archive_path(V2), endless(sent, status=302, location=env.archive_path(V2)))
    assert event_ids(V2) == ["USA-CHN-2099-TEST-A", "USA-CHN-2099-TEST-B"]
    assert sent.hung_up.wait(30)
    assert sent.bytes < 64 << 20
    assert env.downloads(V2) == 2  # the redirect, then the archive


def test_a_waiting_process_gives_up_on_a_stalled_holder(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    started, hold = threading.Event(), threading.Event()
    data = env.archive(V2).read_bytes()
    env.server.then(env.archive_path(V2), drop_midway(data, started=started, hold=hold))
    fast = {settings.ENV_DOWNLOAD_TIMEOUT: "0.5", settings.ENV_DOWNLOAD_MIN_RATE: "1e9"}
    proc = subprocess.Popen(
        [sys.executable, str(WORKER), V2], env=env.environ(**fast), stdout=subprocess.PIPE, text=True
    )
    try:
        assert started.wait(60), "the worker never started downloading"
        os.kill(proc.pid, signal.SIGSTOP)  # it holds the lock and stops answering: stalled
        for name, value in fast.items():
            monkeypatch.setenv(name, value)
        with pytest.raises(CacheError) as exc:
            policydata.open_release(V2)
        assert exc.value.code == "cache-error"
        assert str(proc.pid) in str(exc.value)  # names the process that holds the lock
    finally:
        proc.kill()
        proc.wait(60)
        hold.set()
    # the kernel released the dead holder's lock: the next load downloads
    assert event_ids(V2) == ["USA-CHN-2099-TEST-A", "USA-CHN-2099-TEST-B"]


def test_an_endless_body_is_cut_at_the_recorded_size(env: Env) -> None:
    sent = Sent()
    env.server.then(env.archive_path(V2), endless(sent))
    with pytest.raises(IntegrityError) as exc:
        policydata.open_release(V2)
    assert exc.value.code == "integrity-error"
    assert sent.hung_up.wait(30), "the client read on"
    # what the kernel's socket buffers took on loopback: far from the gigabyte offered
    assert sent.bytes < 64 << 20
    assert env.downloads(V2) == 1  # another file: not retried
    assert env.cached_files() == []


def test_reading_stops_at_the_recorded_size(env: Env) -> None:
    # the archive, then bytes without end and no length: the recorded bytes are all that is read
    sent = Sent()
    data = env.archive(V2).read_bytes()

    def archive_then_endless(handler: Any) -> None:
        handler.send_response(200)
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(data)
        endless_body = endless(sent)
        # the status line and headers are sent already; only the endless body follows
        handler.send_response = handler.send_header = lambda *a, **k: None
        handler.end_headers = lambda: None
        endless_body(handler)

    env.server.then(env.archive_path(V2), archive_then_endless)
    assert event_ids(V2) == ["USA-CHN-2099-TEST-A", "USA-CHN-2099-TEST-B"]
    assert sent.done.wait(30)
    assert sent.hung_up.is_set()


def test_a_content_length_other_than_recorded_is_refused_before_the_body(env: Env) -> None:
    sent = Sent()
    env.server.then(env.archive_path(V2), endless(sent, length=300 << 20, limit=300 << 20))
    with pytest.raises(IntegrityError):
        policydata.open_release(V2)
    assert sent.hung_up.wait(30)
    assert sent.bytes < 64 << 20
    assert env.downloads(V2) == 1
    assert env.cached_files() == []


def _gzip(data: bytes) -> bytes:
    import gzip

    return gzip.compress(data)


@pytest.mark.parametrize(
    ("answer", "attempts"),
    [
        (lambda env: send_headers(env.archive(V2).read_bytes(), {"Content-Length": "abc"}), 1),
        (lambda env: send_headers(_gzip(env.archive(V2).read_bytes()), {"Content-Encoding": "gzip"}), 1),
        (lambda env: redirect("file:///etc/passwd"), 1),
        (lambda env: redirect("ftp://127.0.0.1/x.zip"), 1),
        (lambda env: redirect("http://[::1"), 1),
        (lambda env: send_status(403), 1),
        (lambda env: send_status(429), 2),
    ],
    ids=["content-length-abc", "gzip", "redirect-file", "redirect-ftp", "redirect-malformed", "403", "429"],
)
def test_transport_faults_are_download_errors(
    env: Env, monkeypatch: pytest.MonkeyPatch, answer: Any, attempts: int
) -> None:
    monkeypatch.setenv(settings.ENV_DOWNLOAD_RETRIES, "1")
    env.server.then(env.archive_path(V2), answer(env), answer(env))
    with pytest.raises(DownloadError) as exc:
        policydata.open_release(V2)
    assert exc.value.code == "download-failed"
    assert env.downloads(V2) == attempts  # retried only when asking again may help
    assert env.cached_files() == []


def test_a_redirect_loop_is_a_download_error(env: Env) -> None:
    loop = redirect(env.archive_path(V2))
    env.server.then(env.archive_path(V2), *[loop] * 20)
    with pytest.raises(DownloadError):
        policydata.open_release(V2)
    assert env.downloads(V2) == 11  # the first request and ten redirects


def test_a_server_that_is_not_there(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv(settings.ENV_RELEASES_URL, f"http://127.0.0.1:{port}")
    monkeypatch.setenv(settings.ENV_DOWNLOAD_RETRIES, "0")
    with pytest.raises(DownloadError):
        policydata.open_release(V2)
    assert env.cached_files() == []


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        (settings.ENV_DOWNLOAD_TIMEOUT, "0"),
        (settings.ENV_DOWNLOAD_TIMEOUT, "nan"),
        (settings.ENV_DOWNLOAD_TIMEOUT, "inf"),
        (settings.ENV_DOWNLOAD_RETRIES, "inf"),
        (settings.ENV_DOWNLOAD_RETRIES, "nan"),
        (settings.ENV_DOWNLOAD_MIN_RATE, "0"),
        (settings.ENV_DOWNLOAD_MIN_RATE, "nan"),
        (settings.ENV_RELEASES_URL, "file:///etc/passwd"),
        (settings.ENV_RELEASES_URL, "ftp://me:s3cret@127.0.0.1/x"),
        (settings.ENV_RELEASES_URL, "http://me:s3cret@[::1"),
        (settings.ENV_RELEASES_URL, "http://me:s3/cret@127.0.0.1:port"),
        (settings.ENV_RELEASES_URL, "not a url"),
    ],
)
def test_bad_settings_are_refused_before_any_request(
    env: Env, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingError) as exc:
        policydata.open_release(V2)
    assert exc.value.variable == variable
    assert "s3cret" not in str(exc.value) and "s3/cret" not in str(exc.value)
    code, out = run_cli(["download", V2], monkeypatch, capsys)
    assert code == 2
    assert "(invalid-setting)" in out
    assert "internal error" not in out
    assert "s3cret" not in out and "s3/cret" not in out
    assert env.server.count("") == 0


@pytest.mark.parametrize(
    "answer",
    [
        lambda env: send_status(404),
        lambda env: send_status(500),
        lambda env: send_headers(b"x", {"Content-Length": "abc"}),
        lambda env: redirect("ftp://me:s3cret@127.0.0.1/x"),
        lambda env: send_bytes(b"not the archive"),
    ],
    ids=["404", "500", "content-length-abc", "redirect", "other-file"],
)
def test_a_password_in_the_releases_url_is_never_shown(
    env: Env,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    answer: Any,
) -> None:
    monkeypatch.setenv(settings.ENV_RELEASES_URL, env.server.url.replace("://", "://me:s3cret@"))
    monkeypatch.setenv(settings.ENV_DOWNLOAD_RETRIES, "0")
    env.server.then(env.archive_path(V2), answer(env), answer(env))
    with pytest.raises(PolicyDataError) as exc:
        policydata.open_release(V2)
    assert "s3cret" not in str(exc.value)
    assert "s3cret" not in getattr(exc.value, "url", "")
    code, out = run_cli(["download", V2], monkeypatch, capsys)
    assert code == 2
    assert "s3cret" not in out
    assert "s3cret" not in caplog.text
    assert env.downloads(V2) == 2  # both attempts reached the server


# -------------------------------------------------------------------------------------------------
# Crafted archives that the (test) index vouches for: the index is trusted, so only the checks of
# what the release names and holds stand in the way


def _members(archive: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(archive) as zf:
        return {info.filename.split("/", 1)[1]: zf.read(info) for info in zf.infolist()}


def _reseal(members: dict[str, bytes], version: str) -> dict[str, bytes]:
    """Make SHA256SUMS, the data package (version, integrity, rows) and MANIFEST.json agree with
    the files again, as a careful tamperer would."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    package = json.loads(members[settings.DATAPACKAGE_FILE])
    package["version"] = version
    for resource in package["resources"]:
        data = members.get(resource["path"])
        if data is None:
            continue
        resource["integrity"] = {"sha256": sha256(data), "bytes": len(data)}
        try:
            rows = pq.ParquetFile(pa.BufferReader(data)).metadata.num_rows
        except pa.ArrowException:
            continue
        package["policydata"]["rows"][resource["name"]] = rows
    members[settings.DATAPACKAGE_FILE] = json.dumps(package, indent=2).encode()
    listed = sorted(n for n in members if n not in (settings.CHECKSUMS_NAME, settings.MANIFEST_FILE))
    members[settings.CHECKSUMS_NAME] = "".join(f"{sha256(members[n])}  {n}\n" for n in listed).encode()
    if settings.MANIFEST_FILE in members:
        manifest = json.loads(members[settings.MANIFEST_FILE])
        manifest["version"] = version
        manifest["files"] = {n: {"bytes": len(members[n]), "sha256": sha256(members[n])} for n in listed}
        members[settings.MANIFEST_FILE] = json.dumps(manifest, indent=2).encode()
    return members


def _vouch(env: Env, version: str, members: dict[str, bytes], *, files: bool = True) -> None:
    """Serve ``members`` as the archive of ``version``, listed in the test index with its hashes."""
    from policydata.release.files import write_zip

    buffer = io.BytesIO()
    write_zip(buffer, members, f"policydata-{version}", "2099-01-15")
    extra = {"files": {n: sha256(d) for n, d in members.items()}} if files else {}
    env.add_entry(version, buffer.getvalue(), **extra)


def _retable(members: dict[str, bytes], table: str, path: str) -> None:
    package = json.loads(members[settings.DATAPACKAGE_FILE])
    for resource in package["resources"]:
        if resource["name"] == table:
            resource["path"] = path
    members[settings.DATAPACKAGE_FILE] = json.dumps(package).encode()


def _sums_name(members: dict[str, bytes], old: str, new: str) -> None:
    members[settings.CHECKSUMS_NAME] = members[settings.CHECKSUMS_NAME].replace(old.encode(), new.encode())


CRAFTED = {
    "sums-parent-path": lambda m: _sums_name(m, "  tariff_events.parquet", "  ../../tariff_events.parquet"),
    "sums-absolute-path": lambda m: _sums_name(m, "  tariff_events.parquet", "  /tmp/tariff_events.parquet"),
    "resource-parent-path": lambda m: _retable(m, "tariff_events", "../../outside.parquet"),
    "resource-absolute-path": lambda m: _retable(m, "tariff_events", "/tmp/outside.parquet"),
    "invalid-parquet": lambda m: m.update({"tariff_events.parquet": b"PAR1 not Parquet at all PAR1"}),
    "another-table": lambda m: m.update({"tariff_events.parquet": m["sources.parquet"]}),
    "manifest-disagrees": lambda m: m.update(
        {settings.MANIFEST_FILE: m[settings.MANIFEST_FILE].replace(b'"sha256": "', b'"sha256": "0', 1)}
    ),
}


@pytest.mark.parametrize("kind", list(CRAFTED), ids=list(CRAFTED))
def test_a_crafted_release_the_index_vouches_for_is_refused(env: Env, kind: str) -> None:
    members = _reseal(_members(env.archive(V2)), BAD)
    CRAFTED[kind](members)
    if kind in ("invalid-parquet", "another-table"):
        _reseal(members, BAD)  # consistent checksums throughout: only the contents give it away
    _vouch(env, BAD, members)
    with pytest.raises(IntegrityError) as exc:
        policydata.open_release(BAD)
    assert exc.value.code == "integrity-error"
    assert env.cached_files() == []


def test_a_crafted_release_without_manifest_is_refused(env: Env) -> None:
    members = _reseal(_members(env.archive(V2)), BAD)
    del members[settings.MANIFEST_FILE]
    _vouch(env, BAD, members, files=False)  # an index entry of the old kind, without files
    with pytest.raises(IntegrityError):
        policydata.open_release(BAD)
    assert env.cached_files() == []


def test_an_archive_of_100000_members_is_refused_briefly(env: Env) -> None:
    members = {f"f{i}.parquet": b"" for i in range(100_000)}
    _vouch(env, BAD, members, files=False)
    with pytest.raises(UnsafeArchiveError) as exc:
        policydata.open_release(BAD)
    assert len(str(exc.value)) < 1000  # summarised, not one line per member
    assert env.cached_files() == []


@pytest.mark.parametrize(
    "index",
    [
        [],
        {"releases": [{"version": V2, "archive": "policydata-2099.2.0.zip", "bytes": 10}]},
        {"releases": [{"version": V2, "archive": "../x.zip", "sha256": "0" * 64, "bytes": 10}]},
        {"releases": [{"version": V2, "archive": "x.zip", "sha256": "0" * 64, "bytes": "10"}]},
        {
            "releases": [
                {"version": V2, "archive": "x.zip", "sha256": "0" * 64, "bytes": 10, "files": {"../x": "0"}}
            ]
        },
        {"releases": [{"version": V2}, {"version": V2}]},
    ],
    ids=["a-list", "no-sha256", "archive-path", "bytes-text", "files-path", "twice"],
)
def test_a_malformed_index_is_a_clear_error(
    env: Env, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], index: Any
) -> None:
    env.index.write_text(json.dumps(index))
    with pytest.raises(IntegrityError):
        policydata.open_release(V2)
    code, out = run_cli(["download", V2], monkeypatch, capsys)
    assert code == 2
    assert "(integrity-error)" in out
    assert env.server.count("") == 0


@pytest.mark.parametrize(
    "text",
    [b"[" * 100_000 + b"]" * 100_000, b"\xff\xfe not UTF-8", b'{"releases": ' + b"1" * 5000 + b"}"],
    ids=["nested-too-deep", "not-utf-8", "huge-number"],
)
def test_an_index_that_json_cannot_read_is_a_clear_error(env: Env, text: bytes) -> None:
    env.index.write_bytes(text)
    with pytest.raises(IntegrityError):
        policydata.open_release(V2)
    assert env.server.count("") == 0


def test_an_entry_without_archive_cannot_be_downloaded(env: Env) -> None:
    env.index.write_text(json.dumps({"releases": [{"version": V2, "as_of": "2099-01-15"}]}))
    with pytest.raises(ReleaseNotFoundError):
        policydata.open_release(V2)
    assert env.server.count("") == 0


# -------------------------------------------------------------------------------------------------
# The cache is checked against the index, never against itself


def _write_members(folder: Path, members: dict[str, bytes]) -> None:
    for path in folder.iterdir():
        path.unlink()
    for name, data in members.items():
        (folder / name).write_bytes(data)


def _rewrite_table(env: Env, folder: Path) -> None:
    """V1's events in place of V2's, with SHA256SUMS, MANIFEST.json and the data package resealed."""
    members = {p.name: p.read_bytes() for p in folder.iterdir()}
    members["tariff_events.parquet"] = (env.releases / V1 / "tariff_events.parquet").read_bytes()
    _write_members(folder, _reseal(members, V2))


def _swap_tables(env: Env, folder: Path) -> None:
    members = {p.name: p.read_bytes() for p in folder.iterdir()}
    _retable(members, "tariff_events", "tariff_event_products.parquet")
    _write_members(folder, _reseal(members, V2))


def _outside_path(env: Env, folder: Path) -> None:
    outside = env.cache / "outside.parquet"
    outside.write_bytes((env.releases / V1 / "tariff_events.parquet").read_bytes())
    members = {p.name: p.read_bytes() for p in folder.iterdir()}
    _retable(members, "tariff_events", "../../outside.parquet")
    _sums_name(members, "  tariff_events.parquet", "  ../../outside.parquet")
    _write_members(folder, members)


def _linked_file(env: Env, folder: Path) -> None:
    copy = env.cache / "copy.parquet"
    shutil.copy(folder / "tariff_events.parquet", copy)
    (folder / "tariff_events.parquet").unlink()
    (folder / "tariff_events.parquet").symlink_to(copy)


def _linked_folder(env: Env, folder: Path) -> None:
    copy = env.cache / "elsewhere"
    shutil.copytree(folder, copy)
    shutil.rmtree(folder)
    folder.symlink_to(copy, target_is_directory=True)


TAMPER = {
    "table-sums-manifest-rewritten": _rewrite_table,
    "tables-swapped": _swap_tables,
    "path-outside": _outside_path,
    "manifest-missing": lambda env, f: (f / settings.MANIFEST_FILE).unlink(),
    "manifest-rewritten": lambda env, f: (f / settings.MANIFEST_FILE).write_bytes(
        (f / settings.MANIFEST_FILE).read_bytes().replace(b"statutory", b"effective")
    ),
    "sums-rewritten": lambda env, f: (f / settings.CHECKSUMS_NAME).write_bytes(
        (f / settings.CHECKSUMS_NAME).read_bytes() + b"\n"
    ),
    "extra-file": lambda env, f: (f / "extra.parquet").write_bytes(b"x"),
    "folder-inside": lambda env, f: (f / "sub").mkdir(),
    "table-missing": lambda env, f: (f / "tariff_events.parquet").unlink(),
    "datapackage-rewritten": lambda env, f: (f / settings.DATAPACKAGE_FILE).write_bytes(
        (f / settings.DATAPACKAGE_FILE).read_bytes().replace(b"CC-BY-4.0", b"CC0-1.0")
    ),
    "file-is-a-link": _linked_file,
    "folder-is-a-link": _linked_folder,
}


def _without_files(env: Env) -> None:
    index = json.loads(env.index.read_text())
    for entry in index["releases"]:
        entry.pop("files", None)
    env.index.write_text(json.dumps(index))


@pytest.mark.parametrize("files", [True, False], ids=["index-with-files", "index-of-old-entries"])
@pytest.mark.parametrize("kind", list(TAMPER), ids=list(TAMPER))
def test_every_tampering_is_found_by_verify_and_never_loaded(
    env: Env,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    kind: str,
    files: bool,
) -> None:
    if not files:
        _without_files(env)  # old entries: the cached files must rebuild the recorded archive
    folder = download(V2)
    cache._verified.clear()  # as a new process: nothing verified yet
    TAMPER[kind](env, folder)

    assert [c.ok for c in cache.verify_cache()] == [False]
    code, out = run_cli(["cache", "verify"], monkeypatch, capsys)
    assert code == 1, out
    assert f"{V2}: damaged" in out

    with caplog.at_level("WARNING", logger="policydata.release.store"):
        assert event_ids(V2) == ["USA-CHN-2099-TEST-A", "USA-CHN-2099-TEST-B"]
    assert len([r for r in caplog.records if "damaged" in r.getMessage()]) == 1  # said once
    assert env.downloads(V2) == 2
    assert all(c.ok for c in cache.verify_cache())
    assert not (env.cache / "releases" / V2).is_symlink()
    if kind == "folder-is-a-link":
        assert (env.cache / "elsewhere" / "tariff_events.parquet").is_file()  # never followed


def test_a_change_that_keeps_size_and_time_is_found_in_the_same_process(env: Env) -> None:
    folder = download(V2)
    assert event_ids(V2) == ["USA-CHN-2099-TEST-A", "USA-CHN-2099-TEST-B"]  # verified and remembered
    file = folder / "tariff_events.parquet"
    before = file.stat()
    data = bytearray(file.read_bytes())
    data[len(data) // 2] ^= 0x01
    file.write_bytes(bytes(data))
    os.utime(file, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert event_ids(V2) == ["USA-CHN-2099-TEST-A", "USA-CHN-2099-TEST-B"]
    assert env.downloads(V2) == 2


def test_an_opened_release_checks_each_table_it_loads(env: Env) -> None:
    release = policydata.open_release(V2)
    (release.path / "tariff_events.parquet").write_bytes(
        (env.releases / V1 / "tariff_events.parquet").read_bytes()
    )
    with pytest.raises(IntegrityError):
        release.load("tariff_events", backend="arrow")
    assert release.load("sources", backend="arrow").num_rows == 1  # the others are intact


@pytest.mark.parametrize("backend", ["arrow", "pandas", "polars"])
def test_invalid_parquet_is_a_policydata_error_at_load(
    env: Env,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    backend: str,
) -> None:
    folder = tmp_path / "broken"
    shutil.copytree(env.releases / V1, folder)
    (folder / "tariff_events.parquet").write_bytes(b"PAR1 not Parquet at all PAR1")
    with pytest.raises(IntegrityError):
        policydata.Release(folder).load("tariff_events", backend=backend)
    with pytest.raises(IntegrityError):
        policydata.Release(folder).check_tables()
    monkeypatch.setenv(settings.ENV_RELEASE_DIR, str(folder))
    code, out = run_cli(["show", "tariff_events"], monkeypatch, capsys)
    assert code == 2
    assert "(integrity-error)" in out
    assert "internal error" not in out


# -------------------------------------------------------------------------------------------------
# Clearing the cache


def test_clear_removes_what_killed_processes_left(env: Env) -> None:
    import tempfile

    releases = env.cache / "releases"
    releases.mkdir(parents=True)
    staging = Path(tempfile.mkdtemp(dir=releases, prefix=f".{V2}."))  # as atomic_dir names it
    for i in range(2000):
        (staging / f"f{i}.parquet").write_bytes(b"x")
    partial = env.cache / "downloads" / V1 / f".{settings.archive_name(V1)}.abc.partial"
    partial.parent.mkdir(parents=True)
    partial.write_bytes(b"half")
    assert cache.clear_cache() == []  # no release was complete
    assert env.cached_files() == []
    assert not staging.exists()


def test_clear_removes_a_linked_release_folder_but_not_its_target(env: Env) -> None:
    folder = download(V2)
    _linked_folder(env, folder)
    assert cache.clear_cache() == [V2]
    assert not os.path.lexists(folder)
    assert (env.cache / "elsewhere" / "tariff_events.parquet").is_file()


def test_clear_on_a_read_only_cache_is_a_clear_error(env: Env) -> None:
    download(V2)
    command = [sys.executable, "-m", "policydata", "cache", "clear"]
    if os.geteuid() == 0:  # root writes anywhere: drop the capabilities that let it
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: a read-only folder cannot be made")
        command = [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner", "--", *command]
    folders = [p for p in [env.cache, *env.cache.rglob("*")] if p.is_dir()]
    for path in folders:
        path.chmod(0o555)
    try:
        done = subprocess.run(command, env=env.environ(), capture_output=True, text=True, timeout=120)
    finally:
        for path in folders:
            path.chmod(0o755)
    assert done.returncode == 2, done.stderr
    assert "(cache-error)" in done.stderr
    assert "internal error" not in done.stderr
    assert [c.version for c in cache.cached_releases()] == [V2]
