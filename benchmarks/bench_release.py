"""Time building a release, downloading it from a local server, and opening it from the cache;
with ``--faults``, measure whole ``policydata download`` processes against faulty servers.

Run by hand, never as a test:

    python benchmarks/bench_release.py [EVENTS]      # synthetic data set of EVENTS events (20000)
    python benchmarks/bench_release.py --faults      # the published release 2026.11.6 (198,192 bytes)

``--faults`` serves the real archive of release 2026.11.6 (rebuilt byte for byte from
``datasets/releases/``) from a server on 127.0.0.1 that sends one byte a second, or a body without
end, or holds a download while a second process waits; each line is one ``policydata download``
process, timed from start to exit, with what it wrote (``wchar`` of ``/proc/self/io``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from _releases_support import (
    Sent,
    Server,
    base_rows,
    cite,
    drop_midway,
    endless,
    event,
    send_bytes,
    serve,
    trickle,
    write_sources,
)

FAULT_VERSION = "2026.11.6"


def main(events: int) -> None:
    from policydata import settings
    from policydata.publish.build import build_release
    from policydata.release import open_release, store
    from policydata.release.download import download

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        rows = base_rows()
        for i in range(events):
            event_id = f"USA-CHN-2099-BENCH-{i}"
            rows["tariff_events"].append(event(event_id, rate=str(i % 100)))
            rows["citations"].append(cite("tariff_events", event_id))
        sources = write_sources(root / "sources", rows)
        start = time.perf_counter()
        build_release(sources, root / "releases", "2099.1.0", dt.date(2099, 1, 15))
        build_release(sources, root / "releases", "2099.2.0", dt.date(2099, 1, 15))
        built = (time.perf_counter() - start) / 2
        archive = root / "releases" / settings.ARCHIVES_DIR / settings.archive_name("2099.2.0")
        served = root / "served" / "2099.2.0"
        served.mkdir(parents=True)
        shutil.copy(archive, served / archive.name)
        with serve(root / "served") as server:
            os.environ.update(
                {
                    settings.ENV_INDEX: str(root / "releases" / settings.INDEX_FILE),
                    settings.ENV_RELEASES_URL: server.url,
                    settings.ENV_CACHE_DIR: str(root / "cache"),
                    settings.ENV_RELEASE_DIR: str(root / "releases" / "2099.1.0"),
                }
            )
            start = time.perf_counter()
            download("2099.2.0", progress=False)
            cold = time.perf_counter() - start
            store._verified.clear()  # as a new process would: hash every file once
            start = time.perf_counter()
            release = open_release("2099.2.0")
            warm = time.perf_counter() - start
            start = time.perf_counter()
            release.load("tariff_events", backend="arrow")
            load = time.perf_counter() - start
            start = time.perf_counter()
            open_release("2099.2.0").load("tariff_events", backend="arrow")
            again = time.perf_counter() - start
        print(f"events: {events}, archive: {archive.stat().st_size} bytes")
        print(f"build one release: {built:.2f} s")
        print(f"download, check, unpack, verify (cold cache): {cold:.3f} s")
        print(f"open from the cache, verifying every file against the index (new process): {warm:.3f} s")
        print(f"load tariff_events (its file hashed against the index first): {load:.3f} s")
        print(f"open and load again in the same process: {again:.3f} s")


# -------------------------------------------------------------------------------------------------
# Whole processes against faulty servers

_WRAPPER = """
import atexit, sys, time
start = time.monotonic()
def report():
    io = dict(line.split(": ") for line in open("/proc/self/io").read().split(chr(10)) if line)
    sys.stderr.write(f"BENCH seconds={time.monotonic() - start:.2f} wchar={io['wchar']}" + chr(10))
