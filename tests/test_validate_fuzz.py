"""Fuzzing ``policydata validate``: whatever the files hold, it answers, within bounds, and reads only.

Hypothesis mutates the valid corpus (bytes flipped, inserted and deleted; quotes, separators and
line breaks added; another encoding; a truncated file; a header lost; a file grown to a few
megabytes) and runs the command line on the result. Every example must end in exit 0 (valid) or
1 (invalid) with a JSON report, never in a traceback or an internal error (exit 2); the files must
be unchanged; and the work must stay within a time and memory bound per megabyte of input. The
bounds are generous (tens of times what a run takes) so that they catch a change of order (work
that grows with the square of the input, memory that grows with the number of problems), never a
slow machine. The examples are derandomised, so that CI sees the same ones every time.
"""

from __future__ import annotations

import contextlib
import io
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from _validate_corpus import VALID, fingerprint
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policydata import cli

FILES = sorted(p.name for p in VALID.iterdir() if p.suffix == ".csv")
TOKENS = [b'"', b",", b"\n", b"\r", b"\r\n", b"\x00", b"\xff", b";", b"\t", b'""', b"\xef\xbb\xbf", b"=1+1"]
TOKENS += ["é".encode(), "\u2013".encode(), "\u200b".encode(), b"\xc3", b" ", b"\\"]

#: seconds per run, plus per megabyte of input (a run takes about 0.1 s, and 0.05 s per MB)
TIME_BASE, TIME_PER_MB = 10.0, 5.0
#: growth of the process's peak memory over the whole test, plus per megabyte of the largest input
MEMORY_BASE_MB, MEMORY_PER_MB = 150, 40


def _where(body: bytes, at: int) -> int:
    """A position in the file: in its records for most values of ``at``, in its header for some."""
    start = body.find(b"\n") + 1 if at % 4 else 0
    return start + at // 4 % (len(body) - start + 1)


def _flip(body: bytes, at: int, new: bytes) -> bytes:
    at = _where(body, at)
    return body[:at] + new + body[at + len(new) :]


def _insert(body: bytes, at: int, token: bytes) -> bytes:
    at = _where(body, at)
    return body[:at] + token + body[at:]


def _delete(body: bytes, at: int, n: int) -> bytes:
    at = _where(body, at)
    return body[:at] + body[at + n :]


def _encode(body: bytes, encoding: str) -> bytes:
    return body.decode("utf-8", "replace").encode(encoding, "replace")


def _separators(body: bytes, sep: bytes) -> bytes:
    return body.replace(b",", sep)


def _grow(body: bytes, megabytes: float) -> bytes:
    """The file's records repeated until it holds about ``megabytes`` of them."""
    header, _, records = body.partition(b"\n")
    records = records or b"x\n"
    times = max(1, int(megabytes * 2**20 / len(records)))
    return header + b"\n" + records * times


MUTATIONS = st.one_of(
    st.builds(
        lambda at, new: lambda b: _flip(b, at, new), st.integers(0, 40_000), st.binary(min_size=1, max_size=6)
    ),
    st.builds(lambda at, tok: lambda b: _insert(b, at, tok), st.integers(0, 40_000), st.sampled_from(TOKENS)),
    st.builds(lambda at, n: lambda b: _delete(b, at, n), st.integers(0, 40_000), st.integers(1, 40)),
    st.builds(lambda at: lambda b: b[: at % (len(b) + 1)], st.integers(0, 40_000)),
    st.builds(
        lambda enc: lambda b: _encode(b, enc), st.sampled_from(["latin-1", "utf-16", "utf-8-sig", "cp1252"])
    ),
    st.builds(lambda sep: lambda b: _separators(b, sep), st.sampled_from([b";", b"\t", b"", b",,", b'","'])),
    st.just(lambda b: b.replace(b'"', b"")),
    st.just(lambda b: b.partition(b"\n")[2]),  # the header lost
    st.just(lambda b: b + b.partition(b"\n")[2]),  # every record twice
    st.builds(lambda mb: lambda b: _grow(b, mb), st.sampled_from([0.5, 1.0, 2.0])),
    # one value, or a line without a break, of hundreds of kilobytes
    st.builds(
        lambda at, c: lambda b: _insert(b, at, c * 300_000),
        st.integers(0, 40_000),
        st.sampled_from([b"x", b","]),
    ),
)


@st.composite
def broken_corpus(draw: st.DrawFn) -> dict[str, bytes]:
    """The changed files of a copy of the valid corpus: one to three files, one to four mutations each."""
    changed = {}
    for name in draw(st.lists(st.sampled_from(FILES), min_size=1, max_size=3, unique=True)):
        body = (VALID / name).read_bytes()
        for mutate in draw(st.lists(MUTATIONS, min_size=1, max_size=4)):
            body = mutate(body)
        changed[name] = body
    return changed


def _peak_mb() -> float:
    # ru_maxrss is in kilobytes on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _validate(folder: Path) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    argv = sys.argv
    sys.argv = ["policydata", "validate", str(folder), "--format", "json", "--limit", "20"]
    code: int | str | None = None
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            cli.main()
    except SystemExit as exc:
        code = exc.code
    finally:
        sys.argv = argv
    assert isinstance(code, int)
    return code, stdout.getvalue(), stderr.getvalue()


class _Bounds:
    """The largest input seen, and the process's peak memory before the first example."""

    def __init__(self) -> None:
        with tempfile.TemporaryDirectory() as warm:
            _validate(shutil.copytree(VALID, Path(warm) / "data"))  # imports and first-use costs
        self.start_mb = _peak_mb()
        self.largest_mb = 0.0


BOUNDS: _Bounds | None = None


@settings(
    max_examples=60,
    derandomize=True,
    database=None,
    deadline=None,  # time is bounded per megabyte below, not per example
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(changed=broken_corpus())
def test_validate_answers_any_input_within_bounds_and_changes_nothing(changed: dict[str, bytes]) -> None:
    global BOUNDS
    if BOUNDS is None:
        BOUNDS = _Bounds()
    with tempfile.TemporaryDirectory() as tmp:
        folder = shutil.copytree(VALID, Path(tmp) / "data")
        for name, body in changed.items():
            (folder / name).write_bytes(body)
        size_mb = sum(p.stat().st_size for p in folder.iterdir()) / 2**20
        before = fingerprint(folder)
        began = time.perf_counter()
        code, out, err = _validate(folder)
        seconds = time.perf_counter() - began
        assert code in (0, 1), err
        assert "internal error" not in err and "Traceback" not in err
        report = json.loads(out)
        assert report["valid"] is (code == 0)
        assert fingerprint(folder) == before
    assert seconds < TIME_BASE + TIME_PER_MB * size_mb, (seconds, size_mb)
    BOUNDS.largest_mb = max(BOUNDS.largest_mb, size_mb)
    grown = _peak_mb() - BOUNDS.start_mb
    assert grown < MEMORY_BASE_MB + MEMORY_PER_MB * BOUNDS.largest_mb, (grown, BOUNDS.largest_mb)
