"""Benchmark: the daily total of every HS code in tariff_event_products, 2018 to 2026, both ways.

Run by hand (``make bench`` or ``python benchmarks/bench_tariffs.py``); the target is under 1 s for
the whole computation. Uses the embedded release, or the one named by POLICYDATA_RELEASE_DIR.
"""

from __future__ import annotations

import argparse
import statistics
import time

from policydata import tariffs
from policydata.release import open_release


def run(start: str, end: str, *, expand: bool) -> tuple[float, list[str]]:
    """Compute every direction's panel; with ``expand``, also materialize the (codes x days) arrays."""
    lines = []
    began = time.perf_counter()
    data = tariffs._data(None)
    pairs = sorted({(e.imposing, e.target) for e in data.events})
    for imposing, target in pairs:
        panel = tariffs.rate_panel(imposing, target, start, end)
        if expand:
            _ = panel.total, panel.total_with_may_apply
        days = len(panel.dates)
        lines.append(
            f"  {imposing}->{target}: {len(panel.codes)} codes "
            f"({len(panel.pattern_total)} coverage patterns) "
            f"x {days} days = {len(panel.codes) * days:,} code-days; highest total "
            f"{panel.pattern_total.max():g}%, with may-apply {panel.pattern_total_with_may_apply.max():g}%"
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
    cold, lines = run(args.start, args.end, expand=True)  # includes reading the Parquet files
    print("\n".join(lines))
    print(f"first run (reads the release, imports numpy/pandas/pyarrow): {cold:.3f} s")
    for expand in (False, True):
        times = []
        for _ in range(args.repeat):
            tariffs._load.cache_clear()  # each run reads the release again
            times.append(run(args.start, args.end, expand=expand)[0])
        what = "expanded to dense (codes x days) arrays" if expand else "one row per coverage pattern"
        print(
            f"all directions, every code, every day ({what}): best {min(times):.3f} s, "
            f"median {statistics.median(times):.3f} s over {args.repeat} runs (target < 1 s)"
        )


if __name__ == "__main__":
    main()
