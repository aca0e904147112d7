"""Benchmark ``policydata validate`` against ``frictionless validate`` on a synthetic tariff-line table.

Run by hand (it is not a test): ``python benchmarks/bench_validate.py [--rows 1000000]``.

It writes a table of tariff lines (ids, event ids, HS codes, ISO3 codes, a rate, two dates, a
nullable value), and a small table of events that the lines refer to, as CSV and as Parquet.
Then it times, each as a whole process (interpreter start included):

- ``policydata validate --tables bench_validate:TABLES`` on the CSV folder and on the Parquet
  folder: every single-table check (types, required values, patterns, closed code lists,
  bounds, key uniqueness, a date-order rule, a distinct-parties rule, white space, likely
  duplicates) and one foreign key (line -> event);
- ``frictionless validate`` on a data package of the same CSVs with the same constraints and the
  same foreign key, on ``--frictionless-rows`` rows (default 100,000; it reads about 6,000 rows/s),
  scaled to rows per second.

It prints rows/s for each, the ratio, wall time and peak memory (max RSS of the process).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from policydata.schemas import Distinct, ForeignKey, Ordered, Record, field
from policydata.schemas import _patterns as p
from policydata.validate import TableSpec

HERE = Path(__file__).resolve().parent


class BenchEvent(Record):
    """A synthetic tariff event that tariff lines refer to."""

    event_id: str = field("The event.", pattern=p.EVENT_ID)
    title: str = field("A title.", pattern=p.TEXT)


class TariffLine(Record):
    """One tariff line of one event, synthetic."""

    line_id: str = field("Line id.", pattern=r"^TL-[0-9]{7}$")
    event_id: str = field("The event.", pattern=p.EVENT_ID)
    hs_code: str = field("HS code.", pattern=p.HS_CODE)
    imposing: str = field("Imposing jurisdiction.", codes="jurisdiction")
    target: str = field("Target jurisdiction.", codes="jurisdiction")
    rate_pct: float = field("Rate in percent.", ge=0, le=1000)
    start_date: dt.date = field("First day.")
    end_date: dt.date | None = field("First day no longer applied.")
    trade_value_usd: float | None = field("Trade value.", ge=0)

    __rules__ = (Distinct("imposing", "target"), Ordered("start_date", "end_date", strict=True))


TABLES = [
    TableSpec("bench_events", BenchEvent, ("event_id",)),
    TableSpec(
        "tariff_lines",
        TariffLine,
        ("line_id",),
        (ForeignKey(("event_id",), "bench_events", ("event_id",)),),
        duplicate_fields=("event_id", "hs_code", "imposing", "target"),
    ),
]
EVENTS = 1000


def generate(folder: Path, rows: int, seed: int = 7) -> None:
    """Write bench_events and tariff_lines as CSV and Parquet into folder/csv and folder/parquet."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    event_ids = [f"USA-CHN-2099-BENCH-{i:04d}" for i in range(EVENTS)]
    events = pa.table(
        {"event_id": event_ids, "title": [f"Synthetic benchmark event {i}" for i in range(EVENTS)]}
    )
    idx = np.arange(rows, dtype=np.int64)
    parties = np.array(["USA", "CHN", "EUN", "CAN", "MEX"])
    imposing = rng.integers(0, len(parties), rows)
    target = (imposing + rng.integers(1, len(parties), rows)) % len(parties)
    start = np.datetime64("2018-01-01") + rng.integers(0, 2900, rows).astype("timedelta64[D]")
    end = start + rng.integers(1, 900, rows).astype("timedelta64[D]")
    end_valid = rng.random(rows) > 0.3
    value = np.round(rng.random(rows) * 1000, 2)
    value_valid = rng.random(rows) > 0.2
    line_ids = pc.binary_join_element_wise(
        "TL-", pc.utf8_lpad(pc.cast(pa.array(idx), pa.string()), 7, "0"), ""
    )
    hs = pc.cast(pa.array(10_000_000 + (idx * 7919) % 90_000_000), pa.string())
    lines = pa.table(
        {
            "line_id": line_ids,
            "event_id": pa.array(np.array(event_ids)[rng.integers(0, EVENTS, rows)]),
            "hs_code": hs,
            "imposing": pa.array(parties[imposing]),
            "target": pa.array(parties[target]),
            "rate_pct": pa.array(rng.integers(0, 200, rows) / 2.0),
            "start_date": pa.array(start.astype("datetime64[D]"), pa.date32()),
            "end_date": pa.array(end.astype("datetime64[D]"), pa.date32(), mask=~end_valid),
            "trade_value_usd": pa.array(value, mask=~value_valid),
        }
    )
    for sub in ("csv", "parquet"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    options = pacsv.WriteOptions(quoting_style="none")
    for name, table in (("bench_events", events), ("tariff_lines", lines)):
        pacsv.write_csv(table, folder / "csv" / f"{name}.csv", write_options=options)
        pq.write_table(table, folder / "parquet" / f"{name}.parquet")


def datapackage(folder: Path) -> Path:
    """A Frictionless data package over the CSVs, with the same constraints and foreign key."""
    from policydata.generated.tableschema import _field

    resources = []
    for spec in TABLES:
        schema: dict[str, object] = {
            "fields": [_field(f) for f in spec.fields],
            "missingValues": [""],
            "primaryKey": list(spec.primary_key),
        }
        if spec.foreign_keys:
            schema["foreignKeys"] = [
                {
                    "fields": list(fk.fields),
                    "reference": {"resource": fk.reference_table, "fields": list(fk.reference_fields)},
                }
                for fk in spec.foreign_keys
            ]
        resources.append({"name": spec.name, "path": f"{spec.name}.csv", "schema": schema})
    path = folder / "datapackage.json"
    path.write_text(json.dumps({"name": "bench", "resources": resources}, indent=1), encoding="utf-8")
    return path


def timed(cmd: list[str], cwd: Path | None = None) -> tuple[float, float, int, str]:
    """(wall seconds, peak RSS MiB, exit code, output tail) of one process."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]))
    # as an installed package would, keep compiled bytecode (the first, warm-up run writes it)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert proc.stdout is not None
    output = proc.stdout.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024, proc.returncode, output.strip().splitlines()[-1] if output else ""


def _seconds(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--frictionless-rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="policydata runs; the best is reported")
    parser.add_argument("--keep", type=Path, help="write the data here and keep it")
    parser.add_argument("--generate", type=Path, help="only write --rows rows of data here")
    parser.add_argument("--in-process", type=Path, help="only time policydata.validate on this folder")
    args = parser.parse_args()

    if args.generate:
        generate(args.generate, args.rows)
        return
    if args.in_process:
        import policydata

        best = min(_seconds(lambda: policydata.validate(args.in_process, tables=TABLES)) for _ in range(3))
        print(f"{best:.3f}")
        return
    root = args.keep or Path(tempfile.mkdtemp(prefix="bench-validate-"))
    try:
        t0 = time.perf_counter()
        # in child processes, so that this one stays small: a forked child starts with its
        # parent's memory, which would count in the peak memory measured below
        for sub, rows in (("full", args.rows), ("small", args.frictionless_rows)):
            subprocess.run(
                [sys.executable, __file__, "--generate", str(root / sub), "--rows", str(rows)], check=True
            )
        print(
            f"generated {args.rows:,} + {args.frictionless_rows:,} rows in {time.perf_counter() - t0:.1f} s"
        )
        size = (root / "full" / "csv" / "tariff_lines.csv").stat().st_size / 2**20
        print(f"tariff_lines.csv: {size:.0f} MiB; cpus: {os.cpu_count()}")

        cli = [sys.executable, "-m", "policydata.cli", "validate", "--tables", "bench_validate:TABLES"]
        results = {}
        timed([*cli, str(root / "full" / "parquet")])  # warm-up: bytecode and the page cache
        for kind in ("csv", "parquet"):
            runs = [timed([*cli, str(root / "full" / kind)]) for _ in range(args.repeat)]
            wall, rss, code, tail = min(runs)
            results[kind] = args.rows / wall
            print(
                f"policydata {kind:8s}: {wall:6.2f} s  {args.rows / wall:12,.0f} rows/s  "
                f"peak {rss:5.0f} MiB  exit {code}  [{tail}]"
            )

        for kind in ("csv", "parquet"):
            out = subprocess.run(
                [sys.executable, __file__, "--in-process", str(root / "full" / kind)],
                check=True,
                capture_output=True,
                text=True,
            )
            seconds = float(out.stdout.split()[-1])
            results[f"{kind}, in process"] = args.rows / seconds
            print(
                f"  in process, after imports, {kind}: {seconds:5.2f} s  {args.rows / seconds:12,.0f} rows/s"
            )

        package = datapackage(root / "small" / "csv")
        frictionless = shutil.which("frictionless", path=str(Path(sys.executable).parent)) or "frictionless"
        wall, rss, code, tail = timed([frictionless, "validate", str(package)])
        f_rate = args.frictionless_rows / wall
        print(
            f"frictionless csv  : {wall:6.2f} s  {f_rate:12,.0f} rows/s  peak {rss:5.0f} MiB  "
            f"exit {code}  ({args.frictionless_rows:,} rows)  [{tail[:60]}]"
        )
        for kind, rate in results.items():
            print(f"ratio policydata {kind} / frictionless csv: {rate / f_rate:,.0f}x")
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
