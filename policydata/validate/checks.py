"""Single-table checks: the fast engine (vectorised Arrow compute) and the problems they become.

Both engines (this one and the pandera one in :mod:`policydata.validate.pandas_engine`) report
:class:`Failure` objects for the same checks, generated from the same :class:`FieldSpec` objects
and row rules; :func:`table_issues` turns them into located, explained issues, so the two engines
cannot word or place a problem differently.
"""

from __future__ import annotations

from importlib import import_module

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from policydata.schemas._base import (
    CODE_SETS,
    Distinct,
    EmptyWhen,
    FieldSpec,
    Ordered,
    PatternWhen,
    RequiredWhen,
    Rule,
)
from policydata.schemas._patterns import TEXT
from policydata.validate.read import Issue, LoadedTable

if TYPE_CHECKING:
    import pyarrow as pa


@dataclass
class Failure:
    """Rows of a table that fail one check."""

    code: str
    rows: list[int]
    field: str | None = None
    rule: Rule | None = None


# --- the Arrow engine ---------------------------------------------------------------------------


def _rows(mask: pa.ChunkedArray | pa.Array) -> list[int]:
    pc: Any = import_module("pyarrow.compute")

    if not pc.any(mask).as_py():
        return []
    return [int(i) for i in pc.indices_nonzero(mask).to_pylist()]


def key_strings(table: pa.Table, fields: tuple[str, ...]) -> pa.ChunkedArray:
    """The key of each row as citations write it: values joined with '|'."""
    import pyarrow as pa
    pc: Any = import_module("pyarrow.compute")

    columns = [table.column(f) for f in fields]
    columns = [c if pa.types.is_string(c.type) else pc.cast(c, pa.string()) for c in columns]
    if len(columns) == 1:
        return columns[0]
    joined: pa.ChunkedArray = pc.binary_join_element_wise(*columns, "|")
    return joined


def duplicated_rows(keys: pa.ChunkedArray) -> list[int]:
    """Every row whose (non-null) key occurs more than once."""
    pc: Any = import_module("pyarrow.compute")

    valid = keys.drop_null()
    if pc.count_distinct(valid).as_py() == len(valid):
        return []
    counts = pc.value_counts(valid)
    dups = counts.filter(pc.greater(counts.field("counts"), 1)).field("values")
    return _rows(pc.is_in(keys, value_set=dups))


def arrow_rule_mask(rule: Rule, t: pa.Table) -> pa.ChunkedArray:
    """True where the row breaks ``rule`` (nulls count as not broken)."""
    import pyarrow as pa
    pc: Any = import_module("pyarrow.compute")

    def col(name: str) -> Any:
        return t.column(name)

    if isinstance(rule, Ordered):
        a, b = col(rule.earlier), col(rule.later)
        bad = pc.greater_equal(a, b) if rule.strict else pc.greater(a, b)
        if rule.unless is not None:
            bad = pc.and_(bad, pc.invert(pc.fill_null(col(rule.unless), False)))
    elif isinstance(rule, Distinct):
        bad = pc.equal(col(rule.a), col(rule.b))
    elif isinstance(rule, RequiredWhen):
        bad = pc.and_(pc.is_in(col(rule.when), value_set=pa.array(rule.values)), pc.is_null(col(rule.target)))
    elif isinstance(rule, EmptyWhen):
        bad = pc.and_(
            pc.is_in(col(rule.when), value_set=pa.array(rule.values)), pc.is_valid(col(rule.target))
        )
    elif isinstance(rule, PatternWhen):
        bad = pc.and_(
            pc.equal(col(rule.when), rule.value),
            pc.invert(pc.match_substring_regex(col(rule.target), rule.pattern)),
        )
    else:  # a rule without a vectorised form: ask it row by row
        ok = [rule.row_ok(r) for r in t.select(list(rule.fields)).to_pylist()]
        return pa.chunked_array([pa.array([not v for v in ok], pa.bool_())])
    return pc.fill_null(bad, False)


