"""Reading Parquet into each backend: projection, typed filters, and no pandas where none is asked for."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from typing import Any

import pytest

import policydata
from policydata.errors import InvalidArgumentError, UnknownColumnError


def _loaded_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
        check=True,
        capture_output=True,
        text=True,
    )
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize(
    "code",
    [
        "policydata.load('tariff_events', backend='arrow', filters=[('rate_pct', '>', 10)])",
        "policydata.load('tariff_events', backend='arrow', columns=['event_id'], "
        "filters=[('effective_date', '>=', '2025-01-01'), ('imposing', 'in', ['USA'])])",
        "policydata.load('tariff_events', backend='polars', filters=[('imposing', '=', 'USA')])",
    ],
    ids=["arrow-filtered", "arrow-columns-filtered", "polars-filtered"],
)
def test_reading_without_pandas_imports_no_pandas(code: str) -> None:
    pytest.importorskip("polars")
    loaded = _loaded_after(f"import policydata\n{code}")
    assert not {m for m in loaded if m.split(".")[0] in ("pandas", "pandera")}
    assert "pyarrow.dataset" not in loaded
    assert "pyarrow.pandas_compat" not in loaded


def test_pandas_still_works_after_an_arrow_read_in_the_same_process() -> None:
    loaded = _loaded_after(
        "import policydata\n"
        "policydata.load('sources', backend='arrow', filters=[('kind', '=', 'legal')])\n"
        "assert len(policydata.load('sources', filters=[('kind', '=', 'legal')])) > 0"
    )
    assert "pandas" in loaded


def test_filtered_rows_are_those_the_condition_selects() -> None:
    every = policydata.load("tariff_events", backend="arrow").to_pylist()
    got = policydata.load(
        "tariff_events",
        backend="arrow",
        columns=["event_id"],
        filters=[("rate_pct", ">=", 25), ("effective_date", "<", "2020-01-01"), ("imposing", "in", ["USA"])],
    )
    expected = sorted(
        r["event_id"]
        for r in every
        if r["rate_pct"] is not None
        and r["rate_pct"] >= 25
        and r["effective_date"] is not None
        and r["effective_date"] < dt.date(2020, 1, 1)
        and r["imposing"] == "USA"
    )
    assert expected
    assert sorted(got.column("event_id").to_pylist()) == expected


@pytest.mark.parametrize("backend", ["arrow", "pandas", "polars"])
def test_every_backend_selects_the_same_rows(backend: str) -> None:
    if backend == "polars":
        pytest.importorskip("polars")
    filters: list[tuple[str, str, Any]] = [("target", "=", "CHN"), ("retroactive", "=", "false")]
    frame = policydata.load("tariff_events", backend=backend, columns=["event_id"], filters=filters)
    ids = frame.column("event_id").to_pylist() if backend == "arrow" else list(frame["event_id"])
    arrow = policydata.load("tariff_events", backend="arrow")
    expected = [r["event_id"] for r in arrow.to_pylist() if r["target"] == "CHN" and not r["retroactive"]]
    assert sorted(ids) == sorted(expected)


@pytest.mark.parametrize(
    "filters",
    [
        [("rate_pct", ">", "fifty")],
        [("effective_date", ">=", 2025)],
        [("effective_date", ">=", "2025-13-01")],
        [("retroactive", "=", "maybe")],
        [("tariff_lines", "=", 12.5)],
        [("imposing", "=", 1)],
        ("imposing", "=", "USA"),
        [("imposing", "=")],
        [("imposing", "~", "USA")],
        [("imposing", "in", "USA")],
    ],
    ids=[
        "number-word",
        "date-int",
        "date-bad",
        "boolean-word",
        "integer-fraction",
        "string-int",
        "one-tuple",
        "pair",
        "operator",
        "in-string",
    ],
)
def test_bad_filters_are_policydata_errors(filters: Any) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        policydata.load("tariff_events", backend="arrow", filters=filters)
    assert info.value.code == "invalid-argument"


def test_numeric_strings_and_iso_dates_are_read_as_the_column_type() -> None:
    a = policydata.load("tariff_events", backend="arrow", filters=[("rate_pct", ">", "50")])
    b = policydata.load("tariff_events", backend="arrow", filters=[("rate_pct", ">", 50)])
    assert a.num_rows == b.num_rows > 0


def test_a_filter_on_an_unknown_column_lists_the_columns() -> None:
    with pytest.raises(UnknownColumnError) as info:
        policydata.load("tariff_events", filters=[("nope", "=", 1)])
    assert "event_id" in info.value.known
