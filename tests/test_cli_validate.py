"""``policydata validate``: formats, exit codes, the default folder, your own tables."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from _validate_corpus import VALID, cases

import policydata
from policydata.catalog import TABLE_NAMES
from policydata.validate.render import github_line
from policydata.validate.report import Problem

CLI = [sys.executable, "-m", "policydata.cli", "validate"]
BY_NAME = {c.name: c for c in cases()}


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, cwd=cwd)


@pytest.fixture
def invalid(tmp_path: Path) -> Path:
    """Two problems in two files: a foreign key and stray white space."""
    folder = BY_NAME["foreign-key-parent"].materialise(tmp_path / "data")
    body = (folder / "tariff_events.csv").read_text(encoding="utf-8")
    (folder / "tariff_events.csv").write_text(
        body.replace("Synthetic tariff A", "Synthetic tariff A "), "utf-8"
    )
    return folder


def test_json_equals_the_library_report(invalid: Path) -> None:
    result = run(str(invalid), "--format", "json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data == policydata.validate(invalid).to_dict()
    assert [(p["code"], p["line"]) for p in data["problems"]] == [("foreign-key", 3), ("whitespace", 2)]


def test_json_equals_the_library_report_for_the_pandas_engine(invalid: Path) -> None:
    result = run(str(invalid), "--format", "json", "--engine", "pandas")
    assert json.loads(result.stdout) == policydata.validate(invalid, engine="pandas").to_dict()


def test_github_annotations_point_at_file_line_and_column(invalid: Path) -> None:
    result = run(str(invalid), "--format", "github")
    assert result.returncode == 1
    lines = [ln for ln in result.stdout.splitlines() if ln.startswith("::")]
    assert len(lines) == 2
    first = re.match(
        r"::error file=(?P<file>[^,]+),line=(?P<line>\d+),col=(?P<col>\d+),title=(?P<t>[^:]+)::", lines[0]
    )
    assert first is not None
    assert Path(first["file"]) == invalid / "sectors.csv"
    assert (first["line"], first["col"]) == ("3", "3")
    assert "foreign-key" in first["t"]


def test_text_lists_each_problem_with_its_location(invalid: Path) -> None:
    result = run(str(invalid))
    assert result.returncode == 1
    out = result.stdout
    assert str(invalid / "sectors.csv") in out
    assert str(invalid / "tariff_events.csv") in out
    assert re.search(r"\b3:3\b.*foreign-key", out)
    assert re.search(r"\b2:4\b.*whitespace", out)
    assert "invalid:" in result.stdout


def test_valid_data_exits_0() -> None:
    result = run(str(VALID))
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().startswith(f"valid: {len(TABLE_NAMES)} table(s)")


def test_warnings_alone_exit_0_and_annotate_as_warnings(tmp_path: Path) -> None:
    folder = BY_NAME["likely-duplicate"].materialise(tmp_path / "data")
    result = run(str(folder), "--format", "github")
    assert result.returncode == 0
    assert result.stdout.startswith("::warning file=")


def test_default_folder_is_datasets_sources(tmp_path: Path) -> None:
    sources = tmp_path / "datasets" / "sources"
    BY_NAME["blank-row"].materialise(sources)
    result = run("--format", "json", cwd=tmp_path)
    assert result.returncode == 1
    assert [p["code"] for p in json.loads(result.stdout)["problems"]] == ["blank-row"]


def test_several_paths_and_loose_files(tmp_path: Path) -> None:
    folder = BY_NAME["blank-row"].materialise(tmp_path / "data")
    result = run(str(VALID), str(folder / "tariff_event_products.csv"), "--format", "json")
    data = json.loads(result.stdout)
    assert result.returncode == 1
    assert [(p["code"], p["line"]) for p in data["problems"]] == [("blank-row", 3)]


@pytest.mark.parametrize(
    "args",
    [
        ["does-not-exist"],
        [str(VALID), "--format", "xml"],
        [str(VALID), "--limit", "0"],
        [str(VALID), "--tables", "no_such_module:TABLES"],
        [str(VALID), "--tables", "nocolon"],
        [str(VALID / "README.txt")],
    ],
    ids=[
        "missing-path",
        "bad-format",
        "bad-limit",
        "bad-tables-module",
        "bad-tables-spec",
        "not-a-table-file",
    ],
)
def test_usage_errors_exit_2_without_traceback(args: list[str], tmp_path: Path) -> None:
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_your_own_tables(tmp_path: Path) -> None:
    (tmp_path / "mytables.py").write_text(
        "from policydata.schemas import Record, field\n"
        "from policydata.validate import TableSpec\n"
        "class Item(Record):\n"
        "    item_id: str = field('Id.', pattern=r'^I[0-9]+$')\n"
        "    weight: float = field('Weight.', ge=0)\n"
        "TABLES = [TableSpec('items', Item, ('item_id',))]\n",
        encoding="utf-8",
    )
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "items.csv").write_text("item_id,weight\nI1,2\nI2,-1\n", encoding="utf-8")
    result = run("data", "--tables", "mytables:TABLES", "--format", "json", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    problems = json.loads(result.stdout)["problems"]
    assert [(p["code"], p["line"], p["field"]) for p in problems] == [("out-of-range", 3, "weight")]


def test_arrow_engine_cli_imports_neither_pandas_nor_pandera() -> None:
    code = (
        "import sys; from policydata import cli; sys.argv = ['policydata', 'validate', sys.argv[1]]\n"
        "try:\n    cli.main()\nexcept SystemExit:\n    pass\n"
        "print([m for m in ('pandas', 'pandera') if m in sys.modules])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(VALID)], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_github_line_escapes_what_the_runner_would_misread() -> None:
    problem = Problem("pattern", "50% off\nsecond line", "t", "a,b:c.csv", 4, 2, 3, "f", "v")
    assert github_line(problem) == (
        "::error file=a%2Cb%3Ac.csv,line=4,col=3,title=policydata pattern (f)::50%25 off%0Asecond line"
    )


def test_github_line_gives_the_row_for_parquet() -> None:
    problem = Problem("out-of-range", "Too big.", "t", "t.parquet", None, 7, None, "rate_pct", "1001")
    assert (
        github_line(problem)
        == "::error file=t.parquet,title=policydata out-of-range (rate_pct)::Row 7: Too big."
    )


ROOT = Path(__file__).resolve().parent.parent


def test_precommit_hook_runs_the_validator_on_the_folder(tmp_path: Path) -> None:
    import shlex

    import yaml

    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["pass_filenames"] is False
    assert re.match(hook["files"], "datasets/sources/tariff_events.csv")
    command = [sys.executable, "-m", "policydata.cli", *shlex.split(hook["entry"])[1:], *hook.get("args", [])]
    BY_NAME["blank-row"].materialise(tmp_path / "datasets" / "sources")
    assert subprocess.run(command, cwd=tmp_path, capture_output=True).returncode == 1
    shutil.rmtree(tmp_path / "datasets")
    shutil.copytree(VALID, tmp_path / "datasets" / "sources")
    assert subprocess.run(command, cwd=tmp_path, capture_output=True).returncode == 0


def test_workflow_validates_pull_requests_that_touch_datasets() -> None:
    import yaml

    workflow = yaml.safe_load(
        (ROOT / ".github" / "workflows" / "validate-data.yml").read_text(encoding="utf-8")
    )
    triggers = workflow[True]  # YAML 1.1 reads the key "on" as True
    assert triggers["pull_request"]["paths"] == ["datasets/**"]
    steps = " ".join(step.get("run", "") for step in workflow["jobs"]["validate"]["steps"])
    assert "policydata validate datasets/sources --format github" in steps


def test_contributing_lists_every_code() -> None:
    from policydata.validate.codes import CODES

    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([a-z-]+)` \|", text, flags=re.MULTILINE))
    assert listed == set(CODES)


def test_contributing_example_row_fits_the_schema(tmp_path: Path) -> None:
    """The example tariff event in CONTRIBUTING.md has the schema's header and validates as a row."""
    import csv
    import io

    from policydata.catalog import table
    from policydata.schemas.model import field_specs

    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    block = text.split("```csv\n", 1)[1].split("```", 1)[0]
    header, row = list(csv.reader(io.StringIO(block)))
    model = table("tariff_events").model
    assert header == [s.name for s in field_specs(model)]
    values = {k: (v if v != "" else None) for k, v in zip(header, row, strict=True)}
    model.model_validate(values)


