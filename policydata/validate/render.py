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


#: GitHub shows at most 10 error and 10 warning annotations of a step; past that, one summary
GITHUB_ANNOTATIONS = 10


def _diverse(problems: list[Problem]) -> list[Problem]:
    """The first problem of each file and code first, then the others, each group in order."""
    firsts: list[Problem] = []
    rest: list[Problem] = []
    seen: set[tuple[str | None, str]] = set()
    for p in problems:
        (rest if (p.file, p.code) in seen else firsts).append(p)
        seen.add((p.file, p.code))
    return firsts + rest


def _log_line(p: Problem) -> str:
    return f"{p.location()}: {p.severity} {p.code}" + (f" ({p.field})" if p.field else "") + f": {p.message}"


def write_github(report: Report, out: TextIO, annotations: int = GITHUB_ANNOTATIONS) -> None:
    """Annotations for the pull request (at most ``annotations`` per severity, the last of them a
    summary when there are more), then every problem as a line of the log, and a summary line."""
    for severity in ("error", "warning"):
        found = _diverse([p for p in report.problems if p.severity == severity])
        shown = found if len(found) <= annotations else found[: annotations - 1]
        for p in shown:
            out.write(github_line(p) + "\n")
        if len(shown) < len(found):
            rest = found[len(shown) :]
            by_code: dict[str, int] = {}
            for p in rest:
                by_code[p.code] = by_code.get(p.code, 0) + 1
            kinds = ", ".join(f"{n} {code}" for code, n in sorted(by_code.items(), key=lambda kv: -kv[1]))
            text = f"{len(rest)} more {severity}(s) not annotated ({kinds}); the job's log lists every one."
            out.write(
                f"::{severity} title={_escape_property('policydata: more problems')}::{_escape_data(text)}\n"
            )
    for p in report.problems:
        out.write(_log_line(p) + "\n")
    for s in report.skipped:
        out.write(f"note: {s.describe()}\n")
    out.write(_summary(report) + "\n")


def _summary(report: Report) -> str:
    rows = sum(report.tables.values())
    head = "valid" if report.ok else "invalid"
    text = f"{head}: {len(report.tables)} table(s), {rows} row(s); {len(report.errors)} error(s)"
    text += f", {len(report.warnings)} warning(s)"
    omitted = sum(report.omitted.values())
    if omitted:
        text += f"; {omitted} more problem(s) not listed (raise --limit to see them)"
    if report.skipped:
        text += f"; {len(report.skipped)} check(s) not run (see the notes)"
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
        # long values and messages (a header, an expected header) wrap instead of being cut off
        for column in table.columns[3:]:
            column.overflow = "fold"
        for p in problems:
            value = "" if p.value is None else repr(p.value) if p.value.strip() != p.value else p.value
            value = value if len(value) <= 200 else value[:199] + "…"
            code = p.code if p.severity == "error" else f"{p.code} (warning)"
            table.add_row(_where(p), code, p.field or "", value, p.message)
        console.print(table, markup=False)
    for s in report.skipped:
        console.print(f"note: {s.describe()}", markup=False, soft_wrap=True)
    console.print(_summary(report), markup=False, soft_wrap=True)