def arrow_failures(t: LoadedTable) -> list[Failure]:
    """Run the schema checks of one table with Arrow compute."""
    import pyarrow as pa
    pc: Any = import_module("pyarrow.compute")

    data = t.data
    out: list[Failure] = []
    for spec in t.spec.fields:
        column = data.column(spec.name)
        if not spec.nullable and column.null_count:
            out.append(Failure("missing-value", _rows(pc.is_null(column)), spec.name))
        if spec.pattern is not None:
            ok = pc.match_substring_regex(column, spec.pattern)
            out.append(Failure("pattern", _rows(pc.invert(pc.fill_null(ok, True))), spec.name))
        if spec.enum is not None:
            ok = pc.is_in(column, value_set=pa.array(spec.enum))
            out.append(Failure("enum", _rows(pc.and_(pc.is_valid(column), pc.invert(ok))), spec.name))
        if spec.minimum is not None or spec.maximum is not None:
            low = pc.less(column, spec.minimum) if spec.minimum is not None else None
            high = pc.greater(column, spec.maximum) if spec.maximum is not None else None
            bad = low if high is None else high if low is None else pc.or_(low, high)
            out.append(Failure("out-of-range", _rows(pc.fill_null(bad, False)), spec.name))
    out.append(Failure("duplicate-key", duplicated_rows(key_strings(data, t.spec.primary_key))))
    for rule in t.spec.model.__rules__:
        out.append(Failure(rule.code, _rows(arrow_rule_mask(rule, data)), rule.fields[0], rule))
    return [f for f in out if f.rows]


# --- from failures to issues --------------------------------------------------------------------

# Characters that look like ASCII letters, digits or punctuation in ids and codes.
_LOOK_ALIKES = str.maketrans(
    {
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe58\ufe63", "-"),
        **dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff\u00ad", ""),
        **dict(zip("АВСЕНІЈКМОРЅТХУ", "ABCEHIJKMOPSTXY", strict=True)),
        **dict(zip("асеіјорѕху", "aceijopsxy", strict=True)),
        **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧο", "ABEZHIKMNOPTYXo", strict=True)),
    }
)


def fold(value: str) -> str:
    """The ASCII a value was probably meant to be: full-width forms, dashes, Cyrillic and Greek
    letters that look Latin, and invisible characters replaced.

    Examples
    --------
    >>> fold("USA\u2013CHN")
    'USA-CHN'
    """
    return unicodedata.normalize("NFKC", value).translate(_LOOK_ALIKES)


def _accepts(spec: FieldSpec) -> Callable[[str], bool]:
    if spec.enum is not None:
        allowed = frozenset(spec.enum)
        return lambda v: v in allowed
    regex = re.compile(spec.pattern or "", re.ASCII)
    return lambda v: regex.fullmatch(v) is not None


def _expected(spec: FieldSpec) -> str:
    if spec.code_set == "jurisdiction":
        return "an ISO 3166-1 alpha-3 code in capitals (such as USA, CHN) or EUN for the European Union"
    if spec.code_set is not None:
        return f"a code of {spec.code_set}"
    if spec.enum is not None:
        return "one of: " + ", ".join(spec.enum)
    if spec.pattern == TEXT:
        return "text that does not start or end with white space"
    return f"the form {spec.pattern} ({spec.description})"


def _cell_issue(t: LoadedTable, code: str, row: int, spec: FieldSpec) -> Issue:
    value = t.value(spec.name, row)
    if code == "missing-value":
        message = f"{spec.name} is empty; it is required ({spec.description})"
    elif code in ("pattern", "enum") and value is not None:
        folded = fold(value)
        if folded != value and _accepts(spec)(folded):
            odd = sorted({c for c in value if c not in folded or ord(c) > 127})
            names = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, '?')}" for c in odd)
            return Issue(
                "look-alike",
                f"{spec.name} is {value!r}, which contains characters that only look like ASCII "
                f"({names}). Expected {folded!r}; retype it in plain ASCII.",
                row=row,
                field=spec.name,
                value=value,
            )
        if code == "enum" and value.strip() != value and _accepts(spec)(value.strip()):
            return Issue(
                "whitespace",
                f"{spec.name} is {value!r}, with white space at its start or end. Expected "
                f"{value.strip()!r}; remove the spaces.",
                row=row,
                field=spec.name,
                value=value,
            )
        message = f"{spec.name} is {value!r}; expected {_expected(spec)}."
    elif code == "out-of-range":
        bounds = f"between {spec.minimum:g} and {spec.maximum:g}" if spec.maximum is not None else ""
        if spec.maximum is None:
            bounds = f"at least {spec.minimum:g}"
        elif spec.minimum is None:
            bounds = f"at most {spec.maximum:g}"
        message = f"{spec.name} is {value}; expected a value {bounds} ({spec.description})"
    else:  # pragma: no cover - every cell code is handled above
        message = f"{spec.name} is {value!r}."
    return Issue(code, message, row=row, field=spec.name, value=value)


def _rule_issue(t: LoadedTable, rule: Rule, row: int) -> Issue:
    values = {f: t.value(f, row) for f in rule.fields}
    shown = ", ".join(f"{f}={v if v is not None else '(empty)'}" for f, v in values.items())
    first = rule.fields[0]
    return Issue(
        rule.code,
        f"{shown}: {rule.describe()}. Check these values against the source and correct one.",
        row=row,
        field=first,
        value=values[first],
        involves=rule.fields,
    )


