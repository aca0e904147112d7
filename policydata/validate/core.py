"""Validate tables: read them, check each against its schema, then check them against each other."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policydata.catalog import TABLES, TableInfo
from policydata.schemas._base import FieldSpec, Rule, field_specs
from policydata.schemas._patterns import TEXT
from policydata.validate.report import Problem, Report

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa


@dataclass
class LoadedTable:
    """A table read for validation, with where each row came from."""

    info: TableInfo
    file: str
    frame: pd.DataFrame
    #: 1-based CSV line of each row, or None for Parquet input (rows are then 0-based indexes)
    lines: list[int] | None

    def locate(self, index: int) -> dict[str, Any]:
        if self.lines is not None and 0 <= index < len(self.lines):
            return {"line": self.lines[index]}
        return {"row": index}


def arrow_type(spec: FieldSpec) -> pa.DataType:
    import pyarrow as pa

    types: dict[str, pa.DataType] = {
        "string": pa.string(),
        "date": pa.date32(),
        "number": pa.float64(),
        "integer": pa.int64(),
        "boolean": pa.bool_(),
    }
    return types[spec.kind]


def arrow_schema(info: TableInfo) -> pa.Schema:
    """The Arrow schema a table is stored with in a release."""
    import pyarrow as pa

    return pa.schema(
        [pa.field(s.name, arrow_type(s), nullable=s.nullable) for s in field_specs(info.record_model())]
    )


def _convert(values: list[str | None], spec: FieldSpec) -> tuple[list[Any], list[int]]:
    """Convert CSV strings to the field's type; return the values and the indexes that failed."""
    import datetime as dt

    out: list[Any] = []
    bad: list[int] = []
    for i, v in enumerate(values):
        if v is None:
            out.append(None)
            continue
        try:
            if spec.kind == "string":
                out.append(v)
            elif spec.kind == "date":
                if len(v) != 10:
                    raise ValueError(v)
                out.append(dt.date.fromisoformat(v))
            elif spec.kind == "number":
                out.append(float(v))
            elif spec.kind == "integer":
                out.append(int(v))
            elif v in ("true", "false"):
                out.append(v == "true")
            else:
                raise ValueError(v)
        except ValueError:
            out.append(None)
            bad.append(i)
    return out, bad


_EXPECTED = {
    "date": "an ISO date YYYY-MM-DD",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
}


def read_csv(path: Path, info: TableInfo, report: Report) -> LoadedTable | None:
    """Read a source CSV with every cell as text, then convert each column to its type.

    Problems (header, types) go into ``report``; returns None when the file cannot be used.
    """
    import csv

    import pyarrow as pa

    from policydata.io import to_pandas

    specs = field_specs(info.record_model())
    names = [s.name for s in specs]
    file = str(path)
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader)
        except StopIteration:
            report.add(
                Problem(
                    "empty-file",
                    f"{path.name} is empty; expected a header row with: {', '.join(names)}.",
                    info.name,
                    file,
                    1,
                )
            )
            return None
        if header != names:
            missing = [n for n in names if n not in header]
            extra = [h for h in header if h not in names]
            detail = []
            if missing:
                detail.append(f"missing {', '.join(missing)}")
            if extra:
                detail.append(f"unexpected {', '.join(extra)}")
            if not detail:
                detail.append("columns out of order")
            report.add(
                Problem(
                    "header",
                    f"Header of {path.name} does not match the schema ({'; '.join(detail)}). "
                    f"Expected, in order: {','.join(names)}.",
                    info.name,
                    file,
                    1,
                )
            )
            return None
        columns: list[list[str | None]] = [[] for _ in names]
        lines: list[int] = []
        start = reader.line_num + 1
        for row in reader:
            if len(row) != len(names):
                report.add(
                    Problem(
                        "row-length",
                        f"Row has {len(row)} cells, expected {len(names)}. Quote cells that contain "
                        "commas, and check for missing or extra separators.",
                        info.name,
                        file,
                        start,
                    )
                )
            else:
                lines.append(start)
                for col, value in zip(columns, row, strict=True):
                    col.append(value if value != "" else None)
            start = reader.line_num + 1
    arrays = []
    for spec, values in zip(specs, columns, strict=True):
        converted, bad = _convert(values, spec)
        for i in bad:
            report.add(
                Problem(
                    "type-error",
                    f"{values[i]!r} is not {_EXPECTED[spec.kind]}.",
                    info.name,
                    file,
                    lines[i],
                    None,
                    spec.name,
                    values[i],
                )
            )
        arrays.append(pa.array(converted, type=arrow_type(spec)))
    table = pa.Table.from_arrays(arrays, names=names)
    return LoadedTable(info, file, to_pandas(table), lines)


