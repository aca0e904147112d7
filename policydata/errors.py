"""Errors raised by policydata: one root class, subclasses with stable codes.

Every error says what happened, what was expected, and what to do next. Catch
:class:`PolicyDataError` to handle them all; match on ``.code`` (stable, kebab-case), never on the
message wording. The codes of errors are distinct from the codes of validation problems
(:data:`policydata.validate.CODES`): an error stops a call, a problem is a finding about data.

Every error pickles and unpickles with all its fields, so it survives a process boundary
(multiprocessing, joblib, Dask).

Examples
--------
>>> import pickle
>>> error = UnknownTableError("tariffs", ["sources", "tariff_events"])
>>> copy = pickle.loads(pickle.dumps(error))
>>> (copy.code, copy.name, copy.known, str(copy) == str(error))
('no-such-table', 'tariffs', ('sources', 'tariff_events'), True)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def _restore(cls: type[PolicyDataError], args: tuple[Any, ...], state: dict[str, Any]) -> PolicyDataError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class PolicyDataError(Exception):
    """Root of every error policydata raises on purpose.

    Parameters
    ----------
    message
        What happened and what was expected.
    hint
        What to do next.
    """

    code: str = "policydata-error"

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(f"{message} {hint}" if hint else message)

    def __reduce__(self) -> tuple[Any, ...]:
        # the default pickles only ``args`` and calls __init__ with them, which fails for every
        # subclass whose __init__ takes other arguments; restore the fields as they are instead
        return (_restore, (type(self), self.args, dict(self.__dict__)))

    def __str__(self) -> str:  # KeyError subclasses would otherwise quote the whole message
        return str(self.args[0]) if self.args else self.message


def _choices(values: Iterable[str]) -> str:
    return ", ".join(repr(v) for v in values)


class UnknownTableError(PolicyDataError, KeyError):
    """A table name that the release does not have."""

    code = "no-such-table"

    def __init__(self, name: str, known: Iterable[str]) -> None:
        self.name = name
        self.known = tuple(known)
        super().__init__(
            f"Unknown table {name!r}.",
            hint=f"Choose one of: {_choices(self.known)}.",
        )


class UnknownColumnError(PolicyDataError, KeyError):
    """A column name that the table does not have."""

    code = "no-such-column"

    def __init__(self, table: str, columns: Iterable[str], known: Iterable[str]) -> None:
        self.table = table
        self.columns = tuple(columns)
        self.known = tuple(known)
        super().__init__(
            f"Table {table!r} has no column {_choices(self.columns)}.",
            hint=f"Its columns are: {_choices(self.known)}.",
        )


class InvalidArgumentError(PolicyDataError, ValueError):
    """An argument of a library call has a value it cannot take."""

    code = "invalid-argument"


class QueryError(PolicyDataError, ValueError):
    """A SQL query that DuckDB cannot run (:func:`policydata.sql`)."""

    code = "invalid-query"


class SettingError(PolicyDataError, ValueError):
    """An environment variable of policydata has a value it cannot take; ``variable`` names it."""

    code = "invalid-setting"

    def __init__(self, variable: str, value: str, expected: str, *, hint: str | None = None) -> None:
        self.variable = variable
        self.value = value
        self.expected = expected
        super().__init__(
            f"{variable}={value!r} is not {expected}.",
            hint=hint or f"Unset {variable}, or set it to {expected}.",
        )


class MissingDependencyError(PolicyDataError, ImportError):
    """An optional dependency is needed for this call but is not installed."""

    code = "missing-dependency"

    def __init__(self, package: str, extra: str, purpose: str) -> None:
        self.package = package
        self.extra = extra
        self.purpose = purpose
        super().__init__(
            f"{purpose} needs the optional package {package!r}, which is not installed.",
            hint=f"Install it with: pip install 'policydata[{extra}]'",
        )


class ReleaseNotFoundError(PolicyDataError, LookupError):
    """No release of the requested version can be found; ``known`` lists the versions that can."""

    code = "release-not-found"

    def __init__(self, message: str, *, hint: str | None = None, known: Iterable[str] = ()) -> None:
        self.known = tuple(known)
        super().__init__(message, hint=hint)


class IntegrityError(PolicyDataError):
    """A release file does not match its recorded checksum, or is not what it claims to be."""

    code = "integrity-error"


class SchemaVersionError(PolicyDataError):
    """A release was built with a schema major version this library cannot read."""

    code = "schema-version"


class DownloadError(PolicyDataError):
    """A release archive could not be downloaded (HTTP error, broken connection, timeout, deadline).

    ``url`` is the address tried, with any credentials it held replaced by ``***``.
    """

    code = "download-failed"

    def __init__(self, message: str, *, hint: str | None = None, url: str = "") -> None:
        self.url = url
        super().__init__(message, hint=hint)


class CacheError(PolicyDataError):
    """The cache of downloaded releases cannot be used: it cannot be written, or another process
    holds a release's lock past the time it announced (it seems stalled)."""

    code = "cache-error"


class OfflineError(PolicyDataError):
    """A release is needed from the network but ``POLICYDATA_OFFLINE`` forbids it."""

    code = "offline"


class UnsafeArchiveError(PolicyDataError):
    """A release archive has members that could write outside their folder, or unpacks too large."""

    code = "unsafe-archive"


class DataValidationError(PolicyDataError):
    """Data does not satisfy its schema; ``report`` holds every problem found."""

    code = "invalid-data"

    def __init__(self, message: str, *, hint: str | None = None, report: object = None) -> None:
        self.report = report
        super().__init__(message, hint=hint)


class BuildError(PolicyDataError):
    """A release could not be built."""

    code = "build-error"
