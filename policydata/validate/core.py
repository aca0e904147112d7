"""Validate tables: read each file, check it on its own, then check the tables against each other."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from policydata.catalog import tables as catalog_tables
from policydata.errors import InvalidArgumentError
from policydata.schemas.model import TableSpec
from policydata.validate import codes
from policydata.validate.checks import arrow_tasks
from policydata.validate.codes import Code
from policydata.validate.engines.pandas import pandas_failures
from policydata.validate.explain import table_issues
from policydata.validate.model import Issue, LoadedTable, Unread, record_lines
from policydata.validate.read_csv import read_csv_table
from policydata.validate.read_parquet import read_parquet_table
from policydata.validate.relations import relation_issues
from policydata.validate.report import DEFAULT_LIMIT, ENGINES, Engine, Problem, Report, Skipped

SUFFIXES = (".csv", ".parquet")


@dataclass
class Dataset:
    """Table files validated together (cross-table rules apply within one dataset)."""

    files: dict[str, Path] = field(default_factory=dict)
    folder: Path | None = None
    issues: list[tuple[str | None, str, Issue]] = field(default_factory=list)


def _datasets(paths: Sequence[Path], specs: dict[str, TableSpec]) -> list[Dataset]:
    loose = Dataset()
    out: list[Dataset] = []
    for path in paths:
        if path.is_dir():
            ds = Dataset(folder=path)
            found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix in SUFFIXES)
            for p in found:
                _add(ds, p, specs)
            for name in specs:
                if name not in ds.files:
                    ds.issues.append(
                        (
                            name,
                            str(path),
                            Issue(
                                codes.MISSING_TABLE,
                                f"{path} has no {name}.csv (or {name}.parquet). Expected every table "
                                "of the package; add the file, with at least its header row.",
                            ),
                        )
                    )
            out.append(ds)
        elif path.is_file():
            if path.suffix not in SUFFIXES:
                raise InvalidArgumentError(
                    f"{path} is neither a .csv nor a .parquet file.",
                    hint="Pass table files (<table>.csv or <table>.parquet) or a folder of them.",
                )
            _add(loose, path, specs)
        else:
            raise InvalidArgumentError(
                f"{path} does not exist.",
                hint="Pass a folder of table files (such as datasets/sources) or table files.",
            )
    if loose.files or loose.issues:
        out.append(loose)
    return out


def _add(ds: Dataset, path: Path, specs: dict[str, TableSpec]) -> None:
    name = path.stem
    if name not in specs:
        ds.issues.append(
            (
                None,
                str(path),
                Issue(
                    codes.UNKNOWN_TABLE,
                    f"{path.name} is not a table of this package. Expected one of: "
                    f"{', '.join(sorted(specs))}; rename the file or move it elsewhere.",
                    value=name,
                ),
            )
        )
        return
    if name in ds.files:
        ds.issues.append(
            (
                name,
                str(path),
                Issue(
                    codes.AMBIGUOUS_TABLE,
                    f"{name} is given twice ({ds.files[name].name} and {path.name}); only "
                    f"{ds.files[name].name} was checked. Keep one file per table.",
                ),
            )
        )
        return
    ds.files[name] = path


def _problems(
    table: str | None,
    file: str,
    issues: Iterable[Issue],
    loaded: LoadedTable | None,
    spec: TableSpec | None,
    report: Report,
    limit: int,
) -> None:
    issues = list(issues)
    rows = [i.row for i in issues if i.row is not None and i.line is None]
    firsts = [int(m) for i in issues for m in re.findall(r"\{first:(\d+)\}", i.message)]
    located = record_lines(loaded, rows + firsts) if loaded is not None else {}
    counts: dict[tuple[Code, str | None], int] = {}

    def where(row: int) -> str:
        record, line = located[row]
        return f"line {line}" if line is not None else f"row {record}"

    for i in issues:
        key = (i.code, i.field)
        counts[key] = counts.get(key, 0) + 1
        if counts[key] > limit:
            label = f"{file}:{i.code.code}" + (f":{i.field}" if i.field else "")
            report.omitted[label] = report.omitted.get(label, 0) + 1
            continue
        line, row = i.line, i.row
        if row is not None and line is None and row in located:
            row, line = located[row]
        message = re.sub(r"\{first:(\d+)\}", lambda m: where(int(m.group(1))), i.message)
        column = i.column
        if column is None and i.field is not None and loaded is not None:
            column = loaded.column(i.field) if i.field in loaded.spec.field_names else None
        elif column is None and i.field is not None and spec is not None and i.field in spec.field_names:
            column = spec.column(i.field)
        report.add(
            Problem(
                message=message,
                table=table,
                file=file,
                line=line,
                row=row,
                column=column,
                field=i.field,
                # a cell of a megabyte says no more in a report than its first thousand characters
                value=i.value if i.value is None or len(i.value) <= 1000 else i.value[:999] + "…",
                code=i.code.code,
                severity="warning" if i.code in codes.WARNINGS else "error",
            )
        )


def _single_table(loaded: LoadedTable, engine: Engine, limit: int) -> list[Issue]:
    if engine == "pandas":
        return table_issues(loaded, [lambda: pandas_failures(loaded)], limit)
    return table_issues(loaded, arrow_tasks(loaded), limit)


def _omitted(report: Report, file: str, omitted: dict[tuple[Code, str | None], int]) -> None:
    for (code, name), n in omitted.items():
        report.omit(f"{file}:{code.code}" + (f":{name}" if name else ""), n)


def _unread_tables(ds: Dataset, specs: dict[str, TableSpec], unread: dict[str, str]) -> dict[str, str]:
    """Why each table of ``specs`` that was not read was not: not given, missing, rows not checked."""
    out = dict(unread)
    for name in specs:
        if name not in ds.files and name not in out:
            out[name] = f"{name}.csv is missing" if ds.folder is not None else f"{name}.csv was not given"
    return out


def _read(
    ds: Dataset, specs: dict[str, TableSpec], report: Report, limit: int
) -> tuple[dict[str, LoadedTable], dict[str, str]]:
    """Read each file of a dataset; report what reading found in the files whose rows cannot be checked."""
    loaded: dict[str, LoadedTable] = {}
    unread: dict[str, str] = {}
    for name, path in ds.files.items():
        spec = specs[name]
        reader = read_csv_table if path.suffix == ".csv" else read_parquet_table
        result = reader(path, str(path), spec, limit)
        if isinstance(result, Unread):
            _problems(name, str(path), result.issues, None, spec, report, limit)
            _omitted(report, str(path), result.omitted)
            report.skipped.append(Skipped("rows", name, str(path), f"{result.reason}."))
            unread[name] = f"the rows of {path.name} were not checked"
            continue
        loaded[name] = result
        report.tables[name] = result.num_rows - result.blank_count
    return loaded, unread


def validate_dataset(
    ds: Dataset, specs: dict[str, TableSpec], engine: Engine, limit: int
) -> tuple[Report, dict[str, LoadedTable]]:
    """Check one dataset's files; return the report and the tables that could be read."""
    report = Report()
    for table, file, issue in ds.issues:
        _problems(table, file, [issue], None, specs.get(table or ""), report, limit)
    loaded, unread = _read(ds, specs, report, limit)
    issues = {name: _single_table(t, engine, limit) for name, t in loaded.items()}
    relations = relation_issues(loaded, issues, limit, _unread_tables(ds, specs, unread))
    for name, found in relations.found.items():
        t = loaded[name]
        issues[name].extend(i for i in found if not any(t.is_bad(f, i.row) for f in i.involves))
    for name, t in loaded.items():
        _problems(name, t.file, issues[name], t, t.spec, report, limit)
        _omitted(report, t.file, t.omitted)
        report.skipped.extend(Skipped(check, name, t.file, f"{reason}.") for check, reason in t.skipped)
    for check, table, reason in relations.skipped:
        report.skipped.append(Skipped(check, table or None, None, f"{reason}."))
    return report, loaded


