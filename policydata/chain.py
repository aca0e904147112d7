"""From plan to tariff line: a policy, the sectors it names, their tariff lines, and what touched them.

The chain is read off the release's tables, link by link, each with its own evidence: a policy names
sectors (``policy_sectors``); a sector maps to HS 2022 codes (``sector_codes``, each cited, with its
match quality); a code covers tariff lines (``tariff_lines``: the US HTS lines under it); a tariff
event touches a line when one of the product lists it uses (``tariff_event_lists``,
``product_list_lines``) or the products its legal text lists (``tariff_event_products``) hold a code
under the sector's code; and other policies (export controls above all) touch the same sectors.

Codes are compared by prefix within the digits they share, never converted: a list line written in
an older edition (HS 2017 based) matches a sector code of HS 2022 only by its first digits, and each
match says which edition the line was written in, so a reader can see where editions differ.

Examples
--------
>>> import policydata
>>> chain = policydata.chain("CHN-2015-MIC2025")
>>> chain.policy["policy_id"], len(chain.sectors) >= 10
('CHN-2015-MIC2025', True)
>>> any(e["event_id"] == "USA-CHN-2018-301-L1" for e in chain.events)
True
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from policydata.errors import InvalidArgumentError
from policydata.release import Release, open_release


@dataclass(frozen=True)
class Chain:
    """A policy (or a sector) followed down to tariff lines and across to what touched them.

    Attributes
    ----------
    root
        The policy or sector the chain starts from.
    policy
        The policy record, or None when the chain starts from a sector.
    sectors
        The sectors (records of ``sectors``, with ``notes`` of the policy link when there is one).
    codes
        The sectors' HS 2022 codes (rows of ``sector_codes``).
    lines
        The US HTS lines under those codes: ``code``, ``description``, ``valid_from``, ``valid_to``,
        ``sector_id`` (first sector whose code covers it).
    events
        The tariff events whose product lists or listed products hold a code under the sectors'
        codes, and those on all goods: the event's parties, authority, dates, rate, coverage and
        status; ``how`` it touched them (``covers``, ``excepts``, ``excludes``, ``lists``, ``covers
        all goods``), the lists it did so through (``via``), how many distinct codes, and the
        editions those codes are written in. Which duty applied to a line on a day is
        :func:`policydata.tariffs.rate_stack`'s question, not this one's.
    policies
        Other policies linked to the same sectors (export controls, funds, plans), with their dates.
    """

    root: str
    policy: dict[str, Any] | None
    sectors: list[dict[str, Any]] = field(default_factory=list)
    codes: list[dict[str, Any]] = field(default_factory=list)
    lines: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    policies: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (dates as ISO strings), e.g. for ``json.dumps``."""
        plain: dict[str, Any] = _plain(asdict(self))
        return plain


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _rows(release: Release, name: str, columns: list[str] | None = None) -> list[dict[str, Any]]:
    if name not in release.tables:
        return []
    rows: list[dict[str, Any]] = release.load(name, backend="arrow", columns=columns).to_pylist()
    return rows


def _under(code: str, prefixes: Iterable[str]) -> str | None:
    """The prefix of ``prefixes`` that ``code`` falls under (or that falls under it), if any."""
    for p in prefixes:
        if code.startswith(p) or p.startswith(code):
            return p
    return None


def _start(root: str, release: Release) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    policies = {r["policy_id"]: r for r in _rows(release, "policies")}
    sectors = {r["sector_id"]: r for r in _rows(release, "sectors")}
    links = _rows(release, "policy_sectors")
    if root in policies:
        named = [(r["sector_id"], r["notes"]) for r in links if r["policy_id"] == root]
        return policies[root], [dict(sectors[s], link_notes=n) for s, n in named if s in sectors]
    if root in sectors:
        # a sector stands for itself and its sub-sectors
        family = [s for s in sectors.values() if s["sector_id"] == root or s["parent_id"] == root]
        return None, [dict(s, link_notes=None) for s in family]
    raise InvalidArgumentError(
        f"{root!r} is neither a policy_id nor a sector_id of release {release.version}.",
        hint="List them with policydata.policies() and policydata.sectors(), or "
        "'policydata show policies --columns policy_id,title_en'.",
    )


