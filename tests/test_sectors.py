"""Sector questions on the release this checkout carries: answers worked out by hand from its tables.

A sector's question is the tariff lines below its HS 2022 codes (``sector_codes``). Which lines
those are depends on the day (``policydata.tariffs.query``): until 2024 the lines the product lists
name in the HTS and Chinese editions of those years (whose lines are not encoded), a sector code
under which no list names a line counting as one line; from 2025 for the US, every line of the HTS
edition in force. Each pinned case below was worked out from the tables themselves, without the
engine: the comment gives the reasoning and the figures, and the test recomputes the counts it
rests on from ``sector_codes``, ``product_list_lines``, ``nomenclature_editions`` and
``tariff_lines`` with the small readers below, before it compares the engine's answer with the
figure. Rates are those of the events (``tariff_events.rate_pct``): Lists 1 and 2 25%, List 3 10%
from 2018-09-24 and 25% from 2019-05-10; China's 2018 lists 25% (1, 2) and 10% or 5% (3, annexes
1-2 and 3-4), 25/20/10/5% for the four annexes of 2019.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from pathlib import Path
from typing import Any

import pytest
from test_tariffs_real import real_release  # noqa: F401 - the fixture

import policydata
from policydata.errors import InvalidArgumentError
from policydata.tariffs import (
    MEAN,
    MEAN_UPPER,
    SHARE,
    RateStack,
    rate_stack,
    rate_timeline,
    sector_timelines,
    step_values,
)

# --- readers of the tables (no engine) --------------------------------------------------------


@functools.cache
def _table(name: str) -> tuple[dict[str, Any], ...]:
    return tuple(policydata.load(name, backend="arrow").to_pylist())


def codes_of(sector: str) -> list[str]:
    return sorted(
        r["code"]
        for r in _table("sector_codes")
        if r["sector_id"] == sector and r["classification"] == "HS2022"
    )


def _imposing(list_id: str) -> str:
    return next(str(r["imposing"]) for r in _table("product_lists") if r["list_id"] == list_id)


def era_lines(imposing: str, sector: str) -> tuple[list[str], list[str]]:
    """(codes of 8 digits or more that ``imposing``'s lists name, in editions based on HS 2017 whose
    lines are not encoded, under the sector's codes; the sector's codes under which none is named)."""
    editions = {
        r["edition_id"]
        for r in _table("nomenclature_editions")
        if r["hs_edition_id"] == "HS-2017" and not r["lines_encoded"]
    }
    prefixes = codes_of(sector)
    named = {
        r["code"]
        for r in _table("product_list_lines")
        if r["edition_id"] in editions
        and len(r["code"]) >= 8
        and _imposing(r["list_id"]) == imposing
        and any(r["code"].startswith(p) for p in prefixes)
    }
    unnamed = [p for p in prefixes if not any(c.startswith(p) for c in named)]
    return sorted(named), unnamed


def members(list_id: str, day: str) -> set[str]:
    on = dt.date.fromisoformat(day)
    return {
        r["code"]
        for r in _table("product_list_lines")
        if r["list_id"] == list_id and r["valid_from"] <= on and (r["valid_to"] is None or on < r["valid_to"])
    }


def hs_subheadings(edition: str) -> set[str]:
    return {
        r["code"]
        for r in _table("tariff_lines")
        if r["nomenclature"] == "HS" and r["first_edition"] == edition
    }


def hts_lines(day: str, prefixes: list[str]) -> list[str]:
    """HTS8 lines of goods (chapters 1-97) valid on ``day`` under the codes."""
    on = dt.date.fromisoformat(day)
    return sorted(
        {
            r["code"]
            for r in _table("tariff_lines")
            if r["nomenclature"] == "HTS"
            and len(r["code"]) == 8
            and r["valid_from"] <= on
            and (r["valid_to"] is None or on < r["valid_to"])
            and any(r["code"].startswith(p) for p in prefixes)
        }
    )


def as_of() -> str:
    """The release's as-of date: the last day it answers for (the charts end there)."""
    return str(policydata.open_release().as_of)


def layer(stack: RateStack, event_id: str) -> Any:
    return next(la for la in stack.layers if la.event_id == event_id)


