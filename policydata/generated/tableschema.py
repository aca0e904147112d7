"""Frictionless Table Schemas and the data dictionary, generated from the record models.

Each generated schema is checked with frictionless itself before it is written or released.

``policydata schemas export`` writes these to ``schemas/``; a test fails when the files there
drift from what this module generates.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from policydata.catalog import tables
from policydata.errors import BuildError
from policydata.schemas import SCHEMA_VERSION
from policydata.schemas.model import FieldSpec, TableSpec

_TYPES = {
    "string": "string",
    "date": "date",
    "number": "number",
    "integer": "integer",
    "boolean": "boolean",
}
_LARGE_ENUM = 50


_PARQUET_INTEGER_NOTE = (
    " (Whole number. Declared 'number' because Frictionless reads Parquet through pandas, where "
    "an integer column with nulls becomes float.)"
)


def _field(spec: FieldSpec, for_parquet: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": spec.name,
        "type": _TYPES[spec.kind],
        "description": spec.description,
    }
    if for_parquet and spec.kind == "integer" and spec.nullable:
        out["type"] = "number"
        out["description"] += _PARQUET_INTEGER_NOTE
    if spec.kind == "boolean":
        out["trueValues"] = ["true"]
        out["falseValues"] = ["false"]
    constraints: dict[str, Any] = {}
    if not spec.nullable:
        constraints["required"] = True
    if spec.pattern is not None:
        # Table Schema patterns are implicitly anchored (XML Schema regular expressions)
        constraints["pattern"] = spec.pattern.removeprefix("^").removesuffix("$")
    if spec.enum is not None:
        constraints["enum"] = list(spec.enum)
    if spec.minimum is not None:
        constraints["minimum"] = spec.minimum
    if spec.maximum is not None:
        constraints["maximum"] = spec.maximum
    if constraints:
        out["constraints"] = constraints
    return out


def table_schema(info: TableSpec, *, for_parquet: bool = False) -> dict[str, Any]:
    """The Frictionless Table Schema of one table (of its CSV source, or of its Parquet file).

    Examples
    --------
    >>> from policydata.catalog import table
    >>> table_schema(table("sectors"))["primaryKey"]
    ['sector_id']
    """
    schema: dict[str, Any] = {
        "fields": [_field(s, for_parquet) for s in info.fields],
        # frictionless reads Parquet through pandas and sees a null number as the text "nan"
        "missingValues": ["", "nan"] if for_parquet else [""],
        "primaryKey": list(info.primary_key),
    }
    if info.foreign_keys:
        schema["foreignKeys"] = [
            {
                "fields": list(fk.fields),
                # Data Package v1/v2: an empty resource name means "this resource"
                "reference": {
                    "resource": "" if fk.reference_table == info.name else fk.reference_table,
                    "fields": list(fk.reference_fields),
                },
            }
            for fk in info.foreign_keys
        ]
    return schema


def table_schemas() -> dict[str, dict[str, Any]]:
    """Every table's Table Schema, keyed by table name."""
    return {name: table_schema(info) for name, info in tables().items()}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def data_dictionary() -> str:
    """One Markdown page: every table, field, type, constraint and meaning."""
    lines = [
        "# policydata data dictionary",
        "",
        f"Schema version {SCHEMA_VERSION}. Generated from the record models in "
        "`policydata/schemas/` by `policydata schemas export`; do not edit by hand.",
        "",
        "Conventions: dates are ISO 8601; jurisdictions are ISO 3166-1 alpha-3, plus EUN for the "
        "European Union; rates are percent ad valorem; an empty cell is a null.",
        "",
    ]
    for info in tables().values():
        specs = info.fields
        lines += [f"## `{info.name}`", "", info.description, ""]
        lines.append(f"Primary key: {', '.join(f'`{k}`' for k in info.primary_key)}.")
        for fk in info.foreign_keys:
            lines.append(
                f"Foreign key: `{', '.join(fk.fields)}` refers to "
                f"`{fk.reference_table}.{', '.join(fk.reference_fields)}`."
            )
        rules = info.model.__rules__
        if rules:
            lines += ["", "Row rules:", ""]
            lines += [f"- `{r.code}`: {r.describe()}." for r in rules]
        lines += [
            "",
            "| field | type | required | constraints | meaning |",
            "|---|---|---|---|---|",
        ]
        for s in specs:
            cons = []
            if s.pattern:
                cons.append(f"pattern `{s.pattern}`")
            if s.code_set:
                cons.append(f"code of {s.code_set}")
            elif s.enum and len(s.enum) <= _LARGE_ENUM:
                cons.append("one of " + ", ".join(f"`{v}`" for v in s.enum))
            if s.minimum is not None:
                cons.append(f">= {s.minimum:g}")
            if s.maximum is not None:
                cons.append(f"<= {s.maximum:g}")
            required = "no" if s.nullable else "yes"
            lines.append(
                f"| `{s.name}` | {s.kind} | {required} | {_cell('; '.join(cons))} | {_cell(s.description)} |"
            )
        enum_specs = [s for s in specs if s.enum_doc]
        for s in enum_specs:
            assert s.enum_doc is not None
            lines += ["", f"Values of `{s.name}`:", ""]
            lines += [f"- `{value}`: {meaning}" for value, meaning in s.enum_doc.items()]
        lines.append("")
    return "\n".join(lines)


def check_descriptors(schemas: dict[str, dict[str, Any]]) -> None:
    """Refuse Table Schemas that frictionless, the reference implementation, does not accept.

    Raises
    ------
    BuildError
        Naming the table and frictionless's own findings.
    """
    from frictionless import Schema

    for name, schema in schemas.items():
        report = Schema.validate_descriptor(schema)
        if not report.valid:
            found = "; ".join(e.message for e in report.errors)
            raise BuildError(
                f"The Table Schema generated for {name} is not valid for frictionless: {found}",
                hint="Fix the record model's field declarations (policydata/schemas/).",
            )


def render_files() -> dict[str, str]:
    """The content of every file ``schemas export`` writes, keyed by file name.

    Every Table Schema is checked with frictionless first (:func:`check_descriptors`).
    """
    schemas = table_schemas()
    check_descriptors(schemas)
    files = {
        f"{name}.schema.json": json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
        for name, schema in schemas.items()
    }
    files["DATA_DICTIONARY.md"] = data_dictionary()
    return files


def export(directory: Path) -> list[Path]:
    """Write every Table Schema and the data dictionary into ``directory``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> paths = export(pathlib.Path(tempfile.mkdtemp()))
    >>> sorted(p.name for p in paths)[0]
    'DATA_DICTIONARY.md'
    """
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in render_files().items():
        path = directory / name
        path.write_text(content, encoding="utf-8")
        written.append(path)
    return written
