"""How long ``policydata serve`` takes to answer its first request, and the explorer's pages after.

Run by hand (``python benchmarks/bench_serve.py --runs 5``). Each run starts a fresh
``policydata serve`` process on a free port of 127.0.0.1 and times, from the moment the process is
started, until the home page first answers 200 (asked every 10 ms, so the figure is at most 10 ms
late). "warm": the SQLite export is in the cache already (every start but the first for a
release); "cold": an empty cache, so the start includes exporting the release. Then, on one
running server, the time of the first and of later requests to the rate, timeline and table pages.
Measures the embedded release.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

PAGES = {
    "home": "/",
    "table tariff_events": "/policydata/tariff_events",
    "search sources 税委会": "/policydata/sources?_search=%E7%A8%8E%E5%A7%94%E4%BC%9A",
    "rate page": "/-/rate?imposing=USA&target=CHN&hs=950300&on=2025-04-10",
    "rate.json": "/-/rate.json?imposing=USA&target=CHN&hs=950300&on=2025-04-10",
    "timeline page": "/-/timeline?imposing=USA&target=CHN&from=2018-01-01&to=2026-12-31",
    "timeline.png": "/-/timeline.png?imposing=USA&target=CHN&from=2018-01-01&to=2026-12-31",
}


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            response.read()
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _start(cache: Path) -> tuple[subprocess.Popen[bytes], str, float]:
    """Start a server; return it, its address and the seconds until its first 200."""
    port = _port()
    env = {**os.environ, "POLICYDATA_CACHE_DIR": str(cache)}
    argv = [sys.executable, "-m", "policydata", "serve", "--port", str(port)]
    start = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    while not _ok(url + "/"):
        if process.poll() is not None or time.perf_counter() - start > 120:
            process.kill()
            raise SystemExit(f"policydata serve did not start (exit code {process.returncode})")
        time.sleep(0.01)
    return process, url, time.perf_counter() - start


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=30)


def _time(url: str) -> float:
    start = time.perf_counter()
    if not _ok(url):
        raise SystemExit(f"{url} did not answer 200")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cold, warm = [], []
        for i in range(args.runs):
            process, _, seconds = _start(Path(tmp) / f"cold-{i}")
            cold.append(seconds)
            _stop(process)
        shared = Path(tmp) / "warm"
        _stop(_start(shared)[0])  # export once
        for _ in range(args.runs):
            process, _, seconds = _start(shared)
            warm.append(seconds)
            _stop(process)
        print(f"policydata serve, start to first answer (median of {args.runs}, min-max):")
        for name, values in (("warm (export cached)", warm), ("cold (exports first)", cold)):
            print(f"  {name:<22} {statistics.median(values):6.2f} s   ({min(values):.2f}-{max(values):.2f})")
        process, url, _ = _start(shared)
        try:
            print("pages on a running server: first request, then median of 5 more")
            for name, path in PAGES.items():
                first = _time(url + path)
                later = statistics.median(_time(url + path) for _ in range(5))
                print(f"  {name:<24} {first:6.3f} s   {later:6.3f} s")
        finally:
            _stop(process)


if __name__ == "__main__":
    main()
