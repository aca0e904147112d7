"""Errors: one root, stable codes distinct from validation problem codes, and every class picklable."""

from __future__ import annotations

import inspect
import pickle
from typing import Any

import pytest

from policydata import errors
from policydata.validate import CODES, Report

CLASSES = sorted(
    (c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, errors.PolicyDataError)),
    key=lambda c: c.__name__,
)
SAMPLES: dict[str, Any] = {
    "message": "Something happened.",
    "hint": "Do this next.",
    "name": "tariffs",
    "known": ["sources", "tariff_events"],
    "table": "tariff_events",
    "columns": ["nope"],
    "package": "polars",
    "extra": "polars",
    "purpose": "backend='polars'",
    "url": "https://example.org/x.zip",
    "variable": "POLICYDATA_DOWNLOAD_TIMEOUT",
    "value": "nan",
    "expected": "a number",
}


def make(cls: type[errors.PolicyDataError]) -> errors.PolicyDataError:
    params = inspect.signature(cls.__init__).parameters
    kwargs = {n: SAMPLES[n] for n in params if n in SAMPLES}
    if "report" in params:
        report = Report()
        report.tables["sources"] = 3
        kwargs["report"] = report
    return cls(**kwargs)


def test_every_public_error_class_is_covered() -> None:
    import policydata

    public = {n for n in policydata.__all__ if n.endswith("Error")}
    assert public == {c.__name__ for c in CLASSES}


@pytest.mark.parametrize("cls", CLASSES, ids=[c.__name__ for c in CLASSES])
def test_every_error_pickles_with_its_fields(cls: type[errors.PolicyDataError]) -> None:
    error = make(cls)
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is cls
    assert str(copy) == str(error)
    assert copy.code == error.code
    assert copy.hint == error.hint
    state = {k: v for k, v in vars(error).items() if k != "report"}
    assert {k: v for k, v in vars(copy).items() if k != "report"} == state
    if "report" in vars(error):
        assert copy.report.to_dict() == error.report.to_dict()  # type: ignore[attr-defined]


def test_codes_are_unique_kebab_case_and_not_problem_codes() -> None:
    codes = [c.code for c in CLASSES]
    assert len(codes) == len(set(codes))
    assert all(c == c.lower() and " " not in c for c in codes)
    assert not set(codes) & set(CODES), "an error code must not also be a validation problem code"


def test_key_errors_print_their_message_unquoted() -> None:
    error = errors.UnknownTableError("tariffs", ["sources"])
    assert str(error).startswith("Unknown table 'tariffs'.")