def _same_as_timeline(stack: RateStack) -> None:
    """The stack's figures are those of the sector's timeline on the same day."""
    frame = rate_timeline(stack.imposing, stack.target, stack.on, stack.on, sector=stack.sector)
    assert step_values(frame, MEAN)[0][2] == stack.mean_pct
    assert step_values(frame, MEAN_UPPER)[0][2] == stack.mean_upper_pct
    assert step_values(frame, SHARE)[0][2] == stack.share_covered_pct


# --- the United States on China ---------------------------------------------------------------


def test_robots_on_list_1_the_day_it_took_effect(real_release: Path) -> None:  # noqa: F811
    """MIC2025-02 (machine tools and robots) on 2018-07-06, the first day of List 1.

    Its 23 HS 2022 codes: the US lists of 2018-2020 (HTS editions based on HS 2017) name 15 lines
    under them, 8458.11.00 to 8479.50.00; the other 9 codes (8428.70 robots, 8462.22-.26, .33,
    .42, .51 presses) are HS 2022 subheadings that HS 2017 lacks, so they are not lines of HTS
    2018: each counts as one line whose lists are unknown. 15 + 9 = 24 lines. List 1 (fr-83-28710)
    holds all 15 named lines that day, so 15 / 24 = 62.5% of the lines carry 25% in every reading:
    the simple average is 15 x 25 / 24 = 15.625%; the 9 others may be on List 1 (upper share 100%).
    """
    named, unnamed = era_lines("USA", "MIC2025-02")
    assert len(named) == 15
    assert unnamed == [
        "842870",
        "846222",
        "846223",
        "846224",
        "846225",
        "846226",
        "846233",
        "846242",
        "846251",
    ]
    assert not set(unnamed) & hs_subheadings("HS-2017")
    assert set(named) <= members("USA-301-L1", "2018-07-06")

    stack = rate_stack("USA", "CHN", "2018-07-06", sector="MIC2025-02")
    assert len(stack.lines) == 24
    assert stack.share_covered_pct == 62.5
    assert stack.mean_pct == 15.625
    assert stack.share_covered_upper_pct == 100
    l1 = layer(stack, "USA-CHN-2018-301-L1")
    assert (l1.lines_applying, l1.lines_may_apply, l1.share_pct, l1.share_upper_pct) == (15, 9, 62.5, 100)
    assert stack.missing == tuple(unnamed)
    assert stack.sector_name == "High-end CNC machine tools and robots"
    _same_as_timeline(stack)


def test_aerospace_on_list_1(real_release: Path) -> None:  # noqa: F811
    """MIC2025-03 (aerospace) on 2018-07-06: 19 lines named (engines, aircraft, parts), all on List 1;
    15 codes of drones (8806) and their parts (8807) are new in HS 2022: 34 lines. Share 19 / 34 =
    55.882353%, average 19 x 25 / 34 = 13.970588%."""
    named, unnamed = era_lines("USA", "MIC2025-03")
    assert (len(named), len(unnamed)) == (19, 15)
    assert all(c.startswith(("8806", "8807")) for c in unnamed)
    assert set(named) <= members("USA-301-L1", "2018-07-06")
    stack = rate_stack("USA", "CHN", "2018-07-06", sector="MIC2025-03")
    assert len(stack.lines) == 34
    assert stack.share_covered_pct == round(100 * 19 / 34, 6)
    assert stack.mean_pct == round(19 * 25 / 34, 6)


def test_power_equipment_lists_1_and_3(real_release: Path) -> None:  # noqa: F811
    """MIC2025-07 (electric power equipment): the lists name 10 lines under its 10 codes (each code
    named). 9 are on List 1 (25%), 1 on List 3, which charged 10% from 2018-09-24 and 25% from
    2019-05-10. On 2018-12-31 every line has a duty (share 100%) and the average is
    (9 x 25 + 10) / 10 = 23.5%; on 2019-12-31, 25%."""
    named, unnamed = era_lines("USA", "MIC2025-07")
    assert (len(named), unnamed) == (10, [])
    on_l1 = set(named) & members("USA-301-L1", "2018-12-31")
    on_l3 = set(named) & members("USA-301-L3", "2018-12-31")
    assert (len(on_l1), len(on_l3), len(on_l1 | on_l3)) == (9, 1, 10)
    end_2018 = rate_stack("USA", "CHN", "2018-12-31", sector="MIC2025-07")
    assert (len(end_2018.lines), end_2018.share_covered_pct, end_2018.mean_pct) == (10, 100, 23.5)
    assert (end_2018.additional_pct, max(a.additional_pct for a in end_2018.lines)) == (10, 25)
    end_2019 = rate_stack("USA", "CHN", "2019-12-31", sector="MIC2025-07")
    assert (end_2019.share_covered_pct, end_2019.mean_pct) == (100, 25)
    _same_as_timeline(end_2019)


