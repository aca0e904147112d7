"""Benchmark the tariff engine as users run it: whole processes, wall time and peak memory.

Run by hand (``make bench`` or ``python benchmarks/bench_tariffs.py``). Targets (issue 10):

* ``policydata panel USA CHN --from 2018-01-01 --to 2026-12-31 -o panel.parquet``: every known
  tariff line of both directions as intervals, under 3 s and under 1 GiB peak;
* ``policydata rate USA CHN --hs 950300 --on 2025-04-10``: under 0.5 s.

Each command runs in a fresh process; the first run of a release also builds the engine's index
cache (reported separately, "cold"), later runs read it ("warm"). Uses the embedded release, or the
one named by POLICYDATA_RELEASE_DIR.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RATE = ["rate", "USA", "CHN", "--hs", "950300", "--on", "2025-04-10"]
PANEL = ["panel", "USA", "CHN", "--from", "2018-01-01", "--to", "2026-12-31", "-o"]


def _run(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak resident MiB of one ``policydata`` process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "policydata.cli", *args], check=True, capture_output=True, env=env)
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the largest so far (KiB on Linux): exact for the first run, a bound later
    return wall, max(peak, before) / 1024


def _median(args: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    walls, peaks = [], []
    for _ in range(runs):
        wall, peak = _run(args, env)
        walls.append(wall)
        peaks.append(peak)
    return statistics.median(walls), max(peaks)


def _lines(panel: Path) -> str:
    import pyarrow.parquet as pq

    table = pq.read_table(panel, columns=["imposing", "line", "rest_of_line"]).to_pylist()
    per: dict[str, set[tuple[str, bool]]] = {}
    for row in table:
        per.setdefault(row["imposing"], set()).add((row["line"], row["rest_of_line"]))
    return ", ".join(f"{k}: {len(v):,} lines" for k, v in sorted(per.items())) + f"; {len(table):,} intervals"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    cache = Path(tempfile.mkdtemp(prefix="policydata-bench-"))
    env = {**os.environ, "POLICYDATA_CACHE_DIR": str(cache)}
    try:
        panel = cache / "panel.parquet"
        wall, peak = _run([*PANEL, str(panel)], env)
        print(f"panel, cold (builds the index cache): {wall:6.3f} s, peak {peak:6.0f} MiB")
        wall, peak = _median([*PANEL, str(panel)], env, args.runs)
        print(
            f"panel, warm:                          {wall:6.3f} s, peak {peak:6.0f} MiB  "
            f"(median of {args.runs})"
        )
        print(f"  {_lines(panel)}; {panel.stat().st_size / 2**20:.1f} MiB Parquet")
        shutil.rmtree(cache / "tariffs", ignore_errors=True)
        wall, _ = _run(RATE, env)
        print(f"rate, cold (builds the index cache):  {wall:6.3f} s")
        wall, peak = _median(RATE, env, args.runs)
        print(
            f"rate, warm:                           {wall:6.3f} s, peak {peak:6.0f} MiB  "
            f"(median of {args.runs})"
        )
    finally:
        shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
