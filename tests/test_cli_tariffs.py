"""The ``rate`` and ``timeline`` commands and the chart, on the synthetic release of test_tariffs."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_tariffs import write_sources

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
        monkeypatch, capsys, "rate", "USA", "CHN", "--hs", "870380", "--on", "2099-03-15", "--format", "json"
    )
    assert code == 0
    assert json.loads(out) == rate_stack("USA", "CHN", "2099-03-15", hs_code="870380").to_dict()


def test_rate_text(
    release: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(monkeypatch, capsys, "rate", "USA", "CHN", "--hs", "870380", "--on", "2099-03-15")
    assert code == 0
    lines = out.splitlines()
    d_line = next(line for line in lines if "USA-CHN-2099-TEST-D" in line)
    assert d_line.split()[:2] == ["50%", "applies"]
    assert any("USA-CHN-2099-TEST-A2" in line and "excluded" in line for line in lines)
    assert lines[-1].startswith("total additional tariff: 50%")
    assert "65%" in lines[-1]


@pytest.mark.parametrize(
    "args",
    [
        ("rate", "USA", "CHN", "--hs", "12x"),
        ("rate", "USA", "CHN", "--on", "2099-02-30"),
        ("rate", "USA", "ZZZ"),
        ("timeline", "USA", "CHN", "--from", "2099-05-01", "--to", "2099-01-01"),
    ],
    ids=["bad-hs", "bad-date", "bad-jurisdiction", "reversed-window"],
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


def test_timeline_csv_equals_library(
    release: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    import pandas as pd

    code, out = run(
        monkeypatch, capsys, "timeline", "USA", "CHN", "--one-way", "--hs", "950300",
        "--from", "2099-01-01", "--to", "2099-12-31", "--format", "csv",
    )  # fmt: skip
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
        monkeypatch, capsys, "timeline", "USA", "CHN", "--from", "2099-01-01", "--to", "2099-12-31",
        "--plot", str(target), *extra,
    )  # fmt: skip
    assert code == 0
    _check_png(target)
    assert [p.name for p in tmp_path.iterdir()] == ["chart.png"]


def test_plot_numbers_every_change(release: Path) -> None:
    from policydata.plot import plot_timelines

    frames = [
        rate_timeline("USA", "CHN", "2099-01-01", "2099-12-31", hs_code="950300"),
        rate_timeline("CHN", "USA", "2099-01-01", "2099-12-31", hs_code="950300"),
    ]
    fig = plot_timelines(frames)
    titles = {ax.get_title(loc="left"): ax for ax in fig.axes}
    us, cn = titles["USA tariffs on goods from CHN"], titles["CHN tariffs on goods from USA"]
    # US: 6 changes of the total that applies, plus 2099-02-15 (TEST-C) on the dashed line only
    assert [t.get_text() for t in us.texts if t.get_text().isdigit()] == [str(i) for i in range(1, 8)]
    # CN: TEST-L on and off, TEST-M, TEST-Q displacing it, TEST-Q's end
    assert [t.get_text() for t in cn.texts if t.get_text().isdigit()] == [str(i) for i in range(1, 6)]
    key = [t.get_text() for ax in fig.axes if not ax.axison for t in ax.texts]
    assert len(key) == 12
    assert any(line.split()[:3] == ["3", "2099-02-15", "50%"] and "TEST-C" in line for line in key)


def test_plot_without_matplotlib_names_the_extra(release: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from policydata.plot import plot_timelines

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    frame = rate_timeline("USA", "CHN", "2099-01-01", "2099-12-31")
    with pytest.raises(MissingDependencyError) as info:
        plot_timelines([frame])
    assert info.value.code == "missing-dependency"
    assert info.value.extra == "plot"


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
