"""The validation corpus: a valid set of tables, and bad cases made from it (see corpus/make_corpus.py)."""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parent / "corpus"
VALID = CORPUS / "valid"
BAD = CORPUS / "bad"


@dataclass(frozen=True)
class Case:
    name: str
    description: str
    delete: tuple[str, ...]
    expected: tuple[dict[str, Any], ...]
    #: files to validate, relative to the folder (loose files); empty: the folder itself
    paths: tuple[str, ...] = ()
    #: (check, table) of each check the report must say was not run; None: not asserted
    skipped: tuple[tuple[str, str | None], ...] | None = None

    @property
    def folder(self) -> Path:
        return BAD / self.name

    def overlay(self) -> list[Path]:
        return sorted(p for p in self.folder.iterdir() if p.name != "case.json")

    def targets(self, folder: Path) -> list[Path]:
        """What to validate in a materialised folder: the folder, or the case's loose files."""
        return [folder / p for p in self.paths] if self.paths else [folder]

    def materialise(self, target: Path) -> Path:
        """The valid corpus with this case's files laid over it, in ``target``."""
        shutil.copytree(VALID, target)
        for name in self.delete:
            (target / name).unlink()
        for path in self.overlay():
            shutil.copyfile(path, target / path.name)
        return target


def cases() -> list[Case]:
    out = []
    for folder in sorted(BAD.iterdir()):
        spec = json.loads((folder / "case.json").read_text(encoding="utf-8"))
        skipped = spec.get("skipped")
        out.append(
            Case(
                folder.name,
                spec["description"],
                tuple(spec["delete"]),
                tuple(spec["expected"]),
                tuple(spec.get("paths", ())),
                None if skipped is None else tuple((c, t) for c, t in skipped),
            )
        )
    return out


def fingerprint(folder: Path) -> dict[str, tuple[str, int]]:
    """sha256 and modification time of every file, to show validation changed nothing."""
    return {
        p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def located(problems: Any, folder: Path) -> list[dict[str, Any]]:
    """(code, file relative to the folder, line, field) of each problem, as the cases state them."""
    out = []
    for p in problems:
        file = Path(p.file)
        out.append(
            {
                "code": p.code,
                "file": "." if file == folder else str(file.relative_to(folder)),
                "line": p.line,
                "field": p.field,
            }
        )
    return out
