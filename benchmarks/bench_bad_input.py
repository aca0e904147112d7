"""Benchmark ``policydata validate`` on bad input: 200 MB of junk, and 200 MB of rows with bad cells.

Run by hand (it is not a test): ``python benchmarks/bench_bad_input.py [--mb 200] [--repeat 3]``.

Two inputs, each validated as a whole process (interpreter start included), timing the wall clock
and the peak memory (max RSS):

- **junk**: ``datasets/sources`` with ``tariff_event_products.csv`` replaced by its header and
  ``--mb`` megabytes of junk lines (words, commas, quotes and semicolons at random): the validator
  must see that the file is not the table's and give up on it early.
- **bad cells**: the synthetic tariff-line table of ``bench_validate.py`` (a foreign key, patterns,
  closed lists, bounds, dates, rules), ``--mb`` megabytes of it, with about 10% of cells bad in
  every way a cell can be (empty, wrong type, impossible date, pattern, closed list, bound, white
  space, look-alike, control character, formula), a few rows with a cell too many or too few, a
  few blank rows and a few stray quotes: every problem must be found, and listing only the first
  ``--limit`` per kind must bound the work.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_validate import generate

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORDS = ["foo", "bar", "x y", "12", "--", "..", "a;b", "\t", '"', 'q"q', "=1+2", "ÿ", ",,", "Ω"]


def write_junk(folder: Path, mb: int, seed: int = 7) -> Path:
    """The package's sources with a junk tariff_event_products.csv of ``mb`` megabytes."""
    shutil.copytree(ROOT / "datasets" / "sources", folder)
    target = folder / "tariff_event_products.csv"
    header = target.read_text(encoding="utf-8").splitlines()[0]
    rng = random.Random(seed)
    # a few hundred distinct junk lines, repeated in a random order: quick to write
    lines = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 25))) for _ in range(500)]
    block = "\n".join(rng.choice(lines) for _ in range(20_000)) + "\n"
    data = block.encode("utf-8")
    with target.open("wb") as out:
        out.write(header.encode() + b"\n")
        for _ in range(max(1, mb * 2**20 // len(data))):
            out.write(data)
    return folder


_BAD = {
    "line_id": ["", "tl-0000001", "TL-12", " TL-0000001", "TL-000000\x001"],
    "event_id": ["", "usa-chn-2099-bench-0001", "USA\u2013CHN-2099-BENCH-0001", "USA-CHN-2099-BENCH-9999"],
    "hs_code": ["", "8501.10", "85O110", "\uff18\uff15\uff10\uff11"],
    "imposing": ["", "XXX", "usa", "US\u0410", "USA "],
    "target": ["", "ZZZ", "chn"],
    "rate_pct": ["", "25%", "abc", "-5", "1001", "nan"],
    "start_date": ["", "2099-02-30", "03/02/2099", "2099-13-01"],
    "end_date": ["2000-01-01", "2099-31-01", "tomorrow"],
    "trade_value_usd": ["-1", "1,5", "=SUM(A1:A9)"],
}


def corrupt(folder: Path, rate: float = 0.1, seed: int = 11) -> None:
    """Make about ``rate`` of the cells of tariff_lines.csv bad, and break a few rows."""
    path = folder / "tariff_lines.csv"
    rng = random.Random(seed)
    lines = path.read_text(encoding="utf-8").split("\n")
    header = [name.strip('"') for name in lines[0].split(",")]
    kinds = [_BAD[name] for name in header]
    out = [lines[0]]
    for line in lines[1:]:
        if not line:
            continue
        cells = line.split(",")
        for i, bad in enumerate(kinds):
            if rng.random() < rate:
                cells[i] = rng.choice(bad)
        roll = rng.random()
        if roll < 0.0005:
            cells.append("extra")
        elif roll < 0.001:
            cells.pop()
        elif roll < 0.0012:
            cells = [""] * len(cells)
        elif roll < 0.0013:
            cells[1] = cells[1] + ' "quoted"'
        out.append(",".join(cells))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def timed(cmd: list[str]) -> tuple[float, float, float, int, str]:
    """(wall seconds, CPU seconds, peak RSS MiB, exit code, last line of output) of one process."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert proc.stdout is not None
    output = proc.stdout.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    tail = output.strip().splitlines()[-1] if output.strip() else ""
    return (
        wall,
        usage.ru_utime + usage.ru_stime,
        usage.ru_maxrss / 1024,
        os.waitstatus_to_exitcode(status),
        tail,
    )


def _run(label: str, cmd: list[str], repeat: int, size: float) -> None:
    runs = [timed(cmd) for _ in range(repeat)]
    walls = sorted(r[0] for r in runs)
    cpu = min(r[1] for r in runs)
    rss = max(r[2] for r in runs)
    code, tail = runs[0][3], runs[0][4]
    print(
        f"{label:10s}: {size:4.0f} MiB  wall best {walls[0]:5.2f} s, "
        f"median {statistics.median(walls):5.2f} s; "
        f"CPU {cpu:5.2f} s; peak {rss:4.0f} MiB ({rss / size:.1f} MiB per MiB of input); exit {code}\n"
        f"            [{tail[:220]}]"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=int, default=200, help="size of each bad file, in MiB")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--limit", type=int, default=100, help="policydata validate --limit")
    parser.add_argument("--keep", type=Path, help="write the data here and keep it")
    parser.add_argument("--generate", type=Path, help="only write the data here (in a child process)")
    args = parser.parse_args()
    if args.generate:
        write_junk(args.generate / "junk", args.mb)
        # rows of the benchmark table are about 80 bytes long
        generate(args.generate / "cells", args.mb * 2**20 // 80)
        corrupt(args.generate / "cells" / "csv")
        return
    root = args.keep or Path(tempfile.mkdtemp(prefix="bench-bad-input-"))
    try:
        if not (root / "cells").exists():
            # in a child process, so that this one stays small: a forked child starts with its
            # parent's memory, which would count in the peak memory measured below
            subprocess.run(
                [sys.executable, __file__, "--generate", str(root), "--mb", str(args.mb)], check=True
            )
        junk, cells = root / "junk", root / "cells" / "csv"
        cli = [sys.executable, "-m", "policydata.cli", "validate", "--limit", str(args.limit)]
        print(f"cpus: {os.cpu_count()}; policydata validate --limit {args.limit}, whole process, text output")
        timed([*cli, str(junk)])  # warm-up: bytecode and the page cache
        size = (junk / "tariff_event_products.csv").stat().st_size / 2**20
        _run("junk", [*cli, str(junk)], args.repeat, size)
        size = (cells / "tariff_lines.csv").stat().st_size / 2**20
        _run("bad cells", [*cli, "--tables", "bench_validate:TABLES", str(cells)], args.repeat, size)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
