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
