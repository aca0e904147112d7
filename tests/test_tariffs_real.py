"""Rate stacks pinned on real dates, against the release this checkout carries.

Each expected value was worked out by hand from the documents the events cite (the source ids in
the comments are rows of the ``sources`` table, which gives their addresses), never from the
engine's output. The dates are ones where the public record is unambiguous.

What a case pins. ``layers`` are the events the documents say applied to the product on that day,
with their rates; ``total`` is their sum. The stack must contain each of them (``applies``, or
``may apply`` where the release does not encode the event's product list); every layer the stack
says ``applies`` must be one of them; and ``total_pct <= total <= total_with_may_apply_pct``, with
equality on the left when every documented layer is one the release can place with certainty
(``exact``). ``absent`` lists events the documents say no longer applied (ended, replaced,
suspended): they must not be in the stack at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from policydata import settings
from policydata.errors import ReleaseNotFoundError
from policydata.release.index import embedded_release_dir
from policydata.tariffs import rate_stack


@pytest.fixture(scope="module")
def real_release(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The release this checkout carries; built from datasets/sources when there is none yet."""
    try:
        embedded: Path | None = embedded_release_dir()
    except ReleaseNotFoundError:
        embedded = None
    if embedded is not None:
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
        yield path


@dataclass(frozen=True)
class Case:
    id: str
    imposing: str
    target: str
    on: str
    hs: str | None
    layers: dict[str, float]
    exact: bool
    absent: tuple[str, ...] = field(default=())

    @property
    def total(self) -> float:
        return sum(self.layers.values())


