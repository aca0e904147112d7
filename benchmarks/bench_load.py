"""Whole-process timings of ``import policydata`` and of loading each table with each backend.

Run by hand (``make bench``); prints medians over repeated runs. Each measurement is a fresh Python
process, so import costs are included, as a user running a script would pay them.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

from policydata.catalog import TABLE_NAMES

TABLES = list(TABLE_NAMES)
BACKENDS = ["arrow", "pandas", "polars"]


def whole_process(code: str, runs: int) -> float:
    """Median wall time in seconds of ``python -c code`` over ``runs`` runs (after one warm-up)."""
    subprocess.run([sys.executable, "-c", code], check=True)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7, help="runs per measurement (default 7)")
    args = parser.parse_args()
    baseline = whole_process("pass", args.runs)
    print(f"python -c pass                      {baseline:6.3f} s  (interpreter start-up)")
    print(f"import policydata                   {whole_process('import policydata', args.runs):6.3f} s")
    print()
    print(f"{'table':24}" + "".join(f"{b:>10}" for b in BACKENDS) + "   (s, whole process, median)")
    for table in TABLES:
        cells = []
        for backend in BACKENDS:
            code = f"import policydata; policydata.load({table!r}, backend={backend!r})"
            cells.append(whole_process(code, args.runs))
        print(f"{table:24}" + "".join(f"{c:10.3f}" for c in cells))


if __name__ == "__main__":
    main()
