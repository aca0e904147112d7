"""The pandera models and the pydantic record models agree: names, types, nullability, enums, rules.

The pandera schemas are generated from the record models; these tests check the generated result
field by field and by behaviour, so a change to either side that breaks agreement fails here.
"""

from __future__ import annotations

import datetime as dt
import typing
from typing import Any, Literal

import pandas as pd
import pandera.pandas as pa
import pydantic
import pytest

from policydata.catalog import TABLE_NAMES, table
from policydata.generated.pandera import FRAME_MODELS, PANDAS_DTYPES
from policydata.schemas.jurisdictions import ISO3166_ALPHA3, JURISDICTIONS
from policydata.schemas.model import field_specs

NAMES = list(TABLE_NAMES)


@pytest.mark.parametrize("name", NAMES, ids=NAMES)
def test_columns_match_record_fields(name: str) -> None:
    model = table(name).model
    schema = FRAME_MODELS[name].to_schema()
    assert list(schema.columns) == list(model.model_fields)


@pytest.mark.parametrize("name", NAMES, ids=NAMES)
def test_types_nullability_and_enums_agree(name: str) -> None:
    model = table(name).model
    schema = FRAME_MODELS[name].to_schema()
    for fname, info in model.model_fields.items():
        column = schema.columns[fname]
        args = typing.get_args(info.annotation)
        nullable = type(None) in args
        assert column.nullable is nullable, fname
        inner = (
            next((a for a in args if a is not type(None)), info.annotation) if nullable else info.annotation
        )
        expected_kind = {str: "string", dt.date: "date", float: "number", int: "integer", bool: "boolean"}
        if typing.get_origin(inner) is Literal:
            isin = [c for c in column.checks if "allowed_values" in (c.statistics or {})]
            assert len(isin) == 1, fname
            assert set(isin[0].statistics["allowed_values"]) == set(typing.get_args(inner)), fname
            kind = "string"
        else:
            kind = expected_kind[inner]
        assert str(column.dtype) == str(pa.Column(PANDAS_DTYPES[(kind, nullable)]).dtype), fname


def test_jurisdictions_are_iso3166_plus_eun() -> None:
    pycountry = pytest.importorskip("pycountry")
    assert {c.alpha_3 for c in pycountry.countries} == set(ISO3166_ALPHA3)
    assert ISO3166_ALPHA3 | {"EUN"} == JURISDICTIONS


def _valid_row(name: str) -> dict[str, Any]:
    """The first row of the embedded release: valid by construction of the release."""
    import policydata

    arrow = policydata.load(name, backend="arrow").slice(0, 1)
    rows = arrow.to_pylist()
    if not rows:
        pytest.skip(f"{name} is empty in the embedded release")
    return rows[0]


def _pandera_ok(name: str, row: dict[str, Any]) -> bool:
    import pyarrow

    from policydata.generated.arrow import arrow_schema
    from policydata.io import to_pandas

    info = table(name)
    arrow = pyarrow.Table.from_pylist([row], schema=arrow_schema(info))
    try:
        FRAME_MODELS[name].validate(to_pandas(arrow, info.fields), lazy=True)
    except pa.errors.SchemaErrors:
        return False
    return True


def _pydantic_ok(name: str, row: dict[str, Any]) -> bool:
    try:
        table(name).model.model_validate(row)
    except pydantic.ValidationError:
        return False
    return True


MUTATIONS = [
    ("tariff_events", {"event_id": "usa-chn-2018-x"}, "pattern"),
    ("tariff_events", {"imposing": "XXX"}, "jurisdiction code"),
    ("tariff_events", {"target": None}, "required"),
    ("tariff_events", {"authority": "section-999"}, "enum"),
    ("tariff_events", {"rate_pct": -1.0, "combines": "stacks"}, "rate bound"),
    ("tariff_events", {"rate_pct": 1001.0, "combines": "stacks"}, "rate bound"),
    ("tariff_events", {"title": " padded"}, "whitespace"),
    ("tariff_events", {"target": "USA", "imposing": "USA"}, "distinct rule"),
    (
        "tariff_events",
        {"effective_date": dt.date(2020, 1, 2), "end_date": dt.date(2020, 1, 1), "status": "ended"},
        "date order rule",
    ),
    ("tariff_events", {"combines": "replaces", "amends_event_id": None}, "required-when rule"),
    ("sources", {"url": "ftp://example.org"}, "url pattern"),
    ("sources", {"kind": "blog"}, "enum"),
    ("sectors", {"scheme": "FYP99"}, "enum"),
    ("citations", {"table": "nope"}, "enum"),
    ("policies", {"jurisdiction": "ZZZ"}, "jurisdiction code"),
    ("sector_codes", {"classification": "HS2022", "code": "8"}, "code format rule"),
]


@pytest.mark.parametrize(("name", "change", "why"), MUTATIONS, ids=[m[2] + ":" + m[0] for m in MUTATIONS])
def test_both_models_reject_the_same_bad_rows(name: str, change: dict[str, Any], why: str) -> None:
    row = _valid_row(name)
    assert _pydantic_ok(name, row)
    assert _pandera_ok(name, row)
    bad = {**row, **change}
    assert not _pydantic_ok(name, bad), why
    assert not _pandera_ok(name, bad), why


@pytest.mark.parametrize("name", NAMES, ids=NAMES)
def test_every_release_row_passes_both_models(name: str) -> None:
    import policydata

    frame = policydata.load(name)
    FRAME_MODELS[name].validate(frame, lazy=True)
    for record in policydata.load(name, backend="arrow").to_pylist():
        table(name).model.model_validate(record)


@pytest.mark.parametrize("name", NAMES, ids=NAMES)
def test_every_field_is_documented(name: str) -> None:
    for spec in field_specs(table(name).model):
        assert spec.description.strip()
        if spec.enum_doc is not None:
            assert set(spec.enum_doc) == set(spec.enum or ()), spec.name


def test_typed_accessor_frames_validate() -> None:
    import policydata

    events = policydata.tariff_events(validate=True)
    assert isinstance(events, pd.DataFrame)
