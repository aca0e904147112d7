"""Write the bad-input corpus: each case is the valid corpus with one kind of problem added.

Run ``python tests/corpus/make_corpus.py`` after changing a case; the files it writes are committed
(a test checks they are up to date). Each case folder holds only the files that differ from
``valid/`` (plus ``case.json``: what it breaks, files to delete, and the problems expected).
All records are synthetic.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
VALID = HERE / "valid"
BAD = HERE / "bad"

EVENTS = "tariff_events.csv"
CITES = "citations.csv"

# a standalone event and its citation, for cases that need a fourth event
EVENT_D = (
    "CHN-USA-2099-TEST-D,CHN,USA,Synthetic countermeasure D,cn-countermeasure,Test law,impose,stacks,,"
    "{responds},,,,,2099-03-01,,,2099-03-15,,false,5,all-goods,false,Other synthetic goods,,,in-force,,,\n"
)
CITE_D = "tariff_events,CHN-USA-2099-TEST-D,test-2099-notice-b,,\n"


def text(name: str) -> str:
    return (VALID / name).read_text(encoding="utf-8")


def sub(name: str, old: str, new: str, count: int = 1) -> dict[str, bytes]:
    body = text(name)
    if old not in body:
        raise ValueError(f"{old!r} not in {name}")
    return {name: body.replace(old, new, count).encode("utf-8")}


def add_event_d(row: str = EVENT_D, responds: str = "") -> dict[str, bytes]:
    return {
        EVENTS: (text(EVENTS) + row.format(responds=responds)).encode("utf-8"),
        CITES: (text(CITES) + CITE_D).encode("utf-8"),
    }


def merge(*parts: dict[str, bytes]) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for p in parts:
        out.update(p)
    return out


def exp(code: str, file: str, line: int | None = None, field: str | None = None) -> dict[str, object]:
    return {"code": code, "file": file, "line": line, "field": field}


E_A, E_B, E_C = 2, 3, 4  # lines of the three events

CASES: dict[str, tuple[str, dict[str, bytes], list[str], list[dict[str, object]]]] = {
    # --- files ---
    "missing-table": (
        "policy_sectors.csv is missing",
        {},
        ["policy_sectors.csv"],
        [exp("missing-table", ".")],
    ),
    "unknown-table": (
        "a table file with a misspelt name",
        {"tariff_event.csv": b"event_id\n"},
        [],
        [exp("unknown-table", "tariff_event.csv")],
    ),
    "empty-file": (
        "an empty file",
        {"policy_sectors.csv": b""},
        [],
        [exp("empty-file", "policy_sectors.csv", 1)],
    ),
    "encoding-latin1": (
        "a Latin-1 byte",
        {
            "sectors.csv": text("sectors.csv")
            .encode()
            .replace(b"Synthetic sector A", b"Synth\xe9tic sector A")
        },
        [],
        [exp("encoding", "sectors.csv", 2)],
    ),
    "byte-order-mark": (
        "a UTF-8 byte-order mark",
        {"sectors.csv": b"\xef\xbb\xbf" + text("sectors.csv").encode("utf-8")},
        [],
        [exp("byte-order-mark", "sectors.csv", 1)],
    ),
    "mixed-newlines": (
        "one CRLF line among LF lines",
        sub("tariff_event_products.csv", "Synthetic product one\n", "Synthetic product one\r\n"),
        [],
        [exp("mixed-newlines", "tariff_event_products.csv", 2)],
    ),
    # --- structure ---
    "header-missing-column": (
        "the header lacks a column",
        {"policy_sectors.csv": b"policy_id,sector_id\nCHN-2099-TEST-PLAN,MIC2025-TEST-A\n"},
        [],
        [exp("header", "policy_sectors.csv", 1)],
    ),
    "header-order": (
        "two columns swapped",
        {"policy_sectors.csv": b"sector_id,policy_id,notes\nMIC2025-TEST-A,CHN-2099-TEST-PLAN,\n"},
        [],
        [exp("header", "policy_sectors.csv", 1)],
    ),
    "header-extra-column": (
        "an extra column",
        {"policy_sectors.csv": b"policy_id,sector_id,notes,extra\nCHN-2099-TEST-PLAN,MIC2025-TEST-A,,\n"},
        [],
        [exp("header", "policy_sectors.csv", 1)],
    ),
    "duplicate-label": (
        "a column named twice",
        {"policy_sectors.csv": b"policy_id,sector_id,notes,notes\nCHN-2099-TEST-PLAN,MIC2025-TEST-A,,\n"},
        [],
        [exp("duplicate-label", "policy_sectors.csv", 1)],
    ),
    "blank-row": (
        "an empty line between records",
        sub("tariff_event_products.csv", "Synthetic product one\n", "Synthetic product one\n\n"),
        [],
        [exp("blank-row", "tariff_event_products.csv", 3)],
    ),
    "blank-row-separators": (
        "a row of empty cells",
        sub("tariff_event_products.csv", "Synthetic product one\n", "Synthetic product one\n,,,\n"),
        [],
        [exp("blank-row", "tariff_event_products.csv", 3)],
    ),
    "extra-cell": (
        "an unquoted comma",
        {
            "policy_sectors.csv": b"policy_id,sector_id,notes\n"
            b"CHN-2099-TEST-PLAN,MIC2025-TEST-A,core, named first\n"
        },
        [],
        [exp("extra-cell", "policy_sectors.csv", 2)],
    ),
    "missing-cell": (
        "a row one cell short",
        sub(
            "tariff_event_products.csv",
            "USA-CHN-2099-TEST-A,850120,HS2022,\n",
            "USA-CHN-2099-TEST-A,850120,HS2022\n",
        ),
        [],
        [exp("missing-cell", "tariff_event_products.csv", 3, "description")],
    ),
    "unclosed-quote": (
        "a quote that is never closed",
        sub("policy_sectors.csv", "MIC2025-TEST-A,", 'MIC2025-TEST-A,"named first\n'),
        [],
        [exp("unclosed-quote", "policy_sectors.csv", 2)],
    ),
    # --- types ---
    "type-error-date": (
        "a date that does not exist",
        sub("policies.csv", "2099-01-05", "2099-02-30"),
        [],
        [exp("type-error", "policies.csv", 2, "published_date")],
    ),
    "type-error-date-format": (
        "a date written day first",
        sub("sources.csv", "2099-02-03", "03/02/2099"),
        [],
        [exp("type-error", "sources.csv", 3, "published_date")],
    ),
    "type-error-number": (
        "a rate written with a percent sign",
        sub(EVENTS, "false,10,all-goods", "false,10%,all-goods"),
        [],
        [exp("type-error", EVENTS, E_C, "rate_pct")],
    ),
    "type-error-integer": (
        "a fractional count",
        sub(EVENTS, "Synthetic products,2,1.5", "Synthetic products,2.5,1.5"),
        [],
        [exp("type-error", EVENTS, E_A, "tariff_lines")],
    ),
    "type-error-boolean": (
        "yes instead of true",
        sub("sources.csv", "en,legal,,true", "en,legal,,yes"),
        [],
        [exp("type-error", "sources.csv", 2, "checked")],
    ),
    # --- values ---
    "missing-value": (
        "a required title left empty",
        sub("policies.csv", "Synthetic test plan", ""),
        [],
        [exp("missing-value", "policies.csv", 2, "title_en")],
    ),
    "pattern-url": (
        "an address that is not http(s)",
        sub("sources.csv", "https://example.org/test/notice-a", "ftp://example.org/test/notice-a"),
        [],
        [exp("pattern", "sources.csv", 2, "url")],
    ),
    "pattern-fr-citation": (
        "a Federal Register citation without spaces",
        sub(EVENTS, "Test statute,impose,stacks,,,,,", "Test statute,impose,stacks,,,,83FR28710,"),
        [],
        [exp("pattern", EVENTS, E_A, "fr_citation")],
    ),
    "pattern-hs-code": (
        "an HS code with a dot",
        merge(
            sub("tariff_event_products.csv", "85011000", "8501.10"),
            sub(CITES, "USA-CHN-2099-TEST-A|85011000", "USA-CHN-2099-TEST-A|8501.10"),
        ),
        [],
        [exp("pattern", "tariff_event_products.csv", 2, "hs_code")],
    ),
    "whitespace-id": (
        "a trailing space after an event id",
        sub(EVENTS, "CHN-USA-2099-TEST-C,", "CHN-USA-2099-TEST-C ,"),
        [],
        [exp("whitespace", EVENTS, E_C, "event_id")],
    ),
    "whitespace-text": (
        "a leading space in a title",
        sub(EVENTS, "Synthetic tariff A", " Synthetic tariff A"),
        [],
        [exp("whitespace", EVENTS, E_A, "title")],
    ),
    "whitespace-nbsp": (
        "a no-break space at the end of a name",
        sub("sectors.csv", "Synthetic sector A,", "Synthetic sector A\u00a0,"),
        [],
        [exp("whitespace", "sectors.csv", 2, "name_en")],
    ),
    "whitespace-enum": (
        "a trailing space after a status",
        sub(EVENTS, "in-force,,,\nCHN", "in-force ,,,\nCHN"),
        [],
        [exp("whitespace", EVENTS, E_B, "status")],
    ),
    "look-alike-cyrillic": (
        "a Cyrillic A in a jurisdiction code",
        sub(EVENTS, "CHN-USA-2099-TEST-C,CHN,USA", "CHN-USA-2099-TEST-C,CHN,US\u0410"),
        [],
        [exp("look-alike", EVENTS, E_C, "target")],
    ),
    "look-alike-dash": (
        "an en dash in an event id",
        sub(EVENTS, "USA-CHN-2099-TEST-B,USA", "USA\u2013CHN-2099-TEST-B,USA"),
        [],
        [exp("look-alike", EVENTS, E_B, "event_id")],
    ),
    "look-alike-fullwidth": (
        "full-width digits in an HS code",
        sub("tariff_event_products.csv", "850120", "\uff18\uff15\uff10\uff11\uff12\uff10"),
        [],
        [exp("look-alike", "tariff_event_products.csv", 3, "hs_code")],
    ),
    "look-alike-zero-width": (
        "a zero-width space inside a sector id",
        sub("sector_codes.csv", "MIC2025-TEST-A,", "MIC2025-TEST-A\u200b,"),
        [],
        [exp("look-alike", "sector_codes.csv", 2, "sector_id")],
    ),
    "enum": (
        "an authority outside the closed list",
        sub(EVENTS, "Synthetic tariff B,us-section-301", "Synthetic tariff B,section-301"),
        [],
        [exp("enum", EVENTS, E_B, "authority")],
    ),
    "enum-jurisdiction": (
        "a jurisdiction code that does not exist",
        sub("policies.csv", "CHN-2099-TEST-PLAN,CHN,", "CHN-2099-TEST-PLAN,XXX,"),
        [],
        [exp("enum", "policies.csv", 2, "jurisdiction")],
    ),
    "out-of-range-rate": (
        "a rate above 1000 percent",
        sub(EVENTS, "false,10,all-goods", "false,1001,all-goods"),
        [],
        [exp("out-of-range", EVENTS, E_C, "rate_pct")],
    ),
    "out-of-range-negative": (
        "a negative trade value",
        sub(EVENTS, "Synthetic products,2,1.5", "Synthetic products,2,-1.5"),
        [],
        [exp("out-of-range", EVENTS, E_A, "trade_value_usd_bn")],
    ),
    # --- rows ---
    "duplicate-key": (
        "a sector id used twice",
        {"sectors.csv": (text("sectors.csv") + "MIC2025-TEST-A,MIC2025,,Synthetic sector A2,,,,\n").encode()},
        [],
        [exp("duplicate-key", "sectors.csv", 5, "sector_id")],
    ),
    "duplicate-key-composite": (
        "a crosswalk row entered twice",
        {"sector_codes.csv": (text("sector_codes.csv") + "MIC2025-TEST-A,HS2022,8501,close,\n").encode()},
        [],
        [exp("duplicate-key", "sector_codes.csv", 4, "sector_id")],
    ),
    "date-order": (
        "a policy that expires before it takes effect",
        sub("policies.csv", "2099-01-10,,in-force", "2099-01-10,2099-01-05,in-force"),
        [],
        [exp("date-order", "policies.csv", 2, "effective_date")],
    ),
    "date-order-event": (
        "an event that ends before it starts",
        sub(EVENTS, "2099-02-15,,false", "2099-02-15,2099-02-01,false"),
        [],
        [],  # filled in below: ending needs a status that allows an end date
    ),
    "same-value": (
        "an event imposed by a jurisdiction on itself",
        add_event_d(
            EVENT_D.replace("CHN,USA,Synthetic countermeasure D", "CHN,CHN,Synthetic countermeasure D")
        ),
        [],
        [exp("same-value", EVENTS, 5, "imposing")],
    ),
    "required-value": (
        "a replacing event that names no event it replaces",
        sub(EVENTS, "replaces,USA-CHN-2099-TEST-A,", "replaces,,"),
        [],
        [exp("required-value", EVENTS, E_B, "amends_event_id")],
    ),
    "unexpected-value": (
        "an end date on an event in force",
        sub(EVENTS, "2099-02-15,,false", "2099-02-15,2099-12-01,false"),
        [],
        [exp("unexpected-value", EVENTS, E_C, "end_date")],
    ),
    "code-format-hs": (
        "a five-digit HS code in the crosswalk",
        merge(
            sub("sector_codes.csv", "HS2022,8501,", "HS2022,85011,"),
            sub(CITES, "HS2022|8501,", "HS2022|85011,"),
        ),
        [],
        [exp("code-format", "sector_codes.csv", 2, "code")],
    ),
    "code-format-isic": (
        "a five-digit ISIC code in the crosswalk",
        merge(
            sub("sector_codes.csv", "ISIC4,2710,", "ISIC4,27101,"), sub(CITES, "ISIC4|2710,", "ISIC4|27101,")
        ),
        [],
        [exp("code-format", "sector_codes.csv", 3, "code")],
    ),
    "likely-duplicate": (
        "the same event entered twice under two ids (a warning)",
        add_event_d(
            EVENT_D.replace("2099-03-01,,,2099-03-15", "2099-01-15,,,2099-02-15")
            .replace("false,5,all-goods", "false,10,all-goods")
            .replace("Other synthetic goods", "All synthetic goods")
            .replace("{responds}", "USA-CHN-2099-TEST-A")
        ),
        [],
        [exp("likely-duplicate", EVENTS, 5, "event_id")],
    ),
    # --- across tables ---
    "foreign-key": (
        "a policy linked to a sector that does not exist",
        merge(
            sub("policy_sectors.csv", "MIC2025-TEST-A", "MIC2025-TEST-Z"),
            sub(CITES, "CHN-2099-TEST-PLAN|MIC2025-TEST-A", "CHN-2099-TEST-PLAN|MIC2025-TEST-Z"),
        ),
        [],
        [exp("foreign-key", "policy_sectors.csv", 2, "sector_id")],
    ),
    "foreign-key-parent": (
        "a parent sector that does not exist",
        sub("sectors.csv", "MIC2025,MIC2025-TEST-A,", "MIC2025,MIC2025-TEST-Q,"),
        [],
        [exp("foreign-key", "sectors.csv", 3, "parent_id")],
    ),
    "foreign-key-source": (
        "a citation of a source that does not exist",
        sub(CITES, "USA-CHN-2099-TEST-B,test-2099-notice-a", "USA-CHN-2099-TEST-B,test-2099-notice-z"),
        [],
        [exp("foreign-key", CITES, 9, "source_id")],
    ),
    "foreign-key-cited-record": (
        "a citation of a record that does not exist",
        {CITES: (text(CITES) + "tariff_events,USA-CHN-2099-TEST-Z,test-2099-notice-a,,\n").encode()},
        [],
        [exp("foreign-key", CITES, 13, "record_id")],
    ),
    "missing-citation": (
        "an event that cites no source",
        sub(CITES, "tariff_events,CHN-USA-2099-TEST-C,test-2099-notice-b,,\n", ""),
        [],
        [exp("missing-citation", EVENTS, E_C, "event_id")],
    ),
    "link-direction": (
        "a response to an event of the same side",
        add_event_d(responds="CHN-USA-2099-TEST-C"),
        [],
        [exp("link-direction", EVENTS, 5, "responds_to_event_id")],
    ),
    "link-order": (
        "a response to a later event",
        sub(EVENTS, "stacks,,USA-CHN-2099-TEST-A", "stacks,,USA-CHN-2099-TEST-B"),
        [],
        [exp("link-order", EVENTS, E_C, "responds_to_event_id")],
    ),
    "replace-gap": (
        "a replaced event that ends on another day",
        sub(EVENTS, "2099-02-01,2099-06-01,false", "2099-02-01,2099-05-15,false"),
        [],
        [exp("replace-gap", EVENTS, E_B, "amends_event_id")],
    ),
    "multiline-cell-lines": (
        "a problem after a cell that spans two lines (line numbers stay exact)",
        merge(
            {
                "sectors.csv": (
                    text("sectors.csv") + "MIC2025-TEST-C,MIC2025,,Synthetic sector C ,,,,\n"
                ).encode()
            },
            {CITES: (text(CITES) + "sectors,MIC2025-TEST-C,test-2099-notice-b,,\n").encode()},
        ),
        [],
        [exp("whitespace", "sectors.csv", 5, "name_en")],
    ),
}


# --- found by a new contributor (issue 15): each is one kind of problem ---------------------------


def _sources_with_many_rows(line6: str, line38: str) -> bytes:
    """sources.csv with 40 records: line 6 and line 38 as given, synthetic sources elsewhere."""
    rows = [text("sources.csv").rstrip("\n")]
    for i in range(4, 41):  # lines 1 to 3 are the header and the two valid sources
        if i == 6:
            rows.append(line6)
        elif i == 38:
            rows.append(line38)
        else:
            rows.append(
                f"test-2099-extra-{i},Synthetic extra {i},Test Publisher,https://example.org/x/{i},,en,legal,,true"
            )
    return ("\n".join(rows) + "\n").encode("utf-8")


def _junk(name: str, lines: int) -> dict[str, bytes]:
    header = text(name).splitlines()[0]
    junk = "".join(f"junk line {i} without separators\n" for i in range(lines))
    return {name: (header + "\n" + junk).encode("utf-8")}


NEW_CASES: dict[str, tuple[str, dict[str, bytes], list[str], list[dict[str, object]]]] = {
    # files and encodings
    "encoding-utf16": (
        "a file saved as UTF-16 (a spreadsheet's 'Unicode text')",
        {"sectors.csv": text("sectors.csv").encode("utf-16")},
        [],
        [exp("encoding", "sectors.csv", 1)],
    ),
    "encoding-cut-sequence": (
        "a multi-byte character cut in half",
        {
            "sectors.csv": text("sectors.csv")
            .encode("utf-8")
            .replace("测试甲".encode(), "测试甲".encode()[:-1])
        },
        [],
        [exp("encoding", "sectors.csv", 2)],
    ),
    "empty-file-blank-lines": (
        "a file of empty lines",
        {"policy_sectors.csv": b"\n\n\n"},
        [],
        [exp("empty-file", "policy_sectors.csv", 1)],
    ),
    "mixed-newlines-cr": (
        "one line ended by a lone carriage return",
        sub("tariff_event_products.csv", "Synthetic product one\n", "Synthetic product one\r"),
        [],
        [exp("mixed-newlines", "tariff_event_products.csv", 2)],
    ),
    # control characters and spreadsheet formulas
    "control-character-nul": (
        "a NUL byte inside a title",
        sub(EVENTS, "Synthetic tariff B", "Synthetic\x00tariff B"),
        [],
        [exp("control-character", EVENTS, E_B, "title")],
    ),
    "control-character-escape": (
        "a terminal escape sequence pasted into a name",
        sub("sectors.csv", "Synthetic sector A,", "Synthetic \x1b[31msector A,"),
        [],
        [exp("control-character", "sectors.csv", 2, "name_en")],
    ),
    "control-character-c1": (
        "a C1 control character (mojibake of a Windows quote)",
        sub("sources.csv", "Synthetic notice A", "Synthetic \x93notice\x94 A"),
        [],
        [exp("control-character", "sources.csv", 2, "title")],
    ),
    "control-character-in-id": (
        "a backspace inside an event id",
        sub(EVENTS, "CHN-USA-2099-TEST-C,", "CHN-USA-2099-TEST\x08-C,"),
        [],
        [exp("control-character", EVENTS, E_C, "event_id")],
    ),
    "formula-hyperlink": (
        "a cell that a spreadsheet runs as a formula (a warning)",
        sub(EVENTS, "Synthetic tariff A,", '"=HYPERLINK(""https://example.org"",""A"")",'),
        [],
        [exp("formula", EVENTS, E_A, "title")],
    ),
    "formula-dde": (
        "a dynamic data exchange payload in notes (a warning)",
        sub(EVENTS, "in-force,,,\nCHN", "in-force,,\"+cmd|' /C calc'!A0\",\nCHN"),
        [],
        [exp("formula", EVENTS, E_B, "notes")],
    ),
    "formula-at": (
        "a cell starting with @ and a function (a warning)",
        sub(
            "sectors.csv",
            "MIC2025-TEST-A,MIC2025,,Synthetic sector A,测试甲,,",
            "MIC2025-TEST-A,MIC2025,,Synthetic sector A,测试甲,,@SUM(A1:A9)",
        ),
        [],
        [exp("formula", "sectors.csv", 2, "description")],
    ),
    "formula-minus": (
        "a cell starting with - and a function (a warning)",
        sub("policy_sectors.csv", "MIC2025-TEST-A,", "MIC2025-TEST-A,-HYPERLINK(1)"),
        [],
        [exp("formula", "policy_sectors.csv", 2, "notes")],
    ),
    # quotes
    "unclosed-quote-far": (
        "a closing quote missing on line 6 of 40 (reported there, not where the reader noticed)",
        {
            "sources.csv": _sources_with_many_rows(
                'test-2099-extra-6,"Synthetic extra 6, unclosed,Test Publisher,https://example.org/x/6,,en,legal,,true',
                'test-2099-extra-38,"Synthetic extra 38, quoted",Test Publisher,https://example.org/x/38,,en,legal,,true',
            )
        },
        [],
        [exp("unclosed-quote", "sources.csv", 6)],
    ),
    "stray-quote": (
        "a quote inside a value that is not quoted",
        sub("tariff_event_products.csv", "Synthetic product one", 'Synthetic 12" product'),
        [],
        [exp("stray-quote", "tariff_event_products.csv", 2)],
    ),
    "stray-quote-after-closing": (
        "text after a closing quote",
        sub("sectors.csv", "Synthetic sector A,", '"Synthetic" sector A,'),
        [],
        [exp("stray-quote", "sectors.csv", 2)],
    ),
    "stray-quote-undoubled": (
        "a quote inside a quoted value, not doubled",
        sub(
            "policies.csv",
            '"A synthetic policy used only by the tests, with a comma."',
            '"A synthetic "test" policy."',
        ),
        [],
        [exp("stray-quote", "policies.csv", 2)],
    ),
    "stray-quote-splits-the-row": (
        "an undoubled quote that also splits the value at its comma: one problem",
        sub(
            "policies.csv",
            '"A synthetic policy used only by the tests, with a comma."',
            '"A synthetic "test" policy, with a comma."',
        ),
        [],
        [exp("stray-quote", "policies.csv", 2)],
    ),
    # header
    "delimiter-semicolon": (
        "a file separated by semicolons",
        {"policy_sectors.csv": text("policy_sectors.csv").replace(",", ";").encode()},
        [],
        [exp("delimiter", "policy_sectors.csv", 1)],
    ),
    "delimiter-tab": (
        "a file separated by tabs",
        {"sector_codes.csv": text("sector_codes.csv").replace(",", "\t").encode()},
        [],
        [exp("delimiter", "sector_codes.csv", 1)],
    ),
    "header-renamed-column": (
        "a column name misspelt (the rows are still checked)",
        {"policy_sectors.csv": text("policy_sectors.csv").replace("sector_id", "sector_Id", 1).encode()},
        [],
        [exp("header", "policy_sectors.csv", 1)],
    ),
    "header-missing-required-column": (
        "a required column missing: one problem, not one per row",
        {
            EVENTS: "\n".join(
                ",".join(cells[:-4] + cells[-3:])
                for cells in (line.split(",") for line in text(EVENTS).splitlines())
            ).encode()
            + b"\n"
        },
        [],
        [exp("header", EVENTS, 1)],
    ),
    "header-absent": (
        "a file without a header row (the first record is read as one)",
        {"sector_codes.csv": "".join(text("sector_codes.csv").splitlines(keepends=True)[1:]).encode()},
        [],
        [exp("header", "sector_codes.csv", 1)],
    ),
    "header-of-another-table": (
        "the sectors file saved as policy_sectors.csv",
        {"policy_sectors.csv": text("sectors.csv").encode()},
        [],
        [exp("header", "policy_sectors.csv", 1)],
    ),
    "duplicate-label-three": (
        "a column named three times",
        {
            "policy_sectors.csv": b"policy_id,sector_id,notes,notes,notes\n"
            b"CHN-2099-TEST-PLAN,MIC2025-TEST-A,,,\n"
        },
        [],
        [exp("duplicate-label", "policy_sectors.csv", 1), exp("duplicate-label", "policy_sectors.csv", 1)],
    ),
    # records
    "missing-cell-many": (
        "a row with one cell of thirty: one problem, not twenty-nine",
        {EVENTS: (text(EVENTS) + "CHN-USA-2099-TEST-D\n").encode()},
        [],
        [exp("missing-cell", EVENTS, 5, "imposing")],
    ),
    "extra-cell-many": (
        "a row with three cells too many: one problem",
        sub("policy_sectors.csv", "MIC2025-TEST-A,\n", "MIC2025-TEST-A,,a,b,c\n"),
        [],
        [exp("extra-cell", "policy_sectors.csv", 2)],
    ),
    "junk-lines": (
        "a table file full of junk lines: given up on, after listing them",
        _junk("sector_codes.csv", 12),
        [],
        [exp("missing-cell", "sector_codes.csv", line, "classification") for line in range(2, 14)],
    ),
    "blank-row-at-end": (
        "a row of separators at the end",
        {"sector_codes.csv": (text("sector_codes.csv") + ",,,,\n").encode()},
        [],
        [exp("blank-row", "sector_codes.csv", 4)],
    ),
    # cells
    "type-error-boolean-capital": (
        "True instead of true",
        sub("sources.csv", "en,legal,,true", "en,legal,,True"),
        [],
        [exp("type-error", "sources.csv", 2, "checked")],
    ),
    "type-error-number-decimal-comma": (
        "a decimal comma in a quoted number",
        sub(EVENTS, "Synthetic products,2,1.5", 'Synthetic products,2,"1,5"'),
        [],
        [exp("type-error", EVENTS, E_A, "trade_value_usd_bn")],
    ),
    "type-error-date-with-time": (
        "a date with a time",
        sub("policies.csv", "2099-01-05", "2099-01-05T10:00"),
        [],
        [exp("type-error", "policies.csv", 2, "published_date")],
    ),
    "type-error-date-leap": (
        "29 February of a year that is not a leap year",
        sub("sources.csv", "2099-02-03", "2099-02-29"),
        [],
        [exp("type-error", "sources.csv", 3, "published_date")],
    ),
    "out-of-range-count": (
        "a negative count of tariff lines",
        sub(EVENTS, "Synthetic products,2,1.5", "Synthetic products,-2,1.5"),
        [],
        [exp("out-of-range", EVENTS, E_A, "tariff_lines")],
    ),
    "pattern-lowercase-id": (
        "an event id in lower case",
        merge(
            sub(EVENTS, "CHN-USA-2099-TEST-C,CHN", "chn-usa-2099-test-c,CHN"),
            sub(CITES, "tariff_events,CHN-USA-2099-TEST-C,", "tariff_events,chn-usa-2099-test-c,"),
        ),
        [],
        [exp("pattern", EVENTS, E_C, "event_id")],
    ),
    "enum-capitalised": (
        "a status with a capital letter",
        sub(EVENTS, "in-force,,,\nCHN", "In-force,,,\nCHN"),
        [],
        [exp("enum", EVENTS, E_B, "status")],
    ),
    "whitespace-tab": (
        "a tab after a publisher",
        sub(
            "sources.csv",
            "Test Publisher,https://example.org/test/notice-a",
            "Test Publisher\t,https://example.org/test/notice-a",
        ),
        [],
        [exp("whitespace", "sources.csv", 2, "publisher")],
    ),
    "look-alike-greek": (
        "a Greek capital omicron in a jurisdiction code",
        sub("policies.csv", "CHN-2099-TEST-PLAN,CHN,", "CHN-2099-TEST-PLAN,CH\u039d,"),
        [],
        [exp("look-alike", "policies.csv", 2, "jurisdiction")],
    ),
    # rows and keys
    "duplicate-key-three": (
        "a sector id used three times: two repeats",
        {
            "sectors.csv": (
                text("sectors.csv")
                + "MIC2025-TEST-A,MIC2025,,Synthetic sector A2,,,,\n"
                + "MIC2025-TEST-A,MIC2025,,Synthetic sector A3,,,,\n"
            ).encode()
        },
        [],
        [
            exp("duplicate-key", "sectors.csv", 5, "sector_id"),
            exp("duplicate-key", "sectors.csv", 6, "sector_id"),
        ],
    ),
    "blank-key": (
        "an empty event id that other rows refer to: one problem, at the cause",
        sub(EVENTS, "USA-CHN-2099-TEST-A,USA", ",USA"),
        [],
        [exp("missing-value", EVENTS, E_A, "event_id")],
    ),
    "required-value-end-date": (
        "an ended event without an end date",
        sub(
            EVENTS,
            "2099-02-15,,false,10,all-goods,false,All synthetic goods,,,in-force",
            "2099-02-15,,false,10,all-goods,false,All synthetic goods,,,ended",
        ),
        [],
        [exp("required-value", EVENTS, E_C, "end_date")],
    ),
    "likely-duplicate-sector": (
        "the same sector entered twice under two ids (a warning)",
        merge(
            {
                "sectors.csv": (
                    text("sectors.csv") + "MIC2025-TEST-C,MIC2025,,Synthetic sector A,,,,\n"
                ).encode()
            },
            {CITES: (text(CITES) + "sectors,MIC2025-TEST-C,test-2099-notice-b,,\n").encode()},
        ),
        [],
        [exp("likely-duplicate", "sectors.csv", 5, "sector_id")],
    ),
    # across tables
    "foreign-key-same-value-twice": (
        "two products of an event that does not exist: one problem",
        {
            "tariff_event_products.csv": text("tariff_event_products.csv")
            .replace("USA-CHN-2099-TEST-A", "USA-CHN-2099-TEST-Z")
            .encode(),
            CITES: text(CITES).replace("USA-CHN-2099-TEST-A|", "USA-CHN-2099-TEST-Z|").encode(),
        },
        [],
        [exp("foreign-key", "tariff_event_products.csv", 2, "event_id")],
    ),
    "foreign-key-responds": (
        "a response to an event that does not exist",
        sub(EVENTS, "stacks,,USA-CHN-2099-TEST-A", "stacks,,USA-CHN-2099-TEST-Q"),
        [],
        [exp("foreign-key", EVENTS, E_C, "responds_to_event_id")],
    ),
    "header-only-parent": (
        "products cited, but the products file has only its header: one problem",
        {"tariff_event_products.csv": (text("tariff_event_products.csv").splitlines()[0] + "\n").encode()},
        [],
        [exp("foreign-key", CITES, 11, "record_id")],
    ),
    "header-only-citations": (
        "a citations file with only its header: one problem per table, not per record",
        {CITES: (text(CITES).splitlines()[0] + "\n").encode()},
        [],
        [
            exp("missing-citation", "policies.csv", 2, "policy_id"),
            exp("missing-citation", "policy_sectors.csv", 2, "policy_id"),
            exp("missing-citation", "sector_codes.csv", 2, "sector_id"),
            exp("missing-citation", "sectors.csv", 2, "sector_id"),
            exp("missing-citation", "tariff_event_products.csv", 2, "event_id"),
            exp("missing-citation", EVENTS, 2, "event_id"),
        ],
    ),
    "missing-citation-product": (
        "a product that cites no source",
        sub(CITES, "tariff_event_products,USA-CHN-2099-TEST-A|850120,test-2099-notice-a,Annex,\n", ""),
        [],
        [exp("missing-citation", "tariff_event_products.csv", 3, "event_id")],
    ),
    "one-table": (
        "one table file on its own: valid, but its references and citations are not checked",
        {},
        [],
        [],
    ),
}
CASES.update(NEW_CASES)

#: cases validated as loose files rather than as the folder, and the checks each must say it skipped
OPTIONS: dict[str, dict[str, object]] = {
    "one-table": {
        "paths": ["policy_sectors.csv"],
        "skipped": [
            ["citations", None],
            ["foreign-key", "policy_sectors"],
            ["foreign-key", "policy_sectors"],
        ],
    },
    "junk-lines": {"skipped": [["rows", "sector_codes"], ["citations", "sector_codes"]]},
    "delimiter-semicolon": {"skipped": [["rows", "policy_sectors"], ["citations", "policy_sectors"]]},
    "unclosed-quote-far": {
        "skipped": [
            ["rows", "sources"],
            *[
                ["foreign-key", t]
                for t in (
                    "citations",
                    "nomenclature_editions",
                    "product_list_counts",
                    "product_list_lines",
                    "product_lists",
                    "tariff_event_lists",
                )
            ],
        ]
    },
    "header-absent": {"skipped": [["rows", "sector_codes"], ["citations", "sector_codes"]]},
}

# codes that their nomenclature edition does not have
CASES["code-not-in-edition"] = (
    "a listed code that the encoded edition it names does not have",
    sub("product_list_lines.csv", "USA-TEST-A,85011000,HTS-2099", "USA-TEST-A,85013000,HTS-2099"),
    [],
    [exp("code-not-in-edition", "product_list_lines.csv", 2, "code")],
)
CASES["code-not-in-edition-hs-basis"] = (
    "a listed code of an unencoded edition whose HS subheading does not exist in its HS basis",
    sub("product_list_lines.csv", "USA-TEST-A,85012000,HTS-2098", "USA-TEST-A,85019900,HTS-2098"),
    [],
    [exp("code-not-in-edition", "product_list_lines.csv", 3, "code")],
)
CASES["code-not-in-edition-sector"] = (
    "a sector mapped to an HS 2022 heading that has no subheading",
    merge(
        sub("sector_codes.csv", "MIC2025-TEST-A,HS2022,8501,", "MIC2025-TEST-A,HS2022,8599,"),
        sub(CITES, "HS2022|8501,", "HS2022|8599,"),
    ),
    [],
    [exp("code-not-in-edition", "sector_codes.csv", 2, "code")],
)
CASES["missing-citation-source-id"] = (
    "a product list line whose own source is missing (it cites itself through source_id)",
    sub(
        "product_list_lines.csv",
        "2099-02-01,,whole-line,Synthetic motors,1,test-2099-notice-a,",
        "2099-02-01,,whole-line,Synthetic motors,1,,",
    ),
    [],
    [exp("missing-value", "product_list_lines.csv", 2, "source_id")],
)

# an event that ended (so it may have an end date) before it started
CASES["date-order-event"] = (
    "an event that ends before it starts",
    sub(
        EVENTS,
        "2099-02-15,,false,10,all-goods,false,All synthetic goods,,,in-force",
        "2099-02-15,2099-02-01,false,10,all-goods,false,All synthetic goods,,,ended",
    ),
    [],
    [exp("date-order", EVENTS, E_C, "effective_date")],
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=BAD, help="where to write the cases")
    out = parser.parse_args().out
    if out.exists():
        shutil.rmtree(out)
    for name, (description, files, delete, expected) in CASES.items():
        folder = out / name
        folder.mkdir(parents=True)
        for file, body in files.items():
            (folder / file).write_bytes(body)
        case = {"description": description, "delete": delete, "expected": expected, **OPTIONS.get(name, {})}
        (folder / "case.json").write_text(json.dumps(case, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {len(CASES)} cases to {out}")


if __name__ == "__main__":
    main()
