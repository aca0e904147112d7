"""The tariff-line panel: every line's additional duty over a window, as validity intervals.

One row per line and stretch of days over which nothing about its duty changes: the line, the
interval (``valid_from`` inclusive, ``valid_to`` exclusive), the additional duty (sure and upper),
the general (MFN) rate where an encoded edition gives it, and the layers. Plain Parquet types only
(strings, booleans, float64, date32, lists of strings), so duckdb, polars, pandas and Spark read it.

Which lines: on days an encoded edition covers (the US HTS from 2025) the 8-digit lines of chapters
1-97 of that edition (by statistical line where a list names statistical lines); on other days the
lines the product lists name in the editions of those days (:mod:`policydata.tariffs.query`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policydata.release.files import atomic_file
from policydata.tariffs import query as q
from policydata.tariffs.coverage import LineTable
from policydata.tariffs.events import NOMENCLATURE, Index, index, ordinal
from policydata.tariffs.segments import APPLIES, MAY, Outcome, Run, run
from policydata.tariffs.stack import engine

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import pyarrow as pa

PANEL_COLUMNS = (
    "imposing",
    "target",
    "line",
    "rest_of_line",
    "nomenclature",
    "valid_from",
    "valid_to",
    "additional_pct",
    "additional_upper_pct",
    "general_rate",
    "mfn_pct",
    "total_pct",
    "total_upper_pct",
    "applies",
    "may_apply",
    "reasons",
)
_EPOCH = dt.date(1970, 1, 1).toordinal()


def panel_schema() -> pa.Schema:
    """The panel's Arrow schema (plain Parquet types)."""
    import pyarrow as pa

    text = pa.string()
    fields: list[tuple[str, pa.DataType]] = [
        ("imposing", text),
        ("target", text),
        ("line", text),
        ("rest_of_line", pa.bool_()),
        ("nomenclature", text),
        ("valid_from", pa.date32()),
        ("valid_to", pa.date32()),
        ("additional_pct", pa.float64()),
        ("additional_upper_pct", pa.float64()),
        ("general_rate", text),
        ("mfn_pct", pa.float64()),
        ("total_pct", pa.float64()),
        ("total_upper_pct", pa.float64()),
        ("applies", pa.list_(text)),
        ("may_apply", pa.list_(text)),
        ("reasons", pa.list_(text)),
    ]
    return pa.schema(fields)


def _mfn_rows(idx: Index, codes: Sequence[str], days: Sequence[int]) -> npt.NDArray[np.int64]:
    """Per line and piece, the position in ``idx.lines`` of the HTS8 row that gives its rate (-1)."""
    import bisect

    import numpy as np

    out = np.full((len(codes), len(days)), -1, dtype=np.int64)
    lines = idx.lines
    day_array = np.asarray(days, dtype=np.int64)
    for i, code in enumerate(codes):
        lo = bisect.bisect_left(lines.codes, code[:8])
        hi = bisect.bisect_right(lines.codes, code[:8])
        for j in range(lo, hi):
            hit = (lines.starts[j] <= day_array) & (day_array < lines.stops[j])
            out[i, hit] = j
    return out


