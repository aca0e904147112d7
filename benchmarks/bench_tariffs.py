"""Benchmark: the daily total of every HS code in tariff_event_products, 2018 to 2026, both ways.

Run by hand (``make bench`` or ``python benchmarks/bench_tariffs.py``); the target is under 1 s for
the whole computation. Uses the embedded release, or the one named by POLICYDATA_RELEASE_DIR.
"""

from __future__ import annotations

import argparse
import statistics
import time

from policydata import tariffs
from policydata.releases import open_release


def run(start: str, end: str) -> tuple[float, list[str]]:
    lines = []
    began = time.perf_counter()
    data = tariffs._data(None)
    pairs = sorted({(e.imposing, e.target) for e in data.events})
    for imposing, target in pairs:
        panel = tariffs.rate_panel(imposing, target, start, end)
        cells = panel.total.size
        lines.append(
            f"  {imposing}->{target}: {len(panel.codes)} codes x {panel.total.shape[1]} days = {cells:,} "
            f"cells; highest total {panel.total.max():g}%, "
            f"with may-apply {panel.total_with_may_apply.max():g}%"
        )
    return time.perf_counter() - began, lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--start", default="2018-01-01")
    parser.add_argument("--end", default="2026-12-31")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    release = open_release()
    print(f"release {release.version} at {release.path}")
    cold, lines = run(args.start, args.end)  # includes reading the Parquet files
    print("\n".join(lines))
    warm = []
    for _ in range(args.repeat):
        tariffs._load.cache_clear()
        warm.append(run(args.start, args.end)[0])
    print(f"first run (import-warm, reads the release): {cold:.3f} s")
    print(
        f"{args.repeat} runs, each reading the release again: best {min(warm):.3f} s, "
        f"median {statistics.median(warm):.3f} s (target < 1 s)"
    )


if __name__ == "__main__":
    main()
