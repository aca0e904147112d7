"""The one reader of dates that users and files write: ISO 8601, ``YYYY-MM-DD``.

Examples
--------
>>> parse_date("2025-04-10", "--on")
datetime.date(2025, 4, 10)
>>> parse_date("10/04/2025", "--on")
Traceback (most recent call last):
...
policydata.errors.InvalidArgumentError: --on '10/04/2025' is not a date. Write it as YYYY-MM-DD, ...
"""

from __future__ import annotations

import datetime as dt

from policydata.errors import InvalidArgumentError


def parse_date(value: str | dt.date, what: str) -> dt.date:
    """A date from an ISO string (or a date, returned as it is); ``what`` names it in the error.

    Raises
    ------
    InvalidArgumentError
        If the value is not an ISO date ``YYYY-MM-DD``.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidArgumentError(
        f"{what} {value!r} is not a date.", hint="Write it as YYYY-MM-DD, e.g. 2025-04-10."
    )