def read_parquet(path: Path, info: TableInfo, report: Report) -> LoadedTable | None:
    """Read a Parquet table for validation."""
    import pyarrow.parquet as pq

    from policydata.io import to_pandas

    expected = arrow_schema(info)
    table = pq.ParquetFile(path).read()
    if table.schema.names != expected.names:
        report.add(
            Problem(
                "header",
                f"Columns of {path.name} do not match the schema. Expected, in order: "
                f"{','.join(expected.names)}; found {','.join(table.schema.names)}.",
                info.name,
                str(path),
            )
        )
        return None
    for f in expected:
        got = table.schema.field(f.name).type
        if got != f.type:
            report.add(
                Problem(
                    "type-error",
                    f"Column {f.name} has type {got}, expected {f.type}.",
                    info.name,
                    str(path),
                    None,
                    None,
                    f.name,
                )
            )
    if not report.ok:
        return None
    return LoadedTable(info, str(path), to_pandas(table), None)


_CHECK_PREFIXES = (
    ("str_matches", "pattern"),
    ("isin", "enum"),
    ("greater_than_or_equal_to", "out-of-range"),
    ("less_than_or_equal_to", "out-of-range"),
    ("not_nullable", "missing-value"),
    ("field_uniqueness", "duplicate-key"),
    ("multiple_fields_uniqueness", "duplicate-key"),
    ("dtype", "type-error"),
    ("column_in_schema", "header"),
    ("column_in_dataframe", "header"),
)


def _check_code(check: str, rules: Mapping[str, Rule], spec: FieldSpec | None) -> str:
    if check in rules:
        return rules[check].code
    for prefix, code in _CHECK_PREFIXES:
        if check.startswith(prefix):
            if code == "pattern" and spec is not None and spec.pattern == TEXT:
                return "whitespace"
            return code
    return "schema"


