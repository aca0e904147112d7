"""The ``rate``, ``timeline`` and ``panel`` commands and the chart, on the synthetic release of
``_tariffs_support`` (ids say TEST, dates are in 2097-2099)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from _tariffs_support import write_sources

from policydata import cli, settings
from policydata.errors import MissingDependencyError
from policydata.publish.build import build_release
from policydata.tariffs import rate_stack, rate_timeline


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    import datetime as dt

    root = tmp_path_factory.mktemp("tariffs-cli")
    write_sources(root / "sources")
    path = build_release(root / "sources", root / "releases", "2099.1.0", dt.date(2099, 12, 31))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(settings.ENV_RELEASE_DIR, str(path))
        mp.setenv(settings.ENV_CACHE_DIR, str(root / "cache"))
        yield path


def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """Run the CLI's entry point; return the exit code and stdout (stderr stays in ``capsys``)."""
    monkeypatch.setattr(sys, "argv", ["policydata", *args])
    try:
        cli.main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    sys.stderr.write(captured.err)
    return code, captured.out


def test_rate_json_equals_library(
    release: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(
        monkeypatch, capsys, "rate", "USA", "CHN", "--hs", "848640", "--on", "2099-04-15", "--format", "json"
    )
    assert code == 0
    assert json.loads(out) == rate_stack("USA", "CHN", "2099-04-15", hs_code="848640").to_dict()


def test_rate_text(
    release: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(monkeypatch, capsys, "rate", "USA", "CHN", "--hs", "848640", "--on", "2099-04-15")
    assert code == 0
    lines = out.splitlines()
    assert "2 lines; the answer differs between them:" in lines
    assert any(line.split() == ["30%", "8486400030"] for line in lines)
    fent = next(line for line in lines if "USA-CHN-2099-TEST-FENT" in line)
    assert fent.split()[:2] == ["20%", "applies"]
    assert any(line.startswith("additional tariff: 30% to 55%") for line in lines)
    assert "general (MFN) rate: Free; total 30% to 55%" in lines


def test_rate_exporter_and_alternatives(
    release: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(
        monkeypatch,
        capsys,
        "rate",
        "EUN",
        "CHN",
        "--hs",
        "87038010",
        "--on",
        "2099-10-15",
        "--exporter",
        "beta",
    )
    assert code == 0
    assert "additional tariff: 105.3% to 120.3%" in out
    code, out = run(monkeypatch, capsys, "rate", "USA", "CHN", "--hs", "95030000", "--on", "2099-06-15")
    assert "instead, for postal shipments: 60% (USA-CHN-2099-TEST-POSTAL)" in out


@pytest.mark.parametrize(
    "args",
    [
        ("rate", "USA", "CHN", "--hs", "12x"),
        ("rate", "USA", "CHN", "--on", "2099-02-30"),
        ("rate", "USA", "ZZZ"),
        ("timeline", "USA", "CHN", "--from", "2099-05-01", "--to", "2099-01-01"),
        ("rate", "EUN", "CHN", "--exporter", "Gamma", "--hs", "87038010"),
    ],
    ids=["bad-hs", "bad-date", "bad-jurisdiction", "reversed-window", "unknown-exporter"],
)
def test_bad_input_exits_2(
    release: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    code, _ = run(monkeypatch, capsys, *args)
    assert code == 2
    assert "(invalid-argument)" in capsys.readouterr().err


def test_timeline_text_both_directions(
    release: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(
        monkeypatch, capsys, "timeline", "USA", "CHN", "--from", "2099-01-01", "--to", "2099-12-31"
    )
    assert code == 0
    assert "USA on CHN" in out
    assert "CHN on USA" in out
    assert "CHN-USA-2099-TEST-L" in out
    assert "average" in out


def test_timeline_csv_equals_library(
    release: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    import pandas as pd

    code, out = run(
        monkeypatch,
        capsys,
        "timeline",
        "USA",
        "CHN",
        "--one-way",
        "--hs",
        "950300",
        "--from",
        "2099-01-01",
        "--to",
        "2099-12-31",
        "--format",
        "csv",
    )
    assert code == 0
    got = pd.read_csv(io.StringIO(out), parse_dates=["start", "end"])
    want = rate_timeline("USA", "CHN", "2099-01-01", "2099-12-31", hs_code="950300")
    assert list(got["series"]) == list(want["series"])
    assert list(got["start"]) == list(want["start"])
    assert list(got["rate_pct"]) == list(want["rate_pct"])


def _check_png(path: Path) -> None:
    from matplotlib.image import imread

    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pixels = imread(path)
    assert pixels.shape[0] > 500
    assert pixels.shape[1] > 1000
    # not a blank canvas: many pixels differ from the white background
    assert (pixels[..., :3] < 0.9).any(axis=2).mean() > 0.01


@pytest.mark.parametrize("hs", [None, "950300"], ids=["all-goods", "one-product"])
def test_timeline_plot(
    release: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    hs: str | None,
) -> None:
    target = tmp_path / "chart.png"
    extra = ["--hs", hs] if hs else []
    code, _ = run(
        monkeypatch,
        capsys,
        "timeline",
        "USA",
        "CHN",
        "--from",
        "2099-01-01",
        "--to",
        "2099-12-31",
        "--plot",
        str(target),
        *extra,
    )
    assert code == 0
    _check_png(target)
    assert [p.name for p in tmp_path.iterdir()] == ["chart.png"]


def test_plot_numbers_every_change(release: Path) -> None:
    from policydata.plot import plot_timelines

    frames = [
        rate_timeline("EUN", "CHN", "2099-01-01", "2099-12-31", hs_code="950300"),
        rate_timeline("CHN", "USA", "2099-01-01", "2099-12-31", hs_code="950300"),
    ]
    fig = plot_timelines(frames)
    titles = {ax.get_title(loc="left"): ax for ax in fig.axes}
    eu, cn = titles["EUN tariffs on goods from CHN"], titles["CHN tariffs on goods from USA"]
    # EU: 6 changes of the lowest duty, plus 2099-02-15 (TEST-C) on the dashed line only
    assert [t.get_text() for t in eu.texts if t.get_text().isdigit()] == [str(i) for i in range(1, 8)]
    # CN: TEST-L on and off, TEST-M, TEST-Q displacing it, TEST-Q's end
    assert [t.get_text() for t in cn.texts if t.get_text().isdigit()] == [str(i) for i in range(1, 6)]
    key = [t.get_text() for ax in fig.axes if not ax.axison for t in ax.texts]
    assert len(key) == 12
    assert any(line.split()[:3] == ["3", "2099-02-15", "50%"] and "TEST-C" in line for line in key)


def test_plot_schedule_average_and_share(release: Path, tmp_path: Path) -> None:
    """Every line of the schedule: the unweighted average and the share of lines covered, labelled."""
    from policydata.plot import AVERAGE_LABEL, SHARE_LABEL, plot_timelines

    frames = [rate_timeline("USA", "CHN", "2098-01-01", "2099-12-31")]
    fig = plot_timelines(frames, tmp_path / "schedule.png")
    _check_png(tmp_path / "schedule.png")
    labels = [line.get_label() for ax in fig.axes for line in ax.get_lines()]
    assert any(AVERAGE_LABEL in label for label in labels)
    assert SHARE_LABEL in labels
    assert "unweighted" in AVERAGE_LABEL


def test_plot_without_matplotlib_names_the_extra(release: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from policydata.plot import plot_timelines

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    frame = rate_timeline("USA", "CHN", "2099-01-01", "2099-12-31")
    with pytest.raises(MissingDependencyError) as info:
        plot_timelines([frame])
    assert info.value.code == "missing-dependency"
    assert info.value.extra == "plot"


def test_panel_command_writes_parquet(
    release: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import duckdb
    import polars as pl

    from policydata.tariffs import PANEL_COLUMNS, tariff_panel

    target = tmp_path / "panel.parquet"
    code, out = run(
        monkeypatch,
        capsys,
        "panel",
        "USA",
        "CHN",
        "--from",
        "2098-01-01",
        "--to",
        "2099-12-31",
        "-o",
        str(target),
    )
    assert code == 0
    assert out.startswith(f"wrote {target}")
    frame = pl.read_parquet(target)
    assert tuple(frame.columns) == PANEL_COLUMNS
    # both directions where lists exist: the synthetic China has no product lists, so no known line
    assert set(frame["imposing"]) == {"USA"}
    want = tariff_panel("USA", "CHN", "2098-01-01", "2099-12-31")
    assert frame.height == want.num_rows
    row = duckdb.sql(
        "SELECT additional_pct, additional_upper_pct, "
        f"list_contains(applies, 'USA-CHN-2099-TEST-FENT') AS fent "
        f"FROM '{target}' WHERE line = '8486400090' AND valid_from <= DATE '2099-04-15' "
        f"AND DATE '2099-04-15' < valid_to"
    ).fetchall()
    assert row == [(55.0, 55.0, True)]


@pytest.mark.parametrize(
    "args",
    [
        ("rate", "USA", "EUN", "--on", "2099-03-15"),
        ("rate", "USA", "CHN", "--on", "2100-01-01"),
        ("rate", "USA", "CHN", "--on", "2100-01-01", "--format", "json"),
        ("timeline", "USA", "EUN", "--from", "2099-01-01", "--to", "2099-12-31"),
        ("timeline", "USA", "CHN", "--from", "2099-01-01", "--to", "2100-06-30"),
    ],
    ids=[
        "rate-no-events",
        "rate-after-as-of",
        "rate-after-as-of-json",
        "timeline-no-events",
        "timeline-after",
    ],
)
def test_questions_the_release_cannot_answer_are_refused(
    release: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    """No "0%" for a direction without events or a date after the as-of date (2099-12-31)."""
    code, out = run(monkeypatch, capsys, *args)
    assert code == 2
    assert "0%" not in out
    if "json" in args:
        assert json.loads(out)["error"]["code"] == "invalid-argument"
    else:
        assert "(invalid-argument)" in capsys.readouterr().err


def test_rate_defaults_to_the_as_of_date(
    release: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(monkeypatch, capsys, "rate", "USA", "CHN", "--format", "json")
    assert code == 0
    assert json.loads(out)["on"] == "2099-12-31"


@pytest.mark.parametrize(
    "where", ["missing/folder/chart.png", "chart.xyz", "."], ids=["no-folder", "suffix", "dir"]
)
def test_timeline_plot_to_a_path_that_cannot_be_written(
    release: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    where: str,
) -> None:
    target = tmp_path / where
    code, _ = run(
        monkeypatch, capsys, "timeline", "USA", "CHN", "--from", "2099-01-01", "--to", "2099-12-31",
        "--plot", str(target),
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2
    assert "(invalid-argument)" in err
    assert "internal error" not in err
    assert not list(tmp_path.glob(".*partial*"))
