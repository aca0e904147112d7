"""Single-table checks: the fast engine (vectorised Arrow compute), and the checks both engines share.

Both engines (this one and the pandera one in :mod:`policydata.validate.engines.pandas`) report
:class:`~policydata.validate.model.Failure` objects for the same checks, generated from the same
:class:`FieldSpec` objects and row rules; :mod:`policydata.validate.explain` turns them into
located, explained issues, so the two engines cannot word or place a problem differently. The
checks of text as such (control characters, white space, spreadsheet formulas) and the search for
records entered twice are shared: Arrow compute runs them for both engines.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from importlib import import_module
from typing import Any

from policydata.schemas.model import FieldSpec
from policydata.schemas.rules import Rule
from policydata.validate import codes
from policydata.validate.model import Failure, LoadedTable

# pyarrow.compute is bound as ``Any`` in the functions below (``pc: Any = import_module(...)``):
# its stubs type each kernel for arrays or scalars, not for the chunked columns a table holds.


# --- the Arrow engine ---------------------------------------------------------------------------


def _rows(mask: Any) -> list[int]:
    pc: Any = import_module("pyarrow.compute")

    if not pc.any(mask).as_py():
        return []
    return [int(i) for i in pc.indices_nonzero(mask).to_pylist()]


_SAMPLE = 20_000


def per_value(t: LoadedTable, name: str, fn: Callable[[Any], Any]) -> Any:
    """``fn`` (a boolean test) applied to a column, once per distinct value when there are few."""
    import pyarrow as pa

    pc: Any = import_module("pyarrow.compute")

    column = t.data.column(name)
    if name not in t.views:
        view = None
        if len(column) > 4 * _SAMPLE:
            sample = column.slice(0, _SAMPLE)
            if pc.count_distinct(sample).as_py() < _SAMPLE // 10:
                # chunk by chunk with one dictionary: no copy of the column
                encoded = pc.dictionary_encode(column).unify_dictionaries()
                dictionary = encoded.chunk(0).dictionary if encoded.num_chunks else None
                if dictionary is not None:
                    view = (dictionary, pa.chunked_array([c.indices for c in encoded.chunks]))
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

    n = len(keys)
    if n < 2:
        return None
    # chunked arrays work as they are (a combined copy of a column of millions costs memory)
    if pc.all(pc.fill_null(pc.greater(keys.slice(1), keys.slice(0, n - 1)), False)).as_py():
        return None
    ordered = pc.take(keys, pc.sort_indices(keys))
    same = pc.fill_null(pc.equal(ordered.slice(1), ordered.slice(0, n - 1)), False)
    if not pc.any(same).as_py():
        return None
    repeated = pc.unique(pc.filter(ordered.slice(1), same))
    del ordered, same
    return pc.is_in(keys, value_set=repeated)


def duplicated_rows(keys: Any) -> list[int]:
    """Every row whose (non-null) key occurs more than once."""
    mask = duplicated_mask(keys)
    return [] if mask is None else _rows(mask)


def _field_failures(t: LoadedTable, spec: FieldSpec) -> list[Failure]:
    import pyarrow as pa

    pc: Any = import_module("pyarrow.compute")

    if spec.name in t.absent:
        return []  # the header problem says the column is missing; no row is at fault
    column = t.data.column(spec.name)
    out: list[Failure] = []
    if not spec.nullable and column.null_count:
        out.append(Failure(codes.MISSING_VALUE, pc.is_null(column), spec.name))
    if spec.pattern is not None:
        pattern = spec.pattern
        bad = per_value(t, spec.name, lambda v: pc.invert(pc.match_substring_regex(v, pattern)))
        out.append(Failure(codes.PATTERN, pc.fill_null(bad, False), spec.name))
    if spec.enum is not None:
        allowed = pa.array(list(spec.enum), pa.string())
        # an empty cell of a nullable field is no value, not a value outside the list
        bad = per_value(
            t, spec.name, lambda v: pc.and_(pc.is_valid(v), pc.invert(pc.is_in(v, value_set=allowed)))
        )
        out.append(Failure(codes.ENUM, pc.fill_null(bad, False), spec.name))
    if spec.minimum is not None or spec.maximum is not None:
        low = pc.less(column, spec.minimum) if spec.minimum is not None else None
        high = pc.greater(column, spec.maximum) if spec.maximum is not None else None
        bad = low if high is None else high if low is None else pc.or_(low, high)
        out.append(Failure(codes.OUT_OF_RANGE, pc.fill_null(bad, False), spec.name))
    return out


def _rule_failures(rule: Rule, data: Any) -> list[Failure]:
    pc: Any = import_module("pyarrow.compute")

    broken = pc.fill_null(rule.arrow_broken(data), False)
    return [Failure(codes.of_rule(rule.code), broken, rule.fields[0], rule)]


def _duplicate_key_failures(data: Any, key: tuple[str, ...]) -> list[Failure]:
    mask = duplicated_mask(key_strings(data, key))
    return [] if mask is None else [Failure(codes.DUPLICATE_KEY, mask)]


def rules(t: LoadedTable) -> list[Rule]:
    """The row rules of a table that can be checked: those about fields the file has."""
    return [r for r in t.spec.model.__rules__ if not t.absent.intersection(r.fields)]


def arrow_tasks(t: LoadedTable) -> list[Callable[[], list[Failure]]]:
    """The schema checks of one table with Arrow compute, as tasks that can run side by side."""
    data = t.data
    tasks: list[Callable[[], list[Failure]]] = [partial(_field_failures, t, spec) for spec in t.spec.fields]
    if not t.absent.intersection(t.spec.primary_key):
        tasks.append(partial(_duplicate_key_failures, data, t.spec.primary_key))
    tasks.extend(partial(_rule_failures, rule, data) for rule in rules(t))
    return tasks


# --- checks both engines share ------------------------------------------------------------------

#: C0 and C1 control characters but tab, line feed and carriage return (which a cell may hold)
CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
#: what a spreadsheet runs when it opens a CSV: a cell starting with = (anything), or with + - @
#: followed by a function call or a DDE reference (cmd|' /C calc'!A0); plain signed numbers,
#: phone numbers (+86 10 ...) and list dashes are not flagged
FORMULA = r"^\s*(?:=|[-+@]\s*[A-Za-z_][A-Za-z0-9_.]*\s*\(|[-+@=].*\|.*!)"


def _rejects_whitespace(pattern: str | None) -> bool:
    """True when no value with white space can match (the pattern names its characters)."""
    return pattern is not None and re.search(r"\\[sSWD]|\.|\[\^", pattern) is None


def text_failures(t: LoadedTable, spec: FieldSpec) -> list[Failure]:
    """Control characters, white space at either end, and spreadsheet formulas in a text column."""
    import pyarrow as pa

    pc: Any = import_module("pyarrow.compute")

    if spec.kind != "string" or spec.name in t.absent:
        return []

    def formula(values: Any) -> Any:
        # most values start otherwise: the first character rules them out for a tenth of the work
        first = pc.utf8_slice_codeunits(values, 0, 1)
        maybe = pc.is_in(first, value_set=pa.array(["=", "+", "-", "@", " ", "\t"]))
        if not pc.any(maybe).as_py():
            return maybe
        return pc.and_(maybe, pc.match_substring_regex(values, FORMULA))

    out = [
        Failure(
            codes.CONTROL_CHARACTER,
            pc.fill_null(per_value(t, spec.name, lambda v: pc.match_substring_regex(v, CONTROL)), False),
            spec.name,
        ),
        Failure(codes.FORMULA, pc.fill_null(per_value(t, spec.name, formula), False), spec.name),
    ]
    if spec.enum is None and not _rejects_whitespace(spec.pattern):
        # a cell with white space that fails its enum or pattern check is explained there
        bad = per_value(t, spec.name, lambda v: pc.not_equal(v, pc.utf8_trim_whitespace(v)))
        out.append(Failure(codes.WHITESPACE, pc.fill_null(bad, False), spec.name))
    return out


def likely_duplicate_rows(t: LoadedTable) -> tuple[Any, Any] | None:
    """Rows whose duplicate fields all equal another row's (nulls count as equal), ascending, with
    the values they share as one string each (both Arrow arrays). Rows with a bad cell in those
    fields take no part: the cell's problem is reported, not a duplicate it may cause.

    Rows are first narrowed to those whose most varied field repeats (a sort), and only those are
    compared on every field.
    """
    import pyarrow as pa

    pc: Any = import_module("pyarrow.compute")

    fields = t.spec.duplicate_fields
    if not fields or t.num_rows < 2 or t.absent.intersection(fields):
        return None
    data = t.data
    sample = data.slice(0, _SAMPLE)
    first = max(fields, key=lambda f: pc.count_distinct(sample.column(f)).as_py())
    mask = duplicated_mask(key_strings(data, (first,)))
    nulls = pc.is_null(data.column(first))
    if mask is None and not pc.any(nulls).as_py():
        return None
    wanted = nulls if mask is None else pc.or_(mask, nulls)
    bad = t.bad_rows(fields)
    if bad is not None:
        wanted = pc.and_(wanted, pc.invert(bad))
    candidates = pc.indices_nonzero(pc.fill_null(wanted, False))
    if len(candidates) < 2:
        return None
    part = data.take(candidates)
    columns = [part.column(f) for f in fields]
    columns = [c if pa.types.is_string(c.type) else pc.cast(c, pa.string()) for c in columns]
    # nulls count as equal: join with markers no valid cell holds (control characters are refused)
    joined = pc.binary_join_element_wise(*columns, "\x1f", null_handling="replace", null_replacement="\x00")
    repeated = duplicated_mask(joined)
    if repeated is None:
        return None
    at = pc.indices_nonzero(repeated)
    return pc.take(candidates, at), pc.take(joined, at)
