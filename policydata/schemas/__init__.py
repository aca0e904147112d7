"""Table schemas: one module per table, each declaring a pydantic record model.

The record models are the single source of truth; :mod:`policydata.frames` generates the
pandera DataFrame models from them and :mod:`policydata.tableschema` the Frictionless Table Schemas
and the data dictionary. Importing this package is cheap: the table modules load on first use.
"""

from typing import Final

#: Semantic version of the table schemas. A release records the version it was built with; this
#: library reads releases of the same major version only.
SCHEMA_VERSION: Final = "1.1.0"
