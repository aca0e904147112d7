"""The ``policydata`` application object, its consoles and exit codes, and the entry point.

Exit codes: 0 success or valid data, 1 invalid data, 2 usage or internal error.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from policydata import settings
from policydata.__about__ import __version__
from policydata.errors import DataValidationError, PolicyDataError
from policydata.release.index import embedded_version
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


def _version(value: bool) -> None:
    if value:
        data = embedded_version()
        out.print(f"policydata {__version__}" + (f" (data release {data})" if data else ""), markup=False)
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Open data on industrial policy and trade conflict: load, validate, release."""


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


def _wants_json(argv: list[str]) -> bool:
    """True when the command line asks for ``--format json``: its errors are then JSON too."""
    return any(
        (a == "--format" and argv[i + 1 : i + 2] == ["json"]) or a == "--format=json"
        for i, a in enumerate(argv)
    )


def _fail(code: str, message: str, *, hint: str | None = None, exit_code: int = EXIT_ERROR) -> None:
    """Report an error that stops the command: as JSON on stdout under ``--format json``."""
    if _wants_json(sys.argv[1:]):
        error = {"code": code, "message": message, "hint": hint}
        sys.stdout.write(json.dumps({"error": error}, indent=2, ensure_ascii=False) + "\n")
    else:
        text = message if hint is None else f"{message} {hint}"
        err.print(f"[bold red]error[/] ({code}): {escape(text)}", markup=True)
    sys.exit(exit_code)


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
        _fail(exc.code, exc.message, hint=exc.hint)
    except typer.Abort:
        sys.exit(EXIT_ERROR)
    except Exception as exc:
        # usage errors of click (or the copy of click that newer typer versions carry)
        show = getattr(exc, "show", None)
        if callable(show) and hasattr(exc, "exit_code"):
            if _wants_json(sys.argv[1:]):
                message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
                _fail("usage-error", message)
            show()
            sys.exit(EXIT_ERROR)
        _fail(
            "internal-error",
            f"internal error: {type(exc).__name__}: {exc}. This is a bug in policydata; please "
            f"report it with the command you ran at {settings.PROJECT_HOMEPAGE}/issues.",
        )
