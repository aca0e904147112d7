"""Rate stacks, timelines and the panel on the synthetic release of ``_tariffs_support`` (every id says
TEST, every date is in 2097-2099: none of these records is a fact about real tariffs). Each expected
value is worked out by hand from the fixture's description."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _tariffs_support import CN, EU, SECTOR, US, write_sources
from test_tariffs_engine import agree, days_of

from policydata import settings
from policydata.errors import InvalidArgumentError
from policydata.publish.build import build_release
from policydata.tariffs import rate_stack, rate_timeline, tariff_panel, timeline_rows

D = dt.date


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("tariffs")
    write_sources(root / "sources")
    path = build_release(root / "sources", root / "releases", "2099.1.0", D(2099, 12, 31))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(settings.ENV_RELEASE_DIR, str(path))
        mp.setenv(settings.ENV_CACHE_DIR, str(root / "cache"))
        yield path


def _layers(stack: Any) -> dict[str, tuple[float, str]]:
    return {la.event_id: (la.rate_pct, la.status) for la in stack.layers}


A, M, N, X = "applies", "may apply", "does not apply", "excluded"
# (imposing, target, date, hs, sector, expected layers, additional sure, upper)
CASES = [
    # the 2097 list rows are carried through 2098 (HTS-2098 not encoded): a named line is covered
    ("USA", "CHN", "2098-06-01", "42022190", None, {US + "301": (25, A)}, 25, 25),
    # 4202.21.60 is on the list's next snapshot (2099) and not on the carried rows: unknown in 2098
    ("USA", "CHN", "2098-06-01", "42022160", None, {US + "301": (25, M)}, 0, 25),
    ("USA", "CHN", "2099-01-15", "42022160", None, {US + "301": (25, A)}, 25, 25),
    # a Section 232 line (heading 7208) and the fentanyl duty stack
    ("USA", "CHN", "2099-02-15", "72085100", None, {US + "FENT": (20, A), US + "STEEL": (25, A)}, 45, 45),
    # ... and the reciprocal duty does not apply to it (EO 14257 s.3(b))
    (
        "USA",
        "CHN",
        "2099-04-15",
        "72085100",
        None,
        {US + "FENT": (20, A), US + "STEEL": (25, A), US + "RECIP": (10, N)},
        45,
        45,
    ),
    # a derivative (described goods): 232 or the reciprocal duty, never both
    (
        "USA",
        "CHN",
        "2099-04-15",
        "73089095",
        None,
        {US + "FENT": (20, A), US + "STEEL": (25, M), US + "RECIP": (10, M)},
        30,
        45,
    ),
    # electronics: taken out of the reciprocal duty by the exclusion of heading 8517
    ("USA", "CHN", "2099-04-15", "85171300", None, {US + "FENT": (20, A), US + "RECIP": (10, X)}, 20, 20),
    # an Annex II line: on the reciprocal duty's exception list
    ("USA", "CHN", "2099-04-15", "22042100", None, {US + "FENT": (20, A), US + "RECIP": (10, N)}, 20, 20),
    # an HTS8 line answered per statistical line: .0030 is excluded from TEST-301, .0090 is not
    (
        "USA",
        "CHN",
        "2099-04-15",
        "84864000",
        None,
        {US + "FENT": (20, A), US + "301": (25, M), US + "RECIP": (10, A)},
        30,
        55,
    ),
    # an exclusion of described goods is noted, not counted
    (
        "USA",
        "CHN",
        "2099-04-15",
        "42022190",
        None,
        {US + "FENT": (20, A), US + "301": (25, A), US + "RECIP": (10, A)},
        55,
        55,
    ),
    # the review heading takes the line out of the earlier list; the 232 derivative may apply
    (
        "USA",
        "CHN",
        "2099-03-15",
        "87038000",
        None,
        {US + "301": (25, N), US + "REVIEW": (100, A), US + "FENT": (20, A), US + "STEEL": (25, M)},
        120,
        145,
    ),
    # the vehicle duty wins over the metal duty, and both keep the reciprocal duty off
    (
        "USA",
        "CHN",
        "2099-05-15",
        "87038000",
        None,
        {
            US + "301": (25, N),
            US + "REVIEW": (100, A),
            US + "FENT": (20, A),
            US + "STEEL": (25, N),
            US + "AUTOS": (25, A),
            US + "RECIP": (10, N),
        },
        145,
        145,
    ),
    # the postal duty may apply instead of all others: listed beside the totals, not in them
    (
        "USA",
        "CHN",
        "2099-06-15",
        "95030000",
        None,
        {US + "FENT": (20, A), US + "RECIP": (10, A), US + "POSTAL": (60, M)},
        30,
        30,
    ),
    # a list that is not encoded may apply to any line
    (
        "USA",
        "CHN",
        "2099-08-15",
        "94035000",
        None,
        {US + "FENT": (20, A), US + "POSTAL": (60, M), US + "RECIP": (10, A), US + "UNENC": (15, M)},
        30,
        45,
    ),
    # a code that is not a line of the edition in force: every list that does not name it may apply
    (
        "USA",
        "CHN",
        "2099-04-15",
        "85171399",
        None,
        {
            US + "301": (25, M),
            US + "REVIEW": (100, M),
            US + "FENT": (20, A),
            US + "STEEL": (25, M),
            US + "RECIP": (10, X),
        },
        20,
        145,
    ),
    # an HS6 question whose lines agree, and one whose lines disagree
    ("USA", "CHN", "2099-02-15", "420221", None, {US + "FENT": (20, A), US + "301": (25, A)}, 45, 45),
    ("USA", "CHN", "2099-02-15", "848640", None, {US + "FENT": (20, A), US + "301": (25, M)}, 20, 45),
    # --- the EU on China: no nomenclature, products matched as given
    ("EUN", "CHN", "2099-01-05", "950300", None, {}, 0, 0),
    ("EUN", "CHN", "2099-01-25", "950300", None, {EU + "A": (10, A), EU + "B": (25, A)}, 35, 35),
    (
        "EUN",
        "CHN",
        "2099-02-20",
        "950300",
        None,
        {EU + "A": (10, A), EU + "B": (25, A), EU + "C": (15, M)},
        35,
        50,
    ),
    (
        "EUN",
        "CHN",
        "2099-03-05",
        "950300",
        None,
        {EU + "A2": (20, A), EU + "B": (25, A), EU + "C": (15, M)},
        45,
        60,
    ),
    ("EUN", "CHN", "2099-04-10", "950300", None, {EU + "A2": (20, A), EU + "C": (15, M)}, 20, 35),
    ("EUN", "CHN", "2099-05-15", "950300", None, {EU + "A-SUSP": (0, A), EU + "C": (15, M)}, 0, 15),
    ("EUN", "CHN", "2099-07-01", "950300", None, {EU + "A3": (20, A), EU + "C": (15, M)}, 20, 35),
    ("EUN", "CHN", "2099-02-20", "870380", None, {EU + "A": (10, X), EU + "C": (15, M)}, 0, 15),
    (
        "EUN",
        "CHN",
        "2099-03-15",
        "870380",
        None,
        {EU + "A2": (20, X), EU + "C": (15, M), EU + "D": (50, A)},
        50,
        65,
    ),
    (
        "EUN",
        "CHN",
        "2099-03-15",
        "8703",
        None,
        {EU + "A2": (20, X), EU + "C": (15, M), EU + "D": (50, M)},
        0,
        65,
    ),
    (
        "EUN",
        "CHN",
        "2099-06-01",
        "870380",
        None,
        {EU + "A-SUSP": (0, A), EU + "C": (15, M), EU + "D": (50, A)},
        50,
        65,
    ),
    (
        "EUN",
        "CHN",
        "2099-03-15",
        None,
        None,
        {EU + "A2": (20, A), EU + "B": (25, M), EU + "C": (15, M), EU + "D": (50, M)},
        20,
        110,
    ),
    (
        "EUN",
        "CHN",
        "2099-03-15",
        None,
        SECTOR,
        {EU + "A2": (20, A), EU + "B": (25, M), EU + "C": (15, M)},
        20,
        60,
    ),
    # rates for different exporters are alternatives: the range runs over the exporters
    (
        "EUN",
        "CHN",
        "2099-10-15",
        "87038010",
        None,
        {
            EU + "A3": (20, A),
            EU + "C": (15, M),
            EU + "D": (50, A),
            EU + "CO-A": (17, M),
            EU + "CO-B": (35.3, M),
        },
        87,
        120.3,
    ),
    # --- China on the US
    ("CHN", "USA", "2099-02-10", "120190", None, {CN + "K": (25, A), CN + "L": (15, A)}, 40, 40),
    ("CHN", "USA", "2099-03-01", "120190", None, {CN + "K": (25, A)}, 25, 25),
    ("CHN", "USA", "2099-05-01", "120190", None, {CN + "K2": (10, A)}, 10, 10),
    ("CHN", "USA", "2099-08-01", "120190", None, {CN + "K3": (25, A)}, 25, 25),
    ("CHN", "USA", "2099-05-01", "950300", None, {}, 0, 0),
    ("CHN", "USA", "2099-09-05", "120110", None, {CN + "K3": (25, N), CN + "O": (5, A)}, 5, 5),
    ("CHN", "USA", "2099-09-20", "120190", None, {CN + "K3": (25, A), CN + "M": (5, A)}, 30, 30),
    (
        "CHN",
        "USA",
        "2099-10-15",
        "120110",
        None,
        {CN + "K3": (25, N), CN + "O": (5, A), CN + "M": (5, A), CN + "P": (60, M)},
        10,
        10,
    ),
    (
        "CHN",
        "USA",
        "2099-10-15",
        "950300",
        None,
        {CN + "M": (5, N), CN + "Q": (40, A), CN + "P": (60, M)},
        40,
        40,
    ),
    ("CHN", "USA", "2099-11-15", "950300", None, {CN + "M": (5, A), CN + "P": (60, M)}, 5, 5),
]
IDS = [
    "carried-list-covers",
    "successor-in-uncovered-edition",
    "successor-encoded",
    "232-and-fentanyl",
    "232-outside-reciprocal",
    "derivative-metal-share",
    "electronics-excluded",
    "annex-ii-excepted",
    "statistical-lines-disagree",
    "described-exclusion-noted",
    "review-overrides-list",
    "vehicles-not-metals",
    "postal-alternative",
    "unencoded-list",
    "code-not-in-edition",
    "hs6-agree",
    "hs6-disagree",
    "eu-before-any",
    "eu-two-layers",
    "eu-unencoded",
    "eu-replaced",
    "eu-after-end",
    "eu-suspension",
    "eu-suspension-lifted",
    "eu-excluded",
    "eu-excluded-while-replaced",
    "eu-partial-code",
    "eu-exclusion-ended",
    "eu-every-line",
    "eu-sector",
    "eu-exporters",
    "cn-two-layers",
    "cn-after-end",
    "cn-suspension",
    "cn-suspension-lifted",
    "cn-unlisted",
    "cn-override",
    "cn-override-leaves-rest",
    "cn-postal-alternative",
    "cn-instead-displaces",
    "cn-instead-ended",
]


@pytest.mark.parametrize(("imp", "tgt", "on", "hs", "sector", "layers", "sure", "upper"), CASES, ids=IDS)
def test_rate_stack(
    release: Path,
    imp: str,
    tgt: str,
    on: str,
    hs: str | None,
    sector: str | None,
    layers: dict[str, tuple[float, str]],
    sure: float,
    upper: float,
) -> None:
    stack = rate_stack(imp, tgt, on, hs_code=hs, sector=sector)
    assert _layers(stack) == layers
    assert (stack.additional_pct, stack.additional_upper_pct) == (sure, upper)
    assert stack.additional_pct <= stack.additional_upper_pct


def test_lines_and_mfn(release: Path) -> None:
    stack = rate_stack("USA", "CHN", "2099-04-15", hs_code="848640")
    assert stack.values == {(30.0, 30.0): ("8486400030",), (55.0, 55.0): ("8486400090",)}
    assert not stack.agree
    assert stack.edition == "HTS-2099-BASIC"
    assert (stack.general_rate, stack.mfn_pct, stack.total_pct, stack.total_upper_pct) == (
        "Free",
        0.0,
        30.0,
        55.0,
    )
    # the general rate changes with the edition; a specific rate is never turned into a percentage
    assert rate_stack("USA", "CHN", "2099-08-02", hs_code="42022190").general_rate == "10%"
    assert rate_stack("USA", "CHN", "2099-06-02", hs_code="42022190").mfn_pct == 9.0
    wine = rate_stack("USA", "CHN", "2099-04-15", hs_code="22042100")
    assert (wine.general_rate, wine.mfn_pct, wine.total_pct) == ("6.3¢/liter", None, None)
    # before the first encoded edition the lines are those the lists name, with no MFN rate
    old = rate_stack("USA", "CHN", "2098-06-01", hs_code="4202")
    assert [line.code for line in old.lines] == ["42022130", "42022190", "84864000"][:2]
    assert old.mfn_pct is None


def test_reasons_are_structured(release: Path) -> None:
    stack = rate_stack("USA", "CHN", "2099-04-15", hs_code="73089095")
    by = {la.event_id: la for la in stack.layers}
    assert set(by[US + "STEEL"].reasons) == {"described-goods", "metal-content-share"}
    assert set(by[US + "RECIP"].reasons) == {"displaced-if", "metal-content-share"}
    assert by[US + "RECIP"].by == (US + "STEEL",)
    assert by[US + "RECIP"].rules == ("section-232-outside-reciprocal",)
    assert rate_stack("USA", "CHN", "2098-06-01", hs_code="42022160").layers[0].reasons == (
        "edition-not-covered",
    )
    missing = rate_stack("USA", "CHN", "2099-04-15", hs_code="85171399")
    assert missing.missing == ("85171399",)
    assert "code-not-in-edition" in next(la for la in missing.layers if la.event_id == US + "301").reasons
    noted = rate_stack("USA", "CHN", "2099-04-15", hs_code="4202219000")
    assert "exclusion-described-goods" in next(la for la in noted.layers if la.event_id == US + "301").reasons


def test_exporter(release: Path) -> None:
    beta = rate_stack("EUN", "CHN", "2099-10-15", hs_code="87038010", exporter="beta")
    assert (beta.additional_pct, beta.additional_upper_pct) == (105.3, 120.3)
    assert EU + "CO-A" not in _layers(beta)
    alpha = rate_stack("EUN", "CHN", "2099-10-15", hs_code="87038010", exporter="Alpha")
    assert (alpha.additional_pct, alpha.additional_upper_pct) == (87, 102)
    with pytest.raises(InvalidArgumentError):
        rate_stack("EUN", "CHN", "2099-10-15", hs_code="87038010", exporter="Gamma")


def test_layer_details(release: Path) -> None:
    stack = rate_stack("EUN", "CHN", "2099-03-15", hs_code="870380")
    a2 = next(la for la in stack.layers if la.event_id == EU + "A2")
    assert a2.layer_id == EU + "A"
    assert (a2.combines, a2.amends_event_id, a2.by) == ("replaces", EU + "A", (EU + "X",))
    assert (a2.since, a2.until) == (D(2099, 3, 1), D(2099, 5, 1))
    c = next(la for la in stack.layers if la.event_id == EU + "C")
    assert c.reasons == ("list-not-encoded",)
    assert "not encoded" in c.reason
    assert stack.version == "2099.1.0"
    assert list(stack.to_frame()["event_id"]) == [la.event_id for la in stack.layers]
    as_dict = stack.to_dict()
    assert as_dict["additional_pct"] == 50
    assert [la["since"] for la in as_dict["layers"]] == [la.since.isoformat() for la in stack.layers]


def test_never_in_force_and_rulings_never_count(release: Path) -> None:
    ids = {la.event_id for la in rate_stack("USA", "CHN", "2099-12-31", hs_code="95030000").layers}
    assert not ids & {US + "NEVER", US + "RULING"}


def test_alternatives(release: Path) -> None:
    stack = rate_stack("USA", "CHN", "2099-06-15", hs_code="95030000")
    assert [la.event_id for la in stack.alternatives] == [US + "POSTAL"]
    assert "shipment-mode" in stack.alternatives[0].reasons


def test_timeline_totals_and_causes(release: Path) -> None:
    tl = rate_timeline("EUN", "CHN", "2099-01-01", "2099-12-31", hs_code="950300")
    total = tl[tl["series"] == "total"]
    steps = [(r.start.date(), r.rate_pct) for r in total.itertuples()]
    assert steps == [
        (D(2099, 1, 1), 0),
        (D(2099, 1, 10), 10),
        (D(2099, 1, 20), 35),
        (D(2099, 3, 1), 45),
        (D(2099, 4, 1), 20),
        (D(2099, 5, 1), 0),
        (D(2099, 7, 1), 20),
    ]
    assert total["end"].iloc[-1].date() == D(2100, 1, 1)
    causes = dict(zip(total["start"].dt.date, total["changed_by"], strict=True))
    assert causes[D(2099, 3, 1)] == f"{EU}A; {EU}A2"
    assert EU + "R" in causes[D(2099, 7, 1)]
    assert causes[D(2099, 1, 1)] == ""
    upper = tl[tl["series"] == "total_upper"]
    assert upper[upper["start"].dt.date == D(2099, 2, 15)]["rate_pct"].tolist() == [50]
    rows = timeline_rows(tl)
    assert [(r.start, r.total_pct, r.total_upper_pct) for r in rows][:3] == [
        (D(2099, 1, 1), 0, 0),
        (D(2099, 1, 10), 10, 10),
        (D(2099, 1, 20), 35, 35),
    ]


def test_timeline_layers(release: Path) -> None:
    tl = rate_timeline("EUN", "CHN", "2099-02-01", "2099-08-31", hs_code="870380")
    layer = tl[tl["series"] == EU + "A"]
    got = [(r.event_id, r.start.date(), r.end.date(), r.status) for r in layer.itertuples()]
    assert got == [
        (EU + "A", D(2099, 2, 1), D(2099, 3, 1), "excluded"),
        (EU + "A2", D(2099, 3, 1), D(2099, 5, 1), "excluded"),
        (EU + "A-SUSP", D(2099, 5, 1), D(2099, 6, 1), "excluded"),
        (EU + "A-SUSP", D(2099, 6, 1), D(2099, 7, 1), "applies"),
        (EU + "A3", D(2099, 7, 1), D(2099, 9, 1), "applies"),
    ]
    assert layer.iloc[3]["changed_by"] == EU + "X"


def test_timeline_over_lines(release: Path) -> None:
    tl = rate_timeline("USA", "CHN", "2099-04-10", "2099-04-20", hs_code="848640")
    values = {
        s: tl[tl["series"] == s]["rate_pct"].tolist()
        for s in ("total", "total_upper", "mean", "share_covered")
    }
    assert values == {"total": [30], "total_upper": [55], "mean": [42.5], "share_covered": [100]}
    # every line of the schedule, across the start of the encoded editions
    every = rate_timeline("USA", "CHN", "2098-06-01", "2099-01-31")
    lines = every[every["series"] == "mean"]["lines"].tolist()
    assert lines[0] < lines[-1]
    assert [r[:2] for r in every.attrs["regimes"]] == [
        ("2098-06-01", "2098-12-31"),
        ("2099-01-01", "2099-01-31"),
    ]
    assert every.attrs["regimes"][1][2] == "lines of the HTS schedule"


DAYS = [
    "2098-06-01",
    "2099-01-20",
    "2099-02-28",
    "2099-03-10",
    "2099-04-15",
    "2099-05-31",
    "2099-06-01",
    "2099-07-15",
    "2099-08-15",
    "2099-10-15",
    "2099-12-31",
]


@pytest.mark.parametrize("day", DAYS)
def test_panel_agrees_with_stack(release: Path, day: str) -> None:
    panel = tariff_panel("USA", "CHN", "2098-01-01", "2099-12-31").to_pylist()
    on = D.fromisoformat(day)
    rows = [r for r in panel if r["imposing"] == "USA" and r["valid_from"] <= on < r["valid_to"]]
    assert rows
    for r in rows:
        stack = rate_stack("USA", "CHN", on, hs_code=r["line"])
        line = next(x for x in stack.lines if x.code == r["line"] and x.rest == r["rest_of_line"])
        assert (r["additional_pct"], r["additional_upper_pct"]) == (
            line.additional_pct,
            line.additional_upper_pct,
        )
        assert r["mfn_pct"] == line.mfn_pct
        assert r["general_rate"] == line.general_rate


def test_panel_intervals_are_disjoint(release: Path) -> None:
    rows = tariff_panel("USA", "CHN", "2098-01-01", "2099-12-31", both_directions=False).to_pylist()
    by_line: dict[tuple[str, bool], list[tuple[D, D]]] = {}
    for r in rows:
        by_line.setdefault((r["line"], r["rest_of_line"]), []).append((r["valid_from"], r["valid_to"]))
    for spans in by_line.values():
        spans.sort()
        assert all(a < b for a, b in spans)
        assert all(spans[i][1] <= spans[i + 1][0] for i in range(len(spans) - 1))
    # the MFN rate of 4202.21.90 changes on 2099-07-01 (the RULING of that day changes nothing)
    assert (D(2099, 6, 1), D(2099, 7, 1)) in by_line[("4202219000", False)]
    assert (D(2099, 7, 1), D(2099, 8, 1)) in by_line[("4202219000", False)]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"imposing": "XXX"}, "imposing"),
        ({"on": "2099-13-01"}, "on"),
        ({"hs_code": "95030"}, "hs_code"),
        ({"sector": "SEI-NONE"}, "sector"),
        ({"hs_code": "950300", "sector": SECTOR}, "both"),
        ({"exporter": " "}, "exporter"),
    ],
    ids=["jurisdiction", "date", "hs", "sector", "hs-and-sector", "exporter"],
)
def test_bad_arguments(release: Path, kwargs: dict[str, Any], field: str) -> None:
    args: dict[str, Any] = {"imposing": "USA", "target": "CHN", "on": "2099-01-01", **kwargs}
    with pytest.raises(InvalidArgumentError) as info:
        rate_stack(**args)
    assert info.value.code == "invalid-argument"


def test_timeline_window_must_be_ordered(release: Path) -> None:
    with pytest.raises(InvalidArgumentError):
        rate_timeline("USA", "CHN", "2099-02-01", "2099-01-01")


@pytest.mark.parametrize(("imposing", "target"), [("USA", "CHN"), ("CHN", "USA"), ("EUN", "CHN")])
def test_scalar_and_vectorised_agree(release: Path, imposing: str, target: str) -> None:
    """Coverage of every line by every event, and one line alone against all lines at once, on
    every day something changes (see tests/test_tariffs_engine.py for the real release)."""
    assert agree(imposing, target, days_of(imposing, target, "2097-01-01", "2099-12-31", 40), None) > 0


def test_a_code_of_no_subheading_of_the_hs_basis_is_not_a_line() -> None:
    """On days of an edition whose lines are not encoded, a sector code that names no subheading of
    the edition's HS basis (8428.70, robots, new in HS 2022) is not a line of it: unknown, with its
    own basis, and named as missing; in a gap of the editions (no edition known) it is a line; a
    code the basis has (8479.50) is a line throughout."""
    from policydata.tariffs import query as q
    from policydata.tariffs.coverage import Line
    from policydata.tariffs.events import OPEN, Edition, Index, Lines

    idx = Index(
        version="test",
        events=(),
        lists={},
        editions={
            "HTS-A": Edition("HTS-A", "HTS", 1000, 2000, False, "HS-A"),
            "HTS-B": Edition("HTS-B", "HTS", 3000, OPEN, False, "HS-A"),
            "HS-A": Edition("HS-A", "HS", 0, OPEN, True),
        },
        lines=Lines(((), (), (), (), ())),
        sector_codes={"SEI-X": ("842870", "847950")},
        subheadings={"HS-A": ("842810", "847950")},
    )
    question = q.query(idx, None, "SEI-X")
    found = q.lines(idx, "USA", question, D.fromordinal(1000), D.fromordinal(3999))
    assert dict(zip(found.valid, found.lines, strict=True)) == {
        (1000, 2000): Line("842870", unknown=True, basis="HS-2022"),
        (2000, 3000): Line("842870"),
        (3000, 4000): Line("842870", unknown=True, basis="HS-2022"),
        (1000, 4000): Line("847950"),
    }
    assert found.missing == ("842870",) and not found.enumerated
    assert q.lines(idx, "USA", question, D.fromordinal(2500)).missing == ()
    assert q.lines(idx, "USA", question, D.fromordinal(1500)).missing == ("842870",)


@pytest.mark.parametrize(
    ("imposing", "target", "day"),
    [("USA", "EUN", "2099-03-15"), ("EUN", "USA", "2099-03-15"), ("USA", "CHN", "2100-01-01")],
    ids=["direction-without-events", "other-direction-without-events", "after-as-of"],
)
def test_questions_outside_the_release_are_refused_not_answered_0(
    release: Path, imposing: str, target: str, day: str
) -> None:
    """The synthetic release records USA<->CHN only, up to its as-of date 2099-12-31."""
    with pytest.raises(InvalidArgumentError) as info:
        rate_stack(imposing, target, day)
    assert info.value.code == "invalid-argument"
    with pytest.raises(InvalidArgumentError):
        rate_timeline(imposing, target, "2099-01-01", day)


def test_the_as_of_date_itself_is_answered(release: Path) -> None:
    assert rate_stack("USA", "CHN", "2099-12-31").on == dt.date(2099, 12, 31)
    assert not rate_timeline("USA", "CHN", "2099-01-01", "2099-12-31").empty
