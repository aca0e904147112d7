"""Fetch one file over HTTP(S) whose sha256 and size are known in advance.

What a careful downloader owes its caller, in the spirit of pip's hash-checking mode:

- **A deadline for the whole download**, every attempt, redirect and pause included, besides the
  timeout for each read: when it passes, a watchdog shuts the download's sockets down, whatever
  they wait for (a body, headers or a TLS handshake sent one byte a second), so a trickling
  server cannot hold a process for days.
- **A size cap**: never more than the recorded size of the body is read, so an endless body
  cannot fill the disk; a ``Content-Length`` other than the recorded size is refused before the
  body is read, and the body of a redirect is never read at all.
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
  replaced by ``***``; a redirect never carries the credentials on.

pooch did this job before; its reads could not be bounded in time or size, and its retry loop
treated every ``ValueError`` as a checksum mismatch, so it gave way to this module: requests
streams the body, ``read1`` returns whatever has arrived, and the watchdog keeps the deadline.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO
from urllib.parse import urljoin, urlsplit

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
    policydata.errors.DownloadError: Cannot download ftp://example.org/x.zip: ...
    """
    with _Watchdog(want.deadline) as watchdog, _session(watchdog) as session:
        download = _Download(want, session, watchdog, progress)
        for attempt in range(want.retries + 1):
            try:
                with atomic_file(target) as tmp:
                    download.attempt(tmp)
                return
            except _RetryError as exc:
                pause = BACKOFF * 2**attempt
                if attempt == want.retries:
                    raise DownloadError(
                        f"Downloading {want.shown} failed after {attempt + 1} attempt(s): {exc}.",
                        hint="Try again later; check the network connection (or the server).",
                        url=want.shown,
                    ) from None
                if pause >= download.left():
                    raise download.late(f"attempt {attempt + 1} failed ({exc}), no time is left") from None
                time.sleep(pause)


class _Watchdog:
    """Shuts down every socket of one download once its deadline has passed."""

    def __init__(self, seconds: float) -> None:
        self.start = time.monotonic()
        self.fired = threading.Event()
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.fired.is_set():
                _shut(sock)

    def _fire(self) -> None:
        with self._lock:
            self.fired.set()
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    # the plain socket's shutdown, also for a TLS socket: it wakes a thread blocked reading it
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _session(watchdog: _Watchdog) -> requests.Session:
    """A requests session whose every connection's socket the watchdog can shut down."""
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    class Plain(HTTPConnection):
        def _new_conn(self) -> socket.socket:
            sock = super()._new_conn()
            watchdog.watch(sock)
            return sock

    class Secure(HTTPSConnection):
        def _new_conn(self) -> socket.socket:
            sock = super()._new_conn()
            watchdog.watch(sock)  # before the TLS handshake, which a server may trickle too
            return sock

    class PlainPool(HTTPConnectionPool):
        ConnectionCls = Plain

    class SecurePool(HTTPSConnectionPool):
        ConnectionCls = Secure

    pools = {"http": PlainPool, "https": SecurePool}

    class Adapter(HTTPAdapter):
        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = pools

        def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
            manager = super().proxy_manager_for(proxy, **kwargs)
            manager.pool_classes_by_scheme = pools
            return manager

    session = requests.Session()
    for prefix in ("http://", "https://"):
        session.mount(prefix, Adapter())
    return session


