"""Identifier and code patterns shared by several tables."""

from typing import Final

_SLUG = r"[A-Z0-9]+(?:-[A-Z0-9]+)*"

SOURCE_ID: Final = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
POLICY_ID: Final = rf"^[A-Z]{{3}}-\d{{4}}-{_SLUG}$"
SECTOR_ID: Final = rf"^(?:MIC2025|FYP14|FYP15|SEI)-{_SLUG}$"
EVENT_ID: Final = rf"^[A-Z]{{3}}-[A-Z]{{3}}-\d{{4}}-{_SLUG}$"
#: HS codes as the legal text lists them: chapter-free headings (4 digits), subheadings (6) or
#: national tariff lines (8 or 10 digits).
HS_CODE: Final = r"^\d{4}(?:\d{2}){0,3}$"
HS_CROSSWALK_CODE: Final = r"^\d{2}(?:\d{2}){0,2}$"
ISIC4_CODE: Final = r"^(?:[A-U]|\d{2,4})$"
URL: Final = r"^https?://[^\s]+$"
LANGUAGE: Final = r"^[a-z]{2}$"
EXECUTIVE_ORDER: Final = r"^\d{5}$"
FR_CITATION: Final = r"^\d{2,3} FR \d+$"
HTS_HEADING: Final = r"^99\d{2}\.\d{2}\.\d{2}$"
#: A non-empty value without leading or trailing white space.
TEXT: Final = r"^\S(?:[\s\S]*\S)?$"
#: A nomenclature edition: HTS-2025-REV-1, HS-2022, CN-2018.
EDITION_ID: Final = rf"^(?:HTS|HS|CN)-{_SLUG}$"
#: A product list: <IMPOSING>-<SLUG>, e.g. USA-301-L1, CHN-2018-L3-A1.
LIST_ID: Final = rf"^[A-Z]{{3}}-{_SLUG}$"
#: A tariff line code as published, digits only: HS subheading (6), national line (8) or
#: statistical line (10), or a heading (4) where a legal text lists one.
LINE_CODE: Final = r"^\d{4}(?:\d{2}){0,3}$"
