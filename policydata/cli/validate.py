"""``policydata validate``: check contributed table files."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from policydata.cli.app import EXIT_INVALID, Format, _print_report, app
from policydata.errors import InvalidArgumentError
from policydata.io import arrow_without_pandas
from policydata.validate import validate as run
from policydata.validate.report import DEFAULT_LIMIT


class EngineName(StrEnum):
    arrow = "arrow"
    pandas = "pandas"


@app.command()
def validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Folders of table files, or table files (default: datasets/sources).", show_default=False
        ),
    ] = None,
    format: Annotated[
        Format, typer.Option("--format", help="text (a table), json (the report) or github (annotations).")
    ] = Format.text,
    engine: Annotated[
        EngineName, typer.Option(help="arrow (fast) or pandas (pandera schemas).")
    ] = EngineName.arrow,
    limit: Annotated[
        int, typer.Option(help="Problems listed per file, code and field; the rest are counted.", min=1)
    ] = DEFAULT_LIMIT,
    tables: Annotated[
        str | None,
        typer.Option(
            help="Your own tables instead of policydata's: MODULE:NAME, a list of "
            "policydata.validate.TableSpec (the module is looked up from the current folder too)."
        ),
    ] = None,
) -> None:
    """Validate table files: encoding, structure, schemas, and rules across tables.

    Exit 0 when valid (warnings allowed), 1 when there is an error in the data, 2 on a usage or
    internal error. The files are only read, never changed.
    """
    if engine is EngineName.arrow:
        arrow_without_pandas()
    specs = _load_tables(tables) if tables else None
    report = run(paths or [Path("datasets/sources")], tables=specs, engine=engine.value, limit=limit)
    _print_report(report, format)
    if not report.ok:
        raise typer.Exit(EXIT_INVALID)


def _load_tables(spec: str) -> Any:
    import importlib

    # lazy: TableSpec lives beside the record models (pydantic), needed only with --tables
    from policydata.schemas.model import TableSpec

    module_name, sep, attr = spec.partition(":")
    if not sep or not module_name or not attr:
        raise InvalidArgumentError(
            f"--tables {spec!r} is not MODULE:NAME.", hint="Write e.g. --tables mytables:TABLES."
        )
    if "" not in sys.path:
        sys.path.insert(0, "")
    try:
        value = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise InvalidArgumentError(
            f"--tables {spec!r} cannot be loaded ({exc}).",
            hint="Name an importable module and a list of TableSpec in it.",
        ) from None
    if not isinstance(value, list | tuple) or not all(isinstance(t, TableSpec) for t in value):
        raise InvalidArgumentError(
            f"--tables {spec!r} is not a list of policydata.validate.TableSpec.",
            hint="Build the list with TableSpec(name, RecordModel, primary_key, ...).",
        )
    return list(value)
