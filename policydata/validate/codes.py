"""The stable codes of validation problems, each with a title and what to do about it.

Codes never change meaning; new ones may be added. Match on codes, never on message wording.

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


_ALL = (
    # files
    Code("missing-table", "Table file missing", "Add the file, with at least its header row.", "file"),
    Code("unknown-table", "File is not a table", "Rename it to <table>.csv or move it away.", "file"),
    Code("ambiguous-table", "Table given twice", "Keep one file per table.", "file"),
    Code("unreadable", "File cannot be read", "Check the file is a complete CSV or Parquet file.", "file"),
    Code("empty-file", "Empty file", "Add the header row.", "file"),
    Code("encoding", "Not UTF-8", "Save the file as UTF-8.", "file"),
    Code("byte-order-mark", "Byte-order mark", "Save as UTF-8 without BOM.", "file"),
    Code("mixed-newlines", "Mixed line endings", "Use one line ending (LF) throughout.", "file"),
    # structure
    Code(
        "header", "Header differs from the schema", "Make the header the schema's fields, in order.", "file"
    ),
    Code("duplicate-label", "Column named twice", "Give each column its own name.", "file"),
    Code("unclosed-quote", "Quote never closed", "Close the quote; double quotes inside values.", "file"),
    Code("blank-row", "Blank row", "Delete the row.", "row"),
    Code("extra-cell", "Extra cell", "Quote values that contain commas; remove extra separators.", "row"),
    Code("missing-cell", "Missing cell", "Add the missing separators (an empty cell is ',,').", "row"),
    # cells
    Code(
        "type-error", "Wrong type", "Write the value in the field's type (ISO dates, plain numbers).", "cell"
    ),
    Code("missing-value", "Required value missing", "Fill in the value.", "cell"),
    Code("whitespace", "Stray white space", "Remove spaces at the start or end of the value.", "cell"),
    Code("look-alike", "Unicode look-alike", "Retype the value in plain ASCII.", "cell"),
    Code("pattern", "Value does not match the pattern", "Write the value in the documented form.", "cell"),
    Code("enum", "Value not in the closed list", "Use one of the allowed values.", "cell"),
    Code("out-of-range", "Value out of range", "Check the value and its unit.", "cell"),
    # rows and tables
    Code("duplicate-key", "Duplicate key", "Give each record its own key, or merge the two.", "row"),
    Code("date-order", "Dates out of order", "Check both dates against the source.", "row"),
    Code("same-value", "Fields that must differ are equal", "Check both values.", "row"),
    Code("required-value", "Value required by another field", "Fill it in, or change the other.", "row"),
    Code("unexpected-value", "Value not allowed by another field", "Empty it, or change the other.", "row"),
    Code("code-format", "Code malformed for its classification", "Write the code as the scheme does.", "row"),
    Code("rule", "Row rule broken", "Check the row against the rule.", "row"),
    Code(
        "likely-duplicate", "Same record entered twice", "Delete one record, or record what differs.", "row"
    ),
    # across tables
    Code("foreign-key", "Reference to a missing record", "Add the record first, or correct the id.", "row"),
    Code("missing-citation", "Record cites no source", "Add a row to citations.csv.", "row"),
    Code("link-direction", "Link to an event of the wrong direction", "Check which event is meant.", "row"),
    Code("link-order", "Link to a later event", "A link must point at an earlier event.", "row"),
    Code("replace-gap", "Replaced event ends on another day", "Set the replaced event's end_date.", "row"),
)

#: Every code, by name.
CODES: Final = {c.code: c for c in _ALL}

#: Codes about one cell's value; at most one of them is reported per cell, the first in this order.
CELL_CODES: Final = (
    "type-error",
    "missing-value",
    "whitespace",
    "look-alike",
    "pattern",
    "enum",
    "out-of-range",
)

#: Codes reported as warnings: the data may be right, but a person should look.
WARNINGS: Final = frozenset({"likely-duplicate"})
