"""The ``policydata`` application object, its consoles and exit codes, and the entry point.

Exit codes: 0 success or valid data, 1 invalid data, 2 usage or internal error.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape

from policydata import settings
from policydata.errors import DataValidationError, PolicyDataError
from policydata.validate.render import write_github, write_text

app = typer.Typer(
    name="policydata",
    help="Open data on industrial policy and trade conflict: load, validate, release.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
schemas_app = typer.Typer(help="Table Schemas generated from the record models.", no_args_is_help=True)
app.add_typer(schemas_app, name="schemas")
cache_app = typer.Typer(help="Downloaded releases in the user cache.", no_args_is_help=True)
app.add_typer(cache_app, name="cache")

# a pipe or a CI log has no width; give tables room instead of rich's 80-column default
_WIDTH = None if sys.stdout.isatty() else 160
out = Console(highlight=False, width=_WIDTH)
err = Console(stderr=True, highlight=False, width=_WIDTH)

EXIT_INVALID = 1
EXIT_ERROR = 2


class Format(StrEnum):
    """Output formats of a validation report."""

    text = "text"
    json = "json"
    github = "github"


def _print_report(report: Any, fmt: Format) -> None:

    if fmt is Format.json:
        sys.stdout.write(report.to_json() + "\n")
    elif fmt is Format.github:
        write_github(report, sys.stdout)
    else:
        write_text(report, sys.stdout)


def main() -> None:
    """Entry point: run the app, turning library errors into messages and exit codes."""

    try:
        # without standalone mode click returns the exit code of typer.Exit instead of raising
        code = app(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except DataValidationError as exc:
        err.print(f"[bold red]error[/] ({exc.code}): {escape(str(exc))}", markup=True)
        if exc.report is not None:
            _print_report(exc.report, Format.text)
        sys.exit(EXIT_INVALID)
    except PolicyDataError as exc:
        err.print(f"[bold red]error[/] ({exc.code}): {escape(str(exc))}", markup=True)
        sys.exit(EXIT_ERROR)
    except typer.Abort:
        sys.exit(EXIT_ERROR)
    except Exception as exc:
        # usage errors of click (or the copy of click that newer typer versions carry)
        show = getattr(exc, "show", None)
        if callable(show) and hasattr(exc, "exit_code"):
            show()
            sys.exit(EXIT_ERROR)
        err.print(
            f"internal error: {type(exc).__name__}: {exc}. This is a bug in policydata; please "
            f"report it with the command you ran at {settings.PROJECT_HOMEPAGE}/issues.",
            markup=False,
        )
        sys.exit(EXIT_ERROR)
