"""The problem-code catalogue: every code is emitted somewhere, through the catalogue, never as a string."""

from __future__ import annotations

import ast
from pathlib import Path

import policydata
from policydata.validate import codes

PACKAGE = Path(policydata.__file__).parent
VALIDATOR = sorted(p for p in (PACKAGE / "validate").rglob("*.py") if p.name != "codes.py")


def _attributes_used() -> set[str]:
    used: set[str] = set()
    for path in VALIDATOR:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "codes"
            ):
                used.add(node.attr)
    return used


def _rule_codes() -> set[str]:
    tree = ast.parse((PACKAGE / "schemas" / "rules.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.AnnAssign) and ast.unparse(node.target) == "code" and node.value is not None:
            found.add(ast.literal_eval(node.value))
    return found


def test_every_code_is_reachable_without_running_anything() -> None:
    constants = {name for name, value in vars(codes).items() if isinstance(value, codes.Code)}
    used = _attributes_used() | {n.upper().replace("-", "_") for n in _rule_codes()}
    assert constants == {c.code.upper().replace("-", "_") for c in codes.CODES.values()}
    assert constants <= used, f"never emitted: {sorted(constants - used)}"


def test_every_rule_code_is_in_the_catalogue() -> None:
    assert _rule_codes() <= set(codes.CODES)


def test_no_issue_is_made_from_a_bare_string() -> None:
    bare = []
    for path in VALIDATOR:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("Issue", "Failure")
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                bare.append(f"{path.name}:{node.lineno}")
    assert not bare


def test_cell_codes_and_warnings_come_from_the_catalogue() -> None:
    assert all(c in codes.CODES.values() for c in codes.CELL_CODES)
    assert all(c in codes.CODES.values() for c in codes.WARNINGS)
