"""The stacking rules of the legal texts (policydata/tariffs/rules.py), each shown at work on the
synthetic release of ``_tariffs_support`` (ids say TEST, dates are in 2099) or on the rule itself."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from _tariffs_support import CN, EU, US, write_sources

from policydata import settings
from policydata.publish.build import build_release
from policydata.tariffs import rate_stack, rules
from policydata.tariffs.events import Event, index_pair


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("rules")
    write_sources(root / "sources")
    path = build_release(root / "sources", root / "releases", "2099.1.0", dt.date(2099, 12, 31))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(settings.ENV_RELEASE_DIR, str(path))
        mp.setenv(settings.ENV_CACHE_DIR, str(root / "cache"))
        yield path


def _layer(
    imposing: str, target: str, on: str, hs: str, event_id: str
) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    stack = rate_stack(imposing, target, on, hs_code=hs)
    layer = next(la for la in stack.layers if la.event_id == event_id)
    return layer.status, layer.rules, layer.by


# (rule, question, the layer it displaces, the layer that wins)
SEEN = [
    ("section-232-outside-reciprocal", ("USA", "CHN", "2099-04-15", "72085100"), US + "RECIP", US + "STEEL"),
    ("section-232-outside-section-122", ("USA", "CHN", "2099-11-15", "72085100"), US + "122", US + "STEEL"),
    ("vehicles-not-metals", ("USA", "CHN", "2099-05-15", "87038000"), US + "STEEL", US + "AUTOS"),
    ("review-overrides-lists", ("USA", "CHN", "2099-03-15", "87038000"), US + "301", US + "REVIEW"),
    (rules.REPLACEMENT, ("EUN", "CHN", "2099-03-05", "950300"), None, EU + "A2"),
    (rules.OVERRIDES, ("CHN", "USA", "2099-09-05", "120110"), CN + "K3", CN + "O"),
    (rules.INSTEAD, ("CHN", "USA", "2099-10-15", "950300"), CN + "M", CN + "Q"),
]


@pytest.mark.parametrize(("rule", "question", "loser", "winner"), SEEN, ids=[s[0] for s in SEEN])
def test_rule_at_work(
    release: Path, rule: str, question: tuple[str, str, str, str], loser: str | None, winner: str
) -> None:
    if loser is None:  # a replaced event ends when it is replaced: it is simply not in force any more
        ids = {la.event_id for la in rate_stack(*question[:3], hs_code=question[3]).layers}
        assert winner in ids
        assert EU + "A" not in ids
        return
    status, used, by = _layer(*question, loser)
    assert (status, used, by) == ("does not apply", (rule,), (winner,))


def test_every_rule_is_documented_and_at_work(release: Path) -> None:
    seen = {s[0] for s in SEEN} | {"mhdv-not-metals", "semiconductors-not-vehicles"}
    assert {r.rule_id for r in rules.RULES} <= seen
    assert all(r.doc for r in rules.RULES)
    assert set(rules.DOCS) >= {r.rule_id for r in rules.RULES} | {rules.INSTEAD, rules.ONE_HEADING}


def test_fentanyl_stacks_with_section_232(release: Path) -> None:
    # rules.FENTANYL_STACKS_WITH_232: no rule takes the IEEPA fentanyl duty off a 232 line
    stack = rate_stack("USA", "CHN", "2099-04-15", hs_code="72085100")
    status = {la.event_id: la.status for la in stack.layers}
    assert (status[US + "FENT"], status[US + "STEEL"]) == ("applies", "applies")
    assert stack.additional_pct == 45


def test_exclusions_follow_the_layer(release: Path) -> None:
    # rules.EXCLUSIONS_FOLLOW_LAYER: TEST-X names TEST-A, and excludes its replacement TEST-A2 too
    assert _layer("EUN", "CHN", "2099-03-15", "870380", EU + "A2") == ("excluded", (), (EU + "X",))


def _event(event_id: str, authority: str, heading: str, **kw: object) -> Event:
    return Event(
        event_id,
        "USA",
        "CHN",
        "Synthetic",
        authority,
        "impose",
        "stacks",
        None,
        dt.date(2099, 1, 1),
        None,
        25.0,
        "listed-products",
        True,
        "in-force",
        heading=heading,
        **kw,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("winner", "loser", "rule"),
    [
        ("9903.74.01", "9903.82.02", "mhdv-not-metals"),
        ("9903.79.01", "9903.94.05", "semiconductors-not-vehicles"),
        ("9903.79.01", "9903.74.08", "semiconductors-not-vehicles"),
        ("9903.94.01", "9903.76.01", "vehicles-not-metals"),
    ],
)
def test_section_232_programmes(release: Path, winner: str, loser: str, rule: str) -> None:
    """The rules between Section 232 programmes, on events built by hand (the synthetic release
    has no MHDV or semiconductor duty): the winner displaces the loser, never the other way."""
    from policydata.tariffs.events import index as load

    w, lo = (
        _event("USA-CHN-2099-W", "us-section-232", winner),
        _event("USA-CHN-2099-L", "us-section-232", loser),
    )
    pair = index_pair("USA", "CHN", [w, lo])
    fam = {e.event_id: rules.family(e, load()) for e in (w, lo)}
    assert rules.displaces(w, lo, fam, pair) == rule
    assert rules.displaces(lo, w, fam, pair) is None