def test_robots_all_lines_one_stack_on_2025_04_10(real_release: Path) -> None:  # noqa: F811
    """MIC2025-02 on 2025-04-10: the lines are those of the HTS revision in force (encoded). Its
    codes hold 24 HTS8 lines then, each on List 1 that day (25%), none on the reciprocal duty's
    exceptions (Annex II) nor on a Section 232 list; the fentanyl duty (20%) and the reciprocal
    duty (125%, 2025-04-10 to 2025-05-13) cover all goods. Every line: 25 + 20 + 125 = 170%, so
    the average, the lowest and the highest line are all 170%."""
    lines = hts_lines("2025-04-10", codes_of("MIC2025-02"))
    assert len(lines) == 24
    l1 = members("USA-301-L1", "2025-04-10")
    assert all(any(line.startswith(c) for c in l1) for line in lines)
    others = [
        r["list_id"] for r in _table("product_lists") if r["list_id"].startswith(("USA-232", "USA-IEEPA"))
    ]
    for list_id in others:
        held = members(list_id, "2025-04-10")
        assert not any(line.startswith(c) or c.startswith(line) for line in lines for c in held), list_id
    stack = rate_stack("USA", "CHN", "2025-04-10", sector="MIC2025-02")
    assert len(stack.lines) == 24 and stack.agree
    assert (stack.mean_pct, stack.additional_pct, stack.additional_upper_pct) == (170, 170, 170)
    assert stack.share_covered_pct == 100
    _same_as_timeline(stack)


def test_a_code_of_hs_2022_is_a_line_again_where_no_edition_is_known(real_release: Path) -> None:  # noqa: F811
    """The HTS editions of 2021-2024 are not in the data: on those days the 9 HS 2022 codes of
    MIC2025-02 are not known to lack a line, so they are not named as missing (2019: they are)."""
    assert len(rate_stack("USA", "CHN", "2019-06-15", sector="MIC2025-02").missing) == 9
    assert rate_stack("USA", "CHN", "2021-06-15", sector="MIC2025-02").missing == ()


# --- China on the United States ---------------------------------------------------------------


def test_china_cars_on_its_list_1(real_release: Path) -> None:  # noqa: F811
    """MIC2025-06 (energy-saving and new energy vehicles) on 2018-07-06: China's lists (CN 2018-2019,
    HS 2017) name 8 lines under its codes; 8701.24 and 8704.60 (electric tractors and trucks) are
    new in HS 2022: 10 lines. China's List 1 (ctc-2018-5-annex1) holds the four cars 8703.60-.90:
    share 4 / 10 = 40%, average 4 x 25 / 10 = 10%."""
    named, unnamed = era_lines("CHN", "MIC2025-06")
    assert (len(named), unnamed) == (8, ["870124", "870460"])
    assert set(named) & members("CHN-2018-L1", "2018-07-06") == {
        "87036000",
        "87037000",
        "87038000",
        "87039000",
    }
    stack = rate_stack("CHN", "USA", "2018-07-06", sector="MIC2025-06")
    assert (len(stack.lines), stack.share_covered_pct, stack.mean_pct) == (10, 40, 10)


def test_china_suspends_its_duties_on_cars(real_release: Path) -> None:  # noqa: F811
    """The same sector on 2019-12-31: China suspended its 2018 duties on US cars and buses from
    2019-01-01 (ctc-2018-10-annexes: the AUTOS exclusion lists hold the 8703 and 8702 lines), so of
    the 10 lines only 8507.60.00 (batteries, annex 1 of 2019: 25%) keeps a duty: share 10%,
    average 25 / 10 = 2.5%."""
    named, _ = era_lines("CHN", "MIC2025-06")
    excluded = members("CHN-2019-AUTOS-A1", "2019-12-31") | members("CHN-2019-AUTOS-A2", "2019-12-31")
    assert set(named) - excluded == {"85076000"}
    assert "85076000" in members("CHN-2019-L3-A1", "2019-12-31")
    stack = rate_stack("CHN", "USA", "2019-12-31", sector="MIC2025-06")
    assert (stack.share_covered_pct, stack.mean_pct) == (10, 2.5)
    _same_as_timeline(stack)


