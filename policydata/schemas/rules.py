"""Row rules: constraints across the fields of one row, declared once and read three ways.

A rule is data, listed in a record model's ``__rules__``. Each rule class holds its three readings
side by side, so that they cannot drift apart:

- :meth:`Rule.row_ok` checks one row (a mapping), for the pydantic record model;
- :meth:`Rule.arrow_broken` marks the rows of an Arrow table that break it, for the validator;
- :meth:`Rule.pandas_ok` marks the rows of a pandas DataFrame that keep it, for the pandera schemas.

Null values never break a rule unless the rule is about them (``RequiredWhen``). pyarrow and
pandas are imported inside the methods that need them, so that declaring a model stays cheap.

Examples
--------
>>> rule = Ordered("effective_date", "end_date", strict=True)
>>> import datetime as dt
>>> rule.row_ok({"effective_date": dt.date(2025, 4, 9), "end_date": dt.date(2025, 4, 9)})
False
>>> rule.describe()
'effective_date must be before end_date when both are given'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import import_module
from typing import Any, ClassVar


def is_null(value: object) -> bool:
    """True for None, NaN and pandas' NA/NaT (which are not equal to themselves)."""
    return value is None or value != value


def _pc() -> Any:
    # bound as Any: the stubs type each kernel for arrays or scalars, not for a table's chunked columns
    return import_module("pyarrow.compute")


class Rule:
    """A constraint across fields of one row.

    A rule of your own needs ``code`` (a problem code of :data:`policydata.validate.CODES`, such as
    ``"rule"``), ``fields``, :meth:`row_ok` and :meth:`describe`; its Arrow and pandas readings then
    ask :meth:`row_ok` row by row unless it gives vectorised ones.
    """

    code: ClassVar[str] = "rule"
    fields: tuple[str, ...]

    def row_ok(self, row: Mapping[str, Any]) -> bool:
        """True when one row keeps the rule."""
        raise NotImplementedError

    def arrow_broken(self, table: Any) -> Any:
        """A boolean column of an Arrow table: True where the row breaks the rule, never null.

        This default asks :meth:`row_ok` row by row; the rules below have vectorised forms.
        """
        import pyarrow as pa

        rows = table.select(list(self.fields)).to_pylist()
        return pa.chunked_array([pa.array([not self.row_ok(r) for r in rows], pa.bool_())])

    def pandas_ok(self, frame: Any) -> Any:
        """A boolean Series of a pandas DataFrame: True where the row keeps the rule.

        This default asks :meth:`row_ok` row by row, with the values it is written for (dates as
        ``datetime.date``, a missing value as None, as in a record); the rules below have
        vectorised forms.
        """
        import pandas as pd

        def plain(value: Any) -> Any:
            if isinstance(value, pd.Timestamp):
                return value.date()
            return None if value is pd.NaT or (not isinstance(value, str) and pd.isna(value)) else value

        columns = list(self.fields)
        return frame.apply(lambda r: self.row_ok({k: plain(r[k]) for k in columns}), axis=1).astype(bool)

    def describe(self) -> str:
        """The rule in words, for messages and the data dictionary."""
        raise NotImplementedError

    @property
    def name(self) -> str:
        return f"{self.code}:{'/'.join(self.fields)}"


@dataclass(frozen=True)
class Ordered(Rule):
    """``earlier <= later`` (or ``<`` when strict) wherever both are given, unless ``unless`` is true."""

    earlier: str
    later: str
    strict: bool = False
    unless: str | None = None
    code: ClassVar[str] = "date-order"

    @property
    def fields(self) -> tuple[str, ...]:  # type: ignore[override]
        return (self.earlier, self.later)

    def row_ok(self, row: Mapping[str, Any]) -> bool:
        a, b = row[self.earlier], row[self.later]
        if is_null(a) or is_null(b):
            return True
        if self.unless is not None and row[self.unless] is True:
            return True
        return bool(a < b) if self.strict else bool(a <= b)

    def arrow_broken(self, table: Any) -> Any:
        pc = _pc()
        a, b = table.column(self.earlier), table.column(self.later)
        bad = pc.greater_equal(a, b) if self.strict else pc.greater(a, b)
        if self.unless is not None:
            bad = pc.and_(bad, pc.invert(pc.fill_null(table.column(self.unless), False)))
        return pc.fill_null(bad, False)

    def pandas_ok(self, frame: Any) -> Any:
        import pandas as pd

        a, b = frame[self.earlier], frame[self.later]
        both = a.notna() & b.notna()
        ok = pd.Series(True, index=frame.index)
        ok[both] = (a[both] < b[both]) if self.strict else (a[both] <= b[both])
        if self.unless is not None:
            ok |= frame[self.unless].fillna(False).astype(bool)
        return ok

    def describe(self) -> str:
        op = "before" if self.strict else "on or before"
        tail = f" (unless {self.unless} is true)" if self.unless else ""
        return f"{self.earlier} must be {op} {self.later} when both are given{tail}"


