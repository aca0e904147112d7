"""A release's tables as every export writes them: the library's columns, the release's rows.

Examples
--------
>>> import policydata
>>> [t.name for t in export_tables(policydata.open_release())][:2]
['sources', 'policies']
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from policydata.__about__ import __version__
from policydata.catalog import table
from policydata.errors import IntegrityError
from policydata.generated.arrow import arrow_schema

if TYPE_CHECKING:
    import pyarrow as pa

    from policydata.release.release import Release
    from policydata.schemas.model import ForeignKey, TableSpec


@dataclass(frozen=True)
class ExportTable:
    """One table of a release, ready to write: its spec, its rows and the references it keeps."""

    spec: TableSpec
    data: pa.Table
    #: The foreign keys whose referenced table the release holds (an older release lacks some).
    foreign_keys: tuple[ForeignKey, ...]

    @property
    def name(self) -> str:
        return self.spec.name


def conform(data: pa.Table, spec: TableSpec, version: str) -> pa.Table:
    """``data`` with the columns of ``spec``'s storage schema, in its order.

    A release built with an older minor schema version lacks the nullable columns added since;
    they are added as nulls, as :func:`policydata.load`'s typed accessors do.

    Raises
    ------
    IntegrityError
        If a column the schema requires is missing (the file is not the table it claims to be).
    """
    import pyarrow as pa

    schema = arrow_schema(spec)
    missing = [f.name for f in schema if f.name not in data.column_names and not f.nullable]
    if missing:
        raise IntegrityError(
            f"Table {spec.name} of release {version} lacks the required column(s) {', '.join(missing)}.",
            hint="The release is damaged or was built by an incompatible policydata; download it again.",
        )
    for f in schema:
        if f.name not in data.column_names:
            data = data.append_column(f, pa.nulls(data.num_rows, type=f.type))
    return data.select(schema.names).cast(schema)


def export_tables(release: Release) -> Iterator[ExportTable]:
    """Every table of ``release``, in data-package order, conformed to this library's schema."""
    present = set(release.tables)
    for name in release.tables:
        spec = table(name)
        data = conform(release.load(name, backend="arrow"), spec, release.version)
        keys = tuple(fk for fk in spec.foreign_keys if fk.reference_table in present)
        yield ExportTable(spec, data, keys)


def release_facts(release: Release) -> dict[str, Any]:
    """What an export records about the release it was made from."""
    return {
        "version": release.version,
        "as_of": release.as_of,
        "schema_version": release.schema_version,
        "library_version": __version__,
    }
