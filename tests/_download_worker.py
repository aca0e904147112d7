"""Run by the release tests in a subprocess: open a release by version and print what it holds.

Prints ``ready`` first (so a test knows the process is up), then a JSON line with the events.
"""

from __future__ import annotations

import json
import sys

import policydata

print("ready", flush=True)
version = sys.argv[1]
table = policydata.load("tariff_events", version=version, backend="arrow")
print(json.dumps({"version": version, "events": sorted(table["event_id"].to_pylist())}), flush=True)
