"""Notes and doubts agree with the record they annotate: no text claims a field is empty while it is
filled, and no text names a way of combining that the record's own ``combines`` contradicts.

Checked over every table of the embedded release, every record, every text field
(``uncertainty``, ``notes``, ``description``...).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

import policydata
from policydata.catalog import table

#: Extra names by which a text refers to a field.
ALIASES: dict[str, tuple[str, ...]] = {
    "document_number": ("document number", "document no"),
    "announcement_no": ("announcement number", "announcement no"),
    "fr_citation": ("fr citation", "federal register citation"),
    "executive_order": ("executive order number",),
    "hts_heading": ("hts heading", "chapter 99 heading"),
    "signed_date": ("signed date", "signing date", "date of signature"),
    "published_date": ("published date", "publication date", "date of publication"),
    "issued_date": ("issued date", "issue date", "date of issue"),
    "announced_date": ("announced date", "announcement date"),
    "effective_date": ("effective date",),
}
_EMPTY = (
    r"(?:is|was|are|were|has been|remains?)?\s*(?:left\s+)?"
    r"(?:empty|blank|unknown|not (?:known|given|stated|seen|found|read|reached))"
)
_COMBINES = ("stacks", "replaces", "overrides", "instead", "excludes")


def _texts(name: str) -> list[str]:
    return [s.name for s in table(name).fields if s.kind == "string" and s.name in ("uncertainty", "notes")]


def _claims_empty(text: str, field: str, value: object = None) -> str | None:
    """The words of ``text`` that say ``field`` is empty or unknown, if any.

    A passage that gives the value, or says it was assumed or estimated, describes the value's
    doubt rather than claiming it is missing.
    """
    for alias in (field, field.replace("_", " "), *ALIASES.get(field, ())):
        for pattern in (
            rf"\b{re.escape(alias)}\b[^.;:]{{0,80}}?\b{_EMPTY}",
            rf"\bno\s+{re.escape(alias)}\b(?!\s+(?:other|than|beyond|change))",
        ):
            m = re.search(pattern, text, re.IGNORECASE)
            if m is None:
                continue
            span = m.group(0)
            if (value is not None and str(value) in span) or re.search(r"assum|estimat", span, re.IGNORECASE):
                continue
            return span
    return None


def contradictions(name: str, rows: list[dict[str, Any]]) -> list[str]:
    """Text fields that claim a filled field is empty, or name another way of combining."""
    out = []
    texts = _texts(name)
    key = table(name).primary_key
    for row in rows:
        rid = "|".join(str(row[k]) for k in key)
        for t in texts:
            text = row.get(t)
            if not text:
                continue
            for field, value in row.items():
                # names that are also plain words ("coverage", "complete") make no claim on their own
                named = field in ALIASES or "_" in field
                if field in texts or value in (None, "") or field in key or not named:
                    continue
                claim = _claims_empty(text, field, value)
                if claim:
                    out.append(f"{name} {rid}: {t} says {claim!r} but {field} is {value!r}")
            if "combines" in row:
                for m in re.finditer(r"combines\W+(?:is\s+|=\s*)?'?(\w+)'?", text, re.IGNORECASE):
                    said = m.group(1).lower()
                    if said in _COMBINES and said != row["combines"]:
                        out.append(f"{name} {rid}: {t} says combines {said!r} but it is {row['combines']!r}")
    return out


RELEASE = policydata.open_release()


@pytest.mark.parametrize("name", RELEASE.tables)
def test_no_note_contradicts_its_record(name: str) -> None:
    if not _texts(name):
        pytest.skip(f"{name} has no note fields")
    rows = RELEASE.load(name, backend="arrow").to_pylist()
    found = contradictions(name, rows)
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    ("text", "field", "claimed"),
    [
        ("The document number was left empty: not seen.", "document_number", True),
        ("signed_date unknown.", "signed_date", True),
        ("No announcement number was found in the notice.", "announcement_no", True),
        ("The document number 国发〔2015〕28号 is quoted in the notice.", "document_number", False),
        ("Effective date read in the recital.", "effective_date", False),
        ("published_date 2023-05-23 as a press report gives it, not read", "published_date", False),
        ("effective_date assumed 1 January (not read)", "effective_date", False),
    ],
)
def test_the_claim_finder(text: str, field: str, claimed: bool) -> None:
    assert (_claims_empty(text, field, "2023-05-23") is not None) is claimed
