"""Validate policydata tables: files, structure, schemas, then rules across tables.

Every problem has a stable code (:data:`~policydata.validate.codes.CODES`), its file, line (or
row, for Parquet), column, field and value, and a message that says what was expected and how to
fix it. Validation never changes the files it reads.

Examples
--------
>>> import pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "sectors.csv").write_text(
...     "sector_id,scheme,parent_id,name_en,name_zh,name_en_variants,description,hs_mapping\\n"
...     "MIC2025-TEST,MIC2025,,Robots ,,,,\\n", encoding="utf-8")
>>> report = validate(folder / "sectors.csv")
>>> [(p.code, p.line, p.field) for p in report.problems]
[('whitespace', 2, 'name_en')]
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policydata.validate.codes import CODES
from policydata.validate.report import DEFAULT_LIMIT, Engine, Problem, Report

if TYPE_CHECKING:
    from policydata.schemas.model import TableSpec

__all__ = ["CODES", "Problem", "Report", "TableSpec", "validate"]


def __getattr__(name: str) -> Any:
    if name == "TableSpec":
        # lazy: TableSpec lives beside the record models and needs pydantic; load it when asked for
        from policydata.schemas.model import TableSpec

        return TableSpec
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def validate(
    path: str | Path | Sequence[str | Path],
    *,
    tables: Sequence[TableSpec] | None = None,
    engine: Engine = "arrow",
    limit: int = DEFAULT_LIMIT,
) -> Report:
    """Validate a folder of table files, or table files, and report every problem.

    Parameters
    ----------
    path
        A folder holding one file per table (``<table>.csv`` or ``<table>.parquet``), such as
        ``datasets/sources`` or a release folder; or table files; or a list of these. The files
        of a folder are checked against each other (references, citations); loose files are
        checked together as one set.
    tables
        The tables to expect (default: the tables of the data package). Give your own
        :class:`TableSpec` objects (``TableSpec.from_model(MyRecord)``) to validate other tables
        with the same checks.
    engine
        ``"arrow"`` (default: vectorised, fast) or ``"pandas"`` (the generated pandera schemas).
        Both report the same problems.
    limit
        Problems reported per file, code and field; the rest are counted in ``Report.omitted``.

    Returns
    -------
    Report
        ``report.ok`` is True when there is no error; ``report.problems`` lists errors and
        warnings with their locations. ``report.to_dict()`` is what ``policydata validate
        --format json`` prints.

    Raises
    ------
    InvalidArgumentError
        If a path does not exist or is not a table file (a usage error, not invalid data).
    """
    # lazy: the checks import pyarrow and the record models; `import policydata` must not
    from policydata.validate.core import validate_paths

    paths = [path] if isinstance(path, str | Path) else list(path)
    return validate_paths(paths, tables=tables, engine=engine, limit=limit)
