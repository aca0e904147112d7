"""From plan to tariff line: ``policydata.chain`` and ``policydata chain``."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import policydata
from policydata.errors import InvalidArgumentError

MIC = policydata.chain("CHN-2015-MIC2025")


def test_a_plan_names_its_sectors_and_their_codes() -> None:
    named = {
        r["sector_id"]
        for r in policydata.policy_sectors().to_dict("records")
        if r["policy_id"] == "CHN-2015-MIC2025"
    }
    assert {s["sector_id"] for s in MIC.sectors} == named
    assert {c["sector_id"] for c in MIC.codes} <= named
    assert all(c["classification"] == "HS2022" for c in MIC.codes)


def test_every_line_falls_under_a_code_of_its_sector() -> None:
    by_sector: dict[str, set[str]] = {}
    for c in MIC.codes:
        by_sector.setdefault(c["sector_id"], set()).add(c["code"])
    assert MIC.lines
    for line in MIC.lines:
        assert any(line["code"].startswith(code) for code in by_sector[line["sector_id"]]), line


def test_list_1_covers_mic2025_lines_and_annex_ii_excepts_some() -> None:
    events = {e["event_id"]: e for e in MIC.events}
    assert events["USA-CHN-2018-301-L1"]["how"] == ["covers"]
    assert events["USA-CHN-2018-301-L1"]["codes"] > 0
    assert "excepts" in events["USA-CHN-2025-IEEPA-RECIP-125"]["how"]
    # China's answer to List 1 touched the same sectors
    assert "CHN-USA-2018-CTC-L1" in events


def test_events_are_in_date_order_with_never_applied_ones_last() -> None:
    dates = [e["effective_date"] for e in MIC.events]
    applied = [d for d in dates if d is not None]
    assert applied == sorted(applied)
    assert dates[len(applied) :] == [None] * (len(dates) - len(applied))


def test_export_controls_on_the_same_sectors_come_with_the_chain() -> None:
    assert any(p["kind"] == "export-control" for p in MIC.policies)
    assert all(p["policy_id"] != "CHN-2015-MIC2025" for p in MIC.policies)


def test_a_sector_brings_its_sub_sectors() -> None:
    chain = policydata.chain("MIC2025-01")
    assert chain.policy is None
    ids = {s["sector_id"] for s in chain.sectors}
    assert {"MIC2025-01", "MIC2025-01-01"} <= ids


def test_an_unknown_root_is_a_clear_error() -> None:
    with pytest.raises(InvalidArgumentError) as info:
        policydata.chain("CHN-2099-NOPE")
    assert info.value.code == "invalid-argument"


def test_the_cli_json_equals_the_library() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "policydata", "chain", "MIC2025-02", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(done.stdout) == policydata.chain("MIC2025-02").to_dict()
