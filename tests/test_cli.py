"""The CLI is thin over the library: outputs equal library results; exit codes 0, 1, 2; no tracebacks."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import policydata

CLI = [sys.executable, "-m", "policydata.cli"]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, cwd=cwd)


def test_overview_validates_and_shows_2025_events() -> None:
    result = run("overview")
    assert result.returncode == 0, result.stderr
    assert "every table valid" in result.stdout
    assert "USA-CHN-2025-IEEPA-FENT" in result.stdout
    assert "Traceback" not in result.stderr


def test_validate_json_equals_the_library_report(sources_dir: Path) -> None:
    result = run("validate", str(sources_dir), "--format", "json")
    assert result.returncode == 0, result.stdout
    assert json.loads(result.stdout) == policydata.validate(sources_dir).to_dict()


def test_validate_invalid_data_exits_1_with_locations(tmp_path: Path, sources_dir: Path) -> None:
    bad = tmp_path / "src"
    shutil.copytree(sources_dir, bad)
    lines = (bad / "sources.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].replace("https://", "ftp://", 1)
    (bad / "sources.csv").write_text("".join(lines), encoding="utf-8")
    result = run("validate", str(bad), "--format", "github")
    assert result.returncode == 1
    assert f"file={bad / 'sources.csv'},line=3" in result.stdout
    assert "Traceback" not in result.stderr
    report = json.loads(run("validate", str(bad), "--format", "json").stdout)
    errors = [p for p in report["problems"] if p["severity"] == "error"]  # warnings may come and go
    assert [(p["code"], p["line"], p["field"]) for p in errors] == [("pattern", 3, "url")]


@pytest.mark.parametrize(
    "args",
    [
        ("show", "no_such_table"),
        ("show", "sources", "--columns", "nope"),
        ("frobnicate",),
        ("validate", "--format", "xml"),
    ],
    ids=["unknown-table", "unknown-column", "unknown-command", "bad-option"],
)
def test_usage_errors_exit_2_without_traceback(args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout


def test_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = run("validate", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert "invalid-argument" in result.stderr


def test_show_filters_rows() -> None:
    result = run("show", "tariff_events", "--where", "imposing=EUN", "--columns", "event_id,imposing")
    assert result.returncode == 0, result.stderr
    expected = policydata.load("tariff_events", backend="arrow", filters=[("imposing", "=", "EUN")]).num_rows
    assert f"of {expected} rows" in result.stdout


def test_schemas_export_writes_the_generated_files(tmp_path: Path) -> None:
    from policydata.generated.tableschema import render_files

    result = run("schemas", "export", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert {p.name for p in tmp_path.iterdir()} == set(render_files())


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.split()[:2] == ["policydata", policydata.__version__]


@pytest.mark.parametrize(
    ("where", "condition"),
    [
        ("rate_pct=10", ("rate_pct", "=", 10.0)),
        ("retroactive=true", ("retroactive", "=", True)),
        ("products_encoded=false", ("products_encoded", "=", False)),
        ("tariff_lines=120", ("tariff_lines", "=", 120)),
        ("effective_date=2025-04-10", ("effective_date", "=", "2025-04-10")),
    ],
    ids=["number", "boolean-true", "boolean-false", "integer", "date"],
)
def test_show_reads_where_values_as_the_column_type(where: str, condition: tuple[str, str, object]) -> None:
    result = run("show", "tariff_events", "--where", where, "--format", "json")
    assert result.returncode == 0, result.stderr
    expected = policydata.load("tariff_events", backend="arrow", filters=[condition])
    rows = json.loads(result.stdout)
    assert [r["event_id"] for r in rows] == expected.column("event_id").to_pylist()


@pytest.mark.parametrize("where", ["tariff_lines=abc", "effective_date=April", "rate_pct"], ids=str)
def test_show_with_a_bad_where_value_is_a_usage_error(where: str) -> None:
    result = run("show", "tariff_events", "--where", where)
    assert result.returncode == 2
    assert "(invalid-argument)" in result.stderr
    assert "internal error" not in result.stderr


def test_show_defaults_to_the_key_columns_and_those_filtered_on() -> None:
    result = run("show", "sector_codes", "--where", "classification=ISIC4", "--format", "csv", "--limit", "3")
    assert result.returncode == 0, result.stderr
    header, *rows = result.stdout.splitlines()
    assert header.replace('"', "").split(",") == ["sector_id", "classification", "code"]
    assert len(rows) == 3


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_show_all_columns_as_data_equals_the_library(fmt: str) -> None:
    import csv
    import io

    result = run("show", "sources", "--columns", "all", "--format", fmt)
    assert result.returncode == 0, result.stderr
    arrow = policydata.load("sources", backend="arrow")
    if fmt == "json":
        rows = json.loads(result.stdout)
        assert [r["source_id"] for r in rows] == arrow.column("source_id").to_pylist()
        assert list(rows[0]) == arrow.column_names
    else:
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        assert [r["source_id"] for r in rows] == arrow.column("source_id").to_pylist()


def test_show_text_names_the_other_columns() -> None:
    result = run("show", "tariff_events", "--limit", "2")
    assert result.returncode == 0, result.stderr
    assert "2 of" in result.stdout
    assert "--columns all" in result.stdout
    assert "rate_pct" in result.stdout  # listed among the columns not shown


@pytest.mark.parametrize(
    "args",
    [
        ("validate", "nowhere", "--format", "json"),
        ("validate", "--limit", "0", "--format", "json"),
        ("validate", "--format=json", "--no-such-option"),
        ("rate", "USA", "EUN", "--format", "json"),
        ("diff", "2026.11.0", "1999.1.0", "--format", "json"),
    ],
    ids=["missing-path", "bad-limit", "unknown-option", "uncovered-pair", "unknown-release"],
)
def test_errors_under_format_json_are_json(args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.returncode == 2
    error = json.loads(result.stdout)["error"]
    assert error["code"] in {"invalid-argument", "usage-error", "release-not-found"}
    assert error["message"]
    assert "Traceback" not in result.stderr


def test_timeline_of_a_direction_recorded_one_way_notes_the_other() -> None:
    result = run("timeline", "EUN", "CHN", "--from", "2024-01-01", "--to", "2025-12-31", "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert {line.split(",")[0] for line in result.stdout.splitlines()[1:]} == {"EUN"}
    assert result.stderr.startswith("note:")  # the other direction is named, not drawn as 0%


def test_rate_for_a_direction_the_release_does_not_record() -> None:
    result = run("rate", "USA", "EUN", "--on", "2025-09-01")
    assert result.returncode == 2
    assert "0%" not in result.stdout
    assert "(invalid-argument)" in result.stderr
