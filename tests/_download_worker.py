"""Run by the release tests in a subprocess: open a release by version and print what it holds.

Prints ``ready`` first (so a test knows the process is up), then a JSON line with the events.
"""

from __future__ import annotations

import json
import sys


def main(version: str) -> None:
    import policydata

    print("ready", flush=True)
    table = policydata.load("tariff_events", version=version, backend="arrow")
    print(json.dumps({"version": version, "events": sorted(table["event_id"].to_pylist())}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
