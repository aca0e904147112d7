"""The ``policydata`` command line: a thin layer over the library, one module per command group.

Exit codes: 0 success or valid data, 1 invalid data, 2 usage or internal error.
"""

from policydata.cli import cache, chain, data, publish, sectors, tariffs, validate
from policydata.cli.app import app, main

# isort: split
from policydata.cli import export, serve  # noqa: F401 - registers the export and serve commands

__all__ = ["app", "cache", "chain", "data", "main", "publish", "sectors", "tariffs", "validate"]