def test_github_annotations_stop_at_the_limit_github_shows_with_a_summary(tmp_path: Path) -> None:
    """GitHub shows 10 error annotations per step: 9, then one that counts the rest; the log lists all."""
    folder = BY_NAME["junk-lines"].materialise(tmp_path / "data")
    result = run(str(folder), "--format", "github")
    assert result.returncode == 1
    annotations = [ln for ln in result.stdout.splitlines() if ln.startswith("::error")]
    assert len(annotations) == 10
    assert (
        "title=policydata%3A more problems::3 more error(s) not annotated (3 missing-cell)" in annotations[-1]
    )
    logged = [ln for ln in result.stdout.splitlines() if ": error missing-cell" in ln]
    assert len(logged) == 12
    assert "note: rows of sector_codes not checked" in result.stdout


def test_github_annotations_show_each_kind_first() -> None:
    from policydata.validate.render import write_github
    from policydata.validate.report import Report

    problems = [Problem("pattern", "m", "t", "a.csv", line, 1, 1, "f", "v") for line in range(2, 30)]
    problems.append(Problem("enum", "m", "t", "a.csv", 40, 1, 1, "g", "v"))
    out = io.StringIO()
    write_github(Report(problems), out)
    annotations = [ln for ln in out.getvalue().splitlines() if ln.startswith("::error")]
    assert "policydata enum" in annotations[1]  # the only enum problem is among those annotated


def test_text_names_the_checks_that_were_not_run(tmp_path: Path) -> None:
    folder = BY_NAME["foreign-key"].materialise(tmp_path / "data")
    result = run(str(folder / "policy_sectors.csv"))
    assert result.returncode == 0
    notes = [ln for ln in result.stdout.splitlines() if ln.startswith("note: ")]
    assert len(notes) == 3
    assert "3 check(s) not run" in result.stdout.splitlines()[-1]


def test_text_shows_a_long_expected_header_in_full(tmp_path: Path) -> None:
    """The table wraps a long message (an expected header of 30 columns) rather than cutting it."""
    from policydata.catalog import table
    from policydata.validate.render import write_text

    folder = BY_NAME["header-missing-required-column"].materialise(tmp_path / "data")
    out = io.StringIO()
    write_text(policydata.validate(folder), out, width=100)
    cells = [ln.split("│")[-2].strip() for ln in out.getvalue().splitlines() if ln.startswith("│")]
    message = "".join(cells)
    expected = ",".join(table("tariff_events").field_names)
    assert f"Expected,inthisorder:{expected}." in message.replace(" ", "")
    assert "missing status" in " ".join(cells)


def test_usage_error_under_format_json_is_json(tmp_path: Path) -> None:
    result = run(str(tmp_path / "nowhere"), "--format", "json")
    assert result.returncode == 2
    assert json.loads(result.stdout)["error"]["code"] == "invalid-argument"