def whitespace_issues(t: LoadedTable) -> list[Issue]:
    """Text cells with white space (Unicode included) at their start or end."""
    pc: Any = import_module("pyarrow.compute")

    out = []
    for spec in t.spec.fields:
        if spec.kind != "string" or spec.enum is not None:
            continue  # an enum cell with spaces fails its enum check and is explained there
        column = t.data.column(spec.name)
        bad = pc.fill_null(pc.not_equal(column, pc.utf8_trim_whitespace(column)), False)
        for row in _rows(bad):
            value = t.value(spec.name, row) or ""
            out.append(
                Issue(
                    "whitespace",
                    f"{spec.name} is {value!r}, with white space at its start or end. Expected "
                    f"{value.strip()!r}; remove the spaces.",
                    row=row,
                    field=spec.name,
                    value=value,
                )
            )
    return out


def duplicate_key_issues(t: LoadedTable, rows: list[int]) -> list[Issue]:
    """Each repeat of a key (the first occurrence is not a problem)."""
    key = t.spec.primary_key
    first: dict[tuple[str | None, ...], int] = {}
    out = []
    for row in sorted(rows):
        values = tuple(t.value(f, row) for f in key)
        if values not in first:
            first[values] = row
            continue
        shown = "|".join(v or "" for v in values)
        out.append(
            Issue(
                "duplicate-key",
                f"{'/'.join(key)} {shown!r} is used by an earlier row too ({{first:{first[values]}}}). "
                "Expected each key once; give this record its own id, or merge the two.",
                row=row,
                field=key[0],
                value=shown,
                involves=key,
            )
        )
    return out


def likely_duplicate_issues(t: LoadedTable) -> list[Issue]:
    """Records with different keys but the same values in the table's duplicate fields."""
    import pyarrow as pa
    pc: Any = import_module("pyarrow.compute")

    fields = t.spec.duplicate_fields
    if not fields or t.num_rows < 2:
        return []
    sub = t.data.select(list(fields)).append_column("__row", pa.array(range(t.num_rows), pa.int64()))
    groups = sub.group_by(list(fields), use_threads=False).aggregate([("__row", "list")])
    lists = groups.column("__row_list")
    groups = groups.filter(pc.greater(pc.list_value_length(lists), 1))
    out = []
    key = t.spec.primary_key
    for rows in groups.column("__row_list").to_pylist():
        rows = sorted(rows)
        ids = ["|".join(t.value(f, r) or "" for f in key) for r in rows]
        for row, this in zip(rows[1:], ids[1:], strict=True):
            out.append(
                Issue(
                    "likely-duplicate",
                    f"{this!r} has the same {', '.join(fields)} as {ids[0]!r} ({{first:{rows[0]}}}): "
                    "probably the same record entered twice. Delete one, or record what differs "
                    "between them.",
                    row=row,
                    field=key[0],
                    value=this,
                )
            )
    return out


def table_issues(t: LoadedTable, failures: list[Failure]) -> list[Issue]:
    """Explain an engine's failures, add the checks common to both engines, drop consequences.

    At most one problem is kept per cell (the first code of :data:`CELL_CODES`), and a row-level
    problem is dropped when a field it involves already has a cell problem in that row.
    """
    from policydata.validate.codes import CELL_CODES

    specs = {s.name: s for s in t.spec.fields}
    issues: list[Issue] = []
    for f in failures:
        if f.code == "duplicate-key":
            issues.extend(duplicate_key_issues(t, f.rows))
        elif f.rule is not None:
            issues.extend(_rule_issue(t, f.rule, r) for r in f.rows)
        else:
            assert f.field is not None
            issues.extend(_cell_issue(t, f.code, r, specs[f.field]) for r in f.rows)
    issues.extend(whitespace_issues(t))
    issues.extend(likely_duplicate_issues(t))
    return settle(t.issues + issues, CELL_CODES)


def settle(issues: list[Issue], cell_codes: tuple[str, ...]) -> list[Issue]:
    """One problem per cell (by priority); no row problem that follows from a cell problem."""
    rank = {c: i for i, c in enumerate(cell_codes)}
    best: dict[tuple[int, str], Issue] = {}
    others: list[Issue] = []
    for issue in issues:
        if issue.code in rank and issue.row is not None and issue.field is not None and issue.line is None:
            k = (issue.row, issue.field)
            if k not in best or rank[issue.code] < rank[best[k].code]:
                best[k] = issue
        else:
            others.append(issue)
    bad_cells = set(best)
    kept = [
        i
        for i in others
        if i.row is None or i.line is not None or not any((i.row, f) in bad_cells for f in i.involves)
    ]
    return kept + list(best.values())


def jurisdiction_codes() -> frozenset[str]:
    return CODE_SETS["jurisdiction"]
