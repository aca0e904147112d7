"""Reports as text: a readable table, JSON, or GitHub Actions annotations."""

from __future__ import annotations

from typing import TextIO

from policydata.validate.report import Problem, Report

FORMATS = ("text", "json", "github")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_line(p: Problem) -> str:
    """One workflow command, so that the problem shows on the pull request's diff.

    Examples
    --------
    >>> github_line(Problem("blank-row", "Delete it.", "sources", "a.csv", 3))
    '::error file=a.csv,line=3,title=policydata blank-row::Delete it.'
    """
    props = []
    if p.file:
        props.append(f"file={_escape_property(p.file)}")
    if p.line is not None:
        props.append(f"line={p.line}")
        if p.column is not None:
            props.append(f"col={p.column}")
    title = f"policydata {p.code}" + (f" ({p.field})" if p.field else "")
    props.append(f"title={_escape_property(title)}")
    where = f"Row {p.row}: " if p.line is None and p.row is not None else ""
    return f"::{p.severity} {','.join(props)}::{_escape_data(where + p.message)}"


def write_github(report: Report, out: TextIO) -> None:
    for p in report.problems:
        out.write(github_line(p) + "\n")
    out.write(_summary(report) + "\n")


def _summary(report: Report) -> str:
    rows = sum(report.tables.values())
    head = "valid" if report.ok else "invalid"
    text = f"{head}: {len(report.tables)} table(s), {rows} row(s); {len(report.errors)} error(s)"
    text += f", {len(report.warnings)} warning(s)"
    omitted = sum(report.omitted.values())
    if omitted:
        text += f"; {omitted} more problem(s) not listed (raise --limit to see them)"
    return text


def _where(p: Problem) -> str:
    if p.line is not None:
        return f"{p.line}:{p.column}" if p.column is not None else str(p.line)
    if p.row is not None:
        return f"row {p.row}"
    return ""


def write_text(report: Report, out: TextIO, width: int | None = None) -> None:
    """For each file, its path and a table of its problems (line:column, code, field, value, what
    to do); then a summary line."""
    from rich.console import Console
    from rich.table import Table

    # a pipe or a CI log has no width of its own: give the table room
    tty = hasattr(out, "isatty") and out.isatty()
    console = Console(file=out, highlight=False, width=width or (None if tty else 160), soft_wrap=False)
    by_file: dict[str, list[Problem]] = {}
    for p in report.problems:
        by_file.setdefault(p.file or p.table or "", []).append(p)
    for file, problems in by_file.items():
        console.print(file, markup=False, soft_wrap=True)
        table = Table("line:col", "code", "field", "value", "what to do", expand=False)
        for p in problems:
            value = "" if p.value is None else repr(p.value) if p.value.strip() != p.value else p.value
            code = p.code if p.severity == "error" else f"{p.code} (warning)"
            table.add_row(_where(p), code, p.field or "", value, p.message)
        console.print(table, markup=False)
    console.print(_summary(report), markup=False)