atexit.register(report)
from policydata.cli import main
sys.argv = ["policydata", "download", sys.argv[1]]
main()
"""


def _run(env: dict[str, str], version: str) -> tuple[int, str, str]:
    """Run ``policydata download VERSION`` in a new process; its exit code, figures and message."""
    done = subprocess.run(
        [sys.executable, "-c", _WRAPPER, version],
        env=env,
        cwd=env["PYTHONPATH"],  # not the checkout, whose policydata/ would come first
        capture_output=True,
        text=True,
        timeout=600,
    )
    lines = (done.stdout + done.stderr).strip().splitlines()
    figures = next((line for line in lines if line.startswith("BENCH")), "BENCH ?")
    message = " ".join(line for line in lines if not line.startswith("BENCH"))
    return done.returncode, figures.removeprefix("BENCH "), message


def _setting(env: dict[str, str], expression: str) -> float:
    """The value of ``settings.<expression>`` in a process with ``env``."""
    code = f"from policydata import settings; print(settings.{expression})"
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=env["PYTHONPATH"],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout)


def faults() -> None:
    from policydata import settings
    from policydata.publish.archive import archive_release

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        releases = root / "releases"
        releases.mkdir()
        shutil.copytree(settings.REPO_RELEASES_DIR / FAULT_VERSION, releases / FAULT_VERSION)
        index = json.loads((settings.REPO_RELEASES_DIR / settings.INDEX_FILE).read_text())
        (releases / settings.INDEX_FILE).write_text(json.dumps(index))
        entry = archive_release(releases, FAULT_VERSION)  # the published archive, byte for byte
        data = (releases / settings.ARCHIVES_DIR / entry["archive"]).read_bytes()
        path = f"/{FAULT_VERSION}/{entry['archive']}"
        # a copy of the package outside the source checkout, so that 2026.11.6 is not found in
        # datasets/releases/ but downloaded, as by an installed policydata
        shutil.copytree(settings.PACKAGE_DIR, root / "lib" / "policydata")
        with serve(root / "served") as server:
            base = {k: v for k, v in os.environ.items() if not k.startswith("POLICYDATA_")}
            base |= {
                "PYTHONPATH": str(root / "lib"),
                settings.ENV_INDEX: str(releases / settings.INDEX_FILE),
                settings.ENV_RELEASE_DIR: str(settings.REPO_RELEASES_DIR / index["latest"]),
                settings.ENV_RELEASES_URL: server.url.replace("://", "://me:s3cret@"),
            }

            def env(cache: str, **extra: str) -> dict[str, str]:
                return base | {settings.ENV_CACHE_DIR: str(root / cache)} | extra

            print(
                f"release {FAULT_VERSION}: archive {len(data):,} bytes (the index records {entry['bytes']:,})"
            )
            server.then(path, send_bytes(data))
            code, figures, _ = _run(env("c-ok"), FAULT_VERSION)
            print(f"a good download (archive written, then unpacked): exit {code}, {figures}")
            for label, extra in [
                ("defaults", {}),
                ("POLICYDATA_DOWNLOAD_TIMEOUT=5", {settings.ENV_DOWNLOAD_TIMEOUT: "5"}),
            ]:
                sent = Sent()
                server.then(path, *[trickle(data, sent, server.closing, every=1.0)] * 3)
                deadline = _setting(env("c0", **extra), f"download_deadline({len(data)})")
                code, figures, message = _run(env(f"c-{label}", **extra), FAULT_VERSION)
                print(
                    f"1 byte/s, {label}: deadline {deadline:.1f} s; exit {code}, {figures}; "
                    f"server sent {sent.bytes} bytes"
                )
                print(f"    {message[:600]}")
                server.script.clear()
            sent = Sent()
            server.then(path, endless(sent))
            code, figures, message = _run(env("c-endless"), FAULT_VERSION)
            sent.done.wait(60)
            print(
                f"endless body: exit {code}, {figures}; the server pushed {sent.bytes:,} bytes before the "
                "client hung up (socket buffers included)"
            )
            print(f"    {message[:600]}")
            server.script.clear()
            _stalled_holder(server, path, data, env("c-stalled", **{settings.ENV_DOWNLOAD_TIMEOUT: "5"}))


def _stalled_holder(server: Server, path: str, data: bytes, env: dict[str, str]) -> None:
    """A process holds the version's lock and is stopped (SIGSTOP); time a second one's wait."""
    started, hold = threading.Event(), threading.Event()
    server.then(path, drop_midway(data, started=started, hold=hold))
    holder = subprocess.Popen(
        [sys.executable, "-m", "policydata", "download", FAULT_VERSION],
        env=env,
        cwd=env["PYTHONPATH"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        started.wait(60)
        os.kill(holder.pid, signal.SIGSTOP)
        budget = _setting(env, f"lock_budget({len(data)})")
        code, figures, message = _run(env, FAULT_VERSION)
        print(f"waiting on a stalled holder (TIMEOUT=5, lock budget {budget:.1f} s): exit {code}, {figures}")
        print(f"    {message[:600]}")
    finally:
        holder.kill()
        holder.wait()
        hold.set()


if __name__ == "__main__":
    if sys.argv[1:] == ["--faults"]:
        faults()
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 20000)
