"""``policies``: industrial and trade policies, in China and abroad."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from policydata.schemas import _patterns as p
from policydata.schemas.model import Record, Table, field
from policydata.schemas.rules import Ordered, RequiredWhen

PolicyKind = Literal["plan", "law", "regulation", "executive-order", "fund", "export-control", "guideline"]
PolicyStatus = Literal["reported", "draft", "announced", "in-force", "expired", "superseded", "repealed"]

POLICY_KIND_DOC = {
    "plan": "A strategy or development plan (Five-Year Plan, sector plan, roadmap).",
    "law": "A statute passed by a legislature.",
    "regulation": "A rule issued by a government body under a law.",
    "executive-order": "An order of a head of state or government.",
    "fund": "A state-backed investment fund or financing programme.",
    "export-control": "A control on exports of goods, technology or know-how.",
    "guideline": "Guidance, an opinion or a notice that steers policy without being a plan.",
}
POLICY_STATUS_DOC = {
    "reported": "Only reported by the press; not confirmed by the issuing body.",
    "draft": "Published as a draft or for comment.",
    "announced": "Officially announced, not yet issued or in force.",
    "in-force": "Issued and in force (or the plan period is running).",
    "expired": "Its period or term has ended.",
    "superseded": "Replaced by a later policy.",
    "repealed": "Withdrawn or repealed.",
}


class Policy(Record):
    """An industrial or trade policy document.

    Examples
    --------
    >>> Policy.model_fields["kind"].description
    'What sort of policy this is.'
    """

    policy_id: str = field(
        "Stable identifier: <JURISDICTION>-<year issued>-<SLUG>, e.g. CHN-2015-MIC2025.",
        pattern=p.POLICY_ID,
    )
    jurisdiction: str = field("Who issued it, ISO 3166-1 alpha-3 or EUN.", codes="jurisdiction")
    title_en: str = field("English title (official translation where one exists).", pattern=p.TEXT)
    title_original: str | None = field(
        "Title in the original language as the document writes it.", pattern=p.TEXT
    )
    issuing_body: str | None = field(
        "Body that issued or enacted it; empty only for a policy that is merely reported.",
        pattern=p.TEXT,
    )
    document_number: str | None = field(
        "Official document number, such as 国发〔2015〕28号 or Public Law 117-167.", pattern=p.TEXT
    )
    kind: PolicyKind = field("What sort of policy this is.", enum_doc=POLICY_KIND_DOC)
    announced_date: dt.date | None = field("Date it was first officially announced.")
    issued_date: dt.date | None = field("Date it was signed, enacted or dated.")
    published_date: dt.date | None = field("Date the text was officially published.")
    effective_date: dt.date | None = field("Date it took effect.")
    expiry_date: dt.date | None = field("Date it ceased to apply (first day no longer in force).")
    status: PolicyStatus = field("Status as of the release's as-of date.", enum_doc=POLICY_STATUS_DOC)
    summary: str = field("One or two factual sentences on what it does.", pattern=p.TEXT)
    uncertainty: str | None = field(
        "What is doubtful about this record and why; empty when nothing is.", pattern=p.TEXT
    )

    __rules__ = (
        RequiredWhen(
            "issuing_body",
            "status",
            ("draft", "announced", "in-force", "expired", "superseded", "repealed"),
        ),
        Ordered("issued_date", "published_date"),
        Ordered("effective_date", "expiry_date", strict=True),
        Ordered("issued_date", "expiry_date", strict=True),
    )

    __table__ = Table(
        "policies",
        "Policies",
        "Industrial and trade policies: titles, jurisdiction, issuing body, dates, status.",
        primary_key=("policy_id",),
        duplicate_fields=("jurisdiction", "title_en"),
    )
