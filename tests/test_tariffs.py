"""Rate stacks, timelines and the panel on a small synthetic release (every id says TEST, every date
is in 2099: none of these records is a fact about real tariffs).

The fixture, US on China (all rates additional, percent ad valorem):

* TEST-A    all goods 10% from 01-10; replaced by TEST-A2 (20%) from 03-01, which is suspended at
  0% by TEST-A-SUSP from 05-01 to 07-01 and restored at 20% by TEST-A3 from 07-01.
* TEST-X    excludes 8703 (heading) from the TEST-A layer from 02-01 to 06-01.
* TEST-B    listed (encoded: 8541, 950300) 25% from 01-20, ended 04-01.
* TEST-C    listed, list not encoded, 15% from 02-15: may apply to anything.
* TEST-D    listed (encoded: 870380) 50% from 03-10: a query of 8703 matches only partly.
* TEST-N    all goods 100%, never in force.
* TEST-R    a ruling (no rate) on 07-01.

China on the US:

* TEST-K    listed (encoded: 1201) 25% from 01-10, replaced by TEST-K2 at 10% from 04-01 to 08-01
  (a suspension), then TEST-K3 at 25% again.
* TEST-L    all goods 15% from 02-01, ended 03-01.
* TEST-O    overrides the earlier countermeasures on 120110 (encoded) at 5% from 09-01; 120190 keeps
  TEST-K3's 25%.
* TEST-M    all goods 5% from 09-15.
* TEST-Q    applies instead of every other duty to 950300 (encoded) at 40%, 10-01 to 11-01.
* TEST-P    applies instead of every other duty to listed goods (list not encoded) at 60% from 10-01:
  an alternative for every product.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from policydata import settings
from policydata.catalog import table
from policydata.errors import InvalidArgumentError
from policydata.publish.build import build_release
from policydata.schemas.model import field_specs
from policydata.tariffs import rate_panel, rate_stack, rate_timeline

D = dt.date
SOURCE = "test-2099-synthetic"


def _event(event_id: str, **values: Any) -> dict[str, Any]:
    imposing, target = event_id.split("-")[:2]
    row = {
        "event_id": event_id,
        "imposing": imposing,
        "target": target,
        "title": f"Synthetic test event {event_id}",
        "authority": "us-section-301" if imposing == "USA" else "cn-countermeasure",
        "legal_basis": "Synthetic test record",
        "action": "impose",
        "combines": "stacks",
        "retroactive": "false",
        "coverage": "listed-products",
        "products_encoded": "true",
        "product_scope": "Synthetic test scope",
        "status": "in-force",
    }
    row.update({k: str(v).lower() if isinstance(v, bool) else v for k, v in values.items()})
    return row


EVENTS = [
    _event("USA-CHN-2099-TEST-A", coverage="all-goods", products_encoded=False, rate_pct=10,
           effective_date="2099-01-10", end_date="2099-03-01", status="superseded"),
    _event("USA-CHN-2099-TEST-A2", action="increase", combines="replaces",
           amends_event_id="USA-CHN-2099-TEST-A", coverage="all-goods", products_encoded=False,
           rate_pct=20, effective_date="2099-03-01",
           end_date="2099-05-01", status="superseded"),
    _event("USA-CHN-2099-TEST-A-SUSP", action="suspend", combines="replaces",
           amends_event_id="USA-CHN-2099-TEST-A2", coverage="all-goods", products_encoded=False, rate_pct=0,
           effective_date="2099-05-01", end_date="2099-07-01", status="superseded"),
    _event("USA-CHN-2099-TEST-A3", action="increase", combines="replaces",
           amends_event_id="USA-CHN-2099-TEST-A-SUSP", coverage="all-goods", products_encoded=False,
           rate_pct=20, effective_date="2099-07-01"),
    _event("USA-CHN-2099-TEST-X", action="exclude", combines="excludes",
           amends_event_id="USA-CHN-2099-TEST-A", effective_date="2099-02-01", end_date="2099-06-01",
           status="ended"),
    _event("USA-CHN-2099-TEST-B", rate_pct=25, effective_date="2099-01-20", end_date="2099-04-01",
           status="ended"),
    _event("USA-CHN-2099-TEST-C", rate_pct=15, products_encoded=False, effective_date="2099-02-15"),
    _event("USA-CHN-2099-TEST-D", rate_pct=50, effective_date="2099-03-10"),
    _event("USA-CHN-2099-TEST-N", coverage="all-goods", products_encoded=False, rate_pct=100,
           status="never-in-force"),
    _event("USA-CHN-2099-TEST-R", authority="court", action="ruling", combines="none",
           coverage="not-applicable", products_encoded=False, effective_date="2099-07-01"),
    _event("CHN-USA-2099-TEST-K", rate_pct=25, effective_date="2099-01-10", end_date="2099-04-01",
           status="superseded"),
    _event("CHN-USA-2099-TEST-K2", action="suspend", combines="replaces",
           amends_event_id="CHN-USA-2099-TEST-K", rate_pct=10, effective_date="2099-04-01",
           end_date="2099-08-01", status="superseded"),
    _event("CHN-USA-2099-TEST-K3", action="increase", combines="replaces",
           amends_event_id="CHN-USA-2099-TEST-K2", rate_pct=25, effective_date="2099-08-01"),
    _event("CHN-USA-2099-TEST-L", coverage="all-goods", products_encoded=False, rate_pct=15,
           effective_date="2099-02-01", end_date="2099-03-01", status="ended"),
    _event("CHN-USA-2099-TEST-O", action="decrease", combines="overrides",
           amends_event_id="CHN-USA-2099-TEST-K3", rate_pct=5, effective_date="2099-09-01"),
    _event("CHN-USA-2099-TEST-M", coverage="all-goods", products_encoded=False, rate_pct=5,
           effective_date="2099-09-15"),
    _event("CHN-USA-2099-TEST-Q", combines="instead", rate_pct=40, effective_date="2099-10-01",
           end_date="2099-11-01", status="ended"),
    _event("CHN-USA-2099-TEST-P", combines="instead", products_encoded=False, rate_pct=60,
           effective_date="2099-10-01"),
]  # fmt: skip
PRODUCTS = [
    ("USA-CHN-2099-TEST-X", "8703"),
    ("USA-CHN-2099-TEST-B", "8541"),
    ("USA-CHN-2099-TEST-B", "950300"),
    ("USA-CHN-2099-TEST-D", "870380"),
    ("CHN-USA-2099-TEST-K", "1201"),
    ("CHN-USA-2099-TEST-K2", "1201"),
    ("CHN-USA-2099-TEST-K3", "1201"),
    ("CHN-USA-2099-TEST-O", "120110"),
    ("CHN-USA-2099-TEST-Q", "950300"),
]
SECTOR = "SEI-TEST"


def _write(path: Path, name: str, rows: list[dict[str, Any]]) -> None:
    names = [s.name for s in field_specs(table(name).model)]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, names, restval="")
        writer.writeheader()
        writer.writerows(rows)


def write_sources(folder: Path) -> None:
    """Every table of a valid synthetic source folder."""
    folder.mkdir(parents=True, exist_ok=True)
    products = [
        {"event_id": e, "hs_code": c, "hs_edition": "HS2022", "description": "Synthetic test product"}
        for e, c in PRODUCTS
    ]
    sector_codes = [
        {"sector_id": SECTOR, "classification": "HS2022", "code": c, "match": "partial"}
        for c in ("8541", "8542")
    ]
    citations = [{"table": "tariff_events", "record_id": e["event_id"], "source_id": SOURCE} for e in EVENTS]
    citations += [
        {"table": "tariff_event_products", "record_id": f"{e}|{c}", "source_id": SOURCE} for e, c in PRODUCTS
    ]
    citations += [{"table": "sectors", "record_id": SECTOR, "source_id": SOURCE}]
    citations += [
        {"table": "sector_codes", "record_id": f"{SECTOR}|HS2022|{r['code']}", "source_id": SOURCE}
        for r in sector_codes
    ]
    source = {
        "source_id": SOURCE,
        "title": "Synthetic test source",
        "publisher": "policydata tests",
        "url": "https://example.org/synthetic",
        "language": "en",
        "kind": "research",
        "checked": "true",
    }
    _write(folder / "sources.csv", "sources", [source])
    _write(folder / "policies.csv", "policies", [])
    _write(
        folder / "sectors.csv", "sectors", [{"sector_id": SECTOR, "scheme": "SEI", "name_en": "Test sector"}]
    )
    _write(folder / "sector_codes.csv", "sector_codes", sector_codes)
    _write(folder / "policy_sectors.csv", "policy_sectors", [])
    _write(folder / "tariff_events.csv", "tariff_events", EVENTS)
    _write(folder / "tariff_event_products.csv", "tariff_event_products", products)
    _write(folder / "citations.csv", "citations", citations)


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("tariffs")
    write_sources(root / "sources")
    path = build_release(root / "sources", root / "releases", "2099.1.0", D(2099, 12, 31))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(settings.ENV_RELEASE_DIR, str(path))
        yield path


def _layers(stack: Any) -> dict[str, tuple[float, str]]:
    return {la.event_id: (la.rate_pct, la.status) for la in stack.layers}


# (imposing, target, date, hs, sector, expected layers, total, total with may-apply)
CASES = [
    ("USA", "CHN", "2099-01-05", "950300", None, {}, 0, 0),
    ("USA", "CHN", "2099-01-25", "950300", None,
     {"USA-CHN-2099-TEST-A": (10, "applies"), "USA-CHN-2099-TEST-B": (25, "applies")}, 35, 35),
    ("USA", "CHN", "2099-02-20", "950300", None,
     {"USA-CHN-2099-TEST-A": (10, "applies"), "USA-CHN-2099-TEST-B": (25, "applies"),
      "USA-CHN-2099-TEST-C": (15, "may apply")}, 35, 50),
    ("USA", "CHN", "2099-03-05", "950300", None,
     {"USA-CHN-2099-TEST-A2": (20, "applies"), "USA-CHN-2099-TEST-B": (25, "applies"),
      "USA-CHN-2099-TEST-C": (15, "may apply")}, 45, 60),
    ("USA", "CHN", "2099-04-10", "950300", None,
     {"USA-CHN-2099-TEST-A2": (20, "applies"), "USA-CHN-2099-TEST-C": (15, "may apply")}, 20, 35),
    ("USA", "CHN", "2099-05-15", "950300", None,
     {"USA-CHN-2099-TEST-A-SUSP": (0, "applies"), "USA-CHN-2099-TEST-C": (15, "may apply")}, 0, 15),
    ("USA", "CHN", "2099-07-01", "950300", None,
     {"USA-CHN-2099-TEST-A3": (20, "applies"), "USA-CHN-2099-TEST-C": (15, "may apply")}, 20, 35),
    ("USA", "CHN", "2099-02-20", "870380", None,
     {"USA-CHN-2099-TEST-A": (10, "excluded"), "USA-CHN-2099-TEST-C": (15, "may apply")}, 0, 15),
    ("USA", "CHN", "2099-03-15", "870380", None,
     {"USA-CHN-2099-TEST-A2": (20, "excluded"), "USA-CHN-2099-TEST-C": (15, "may apply"),
      "USA-CHN-2099-TEST-D": (50, "applies")}, 50, 65),
    ("USA", "CHN", "2099-03-15", "8703", None,
     {"USA-CHN-2099-TEST-A2": (20, "excluded"), "USA-CHN-2099-TEST-C": (15, "may apply"),
      "USA-CHN-2099-TEST-D": (50, "may apply")}, 0, 65),
    ("USA", "CHN", "2099-06-01", "870380", None,
     {"USA-CHN-2099-TEST-A-SUSP": (0, "applies"), "USA-CHN-2099-TEST-C": (15, "may apply"),
      "USA-CHN-2099-TEST-D": (50, "applies")}, 50, 65),
    ("USA", "CHN", "2099-03-15", None, None,
     {"USA-CHN-2099-TEST-A2": (20, "applies"), "USA-CHN-2099-TEST-B": (25, "may apply"),
      "USA-CHN-2099-TEST-C": (15, "may apply"), "USA-CHN-2099-TEST-D": (50, "may apply")}, 20, 110),
    ("USA", "CHN", "2099-03-15", None, SECTOR,
     {"USA-CHN-2099-TEST-A2": (20, "applies"), "USA-CHN-2099-TEST-B": (25, "may apply"),
      "USA-CHN-2099-TEST-C": (15, "may apply")}, 20, 60),
    ("CHN", "USA", "2099-02-10", "120190", None,
     {"CHN-USA-2099-TEST-K": (25, "applies"), "CHN-USA-2099-TEST-L": (15, "applies")}, 40, 40),
    ("CHN", "USA", "2099-03-01", "120190", None, {"CHN-USA-2099-TEST-K": (25, "applies")}, 25, 25),
    ("CHN", "USA", "2099-05-01", "120190", None, {"CHN-USA-2099-TEST-K2": (10, "applies")}, 10, 10),
    ("CHN", "USA", "2099-08-01", "120190", None, {"CHN-USA-2099-TEST-K3": (25, "applies")}, 25, 25),
    ("CHN", "USA", "2099-05-01", "950300", None, {}, 0, 0),
    ("CHN", "USA", "2099-09-05", "120110", None, {"CHN-USA-2099-TEST-O": (5, "applies")}, 5, 5),
    ("CHN", "USA", "2099-09-20", "120190", None,
     {"CHN-USA-2099-TEST-K3": (25, "applies"), "CHN-USA-2099-TEST-M": (5, "applies")}, 30, 30),
    ("CHN", "USA", "2099-10-15", "120110", None,
     {"CHN-USA-2099-TEST-O": (5, "applies"), "CHN-USA-2099-TEST-M": (5, "applies"),
      "CHN-USA-2099-TEST-P": (60, "may apply")}, 10, 60),
    ("CHN", "USA", "2099-10-15", "950300", None,
     {"CHN-USA-2099-TEST-M": (5, "excluded"), "CHN-USA-2099-TEST-Q": (40, "applies"),
      "CHN-USA-2099-TEST-P": (60, "may apply")}, 40, 60),
    ("CHN", "USA", "2099-11-15", "950300", None,
     {"CHN-USA-2099-TEST-M": (5, "applies"), "CHN-USA-2099-TEST-P": (60, "may apply")}, 5, 60),
]  # fmt: skip
IDS = [
    "before-any",
    "two-layers",
    "unencoded-list-may-apply",
    "replaced-rate",
    "after-end",
    "inside-suspension",
    "suspension-lifted-and-ruling",
    "excluded-from-general",
    "excluded-while-replaced",
    "partial-hs-match",
    "exclusion-ended-during-suspension",
    "no-product-headline",
    "sector-part-covered",
    "cn-two-layers",
    "cn-after-end",
    "cn-inside-suspension",
    "cn-suspension-lifted",
    "cn-unlisted-product",
    "cn-override-supersedes-earlier",
    "cn-override-leaves-other-products",
    "cn-instead-may-apply-is-alternative",
    "cn-instead-displaces-others",
    "cn-instead-ended",
]


@pytest.mark.parametrize(("imp", "tgt", "on", "hs", "sector", "layers", "total", "upper"), CASES, ids=IDS)
def test_rate_stack(
    release: Path,
    imp: str,
    tgt: str,
    on: str,
    hs: str | None,
    sector: str | None,
    layers: dict[str, tuple[float, str]],
    total: float,
    upper: float,
) -> None:
    stack = rate_stack(imp, tgt, on, hs_code=hs, sector=sector)
    assert _layers(stack) == layers
    assert stack.total_pct == total
    assert stack.total_with_may_apply_pct == upper
    assert stack.uncertain == (total != upper or any(s == "may apply" for _, s in layers.values()))


def test_never_in_force_and_rulings_never_count(release: Path) -> None:
    ids = {la.event_id for la in rate_stack("USA", "CHN", "2099-12-31").layers}
    assert "USA-CHN-2099-TEST-N" not in ids
    assert "USA-CHN-2099-TEST-R" not in ids


def test_layer_details(release: Path) -> None:
    stack = rate_stack("USA", "CHN", "2099-03-15", hs_code="870380")
    a2 = next(la for la in stack.layers if la.event_id == "USA-CHN-2099-TEST-A2")
    assert a2.layer_id == "USA-CHN-2099-TEST-A"
    assert a2.combines == "replaces"
    assert a2.amends_event_id == "USA-CHN-2099-TEST-A"
    assert "USA-CHN-2099-TEST-X" in a2.reason
    assert (a2.since, a2.until) == (D(2099, 3, 1), D(2099, 5, 1))
    c = next(la for la in stack.layers if la.event_id == "USA-CHN-2099-TEST-C")
    assert "not encoded" in c.reason
    assert stack.version == "2099.1.0"
    assert list(stack.to_frame()["event_id"]) == [la.event_id for la in stack.layers]
    as_dict = stack.to_dict()
    assert as_dict["total_pct"] == 50
    assert [la["since"] for la in as_dict["layers"]] == [la.since.isoformat() for la in stack.layers]


def test_instead_layers(release: Path) -> None:
    stack = rate_stack("CHN", "USA", "2099-10-15", hs_code="950300")
    by_id = {la.event_id: la for la in stack.layers}
    assert by_id["CHN-USA-2099-TEST-Q"].instead
    assert by_id["CHN-USA-2099-TEST-P"].instead
    assert not by_id["CHN-USA-2099-TEST-M"].instead
    assert "CHN-USA-2099-TEST-Q" in by_id["CHN-USA-2099-TEST-M"].reason
    assert "CHN-USA-2099-TEST-K3" not in by_id


def test_timeline_totals_and_causes(release: Path) -> None:
    tl = rate_timeline("USA", "CHN", "2099-01-01", "2099-12-31", hs_code="950300")
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
    assert causes[D(2099, 3, 1)] == "USA-CHN-2099-TEST-A; USA-CHN-2099-TEST-A2"
    assert "USA-CHN-2099-TEST-R" in causes[D(2099, 7, 1)]
    assert causes[D(2099, 1, 1)] == ""
    upper = tl[tl["series"] == "total_with_may_apply"]
    assert upper[upper["start"].dt.date == D(2099, 2, 15)]["rate_pct"].tolist() == [50]


def test_timeline_layers(release: Path) -> None:
    tl = rate_timeline("USA", "CHN", "2099-02-01", "2099-08-31", hs_code="870380")
    layer = tl[tl["series"] == "USA-CHN-2099-TEST-A"]
    got = [(r.event_id, r.start.date(), r.end.date(), r.status) for r in layer.itertuples()]
    assert got == [
        ("USA-CHN-2099-TEST-A", D(2099, 2, 1), D(2099, 3, 1), "excluded"),
        ("USA-CHN-2099-TEST-A2", D(2099, 3, 1), D(2099, 5, 1), "excluded"),
        ("USA-CHN-2099-TEST-A-SUSP", D(2099, 5, 1), D(2099, 6, 1), "excluded"),
        ("USA-CHN-2099-TEST-A-SUSP", D(2099, 6, 1), D(2099, 7, 1), "applies"),
        ("USA-CHN-2099-TEST-A3", D(2099, 7, 1), D(2099, 9, 1), "applies"),
    ]
    assert layer.iloc[3]["changed_by"] == "USA-CHN-2099-TEST-X"


@pytest.mark.parametrize(
    "day",
    [
        "2099-01-01",
        "2099-01-20",
        "2099-02-28",
        "2099-03-10",
        "2099-05-31",
        "2099-06-01",
        "2099-10-15",
        "2099-12-31",
    ],
)
@pytest.mark.parametrize(("imp", "tgt"), [("USA", "CHN"), ("CHN", "USA")], ids=["us-cn", "cn-us"])
def test_panel_agrees_with_stack(release: Path, imp: str, tgt: str, day: str) -> None:
    codes = ["950300", "870380", "8703", "854110", "120190", "120110", "0101"]
    panel = rate_panel(imp, tgt, "2099-01-01", "2099-12-31", hs_codes=codes)
    i = (D.fromisoformat(day) - D(2099, 1, 1)).days
    for row, code in enumerate(codes):
        stack = rate_stack(imp, tgt, day, hs_code=code)
        assert panel.total[row, i] == stack.total_pct, code
        assert panel.total_with_may_apply[row, i] == stack.total_with_may_apply_pct, code


def test_panel_defaults_to_every_listed_code(release: Path) -> None:
    panel = rate_panel("USA", "CHN", "2099-01-01", "2099-01-31")
    assert set(panel.codes) == {c for _, c in PRODUCTS}
    assert panel.total.shape == (len(panel.codes), 31)
    frame = panel.to_frame("total_with_may_apply")
    assert frame.shape == (len(panel.codes), 31)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"imposing": "XXX"}, "imposing"),
        ({"on": "2099-13-01"}, "on"),
        ({"hs_code": "95030"}, "hs_code"),
        ({"sector": "SEI-NONE"}, "sector"),
        ({"hs_code": "950300", "sector": SECTOR}, "both"),
    ],
    ids=["jurisdiction", "date", "hs", "sector", "hs-and-sector"],
)
def test_bad_arguments(release: Path, kwargs: dict[str, Any], field: str) -> None:
    args: dict[str, Any] = {"imposing": "USA", "target": "CHN", "on": "2099-01-01", **kwargs}
    with pytest.raises(InvalidArgumentError) as info:
        rate_stack(**args)
    assert info.value.code == "invalid-argument"


def test_timeline_window_must_be_ordered(release: Path) -> None:
    with pytest.raises(InvalidArgumentError):
        rate_timeline("USA", "CHN", "2099-02-01", "2099-01-01")


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


def _engine_event(event_id: str, **kw: Any) -> Any:
    """An engine event for tests that bypass the release (defaults: US on China, Section 301)."""
    from policydata import tariffs as t

    imposing, target = event_id.split("-")[:2]
    base: dict[str, Any] = {
        "imposing": imposing, "target": target, "title": "Synthetic", "authority": "us-section-301",
        "action": "impose", "combines": "stacks", "amends": None, "end": None,
        "coverage": "listed-products", "encoded": True, "status": "in-force",
    }  # fmt: skip
    return t._Event(event_id=event_id, **{**base, **kw})


def test_partial_replacement_leaves_the_rest_in_place() -> None:
    # A replacement that lists only some products supersedes the earlier rate for those products
    # alone. The validator asks a replaced event to end when it is replaced (replace-gap), so this
    # case cannot be built into a release; it is checked on the engine directly.
    from policydata import tariffs as t

    def ev(event_id: str, **kw: Any) -> t._Event:
        return _engine_event(event_id, **kw)

    events = (
        ev("USA-CHN-2099-TEST-P", effective=D(2099, 1, 1), rate=7.5, encoded=False),
        ev("USA-CHN-2099-TEST-P2", combines="replaces", amends="USA-CHN-2099-TEST-P",
           effective=D(2099, 6, 1), rate=25),
    )  # fmt: skip
    data = t._Data("2099.0.0", events, {"USA-CHN-2099-TEST-P2": t._Products.of(["850760"])}, {}, ("850760",))
    pair = data.pair("USA", "CHN")

    def statuses(code: str, day: dt.date) -> dict[str, tuple[float, str]]:
        query = t._Query((code,), code)
        segs = t._segments(pair, t._coverage(pair, data, query))
        return {
            s.event.event_id: (s.event.rate or 0.0, s.status)
            for s in segs
            if s.start <= day and (s.stop is None or day < s.stop)
        }

    assert statuses("850760", D(2099, 5, 1)) == {"USA-CHN-2099-TEST-P": (7.5, "may apply")}
    assert statuses("850760", D(2099, 7, 1)) == {"USA-CHN-2099-TEST-P2": (25, "applies")}
    assert statuses("950300", D(2099, 7, 1)) == {"USA-CHN-2099-TEST-P": (7.5, "may apply")}


def test_a_replacement_that_may_apply_counts_only_in_the_upper_total() -> None:
    # an encoded layer, then a later suspension whose product list is not encoded: without the
    # layers that may apply the 10% stands; with them the suspension's 0% replaces it
    from policydata import tariffs as t

    def ev(event_id: str, **kw: Any) -> t._Event:
        return _engine_event(event_id, **{"coverage": "all-goods", "encoded": False, **kw})

    events = (
        ev("USA-CHN-2099-TEST-S", effective=D(2099, 1, 1), rate=10),
        ev("USA-CHN-2099-TEST-S2", combines="replaces", amends="USA-CHN-2099-TEST-S", effective=D(2099, 6, 1),
           rate=0, coverage="listed-products"),
        ev("USA-CHN-2099-TEST-X", combines="excludes", amends="USA-CHN-2099-TEST-S", effective=D(2099, 8, 1),
           rate=None, coverage="listed-products"),
    )  # fmt: skip
    data = t._Data("2099.0.0", events, {}, {}, ())
    pair = data.pair("USA", "CHN")
    segs = t._segments(pair, t._coverage(pair, data, t._Query(("950300",), "950300")))

    def at(day: dt.date) -> tuple[dict[str, tuple[str, str]], tuple[float, float]]:
        active = [s for s in segs if t._inside(day, s.start, s.stop)]
        return {s.event.event_id: (s.status, s.reason) for s in active}, t._totals(active)

    layers, totals = at(D(2099, 7, 1))
    assert layers["USA-CHN-2099-TEST-S"][0] == "applies"
    assert "may be replaced by USA-CHN-2099-TEST-S2" in layers["USA-CHN-2099-TEST-S"][1]
    assert layers["USA-CHN-2099-TEST-S2"][0] == "may apply"
    assert totals == (10, 0)
    # an exclusion that may apply is noted, and assumed in neither total
    layers, totals = at(D(2099, 9, 1))
    assert "may be excluded by USA-CHN-2099-TEST-X" in layers["USA-CHN-2099-TEST-S"][1]
    assert totals == (10, 0)


def test_rates_for_different_exporters_are_alternatives() -> None:
    # two exporter-specific rates of one action on the same product, and a rate for everyone:
    # neither company rate surely applies, and the upper total takes the higher of them, not both
    from policydata import tariffs as t

    def ev(event_id: str, **kw: Any) -> t._Event:
        return _engine_event(event_id, **{"authority": "eu-anti-subsidy", "effective": D(2099, 1, 1), **kw})

    events = (
        ev("EUN-CHN-2099-TEST-CO-A", rate=17.0, exporter="Company A"),
        ev("EUN-CHN-2099-TEST-CO-B", rate=35.3, exporter="Company B"),
        ev("EUN-CHN-2099-TEST-ALL", rate=10.0, coverage="all-goods", encoded=False),
    )
    products = {e.event_id: t._Products.of(["870380"]) for e in events[:2]}
    data = t._Data("2099.0.0", events, products, {}, ("870380",))
    pair = data.pair("EUN", "CHN")
    active = [
        s
        for s in t._segments(pair, t._coverage(pair, data, t._Query(("870380",), "870380")))
        if s.start <= D(2099, 2, 1) and (s.stop is None or D(2099, 2, 1) < s.stop)
    ]
    assert {s.event.event_id: s.status for s in active} == {
        "EUN-CHN-2099-TEST-CO-A": "may apply",
        "EUN-CHN-2099-TEST-CO-B": "may apply",
        "EUN-CHN-2099-TEST-ALL": "applies",
    }
    assert t._totals(active) == (10.0, 45.3)
