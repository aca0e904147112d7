"""A CSV file as bytes: its encoding, line endings and quotes, checked before any cell is read.

Each check runs in C (``bytes.count``, ``re``, the UTF-8 decoder over slices of the file), so that
a file of hundreds of megabytes is judged in a fraction of a second, and each stops at the first
problem it cannot see past. Nothing here writes to the files it reads.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path

from policydata.validate import codes
from policydata.validate.model import Issue

BOM = b"\xef\xbb\xbf"
_CHUNK = 1 << 20
#: a quoted value: a quote, anything but a lone quote (doubled quotes are literal), a quote
_QUOTED = re.compile(rb'"[^"]*+(?:""[^"]*+)*+"')
#: well-formed text from a quote on: quoted values that start a field (after a separator, a line
#: break or the file's start) and end one, and the text without quotes after each; at most 4096
#: per match, and possessive (no backtracking), so that a long file costs one pass
_WELL_FORMED = re.compile(rb'(?:(?<![^,\r\n])"[^"]*+(?:""[^"]*+)*+"(?=[,\r\n]|\Z)[^"]*+){0,4096}+')
#: the same, for quoted values without a line break (then records and lines are the same)
_FLAT = re.compile(rb'(?:(?<![^,\r\n])"[^"\r\n]*+(?:""[^"\r\n]*+)*+"(?=[,\r\n]|\Z)[^"]*+){0,4096}+')
_LINE_BREAK = re.compile(rb"[\r\n]")


class LineCounter:
    """1-based line of a byte offset; offsets asked in increasing order cost one pass in all."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self.crs = b"\r" in raw
        self.pos = 0
        self.line = 1

    def _breaks(self, start: int, end: int) -> int:
        n = self.raw.count(b"\n", start, end)
        if self.crs:  # a lone CR ends a line too
            n += self.raw.count(b"\r", start, end) - self.raw.count(b"\r\n", start, end)
        return n

    def at(self, pos: int) -> int:
        if pos < self.pos:
            self.pos, self.line = 0, 1
        self.line += self._breaks(self.pos, pos)
        self.pos = pos
        return self.line


def _utf8_error(raw: bytes) -> int | None:
    """Offset of the first byte that is not UTF-8, decoding a slice at a time (bounded memory)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(raw)
    for start in range(0, len(raw), _CHUNK):
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(view[start : start + _CHUNK], final=start + _CHUNK >= len(raw))
        except UnicodeDecodeError as exc:
            return max(start - pending + exc.start, 0)
    return None


def _encoding_issue(raw: bytes, at: int) -> Issue:
    line = LineCounter(raw).at(at)
    utf16 = raw[:2] in (b"\xff\xfe", b"\xfe\xff")
    return Issue(
        codes.ENCODING,
        (
            "The file is UTF-16 (a spreadsheet's 'Unicode text'). "
            if utf16
            else f"The file is not valid UTF-8: byte {raw[at : at + 1]!r} on line {line} cannot be decoded. "
        )
        + "Expected UTF-8; re-save the file as UTF-8 (in a spreadsheet: 'CSV UTF-8').",
        line=line,
        value=raw[at : at + 1].hex(),
    )


def _newline_issue(raw: bytes) -> Issue | None:
    if b"\r" not in raw:
        return None
    crlf = raw.count(b"\r\n")
    lf = raw.count(b"\n") - crlf
    cr = raw.count(b"\r") - crlf
    kinds = {"LF": lf, "CRLF": crlf, "CR": cr}
    used = [k for k, n in kinds.items() if n]
    if len(used) < 2:
        return None
    main = max(used, key=lambda k: kinds[k])
    minority = {"LF": rb"(?<!\r)\n", "CRLF": rb"\r\n", "CR": rb"\r(?!\n)"}
    other = next(k for k in used if k != main)
    found = re.search(minority[other], raw)
    line = raw.count(b"\n", 0, found.start()) + 1 if found else 1
    return Issue(
        codes.MIXED_NEWLINES,
        f"The file mixes line endings ({', '.join(f'{kinds[k]} {k}' for k in used)}); line "
        f"{line} ends with {other}. Expected one kind (LF); set your editor to LF line endings.",
        line=line,
        value=other,
    )


def read_bytes(path: Path, issues: list[Issue]) -> bytes | None:
    """The file's bytes without a byte-order mark; None (with an issue) when they are not UTF-8."""
    raw = path.read_bytes()
    if raw.startswith(BOM):
        issues.append(
            Issue(
                codes.BYTE_ORDER_MARK,
                "The file starts with a UTF-8 byte-order mark (BOM). Expected plain UTF-8; save it "
                "as 'UTF-8' rather than 'UTF-8 with BOM'.",
                line=1,
            )
        )
        raw = raw[len(BOM) :]
    if not raw.isascii():
        at = _utf8_error(raw)
        if at is not None:
            issues.append(_encoding_issue(raw, at))
            return None
    newlines = _newline_issue(raw)
    if newlines is not None:
        issues.append(newlines)
    return raw


