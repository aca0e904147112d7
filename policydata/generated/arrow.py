"""The storage schema: the Arrow type of every field, as releases store it in Parquet.

Examples
--------
>>> from policydata.catalog import table
>>> arrow_schema(table("tariff_events")).field("effective_date").type
DataType(date32[day])
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa

    from policydata.schemas.model import FieldSpec, TableSpec


def arrow_type(spec: FieldSpec) -> pa.DataType:
    """The Arrow type a field is stored with in a release."""
    import pyarrow as pa

    types: dict[str, pa.DataType] = {
        "string": pa.string(),
        "date": pa.date32(),
        "number": pa.float64(),
        "integer": pa.int64(),
        "boolean": pa.bool_(),
    }
    return types[spec.kind]


def arrow_schema(table: TableSpec) -> pa.Schema:
    """The Arrow schema a table is stored with in a release."""
    import pyarrow as pa

    return pa.schema([pa.field(s.name, arrow_type(s), nullable=s.nullable) for s in table.fields])
