"""The engine's two forms agree, and its answers are consistent, on the real release (the synthetic
one: tests/test_tariffs.py): the scalar and vectorised coverage of every line by every event; one
line evaluated alone and all lines at once; the sure total never above the upper; an HS6 answer
containing each of its lines' answers; more detail never widening the range. The real-data checks
run over every line the data knows of and a grid of the days on which something changes."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest
from test_tariffs_real import real_release  # noqa: F401 - the fixture

from policydata.tariffs import coverage as cov
from policydata.tariffs import query as q
from policydata.tariffs import rate_stack, tariff_panel
from policydata.tariffs.events import index
from policydata.tariffs.segments import run, single
from policydata.tariffs.stack import engine


def days_of(imposing: str, target: str, first: str, last: str, count: int) -> list[dt.date]:
    """``count`` days on which something changes for the direction, spread over the window."""
    eng = engine(index(), imposing, target)
    a, z = dt.date.fromisoformat(first).toordinal(), dt.date.fromisoformat(last).toordinal()
    bounds = [b for b in eng.bounds() if a <= b <= z]
    step = max(1, len(bounds) // count)
    return [dt.date.fromordinal(b) for b in bounds[::step]]


def _lines(imposing: str, day: dt.date, sample: int | None) -> list[cov.Line]:
    found = list(q.lines(index(), imposing, q.query(index(), None, None), day).lines)
    # a question's code that is not a line of the edition, and a coarse code, as lines too
    found += [cov.Line("85171399", unknown=True), cov.Line("8703"), cov.Line("")]
    if sample is not None and len(found) > sample:
        found = random.Random(day.toordinal()).sample(found, sample)
    return found


def agree(imposing: str, target: str, days: list[dt.date], sample: int | None) -> int:
    """Check both forms on every line (or a sample) of each day; return how many codes were compared."""
    idx = index()
    eng = engine(idx, imposing, target)
    checked = 0
    for day in days:
        lines = _lines(imposing, day, sample)
        table = cov.LineTable(lines)
        d = day.toordinal()
        for event in eng.active(d):
            vector = cov.event_levels(idx, event, table, d)
            scalar = [cov.event_level(idx, event, line, d) for line in lines]
            assert vector.tolist() == scalar, (event.event_id, day)
            checked += len(lines)
        result = run(eng, table, d, d + 1)
        for i, line in enumerate(lines):
            assert result.outcomes[int(result.result[i, 0])] == single(eng, line, d), (line, day)
    return checked


DIRECTIONS = [("USA", "CHN"), ("CHN", "USA"), ("EUN", "CHN")]


@pytest.mark.parametrize(("imposing", "target"), DIRECTIONS[:2], ids=["us-cn", "cn-us"])
def test_scalar_and_vectorised_agree_real(real_release: Path, imposing: str, target: str) -> None:  # noqa: F811
    days = days_of(imposing, target, "2018-01-01", "2026-12-31", 12)
    assert agree(imposing, target, days, 600) > 10_000


@pytest.fixture(scope="module")
def panel(real_release: Path) -> list[dict[str, object]]:  # noqa: F811
    rows: list[dict[str, object]] = tariff_panel("USA", "CHN", "2018-01-01", "2026-12-31").to_pylist()
    return rows


def test_sure_never_above_upper(panel: list[dict[str, object]]) -> None:
    """Every encoded line, every stretch of 2018-2026, both directions."""
    assert panel
    bad = [r for r in panel if not r["additional_pct"] <= r["additional_upper_pct"]]  # type: ignore[operator]
    assert not bad, bad[:3]
    assert {r["imposing"] for r in panel} == {"USA", "CHN"}


def _on(panel: list[dict[str, object]], imposing: str, day: dt.date) -> dict[str, tuple[float, float]]:
    return {
        str(r["line"]) + ("+" if r["rest_of_line"] else ""): (r["additional_pct"], r["additional_upper_pct"])  # type: ignore[misc]
        for r in panel
        if r["imposing"] == imposing and r["valid_from"] <= day < r["valid_to"]  # type: ignore[operator]
    }


@pytest.mark.parametrize(("imposing", "target"), DIRECTIONS[:2], ids=["us-cn", "cn-us"])
def test_hs6_range_contains_its_lines(panel: list[dict[str, object]], imposing: str, target: str) -> None:
    """On a grid of change days, every HS6 subheading's answer is the range of its lines' answers,
    and contains each of them; checked against rate_stack on a sample of subheadings per day."""
    for day in days_of(imposing, target, "2018-01-01", "2026-12-31", 10):
        lines = _on(panel, imposing, day)
        by_hs6: dict[str, list[tuple[float, float]]] = {}
        for code, values in lines.items():
            by_hs6.setdefault(code[:6], []).append(values)
        picked = random.Random(day.toordinal()).sample(sorted(by_hs6), min(40, len(by_hs6)))
        for hs6 in picked:
            stack = rate_stack(imposing, target, day, hs_code=hs6)
            values = by_hs6[hs6]
            assert stack.additional_pct == min(v[0] for v in values), (hs6, day)
            assert stack.additional_upper_pct == max(v[1] for v in values), (hs6, day)
            assert all(stack.additional_pct <= lo <= hi <= stack.additional_upper_pct for lo, hi in values)


def test_more_detail_never_widens(real_release: Path) -> None:  # noqa: F811
    for hs6, day in [("848640", "2025-06-01"), ("950300", "2019-06-15"), ("630790", "2026-01-15")]:
        imposing, target = ("CHN", "USA") if day == "2019-06-15" else ("USA", "CHN")
        wide = rate_stack(imposing, target, day, hs_code=hs6)
        for line in wide.lines:
            narrow = rate_stack(imposing, target, day, hs_code=line.code)
            assert (
                wide.additional_pct
                <= narrow.additional_pct
                <= narrow.additional_upper_pct
                <= wide.additional_upper_pct
            )
    every = rate_stack("EUN", "CHN", "2025-06-01", hs_code="87038010")
    for exporter in ("BYD", "Geely", "SAIC", "Tesla", "other cooperating", "non-cooperating"):
        one = rate_stack("EUN", "CHN", "2025-06-01", hs_code="87038010", exporter=exporter)
        assert (
            every.additional_pct
            <= one.additional_pct
            <= one.additional_upper_pct
            <= every.additional_upper_pct
        )