@dataclass(frozen=True)
class Distinct(Rule):
    """``a != b``."""

    a: str
    b: str
    code: ClassVar[str] = "same-value"

    @property
    def fields(self) -> tuple[str, ...]:  # type: ignore[override]
        return (self.a, self.b)

    def row_ok(self, row: Mapping[str, Any]) -> bool:
        a, b = row[self.a], row[self.b]
        return is_null(a) or is_null(b) or a != b

    def arrow_broken(self, table: Any) -> Any:
        pc = _pc()
        return pc.fill_null(pc.equal(table.column(self.a), table.column(self.b)), False)

    def pandas_ok(self, frame: Any) -> Any:
        a, b = frame[self.a], frame[self.b]
        return a.isna() | b.isna() | (a != b)

    def describe(self) -> str:
        return f"{self.a} and {self.b} must differ"


@dataclass(frozen=True)
class RequiredWhen(Rule):
    """``target`` must be given when ``when`` is one of ``values``."""

    target: str
    when: str
    values: tuple[str, ...]
    code: ClassVar[str] = "required-value"

    @property
    def fields(self) -> tuple[str, ...]:  # type: ignore[override]
        return (self.target, self.when)

    def row_ok(self, row: Mapping[str, Any]) -> bool:
        return row[self.when] not in self.values or not is_null(row[self.target])

    def arrow_broken(self, table: Any) -> Any:
        import pyarrow as pa

        pc = _pc()
        applies = pc.is_in(table.column(self.when), value_set=pa.array(self.values))
        return pc.fill_null(pc.and_(applies, pc.is_null(table.column(self.target))), False)

    def pandas_ok(self, frame: Any) -> Any:
        return ~frame[self.when].isin(self.values) | frame[self.target].notna()

    def describe(self) -> str:
        return f"{self.target} is required when {self.when} is one of {', '.join(self.values)}"


@dataclass(frozen=True)
class EmptyWhen(Rule):
    """``target`` must be empty when ``when`` is one of ``values``."""

    target: str
    when: str
    values: tuple[str, ...]
    code: ClassVar[str] = "unexpected-value"

    @property
    def fields(self) -> tuple[str, ...]:  # type: ignore[override]
        return (self.target, self.when)

    def row_ok(self, row: Mapping[str, Any]) -> bool:
        return row[self.when] not in self.values or is_null(row[self.target])

    def arrow_broken(self, table: Any) -> Any:
        import pyarrow as pa

        pc = _pc()
        applies = pc.is_in(table.column(self.when), value_set=pa.array(self.values))
        return pc.fill_null(pc.and_(applies, pc.is_valid(table.column(self.target))), False)

    def pandas_ok(self, frame: Any) -> Any:
        return ~frame[self.when].isin(self.values) | frame[self.target].isna()

    def describe(self) -> str:
        return f"{self.target} must be empty when {self.when} is one of {', '.join(self.values)}"


@dataclass(frozen=True)
class PatternWhen(Rule):
    """``target`` must match ``pattern`` when ``when`` equals ``value``."""

    target: str
    when: str
    value: str
    pattern: str
    code: ClassVar[str] = "code-format"

    @property
    def fields(self) -> tuple[str, ...]:  # type: ignore[override]
        return (self.target, self.when)

    def row_ok(self, row: Mapping[str, Any]) -> bool:
        v = row[self.target]
        if row[self.when] != self.value or is_null(v):
            return True
        return re.fullmatch(self.pattern, str(v), re.ASCII) is not None

    def arrow_broken(self, table: Any) -> Any:
        pc = _pc()
        applies = pc.equal(table.column(self.when), self.value)
        mismatch = pc.invert(pc.match_substring_regex(table.column(self.target), self.pattern))
        return pc.fill_null(pc.and_(applies, mismatch), False)

    def pandas_ok(self, frame: Any) -> Any:
        import pandas as pd

        target = frame[self.target]
        applies = (frame[self.when] == self.value) & target.notna()
        ok = pd.Series(True, index=frame.index)
        ok[applies] = target[applies].astype(str).str.fullmatch(re.compile(self.pattern, re.ASCII))
        return ok

    def describe(self) -> str:
        return f"{self.target} must match {self.pattern} when {self.when} is {self.value}"
