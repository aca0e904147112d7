"""Questions: the arguments users give, and the tariff lines a question is answered for.

A question names a product by an HS/HTS code (2 to 10 digits), a sector (its HS 2022 codes), or
nothing (every line of the schedule). It is answered per *line* below it:

* on days an encoded edition of the imposing side's nomenclature covers (the US HTS from 2025),
  the lines are that edition's 8-digit lines (chapters 1-97) below the code; a line under which a
  list names 10-digit statistical lines is answered per statistical line;
* on other days the lines are those the product lists name in the editions of those days (the
  Section 301 snapshots of 2018-2020, China's lists): the nomenclature itself is not encoded, so a
  line that no list names is not known, and the answer says so.

Codes are matched in the edition in force on the day, never converted. A code that is not a line
of the edition in force is answered as it is, with coverage by the lists that do not name it
unknown (``code-not-in-edition``). On days whose edition is not encoded, that is known where the
edition's HS basis is: a code that names no subheading of it (an HS 2022 code such as 8806.21,
drones, on a day of the HS 2017 based HTS of 2019) is not a line of the day's edition either.

A sector's codes are HS 2022 codes (``sector_codes``): its question is the union of the lines below
them, each line once.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeAlias

from policydata.dates import parse_date
from policydata.errors import InvalidArgumentError
from policydata.schemas.jurisdictions import JURISDICTIONS
from policydata.tariffs.coverage import Line
from policydata.tariffs.events import NOMENCLATURE, PROVISION_CHAPTERS, Index, LineRow, basis_eras, ordinal
from policydata.tariffs.segments import exporter_matches

DateLike: TypeAlias = "dt.date | str"
#: the ``query`` label of a question about every line of the schedule
GENERIC_QUERY = "every tariff line"
#: the HS edition of a sector's codes (the rows of ``sector_codes`` whose classification is HS2022)
SECTOR_BASIS = "HS-2022"
_HS_QUERY = re.compile(r"^\d{2}(?:\d{2}){0,4}$")


def jurisdiction(value: str, name: str) -> str:
    code = value.strip().upper()
    if code not in JURISDICTIONS:
        raise InvalidArgumentError(
            f"{name}={value!r} is not a jurisdiction code.",
            hint="Use ISO 3166-1 alpha-3 (USA, CHN, ...) or EUN for the European Union.",
        )
    return code


def date(value: DateLike, name: str) -> dt.date:
    return parse_date(value, name)


def window(start: DateLike, end: DateLike) -> tuple[dt.date, dt.date]:
    first, last = date(start, "start"), date(end, "end")
    if last < first:
        raise InvalidArgumentError(
            f"The window ends ({last}) before it starts ({first}).", hint="Swap start and end."
        )
    return first, last


def hs(value: str) -> str:
    code = value.strip().replace(".", "")
    if not _HS_QUERY.match(code):
        raise InvalidArgumentError(
            f"hs_code={value!r} is not an HS code.",
            hint="Give 2, 4, 6, 8 or 10 digits, e.g. 950300 (dots are allowed: 9503.00).",
        )
    return code


@dataclass(frozen=True)
class Query:
    """What a question is about: code prefixes (``("",)`` for every line), and an exporter.

    ``basis`` is the HS edition the prefixes are written in when it is known (a sector's codes);
    a code of the question is otherwise read in the edition of the day.
    """

    label: str
    prefixes: tuple[str, ...]
    hs_code: str | None = None
    sector: str | None = None
    exporter: str | None = None
    basis: str | None = None

    @property
    def generic(self) -> bool:
        return self.prefixes == ("",)


def covered(index: Index, imposing: str, target: str, last: dt.date, as_of: str) -> None:
    """Refuse a question the release cannot answer, rather than answer it with 0%.

    A direction without a single event, or a date after the release's as-of date, is outside what
    the release records; an empty stack would read as "no additional tariff".

    Raises
    ------
    InvalidArgumentError
        Naming the directions the release records, or its as-of date.
    """
    if not any(e.imposing == imposing and e.target == target for e in index.events):
        directions = sorted({f"{e.imposing} on {e.target}" for e in index.events})
        raise InvalidArgumentError(
            f"Release {index.version} has no tariff events of {imposing} on goods from {target}, so it "
            "cannot say what applied (not even that nothing did).",
            hint=f"It records these directions: {', '.join(directions) or 'none'}.",
        )
    if as_of and last > dt.date.fromisoformat(as_of):
        raise InvalidArgumentError(
            f"{last} is after the as-of date of release {index.version} ({as_of}): it records "
            "nothing after that date.",
            hint=f"Ask about {as_of} or earlier, or use a newer release.",
        )


def query(index: Index, hs_code: str | None, sector: str | None, exporter: str | None = None) -> Query:
    """Parse the product arguments of a question."""
    if hs_code is not None and sector is not None:
        raise InvalidArgumentError(
            "Both hs_code and sector were given.", hint="Ask about one HS code or one sector."
        )
    if exporter is not None and not exporter.strip():
        raise InvalidArgumentError(
            "exporter is empty.", hint="Name an exporter, e.g. 'BYD', or leave it out."
        )
    if hs_code is not None:
        code = hs(hs_code)
        return Query(f"HS {code}", (code,), hs_code=code, exporter=exporter)
    if sector is not None:
        return Query(
            f"sector {sector} (HS {', '.join(sector_codes(index, sector))})",
            sector_codes(index, sector),
            sector=sector,
            exporter=exporter,
            basis=SECTOR_BASIS,
        )
    return Query(GENERIC_QUERY, ("",), exporter=exporter)


#: what a sector without HS codes has instead, in words (``sectors.hs_mapping``)
NO_CODES = {
    "no-published-list": "no published product list exists for it",
    "list-not-read": "its published product list has not been read into the data yet",
}


def sector_codes(index: Index, sector: str) -> tuple[str, ...]:
    """A sector's HS 2022 codes; an error that says why a sector has none (or is unknown)."""
    codes = index.sector_codes.get(sector)
    if codes:
        return codes
    known = index.sectors.get(sector)
    if known is not None:
        why = NO_CODES.get(known.hs_mapping or "", "the crosswalk gives it no HS 2022 code")
        raise InvalidArgumentError(
            f"Sector {sector} ({known.name_en}) has no HS 2022 codes in release {index.version}: {why} "
            f"(hs_mapping: {known.hs_mapping or 'not recorded'}).",
            hint="Its tariff lines cannot be told; ask about a mapped sector ('policydata show sectors').",
        )
    ids = sorted(index.sectors) or sorted(index.sector_codes)
    raise InvalidArgumentError(
        f"{sector!r} is not a sector of release {index.version}.",
        hint=f"Sectors include: {', '.join(ids[:12]) or 'none'}.",
    )


def check_exporter(index: Index, imposing: str, target: str, exporter: str | None) -> None:
    """An exporter must name (part of) one of the exporters the direction's events distinguish; where
    it names several in force at once, their rates are alternatives."""
    if exporter is None:
        return
    names = sorted({e.exporter for e in index.pair(imposing, target).nodes if e.exporter})
    if not any(exporter_matches(exporter, n) for n in names):
        raise InvalidArgumentError(
            f"exporter={exporter!r} matches none of the exporters {imposing}'s rates on {target} name.",
            hint=f"Name one of: {'; '.join(names) or 'none (no exporter-specific rate)'}.",
        )


# --- the lines of a question ----------------------------------------------------------------


@dataclass(frozen=True)
class Lines:
    """The lines a question is answered for on a day (or over a regime of days).

    ``enumerated`` is False where the lines below a code cannot be listed (the nomenclature of the
    day is not encoded and no list names a line below it): the code is then answered as one line.
    ``valid`` gives each line's validity (first day, stop) as ordinals.
    """

    lines: tuple[Line, ...]
    valid: tuple[tuple[int, int], ...]
    enumerated: bool
    edition: str | None
    missing: tuple[str, ...] = ()


def _under(codes: Sequence[str], prefix: str) -> list[str]:
    lo = bisect.bisect_left(codes, prefix)
    hi = bisect.bisect_left(codes, prefix + "\uffff")
    return list(codes[lo:hi])


def _valid_rows(index: Index, code: str, first: int, stop: int) -> list[LineRow]:
    return [r for r in index.lines.rows(code) if r.start < stop and first < r.stop]


def _provision(prefix: str, code: str) -> bool:
    # chapters 98 and 99 hold provisions, not goods: only a question about them lists them
    return code[:2] in PROVISION_CHAPTERS and not prefix.startswith(code[:2])


def _span(rows: Sequence[LineRow], first: int, stop: int) -> tuple[int, int]:
    return max(first, min(r.start for r in rows)), min(stop, max(r.stop for r in rows))


def _encoded_lines(
    index: Index, imposing: str, prefix: str, first: int, stop: int
) -> list[tuple[Line, tuple[int, int]]]:
    """Lines of the encoded editions below ``prefix`` valid at some time in ``[first, stop)``."""
    table = index.lines
    lo, hi = bisect.bisect_left(table.codes, prefix), bisect.bisect_left(table.codes, prefix + "\uffff")
    spans: dict[str, tuple[int, int]] = {}
    for i in range(lo, hi):  # one pass over the lines under the prefix
        a, z = table.starts[i], table.stops[i]
        if a < stop and first < z:
            code = table.codes[i]
            here, old = (max(first, a), min(stop, z)), spans.get(code)
            spans[code] = here if old is None else (min(old[0], here[0]), max(old[1], here[1]))
    if len(prefix) == 10:
        return [(Line(prefix), spans[prefix])] if prefix in spans else []
    split = index.split_lines(imposing)
    out: list[tuple[Line, tuple[int, int]]] = []
    for code, span in spans.items():
        if len(code) != 8 or _provision(prefix, code):
            continue
        kids = (
            [(c, spans[c]) for c in table.under(code) if len(c) == 10 and c in spans] if code in split else []
        )
        out += [(Line(c), s) for c, s in kids] if kids else [(Line(code), span)]
    return out


def _era_lines(
    index: Index, imposing: str, prefix: str, a: int, z: int
) -> list[tuple[Line, tuple[int, int]]]:
    """Lines the lists name (editions not encoded) below ``prefix`` and valid in ``[a, z)``. A code
    of another HS basis than the edition of ``a`` is not a line of that edition: it is marked
    ``unknown`` (lists that do not name it may cover it)."""
    nom = NOMENCLATURE.get(imposing)
    basis = index.basis_on(nom, a) if nom else None
    known = index.era_lines(imposing)
    codes = {
        c: known[c] for c in _under(index.era_codes(imposing), prefix) if known[c][0] < z and a < known[c][1]
    }

    def line(code: str, bases: frozenset[str | None], rest: bool = False) -> Line:
        # a code of another HS basis than the day's is not a line of the day's edition
        other = basis not in bases
        return Line(code, rest=rest, unknown=other, basis=min(bases, key=str) if other else None)

    if len(prefix) == 10:
        return [(line(c, v[2]), (max(a, v[0]), min(z, v[1]))) for c, v in codes.items() if c == prefix]
    tens = {c for c in codes if len(c) == 10}
    parents = {c[:8] for c in tens}
    out: list[tuple[Line, tuple[int, int]]] = []
    for code, (start, stop, of) in codes.items():
        if code in parents:
            continue
        out.append((line(code, of), (max(a, start), min(z, stop))))
    for parent in parents:
        start = min(codes[c][0] for c in tens if c.startswith(parent))
        stop = max(codes[c][1] for c in tens if c.startswith(parent))
        of = codes.get(parent, codes[min(c for c in tens if c.startswith(parent))])[2]
        out.append((line(parent, of, rest=True), (max(a, start), min(z, stop))))
    return sorted(out, key=lambda item: (item[0].code, item[0].rest))


def lines(index: Index, imposing: str, q: Query, first: dt.date, last: dt.date | None = None) -> Lines:
    """The lines of question ``q`` over ``[first, last]`` (one day when ``last`` is None).

    The window must lie within one regime (all days covered by encoded editions, or none): see
    :func:`regimes`.
    """
    a = ordinal(first)
    z = ordinal(last) + 1 if last is not None else a + 1
    nom = NOMENCLATURE.get(imposing)
    edition = index.edition_on(nom, a) if nom else None
    found: list[tuple[Line, tuple[int, int]]] = []
    missing: list[str] = []
    enumerated = True
    for prefix in q.prefixes:
        if edition is not None and edition.encoded:
            here = _encoded_lines(index, imposing, prefix, a, z)
        elif nom is not None:
            here = _era_lines(index, imposing, prefix, a, z)
        else:
            here = []
        if not here:
            if edition is not None and edition.encoded:
                missing.append(prefix)
                here = [(Line(prefix, unknown=True), (a, z))]
            else:
                enumerated = False
                here = _unlisted(index, nom, q, prefix, a, z)
                if any(line.unknown for line, _ in here):
                    missing.append(prefix)
        found += here
    # each line once (several codes of a question may hold it); a code answered as itself may be
    # two lines, one per stretch where it is or is not a line of the edition of the day
    unique = dict.fromkeys(found)
    return Lines(
        lines=tuple(line for line, _ in unique),
        valid=tuple(span for _, span in unique),
        enumerated=enumerated,
        edition=edition.edition_id if edition is not None else None,
        missing=tuple(missing),
    )


def _unlisted(
    index: Index, nom: str | None, q: Query, prefix: str, a: int, z: int
) -> list[tuple[Line, tuple[int, int]]]:
    """A code under which no list names a line, on days no encoded edition covers, answered as one
    line. Where an edition of those days is known and its HS basis has no subheading the code
    names, the code is not a line of that edition (``unknown``: lists that do not name it may cover
    it); on days of no known edition (a gap of the editions) it is taken as a line."""
    outside: list[tuple[int, int]] = []
    for ed in index.editions_of(nom) if nom is not None else ():
        lo, hi = max(a, ed.start), min(z, ed.stop)
        if lo < hi and index.in_basis(ed.basis, prefix) is False:
            if outside and outside[-1][1] == lo:
                lo = outside.pop()[0]
            outside.append((lo, hi))
    if not outside:
        return [(Line(prefix), (a, z))]
    out = [(Line(prefix, unknown=True, basis=q.basis), span) for span in outside]
    cuts = [a, *(b for span in outside for b in span), z]
    rest = [(lo, hi) for lo, hi in itertools.pairwise(cuts) if lo < hi and (lo, hi) not in outside]
    out += [(Line(prefix), span) for span in rest]
    return sorted(out, key=lambda item: item[1])


def regimes(index: Index, imposing: str, first: dt.date, last: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Split ``[first, last]`` where the lines change kind: where the imposing side's nomenclature
    starts to be encoded, and where the HS basis of its (unencoded) editions changes."""
    nom = NOMENCLATURE.get(imposing)
    a, z = ordinal(first), ordinal(last)
    cuts = set()
    if nom is not None:
        cuts = {s for _, s, _ in basis_eras(index.editions_of(nom))} | {index.first_encoded(nom)}
    inside = sorted(c for c in cuts if a < c <= z)
    bounds = [a, *inside, z + 1]
    return [(dt.date.fromordinal(lo), dt.date.fromordinal(hi - 1)) for lo, hi in itertools.pairwise(bounds)]


def mfn(index: Index, imposing: str, line: Line, day: int) -> tuple[str | None, float | None]:
    """The general (MFN) rate of a line on a day, as published and as a percentage where purely ad
    valorem; (None, None) where no encoded edition gives it (the lines encoded are the US HTS)."""
    if NOMENCLATURE.get(imposing) != "HTS" or line.unknown:
        return None, None
    for row in index.lines.rows(line.code[:8]):
        if row.start <= day < row.stop:
            return row.general_rate, row.mfn_pct
    return None, None
