"""The loading API: every table, every backend, projection, filters and clear errors."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import policydata
from policydata.catalog import TABLE_NAMES, table

NAMES = list(TABLE_NAMES)


def test_list_datasets_matches_the_release() -> None:
    datasets = policydata.list_datasets()
    assert [d.name for d in datasets] == NAMES
    for d in datasets:
        assert d.rows == policydata.load(d.name, backend="arrow").num_rows


@pytest.mark.parametrize("name", NAMES, ids=NAMES)
def test_backends_agree(name: str) -> None:
    arrow = policydata.load(name, backend="arrow")
    frame = policydata.load(name)
    polars = policydata.load(name, backend="polars")
    assert isinstance(arrow, pa.Table)
    assert isinstance(frame, pd.DataFrame)
    assert isinstance(polars, pl.DataFrame)
    assert arrow.num_rows == len(frame) == polars.height
    assert arrow.column_names == list(frame.columns) == polars.columns
    assert pa.Table.from_pandas(frame, preserve_index=False).num_rows == arrow.num_rows


def test_column_projection_keeps_the_requested_order() -> None:
    for backend in ("pandas", "polars", "arrow"):
        out = policydata.load("tariff_events", backend=backend, columns=["rate_pct", "event_id"])
        cols = out.column_names if backend == "arrow" else list(out.columns)
        assert cols == ["rate_pct", "event_id"]


@pytest.mark.parametrize("backend", ["pandas", "polars", "arrow"])
def test_filters_select_exactly_the_matching_rows(backend: str) -> None:
    everything = policydata.load("tariff_events", backend="arrow").to_pylist()
    expected = sorted(
        r["event_id"]
        for r in everything
        if r["imposing"] == "USA"
        and r["effective_date"] is not None
        and r["effective_date"] >= dt.date(2025, 1, 1)
        and r["authority"] in ("us-ieepa", "us-section-232")
    )
    assert expected, "the release should have 2025 US events"
    out = policydata.load(
        "tariff_events",
        backend=backend,
        columns=["event_id"],
        filters=[
            ("imposing", "==", "USA"),
            ("effective_date", ">=", "2025-01-01"),
            ("authority", "in", ["us-ieepa", "us-section-232"]),
        ],
    )
    got = out.column("event_id").to_pylist() if backend == "arrow" else list(out["event_id"])
    assert sorted(got) == expected


def test_not_in_and_inequality_filters() -> None:
    out = policydata.load(
        "tariff_events", backend="arrow", filters=[("imposing", "not in", ["USA"]), ("target", "!=", "USA")]
    )
    rows = out.to_pylist()
    assert rows
    assert all(r["imposing"] != "USA" and r["target"] != "USA" for r in rows)


def test_unknown_table_lists_the_choices() -> None:
    with pytest.raises(policydata.UnknownTableError) as info:
        policydata.load("tarif_events")
    assert info.value.code == "no-such-table"
    assert "tariff_events" in info.value.known


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"columns": ["nope"]}, "no-such-column"),
        ({"filters": [("nope", "=", 1)]}, "no-such-column"),
        ({"filters": [("imposing", "~", "USA")]}, "invalid-argument"),
        ({"filters": [("imposing", "in", "USA")]}, "invalid-argument"),
        ({"filters": [("effective_date", ">", "last year")]}, "invalid-argument"),
        ({"columns": "event_id"}, "invalid-argument"),
        ({"backend": "spark"}, "invalid-argument"),
    ],
    ids=["column", "filter-column", "operator", "in-needs-list", "bad-date", "columns-str", "backend"],
)
def test_bad_arguments_raise_policydata_errors(kwargs: dict[str, object], code: str) -> None:
    with pytest.raises(policydata.PolicyDataError) as info:
        policydata.load("tariff_events", **kwargs)  # type: ignore[arg-type]
    assert info.value.code == code


def test_unknown_column_lists_the_columns() -> None:
    with pytest.raises(policydata.UnknownColumnError) as info:
        policydata.load("sources", columns=["source_id", "uri"])
    assert info.value.columns == ("uri",)
    assert "url" in info.value.known


def test_missing_polars_names_the_extra() -> None:
    code = (
        "import sys; sys.modules['polars'] = None\n"
        "import policydata\n"
        "try:\n"
        "    policydata.load('sources', backend='polars')\n"
        "except policydata.MissingDependencyError as e:\n"
        "    print(e.code, e.extra)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["missing-dependency", "polars"]


def test_records_are_validated_models() -> None:
    from policydata.schemas.tariff_events import TariffEvent

    records = list(policydata.records("tariff_events"))
    assert len(records) == policydata.load("tariff_events", backend="arrow").num_rows
    assert all(isinstance(r, TariffEvent) for r in records)
    assert len({r.event_id for r in records}) == len(records)


def test_every_table_has_a_typed_accessor() -> None:
    assert all(callable(getattr(policydata, name)) for name in NAMES)


@pytest.mark.parametrize("name", NAMES, ids=NAMES)
def test_typed_accessors_return_validated_frames(name: str) -> None:
    accessor = getattr(policydata, name)
    if name not in policydata.open_release().tables:
        pytest.skip(f"the embedded release predates the {name} table")
    frame = accessor(validate=True)
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == list(table(accessor.__name__).model.model_fields)


def test_pandas_dates_are_datetime64() -> None:
    """Date columns are datetime64 (NaT for a missing date), in load() and the typed frames alike."""
    frame = policydata.load("tariff_events", columns=["event_id", "effective_date", "end_date"])
    typed = policydata.tariff_events()
    for df in (frame, typed):
        assert str(df["effective_date"].dtype) == "datetime64[ms]"
        assert df["end_date"].isna().any()
    since_2025 = frame[frame["effective_date"] >= "2025-01-01"]
    assert (since_2025["effective_date"].dt.year >= 2025).all()
    expected = policydata.load(
        "tariff_events",
        backend="arrow",
        columns=["event_id"],
        filters=[("effective_date", ">=", "2025-01-01")],
    )
    assert sorted(since_2025["event_id"]) == sorted(expected.column("event_id").to_pylist())