CASES = [
    # --- United States on China -------------------------------------------------------------
    # eo-14195 (90 FR 9121, s.2): 10% on all products of the PRC from 12:01 a.m. ET 4 Feb 2025.
    Case("us-2025-02-10-fentanyl-10", "USA", "CHN", "2025-02-10", None,
         {"USA-CHN-2025-IEEPA-FENT": 10}, exact=True),
    # eo-14228 (90 FR 11463): the 10% raised to 20% from 4 Mar 2025; a rate that replaced another.
    Case("us-2025-03-10-fentanyl-20-replaces-10", "USA", "CHN", "2025-03-10", None,
         {"USA-CHN-2025-IEEPA-FENT-20": 20}, exact=True, absent=("USA-CHN-2025-IEEPA-FENT",)),
    # eo-14257 (90 FR 15041, s.3): the 10% reciprocal baseline from 5 Apr 2025, on top of the 20%.
    Case("us-2025-04-07-baseline", "USA", "CHN", "2025-04-07", None,
         {"USA-CHN-2025-IEEPA-FENT-20": 20, "USA-CHN-2025-IEEPA-RECIP-BASE10": 10}, exact=True),
    # eo-14259 (90 FR 15509): China's reciprocal rate set at 84% from 12:01 a.m. ET 9 Apr 2025.
    Case("us-2025-04-09-reciprocal-84", "USA", "CHN", "2025-04-09", None,
         {"USA-CHN-2025-IEEPA-FENT-20": 20, "USA-CHN-2025-IEEPA-RECIP-84": 84}, exact=True,
         absent=("USA-CHN-2025-IEEPA-RECIP-BASE10",)),
    # eo-14266 (90 FR 15625, s.3): 84% raised to 125% from 12:01 a.m. ET 10 Apr 2025.
    Case("us-2025-04-10-reciprocal-125", "USA", "CHN", "2025-04-10", None,
         {"USA-CHN-2025-IEEPA-FENT-20": 20, "USA-CHN-2025-IEEPA-RECIP-125": 125}, exact=True,
         absent=("USA-CHN-2025-IEEPA-RECIP-84",)),
    # eo-14298 (90 FR 21831): 125% suspended down to 10% for 90 days from 14 May 2025; the
    # fentanyl 20% unchanged. A date inside a suspension.
    Case("us-2025-05-20-geneva-suspension", "USA", "CHN", "2025-05-20", None,
         {"USA-CHN-2025-IEEPA-FENT-20": 20, "USA-CHN-2025-IEEPA-RECIP-GENEVA10": 10}, exact=True,
         absent=("USA-CHN-2025-IEEPA-RECIP-125",)),
    # legistrack-2025-eo-14357 (EO 14357): fentanyl duty 20% -> 10% from 10 Nov 2025;
    # legistrack-2025-eo-14358 (EO 14358): the reciprocal 10% kept, suspension to 10 Nov 2026.
    Case("us-2025-11-15-after-busan", "USA", "CHN", "2025-11-15", None,
         {"USA-CHN-2025-IEEPA-FENT-10": 10, "USA-CHN-2025-IEEPA-RECIP-EXT-NOV26": 10}, exact=True,
         absent=("USA-CHN-2025-IEEPA-FENT-20",)),
    # A product excepted from a general measure: eo-14257 s.3(b) excepts "semiconductors" from the
    # reciprocal duty, and the memorandum of 11 Apr 2025 ("Clarification of Exceptions Under
    # Executive Order 14257", read at https://americanfocus.online/?p=42222 and
    # https://worldtradescanner.com/Clarification%20of%20Exceptions%20Under%20Executive%20Order%2014257%20of%20April%202,%202025,%20as%20Amended.htm;
    # not in the sources table) lists 8517.13.00 (smartphones) among them, from 5 Apr 2025.
    # Smartphones were on section 301 list 4B, which never applied; the fentanyl 20% (eo-14228,
    # all products) still did. The release does not encode the reciprocal duty's exception list,
    # so the engine may only flag the 125% "may apply"; it must not count it.
    Case("us-2025-04-15-smartphones-excepted-from-reciprocal", "USA", "CHN", "2025-04-15", "85171300",
         {"USA-CHN-2025-IEEPA-FENT-20": 20}, exact=True),
    # After an end by a court: globaltraderelations-2026-scotus-syllabus (IEEPA does not authorize
    # tariffs, decided 20 Feb 2026) and internationaltradeinsights-2026-cbp-ieepa-end (collection
    # stopped 24 Feb 2026); jmrodgers-2026-s122-guidance (CSMS 67844987): section 122 surcharge of
    # 10% on imports from all countries from 12:01 a.m. EST 24 Feb 2026.
    Case("us-2026-02-25-section-122-after-ieepa-struck-down", "USA", "CHN", "2026-02-25", None,
         {"USA-CHN-2026-122-SURCHARGE": 10}, exact=True,
         absent=("USA-CHN-2025-IEEPA-FENT-10", "USA-CHN-2025-IEEPA-RECIP-EXT-NOV26")),
    # fr-89-76581 (four-year review): electric vehicles (HTSUS 8703.80.00) to 100% from
    # 27 Sep 2024 under 9903.91.xx, in place of the earlier section 301 heading; no other
    # additional duty on Chinese EVs that day.
    Case("us-2024-10-01-ev-100", "USA", "CHN", "2024-10-01", "87038000",
         {"USA-CHN-2024-301-REVIEW-EV": 100}, exact=True),
    # fr-89-101682 (Dec 2024 notice) and livingston-2024-tungsten: tungsten products (8101.94.00)
    # to 25% from 1 Jan 2025 under 9903.91.11, in place of earlier section 301 headings.
    Case("us-2025-01-15-tungsten-25", "USA", "CHN", "2025-01-15", "81019400",
         {"USA-CHN-2024-301-REVIEW-TUNGSTEN-2025": 25}, exact=True),
    # --- China on the United States ---------------------------------------------------------
    # ctc-2025-5 (税委会公告2025年第5号): the 34% of No. 4 raised to 84% from 10 Apr 2025, on
    # all goods originating in the US; the 34% itself never applied.
    Case("cn-2025-04-11-countermeasure-84", "CHN", "USA", "2025-04-11", None,
         {"CHN-USA-2025-CTC-RECIP-84": 84}, exact=True, absent=("CHN-USA-2025-CTC-RECIP-34",)),
    # ctc-2025-6 (No. 6): 84% -> 125% from 12 Apr 2025.
    Case("cn-2025-04-15-countermeasure-125", "CHN", "USA", "2025-04-15", None,
         {"CHN-USA-2025-CTC-RECIP-125": 125}, exact=True, absent=("CHN-USA-2025-CTC-RECIP-84",)),
    # hk01-2025-ctc-geneva (Geneva announcement): from 14 May 2025 the rate is 10%, 24%
    # suspended for 90 days, No. 5 and No. 6 stopped. A date inside a suspension.
    Case("cn-2025-05-20-geneva-suspension", "CHN", "USA", "2025-05-20", None,
         {"CHN-USA-2025-CTC-GENEVA-10": 10}, exact=True, absent=("CHN-USA-2025-CTC-RECIP-125",)),
    # cnhan-2018-ctc-50bn and globaltimes-2019-trade-timeline (税委会公告〔2018〕5号): 25% on the
    # first 545 items, soybeans (heading 1201) among them, from 6 Jul 2018.
    Case("cn-2018-07-10-soybeans", "CHN", "USA", "2018-07-10", "1201",
         {"CHN-USA-2018-CTC-L1": 25}, exact=False),
    # ctc-2025-2 (10% on soybeans from 10 Mar 2025) ended by udn-2025-ctc-nov from 10 Nov 2025;
    # ctc-2025-10: 10% of No. 4 kept (24% suspended a year). 2018 list 1 unchanged. After an end.
    Case("cn-2025-11-15-soybeans-after-farm-end", "CHN", "USA", "2025-11-15", "1201",
         {"CHN-USA-2018-CTC-L1": 25, "CHN-USA-2025-CTC-SUSP-EXT-NOV": 10}, exact=False,
         absent=("CHN-USA-2025-CTC-FARM-T10",)),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_pinned_stack(real_release: Path, case: Case) -> None:
    stack = rate_stack(case.imposing, case.target, case.on, hs_code=case.hs)
    found = {layer.event_id: layer for layer in stack.layers}
    for event_id, rate in case.layers.items():
        assert event_id in found, f"{event_id} missing from the stack on {case.on}"
        assert found[event_id].rate_pct == rate
        assert found[event_id].status in ("applies", "may apply")
        if case.exact:
            assert found[event_id].status == "applies"
    applies = {e for e, layer in found.items() if layer.status == "applies"}
    assert applies <= set(case.layers), f"undocumented layers apply: {sorted(applies - set(case.layers))}"
    for event_id in case.absent:
        assert event_id not in found
    assert stack.total_pct <= case.total <= stack.total_with_may_apply_pct
    if case.exact:
        assert stack.total_pct == case.total


def test_eu_company_rates_on_electric_cars_are_not_added_up() -> None:
    """Regulation (EU) 2024/2754: one definitive rate per exporter (highest 35.3%) on BEVs."""
    import policydata

    stack = policydata.tariffs.rate_stack("EUN", "CHN", "2025-06-01", hs_code="870380")
    company = [layer for layer in stack.layers if layer.event_id.startswith("EUN-CHN-2024-CVD-BEV-")]
    assert len(company) == 6
    assert {layer.status for layer in company} == {"may apply"}
    assert stack.total_pct == 0
    assert stack.total_with_may_apply_pct == 35.3