def test_china_spares_aircraft(real_release: Path) -> None:  # noqa: F811
    """MIC2025-03 (aerospace) on 2018-12-31: China's lists name 5 lines under its codes, all in the
    5% annexes 3 and 4 of its List 3; 23 codes have no named line (large aircraft 8802.40 among
    them, and the drones of HS 2022): 28 lines. Share 5 / 28 = 17.857143%, average
    5 x 5 / 28 = 0.892857%."""
    named, unnamed = era_lines("CHN", "MIC2025-03")
    assert (len(named), len(unnamed)) == (5, 23) and "880240" in unnamed
    five = members("CHN-2018-L3-A3", "2018-12-31") | members("CHN-2018-L3-A4", "2018-12-31")
    assert set(named) <= five
    stack = rate_stack("CHN", "USA", "2018-12-31", sector="MIC2025-03")
    assert len(stack.lines) == 28
    assert (stack.share_covered_pct, stack.mean_pct) == (round(100 * 5 / 28, 6), round(25 / 28, 6))


@pytest.mark.parametrize(
    ("day", "rates", "mean"),
    [
        # 2018 annexes: 1 and 2 at 10%, 3 and 4 at 5%: (9 + 5) x 10 + (4 + 4) x 5 = 180
        (
            "2018-12-31",
            {"CHN-2018-L3-A1": 10, "CHN-2018-L3-A2": 10, "CHN-2018-L3-A3": 5, "CHN-2018-L3-A4": 5},
            180,
        ),
        # 2019 annexes from 2019-06-01: 25, 20, 10, 5%: 9 x 25 + 5 x 20 + 4 x 10 + 4 x 5 = 385
        (
            "2019-12-31",
            {"CHN-2019-L3-A1": 25, "CHN-2019-L3-A2": 20, "CHN-2019-L3-A3": 10, "CHN-2019-L3-A4": 5},
            385,
        ),
    ],
    ids=["2018", "2019"],
)
def test_china_on_information_technology(
    real_release: Path,  # noqa: F811
    day: str,
    rates: dict[str, int],
    mean: int,
) -> None:
    """MIC2025-01 (new-generation IT): China's lists name 22 lines (all telephone and network
    equipment of 8517.61-.69); its 13 other codes (chips of 8542, chip-making machines of 8486,
    8517.71/.79 of HS 2022, instruments) have no named line: 35 lines. All 22 named lines are in
    the four annexes of China's List 3 (9, 5, 4 and 4 lines): share 22 / 35 = 62.857143%; the
    average is the sum of the rates over 35 lines."""
    named, unnamed = era_lines("CHN", "MIC2025-01")
    assert (len(named), len(unnamed)) == (22, 13)
    held = {list_id: set(named) & members(list_id, day) for list_id in rates}
    assert [len(v) for v in held.values()] == [9, 5, 4, 4]
    assert sum(rate * len(held[k]) for k, rate in rates.items()) == mean
    stack = rate_stack("CHN", "USA", day, sector="MIC2025-01")
    assert len(stack.lines) == 35
    assert stack.share_covered_pct == round(100 * 22 / 35, 6)
    assert stack.mean_pct == round(mean / 35, 6)


# --- properties ------------------------------------------------------------------------------

SECTORS = [f"MIC2025-{n:02d}" for n in range(1, 11) if n != 9] + ["FYP15-04", "SEI-05", "MIC2025-01-01"]


def _change_days(imposing: str, target: str, sector: str, count: int) -> list[dt.date]:
    """Days on which the sector's average or share changes (and the day before), a sample of them."""
    frame = rate_timeline(imposing, target, "2018-01-01", as_of(), sector=sector)
    starts = {a for series in (MEAN, SHARE) for a, _, _, _ in step_values(frame, series)}
    days = sorted(
        starts | {d - dt.timedelta(days=1) for d in starts if d.year >= 2018} - {dt.date(2017, 12, 31)}
    )
    return sorted(random.Random(sector).sample(days, min(count, len(days))))