@dataclass
class Quotes:
    """What the quotes of a file say: stray quotes, an unclosed one, and whether any value is quoted."""

    quoted: bool = False
    #: some quoted value holds a line break, so that records and lines differ
    multiline: bool = False
    stray: list[Issue] = field(default_factory=list)
    #: stray quotes beyond the report limit were not looked for after this line
    stopped_at: int | None = None
    unclosed: Issue | None = None


def _unclosed(line: int) -> Issue:
    return Issue(
        codes.UNCLOSED_QUOTE,
        f"A quote opened on line {line} is never closed, so what follows would be read as one "
        'value. Close the quote; a quote inside a value is written twice ("").',
        line=line,
    )


def _stray(line: int, text: bytes) -> Issue:
    shown = text.decode("utf-8", "replace").strip()
    return Issue(
        codes.STRAY_QUOTE,
        f"Line {line} has a quote inside a value that is not quoted as a whole ({shown!r}), which "
        "spreadsheets and CSV readers read differently. Quote the whole value and write each "
        'quote in it twice ("12"" pipe"), or remove the quote.',
        line=line,
        value=shown,
    )


def _context(raw: bytes, at: int) -> bytes:
    """The text of the value around a byte offset, for a message."""
    start = max(raw.rfind(b",", 0, at), raw.rfind(b"\n", 0, at), at - 40) + 1
    ends = [i for i in (raw.find(b",", at + 1), raw.find(b"\n", at + 1)) if i >= 0]
    return raw[start : min([*ends, at + 40])]


def _next_line(raw: bytes, pos: int) -> int:
    """The start of the line after ``pos``: one stray quote is reported once, not with the quotes
    that follow from it on its line."""
    found = _LINE_BREAK.search(raw, pos)
    return len(raw) if found is None else found.end()


def scan_quotes(raw: bytes, start: int, limit: int) -> Quotes:
    """Check the quotes of the records from byte ``start`` on.

    A quote must open a value (right after a separator or a line break) and be closed before the
    next separator or line break that ends the value. A quote elsewhere is a stray quote. A quoted
    value that runs over lines and is then followed by text was never closed where it should have
    been: it is reported where it was opened, the line to fix, not where the reader noticed.
    """
    found = Quotes(quoted=raw.find(b'"', start) >= 0)
    if not found.quoted:
        return found
    lines = LineCounter(raw)
    pos, n = start, len(raw)
    while pos < n:
        pos = raw.find(b'"', pos)  # memchr: the runs without quotes cost nothing
        if pos < 0:
            break
        run = _FLAT.match(raw, pos)
        assert run is not None  # it matches the empty string
        if run.end() == pos:
            run = _WELL_FORMED.match(raw, pos)
            assert run is not None
            found.multiline = found.multiline or run.end() > pos
        if run.end() > pos:
            pos = run.end()
            continue
        # a quote the well-formed run could not take: one that opens no value, or a quoted value
        # followed by text
        if pos > 0 and raw[pos - 1 : pos] not in (b",", b"\n", b"\r"):
            found.stray.append(_stray(lines.at(pos), _context(raw, pos)))
            pos = _next_line(raw, pos)
        else:
            value = _QUOTED.match(raw, pos)
            if value is None:
                found.unclosed = _unclosed(lines.at(pos))
                return found
            end = value.end()
            if _LINE_BREAK.search(raw, pos, end) is not None:
                # a quoted value over lines, then text: its closing quote is missing
                found.unclosed = _unclosed(lines.at(pos))
                return found
            found.stray.append(_stray(lines.at(end - 1), _context(raw, end - 1)))
            pos = _next_line(raw, end)
        if len(found.stray) >= limit:
            found.stopped_at = lines.at(pos)
            break
    return found
