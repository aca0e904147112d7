"""Rate stacks pinned on real dates and tariff lines, against the release this checkout carries.

Each expected value was worked out by hand from the documents the events and lists cite (the ids
in the comments are rows of the ``sources`` table, which gives their addresses): the rate of each
measure in force on the day from its notice, and the line's membership of each list from the
list's snapshot (the Federal Register annexes, the USITC "China Tariffs" table of 2020-01-01, the
HTS 2025-2026 footnotes and chapter 99 notes, China's annexes). ``sure`` is the duty due in every
reading of the data, ``upper`` the highest single reading; where they differ the comment says why.

Section 201 (safeguards on solar cells and washers, 2018-02-07 to 2019-02-07) has no encoded
product list in the release: on any line in that year its three layers "may apply" and lift the
upper total. The cases avoid that year except the handbag case of issue 9, which checks the sure
total and names those layers.

Where the first version of this file pinned a question without a product (the "headline" stack),
the same facts are now pinned on a line that no list names (toys, 9503.00.00, on List 4B only,
which never applied): a question without a product is answered over every line of the schedule.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from policydata import settings
from policydata.errors import ReleaseNotFoundError
from policydata.release import Release
from policydata.release.index import embedded_release_dir
from policydata.tariffs import rate_stack


def _has_lists(path: Path) -> bool:
    return "product_list_lines" in Release(path).tables


@pytest.fixture(scope="module")
def real_release(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The release to test: POLICYDATA_RELEASE_DIR, else the embedded one when it has product lists,
    else one built from datasets/sources."""
    override = settings.release_dir_override()
    if override is not None:
        yield override
        return
    try:
        embedded: Path | None = embedded_release_dir()
    except ReleaseNotFoundError:
        embedded = None
    if embedded is not None and _has_lists(embedded):
        yield embedded
        return
    import datetime as dt

    from policydata.publish.build import build_release

    root = tmp_path_factory.mktemp("real")
    path = build_release(
        settings.REPO_SOURCES_DIR, root, "2000.1.0", dt.date.today(), update_index_file=False
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(settings.ENV_RELEASE_DIR, str(path))
        mp.setenv(settings.ENV_CACHE_DIR, str(root / "cache"))
        yield path


@dataclass(frozen=True)
class Case:
    id: str
    imposing: str
    target: str
    on: str
    hs: str | None
    sure: float
    upper: float
    applies: tuple[str, ...]
    off: tuple[str, ...] = field(default=())  # in force, but does not apply or is excluded
    general_rate: str | None = None
    exporter: str | None = None


US, CN, EU = "USA-CHN-", "CHN-USA-", "EUN-CHN-"
CASES = [
    # --- Section 301 lists, 2018-2020 ------------------------------------------------------
    # fr-83-28710 (List 1, annex A: 8457.10.00 machining centres), 25% from 2018-07-06; the USITC
    # table (s301-usitc-china-tariffs-2020) keeps it under 9903.88.01.
    Case("us-l1-machining-centres", "USA", "CHN", "2019-03-01", "84571000", 25, 25, (US + "2018-301-L1",)),
    # fr-83-40823 (List 2: 2710.19.30 lubricating oils), 25% from 2018-08-23.
    Case("us-l2-lubricating-oil", "USA", "CHN", "2019-03-01", "27101930", 25, 25, (US + "2018-301-L2",)),
    # fr-83-47974 (List 3, annex: 4202.21.90 handbags, outer surface of leather), 10% from
    # 2018-09-24 (issue 9). Sure 10%; the 2018 Section 201 layers may apply (lists not encoded).
    Case("us-l3-handbags-10", "USA", "CHN", "2018-09-24", "42022190", 10, 110, (US + "2018-301-L3",)),
    # 84 FR 20459 (fr-84-20459): List 3 raised to 25% from 2019-05-10.
    Case("us-l3-handbags-25", "USA", "CHN", "2019-06-01", "42022190", 25, 25, (US + "2019-301-L3-25",)),
    # USITC table of 2020-01-01: 2931.90.9010 is a covered statistical line under 9903.88.04
    # (List 3, partial subheading 2931.90.90), 25%.
    Case(
        "us-l3-partial-statistical-line",
        "USA",
        "CHN",
        "2020-06-01",
        "2931909010",
        25,
        25,
        (US + "2019-301-L3-25",),
    ),
    # fr-84-43304 (List 4A, annex A: 6109.10.00 cotton T-shirts), 15% (fr-84-45821) from 2019-09-01 ...
    Case("us-l4a-tshirts-15", "USA", "CHN", "2019-09-01", "61091000", 15, 15, (US + "2019-301-L4A",)),
    # ... halved to 7.5% from 2020-02-14 by fr-85-3741 (Phase One).
    Case("us-l4a-tshirts-7p5", "USA", "CHN", "2020-03-01", "61091000", 7.5, 7.5, (US + "2020-301-L4A-7P5",)),
    # fr-84-43304 annex C (List 4B: 9503.00.00 toys, 8517.12.00 mobile phones), scheduled for
    # 2019-12-15, suspended indefinitely (84 FR 69447): never in force.
    Case("us-l4b-toys-never", "USA", "CHN", "2019-12-20", "95030000", 0, 0, ()),
    Case("us-l4b-phones-never", "USA", "CHN", "2020-01-01", "85171200", 0, 0, ()),
    # --- the 2024 four-year review (fr-89-76581), HTS 2025 footnotes and U.S. note 31 ------------
    # 9903.91.01: steel 7208.51.00 at 25% from 2024-09-27 in place of List 4A's 7.5% (the 2020
    # table had it under 9903.88.15; HTS 2025 footnotes it to 9903.91.01), plus the 2018 Section
    # 232 steel duty of 25% (shapiro-2018-232-proclamations: chapter 72 steel mill articles).
    Case(
        "us-review-91-01-steel",
        "USA",
        "CHN",
        "2024-10-01",
        "72085100",
        50,
        50,
        (US + "2018-232-STEEL", US + "2024-301-REVIEW-CRITMIN"),
        (US + "2024-301-REVIEW-STEELALU",),
    ),
    # 9903.91.02: solar cells 8541.42.00 at 50% from 2024-09-27.
    Case(
        "us-review-91-02-solar-cells",
        "USA",
        "CHN",
        "2024-10-01",
        "85414200",
        50,
        50,
        (US + "2024-301-REVIEW-SOLAR",),
    ),
    # 9903.91.03: electric vehicles 8703.80.00 at 100% from 2024-09-27 (replacing List 1's 25%).
    Case(
        "us-review-91-03-ev",
        "USA",
        "CHN",
        "2024-10-01",
        "87038000",
        100,
        100,
        (US + "2024-301-REVIEW-EV",),
        (US + "2024-301-REVIEW-SYRINGES",),
    ),
    # 9903.91.04: disposable textile facemasks 6307.90.9870 at 25% in 2025, in place of List 4A's
    # 7.5%; plus the fentanyl duty of 10% (eo-14195, until 2025-03-04).
    Case(
        "us-review-91-04-disposable-masks",
        "USA",
        "CHN",
        "2025-03-01",
        "6307909870",
        35,
        35,
        (US + "2024-301-REVIEW-FACEMASKS-DISP-2025", US + "2025-IEEPA-FENT"),
        (US + "2020-301-L4A-7P5",),
        "7%",
    ),
    # 9903.91.05: semiconductors 8541.21.00 at 50% from 2025-01-01 (MFN Free, hts-2025-basic).
    Case(
        "us-review-91-05-semiconductors",
        "USA",
        "CHN",
        "2025-01-15",
        "85412100",
        50,
        50,
        (US + "2024-301-REVIEW-SEMI-2025",),
        general_rate="Free",
    ),
    # 9903.91.06: natural graphite 2504.10.10 at 25% from 2026-01-01; the fentanyl duty at 10%
    # (legistrack-2025-eo-14357); the reciprocal duty does not apply (Annex II, note 2(v)(iii)(a)).
    Case(
        "us-review-91-06-graphite",
        "USA",
        "CHN",
        "2026-01-15",
        "25041010",
        35,
        35,
        (US + "2024-301-REVIEW-GRAPHITE-2026", US + "2025-IEEPA-FENT-10"),
        (US + "2025-IEEPA-RECIP-EXT-NOV26",),
    ),
    # 9903.91.07: respirators 6307.90.9842 at 50% from 2026-01-01, fentanyl 10%, reciprocal 10%.
    Case(
        "us-review-91-07-respirators",
        "USA",
        "CHN",
        "2026-01-15",
        "6307909842",
        70,
        70,
        (US + "2024-301-REVIEW-FACEMASKS-2026", US + "2025-IEEPA-FENT-10", US + "2025-IEEPA-RECIP-EXT-NOV26"),
    ),
    # 9903.91.08: medical rubber gloves 4015.12.10 at 100% from 2026-01-01, fentanyl 10%, reciprocal 10%.
    Case(
        "us-review-91-08-gloves",
        "USA",
        "CHN",
        "2026-01-15",
        "40151210",
        120,
        120,
        (US + "2024-301-REVIEW-GLOVES-2026", US + "2025-IEEPA-FENT-10", US + "2025-IEEPA-RECIP-EXT-NOV26"),
    ),
    # 9903.92.10: ship-to-shore cranes under 8426.19.00 at 25% (described goods: other cranes of the
    # subheading are not covered), with the 9903.91.09 exclusion of cranes ordered before 2024-05-14.
    Case("us-review-92-10-cranes", "USA", "CHN", "2024-10-01", "84261900", 0, 25, ()),
    # 9903.91.10: enteral syringes 9018.31.0080 excluded from heading 9903.91.03 (an exclusion).
    Case(
        "us-review-91-10-enteral-syringes-excluded",
        "USA",
        "CHN",
        "2024-10-01",
        "9018310080",
        0,
        0,
        (),
        (US + "2024-301-REVIEW-SYRINGES", US + "2024-301-REVIEW-EV"),
    ),
    # 9903.91.11 (fr-89-101682): tungsten 8101.94.00 at 25% from 2025-01-01 (MFN 6.6%).
    Case(
        "us-review-91-11-tungsten",
        "USA",
        "CHN",
        "2025-01-15",
        "81019400",
        25,
        25,
        (US + "2024-301-REVIEW-TUNGSTEN-2025",),
        general_rate="6.6%",
    ),
    # --- IEEPA, Section 232, Section 122, 2025-2026 (a line on no list: toys) ---------------------
    # eo-14195: 10% on all products of China from 2025-02-04.
    Case("us-toys-fentanyl-10", "USA", "CHN", "2025-02-10", "95030000", 10, 10, (US + "2025-IEEPA-FENT",)),
    # eo-14228: raised to 20% from 2025-03-04.
    Case(
        "us-toys-fentanyl-20",
        "USA",
        "CHN",
        "2025-03-10",
        "95030000",
        20,
        20,
        (US + "2025-IEEPA-FENT-20",),
        general_rate="Free",
    ),
    # eo-14257 s.3: the 10% reciprocal baseline from 2025-04-05, on top of the 20%.
    Case(
        "us-toys-baseline",
        "USA",
        "CHN",
        "2025-04-07",
        "95030000",
        30,
        30,
        (US + "2025-IEEPA-FENT-20", US + "2025-IEEPA-RECIP-BASE10"),
    ),
    # eo-14259: China's reciprocal rate 84% from 2025-04-09.
    Case(
        "us-toys-reciprocal-84",
        "USA",
        "CHN",
        "2025-04-09",
        "95030000",
        104,
        104,
        (US + "2025-IEEPA-FENT-20", US + "2025-IEEPA-RECIP-84"),
    ),
    # eo-14266: 125% from 2025-04-10: toys pay 145% additional, MFN Free (issue 9).
    Case(
        "us-toys-145",
        "USA",
        "CHN",
        "2025-04-10",
        "95030000",
        145,
        145,
        (US + "2025-IEEPA-FENT-20", US + "2025-IEEPA-RECIP-125"),
        general_rate="Free",
    ),
    # eo-14298: 10% from 2025-05-14 for 90 days; the postal duty (eo-14256 as amended, 54% from
    # 2025-05-14) applies instead of all others to postal shipments only: beside the total.
    Case(
        "us-toys-geneva",
        "USA",
        "CHN",
        "2025-05-20",
        "95030000",
        30,
        30,
        (US + "2025-IEEPA-FENT-20", US + "2025-IEEPA-RECIP-GENEVA10"),
    ),
    # legistrack-2025-eo-14357 / -14358: fentanyl 10% and the reciprocal 10% kept from 2025-11-10.
    Case(
        "us-toys-after-busan",
        "USA",
        "CHN",
        "2025-11-15",
        "95030000",
        20,
        20,
        (US + "2025-IEEPA-FENT-10", US + "2025-IEEPA-RECIP-EXT-NOV26"),
    ),
    # globaltraderelations-2026-scotus-syllabus, internationaltradeinsights-2026-cbp-ieepa-end,
    # jmrodgers-2026-s122-guidance: IEEPA duties end 2026-02-24; Section 122 10% from then.
    Case("us-toys-section-122", "USA", "CHN", "2026-02-25", "95030000", 10, 10, (US + "2026-122-SURCHARGE",)),
    # Handbags after Busan: List 3 25%, fentanyl 10%, reciprocal 10%; MFN 9% (hts-2025-rev-30).
    Case(
        "us-handbags-after-busan",
        "USA",
        "CHN",
        "2025-11-15",
        "42022190",
        45,
        45,
        (US + "2019-301-L3-25", US + "2025-IEEPA-FENT-10", US + "2025-IEEPA-RECIP-EXT-NOV26"),
        general_rate="9%",
    ),
    # A Section 232 line outside the reciprocal duty: steel 7208.51.00 on 2025-04-10 pays the
    # review's 25%, fentanyl 20% and Section 232 25% (coleintl-2025-232-march12, 9903.81.87); not the
    # 125% (EO 14257 s.3(b); U.S. note 2(v)(vi)).
    Case(
        "us-steel-outside-reciprocal",
        "USA",
        "CHN",
        "2025-04-10",
        "72085100",
        70,
        70,
        (US + "2025-232-STEEL25", US + "2025-IEEPA-FENT-20"),
        (US + "2025-IEEPA-RECIP-125",),
    ),
    # federalnewswire-2025-232-50pct: steel raised to 50% from 2025-06-04.
    Case(
        "us-steel-50",
        "USA",
        "CHN",
        "2025-06-10",
        "72085100",
        95,
        95,
        (US + "2025-232-STEEL50",),
        (US + "2025-IEEPA-RECIP-GENEVA10",),
    ),
    # The electronics exception (cbp-2025-csms-64724565, memorandum of 11 Apr 2025, from
    # 2025-04-05): smartphones 8517.13.00 pay the fentanyl 20% only.
    Case(
        "us-smartphones-electronics-exception",
        "USA",
        "CHN",
        "2025-04-15",
        "85171300",
        20,
        20,
        (US + "2025-IEEPA-FENT-20",),
        (US + "2025-IEEPA-RECIP-125",),
    ),
    # An Annex II line (hts-2025-rev-7, note 2(v)(iii)(a): 2709.00.20 crude petroleum): not subject
    # to the reciprocal duty; List 3 25% + fentanyl 20%; MFN 10.5¢/bbl, a specific rate.
    Case(
        "us-crude-annex-ii",
        "USA",
        "CHN",
        "2025-04-15",
        "27090020",
        45,
        45,
        (US + "2019-301-L3-25", US + "2025-IEEPA-FENT-20"),
        (US + "2025-IEEPA-RECIP-125",),
        "10.5¢/bbl",
    ),
    # EV on 2025-04-10: review 100% + fentanyl 20% + the autos Section 232 25% (omnitrans-2025-232-autos,
    # 9903.94.01, U.S. note 33(b) lists 8703.80.00 for passenger vehicles): 145%. Goods of the
    # subheading that are not passenger vehicles fall outside 9903.94.01 and pay the 125% instead.
    Case("us-ev-autos-232", "USA", "CHN", "2025-04-10", "87038000", 145, 245, (US + "2024-301-REVIEW-EV",)),
    # --- China on the United States ------------------------------------------------------------
    # ctc-2018-13-annex: pork 0203.29.00 in the 25% part of the s.232 countermeasure from 2018-04-02.
    Case("cn-232-retaliation-pork", "CHN", "USA", "2018-04-10", "02032900", 25, 25, (CN + "2018-232-R25",)),
    # ctc-2018-5-annex1: soybeans (1201.90.10, 1201.90.20) at 25% from 2018-07-06.
    Case("cn-l1-soybeans", "CHN", "USA", "2018-07-10", "1201", 25, 25, (CN + "2018-CTC-L1",)),
    # ctc-2018-10-annexes: the 25% on US autos (annex 1: 8703.23.42 of list 1) suspended from 2019-01-01.
    Case("cn-autos-suspended", "CHN", "USA", "2019-06-15", "87032342", 0, 0, (), (CN + "2018-CTC-L1",)),
    # ctc-2019-3-annex1/annex2: toys of 9503.00 at 25% except 9503.00.10 at 20%, from 2019-06-01:
    # an HS6 question whose lines disagree.
    Case("cn-toys-hs6-disagree", "CHN", "USA", "2019-06-15", "950300", 20, 25, ()),
    # ctc-2018-7-annex (coal 2701.11.00 on list 2, 25%) and ctc-2025-1 (15% on coal from
    # 2025-02-10); the 2019 list of 5,078 lines (halved 2020) and the 10% annex of ctc-2025-1 are
    # not encoded and may apply (upper).
    Case(
        "cn-coal-fentanyl-countermeasure",
        "CHN",
        "USA",
        "2025-02-15",
        "27011100",
        40,
        57.5,
        (CN + "2018-CTC-L2", CN + "2025-CTC-FENT-T15"),
    ),
    # ctc-2025-5: 84% on all US goods from 2025-04-10, on top of toys' 20% of 2019 (9503.00.10).
    Case(
        "cn-toys-84",
        "CHN",
        "USA",
        "2025-04-11",
        "95030010",
        104,
        136.5,
        (CN + "2019-CTC-L3-T20", CN + "2025-CTC-RECIP-84"),
    ),
    # --- the EU on China: per-exporter duties on electric cars (eu-reg-2024-2754) -----------------
    Case(
        "eu-bev-byd",
        "EUN",
        "CHN",
        "2025-06-01",
        "87038010",
        17,
        17,
        (EU + "2024-CVD-BEV-BYD",),
        exporter="BYD",
    ),
    Case("eu-bev-range", "EUN", "CHN", "2025-06-01", "87038010", 7.8, 35.3, ()),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_pinned_stack(real_release: Path, case: Case) -> None:
    stack = rate_stack(case.imposing, case.target, case.on, hs_code=case.hs, exporter=case.exporter)
    status = {layer.event_id: layer.status for layer in stack.layers}
    assert (stack.additional_pct, stack.additional_upper_pct) == (case.sure, case.upper)
    for event_id in case.applies:
        assert status.get(event_id) == "applies", event_id
    for event_id in case.off:
        assert status.get(event_id) in ("does not apply", "excluded"), event_id
    if case.general_rate is not None:
        assert stack.general_rate == case.general_rate
        if stack.mfn_pct is not None:
            assert stack.total_pct == round(stack.mfn_pct + case.sure, 6)


def test_handbags_2018_only_section_201_may_apply(real_release: Path) -> None:
    stack = rate_stack("USA", "CHN", "2018-09-24", hs_code="4202.21.90")
    doubtful = {la.event_id for la in stack.layers if la.status == "may apply"}
    assert doubtful == {US + "2018-201-SOLAR", US + "2018-201-WASHERS-T20", US + "2018-201-WASHERS-T50"}
    assert all(la.reasons == ("list-not-encoded",) for la in stack.layers if la.event_id in doubtful)


def test_toys_hs6_lines_behind_each_value(real_release: Path) -> None:
    stack = rate_stack("CHN", "USA", "2019-06-15", hs_code="950300")
    assert stack.values[(20.0, 20.0)] == ("95030010",)
    assert len(stack.values[(25.0, 25.0)]) == 6


def test_postal_duty_is_an_alternative(real_release: Path) -> None:
    stack = rate_stack("USA", "CHN", "2025-05-20", hs_code="95030000")
    assert [(la.event_id, la.rate_pct) for la in stack.alternatives] == [(US + "2025-IEEPA-POSTAL-54", 54)]


def test_eu_company_rates_on_electric_cars_are_not_added_up(real_release: Path) -> None:
    """Regulation (EU) 2024/2754: one definitive rate per exporter (highest 35.3%) on BEVs; asked at
    HS6 (870380) the line is only partly the listed 8703 80 10."""
    stack = rate_stack("EUN", "CHN", "2025-06-01", hs_code="870380")
    company = [layer for layer in stack.layers if layer.event_id.startswith("EUN-CHN-2024-CVD-BEV-")]
    assert len(company) == 6
    assert {layer.status for layer in company} == {"may apply"}
    assert (stack.additional_pct, stack.additional_upper_pct) == (0, 35.3)


def test_chart_shows_the_2018_2019_escalation(real_release: Path, tmp_path: Path) -> None:
    """The schedule's unweighted average over tariff lines, both directions, 2018-2026: drawn to a
    PNG, and the escalation of 2018-2019 checked in the series drawn (each round raises it)."""
    from matplotlib.image import imread

    from policydata.plot import plot_timelines
    from policydata.tariffs import MEAN, SHARE, rate_timeline

    frames = [rate_timeline(a, b, "2018-01-01", "2026-12-05") for a, b in (("USA", "CHN"), ("CHN", "USA"))]
    target = tmp_path / "tariffs.png"
    plot_timelines(frames, target)
    pixels = imread(target)
    assert pixels.shape[0] > 500
    assert (pixels[..., :3] < 0.9).any(axis=2).mean() > 0.01

    def value(frame: object, series: str, day: str) -> float:
        import pandas as pd

        assert isinstance(frame, pd.DataFrame)
        rows = frame[(frame["series"] == series) & (frame["start"] <= day) & (frame["end"] > day)]
        return float(rows["rate_pct"].iloc[0])

    us, cn = frames
    # US: Lists 1, 2, 3 (10%), 3 at 25%, 4A at 15%; Phase One halves 4A
    rounds = ["2018-06-01", "2018-07-06", "2018-08-23", "2018-09-24", "2019-05-10", "2019-09-01"]
    us_means = [value(us, MEAN, d) for d in rounds]
    assert us_means == sorted(us_means) and len(set(us_means)) == len(us_means)
    assert value(us, MEAN, "2020-02-14") < value(us, MEAN, "2019-09-01")
    # China: the answers of 2018-07-06, 2018-08-23, 2018-09-24 and 2019-06-01
    cn_means = [
        value(cn, MEAN, d) for d in ["2018-06-01", "2018-07-06", "2018-08-23", "2018-09-24", "2019-06-01"]
    ]
    assert cn_means == sorted(cn_means) and len(set(cn_means)) == len(cn_means)
    # most lines the lists name carry a duty once List 4A applies
    assert value(us, SHARE, "2019-09-01") > 90
