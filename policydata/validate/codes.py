"""The stable codes of validation problems, each with a title and what to do about it.

Codes never change meaning; new ones may be added. Match on codes, never on message wording. The
checks emit problems through these constants (``codes.BLANK_ROW``), never through bare strings, so
that a test can see, without running anything, that every code is reachable.

Examples
--------
>>> CODES["foreign-key"].title
'Reference to a missing record'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Code:
    """A kind of problem."""

    code: str
    title: str
    fix: str
    scope: str


# --- files ----------------------------------------------------------------------------------------

MISSING_TABLE: Final = Code(
    "missing-table", "Table file missing", "Add the file, with at least its header row.", "file"
)
UNKNOWN_TABLE: Final = Code(
    "unknown-table", "File is not a table", "Rename it to <table>.csv or move it away.", "file"
)
AMBIGUOUS_TABLE: Final = Code("ambiguous-table", "Table given twice", "Keep one file per table.", "file")
UNREADABLE: Final = Code(
    "unreadable", "File cannot be read", "Check the file is a complete CSV or Parquet file.", "file"
)
EMPTY_FILE: Final = Code("empty-file", "Empty file", "Add the header row.", "file")
ENCODING: Final = Code("encoding", "Not UTF-8", "Save the file as UTF-8.", "file")
BYTE_ORDER_MARK: Final = Code("byte-order-mark", "Byte-order mark", "Save as UTF-8 without BOM.", "file")
MIXED_NEWLINES: Final = Code(
    "mixed-newlines", "Mixed line endings", "Use one line ending (LF) throughout.", "file"
)

# --- structure ------------------------------------------------------------------------------------

HEADER: Final = Code(
    "header", "Header differs from the schema", "Make the header the schema's fields, in order.", "file"
)
DELIMITER: Final = Code(
    "delimiter",
    "Values not separated by commas",
    "Save the file as comma-separated values (CSV), not with semicolons or tabs.",
    "file",
)
DUPLICATE_LABEL: Final = Code(
    "duplicate-label", "Column named twice", "Give each column its own name.", "file"
)
UNCLOSED_QUOTE: Final = Code(
    "unclosed-quote", "Quote never closed", "Close the quote; double quotes inside values.", "file"
)
STRAY_QUOTE: Final = Code(
    "stray-quote",
    "Quote inside a value that is not quoted",
    'Quote the whole value and write each quote in it twice ("12"" pipe").',
    "row",
)
BLANK_ROW: Final = Code("blank-row", "Blank row", "Delete the row.", "row")
EXTRA_CELL: Final = Code(
    "extra-cell", "Extra cell", "Quote values that contain commas; remove extra separators.", "row"
)
MISSING_CELL: Final = Code(
    "missing-cell", "Missing cell", "Add the missing separators (an empty cell is ',,').", "row"
)

# --- cells ----------------------------------------------------------------------------------------

TYPE_ERROR: Final = Code(
    "type-error", "Wrong type", "Write the value in the field's type (ISO dates, plain numbers).", "cell"
)
MISSING_VALUE: Final = Code("missing-value", "Required value missing", "Fill in the value.", "cell")
CONTROL_CHARACTER: Final = Code(
    "control-character",
    "Control character in a value (NUL, escape, ...)",
    "Delete the character; retype the value if it was pasted.",
    "cell",
)
WHITESPACE: Final = Code(
    "whitespace", "Stray white space", "Remove spaces at the start or end of the value.", "cell"
)
LOOK_ALIKE: Final = Code("look-alike", "Unicode look-alike", "Retype the value in plain ASCII.", "cell")
PATTERN: Final = Code(
    "pattern", "Value does not match the pattern", "Write the value in the documented form.", "cell"
)
ENUM: Final = Code("enum", "Value not in the closed list", "Use one of the allowed values.", "cell")
OUT_OF_RANGE: Final = Code("out-of-range", "Value out of range", "Check the value and its unit.", "cell")
FORMULA: Final = Code(
    "formula",
    "Value that a spreadsheet runs as a formula (=, +, -, @ and a function)",
    "Reword the value so that it does not start with = + - @, or remove the formula.",
    "cell",
)

# --- rows and tables ------------------------------------------------------------------------------

DUPLICATE_KEY: Final = Code(
    "duplicate-key", "Duplicate key", "Give each record its own key, or merge the two.", "row"
)
DATE_ORDER: Final = Code("date-order", "Dates out of order", "Check both dates against the source.", "row")
SAME_VALUE: Final = Code("same-value", "Fields that must differ are equal", "Check both values.", "row")
REQUIRED_VALUE: Final = Code(
    "required-value", "Value required by another field", "Fill it in, or change the other.", "row"
)
UNEXPECTED_VALUE: Final = Code(
    "unexpected-value", "Value not allowed by another field", "Empty it, or change the other.", "row"
)
CODE_FORMAT: Final = Code(
    "code-format", "Code malformed for its classification", "Write the code as the scheme does.", "row"
)
RULE: Final = Code("rule", "Row rule broken", "Check the row against the rule.", "row")
LIKELY_DUPLICATE: Final = Code(
    "likely-duplicate", "Same record entered twice", "Delete one record, or record what differs.", "row"
)

# --- across tables --------------------------------------------------------------------------------

FOREIGN_KEY: Final = Code(
    "foreign-key", "Reference to a missing record", "Add the record first, or correct the id.", "row"
)
MISSING_CITATION: Final = Code(
    "missing-citation", "Record cites no source", "Add a row to citations.csv.", "row"
)
LINK_DIRECTION: Final = Code(
    "link-direction", "Link to an event of the wrong direction", "Check which event is meant.", "row"
)
LINK_ORDER: Final = Code(
    "link-order", "Link to a later event", "A link must point at an earlier event.", "row"
)
REPLACE_GAP: Final = Code(
    "replace-gap", "Replaced event ends on another day", "Set the replaced event's end_date.", "row"
)
CODE_NOT_IN_EDITION: Final = Code(
    "code-not-in-edition",
    "Code not in its nomenclature edition",
    "Write the code as the edition publishes it, or name the edition it comes from.",
    "row",
)

_ALL: Final = (
    MISSING_TABLE,
    UNKNOWN_TABLE,
    AMBIGUOUS_TABLE,
    UNREADABLE,
    EMPTY_FILE,
    ENCODING,
    BYTE_ORDER_MARK,
    MIXED_NEWLINES,
    HEADER,
    DELIMITER,
    DUPLICATE_LABEL,
    UNCLOSED_QUOTE,
    STRAY_QUOTE,
    BLANK_ROW,
    EXTRA_CELL,
    MISSING_CELL,
    TYPE_ERROR,
    MISSING_VALUE,
    CONTROL_CHARACTER,
    WHITESPACE,
    LOOK_ALIKE,
    PATTERN,
    ENUM,
    OUT_OF_RANGE,
    FORMULA,
    DUPLICATE_KEY,
    DATE_ORDER,
    SAME_VALUE,
    REQUIRED_VALUE,
    UNEXPECTED_VALUE,
    CODE_FORMAT,
    RULE,
    LIKELY_DUPLICATE,
    FOREIGN_KEY,
    MISSING_CITATION,
    LINK_DIRECTION,
    LINK_ORDER,
    REPLACE_GAP,
    CODE_NOT_IN_EDITION,
)

#: Every code, by name.
CODES: Final = {c.code: c for c in _ALL}

#: Codes about one cell's value; at most one of them is reported per cell, the first in this order.
CELL_CODES: Final = (
    TYPE_ERROR,
    MISSING_VALUE,
    CONTROL_CHARACTER,
    WHITESPACE,
    LOOK_ALIKE,
    PATTERN,
    ENUM,
    OUT_OF_RANGE,
    FORMULA,
)

#: Codes reported as warnings: the data may be right, but a person should look. A warning about a
#: cell never hides another problem of its row.
WARNINGS: Final = frozenset({LIKELY_DUPLICATE, FORMULA})


def of_rule(code: str) -> Code:
    """The code a row rule reports (each rule names its own; see :mod:`policydata.schemas.rules`)."""
    return CODES[code]
