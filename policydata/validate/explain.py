"""From failures to issues: one problem per cell, no problem that follows from another, and only
the first ``limit`` of each kind explained.

Checks return the rows that fail them (:class:`~policydata.validate.model.Failure`). Here each cell
keeps the failure that explains it best (the first code of :data:`~policydata.validate.codes.CELL_CODES`),
a row problem is dropped when a field it involves has an error of its own in that row, and the
first ``limit`` rows of each check become issues with a message; the others are only counted. So
the work of explaining is bounded by the limit, whatever the input.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import partial
from importlib import import_module
from typing import Any

from policydata.schemas._patterns import TEXT
from policydata.schemas.model import FieldSpec
from policydata.schemas.rules import Rule
from policydata.validate import codes
from policydata.validate.checks import key_strings, likely_duplicate_rows, text_failures
from policydata.validate.codes import Code
from policydata.validate.convert import type_error_issue
from policydata.validate.model import Failure, Issue, LoadedTable, clip, pmap

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


def accepts(spec: FieldSpec) -> Callable[[str], bool]:
    """A test of a value against a field's closed list or pattern."""
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


def _whitespace_issue(spec: FieldSpec, value: str, row: int) -> Issue:
    return Issue(
        codes.WHITESPACE,
        f"{spec.name} is {clip(value)!r}, with white space at its start or end. Expected "
        f"{clip(value.strip())!r}; remove the spaces.",
        row=row,
        field=spec.name,
        value=value,
    )


def _look_alike_issue(spec: FieldSpec, value: str, folded: str, row: int) -> Issue:
    odd = sorted({c for c in value if c not in folded or ord(c) > 127})
    names = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, '?')}" for c in odd)
    return Issue(
        codes.LOOK_ALIKE,
        f"{spec.name} is {clip(value)!r}, which contains characters that only look like ASCII "
        f"({names}). Expected {folded!r}; retype it in plain ASCII.",
        row=row,
        field=spec.name,
        value=value,
    )


def _text_issue(code: Code, spec: FieldSpec, value: str, row: int) -> Issue:
    if code is codes.CONTROL_CHARACTER:
        found = sorted({c for c in value if unicodedata.category(c) == "Cc" and c not in "\t\n\r"})
        names = ", ".join(f"U+{ord(c):04X}" for c in found)
        message = (
            f"{spec.name} is {clip(value)!r}, which holds control characters ({names}) that no text "
            "needs (pasted from a binary file or a terminal?). Delete them."
        )
    else:
        message = (
            f"{spec.name} is {clip(value)!r}, which a spreadsheet opening this file would run as a "
            "formula. If it is text, reword it so that it does not start with = + - @ (this is "
            "a warning: check the value)."
        )
    return Issue(code, message, row=row, field=spec.name, value=value)


def cell_issue(t: LoadedTable, code: Code, row: int, spec: FieldSpec) -> Issue:
    """The issue of one cell that fails a check, explained (a pattern or closed-list failure is
    told as white space or a look-alike character when that is what it is)."""
    value = t.value(spec.name, row)
    if code is codes.TYPE_ERROR:
        return type_error_issue(spec, row, value)
    if code is codes.MISSING_VALUE:
        return Issue(
            code, f"{spec.name} is empty; it is required ({spec.description})", row=row, field=spec.name
        )
    if code is codes.WHITESPACE and value is not None:
        return _whitespace_issue(spec, value, row)
    if code in (codes.CONTROL_CHARACTER, codes.FORMULA) and value is not None:
        return _text_issue(code, spec, value, row)
    if code in (codes.PATTERN, codes.ENUM) and value is not None:
        folded = fold(value)
        if folded != value and accepts(spec)(folded):
            return _look_alike_issue(spec, value, folded, row)
        if value.strip() != value:
            return _whitespace_issue(spec, value, row)
        return Issue(
            code,
            f"{spec.name} is {clip(value)!r}; expected {_expected(spec)}.",
            row=row,
            field=spec.name,
            value=value,
        )
    bounds = f"between {spec.minimum:g} and {spec.maximum:g}" if spec.maximum is not None else ""
    if spec.maximum is None:
        bounds = f"at least {spec.minimum:g}"
    elif spec.minimum is None:
        bounds = f"at most {spec.maximum:g}"
    return Issue(
        code,
        f"{spec.name} is {clip(value)}; expected a value {bounds} ({spec.description})",
        row=row,
        field=spec.name,
        value=value,
    )


def _rule_issue(t: LoadedTable, rule: Rule, row: int) -> Issue:
    values = {f: t.value(f, row) for f in rule.fields}
    shown = ", ".join(f"{f}={clip(v) if v is not None else '(empty)'}" for f, v in values.items())
    first = rule.fields[0]
    return Issue(
        codes.of_rule(rule.code),
        f"{shown}: {rule.describe()}. Check these values against the source and correct one.",
        row=row,
        field=first,
        value=values[first],
        involves=rule.fields,
    )


