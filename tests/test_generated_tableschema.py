"""Table Schemas and the data dictionary in schemas/ are generated; they must not drift."""

from __future__ import annotations

from pathlib import Path

import frictionless
import pytest

from policydata.catalog import TABLE_NAMES, table
from policydata.generated.tableschema import render_files, table_schemas


def test_exported_files_match_the_models(root: Path) -> None:
    expected = render_files()
    directory = root / "schemas"
    on_disk = {p.name for p in directory.iterdir() if p.is_file()}
    assert on_disk == set(expected), "run 'make schemas' to regenerate schemas/"
    for name, content in expected.items():
        assert (directory / name).read_text(encoding="utf-8") == content, (
            f"schemas/{name} drifted from the models; run 'make schemas'"
        )


@pytest.mark.parametrize("name", list(TABLE_NAMES), ids=list(TABLE_NAMES))
def test_table_schema_is_valid_frictionless(name: str) -> None:
    schema = frictionless.Schema.from_descriptor(table_schemas()[name])
    assert schema.primary_key == list(table(name).primary_key)
    report = frictionless.Schema.validate_descriptor(table_schemas()[name])
    assert report.valid, report.flatten(["type", "note"])


def test_foreign_keys_are_declared() -> None:
    schemas = table_schemas()
    fks = schemas["policy_sectors"]["foreignKeys"]
    assert {fk["reference"]["resource"] for fk in fks} == {"policies", "sectors"}
    self_ref = schemas["tariff_events"]["foreignKeys"][0]
    assert self_ref["reference"]["resource"] == ""


def test_export_writes_what_render_returns(tmp_path: Path) -> None:
    from policydata.generated.tableschema import export

    written = export(tmp_path)
    assert {p.name for p in written} == set(render_files())
