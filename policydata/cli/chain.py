"""``policydata chain``: from a plan (or a sector) to its tariff lines and what touched them."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Table

from policydata.chain import chain
from policydata.cli.app import app, out


class ChainFormat(StrEnum):
    text = "text"
    json = "json"


@app.command("chain")
def chain_cmd(
    root: Annotated[str, typer.Argument(help="A policy_id (CHN-2015-MIC2025) or a sector_id (MIC2025-01).")],
    version: Annotated[str | None, typer.Option(help="Release version (default: embedded).")] = None,
    format: Annotated[ChainFormat, typer.Option("--format", help="Output format.")] = ChainFormat.text,
) -> None:
    """Follow a policy or sector to its sectors, their HS codes and tariff lines, and the tariff
    events and policies that touched them."""
    found = chain(root, version=version)
    if format is ChainFormat.json:
        sys.stdout.write(json.dumps(found.to_dict(), indent=2, ensure_ascii=False) + "\n")
        return
    if found.policy is not None:
        p = found.policy
        out.print(f"[bold]{p['policy_id']}[/]: {p['title_en']} ({p['status']})")
    sectors = Table("sector", "name", "HS mapping", "HS 2022 codes", title="sectors")
    for s in found.sectors:
        n = sum(1 for c in found.codes if c["sector_id"] == s["sector_id"])
        sectors.add_row(s["sector_id"], s["name_en"], s.get("hs_mapping") or "", str(n))
    out.print(sectors)
    out.print(f"{len(found.lines)} US HTS line periods under those codes")
    events = Table("since", "until", "event", "rate", "how", "codes", title="tariff events that touched them")
    for e in found.events:
        rate = "" if e["rate_pct"] is None else f"{e['rate_pct']:g}%"
        events.add_row(
            str(e["effective_date"] or "never"),
            str(e["end_date"] or ""),
            e["event_id"],
            rate,
            ", ".join(e["how"]),
            str(e["codes"] or ""),
        )
    out.print(events)
    policies = Table("since", "policy", "kind", "status", title="other policies on the same sectors")
    for p in found.policies:
        policies.add_row(str(p["effective_date"] or ""), p["policy_id"], p["kind"], p["status"])
    out.print(policies)
