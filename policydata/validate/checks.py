"""Single-table checks: the fast engine (vectorised Arrow compute) and the problems they become.

Both engines (this one and the pandera one in :mod:`policydata.validate.pandas_engine`) report
:class:`Failure` objects for the same checks, generated from the same :class:`FieldSpec` objects
and row rules; :func:`table_issues` turns them into located, explained issues, so the two engines
cannot word or place a problem differently.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from importlib import import_module
from typing import Any

from policydata.schemas._patterns import TEXT
from policydata.schemas.model import FieldSpec
from policydata.schemas.rules import Rule
from policydata.validate import codes
from policydata.validate.codes import Code
from policydata.validate.model import Issue, LoadedTable, pmap

# pyarrow.compute is bound as ``Any`` in the functions below (``pc: Any = import_module(...)``):
# its stubs type each kernel for arrays or scalars, not for the chunked columns a table holds.


@dataclass
class Failure:
    """Rows of a table that fail one check."""

    code: Code
    rows: list[int]
    field: str | None = None
    rule: Rule | None = None


# --- the Arrow engine ---------------------------------------------------------------------------


def _rows(mask: Any) -> list[int]:
    pc: Any = import_module("pyarrow.compute")

    if not pc.any(mask).as_py():
        return []
    return [int(i) for i in pc.indices_nonzero(mask).to_pylist()]


_SAMPLE = 20_000


def per_value(t: LoadedTable, name: str, fn: Callable[[Any], Any]) -> Any:
    """``fn`` (a boolean test) applied to a column, once per distinct value when there are few."""
    pc: Any = import_module("pyarrow.compute")

    column = t.data.column(name)
    if name not in t.views:
        view = None
        if len(column) > 4 * _SAMPLE:
            sample = column.slice(0, _SAMPLE)
            if pc.count_distinct(sample).as_py() < _SAMPLE // 10:
                encoded = pc.dictionary_encode(column.combine_chunks())
                view = (encoded.dictionary, encoded.indices)
        t.views[name] = view
    view = t.views[name]
    if view is None:
        return fn(column)
    dictionary, indices = view
    return pc.take(fn(dictionary), indices)


def key_strings(table: Any, fields: tuple[str, ...]) -> Any:
    """The key of each row as citations write it: values joined with '|'."""
    import pyarrow as pa

    pc: Any = import_module("pyarrow.compute")

    columns = [table.column(f) for f in fields]
    columns = [c if pa.types.is_string(c.type) else pc.cast(c, pa.string()) for c in columns]
    if len(columns) == 1:
        return columns[0]
    return pc.binary_join_element_wise(*columns, "|")


def duplicated_mask(keys: Any) -> Any | None:
    """True for every row whose (non-null) key occurs more than once; None when there is none.

    Sorting finds repeats faster than hashing in Arrow; a column already in strictly increasing
    order (as a release is, and many sources are) needs no sort at all.
    """
    pc: Any = import_module("pyarrow.compute")

    keys = keys.combine_chunks() if hasattr(keys, "combine_chunks") else keys
    n = len(keys)
    if n < 2:
        return None
    if pc.all(pc.fill_null(pc.greater(keys.slice(1), keys.slice(0, n - 1)), False)).as_py():
        return None
    ordered = pc.take(keys, pc.sort_indices(keys))
    same = pc.fill_null(pc.equal(ordered.slice(1), ordered.slice(0, n - 1)), False)
    if not pc.any(same).as_py():
        return None
    repeated = pc.unique(pc.filter(ordered.slice(1), same))
    return pc.is_in(keys, value_set=repeated)


def duplicated_rows(keys: Any) -> list[int]:
    """Every row whose (non-null) key occurs more than once."""
    mask = duplicated_mask(keys)
    return [] if mask is None else _rows(mask)


def _field_failures(t: LoadedTable, spec: FieldSpec) -> list[Failure]:
    import pyarrow as pa

    pc: Any = import_module("pyarrow.compute")

    column = t.data.column(spec.name)
    out: list[Failure] = []
    if not spec.nullable and column.null_count:
        out.append(Failure(codes.MISSING_VALUE, _rows(pc.is_null(column)), spec.name))
    if spec.pattern is not None:
        pattern = spec.pattern
        bad = per_value(t, spec.name, lambda v: pc.invert(pc.match_substring_regex(v, pattern)))
        out.append(Failure(codes.PATTERN, _rows(pc.fill_null(bad, False)), spec.name))
    if spec.enum is not None:
        allowed = pa.array(list(spec.enum), pa.string())
        bad = per_value(
            t, spec.name, lambda v: pc.and_(pc.is_valid(v), pc.invert(pc.is_in(v, value_set=allowed)))
        )
        out.append(Failure(codes.ENUM, _rows(pc.fill_null(bad, False)), spec.name))
    if spec.minimum is not None or spec.maximum is not None:
        low = pc.less(column, spec.minimum) if spec.minimum is not None else None
        high = pc.greater(column, spec.maximum) if spec.maximum is not None else None
        bad = low if high is None else high if low is None else pc.or_(low, high)
        out.append(Failure(codes.OUT_OF_RANGE, _rows(pc.fill_null(bad, False)), spec.name))
    return out


def _rule_failures(rule: Rule, data: Any) -> list[Failure]:
    return [Failure(codes.of_rule(rule.code), _rows(rule.arrow_broken(data)), rule.fields[0], rule)]


def arrow_tasks(t: LoadedTable) -> list[Callable[[], list[Failure]]]:
    """The schema checks of one table with Arrow compute, as tasks that can run side by side."""
    data = t.data
    tasks: list[Callable[[], list[Failure]]] = [partial(_field_failures, t, spec) for spec in t.spec.fields]
    tasks.append(
        lambda: [Failure(codes.DUPLICATE_KEY, duplicated_rows(key_strings(data, t.spec.primary_key)))]
    )
    tasks.extend(partial(_rule_failures, rule, data) for rule in t.spec.model.__rules__)
    return tasks


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


def _cell_issue(t: LoadedTable, code: Code, row: int, spec: FieldSpec) -> Issue:
    value = t.value(spec.name, row)
    if code is codes.MISSING_VALUE:
        message = f"{spec.name} is empty; it is required ({spec.description})"
    elif code in (codes.PATTERN, codes.ENUM) and value is not None:
        folded = fold(value)
        if folded != value and _accepts(spec)(folded):
            odd = sorted({c for c in value if c not in folded or ord(c) > 127})
            names = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, '?')}" for c in odd)
            return Issue(
                codes.LOOK_ALIKE,
                f"{spec.name} is {value!r}, which contains characters that only look like ASCII "
                f"({names}). Expected {folded!r}; retype it in plain ASCII.",
                row=row,
                field=spec.name,
                value=value,
            )
        if value.strip() != value:
            return _whitespace_issue(spec, value, row)
        message = f"{spec.name} is {value!r}; expected {_expected(spec)}."
    elif code is codes.OUT_OF_RANGE:
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
        codes.of_rule(rule.code),
        f"{shown}: {rule.describe()}. Check these values against the source and correct one.",
        row=row,
        field=first,
        value=values[first],
        involves=rule.fields,
    )


def _whitespace_issue(spec: FieldSpec, value: str, row: int) -> Issue:
    return Issue(
        codes.WHITESPACE,
        f"{spec.name} is {value!r}, with white space at its start or end. Expected "
        f"{value.strip()!r}; remove the spaces.",
        row=row,
        field=spec.name,
        value=value,
    )


def _rejects_whitespace(pattern: str | None) -> bool:
    """True when no value with white space can match (the pattern names its characters)."""
    return pattern is not None and re.search(r"\\[sSWD]|\.|\[\^", pattern) is None


def whitespace_issues(t: LoadedTable, spec: FieldSpec) -> list[Issue]:
    """Text cells with white space (Unicode included) at their start or end."""
    pc: Any = import_module("pyarrow.compute")

    if spec.kind != "string" or spec.enum is not None or _rejects_whitespace(spec.pattern):
        return []  # such a cell fails its enum or pattern check, and is explained there
    bad = per_value(t, spec.name, lambda v: pc.not_equal(v, pc.utf8_trim_whitespace(v)))
    out = []
    for row in _rows(pc.fill_null(bad, False)):
        out.append(_whitespace_issue(spec, t.value(spec.name, row) or "", row))
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
                codes.DUPLICATE_KEY,
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
    """Records with different keys but the same values in the table's duplicate fields.

    Rows are first narrowed to those whose most varied field repeats (a sort), and only those
    are compared on every field.
    """
    pc: Any = import_module("pyarrow.compute")

    fields = t.spec.duplicate_fields
    if not fields or t.num_rows < 2:
        return []
    data = t.data
    sample = data.slice(0, _SAMPLE)
    first = max(fields, key=lambda f: pc.count_distinct(sample.column(f)).as_py())
    mask = duplicated_mask(key_strings(data, (first,)))
    if mask is None and pc.all(pc.is_valid(data.column(first))).as_py():
        return []
    # nulls count as equal here, and sorting does not pair them
    nulls = pc.is_null(data.column(first))
    mask = nulls if mask is None else pc.or_(mask, nulls)
    candidates = _rows(mask)
    groups: dict[tuple[Any, ...], list[int]] = {}
    rows = data.take(candidates).select(list(fields)).to_pylist()
    for row, values in zip(candidates, rows, strict=True):
        groups.setdefault(tuple(values.values()), []).append(row)
    out = []
    key = t.spec.primary_key
    for group in groups.values():
        if len(group) < 2:
            continue
        ids = ["|".join(t.value(f, r) or "" for f in key) for r in group]
        for row, this in zip(group[1:], ids[1:], strict=True):
            out.append(
                Issue(
                    codes.LIKELY_DUPLICATE,
                    f"{this!r} has the same {', '.join(fields)} as {ids[0]!r} ({{first:{group[0]}}}): "
                    "probably the same record entered twice. Delete one, or record what differs "
                    "between them.",
                    row=row,
                    field=key[0],
                    value=this,
                )
            )
    return out


def table_issues(t: LoadedTable, engine_tasks: list[Callable[[], list[Failure]]]) -> list[Issue]:
    """Run an engine's checks with the checks common to both engines, explain, drop consequences.

    All tasks share one pool of threads. At most one problem is kept per cell (the first code of
    :data:`CELL_CODES`), and a row-level problem is dropped when a field it involves already has
    a cell problem in that row.
    """
    shared: list[Callable[[], list[Issue]]] = [lambda: likely_duplicate_issues(t)]
    shared.extend(partial(whitespace_issues, t, spec) for spec in t.spec.fields)
    tasks: list[Callable[[], list[Any]]] = [*shared, *engine_tasks]
    results = pmap(lambda task: task(), tasks)
    issues: list[Issue] = [i for found in results[: len(shared)] for i in found]
    failures: list[Failure] = [f for found in results[len(shared) :] for f in found if f.rows]
    specs = {s.name: s for s in t.spec.fields}
    for f in failures:
        if f.code is codes.DUPLICATE_KEY:
            issues.extend(duplicate_key_issues(t, f.rows))
        elif f.rule is not None:
            issues.extend(_rule_issue(t, f.rule, r) for r in f.rows)
        else:
            assert f.field is not None
            issues.extend(_cell_issue(t, f.code, r, specs[f.field]) for r in f.rows)
    return settle(t.issues + issues, codes.CELL_CODES)


def settle(issues: list[Issue], cell_codes: tuple[Code, ...]) -> list[Issue]:
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
