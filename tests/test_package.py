"""The package as a whole: imports run one way, lazy imports say why and are needed, functions stay short.

These are the house rules of ``../shared/design.md`` ("Target layout"), checked on the source itself.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

import policydata

PACKAGE = Path(policydata.__file__).parent
HEAVY = (
    "pandas",
    "pandera",
    "polars",
    "pyarrow",
    "duckdb",
    "pydantic",
    "frictionless",
    "matplotlib",
    "numpy",
    "datasette",
)
#: Longest function body, in lines, docstring excluded ("split functions over ~80 lines by phase").
MAX_FUNCTION_LINES = 80
#: Modules the rate-stacks issue restructures; held to the length rule once it has.
NOT_YET_SPLIT: set[str] = set()


@dataclass(frozen=True)
class Import:
    source: str
    target: str
    line: int
    function_level: bool
    reason: bool


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _resolve(module: str, name: str | None) -> str:
    """``from module import name``: the submodule when ``name`` is one, else the module."""
    if name is not None:
        candidate = f"{module}.{name}"
        base = PACKAGE.parent / Path(*candidate.split("."))
        if base.with_suffix(".py").is_file() or (base / "__init__.py").is_file():
            return candidate
    return module


def _type_checking_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def imports_of(path: Path) -> list[Import]:
    source = path.read_text(encoding="utf-8")
    text = source.splitlines()
    tree = ast.parse(source)
    skipped = _type_checking_lines(tree)
    found: list[Import] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.ImportFrom | ast.Import) and child.lineno not in skipped:
                targets: list[str] = []
                if isinstance(child, ast.ImportFrom) and (child.module or "").startswith("policydata"):
                    targets = [_resolve(child.module or "", a.name) for a in child.names]
                elif isinstance(child, ast.Import):
                    targets = [a.name for a in child.names if a.name.startswith("policydata")]
                here = text[child.lineno - 1]
                above = text[child.lineno - 2] if child.lineno > 1 else ""
                reason = "# lazy:" in here or above.strip().startswith("# lazy:")
                found.extend(
                    Import(module_name(path), t, child.lineno, in_function, reason) for t in set(targets)
                )
            visit(child, inner)

    visit(tree, False)
    return found


ALL = [i for path in sorted(PACKAGE.rglob("*.py")) for i in imports_of(path)]


def test_no_import_cycles() -> None:
    graph: dict[str, set[str]] = {}
    for i in ALL:
        if i.target != i.source and i.target != "policydata":
            graph.setdefault(i.source, set()).add(i.target)
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycle = [*stack[stack.index(nxt) :], nxt]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


def test_function_level_imports_of_our_modules_say_why() -> None:
    unexplained = [
        f"{i.source}:{i.line} imports {i.target}"
        for i in ALL
        if i.function_level and not i.reason and i.source != "policydata.__main__"
    ]
    assert not unexplained, "add a '# lazy: <reason>' comment, or import at module level:\n" + "\n".join(
        unexplained
    )


def _heavy_after(module: str) -> list[str]:
    code = (
        "import sys, json, policydata\n"
        "before = set(sys.modules)\n"
        f"import {module}\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in set(sys.modules) - before}} & set({HEAVY!r}))))"
    )
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    found: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


LAZY_TARGETS = sorted({i.target for i in ALL if i.function_level})


@pytest.mark.parametrize("target", LAZY_TARGETS)
def test_lazy_imports_are_of_modules_that_would_make_the_importer_heavy(target: str) -> None:
    # a function-level import of our own module is allowed only where it keeps a heavy library out
    assert _heavy_after(target), f"{target} imports nothing heavy: import it at module level"


def test_functions_are_short() -> None:
    long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if module_name(path) in NOT_YET_SPLIT:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                body = node.body
                if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                    body = body[1:] or body
                length = (node.end_lineno or node.lineno) - body[0].lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long.append(f"{module_name(path)}.{node.name}: {length} lines")
    assert not long, "split these by phase:\n" + "\n".join(long)
