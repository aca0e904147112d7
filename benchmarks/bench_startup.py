"""Whole-process start-up costs of what users wait for, and which heavy libraries each one imports.

Run by hand (``python benchmarks/bench_startup.py``); prints the median wall time of each command over
repeated fresh processes, and the heavy third-party modules it loaded (pandas, pandera, pyarrow's
pandas layer, pyarrow.dataset, polars, pydantic, frictionless). Measures the embedded release.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

HEAVY = (
    "pandas",
    "pandera",
    "pyarrow",
    "pyarrow.pandas_compat",
    "pyarrow.dataset",
    "polars",
    "pydantic",
    "frictionless",
    "matplotlib",
)

_PROBE = "import sys, json; print(json.dumps([m for m in {heavy!r} if m in sys.modules]))"

CASES: dict[str, str] = {
    "import policydata": "import policydata",
    "load arrow": "import policydata; policydata.load('tariff_events', backend='arrow')",
    "load pandas": "import policydata; policydata.load('tariff_events')",
    "load polars": "import policydata; policydata.load('tariff_events', backend='polars')",
    "load arrow, filtered": (
        "import policydata; policydata.load('tariff_events', backend='arrow', "
        "filters=[('imposing', '=', 'USA'), ('rate_pct', '>', 10)])"
    ),
    "load pandas, filtered": (
        "import policydata; policydata.load('tariff_events', "
        "filters=[('imposing', '=', 'USA'), ('rate_pct', '>', 10)])"
    ),
}
COMMANDS: dict[str, list[str]] = {
    "policydata --help": ["--help"],
    "policydata validate --help": ["validate", "--help"],
    "policydata rate USA CHN --on 2025-04-10": ["rate", "USA", "CHN", "--on", "2025-04-10"],
}


def _median(argv: list[str], runs: int) -> float:
    subprocess.run(argv, check=True, capture_output=True)  # warm the file cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _modules(code: str) -> list[str]:
    probe = code + "; " + _PROBE.format(heavy=HEAVY)
    done = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True)
    found: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def _cli_modules(args: list[str]) -> list[str]:
    code = (
        "import sys, json, atexit\n"
        f"atexit.register(lambda: print(json.dumps([m for m in {HEAVY!r} if m in sys.modules])))\n"
        f"sys.argv = ['policydata', *{args!r}]\n"
        "from policydata.cli import main\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    found: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7, help="runs per measurement (default 7)")
    args = parser.parse_args()
    print(f"{'what':42} {'median s':>9}  heavy modules imported")
    base = _median([sys.executable, "-c", "pass"], args.runs)
    print(f"{'python -c pass':42} {base:9.3f}")
    for name, code in CASES.items():
        t = _median([sys.executable, "-c", code], args.runs)
        print(f"{name:42} {t:9.3f}  {', '.join(_modules(code)) or '-'}")
    for name, argv in COMMANDS.items():
        cmd = [sys.executable, "-c", "from policydata.cli import main; main()", *argv]
        t = _median(cmd, args.runs)
        print(f"{name:42} {t:9.3f}  {', '.join(_cli_modules(argv)) or '-'}")


if __name__ == "__main__":
    main()