def _runs(
    key: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """(line, first piece, end piece) of every run of equal, valid keys along each row."""
    import numpy as np

    n, p = key.shape
    starts = np.ones((n, p), dtype=bool)
    starts[:, 1:] = key[:, 1:] != key[:, :-1]
    starts &= key >= 0
    bounds = np.concatenate([starts | (key < 0), np.ones((n, 1), dtype=bool)], axis=1)
    positions = np.flatnonzero(bounds)
    line, piece = np.nonzero(starts)
    flat = line * (p + 1) + piece
    end = positions[np.searchsorted(positions, flat, side="right")] - line * (p + 1)
    return line, piece, end


def _list_column(per_outcome: Sequence[Sequence[str]], outcome: npt.NDArray[np.int32]) -> pa.Array[Any]:
    """A list<string> column: row ``i`` holds ``per_outcome[outcome[i]]`` (built with offsets)."""
    import numpy as np
    import pyarrow as pa

    vocab = sorted({v for values in per_outcome for v in values})
    position = {v: i for i, v in enumerate(vocab)}
    lengths = np.array([len(values) for values in per_outcome], dtype=np.int64)
    flat = np.array([position[v] for values in per_outcome for v in values], dtype=np.int32)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    row_lengths = lengths[outcome]
    offsets = np.concatenate([[0], np.cumsum(row_lengths)]).astype(np.int32)
    within = np.arange(offsets[-1], dtype=np.int64) - np.repeat(offsets[:-1].astype(np.int64), row_lengths)
    values = flat[np.repeat(starts[outcome], row_lengths) + within]
    strings = pa.array(vocab, type=pa.string()).take(pa.array(values, type=pa.int32()))
    return pa.ListArray.from_arrays(pa.array(offsets, type=pa.int32()), strings)


def _outcome_lists(
    outcomes: Sequence[Outcome], outcome: npt.NDArray[np.int32]
) -> tuple[pa.Array[Any], pa.Array[Any], pa.Array[Any]]:
    applies = [[s.event_id for s in o.layers if s.status == APPLIES] for o in outcomes]
    may = [[s.event_id for s in o.layers if s.status == MAY] for o in outcomes]
    reasons = [
        sorted({r.value for s in o.layers if s.status in (APPLIES, MAY) for r in s.reasons}) for o in outcomes
    ]
    return _list_column(applies, outcome), _list_column(may, outcome), _list_column(reasons, outcome)


def _dates(ordinals: npt.NDArray[np.int64]) -> pa.Array[Any]:
    import pyarrow as pa

    return pa.array((ordinals - _EPOCH).astype("int32"), type=pa.int32()).view(pa.date32())


def _table(idx: Index, result: Run, imposing: str, target: str) -> pa.Table:
    import numpy as np
    import pyarrow as pa

    lines = result.table.lines
    codes = [line.code for line in lines]
    mfn = (
        _mfn_rows(idx, codes, result.days) if idx.lines else np.full(result.result.shape, -1, dtype=np.int64)
    )
    key = np.where(
        result.result >= 0, result.result.astype(np.int64) * (len(idx.lines.codes) + 1) + mfn + 1, -1
    )
    line, piece, end = _runs(key)
    days = np.asarray([*result.days, result.stop], dtype=np.int64)
    outcome = result.result[line, piece]
    sure = np.array([o.sure for o in result.outcomes])[outcome]
    upper = np.array([o.upper for o in result.outcomes])[outcome]
    row = mfn[line, piece]
    rates = np.array([None, *idx.lines.rates], dtype=object)[row + 1]
    pct = np.array([np.nan, *(np.nan if v is None else v for v in idx.lines.mfns)], dtype=np.float64)[row + 1]
    applies, may, reasons = _outcome_lists(result.outcomes, outcome)
    n = len(line)
    columns: dict[str, Any] = {
        "imposing": pa.array([imposing] * n, type=pa.string()),
        "target": pa.array([target] * n, type=pa.string()),
        "line": pa.array(np.array(codes, dtype=object)[line], type=pa.string()),
        "rest_of_line": pa.array(np.array([ln.rest for ln in lines], dtype=bool)[line]),
        "nomenclature": pa.array([NOMENCLATURE.get(imposing)] * n, type=pa.string()),
        "valid_from": _dates(days[piece]),
        "valid_to": _dates(days[end]),
        "additional_pct": pa.array(sure, type=pa.float64()),
        "additional_upper_pct": pa.array(upper, type=pa.float64()),
        "general_rate": pa.array(rates, type=pa.string()),
        "mfn_pct": pa.array(pct, type=pa.float64(), from_pandas=True),
        "total_pct": pa.array(np.round(pct + sure, 6), type=pa.float64(), from_pandas=True),
        "total_upper_pct": pa.array(np.round(pct + upper, 6), type=pa.float64(), from_pandas=True),
        "applies": applies,
        "may_apply": may,
        "reasons": reasons,
    }
    return pa.table(columns, schema=panel_schema())


def _direction(
    idx: Index, imposing: str, target: str, first: dt.date, last: dt.date, exporter: str | None
) -> list[pa.Table]:
    eng = engine(idx, imposing, target)
    generic = q.query(idx, None, None, exporter)
    tables = []
    for a, b in q.regimes(idx, imposing, first, last):
        found = q.lines(idx, imposing, generic, a, b)
        if not found.enumerated:
            continue  # no line of this side is known on these days
        # the panel's intervals also end where a line's general (MFN) rate changes
        parents = {line.code[:8] for line in found.lines}
        cuts = {d for code in parents for row in idx.lines.rows(code) for d in (row.start, row.stop)}
        table = LineTable(found.lines, window=(ordinal(a), ordinal(b) + 1))
        result = run(eng, table, ordinal(a), ordinal(b) + 1, exporter=exporter, valid=found.valid, extra=cuts)
        tables.append(_table(idx, result, imposing, target))
    return tables


def tariff_panel(
    imposing: str,
    target: str,
    start: q.DateLike,
    end: q.DateLike,
    *,
    both_directions: bool = True,
    exporter: str | None = None,
    version: str | None = None,
) -> pa.Table:
    """Every known tariff line's additional duty over a window, as validity intervals.

    Parameters
    ----------
    imposing, target
        The direction; with ``both_directions`` (default) also ``target`` on ``imposing``.
    start, end
        First and last day of the window (inclusive); the last interval ends the day after.
    exporter, version
        As for :func:`~policydata.tariffs.rate_stack`.

    Returns
    -------
    pyarrow.Table
        Columns of :data:`PANEL_COLUMNS` (see the module documentation); sorted by direction,
        line and ``valid_from``.

    Examples
    --------
    >>> from policydata.tariffs import tariff_panel
    >>> panel = tariff_panel("USA", "CHN", "2025-04-01", "2025-04-30", both_directions=False)
    >>> panel.column_names[:3]
    ['imposing', 'target', 'line']
    """
    import pyarrow as pa

    imp, tgt = q.jurisdiction(imposing, "imposing"), q.jurisdiction(target, "target")
    first, last = q.window(start, end)
    idx = index(version)
    q.check_exporter(idx, imp, tgt, exporter)
    tables = _direction(idx, imp, tgt, first, last, exporter)
    if both_directions and (tgt, imp) != (imp, tgt):
        tables += _direction(idx, tgt, imp, first, last, None)
    if not tables:
        return panel_schema().empty_table()
    return pa.concat_tables(tables)


def write_panel(
    path: str | Path,
    imposing: str,
    target: str,
    start: q.DateLike,
    end: q.DateLike,
    *,
    both_directions: bool = True,
    exporter: str | None = None,
    version: str | None = None,
) -> pa.Table:
    """Compute :func:`tariff_panel` and write it to a Parquet file (atomically); return it.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from policydata.tariffs import write_panel
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "panel.parquet"
    >>> write_panel(out, "USA", "CHN", "2025-04-01", "2025-04-30").num_rows > 0
    True
    """
    import pyarrow.parquet as pq

    table = tariff_panel(
        imposing, target, start, end, both_directions=both_directions, exporter=exporter, version=version
    )
    with atomic_file(Path(path)) as tmp:
        pq.write_table(table, tmp, compression="zstd")
    return table
