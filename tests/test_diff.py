"""Record-level diff between two releases built from sources that a test changes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _releases_support import base_rows, build, cite, event, run_cli, write_sources

import policydata
from policydata import settings
from policydata.diff import diff_table

V1, V2 = "2099.1.0", "2099.2.0"


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """V1 from the base rows; V2 after adding, removing and changing records."""
    root = tmp_path_factory.mktemp("diff")
    rows = base_rows()
    first = build(write_sources(root / "sources", rows), root / "releases", V1)

    # tariff_events: one added, one changed in two fields
    rows["tariff_events"][0].update(rate_pct="25", product_scope="Synthetic products, revised")
    rows["tariff_events"].append(event("USA-CHN-2099-TEST-B", rate="20"))
    rows["citations"].append(cite("tariff_events", "USA-CHN-2099-TEST-B"))
    # policies: one changed
    rows["policies"][0].update(status="in-force", summary="A revised synthetic record for tests.")
    # sector_codes: one replaced by another (a removal and an addition), citations follow
    rows["sector_codes"] = [
        {"sector_id": "MIC2025-TEST-A", "classification": "ISIC4", "code": "C", "match": "broad"}
    ]
    rows["citations"] = [c for c in rows["citations"] if c["table"] != "sector_codes"]
    rows["citations"].append(cite("sector_codes", "MIC2025-TEST-A|ISIC4|C"))
    second = build(write_sources(root / "sources", rows), root / "releases", V2)
    return first, second


def test_diff_reports_exactly_the_changes_made_to_the_sources(releases: tuple[Path, Path]) -> None:
    changes = policydata.diff(*releases)
    assert (changes.a_version, changes.b_version) == (V1, V2)
    summary = {
        name: (t.added, t.removed, [(c.record_id, c.fields) for c in t.changed])
        for name, t in changes.tables.items()
        if not t.empty
    }
    assert summary == {
        "policies": ((), (), [("USA-2099-TEST-A", ("status", "summary"))]),
        "sector_codes": (("MIC2025-TEST-A|ISIC4|C",), ("MIC2025-TEST-A|HS2022|99",), []),
        "tariff_events": (
            ("USA-CHN-2099-TEST-B",),
            (),
            [("USA-CHN-2099-TEST-A", ("rate_pct", "product_scope"))],
        ),
        "citations": (
            (
                "sector_codes|MIC2025-TEST-A|ISIC4|C|test-2099-doc-a",
                "tariff_events|USA-CHN-2099-TEST-B|test-2099-doc-a",
            ),
            ("sector_codes|MIC2025-TEST-A|HS2022|99|test-2099-doc-a",),
            [],
        ),
    }
    (event_change,) = changes.tables["tariff_events"].changed
    assert event_change.before == {"rate_pct": 10.0, "product_scope": "Synthetic products"}
    assert event_change.after == {"rate_pct": 25.0, "product_scope": "Synthetic products, revised"}


def test_diff_of_a_release_with_itself_is_empty(releases: tuple[Path, Path]) -> None:
    changes = policydata.diff(releases[1], releases[1])
    assert changes.empty
    assert all(t.empty for t in changes.tables.values())


def test_diff_is_directional(releases: tuple[Path, Path]) -> None:
    forward, backward = policydata.diff(*releases), policydata.diff(*reversed(releases))
    for name, t in forward.tables.items():
        assert backward.tables[name].added == t.removed
        assert backward.tables[name].removed == t.added
        assert [c.record_id for c in backward.tables[name].changed] == [c.record_id for c in t.changed]


def test_diff_accepts_versions(releases: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    # V1 is the release this "installation" carries; V2 is given as a folder
    monkeypatch.setenv(settings.ENV_RELEASE_DIR, str(releases[0]))
    changes = policydata.diff(V1, str(releases[1]))
    assert changes.tables["tariff_events"].added == ("USA-CHN-2099-TEST-B",)


def test_diff_table_compares_missing_columns_and_nulls() -> None:
    before = {"a": {"x": 1, "y": None}, "gone": {"x": 1}}
    after = {"a": {"x": 1, "y": None, "z": "new"}, "new": {"x": 2}}
    result = diff_table("t", before, after)
    assert result.added == ("new",)
    assert result.removed == ("gone",)
    assert [(c.record_id, c.fields) for c in result.changed] == [("a", ("z",))]


def test_cli_diff_json_equals_the_library(
    releases: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run_cli(["diff", *map(str, releases), "--format", "json"], monkeypatch, capsys)
    assert code == 0
    assert json.loads(out) == policydata.diff(*releases).to_dict()


def test_cli_diff_text_names_the_changed_fields(
    releases: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run_cli(["diff", *map(str, releases)], monkeypatch, capsys)
    assert code == 0
    assert "`USA-CHN-2099-TEST-A` (rate_pct, product_scope)" in out
    assert "added: `USA-CHN-2099-TEST-B`" in out
