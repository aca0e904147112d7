"""Every bad input of the corpus is reported with its code and location, by both engines alike."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from _validate_corpus import BAD, CORPUS, VALID, Case, cases, fingerprint, located

import policydata
from policydata.validate.codes import CELL_CODES, CODES, WARNINGS

CASES = cases()
IDS = [c.name for c in CASES]


def test_corpus_has_at_least_80_cases_each_with_one_kind_of_problem() -> None:
    assert len(CASES) >= 80
    for case in CASES:
        # one code each; or none, for a case about the checks that could not run
        assert len({e["code"] for e in case.expected}) == (1 if case.expected else 0), case.name
        assert case.expected or case.skipped, case.name


def test_corpus_covers_every_code_but_the_unreachable() -> None:
    covered = {e["code"] for c in CASES for e in c.expected}
    # ambiguous-table needs two files for one table, unreadable a broken Parquet file, rule a
    # custom rule; each has its own test below
    assert set(CODES) - covered == {"ambiguous-table", "unreadable", "rule"}


@pytest.mark.parametrize("engine", ["arrow", "pandas"])
def test_valid_corpus_passes(engine: str) -> None:
    before = fingerprint(VALID)
    report = policydata.validate(VALID, engine=engine)  # type: ignore[arg-type]
    assert report.problems == []
    assert report.ok
    assert report.tables["tariff_events"] == 3
    assert fingerprint(VALID) == before


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_bad_case_reports_code_and_location(case: Case, tmp_path: Path) -> None:
    folder = case.materialise(tmp_path / "data")
    before = fingerprint(folder)
    report = policydata.validate(case.targets(folder))
    assert located(report.problems, folder) == list(case.expected)
    if case.skipped is not None:
        assert sorted((s.check, s.table) for s in report.skipped) == sorted(case.skipped, key=str)
    assert report.ok == all(CODES[e["code"]] in WARNINGS for e in case.expected)
    for problem in report.problems:
        assert problem.code in CODES
        assert problem.message
        if problem.field is not None and CODES[problem.code] in CELL_CODES:
            assert problem.column is not None
    assert fingerprint(folder) == before


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_engines_report_the_same_problems(case: Case, tmp_path: Path) -> None:
    folder = case.materialise(tmp_path / "data")
    arrow = policydata.validate(case.targets(folder), engine="arrow")
    pandas = policydata.validate(case.targets(folder), engine="pandas")
    assert pandas.to_dict() == arrow.to_dict()


def test_cli_never_ends_in_a_traceback(tmp_path: Path) -> None:
    """One process validates every case (faster than one process each) through the CLI's main()."""
    script = """
import contextlib, io, json, shutil, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from _validate_corpus import cases
from policydata import cli
out = {}
root = Path(sys.argv[2])
for case in cases():
    folder = case.materialise(root / case.name)
    sys.argv = ["policydata", "validate", *map(str, case.targets(folder)), "--format", "json"]
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            cli.main()
        except SystemExit as exc:
            code = exc.code
    out[case.name] = [code, json.loads(stdout.getvalue())["valid"], stderr.getvalue()]
print(json.dumps(out))
"""
    result = subprocess.run(
        [sys.executable, "-c", script, str(Path(__file__).parent), str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    outcome = json.loads(result.stdout)
    assert set(outcome) == set(IDS)
    for case in CASES:
        code, valid, stderr = outcome[case.name]
        assert "Traceback" not in stderr, case.name
        assert code == (0 if valid else 1), case.name


def test_corpus_files_are_what_make_corpus_writes(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(CORPUS / "make_corpus.py"), "--out", str(tmp_path / "bad")], check=True
    )
    written = {
        p.relative_to(tmp_path / "bad"): p.read_bytes() for p in (tmp_path / "bad").rglob("*") if p.is_file()
    }
    committed = {p.relative_to(BAD): p.read_bytes() for p in BAD.rglob("*") if p.is_file()}
    assert written == committed
