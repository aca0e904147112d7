"""``policydata rate --sector``, ``policydata timeline --sector --plot`` and ``policydata sectors`` on
the release this checkout carries: what they print is the library's answer, labelled as simple,
unweighted averages over tariff lines."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from test_cli_tariffs import _check_png, run
from test_tariffs_real import real_release  # noqa: F401 - the fixture

from policydata.tariffs import rate_stack


def test_rate_sector_text(
    real_release: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out = run(monkeypatch, capsys, "rate", "USA", "CHN", "--sector", "MIC2025-02", "--on", "2018-07-06")
    assert code == 0
    lines = out.splitlines()
    assert "sector MIC2025-02 (High-end CNC machine tools and robots)" in lines[0]
    assert any(line.startswith("its HS 2022 codes: 842870, 845811") for line in lines)
    assert "over its 24 tariff lines, unweighted (each line counts once, whatever its trade):" in lines
    assert "  simple average additional duty  15.625% to 125%" in lines
    assert any(line.split()[:7] == ["share", "of", "lines", "with", "a", "duty", "62.5%"] for line in lines)
    l1 = next(line for line in lines if "USA-CHN-2018-301-L1" in line)
    assert l1.split()[:3] == ["25%", "may", "apply"] and "62.5-100%" in l1


def test_rate_sector_json_equals_library(
    real_release: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ("rate", "CHN", "USA", "--sector", "MIC2025-06", "--on", "2018-07-06", "--format", "json")
    code, out = run(monkeypatch, capsys, *args)
    assert code == 0
    got = json.loads(out)
    assert got == rate_stack("CHN", "USA", "2018-07-06", sector="MIC2025-06").to_dict()
    assert (got["share_covered_pct"], got["mean_pct"], got["sector_name"]) == (
        40,
        10,
        "Energy-saving and new energy vehicles",
    )


def test_rate_sector_without_codes_says_why(
    real_release: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out = run(monkeypatch, capsys, "rate", "USA", "CHN", "--sector", "MIC2025-09", "--on", "2019-01-01")
    assert (code, out) == (2, "")
    err = capsys.readouterr().err
    assert "(invalid-argument)" in err and "list-not-read" in err and "Traceback" not in err


def test_sectors_text_and_csv(
    real_release: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out = run(
        monkeypatch, capsys, "sectors", "USA", "CHN", "--to", "2019-12-31", "--on", "2018-07-06", "--one-way"
    )
    assert code == 0
    assert "unweighted" in out and "USA tariffs on goods from CHN" in out
    robots = next(line for line in out.splitlines() if "MIC2025-02" in line)
    assert "62%" in robots  # the share of lines on List 1 that day
    assert "no HS codes: list-not-read" in out
    code, out = run(monkeypatch, capsys, "sectors", "CHN", "USA", "--to", "2018-12-31", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["imposing"] for r in rows} == {"CHN", "USA"}
    new = [r for r in rows if r["sector_id"] == "MIC2025-09"]
    assert len(new) == 2 and all(r["hs_mapping"] == "list-not-read" and r["series"] == "" for r in new)
    cars = [
        r
        for r in rows
        if (r["sector_id"], r["imposing"], r["series"]) == ("MIC2025-06", "CHN", "share_covered")
    ]
    assert [(r["start"], float(r["rate_pct"])) for r in cars][:2] == [
        ("2018-01-01", 0.0),
        ("2018-07-06", 40.0),
    ]


def test_sector_charts(
    real_release: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    small = tmp_path / "sectors.png"
    args = ("sectors", "USA", "CHN", "--to", "2019-12-31", "--plot", str(small))
    code, out = run(monkeypatch, capsys, *args)
    assert code == 0 and f"wrote {small}" in out
    _check_png(small)
    one = tmp_path / "robots.png"
    window = ("--from", "2018-01-01", "--to", "2019-12-31")
    code, _ = run(
        monkeypatch, capsys, "timeline", "USA", "CHN", "--sector", "MIC2025-02", *window, "--plot", str(one)
    )
    assert code == 0
    _check_png(one)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["robots.png", "sectors.png"]