class _Download:
    """The attempts of one download, sharing its deadline."""

    def __init__(
        self, want: Want, session: requests.Session, watchdog: _Watchdog, progress: Progress | None
    ) -> None:
        self.want = want
        self.session = session
        self.watchdog = watchdog
        self.progress = progress

    def left(self) -> float:
        return self.watchdog.start + self.want.deadline - time.monotonic()

    def late(self, what: str) -> DownloadError:
        """The error for a download past its deadline."""
        want = self.want
        return DownloadError(
            f"Downloading {want.shown} did not finish within its deadline of {want.deadline:.1f} s "
            f"({want.timeout:g} s to start plus {want.size:,} bytes at "
            f"{settings.ENV_DOWNLOAD_MIN_RATE}={settings.download_min_rate():g} bytes/s): {what}.",
            hint="The server is too slow or stalled; nothing was kept. Try again later, or allow a "
            f"slower transfer with a lower {settings.ENV_DOWNLOAD_MIN_RATE}.",
            url=want.shown,
        )

    def fatal(self, exc: BaseException | str) -> DownloadError:
        """The error for an address that asking again will not make downloadable."""
        what = exc if isinstance(exc, str) else _describe(self.want, exc)
        return DownloadError(
            f"Cannot download {self.want.shown}: {what}",
            hint=f"Check {settings.ENV_RELEASES_URL} (a mirror's base address, http:// or https://) "
            "and the network (a proxy, a certificate), then try again.",
            url=self.want.shown,
        )

    def attempt(self, out: Path) -> None:
        """One GET of the file into ``out``; :class:`_RetryError` for what another attempt may cure."""
        want = self.want
        with self._open() as response, out.open("wb") as fh:
            _check_response(want, response)
            digest = self._stream(response, fh)
        if digest != want.sha256:
            raise IntegrityError(
                f"The file downloaded from {want.shown} is not the one the release index records: "
                f"its sha256 is {digest}, expected {want.sha256}.",
                hint="It was deleted and nothing was cached. Try again later; if it persists, the "
                f"server at {settings.ENV_RELEASES_URL} serves another file than this installation's "
                "index expects.",
            )

    def _open(self) -> requests.Response:
        """GET the address, following redirects without reading their bodies; the final answer."""
        url = self.want.url
        for _ in range(MAX_REDIRECTS + 1):
            response = self._get(url)
            if not response.is_redirect:
                return response
            location = response.headers["Location"]
            response.close()  # its body may be endless: never read it
            try:
                url = urljoin(url, location)
                scheme = urlsplit(url).scheme
            except ValueError as exc:
                raise self.fatal(exc) from None
            if scheme not in ("http", "https"):
                raise self.fatal(f"it redirects to a {scheme or 'relative'}: address, not http(s)")
        raise self.fatal(f"more than {MAX_REDIRECTS} redirects")

    def _get(self, url: str) -> requests.Response:
        import requests

        left = self.left()
        if left <= 0 or self.watchdog.fired.is_set():
            raise self.late("no time was left to connect")
        try:
            # the session's adapter, not session.get: requests reads the whole body of a redirect
            # (to offer the next request) even when it does not follow redirects
            prepared = self.session.prepare_request(
                requests.Request("GET", url, headers={"Accept-Encoding": "identity"})
            )
            options = self.session.merge_environment_settings(prepared.url, {}, True, None, None)
            verify = options.get("verify")
            return self.session.get_adapter(str(prepared.url)).send(
                prepared,
                stream=True,
                timeout=min(self.want.timeout, left),
                verify=True if verify is None else verify,
                cert=options.get("cert"),
                proxies=options.get("proxies"),
            )
        except requests.RequestException as exc:
            if self.watchdog.fired.is_set():
                raise self.late("the server had not answered") from None
            if isinstance(exc, requests.Timeout):
                raise _RetryError(f"the server did not answer within {self.want.timeout:g} s") from None
            if isinstance(exc, requests.exceptions.SSLError | requests.exceptions.ProxyError):
                raise self.fatal(exc) from None
            if isinstance(exc, requests.ConnectionError | requests.exceptions.ChunkedEncodingError):
                raise _RetryError(_describe(self.want, exc)) from None
            raise self.fatal(exc) from None  # a malformed address, a scheme other than http(s)
        except ValueError as exc:  # urllib's own, for an address it cannot parse
            raise self.fatal(exc) from None

    def _stream(self, response: requests.Response, out: BinaryIO) -> str:
        """Copy at most ``want.size`` bytes of the body to ``out``; return their sha256."""
        import urllib3

        want, raw = self.want, response.raw
        digest, received = hashlib.sha256(), 0
        try:
            while received < want.size:
                block = raw.read1(min(CHUNK, want.size - received), decode_content=False)
                if not block:
                    raise _RetryError(f"the connection ended after {received:,} of {want.size:,} bytes")
                digest.update(block)
                out.write(block)
                received += len(block)
                if self.progress is not None:
                    self.progress(received, want.size)
        except (_RetryError, urllib3.exceptions.HTTPError, ConnectionError, TimeoutError) as exc:
            if self.watchdog.fired.is_set():
                raise self.late(f"{received:,} of {want.size:,} bytes had arrived") from None
            if isinstance(exc, _RetryError):
                raise
            if isinstance(exc, urllib3.exceptions.ReadTimeoutError):
                raise _RetryError(f"the server sent nothing for {want.timeout:g} s") from None
            raise _RetryError(f"after {received:,} bytes, {_describe(want, exc)}") from None
        return digest.hexdigest()


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
                f"(now {settings.redact_url(settings.releases_url())}); the release may not be "
                "published yet."
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