def _events(release: Release, prefixes: Mapping[str, str]) -> list[dict[str, Any]]:
    lists_of: dict[str, list[str]] = defaultdict(list)
    for r in _rows(release, "tariff_event_lists", ["event_id", "list_id"]):
        lists_of[r["list_id"]].append(r["event_id"])
    kind = {r["list_id"]: r["kind"] for r in _rows(release, "product_lists", ["list_id", "kind"])}
    # what a list does to the lines it holds, for the event that uses it
    how_of = {"products": "covers", "exclusions": "excludes", "exceptions": "excepts"}
    touched: dict[str, dict[str, Any]] = {}

    def touch(event_id: str, via: str, how: str, code: str, edition: str) -> None:
        hit = touched.setdefault(event_id, {"via": set(), "how": set(), "codes": set(), "editions": set()})
        hit["via"].add(via)
        hit["how"].add(how)
        hit["codes"].add(code)
        hit["editions"].add(edition)

    for r in _rows(release, "product_list_lines", ["list_id", "code", "edition_id"]):
        if r["list_id"] in lists_of and _under(r["code"], prefixes):
            for event_id in lists_of[r["list_id"]]:
                touch(event_id, r["list_id"], how_of[kind[r["list_id"]]], r["code"], r["edition_id"])
    for r in _rows(release, "tariff_event_products", ["event_id", "hs_code", "hs_edition"]):
        if _under(r["hs_code"], prefixes):
            touch(r["event_id"], "tariff_event_products", "lists", r["hs_code"], r["hs_edition"])
    columns = [
        "event_id", "imposing", "target", "authority", "title", "effective_date", "end_date",
        "rate_pct", "combines", "coverage", "status", "exporter",
    ]  # fmt: skip
    out = []
    for event in _rows(release, "tariff_events", columns):
        hit = touched.get(event["event_id"])
        if hit is None and event["coverage"] != "all-goods":
            continue
        if hit is None:  # a duty on every good touches every line of the sectors
            hit = {"via": set(), "how": {"covers all goods"}, "codes": set(), "editions": set()}
        out.append(
            dict(
                event,
                via=sorted(hit["via"]),
                how=sorted(hit["how"]),
                codes=len(hit["codes"]),
                editions=sorted(hit["editions"]),
            )
        )
    return sorted(out, key=lambda e: (e["effective_date"] is None, e["effective_date"], e["event_id"]))


def chain(root: str, *, version: str | None = None) -> Chain:
    """Follow a policy (or a sector) to its sectors, their tariff lines, and the actions that touched them.

    Parameters
    ----------
    root
        A ``policy_id`` (such as ``"CHN-2015-MIC2025"``) or a ``sector_id`` (``"MIC2025-01"``; its
        sub-sectors come with it).
    version
        Release version; None for the release this installation carries.

    Returns
    -------
    Chain
        See :class:`Chain`; every element is a record (or a summary of records) of the release.

    Raises
    ------
    InvalidArgumentError
        If ``root`` is neither a policy nor a sector of the release.

    Examples
    --------
    >>> import policydata
    >>> c = policydata.chain("MIC2025-02")
    >>> c.policy is None and c.sectors[0]["sector_id"].startswith("MIC2025-02")
    True
    """
    release = open_release(version)
    policy, sectors = _start(root, release)
    ids = {s["sector_id"] for s in sectors}
    codes = [
        r for r in _rows(release, "sector_codes") if r["sector_id"] in ids and r["classification"] == "HS2022"
    ]
    prefixes: dict[str, str] = {}
    for r in codes:
        prefixes.setdefault(r["code"], r["sector_id"])
    lines = [
        {
            "code": r["code"],
            "description": r["description"],
            "valid_from": r["valid_from"],
            "valid_to": r["valid_to"],
            "sector_id": prefixes[_under(r["code"], prefixes) or ""],
        }
        for r in _rows(
            release, "tariff_lines", ["nomenclature", "code", "description", "valid_from", "valid_to"]
        )
        if r["nomenclature"] == "HTS" and len(r["code"]) == 8 and _under(r["code"], prefixes)
    ]
    others = {r["policy_id"] for r in _rows(release, "policy_sectors") if r["sector_id"] in ids} - {root}
    policies = [
        {
            k: r[k]
            for k in (
                "policy_id",
                "jurisdiction",
                "title_en",
                "kind",
                "effective_date",
                "expiry_date",
                "status",
            )
        }
        for r in _rows(release, "policies")
        if r["policy_id"] in others
    ]
    return Chain(
        root=root,
        policy=policy,
        sectors=sectors,
        codes=codes,
        lines=lines,
        events=_events(release, prefixes) if prefixes else [],
        policies=sorted(
            policies, key=lambda p: (p["effective_date"] is None, p["effective_date"], p["policy_id"])
        ),
    )