def validate_paths(
    paths: Sequence[str | Path],
    *,
    tables: Sequence[TableSpec] | None = None,
    engine: Engine = "arrow",
    limit: int = DEFAULT_LIMIT,
) -> Report:
    """Validate folders and files; see :func:`policydata.validate.validate`."""
    if engine not in ENGINES:
        raise InvalidArgumentError(f"Unknown engine {engine!r}.", hint=f"Use one of: {', '.join(ENGINES)}.")
    if limit < 1:
        raise InvalidArgumentError(f"limit must be at least 1, not {limit}.")
    specs = catalog_tables() if tables is None else {t.name: t for t in tables}
    report = Report()
    for ds in _datasets([Path(p) for p in paths], specs):
        report.extend(validate_dataset(ds, specs, engine, limit)[0])
    report.sort()
    return report


def check_folder(path: Path) -> tuple[Report, dict[str, LoadedTable]]:
    """Validate a folder of the package's tables; return the report and the typed tables read.

    What :mod:`policydata.publish.build` uses, so that a release is written from the very tables
    that were checked, each file read once.
    """
    specs = catalog_tables()
    (ds,) = _datasets([path], specs)
    report, loaded = validate_dataset(ds, specs, "arrow", DEFAULT_LIMIT)
    report.sort()
    return report, loaded
