"""Benchmark the sector questions as users run them: whole processes, wall and CPU time, peak memory.

Run by hand (``python benchmarks/bench_sectors.py [--runs 5]``), never as a test. Target (issue 14):
usable interactively, i.e. a sector's rate stack in well under a second, and the small multiples of
the ten MIC2025 sectors in both directions, 2018-2026, in a few seconds.

Each command runs in a fresh process (``python -m policydata.cli``) against the embedded release
(or POLICYDATA_RELEASE_DIR) with a fresh cache folder: the first command of the run also builds the
engine's index cache (reported as "cold"); the others read it ("warm", the median of ``--runs``).
Peak memory is each process's own (``wait4``), CPU time user + system.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: from 2018 to the release's as-of date (the default end)
WINDOW = ["--from", "2018-01-01"]


def commands(out: Path) -> list[list[str]]:
    png = str(out / "chart.png")
    return [
        ["--help"],
        ["rate", "USA", "CHN", "--sector", "MIC2025-02", "--on", "2018-07-06"],
        ["rate", "USA", "CHN", "--sector", "MIC2025-01", "--on", "2025-04-10"],
        ["rate", "CHN", "USA", "--sector", "MIC2025-06", "--on", "2019-12-31"],
        ["rate", "USA", "CHN", "--sector", "FYP14-05", "--on", "2025-04-10"],
        ["timeline", "USA", "CHN", "--sector", "MIC2025-02", *WINDOW],
        ["timeline", "USA", "CHN", "--sector", "MIC2025-02", *WINDOW, "--plot", png],
        ["sectors", "USA", "CHN", *WINDOW],
        ["sectors", "USA", "CHN", *WINDOW, "--plot", png],
        ["sectors", "USA", "CHN", "--scheme", "FYP14", *WINDOW, "--plot", png],
    ]


def label(args: list[str]) -> str:
    shown = [a for a in args if a not in WINDOW]
    if "--plot" in shown:
        shown[shown.index("--plot") + 1] = "chart.png"
    return " ".join(shown)


def run(args: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak resident MiB of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "policydata.cli", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: policydata {' '.join(args)}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    cache = Path(tempfile.mkdtemp(prefix="policydata-bench-"))
    env = {**os.environ, "POLICYDATA_CACHE_DIR": str(cache)}
    try:
        todo = commands(cache)
        wall, cpu, peak = run(todo[1], env)
        print(f"cold (builds the index): {label(todo[1])}")
        print(f"{'':<62} {wall:6.2f} s  cpu {cpu:5.2f} s  peak {peak:4.0f} MiB")
        head = f"warm, median of {args.runs} (2018 to the as-of date)"
        print(f"{head:<62} {'wall':>8}  {'cpu':>9}  {'peak':>9}")
        for command in todo:
            found = [run(command, env) for _ in range(args.runs)]
            wall = statistics.median(f[0] for f in found)
            cpu = statistics.median(f[1] for f in found)
            peak = max(f[2] for f in found)
            print(f"{label(command):<62} {wall:6.2f} s  cpu {cpu:5.2f} s  peak {peak:4.0f} MiB")
        print(f"load average (1, 5, 15 min) after the runs: {os.getloadavg()}")
    finally:
        shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