@pytest.mark.parametrize("sector", SECTORS)
@pytest.mark.parametrize(("imposing", "target"), [("USA", "CHN"), ("CHN", "USA")], ids=["us-cn", "cn-us"])
def test_average_lies_between_the_lines(real_release: Path, sector: str, imposing: str, target: str) -> None:  # noqa: F811
    """On days the sector's figures change, its simple average lies between its lowest and highest
    line (sure and upper alike), its shares between 0 and 100, and each figure is the timeline's."""
    for day in _change_days(imposing, target, sector, 6):
        stack = rate_stack(imposing, target, day, sector=sector)
        sure = [a.additional_pct for a in stack.lines]
        upper = [a.additional_upper_pct for a in stack.lines]
        assert min(sure) <= stack.mean_pct <= max(sure), (sector, day)
        assert min(upper) <= stack.mean_upper_pct <= max(upper), (sector, day)
        assert stack.additional_pct == min(sure) and stack.additional_upper_pct == max(upper)
        assert stack.mean_pct <= stack.mean_upper_pct
        assert 0 <= stack.share_covered_pct <= stack.share_covered_upper_pct <= 100
        for la in stack.layers:
            assert 0 <= la.share_pct <= la.share_upper_pct <= 100
        _same_as_timeline(stack)


def test_sector_timelines_say_why_a_sector_has_no_lines(real_release: Path) -> None:  # noqa: F811
    """New materials (MIC2025-09) has no HS codes (hs_mapping list-not-read): it is listed with the
    reason and no figures, never as a sector without duties."""
    mic = sector_timelines("USA", "CHN", "2018-01-01", "2019-12-31")
    assert [s.sector_id for s in mic] == [f"MIC2025-{n:02d}" for n in range(1, 11)]
    new = mic[8]
    assert (new.mapped, new.hs_mapping, new.on("2019-01-01"), new.peak()) == (
        False,
        "list-not-read",
        None,
        None,
    )
    robots = mic[1].on("2018-07-06")
    assert robots is not None and (robots.share_pct, robots.mean_pct, robots.lines) == (62.5, 15.625, 24)
    with pytest.raises(InvalidArgumentError) as info:
        rate_stack("USA", "CHN", "2019-01-01", sector="MIC2025-09")
    assert info.value.code == "invalid-argument"
    with pytest.raises(InvalidArgumentError):
        sector_timelines("USA", "CHN", "2018-01-01", "2019-12-31", scheme="MIC2035")


# --- the chart -------------------------------------------------------------------------------


def test_sector_chart(real_release: Path, tmp_path: Path) -> None:  # noqa: F811
    """The ten MIC2025 sectors in both directions, 2018-2026, drawn to a PNG: a panel per sector and
    direction, the series drawn are the library's, and new materials is shown as unknown."""
    from matplotlib.image import imread

    from policydata.plot import SECTOR_MEAN_LABEL, plot_sectors

    columns = [sector_timelines(a, b, "2018-01-01", as_of()) for a, b in (("USA", "CHN"), ("CHN", "USA"))]
    target = tmp_path / "sectors.png"
    fig = plot_sectors(columns, target)
    pixels = imread(target)
    assert pixels.shape[0] > 2000 and pixels.shape[1] > 1500
    assert (pixels[..., :3] < 0.9).any(axis=2).mean() > 0.05
    panels = [
        ax
        for ax in fig.axes
        if ax.get_title(loc="right") or any("not zero" in t.get_text() for t in ax.texts)
    ]
    assert len(panels) == 20
    rows = {ax.get_title(loc="left"): ax for ax in fig.axes if ax.get_title(loc="left")}
    assert len(rows) == 10
    new = rows["MIC2025-09  New materials"]
    assert not new.get_lines() and any("list-not-read" in t.get_text() for t in new.texts)
    robots = rows["MIC2025-02  High-end CNC machine tools and robots"]
    drawn = next(line for line in robots.get_lines() if line.get_label() == SECTOR_MEAN_LABEL)
    ys = [float(y) for y in drawn.get_ydata()]  # type: ignore[union-attr, arg-type]
    assert max(ys) == 170
    frame = columns[0][1].frame
    assert frame is not None
    assert [v for _, _, v, _ in step_values(frame, MEAN)] == ys[:-1]
    assert any(t.get_text() == "170%" for t in robots.texts)
