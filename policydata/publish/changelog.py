"""A data release's section of ``CHANGELOG.md``: what changed, record by record."""

from __future__ import annotations

from pathlib import Path

from policydata.diff import diff
from policydata.release.files import atomic_file
from policydata.release.release import Release


def section_heading(version: str) -> str:
    """The heading that starts a data release's section (followed by `` - <as-of date>``)."""
    return f"## [data {version}]"


def has_section(changelog: Path, version: str) -> bool:
    """True when ``changelog`` has a section for data release ``version``."""
    if not changelog.is_file():
        return False
    heading = f"{section_heading(version)} "
    return any(line.startswith(heading) for line in changelog.read_text(encoding="utf-8").splitlines())


def insert_section(changelog: Path, text: str) -> None:
    """Put a data release's section into the changelog, just after the Unreleased section.

    Keep a Changelog lists the newest first; "Unreleased" stays on top.
    """
    old = changelog.read_text(encoding="utf-8") if changelog.is_file() else "# Changelog\n"
    lines = old.splitlines(keepends=True)
    headings = [i for i, line in enumerate(lines) if line.startswith("## ")]
    if headings and lines[headings[0]].startswith("## [Unreleased]"):
        headings = headings[1:]
    at = headings[0] if headings else len(lines)
    block = text.rstrip("\n") + "\n" + ("\n" if at < len(lines) else "")
    if at == len(lines) and lines:
        # appended at the end: a blank line separates it from what came before
        lines[-1] = lines[-1].rstrip("\n") + "\n\n"
    with atomic_file(changelog) as tmp:
        tmp.write_text("".join([*lines[:at], block, *lines[at:]]), encoding="utf-8", newline="\n")


def release_section(release: Path, previous: Path | None) -> str:
    """The changelog section of a new release: what changed, record by record, since ``previous``."""
    new = Release(release)
    lines = [f"{section_heading(new.version)} - {new.as_of}", ""]
    if previous is None:
        total = sum(new.rows(n) for n in new.tables)
        lines.append(
            f"First data release (schema {new.schema_version}): {total} records in {len(new.tables)} tables."
        )
        return "\n".join(lines) + "\n"
    changes = diff(Release(previous), new)
    lines.append(
        f"Data release {new.version} (schema {new.schema_version}), compared with {changes.a_version}:"
    )
    lines.append("")
    lines.append(changes.to_markdown())
    return "\n".join(lines) + "\n"
