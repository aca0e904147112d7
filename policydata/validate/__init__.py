"""Validate policydata tables: per-table schemas, then cross-table rules.

Examples
--------
>>> import policydata
>>> report = policydata.validate(policydata.open_release().path)
>>> report.ok
True
"""

from __future__ import annotations

from pathlib import Path

from policydata.validate.report import Problem, Report

__all__ = ["Problem", "Report", "validate"]


def validate(path: str | Path) -> Report:
    """Validate a folder of source CSVs (``datasets/sources/``) or of a release's Parquet files.

    Parameters
    ----------
    path
        The folder holding one file per table (``<table>.csv`` or ``<table>.parquet``).

    Returns
    -------
    Report
        Every problem found, each with a stable code and its file, line (or row) and field.
        Validation never changes the files it reads.
    """
    from policydata.errors import InvalidArgumentError
    from policydata.validate.core import validate_folder

    folder = Path(path)
    if not folder.is_dir():
        raise InvalidArgumentError(
            f"{folder} is not a folder.",
            hint="Pass the folder that holds the table files, e.g. datasets/sources.",
        )
    return validate_folder(folder)
