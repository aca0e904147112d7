"""Time building a release, downloading it from a local server, and opening it from the cache.

Run by hand (``python benchmarks/bench_release.py [EVENTS]``); not part of the test suite. Uses a
synthetic data set of EVENTS tariff events (default 20000) and a server on 127.0.0.1.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from _releases_support import base_rows, cite, event, serve, write_sources


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
        archive = root / "releases" / "2099.2.0" / settings.archive_name("2099.2.0")
        with serve(root / "releases") as server:
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
            open_release("2099.2.0")
            warm = time.perf_counter() - start
        print(f"events: {events}, archive: {archive.stat().st_size} bytes")
        print(f"build one release: {built:.2f} s")
        print(f"download, check, unpack, verify (cold cache): {cold:.3f} s")
        print(f"open from the cache, verifying every file (new process): {warm:.3f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20000)