def _repeats(rows: Any, keys: Any, limit: int) -> tuple[list[tuple[int, int, str]], int]:
    """(row, first row with the same key, key) of each repeat, the first ``limit``; and how many
    repeats there are in all. ``rows`` (ascending) and ``keys`` are Arrow arrays."""
    import pyarrow as pa

    pc: Any = import_module("pyarrow.compute")

    both = pa.table({"k": keys, "r": rows})
    firsts = both.group_by("k", use_threads=False).aggregate([("r", "min")])
    repeats = both.filter(pc.invert(pc.is_in(both.column("r"), value_set=firsts.column("r_min"))))
    shown = repeats.slice(0, limit)
    wanted = firsts.filter(pc.is_in(firsts.column("k"), value_set=shown.column("k")))
    first: dict[Any, Any] = dict(
        zip(wanted.column("k").to_pylist(), wanted.column("r_min").to_pylist(), strict=True)
    )
    out = [(int(r["r"]), int(first[r["k"]]), str(r["k"])) for r in shown.to_pylist()]
    return out, repeats.num_rows


def duplicate_key_issues(t: LoadedTable, mask: Any, limit: int) -> tuple[list[Issue], int]:
    """Each repeat of a key (the first occurrence is not a problem); and how many are not listed."""
    pc: Any = import_module("pyarrow.compute")

    key = t.spec.primary_key
    rows = pc.indices_nonzero(mask)
    repeats, total = _repeats(rows, pc.take(key_strings(t.data, key), rows), limit)
    out = []
    for row, first, shown in repeats:
        out.append(
            Issue(
                codes.DUPLICATE_KEY,
                f"{'/'.join(key)} {clip(shown)!r} is used by an earlier row too ({{first:{first}}}). "
                "Expected each key once; give this record its own id, or merge the two.",
                row=row,
                field=key[0],
                value=shown,
                involves=key,
            )
        )
    return out, total - len(out)


def likely_duplicate_issues(t: LoadedTable, limit: int) -> tuple[list[Issue], int]:
    """Records with different keys but the same values in the table's duplicate fields."""
    found = likely_duplicate_rows(t)
    if found is None:
        return [], 0
    repeats, total = _repeats(*found, limit)
    fields = t.spec.duplicate_fields
    key = t.spec.primary_key
    out = []
    for row, first, _ in repeats:
        this = "|".join(t.value(f, row) or "" for f in key)
        that = "|".join(t.value(f, first) or "" for f in key)
        out.append(
            Issue(
                codes.LIKELY_DUPLICATE,
                f"{clip(this)!r} has the same {', '.join(fields)} as {clip(that)!r} ({{first:{first}}}): "
                "probably the same record entered twice. Delete one, or record what differs "
                "between them.",
                row=row,
                field=key[0],
                value=this,
            )
        )
    return out, total - len(out)


def settle(t: LoadedTable, failures: list[Failure]) -> list[Failure]:
    """One failure per cell (by priority), and no row failure that follows from a cell's error.

    Sets ``t.bad``: per field, the rows whose cell has an error (warnings do not count).
    """
    pc: Any = import_module("pyarrow.compute")

    rank = {c: i for i, c in enumerate(codes.CELL_CODES)}
    cells = sorted((f for f in failures if f.code in rank), key=lambda f: rank[f.code])
    # a blank row is one problem (blank-row), not one per cell or rule
    claimed: dict[str, Any] = {}
    if t.blank is not None:
        claimed = {s.name: t.blank for s in t.spec.fields}
        t.bad = dict(claimed)
    out: list[Failure] = []
    for f in cells:
        assert f.field is not None
        taken = claimed.get(f.field)
        mask = f.mask if taken is None else pc.and_(f.mask, pc.invert(taken))
        claimed[f.field] = mask if taken is None else pc.or_(taken, mask)
        if f.code not in codes.WARNINGS:
            bad = t.bad.get(f.field)
            t.bad[f.field] = mask if bad is None else pc.or_(bad, mask)
        out.append(Failure(f.code, mask, f.field, f.rule))
    for f in failures:
        if f.code in rank:
            continue
        bad = t.bad_rows(f.rule.fields if f.rule is not None else t.spec.primary_key)
        out.append(
            Failure(f.code, f.mask if bad is None else pc.and_(f.mask, pc.invert(bad)), f.field, f.rule)
        )
    return [f for f in out if f.count()]


def _explain(t: LoadedTable, f: Failure, limit: int) -> list[Issue]:
    if f.code is codes.DUPLICATE_KEY:
        issues, rest = duplicate_key_issues(t, f.mask, limit)
    else:
        shown = f.rows(limit)
        if f.rule is not None:
            issues = [_rule_issue(t, f.rule, r) for r in shown]
        else:
            spec = next(s for s in t.spec.fields if s.name == f.field)
            issues = [cell_issue(t, f.code, r, spec) for r in shown]
        rest = f.count() - len(shown)
    if rest:
        key = (f.code, f.field)
        t.omitted[key] = t.omitted.get(key, 0) + rest
    return issues


def table_issues(t: LoadedTable, engine_tasks: list[Callable[[], list[Failure]]], limit: int) -> list[Issue]:
    """Run an engine's checks with the checks common to both engines; explain the first ``limit``
    rows of each; return them with the issues found while reading."""
    shared: list[Callable[[], list[Failure]]] = [partial(text_failures, t, s) for s in t.spec.fields]
    results = pmap(lambda task: task(), [*shared, *engine_tasks])
    failures = settle(t, t.failures + [f for found in results for f in found])
    issues = list(t.issues)
    for f in failures:
        issues.extend(_explain(t, f, limit))
    likely, rest = likely_duplicate_issues(t, limit)
    issues.extend(likely)
    if rest:
        t.omitted[(codes.LIKELY_DUPLICATE, t.spec.primary_key[0])] = rest
    return issues