def check_table(loaded: LoadedTable, report: Report) -> None:
    """Check one table against its pandera schema, collecting every failure."""
    import pandera.errors

    from policydata.frames import dataframe_schema

    model = loaded.info.record_model()
    schema = dataframe_schema(model)
    # pandera reports a frame-wide check under its error text, not its name
    rules = {r.name: r for r in model.__rules__} | {r.describe(): r for r in model.__rules__}
    seen: set[tuple[str, object]] = set()
    specs = {s.name: s for s in field_specs(model)}
    try:
        schema.validate(loaded.frame, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        for case in cases.to_dict("records"):
            check = str(case["check"])
            column = case["column"] if isinstance(case["column"], str) else None
            index = case["index"]
            rule = rules.get(check)
            code = _check_code(check, rules, specs.get(column or ""))
            where = loaded.locate(int(index)) if index == index and index is not None else {}
            field: str | None
            if rule is not None:
                # a frame-wide check lists the failing row once per column
                if (rule.name, index) in seen:
                    continue
                seen.add((rule.name, index))
                field = rule.fields[0]
                value = loaded.frame.iloc[int(index)][field] if "line" in where or "row" in where else None
                message = f"Row breaks a rule: {rule.describe()}."
            else:
                field = column if column in specs else None
                value = case["failure_case"]
                message = _message(code, check, specs.get(field or ""), value)
            report.add(
                Problem(
                    code,
                    message,
                    loaded.info.name,
                    loaded.file,
                    where.get("line"),
                    where.get("row"),
                    field,
                    None if value is None or value != value else str(value),
                )
            )


def _message(code: str, check: str, spec: FieldSpec | None, value: object) -> str:
    if code == "whitespace":
        return f"{value!r} has white space at its start or end (or is blank); remove it."
    if code == "pattern" and spec is not None:
        return f"{value!r} does not match the pattern {spec.pattern} ({spec.description})"
    if code == "enum" and spec is not None and spec.enum is not None:
        shown = ", ".join(spec.enum) if len(spec.enum) <= 20 else f"a code of {spec.code_set}"
        return f"{value!r} is not an allowed value; expected one of: {shown}."
    if code == "missing-value" and spec is not None:
        return f"{spec.name} is required but empty ({spec.description})"
    if code == "duplicate-key":
        return f"{value!r} appears more than once; the table's key must be unique."
    if code == "out-of-range" and spec is not None:
        return f"{value!r} is outside [{spec.minimum}, {spec.maximum}]."
    return f"Check {check} failed for {value!r}."


def check_relations(tables: Mapping[str, LoadedTable], report: Report) -> None:
    """Cross-table rules: foreign keys resolve, every record is cited, event links point back in time."""
    keys: dict[str, set[str]] = {}
    for name, loaded in tables.items():
        info = loaded.info
        frame = loaded.frame
        keys[name] = {
            "|".join(str(v) for v in row)
            for row in frame[list(info.primary_key)].itertuples(index=False, name=None)
        }
    for name, loaded in tables.items():
        for fk in loaded.info.foreign_keys:
            if fk.reference_table not in keys:
                continue
            col = fk.fields[0]
            targets = keys[fk.reference_table]
            for i, value in enumerate(loaded.frame[col].tolist()):
                if value is None or value != value or str(value) in targets:
                    continue
                report.add(
                    Problem(
                        "foreign-key",
                        f"{col}={value!r} does not match any {fk.reference_table}."
                        f"{fk.reference_fields[0]}; add that record first or correct the id.",
                        name,
                        loaded.file,
                        **loaded.locate(i),
                        field=col,
                        value=str(value),
                    )
                )
    citations = tables.get("citations")
    if citations is not None:
        cited: dict[str, set[str]] = {}
        for i, (tbl, record_id) in enumerate(
            citations.frame[["table", "record_id"]].itertuples(index=False, name=None)
        ):
            cited.setdefault(tbl, set()).add(record_id)
            if tbl in keys and record_id not in keys[tbl]:
                report.add(
                    Problem(
                        "foreign-key",
                        f"Citation of {tbl} record {record_id!r}, which does not exist.",
                        "citations",
                        citations.file,
                        **citations.locate(i),
                        field="record_id",
                        value=record_id,
                    )
                )
        for name, loaded in tables.items():
            if name in ("sources", "citations"):
                continue
            ids = cited.get(name, set())
            info = loaded.info
            for i, row in enumerate(loaded.frame[list(info.primary_key)].itertuples(index=False, name=None)):
                record_id = "|".join(str(v) for v in row)
                if record_id not in ids:
                    report.add(
                        Problem(
                            "missing-citation",
                            f"{name} record {record_id!r} cites no source; add a row to "
                            f"citations.csv with table={name}, record_id={record_id}.",
                            name,
                            loaded.file,
                            **loaded.locate(i),
                            field=info.primary_key[0],
                            value=record_id,
                        )
                    )
    events = tables.get("tariff_events")
    if events is not None:
        check_event_links(events, report)


def _took_effect(row: Mapping[Any, Any]) -> bool:
    return row["effective_date"] is not None and not row["retroactive"]


def _comparable_starts(row: Mapping[Any, Any], target: Mapping[Any, Any]) -> tuple[Any, Any]:
    """Effective dates when both events took effect in the normal way, else announcement dates.

    A retroactive event took effect before it existed, and a never-in-force one never did; such
    links are ordered by when the events were announced.
    """
    if _took_effect(row) and _took_effect(target):
        return row["effective_date"], target["effective_date"]
    return row["announced_date"], target["announced_date"]


def check_event_links(events: LoadedTable, report: Report) -> None:
    """``amends`` links stay in one direction and point back in time; ``responds to`` links cross."""
    frame = events.frame
    by_id = {r["event_id"]: r for r in frame.to_dict("records")}
    for i, row in enumerate(frame.to_dict("records")):
        for col, same_direction in (("amends_event_id", True), ("responds_to_event_id", False)):
            target_id = row[col]
            if target_id is None or target_id != target_id or target_id not in by_id:
                continue
            target = by_id[target_id]
            direction = (target["imposing"], target["target"])
            expected = (
                (row["imposing"], row["target"]) if same_direction else (row["target"], row["imposing"])
            )
            if direction != expected:
                report.add(
                    Problem(
                        "link-direction",
                        f"{col}={target_id!r} is a {direction[0]}->{direction[1]} event; expected "
                        f"{expected[0]}->{expected[1]}.",
                        "tariff_events",
                        events.file,
                        **events.locate(i),
                        field=col,
                        value=target_id,
                    )
                )
            start, t_start = _comparable_starts(row, target)
            if start is not None and t_start is not None and t_start > start:
                report.add(
                    Problem(
                        "link-order",
                        f"{col}={target_id!r} starts on {t_start}, after this event ({start}); a link "
                        "must point at an earlier event.",
                        "tariff_events",
                        events.file,
                        **events.locate(i),
                        field=col,
                        value=target_id,
                    )
                )
        if row["combines"] == "replaces" and row["amends_event_id"] in by_id:
            target = by_id[row["amends_event_id"]]
            if (
                row["effective_date"] is not None
                and target["effective_date"] is not None
                and (target["end_date"] != row["effective_date"])
            ):
                report.add(
                    Problem(
                        "replace-gap",
                        f"This event replaces {row['amends_event_id']!r} from {row['effective_date']}, "
                        f"but that event's end_date is {target['end_date']}; they must be equal.",
                        "tariff_events",
                        events.file,
                        **events.locate(i),
                        field="amends_event_id",
                        value=row["amends_event_id"],
                    )
                )


def validate_folder(path: Path) -> Report:
    """Validate every table in a folder of source CSVs or a release's Parquet files."""
    report = Report()
    loaded: dict[str, LoadedTable] = {}
    for name, info in TABLES.items():
        csv_path, pq_path = path / f"{name}.csv", path / f"{name}.parquet"
        if csv_path.is_file():
            result = read_csv(csv_path, info, report)
        elif pq_path.is_file():
            result = read_parquet(pq_path, info, report)
        else:
            report.add(
                Problem(
                    "missing-table",
                    f"{path} has neither {name}.csv nor {name}.parquet; every table must be present "
                    "(a header row alone is fine).",
                    name,
                    str(path),
                )
            )
            continue
        if result is not None:
            loaded[name] = result
            report.tables[name] = len(result.frame)
    for table in loaded.values():
        check_table(table, report)
    if len(loaded) == len(TABLES):
        check_relations(loaded, report)
    return report
