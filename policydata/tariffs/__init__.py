"""What tariff applied? Rate stacks, timelines and a tariff-line panel computed from a release.

The engine answers per tariff line (8-digit lines of the US HTS, or statistical lines where a list
names them; on days no encoded edition covers, the lines the product lists name). For a line and a
day each event in force *applies*, *may apply* (its coverage is truly unknown: a list not encoded,
a code in an edition the data does not cover, goods described below the line, an exporter's rate,
a metal-content share), *does not apply* (a stacking rule of the legal texts displaces it) or is
*excluded*. Every combination of the unknowns consistent with the data is a *reading*; the sure
total is the duty of the lowest reading (paid in every reading), the upper total that of the
highest single reading: layers that exclude each other are never added up. A question about a
code above the lines (HS6, HS4), a sector or nothing at all is answered per line below it.

Modules, one job each:

* :mod:`~policydata.tariffs.events`: the release's events, product lists and nomenclature, indexed;
* :mod:`~policydata.tariffs.query`: the arguments of a question, and the lines it is answered for;
* :mod:`~policydata.tariffs.coverage`: whether an event covers a line on a day (scalar and
  vectorised forms side by side);
* :mod:`~policydata.tariffs.rules`: the stacking rules of the legal texts;
* :mod:`~policydata.tariffs.segments`: readings, statuses and totals, one line or many;
* :mod:`~policydata.tariffs.stack`, :mod:`~policydata.tariffs.timeline`,
  :mod:`~policydata.tariffs.panel`: the front ends.
"""

from __future__ import annotations

from policydata.tariffs.coverage import REASON_DOC, Reason
from policydata.tariffs.panel import PANEL_COLUMNS, tariff_panel, write_panel
from policydata.tariffs.query import GENERIC_QUERY
from policydata.tariffs.stack import Layer, LineAnswer, RateStack, list_members, rate_stack
from policydata.tariffs.timeline import (
    MEAN,
    MEAN_UPPER,
    SHARE,
    SHARE_UPPER,
    SUMMARY_SERIES,
    TIMELINE_COLUMNS,
    TOTAL,
    TOTAL_UPPER,
    TimelineRow,
    rate_timeline,
    step_values,
    timeline_rows,
)

__all__ = [
    "GENERIC_QUERY",
    "MEAN",
    "MEAN_UPPER",
    "PANEL_COLUMNS",
    "REASON_DOC",
    "SHARE",
    "SHARE_UPPER",
    "SUMMARY_SERIES",
    "TIMELINE_COLUMNS",
    "TOTAL",
    "TOTAL_UPPER",
    "Layer",
    "LineAnswer",
    "RateStack",
    "Reason",
    "TimelineRow",
    "list_members",
    "rate_stack",
    "rate_timeline",
    "step_values",
    "tariff_panel",
    "timeline_rows",
    "write_panel",
]
