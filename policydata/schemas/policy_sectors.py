"""``policy_sectors``: which sectors a policy targets."""

from __future__ import annotations

from policydata.schemas import _patterns as p
from policydata.schemas.model import ForeignKey, Record, Table, field


class PolicySector(Record):
    """A policy targets a sector.

    Examples
    --------
    >>> PolicySector(policy_id="CHN-2015-MIC2025", sector_id="MIC2025-01", notes=None).sector_id
    'MIC2025-01'
    """

    policy_id: str = field("The policy.", pattern=p.POLICY_ID)
    sector_id: str = field("A sector the policy names as a target.", pattern=p.SECTOR_ID)
    notes: str | None = field("How the policy treats the sector.", pattern=p.TEXT)

    __table__ = Table(
        "policy_sectors",
        "Policy sectors",
        "Which sectors each policy targets.",
        primary_key=("policy_id", "sector_id"),
        foreign_keys=(ForeignKey.to("policy_id", "policies"), ForeignKey.to("sector_id", "sectors")),
    )
