"""Fetch one file over HTTP(S) whose sha256 and size are known in advance.

What a careful downloader owes its caller, in the spirit of pip's hash-checking mode:

- **A deadline for the whole download**, every attempt and pause included, besides the timeout
  for each read: a server that trickles one byte a second cannot hold a process for days.
- **A size cap**: never more than the recorded size is read, so an endless body cannot fill the
  disk; a ``Content-Length`` other than the recorded size is refused before the body is read.
- **The bytes as sent**: ``Accept-Encoding: identity`` and no decoding, so what is hashed is what
  the index vouches for, and no compressed body can expand.
- **The sha256** computed while the bytes arrive; the file appears at its path, in one rename,
  only when it matches.
- **Errors by cause**: a transport failure is a :class:`~policydata.errors.DownloadError` (retried
  when asking again may help: a dropped connection, a timeout, HTTP 5xx, 408 or 429), a file that
  is not the recorded one an :class:`~policydata.errors.IntegrityError` (not retried, as pip
  does not). The HTTP library's exceptions subclass ``ValueError``; none of them is taken for a
  checksum mismatch.
- **No secrets in messages**: addresses are shown with their user name, password and query
  replaced by ``***``.

pooch did this job before; its reads could not be bounded in time or size, and its retry loop
treated every ``ValueError`` as a checksum mismatch, so it gave way to this module (requests
streams the body, ``read1`` returns whatever has arrived).
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from policydata import settings
from policydata.errors import DownloadError, IntegrityError
from policydata.release.files import atomic_file

if TYPE_CHECKING:
    import requests

#: Bytes asked for per read; ``read1`` returns what has arrived, up to this.
CHUNK: int = 1 << 16
#: Redirects followed at most (GitHub release assets redirect once).
MAX_REDIRECTS: int = 10
#: Pause before the first retry, doubled for each further one, capped by the deadline.
BACKOFF: float = 0.5

Progress = Callable[[int, int], None]


class _RetryError(Exception):
    """A failure that asking again may cure; its message says what went wrong, for the final error."""


@dataclass(frozen=True)
class Want:
    """The file to fetch: where from, its sha256 and size, and the limits to fetch it in."""

    url: str
    sha256: str
    size: int
    timeout: float
    retries: int
    deadline: float  # seconds, for the whole download

    @property
    def shown(self) -> str:
        """The address as messages may show it."""
        return settings.redact_url(self.url)

    def scrub(self, text: str) -> str:
        """``text`` without the address's secrets (an exception's message may quote the address)."""
        text = text.replace(self.url, self.shown)
        userinfo = self.url.partition("://")[2].partition("?")[0].rpartition("@")[0]
        return text.replace(userinfo, "***") if userinfo else text


def fetch(want: Want, target: Path, progress: Progress | None = None) -> None:
    """Download ``want.url`` to ``target``: whole, of the recorded size and sha256, or not at all.

    Parameters
    ----------
    want
        The address, the expected sha256 and size, the timeout for each read, the retries and
        the deadline (seconds) for the whole download.
    target
        Where the file goes; a temporary file beside it holds the bytes until they are checked.
    progress
        Called as ``progress(received, size)`` while the bytes arrive.

    Raises
    ------
    DownloadError
        On an HTTP error, a broken connection or a timeout after the retries, an address that
        cannot be fetched, or when the deadline passes (not retried then).
    IntegrityError
        If the server sends another file: a ``Content-Length`` or a sha256 other than recorded.

    Examples
    --------
    >>> import tempfile
    >>> want = Want("ftp://example.org/x.zip", "0" * 64, 10, timeout=1, retries=0, deadline=2)
    >>> fetch(want, Path(tempfile.mkdtemp()) / "x.zip")
    Traceback (most recent call last):
    ...
    policydata.errors.DownloadError: Cannot download ftp://example.org/x.zip: InvalidSchema: ...
    """
    import requests

    start = time.monotonic()
    with requests.Session() as session:
        session.max_redirects = MAX_REDIRECTS
        for attempt in range(want.retries + 1):
            try:
                with atomic_file(target) as tmp:
                    _attempt(session, want, tmp, start, progress)
                return
            except _RetryError as exc:
                pause = BACKOFF * 2**attempt
                if attempt == want.retries:
                    raise DownloadError(
                        f"Downloading {want.shown} failed after {attempt + 1} attempt(s): {exc}.",
                        hint="Try again later; check the network connection (or the server).",
                        url=want.shown,
                    ) from None
                if time.monotonic() + pause >= start + want.deadline:
                    raise _deadline_error(
                        want, f"attempt {attempt + 1} failed ({exc}), no time is left"
                    ) from None
                time.sleep(pause)


def _deadline_error(want: Want, what: str) -> DownloadError:
    return DownloadError(
        f"Downloading {want.shown} did not finish within its deadline of {want.deadline:.1f} s "
        f"({want.timeout:g} s to start plus {want.size:,} bytes at "
        f"{settings.ENV_DOWNLOAD_MIN_RATE}={settings.download_min_rate():g} bytes/s): {what}.",
        hint="The server is too slow or stalled; nothing was kept. Try again later, or allow a "
        f"slower transfer with a lower {settings.ENV_DOWNLOAD_MIN_RATE}.",
        url=want.shown,
    )


def _attempt(
    session: requests.Session, want: Want, out: Path, start: float, progress: Progress | None
) -> None:
    """One GET of the file into ``out``; raise :class:`_RetryError` for what another attempt may cure."""
    import requests

    left = start + want.deadline - time.monotonic()
    if left <= 0:
        raise _deadline_error(want, "no time was left to connect")
    try:
        response = session.get(
            want.url,
            stream=True,
            timeout=min(want.timeout, left),
            headers={"Accept-Encoding": "identity"},
        )
    except requests.Timeout:
        if time.monotonic() >= start + want.deadline:
            raise _deadline_error(want, "the server had not answered") from None
        raise _RetryError(f"the server did not answer within {want.timeout:g} s") from None
    except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
        if isinstance(exc, requests.exceptions.SSLError | requests.exceptions.ProxyError):
            raise _fatal(want, exc) from None
        raise _RetryError(_describe(want, exc)) from None
    except (requests.RequestException, ValueError) as exc:
        # a malformed address (requests' own errors, or urllib's ValueError for a malformed
        # redirect), a redirect loop, a scheme other than http(s): asking again will not help
        raise _fatal(want, exc) from None
    with response, out.open("wb") as fh:
        _check_response(want, response)
        digest = _stream(want, response, fh, start, progress)
    if digest != want.sha256:
        raise IntegrityError(
            f"The file downloaded from {want.shown} is not the one the release index records: its "
            f"sha256 is {digest}, expected {want.sha256}.",
            hint="It was deleted and nothing was cached. Try again later; if it persists, the server "
            f"at {settings.ENV_RELEASES_URL} serves another file than this installation's index expects.",
        )


def _fatal(want: Want, exc: Exception) -> DownloadError:
    return DownloadError(
        f"Cannot download {want.shown}: {_describe(want, exc)}",
        hint=f"Check {settings.ENV_RELEASES_URL} (a mirror's base address, http:// or https://) and "
        "the network (a proxy, a certificate), then try again.",
        url=want.shown,
    )


def _describe(want: Want, exc: BaseException) -> str:
    return want.scrub(f"{type(exc).__name__}: {exc}")[:500]


def _check_response(want: Want, response: requests.Response) -> None:
    """Refuse an answer that is not the file: an HTTP error, a compressed or announced other size."""
    status = response.status_code
    if status in (408, 429) or 500 <= status < 600:
        raise _RetryError(f"HTTP {status}")
    if status != 200:
        hint = "The server had a problem; try again later."
        if 400 <= status < 500:
            # asking again will not make a missing file appear, so fail at once
            hint = (
                f"The release archive is not at that address. Check {settings.ENV_RELEASES_URL} "
                f"(now {settings.redact_url(settings.releases_url())}); the release may not be published yet."
            )
        raise DownloadError(f"Downloading {want.shown} failed with HTTP {status}.", hint=hint, url=want.shown)
    encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding not in ("", "identity"):
        raise DownloadError(
            f"The server sent {want.shown} compressed (Content-Encoding: {encoding[:40]}) although "
            "asked not to; its bytes cannot be checked against the sha256 the index records.",
            hint="Download from a server that sends files as they are (set POLICYDATA_RELEASES_URL).",
            url=want.shown,
        )
    length = response.headers.get("Content-Length")
    if length is not None and not re.fullmatch(r"[0-9]{1,19}", length.strip()):
        raise DownloadError(
            f"The server answered {want.shown} with a malformed Content-Length ({length[:40]!r}).",
            hint="The server (or a proxy on the way) is broken; try again later or use another mirror.",
            url=want.shown,
        )
    if length is not None and int(length) != want.size:
        raise IntegrityError(
            f"The server offers {want.shown} with {int(length):,} bytes; the release index records "
            f"{want.size:,}: it is another file. Nothing was downloaded.",
            hint="Try again later; if it persists, the server serves another file than this "
            "installation's index expects.",
        )


def _stream(
    want: Want, response: requests.Response, out: BinaryIO, start: float, progress: Progress | None
) -> str:
    """Copy at most ``want.size`` bytes of the body to ``out``; return their sha256.

    Each read returns what has arrived (``read1``) and may wait at most the read timeout or what
    is left of the deadline, whichever is shorter, so the deadline holds to within a read.
    """
    import urllib3

    raw: Any = response.raw
    digest, received = hashlib.sha256(), 0
    try:
        while received < want.size:
            left = start + want.deadline - time.monotonic()
            if left <= 0:
                raise _deadline_error(want, f"{received:,} of {want.size:,} bytes had arrived")
            sock = getattr(getattr(raw, "connection", None), "sock", None)
            if sock is not None:
                sock.settimeout(min(want.timeout, left))
            block = raw.read1(min(CHUNK, want.size - received), decode_content=False)
            if not block:
                raise _RetryError(f"the connection ended after {received:,} of {want.size:,} bytes")
            digest.update(block)
            out.write(block)
            received += len(block)
            if progress is not None:
                progress(received, want.size)
    except urllib3.exceptions.ReadTimeoutError:
        if time.monotonic() >= start + want.deadline:
            raise _deadline_error(want, f"{received:,} of {want.size:,} bytes had arrived") from None
        raise _RetryError(f"the server sent nothing for {want.timeout:g} s") from None
    except (urllib3.exceptions.HTTPError, ConnectionError, TimeoutError) as exc:
        raise _RetryError(f"after {received:,} bytes, {_describe(want, exc)}") from None
    return digest.hexdigest()
