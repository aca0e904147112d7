"""The pandera engine: the same single-table checks, run by the generated pandera schemas.

This is the typed pandas path (:mod:`policydata.generated.pandera`); it is slower to start than the Arrow
engine (pandas and pandera take about two seconds to import) and is kept so that a test can
hold the two engines to the same answers.
"""

from __future__ import annotations

from typing import Any

from policydata.schemas.rules import Rule
from policydata.validate import codes
from policydata.validate.codes import Code
from policydata.validate.model import Failure, LoadedTable, mask_of

_PREFIXES = (
    ("ascii_fullmatch", codes.PATTERN),
    ("enum", codes.ENUM),
    ("isin", codes.ENUM),
    ("greater_than_or_equal_to", codes.OUT_OF_RANGE),
    ("less_than_or_equal_to", codes.OUT_OF_RANGE),
    ("not_nullable", codes.MISSING_VALUE),
    ("field_uniqueness", codes.DUPLICATE_KEY),
    ("multiple_fields_uniqueness", codes.DUPLICATE_KEY),
)


def _code(check: str, rules: dict[str, Rule]) -> Code | None:
    if check in rules:
        return codes.of_rule(rules[check].code)
    for prefix, code in _PREFIXES:
        if check.startswith(prefix):
            return code
    # dtype and column checks: the reader has already settled types and columns
    return None


def pandas_failures(t: LoadedTable) -> list[Failure]:
    """Run the table's pandera schema lazily and map every failure case to a check code."""
    import pandera.errors

    # lazy: the generated pandera models import pandas and pandera (seconds), this engine only
    from policydata.generated.pandera import dataframe_schema

    model = t.spec.model
    schema = dataframe_schema(t.spec)
    # pandera names a failed frame-level check by its error text
    rules = {r.name: r for r in model.__rules__} | {r.describe(): r for r in model.__rules__}
    frame = t.frame
    rows: dict[tuple[Code, str | None, str | None], set[int]] = {}
    try:
        schema.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        cases: list[dict[str, Any]] = exc.failure_cases.to_dict("records")
        for case in cases:
            check = str(case["check"])
            code = _code(check, rules)
            index = case["index"]
            if code is None or index is None or index != index:
                continue
            column = case["column"] if isinstance(case["column"], str) else None
            rule_name = check if check in rules else None
            if code is codes.DUPLICATE_KEY or rule_name is not None:
                column = None  # frame-level checks list every column of a failing row
            rows.setdefault((code, column, rule_name), set()).add(int(index))
    out = []
    for (code, column, rule_name), found in rows.items():
        rule = rules[rule_name] if rule_name is not None else None
        field = rule.fields[0] if rule is not None else column
        # a field the file lacks is said once, by the header problem: none of its checks count
        involved = rule.fields if rule is not None else (column,) if column else t.spec.primary_key
        if not t.absent.intersection(involved):
            out.append(Failure(code, mask_of(found, t.num_rows), field, rule))
    return out
